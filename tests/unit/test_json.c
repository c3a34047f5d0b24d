// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of lib/json.c: exact output, escaping, nesting, misuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "format.h"
#include "json.h"

struct capture {
	char *buf;
	size_t len;
	FILE *f;
	struct vx_json *w;
};

static void capture_open(struct capture *c, bool pretty)
{
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	c->w = vx_json_create(c->f, pretty);
	assert_non_null(c->w);
}

/* Ends the document; returns the error code (0 for success). */
static int capture_close(struct capture *c)
{
	struct vx_error *err = vx_json_destroy(c->w);
	int code = err ? (int)err->code : 0;

	vx_error_destroy(err);
	fclose(c->f);
	return code;
}

static void test_compact_nested_object_and_array(void **state)
{
	struct capture c;

	capture_open(&c, false);
	vx_json_start_object(c.w);
	vx_json_uint_field(c.w, "size", 20480);
	vx_json_int_field(c.w, "delta", -4096);
	vx_json_bool_field(c.w, "vpages", true);
	vx_json_null_field(c.w, "module");
	vx_json_array_field(c.w, "numa");
	vx_json_start_object(c.w);
	vx_json_uint_field(c.w, "node", 0);
	vx_json_end_object(c.w);
	vx_json_start_array(c.w);
	vx_json_end_array(c.w);
	vx_json_end_array(c.w);
	vx_json_object_field(c.w, "empty");
	vx_json_end_object(c.w);
	vx_json_end_object(c.w);
	assert_int_equal(capture_close(&c), 0);
	assert_string_equal(c.buf,
		"{\"size\":20480,\"delta\":-4096,\"vpages\":true,"
		"\"module\":null,\"numa\":[{\"node\":0},[]],\"empty\":{}}\n");
	free(c.buf);
}

static void test_pretty_output_indents_four_spaces(void **state)
{
	struct capture c;

	capture_open(&c, true);
	vx_json_start_object(c.w);
	vx_json_array_field(c.w, "a");
	vx_json_uint(c.w, 1);
	vx_json_uint(c.w, 2);
	vx_json_end_array(c.w);
	vx_json_string_field(c.w, "b", "x");
	vx_json_end_object(c.w);
	assert_int_equal(capture_close(&c), 0);
	assert_string_equal(c.buf,
		"{\n    \"a\": [\n        1,\n        2\n    ],\n"
		"    \"b\": \"x\"\n}\n");
	free(c.buf);
}

static void test_addresses_are_zero_padded_strings(void **state)
{
	struct capture c;

	capture_open(&c, false);
	vx_json_start_object(c.w);
	vx_json_addr_field(c.w, "start", 0xffffb3c0c0000000ull);
	vx_json_addr_field(c.w, "hashed", 0xae65f804ull);
	vx_json_addr_field(c.w, "zero", 0);
	vx_json_end_object(c.w);
	assert_int_equal(capture_close(&c), 0);
	assert_string_equal(c.buf,
		"{\"start\":\"0xffffb3c0c0000000\","
		"\"hashed\":\"0x00000000ae65f804\","
		"\"zero\":\"0x0000000000000000\"}\n");
	free(c.buf);
}

static void test_integer_extremes_print_exactly(void **state)
{
	struct capture c;

	capture_open(&c, false);
	vx_json_start_array(c.w);
	vx_json_uint(c.w, UINT64_MAX);
	vx_json_int(c.w, INT64_MIN);
	vx_json_end_array(c.w);
	assert_int_equal(capture_close(&c), 0);
	assert_string_equal(c.buf,
		"[18446744073709551615,-9223372036854775808]\n");
	free(c.buf);
}

static void test_strings_escape_quotes_backslash_and_controls(void **state)
{
	struct capture c;

	capture_open(&c, false);
	vx_json_string(c.w, "a\"b\\c\n\t\r\x01\x1f\x7f/");
	assert_int_equal(capture_close(&c), 0);
	assert_string_equal(c.buf,
		"\"a\\\"b\\\\c\\n\\t\\r\\u0001\\u001f\\u007f/\"\n");
	free(c.buf);
}

static void test_valid_utf8_passes_invalid_becomes_replacement(void **state)
{
	struct capture c;

	capture_open(&c, false);
	vx_json_start_array(c.w);
	vx_json_string(c.w, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* lone continuation, overlong '/', surrogate, truncated sequence */
	vx_json_string(c.w, "\x80|\xc0\xaf|\xed\xa0\x80|\xe2\x82");
	vx_json_end_array(c.w);
	assert_int_equal(capture_close(&c), 0);
	assert_string_equal(c.buf,
		"[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\","
		"\"\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|"
		"\\ufffd\\ufffd\"]\n");
	free(c.buf);
}

static void test_embedded_nul_is_escaped_with_explicit_length(void **state)
{
	struct capture c;

	capture_open(&c, false);
	vx_json_string_len(c.w, "a\0b", 3);
	assert_int_equal(capture_close(&c), 0);
	assert_string_equal(c.buf, "\"a\\u0000b\"\n");
	free(c.buf);
}

static void test_null_string_is_json_null(void **state)
{
	struct capture c;

	capture_open(&c, false);
	vx_json_start_object(c.w);
	vx_json_string_field(c.w, "caller", NULL);
	vx_json_end_object(c.w);
	assert_int_equal(capture_close(&c), 0);
	assert_string_equal(c.buf, "{\"caller\":null}\n");
	free(c.buf);
}

static void test_value_without_name_in_object_is_reported(void **state)
{
	struct capture c;

	capture_open(&c, false);
	vx_json_start_object(c.w);
	vx_json_uint(c.w, 1);
	vx_json_end_object(c.w);
	assert_int_equal(capture_close(&c), VX_ERR_INVALID);
	free(c.buf);
}

static void test_unbalanced_end_is_reported(void **state)
{
	struct capture c;

	capture_open(&c, false);
	vx_json_start_array(c.w);
	vx_json_end_object(c.w);
	assert_int_equal(capture_close(&c), VX_ERR_INVALID);
	free(c.buf);
}

static void test_unclosed_document_is_reported(void **state)
{
	struct capture c;

	capture_open(&c, false);
	vx_json_start_object(c.w);
	vx_json_name(c.w, "x");
	assert_int_equal(capture_close(&c), VX_ERR_INVALID);
	free(c.buf);
}

static void test_name_outside_object_is_reported(void **state)
{
	struct capture c;

	capture_open(&c, false);
	vx_json_start_array(c.w);
	vx_json_name(c.w, "x");
	assert_int_equal(capture_close(&c), VX_ERR_INVALID);
	free(c.buf);
}

static void test_nesting_beyond_limit_is_reported_not_crashing(void **state)
{
	struct capture c;
	int i;

	capture_open(&c, false);
	for (i = 0; i < VX_JSON_MAX_DEPTH + 5; i++)
		vx_json_start_array(c.w);
	for (i = 0; i < VX_JSON_MAX_DEPTH + 5; i++)
		vx_json_end_array(c.w);
	assert_int_equal(capture_close(&c), VX_ERR_INVALID);
	free(c.buf);
}

static void test_max_depth_itself_is_allowed(void **state)
{
	struct capture c;
	int i;

	capture_open(&c, false);
	for (i = 0; i < VX_JSON_MAX_DEPTH; i++)
		vx_json_start_array(c.w);
	for (i = 0; i < VX_JSON_MAX_DEPTH; i++)
		vx_json_end_array(c.w);
	assert_int_equal(capture_close(&c), 0);
	assert_int_equal(c.len, 2 * VX_JSON_MAX_DEPTH + 1);
	free(c.buf);
}

static void test_second_top_level_value_is_reported(void **state)
{
	struct capture c;

	capture_open(&c, false);
	vx_json_uint(c.w, 1);
	vx_json_uint(c.w, 2);
	assert_int_equal(capture_close(&c), VX_ERR_INVALID);
	assert_string_equal(c.buf, "1");
	free(c.buf);
}

/*
 * Text output: a string from the dump (a comm set with prctl, a module or
 * resource name) reaches the terminal with its control characters and
 * bytes >= 0x7f as \xNN, so it cannot send escape sequences; cut at a
 * character, never inside an escape.
 */
static void test_printable_escapes_controls_and_high_bytes(void **state)
{
	char buf[VX_PRINTABLE_SIZE], small[6];

	assert_string_equal(vx_printable("kworker/0:1", buf, sizeof(buf)), "kworker/0:1");
	assert_string_equal(vx_printable("a\033]0;pwn\007b", buf, sizeof(buf)),
			    "a\\x1b]0;pwn\\x07b");
	assert_string_equal(vx_printable("\r\n\t\x7f\x9b\xff", buf, sizeof(buf)),
			    "\\x0d\\x0a\\x09\\x7f\\x9b\\xff");
	assert_string_equal(vx_printable("ab\033cd", small, sizeof(small)), "ab");
	assert_string_equal(vx_printable("abcdefghij", small, sizeof(small)), "abcde");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact_nested_object_and_array),
		cmocka_unit_test(test_pretty_output_indents_four_spaces),
		cmocka_unit_test(test_addresses_are_zero_padded_strings),
		cmocka_unit_test(test_integer_extremes_print_exactly),
		cmocka_unit_test(test_strings_escape_quotes_backslash_and_controls),
		cmocka_unit_test(test_valid_utf8_passes_invalid_becomes_replacement),
		cmocka_unit_test(test_embedded_nul_is_escaped_with_explicit_length),
		cmocka_unit_test(test_null_string_is_json_null),
		cmocka_unit_test(test_value_without_name_in_object_is_reported),
		cmocka_unit_test(test_unbalanced_end_is_reported),
		cmocka_unit_test(test_unclosed_document_is_reported),
		cmocka_unit_test(test_printable_escapes_controls_and_high_bytes),
		cmocka_unit_test(test_name_outside_object_is_reported),
		cmocka_unit_test(test_nesting_beyond_limit_is_reported_not_crashing),
		cmocka_unit_test(test_max_depth_itself_is_allowed),
		cmocka_unit_test(test_second_top_level_value_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

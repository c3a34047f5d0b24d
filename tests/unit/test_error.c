// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/error.c: the wording of out-of-memory errors and of wrapped context; one line always. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"

static void test_nomem_names_its_context_then_says_out_of_memory(void **state)
{
	struct vx_error *err = vx_error_nomem_in("%s: %d lines", "snap", 3);

	assert_int_equal(err->code, VX_ERR_NOMEM);
	assert_string_equal(err->message, "snap: 3 lines: out of memory");
	err = vx_error_wrap(err, "reading %s", "it");
	assert_string_equal(err->message, "reading it: snap: 3 lines: out of memory");
	vx_error_destroy(err);
}

static void test_static_nomem_says_out_of_memory_and_survives_wrap(void **state)
{
	struct vx_error *err = vx_error_wrap(&vx_error_nomem, "context");

	assert_ptr_equal(err, &vx_error_nomem);
	assert_string_equal(err->message, "out of memory");
	vx_error_destroy(err);
	assert_string_equal(vx_error_nomem.message, "out of memory");
}

/* A dump's bytes quoted in an error (fuzz_dumpopen: a utsname with newlines). */
static void test_quoted_control_characters_keep_the_error_one_line(void **state)
{
	struct vx_error *err = vx_error_create(VX_ERR_UNSUPPORTED,
					       "machine \"%s\"", "YMBOL\nx\t\x7f");

	assert_string_equal(err->message, "machine \"YMBOL?x??\"");
	err = vx_error_wrap(err, "%s", "a\rb");
	assert_string_equal(err->message, "a?b: machine \"YMBOL?x??\"");
	vx_error_destroy(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nomem_names_its_context_then_says_out_of_memory),
		cmocka_unit_test(test_static_nomem_says_out_of_memory_and_survives_wrap),
		cmocka_unit_test(test_quoted_control_characters_keep_the_error_one_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

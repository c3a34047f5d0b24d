// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "types_contract.h"

static struct vx_types *open_source(void **state)
{
	const struct types_contract *c = *state;

	return c->open();
}

void types_expect_member(struct vx_types *ty, const char *type,
			 const char *path, uint64_t offset, uint64_t size)
{
	struct vx_member m;
	struct vx_error *err = vx_member(ty, type, path, &m);

	if (err)
		fail_msg("%s.%s: %s", type, path, err->message);
	assert_int_equal(m.offset, offset);
	assert_int_equal(m.size, size);
}

void types_expect_size(struct vx_types *ty, const char *type, uint64_t size)
{
	uint64_t got = 0;
	struct vx_error *err = vx_type_size(ty, type, &got);

	if (err)
		fail_msg("sizeof %s: %s", type, err->message);
	assert_int_equal(got, size);
}

/* err is code and its message holds every string of want (NULL-ended). */
static void expect_error(struct vx_error *err, enum vx_error_code code,
			 const char *const *want)
{
	assert_non_null(err);
	assert_int_equal(err->code, code);
	for (; *want; want++)
		if (!strstr(err->message, *want))
			fail_msg("'%s' not in '%s'", *want, err->message);
	assert_null(strchr(err->message, '\n'));
	vx_error_destroy(err);
}

void contract_anonymous_union_members_are_direct(void **state)
{
	struct vx_types *ty = open_source(state);

	types_expect_size(ty, "vmap_area", 72);
	types_expect_member(ty, "vmap_area", "va_start", 0, 8);
	types_expect_member(ty, "vmap_area", "rb_node", 16, 24);
	types_expect_member(ty, "vmap_area", "list", 40, 16);
	types_expect_member(ty, "vmap_area", "vm", 56, 8);
	types_expect_member(ty, "vmap_area", "subtree_max_size", 56, 8);
	types_expect_member(ty, "vmap_area", "purge_list", 56, 8);
	types_expect_member(ty, "vmap_area", "flags", 64, 8);
	vx_types_destroy(ty);
}

void contract_nested_paths_add_offsets(void **state)
{
	struct vx_types *ty = open_source(state);

	types_expect_member(ty, "vmap_node", "busy.head", 6160, 16);
	types_expect_member(ty, "vmap_node", "lazy.head", 6192, 16);
	types_expect_member(ty, "vmap_node", "busy.head.prev", 6168, 8);
	types_expect_member(ty, "vmap_area", "rb_node.rb_left", 32, 8);
	types_expect_member(ty, "vmap_node", "purge_list", 6216, 16);
	vx_types_destroy(ty);
}

void contract_array_member_size_is_whole_array(void **state)
{
	struct vx_types *ty = open_source(state);

	types_expect_member(ty, "vmap_node", "pool", 0, 256 * 24);
	types_expect_size(ty, "vmap_pool", 24);
	types_expect_member(ty, "vmap_pool", "len", 16, 8);
	vx_types_destroy(ty);
}

void contract_typedef_of_anonymous_struct(void **state)
{
	struct vx_types *ty = open_source(state);

	types_expect_size(ty, "nodemask_t", 128);
	types_expect_member(ty, "nodemask_t", "bits", 0, 128);
	vx_types_destroy(ty);
}

/* The byte holding the first bit, and every byte the field touches. */
void contract_bitfields_report_containing_bytes(void **state)
{
	struct vx_types *ty = open_source(state);

	types_expect_member(ty, "flags_word", "lo", 0, 1);
	types_expect_member(ty, "flags_word", "mid", 0, 2);
	types_expect_member(ty, "flags_word", "hi", 1, 2);
	vx_types_destroy(ty);
}

void contract_absent_member_or_type_is_not_found_naming_both(void **state)
{
	const struct types_contract *c = *state;
	struct vx_types *ty = open_source(state);
	const char *const member[] = { "requested_size", "vmap_area", c->source,
				       NULL };
	const char *const type[] = { "no_such_struct", NULL };
	struct vx_member m;
	uint64_t size;

	/* Twice: the second answer comes from the cache and must agree. */
	for (int round = 0; round < 2; round++)
		expect_error(vx_member(ty, "vmap_area", "requested_size", &m),
			     VX_ERR_NOT_FOUND, member);
	expect_error(vx_member(ty, "no_such_struct", "x", &m),
		     VX_ERR_NOT_FOUND, type);
	expect_error(vx_type_size(ty, "no_such_struct", &size),
		     VX_ERR_NOT_FOUND, type);
	vx_types_destroy(ty);
}

void contract_path_through_a_scalar_is_not_found(void **state)
{
	const struct types_contract *c = *state;
	struct vx_types *ty = open_source(state);
	const char *const want[] = { "vmap_area.va_start.x", "not inside a struct",
				     c->source, NULL };
	struct vx_member m;

	expect_error(vx_member(ty, "vmap_area", "va_start.x", &m),
		     VX_ERR_NOT_FOUND, want);
	vx_types_destroy(ty);
}

void contract_bad_paths_are_usage_errors(void **state)
{
	struct vx_types *ty = open_source(state);
	const char *const want[] = { "bad member path", NULL };
	char long_path[300];
	struct vx_member m;

	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	expect_error(vx_member(ty, "vmap_area", "", &m), VX_ERR_USAGE, want);
	expect_error(vx_member(ty, "vmap_area", long_path, &m), VX_ERR_USAGE,
		     want);
	vx_types_destroy(ty);
}

void contract_cached_answers_equal_first_answers(void **state)
{
	struct vx_types *ty = open_source(state);
	struct vx_member first, again;

	assert_null(vx_member(ty, "vmap_node", "busy.head", &first));
	for (int i = 0; i < 100; i++) {
		assert_null(vx_member(ty, "vmap_node", "busy.head", &again));
		assert_memory_equal(&first, &again, sizeof(first));
	}
	vx_types_destroy(ty);
}

static int64_t enum_value(struct vx_types *ty, const char *name)
{
	int64_t v = 0;
	struct vx_error *err = vx_type_enum_value(ty, name, &v);

	if (err)
		fail_msg("%s: %s", name, err->message);
	return v;
}

void contract_enum_constants_have_their_values(void **state)
{
	struct vx_types *ty = open_source(state);
	int64_t v;

	assert_int_equal(enum_value(ty, "PCPU_CHUNK_ROOT"), 0);
	assert_int_equal(enum_value(ty, "PCPU_NR_CHUNK_TYPES"), 2);
	assert_int_equal(enum_value(ty, "PCPU_FAIL_ALLOC"), 2);
	assert_int_equal(enum_value(ty, "SIGN_NEG"), -3);
	expect_error(vx_type_enum_value(ty, "PCPU_NO_SUCH", &v), VX_ERR_NOT_FOUND,
		     (const char *const[]){ "PCPU_NO_SUCH", NULL });
	vx_types_destroy(ty);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The DWARF type source on a small shared object compiled here with
 * "cc -g" from three CUs: the shared contract of every type source
 * (types_contract.h) on its kernel-shaped structs, then what is DWARF's
 * own: a struct defined differently in two CUs, a hinted CU
 * (mm/vmalloc.c) that must win over an earlier CU's definition,
 * declarations, qualifiers, flexible arrays, files without DWARF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "types_dwarf.h"
#include "types.h"
#include "types_contract.h"

static char dir[64];
static char fixture[128];

static const char first_cu[] =
	"struct vm_info;\n"
	"struct vm_info *vm_ptr;\n"
	"/* An unrelated vmap_area in an earlier CU: mm/vmalloc.c must win. */\n"
	"struct vmap_area { long other; unsigned long va_start; } early_va;\n"
	"struct dup { int x; } dup_a;\n"
	"struct flags_word { unsigned int lo:3, mid:10; unsigned int hi:8; } fw;\n"
	"typedef struct { unsigned long bits[16]; } nodemask_t;\n"
	"nodemask_t nm;\n"
	"enum pcpu_chunk_type { PCPU_CHUNK_ROOT, PCPU_CHUNK_MEMCG,\n"
	"	PCPU_NR_CHUNK_TYPES, PCPU_FAIL_ALLOC = PCPU_NR_CHUNK_TYPES } chunk_type;\n"
	"enum signs { SIGN_NEG = -3 } sign;\n";

static const char second_cu[] =
	"struct dup { long y; long x; } dup_b;\n"
	"struct vm_info { struct vm_info *next; void *addr;\n"
	"	unsigned long size, flags; void **pages;\n"
	"	unsigned int page_order, nr_pages; unsigned long phys_addr;\n"
	"	const void *caller; } vm_obj;\n"
	"/* Hinted to mm/vmalloc.c, which does not define it. */\n"
	"struct vmap_block { int x; } block_obj;\n";

static const char vmalloc_cu[] =
	"struct list_head { struct list_head *next, *prev; };\n"
	"struct rb_node { unsigned long __rb_parent_color;\n"
	"	struct rb_node *rb_right, *rb_left; };\n"
	"struct llist_node { struct llist_node *next; };\n"
	"struct vm_struct;\n"
	"struct vmap_area { unsigned long va_start, va_end;\n"
	"	struct rb_node rb_node; struct list_head list;\n"
	"	union { unsigned long subtree_max_size; struct vm_struct *vm;\n"
	"		struct llist_node purge_list; };\n"
	"	unsigned long flags; } va_obj;\n"
	"struct rb_list { struct rb_node *root; struct list_head head; int lock; };\n"
	"struct vmap_pool { struct list_head head; unsigned long len; };\n"
	"static struct vmap_node { struct vmap_pool pool[256]; int pool_lock;\n"
	"	_Bool skip_populate; struct rb_list busy, lazy;\n"
	"	struct list_head purge_list; } single;\n"
	"struct vmap_node *vmap_nodes = &single;\n"
	"typedef const volatile struct vmap_area cv_area_t;\n"
	"struct holder { cv_area_t *p; struct { int a; union { int b; long c; }; };\n"
	"	char tail[]; } *holder_ptr;\n";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* Compile the fixture once for all tests; skip them all if there is no cc. */
static int setup(void **state)
{
	char cmd[512], path[128];
	const char *cc = getenv("CC") ? getenv("CC") : "cc";

	strcpy(dir, "/tmp/vmapx-dwarf-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/mm", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/first.c", dir);
	write_file(path, first_cu);
	snprintf(path, sizeof(path), "%s/second.c", dir);
	write_file(path, second_cu);
	snprintf(path, sizeof(path), "%s/mm/vmalloc.c", dir);
	write_file(path, vmalloc_cu);
	snprintf(fixture, sizeof(fixture), "%s/fixture.so", dir);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && %s -g -O0 -shared -fPIC -nostdlib -o fixture.so "
		 "first.c second.c mm/vmalloc.c 2>/dev/null", dir, cc);
	if (system(cmd) != 0)
		fixture[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct vx_types *open_fixture(void)
{
	struct vx_types *ty = NULL;
	struct vx_error *err;

	if (!fixture[0])
		skip();
	err = vx_dwarf_types_open(fixture, &ty);
	if (err)
		fail_msg("%s", err->message);
	assert_string_equal(ty->source, "DWARF (vmlinux)");
	return ty;
}

static struct types_contract dwarf_contract = {
	.open = open_fixture,
	.source = "DWARF",
};

/* first.c's 16-byte vmap_area comes first; mm/vmalloc.c's is the kernel's. */
static void test_hinted_cu_wins_over_an_earlier_definition(void **state)
{
	struct vx_types *ty = open_fixture();

	types_expect_size(ty, "vmap_area", 72);
	types_expect_member(ty, "vmap_area", "va_start", 0, 8);
	vx_types_destroy(ty);
}

static void test_qualified_typedef_anonymous_members_and_flexible_array(void **state)
{
	struct vx_types *ty = open_fixture();

	types_expect_size(ty, "cv_area_t", 72);
	types_expect_member(ty, "cv_area_t", "flags", 64, 8);
	types_expect_member(ty, "holder", "p", 0, 8);
	types_expect_member(ty, "holder", "a", 8, 4);
	types_expect_member(ty, "holder", "c", 16, 8);
	types_expect_member(ty, "holder", "tail", 24, 0);
	vx_types_destroy(ty);
}

/* A declaration in an earlier CU does not hide the definition in a later one. */
static void test_declaration_is_skipped_for_later_definition(void **state)
{
	struct vx_types *ty = open_fixture();

	types_expect_size(ty, "vm_info", 64);
	types_expect_member(ty, "vm_info", "nr_pages", 44, 4);
	types_expect_member(ty, "vm_info", "caller", 56, 8);
	vx_types_destroy(ty);
}

/*
 * The CU known to define a type is trusted: if it exists and lacks the
 * type, the kernel has no such type (no full scan of 900 MB of DWARF),
 * even if an unrelated CU defines something of that name.
 */
static void test_hinted_cu_without_the_type_means_absent(void **state)
{
	struct vx_types *ty = open_fixture();
	struct vx_error *err;
	uint64_t size;

	err = vx_type_size(ty, "vmap_block", &size);
	assert_non_null(err);
	assert_int_equal(err->code, VX_ERR_NOT_FOUND);
	assert_non_null(strstr(err->message, "vmap_block"));
	vx_error_destroy(err);
	vx_types_destroy(ty);
}

/*
 * Two different definitions: the first CU's, whether or not a full scan
 * (for an absent type) already indexed both.
 */
static void test_first_definition_wins_whatever_was_asked_before(void **state)
{
	struct vx_types *ty = open_fixture();
	struct vx_error *err;
	uint64_t size;

	types_expect_member(ty, "dup", "x", 0, 4);
	vx_types_destroy(ty);
	ty = open_fixture();
	err = vx_type_size(ty, "no_such_type", &size);
	assert_int_equal(err->code, VX_ERR_NOT_FOUND);
	vx_error_destroy(err);
	types_expect_member(ty, "dup", "x", 0, 4);
	vx_types_destroy(ty);
}

static void test_missing_file_and_file_without_dwarf_fail_clearly(void **state)
{
	struct vx_types *ty = NULL;
	struct vx_error *err;
	char path[160];

	err = vx_dwarf_types_open("/nonexistent/vmlinux", &ty);
	assert_int_equal(err->code, VX_ERR_IO);
	assert_non_null(strstr(err->message, "/nonexistent/vmlinux"));
	vx_error_destroy(err);
	snprintf(path, sizeof(path), "%s/not-elf", dir);
	write_file(path, "this is not an ELF file\n");
	err = vx_dwarf_types_open(path, &ty);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "no DWARF"));
	assert_null(strchr(err->message, '\n'));
	vx_error_destroy(err);
	assert_null(ty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TYPES_CONTRACT_TESTS(dwarf_contract),
		cmocka_unit_test(test_hinted_cu_wins_over_an_earlier_definition),
		cmocka_unit_test(test_qualified_typedef_anonymous_members_and_flexible_array),
		cmocka_unit_test(test_declaration_is_skipped_for_later_definition),
		cmocka_unit_test(test_hinted_cu_without_the_type_means_absent),
		cmocka_unit_test(test_first_definition_wins_whatever_was_asked_before),
		cmocka_unit_test(test_missing_file_and_file_without_dwarf_fail_clearly),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

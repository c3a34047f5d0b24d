// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dumps whose page filter left out pages vmapx needs (fake kernel with
 * excluded pages): the list walked from both ends, the rb-tree descended
 * for what lies between, links taken only when they link back, lines
 * whose vm_struct is gone saying so, and one statement of the cause.
 * Every expected text lists only areas that are on the kernel's lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_kernel.h"
#include "walk.h"

#define V FK_VMALLOC_START

static uint64_t caller;

static struct fake_kernel *new_kernel(enum fk_gen gen)
{
	struct fake_kernel *fk = fake_kernel_new(gen);

	caller = fake_kernel_add_text(fk, "vmalloc_caller", 0x100) + 0x10;
	fake_kernel_add_text(fk, "_etext", 0x10);
	fake_kernel_set_dump_level(fk, 31);
	return fk;
}

/*
 * A vmalloc area at V + 0x10000 * i on node, its vmap_area alone on a
 * page (so one page can be excluded), its vm_struct and pages[] on
 * another.  *vm gets the vm_struct's address.
 */
static uint64_t add_area(struct fake_kernel *fk, int node, int i, uint64_t *vm)
{
	uint64_t start = V + 0x10000ULL * i, va;
	struct fk_vm v = {
		.addr = start, .size = 0x2000, .flags = VX_VM_ALLOC,
		.nr_pages = 1, .caller = caller,
	};

	v.pages = fake_kernel_pages_on(fk, 1, 0);
	fake_kernel_next_page(fk);
	va = fake_kernel_add_area(fk, node, start, start + 0x2000, &v, 0, vm);
	fake_kernel_next_page(fk);
	return va;
}

static char *line(int i)
{
	char *s;

	if (asprintf(&s, "0x%016llx-0x%016llx    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n",
		     (unsigned long long)(V + 0x10000ULL * i),
		     (unsigned long long)(V + 0x10000ULL * i + 0x2000)) < 0)
		abort();
	return s;
}

/* The lines of areas idx[0..n) (their index i), in that order. */
static char *lines(const int *idx, size_t n)
{
	char *all = strdup(""), *l, *joined;

	for (size_t j = 0; j < n; j++) {
		l = line(idx[j]);
		if (asprintf(&joined, "%s%s", all, l) < 0)
			abort();
		free(all);
		free(l);
		all = joined;
	}
	return all;
}

/* The report of the last print(). */
static struct vx_report report;

static size_t skips_with(const char *part)
{
	size_t n = 0;

	for (size_t i = 0; i < report.nr_skips; i++)
		n += strstr(report.skips[i], part) != NULL;
	return n;
}

static struct vx_kernel *print(struct fake_kernel *fk, const char *want)
{
	struct vx_kernel *k = NULL;
	struct vx_error *err;
	char *text;

	vx_report_fini(&report);
	err = fake_kernel_vmallocinfo(fk, VX_KPTR_RAW, &text, &k, &report);
	if (err)
		fail_msg("vmallocinfo: %s", err->message);
	assert_string_equal(text, want);
	free(text);
	return k;
}

/* One area's page gone: the walk goes on from the list's tail. */
static void test_612_hole_walked_from_both_ends(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);
	static const int printed[] = { 0, 1, 3, 4 };
	uint64_t va[5];
	struct vx_kernel *k;
	char *want;

	for (int i = 0; i < 5; i++)
		va[i] = add_area(fk, 0, i, NULL);
	fake_kernel_exclude_page(fk, va[2]);
	want = lines(printed, 4);
	k = print(fk, want);
	assert_int_equal(skips_with("vmap_nodes[0].busy"), 1);
	assert_int_equal(skips_with("1 vmap_areas known to be on the list are not readable"), 1);
	assert_int_equal(skips_with("walking back from the tail"), 1);
	free(want);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/*
 * 6.1: areas 1 and 5 gone cut the list from both ends; 3 is the tree's
 * root, and 2 and 4 its list neighbours: all three come back.
 */
static void test_61_tree_descent_reaches_between_two_holes(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_61);
	static const int printed[] = { 0, 2, 3, 4, 6 };
	uint64_t va[7];
	struct vx_kernel *k;
	char *want;

	for (int i = 0; i < 7; i++)
		va[i] = add_area(fk, 0, i, NULL);
	fake_kernel_exclude_page(fk, va[1]);
	fake_kernel_exclude_page(fk, va[5]);
	want = lines(printed, 5);
	k = print(fk, want);
	assert_int_equal(skips_with("recovered 4 more areas (1 walking back from the tail, 3 through the tree and links, 0 from the vmap_area slabs)"), 1);
	assert_int_equal(skips_with("2 vmap_areas known to be on the list are not readable"), 1);
	free(want);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/*
 * A freed vmap_area still linking to live ones is never taken: area 1's
 * next is made to point at one (as if the list were torn there), and it
 * does not link back.
 */
static void test_612_stale_link_is_not_followed(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);
	uint64_t list_off = fake_kernel_offset(fk, "vmap_area", "list");
	uint64_t vm_off = fake_kernel_offset(fk, "vmap_area", "vm");
	static const int printed[] = { 0, 1, 2, 3 };
	uint64_t va[4], vm, stale;
	struct vx_kernel *k;
	char *want;

	for (int i = 0; i < 4; i++)
		va[i] = add_area(fk, 0, i, i == 3 ? &vm : NULL);
	stale = fake_kernel_alloc(fk, 72);
	fake_kernel_put_u64(fk, stale, V + 0x50000);
	fake_kernel_put_u64(fk, stale + 8, V + 0x52000);
	fake_kernel_put_u64(fk, stale + vm_off, vm);
	fake_kernel_put_u64(fk, stale + list_off, va[2] + list_off);
	fake_kernel_put_u64(fk, stale + list_off + 8, va[0] + list_off);
	fake_kernel_put_u64(fk, va[1] + list_off, stale + list_off);
	want = lines(printed, 4);
	k = print(fk, want);
	assert_int_equal(skips_with("list.prev"), 1);
	free(want);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/* A vm_struct on an excluded page: the range, and that the rest is unknown. */
static void test_612_lost_vm_struct_line_says_unknown(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);
	static const int first[] = { 0 }, last[] = { 2 };
	uint64_t vm_off = fake_kernel_offset(fk, "vmap_area", "vm");
	uint64_t vm, moved, va;
	struct vx_kernel *k;
	char *a, *c, *want;

	add_area(fk, 0, 0, NULL);
	va = add_area(fk, 0, 1, &vm);
	add_area(fk, 0, 2, NULL);
	/* The vm_struct moved to a page of its own, and that page dropped. */
	moved = fake_kernel_alloc(fk, 80);
	for (int i = 0; i < 80; i += 8)
		fake_kernel_put_u64(fk, moved + i, fake_kernel_get_u64(fk, vm + i));
	fake_kernel_put_u64(fk, va + vm_off, moved);
	fake_kernel_exclude_page(fk, moved);
	a = lines(first, 1);
	c = lines(last, 1);
	if (asprintf(&want, "%s0xffffc90000010000-0xffffc90000012000    8192 [vm_struct not in dump: caller, pages, flags unknown]\n%s",
		     a, c) < 0)
		abort();
	k = print(fk, want);
	assert_int_equal(skips_with("0 vmap_areas, 1 vm_structs"), 1);
	free(a);
	free(c);
	free(want);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/*
 * pages[] on an excluded page: the node counts come from the page
 * tables (the same frames), so the line is whole; without page tables
 * for it the line says its counts are unknown.
 */
static void test_612_node_counts_from_page_tables(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);
	static const int nids[] = { 1, 0, 1 };
	struct fk_vm v = {
		.addr = V, .size = 0x4000, .flags = VX_VM_ALLOC,
		.nr_pages = 3, .caller = caller,
	};
	struct fk_vm w = v;
	struct vx_kernel *k;

	/* Both pages[] arrays on a page of their own, the areas elsewhere. */
	fake_kernel_next_page(fk);
	v.pages = fake_kernel_pages(fk, 3, nids, false);
	w.addr = V + 0x10000;
	w.pages = fake_kernel_pages(fk, 3, nids, false);
	fake_kernel_next_page(fk);
	fake_kernel_add_area(fk, 0, V, V + 0x4000, &v, 0, NULL);
	fake_kernel_add_area(fk, 0, V + 0x10000, V + 0x14000, &w, 0, NULL);
	fake_kernel_map_pages(fk, V, v.pages, 3);
	fake_kernel_next_page(fk);
	fake_kernel_exclude_page(fk, v.pages);
	k = print(fk, "0xffffc90000000000-0xffffc90000004000   16384 vmalloc_caller+0x10/0x100 pages=3 vmalloc N0=1 N1=2\n"
		      "0xffffc90000010000-0xffffc90000014000   16384 vmalloc_caller+0x10/0x100 pages=3 vmalloc [N<n>= unknown: pages[] not in dump]\n");
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/*
 * Output that is parsed back (--diff) leaves the lines marked unknown
 * out instead of failing to parse them.
 */
static void test_only_known_lines_leaves_marked_lines_out(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);
	uint64_t vm_off = fake_kernel_offset(fk, "vmap_area", "vm");
	static const int printed[] = { 0, 2 };
	uint64_t vm, va, moved;
	struct vx_kernel *k;
	struct vx_vmap m;
	char *text = NULL, *want;
	size_t len;
	FILE *f;

	add_area(fk, 0, 0, NULL);
	va = add_area(fk, 0, 1, &vm);
	add_area(fk, 0, 2, NULL);
	moved = fake_kernel_alloc(fk, 80);
	for (int i = 0; i < 80; i += 8)
		fake_kernel_put_u64(fk, moved + i, fake_kernel_get_u64(fk, vm + i));
	fake_kernel_put_u64(fk, va + vm_off, moved);
	fake_kernel_exclude_page(fk, moved);
	assert_null(vx_kernel_open(fake_kernel_target(fk), &k));
	vx_report_fini(&report);
	assert_null(vx_walk(k, &report, VX_WALK_PRINTED, &m));
	f = open_memstream(&text, &len);
	k->only_known_lines = true;
	assert_null(vx_print_vmallocinfo(k, &report, &m, VX_KPTR_RAW, f));
	fclose(f);
	want = lines(printed, 2);
	assert_string_equal(text, want);
	free(want);
	free(text);
	vx_vmap_free(&m);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/* Two nodes broken: one line per list, one statement of the cause. */
static void test_612_cause_said_once_with_dump_level(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);
	static const int printed[] = { 0, 4, 1, 5 };
	uint64_t va[6];
	struct vx_kernel *k;
	char *want;

	for (int i = 0; i < 6; i++)
		va[i] = add_area(fk, i % 2, i, NULL);
	fake_kernel_exclude_page(fk, va[2]);
	fake_kernel_exclude_page(fk, va[3]);
	want = lines(printed, 4);
	k = print(fk, want);
	assert_int_equal(skips_with("vmap_nodes[0].busy"), 1);
	assert_int_equal(skips_with("vmap_nodes[1].busy"), 1);
	assert_int_equal(skips_with("page filter"), 1);
	assert_int_equal(skips_with("makedumpfile dump level 31: zero cache private cache user free pages excluded"), 1);
	/* No vmap_area cache here: the slabs could not say whether more were lost. */
	assert_int_equal(skips_with("holding at least 2 vmap_areas (the slabs could not be scanned), 0 vm_structs"), 1);
	assert_int_equal(skips_with("re-capture"), 1);
	free(want);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/*
 * 7.2 dumped by any Debian makedumpfile: a tail page of the vmap_nodes
 * array is dropped.  Node 1's list heads are gone, with them the way to
 * its areas; node 0 prints, and the cause names the lost heads.
 */
static void test_72_lost_vmap_node_heads_are_named(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_72);
	static const int printed[] = { 0, 2 };
	uint64_t nodes, vn_size = 6272;
	struct vx_kernel *k;
	char *want;

	for (int i = 0; i < 4; i++)
		add_area(fk, i % 2, i, NULL);
	nodes = fake_kernel_get_u64(fk, fake_kernel_global(fk, "vmap_nodes"));
	fake_kernel_exclude_page(fk, nodes + vn_size +
				 fake_kernel_offset(fk, "vmap_node", "busy.head"));
	want = lines(printed, 2);
	k = print(fk, want);
	assert_int_equal(skips_with("and 2 list heads (vmap_nodes[1].busy, vmap_nodes[1].lazy: the areas on them are lost)"), 1);
	free(want);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/* A dump that records no level says so instead of guessing one. */
static void test_cause_without_dump_level(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_72);
	static const int printed[] = { 0, 2 };
	uint64_t va[3];
	struct vx_kernel *k;
	char *want;

	fake_kernel_set_dump_level(fk, -1);
	for (int i = 0; i < 3; i++)
		va[i] = add_area(fk, 0, i, NULL);
	fake_kernel_exclude_page(fk, va[1]);
	want = lines(printed, 2);
	k = print(fk, want);
	assert_int_equal(skips_with("dump level not recorded"), 1);
	free(want);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/* An excluded page that holds nothing vmapx reads changes nothing. */
static void test_unrelated_excluded_page_changes_nothing(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);
	static const int printed[] = { 0, 1 };
	struct vx_kernel *k;
	char *want;

	add_area(fk, 0, 0, NULL);
	add_area(fk, 0, 1, NULL);
	fake_kernel_exclude_page(fk, fake_kernel_alloc(fk, 4096));
	want = lines(printed, 2);
	k = print(fk, want);
	assert_int_equal(report.nr_skips, 0);
	free(want);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_612_hole_walked_from_both_ends),
		cmocka_unit_test(test_61_tree_descent_reaches_between_two_holes),
		cmocka_unit_test(test_612_stale_link_is_not_followed),
		cmocka_unit_test(test_612_lost_vm_struct_line_says_unknown),
		cmocka_unit_test(test_612_node_counts_from_page_tables),
		cmocka_unit_test(test_only_known_lines_leaves_marked_lines_out),
		cmocka_unit_test(test_612_cause_said_once_with_dump_level),
		cmocka_unit_test(test_72_lost_vmap_node_heads_are_named),
		cmocka_unit_test(test_cause_without_dump_level),
		cmocka_unit_test(test_unrelated_excluded_page_changes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

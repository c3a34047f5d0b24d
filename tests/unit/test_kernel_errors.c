// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Error paths of opening and walking a kernel: missing or truncated
 * kallsyms, cyclic and broken lists, unreadable structures, absurd
 * counts.  Each either fails with a clear error or prints what it can
 * and records a skip; none may hang (an alarm turns a hang into a fail).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_kernel.h"
#include "modes.h"
#include "walk.h"

#define V FK_VMALLOC_START
#define HANG_SECONDS 20

static uint64_t caller;

static struct fake_kernel *new_kernel(enum fk_gen gen)
{
	struct fake_kernel *fk = fake_kernel_new(gen);

	caller = fake_kernel_add_text(fk, "vmalloc_caller", 0x100) + 0x10;
	fake_kernel_add_text(fk, "_etext", 0x10);
	return fk;
}

static uint64_t add_vmalloc(struct fake_kernel *fk, int node, uint64_t start)
{
	struct fk_vm vm = {
		.addr = start, .size = 0x2000, .flags = VX_VM_ALLOC,
		.nr_pages = 1, .caller = caller,
		.pages = fake_kernel_pages_on(fk, 1, 0),
	};

	return fake_kernel_add_area(fk, node, start, start + 0x2000, &vm, 0,
				    NULL);
}

static void assert_contains(const char *s, const char *part)
{
	if (!strstr(s, part))
		fail_msg("\"%s\" does not contain \"%s\"", s, part);
}

/* Print; expect output want and at least one skip containing skip. */
static void expect_skipped(struct fake_kernel *fk, const char *want,
			   const char *skip)
{
	struct vx_kernel *k = NULL;
	struct vx_report r;
	struct vx_error *err;
	bool found = false;
	char *text;

	vx_report_init(&r);
	alarm(HANG_SECONDS);
	err = fake_kernel_vmallocinfo(fk, VX_KPTR_RAW, &text, &k, &r);
	alarm(0);
	if (err)
		fail_msg("vmallocinfo: %s", err->message);
	assert_string_equal(text, want);
	assert_true(r.nr_skips > 0);
	for (size_t i = 0; i < r.nr_skips; i++)
		found |= strstr(r.skips[i], skip) != NULL;
	if (!found)
		fail_msg("no skip mentions \"%s\"; first: %s", skip,
			 r.skips[0]);
	free(text);
	vx_report_fini(&r);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

static uint64_t list_of(struct fake_kernel *fk, uint64_t va)
{
	return va + fake_kernel_offset(fk, "vmap_area", "list");
}

/* Lines of add_vmalloc() areas at V + 0x10000 * i. */
static const char *const vline[] = {
	"0xffffc90000000000-0xffffc90000002000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n",
	"0xffffc90000010000-0xffffc90000012000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n",
	"0xffffc90000020000-0xffffc90000022000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n",
	"0xffffc90000030000-0xffffc90000032000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n",
};

static char *join(const char *a, const char *b, const char *c, const char *d)
{
	char *s;

	if (asprintf(&s, "%s%s%s%s", a, b ? b : "", c ? c : "", d ? d : "") < 0)
		abort();
	return s;
}

/* ---- opening ------------------------------------------------------------ */

/* No kallsyms in VMCOREINFO and none in the image to scan for. */
static void test_missing_kallsyms_is_a_clear_error(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_61);
	struct vx_kernel *k = NULL;
	struct vx_error *err;

	fake_kernel_drop_kallsyms(fk);
	alarm(HANG_SECONDS);
	err = vx_kernel_open(fake_kernel_target(fk), &k);
	alarm(0);
	assert_non_null(err);
	assert_null(k);
	assert_contains(err->message, "kallsyms");
	vx_error_destroy(err);
	fake_kernel_free(fk);
}

/* kallsyms_num_syms claims more names than kallsyms_names holds. */
static void test_truncated_kallsyms_names_is_an_error(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);
	struct vx_kernel *k = NULL;
	struct vx_error *err;

	fake_kernel_overstate_num_syms(fk, 3);
	err = vx_kernel_open(fake_kernel_target(fk), &k);
	assert_non_null(err);
	assert_null(k);
	assert_int_equal(err->code, VX_ERR_INVALID);
	assert_contains(err->message, "kallsyms_names");
	vx_error_destroy(err);
	fake_kernel_free(fk);
}

/* ---- walking ------------------------------------------------------------ */

/* B.next points back to A: A's prev (the head) then disagrees. */
static void test_busy_list_cycle_stops_with_skip(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_61);
	uint64_t a = add_vmalloc(fk, 0, V);
	uint64_t b = add_vmalloc(fk, 0, V + 0x10000);
	char *want;

	add_vmalloc(fk, 0, V + 0x20000);
	fake_kernel_add_lazy(fk, 0, V + 0x40000, V + 0x41000);
	fake_kernel_put_u64(fk, list_of(fk, b), list_of(fk, a));
	/* The third area is still reached from the list's tail. */
	want = join(vline[0], vline[1], vline[2],
		    "0xffffc90000040000-0xffffc90000041000    4096 unpurged vm_area\n");
	expect_skipped(fk, want, "list.prev");
	free(want);
}

/* A 6.12 node's busy list cycling back to its first entry. */
static void test_612_busy_list_cycle_stops_with_skip(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);
	uint64_t a = add_vmalloc(fk, 0, V);
	uint64_t b = add_vmalloc(fk, 0, V + 0x20000);
	char *want;

	add_vmalloc(fk, 1, V + 0x10000);
	fake_kernel_put_u64(fk, list_of(fk, b), list_of(fk, a));
	want = join(vline[0], vline[2], vline[1], NULL);
	expect_skipped(fk, want, "vmap_nodes[0].busy");
	free(want);
}

/*
 * 5.10's lazy llist has no back pointers: L1 -> L3 closes a cycle
 * L3, L2, L1, L3, ...  Each area is printed once, then the walk stops.
 */
static void test_510_lazy_llist_cycle_prints_each_area_once(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_510);
	uint64_t purge = fake_kernel_offset(fk, "vmap_area", "purge_list");
	uint64_t l1, l3;
	char *want;

	add_vmalloc(fk, 0, V);
	l1 = fake_kernel_add_lazy(fk, 0, V + 0x40000, V + 0x41000);
	fake_kernel_add_lazy(fk, 0, V + 0x50000, V + 0x52000);
	l3 = fake_kernel_add_lazy(fk, 0, V + 0x60000, V + 0x63000);
	fake_kernel_put_u64(fk, l1 + purge, l3 + purge);
	want = join(vline[0],
		    "0xffffc90000060000-0xffffc90000063000   12288 unpurged vm_area\n",
		    "0xffffc90000050000-0xffffc90000052000    8192 unpurged vm_area\n",
		    "0xffffc90000040000-0xffffc90000041000    4096 unpurged vm_area\n");
	expect_skipped(fk, want, "vmap_purge_list");
	free(want);
}

/*
 * A corrupt prev pointer ends that list's forward walk; its last area
 * is recovered from the tail, and the next node's list is walked.
 */
static void test_612_prev_mismatch_stops_that_list_only(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);
	uint64_t c;
	char *want;

	add_vmalloc(fk, 0, V);
	add_vmalloc(fk, 0, V + 0x20000);
	c = add_vmalloc(fk, 0, V + 0x40000);
	add_vmalloc(fk, 1, V + 0x10000);
	fake_kernel_put_u64(fk, list_of(fk, c) + 8, 0xffff888000abc000ULL);
	want = join(vline[0], vline[2],
		    "0xffffc90000040000-0xffffc90000042000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n",
		    vline[1]);
	expect_skipped(fk, want, "list.prev 0xffff888000abc000");
	free(want);
}

/* The rest of the lines are still printed around an unreadable vm_struct. */
static void test_510_unreadable_vm_struct_is_skipped(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_510);
	uint64_t b, vm_off = fake_kernel_offset(fk, "vmap_area", "vm");
	char *want;

	add_vmalloc(fk, 0, V);
	b = add_vmalloc(fk, 0, V + 0x10000);
	add_vmalloc(fk, 0, V + 0x20000);
	fake_kernel_add_lazy(fk, 0, V + 0x40000, V + 0x41000);
	fake_kernel_put_u64(fk, b + vm_off, FK_UNMAPPED);
	want = join(vline[0], vline[2],
		    "0xffffc90000040000-0xffffc90000041000    4096 unpurged vm_area\n",
		    NULL);
	expect_skipped(fk, want, "vm_struct at 0xffff888100000000");
	free(want);
}

/*
 * A next pointer into nothing: the lines before it are printed, and the
 * one after it, reached walking back from the tail.
 */
static void test_61_unreadable_vmap_area_stops_walk_with_skip(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_61);
	uint64_t b;
	char *want;

	add_vmalloc(fk, 0, V);
	b = add_vmalloc(fk, 0, V + 0x10000);
	add_vmalloc(fk, 0, V + 0x20000);
	fake_kernel_put_u64(fk, list_of(fk, b), FK_UNMAPPED + 40);
	want = join(vline[0], vline[1], vline[2], NULL);
	expect_skipped(fk, want, "reading vmap_area at 0xffff888100000000");
	free(want);
}

/*
 * nr_pages larger than size / PAGE_SIZE is corruption: the line is
 * printed as the kernel would, the node counts are skipped, and nothing
 * of nr_pages' size is allocated or read.
 */
static void test_absurd_nr_pages_skips_node_counts(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_72);
	struct fk_vm vm = {
		.addr = V, .size = 0x2000, .flags = VX_VM_ALLOC,
		.nr_pages = 1ULL << 60, .caller = caller,
		.pages = fake_kernel_pages_on(fk, 1, 0),
	};

	fake_kernel_add_area(fk, 0, V, V + 0x2000, &vm, 0, NULL);
	expect_skipped(fk,
		"0xffffc90000000000-0xffffc90000002000    8192 vmalloc_caller+0x10/0x100 pages=1152921504606846976 vmalloc\n",
		"1152921504606846976 pages in 8192 bytes");
}

/* A page id beyond nr_node_ids would index out of the counters. */
static void test_node_id_beyond_nr_node_ids_skips_node_counts(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_61);
	struct fk_vm vm = {
		.addr = V, .size = 0x2000, .flags = VX_VM_ALLOC,
		.nr_pages = 1, .caller = caller,
		.pages = fake_kernel_pages_on(fk, 1, 700),
	};

	fake_kernel_add_area(fk, 0, V, V + 0x2000, &vm, 0, NULL);
	expect_skipped(fk,
		"0xffffc90000000000-0xffffc90000002000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc\n",
		"on node 700 of 4");
}

static void expect_walk_error(struct fake_kernel *fk, const char *part)
{
	struct vx_error *err;
	char *text;

	alarm(HANG_SECONDS);
	err = fake_kernel_vmallocinfo(fk, VX_KPTR_RAW, &text, NULL, NULL);
	alarm(0);
	assert_non_null(err);
	assert_null(text);
	assert_contains(err->message, part);
	vx_error_destroy(err);
	fake_kernel_free(fk);
}

static void test_612_zero_vmap_nodes_is_an_error(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);

	add_vmalloc(fk, 0, V);
	fake_kernel_set_vmap_nodes(fk, 0);
	expect_walk_error(fk, "nr_vmap_nodes is 0");
}

static void test_612_huge_vmap_nodes_is_an_error(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);

	add_vmalloc(fk, 0, V);
	fake_kernel_set_vmap_nodes(fk, 0xfffffff0);
	expect_walk_error(fk, "nr_vmap_nodes is 4294967280");
}

/* vmap_nodes pointing at nothing: every node list is a skip, no lines. */
static void test_612_unreadable_vmap_nodes_array_is_skipped(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);

	add_vmalloc(fk, 0, V);
	fake_kernel_put_u64(fk, fake_kernel_global(fk, "vmap_nodes"),
			    FK_UNMAPPED);
	expect_skipped(fk, "", "vmap_nodes[1].lazy");
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * The same skip on every node list (a corrupt vmap_nodes pointer) prints
 * as one counted line per kind; -v (all) prints every one.
 */
static void test_612_same_skips_print_once_with_a_count(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);
	struct vx_report r;
	struct vx_error *err;
	char *text, *out = NULL;
	size_t len;
	FILE *f;

	add_vmalloc(fk, 0, V);
	fake_kernel_put_u64(fk, fake_kernel_global(fk, "vmap_nodes"),
			    FK_UNMAPPED);
	vx_report_init(&r);
	err = fake_kernel_vmallocinfo(fk, VX_KPTR_RAW, &text, NULL, &r);
	assert_null(err);
	assert_true(r.nr_skips >= 4);
	f = open_memstream(&out, &len);
	vx_report_print_skips(&r, f, "vmapx: ", false);
	fclose(f);
	assert_true(count_lines(out) < r.nr_skips);
	assert_contains(out, "skipped 2 times: vmap_nodes[0].busy");
	assert_contains(out, "-v lists all");
	free(out);
	f = open_memstream(&out, &len);
	vx_report_print_skips(&r, f, "vmapx: ", true);
	fclose(f);
	assert_int_equal(count_lines(out), r.nr_skips);
	free(out);
	free(text);
	vx_report_fini(&r);
	fake_kernel_free(fk);
}

/* A list head pointing at itself: no area at all is said, not printed as "". */
static void test_61_empty_lists_are_a_skip(void **state)
{
	expect_skipped(new_kernel(FK_61), "", "no vmap_area at all");
}

/* One run of vmapx ARGS on k, as a front end runs it; returns the status. */
static int run_on(struct vx_kernel *k, const char *args, struct vx_report *r)
{
	char buf[128], *argv[8], *save = NULL;
	struct vx_input in = { .path = "fake", .k = k };
	struct vx_options o;
	char *out = NULL;
	size_t len;
	int argc = 0;
	FILE *f;

	snprintf(buf, sizeof(buf), "vmapx %s fake", args);
	for (char *w = strtok_r(buf, " ", &save); w && argc < 7;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	assert_null(vx_options_parse(argc, argv, VX_FE_TOOL, &o));
	f = open_memstream(&out, &len);
	vx_report_init(r);
	assert_null(vx_dispatch(&o, &in, f, r));
	fclose(f);
	free(out);
	return r->status;
}

/*
 * What the open could not learn (here ptr_key) is reported by the runs
 * that depend on it (-p hash), not by every later run.
 */
static void test_open_fact_reported_only_by_runs_needing_it(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);
	struct vx_kernel *k = NULL;
	struct vx_report r;

	add_vmalloc(fk, 0, V);
	assert_null(vx_kernel_open(fake_kernel_target(fk), &k));
	k->ptr_key_error = strdup("0xffffffff81000000: not readable");
	assert_int_equal(run_on(k, "", &r), VX_EXIT_OK);
	assert_int_equal(r.nr_skips, 0);
	vx_report_fini(&r);
	run_on(k, "--frag", &r);	/* the fake has no free tree: skips */
	for (size_t i = 0; i < r.nr_skips; i++)
		assert_null(strstr(r.skips[i], "ptr_key"));
	vx_report_fini(&r);
	assert_int_equal(run_on(k, "-p hash", &r), VX_EXIT_INCOMPLETE);
	assert_int_equal(r.nr_skips, 1);
	assert_contains(r.skips[0], "ptr_key: 0xffffffff81000000: not readable");
	vx_report_fini(&r);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/* A kernel kept open (crash) carries no skip from one run to the next. */
static void test_each_run_has_its_own_skips(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612);
	struct vx_kernel *k = NULL;
	struct vx_report first, second;

	add_vmalloc(fk, 0, V);
	fake_kernel_put_u64(fk, fake_kernel_global(fk, "vmap_nodes"),
			    FK_UNMAPPED);
	assert_null(vx_kernel_open(fake_kernel_target(fk), &k));
	assert_int_equal(run_on(k, "", &first), VX_EXIT_INCOMPLETE);
	assert_int_equal(run_on(k, "", &second), VX_EXIT_INCOMPLETE);
	assert_true(first.nr_skips > 0);
	assert_int_equal(second.nr_skips, first.nr_skips);
	for (size_t i = 0; i < first.nr_skips; i++)
		assert_string_equal(second.skips[i], first.skips[i]);
	vx_report_fini(&first);
	vx_report_fini(&second);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/*
 * Corrupt type information: a member the walker takes from a copied
 * vmap_area or vm_struct at an offset past the copy is refused at open
 * (without the check, ASan: a read past the walker's 256-byte buffer).
 */
static void expect_layout_refused(enum fk_gen gen, const char *type,
				  const char *path, uint64_t offset,
				  uint64_t size)
{
	struct fake_kernel *fk = new_kernel(gen);

	add_vmalloc(fk, 0, V);
	fake_kernel_move_member(fk, type, path, offset, size);
	expect_walk_error(fk, "lies outside it");
}

static void test_member_outside_its_struct_is_refused(void **state)
{
	expect_layout_refused(FK_61, "vmap_area", "va_end", 200, 8);
	expect_layout_refused(FK_612, "vmap_area", "vm", 0x10000, 8);
	expect_layout_refused(FK_61, "vm_struct", "caller", UINT64_MAX - 4, 8);
	/* rb_node's own member reaching past the vmap_area holding it */
	expect_layout_refused(FK_61, "rb_node", "rb_left", 240, 8);
	/* nr_pages wider than the 8 bytes the walker copies it into */
	expect_layout_refused(FK_510, "vm_struct", "nr_pages", 8, 16);
}

static void test_max_numnodes_not_a_power_of_two_is_refused(void **state)
{
	const uint64_t bad[] = { 1, 3, 2048, 1ULL << 63 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fake_kernel *fk = new_kernel(FK_61);

		add_vmalloc(fk, 0, V);
		fake_kernel_set_max_numnodes(fk, bad[i]);
		expect_walk_error(fk, "LENGTH(node_data)");
	}
}

static void test_read_past_the_top_of_memory_is_a_fault(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_61);
	struct vx_target *t = fake_kernel_target(fk);
	struct vx_error *err;
	uint8_t buf[16];

	err = vx_read(t, UINT64_MAX - 7, buf, 16);
	assert_non_null(err);
	assert_int_equal(err->code, VX_ERR_FAULT);
	assert_contains(err->message, "past the top of the address space");
	vx_error_destroy(err);
	fake_kernel_free(fk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_kallsyms_is_a_clear_error),
		cmocka_unit_test(test_truncated_kallsyms_names_is_an_error),
		cmocka_unit_test(test_busy_list_cycle_stops_with_skip),
		cmocka_unit_test(test_612_busy_list_cycle_stops_with_skip),
		cmocka_unit_test(test_510_lazy_llist_cycle_prints_each_area_once),
		cmocka_unit_test(test_612_prev_mismatch_stops_that_list_only),
		cmocka_unit_test(test_510_unreadable_vm_struct_is_skipped),
		cmocka_unit_test(test_61_unreadable_vmap_area_stops_walk_with_skip),
		cmocka_unit_test(test_absurd_nr_pages_skips_node_counts),
		cmocka_unit_test(test_node_id_beyond_nr_node_ids_skips_node_counts),
		cmocka_unit_test(test_612_zero_vmap_nodes_is_an_error),
		cmocka_unit_test(test_612_huge_vmap_nodes_is_an_error),
		cmocka_unit_test(test_612_unreadable_vmap_nodes_array_is_skipped),
		cmocka_unit_test(test_612_same_skips_print_once_with_a_count),
		cmocka_unit_test(test_open_fact_reported_only_by_runs_needing_it),
		cmocka_unit_test(test_each_run_has_its_own_skips),
		cmocka_unit_test(test_61_empty_lists_are_a_skip),
		cmocka_unit_test(test_member_outside_its_struct_is_refused),
		cmocka_unit_test(test_max_numnodes_not_a_power_of_two_is_refused),
		cmocka_unit_test(test_read_past_the_top_of_memory_is_a_fault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of lib/diff.c: a snapshot against itself, and edited copies
 * (lines removed, added, resized, rehashed with another key) giving
 * exactly those differences, in each matching mode.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diff.h"

#define NR_BASE 24
#define BASE_ADDR 0xffffc90000000000ull

/* How a generated snapshot differs from the base one. */
struct edit {
	int form;		/* VX_ADDR_REAL, _HASHED or _ZEROED */
	uint64_t key;		/* hashed form: the "ptr_key" */
	int remove;		/* index of a base line to leave out, or -1 */
	int resize;		/* index of a base line to grow by 4096, or -1 */
	const char *extra;	/* fields of an added line, or NULL */
	int64_t extra_size;
	uint64_t shift;		/* added to every real address (KASLR) */
};

static const struct edit unedited = { VX_ADDR_REAL, 0, -1, -1, NULL, 0, 0 };

/* A stand-in for SipHash: any key-dependent 32-bit mixing will do here. */
static uint64_t fake_hash(uint64_t addr, uint64_t key)
{
	uint64_t x = addr ^ key;

	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ull;
	x ^= x >> 29;
	return x & 0xffffffffull;
}

static uint64_t shown(const struct edit *e, uint64_t addr)
{
	if (e->form == VX_ADDR_ZEROED)
		return 0;
	if (e->form == VX_ADDR_HASHED)
		return fake_hash(addr, e->key);
	return addr + e->shift;
}

static void put_line(FILE *f, const struct edit *e, uint64_t start,
		     int64_t size, const char *fields)
{
	fprintf(f, "0x%016" PRIx64 "-0x%016" PRIx64 " %7" PRId64 " %s\n",
		shown(e, start), shown(e, start + size), size, fields);
}

static const char *base_fields(int i, int64_t *size)
{
	static const char *const callers[] = {
		"pages=4 vmalloc N0=4",
		"phys=0x00000000fed00000 ioremap",
		"pages=2 vmalloc N0=2",
		"vm_map_ram",
	};
	static char buf[128];

	*size = i % 4 == 3 ? 1048576 : i % 4 == 1 ? 8192 : 20480 - 8192 * (i % 4 == 2);
	if (i % 4 == 3)
		return callers[3];
	snprintf(buf, sizeof(buf), "%s+0x%x/0x100%s %s",
		 i % 4 == 1 ? "acpi_os_map_iomem" : "module_alloc",
		 0x10 + i, i % 4 == 2 ? " [nf_tables]" : "", callers[i % 4]);
	return buf;
}

static struct vx_snapshot *make_snapshot(const struct edit *e)
{
	struct vx_snapshot *snap = NULL;
	struct vx_error *err;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int64_t size;
	const char *fields;
	int i;

	assert_non_null(f);
	for (i = 0; i < NR_BASE; i++) {
		if (i == e->remove)
			continue;
		fields = base_fields(i, &size);
		if (i == e->resize)
			size += 4096;
		put_line(f, e, BASE_ADDR + (uint64_t)i * 0x200000, size, fields);
	}
	if (e->extra)
		put_line(f, e, BASE_ADDR + 0x10000000, e->extra_size, e->extra);
	fclose(f);
	err = vx_vmparse_buffer("gen", text, len, 0, &snap);
	if (err)
		fail_msg("generated snapshot does not parse: %s\n%s", err->message, text);
	free(text);
	return snap;
}

static struct vx_diff *diff_inputs(const struct vx_diff_input *a,
				   const struct vx_diff_input *b)
{
	struct vx_diff *diff = NULL;
	struct vx_error *err = vx_diff_compute(a, b, &diff);

	if (err)
		fail_msg("diff failed: %s", err->message);
	return diff;
}

static struct vx_diff *diff_snaps(const struct vx_snapshot *a,
				  const struct vx_snapshot *b)
{
	struct vx_diff_input in_a = { .snap = a }, in_b = { .snap = b };

	return diff_inputs(&in_a, &in_b);
}

static size_t count(const struct vx_diff *d, enum vx_diff_change change,
		    bool noise)
{
	size_t i, n = 0;

	for (i = 0; i < d->nr_entries; i++)
		n += d->entries[i].change == change && d->entries[i].noise == noise;
	return n;
}

static void assert_counts(const struct vx_diff *d, size_t appeared,
			  size_t disappeared, size_t changed)
{
	assert_int_equal(count(d, VX_DIFF_APPEARED, false), appeared);
	assert_int_equal(count(d, VX_DIFF_DISAPPEARED, false), disappeared);
	assert_int_equal(count(d, VX_DIFF_CHANGED, false), changed);
}

static void test_real_snapshot_against_itself_has_no_differences(void **state)
{
	struct vx_snapshot *a = make_snapshot(&unedited);
	struct vx_diff *d = diff_snaps(a, a);

	assert_false(vx_diff_differs(d));
	assert_int_equal(d->match, VX_MATCH_ADDRESS);
	assert_int_equal(d->boot, VX_BOOT_SAME);
	vx_diff_destroy(d);
	vx_snapshot_destroy(a);
}

static void test_real_edits_give_exactly_those_differences(void **state)
{
	struct edit e = unedited;
	struct vx_snapshot *a = make_snapshot(&unedited), *b;
	struct vx_diff *d;
	const struct vx_diff_entry *x;

	e.remove = 5;
	e.resize = 8;
	e.extra = "leaky_alloc+0x1c/0x80 [leaky] pages=16 vmalloc N0=16";
	e.extra_size = 69632;
	b = make_snapshot(&e);
	d = diff_snaps(a, b);
	assert_true(vx_diff_differs(d));
	assert_int_equal(d->match, VX_MATCH_ADDRESS);
	assert_int_equal(d->nr_entries, 3);
	assert_counts(d, 1, 1, 1);
	x = &d->entries[0];
	assert_int_equal(x->change, VX_DIFF_APPEARED);
	assert_string_equal(x->new->symbol, "leaky_alloc");
	x = &d->entries[1];
	assert_int_equal(x->change, VX_DIFF_DISAPPEARED);
	assert_int_equal(x->old->start, BASE_ADDR + 5 * 0x200000);
	x = &d->entries[2];
	assert_int_equal(x->change, VX_DIFF_CHANGED);
	assert_int_equal(x->old->size + 4096, x->new->size);
	assert_int_equal(x->old->start, x->new->start);
	vx_diff_destroy(d);
	vx_snapshot_destroy(a);
	vx_snapshot_destroy(b);
}

static void test_hashed_edits_match_by_hash_exactly(void **state)
{
	struct edit h = unedited;
	struct vx_snapshot *a, *b;
	struct vx_diff *d;

	h.form = VX_ADDR_HASHED;
	h.key = 0x1234;
	a = make_snapshot(&h);
	h.remove = 0;
	h.resize = 4;
	h.extra = "leaky_alloc+0x1c/0x80 [leaky] pages=16 vmalloc N0=16";
	h.extra_size = 69632;
	b = make_snapshot(&h);
	d = diff_snaps(a, b);
	assert_int_equal(d->match, VX_MATCH_HASHED_ADDRESS);
	assert_int_equal(d->boot, VX_BOOT_SAME);
	assert_int_equal(d->nr_entries, 3);
	assert_counts(d, 1, 1, 1);
	vx_diff_destroy(d);
	vx_snapshot_destroy(a);
	vx_snapshot_destroy(b);
}

static void test_hashes_from_another_key_say_different_boot(void **state)
{
	struct edit h = unedited;
	struct vx_snapshot *a, *b, *c;
	struct vx_diff *d;

	h.form = VX_ADDR_HASHED;
	h.key = 0x1111;
	a = make_snapshot(&h);
	h.key = 0x2222;
	b = make_snapshot(&h);
	d = diff_snaps(a, b);
	assert_int_equal(d->match, VX_MATCH_MULTISET);
	assert_int_equal(d->boot, VX_BOOT_DIFFERENT);
	assert_non_null(strstr(d->reason, "different boot"));
	assert_false(vx_diff_differs(d));
	vx_diff_destroy(d);

	h.remove = 6;	/* a line with a caller no other line has */
	c = make_snapshot(&h);
	d = diff_snaps(a, c);
	assert_int_equal(d->nr_entries, 1);
	assert_counts(d, 0, 1, 0);
	assert_int_equal(d->entries[0].old->lineno, 7);
	vx_diff_destroy(d);
	vx_snapshot_destroy(a);
	vx_snapshot_destroy(b);
	vx_snapshot_destroy(c);
}

static void test_zeroed_snapshots_match_as_multisets(void **state)
{
	struct edit z = unedited;
	struct vx_snapshot *a, *b;
	struct vx_diff *d;

	z.form = VX_ADDR_ZEROED;
	a = make_snapshot(&z);
	d = diff_snaps(a, a);
	assert_false(vx_diff_differs(d));
	assert_int_equal(d->match, VX_MATCH_MULTISET);
	assert_int_equal(d->boot, VX_BOOT_UNKNOWN);
	vx_diff_destroy(d);

	z.remove = 1;
	z.resize = 2;
	z.extra = "0xffffffffc0a01234 pages=1 vmalloc N0=1";
	z.extra_size = 8192;
	b = make_snapshot(&z);
	d = diff_snaps(a, b);
	/* the resized line pairs with its old size by caller and flags */
	assert_int_equal(d->nr_entries, 3);
	assert_counts(d, 1, 1, 1);
	assert_int_equal(d->entries[2].new->size - d->entries[2].old->size, 4096);
	vx_diff_destroy(d);
	vx_snapshot_destroy(a);
	vx_snapshot_destroy(b);
}

static void test_hashed_snapshot_matches_dump_by_its_hashed_rendering(void **state)
{
	struct edit h = unedited;
	struct vx_snapshot *snap, *dump_real, *dump_hashed;
	struct vx_diff_input old = { 0 }, new = { 0 };
	struct vx_diff *d;

	h.form = VX_ADDR_HASHED;
	h.key = 0x77;
	snap = make_snapshot(&h);
	h.extra = "leaky_alloc+0x1c/0x80 [leaky] pages=16 vmalloc N0=16";
	h.extra_size = 69632;
	dump_hashed = make_snapshot(&h);
	h.form = VX_ADDR_REAL;
	dump_real = make_snapshot(&h);
	old.snap = snap;
	new.snap = dump_real;
	new.hashed = dump_hashed;
	d = diff_inputs(&old, &new);
	assert_int_equal(d->match, VX_MATCH_HASHED_ADDRESS);
	assert_int_equal(d->boot, VX_BOOT_SAME);
	assert_int_equal(d->nr_entries, 1);
	assert_counts(d, 1, 0, 0);
	/* the dump's lines are reported with their real addresses */
	assert_int_equal(d->entries[0].new->start, BASE_ADDR + 0x10000000);
	vx_diff_destroy(d);

	d = diff_inputs(&new, &old);
	assert_int_equal(d->match, VX_MATCH_HASHED_ADDRESS);
	assert_counts(d, 0, 1, 0);
	assert_int_equal(d->entries[0].old->start, BASE_ADDR + 0x10000000);
	vx_diff_destroy(d);

	/* without the hashed rendering only the multiset is possible */
	new.hashed = NULL;
	d = diff_inputs(&old, &new);
	assert_int_equal(d->match, VX_MATCH_MULTISET);
	assert_int_equal(d->nr_entries, 1);
	vx_diff_destroy(d);
	vx_snapshot_destroy(snap);
	vx_snapshot_destroy(dump_real);
	vx_snapshot_destroy(dump_hashed);
}

static void test_hashed_rendering_must_correspond_to_the_dump(void **state)
{
	struct edit h = unedited;
	struct vx_snapshot *snap, *dump_real, *dump_hashed;
	struct vx_diff_input old = { 0 }, new = { 0 };
	struct vx_diff *d = NULL;
	struct vx_error *err;

	h.form = VX_ADDR_HASHED;
	snap = make_snapshot(&h);
	h.remove = 3;
	dump_hashed = make_snapshot(&h);
	h.remove = -1;
	h.form = VX_ADDR_REAL;
	dump_real = make_snapshot(&h);
	old.snap = snap;
	new.snap = dump_real;
	new.hashed = dump_hashed;
	err = vx_diff_compute(&old, &new, &d);
	assert_non_null(err);
	assert_null(d);
	assert_non_null(strstr(err->message, "hashed rendering of gen has 23 lines"));
	vx_error_destroy(err);
	vx_snapshot_destroy(snap);
	vx_snapshot_destroy(dump_real);
	vx_snapshot_destroy(dump_hashed);
}

static void test_real_snapshot_outside_dump_windows_is_another_boot(void **state)
{
	struct edit moved = unedited;
	struct vx_snapshot *dump = make_snapshot(&unedited), *snap;
	struct vx_diff_input old = { 0 }, new = { 0 };
	struct vx_diff *d;

	moved.shift = -0x240000000000ull;	/* vmalloc_base 0xffffa50000000000 */
	snap = make_snapshot(&moved);
	old.snap = snap;
	new.snap = dump;
	new.windows_known = true;
	new.vmalloc_start = BASE_ADDR;
	new.vmalloc_end = BASE_ADDR + (32ull << 40);
	new.modules_start = 0xffffffffc0000000ull;
	new.modules_end = 0xffffffffff000000ull;
	d = diff_inputs(&old, &new);
	assert_int_equal(d->match, VX_MATCH_MULTISET);
	assert_int_equal(d->boot, VX_BOOT_DIFFERENT);
	assert_non_null(strstr(d->reason, "24 areas lie outside"));
	assert_false(vx_diff_differs(d));
	vx_diff_destroy(d);

	/* inside the windows: the same boot, matched by address */
	old.snap = dump;
	d = diff_inputs(&old, &new);
	assert_int_equal(d->match, VX_MATCH_ADDRESS);
	vx_diff_destroy(d);
	vx_snapshot_destroy(snap);
	vx_snapshot_destroy(dump);
}

static void test_real_snapshots_without_common_addresses_are_another_boot(void **state)
{
	struct edit moved = unedited;
	struct vx_snapshot *a = make_snapshot(&unedited), *b;
	struct vx_diff *d;

	moved.shift = 0x40000000;
	moved.remove = 2;
	b = make_snapshot(&moved);
	d = diff_snaps(a, b);
	assert_int_equal(d->match, VX_MATCH_MULTISET);
	assert_int_equal(d->boot, VX_BOOT_DIFFERENT);
	assert_counts(d, 0, 1, 0);
	vx_diff_destroy(d);
	vx_snapshot_destroy(a);
	vx_snapshot_destroy(b);
}

static void test_reused_address_with_new_owner_is_gone_and_new(void **state)
{
	struct vx_snapshot *a = make_snapshot(&unedited), *b;
	struct vx_diff *d;
	struct edit e = unedited;

	e.remove = 0;
	b = make_snapshot(&e);
	/* b: line 0's range now belongs to someone else */
	{
		struct vx_error *err;
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		put_line(f, &e, BASE_ADDR, 20480, "other_owner+0x5/0x10 pages=4 vmalloc N0=4");
		vx_snapshot_print(f, b);
		fclose(f);
		vx_snapshot_destroy(b);
		err = vx_vmparse_buffer("reuse", text, len, 0, &b);
		assert_null(err);
		free(text);
	}
	d = diff_snaps(a, b);
	assert_int_equal(d->match, VX_MATCH_ADDRESS);
	assert_int_equal(d->nr_entries, 2);
	assert_counts(d, 1, 1, 0);
	assert_string_equal(d->entries[0].new->symbol, "other_owner");
	assert_string_equal(d->entries[1].old->symbol, "module_alloc");
	vx_diff_destroy(d);
	vx_snapshot_destroy(a);
	vx_snapshot_destroy(b);
}

static void test_unpurged_and_task_stack_churn_is_hidden_noise(void **state)
{
	struct edit e = unedited;
	struct vx_snapshot *a = make_snapshot(&unedited), *b, *c;
	struct vx_diff_group *g;
	struct vx_diff *d;
	size_t n;

	e.extra = "unpurged vm_area";
	e.extra_size = 20480;
	b = make_snapshot(&e);
	d = diff_snaps(a, b);
	assert_true(vx_diff_differs(d));	/* exit status 1 even so */
	assert_int_equal(d->nr_noise, 1);
	assert_counts(d, 0, 0, 0);
	assert_int_equal(count(d, VX_DIFF_APPEARED, true), 1);
	assert_null(vx_diff_summary(d, false, false, &g, &n));
	assert_int_equal(n, 0);
	free(g);
	assert_null(vx_diff_summary(d, true, false, &g, &n));
	assert_int_equal(n, 1);
	assert_string_equal(g[0].name, "unpurged vm_area");
	free(g);
	vx_diff_destroy(d);

	e.extra = "kernel_clone+0x94/0x3e0 pages=4 vmalloc N0=4";
	c = make_snapshot(&e);
	d = diff_snaps(a, c);
	assert_int_equal(d->nr_noise, 1);
	assert_true(d->entries[0].noise);
	vx_diff_destroy(d);
	vx_snapshot_destroy(a);
	vx_snapshot_destroy(b);
	vx_snapshot_destroy(c);
}

static void test_task_stack_rule_needs_stack_size_and_core_caller(void **state)
{
	struct vx_vmline l = { 0 };

	l.kind = VX_VMLINE_VM;
	l.symbol = "dup_task_struct";
	l.caller = "dup_task_struct+0x4c/0x1e0";
	l.size = 20480;
	l.flags = VX_VM_ALLOC;
	assert_true(vx_diff_line_is_noise(&l));
	l.size = 24576;
	assert_false(vx_diff_line_is_noise(&l));
	l.size = 20480;
	l.module = "mod";
	assert_false(vx_diff_line_is_noise(&l));
	l.module = NULL;
	l.symbol = "copy_process_helper";
	assert_false(vx_diff_line_is_noise(&l));
}

static void test_summary_is_per_caller_and_module_largest_first(void **state)
{
	struct edit e = unedited;
	struct vx_snapshot *a = make_snapshot(&unedited), *b;
	struct vx_diff_group *g;
	struct vx_diff *d;
	size_t n;

	e.remove = 2;	/* module_alloc [nf_tables], 12288 bytes */
	e.resize = 0;	/* module_alloc, +4096 */
	e.extra = "leaky_alloc+0x1c/0x80 [leaky] pages=16 vmalloc N0=16";
	e.extra_size = 69632;
	b = make_snapshot(&e);
	d = diff_snaps(a, b);
	assert_null(vx_diff_summary(d, false, false, &g, &n));
	assert_int_equal(n, 3);
	assert_string_equal(g[0].name, "leaky_alloc");
	assert_string_equal(g[0].module, "leaky");
	assert_int_equal(g[0].count, 1);
	assert_int_equal(g[0].bytes, 69632);
	assert_string_equal(g[1].name, "module_alloc");
	assert_null(g[1].module);
	assert_int_equal(g[1].count, 0);
	assert_int_equal(g[1].bytes, 4096);
	assert_int_equal(g[1].changed, 1);
	assert_string_equal(g[2].module, "nf_tables");
	assert_int_equal(g[2].count, -1);
	assert_int_equal(g[2].bytes, -12288);
	free(g);
	assert_null(vx_diff_summary(d, false, true, &g, &n));
	assert_int_equal(n, 3);
	assert_string_equal(g[0].name, "leaky");
	assert_string_equal(g[1].name, "(kernel)");
	assert_string_equal(g[2].name, "nf_tables");
	free(g);
	vx_diff_destroy(d);
	vx_snapshot_destroy(a);
	vx_snapshot_destroy(b);
}

static char *capture_text(const struct vx_diff *d, bool all)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_null(vx_diff_print_text(f, d, all));
	fclose(f);
	return buf;
}

static void test_text_output_lists_lines_and_hides_noise(void **state)
{
	struct edit e = unedited;
	struct vx_snapshot *a = make_snapshot(&unedited), *b;
	struct vx_diff *d;
	char *text;

	e.remove = 23;	/* the last line: a 1 MiB vm_map_ram */
	e.extra = "unpurged vm_area";
	e.extra_size = 20480;
	b = make_snapshot(&e);
	d = diff_snaps(a, b);
	text = capture_text(d, false);
	assert_non_null(strstr(text, "matching: same boot: matched by address\n"));
	assert_non_null(strstr(text, "disappeared: 1 areas, -1048576 bytes\n"));
	assert_non_null(strstr(text, "\n- 0xffffc90002e00000-0xffffc90002f00000 1048576 vm_map_ram\n"));
	assert_non_null(strstr(text, "hidden: 1 differences"));
	assert_null(strstr(text, "unpurged"));
	assert_non_null(strstr(text, "     -1       -1048576  vm_map_ram\n"));
	free(text);
	text = capture_text(d, true);
	assert_non_null(strstr(text, "\n+ 0xffffc90010000000-0xffffc90010005000   20480 unpurged vm_area\n"));
	free(text);
	vx_diff_destroy(d);
	vx_snapshot_destroy(a);
	vx_snapshot_destroy(b);
}

static void test_json_output_has_address_strings_and_summaries(void **state)
{
	struct edit e = unedited;
	struct vx_snapshot *a = make_snapshot(&unedited), *b;
	struct vx_diff *d;
	struct vx_json *w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	e.resize = 1;
	b = make_snapshot(&e);
	d = diff_snaps(a, b);
	f = open_memstream(&buf, &len);
	w = vx_json_create(f, false);
	assert_null(vx_diff_print_json(w, d, false));
	assert_null(vx_json_destroy(w));
	fclose(f);
	assert_non_null(strstr(buf, "\"matching\":\"address\",\"same_boot\":true,"));
	assert_non_null(strstr(buf, "\"differences\":true,\"hidden_noise\":0,\"appeared\":[],\"disappeared\":[],\"changed\":[{\"noise\":false,\"old\":{\"line\":2,\"kind\":\"vm\",\"start\":\"0xffffc90000200000\",\"end\":\"0xffffc90000202000\",\"size\":8192,"));
	assert_non_null(strstr(buf, "\"by_caller\":[{\"caller\":\"acpi_os_map_iomem\",\"module\":null,\"count\":0,\"bytes\":4096,\"appeared\":0,\"disappeared\":0,\"changed\":1}]"));
	assert_non_null(strstr(buf, "\"by_module\":[{\"module\":\"(kernel)\",\"count\":0,\"bytes\":4096,"));
	free(buf);
	vx_diff_destroy(d);
	vx_snapshot_destroy(a);
	vx_snapshot_destroy(b);
}

static void test_empty_snapshot_against_full_one_all_appear(void **state)
{
	struct vx_snapshot *a = make_snapshot(&unedited), *empty = NULL;
	struct vx_diff *d;

	assert_null(vx_vmparse_buffer("empty", "", 0, 0, &empty));
	d = diff_snaps(empty, a);
	assert_counts(d, NR_BASE, 0, 0);
	vx_diff_destroy(d);
	vx_snapshot_destroy(a);
	vx_snapshot_destroy(empty);
}

/*
 * A made-up snapshot of 200 overlapping areas of 0xf0 << 48 bytes by one
 * caller (a parser takes them: each line is well formed): the caller's
 * growth and the total stop at INT64_MAX.  They overflowed to
 * -4935945191598063616 (undefined behaviour: UBSan in make unit-san).
 */
static void test_growth_past_int64_stops_at_its_limit(void **state)
{
	struct vx_snapshot *empty = NULL, *b = NULL;
	uint64_t size = 0xf0ULL << 48;
	struct vx_diff_group *g;
	char *big = NULL, *text;
	size_t len = 0, n;
	struct vx_diff *d;
	FILE *f = open_memstream(&big, &len);

	for (uint64_t i = 0; i < 200; i++) {
		uint64_t start = 0xff00000000000000ULL + i * 4096;

		fprintf(f, "0x%016" PRIx64 "-0x%016" PRIx64 " %" PRIu64
			" big_alloc+0x1c/0x80 vmalloc\n", start, start + size, size);
	}
	fclose(f);
	assert_null(vx_vmparse_buffer("empty", "", 0, 0, &empty));
	assert_null(vx_vmparse_buffer("big", big, len, 0, &b));
	d = diff_snaps(empty, b);
	assert_counts(d, 200, 0, 0);
	assert_null(vx_diff_summary(d, true, false, &g, &n));
	assert_int_equal(n, 1);
	assert_int_equal(g[0].count, 200);
	assert_true(g[0].bytes == INT64_MAX);
	free(g);
	text = capture_text(d, true);
	assert_non_null(strstr(text, "+9223372036854775807"));
	free(text);
	vx_diff_destroy(d);
	vx_snapshot_destroy(empty);
	vx_snapshot_destroy(b);
	free(big);
}

static int run_unit_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_snapshot_against_itself_has_no_differences),
		cmocka_unit_test(test_real_edits_give_exactly_those_differences),
		cmocka_unit_test(test_hashed_edits_match_by_hash_exactly),
		cmocka_unit_test(test_hashes_from_another_key_say_different_boot),
		cmocka_unit_test(test_zeroed_snapshots_match_as_multisets),
		cmocka_unit_test(test_hashed_snapshot_matches_dump_by_its_hashed_rendering),
		cmocka_unit_test(test_hashed_rendering_must_correspond_to_the_dump),
		cmocka_unit_test(test_real_snapshot_outside_dump_windows_is_another_boot),
		cmocka_unit_test(test_real_snapshots_without_common_addresses_are_another_boot),
		cmocka_unit_test(test_reused_address_with_new_owner_is_gone_and_new),
		cmocka_unit_test(test_unpurged_and_task_stack_churn_is_hidden_noise),
		cmocka_unit_test(test_task_stack_rule_needs_stack_size_and_core_caller),
		cmocka_unit_test(test_summary_is_per_caller_and_module_largest_first),
		cmocka_unit_test(test_text_output_lists_lines_and_hides_noise),
		cmocka_unit_test(test_json_output_has_address_strings_and_summaries),
		cmocka_unit_test(test_empty_snapshot_against_full_one_all_appear),
		cmocka_unit_test(test_growth_past_int64_stops_at_its_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * File mode, the driver of tests/integration/t-parse.sh until the front
 * end wires --diff: "test_diff [--json] [--all] OLD NEW", exit status as
 * diff(1): 0 no differences, 1 differences, 2 trouble.
 */
static int diff_files(const char *old_path, const char *new_path, bool json,
		      bool all)
{
	struct vx_snapshot *old = NULL, *new = NULL;
	struct vx_diff_input in_old = { 0 }, in_new = { 0 };
	struct vx_diff *d = NULL;
	struct vx_error *err;
	struct vx_json *w;
	int ret = 2;

	err = vx_vmparse_file(old_path, 0, &old);
	if (!err)
		err = vx_vmparse_file(new_path, 0, &new);
	in_old.snap = old;
	in_new.snap = new;
	if (!err)
		err = vx_diff_compute(&in_old, &in_new, &d);
	if (!err && json) {
		w = vx_json_create(stdout, true);
		err = vx_diff_print_json(w, d, all);
		if (!err)
			err = vx_json_destroy(w);
		else
			vx_error_destroy(vx_json_destroy(w));
	} else if (!err) {
		err = vx_diff_print_text(stdout, d, all);
	}
	if (err)
		fprintf(stderr, "test_diff: %s\n", err->message);
	else
		ret = vx_diff_differs(d) ? 1 : 0;
	vx_error_destroy(err);
	vx_diff_destroy(d);
	vx_snapshot_destroy(old);
	vx_snapshot_destroy(new);
	return ret;
}

int main(int argc, char **argv)
{
	bool json = false, all = false;
	int i = 1;

	if (argc < 2)
		return run_unit_tests();
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--all")) {
			all = true;
		} else {
			fprintf(stderr, "test_diff: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: test_diff [--json] [--all] OLD NEW\n");
		return 2;
	}
	return diff_files(argv[i], argv[i + 1], json, all);
}

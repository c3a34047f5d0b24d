// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the --addr classification (lib/addr.c) on hand-built
 * layouts: the guard page is an area's last page unless it has none
 * (VM_NO_GUARD, per-CPU chunks, vm_map_ram), an adjacent area starts
 * right after it, holes carry their state (lazy, pooled, free, claimed
 * by nothing) and the busy areas around them, and the kind of an area.
 * On a fake kernel: the page an address maps to and back (--pfn, the
 * direct map) through the page tables, pages[] standing in for an
 * unreadable page table (still a skip, exit 3) or disagreeing with it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "fake_kernel.h"
#include "modes.h"

#define VSTART	0xffffc90000000000ULL
#define VEND	(VSTART + (1ULL << 30) - 1)	/* end inclusive */
#define MSTART	0xffffffffc0000000ULL
#define MEND	0xffffffffff000000ULL
#define KIB	1024ULL
#define PAGE	4096ULL
#define STACK_CALLER	0xffffffff81100000ULL
#define OTHER_CALLER	0xffffffff81200000ULL
#define PERCPU_CALLER	0xffffffff81300000ULL
#define BPF_CALLER	0xffffffff81400000ULL
#define MODULE_CALLER	0xffffffff81500000ULL

static const char *fake_name(void *ctx, uint64_t caller, char *buf, size_t size)
{
	snprintf(buf, size, "%s", caller == STACK_CALLER ? "kernel_clone" :
		 caller == PERCPU_CALLER ? "pcpu_get_vm_areas" :
		 caller == BPF_CALLER ? "bpf_prog_pack_alloc" :
		 caller == MODULE_CALLER ? "load_module" : "some_driver");
	return buf;
}

static struct vx_area *add(struct vx_vmap *m, enum vx_state st, uint64_t start,
			   uint64_t end)
{
	struct vx_area_list *l = &m->lists[st];

	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	assert_non_null(l->v);
	l->v[l->n] = (struct vx_area){ .start = start, .end = end, .state = st,
				       .node = -1, .va = 0x1000 + l->n };
	return &l->v[l->n++];
}

static struct vx_area *add_busy(struct vx_vmap *m, uint64_t start, uint64_t size,
				uint64_t flags, uint64_t caller)
{
	struct vx_area *a = add(m, VX_BUSY, start, start + size);

	a->vm_ptr = 0x2000;
	a->vm_read = true;
	a->vm = (struct vx_vm){ .addr = start, .size = size, .flags = flags,
				.caller = caller };
	return a;
}

/*
 * vmalloc window, by address:
 *   0      busy  vmalloc 8K (guard)        some_driver
 *   8K     busy  stack 20K (guard), adjacent to the area below
 *   28K    lazy  8K
 *   36K    busy  VM_NO_GUARD 8K
 *   44K    busy  per-cpu 8K (no guard)
 *   52K    busy  vm_map_ram 8K (no vm_struct)
 *   60K    pooled 8K
 *   68K    (nothing claims it) 4K
 *   72K    busy  rebuilt from the page tables 8K
 *   80K..  free
 */
static void layout(struct vx_vmap *m, struct vx_space *s)
{
	struct vx_space_config c = {
		.vmalloc_start = VSTART, .vmalloc_end = VEND,
		.modules_start = MSTART, .modules_end = MEND,
		.percpu_caller = PERCPU_CALLER, .caller_name = fake_name,
	};
	struct vx_area *a;

	memset(m, 0, sizeof(*m));
	add_busy(m, VSTART, 8 * KIB, VX_VM_ALLOC, OTHER_CALLER);
	add_busy(m, VSTART + 8 * KIB, 20 * KIB, VX_VM_ALLOC, STACK_CALLER);
	add(m, VX_LAZY, VSTART + 28 * KIB, VSTART + 36 * KIB);
	add_busy(m, VSTART + 36 * KIB, 8 * KIB, VX_VM_ALLOC | VX_VM_NO_GUARD,
		 OTHER_CALLER);
	add_busy(m, VSTART + 44 * KIB, 8 * KIB, VX_VM_ALLOC, PERCPU_CALLER);
	add(m, VX_BUSY, VSTART + 52 * KIB, VSTART + 60 * KIB)->va_flags = VX_VMAP_RAM;
	add(m, VX_POOLED, VSTART + 60 * KIB, VSTART + 68 * KIB);
	a = add(m, VX_BUSY, VSTART + 72 * KIB, VSTART + 80 * KIB);
	a->source = VX_SRC_PAGE_TABLES;
	add(m, VX_FREE, VSTART + 80 * KIB, MEND);
	assert_null(vx_space_build(&c, m, s));
}

static void teardown(struct vx_vmap *m, struct vx_space *s)
{
	vx_space_free(s);
	vx_vmap_free(m);
}

static struct vx_addr_place at(const struct vx_space *s, uint64_t addr)
{
	struct vx_addr_place p;

	vx_addr_classify(s, addr, &p);
	return p;
}

static void test_first_last_byte_and_guard_of_an_area(void **state)
{
	struct vx_space s;
	struct vx_vmap m;
	struct vx_addr_place p;

	layout(&m, &s);
	p = at(&s, VSTART);
	assert_int_equal(p.where, VX_WHERE_AREA);
	assert_int_equal(p.win, VX_WIN_VMALLOC);
	assert_int_equal(p.area->start, VSTART);
	assert_int_equal(p.guard, PAGE);
	p = at(&s, VSTART + 4 * KIB - 1);	/* last usable byte */
	assert_int_equal(p.where, VX_WHERE_AREA);
	p = at(&s, VSTART + 4 * KIB);		/* first byte of the guard */
	assert_int_equal(p.where, VX_WHERE_GUARD);
	assert_int_equal(p.area->start, VSTART);
	p = at(&s, VSTART + 8 * KIB - 1);	/* last byte of the guard */
	assert_int_equal(p.where, VX_WHERE_GUARD);
	assert_int_equal(p.area->start, VSTART);
	/* The guard page's neighbour above is the adjacent stack. */
	assert_non_null(p.after);
	assert_int_equal(p.after->start, VSTART + 8 * KIB);
	assert_string_equal(vx_addr_area_kind(&s, p.after), "thread stack");
	teardown(&m, &s);
}

static void test_adjacent_area_starts_right_after_the_guard(void **state)
{
	struct vx_space s;
	struct vx_vmap m;
	struct vx_addr_place p;

	layout(&m, &s);
	p = at(&s, VSTART + 8 * KIB);
	assert_int_equal(p.where, VX_WHERE_AREA);
	assert_int_equal(p.area->start, VSTART + 8 * KIB);
	p = at(&s, VSTART + 24 * KIB);		/* the stack's own guard */
	assert_int_equal(p.where, VX_WHERE_GUARD);
	assert_int_equal(p.area->start, VSTART + 8 * KIB);
	teardown(&m, &s);
}

static void test_areas_without_a_guard_page(void **state)
{
	struct vx_space s;
	struct vx_vmap m;
	struct vx_addr_place p;

	layout(&m, &s);
	p = at(&s, VSTART + 44 * KIB - 1);	/* VM_NO_GUARD: last page usable */
	assert_int_equal(p.where, VX_WHERE_AREA);
	assert_int_equal(p.guard, 0);
	p = at(&s, VSTART + 52 * KIB - 1);	/* per-CPU chunk */
	assert_int_equal(p.where, VX_WHERE_AREA);
	assert_string_equal(vx_addr_area_kind(&s, p.area), "per-cpu chunk");
	p = at(&s, VSTART + 60 * KIB - 1);	/* vm_map_ram */
	assert_int_equal(p.where, VX_WHERE_AREA);
	assert_string_equal(vx_addr_area_kind(&s, p.area), "vm_map_ram");
	/* A run rebuilt from the page tables ends with its unmapped page. */
	p = at(&s, VSTART + 80 * KIB - 1);
	assert_int_equal(p.where, VX_WHERE_GUARD);
	teardown(&m, &s);
}

static void test_holes_carry_their_state_and_neighbours(void **state)
{
	struct vx_space s;
	struct vx_vmap m;
	struct vx_addr_place p;

	layout(&m, &s);
	p = at(&s, VSTART + 30 * KIB);
	assert_int_equal(p.where, VX_WHERE_HOLE);
	assert_int_equal(p.hole_state, VX_LAZY);
	assert_int_equal(p.hole_start, VSTART + 28 * KIB);
	assert_int_equal(p.hole_end, VSTART + 36 * KIB);
	assert_int_equal(p.before->start, VSTART + 8 * KIB);
	assert_int_equal(p.after->start, VSTART + 36 * KIB);
	p = at(&s, VSTART + 60 * KIB);
	assert_int_equal(p.where, VX_WHERE_HOLE);
	assert_int_equal(p.hole_state, VX_POOLED);
	assert_int_equal(p.before->start, VSTART + 52 * KIB);
	p = at(&s, VSTART + 68 * KIB);
	assert_int_equal(p.where, VX_WHERE_HOLE);
	assert_int_equal(p.hole_state, VX_NR_STATES);	/* claimed by nothing */
	assert_int_equal(p.after->start, VSTART + 72 * KIB);
	p = at(&s, VEND);			/* the window's last byte */
	assert_int_equal(p.where, VX_WHERE_HOLE);
	assert_int_equal(p.hole_state, VX_FREE);
	assert_null(p.after);
	teardown(&m, &s);
}

static void test_outside_both_windows(void **state)
{
	struct vx_space s;
	struct vx_vmap m;

	layout(&m, &s);
	assert_int_equal(at(&s, VSTART - 1).where, VX_WHERE_OUTSIDE);
	assert_int_equal(at(&s, VEND + 1).where, VX_WHERE_OUTSIDE);
	assert_int_equal(at(&s, MEND).where, VX_WHERE_OUTSIDE);
	assert_int_equal(at(&s, MSTART).where, VX_WHERE_HOLE);
	assert_int_equal(at(&s, MSTART).win, VX_WIN_MODULES);
	teardown(&m, &s);
}

/* The modules window holds modules, BPF JIT images; below them its KASLR prefix. */
static void test_modules_window_kinds(void **state)
{
	struct vx_space_config c = {
		.vmalloc_start = VSTART, .vmalloc_end = VEND,
		.modules_start = MSTART, .modules_end = MEND,
		.modules_prefix = 64 * KIB, .prefix_known = true,
		.caller_name = fake_name,
	};
	struct vx_space s;
	struct vx_vmap m;
	struct vx_addr_place p;

	memset(&m, 0, sizeof(m));
	add(&m, VX_FREE, MSTART, MSTART + 64 * KIB);
	add_busy(&m, MSTART + 64 * KIB, 8 * KIB, VX_VM_ALLOC, BPF_CALLER);
	add_busy(&m, MSTART + 72 * KIB, 8 * KIB, VX_VM_ALLOC, MODULE_CALLER);
	add(&m, VX_FREE, MSTART + 80 * KIB, MEND);
	assert_null(vx_space_build(&c, &m, &s));
	p = at(&s, MSTART + 64 * KIB);
	assert_int_equal(p.win, VX_WIN_MODULES);
	assert_string_equal(vx_addr_area_kind(&s, p.area), "BPF JIT images");
	p = at(&s, MSTART + 72 * KIB);
	assert_string_equal(vx_addr_area_kind(&s, p.area), "module memory");
	p = at(&s, MSTART + 4 * KIB);
	assert_int_equal(p.where, VX_WHERE_HOLE);
	assert_null(p.before);
	assert_int_equal(p.after->start, MSTART + 64 * KIB);
	teardown(&m, &s);
}

/* ---- a fake kernel: page tables ---------------------------------------- */

#define FV	FK_VMALLOC_START

struct fake_run {
	char *text;
	int status;
	struct vx_report r;
};

/*
 * A vmalloc area at FV: 3 pages + guard, pages on nodes 1, 0, 1, mapped
 * (other: the page tables map other frames than pages[] holds).
 */
static struct fake_kernel *fake_area(uint64_t *pages, bool other)
{
	struct fake_kernel *fk = fake_kernel_new(FK_612);
	static const int nids[] = { 1, 0, 1 };
	struct fk_vm v = { .addr = FV, .size = 0x4000, .flags = VX_VM_ALLOC,
			   .nr_pages = 3 };

	v.caller = fake_kernel_add_text(fk, "vmalloc_caller", 0x100) + 0x10;
	fake_kernel_add_text(fk, "pcpu_get_vm_areas", 0x100);
	fake_kernel_add_text(fk, "_etext", 0x10);
	/* What the space reads besides the lists, as a real kernel has it. */
	fake_kernel_put_u64(fk, fake_kernel_new_global(fk, 'D', "max_pfn", 8),
			    1ULL << 30);
	fake_kernel_new_global(fk, 'D', "module_load_offset", 8);
	fake_kernel_put_u32(fk, fake_kernel_new_global(fk, 'D', "__num_online_cpus", 4), 2);
	fake_kernel_next_page(fk);
	v.pages = *pages = fake_kernel_pages(fk, 3, nids, false);
	fake_kernel_next_page(fk);
	fake_kernel_add_area(fk, 0, FV, FV + 0x4000, &v, 0, NULL);
	fake_kernel_map_pages(fk, FV, other ? fake_kernel_pages(fk, 3, nids, false) :
			      v.pages, 3);
	fake_kernel_next_page(fk);
	return fk;
}

/* Run argv (after "vmapx") as the tool would, on fk. */
static void fake_run(struct fake_kernel *fk, char **args, int n,
		     struct fake_run *out)
{
	char *argv[16] = { "vmapx" };
	struct vx_input in = { .path = "fake" };
	struct vx_options o;
	size_t len;
	FILE *f;

	memcpy(argv + 1, args, n * sizeof(*args));
	assert_null(vx_options_parse(n + 1, argv, VX_FE_CRASH, &o));
	assert_null(vx_kernel_open(fake_kernel_target(fk), &in.k));
	vx_report_init(&out->r);
	f = open_memstream(&out->text, &len);
	assert_null(vx_dispatch(&o, &in, f, &out->r));
	fclose(f);
	out->status = out->r.status;
	vx_kernel_close(in.k);
}

static uint64_t pfn_of(struct fake_kernel *fk, uint64_t pages, int i)
{
	return (fake_kernel_get_u64(fk, pages + 8 * i) - FK_VMEMMAP) / 64;
}

static void test_page_of_an_address_and_back(void **state)
{
	uint64_t pages;
	struct fake_kernel *fk = fake_area(&pages, false);
	char a1[64], p1[64], want[256];
	char *args[] = { "-A", a1, "-N", p1 };
	struct fake_run run;

	snprintf(a1, sizeof(a1), "%llx,%llx", (unsigned long long)FV + 0x1008,
		 (unsigned long long)FV + 0x3000);
	snprintf(p1, sizeof(p1), "0x%llx", (unsigned long long)pfn_of(fk, pages, 2));
	fake_run(fk, args, 4, &run);
	assert_int_equal(run.status, VX_EXIT_OK);
	/* The second page, on node 0; the guard page is not mapped. */
	snprintf(want, sizeof(want), "  page      pfn 0x%llx (phys 0x%llx000), node 0,",
		 (unsigned long long)pfn_of(fk, pages, 1),
		 (unsigned long long)pfn_of(fk, pages, 1));
	assert_non_null(strstr(run.text, want));
	assert_non_null(strstr(run.text, "in the guard page 0xffffc90000003000-0xffffc90000004000"));
	assert_non_null(strstr(run.text, "  page      not mapped\n"));
	/* The third page's frame is mapped at the area's third page, on node 1. */
	snprintf(want, sizeof(want), "pfn 0x%llx:\n  page      pfn 0x%llx (phys 0x%llx000), node 1,",
		 (unsigned long long)pfn_of(fk, pages, 2),
		 (unsigned long long)pfn_of(fk, pages, 2),
		 (unsigned long long)pfn_of(fk, pages, 2));
	assert_non_null(strstr(run.text, want));
	assert_non_null(strstr(run.text, "  mapped at 0xffffc90000002000: offset 0x2000 of\n"));
	free(run.text);
	vx_report_fini(&run.r);
	fake_kernel_free(fk);
}

/* The last-level page table of vaddr (4-level), as its direct-map address. */
static uint64_t pte_table(struct fake_kernel *fk, uint64_t vaddr)
{
	uint64_t t = fake_kernel_global(fk, "init_top_pgt");

	for (int shift = 39; shift > 12; shift -= 9)
		t = (fake_kernel_get_u64(fk, t + ((vaddr >> shift) & 511) * 8) &
		     0x000ffffffffff000ULL) + 0xffff888000000000ULL;
	return t;
}

static void test_unreadable_page_table_is_a_skip(void **state)
{
	uint64_t pages;
	struct fake_kernel *fk = fake_area(&pages, false);
	char a1[64], want[256];
	char *args[] = { "-A", a1 };
	struct fake_run run;

	snprintf(a1, sizeof(a1), "%llx", (unsigned long long)FV + 0x1000);
	fake_kernel_exclude_page(fk, pte_table(fk, FV));
	fake_run(fk, args, 2, &run);
	assert_int_equal(run.status, VX_EXIT_INCOMPLETE);
	assert_int_equal(run.r.nr_skips, 1);
	assert_non_null(strstr(run.r.skips[0], "page tables at 0xffffc90000001000"));
	/* Still where it is; the page unknown, not "not mapped". */
	assert_non_null(strstr(run.text, "offset 0x1000 of a busy area"));
	snprintf(want, sizeof(want), "  page      pfn 0x%llx (phys 0x%llx000), node 0, direct map 0xffff888%09llx (from pages[]: the page tables could not be read)\n",
		 (unsigned long long)pfn_of(fk, pages, 1),
		 (unsigned long long)pfn_of(fk, pages, 1),
		 (unsigned long long)pfn_of(fk, pages, 1) << 12);
	assert_non_null(strstr(run.text, want));
	free(run.text);
	vx_report_fini(&run.r);
	fake_kernel_free(fk);

	/* Neither the page tables nor pages[]: the page is unknown. */
	fk = fake_area(&pages, false);
	fake_kernel_exclude_page(fk, pte_table(fk, FV));
	fake_kernel_exclude_page(fk, pages);
	fake_run(fk, args, 2, &run);
	assert_int_equal(run.status, VX_EXIT_INCOMPLETE);
	assert_non_null(strstr(run.text, "  page      unknown (the page tables could not be read)\n"));
	free(run.text);
	vx_report_fini(&run.r);
	fake_kernel_free(fk);
}

static void test_pages_array_and_page_tables_disagree(void **state)
{
	uint64_t pages;
	struct fake_kernel *fk = fake_area(&pages, true);
	char a1[64], want[128];
	char *args[] = { "-A", a1 };
	struct fake_run run;

	snprintf(a1, sizeof(a1), "%llx", (unsigned long long)FV);
	fake_run(fk, args, 2, &run);
	assert_int_equal(run.status, VX_EXIT_OK);
	snprintf(want, sizeof(want), "  pages[]   pfn 0x%llx: the page tables and pages[] disagree\n",
		 (unsigned long long)pfn_of(fk, pages, 0));
	assert_non_null(strstr(run.text, want));
	free(run.text);
	vx_report_fini(&run.r);
	fake_kernel_free(fk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_last_byte_and_guard_of_an_area),
		cmocka_unit_test(test_adjacent_area_starts_right_after_the_guard),
		cmocka_unit_test(test_areas_without_a_guard_page),
		cmocka_unit_test(test_holes_carry_their_state_and_neighbours),
		cmocka_unit_test(test_outside_both_windows),
		cmocka_unit_test(test_modules_window_kinds),
		cmocka_unit_test(test_page_of_an_address_and_back),
		cmocka_unit_test(test_unreadable_page_table_is_a_skip),
		cmocka_unit_test(test_pages_array_and_page_tables_disagree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

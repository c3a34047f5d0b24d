// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the --addr classification (lib/addr.c) on hand-built
 * layouts: the guard page is an area's last page unless it has none
 * (VM_NO_GUARD, per-CPU chunks, vm_map_ram), an adjacent area starts
 * right after it, holes carry their state (lazy, pooled, free, claimed
 * by nothing) and the busy areas around them, and the kind of an area.
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

#define VSTART	0xffffc90000000000ULL
#define VEND	(VSTART + (1ULL << 30) - 1)	/* end inclusive */
#define MSTART	0xffffffffc0000000ULL
#define MEND	0xffffffffff000000ULL
#define KIB	1024ULL
#define PAGE	4096ULL
#define STACK_CALLER	0xffffffff81100000ULL
#define OTHER_CALLER	0xffffffff81200000ULL
#define PERCPU_CALLER	0xffffffff81300000ULL

static const char *fake_name(void *ctx, uint64_t caller, char *buf, size_t size)
{
	snprintf(buf, size, "%s", caller == STACK_CALLER ? "kernel_clone" :
		 caller == PERCPU_CALLER ? "pcpu_get_vm_areas" : "some_driver");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_last_byte_and_guard_of_an_area),
		cmocka_unit_test(test_adjacent_area_starts_right_after_the_guard),
		cmocka_unit_test(test_areas_without_a_guard_page),
		cmocka_unit_test(test_holes_carry_their_state_and_neighbours),
		cmocka_unit_test(test_outside_both_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

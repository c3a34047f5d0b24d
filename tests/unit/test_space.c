// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of lib/space.c on hand-built layouts: per-state accounting,
 * unaccounted and overlapping ranges, the alignment of each kind of area,
 * and the fit of a request (lowest fit, padding rules, top page, pools,
 * fragmentation versus exhaustion).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "space.h"

#define VSTART	0xffffc90000000000ULL
#define VEND	(VSTART + (1ULL << 30) - 1)	/* a 1 GiB window, end inclusive */
#define MSTART	0xffffffffc0000000ULL
#define MEND	0xffffffffff000000ULL
#define KIB	1024ULL
#define MIB	(1024 * KIB)
#define STACK_CALLER	0xffffffff81100000ULL
#define OTHER_CALLER	0xffffffff81200000ULL
#define PERCPU_CALLER	0xffffffff81300000ULL

static const char *fake_name(void *ctx, uint64_t caller, char *buf, size_t size)
{
	snprintf(buf, size, "%s", caller == STACK_CALLER ? "kernel_clone" :
		 caller == PERCPU_CALLER ? "pcpu_get_vm_areas" : "some_driver");
	return buf;
}

static struct vx_space_config config(void)
{
	return (struct vx_space_config){
		.vmalloc_start = VSTART, .vmalloc_end = VEND,
		.modules_start = MSTART, .modules_end = MEND,
		.percpu_caller = PERCPU_CALLER, .caller_name = fake_name,
		.lazy_list_invisible_purge = true,
	};
}

static struct vx_area *add(struct vx_vmap *m, enum vx_state st, uint64_t start,
			   uint64_t end)
{
	struct vx_area_list *l = &m->lists[st];

	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	assert_non_null(l->v);
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
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
				.caller = caller, .nr_pages = size / 4096 - 1 };
	return a;
}

/* Busy, lazy and free cover the vmalloc window; modules all free. */
static void simple_layout(struct vx_vmap *m)
{
	memset(m, 0, sizeof(*m));
	add(m, VX_FREE, 1, VSTART);
	add_busy(m, VSTART, 20 * KIB, VX_VM_ALLOC, STACK_CALLER);
	add(m, VX_LAZY, VSTART + 20 * KIB, VSTART + 40 * KIB);
	add(m, VX_FREE, VSTART + 40 * KIB, VSTART + 64 * KIB);
	add_busy(m, VSTART + 64 * KIB, 8 * KIB, VX_VM_ALLOC, OTHER_CALLER);
	add(m, VX_FREE, VSTART + 72 * KIB, MEND + 4096);	/* spans both windows */
}

static void test_each_state_counted_from_its_own_list_and_sums_to_window(void **state)
{
	struct vx_space_config c = config();
	struct vx_space s;
	struct vx_vmap m;
	uint64_t sum = 0;

	simple_layout(&m);
	assert_null(vx_space_build(&c, &m, &s));
	assert_int_equal(s.win[VX_WIN_VMALLOC].bytes[VX_BUSY], 28 * KIB);
	assert_int_equal(s.win[VX_WIN_VMALLOC].bytes[VX_LAZY], 20 * KIB);
	assert_int_equal(s.win[VX_WIN_VMALLOC].unaccounted, 0);
	assert_int_equal(s.win[VX_WIN_VMALLOC].free_extents, 2);
	for (int i = 0; i < VX_NR_STATES; i++)
		sum += s.win[VX_WIN_VMALLOC].bytes[i];
	assert_int_equal(sum, VEND - VSTART + 1);
	/* The modules window is clipped out of the same huge free extent. */
	assert_int_equal(s.win[VX_WIN_MODULES].bytes[VX_FREE], MEND - MSTART);
	assert_int_equal(s.win[VX_WIN_MODULES].free_extents, 1);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

static void test_missing_free_extent_shows_as_unaccounted_range(void **state)
{
	struct vx_space_config c = config();
	struct vx_space s;
	struct vx_vmap m;
	const struct vx_window *w;
	size_t unaccounted = 0;

	simple_layout(&m);
	/* Drop [VSTART+40K, VSTART+64K) from the free list. */
	m.lists[VX_FREE].v[1] = m.lists[VX_FREE].v[2];
	m.lists[VX_FREE].n = 2;
	assert_null(vx_space_build(&c, &m, &s));
	w = &s.win[VX_WIN_VMALLOC];
	assert_int_equal(w->unaccounted, 24 * KIB);
	for (size_t i = 0; i < w->ranges.n; i++) {
		if (w->ranges.v[i].state != VX_NR_STATES)
			continue;
		unaccounted++;
		assert_int_equal(w->ranges.v[i].start, VSTART + 40 * KIB);
		assert_int_equal(w->ranges.v[i].end, VSTART + 64 * KIB);
	}
	assert_int_equal(unaccounted, 1);
	assert_non_null(strstr(vx_space_unaccounted_reason(&s), "mid-purge"));
	vx_space_free(&s);
	vx_vmap_free(&m);
}

static void test_busy_area_inside_free_extent_is_an_overlap(void **state)
{
	struct vx_space_config c = config();
	struct vx_space s;
	struct vx_vmap m;
	const struct vx_window *w;

	simple_layout(&m);
	add_busy(&m, VSTART + 48 * KIB, 8 * KIB, VX_VM_ALLOC, OTHER_CALLER);
	assert_null(vx_space_build(&c, &m, &s));
	w = &s.win[VX_WIN_VMALLOC];
	assert_int_equal(w->nr_overlaps, 1);
	assert_int_equal(w->overlap_bytes, 8 * KIB);
	assert_int_equal(w->overlaps[0].start, VSTART + 48 * KIB);
	assert_int_equal(w->overlaps[0].end, VSTART + 56 * KIB);
	assert_int_equal(w->overlaps[0].state_a, VX_FREE);
	assert_int_equal(w->overlaps[0].state_b, VX_BUSY);
	assert_int_equal(w->unaccounted, 0);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

static uint64_t alignment_of(struct vx_area *a, const char **why)
{
	struct vx_space_config c = config();

	return vx_area_alignment(&c, a, why);
}

static void test_ioremap_aligns_to_power_of_two_of_size_without_guard(void **state)
{
	struct vx_vmap m = { 0 };
	const char *why;

	/* 8 KiB ioremap + guard: 8 KiB alignment; 1 MiB + guard: 1 MiB. */
	assert_int_equal(alignment_of(add_busy(&m, VSTART, 12 * KIB, VX_VM_IOREMAP,
					       OTHER_CALLER), &why), 8 * KIB);
	assert_non_null(strstr(why, "ioremap"));
	assert_int_equal(alignment_of(add_busy(&m, VSTART, MIB + 4 * KIB, VX_VM_IOREMAP,
					       OTHER_CALLER), &why), MIB);
	/* 12 KiB rounds up to 16 KiB; huge ones stop at 1 GiB. */
	assert_int_equal(alignment_of(add_busy(&m, VSTART, 16 * KIB, VX_VM_IOREMAP,
					       OTHER_CALLER), &why), 16 * KIB);
	assert_int_equal(alignment_of(add_busy(&m, VSTART, 4 * 1024 * MIB + 4096,
					       VX_VM_IOREMAP, OTHER_CALLER), &why),
			 1024 * MIB);
	vx_vmap_free(&m);
}

static void test_stack_huge_percpu_block_alignments(void **state)
{
	struct vx_vmap m = { 0 };
	struct vx_area *a;
	const char *why;

	assert_int_equal(alignment_of(add_busy(&m, VSTART, 20 * KIB, VX_VM_ALLOC,
					       STACK_CALLER), &why), 16 * KIB);
	assert_non_null(strstr(why, "stack"));
	/* Same size, not a stack caller: a page. */
	assert_int_equal(alignment_of(add_busy(&m, VSTART, 20 * KIB, VX_VM_ALLOC,
					       OTHER_CALLER), &why), 4096);
	a = add_busy(&m, VSTART, 2 * MIB + 4096, VX_VM_ALLOC, OTHER_CALLER);
	a->vm.page_order = 9;
	assert_int_equal(alignment_of(a, &why), 2 * MIB);
	assert_non_null(strstr(why, "huge"));
	assert_int_equal(alignment_of(add_busy(&m, VSTART, 2 * MIB, VX_VM_ALLOC,
					       PERCPU_CALLER), &why), 2 * MIB);
	assert_non_null(strstr(why, "per-cpu"));
	a = add(&m, VX_BUSY, VSTART, VSTART + MIB);	/* vm_map_ram block */
	assert_int_equal(alignment_of(a, &why), MIB);
	assert_non_null(strstr(why, "vmap-block"));
	vx_vmap_free(&m);
}

/* Free extents at VSTART: 12K, then 64K at +1M, then the rest from +4M. */
static void fit_layout(struct vx_vmap *m)
{
	memset(m, 0, sizeof(*m));
	add(m, VX_FREE, VSTART, VSTART + 12 * KIB);
	add_busy(m, VSTART + 12 * KIB, MIB - 12 * KIB, VX_VM_ALLOC, OTHER_CALLER);
	add(m, VX_FREE, VSTART + MIB, VSTART + MIB + 64 * KIB);
	add_busy(m, VSTART + MIB + 64 * KIB, 3 * MIB - 64 * KIB, VX_VM_ALLOC,
		 OTHER_CALLER);
	add(m, VX_FREE, VSTART + 4 * MIB, VEND + 1);
}

static void test_fit_takes_lowest_extent_that_holds_size_plus_guard(void **state)
{
	struct vx_space_config c = config();
	struct vx_space s;
	struct vx_vmap m;
	struct vx_fit f;

	fit_layout(&m);
	assert_null(vx_space_build(&c, &m, &s));
	vx_space_fit(&s, VX_WIN_VMALLOC, 8 * KIB, false, 0, &f);
	assert_int_equal(f.verdict, VX_FIT_OK);
	assert_int_equal(f.size, 12 * KIB);
	assert_int_equal(f.start, VSTART);
	assert_true(f.shape_rebuilt);	/* no tree read: built from the list */
	/* 12 KiB + guard does not fit the first extent: the second one. */
	vx_space_fit(&s, VX_WIN_VMALLOC, 12 * KIB, false, 0, &f);
	assert_int_equal(f.start, VSTART + MIB);
	assert_int_equal(f.extent_start, VSTART + MIB);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

/*
 * A size near 2^64 (asked with --fit, or logged by a kernel and fed in by
 * --failures) must not wrap in PAGE_ALIGN + guard to a page that fits:
 * larger than the window, never fits.  So too a size that fills the whole
 * window once the guard is added, and an alignment no start in the window
 * has.
 */
static void test_fit_size_near_2_64_is_larger_than_the_window(void **state)
{
	const uint64_t sizes[] = { UINT64_MAX, UINT64_MAX - 4095,
				   UINT64_MAX - 8191, VEND + 1 - VSTART };
	struct vx_space_config c = config();
	struct vx_space s;
	struct vx_vmap m;
	struct vx_fit f;

	fit_layout(&m);
	assert_null(vx_space_build(&c, &m, &s));
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		vx_space_fit(&s, VX_WIN_VMALLOC, sizes[i], false, 0, &f);
		assert_int_equal(f.verdict, VX_FIT_EXHAUSTED);
		assert_int_equal(f.miss, VX_MISS_TOO_LARGE);
		assert_true(f.size >= sizes[i]);	/* not wrapped to a small one */
	}
	vx_space_fit(&s, VX_WIN_VMALLOC, 8 * KIB, false, 1ULL << 63, &f);
	assert_int_equal(f.verdict, VX_FIT_EXHAUSTED);
	assert_int_equal(f.miss, VX_MISS_TOO_LARGE);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

/* A tree of three extents: root r, its left child lo, its right child hi. */
static struct vx_tree_shape three(struct vx_tree_node *v, uint64_t lo_start,
				  uint64_t lo_end, uint64_t r_start, uint64_t r_end,
				  uint64_t hi_start, uint64_t hi_end)
{
	struct vx_tree_shape t = { .v = v, .n = 3, .cap = 3, .root = 0 };

	v[0] = (struct vx_tree_node){ r_start, r_end, 0, 1, 2, -1 };
	v[1] = (struct vx_tree_node){ lo_start, lo_end, 0, -1, -1, 0 };
	v[2] = (struct vx_tree_node){ hi_start, hi_end, 0, -1, -1, 0 };
	vx_tree_shape_augment(&t);
	return t;
}

/*
 * <= 5.15 prunes every subtree below size + align - 1: an extent of exactly
 * the size in the root's left subtree is never visited, so the root (higher)
 * is taken; 5.16+ (and 5.19+ for align <= PAGE_SIZE) takes the lower one.
 */
static void test_fit_padded_search_skips_exact_extent_in_pruned_subtree(void **state)
{
	struct vx_tree_node v[3];
	struct vx_tree_shape t = three(v, VSTART, VSTART + 64 * KIB,
				       VSTART + MIB, VSTART + 2 * MIB,
				       VSTART + 4 * MIB, VSTART + 5 * MIB);
	enum vx_fit_miss miss;
	uint64_t at;

	assert_int_equal(vx_fit_tree_search(&t, VX_SEARCH_PAD_ALWAYS, 64 * KIB,
					    4096, VSTART, VEND, &at, &miss), 0);
	assert_int_equal(at, VSTART + MIB);
	assert_int_equal(vx_fit_tree_search(&t, VX_SEARCH_EXACT, 64 * KIB,
					    4096, VSTART, VEND, &at, &miss), 1);
	assert_int_equal(at, VSTART);
	assert_int_equal(vx_fit_tree_search(&t, VX_SEARCH_PAD_BIG, 64 * KIB,
					    4096, VSTART, VEND, &at, &miss), 1);
	assert_int_equal(at, VSTART);
}

/*
 * 5.19+ pads only for align > PAGE_SIZE; an extent of the size that sits
 * on the search path is still checked exactly and taken.
 */
static void test_fit_padding_prunes_subtrees_but_checks_nodes_on_the_path(void **state)
{
	struct vx_tree_node v[3];
	/* Root: 64 KiB at a 64 KiB boundary; left: 64 KiB lower, misaligned by 4K. */
	struct vx_tree_shape t = three(v, VSTART + 4 * KIB, VSTART + 68 * KIB,
				       VSTART + MIB, VSTART + MIB + 64 * KIB,
				       VSTART + 4 * MIB, VSTART + 8 * MIB);
	enum vx_fit_miss miss;
	uint64_t at;

	/* Unpadded 64K@64K: the left one does not fit once aligned; the root does. */
	assert_int_equal(vx_fit_tree_search(&t, VX_SEARCH_PAD_BIG, 64 * KIB,
					    64 * KIB, VSTART, VEND, &at, &miss), 0);
	assert_int_equal(at, VSTART + MIB);
	/* Padded or not, the root is on the path: the same answer, not +4 MiB. */
	assert_int_equal(vx_fit_tree_search(&t, VX_SEARCH_PAD_ALWAYS, 64 * KIB,
					    64 * KIB, VSTART, VEND, &at, &miss), 0);
	assert_int_equal(at, VSTART + MIB);
	/* As a right child the 64 KiB extent is pruned by padding: +4 MiB. */
	v[0] = (struct vx_tree_node){ VSTART + 4 * KIB, VSTART + 68 * KIB, 0, -1, 1, -1 };
	v[1] = (struct vx_tree_node){ VSTART + 4 * MIB, VSTART + 8 * MIB, 0, 2, -1, 0 };
	v[2] = (struct vx_tree_node){ VSTART + MIB, VSTART + MIB + 64 * KIB, 0, -1, -1, 1 };
	vx_tree_shape_augment(&t);
	assert_int_equal(vx_fit_tree_search(&t, VX_SEARCH_PAD_BIG, 64 * KIB,
					    64 * KIB, VSTART, VEND, &at, &miss), 1);
	assert_int_equal(at, VSTART + 4 * MIB);
	assert_int_equal(vx_fit_tree_search(&t, VX_SEARCH_EXACT, 64 * KIB,
					    64 * KIB, VSTART, VEND, &at, &miss), 2);
	assert_int_equal(at, VSTART + MIB);
}

/*
 * vstart clips an extent that straddles it; ALIGN(vstart) decides; past
 * vend the lowest match fails outright, with no higher extent tried.
 */
static void test_fit_vstart_clips_and_vend_ends_the_search(void **state)
{
	struct vx_tree_node v[3];
	struct vx_tree_shape t = three(v, MSTART - 8 * KIB, MSTART + 40 * KIB,
				       MSTART + MIB, MSTART + 2 * MIB,
				       MEND - 16 * KIB, ~0ULL);
	uint64_t vstart = MSTART + 6 * KIB;	/* not page aligned */
	enum vx_fit_miss miss;
	uint64_t at;

	/* 32 KiB from ALIGN(vstart, 4K) = +8K ends at +40K: fits exactly. */
	assert_int_equal(vx_fit_tree_search(&t, VX_SEARCH_PAD_BIG, 32 * KIB,
					    4096, vstart, MEND, &at, &miss), 1);
	assert_int_equal(at, MSTART + 8 * KIB);
	/* 36 KiB does not: the next extent, at its start. */
	assert_int_equal(vx_fit_tree_search(&t, VX_SEARCH_PAD_BIG, 36 * KIB,
					    4096, vstart, MEND, &at, &miss), 0);
	assert_int_equal(at, MSTART + MIB);
	/* 2 MiB: the lowest match is the top extent, which ends past MEND. */
	assert_int_equal(vx_fit_tree_search(&t, VX_SEARCH_PAD_BIG, 2 * MIB,
					    4096, vstart, MEND, &at, &miss), -1);
	assert_int_equal(miss, VX_MISS_BEYOND_VEND);
}

static void test_fit_fragmentation_versus_exhaustion(void **state)
{
	struct vx_space_config c = config();
	struct vx_space s;
	struct vx_vmap m;
	struct vx_fit f;

	/* The whole window busy except three 64 KiB extents. */
	memset(&m, 0, sizeof(m));
	for (int i = 0; i < 3; i++) {
		add_busy(&m, VSTART + i * MIB, MIB - 64 * KIB, VX_VM_ALLOC, OTHER_CALLER);
		add(&m, VX_FREE, VSTART + (i + 1) * MIB - 64 * KIB, VSTART + (i + 1) * MIB);
	}
	add_busy(&m, VSTART + 3 * MIB, (1ULL << 30) - 3 * MIB, VX_VM_ALLOC, OTHER_CALLER);
	assert_null(vx_space_build(&c, &m, &s));
	vx_space_fit(&s, VX_WIN_VMALLOC, 60 * KIB, false, 0, &f);
	assert_int_equal(f.verdict, VX_FIT_OK);
	vx_space_fit(&s, VX_WIN_VMALLOC, 128 * KIB, false, 0, &f);
	assert_int_equal(f.verdict, VX_FIT_FRAGMENTED);
	assert_int_equal(f.total_free, 192 * KIB);
	assert_int_equal(f.largest_free, 64 * KIB);
	vx_space_fit(&s, VX_WIN_VMALLOC, 256 * KIB, false, 0, &f);
	assert_int_equal(f.verdict, VX_FIT_EXHAUSTED);
	assert_int_equal(vx_space_largest_request(&s, VX_WIN_VMALLOC), 60 * KIB);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

static void test_top_page_below_vmalloc_end_is_never_allocated(void **state)
{
	struct vx_space_config c = config();
	struct vx_space s;
	struct vx_vmap m;
	struct vx_fit f;

	memset(&m, 0, sizeof(m));
	add_busy(&m, VSTART, (1ULL << 30) - 8 * KIB, VX_VM_ALLOC, OTHER_CALLER);
	add(&m, VX_FREE, VEND + 1 - 8 * KIB, ~0ULL);
	assert_null(vx_space_build(&c, &m, &s));
	/* 4 KiB + guard = 8 KiB would end exactly at VMALLOC_END + 1. */
	vx_space_fit(&s, VX_WIN_VMALLOC, 4 * KIB, false, 0, &f);
	assert_int_equal(f.verdict, VX_FIT_EXHAUSTED);
	assert_int_equal(f.total_free, 8 * KIB - 1);
	vx_space_fit(&s, VX_WIN_VMALLOC, 4 * KIB, true, 0, &f);
	assert_int_equal(f.verdict, VX_FIT_OK);
	assert_int_equal(f.start, VEND + 1 - 8 * KIB);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

/*
 * 6.9+: node_alloc() hands out the first area of the node's pool of that
 * page count, if aligned, before any search; a misaligned first area sends
 * the request to the tree even if a later one is aligned; one node: no pools.
 */
static void test_pool_first_area_serves_before_the_tree(void **state)
{
	struct vx_space_config c = config();
	struct vx_area *a;
	struct vx_space s;
	struct vx_vmap m;
	struct vx_fit f;

	memset(&m, 0, sizeof(m));
	add(&m, VX_FREE, VSTART, VSTART + MIB);
	add_busy(&m, VSTART + MIB, (1ULL << 30) - 2 * MIB, VX_VM_ALLOC, OTHER_CALLER);
	a = add(&m, VX_POOLED, VEND + 1 - 40 * KIB, VEND + 1 - 24 * KIB);
	a->node = 0;
	a = add(&m, VX_POOLED, VEND + 1 - 20 * KIB, VEND + 1 - 4 * KIB);
	a->node = 1;
	a = add(&m, VX_POOLED, VEND + 1 - 64 * KIB - 16 * KIB, VEND + 1 - 64 * KIB);
	a->node = 1;		/* second in node 1's list: never looked at */
	c.has_pools = true;
	c.nr_nodes = 2;
	assert_null(vx_space_build(&c, &m, &s));
	vx_space_fit(&s, VX_WIN_VMALLOC, 12 * KIB, false, 0, &f);
	assert_int_equal(f.verdict, VX_FIT_OK);
	assert_true(f.from_pool);
	assert_int_equal(f.pool_nodes, 2);
	assert_int_equal(f.start, VEND + 1 - 40 * KIB);	/* node 0's */
	assert_int_equal(f.tree_start, VSTART);		/* on a miss: the tree */
	/*
	 * 16 KiB-aligned: neither node's first area is (node 1's second is,
	 * but node_pool_del_va() never looks past the first): the tree.
	 */
	vx_space_fit(&s, VX_WIN_VMALLOC, 12 * KIB, false, 16 * KIB, &f);
	assert_int_equal(f.pool_nodes, 0);
	assert_int_equal(f.start, VSTART);
	assert_false(f.from_pool);
	/* The modules window never asks a pool. */
	vx_space_fit(&s, VX_WIN_MODULES, 12 * KIB, false, 0, &f);
	assert_int_equal(f.pool_nodes, 0);
	vx_space_free(&s);
	c.nr_nodes = 1;
	assert_null(vx_space_build(&c, &m, &s));
	vx_space_fit(&s, VX_WIN_VMALLOC, 12 * KIB, false, 0, &f);
	assert_int_equal(f.pool_nodes, 0);
	assert_int_equal(f.start, VSTART);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

/*
 * A failed search purges the lazy areas (6.9+: and the pools) into the free
 * tree and retries: a lazy area next to a free extent can make room.
 */
static void test_fit_after_purge_merges_lazy_areas_and_retries(void **state)
{
	struct vx_space_config c = config();
	struct vx_space s;
	struct vx_vmap m;
	struct vx_fit f;

	memset(&m, 0, sizeof(m));
	add(&m, VX_FREE, 1, VSTART);
	add(&m, VX_FREE, VSTART, VSTART + 64 * KIB);
	add(&m, VX_LAZY, VSTART + 64 * KIB, VSTART + 128 * KIB);
	add_busy(&m, VSTART + 128 * KIB, (1ULL << 30) - 128 * KIB, VX_VM_ALLOC, OTHER_CALLER);
	add(&m, VX_FREE, VEND + 1, ~0ULL);
	assert_null(vx_space_build(&c, &m, &s));
	vx_space_fit(&s, VX_WIN_VMALLOC, 96 * KIB, false, 0, &f);
	assert_false(f.tree_fits);
	assert_int_equal(f.miss, VX_MISS_BEYOND_VEND);	/* the top extent */
	assert_true(f.after_purge);
	assert_int_equal(f.verdict, VX_FIT_OK);
	assert_int_equal(f.start, VSTART);
	assert_int_equal(f.purge_bytes, 64 * KIB);
	vx_space_fit(&s, VX_WIN_VMALLOC, 128 * KIB, false, 0, &f);
	assert_false(f.after_purge);
	assert_int_equal(f.verdict, VX_FIT_EXHAUSTED);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

static void test_modules_prefix_is_free_but_never_used_for_fits(void **state)
{
	struct vx_space_config c = config();
	struct vx_space s;
	struct vx_vmap m;
	struct vx_fit f;

	memset(&m, 0, sizeof(m));
	add(&m, VX_FREE, MSTART, MSTART + 2 * MIB);
	add_busy(&m, MSTART + 2 * MIB, MEND - MSTART - 2 * MIB, VX_VM_ALLOC,
		 OTHER_CALLER);
	c.modules_prefix = MIB;
	assert_null(vx_space_build(&c, &m, &s));
	assert_int_equal(s.win[VX_WIN_MODULES].prefix, MIB);
	assert_int_equal(s.win[VX_WIN_MODULES].bytes[VX_FREE], 2 * MIB);
	assert_int_equal(s.win[VX_WIN_MODULES].largest_free, MIB);
	vx_space_fit(&s, VX_WIN_MODULES, 64 * KIB, false, 0, &f);
	assert_int_equal(f.start, MSTART + MIB);
	assert_int_equal(vx_space_largest_request(&s, VX_WIN_MODULES), MIB - 4096);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

static void test_gaps_report_names_alignment_padding_and_lazy_pieces(void **state)
{
	struct vx_space_config c = config();
	struct vx_options o = { 0 };
	struct vx_space s;
	struct vx_vmap m;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	memset(&m, 0, sizeof(m));
	add(&m, VX_FREE, 1, VSTART);
	add_busy(&m, VSTART, 20 * KIB, VX_VM_ALLOC, STACK_CALLER);
	add(&m, VX_FREE, VSTART + 20 * KIB, VSTART + 32 * KIB);	/* padding */
	add_busy(&m, VSTART + 32 * KIB, 20 * KIB, VX_VM_ALLOC, STACK_CALLER);
	add(&m, VX_LAZY, VSTART + 52 * KIB, VSTART + 60 * KIB);
	add_busy(&m, VSTART + 60 * KIB, 8 * KIB, VX_VM_ALLOC, OTHER_CALLER);
	add(&m, VX_FREE, VSTART + 68 * KIB, ~0ULL);
	assert_null(vx_space_build(&c, &m, &s));
	f = open_memstream(&text, &len);
	assert_null(vx_gaps_print(&s, &o, f));
	fclose(f);
	assert_non_null(strstr(text, "12288  16 KiB thread-stack alignment"));
	assert_non_null(strstr(text, "lazy                8192  lazily freed"));
	assert_non_null(strstr(text, "12288 bytes over 3 busy areas"));
	free(text);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

/*
 * --map's terminal form: a cell a page at this size, each range to scale
 * in its kind's character, the huge free rest as the marked largest
 * extent (##); the stack caller is a stack, a VM_ALLOC area vmalloc.
 */
static void test_map_term_draws_each_range_to_scale_by_kind(void **state)
{
	struct vx_space_config c = config();
	struct vx_space s;
	struct vx_vmap m;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	simple_layout(&m);
	assert_null(vx_space_build(&c, &m, &s));
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_null(vx_map_term(&s, false, f));
	fclose(f);
	assert_non_null(strstr(text, "\n0xffffc90000000000 SSSSSlllll......VV##\n"));
	assert_non_null(strstr(text, "(1 GiB): 1 char = 4 KiB;"));
	assert_null(strchr(text, '\033'));
	free(text);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_term_draws_each_range_to_scale_by_kind),
		cmocka_unit_test(test_each_state_counted_from_its_own_list_and_sums_to_window),
		cmocka_unit_test(test_missing_free_extent_shows_as_unaccounted_range),
		cmocka_unit_test(test_busy_area_inside_free_extent_is_an_overlap),
		cmocka_unit_test(test_ioremap_aligns_to_power_of_two_of_size_without_guard),
		cmocka_unit_test(test_stack_huge_percpu_block_alignments),
		cmocka_unit_test(test_fit_takes_lowest_extent_that_holds_size_plus_guard),
		cmocka_unit_test(test_fit_size_near_2_64_is_larger_than_the_window),
		cmocka_unit_test(test_fit_padded_search_skips_exact_extent_in_pruned_subtree),
		cmocka_unit_test(test_fit_padding_prunes_subtrees_but_checks_nodes_on_the_path),
		cmocka_unit_test(test_fit_vstart_clips_and_vend_ends_the_search),
		cmocka_unit_test(test_fit_fragmentation_versus_exhaustion),
		cmocka_unit_test(test_top_page_below_vmalloc_end_is_never_allocated),
		cmocka_unit_test(test_pool_first_area_serves_before_the_tree),
		cmocka_unit_test(test_fit_after_purge_merges_lazy_areas_and_retries),
		cmocka_unit_test(test_modules_prefix_is_free_but_never_used_for_fits),
		cmocka_unit_test(test_gaps_report_names_alignment_padding_and_lazy_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

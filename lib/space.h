/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The address space as two windows a user reasons about: vmalloc
 * [VMALLOC_START, VMALLOC_END] and modules [MODULES_VADDR, MODULES_END).
 * Every byte of a window is measured from the kernel structure that
 * claims it (busy, lazy, purging, pooled, free: doc/kernel.md §1.6),
 * never as a remainder; what no structure claims is "unaccounted" and is
 * listed range by range, and two structures claiming one byte is a
 * corruption finding.  On top of that: the holes between busy areas and
 * their causes (--gaps), fragmentation figures and the fit of a request
 * as alloc_vmap_area() would place it (--frag, --fit).
 */
#ifndef VMAPX_SPACE_H
#define VMAPX_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel.h"
#include "options.h"
#include "walk.h"

enum vx_window_id { VX_WIN_VMALLOC, VX_WIN_MODULES, VX_NR_WINDOWS };

/*
 * The three find_vmap_lowest_match() of mm/vmalloc.c (doc/kernel.md §3.7):
 * how far a subtree's subtree_max_size must reach ("length") and whether
 * the roll-back moves vstart past the parent it came back to.
 */
enum vx_search_rule {
	VX_SEARCH_PAD_ALWAYS,	/* 5.2-5.15: length = size + align - 1 */
	VX_SEARCH_EXACT,	/* 5.16-5.18: length = size, vstart shifts */
	VX_SEARCH_PAD_BIG,	/* 5.19+: padded only for align > PAGE_SIZE */
};

/* Names a caller address as %pS would, without "+off/size" ("" if none). */
typedef const char *(*vx_caller_name_fn)(void *ctx, uint64_t caller,
					 char *buf, size_t size);

/* What the space computation needs to know about the kernel. */
struct vx_space_config {
	uint64_t vmalloc_start, vmalloc_end;	/* end inclusive */
	uint64_t modules_start, modules_end;	/* end exclusive */
	/* Unused KASLR prefix of the modules window; 0 before the first module. */
	uint64_t modules_prefix;
	bool prefix_known;
	bool prefix_pending;	/* module_load_offset still 0: picked at the first load */
	uint64_t percpu_caller;		/* pcpu_get_vm_areas, 0 if unknown */
	/* Which find_vmap_lowest_match() this kernel has (doc/kernel.md §3.7). */
	enum vx_search_rule search_rule;
	bool rule_confirmed;		/* by a feature, else a loud fallback */
	bool has_pools;			/* per-node pools (6.9+) */
	uint32_t nr_nodes;		/* 6.9+, else 0 */
	uint64_t lazy_max_pages;	/* 0 if the online CPUs are unknown */
	uint32_t online_cpus;
	bool lazy_list_invisible_purge;	/* 5.10/6.1: a purge runs off a local list */
	bool areas_lost;	/* a filtered dump lost vmap_areas (recover.c) */
	vx_caller_name_fn caller_name;
	void *caller_ctx;
};

/* One range [start, end) claimed by a structure, or claimed by none. */
struct vx_range {
	uint64_t start, end;
	uint8_t state;		/* enum vx_state; VX_NR_STATES: unaccounted */
	const struct vx_area *area;	/* NULL for unaccounted */
};

struct vx_range_list {
	struct vx_range *v;
	size_t n, cap;
};

struct vx_overlap {
	uint64_t start, end;		/* the bytes claimed twice */
	uint8_t state_a, state_b;
	uint64_t va_a, va_b;		/* the struct vmap_area addresses */
};

struct vx_node_figures {
	uint64_t busy, lazy, pooled;
};

#define VX_HIST_BUCKETS	64

struct vx_window {
	const char *name;
	uint64_t start, end;		/* [start, end) */
	uint64_t fit_start, fit_end;	/* alloc_vmap_area's vstart, vend */
	uint64_t bytes[VX_NR_STATES];	/* each from its own structure, clipped */
	uint64_t unaccounted;
	uint64_t overlap_bytes;
	uint64_t free_extents, largest_free;
	uint64_t hist[VX_HIST_BUCKETS];	/* free extents by floor(log2 bytes) */
	uint64_t prefix;		/* modules: unused KASLR prefix (free) */
	uint64_t percpu_bytes, percpu_chunks;
	uint64_t busy_areas, guard_bytes;
	struct vx_range_list ranges;	/* every claimed and unclaimed range, by address */
	struct vx_overlap *overlaps;
	size_t nr_overlaps, cap_overlaps;
	struct vx_node_figures *nodes;	/* nr_nodes entries, or NULL */
};

/* One node of the free tree: its extent and links, as indexes (-1: none). */
struct vx_tree_node {
	uint64_t start, end;
	uint64_t max;			/* subtree_max_size */
	int32_t left, right, parent;
};

/* A free tree's shape, root at index root (-1: empty). */
struct vx_tree_shape {
	struct vx_tree_node *v;
	size_t n, cap;
	int32_t root;
};

/* The free tree as read by walking free_vmap_area_root. */
struct vx_free_tree {
	bool walked;
	struct vx_tree_shape shape;	/* as the kernel linked it */
	uint64_t max_disagree;		/* nodes whose stored max is not their own */
	uint64_t nodes, largest;
	bool matches_list;		/* same extents as free_vmap_area_list */
	char mismatch[160];		/* the first difference, if any */
};

struct vx_space {
	struct vx_space_config cfg;
	const struct vx_vmap *m;
	struct vx_window win[VX_NR_WINDOWS];
	uint64_t lazy_pages;
	uint64_t free_root_max;
	bool free_root_read;
	struct vx_free_tree tree;
};

/* Fill cfg from the dump; what cannot be read is a skip, not an error. */
void vx_space_config_read(struct vx_kernel *k, struct vx_report *r,
			  struct vx_space_config *cfg);

/* Measure every window of m.  s keeps a pointer to m. */
struct vx_error *vx_space_build(const struct vx_space_config *cfg,
				const struct vx_vmap *m, struct vx_space *s);
void vx_space_free(struct vx_space *s);

/*
 * Walk free_vmap_area_root (bounded, cycle-safe) and compare its extents
 * with the free list of s->m.  Problems are recorded in s->tree.
 */
void vx_space_check_free_tree(struct vx_kernel *k, struct vx_report *r,
			      struct vx_space *s);

/* A caller that allocates task stacks (fork/clone, idle tasks, io threads). */
bool vx_is_stack_caller(const char *name);

/*
 * --map: an SVG per window (vmalloc, modules) to o->map_file with -vmalloc.svg
 * and -modules.svg in place of its .svg, or, without a file, a terminal map
 * on out (coloured when out is a terminal and NO_COLOR is not set).
 */
struct vx_error *vx_map_run(struct vx_kernel *k, struct vx_report *r,
			    const struct vx_options *o, FILE *out);
/* The terminal map of s (colour: ANSI 24-bit backgrounds). */
struct vx_error *vx_map_term(const struct vx_space *s, bool colour, FILE *out);

/* The alignment alloc_vmap_area() was asked for when it placed busy area a. */
uint64_t vx_area_alignment(const struct vx_space_config *cfg,
			   const struct vx_area *a, const char **why);

/*
 * The guard page at the end of busy area a (§3.2): PAGE_SIZE, or 0 for
 * VM_NO_GUARD, per-CPU chunks, vm_map_ram and areas whose vm_struct is
 * not known.  Is name (a caller without "+off") one that allocates
 * thread stacks?
 */
uint64_t vx_area_guard(const struct vx_space_config *cfg,
		       const struct vx_area *a);
bool vx_is_stack_caller(const char *name);

enum vx_fit_verdict {
	VX_FIT_OK,		/* a free extent (or a pooled area) takes it */
	VX_FIT_FRAGMENTED,	/* enough free bytes, no extent large enough */
	VX_FIT_EXHAUSTED,	/* not even the free total is enough */
};

/* Why the tree search ended without an address. */
enum vx_fit_miss {
	VX_MISS_NONE,
	VX_MISS_NO_MATCH,	/* find_vmap_lowest_match() returned NULL */
	VX_MISS_BEYOND_VEND,	/* its lowest match ends past vend */
	VX_MISS_LOOP,		/* the search would not end (bounded here) */
	VX_MISS_TOO_LARGE,	/* larger than the window: never fits, no search */
};

struct vx_fit {
	enum vx_fit_verdict verdict;
	uint64_t size;		/* bytes asked of alloc_vmap_area (guard included) */
	uint64_t align;
	uint64_t start;		/* where it would go, when it fits */
	bool from_pool;		/* every node's pool serves it: no tree search */
	uint64_t largest_free, total_free;	/* usable by this window's fit */
	/* The tree search as the kernel runs it (doc/kernel.md §3.7). */
	uint64_t vstart, vend, length;	/* length: subtree pruning bound */
	bool tree_fits;
	uint64_t tree_start;		/* the tree's answer, when tree_fits */
	uint64_t extent_start, extent_end;	/* the free extent it comes from */
	enum vx_fit_miss miss;
	bool shape_rebuilt;		/* no tree in the dump: shape built from the list */
	/* The retry after reclaim_and_purge_vmap_areas(): lazy (and pooled) merged back. */
	bool after_purge;		/* the retry finds room where the first search did not */
	uint64_t purge_start;		/* its address */
	uint64_t purge_bytes;		/* bytes the purge gives back to the free tree */
	/* 6.9+: nodes whose pool hands out an area before any search. */
	uint32_t pool_nodes;
	int32_t pool_node;		/* the first such node, or -1 */
	uint64_t pool_start;		/* its area */
};

/*
 * Would a request of size bytes (guard included or not) at align fit now
 * in window w?  Lowest-fit over the free extents within [fit_start,
 * fit_end], a pooled area of exactly the size on 6.9+ vmalloc.
 */
void vx_space_fit(const struct vx_space *s, enum vx_window_id w, uint64_t size,
		  bool guard_included, uint64_t align, struct vx_fit *out);
/*
 * find_vmap_lowest_match() and the vend check of __alloc_vmap_area() on
 * shape t: the index of the node the kernel takes, or -1 with *miss set.
 */
int32_t vx_fit_tree_search(const struct vx_tree_shape *t, enum vx_search_rule rule,
			   uint64_t size, uint64_t align, uint64_t vstart,
			   uint64_t vend, uint64_t *at, enum vx_fit_miss *miss);
/* Give every node its subtree_max_size, children before parents. */
void vx_tree_shape_augment(struct vx_tree_shape *t);
/* A balanced shape over the sorted extents of l (what a rebuilt tree looks like). */
struct vx_error *vx_tree_shape_from_list(const struct vx_area_list *l,
					 struct vx_tree_shape *t);
/* Node n of pool node: what node_pool_del_va() hands out for size, or false. */
bool vx_space_pool_pick(const struct vx_space *s, uint32_t node, uint64_t size,
			uint64_t align, uint64_t *at);
const char *vx_search_rule_name(enum vx_search_rule r);
const char *vx_fit_miss_name(enum vx_fit_miss m);
/* The largest plain request (what a caller passes, no guard) that fits now. */
uint64_t vx_space_largest_request(const struct vx_space *s, enum vx_window_id w);
const char *vx_fit_verdict_name(enum vx_fit_verdict v);

/*
 * Walk the dump (every state), read the configuration, measure the
 * windows and cross-check the free tree: what --frag, --gaps and the
 * failure verdicts start from.  Free with vx_space_close().
 */
struct vx_error *vx_space_open(struct vx_kernel *k, struct vx_report *r,
			       struct vx_vmap *m, struct vx_space *s);
void vx_space_close(struct vx_vmap *m, struct vx_space *s);

/* "busy", "lazy", ... "unaccounted" (VX_NR_STATES). */
const char *vx_state_name(unsigned int state);
/* Why no structure claims an unaccounted range, as far as one can tell. */
const char *vx_space_unaccounted_reason(const struct vx_space *s);
/* "12 KiB", "1.5 MiB", "32 TiB" */
const char *vx_human_bytes(uint64_t bytes, char *buf, size_t size);

/* --frag, --gaps: text or JSON on out. */
typedef struct vx_error *(*vx_space_printer)(const struct vx_space *s,
					     const struct vx_options *o,
					     FILE *out);
/* Open the space of k, print it with print (--frag, --gaps), close it. */
struct vx_error *vx_space_run(struct vx_kernel *k, struct vx_report *r,
			      const struct vx_options *o, FILE *out,
			      vx_space_printer print);
struct vx_error *vx_frag_print(const struct vx_space *s,
			       const struct vx_options *o, FILE *out);
struct vx_error *vx_gaps_print(const struct vx_space *s,
			       const struct vx_options *o, FILE *out);

#endif

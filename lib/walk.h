/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The walker: every state a vmap_area can be in, read from the kernel's
 * own structures (doc/kernel.md §1.6), in the kernel's own order.
 */
#ifndef VMAPX_WALK_H
#define VMAPX_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"
#include "vmflags.h"

enum vx_state {
	VX_BUSY,	/* busy tree/list, or a node's busy list */
	VX_LAZY,	/* freed, awaiting purge ("unpurged vm_area") */
	VX_PURGING,	/* on a node's purge_list (6.9+) */
	VX_POOLED,	/* in a node's pool[] (6.9+) */
	VX_FREE,	/* free_vmap_area_list */
	VX_NR_STATES,
};


/* Where an area was found (-v says so when a list had to be recovered). */
enum vx_source {
	VX_SRC_LIST,		/* walking its list from the head */
	VX_SRC_LIST_BACK,	/* walking its list back from the tail */
	VX_SRC_LINKS,		/* its tree, or the links of a recovered area */
	VX_SRC_SLAB,		/* an allocated object in a vmap_area slab */
	VX_SRC_PAGE_TABLES,	/* a mapped run in the kernel page tables */
	VX_NR_SOURCES,
};

/* "list", "list-reverse", "tree", "slab", "page-tables" (-j). */
const char *vx_source_name(enum vx_source source);

/* What --callers and --gaps call an area whose caller the dump lost. */
#define VX_CALLER_NOT_IN_DUMP	"(unknown: not in dump)"

struct vx_vm {
	uint64_t addr, size, flags, pages, nr_pages, phys_addr, caller;
	uint32_t page_order;
};

struct vx_area {
	uint64_t va;		/* address of the struct vmap_area */
	uint64_t start, end;	/* [va_start, va_end) */
	uint64_t vm_ptr;	/* va->vm of a busy area, else 0 */
	uint64_t va_flags;	/* va->flags (6.3+), else 0 */
	int32_t node;		/* vmap node (6.9+), else -1 */
	uint8_t state;		/* enum vx_state */
	uint8_t source;		/* enum vx_source */
	bool vm_read;		/* vm holds *vm_ptr */
	bool vm_lost;		/* *vm_ptr is on a page the dump's filter left out */
	bool torn;		/* live: changed while it was read (walk_live.c drops it) */
	struct vx_vm vm;
};

struct vx_area_list {
	struct vx_area *v;
	size_t n, cap;
};

struct vx_vmap {
	struct vx_area_list lists[VX_NR_STATES];
	uint32_t nr_nodes;	/* 6.9+: nr_vmap_nodes, else 0 */
	uint64_t zone_size;	/* 6.9+: vmap_zone_size */
	uint64_t lazy_pages;	/* vmap_lazy_nr */
	/* Free tree root's subtree_max_size: the kernel's largest free extent. */
	uint64_t free_root_max;
	bool free_root_read;
};

/* What to collect: the printed states only, or everything (gaps, frag). */
enum vx_walk_what {
	VX_WALK_PRINTED = 1 << 0,	/* busy + lazy */
	VX_WALK_ALL = 1 << 1,		/* + purging, pooled, free */
};

/*
 * Walk the dump.  Unreadable parts are recorded as skips on r (the run's
 * report) and the walk goes on; an error is returned only when nothing
 * can be walked.
 */
struct vx_error *vx_walk(struct vx_kernel *k, struct vx_report *r,
			 enum vx_walk_what what, struct vx_vmap *out);
void vx_vmap_free(struct vx_vmap *m);

/* Private to lib/ (recover.c): decode the vmap_area in buf onto list. */
struct vx_error *vx_walk_add_area(struct vx_kernel *k, struct vx_report *r,
				  struct vx_area_list *list,
				  const uint8_t *buf, uint64_t va,
				  enum vx_state state, int node,
				  enum vx_source source);

/*
 * Private to lib/ (walk_live.c): on a live target, note the first sign
 * that the kernel changed what the walk is reading.  Returns whether the
 * target is live (on a dump, nothing is noted: a dump does not change).
 */
bool vx_walk_moved(struct vx_kernel *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
typedef struct vx_error *(*vx_walk_fn)(struct vx_kernel *k,
				       struct vx_report *r,
				       enum vx_walk_what what,
				       struct vx_vmap *m);
/*
 * Walk with once until a walk saw nothing move, a bounded number of
 * times; what the last walk saw move is a skip on r.
 */
struct vx_error *vx_walk_live(struct vx_kernel *k, struct vx_report *r,
			      enum vx_walk_what what, struct vx_vmap *m,
			      vx_walk_fn once);
/* Private to lib/ (recover_pt.c): a zeroed area appended to list, or NULL. */
struct vx_area *vx_walk_new_area(struct vx_area_list *list);

#endif

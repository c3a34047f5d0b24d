/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --addr ADDR, --pfn PFN: where a kernel virtual address is (which
 * window; inside which busy area, in its guard page, or in a hole and
 * which) and the page frame it maps to; for a direct-map address or a
 * page frame, the reverse: the vmalloc and module areas that map it,
 * from the kernel page tables.  The question asked of an oops address
 * or of a KASAN "vmalloc-out-of-bounds" report.
 */
#ifndef VMAPX_ADDR_H
#define VMAPX_ADDR_H

#include <stdint.h>
#include <stdio.h>

#include "kernel.h"
#include "options.h"
#include "report.h"
#include "space.h"

enum vx_addr_where {
	VX_WHERE_OUTSIDE,	/* in neither window */
	VX_WHERE_AREA,		/* inside a busy area's usable part */
	VX_WHERE_GUARD,		/* in a busy area's guard page (its last page) */
	VX_WHERE_HOLE,		/* in a range no busy area holds */
};

/* Where addr is in the windows of s: the classification, no reads. */
struct vx_addr_place {
	enum vx_addr_where where;
	enum vx_window_id win;		/* unless VX_WHERE_OUTSIDE */
	const struct vx_area *area;	/* AREA, GUARD: the busy area */
	uint64_t guard;			/* its guard bytes (0 or a page) */
	/* HOLE: the range holding addr and its state (VX_NR_STATES: no structure claims it) */
	uint64_t hole_start, hole_end;
	unsigned int hole_state;
	const struct vx_area *hole_area;	/* the lazy/purging/pooled/free area, or NULL */
	/* HOLE, GUARD: the nearest busy areas below and above addr, or NULL */
	const struct vx_area *before, *after;
};

void vx_addr_classify(const struct vx_space *s, uint64_t addr,
		      struct vx_addr_place *p);

/*
 * The kind of busy area a, for a reader: "thread stack", "module memory",
 * "per-cpu chunk", "ioremap", "vmalloc", "vmap", "vm_map_ram", ...
 */
const char *vx_addr_area_kind(const struct vx_space *s,
			      const struct vx_area *a);

/* --addr / --pfn: one block per query of o, in order. */
struct vx_error *vx_addr_run(struct vx_kernel *k, struct vx_report *r,
			     const struct vx_options *o, FILE *out);

#endif

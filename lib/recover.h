/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Recovering a vmap_area list that could not be walked to its end, most
 * often because the dump's page filter (makedumpfile -d) left out pages
 * that hold some of its vmap_areas: a makedumpfile older than the
 * kernel reads the slab's fields of struct page as those of a user or
 * cache page.  What other structures still reach is recovered; nothing
 * is guessed.
 */
#ifndef VMAPX_RECOVER_H
#define VMAPX_RECOVER_H

#include "walk.h"

/* One list of vmap_areas and the rb-tree that holds the same areas. */
struct vx_list_spec {
	uint64_t head;		/* the list_head */
	uint64_t root;		/* its struct rb_root, 0 if none */
	const char *what;	/* "vmap_nodes[0].busy" */
	enum vx_state state;
	int node;
	struct vx_report *report;	/* the run's: what is lost goes there */
};

/*
 * The forward walk of spec stopped at fault: lost is the vmap_area it
 * could not read (0: a broken link, not a read); list->v[first..] are
 * the entries read before it.  Adds every area still reachable (the list walked back from its
 * tail, the tree, the links of what was found), in address order, and
 * records what was lost.  Returns an error only when out of memory.
 */
struct vx_error *vx_recover_list(struct vx_kernel *k,
				 const struct vx_list_spec *spec,
				 struct vx_area_list *list, size_t first,
				 uint64_t lost, const struct vx_error *fault);

/*
 * N<n>= counts of vm from the kernel page tables (recover_pt.c), for a
 * vm whose pages[] is not in the dump.  counts has k->nr_node_ids slots.
 */
struct vx_error *vx_recover_numa_counts(struct vx_kernel *k,
					const struct vx_vm *vm,
					uint32_t *counts);

/* A vm_struct of a busy area could not be read at addr. */
void vx_recover_note_vm(struct vx_kernel *k, uint64_t addr);

/*
 * After a walk: one plain statement of what the dump's filter took and
 * what that means (a skip), if anything was lost to it.
 */
void vx_recover_report(struct vx_kernel *k, struct vx_report *r);

/*
 * For --gaps, --frag, --callers: one line saying what the totals below
 * cannot include, if a list had to be recovered and lost areas.
 */
void vx_recover_caveat(struct vx_kernel *k, FILE *out);

/* -v: where each area not found by a plain list walk came from (notes). */
void vx_recover_describe(struct vx_kernel *k, const struct vx_vmap *m,
			 struct vx_report *r);

/* Free k->recovery. */
void vx_recover_free(struct vx_kernel *k);

#endif

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

/*
 * The mapped runs of the kernel page tables inside [lo, hi), in address
 * order (recover_pt.c): fn gets each maximal run of present pages.
 */
typedef struct vx_error *(*vx_run_fn)(void *arg, uint64_t start, uint64_t end);
struct vx_error *vx_pt_mapped_runs(struct vx_kernel *k, uint64_t lo,
				   uint64_t hi, vx_run_fn fn, void *arg);
/*
 * --addr, --pfn (recover_pt.c): every leaf of the kernel page tables in
 * [lo, hi), in address order: va maps pages frames [pfn, pfn + pages)
 * (pages 1, 512 or 262144); the frame mapped at vaddr (VX_ERR_NOT_FOUND:
 * not mapped); the struct page of pfn and its node (page_to_nid()); the
 * direct map's and the memory map's bases.
 */
typedef struct vx_error *(*vx_leaf_fn)(void *arg, uint64_t va, uint64_t pfn,
				       uint64_t pages);
struct vx_error *vx_pt_leaves(struct vx_kernel *k, uint64_t lo, uint64_t hi,
			      vx_leaf_fn fn, void *arg);
struct vx_error *vx_pt_translate(struct vx_kernel *k, uint64_t vaddr,
				 uint64_t *pfn);
struct vx_error *vx_pt_pfn_node(struct vx_kernel *k, uint64_t pfn,
				uint64_t *page, uint32_t *nid);
struct vx_error *vx_pt_direct_map(struct vx_kernel *k, uint64_t *page_offset,
				  uint64_t *vmemmap);
/* Node of each page mapped in [start, end): counts has nr_node_ids slots. */
struct vx_error *vx_pt_count_nodes(struct vx_kernel *k, uint64_t start,
				   uint64_t end, uint32_t *counts);

/*
 * Busy ranges rebuilt from the kernel page tables (recover_pt.c): every
 * mapped run of the two windows that no area in m (any state) and no
 * per-CPU chunk holds becomes a busy area of the run and its guard page,
 * source VX_SRC_PAGE_TABLES, vm.nr_pages the pages mapped.  *added: how
 * many.  An error: the rules could not be checked; nothing was added.
 */
struct vx_error *vx_recover_page_tables(struct vx_kernel *k, struct vx_vmap *m,
					size_t *added);

/* A vm_struct of a busy area could not be read at addr. */
void vx_recover_note_vm(struct vx_kernel *k, uint64_t addr);

/*
 * After the lists are walked: when areas were lost, add the busy ranges
 * the page tables still show (vx_recover_page_tables()), or say why not
 * (a skip on r).
 */
void vx_recover_fill(struct vx_kernel *k, struct vx_report *r,
		      struct vx_vmap *m);

/*
 * After a walk: one plain statement of what the dump's filter took and
 * what that means (a skip), if anything was lost to it.
 */
void vx_recover_report(struct vx_kernel *k, struct vx_report *r);

/*
 * Before a walk: forget what the last walk recovered and lost (a crash
 * session walks the same kernel once per command); keep the slab scan.
 */
void vx_recover_begin(struct vx_kernel *k);

/* Were vmap_areas lost (not readable, or behind a lost list head)? */
bool vx_recover_lost(const struct vx_kernel *k);

/*
 * For --gaps, --frag, --callers: one line saying what the totals below
 * cannot include, if a list had to be recovered and lost areas.
 */
void vx_recover_caveat(struct vx_kernel *k, FILE *out);

/* -v: where each area not found by a plain list walk came from (notes). */
void vx_recover_describe(struct vx_kernel *k, const struct vx_vmap *m,
			 struct vx_report *r);

/*
 * The vmap_area objects allocated in the slabs of vmap_area_cachep
 * (recover_slab.c): every object of every slab the memory map shows,
 * less the free ones (slab freelists, per-CPU freelists or sheaves, the
 * barns) and the per-CPU spare of the free tree.  Sorted by address.
 * An error says why the free set could not be established: then nothing
 * may be taken from the slabs.
 */
struct vx_slab_obj {
	uint64_t va;
	/* list next, prev; rb left, right, parent: as vmap_area addresses */
	uint64_t link[5];
};

struct vx_slab_scan {
	struct vx_slab_obj *obj;
	size_t n;
	size_t slabs, slabs_excluded, objects_free;
	/* KFENCE's one-object pages of the cache, not scanned */
	size_t slabs_kfence;
	/*
	 * Slabs whose free set is unknown (a freelist ran into an excluded
	 * page, left the slab, landed between objects, or is not as long
	 * as the slab's counters say), and their objects: not taken.
	 */
	size_t slabs_unknown, objects_unknown;
	size_t freelists_bad;	/* freelists that did not decode */
	/* CPU freelists of a slab the scan left out (nothing read is affected) */
	size_t cpu_freelists_left_out;
	/* a CPU's or node's cache of free objects was left out: why */
	bool free_unknown;
	char why[200];
};

struct vx_error *vx_slab_scan(struct vx_kernel *k, struct vx_slab_scan *out);
void vx_slab_scan_free(struct vx_slab_scan *s);

/* Free k->recovery. */
void vx_recover_free(struct vx_kernel *k);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * show_numa_info(): per area, how many pages sit on each node, by
 * page_to_nid() of every page in vm->pages[] (stepping by 1 << page_order
 * on 6.1+).  struct pages are read through a small cache of vmemmap
 * pages: consecutive allocations usually share them.
 */
#include <stdlib.h>
#include <string.h>

#include "format.h"

#define CACHE_PAGES	256
#define MAX_PAGE_ORDER	18
#define PAGES_CHUNK	(1UL << MAX_PAGE_ORDER)

struct vx_page_cache {
	uint64_t tag[CACHE_PAGES];	/* vmemmap page address + 1, 0 = empty */
	uint8_t data[CACHE_PAGES][VX_PAGE_SIZE];
};

static struct vx_page_cache *cache_of(struct vx_kernel *k)
{
	if (!k->page_cache)
		k->page_cache = calloc(1, sizeof(*k->page_cache));
	return k->page_cache;
}

static struct vx_error *page_flags(struct vx_kernel *k, uint64_t page,
				   uint64_t *flags)
{
	struct vx_page_cache *c = cache_of(k);
	uint64_t base = page & ~(VX_PAGE_SIZE - 1);
	size_t slot = (base / VX_PAGE_SIZE) % CACHE_PAGES;
	struct vx_error *err;

	if (!c || page + 8 > base + VX_PAGE_SIZE)
		return vx_read_u64(k->t, page, flags);
	if (c->tag[slot] != base + 1) {
		err = vx_read(k->t, base, c->data[slot], VX_PAGE_SIZE);
		if (err) {
			c->tag[slot] = 0;
			return vx_error_wrap(err, "reading struct page at 0x%lx",
					     (unsigned long)page);
		}
		c->tag[slot] = base + 1;
	}
	memcpy(flags, c->data[slot] + (page - base), 8);
	return NULL;
}

struct vx_error *vx_numa_counts(struct vx_kernel *k, const struct vx_vm *vm,
				uint32_t *counts)
{
	uint64_t step = 1, mask = (1ULL << k->nodes_shift) - 1, *pages;
	struct vx_error *err = NULL;

	memset(counts, 0, k->nr_node_ids * sizeof(*counts));
	if (!vm->nr_pages)
		return NULL;
	/* vm->size bounds nr_pages: a larger count is corruption. */
	if (vm->nr_pages > vm->size / VX_PAGE_SIZE)
		return vx_error_create(VX_ERR_INVALID,
				       "vm_struct of 0x%lx: %lu pages in %lu bytes",
				       (unsigned long)vm->addr,
				       (unsigned long)vm->nr_pages,
				       (unsigned long)vm->size);
	if (vm->page_order > MAX_PAGE_ORDER)
		return vx_error_create(VX_ERR_INVALID,
				       "vm_struct of 0x%lx: page_order %u",
				       (unsigned long)vm->addr, vm->page_order);
	step <<= vm->page_order;
	/* Most areas have a few pages: no 2 MiB buffer for each of them. */
	pages = malloc((vm->nr_pages < PAGES_CHUNK ? vm->nr_pages :
			PAGES_CHUNK) * sizeof(*pages));
	if (!pages)
		return &vx_error_nomem;
	/* pages[] in bounded chunks: its length comes from the dump. */
	for (uint64_t base = 0; base < vm->nr_pages; base += PAGES_CHUNK) {
		uint64_t n = vm->nr_pages - base;

		if (n > PAGES_CHUNK)
			n = PAGES_CHUNK;
		err = vx_read(k->t, vm->pages + base * sizeof(*pages), pages,
			      n * sizeof(*pages));
		if (err) {
			err = vx_error_wrap(err, "reading pages[] of 0x%lx",
					    (unsigned long)vm->addr);
			goto out;
		}
		/* step divides PAGES_CHUNK, so chunks start on a step. */
		for (uint64_t i = 0; i < n; i += step) {
			uint64_t flags, nid;

			err = page_flags(k, pages[i], &flags);
			if (err)
				goto out;
			nid = (flags >> k->nodes_pgshift) & mask;
			/* The kernel would index out of bounds; we refuse. */
			if (nid >= k->nr_node_ids) {
				err = vx_error_create(VX_ERR_INVALID,
						      "page 0x%lx of 0x%lx on node %lu of %u",
						      (unsigned long)pages[i],
						      (unsigned long)vm->addr,
						      (unsigned long)nid,
						      k->nr_node_ids);
				goto out;
			}
			counts[nid] += step;
		}
	}
out:
	free(pages);
	return err;
}

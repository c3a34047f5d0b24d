// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Node counts (N<n>=) of a vmalloc area whose pages[] array the dump's
 * filter left out, from the kernel page tables instead: vmap_pages_range()
 * maps pages[i] at addr + i * PAGE_SIZE, so the page frames mapped there
 * are pages[] in order.  The page tables (init_top_pgt, read through the
 * direct map) and the vmemmap are kernel pages every filter keeps.  An
 * area with any page not mapped is refused: then the counts stay unknown.
 */
#include <string.h>

#include "recover.h"

#define PAGE_SHIFT	12
#define PTE_PRESENT	0x1ULL
#define PTE_HUGE	0x80ULL		/* PSE in a PUD or PMD entry */
#define PTE_PFN_MASK	0x000ffffffffff000ULL
#define MAX_PAGE_ORDER	18

struct pt {
	uint64_t top, page_offset, vmemmap, page_size;
};

static struct vx_error *pt_open(struct vx_kernel *k, struct pt *pt)
{
	struct vx_error *err;
	uint64_t addr;

	err = vx_kernel_symbol(k, "init_top_pgt", &pt->top);
	if (!err)
		err = vx_kernel_symbol(k, "page_offset_base", &addr);
	if (!err)
		err = vx_read_u64(k->t, addr, &pt->page_offset);
	if (!err)
		err = vx_kernel_symbol(k, "vmemmap_base", &addr);
	if (!err)
		err = vx_read_u64(k->t, addr, &pt->vmemmap);
	if (!err)
		err = vx_type_size(k->types, "page", &pt->page_size);
	if (err)
		return vx_error_wrap(err, "kernel page tables");
	if (pt->page_size < 8 || pt->page_size > VX_MAX_STRUCT_BYTES)
		return vx_error_create(VX_ERR_INVALID, "struct page of %lu bytes",
				       (unsigned long)pt->page_size);
	return NULL;
}

/* The page frame mapped at vaddr in the kernel page tables. */
static struct vx_error *pt_pfn(struct vx_kernel *k, const struct pt *pt,
			       uint64_t vaddr, uint64_t *pfn)
{
	uint64_t table = pt->top, entry = 0;
	int shift = k->paging_levels == 5 ? 48 : 39;
	struct vx_error *err;

	for (; shift >= PAGE_SHIFT; shift -= 9) {
		uint64_t index = (vaddr >> shift) & 511;

		err = vx_read_u64(k->t, table + index * 8, &entry);
		if (err)
			return err;
		if (!(entry & PTE_PRESENT))
			return vx_error_create(VX_ERR_NOT_FOUND,
					       "0x%lx not mapped",
					       (unsigned long)vaddr);
		/* A 1 GiB or 2 MiB leaf: the frame inside it. */
		if ((shift == 30 || shift == 21) && (entry & PTE_HUGE)) {
			uint64_t base = entry & PTE_PFN_MASK &
					~((1ULL << shift) - 1);

			*pfn = (base + (vaddr & ((1ULL << shift) - 1))) >>
			       PAGE_SHIFT;
			return NULL;
		}
		table = (entry & PTE_PFN_MASK) + pt->page_offset;
	}
	*pfn = (entry & PTE_PFN_MASK) >> PAGE_SHIFT;
	return NULL;
}

struct vx_error *vx_recover_numa_counts(struct vx_kernel *k,
					const struct vx_vm *vm,
					uint32_t *counts)
{
	uint64_t mask = (1ULL << k->nodes_shift) - 1, step, i, pfn = 0, flags;
	struct vx_error *err;
	struct pt pt;

	memset(counts, 0, k->nr_node_ids * sizeof(*counts));
	if (vm->nr_pages > vm->size >> PAGE_SHIFT ||
	    vm->page_order > MAX_PAGE_ORDER)
		return vx_error_create(VX_ERR_INVALID,
				       "vm_struct of 0x%lx: %lu pages of order %u in %lu bytes",
				       (unsigned long)vm->addr,
				       (unsigned long)vm->nr_pages,
				       vm->page_order, (unsigned long)vm->size);
	err = pt_open(k, &pt);
	if (err)
		return err;
	step = 1ULL << vm->page_order;
	for (i = 0; i < vm->nr_pages; i += step) {
		err = pt_pfn(k, &pt, vm->addr + (i << PAGE_SHIFT), &pfn);
		if (!err)
			err = vx_read_u64(k->t, pt.vmemmap + pfn * pt.page_size,
					  &flags);
		if (err)
			return vx_error_wrap(err, "page %lu of 0x%lx",
					     (unsigned long)i,
					     (unsigned long)vm->addr);
		if (((flags >> k->nodes_pgshift) & mask) >= k->nr_node_ids)
			return vx_error_create(VX_ERR_INVALID,
					       "page %lu of 0x%lx on node %lu",
					       (unsigned long)i,
					       (unsigned long)vm->addr,
					       (unsigned long)((flags >> k->nodes_pgshift) & mask));
		counts[(flags >> k->nodes_pgshift) & mask] += step;
	}
	return NULL;
}

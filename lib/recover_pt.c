// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Node counts (N<n>=) of a vmalloc area whose pages[] array the dump's
 * filter left out, from the kernel page tables instead: vmap_pages_range()
 * maps pages[i] at addr + i * PAGE_SIZE, so the page frames mapped there
 * are pages[] in order.  The page tables (init_top_pgt, read through the
 * direct map) and the vmemmap are kernel pages every filter keeps.  An
 * area with any page not mapped is refused: then the counts stay unknown.
 */
#include <stdlib.h>
#include <string.h>

#include "recover.h"
#include "sort.h"

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

/* ---- mapped runs of a window ------------------------------------------ */

struct runs {
	struct vx_kernel *k;
	const struct pt *pt;
	uint64_t lo, hi;		/* the window, [lo, hi) */
	uint64_t start, end;		/* the run being built, end 0: none */
	vx_run_fn fn;
	vx_leaf_fn leaf;		/* set: each leaf, not runs (--pfn) */
	void *arg;
	size_t tables;			/* page-table pages read */
};

/*
 * 64 Ki page-table pages map 128 GiB in 4 KiB pages: far more than any
 * window holds; corrupt tables must not make a walk read the whole dump.
 */
#define MAX_TABLES	(1UL << 16)

static struct vx_error *run_close(struct runs *w)
{
	struct vx_error *err = NULL;

	if (w->end)
		err = w->fn(w->arg, w->start, w->end);
	w->end = 0;
	return err;
}

static struct vx_error *run_add(struct runs *w, uint64_t va, uint64_t size)
{
	struct vx_error *err = NULL;

	if (w->end != va)
		err = run_close(w);
	if (!w->end)
		w->start = va;
	w->end = va + size;
	return err;
}

/* Sign-extend a 48- or 57-bit address. */
static uint64_t canonical(const struct vx_kernel *k, uint64_t va)
{
	int bits = k->paging_levels == 5 ? 57 : 48;

	return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits));
}

/* Entries of one table covering [w->lo, w->hi); base: the table's first address. */
static struct vx_error *walk_table(struct runs *w, uint64_t table, int shift,
				   uint64_t base)
{
	uint64_t entry[512], span = 1ULL << shift;
	struct vx_error *err;

	if (++w->tables > MAX_TABLES)
		return vx_error_create(VX_ERR_INVALID,
				       "more than %lu page-table pages under one window (corrupt tables?)",
				       MAX_TABLES);
	err = vx_read(w->k->t, table, entry, sizeof(entry));
	if (err)
		return vx_error_wrap(err, "page table at 0x%lx", (unsigned long)table);
	for (int i = 0; !err && i < 512; i++) {
		uint64_t va = canonical(w->k, base + i * span);

		if (va + span - 1 < w->lo || va >= w->hi)
			continue;
		if (!(entry[i] & PTE_PRESENT))
			err = run_close(w);
		else if (shift == PAGE_SHIFT ||
			 ((shift == 30 || shift == 21) && (entry[i] & PTE_HUGE)))
			err = w->leaf ? w->leaf(w->arg, va,
						(entry[i] & PTE_PFN_MASK &
						 ~(span - 1)) >> PAGE_SHIFT,
						span >> PAGE_SHIFT) :
					run_add(w, va, span);
		else
			err = walk_table(w, (entry[i] & PTE_PFN_MASK) +
					 w->pt->page_offset, shift - 9,
					 base + i * span);
	}
	return err;
}

struct vx_error *vx_pt_mapped_runs(struct vx_kernel *k, uint64_t lo,
				   uint64_t hi, vx_run_fn fn, void *arg)
{
	struct runs w = { .k = k, .lo = lo, .hi = hi, .fn = fn, .arg = arg };
	struct vx_error *err;
	struct pt pt;

	err = pt_open(k, &pt);
	if (err)
		return err;
	w.pt = &pt;
	err = walk_table(&w, pt.top, k->paging_levels == 5 ? 48 : 39, 0);
	if (!err)
		err = run_close(&w);
	return err;
}

struct vx_error *vx_pt_leaves(struct vx_kernel *k, uint64_t lo, uint64_t hi,
			      vx_leaf_fn fn, void *arg)
{
	struct runs w = { .k = k, .lo = lo, .hi = hi, .leaf = fn, .arg = arg };
	struct vx_error *err;
	struct pt pt;

	err = pt_open(k, &pt);
	if (err)
		return err;
	w.pt = &pt;
	return walk_table(&w, pt.top, k->paging_levels == 5 ? 48 : 39, 0);
}

struct vx_error *vx_pt_translate(struct vx_kernel *k, uint64_t vaddr,
				 uint64_t *pfn)
{
	struct vx_error *err;
	struct pt pt;

	err = pt_open(k, &pt);
	return err ? err : pt_pfn(k, &pt, vaddr, pfn);
}

struct vx_error *vx_pt_pfn_node(struct vx_kernel *k, uint64_t pfn,
				uint64_t *page, uint32_t *nid)
{
	uint64_t mask = (1ULL << k->nodes_shift) - 1, flags, n;
	struct vx_error *err;
	struct pt pt;

	err = pt_open(k, &pt);
	if (err)
		return err;
	*page = pt.vmemmap + pfn * pt.page_size;
	err = vx_read_u64(k->t, *page, &flags);
	if (err)
		return vx_error_wrap(err, "struct page of pfn 0x%lx",
				     (unsigned long)pfn);
	n = (flags >> k->nodes_pgshift) & mask;
	if (n >= k->nr_node_ids)
		return vx_error_create(VX_ERR_INVALID, "pfn 0x%lx on node %lu of %u",
				       (unsigned long)pfn, (unsigned long)n,
				       k->nr_node_ids);
	*nid = n;
	return NULL;
}

struct vx_error *vx_pt_direct_map(struct vx_kernel *k, uint64_t *page_offset,
				  uint64_t *vmemmap)
{
	struct vx_error *err;
	struct pt pt;

	err = pt_open(k, &pt);
	if (err)
		return err;
	*page_offset = pt.page_offset;
	*vmemmap = pt.vmemmap;
	return NULL;
}

/* Pages mapped in [start, end) and how many sit on each node. */
struct vx_error *vx_pt_count_nodes(struct vx_kernel *k, uint64_t start,
				   uint64_t end, uint32_t *counts)
{
	uint64_t mask = (1ULL << k->nodes_shift) - 1, pfn, flags, nid;
	struct vx_error *err;
	struct pt pt;

	memset(counts, 0, k->nr_node_ids * sizeof(*counts));
	err = pt_open(k, &pt);
	for (uint64_t va = start; !err && va < end; va += VX_PAGE_SIZE) {
		err = pt_pfn(k, &pt, va, &pfn);
		if (!err)
			err = vx_read_u64(k->t, pt.vmemmap + pfn * pt.page_size,
					  &flags);
		nid = (flags >> k->nodes_pgshift) & mask;
		if (!err && nid >= k->nr_node_ids)
			err = vx_error_create(VX_ERR_INVALID, "page 0x%lx on node %lu",
					      (unsigned long)va, (unsigned long)nid);
		if (!err)
			counts[nid]++;
	}
	return err;
}

/* ---- busy ranges from the page tables ---------------------------------- */

#define MAX_CHUNKS	(1UL << 20)
#define MAX_GROUPS	1024

struct known {
	uint64_t start, end;
};

struct ranges {
	struct known *v;
	size_t n, cap;
	uint64_t *max_end;	/* max_end[i]: the largest end of v[0..i] */
};

static bool add_range(struct ranges *r, uint64_t start, uint64_t end)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		struct known *g = realloc(r->v, cap * sizeof(*g));

		if (!g)
			return false;
		r->v = g;
		r->cap = cap;
	}
	r->v[r->n++] = (struct known){ start, end };
	return true;
}

static int by_known(const void *a, const void *b)
{
	const struct known *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static struct vx_error *read_int(struct vx_kernel *k, const char *name,
				 uint64_t *val)
{
	return vx_read_symbol_uint(k, name, 4, val);
}

/* The vm areas of one per-CPU chunk: base_addr + group offsets. */
static struct vx_error *chunk_areas(struct vx_kernel *k, uint64_t chunk,
				    uint64_t base_off, const uint64_t *offs,
				    const uint64_t *sizes, uint64_t groups,
				    struct ranges *r)
{
	struct vx_error *err;
	uint64_t base;

	err = vx_read_u64(k->t, chunk + base_off, &base);
	for (uint64_t g = 0; !err && g < groups; g++)
		if (!add_range(r, base + offs[g], base + offs[g] + sizes[g]))
			err = &vx_error_nomem;
	return err;
}

struct chunk_walk {
	struct vx_kernel *k;
	uint64_t list_off, base_off, groups, n;
	const uint64_t *offs, *sizes;
	struct ranges *r;
	struct ranges *lost;	/* chunks the filter left out: start = the chunk */
};

/*
 * Walk one slot's list from head, forward (link 0) or back (link 8), to
 * stop (the head or a chunk already found lost).  A chunk whose page the
 * dump's filter left out is remembered in *lost_at and ends the walk:
 * its units are told apart later by their struct pages.
 */
static struct vx_error *walk_chunks(struct chunk_walk *w, uint64_t head,
				    int link, uint64_t stop, uint64_t *lost_at)
{
	struct vx_error *err;
	uint64_t pos;

	*lost_at = 0;
	err = vx_read_u64(w->k->t, head + link, &pos);
	while (!err && pos != head && pos != stop) {
		if (++w->n > MAX_CHUNKS)
			return vx_error_create(VX_ERR_INVALID, "a cycle in the chunk lists");
		err = chunk_areas(w->k, pos - w->list_off, w->base_off, w->offs,
				  w->sizes, w->groups, w->r);
		if (!err)
			err = vx_read_u64(w->k->t, pos + link, &pos);
		if (err && (vx_excluded(w->k->t, pos) == 1 ||
			    vx_excluded(w->k->t, pos - w->list_off + w->base_off) == 1)) {
			vx_error_destroy(err);
			*lost_at = pos;
			return NULL;
		}
	}
	return err;
}

/*
 * One slot: forward to the first chunk left out, then back from the tail
 * to it.  Two chunks left out hide the ones between: an error, since a
 * unit of an unknown chunk would be taken for an area.
 */
static struct vx_error *slot_chunks(struct chunk_walk *w, uint64_t head)
{
	uint64_t lost_fwd, lost_back;
	struct vx_error *err;

	err = walk_chunks(w, head, 0, head, &lost_fwd);
	if (err || !lost_fwd)
		return err;
	err = walk_chunks(w, head, 8, lost_fwd, &lost_back);
	if (!err && lost_back)
		return vx_error_create(VX_ERR_NOT_FOUND,
				       "chunks 0x%lx and 0x%lx: not in the dump, and those between them unknown",
				       (unsigned long)(lost_fwd - w->list_off),
				       (unsigned long)(lost_back - w->list_off));
	if (!err && !add_range(w->lost, lost_fwd - w->list_off, 0))
		err = &vx_error_nomem;
	return err;
}

/*
 * Dynamic per-CPU chunks map only their populated units: their mapped
 * runs are not areas.  Every chunk is on one of pcpu_nr_slots lists
 * (one list per slot since 5.14, whose pcpu_sidelined_slot tells it;
 * before, memcg chunk types multiplied them) and covers
 * base_addr + pcpu_group_offsets[g] for pcpu_group_sizes[g] bytes
 * (pcpu_get_vm_areas(), mm/percpu-vm.c).  A chunk on a page the filter
 * left out goes to *lost (its pointer is in its neighbours' links).
 */
static struct vx_error *percpu_ranges(struct vx_kernel *k, struct ranges *r,
				      struct ranges *lost)
{
	uint64_t slots = 0, groups = 0, lists = 0, po = 0, ps = 0, a;
	uint64_t offs[MAX_GROUPS], sizes[MAX_GROUPS];
	struct chunk_walk w = { .k = k, .offs = offs, .sizes = sizes,
				.r = r, .lost = lost };
	struct vx_member m;
	struct vx_error *err;

	err = vx_kernel_symbol(k, "pcpu_sidelined_slot", &a);
	if (!err)
		err = read_int(k, "pcpu_nr_slots", &slots);
	if (!err)
		err = read_int(k, "pcpu_nr_groups", &groups);
	if (!err)
		err = vx_read_symbol_uint(k, "pcpu_chunk_lists", 8, &lists);
	if (!err)
		err = vx_read_symbol_uint(k, "pcpu_group_offsets", 8, &po);
	if (!err)
		err = vx_read_symbol_uint(k, "pcpu_group_sizes", 8, &ps);
	if (!err && (groups > MAX_GROUPS || slots > 4096))
		err = vx_error_create(VX_ERR_INVALID, "%lu groups, %lu slots",
				      (unsigned long)groups, (unsigned long)slots);
	if (!err)
		err = vx_read(k->t, po, offs, groups * 8);
	if (!err)
		err = vx_read(k->t, ps, sizes, groups * 8);
	if (!err && !(err = vx_member(k->types, "pcpu_chunk", "list", &m)))
		w.list_off = m.offset;
	if (!err && !(err = vx_member(k->types, "pcpu_chunk", "base_addr", &m)))
		w.base_off = m.offset;
	w.groups = groups;
	for (uint64_t s = 0; !err && s < slots; s++)
		err = slot_chunks(&w, lists + s * 16);
	return err ? vx_error_wrap(err, "per-CPU chunks") : NULL;
}

/*
 * Where a per-CPU page names its chunk: page->index
 * (pcpu_set_page_chunk(), mm/percpu.c; 6.12 still), page->private in
 * later kernels, where index was renamed.  Every one present is read: a
 * page naming a lost chunk by its exact pointer is that chunk's.
 */
struct page_chunk {
	struct pt pt;
	uint64_t off[2];
	int n;
};

static struct vx_error *page_chunk_open(struct vx_kernel *k,
					struct page_chunk *pc)
{
	static const char *const names[] = { "index", "__folio_index", "private" };
	struct vx_member m;
	struct vx_error *err;

	err = pt_open(k, &pc->pt);
	if (err)
		return err;
	for (size_t i = 0; i < 3 && pc->n < 2; i++) {
		err = vx_member(k->types, "page", names[i], &m);
		if (!err && m.size == 8)
			pc->off[pc->n++] = m.offset;
		vx_error_destroy(err);
	}
	return pc->n ? NULL : vx_error_create(VX_ERR_NOT_FOUND,
		"struct page has neither index nor private: per-CPU pages cannot be told apart");
}

/* Does the page mapped at va name one of the chunks in lost? */
static struct vx_error *page_of_lost_chunk(struct vx_kernel *k,
					   const struct page_chunk *pc,
					   const struct ranges *lost,
					   uint64_t va, bool *yes)
{
	struct vx_error *err;
	uint64_t pfn, val;

	*yes = false;
	err = pt_pfn(k, &pc->pt, va, &pfn);
	for (int i = 0; !err && i < pc->n && !*yes; i++) {
		uint64_t at = pc->pt.vmemmap + pfn * pc->pt.page_size + pc->off[i];

		err = vx_read_u64(k->t, at, &val);
		/*
		 * No struct page (an ioremap of device memory: the memory
		 * map has no page there) is no per-CPU page, which is RAM;
		 * one the filter left out cannot be told.
		 */
		if (err && vx_excluded(k->t, at) != 1) {
			vx_error_destroy(err);
			return NULL;
		}
		for (size_t j = 0; !err && j < lost->n; j++)
			if (val == lost->v[j].start)
				*yes = true;
	}
	return err;
}

struct pt_ctx {
	struct vx_kernel *k;
	struct vx_vmap *m;
	struct ranges known;
	struct ranges lost;	/* per-CPU chunks left out by the filter */
	struct page_chunk pc;
	uint64_t window_end;
	size_t added;
};

/* Does [start, end) meet a known range?  r sorted by start, max_end filled. */
static bool overlaps(const struct ranges *r, uint64_t start, uint64_t end)
{
	size_t lo = 0, hi = r->n;

	/* lo: the number of ranges starting before end */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->v[mid].start < end)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && r->max_end[lo - 1] > start;
}

/*
 * A mapped run whose pages no known area holds: an area of the run and
 * its guard page (vmalloc, vmap, ioremap, stacks: §3.2), busy, since a
 * freed area is unmapped before it is queued lazily (§3.6).
 */
static struct vx_error *take_run(void *arg, uint64_t start, uint64_t end)
{
	struct pt_ctx *c = arg;
	struct vx_area *a;

	struct vx_error *err;
	bool first = false, last = false;

	if (end + VX_PAGE_SIZE > c->window_end ||
	    overlaps(&c->known, start, end + VX_PAGE_SIZE))
		return NULL;
	/* units of a chunk the filter left out: not areas */
	if (c->lost.n) {
		err = page_of_lost_chunk(c->k, &c->pc, &c->lost, start, &first);
		if (!err)
			err = page_of_lost_chunk(c->k, &c->pc, &c->lost,
						 end - VX_PAGE_SIZE, &last);
		if (err)
			return vx_error_wrap(err, "mapped run 0x%lx-0x%lx",
					     (unsigned long)start, (unsigned long)end);
		if (first || last)
			return NULL;
	}
	a = vx_walk_new_area(&c->m->lists[VX_BUSY]);
	if (!a)
		return &vx_error_nomem;
	a->start = start;
	a->end = end + VX_PAGE_SIZE;
	a->state = VX_BUSY;
	a->source = VX_SRC_PAGE_TABLES;
	a->node = -1;
	/* 6.9+: a busy area sits on the node of its start (§1.3). */
	if (c->m->nr_nodes && c->m->zone_size)
		a->node = (start / c->m->zone_size) % c->m->nr_nodes;
	a->vm.nr_pages = (end - start) / VX_PAGE_SIZE;
	c->added++;
	return NULL;
}

static int by_node_start(const void *a, const void *b)
{
	const struct vx_area *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

struct vx_error *vx_recover_page_tables(struct vx_kernel *k, struct vx_vmap *m,
					size_t *added)
{
	struct pt_ctx c = { .k = k, .m = m };
	struct vx_error *err;

	*added = 0;
	for (int s = 0; s < VX_NR_STATES; s++)
		for (size_t i = 0; i < m->lists[s].n; i++)
			if (!add_range(&c.known, m->lists[s].v[i].start,
				       m->lists[s].v[i].end))
				goto nomem;
	err = percpu_ranges(k, &c.known, &c.lost);
	if (!err && c.lost.n)
		err = page_chunk_open(k, &c.pc);
	if (err)
		goto out;
	vx_sort(c.known.v, c.known.n, sizeof(*c.known.v), by_known);
	c.known.max_end = malloc((c.known.n + 1) * sizeof(uint64_t));
	if (!c.known.max_end)
		goto nomem;
	for (size_t i = 0; i < c.known.n; i++)
		c.known.max_end[i] = i && c.known.max_end[i - 1] > c.known.v[i].end ?
				     c.known.max_end[i - 1] : c.known.v[i].end;
	c.window_end = k->vmalloc_end + 1;
	err = vx_pt_mapped_runs(k, k->vmalloc_start, k->vmalloc_end + 1,
				take_run, &c);
	c.window_end = k->modules_end;
	if (!err)
		err = vx_pt_mapped_runs(k, k->modules_start, k->modules_end,
					take_run, &c);
	if (!err && c.added)
		vx_sort(m->lists[VX_BUSY].v, m->lists[VX_BUSY].n,
			sizeof(struct vx_area), by_node_start);
	*added = c.added;
out:
	free(c.known.v);
	free(c.known.max_end);
	free(c.lost.v);
	return err;
nomem:
	free(c.known.v);
	free(c.known.max_end);
	free(c.lost.v);
	return &vx_error_nomem;
}

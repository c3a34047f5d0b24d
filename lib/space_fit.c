// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Would a request fit now, and where: alloc_vmap_area() replayed on the
 * dump (doc/kernel.md §3.7).  On 6.9+ the allocating CPU's vmap node pool
 * is asked first (node_alloc()); then __alloc_vmap_area() runs
 * find_vmap_lowest_match() down the free tree as the kernel linked it,
 * with the subtree_max_size pruning and the padding rule of this kernel,
 * and checks the vend of the window.
 */
#include <stdlib.h>
#include <string.h>

#include "space.h"
#include "sort.h"

#define MAX_VA_SIZE_PAGES	256	/* vmap_node pools hold areas up to 1 MiB */

static uint64_t align_up(uint64_t x, uint64_t align)
{
	return align > 1 ? (x + align - 1) & ~(align - 1) : x;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* ---- the free tree's shape -------------------------------------------- */

static uint64_t node_max(const struct vx_tree_shape *t, int32_t i)
{
	return i < 0 ? 0 : t->v[i].max;	/* get_subtree_max_size() */
}

void vx_tree_shape_augment(struct vx_tree_shape *t)
{
	/*
	 * Both the dump's walk (pre-order) and the rebuild below put a
	 * parent before its children, so a backward pass sees children first.
	 */
	for (size_t i = t->n; i-- > 0;) {
		struct vx_tree_node *v = &t->v[i];
		uint64_t own = v->end > v->start ? v->end - v->start : 0;

		v->max = max_u64(own, max_u64(node_max(t, v->left),
					      node_max(t, v->right)));
	}
}

/* Midpoint of [lo, hi) as the subtree root, pre-order. */
static int32_t build(struct vx_tree_shape *t, const struct vx_area_list *l,
		     size_t lo, size_t hi, int32_t parent)
{
	size_t mid = lo + (hi - lo) / 2;
	int32_t i;

	if (lo >= hi)
		return -1;
	i = t->n++;
	t->v[i] = (struct vx_tree_node){ .start = l->v[mid].start,
					 .end = l->v[mid].end, .parent = parent };
	t->v[i].left = build(t, l, lo, mid, i);
	t->v[i].right = build(t, l, mid + 1, hi, i);
	return i;
}

struct vx_error *vx_tree_shape_from_list(const struct vx_area_list *l,
					 struct vx_tree_shape *t)
{
	memset(t, 0, sizeof(*t));
	t->root = -1;
	if (!l->n)
		return NULL;
	t->v = calloc(l->n, sizeof(*t->v));
	if (!t->v)
		return &vx_error_nomem;
	t->cap = l->n;
	t->root = build(t, l, 0, l->n, -1);
	vx_tree_shape_augment(t);
	return NULL;
}

/* ---- find_vmap_lowest_match() ---------------------------------------- */

/* is_within_this_va() of mm/vmalloc.c, the same in every release. */
static bool within(const struct vx_tree_node *va, uint64_t size, uint64_t align,
		   uint64_t vstart)
{
	uint64_t nva = align_up(va->start > vstart ? va->start : vstart, align);

	if (nva + size < nva || nva < vstart)
		return false;
	return nva + size <= va->end;
}

/* __alloc_vmap_area(): the search length for this rule. */
static uint64_t search_length(enum vx_search_rule rule, uint64_t size,
			      uint64_t align, uint64_t vstart, uint64_t vend)
{
	switch (rule) {
	case VX_SEARCH_PAD_ALWAYS:
		return size + align - 1;
	case VX_SEARCH_EXACT:
		return size;
	case VX_SEARCH_PAD_BIG:
		if (align <= VX_PAGE_SIZE || vend - vstart == size)
			return size;
		return size + align - 1;
	}
	return size;
}

struct search {
	const struct vx_tree_shape *t;
	uint64_t size, align, length, vstart, steps, bound;
	bool shift;		/* 5.16+: the roll-back moves vstart */
};

/* The roll-back: the first parent that fits or has a right subtree to try. */
static int32_t roll_back(struct search *q, int32_t node, bool *found)
{
	while ((node = q->t->v[node].parent) >= 0) {
		const struct vx_tree_node *va = &q->t->v[node];

		if (++q->steps > q->bound)
			return -1;
		if (within(va, q->size, q->align, q->vstart)) {
			*found = true;
			return node;
		}
		if (node_max(q->t, va->right) >= q->length &&
		    q->vstart <= va->start) {
			if (q->shift)
				q->vstart = va->start + 1;
			return va->right;
		}
	}
	return -1;
}

/* The descent; -1 when it returns NULL, -2 when it would not end. */
static int32_t lowest_match(struct search *q)
{
	int32_t node = q->t->root;
	bool found = false;

	while (node >= 0) {
		const struct vx_tree_node *va = &q->t->v[node];

		if (++q->steps > q->bound)
			return -2;
		if (node_max(q->t, va->left) >= q->length && q->vstart < va->start) {
			node = va->left;
			continue;
		}
		if (within(va, q->size, q->align, q->vstart))
			return node;
		if (node_max(q->t, va->right) >= q->length) {
			node = va->right;
			continue;
		}
		node = roll_back(q, node, &found);
		if (found)
			return node;
		if (q->steps > q->bound)
			return -2;
	}
	return -1;
}

int32_t vx_fit_tree_search(const struct vx_tree_shape *t, enum vx_search_rule rule,
			   uint64_t size, uint64_t align, uint64_t vstart,
			   uint64_t vend, uint64_t *at, enum vx_fit_miss *miss)
{
	struct search q = {
		.t = t, .size = size, .align = align ? align : 1,
		.vstart = vstart, .shift = rule != VX_SEARCH_PAD_ALWAYS,
		/* A search visits a node at most a few times; 5.15's may loop. */
		.bound = 4 * (uint64_t)t->n + 64,
	};
	int32_t i;

	q.length = search_length(rule, size, q.align, vstart, vend);
	i = t->root < 0 ? -1 : lowest_match(&q);
	if (i < 0) {
		*miss = i == -2 ? VX_MISS_LOOP : VX_MISS_NO_MATCH;
		return -1;
	}
	/* __alloc_vmap_area() aligns from the caller's vstart, then checks vend. */
	*at = align_up(max_u64(t->v[i].start, vstart), q.align);
	if (*at + size > vend) {
		*miss = VX_MISS_BEYOND_VEND;
		return -1;
	}
	*miss = VX_MISS_NONE;
	return i;
}

/* ---- node_alloc() ------------------------------------------------------ */

bool vx_space_pool_pick(const struct vx_space *s, uint32_t node, uint64_t size,
			uint64_t align, uint64_t *at)
{
	const struct vx_area_list *l = &s->m->lists[VX_POOLED];
	const struct vx_window *w = &s->win[VX_WIN_VMALLOC];

	/* size_to_va_pool(): one list per page count, up to MAX_VA_SIZE_PAGES. */
	if (!size || (size - 1) / VX_PAGE_SIZE >= MAX_VA_SIZE_PAGES)
		return false;
	for (size_t i = 0; i < l->n; i++) {
		const struct vx_area *a = &l->v[i];

		if (a->node != (int32_t)node ||
		    (a->end - a->start - 1) / VX_PAGE_SIZE != (size - 1) / VX_PAGE_SIZE)
			continue;
		/*
		 * node_pool_del_va() looks at the list's first area only: a
		 * misaligned one is moved to the tail and the tree is searched.
		 */
		if (align_up(a->start, align) != a->start ||
		    a->end - a->start != size || a->start < w->fit_start ||
		    a->end > w->fit_end)
			return false;
		*at = a->start;
		return true;
	}
	return false;
}

/*
 * node_alloc(): only for the whole vmalloc window and only with more
 * than one node; which node depends on the CPU (raw_smp_processor_id()
 * % nr_vmap_nodes), so every node is asked.
 */
static void fit_pools(const struct vx_space *s, enum vx_window_id id,
		      struct vx_fit *f)
{
	f->pool_node = -1;
	if (!s->cfg.has_pools || id != VX_WIN_VMALLOC || s->cfg.nr_nodes < 2)
		return;
	for (uint32_t n = 0; n < s->cfg.nr_nodes; n++) {
		uint64_t at;

		if (!vx_space_pool_pick(s, n, f->size, f->align, &at))
			continue;
		if (f->pool_node < 0) {
			f->pool_node = n;
			f->pool_start = at;
		}
		f->pool_nodes++;
	}
}

/* Free bytes and largest extent usable by a request in [fit_start, fit_end]. */
static void usable_free(const struct vx_space *s, const struct vx_window *w,
			uint64_t *total, uint64_t *largest)
{
	const struct vx_area_list *l = &s->m->lists[VX_FREE];

	*total = *largest = 0;
	for (size_t i = 0; i < l->n; i++) {
		uint64_t lo = max_u64(l->v[i].start, w->fit_start);
		uint64_t hi = min_u64(l->v[i].end, w->fit_end);

		if (lo >= hi)
			continue;
		*total += hi - lo;
		*largest = max_u64(*largest, hi - lo);
	}
}

/* The dump's own tree when it was read whole and equals the list. */
static const struct vx_tree_shape *dump_shape(const struct vx_space *s)
{
	const struct vx_free_tree *t = &s->tree;

	if (!t->walked || !t->matches_list || t->shape.n != t->nodes ||
	    t->shape.root < 0)
		return NULL;
	return &t->shape;
}

static void fit_tree(const struct vx_space *s, const struct vx_window *w,
		     struct vx_fit *f)
{
	const struct vx_tree_shape *t = dump_shape(s);
	struct vx_tree_shape built = { .root = -1 };
	struct vx_error *err;
	int32_t i;

	if (!t) {
		err = vx_tree_shape_from_list(&s->m->lists[VX_FREE], &built);
		vx_error_destroy(err);
		t = &built;
		f->shape_rebuilt = true;
	}
	f->vstart = w->fit_start;
	f->vend = w->fit_end;
	f->length = search_length(s->cfg.search_rule, f->size, f->align,
				  f->vstart, f->vend);
	i = vx_fit_tree_search(t, s->cfg.search_rule, f->size, f->align,
			       f->vstart, f->vend, &f->tree_start, &f->miss);
	if (i >= 0) {
		f->tree_fits = true;
		f->extent_start = t->v[i].start;
		f->extent_end = t->v[i].end;
	}
	free(built.v);
}

static int by_start(const void *a, const void *b)
{
	const struct vx_area *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * The free extents after a purge: alloc_vmap_area() purges on failure and
 * retries the tree (not the pools); 6.9+ decays every pool fully and skips
 * repopulating them then, so lazy, purging and pooled all merge back.
 */
static struct vx_error *purged_extents(const struct vx_space *s,
				       struct vx_area_list *out, uint64_t *added)
{
	static const enum vx_state from[] = { VX_FREE, VX_LAZY, VX_PURGING, VX_POOLED };
	size_t n = 0, k = 0;

	*added = 0;
	for (size_t i = 0; i < 4; i++)
		n += s->m->lists[from[i]].n;
	out->v = calloc(n + 1, sizeof(*out->v));
	if (!out->v)
		return &vx_error_nomem;
	for (size_t i = 0; i < 4; i++) {
		const struct vx_area_list *l = &s->m->lists[from[i]];

		for (size_t j = 0; j < l->n; j++) {
			if (l->v[j].end <= l->v[j].start)
				continue;
			out->v[k++] = l->v[j];
			if (from[i] != VX_FREE)
				*added += l->v[j].end - l->v[j].start;
		}
	}
	vx_sort(out->v, k, sizeof(*out->v), by_start);
	out->n = 0;
	for (size_t i = 0; i < k; i++) {	/* merge_or_add_vmap_area() */
		if (out->n && out->v[out->n - 1].end >= out->v[i].start)
			out->v[out->n - 1].end = max_u64(out->v[out->n - 1].end,
							 out->v[i].end);
		else
			out->v[out->n++] = out->v[i];
	}
	return NULL;
}

static void fit_after_purge(const struct vx_space *s, struct vx_fit *f)
{
	struct vx_area_list l = { 0 };
	struct vx_tree_shape t = { .root = -1 };
	enum vx_fit_miss miss;
	struct vx_error *err;

	err = purged_extents(s, &l, &f->purge_bytes);
	if (!err && f->purge_bytes)
		err = vx_tree_shape_from_list(&l, &t);
	if (!err && f->purge_bytes &&
	    vx_fit_tree_search(&t, s->cfg.search_rule, f->size, f->align,
			       f->vstart, f->vend, &f->purge_start, &miss) >= 0)
		f->after_purge = true;
	vx_error_destroy(err);
	free(t.v);
	free(l.v);
}

/*
 * The request as alloc_vmap_area() sees it, in *out: false when it cannot
 * be placed in the window at all, whatever is free (a logged or asked
 * size near 2^64 would otherwise wrap to a small one): the page-aligned
 * size with the guard overflows, or no aligned start in the window leaves
 * room for it.  *out is then the size saturated at UINT64_MAX.
 */
static bool fit_size(const struct vx_window *w, uint64_t size,
		     bool guard_included, uint64_t align, uint64_t *out)
{
	uint64_t guard = guard_included ? 0 : VX_PAGE_SIZE, first;

	*out = UINT64_MAX;
	if (size > UINT64_MAX - (VX_PAGE_SIZE - 1) - guard)
		return false;
	*out = align_up(size, VX_PAGE_SIZE) + guard;
	if (w->fit_end <= w->fit_start || w->fit_start > UINT64_MAX - (align - 1))
		return false;
	first = align_up(w->fit_start, align);
	return first < w->fit_end && w->fit_end - first >= *out;
}

void vx_space_fit(const struct vx_space *s, enum vx_window_id id, uint64_t size,
		  bool guard_included, uint64_t align, struct vx_fit *f)
{
	const struct vx_window *w = &s->win[id];

	memset(f, 0, sizeof(*f));
	/* vmalloc() passes align 1; module_alloc()/execmem MODULE_ALIGN. */
	if (!align)
		align = id == VX_WIN_MODULES ? VX_PAGE_SIZE : 1;
	f->align = align;
	usable_free(s, w, &f->total_free, &f->largest_free);
	/* __get_vm_area_node(): PAGE_ALIGN, then the guard page. */
	if (!fit_size(w, size, guard_included, align, &f->size)) {
		f->miss = VX_MISS_TOO_LARGE;
		f->verdict = VX_FIT_EXHAUSTED;
		return;
	}
	size = f->size;
	fit_pools(s, id, f);
	fit_tree(s, w, f);
	f->from_pool = f->pool_nodes && f->pool_nodes == s->cfg.nr_nodes;
	if (f->tree_fits || f->from_pool) {
		f->start = f->from_pool ? f->pool_start : f->tree_start;
		return;
	}
	/* A pool of some nodes could serve it, the tree cannot: it depends on the CPU. */
	if (f->pool_nodes) {
		f->start = f->pool_start;
		return;
	}
	fit_after_purge(s, f);
	if (f->after_purge) {
		f->start = f->purge_start;
		return;
	}
	f->verdict = f->total_free >= size ? VX_FIT_FRAGMENTED : VX_FIT_EXHAUSTED;
}

uint64_t vx_space_largest_request(const struct vx_space *s, enum vx_window_id id)
{
	const struct vx_window *w = &s->win[id];
	const struct vx_area_list *l = &s->m->lists[VX_FREE];
	uint64_t align = id == VX_WIN_MODULES ? VX_PAGE_SIZE : 1, best = 0;
	bool pads = s->cfg.search_rule == VX_SEARCH_PAD_ALWAYS && align > 1;

	for (size_t i = 0; i < l->n; i++) {
		uint64_t lo = align_up(max_u64(l->v[i].start, w->fit_start),
				       VX_PAGE_SIZE);
		uint64_t hi = min_u64(l->v[i].end, w->fit_end), room;

		if (l->v[i].end < l->v[i].start || lo >= hi)
			continue;
		room = (hi - lo) & ~(VX_PAGE_SIZE - 1);
		/* Only an extent of size + align - 1 is sure to be reached. */
		if (pads) {
			uint64_t whole = l->v[i].end - l->v[i].start;

			room = min_u64(room, whole < align ? 0 :
				       (whole - (align - 1)) & ~(VX_PAGE_SIZE - 1));
		}
		best = max_u64(best, room);
	}
	return best > VX_PAGE_SIZE ? best - VX_PAGE_SIZE : 0;
}

const char *vx_fit_verdict_name(enum vx_fit_verdict v)
{
	switch (v) {
	case VX_FIT_OK: return "fits";
	case VX_FIT_FRAGMENTED: return "fragmentation";
	case VX_FIT_EXHAUSTED: return "exhaustion";
	}
	return "?";
}

const char *vx_search_rule_name(enum vx_search_rule r)
{
	switch (r) {
	case VX_SEARCH_PAD_ALWAYS: return "padded by align-1 (<= 5.15)";
	case VX_SEARCH_EXACT: return "unpadded (5.16-5.18)";
	case VX_SEARCH_PAD_BIG: return "padded for align > PAGE_SIZE (5.19+)";
	}
	return "?";
}

const char *vx_fit_miss_name(enum vx_fit_miss m)
{
	switch (m) {
	case VX_MISS_NONE: return "";
	case VX_MISS_NO_MATCH: return "find_vmap_lowest_match() finds no free extent";
	case VX_MISS_BEYOND_VEND: return "the lowest match ends past the window's end";
	case VX_MISS_LOOP: return "the search would not end";
	case VX_MISS_TOO_LARGE: return "larger than the window";
	}
	return "?";
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Windows, accounting, the free-tree cross-check and the fit of a request
 * (doc/kernel.md §1.6, §3.3, §3.6, §4.1, §8); the fit itself is in space_fit.c (§3.7).
 */
#include <stdlib.h>
#include <string.h>

#include "recover.h"
#include "space.h"
#include "sort.h"

#define MAX_TREE_NODES		(1UL << 25)
#define MAX_TREE_DEPTH		128	/* an rb tree of 2^25 nodes is < 52 deep */
#define ONLINE_MASK_BYTES	1024	/* cpumask of NR_CPUS=8192 */
#define LAZY_PAGES_PER_FLS	(32ULL * 1024 * 1024 / VX_PAGE_SIZE)

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* ---- configuration from the dump ------------------------------------- */

static const char *kernel_caller_name(void *ctx, uint64_t caller, char *buf,
				      size_t size)
{
	char *plus;

	if (!caller) {
		buf[0] = '\0';
		return buf;
	}
	vx_symbolize(ctx, caller, buf, size);
	/* "name+0x1/0x2 [mod]" -> "name [mod]" */
	plus = strchr(buf, '+');
	if (plus) {
		char *mod = strchr(plus, ' ');

		memmove(plus, mod ? mod : plus + strlen(plus),
			strlen(mod ? mod : plus) + 1);
	}
	return buf;
}

static bool read_symbol(struct vx_kernel *k, const char *name, size_t size,
			uint64_t *val)
{
	struct vx_error *err;

	err = vx_read_symbol_uint(k, name, size, val);
	vx_error_destroy(err);
	return !err;
}

/*
 * 6.9+ keeps the module range in execmem_info.  Two kallsyms symbols
 * share that name: the arch's struct (arch/x86/mm/init.c) and the
 * pointer to it (mm/execmem.c); whichever we get, follow a pointer.
 */
static bool read_execmem_start(struct vx_kernel *k, uint64_t *start)
{
	struct vx_member ranges, rstart;
	struct vx_error *err;
	uint64_t addr, first;

	err = vx_kernel_symbol(k, "execmem_info", &addr);
	if (!err)
		err = vx_member(k->types, "execmem_info", "ranges", &ranges);
	if (!err)
		err = vx_member(k->types, "execmem_range", "start", &rstart);
	if (!err)
		err = vx_read_u64(k->t, addr, &first);
	if (!err && !(first >= k->modules_start && first < k->modules_end)) {
		addr = first;	/* the pointer: mm/execmem.c */
		err = vx_read_u64(k->t, addr + ranges.offset + rstart.offset,
				  start);
	} else if (!err) {
		err = vx_read_u64(k->t, addr + ranges.offset + rstart.offset,
				  start);
	}
	vx_error_destroy(err);
	/* EXECMEM_MODULE_TEXT is range 0; it starts at MODULES_VADDR + offset. */
	return !err && *start >= k->modules_start && *start < k->modules_end;
}

static void read_modules_prefix(struct vx_kernel *k, struct vx_report *r,
				struct vx_space_config *c)
{
	uint64_t val;

	if (read_symbol(k, "module_load_offset", 8, &val)) {
		/* 5.10/6.1: 0 until the first module_alloc() picks it. */
		if (val < k->modules_end - k->modules_start) {
			c->modules_prefix = val;
			c->prefix_known = true;
			c->prefix_pending = !val;
		}
		return;
	}
	if (read_execmem_start(k, &val)) {
		c->modules_prefix = val - k->modules_start;
		c->prefix_known = true;
		return;
	}
	vx_report_skip(r, "modules window: no module_load_offset or execmem_info; KASLR prefix unknown");
}

static uint32_t read_online_cpus(struct vx_kernel *k)
{
	uint8_t mask[ONLINE_MASK_BYTES];
	struct vx_error *err;
	uint64_t val;
	uint32_t n = 0;

	if (read_symbol(k, "__num_online_cpus", 4, &val) && val)
		return val;
	err = vx_read_symbol(k, "__cpu_online_mask", mask, sizeof(mask));
	vx_error_destroy(err);
	if (err)
		return 0;
	for (size_t i = 0; i < sizeof(mask); i++)
		n += __builtin_popcount(mask[i]);
	return n;
}

/* lazy_max_pages() = fls(num_online_cpus()) * 32 MiB / PAGE_SIZE */
static uint64_t lazy_max_pages(uint32_t cpus)
{
	return cpus ? (uint64_t)(32 - __builtin_clz(cpus)) * LAZY_PAGES_PER_FLS : 0;
}

/*
 * Which find_vmap_lowest_match() (doc/kernel.md §3.7).  Its changes
 * (5.16's 9f531973dff3, 5.19's 9333fe98d0a6) touched inline functions
 * only; what dates them is a symbol of their time: the vmap_purge_list
 * llist went away in 5.11 (so: the padded search of <= 5.15), and
 * drain_vmap_area_work() came with 690467c81b1a, the commit right after
 * 9333fe98d0a6 in the same series, as did everything 6.9+ (vmap_nodes).
 */
static void read_search_rule(struct vx_kernel *k, struct vx_report *r,
			     struct vx_space_config *c)
{
	uint64_t addr;
	struct vx_error *err;

	c->rule_confirmed = true;
	if (k->lazy_llist) {
		c->search_rule = VX_SEARCH_PAD_ALWAYS;
		return;
	}
	c->search_rule = VX_SEARCH_PAD_BIG;
	if (k->has_nodes)
		return;
	err = vx_kernel_symbol(k, "drain_vmap_area_work", &addr);
	vx_error_destroy(err);
	if (!err)
		return;
	/* 5.11-5.18: padded (<= 5.15) or exact (5.16-5.18); nothing tells. */
	c->search_rule = VX_SEARCH_EXACT;
	c->rule_confirmed = false;
	vx_report_skip(r, "find_vmap_lowest_match: neither the vmap_purge_list llist (<= 5.10) nor drain_vmap_area_work (5.19+); assuming the 5.16-5.18 unpadded search, unconfirmed");
}

void vx_space_config_read(struct vx_kernel *k, struct vx_report *r,
			  struct vx_space_config *c)
{
	struct vx_error *err;

	memset(c, 0, sizeof(*c));
	c->vmalloc_start = k->vmalloc_start;
	c->vmalloc_end = k->vmalloc_end;
	c->modules_start = k->modules_start;
	c->modules_end = k->modules_end;
	read_modules_prefix(k, r, c);
	err = vx_kernel_symbol(k, "pcpu_get_vm_areas", &c->percpu_caller);
	if (err) {
		c->percpu_caller = 0;
		vx_report_skip(r, "pcpu_get_vm_areas: %s; per-cpu chunks not told apart",
			       err->message);
		vx_error_destroy(err);
	}
	read_search_rule(k, r, c);
	c->lazy_list_invisible_purge = !k->has_nodes;
	c->areas_lost = vx_recover_lost(k);
	c->has_pools = k->has_nodes;
	c->online_cpus = read_online_cpus(k);
	c->lazy_max_pages = lazy_max_pages(c->online_cpus);
	if (!c->online_cpus)
		vx_report_skip(r, "online CPUs unknown: lazy_max_pages() not computed");
	c->caller_name = kernel_caller_name;
	c->caller_ctx = k;
}

/* ---- alignment of a busy area ---------------------------------------- */

bool vx_is_stack_caller(const char *name)
{
	static const char *const stack_callers[] = {
		"alloc_thread_stack_node", "dup_task_struct", "copy_process",
		"kernel_clone", "_do_fork", "fork_idle", "create_io_thread",
		NULL,
	};

	for (int i = 0; stack_callers[i]; i++)
		if (!strcmp(name, stack_callers[i]))
			return true;
	return false;
}

/* get_count_order_long(): ceil(log2(x)) */
static unsigned int count_order(uint64_t x)
{
	return x <= 1 ? 0 : 64 - __builtin_clzll(x - 1);
}

uint64_t vx_area_guard(const struct vx_space_config *c, const struct vx_area *a)
{
	if (!a->vm_ptr || !a->vm_read || !a->vm.caller)
		return 0;	/* vm_map_ram, early vmlist areas */
	if (a->vm.flags & VX_VM_NO_GUARD || a->vm.caller == c->percpu_caller)
		return 0;
	return VX_PAGE_SIZE;
}

uint64_t vx_area_alignment(const struct vx_space_config *c,
			   const struct vx_area *a, const char **why)
{
	uint64_t size = a->end - a->start;
	char name[256];

	*why = "page";
	if (a->vm_lost || a->source == VX_SRC_PAGE_TABLES) {
		*why = "page (the area's kind is not in the dump)";
		return VX_PAGE_SIZE;
	}
	if (!a->vm_ptr || !a->vm_read) {
		/* vm_map_ram: 1 MiB blocks (VMAP_BLOCK on 6.3+), else a page. */
		if ((a->va_flags & VX_VMAP_BLOCK) || size == 1ULL << 20) {
			*why = "1 MiB vmap-block alignment";
			return 1ULL << 20;
		}
		return VX_PAGE_SIZE;
	}
	if (c->percpu_caller && a->vm.caller == c->percpu_caller) {
		*why = "2 MiB per-cpu atom alignment";
		return 2ULL << 20;
	}
	if (a->vm.flags & VX_VM_IOREMAP) {
		unsigned int order = count_order(size - vx_area_guard(c, a));

		order = order < 12 ? 12 : order > 30 ? 30 : order;
		*why = "ioremap power-of-two alignment";
		return 1ULL << order;
	}
	if (a->vm.page_order >= 9) {
		*why = "2 MiB huge-page alignment";
		return 2ULL << 20;
	}
	if (size == 20480 && c->caller_name &&
	    vx_is_stack_caller(c->caller_name(c->caller_ctx, a->vm.caller, name,
					   sizeof(name)))) {
		*why = "16 KiB thread-stack alignment";
		return 16384;
	}
	return VX_PAGE_SIZE;
}

/* ---- accounting ------------------------------------------------------ */

static struct vx_range *range_add(struct vx_range_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct vx_range *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static int range_cmp(const void *a, const void *b)
{
	const struct vx_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return (int)x->state - (int)y->state;
}

static struct vx_error *collect_ranges(const struct vx_vmap *m,
				       struct vx_window *w)
{
	for (int s = 0; s < VX_NR_STATES; s++) {
		const struct vx_area_list *l = &m->lists[s];

		for (size_t i = 0; i < l->n; i++) {
			const struct vx_area *a = &l->v[i];
			uint64_t lo = max_u64(a->start, w->start);
			uint64_t hi = min_u64(a->end, w->end);
			struct vx_range *r;

			if (a->end < a->start || lo >= hi)
				continue;
			r = range_add(&w->ranges);
			if (!r)
				return &vx_error_nomem;
			*r = (struct vx_range){ lo, hi, s, a };
			w->bytes[s] += hi - lo;
		}
	}
	vx_sort(w->ranges.v, w->ranges.n, sizeof(w->ranges.v[0]), range_cmp);
	return NULL;
}

static struct vx_error *add_overlap(struct vx_window *w, const struct vx_range *a,
				    const struct vx_range *b, uint64_t end)
{
	struct vx_overlap *v = w->overlaps;

	/*
	 * Doubling: one corrupt area spanning the window overlaps every
	 * other one, and growing by one entry made that quadratic.
	 */
	if (w->nr_overlaps == w->cap_overlaps) {
		size_t cap = w->cap_overlaps ? 2 * w->cap_overlaps : 16;

		v = realloc(w->overlaps, cap * sizeof(*v));
		if (!v)
			return &vx_error_nomem;
		w->overlaps = v;
		w->cap_overlaps = cap;
	}
	v[w->nr_overlaps++] = (struct vx_overlap){
		b->start, end, a->state, b->state,
		a->area ? a->area->va : 0, b->area ? b->area->va : 0,
	};
	w->overlap_bytes += end - b->start;
	return NULL;
}

/*
 * Sweep the sorted claims: a byte before the next claim that nobody
 * covers is unaccounted; a claim starting inside an earlier one overlaps.
 * Unaccounted ranges are appended, then the list is sorted again.
 */
static struct vx_error *sweep(struct vx_window *w)
{
	size_t n = w->ranges.n, covering = SIZE_MAX;
	uint64_t covered = w->start;
	struct vx_error *err;

	for (size_t i = 0; i < n; i++) {
		struct vx_range r = w->ranges.v[i];
		struct vx_range *u;

		if (r.start > covered) {
			u = range_add(&w->ranges);
			if (!u)
				return &vx_error_nomem;
			*u = (struct vx_range){ covered, r.start, VX_NR_STATES, NULL };
			w->unaccounted += r.start - covered;
		} else if (r.start < covered && covering != SIZE_MAX) {
			err = add_overlap(w, &w->ranges.v[covering], &w->ranges.v[i],
					  min_u64(r.end, covered));
			if (err)
				return err;
		}
		if (r.end > covered) {
			covered = r.end;
			covering = i;
		}
	}
	if (covered < w->end) {
		struct vx_range *u = range_add(&w->ranges);

		if (!u)
			return &vx_error_nomem;
		*u = (struct vx_range){ covered, w->end, VX_NR_STATES, NULL };
		w->unaccounted += w->end - covered;
	}
	vx_sort(w->ranges.v, w->ranges.n, sizeof(w->ranges.v[0]), range_cmp);
	return NULL;
}

static unsigned int log2_floor(uint64_t x)
{
	return 63 - __builtin_clzll(x);
}

/* Free-extent figures, the modules prefix kept out of them. */
static void free_figures(struct vx_window *w)
{
	for (size_t i = 0; i < w->ranges.n; i++) {
		const struct vx_range *r = &w->ranges.v[i];
		uint64_t lo = max_u64(r->start, w->fit_start), size;

		if (r->state != VX_FREE)
			continue;
		if (r->start < w->fit_start)
			w->prefix += min_u64(r->end, w->fit_start) - r->start;
		if (lo >= r->end)
			continue;
		size = r->end - lo;
		w->free_extents++;
		w->largest_free = max_u64(w->largest_free, size);
		w->hist[log2_floor(size)]++;
	}
}

static void busy_figures(const struct vx_space_config *c, struct vx_window *w)
{
	for (size_t i = 0; i < w->ranges.n; i++) {
		const struct vx_range *r = &w->ranges.v[i];
		struct vx_node_figures *nf = NULL;

		if (r->area && w->nodes && r->area->node >= 0 &&
		    (uint32_t)r->area->node < c->nr_nodes)
			nf = &w->nodes[r->area->node];
		if (r->state == VX_BUSY) {
			w->busy_areas++;
			w->guard_bytes += vx_area_guard(c, r->area);
			if (c->percpu_caller && r->area->vm_read &&
			    r->area->vm.caller == c->percpu_caller) {
				w->percpu_chunks++;
				w->percpu_bytes += r->end - r->start;
			}
		}
		if (!nf)
			continue;
		if (r->state == VX_BUSY)
			nf->busy += r->end - r->start;
		else if (r->state == VX_LAZY)
			nf->lazy += r->end - r->start;
		else if (r->state == VX_POOLED)
			nf->pooled += r->end - r->start;
	}
}

static struct vx_error *build_window(const struct vx_space_config *c,
				     const struct vx_vmap *m, struct vx_window *w)
{
	struct vx_error *err;

	if (c->nr_nodes) {
		w->nodes = calloc(c->nr_nodes, sizeof(*w->nodes));
		if (!w->nodes)
			return &vx_error_nomem;
	}
	err = collect_ranges(m, w);
	if (!err)
		err = sweep(w);
	if (err)
		return err;
	free_figures(w);
	busy_figures(c, w);
	return NULL;
}

struct vx_error *vx_space_build(const struct vx_space_config *c,
				const struct vx_vmap *m, struct vx_space *s)
{
	struct vx_window *v = &s->win[VX_WIN_VMALLOC];
	struct vx_window *mo = &s->win[VX_WIN_MODULES];
	struct vx_error *err;

	memset(s, 0, sizeof(*s));
	s->cfg = *c;
	s->m = m;
	s->lazy_pages = m->lazy_pages;
	s->free_root_max = m->free_root_max;
	s->free_root_read = m->free_root_read;
	v->name = "vmalloc";
	v->start = c->vmalloc_start;
	v->end = c->vmalloc_end + 1;
	v->fit_start = c->vmalloc_start;
	v->fit_end = c->vmalloc_end;	/* start + size <= VMALLOC_END */
	mo->name = "modules";
	mo->start = c->modules_start;
	mo->end = c->modules_end;
	mo->fit_start = c->modules_start + c->modules_prefix;
	mo->fit_end = c->modules_end;
	for (int i = 0; i < VX_NR_WINDOWS; i++) {
		err = build_window(c, m, &s->win[i]);
		if (err) {
			vx_space_free(s);
			return err;
		}
	}
	return NULL;
}

void vx_space_free(struct vx_space *s)
{
	free(s->tree.shape.v);
	memset(&s->tree.shape, 0, sizeof(s->tree.shape));
	for (int i = 0; i < VX_NR_WINDOWS; i++) {
		free(s->win[i].ranges.v);
		free(s->win[i].overlaps);
		free(s->win[i].nodes);
	}
	memset(s->win, 0, sizeof(s->win));
}

/* ---- the free tree ---------------------------------------------------- */

struct tree_walk {
	struct vx_kernel *k;
	struct vx_report *r;
	struct vx_free_tree *t;
	const struct vx_area_list *list;
	uint64_t prev_end;
	size_t index;
	bool failed, nomem;
};

static void tree_mismatch(struct tree_walk *tw, const char *what,
			  uint64_t start, uint64_t end)
{
	if (tw->t->matches_list)
		snprintf(tw->t->mismatch, sizeof(tw->t->mismatch),
			 "%s: tree extent %zu 0x%lx-0x%lx", what, tw->index,
			 (unsigned long)start, (unsigned long)end);
	tw->t->matches_list = false;
}

/* One in-order node: compare with the free list entry of the same rank. */
static void tree_visit(struct tree_walk *tw, uint64_t start, uint64_t end)
{
	const struct vx_area_list *l = tw->list;

	if (tw->index && start < tw->prev_end)
		tree_mismatch(tw, "out of order", start, end);
	else if (tw->index >= l->n)
		tree_mismatch(tw, "not on the free list", start, end);
	else if (l->v[tw->index].start != start || l->v[tw->index].end != end)
		tree_mismatch(tw, "differs from the free list", start, end);
	tw->prev_end = end;
	tw->index++;
	tw->t->nodes++;
	tw->t->largest = max_u64(tw->t->largest, end - start);
}

/* One node as the kernel linked it: its extent, children and stored max. */
struct raw_node {
	uint64_t left, right, start, end, max;
};

static bool read_tree_node(struct tree_walk *tw, uint64_t node,
			   struct raw_node *n)
{
	const struct vx_layout *l = &tw->k->l;
	uint64_t va = node - l->va_rb_node;
	struct vx_error *err;

	err = vx_read_u64(tw->k->t, node + l->rb_left, &n->left);
	if (!err)
		err = vx_read_u64(tw->k->t, node + l->rb_right, &n->right);
	if (!err)
		err = vx_read_u64(tw->k->t, va + l->va_start, &n->start);
	if (!err)
		err = vx_read_u64(tw->k->t, va + l->va_end, &n->end);
	if (!err)
		err = vx_read_u64(tw->k->t, va + l->va_subtree_max_size, &n->max);
	if (err) {
		vx_report_skip(tw->r, "free_vmap_area_root: %s", err->message);
		vx_error_destroy(err);
		tw->failed = true;
	}
	return !err;
}

/* Record node n under parent (as its left child or not): the fit replays it. */
static int32_t shape_add(struct tree_walk *tw, const struct raw_node *n,
			 int32_t parent, bool left)
{
	struct vx_tree_shape *t = &tw->t->shape;
	int32_t i = t->n;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 256;
		struct vx_tree_node *v = realloc(t->v, cap * sizeof(*v));

		if (!v) {
			tw->nomem = true;
			return -1;
		}
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = (struct vx_tree_node){
		.start = n->start, .end = n->end, .max = n->max,
		.left = -1, .right = -1, .parent = parent,
	};
	if (parent < 0)
		t->root = i;
	else if (left)
		t->v[parent].left = i;
	else
		t->v[parent].right = i;
	return i;
}

/*
 * Iterative in-order walk.  The depth bound and the node bound end a
 * cyclic or absurd tree; the order check catches a cycle early.
 */
static void walk_tree(struct tree_walk *tw, uint64_t root)
{
	uint64_t start[MAX_TREE_DEPTH], end[MAX_TREE_DEPTH];
	uint64_t right[MAX_TREE_DEPTH];
	int32_t idx[MAX_TREE_DEPTH], parent = -1;
	uint64_t node = root;
	struct raw_node n;
	bool left = true;
	int depth = 0;

	tw->t->shape.root = -1;
	while ((node || depth) && !tw->failed) {
		while (node) {
			if (depth == MAX_TREE_DEPTH || tw->t->nodes > MAX_TREE_NODES) {
				vx_report_skip(tw->r, "free_vmap_area_root: deeper than %d or more than %lu nodes (a cycle?)",
					       MAX_TREE_DEPTH, MAX_TREE_NODES);
				tw->failed = true;
				return;
			}
			if (!read_tree_node(tw, node, &n))
				return;
			parent = shape_add(tw, &n, parent, left);
			idx[depth] = parent;
			start[depth] = n.start;
			end[depth] = n.end;
			right[depth++] = n.right;
			node = n.left;
			left = true;
		}
		depth--;
		tree_visit(tw, start[depth], end[depth]);
		if (tw->t->nodes > tw->list->n + MAX_TREE_DEPTH) {
			tree_mismatch(tw, "more nodes than the free list (a cycle?)",
				      start[depth], end[depth]);
			tw->failed = true;
			return;
		}
		node = right[depth];
		parent = idx[depth];
		left = false;
	}
}

/* How many stored subtree_max_size values differ from the computed ones. */
static uint64_t count_max_disagree(struct vx_tree_shape *t)
{
	struct vx_tree_shape mine = *t;
	uint64_t n = 0;

	if (!t->n)	/* an empty tree: nothing stored to disagree (v is NULL) */
		return 0;
	mine.v = malloc(t->n * sizeof(*t->v) + 1);
	if (!mine.v)
		return 0;
	memcpy(mine.v, t->v, t->n * sizeof(*t->v));
	vx_tree_shape_augment(&mine);
	for (size_t i = 0; i < t->n; i++)
		n += mine.v[i].max != t->v[i].max;
	free(mine.v);
	return n;
}

void vx_space_check_free_tree(struct vx_kernel *k, struct vx_report *r,
			      struct vx_space *s)
{
	struct tree_walk tw = {
		.k = k, .r = r, .t = &s->tree, .list = &s->m->lists[VX_FREE],
	};
	struct vx_error *err;
	uint64_t root;

	free(s->tree.shape.v);
	memset(&s->tree, 0, sizeof(s->tree));
	s->tree.matches_list = true;
	s->tree.shape.root = -1;
	err = vx_read_symbol_uint(k, "free_vmap_area_root", 8, &root);
	if (err) {
		vx_report_skip(r, "free_vmap_area_root: %s", err->message);
		vx_error_destroy(err);
		return;
	}
	walk_tree(&tw, root);
	if (tw.nomem) {
		vx_report_skip(r, "free_vmap_area_root: out of memory for its shape; fits use a rebuilt one");
		free(s->tree.shape.v);
		memset(&s->tree.shape, 0, sizeof(s->tree.shape));
		s->tree.shape.root = -1;
	}
	if (tw.failed)
		return;
	s->tree.walked = true;
	s->tree.max_disagree = count_max_disagree(&s->tree.shape);
	if (tw.index < tw.list->n && s->tree.matches_list) {
		snprintf(s->tree.mismatch, sizeof(s->tree.mismatch),
			 "the free list has %zu extents, the tree %zu",
			 tw.list->n, tw.index);
		s->tree.matches_list = false;
	}
}

/* ---- shared by the reports ------------------------------------------- */

struct vx_error *vx_space_open(struct vx_kernel *k, struct vx_report *r,
			       struct vx_vmap *m, struct vx_space *s)
{
	struct vx_space_config cfg;
	struct vx_error *err;

	err = vx_walk(k, r, VX_WALK_ALL, m);
	if (err)
		return err;
	vx_space_config_read(k, r, &cfg);
	cfg.nr_nodes = m->nr_nodes;
	err = vx_space_build(&cfg, m, s);
	if (err) {
		vx_vmap_free(m);
		return err;
	}
	vx_space_check_free_tree(k, r, s);
	return NULL;
}

void vx_space_close(struct vx_vmap *m, struct vx_space *s)
{
	vx_space_free(s);
	vx_vmap_free(m);
}

const char *vx_state_name(unsigned int state)
{
	static const char *const names[] = {
		[VX_BUSY] = "busy", [VX_LAZY] = "lazy", [VX_PURGING] = "purging",
		[VX_POOLED] = "pooled", [VX_FREE] = "free",
		[VX_NR_STATES] = "unaccounted",
	};

	return state <= VX_NR_STATES ? names[state] : "?";
}

static uint64_t list_bytes(const struct vx_area_list *l)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].end > l->v[i].start)
			sum += l->v[i].end - l->v[i].start;
	return sum;
}

const char *vx_space_unaccounted_reason(const struct vx_space *s)
{
	uint64_t lazy = list_bytes(&s->m->lists[VX_LAZY]);

	if (s->cfg.areas_lost)
		return "most likely an area whose vmap_area the dump's filter left out (busy and unmapped, lazy, pooled or free), else one in transit";
	if (!s->cfg.lazy_list_invisible_purge)
		return "in transit between structures: on a purge's stack-local decay list, or mid-allocation";
	/* vmap_lazy_nr drops only once a purge has merged its areas. */
	if (s->lazy_pages * VX_PAGE_SIZE > lazy)
		return "an area caught mid-purge: this kernel purges from a local list the dump cannot reach (vmap_lazy_nr counts more pages than the lazy list holds)";
	return "an area caught mid-purge (purged from a local list the dump cannot reach) or mid-allocation";
}

const char *vx_human_bytes(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = bytes;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v == (uint64_t)v)
		snprintf(buf, size, "%lu %s", (unsigned long)v, units[u]);
	else
		snprintf(buf, size, "%.1f %s", v, units[u]);
	return buf;
}

struct vx_error *vx_space_run(struct vx_kernel *k, struct vx_report *r,
			      const struct vx_options *o, FILE *out,
			      vx_space_printer print)
{
	struct vx_error *err;
	struct vx_space s;
	struct vx_vmap m;

	err = vx_space_open(k, r, &m, &s);
	if (err)
		return err;
	if (!o->json)
		vx_recover_caveat(k, out);
	err = print(&s, o, out);
	vx_space_close(&m, &s);
	return err;
}

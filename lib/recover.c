// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Recovering a broken vmap_area list (recover.h).
 *
 * Every list the walker reads (a node's busy or lazy list, 6.9+;
 * vmap_area_list and purge_vmap_area_list before) is address-sorted and
 * shadowed by an rb-tree of the same areas (busy.root, lazy.root,
 * vmap_area_root, purge_vmap_area_root): insert_vmap_area() and
 * merge_or_add_vmap_area() link each area into both.  When the forward
 * walk stops, the rest is still reachable from the list's tail (walking
 * prev), from the tree's root, and from the list and tree links of each
 * area found.  A link is followed only when the area it reaches links
 * back (next/prev, child/parent): a freed vmap_area keeps stale links
 * that no live area points back to, so nothing freed is taken for live.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recover.h"
#include "sort.h"

#define MAX_RECOVERED	(1UL << 22)
#define RB_PARENT_MASK	(~3ULL)

enum { LINK_NEXT, LINK_PREV, LINK_LEFT, LINK_RIGHT, LINK_PARENT, NR_LINKS };

/* A link of an allocated slab object: target is a vmap_area address. */
struct link_ref {
	uint64_t target;
	size_t obj;
};

struct vx_recovery {
	size_t lists;		/* lists whose walk broke */
	size_t by_back, by_links, by_slab;
	size_t by_page_tables;	/* busy ranges rebuilt from the page tables */
	size_t missing, missing_excluded;	/* vmap_areas not readable */
	size_t vms, vms_excluded;		/* vm_structs not readable */
	size_t heads_excluded;			/* list heads on excluded pages */
	char heads[160];			/* which, for the message */
	char closed[1024];			/* lists recovered whole, for -v */
	/* Of those, the ones broken by a page the filter left out. */
	size_t whole_excluded;
	char whole[160];
	/* The slab scan, done once, when a list first breaks. */
	bool slab_done, slab_ok;
	char slab_failed[256];		/* why it could not be trusted */
	bool slab_failed_said;		/* by this walk (vx_recover_begin()) */
	struct vx_slab_scan slab;
	struct link_ref *refs;		/* every link of slab.obj, by target */
	size_t nr_refs;
	/*
	 * vmap_areas held by a node's pools or purge list (6.9+) and every
	 * allocated object linking to one: on no busy or lazy list (below).
	 */
	struct placed *elsewhere;	/* sorted by va */
	size_t nr_elsewhere, cap_elsewhere;
	char elsewhere_unknown[200];	/* why that set is incomplete */
};

/* A vmap_area known to be on the list whose head is at head. */
struct placed {
	uint64_t va, head;
};

/* A set of addresses: open addressing, grown at half full. */
struct addr_set {
	uint64_t *slot;
	size_t cap, n;
};

static size_t set_hash(uint64_t a, size_t cap)
{
	return (size_t)((a >> 3) * 0x9e3779b97f4a7c15ULL) & (cap - 1);
}

/* Add a (not 0); returns 1 if new, 0 if present, -1 out of memory. */
static int set_add(struct addr_set *s, uint64_t a)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct addr_set g = { .cap = s->cap ? 2 * s->cap : 1024 };

		g.slot = calloc(g.cap, sizeof(*g.slot));
		if (!g.slot)
			return -1;
		for (i = 0; i < s->cap; i++)
			if (s->slot[i])
				set_add(&g, s->slot[i]);
		free(s->slot);
		*s = g;
	}
	for (i = set_hash(a, s->cap); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == a)
			return 0;
	s->slot[i] = a;
	s->n++;
	return 1;
}

static bool set_has(const struct addr_set *s, uint64_t a)
{
	if (!s->cap)
		return false;
	for (size_t i = set_hash(a, s->cap); s->slot[i];
	     i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == a)
			return true;
	return false;
}

static struct vx_recovery *recovery(struct vx_kernel *k)
{
	if (!k->recovery)
		k->recovery = calloc(1, sizeof(*k->recovery));
	return k->recovery;
}

struct ctx {
	struct vx_kernel *k;
	const struct vx_list_spec *spec;
	struct vx_area_list *list;
	struct addr_set seen;		/* vmap_areas found or tried */
	struct addr_set lost;		/* on the list, not readable */
	size_t first;			/* list->v[first..]: this list */
	size_t missing, missing_excluded, by_back, by_links, by_slab;
	/* Slab objects not taken, the list not closed: why (else NULL). */
	const char *slab_refused;
	/* Links of the list's proven members, by target (from_slab()). */
	struct claim *claims;
	size_t nr_claims;
};

/* Link n of the member by leads to target. */
struct claim {
	uint64_t target, by;
	int n;
};

/*
 * Every skip of the recovery goes through here (one place to turn them
 * into another kind of report).
 */
static void say(struct vx_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct vx_report *rep, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	vx_report_skip(rep, "%s", msg ? msg : "recovery: out of memory");
	free(msg);
}

static uint64_t u64_at(const uint8_t *buf, uint64_t off)
{
	uint64_t v;

	memcpy(&v, buf + off, 8);
	return v;
}

/* A vmap_area known to exist could not be read. */
static void note_missing(struct ctx *c, uint64_t va)
{
	set_add(&c->lost, va);	/* out of memory: only less is recovered */
	c->missing++;
	if (vx_excluded(c->k->t, va) == 1)
		c->missing_excluded++;
}

/*
 * Walk prev from the list's tail until an area already found, the head,
 * or a fault.  Each step checks that the area's next is where we came
 * from, as the forward walk checks prev.
 */
static struct vx_error *walk_back(struct ctx *c, size_t *added)
{
	const struct vx_layout *l = &c->k->l;
	uint64_t head = c->spec->head, pos, from = head;
	uint8_t buf[VX_MAX_STRUCT_BYTES];

	struct vx_error *err;

	*added = 0;
	err = vx_read_u64(c->k->t, head + 8, &pos);
	if (err) {
		vx_error_destroy(err);
		return NULL;	/* the head is gone: the tree may still help */
	}
	while (pos != head && *added < MAX_RECOVERED) {
		uint64_t va = pos - l->va_list;
		int fresh = set_add(&c->seen, va);

		if (fresh < 0)
			return &vx_error_nomem;
		if (!fresh)
			break;
		err = vx_read(c->k->t, va, buf, l->va_sizeof);
		if (err) {
			vx_error_destroy(err);
			note_missing(c, va);
			break;
		}
		if (u64_at(buf, l->va_list) != from)
			break;
		err = vx_walk_add_area(c->k, c->spec->report, c->list, buf, va,
				       c->spec->state, c->spec->node,
				       VX_SRC_LIST_BACK);
		if (err)
			return err;
		++*added;
		from = pos;
		pos = u64_at(buf, l->va_list + 8);
	}
	return NULL;
}

/*
 * Where link n of the area at va (read into buf) leads, as a vmap_area
 * address, and the address the reached area must hold at *back_off for
 * the link to be live.  0: no link.
 */
static uint64_t link_target(struct ctx *c, const uint8_t *buf, uint64_t va,
			    int n, uint64_t *back_off, uint64_t *back_val)
{
	const struct vx_layout *l = &c->k->l;
	uint64_t rb = va + l->va_rb_node, lh = va + l->va_list, p;

	switch (n) {
	case LINK_NEXT:
		p = u64_at(buf, l->va_list);
		*back_off = l->va_list + 8;
		*back_val = lh;
		return p == c->spec->head || !p ? 0 : p - l->va_list;
	case LINK_PREV:
		p = u64_at(buf, l->va_list + 8);
		*back_off = l->va_list;
		*back_val = lh;
		return p == c->spec->head || !p ? 0 : p - l->va_list;
	case LINK_LEFT:
	case LINK_RIGHT:
		p = u64_at(buf, l->va_rb_node +
			   (n == LINK_LEFT ? l->rb_left : l->rb_right));
		*back_off = l->va_rb_node + l->rb_parent;
		*back_val = rb;
		return p ? p - l->va_rb_node : 0;
	default:
		p = u64_at(buf, l->va_rb_node + l->rb_parent) & RB_PARENT_MASK;
		*back_off = VX_ABSENT;	/* either child slot may hold rb */
		*back_val = rb;
		return p ? p - l->va_rb_node : 0;
	}
}

static bool links_back(struct ctx *c, const uint8_t *buf, uint64_t off,
		       uint64_t val)
{
	const struct vx_layout *l = &c->k->l;

	if (off == VX_ABSENT)
		return u64_at(buf, l->va_rb_node + l->rb_left) == val ||
		       u64_at(buf, l->va_rb_node + l->rb_right) == val;
	if (off == l->va_rb_node + l->rb_parent)
		return (u64_at(buf, off) & RB_PARENT_MASK) == val;
	return u64_at(buf, off) == val;
}

/* Try the area at va, reached from a live area; queue it if it is live. */
static struct vx_error *try_area(struct ctx *c, uint64_t va, uint64_t back_off,
				 uint64_t back_val, struct addr_set *queue)
{
	uint8_t buf[VX_MAX_STRUCT_BYTES];
	struct vx_error *err;
	int fresh = set_add(&c->seen, va);

	if (fresh <= 0)
		return fresh < 0 ? &vx_error_nomem : NULL;
	err = vx_read(c->k->t, va, buf, c->k->l.va_sizeof);
	if (err) {
		vx_error_destroy(err);
		note_missing(c, va);
		return NULL;
	}
	if (!links_back(c, buf, back_off, back_val))
		return NULL;
	err = vx_walk_add_area(c->k, c->spec->report, c->list, buf, va,
			       c->spec->state, c->spec->node, VX_SRC_LINKS);
	if (err)
		return err;
	c->by_links++;
	return set_add(queue, va) < 0 ? &vx_error_nomem : NULL;
}

/* Follow every link of the areas in list->v[from..] and of the tree root. */
static struct vx_error *follow_links(struct ctx *c, size_t from)
{
	const struct vx_layout *l = &c->k->l;
	uint8_t buf[VX_MAX_STRUCT_BYTES];
	struct vx_error *err = NULL;
	struct addr_set queue = { 0 };
	uint64_t root = 0;

	if (c->spec->root) {
		err = vx_read_u64(c->k->t, c->spec->root, &root);
		vx_error_destroy(err);	/* no root: the links still help */
		err = NULL;
		if (root)
			err = try_area(c, root - l->va_rb_node,
				       l->va_rb_node + l->rb_parent, 0, &queue);
	}
	/* The list is appended to while it is scanned: index, not pointer. */
	for (size_t i = from; !err && i < c->list->n; i++) {
		uint64_t va = c->list->v[i].va;

		if (c->list->n - from > MAX_RECOVERED)
			break;
		err = vx_read(c->k->t, va, buf, l->va_sizeof);
		if (err) {	/* read once already; should not fail */
			vx_error_destroy(err);
			err = NULL;
			continue;
		}
		for (int n = 0; !err && n < NR_LINKS; n++) {
			uint64_t off, val, to = link_target(c, buf, va, n, &off,
							    &val);

			if (to)
				err = try_area(c, to, off, val, &queue);
		}
	}
	free(queue.slot);
	return err;
}

static int by_target(const void *a, const void *b)
{
	const struct link_ref *x = a, *y = b;

	return x->target < y->target ? -1 : x->target > y->target;
}

/* Index every link of every allocated object by where it leads. */
static bool index_links(struct vx_recovery *r)
{
	const struct vx_slab_scan *s = &r->slab;

	r->refs = malloc((s->n ? s->n : 1) * 5 * sizeof(*r->refs));
	if (!r->refs)
		return false;
	for (size_t i = 0; i < s->n; i++)
		for (int n = 0; n < 5; n++)
			if (s->obj[i].link[n])
				r->refs[r->nr_refs++] = (struct link_ref){
					s->obj[i].link[n], i };
	vx_sort(r->refs, r->nr_refs, sizeof(*r->refs), by_target);
	return true;
}

/* The first link of the index that leads to target, or NULL. */
static const struct link_ref *first_ref(const struct vx_recovery *r,
					uint64_t target)
{
	struct link_ref key = { .target = target };
	const struct link_ref *ref =
		vx_bsearch(&key, r->refs, r->nr_refs, sizeof(key), by_target);

	/* bsearch finds any of the equal keys: back up to the first. */
	while (ref && ref > r->refs && ref[-1].target == target)
		ref--;
	return ref;
}

static bool add_placed(struct vx_recovery *r, struct addr_set *seen,
		       uint64_t va, uint64_t head)
{
	int fresh = set_add(seen, va);

	if (fresh <= 0)
		return fresh == 0;
	if (r->nr_elsewhere == r->cap_elsewhere) {
		size_t cap = r->cap_elsewhere ? 2 * r->cap_elsewhere : 256;
		struct placed *g = realloc(r->elsewhere, cap * sizeof(*g));

		if (!g)
			return false;
		r->elsewhere = g;
		r->cap_elsewhere = cap;
	}
	r->elsewhere[r->nr_elsewhere++] = (struct placed){ va, head };
	return true;
}

/*
 * The areas of the list at head, walked from both ends.  An area that
 * cannot be read is on the list all the same (a live link names it) and
 * ends that direction; what lies between is found by place_linkers().
 */
static struct vx_error *place_list(struct vx_kernel *k, struct vx_recovery *r,
				   struct addr_set *seen, uint64_t head)
{
	uint64_t off = k->l.va_list;
	struct vx_error *err = NULL;

	/* The head as the vmap_area its list_head would be in (from_slab()). */
	if (!add_placed(r, seen, head - off, head))
		return &vx_error_nomem;
	for (int dir = 0; !err && dir < 2; dir++) {
		uint64_t pos, from = head, links[2];
		size_t n = 0;

		err = vx_read_u64(k->t, head + 8 * dir, &pos);
		while (!err && pos && pos != head && n++ < MAX_RECOVERED) {
			bool known = set_has(seen, pos - off);

			if (!add_placed(r, seen, pos - off, head))
				return &vx_error_nomem;
			if (known || vx_read(k->t, pos, links, 16))
				break;	/* met, or lost: placed anyway */
			if (links[1 - dir] != from)
				return vx_error_create(VX_ERR_INVALID,
						       "list at 0x%lx: 0x%lx does not link back",
						       (unsigned long)head,
						       (unsigned long)pos);
			from = pos;
			pos = links[dir];
		}
	}
	return err;
}

/*
 * A live vmap_area links only to areas of its own list, so an allocated
 * object linking to a placed area is on that area's list or on none.
 */
static bool place_linkers(struct vx_recovery *r, struct addr_set *seen)
{
	/* elsewhere grows while it is read: index, not pointer. */
	for (size_t i = 0; i < r->nr_elsewhere; i++) {
		struct placed p = r->elsewhere[i];
		const struct link_ref *ref = first_ref(r, p.va);

		for (; ref && ref < r->refs + r->nr_refs &&
		       ref->target == p.va; ref++)
			if (!add_placed(r, seen, r->slab.obj[ref->obj].va, p.head))
				return false;
	}
	return true;
}

static int by_va(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

static struct vx_error *place_nodes(struct vx_kernel *k, struct vx_recovery *r,
				    struct addr_set *seen)
{
	const struct vx_layout *l = &k->l;
	uint64_t addr, nodes = 0, nr = 0;
	struct vx_error *err;

	err = vx_kernel_symbol(k, "vmap_nodes", &addr);
	if (!err)
		err = vx_read_u64(k->t, addr, &nodes);
	if (!err)
		err = vx_kernel_symbol(k, "nr_vmap_nodes", &addr);
	if (!err)
		err = vx_read_uint(k->t, addr, 4, &nr);
	if (!err && (!nr || nr > 1024))
		err = vx_error_create(VX_ERR_INVALID, "nr_vmap_nodes is %lu",
				      (unsigned long)nr);
	for (uint64_t i = 0; !err && i < nr; i++) {
		uint64_t vn = nodes + i * l->vn_sizeof;

		err = place_list(k, r, seen, vn + l->vn_purge_list);
		for (uint64_t p = 0; !err && p < l->vn_pool_count; p++)
			err = place_list(k, r, seen, vn + l->vn_pool +
					 p * l->pool_sizeof + l->pool_head);
	}
	return err;
}

/*
 * 6.9+: the areas a node keeps in its pools (node_pool_add_va()) and on
 * its purge list are allocated objects whose list links are live but
 * whose rb links are stale (the pool rewrites only va->list; the lazy
 * tree they left is reset whole): such an object can name a lost busy
 * area.  They, and every object linking to them, are set apart before
 * the slab rule is used (doc/kernel.md §1.7).  When the pools cannot be
 * read, the reason is kept: then slab objects only count for a list
 * that closes.
 */
static bool place_elsewhere(struct vx_kernel *k, struct vx_recovery *r)
{
	struct addr_set seen = { 0 };
	struct vx_error *err = NULL;
	bool ok = true;

	if (k->has_nodes)
		err = place_nodes(k, r, &seen);
	if (err == &vx_error_nomem)
		ok = false;
	else if (err)
		snprintf(r->elsewhere_unknown, sizeof(r->elsewhere_unknown),
			 "the pools and purge lists of vmap_nodes: %s",
			 err->message);
	vx_error_destroy(err);
	ok = ok && place_linkers(r, &seen);
	free(seen.slot);
	vx_sort(r->elsewhere, r->nr_elsewhere, sizeof(*r->elsewhere), by_va);
	return ok;
}

/* The head of the list a placed area is on; 0 if not placed. */
static uint64_t placed_on(const struct vx_recovery *r, uint64_t va)
{
	struct placed key = { .va = va };
	const struct placed *p =
		vx_bsearch(&key, r->elsewhere, r->nr_elsewhere, sizeof(key), by_va);

	return p ? p->head : 0;
}

/*
 * The slab scan, once per kernel; NULL when it could not be trusted.  Its
 * failure is the dump's, so every walk that needs the scan says it: a
 * crash session's second command gets the same skips as the first.
 */
static struct vx_recovery *slab_objects(struct vx_kernel *k,
					struct vx_report *rep)
{
	struct vx_recovery *r = recovery(k);
	struct vx_error *err;

	if (!r)
		return NULL;
	if (!r->slab_done) {
		r->slab_done = true;
		err = vx_slab_scan(k, &r->slab);
		if (!err && (!index_links(r) || !place_elsewhere(k, r)))
			err = &vx_error_nomem;
		if (err)
			snprintf(r->slab_failed, sizeof(r->slab_failed), "%s",
				 err->message);
		else
			r->slab_ok = true;
		vx_error_destroy(err);
	}
	if (!r->slab_ok && !r->slab_failed_said) {
		r->slab_failed_said = true;
		say(rep, "%s; areas only the slab pages could show are not recovered",
		    r->slab_failed);
	}
	return r->slab_ok ? r : NULL;
}

struct queue {
	uint64_t *v;
	size_t n, cap;
};

static bool push(struct queue *q, uint64_t va)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : 256;
		uint64_t *grown = realloc(q->v, cap * sizeof(*grown));

		if (!grown)
			return false;
		q->v = grown;
		q->cap = cap;
	}
	q->v[q->n++] = va;
	return true;
}

/*
 * A cache may be shared with other objects of the same size (SLUB merges
 * caches): the object must look like a vmap_area of this list, a
 * page-aligned range in the windows.
 */
static bool plausible(struct ctx *c, const uint8_t *buf)
{
	const struct vx_kernel *k = c->k;
	uint64_t start = u64_at(buf, k->l.va_start), end = u64_at(buf, k->l.va_end);

	if (start >= end)
		return false;
	/* The free space starts at 1 and ends at ULONG_MAX (§1.6). */
	if (c->spec->state == VX_FREE)
		return true;
	if (start % VX_PAGE_SIZE || end % VX_PAGE_SIZE)
		return false;
	return (start >= k->vmalloc_start && end - 1 <= k->vmalloc_end) ||
	       (start >= k->modules_start && end <= k->modules_end);
}

/* Where link n of the area at va leads, the list head as an area too. */
static uint64_t raw_target(struct ctx *c, const uint8_t *buf, int n)
{
	const struct vx_layout *l = &c->k->l;
	uint64_t p;

	if (n <= LINK_PREV) {
		p = u64_at(buf, l->va_list + (n == LINK_PREV ? 8 : 0));
		return p ? p - l->va_list : 0;
	}
	p = u64_at(buf, l->va_rb_node + (n == LINK_LEFT ? l->rb_left :
					 n == LINK_RIGHT ? l->rb_right :
					 l->rb_parent)) & RB_PARENT_MASK;
	return p ? p - l->va_rb_node : 0;
}

static int by_claim(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;

	return x->target < y->target ? -1 : x->target > y->target;
}

/* Index every link of the members list->v[from..to) by target. */
static bool claim_links(struct ctx *c, size_t from, size_t to)
{
	uint8_t buf[VX_MAX_STRUCT_BYTES];

	free(c->claims);
	c->nr_claims = 0;
	c->claims = malloc(((to - from) * NR_LINKS + 1) * sizeof(*c->claims));
	if (!c->claims)
		return false;
	for (size_t i = from; i < to; i++) {
		uint64_t va = c->list->v[i].va;
		struct vx_error *err = vx_read(c->k->t, va, buf,
					       c->k->l.va_sizeof);

		vx_error_destroy(err);
		for (int n = 0; !err && n < NR_LINKS; n++) {
			uint64_t t = raw_target(c, buf, n);

			if (t)
				c->claims[c->nr_claims++] = (struct claim){ t, va, n };
		}
	}
	vx_sort(c->claims, c->nr_claims, sizeof(*c->claims), by_claim);
	return true;
}

/*
 * Could the area at to, which cannot be read, link back to x through
 * the slot x's link n needs?  Not when a proven member other than x
 * holds that slot: next and prev name one area each, and so does a
 * node's parent; a node has two children.
 */
static bool slot_free(const struct ctx *c, uint64_t x, int n, uint64_t to)
{
	struct claim key = { .target = to };
	const struct claim *m, *end = c->claims + c->nr_claims;
	int parents = 0;

	m = vx_bsearch(&key, c->claims, c->nr_claims, sizeof(*m),
		       by_claim);
	while (m && m > c->claims && m[-1].target == to)
		m--;
	for (; m && m < end && m->target == to; m++) {
		bool child = n == LINK_LEFT || n == LINK_RIGHT;

		if (m->by == x)
			continue;
		if (n == LINK_PARENT ? m->n == LINK_PARENT && ++parents == 2 :
		    child ? m->n == LINK_LEFT || m->n == LINK_RIGHT : m->n == n)
			return false;
	}
	return true;
}

/*
 * The list head links back to x (next: head.prev is x), or cannot be
 * read and no member holds that slot.
 */
static bool head_links_back(struct ctx *c, uint64_t x, int n)
{
	uint64_t links[2], lh = x + c->k->l.va_list;
	struct vx_error *err = vx_read(c->k->t, c->spec->head, links, 16);

	if (!err)
		return links[n == LINK_NEXT] == lh;
	vx_error_destroy(err);
	return slot_free(c, x, n, c->spec->head - c->k->l.va_list);
}

/*
 * Every area the object links to links back to it: those that can be
 * read by their own links, the list head by its, and those that cannot
 * be read at least have the slot free (slot_free()).
 */
static bool linked_back(struct ctx *c, const uint8_t *buf, uint64_t va)
{
	uint8_t other[VX_MAX_STRUCT_BYTES];
	uint64_t head = c->spec->head - c->k->l.va_list;

	for (int n = 0; n < NR_LINKS; n++) {
		uint64_t off, val, to = raw_target(c, buf, n);
		struct vx_error *err;

		if (!to)
			continue;
		if (to == head && n <= LINK_PREV) {
			if (!head_links_back(c, va, n))
				return false;
			continue;
		}
		link_target(c, buf, va, n, &off, &val);
		err = vx_read(c->k->t, to, other, c->k->l.va_sizeof);
		vx_error_destroy(err);
		if (err ? !slot_free(c, va, n, to) :
			  !links_back(c, other, off, val))
			return false;
	}
	return true;
}

/*
 * After from_slab(): no object taken holds a slot of a lost area that
 * another member, taken or found, holds too.
 */
static bool taken_agree(struct ctx *c, size_t first, size_t before)
{
	uint8_t buf[VX_MAX_STRUCT_BYTES];

	if (!claim_links(c, first, c->list->n))
		return false;
	for (size_t i = before; i < c->list->n; i++) {
		uint64_t va = c->list->v[i].va;
		struct vx_error *err = vx_read(c->k->t, va, buf,
					       c->k->l.va_sizeof);

		vx_error_destroy(err);
		for (int n = 0; !err && n < NR_LINKS; n++) {
			uint64_t to = raw_target(c, buf, n);

			if (to && !slot_free(c, va, n, to))
				return false;
		}
	}
	return true;
}

/*
 * Take the allocated object at va: it links to a member of the list.
 * One placed on another list (a pool, a purge list) is not taken.
 */
static struct vx_error *take(struct ctx *c, const struct vx_recovery *r,
			     uint64_t va, struct queue *q)
{
	uint8_t buf[VX_MAX_STRUCT_BYTES];
	struct vx_error *err;
	uint64_t on = placed_on(r, va);
	int fresh;

	if (on && on != c->spec->head)
		return NULL;
	fresh = set_add(&c->seen, va);
	if (fresh <= 0)
		return fresh < 0 ? &vx_error_nomem : NULL;
	err = vx_read(c->k->t, va, buf, c->k->l.va_sizeof);
	if (err) {	/* its slab was read whole; should not happen */
		vx_error_destroy(err);
		return NULL;
	}
	if (!plausible(c, buf) || !linked_back(c, buf, va))
		return NULL;
	err = vx_walk_add_area(c->k, c->spec->report, c->list, buf, va,
			       c->spec->state, c->spec->node, VX_SRC_SLAB);
	if (err)
		return err;
	c->by_slab++;
	return push(q, va) ? NULL : &vx_error_nomem;
}

/*
 * Members of the list are the areas found, those known but unreadable
 * and, for its first and last entry, the head itself (as the vmap_area
 * its list_head would be in).  A live vmap_area links only to members
 * of its own list and tree, and the free ones are gone from the scan:
 * an allocated object linking to a member is one, unless it is set
 * apart on a pool or purge list, or a member it links to does not or
 * cannot link back (linked_back(); doc/kernel.md §1.7).
 */
static struct vx_error *from_slab(struct ctx *c, size_t first)
{
	struct vx_recovery *r = slab_objects(c->k, c->spec->report);
	struct vx_error *err = NULL;
	struct queue q = { 0 };
	bool ok;

	if (!r)
		return NULL;
	ok = claim_links(c, first, c->list->n);
	ok = ok && push(&q, c->spec->head - c->k->l.va_list);
	for (size_t i = first; ok && i < c->list->n; i++)
		ok = push(&q, c->list->v[i].va);
	for (size_t i = 0; ok && i < c->lost.cap; i++)
		if (c->lost.slot[i])
			ok = push(&q, c->lost.slot[i]);
	while (ok && !err && q.n) {
		uint64_t target = q.v[--q.n];
		const struct link_ref *ref = first_ref(r, target);

		for (; ref && !err && ref < r->refs + r->nr_refs &&
		       ref->target == target; ref++)
			err = take(c, r, r->slab.obj[ref->obj].va, &q);
	}
	free(q.v);
	if (!ok && !err)
		return &vx_error_nomem;
	return err;
}

static bool closed(struct ctx *c, size_t first);

/*
 * from_slab(), and when the free set is unknown (a cache of free objects
 * was left out), the pools could not be set apart, or two objects taken
 * claim one link of a lost area, keep what it found only if the list
 * closes with it: a chain from the head back to the head, each link
 * returned, is the list whatever the free set.
 */
static struct vx_error *from_slab_checked(struct ctx *c, size_t first)
{
	struct vx_recovery *r = slab_objects(c->k, c->spec->report);
	size_t before = c->list->n;
	const char *why = NULL;
	struct vx_error *err;

	err = from_slab(c, first);
	if (err || !r || !c->by_slab)
		return err;
	if (r->slab.free_unknown)
		why = r->slab.why;
	else if (r->elsewhere_unknown[0])
		why = r->elsewhere_unknown;
	else if (!taken_agree(c, first, before))
		why = "two objects claim one link of a lost area";
	if (!why || closed(c, first))
		return NULL;
	c->list->n = before;
	c->by_slab = 0;
	c->slab_refused = why;
	return NULL;
}

static int by_start(const void *a, const void *b)
{
	const struct vx_area *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The list's own head (in a vmap_node, 6.9+) is on an excluded page. */
static void note_head(struct vx_recovery *r, const struct vx_list_spec *spec)
{
	size_t n = strlen(r->heads);

	r->heads_excluded++;
	if (n + strlen(spec->what) + 3 < sizeof(r->heads))
		snprintf(r->heads + n, sizeof(r->heads) - n, "%s%s",
			 n ? ", " : "", spec->what);
}

/*
 * Is list->v[first..] the whole list?  Yes when the chain from the
 * entry after the head (its prev is the head) through next links, each
 * linked back, returns to the head after exactly those areas; or, for
 * no area at all, when the slab scan saw every vmap_area (no slab left
 * out, of unknown free set or KFENCE's) and none links to the head.
 */
static bool closed(struct ctx *c, size_t first)
{
	const struct vx_layout *l = &c->k->l;
	uint64_t head = c->spec->head, from = head, pos = 0;
	size_t n = c->list->n - first, count = 0;
	uint8_t buf[VX_MAX_STRUCT_BYTES];
	struct addr_set have = { 0 };
	struct vx_recovery *r = c->k->recovery;
	bool ok = !c->missing;

	/* Every object seen: no slab left out, of unknown free set, or KFENCE's. */
	if (ok && !n)
		return r && r->slab_ok && !r->slab.slabs_excluded &&
		       !r->slab.slabs_unknown && !r->slab.slabs_kfence &&
		       !c->by_slab;
	for (size_t i = first; ok && i < c->list->n; i++) {
		struct vx_error *err = vx_read(c->k->t, c->list->v[i].va, buf,
					       l->va_sizeof);

		ok = !err && set_add(&have, c->list->v[i].va) > 0;
		vx_error_destroy(err);
		if (ok && u64_at(buf, l->va_list + 8) == head)
			pos = c->list->v[i].va + l->va_list;
	}
	while (ok && pos && pos != head && count < n) {
		struct vx_error *err;

		ok = set_add(&have, pos - l->va_list) == 0;
		err = ok ? vx_read(c->k->t, pos - l->va_list, buf, l->va_sizeof) :
			   NULL;
		ok = ok && !err && u64_at(buf, l->va_list + 8) == from;
		vx_error_destroy(err);
		count++;
		from = pos;
		pos = u64_at(buf, l->va_list);
	}
	free(have.slot);
	return ok && pos == head && count == n;
}

/* -v: a list whose walk broke but that was recovered whole. */
static void note_closed(struct vx_recovery *r, struct ctx *c,
			const struct vx_error *fault)
{
	size_t n = strlen(r->closed);

	if (n + 2 < sizeof(r->closed))
		snprintf(r->closed + n, sizeof(r->closed) - n,
			 "recovered whole: %s (%s): %zu areas, %zu walking back from the tail, %zu through the tree and links, %zu from the vmap_area slabs\n",
			 c->spec->what, fault->message, c->list->n - c->first,
			 c->by_back, c->by_links, c->by_slab);
}

/* A list recovered whole whose walk met a page the filter left out. */
static void note_whole(struct vx_kernel *k, struct vx_recovery *r,
		       const struct vx_list_spec *spec,
		       const struct vx_error *fault)
{
	size_t n = strlen(r->whole);

	if (!vx_error_is(fault, VX_ERR_FAULT) ||
	    vx_excluded(k->t, fault->address) != 1)
		return;
	r->whole_excluded++;
	if (n + strlen(spec->what) + 3 < sizeof(r->whole))
		snprintf(r->whole + n, sizeof(r->whole) - n, "%s%s",
			 n ? ", " : "", spec->what);
}

static void record(struct vx_kernel *k, struct ctx *c, uint64_t lost,
		   const struct vx_error *fault)
{
	struct vx_recovery *r = recovery(k);

	/* Nothing is missing: the output is the kernel's; -v says how. */
	if (r && closed(c, c->first)) {
		note_closed(r, c, fault);
		note_whole(k, r, c->spec, fault);
		r->by_slab += c->by_slab;
		return;
	}
	if (r && !lost && vx_error_is(fault, VX_ERR_FAULT) &&
	    fault->address - c->spec->head < 16 &&
	    vx_excluded(k->t, fault->address) == 1)
		note_head(r, c->spec);
	if (r) {
		r->lists++;
		r->by_back += c->by_back;
		r->by_links += c->by_links;
		r->by_slab += c->by_slab;
		r->missing += c->missing;
		r->missing_excluded += c->missing_excluded;
	}
	say(c->spec->report, "%s: %s; recovered %zu more areas (%zu walking back from the tail, %zu through the tree and links, %zu from the vmap_area slabs); %zu vmap_areas known to be on the list are not readable%s%s%s%s",
		       c->spec->what, fault->message,
		       c->by_back + c->by_links + c->by_slab, c->by_back,
		       c->by_links, c->by_slab, c->missing,
		       c->missing_excluded ? " (pages excluded by the dump's filter)" : "",
		       c->slab_refused ? "; objects in the slabs not taken (the list does not close and they cannot be told apart: " : "",
		       c->slab_refused ? c->slab_refused : "",
		       c->slab_refused ? ")" : "");
}

struct vx_error *vx_recover_list(struct vx_kernel *k,
				 const struct vx_list_spec *spec,
				 struct vx_area_list *list, size_t first,
				 uint64_t lost, const struct vx_error *fault)
{
	struct ctx c = { .k = k, .spec = spec, .list = list, .first = first };
	struct vx_error *err = NULL;

	for (size_t i = first; !err && i < list->n; i++)
		if (set_add(&c.seen, list->v[i].va) < 0)
			err = &vx_error_nomem;
	/* The area the forward walk could not read is one of those lost. */
	if (!err && lost && set_add(&c.seen, lost) > 0)
		note_missing(&c, lost);
	if (!err)
		err = walk_back(&c, &c.by_back);
	if (!err)
		err = follow_links(&c, first);
	if (!err)
		err = from_slab_checked(&c, first);
	free(c.seen.slot);
	free(c.lost.slot);
	free(c.claims);
	if (err)
		return err;
	/*
	 * Lists of busy and lazy areas are sorted by address (link_va()).
	 * An empty list may have no array: no offset on a NULL pointer.
	 */
	if (list->n > first)
		vx_sort(list->v + first, list->n - first, sizeof(list->v[0]),
			by_start);
	record(k, &c, lost, fault);
	return NULL;
}

void vx_recover_note_vm(struct vx_kernel *k, uint64_t addr)
{
	struct vx_recovery *r = recovery(k);

	if (!r)
		return;
	r->vms++;
	if (vx_excluded(k->t, addr) == 1)
		r->vms_excluded++;
}

static const char *const level_words[] = {
	"zero", "cache", "private cache", "user", "free",
};

static void level_text(int level, char *buf, size_t size)
{
	size_t n = 0;

	if (level < 0) {
		snprintf(buf, size, "dump level not recorded");
		return;
	}
	n = snprintf(buf, size, "makedumpfile dump level %d:", level);
	for (int b = 0; b < 5 && n < size; b++)
		if (level & (1 << b))
			n += snprintf(buf + n, size - n, " %s", level_words[b]);
	if (n < size)
		snprintf(buf + n, size - n, "%s", level ? " pages excluded" :
			 " nothing excluded");
}

void vx_recover_fill(struct vx_kernel *k, struct vx_report *rep,
		      struct vx_vmap *m)
{
	struct vx_recovery *r = k->recovery;
	struct vx_error *err;

	if (!r || (!r->missing && !r->heads_excluded))
		return;
	err = vx_recover_page_tables(k, m, &r->by_page_tables);
	if (err) {
		say(rep, "kernel page tables: %s; busy areas whose vmap_area is lost are not rebuilt from them",
		    err->message);
		vx_error_destroy(err);
	}
}

/*
 * How many vmap_areas the filter took: those known to exist (a live link
 * names them).  When slabs were left out, of unknown free set or KFENCE's,
 * or the scan could not be used, more may be gone: "at least".
 */
static void lost_text(const struct vx_recovery *r, char *buf, size_t size)
{
	const struct vx_slab_scan *sc = &r->slab;
	size_t out = sc->slabs_excluded + sc->slabs_unknown + sc->slabs_kfence;

	if (r->slab_done && !r->slab_ok)
		snprintf(buf, size, "at least %zu vmap_areas (the slabs could not be scanned)",
			 r->missing_excluded);
	else if (r->slab_ok && out && (sc->slabs_unknown || sc->slabs_kfence))
		snprintf(buf, size, "at least %zu vmap_areas (%zu of %zu vmap_area slabs excluded: %zu left out, %zu of unknown free set, %zu KFENCE pages)",
			 r->missing_excluded, out, sc->slabs + sc->slabs_kfence,
			 sc->slabs_excluded, sc->slabs_unknown, sc->slabs_kfence);
	else if (r->slab_ok && out)
		snprintf(buf, size, "at least %zu vmap_areas (%zu of %zu vmap_area slabs excluded)",
			 r->missing_excluded, out, sc->slabs);
	else
		snprintf(buf, size, "%zu vmap_areas", r->missing_excluded);
}

/* What the slab scan and the page tables gave, for the statement of the cause. */
static void slab_text(const struct vx_recovery *r, char *buf, size_t size)
{
	size_t n;

	if (!r->slab_ok)
		snprintf(buf, size, "%s", r->heads[0] ?
			 ": the areas on them are lost" : "");
	else
		snprintf(buf, size, "%s%zu areas found in the slabs",
			 r->heads[0] ? "; " : "; slab scan: ", r->by_slab);
	n = strlen(buf);
	if (r->by_page_tables && n + 2 < size)
		snprintf(buf + n, size - n,
			 "; %zu busy ranges rebuilt from the page tables (caller and flags unknown)",
			 r->by_page_tables);
}

/*
 * Every list the filter broke was recovered whole: the output is
 * complete (exit 0), but what the filter did to this dump is said once,
 * as a note: the next tool to read it may not recover as much.
 */
static void report_whole(struct vx_kernel *k, struct vx_recovery *r,
			 struct vx_report *rep)
{
	char level[160], *msg = NULL;

	level_text(vx_dump_level(k->t), level, sizeof(level));
	if (asprintf(&msg, "note: the dump's page filter (%s) left out pages the vmap_area lists run through (%s); every one was recovered whole (vmapx -v says how), no vmap_area is missing; likely a makedumpfile that does not know this kernel's struct page layout (%s)",
		     level, r->whole, k->release[0] ? k->release :
		     "release unknown") < 0)
		return;
	/* A run that walks twice says it once. */
	for (size_t i = 0; i < rep->nr_notes; i++)
		if (!strcmp(rep->notes[i], msg))
			goto out;
	vx_report_note(rep, "%s", msg);
out:
	free(msg);
}

void vx_recover_report(struct vx_kernel *k, struct vx_report *rep)
{
	struct vx_recovery *r = k->recovery;
	char level[160], slab[160], lost[200];

	if (r && r->whole_excluded && !r->missing_excluded &&
	    !r->vms_excluded && !r->heads_excluded)
		report_whole(k, r, rep);
	if (!r || (!r->missing_excluded && !r->vms_excluded &&
		   !r->heads_excluded))
		return;
	level_text(vx_dump_level(k->t), level, sizeof(level));
	slab_text(r, slab, sizeof(slab));
	lost_text(r, lost, sizeof(lost));
	say(rep, "the dump's page filter (%s) left out kernel pages holding %s, %zu vm_structs (their lines: range only, caller and flags unknown) and %zu list heads%s%s%s%s; likely a makedumpfile older than this kernel (%s) taking its slab pages for user or cache pages: re-capture with a makedumpfile that knows this kernel, or a lower dump level",
	    level, lost, r->vms_excluded,
	    r->heads_excluded, r->heads[0] ? " (" : "", r->heads, slab,
	    r->heads[0] ? ")" : "",
	    k->release[0] ? k->release : "release unknown");
}

void vx_recover_begin(struct vx_kernel *k)
{
	struct vx_recovery *r = k->recovery, keep;

	if (!r)
		return;
	/* What one walk found starts over; the slab scan is the dump's. */
	keep = *r;
	memset(r, 0, sizeof(*r));
	r->slab_done = keep.slab_done;
	r->slab_ok = keep.slab_ok;
	memcpy(r->slab_failed, keep.slab_failed, sizeof(r->slab_failed));
	r->slab = keep.slab;
	r->refs = keep.refs;
	r->nr_refs = keep.nr_refs;
	r->elsewhere = keep.elsewhere;
	r->nr_elsewhere = keep.nr_elsewhere;
	r->cap_elsewhere = keep.cap_elsewhere;
	memcpy(r->elsewhere_unknown, keep.elsewhere_unknown,
	       sizeof(r->elsewhere_unknown));
}

bool vx_recover_lost(const struct vx_kernel *k)
{
	const struct vx_recovery *r = k->recovery;

	return r && (r->missing || r->heads_excluded);
}

void vx_recover_caveat(struct vx_kernel *k, FILE *out)
{
	struct vx_recovery *r = k->recovery;

	if (!r || (!r->missing && !r->vms && !r->heads_excluded))
		return;
	fprintf(out, "note: incomplete: %zu vmap_areas and %zu list heads could not be read, %zu areas have no caller or flags (vm_struct not readable), %zu busy ranges come from the page tables alone (caller and flags unknown); areas without a caller are counted as %s; holes below may be lost areas\n",
		r->missing, r->heads_excluded, r->vms, r->by_page_tables,
		VX_CALLER_NOT_IN_DUMP);
}

static const char *const source_words[] = {
	[VX_SRC_LIST] = "its list from the head",
	[VX_SRC_LIST_BACK] = "its list walked back from the tail",
	[VX_SRC_LINKS] = "the tree, or the list links of a recovered area",
	[VX_SRC_SLAB] = "the vmap_area slabs (an allocated object linked to its list)",
	[VX_SRC_PAGE_TABLES] = "the kernel page tables (a mapped run and its guard page)",
};

void vx_recover_describe(struct vx_kernel *k, const struct vx_vmap *m,
			 struct vx_report *r)
{
	const char *line, *nl;

	if (!k->recovery)
		return;
	/* The lists recovered whole, one line each (note_closed()). */
	for (line = k->recovery->closed; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		vx_report_note(r, "%.*s", (int)(nl - line), line);
	}
	for (int s = 0; s < VX_NR_STATES; s++)
		for (size_t i = 0; i < m->lists[s].n; i++) {
			const struct vx_area *a = &m->lists[s].v[i];

			if (a->source == VX_SRC_LIST && !a->vm_lost)
				continue;
			vx_report_note(r, "source: 0x%016lx-0x%016lx from %s%s",
				(unsigned long)a->start, (unsigned long)a->end,
				source_words[a->source],
				a->vm_lost ? "; its vm_struct is not in the dump" : "");
		}
}

void vx_recover_free(struct vx_kernel *k)
{
	if (k->recovery) {
		vx_slab_scan_free(&k->recovery->slab);
		free(k->recovery->refs);
		free(k->recovery->elsewhere);
	}
	free(k->recovery);
	k->recovery = NULL;
}

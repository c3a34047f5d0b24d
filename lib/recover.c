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
#include <stdlib.h>
#include <string.h>

#include "recover.h"

#define MAX_RECOVERED	(1UL << 22)
#define RB_PARENT_MASK	(~3ULL)

enum { LINK_NEXT, LINK_PREV, LINK_LEFT, LINK_RIGHT, LINK_PARENT, NR_LINKS };

struct vx_recovery {
	size_t lists;		/* lists whose walk broke */
	size_t by_back, by_links;
	size_t missing, missing_excluded;	/* vmap_areas not readable */
	size_t vms, vms_excluded;		/* vm_structs not readable */
	size_t heads_excluded;			/* list heads on excluded pages */
	char heads[160];			/* which, for the message */
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
	size_t missing, missing_excluded, by_back, by_links;
};

static uint64_t u64_at(const uint8_t *buf, uint64_t off)
{
	uint64_t v;

	memcpy(&v, buf + off, 8);
	return v;
}

/* A vmap_area known to exist could not be read. */
static void note_missing(struct ctx *c, uint64_t va)
{
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

static void record(struct vx_kernel *k, struct ctx *c, uint64_t lost,
		   const struct vx_error *fault)
{
	struct vx_recovery *r = recovery(k);

	if (r && !lost && vx_error_is(fault, VX_ERR_FAULT) &&
	    fault->address - c->spec->head < 16 &&
	    vx_excluded(k->t, fault->address) == 1)
		note_head(r, c->spec);
	if (r) {
		r->lists++;
		r->by_back += c->by_back;
		r->by_links += c->by_links;
		r->missing += c->missing;
		r->missing_excluded += c->missing_excluded;
	}
	vx_report_skip(c->spec->report, "%s: %s; recovered %zu more areas (%zu walking back from the tail, %zu through the tree and links); %zu vmap_areas known to be on the list are not readable%s",
		       c->spec->what, fault->message,
		       c->by_back + c->by_links, c->by_back, c->by_links,
		       c->missing,
		       c->missing_excluded ? " (pages excluded by the dump's filter)" : "");
}

struct vx_error *vx_recover_list(struct vx_kernel *k,
				 const struct vx_list_spec *spec,
				 struct vx_area_list *list, size_t first,
				 uint64_t lost, const struct vx_error *fault)
{
	struct ctx c = { .k = k, .spec = spec, .list = list };
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
	free(c.seen.slot);
	if (err)
		return err;
	/* Lists of busy and lazy areas are sorted by address (link_va()). */
	if (list->n > first)
		qsort(list->v + first, list->n - first, sizeof(list->v[0]),
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

void vx_recover_report(struct vx_kernel *k, struct vx_report *rep)
{
	struct vx_recovery *r = k->recovery;
	char level[160];

	if (!r || (!r->missing_excluded && !r->vms_excluded &&
		   !r->heads_excluded))
		return;
	level_text(vx_dump_level(k->t), level, sizeof(level));
	vx_report_skip(rep, "the dump's page filter (%s) left out kernel pages holding %zu vmap_areas, %zu vm_structs (their lines: range only, caller and flags unknown) and %zu list heads%s%s%s; likely a makedumpfile older than this kernel (%s) taking its slab pages for user or cache pages: re-capture with a makedumpfile that knows this kernel, or a lower dump level",
		       level, r->missing_excluded, r->vms_excluded,
		       r->heads_excluded, r->heads[0] ? " (" : "", r->heads,
		       r->heads[0] ? ": the areas on them are lost)" : "",
		       k->release[0] ? k->release : "release unknown");
}

void vx_recover_caveat(struct vx_kernel *k, FILE *out)
{
	struct vx_recovery *r = k->recovery;

	if (!r || (!r->missing && !r->vms && !r->heads_excluded))
		return;
	fprintf(out, "note: incomplete: %zu vmap_areas and %zu list heads could not be read, %zu areas have no caller or flags (vm_struct not readable); holes below may be such areas, and counts and totals leave them out\n",
		r->missing, r->heads_excluded, r->vms);
}

static const char *const source_words[] = {
	[VX_SRC_LIST] = "its list from the head",
	[VX_SRC_LIST_BACK] = "its list walked back from the tail",
	[VX_SRC_LINKS] = "the tree, or the list links of a recovered area",
};

void vx_recover_describe(struct vx_kernel *k, const struct vx_vmap *m,
			 struct vx_report *r)
{
	if (!k->recovery)
		return;
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
	free(k->recovery);
	k->recovery = NULL;
}

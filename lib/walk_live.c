// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Walking a running kernel (a live target): no kernel lock is taken, so
 * a list may change under the walk.  The walker notes the first sign of
 * it (a list.prev that disagrees, an unreadable or poisoned link, a
 * vm_struct that now belongs to another address, an area seen twice or
 * overlapping another: freed and reused between two reads); the whole
 * walk is then done again, at most LIVE_WALK_TRIES times.  Should every
 * walk see something move, the last one is kept without the areas seen
 * torn, and a skip says what moved (exit status 3).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "recover.h"
#include "report.h"
#include "walk.h"
#include "sort.h"

/* A walk of 50,000 areas reads for well under a second: 8 tries is bounded and ample. */
#define LIVE_WALK_TRIES	8

bool vx_walk_moved(struct vx_kernel *k, const char *fmt, ...)
{
	va_list ap;

	if (!k->t->live)
		return false;
	if (k->walk_moved)
		return true;
	va_start(ap, fmt);
	if (vasprintf(&k->walk_moved, fmt, ap) < 0)
		k->walk_moved = NULL;
	va_end(ap);
	return true;
}

static int by_start(const void *a, const void *b)
{
	const struct vx_area *x = *(struct vx_area *const *)a;
	const struct vx_area *y = *(struct vx_area *const *)b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->va > y->va) - (x->va < y->va);
}

/*
 * Busy and lazy areas never share a vmap_area or a byte of address
 * space in one state of the kernel: a duplicate or an overlap is an area
 * read before and after it moved.  Both are marked torn.
 */
static struct vx_error *check_overlaps(struct vx_kernel *k, struct vx_vmap *m)
{
	size_t n = m->lists[VX_BUSY].n + m->lists[VX_LAZY].n, j = 0;
	struct vx_area **v = malloc((n ? n : 1) * sizeof(*v));

	if (!v)
		return &vx_error_nomem;
	for (int s = VX_BUSY; s <= VX_LAZY; s++)
		for (size_t i = 0; i < m->lists[s].n; i++)
			v[j++] = &m->lists[s].v[i];
	vx_sort(v, n, sizeof(*v), by_start);
	for (size_t i = 1; i < n; i++) {
		if (v[i]->va != v[i - 1]->va && v[i]->start >= v[i - 1]->end)
			continue;
		vx_walk_moved(k, "vmap_area 0x%lx (0x%lx-0x%lx) and 0x%lx (0x%lx-0x%lx) overlap",
			      (unsigned long)v[i - 1]->va, (unsigned long)v[i - 1]->start,
			      (unsigned long)v[i - 1]->end, (unsigned long)v[i]->va,
			      (unsigned long)v[i]->start, (unsigned long)v[i]->end);
		v[i]->torn = v[i - 1]->torn = true;
	}
	free(v);
	return NULL;
}

static size_t drop_torn(struct vx_vmap *m)
{
	size_t dropped = 0;

	for (int s = 0; s < VX_NR_STATES; s++) {
		struct vx_area_list *l = &m->lists[s];
		size_t j = 0;

		for (size_t i = 0; i < l->n; i++)
			if (!l->v[i].torn)
				l->v[j++] = l->v[i];
		dropped += l->n - j;
		l->n = j;
	}
	return dropped;
}

struct vx_error *vx_walk_live(struct vx_kernel *k, struct vx_report *r,
			      enum vx_walk_what what, struct vx_vmap *m,
			      vx_walk_fn once)
{
	struct vx_report_mark mark = vx_report_mark(r);
	struct vx_error *err;
	int tries = 0;

	for (;;) {
		free(k->walk_moved);
		k->walk_moved = NULL;
		tries++;
		err = once(k, r, what, m);
		if (!err)
			err = check_overlaps(k, m);
		if (err || !k->walk_moved || tries == LIVE_WALK_TRIES)
			break;
		/* Forget this walk entirely, skips, notes and recovery included. */
		vx_vmap_free(m);
		vx_report_rewind(r, mark);
		vx_recover_free(k);
	}
	if (!err && k->walk_moved)
		vx_report_skip(r, "live kernel: the vmap_area lists changed under each of %d walks (last: %s); printed the last walk without the %zu areas seen changing",
			       tries, k->walk_moved, drop_torn(m));
	free(k->walk_moved);
	k->walk_moved = NULL;
	return err;
}

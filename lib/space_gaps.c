// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --gaps: every hole between consecutive busy areas of a window, in
 * address order, cut into the pieces the kernel's structures claim
 * (free, lazy, purging, pooled) or that none claims, each with its cause.
 * A free piece that ends at the next area and spans exactly the way up
 * to that area's alignment is alignment padding (doc/kernel.md §3.3).
 */
#include <string.h>

#include "json.h"
#include "space.h"

#define MAX_CAUSES	24

struct cause_sum {
	const char *state, *cause;
	uint64_t pieces, bytes;
};

struct gap_report {
	const struct vx_space *s;
	const struct vx_window *w;
	struct vx_json *j;
	FILE *out;
	struct cause_sum sums[MAX_CAUSES];
	int nr_sums;
	uint64_t holes;
};

static const char *piece_cause(struct gap_report *g, const struct vx_range *p,
			       const struct vx_range *prev,
			       const struct vx_range *next)
{
	const struct vx_space_config *c = &g->s->cfg;
	const char *why;
	uint64_t align;

	switch (p->state) {
	case VX_LAZY:
		return "lazily freed, awaiting purge (an \"unpurged vm_area\" line)";
	case VX_PURGING:
		return "being purged (on a vmap node's purge_list)";
	case VX_POOLED:
		return "pooled: freed, kept by a vmap node for reuse at this exact size";
	case VX_NR_STATES:
		return vx_space_unaccounted_reason(g->s);
	}
	if (p->start < g->w->fit_start)
		return "unused KASLR prefix of the modules window";
	if (next && p->end == next->start) {
		align = vx_area_alignment(c, next->area, &why);
		if (align > VX_PAGE_SIZE && p->start % align &&
		    (p->start + align - 1) / align * align == next->start)
			return why;
	}
	if (prev && prev->area && c->percpu_caller && prev->area->vm_read &&
	    prev->area->vm.caller == c->percpu_caller && !next)
		return "above the per-cpu chunks: they are carved top-down below VMALLOC_END rounded down to 2 MiB";
	if (!next && g->w == &g->s->win[VX_WIN_VMALLOC])
		return "free up to VMALLOC_END (its last page can never be allocated)";
	return "free: freed areas merged back, or never allocated";
}

static void add_sum(struct gap_report *g, const char *state, const char *cause,
		    uint64_t bytes)
{
	int i;

	for (i = 0; i < g->nr_sums; i++)
		if (g->sums[i].cause == cause && g->sums[i].state == state)
			break;
	if (i == g->nr_sums) {
		if (i == MAX_CAUSES)
			return;
		g->sums[g->nr_sums++] = (struct cause_sum){ state, cause, 0, 0 };
	}
	g->sums[i].pieces++;
	g->sums[i].bytes += bytes;
}

static const char *neighbour_name(const struct vx_space *s,
				  const struct vx_range *r, char *buf, size_t size)
{
	const struct vx_area *a = r ? r->area : NULL;

	if (!r)
		return "the window edge";
	if (a->vm_lost || a->source == VX_SRC_PAGE_TABLES)
		return VX_CALLER_NOT_IN_DUMP;
	if (!a->vm_ptr || !a->vm_read)
		return "vm_map_ram";
	if (!a->vm.caller || !s->cfg.caller_name)
		return "(no caller)";
	s->cfg.caller_name(s->cfg.caller_ctx, a->vm.caller, buf, size);
	return buf;
}

static void emit_hole_start(struct gap_report *g, uint64_t start, uint64_t end,
			    const struct vx_range *prev,
			    const struct vx_range *next)
{
	char abuf[256], bbuf[256];
	const char *a = neighbour_name(g->s, prev, abuf, sizeof(abuf));
	const char *b = neighbour_name(g->s, next, bbuf, sizeof(bbuf));
	if (g->j) {
		vx_json_start_object(g->j);
		vx_json_addr_field(g->j, "start", start);
		vx_json_addr_field(g->j, "end", end - 1);
		vx_json_uint_field(g->j, "bytes", end - start);
		vx_json_string_field(g->j, "after", a);
		vx_json_string_field(g->j, "before", b);
		vx_json_array_field(g->j, "pieces");
		return;
	}
	fprintf(g->out, "  hole 0x%016lx-0x%016lx %lu bytes, after %s, before %s\n",
		(unsigned long)start, (unsigned long)end,
		(unsigned long)(end - start), a, b);
}

static void emit_piece(struct gap_report *g, const struct vx_range *p,
		       const char *cause)
{
	const char *state = vx_state_name(p->state);

	add_sum(g, state, cause, p->end - p->start);
	if (g->j) {
		vx_json_start_object(g->j);
		vx_json_addr_field(g->j, "start", p->start);
		vx_json_addr_field(g->j, "end", p->end - 1);
		vx_json_uint_field(g->j, "bytes", p->end - p->start);
		vx_json_string_field(g->j, "state", state);
		vx_json_string_field(g->j, "cause", cause);
		vx_json_end_object(g->j);
		return;
	}
	fprintf(g->out, "    %-11s %12lu  %s\n", state,
		(unsigned long)(p->end - p->start), cause);
}

/* The pieces ranges[first, last) lie between busy prev and busy next. */
static void report_hole(struct gap_report *g, size_t first, size_t last,
			const struct vx_range *prev, const struct vx_range *next)
{
	const struct vx_range *v = g->w->ranges.v;
	uint64_t start = prev ? prev->end : g->w->start;
	uint64_t end = next ? next->start : g->w->end;

	if (first == last)
		return;
	g->holes++;
	emit_hole_start(g, start, end, prev, next);
	for (size_t i = first; i < last; i++)
		emit_piece(g, &v[i], piece_cause(g, &v[i], prev, next));
	if (g->j) {
		vx_json_end_array(g->j);
		vx_json_end_object(g->j);
	}
}

static void report_sums(struct gap_report *g)
{
	if (g->j) {
		vx_json_array_field(g->j, "causes");
		for (int i = 0; i < g->nr_sums; i++) {
			vx_json_start_object(g->j);
			vx_json_string_field(g->j, "state", g->sums[i].state);
			vx_json_string_field(g->j, "cause", g->sums[i].cause);
			vx_json_uint_field(g->j, "pieces", g->sums[i].pieces);
			vx_json_uint_field(g->j, "bytes", g->sums[i].bytes);
			vx_json_end_object(g->j);
		}
		vx_json_end_array(g->j);
		return;
	}
	fprintf(g->out, "  %lu holes; by cause:\n", (unsigned long)g->holes);
	for (int i = 0; i < g->nr_sums; i++)
		fprintf(g->out, "    %-11s %6lu pieces %20lu bytes  %s\n",
			g->sums[i].state, (unsigned long)g->sums[i].pieces,
			(unsigned long)g->sums[i].bytes, g->sums[i].cause);
}

static void report_window(struct gap_report *g)
{
	const struct vx_window *w = g->w;
	const struct vx_range *prev = NULL;
	size_t first = 0;

	if (g->j) {
		vx_json_start_object(g->j);
		vx_json_string_field(g->j, "name", w->name);
		vx_json_addr_field(g->j, "start", w->start);
		vx_json_addr_field(g->j, "end", w->end - 1);
		vx_json_uint_field(g->j, "busy_areas", w->busy_areas);
		vx_json_uint_field(g->j, "guard_bytes", w->guard_bytes);
		vx_json_array_field(g->j, "holes");
	} else {
		fprintf(g->out, "%s window 0x%016lx-0x%016lx\n", w->name,
			(unsigned long)w->start, (unsigned long)(w->end - 1));
		fprintf(g->out, "  not gaps: the guard page inside each area's printed size, %lu bytes over %lu busy areas\n",
			(unsigned long)w->guard_bytes, (unsigned long)w->busy_areas);
	}
	for (size_t i = 0; i < w->ranges.n; i++) {
		if (w->ranges.v[i].state != VX_BUSY)
			continue;
		report_hole(g, first, i, prev, &w->ranges.v[i]);
		prev = &w->ranges.v[i];
		first = i + 1;
	}
	report_hole(g, first, w->ranges.n, prev, NULL);
	if (g->j)
		vx_json_end_array(g->j);
	report_sums(g);
	if (g->j)
		vx_json_end_object(g->j);
}

struct vx_error *vx_gaps_print(const struct vx_space *s,
			       const struct vx_options *o, FILE *out)
{
	struct gap_report g = { .s = s, .out = out };

	if (o->json) {
		g.j = vx_json_create(out, o->pretty);
		if (!g.j)
			return &vx_error_nomem;
		vx_json_start_object(g.j);
		vx_json_array_field(g.j, "windows");
	}
	for (int i = 0; i < VX_NR_WINDOWS; i++) {
		g.w = &s->win[i];
		g.nr_sums = 0;
		g.holes = 0;
		report_window(&g);
		if (!g.j)
			fputc('\n', out);
	}
	if (!g.j)
		return NULL;
	vx_json_end_array(g.j);
	vx_json_end_object(g.j);
	return vx_json_destroy(g.j);
}

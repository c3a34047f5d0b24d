// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --failures: every vmalloc-family failure in the dump's kernel log, with
 * the window it hit, whether the same request would fit in the dump's
 * address space now, and a verdict: out of address space (fragmentation
 * or exhaustion), out of memory (pages), or a restricted range.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "failures.h"
#include "format.h"
#include "json.h"
#include "space.h"
#include "tasks.h"
#include "sort.h"

enum verdict {
	VERDICT_PAGES,
	VERDICT_FRAGMENTED,
	VERDICT_EXHAUSTED,
	VERDICT_RESTRICTED,
	VERDICT_TRANSIENT,	/* address space then, room now */
	VERDICT_NOT_VMALLOC,
	VERDICT_UNKNOWN,
};

/* A stable identifier for scripts, and the sentence for people. */
static const struct {
	const char *id, *text;
} verdict_names[] = {
	[VERDICT_PAGES] = { "out_of_memory_pages", "out of memory (pages)" },
	[VERDICT_FRAGMENTED] = { "address_space_fragmented",
				 "out of address space (fragmentation)" },
	[VERDICT_EXHAUSTED] = { "address_space_exhausted",
				"out of address space (exhaustion)" },
	[VERDICT_RESTRICTED] = { "restricted_range", "restricted range" },
	[VERDICT_TRANSIENT] = { "address_space_transient",
				"out of address space at the time; it fits now" },
	[VERDICT_NOT_VMALLOC] = { "not_vmalloc",
				  "not a vmalloc address-space failure" },
	[VERDICT_UNKNOWN] = { "unknown", "unknown" },
};

struct judged {
	const struct vx_failure *f;
	int window;		/* enum vx_window_id, -1 if none */
	bool fit_known;
	struct vx_fit fit;
	enum verdict verdict;
	struct vx_request rq;		/* logged or inferred */
	bool have_ws;
	struct vx_window_state ws;	/* the window now */
	uint64_t extents_fit;		/* of ws, for rq */
	const struct vx_failure *path_from;	/* the neighbour the path came from */
};

#define PATH_NEIGHBOUR_NSEC	(10 * UINT64_C(1000000000))

static bool same_request(const struct vx_failure *a, const struct vx_failure *b)
{
	uint64_t sa = a->size + (a->size_includes_guard ? 0 : 4096);
	uint64_t sb = b->size + (b->size_includes_guard ? 0 : 4096);
	uint64_t dt = a->ts_nsec > b->ts_nsec ? a->ts_nsec - b->ts_nsec :
		      b->ts_nsec - a->ts_nsec;

	return a->size && sa == sb && dt <= PATH_NEIGHBOUR_NSEC &&
	       a->comm[0] && !strcmp(a->comm, b->comm);
}

/*
 * A message without its stack dump (the vmap message of a second task
 * whose warn_alloc the ratelimit swallowed) has no path.  The same
 * request by the same command within seconds of a failure whose trace
 * is known went the same way: take that path, and say where it came from.
 */
static const struct vx_failure *path_neighbour(const struct vx_failure_list *l,
					       const struct vx_failure *f)
{
	if (f->path != VX_PATH_UNKNOWN || f->has_range || !f->size)
		return NULL;
	for (size_t i = 0; i < l->count; i++) {
		const struct vx_failure *g = &l->items[i];

		if (g != f && g->path != VX_PATH_UNKNOWN && same_request(f, g))
			return g;
	}
	return NULL;
}

static int window_of(const struct vx_space *s, const struct vx_failure *f,
		     enum vx_failure_path path)
{
	if (f->has_range) {
		for (int w = 0; w < VX_NR_WINDOWS; w++)
			if (f->range_start >= s->win[w].start &&
			    f->range_start < s->win[w].end)
				return w;
		return -1;
	}
	switch (path) {
	case VX_PATH_MODULE:
	case VX_PATH_BPF_JIT:
		return VX_WIN_MODULES;
	default:
		return f->kind == VX_FAIL_EXECMEM ? VX_WIN_MODULES : VX_WIN_VMALLOC;
	}
}

/*
 * 6.12+ print "Address range restricted to A - B" for every failed
 * search; only a range narrower than its window is a real restriction.
 */
static bool whole_window(const struct vx_space *s, const struct judged *j)
{
	const struct vx_window *w = &s->win[j->window];

	return j->f->range_start <= w->fit_start &&
	       j->f->range_end >= w->fit_end;
}

static enum verdict space_verdict(const struct judged *j)
{
	if (!j->fit_known)
		return VERDICT_UNKNOWN;
	switch (j->fit.verdict) {
	case VX_FIT_FRAGMENTED:
		return VERDICT_FRAGMENTED;
	case VX_FIT_EXHAUSTED:
		return VERDICT_EXHAUSTED;
	default:
		return VERDICT_TRANSIENT;
	}
}

static void judge(const struct vx_space *s, const struct vx_failure_list *l,
		  struct judged *j)
{
	const struct vx_failure *f = j->f;

	j->path_from = path_neighbour(l, f);
	j->window = window_of(s, f, j->path_from ? j->path_from->path : f->path);
	/* percpu sizes are per-CPU objects, not vmalloc requests. */
	if (j->window >= 0 && f->kind != VX_FAIL_PERCPU) {
		vx_window_state_read(s, j->window, &j->ws);
		j->have_ws = true;
	}
	vx_failure_request(f, j->have_ws ? &j->ws : NULL, &j->rq);
	if (j->path_from)
		j->rq.path = j->path_from->path;
	if (j->have_ws && j->rq.size) {
		vx_space_fit(s, j->window, j->rq.size, j->rq.includes_guard, 0,
			     &j->fit);
		j->fit_known = true;
		j->extents_fit = vx_window_extents_fit(s, j->window, j->fit.size,
							j->fit.align);
	}
	switch (f->hint) {
	case VX_HINT_OUT_OF_PAGES:
		j->verdict = VERDICT_PAGES;
		break;
	case VX_HINT_RESTRICTED_RANGE:
		j->verdict = j->window >= 0 && whole_window(s, j) ?
			     space_verdict(j) : VERDICT_RESTRICTED;
		break;
	case VX_HINT_ADDRESS_SPACE:
		j->verdict = space_verdict(j);
		break;
	case VX_HINT_SPACE_OR_PAGES:
		/* Room in the address space now points at the pages. */
		j->verdict = j->fit_known && j->fit.verdict == VX_FIT_OK ?
			     VERDICT_PAGES : space_verdict(j);
		/* Size unknown, but not one page (+ guard) fits anywhere. */
		if (!j->fit_known && j->have_ws &&
		    !vx_window_extents_fit(s, j->window, 2 * 4096, 4096))
			j->verdict = VERDICT_EXHAUSTED;
		break;
	case VX_HINT_NOT_VMALLOC:
		j->verdict = VERDICT_NOT_VMALLOC;
		break;
	default:
		j->verdict = VERDICT_UNKNOWN;
	}
}

static void print_trace(FILE *out, const struct vx_failure *f)
{
	if (!f->trace_len)
		return;
	fputs("  call trace:", out);
	for (unsigned int i = 0; i < f->trace_len; i++)
		fprintf(out, " %s", f->trace[i]);
	fputc('\n', out);
}

/* The window now: busy by kind of holder, free, what could take the request. */
static void print_window(FILE *out, const struct vx_space *s,
			 const struct judged *j)
{
	const struct vx_window_state *ws = &j->ws;
	char a[32], b[32];

	fprintf(out, "  window %s now: busy", s->win[j->window].name);
	if (j->window == VX_WIN_MODULES) {	/* the kinds that share it */
		for (int k = 0; k < VX_NR_HOLD; k++)
			fprintf(out, "%s %s %s in %llu area%s", k ? "," : "",
				vx_holder_kind_name(k),
				vx_human_bytes(ws->busy[k], a, sizeof(a)),
				(unsigned long long)ws->areas[k],
				ws->areas[k] == 1 ? "" : "s");
	} else {
		uint64_t bytes = 0, areas = 0;

		for (int k = 0; k < VX_NR_HOLD; k++) {
			bytes += ws->busy[k];
			areas += ws->areas[k];
		}
		fprintf(out, " %s in %llu area%s", vx_human_bytes(bytes, a, sizeof(a)),
			(unsigned long long)areas, areas == 1 ? "" : "s");
	}
	fprintf(out, "; free %s in %llu extent%s, largest %s",
		vx_human_bytes(ws->free_bytes, a, sizeof(a)),
		(unsigned long long)ws->free_extents, ws->free_extents == 1 ? "" : "s",
		vx_human_bytes(ws->largest_free, b, sizeof(b)));
	if (j->fit_known)
		fprintf(out, "; %llu could hold the request",
			(unsigned long long)j->extents_fit);
	fputc('\n', out);
}

static void print_holders(FILE *out, const struct vx_failure_list *l,
			  const struct judged *j)
{
	char a[32];

	if (!j->ws.nr_top)
		return;
	fputs("  top holders:", out);
	for (unsigned int i = 0; i < j->ws.nr_top; i++)
		fprintf(out, "%s %s %s (%llu)", i ? "," : "", j->ws.top[i].name,
			vx_human_bytes(j->ws.top[i].bytes, a, sizeof(a)),
			(unsigned long long)j->ws.top[i].count);
	fputc('\n', out);
	if (j->window != VX_WIN_MODULES || !l->nr_modules)
		return;
	fputs("  largest modules:", out);
	for (unsigned int i = 0; i < l->nr_modules; i++)
		fprintf(out, "%s %s %s", i ? "," : "", l->modules[i].name,
			vx_human_bytes(l->modules[i].bytes, a, sizeof(a)));
	fputc('\n', out);
}

static void print_text(FILE *out, const struct vx_space *s,
		       const struct vx_failure_list *l, const struct judged *j)
{
	const struct vx_failure *f = j->f;
	char a[32], b[32], pb[VX_PRINTABLE_SIZE];

	fprintf(out, "[%5" PRIu64 ".%06" PRIu64 "] %s", f->ts_nsec / 1000000000,
		f->ts_nsec / 1000 % 1000000,
		f->comm[0] ? vx_printable(f->comm, pb, sizeof(pb)) : "?");
	if (f->has_pid)
		fprintf(out, " (pid %u%s)", f->pid,
			f->comm_from_tasks ? ", named from the dump's task list" : "");
	fprintf(out, ": %s\n", vx_printable(f->message, pb, sizeof(pb)));
	fprintf(out, "  request: %s%s, path %s, window %s\n",
		j->rq.size ? vx_human_bytes(j->rq.size, a, sizeof(a)) : "size not logged",
		j->rq.size && j->rq.includes_guard ? " (guard page included)" : "",
		vx_failure_path_name(j->rq.path),
		j->window >= 0 ? s->win[j->window].name : "none");
	if (j->rq.inferred)
		fprintf(out, "  inferred: the message logs no size; %s\n", j->rq.why);
	if (j->path_from)
		fprintf(out, "  path inferred: no call trace; the same request by %s at [%5" PRIu64
			".%06" PRIu64 "] (seq %" PRIu64 ") went this way\n",
			vx_printable(j->path_from->comm, pb, sizeof(pb)),
			j->path_from->ts_nsec / 1000000000, j->path_from->ts_nsec / 1000 % 1000000,
			j->path_from->seq);
	if (f->has_range)
		fprintf(out, "  range: 0x%016" PRIx64 " - 0x%016" PRIx64 "\n",
			f->range_start, f->range_end);
	if (j->have_ws)
		print_window(out, s, j);
	if (j->fit_known)
		fprintf(out, "  now: %s (largest free extent %s, free in window %s)\n",
			j->fit.verdict == VX_FIT_OK ? "it would fit" : "it would not fit",
			vx_human_bytes(j->fit.largest_free, a, sizeof(a)),
			vx_human_bytes(j->fit.total_free, b, sizeof(b)));
	fprintf(out, "  verdict: %s\n", verdict_names[j->verdict].text);
	if (j->have_ws)
		print_holders(out, l, j);
	print_trace(out, f);
	if (f->related >= 0)
		fprintf(out, "  same event as seq %" PRIu64 "\n",
			l->items[f->related].seq);
}

/* What the message alone says: sizes, mode, range, percpu arguments. */
static void json_message_fields(struct vx_json *w, const struct vx_failure *f)
{
	vx_json_string_field(w, "kind", vx_failure_kind_name(f->kind));
	vx_json_string_field(w, "verdict_hint", vx_verdict_hint_name(f->hint));
	vx_json_string_field(w, "path", vx_failure_path_name(f->path));
	vx_json_uint_field(w, "size", f->size);
	vx_json_bool_field(w, "size_includes_guard", f->size_includes_guard);
	if (f->kind == VX_FAIL_PAGES && f->size_includes_guard)
		vx_json_uint_field(w, "allocated", f->allocated);
	if (f->kind == VX_FAIL_PAGE_ARRAY)
		vx_json_uint_field(w, "array_size", f->array_size);
	if (f->page_order >= 0)
		vx_json_int_field(w, "page_order", f->page_order);
	if (f->kind == VX_FAIL_PERCPU) {
		vx_json_uint_field(w, "align", f->align);
		vx_json_int_field(w, "atomic", f->atomic);
	}
	if (f->detail[0])
		vx_json_string_field(w, "detail", f->detail);
	if (f->gfp[0]) {
		vx_json_string_field(w, "gfp", f->gfp);
		vx_json_uint_field(w, "gfp_mask", f->gfp_mask);
	}
	if (f->has_range) {
		vx_json_addr_field(w, "range_start", f->range_start);
		vx_json_addr_field(w, "range_end", f->range_end);
	}
}

/* The request as judged (logged or inferred) and the window now. */
static void json_request(struct vx_json *w, const struct vx_failure_list *l,
			 const struct judged *j)
{
	const struct vx_window_state *ws = &j->ws;

	vx_json_uint_field(w, "request_size", j->rq.size);
	vx_json_bool_field(w, "request_includes_guard", j->rq.includes_guard);
	vx_json_bool_field(w, "request_inferred", j->rq.inferred);
	if (j->rq.inferred)
		vx_json_string_field(w, "request_inferred_from", j->rq.why);
	vx_json_string_field(w, "request_path", vx_failure_path_name(j->rq.path));
	if (j->path_from)
		vx_json_uint_field(w, "request_path_from_seq", j->path_from->seq);
	if (!j->have_ws)
		return;
	vx_json_object_field(w, "window_state");
	for (int k = 0; k < VX_NR_HOLD; k++) {
		char key[32];

		snprintf(key, sizeof(key), "busy_%s", vx_holder_kind_name(k));
		vx_json_uint_field(w, key, ws->busy[k]);
		snprintf(key, sizeof(key), "areas_%s", vx_holder_kind_name(k));
		vx_json_uint_field(w, key, ws->areas[k]);
	}
	vx_json_uint_field(w, "free_bytes", ws->free_bytes);
	vx_json_uint_field(w, "free_extents", ws->free_extents);
	vx_json_uint_field(w, "largest_free", ws->largest_free);
	if (j->fit_known)
		vx_json_uint_field(w, "extents_fit", j->extents_fit);
	vx_json_uint_field(w, "bpf_pack_size", ws->pack_size);
	vx_json_uint_field(w, "bpf_packs", ws->pack_count);
	vx_json_array_field(w, "top_holders");
	for (unsigned int i = 0; i < ws->nr_top; i++) {
		vx_json_start_object(w);
		vx_json_string_field(w, "caller", ws->top[i].name);
		vx_json_string_field(w, "kind",
				     vx_holder_kind_name(vx_holder_kind_of(ws->top[i].name)));
		vx_json_uint_field(w, "areas", ws->top[i].count);
		vx_json_uint_field(w, "bytes", ws->top[i].bytes);
		vx_json_end_object(w);
	}
	vx_json_end_array(w);
	if (j->window == VX_WIN_MODULES && l->nr_modules) {
		vx_json_array_field(w, "largest_modules");
		for (unsigned int i = 0; i < l->nr_modules; i++) {
			vx_json_start_object(w);
			vx_json_string_field(w, "module", l->modules[i].name);
			vx_json_uint_field(w, "bytes", l->modules[i].bytes);
			vx_json_end_object(w);
		}
		vx_json_end_array(w);
	}
	vx_json_end_object(w);
}

static void print_json(struct vx_json *w, const struct vx_space *s,
		       const struct vx_failure_list *l, const struct judged *j)
{
	const struct vx_failure *f = j->f;

	vx_json_start_object(w);
	vx_json_uint_field(w, "seq", f->seq);
	vx_json_uint_field(w, "ts_nsec", f->ts_nsec);
	vx_json_string_field(w, "comm", f->comm);
	if (f->has_pid)
		vx_json_uint_field(w, "pid", f->pid);
	vx_json_bool_field(w, "comm_from_tasks", f->comm_from_tasks);
	if (f->has_cpu)
		vx_json_uint_field(w, "cpu", f->cpu);
	json_message_fields(w, f);
	if (j->window >= 0)
		vx_json_string_field(w, "window", s->win[j->window].name);
	else
		vx_json_null_field(w, "window");
	if (j->fit_known) {
		vx_json_bool_field(w, "fits_now", j->fit.verdict == VX_FIT_OK);
		vx_json_uint_field(w, "largest_free", j->fit.largest_free);
		vx_json_uint_field(w, "free_bytes", j->fit.total_free);
	}
	json_request(w, l, j);
	vx_json_string_field(w, "verdict", verdict_names[j->verdict].id);
	vx_json_string_field(w, "verdict_text", verdict_names[j->verdict].text);
	vx_json_string_field(w, "message", f->message);
	vx_json_array_field(w, "call_trace");
	for (unsigned int i = 0; i < f->trace_len; i++)
		vx_json_string(w, f->trace[i]);
	vx_json_end_array(w);
	if (f->related >= 0)
		vx_json_uint_field(w, "related_seq", l->items[f->related].seq);
	vx_json_end_object(w);
}

struct vx_error *vx_failures_report(const struct vx_space *s,
				    const struct vx_failure_list *l,
				    const struct vx_options *o, FILE *out)
{
	struct vx_json *w = NULL;

	if (o->json) {
		w = vx_json_create(out, o->pretty);
		if (!w)
			return vx_error_nomem_in("--failures report");
		vx_json_start_object(w);
		vx_json_uint_field(w, "log_records", l->records);
		vx_json_array_field(w, "failures");
	} else if (!l->count) {
		fprintf(out, "no vmalloc failure in the kernel log (%" PRIu64 " records)\n",
			l->records);
	}
	for (size_t i = 0; i < l->count; i++) {
		struct judged j = { .f = &l->items[i] };

		judge(s, l, &j);
		if (w)
			print_json(w, s, l, &j);
		else
			print_text(out, s, l, &j);
	}
	if (!w)
		return NULL;
	vx_json_end_array(w);
	vx_json_end_object(w);
	return vx_json_destroy(w);
}

static int holder_by_bytes(const void *x, const void *y)
{
	const struct vx_holder *a = x, *b = y;

	return a->bytes != b->bytes ? (a->bytes < b->bytes ? 1 : -1) :
		strcmp(a->name, b->name);
}

/* The loaded modules holding the most of the modules window (their mem[] / layouts). */
static void largest_modules(struct vx_kernel *k, struct vx_failure_list *l)
{
	struct vx_holder *h = NULL, *grown;
	const char *name;
	uint64_t bytes;
	size_t n = 0;

	for (size_t i = 0; vx_module_memory(k, i, k->modules_start, k->modules_end,
					      &name, &bytes); i++) {
		grown = realloc(h, (n + 1) * sizeof(*h));
		if (!grown)
			break;
		h = grown;
		memset(&h[n], 0, sizeof(h[n]));
		snprintf(h[n].name, sizeof(h[n].name), "%s", name);
		h[n].bytes = bytes;
		h[n++].count = 1;
	}
	if (!n) {
		free(h);
		return;
	}
	vx_sort(h, n, sizeof(*h), holder_by_bytes);
	l->modules = h;
	l->nr_modules = n < VX_TOP_HOLDERS ? n : VX_TOP_HOLDERS;
}

/*
 * A message without "<comm>: " (execmem, the vmap message) still has its
 * caller's PID: name the task from the dump's task list, if it still runs.
 */
static void name_tasks(struct vx_kernel *k, struct vx_failure_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		struct vx_failure *f = &l->items[i];

		if (f->has_pid && !f->comm[0] && f->pid &&
		    vx_task_comm(k, f->pid, f->comm, sizeof(f->comm)))
			f->comm_from_tasks = true;
	}
}

struct vx_error *vx_failures_run(struct vx_kernel *k, struct vx_report *r,
				 const struct vx_options *o, FILE *out)
{
	struct vx_failure_list list = { 0 };
	struct vx_error *err;
	struct vx_space s;
	struct vx_vmap m;

	err = vx_failures_scan(k->t, &k->vmci, &list);
	if (err)
		return err;	/* it says "reading the kernel log" */
	name_tasks(k, &list);
	largest_modules(k, &list);
	err = vx_space_open(k, r, &m, &s);
	if (!err) {
		err = vx_failures_report(&s, &list, o, out);
		vx_space_close(&m, &s);
	}
	vx_failure_list_free(&list);
	return err;
}

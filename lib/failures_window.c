// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The window a failure hit, as the dump shows it now: busy bytes by kind
 * of holder (BPF, modules, other), free bytes and extents, how many free
 * extents could hold the request, the top holders by caller.  And the
 * request itself when the message gives no size: "execmem: unable to
 * allocate memory" (6.12+, printed by __execmem_alloc() or
 * execmem_vmalloc() with __GFP_NOWARN, so no warn_alloc and no stack
 * follows) names neither size nor path.  On x86_64 its users are module
 * memory, BPF prog packs (bpf_prog_pack_alloc -> bpf_jit_alloc_exec ->
 * execmem_alloc(EXECMEM_BPF)), kprobes and ftrace trampolines; a pack is
 * BPF_PROG_PACK_SIZE = SZ_2M * num_possible_nodes() (6.1+,
 * kernel/bpf/core.c), which the packs already in the window measure.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "failures.h"
#include "space.h"
#include "sort.h"

#define MAX_GROUPS	256	/* distinct callers tallied for the top list */
#define PACK_SIZES	8	/* distinct pack sizes tallied */

static const struct {
	const char *prefix;
	enum vx_holder_kind kind;
} holder_prefixes[] = {
	{ "bpf_", VX_HOLD_BPF },		/* bpf_prog_pack_alloc, bpf_jit_* */
	{ "alloc_new_pack", VX_HOLD_BPF },	/* bpf_prog_pack_alloc's helper */
	{ "arch_alloc_bpf_trampoline", VX_HOLD_BPF },
	{ "load_module", VX_HOLD_MODULES },	/* <= 6.3: module_alloc inlined */
	{ "module_alloc", VX_HOLD_MODULES },
	{ "module_memory_alloc", VX_HOLD_MODULES },
	{ "move_module", VX_HOLD_MODULES },
	/*
	 * 7.x: module data from execmem_alloc_rw(), module text from the ROX
	 * cache execmem_alloc() fills 2 MiB at a time; BPF packs still name
	 * bpf_prog_pack_alloc (execmem_alloc is inlined or tail-called there).
	 */
	{ "execmem_", VX_HOLD_MODULES },
};

enum vx_holder_kind vx_holder_kind_of(const char *caller)
{
	for (size_t i = 0; i < sizeof(holder_prefixes) / sizeof(holder_prefixes[0]); i++)
		if (!strncmp(caller, holder_prefixes[i].prefix,
			     strlen(holder_prefixes[i].prefix)))
			return holder_prefixes[i].kind;
	return VX_HOLD_OTHER;
}

const char *vx_holder_kind_name(enum vx_holder_kind h)
{
	static const char *const names[] = {
		[VX_HOLD_BPF] = "bpf",
		[VX_HOLD_MODULES] = "modules",
		[VX_HOLD_OTHER] = "other",
	};

	return (unsigned int)h < VX_NR_HOLD ? names[h] : "other";
}

static bool is_pack_caller(const char *caller)
{
	return !strncmp(caller, "bpf_prog_pack_alloc", 19) ||
	       !strncmp(caller, "alloc_new_pack", 14);
}

/* The caller's name without "+off/size" (" [mod]" kept). */
static const char *caller_of(const struct vx_space *s, const struct vx_area *a,
			     char *buf, size_t size)
{
	if (a->vm_lost || a->source == VX_SRC_PAGE_TABLES)
		return VX_CALLER_NOT_IN_DUMP;
	if (!a->vm_ptr || !a->vm_read)
		return "vm_map_ram";
	if (!a->vm.caller || !s->cfg.caller_name)
		return "(unknown)";
	s->cfg.caller_name(s->cfg.caller_ctx, a->vm.caller, buf, size);
	return buf[0] ? buf : "(unknown)";
}

struct tally {
	struct vx_holder groups[MAX_GROUPS];
	unsigned int n;
	uint64_t pack_sizes[PACK_SIZES], pack_counts[PACK_SIZES];
	unsigned int nsizes;
};

static void tally_group(struct tally *t, const char *name, uint64_t bytes)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->groups[i].name, name))
			break;
	if (i == t->n) {
		if (t->n == MAX_GROUPS)
			return;	/* the rest are too many to be the top five */
		snprintf(t->groups[t->n++].name, sizeof(t->groups[0].name),
			 "%.95s", name);
	}
	t->groups[i].count++;
	t->groups[i].bytes += bytes;
}

static void tally_pack(struct tally *t, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < t->nsizes; i++)
		if (t->pack_sizes[i] == size)
			break;
	if (i == t->nsizes) {
		if (t->nsizes == PACK_SIZES)
			return;
		t->pack_sizes[t->nsizes++] = size;
	}
	t->pack_counts[i]++;
}

static int by_bytes(const void *x, const void *y)
{
	const struct vx_holder *a = x, *b = y;

	if (a->bytes != b->bytes)
		return a->bytes < b->bytes ? 1 : -1;
	return strcmp(a->name, b->name);
}

static void tally_busy(const struct vx_space *s, const struct vx_window *w,
		       struct vx_window_state *ws, struct tally *t)
{
	const struct vx_area_list *l = &s->m->lists[VX_BUSY];
	char buf[256];

	for (size_t i = 0; i < l->n; i++) {
		const struct vx_area *a = &l->v[i];
		uint64_t bytes = a->end - a->start;
		const char *name;
		enum vx_holder_kind kind;

		if (a->start < w->start || a->start >= w->end || a->end < a->start)
			continue;
		name = caller_of(s, a, buf, sizeof(buf));
		kind = vx_holder_kind_of(name);
		ws->busy[kind] += bytes;
		ws->areas[kind]++;
		tally_group(t, name, bytes);
		if (is_pack_caller(name))
			tally_pack(t, bytes);
	}
}

/* Free bytes, extents and the largest within [fit_start, fit_end). */
static void free_figures(const struct vx_space *s, const struct vx_window *w,
			 struct vx_window_state *ws)
{
	const struct vx_area_list *l = &s->m->lists[VX_FREE];

	for (size_t i = 0; i < l->n; i++) {
		uint64_t lo = l->v[i].start > w->fit_start ? l->v[i].start : w->fit_start;
		uint64_t hi = l->v[i].end < w->fit_end ? l->v[i].end : w->fit_end;

		if (lo >= hi)
			continue;
		ws->free_bytes += hi - lo;
		ws->free_extents++;
		if (hi - lo > ws->largest_free)
			ws->largest_free = hi - lo;
	}
}

void vx_window_state_read(const struct vx_space *s, int w,
			  struct vx_window_state *ws)
{
	struct tally *t = calloc(1, sizeof(*t));

	memset(ws, 0, sizeof(*ws));
	free_figures(s, &s->win[w], ws);
	if (!t)
		return;	/* no top list, no pack size: figures stay */
	tally_busy(s, &s->win[w], ws, t);
	for (unsigned int i = 0; i < t->nsizes; i++) {
		if (t->pack_counts[i] > ws->pack_count) {
			ws->pack_count = t->pack_counts[i];
			ws->pack_size = t->pack_sizes[i];
		}
	}
	vx_sort(t->groups, t->n, sizeof(t->groups[0]), by_bytes);
	ws->nr_top = t->n < VX_TOP_HOLDERS ? t->n : VX_TOP_HOLDERS;
	memcpy(ws->top, t->groups, ws->nr_top * sizeof(ws->top[0]));
	free(t);
}

/* is_within_this_va(): the aligned start plus the size ends in the extent. */
uint64_t vx_window_extents_fit(const struct vx_space *s, int w, uint64_t size,
			       uint64_t align)
{
	const struct vx_window *win = &s->win[w];
	const struct vx_area_list *l = &s->m->lists[VX_FREE];
	uint64_t n = 0;

	if (!align)
		align = 1;
	for (size_t i = 0; i < l->n; i++) {
		uint64_t lo = l->v[i].start > win->fit_start ? l->v[i].start : win->fit_start;
		uint64_t hi = l->v[i].end < win->fit_end ? l->v[i].end : win->fit_end;
		uint64_t at = (lo + align - 1) / align * align;

		if (lo < hi && at >= lo && at + size > at && at + size <= hi)
			n++;
	}
	return n;
}

/* BPF packs outweigh module memory: of execmem's two big users, BPF's turn. */
static bool bpf_holds_most(const struct vx_window_state *ws)
{
	return ws->busy[VX_HOLD_BPF] > ws->busy[VX_HOLD_MODULES];
}

void vx_failure_request(const struct vx_failure *f,
			const struct vx_window_state *ws, struct vx_request *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->path = f->path;
	if (f->size && f->kind != VX_FAIL_PERCPU) {
		rq->size = f->size;
		rq->includes_guard = f->size_includes_guard;
		return;
	}
	if (f->kind != VX_FAIL_EXECMEM || !ws)
		return;
	if (ws->pack_count &&
	    (f->path == VX_PATH_BPF_JIT ||
	     (f->path == VX_PATH_UNKNOWN && bpf_holds_most(ws)))) {
		rq->size = ws->pack_size;
		rq->includes_guard = true;
		rq->inferred = true;
		rq->path = VX_PATH_BPF_JIT;
		snprintf(rq->why, sizeof(rq->why),
			 "a BPF prog pack (BPF_PROG_PACK_SIZE), the size of the %llu "
			 "bpf_prog_pack areas in the window%s",
			 (unsigned long long)ws->pack_count,
			 f->path == VX_PATH_BPF_JIT ? "" :
			 "; path not logged, BPF holds more of the window than modules");
		return;
	}
	if (f->path == VX_PATH_BPF_JIT) {
		/* No pack to measure: SZ_2M per possible node, one node assumed. */
		rq->size = UINT64_C(2) << 20;
		rq->inferred = true;
		snprintf(rq->why, sizeof(rq->why),
			 "a BPF prog pack, BPF_PROG_PACK_SIZE = 2 MiB x possible nodes "
			 "(no pack in the window to measure; one node assumed)");
	}
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* vmapx --diff: compare two vmallocinfo snapshots (see diff.h). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "sort.h"

/*
 * Below this share of matched busy areas, two address-matched snapshots
 * are taken to come from different boots.  Areas made at boot (ioremaps,
 * module text, per-cpu chunks) survive for the whole uptime, so a real
 * pair of the same boot matches far more; two random 32-bit hash sets
 * (another ptr_key) or two KASLR layouts match next to nothing.
 */
#define SAME_BOOT_MIN_PERCENT 10

/*
 * Callers of the 16 KiB vmapped task stacks (20480 bytes with the guard
 * page).  All four Debian kernels print kernel_clone+0x... (checked in
 * dumps/out); the other levels of the fork path are what other inlining
 * decisions would print.  fork_idle (idle threads, made at boot) is no
 * churn and stays out.
 */
static const char *const stack_callers[] = {
	"kernel_clone",
	"copy_process",
	"dup_task_struct",
	"alloc_thread_stack_node",
};
#define TASK_STACK_SIZE 20480

struct keyed {
	const struct vx_vmline *line;
	size_t idx;
};

struct pair {
	size_t old_idx, new_idx;
};

/* The state of one comparison. */
struct differ {
	const struct vx_snapshot *view[2];	/* lines used to match */
	const struct vx_snapshot *display[2];	/* lines reported */
	bool *matched[2];
	struct vx_diff *diff;
	size_t cap;
};

enum { OLD, NEW };

bool vx_diff_line_is_noise(const struct vx_vmline *l)
{
	size_t i;

	if (!l)
		return false;
	if (l->kind == VX_VMLINE_UNPURGED)
		return true;
	if (l->kind != VX_VMLINE_VM || !l->symbol ||
	    l->size != TASK_STACK_SIZE || !(l->flags & VX_VM_ALLOC) || l->module)
		return false;
	for (i = 0; i < sizeof(stack_callers) / sizeof(stack_callers[0]); i++)
		if (!strcmp(l->symbol, stack_callers[i]))
			return true;
	return false;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_str(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (!a || !b)
		return a ? 1 : -1;
	return strcmp(a, b);
}

/* Lazily freed and busy areas never match each other. */
static int cmp_class(const struct vx_vmline *a, const struct vx_vmline *b)
{
	return (a->kind == VX_VMLINE_UNPURGED) - (b->kind == VX_VMLINE_UNPURGED);
}

static int key_start(const struct vx_vmline *a, const struct vx_vmline *b)
{
	int c = cmp_class(a, b);

	return c ? c : cmp_u64(a->start, b->start);
}

/* What a caller allocated: the identity of an area without addresses. */
static int key_owner(const struct vx_vmline *a, const struct vx_vmline *b)
{
	int c = cmp_class(a, b);

	if (!c)
		c = (int)a->kind - (int)b->kind;
	if (!c)
		c = cmp_str(a->caller, b->caller);
	if (!c)
		c = cmp_u64(a->flags, b->flags);
	return c;
}

static int key_multiset(const struct vx_vmline *a, const struct vx_vmline *b)
{
	int c = key_owner(a, b);

	return c ? c : cmp_u64(a->size, b->size);
}

typedef int (*key_fn)(const struct vx_vmline *, const struct vx_vmline *);

/* qsort has no context argument; the key of the running sort is here. */
static __thread key_fn sort_key;

static int cmp_keyed(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int c = sort_key(a->line, b->line);

	return c ? c : cmp_u64(a->idx, b->idx);
}

static bool same_details(const struct vx_vmline *a, const struct vx_vmline *b)
{
	if (a->end != b->end || a->size != b->size ||
	    a->has_pages != b->has_pages || a->pages != b->pages ||
	    a->has_phys != b->has_phys || a->phys != b->phys ||
	    a->flags != b->flags || a->nr_numa != b->nr_numa)
		return false;
	return !a->nr_numa ||
	       !memcmp(a->numa, b->numa, a->nr_numa * sizeof(*a->numa));
}

static struct vx_error *add_entry(struct differ *d, enum vx_diff_change change,
				  size_t old_idx, size_t new_idx)
{
	struct vx_diff *diff = d->diff;
	struct vx_diff_entry *e;

	if (diff->nr_entries == d->cap) {
		size_t n = d->cap ? d->cap * 2 : 64;

		e = realloc(diff->entries, n * sizeof(*e));
		if (!e)
			return vx_error_nomem_in("diff");
		diff->entries = e;
		d->cap = n;
	}
	e = &diff->entries[diff->nr_entries++];
	e->change = change;
	e->old = change == VX_DIFF_APPEARED ? NULL :
		 &d->display[OLD]->lines[old_idx];
	e->new = change == VX_DIFF_DISAPPEARED ? NULL :
		 &d->display[NEW]->lines[new_idx];
	e->noise = vx_diff_line_is_noise(e->old) || vx_diff_line_is_noise(e->new);
	if (e->noise)
		diff->nr_noise++;
	return NULL;
}

/* The still unmatched lines of one side, sorted by key. */
static struct keyed *sorted_unmatched(struct differ *d, int side, key_fn key,
				      bool vm_with_caller_only, size_t *n)
{
	const struct vx_snapshot *s = d->view[side];
	struct keyed *k = malloc((s->nr_lines + 1) * sizeof(*k));
	size_t i;

	*n = 0;
	if (!k)
		return NULL;
	for (i = 0; i < s->nr_lines; i++) {
		if (d->matched[side][i])
			continue;
		if (vm_with_caller_only && (s->lines[i].kind != VX_VMLINE_VM ||
					    !s->lines[i].caller))
			continue;
		k[*n].line = &s->lines[i];
		k[*n].idx = i;
		(*n)++;
	}
	sort_key = key;
	vx_sort(k, *n, sizeof(*k), cmp_keyed);
	return k;
}

/*
 * Pairs unmatched lines with equal keys, in line order within a key.
 * The pairs are returned; nothing is marked matched yet.
 */
static struct vx_error *pair_by_key(struct differ *d, key_fn key,
				    bool vm_with_caller_only,
				    struct pair **pairs, size_t *nr_pairs)
{
	struct keyed *a, *b;
	size_t na, nb, i = 0, j = 0;
	int c;

	*pairs = NULL;
	*nr_pairs = 0;
	a = sorted_unmatched(d, OLD, key, vm_with_caller_only, &na);
	b = sorted_unmatched(d, NEW, key, vm_with_caller_only, &nb);
	*pairs = malloc(((na < nb ? na : nb) + 1) * sizeof(**pairs));
	if (!a || !b || !*pairs) {
		free(a);
		free(b);
		free(*pairs);
		*pairs = NULL;
		return vx_error_nomem_in("diff");
	}
	while (i < na && j < nb) {
		c = key(a[i].line, b[j].line);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			(*pairs)[*nr_pairs].old_idx = a[i++].idx;
			(*pairs)[(*nr_pairs)++].new_idx = b[j++].idx;
		}
	}
	free(a);
	free(b);
	return NULL;
}

static size_t busy_lines(const struct vx_snapshot *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nr_lines; i++)
		n += s->lines[i].kind != VX_VMLINE_UNPURGED;
	return n;
}

/*
 * Match by (hashed) start address.  *same_boot is false, and nothing is
 * matched, if so few busy areas match that the snapshots cannot be of the
 * same boot.
 */
static struct vx_error *match_by_address(struct differ *d, bool *same_boot)
{
	struct vx_error *err;
	struct pair *pairs;
	size_t n, i, busy_pairs = 0, fewest;
	const struct vx_vmline *o, *nw;

	err = pair_by_key(d, key_start, false, &pairs, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		busy_pairs += d->view[OLD]->lines[pairs[i].old_idx].kind !=
			      VX_VMLINE_UNPURGED;
	fewest = busy_lines(d->view[OLD]);
	if (busy_lines(d->view[NEW]) < fewest)
		fewest = busy_lines(d->view[NEW]);
	*same_boot = busy_pairs * 100 >= fewest * SAME_BOOT_MIN_PERCENT;
	for (i = 0; *same_boot && i < n; i++) {
		o = &d->view[OLD]->lines[pairs[i].old_idx];
		nw = &d->view[NEW]->lines[pairs[i].new_idx];
		/* the same start with another owner: freed and reused */
		if (o->kind != nw->kind || cmp_str(o->caller, nw->caller))
			continue;
		d->matched[OLD][pairs[i].old_idx] = true;
		d->matched[NEW][pairs[i].new_idx] = true;
		if (!same_details(o, nw)) {
			err = add_entry(d, VX_DIFF_CHANGED, pairs[i].old_idx,
					pairs[i].new_idx);
			if (err)
				break;
		}
	}
	free(pairs);
	return err;
}

static struct vx_error *match_as_multisets(struct differ *d)
{
	struct vx_error *err;
	struct pair *pairs;
	size_t n, i;

	err = pair_by_key(d, key_multiset, false, &pairs, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		d->matched[OLD][pairs[i].old_idx] = true;
		d->matched[NEW][pairs[i].new_idx] = true;
	}
	free(pairs);
	/* what is left: the same caller and flags at another size */
	err = pair_by_key(d, key_owner, true, &pairs, &n);
	if (err)
		return err;
	for (i = 0; i < n && !err; i++) {
		d->matched[OLD][pairs[i].old_idx] = true;
		d->matched[NEW][pairs[i].new_idx] = true;
		err = add_entry(d, VX_DIFF_CHANGED, pairs[i].old_idx,
				pairs[i].new_idx);
	}
	free(pairs);
	return err;
}

static struct vx_error *add_unmatched(struct differ *d)
{
	struct vx_error *err = NULL;
	size_t i;

	for (i = 0; !err && i < d->view[NEW]->nr_lines; i++)
		if (!d->matched[NEW][i])
			err = add_entry(d, VX_DIFF_APPEARED, 0, i);
	for (i = 0; !err && i < d->view[OLD]->nr_lines; i++)
		if (!d->matched[OLD][i])
			err = add_entry(d, VX_DIFF_DISAPPEARED, i, 0);
	return err;
}

static bool in_windows(const struct vx_diff_input *dump, uint64_t addr)
{
	return (addr >= dump->vmalloc_start && addr < dump->vmalloc_end) ||
	       (addr >= dump->modules_start && addr < dump->modules_end);
}

/* Lines of a real-address snapshot outside the other side's windows. */
static size_t count_outside(const struct vx_snapshot *s,
			    const struct vx_diff_input *dump)
{
	size_t i, n = 0;

	if (!dump->windows_known || s->form != VX_ADDR_REAL)
		return 0;
	for (i = 0; i < s->nr_lines; i++)
		n += !in_windows(dump, s->lines[i].start);
	return n;
}

/* A dump's hashed rendering must be its real one with other addresses. */
static struct vx_error *check_hashed_rendering(const struct vx_diff_input *in)
{
	const struct vx_snapshot *r = in->snap, *h = in->hashed;
	size_t i;

	if (h->nr_lines != r->nr_lines)
		return vx_error_create(VX_ERR_INVALID,
			"diff: hashed rendering of %s has %zu lines, the real one %zu",
			r->name, h->nr_lines, r->nr_lines);
	for (i = 0; i < r->nr_lines; i++)
		if (h->lines[i].kind != r->lines[i].kind ||
		    h->lines[i].size != r->lines[i].size ||
		    cmp_str(h->lines[i].caller, r->lines[i].caller))
			return vx_error_create(VX_ERR_INVALID,
				"diff: hashed rendering of %s differs from the real one at line %zu",
				r->name, i + 1);
	return NULL;
}

static void set_reason(struct vx_diff *diff, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_reason(struct vx_diff *diff, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(diff->reason);
	diff->reason = s;
}

/*
 * Chooses the views to match on.  *by_address tells whether matching by
 * (hashed) address is worth trying; if not, the reason is set.
 */
static struct vx_error *choose_views(struct differ *d,
				     const struct vx_diff_input *old,
				     const struct vx_diff_input *new,
				     bool *by_address)
{
	enum vx_addr_form fo = old->snap->form, fn = new->snap->form;
	struct vx_diff *diff = d->diff;
	struct vx_error *err;
	size_t out_old, out_new;

	d->view[OLD] = d->display[OLD] = old->snap;
	d->view[NEW] = d->display[NEW] = new->snap;
	*by_address = false;
	diff->match = VX_MATCH_MULTISET;
	diff->boot = VX_BOOT_UNKNOWN;
	if (fo == VX_ADDR_ZEROED || fn == VX_ADDR_ZEROED) {
		set_reason(diff, "zeroed addresses (kptr_restrict=2): matched by caller, size and flags");
		return NULL;
	}
	if (fo == VX_ADDR_UNKNOWN || fn == VX_ADDR_UNKNOWN) {
		set_reason(diff, "an empty snapshot: matched by caller, size and flags");
		return NULL;
	}
	if (fo == VX_ADDR_REAL && fn == VX_ADDR_REAL) {
		out_old = count_outside(old->snap, new);
		out_new = count_outside(new->snap, old);
		if (out_old || out_new) {
			diff->boot = VX_BOOT_DIFFERENT;
			set_reason(diff, "different boot: %zu areas lie outside the other side's KASLR vmalloc and module windows; matched by caller, size and flags",
				   out_old + out_new);
			return NULL;
		}
		diff->match = VX_MATCH_ADDRESS;
		*by_address = true;
		return NULL;
	}
	if (fo == VX_ADDR_REAL && old->hashed)
		d->view[OLD] = old->hashed;
	if (fn == VX_ADDR_REAL && new->hashed)
		d->view[NEW] = new->hashed;
	if (d->view[OLD]->form != VX_ADDR_HASHED ||
	    d->view[NEW]->form != VX_ADDR_HASHED) {
		set_reason(diff, "one side has hashed addresses and the other no hashed rendering: matched by caller, size and flags");
		d->view[OLD] = old->snap;
		d->view[NEW] = new->snap;
		return NULL;
	}
	if ((d->view[OLD] != old->snap && (err = check_hashed_rendering(old))) ||
	    (d->view[NEW] != new->snap && (err = check_hashed_rendering(new))))
		return err;
	diff->match = VX_MATCH_HASHED_ADDRESS;
	*by_address = true;
	return NULL;
}

static struct vx_error *run_matching(struct differ *d,
				     const struct vx_diff_input *old,
				     const struct vx_diff_input *new)
{
	struct vx_diff *diff = d->diff;
	struct vx_error *err;
	bool by_address, same_boot;

	err = choose_views(d, old, new, &by_address);
	if (err || !by_address)
		return err ? err : match_as_multisets(d);
	err = match_by_address(d, &same_boot);
	if (err)
		return err;
	if (same_boot) {
		diff->boot = VX_BOOT_SAME;
		set_reason(diff, diff->match == VX_MATCH_ADDRESS ?
			   "same boot: matched by address" :
			   "same boot (the hashes match): matched by hashed address");
		return NULL;
	}
	/* a different boot (or key): the addresses say nothing */
	diff->match = VX_MATCH_MULTISET;
	diff->boot = VX_BOOT_DIFFERENT;
	set_reason(diff, "different boot: under %d%% of the areas match by %s; matched by caller, size and flags",
		   SAME_BOOT_MIN_PERCENT,
		   d->view[OLD]->form == VX_ADDR_HASHED ? "hashed address" : "address");
	d->view[OLD] = d->display[OLD];
	d->view[NEW] = d->display[NEW];
	return match_as_multisets(d);
}

static int change_rank(const struct vx_diff_entry *e)
{
	return e->change;
}

static size_t entry_line(const struct vx_diff_entry *e)
{
	return e->new ? e->new->lineno : e->old->lineno;
}

static int cmp_entries(const void *pa, const void *pb)
{
	const struct vx_diff_entry *a = pa, *b = pb;

	if (change_rank(a) != change_rank(b))
		return change_rank(a) - change_rank(b);
	return cmp_u64(entry_line(a), entry_line(b));
}

struct vx_error *vx_diff_compute(const struct vx_diff_input *old,
				 const struct vx_diff_input *new,
				 struct vx_diff **out)
{
	struct differ d = { 0 };
	struct vx_error *err = NULL;

	*out = NULL;
	d.diff = calloc(1, sizeof(*d.diff));
	d.matched[OLD] = calloc(old->snap->nr_lines + 1, sizeof(bool));
	d.matched[NEW] = calloc(new->snap->nr_lines + 1, sizeof(bool));
	if (!d.diff || !d.matched[OLD] || !d.matched[NEW]) {
		err = vx_error_nomem_in("diff");
		goto out;
	}
	d.diff->old_snap = old->snap;
	d.diff->new_snap = new->snap;
	err = run_matching(&d, old, new);
	if (!err)
		err = add_unmatched(&d);
	if (err)
		goto out;
	vx_sort(d.diff->entries, d.diff->nr_entries,
		sizeof(*d.diff->entries), cmp_entries);
	*out = d.diff;
	d.diff = NULL;
out:
	vx_diff_destroy(d.diff);
	free(d.matched[OLD]);
	free(d.matched[NEW]);
	return err;
}

void vx_diff_destroy(struct vx_diff *diff)
{
	if (!diff)
		return;
	free(diff->entries);
	free(diff->reason);
	free(diff);
}

bool vx_diff_differs(const struct vx_diff *diff)
{
	return diff->nr_entries != 0;
}

const char *vx_diff_match_name(enum vx_diff_match match)
{
	switch (match) {
	case VX_MATCH_ADDRESS:
		return "address";
	case VX_MATCH_HASHED_ADDRESS:
		return "hashed_address";
	default:
		return "multiset";
	}
}

/* ---- summaries ---- */

static const struct vx_vmline *entry_owner(const struct vx_diff_entry *e)
{
	return e->new ? e->new : e->old;
}

static const char *caller_group(const struct vx_vmline *l)
{
	if (l->kind == VX_VMLINE_UNPURGED)
		return "unpurged vm_area";
	if (l->kind == VX_VMLINE_VM_MAP_RAM)
		return "vm_map_ram";
	if (!l->caller)
		return "(no caller)";
	return l->symbol ? l->symbol : l->caller;
}

static const char *module_group(const struct vx_vmline *l)
{
	if (l->module)
		return l->module;
	if (l->kind == VX_VMLINE_VM && l->symbol)
		return "(kernel)";
	if (l->kind == VX_VMLINE_VM && l->caller)
		return "(unresolved caller)";
	return "(none)";
}

static int cmp_group_key(const void *pa, const void *pb)
{
	const struct vx_diff_group *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	return c ? c : cmp_str(a->module, b->module);
}

static int cmp_group_growth(const void *pa, const void *pb)
{
	const struct vx_diff_group *a = pa, *b = pb;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return cmp_group_key(pa, pb);
}

/*
 * A snapshot line's size is at most INT64_MAX, but nothing stops a made-up
 * file from holding many such lines: a sum stops at the int64_t limits
 * instead of overflowing (undefined behaviour).
 */
static int64_t add_bytes(int64_t sum, int64_t more)
{
	int64_t r;

	if (!__builtin_add_overflow(sum, more, &r))
		return r;
	return more > 0 ? INT64_MAX : INT64_MIN;
}

static void contribution(const struct vx_diff_entry *e, bool by_module,
			 struct vx_diff_group *g)
{
	const struct vx_vmline *l = entry_owner(e);

	memset(g, 0, sizeof(*g));
	g->name = by_module ? module_group(l) : caller_group(l);
	g->module = by_module ? NULL : l->module;
	switch (e->change) {
	case VX_DIFF_APPEARED:
		g->appeared = g->count = 1;
		g->bytes = e->new->size;
		break;
	case VX_DIFF_DISAPPEARED:
		g->disappeared = 1;
		g->count = -1;
		g->bytes = -e->old->size;
		break;
	default:
		g->changed = 1;
		g->bytes = e->new->size - e->old->size;
		break;
	}
}

struct vx_error *vx_diff_summary(const struct vx_diff *diff, bool all,
				 bool by_module, struct vx_diff_group **groups,
				 size_t *nr_groups)
{
	struct vx_diff_group *g = malloc((diff->nr_entries + 1) * sizeof(*g));
	size_t i, n = 0, folded = 0;

	*groups = NULL;
	*nr_groups = 0;
	if (!g)
		return vx_error_nomem_in("diff");
	for (i = 0; i < diff->nr_entries; i++)
		if (all || !diff->entries[i].noise)
			contribution(&diff->entries[i], by_module, &g[n++]);
	vx_sort(g, n, sizeof(*g), cmp_group_key);
	for (i = 0; i < n; i++) {
		if (folded && !cmp_group_key(&g[folded - 1], &g[i])) {
			g[folded - 1].appeared += g[i].appeared;
			g[folded - 1].disappeared += g[i].disappeared;
			g[folded - 1].changed += g[i].changed;
			g[folded - 1].count += g[i].count;
			g[folded - 1].bytes = add_bytes(g[folded - 1].bytes,
							g[i].bytes);
			continue;
		}
		g[folded++] = g[i];
	}
	vx_sort(g, folded, sizeof(*g), cmp_group_growth);
	*groups = g;
	*nr_groups = folded;
	return NULL;
}

/* ---- text ---- */

struct totals {
	size_t count[3];
	int64_t bytes[3];
	size_t hidden;
};

static void count_shown(const struct vx_diff *diff, bool all, struct totals *t)
{
	const struct vx_diff_entry *e;
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < diff->nr_entries; i++) {
		e = &diff->entries[i];
		if (e->noise && !all) {
			t->hidden++;
			continue;
		}
		t->count[e->change]++;
		t->bytes[e->change] = add_bytes(t->bytes[e->change],
			e->change == VX_DIFF_APPEARED ? e->new->size :
			e->change == VX_DIFF_DISAPPEARED ? -e->old->size :
			e->new->size - e->old->size);
	}
}

static void print_side(FILE *out, const char *which,
		       const struct vx_snapshot *s)
{
	fprintf(out, "%s: %s (%s addresses, %zu areas)\n", which, s->name,
		vx_addr_form_name(s->form), s->nr_lines);
}

static void print_prefixed(FILE *out, const char *prefix,
			   const struct vx_vmline *l)
{
	fputs(prefix, out);
	vx_vmline_print(out, l);
}

static void print_groups(FILE *out, const char *title,
			 const struct vx_diff_group *g, size_t n)
{
	size_t i;

	if (!n)
		return;
	fprintf(out, "\n%s (net areas, net bytes):\n", title);
	for (i = 0; i < n; i++) {
		fprintf(out, "  %+6ld %+14" PRId64 "  %s", g[i].count,
			g[i].bytes, g[i].name);
		if (g[i].module)
			fprintf(out, " [%s]", g[i].module);
		fputc('\n', out);
	}
}

static struct vx_error *print_summaries_text(FILE *out,
					     const struct vx_diff *diff,
					     bool all)
{
	struct vx_diff_group *g;
	struct vx_error *err;
	size_t n;
	int by_module;

	for (by_module = 0; by_module < 2; by_module++) {
		err = vx_diff_summary(diff, all, by_module, &g, &n);
		if (err)
			return err;
		print_groups(out, by_module ? "by module" : "by caller", g, n);
		free(g);
	}
	return NULL;
}

struct vx_error *vx_diff_print_text(FILE *out, const struct vx_diff *diff,
				    bool all)
{
	static const char *const names[] = { "appeared", "disappeared", "changed" };
	const struct vx_diff_entry *e;
	struct totals t;
	size_t i;
	int c;

	print_side(out, "old", diff->old_snap);
	print_side(out, "new", diff->new_snap);
	fprintf(out, "matching: %s\n", diff->reason ? diff->reason : "?");
	count_shown(diff, all, &t);
	for (c = 0; c < 3; c++)
		fprintf(out, "%s: %zu areas, %+" PRId64 " bytes\n", names[c],
			t.count[c], t.bytes[c]);
	if (t.hidden)
		fprintf(out, "hidden: %zu differences of lazily freed areas and task stacks (--all shows them)\n",
			t.hidden);
	if (t.count[0] + t.count[1] + t.count[2])
		fputc('\n', out);
	for (i = 0; i < diff->nr_entries; i++) {
		e = &diff->entries[i];
		if (e->noise && !all)
			continue;
		if (e->change == VX_DIFF_APPEARED) {
			print_prefixed(out, "+ ", e->new);
		} else if (e->change == VX_DIFF_DISAPPEARED) {
			print_prefixed(out, "- ", e->old);
		} else {
			print_prefixed(out, "< ", e->old);
			print_prefixed(out, "> ", e->new);
		}
	}
	return print_summaries_text(out, diff, all);
}

/* ---- JSON ---- */

static void print_json_side(struct vx_json *w, const char *name,
			    const struct vx_snapshot *s)
{
	vx_json_object_field(w, name);
	vx_json_string_field(w, "name", s->name);
	vx_json_string_field(w, "address_form", vx_addr_form_name(s->form));
	vx_json_uint_field(w, "areas", s->nr_lines);
	vx_json_end_object(w);
}

static void print_json_entries(struct vx_json *w, const struct vx_diff *diff,
			       enum vx_diff_change change, bool all)
{
	static const char *const names[] = { "appeared", "disappeared", "changed" };
	const struct vx_diff_entry *e;
	size_t i;

	vx_json_array_field(w, names[change]);
	for (i = 0; i < diff->nr_entries; i++) {
		e = &diff->entries[i];
		if (e->change != change || (e->noise && !all))
			continue;
		vx_json_start_object(w);
		vx_json_bool_field(w, "noise", e->noise);
		if (e->old) {
			vx_json_name(w, e->new ? "old" : "area");
			vx_vmline_print_json(w, e->old);
		}
		if (e->new) {
			vx_json_name(w, e->old ? "new" : "area");
			vx_vmline_print_json(w, e->new);
		}
		vx_json_end_object(w);
	}
	vx_json_end_array(w);
}

static struct vx_error *print_json_groups(struct vx_json *w,
					  const struct vx_diff *diff,
					  bool all, bool by_module)
{
	struct vx_diff_group *g;
	struct vx_error *err;
	size_t n, i;

	err = vx_diff_summary(diff, all, by_module, &g, &n);
	if (err)
		return err;
	vx_json_array_field(w, by_module ? "by_module" : "by_caller");
	for (i = 0; i < n; i++) {
		vx_json_start_object(w);
		vx_json_string_field(w, by_module ? "module" : "caller", g[i].name);
		if (!by_module)
			vx_json_string_field(w, "module", g[i].module);
		vx_json_int_field(w, "count", g[i].count);
		vx_json_int_field(w, "bytes", g[i].bytes);
		vx_json_int_field(w, "appeared", g[i].appeared);
		vx_json_int_field(w, "disappeared", g[i].disappeared);
		vx_json_int_field(w, "changed", g[i].changed);
		vx_json_end_object(w);
	}
	vx_json_end_array(w);
	free(g);
	return NULL;
}

struct vx_error *vx_diff_print_json(struct vx_json *w,
				    const struct vx_diff *diff, bool all)
{
	struct vx_error *err;

	vx_json_start_object(w);
	err = vx_diff_print_json_fields(w, diff, all);
	vx_json_end_object(w);
	return err;
}

struct vx_error *vx_diff_print_json_fields(struct vx_json *w,
					   const struct vx_diff *diff, bool all)
{
	struct vx_error *err;
	struct totals t;

	count_shown(diff, all, &t);
	print_json_side(w, "old", diff->old_snap);
	print_json_side(w, "new", diff->new_snap);
	vx_json_string_field(w, "matching", vx_diff_match_name(diff->match));
	if (diff->boot == VX_BOOT_UNKNOWN)
		vx_json_null_field(w, "same_boot");
	else
		vx_json_bool_field(w, "same_boot", diff->boot == VX_BOOT_SAME);
	vx_json_string_field(w, "reason", diff->reason);
	vx_json_bool_field(w, "differences", vx_diff_differs(diff));
	vx_json_uint_field(w, "hidden_noise", t.hidden);
	print_json_entries(w, diff, VX_DIFF_APPEARED, all);
	print_json_entries(w, diff, VX_DIFF_DISAPPEARED, all);
	print_json_entries(w, diff, VX_DIFF_CHANGED, all);
	err = print_json_groups(w, diff, all, false);
	if (!err)
		err = print_json_groups(w, diff, all, true);
	return err;
}

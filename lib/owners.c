// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The owner table: one entry per busy area, sorted by start, filled by the
 * rules of owners_tasks.c and owners_rules.c (doc/kernel.md §10), looked up
 * by start.  Aggregates by owner for --owners, --callers and --diff.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owners.h"
#include "sort.h"

#define MAX_CPUS	8192

static const char *const kind_names[VX_NR_OWNER_KINDS] = {
	[VX_OWNER_UNKNOWN] = "unknown",
	[VX_OWNER_TASK_STACK] = "task stack",
	[VX_OWNER_STACK_CACHE] = "stack cache",
	[VX_OWNER_IRQ_STACK] = "irq stack",
	[VX_OWNER_MODULE] = "module",
	[VX_OWNER_BPF] = "bpf",
	[VX_OWNER_IOMEM] = "iomem",
	[VX_OWNER_TTY] = "tty",
	[VX_OWNER_PERCPU] = "percpu",
	[VX_OWNER_SWAP] = "swap",
	[VX_OWNER_ZRAM] = "zram",
};

const char *vx_owner_kind_name(enum vx_owner_kind kind)
{
	return (unsigned int)kind < VX_NR_OWNER_KINDS ? kind_names[kind] : "?";
}

const char *vx_owner_text(const struct vx_owner *o)
{
	return o && o->kind != VX_OWNER_UNKNOWN && o->text ? o->text :
	       "owner unknown";
}

const char *vx_owner_group(const struct vx_owner *o)
{
	return o && o->kind != VX_OWNER_UNKNOWN && o->group ? o->group :
	       "owner unknown";
}

struct vx_owner *vx_owner_at(struct vx_owner_table *t, uint64_t start)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].start == start)
			return &t->v[mid];
		if (t->v[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct vx_owner *vx_owner_lookup(const struct vx_owner_table *t,
				       uint64_t start)
{
	return t ? vx_owner_at((struct vx_owner_table *)t, start) : NULL;
}

struct vx_owner *vx_owner_containing(struct vx_owner_table *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;

	/* the last area starting at or below addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || addr >= t->v[lo - 1].end)
		return NULL;
	return &t->v[lo - 1];
}

struct vx_error *vx_owner_claim(struct vx_owner_ctx *c, struct vx_owner *o,
				enum vx_owner_kind kind, const char *text,
				const char *group)
{
	if (o->claims++) {
		/* Two owners for one area: the dump contradicts itself. */
		vx_report_skip(c->r, "owners: area 0x%" PRIx64 " claimed by %s and by %s",
			       o->start, o->text, text);
		return NULL;
	}
	o->kind = kind;
	o->text = strdup(text);
	o->group = strdup(group);
	if (!o->text || !o->group)
		return vx_error_nomem_in("owner of area 0x%" PRIx64, o->start);
	return NULL;
}

struct vx_error *vx_owner_append(struct vx_owner *o, const char *more)
{
	size_t len = strlen(o->text), add = strlen(more);
	char *t;

	if (!o->unlisted && len + 2 + add <= VX_OWNER_TEXT_MAX) {
		t = realloc(o->text, len + add + 3);
		if (!t)
			return vx_error_nomem_in("owner of area 0x%" PRIx64, o->start);
		memcpy(t + len, ", ", 2);
		memcpy(t + len + 2, more, add + 1);
		o->text = t;
		return NULL;
	}
	if (!o->unlisted) {	/* room for ", ... and 4294967295 more" */
		t = realloc(o->text, len + 32);
		if (!t)
			return vx_error_nomem_in("owner of area 0x%" PRIx64, o->start);
		o->text = t;
		o->listed_len = len;
	}
	o->unlisted++;
	snprintf(o->text + o->listed_len, 32, ", ... and %" PRIu32 " more",
		 o->unlisted);
	return NULL;
}

static bool tried(struct vx_error *err)
{
	bool ok = !err;

	vx_error_destroy(err);
	return ok;
}

bool vx_owner_try_u64(struct vx_kernel *k, uint64_t addr, uint64_t *val)
{
	return tried(vx_read_u64(k->t, addr, val));
}

bool vx_owner_try_uint(struct vx_kernel *k, uint64_t addr, size_t size,
		       uint64_t *val)
{
	return tried(vx_read_uint(k->t, addr, size, val));
}

bool vx_owner_try_cstring(struct vx_kernel *k, uint64_t addr, char *buf,
			  size_t size)
{
	return tried(vx_read_cstring(k->t, addr, buf, size));
}

uint64_t vx_owner_member(struct vx_kernel *k, const char *type,
			 const char *path, uint64_t *size)
{
	struct vx_member m;
	struct vx_error *err = vx_member(k->types, type, path, &m);

	if (err) {
		vx_error_destroy(err);
		return VX_ABSENT;
	}
	if (size)
		*size = m.size;
	return m.offset;
}

struct vx_error *vx_owner_cpu_offsets(struct vx_kernel *k, uint64_t **offs,
				      uint32_t *nr)
{
	uint64_t n, base;
	struct vx_error *err;

	*offs = NULL;
	err = vx_read_symbol_uint(k, "nr_cpu_ids", 4, &n);
	if (!err)
		err = vx_kernel_symbol(k, "__per_cpu_offset", &base);
	if (err)
		return vx_error_wrap(err, "per-CPU offsets");
	if (!n || n > MAX_CPUS)
		return vx_error_create(VX_ERR_INVALID, "nr_cpu_ids is %" PRIu64, n);
	*offs = calloc(n, sizeof(**offs));
	if (!*offs)
		return vx_error_nomem_in("per-CPU offsets");
	err = vx_read(k->t, base, *offs, n * sizeof(**offs));
	if (err) {
		free(*offs);
		*offs = NULL;
		return vx_error_wrap(err, "__per_cpu_offset");
	}
	*nr = n;
	return NULL;
}

static int by_start(const void *x, const void *y)
{
	const struct vx_owner *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

static struct vx_error *table_new(const struct vx_vmap *m,
				  struct vx_owner_table **out)
{
	const struct vx_area_list *busy = &m->lists[VX_BUSY];
	struct vx_owner_table *t = calloc(1, sizeof(*t));

	if (!t || !(t->v = calloc(busy->n + 1, sizeof(*t->v)))) {
		free(t);
		return vx_error_nomem_in("owner table");
	}
	for (size_t i = 0; i < busy->n; i++) {
		struct vx_owner *o = &t->v[t->n++];

		o->start = busy->v[i].start;
		o->end = busy->v[i].end;
		o->area = &busy->v[i];
		o->pid = o->tgid = -1;
		o->cpu = -1;
	}
	vx_sort(t->v, t->n, sizeof(*t->v), by_start);
	*out = t;
	return NULL;
}

typedef struct vx_error *(*rule_fn)(struct vx_owner_ctx *c,
				    struct vx_owner_rule_stats *st);

/* In order: the task walk first (the tty rule uses what it met). */
static const struct {
	const char *name;
	rule_fn fn;
} rules[VX_OWNER_NR_RULES] = {
	{ "thread stacks", vx_owners_tasks },
	{ "idle stacks", vx_owners_idle },
	{ "stack cache", vx_owners_stack_cache },
	{ "irq stacks", vx_owners_irq_stacks },
	{ "modules", vx_owners_modules },
	{ "bpf", vx_owners_bpf },
	{ "iomem", vx_owners_iomem },
	{ "ttys", vx_owners_ttys },
	{ "percpu chunks", vx_owners_percpu },
	{ "swap", vx_owners_swap },
	{ "zram", vx_owners_zram },
};

/* Run every rule; a rule's failure is a skip on r, out of memory an error. */
static struct vx_error *run_rules(struct vx_owner_ctx *c)
{
	for (int i = 0; i < VX_OWNER_NR_RULES; i++) {
		struct vx_owner_rule_stats *st = &c->t->rules[i];
		struct vx_error *err;

		st->name = rules[i].name;
		err = rules[i].fn(c, st);
		if (vx_error_is(err, VX_ERR_NOMEM))
			return err;
		if (err) {
			vx_report_skip(c->r, "owners: %s: %s", st->name,
				       err->message);
			vx_error_destroy(err);
		}
	}
	return NULL;
}

struct vx_error *vx_owners_build(struct vx_kernel *k, struct vx_report *r,
				 const struct vx_vmap *m,
				 struct vx_owner_table **out)
{
	struct vx_owner_ctx c = { .k = k, .r = r };
	struct vx_error *err;

	*out = NULL;
	err = table_new(m, &c.t);
	if (err)
		return err;
	err = run_rules(&c);
	free(c.tasks);
	free(c.ttys);
	if (err) {
		vx_owner_table_free(c.t);
		return err;
	}
	*out = c.t;
	return NULL;
}

struct vx_error *vx_owners_build_noted(struct vx_kernel *k, struct vx_report *r,
				       const struct vx_vmap *m,
				       struct vx_owner_table **out,
				       size_t *nr_incomplete)
{
	struct vx_report_mark mark = vx_report_mark(r);
	struct vx_error *err = vx_owners_build(k, r, m, out);
	char first[160] = "";

	*nr_incomplete = r->nr_skips - mark.nr_skips +
			 (r->nr_dropped - mark.nr_dropped);
	if (r->nr_skips > mark.nr_skips)
		snprintf(first, sizeof(first), "%s", r->skips[mark.nr_skips]);
	vx_report_rewind(r, mark);
	if (*nr_incomplete)
		vx_report_note(r, "owners: %zu owner lookups incomplete (%s%s)",
			       *nr_incomplete, first,
			       *nr_incomplete > 1 ? ", ..." : "");
	return err;
}

void vx_owners_incomplete_skip(struct vx_report *r, size_t nr_incomplete)
{
	if (nr_incomplete)
		vx_report_skip(r, "owners: %zu owner lookups incomplete; an owner printed as unknown may be one of them",
			       nr_incomplete);
}

bool vx_owner_table_has_unknown(const struct vx_owner_table *t)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (t->v[i].kind == VX_OWNER_UNKNOWN)
			return true;
	return false;
}

void vx_owner_table_free(struct vx_owner_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].text);
		free(t->v[i].group);
	}
	free(t->v);
	free(t);
}

static int by_bytes(const void *x, const void *y)
{
	const struct vx_owner_sum *a = x, *b = y;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->group, b->group);
}

static int by_group(const void *x, const void *y)
{
	const struct vx_owner *a = *(const struct vx_owner *const *)x;
	const struct vx_owner *b = *(const struct vx_owner *const *)y;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(vx_owner_group(a), vx_owner_group(b));
}

/* Sorted by (kind, group) first: one pass sums each run (n log n). */
struct vx_error *vx_owners_sums(const struct vx_owner_table *t,
				struct vx_owner_sum **sums, size_t *n)
{
	const struct vx_owner **idx = calloc(t->n + 1, sizeof(*idx));
	struct vx_owner_sum *s = calloc(t->n + 1, sizeof(*s));
	size_t used = 0;

	if (!idx || !s) {
		free(idx);
		free(s);
		return vx_error_nomem_in("owner sums");
	}
	for (size_t i = 0; i < t->n; i++)
		idx[i] = &t->v[i];
	vx_sort(idx, t->n, sizeof(*idx), by_group);
	for (size_t i = 0; i < t->n; i++) {
		const struct vx_owner *o = idx[i];

		if (!i || by_group(&idx[i - 1], &idx[i]))
			s[used++] = (struct vx_owner_sum){ o->kind,
							   vx_owner_group(o), 0, 0 };
		s[used - 1].count++;
		s[used - 1].bytes += o->end - o->start;
	}
	free(idx);
	vx_sort(s, used, sizeof(*s), by_bytes);
	*sums = s;
	*n = used;
	return NULL;
}

static int sum_by_group(const void *x, const void *y)
{
	const struct vx_owner_sum *a = x, *b = y;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(a->group, b->group);
}

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? -(uint64_t)v : (uint64_t)v;
}

static int by_change(const void *x, const void *y)
{
	const struct vx_owner_growth *a = x, *b = y;

	if (magnitude(a->bytes) != magnitude(b->bytes))
		return magnitude(a->bytes) > magnitude(b->bytes) ? -1 : 1;
	if (magnitude(a->count) != magnitude(b->count))
		return magnitude(a->count) > magnitude(b->count) ? -1 : 1;
	return strcmp(a->group, b->group);
}

static struct vx_owner_sum *sorted_copy(const struct vx_owner_sum *s, size_t n)
{
	struct vx_owner_sum *c = calloc(n + 1, sizeof(*c));

	if (c && n) {
		memcpy(c, s, n * sizeof(*c));
		vx_sort(c, n, sizeof(*c), sum_by_group);
	}
	return c;
}

/* Merge the two sides sorted by (kind, group). */
struct vx_error *vx_owners_growth(const struct vx_owner_sum *old, size_t n_old,
				  const struct vx_owner_sum *new, size_t n_new,
				  struct vx_owner_growth **out, size_t *n)
{
	struct vx_owner_sum *a = sorted_copy(old, n_old), *b = sorted_copy(new, n_new);
	struct vx_owner_growth *g = calloc(n_old + n_new + 1, sizeof(*g));
	size_t i = 0, j = 0, used = 0;

	if (!a || !b || !g) {
		free(a);
		free(b);
		free(g);
		return vx_error_nomem_in("growth by owner");
	}
	while (i < n_old || j < n_new) {
		int cmp = i == n_old ? 1 : j == n_new ? -1 : sum_by_group(&a[i], &b[j]);
		const struct vx_owner_sum *o = cmp <= 0 ? &a[i] : NULL;
		const struct vx_owner_sum *nw = cmp >= 0 ? &b[j] : NULL;
		struct vx_owner_growth x = { (o ? o : nw)->kind, (o ? o : nw)->group,
			(int64_t)(nw ? nw->count : 0) - (int64_t)(o ? o->count : 0),
			(int64_t)(nw ? nw->bytes : 0) - (int64_t)(o ? o->bytes : 0) };

		i += !!o;
		j += !!nw;
		if (x.count || x.bytes)
			g[used++] = x;
	}
	free(a);
	free(b);
	vx_sort(g, used, sizeof(*g), by_change);
	*out = g;
	*n = used;
	return NULL;
}

void vx_owners_growth_text(FILE *out, const struct vx_owner_growth *g, size_t n)
{
	fprintf(out, "\ngrowth by owner (%zu changed):\n", n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %+8" PRId64 " areas %+14" PRId64 " bytes  %-12s %s\n",
			g[i].count, g[i].bytes, vx_owner_kind_name(g[i].kind),
			g[i].group);
}

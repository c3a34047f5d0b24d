// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Failure messages of vmalloc, vmap, execmem and percpu in the kernel log.
 *
 * warn_alloc() prints "<comm>: <text>, mode:%#x(%pGg), nodemask=%*pbl",
 * then pr_cont()s ",cpuset=..,mems_allowed=..": the lockless ring buffer
 * usually appends that to the same record, else it stores a record with
 * the LOG_CONT flag, which we join back.  dump_stack() follows with a
 * "CPU: .. PID: .. Comm: .." line, "Call Trace:" and one record per frame,
 * all from the same caller id; we keep the reliable frames' names.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "failures.h"
#include "printk.h"

#define MAX_PENDING	4	/* tasks whose stack dump we wait for */
#define MAX_WAIT	4	/* lines before "Call Trace:" we tolerate */
#define LINK_WINDOW	64	/* records between a vmap message and its warn_alloc */

/* Parse a decimal (or 0x hex when hex) number at *p; advance *p. */
static bool number(const char **p, uint64_t *val, bool hex)
{
	const char *s = *p;
	char *end;

	if (hex) {
		if (strncmp(s, "0x", 2))
			return false;
		s += 2;
	}
	if (!isxdigit((unsigned char)*s))
		return false;
	*val = strtoull(s, &end, hex ? 16 : 10);
	*p = end;
	return true;
}

/* If s starts with prefix, return what follows. */
static const char *after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) ? NULL : s + n;
}

static void copy_bounded(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* "<comm>: " in front of the warn_alloc text at msg. */
static void take_comm(struct vx_failure *f, const char *line, const char *msg)
{
	if (msg - line >= 2 && msg[-2] == ':' && msg[-1] == ' ')
		copy_bounded(f->comm, sizeof(f->comm), line, msg - line - 2);
}

/* ", mode:0xcc0(GFP_KERNEL)" -> gfp text and mask. */
static void take_gfp(struct vx_failure *f, const char *msg)
{
	const char *p = strstr(msg, ", mode:");
	const char *end;

	if (!p)
		return;
	p += strlen(", mode:");
	end = strstr(p, ", nodemask=");
	if (!end)
		end = p + strlen(p);
	copy_bounded(f->gfp, sizeof(f->gfp), p, end - p);
	f->gfp_mask = strtoull(p, NULL, 16);
}

/* The text after "vmalloc error: size N, " (6.1+ warn_alloc). */
static void parse_vmalloc_error(struct vx_failure *f, const char *p)
{
	const char *q;
	uint64_t v;

	f->hint = VX_HINT_OUT_OF_PAGES;
	if (after(p, "exceeds total pages")) {
		f->kind = VX_FAIL_TOTAL_PAGES;
	} else if ((q = after(p, "vm_struct allocation failed"))) {
		f->kind = VX_FAIL_VM_STRUCT;
		f->hint = VX_HINT_ADDRESS_SPACE;
		if (*q == '.')	/* ". Retrying." with __GFP_NOFAIL */
			copy_bounded(f->detail, sizeof(f->detail), q,
				     strcspn(q, ","));
	} else if ((q = after(p, "failed to allocated page array size ")) ||
		   (q = after(p, "failed to allocate page array size "))) {
		f->kind = VX_FAIL_PAGE_ARRAY;
		if (number(&q, &v, false))
			f->array_size = v;
	} else if ((q = after(p, "page order ")) && number(&q, &v, false) &&
		   after(q, ", failed to allocate pages")) {
		f->kind = VX_FAIL_PAGES;
		f->page_order = (int)v;
	} else if (after(p, "failed to allocate pages")) {
		f->kind = VX_FAIL_PAGES;
	} else if (after(p, "failed to map pages")) {
		f->kind = VX_FAIL_MAP_PAGES;
	} else {
		/* A wording we do not know: keep it, claim nothing. */
		f->kind = VX_FAIL_VMALLOC;
		f->hint = VX_HINT_UNKNOWN;
	}
}

static bool parse_warn_alloc(const char *line, struct vx_failure *f)
{
	const char *msg, *p;
	uint64_t a, b;

	if ((msg = strstr(line, "vmalloc error: size "))) {
		p = msg + strlen("vmalloc error: size ");
		if (!number(&p, &f->size, false) || !(p = after(p, ", ")))
			return false;
		parse_vmalloc_error(f, p);
	} else if ((msg = strstr(line, "vmalloc: allocation failure: "))) {
		/* 5.10: size 0, above totalram, or no vm area: cannot tell. */
		p = msg + strlen("vmalloc: allocation failure: ");
		if (!number(&p, &f->size, false) || !after(p, " bytes"))
			return false;
		f->kind = VX_FAIL_VMALLOC;
		f->hint = VX_HINT_SPACE_OR_PAGES;
	} else if ((msg = strstr(line, "vmalloc: allocation failure, allocated "))) {
		/* 5.10: area->size, which counts the guard page. */
		p = msg + strlen("vmalloc: allocation failure, allocated ");
		if (!number(&p, &a, false) || !(p = after(p, " of ")) ||
		    !number(&p, &b, false) || !after(p, " bytes"))
			return false;
		f->kind = VX_FAIL_PAGES;
		f->hint = VX_HINT_OUT_OF_PAGES;
		f->allocated = a;
		f->size = b;
		f->size_includes_guard = true;
	} else {
		return false;
	}
	take_comm(f, line, msg);
	take_gfp(f, msg);
	return true;
}

/* alloc_vmap_area(): the size counts the guard page. */
static bool parse_vmap_area(const char *line, struct vx_failure *f)
{
	const char *p;

	if ((p = strstr(line, "vmap allocation for size "))) {
		p += strlen("vmap allocation for size ");
		if (!number(&p, &f->size, false) || !after(p, " failed"))
			return false;
		f->kind = VX_FAIL_VMAP_AREA;
		f->hint = VX_HINT_ADDRESS_SPACE;
	} else if ((p = strstr(line, "vmalloc_node_range for size "))) {
		p += strlen("vmalloc_node_range for size ");
		if (!number(&p, &f->size, false) ||
		    !(p = after(p, " failed: Address range restricted to ")) ||
		    !number(&p, &f->range_start, true) ||
		    !(p = after(p, " - ")) || !number(&p, &f->range_end, true))
			return false;
		f->kind = VX_FAIL_RANGE;
		f->hint = VX_HINT_RESTRICTED_RANGE;
		f->has_range = true;
	} else {
		return false;
	}
	f->size_includes_guard = true;
	return true;
}

static const struct {
	const char *reason;
	enum vx_verdict_hint hint;
} percpu_reasons[] = {
	/* pcpu_create_chunk() -> pcpu_get_vm_areas() found no room */
	{ "failed to allocate new chunk", VX_HINT_ADDRESS_SPACE },
	{ "failed to populate", VX_HINT_OUT_OF_PAGES },
	{ "atomic alloc failed, no space left", VX_HINT_NOT_VMALLOC },
	{ "alloc from reserved chunk failed", VX_HINT_NOT_VMALLOC },
};

static bool parse_percpu(const char *line, struct vx_failure *f)
{
	const char *p = strstr(line, "percpu: allocation failed, size=");
	uint64_t align, atomic;

	if (!p)
		return false;
	p += strlen("percpu: allocation failed, size=");
	if (!number(&p, &f->size, false) || !(p = after(p, " align=")) ||
	    !number(&p, &align, false) || !(p = after(p, " atomic=")) ||
	    !number(&p, &atomic, false) || !(p = after(p, ", ")))
		return false;
	f->kind = VX_FAIL_PERCPU;
	f->path = VX_PATH_PERCPU;
	f->align = align;
	f->atomic = (int)atomic;
	copy_bounded(f->detail, sizeof(f->detail), p, strlen(p));
	f->hint = VX_HINT_UNKNOWN;
	for (size_t i = 0; i < sizeof(percpu_reasons) / sizeof(percpu_reasons[0]); i++)
		if (after(p, percpu_reasons[i].reason))
			f->hint = percpu_reasons[i].hint;
	return true;
}

bool vx_failure_parse(const char *text, size_t len, struct vx_failure *f)
{
	char *line = malloc(len + 1);
	bool found;

	if (!line)
		return false;
	memcpy(line, text, len);
	line[len] = '\0';
	memset(f, 0, sizeof(*f));
	f->page_order = -1;
	f->atomic = -1;
	f->related = -1;
	found = parse_warn_alloc(line, f) || parse_vmap_area(line, f) ||
		parse_percpu(line, f);
	if (!found && strstr(line, "execmem: unable to allocate memory")) {
		f->kind = VX_FAIL_EXECMEM;
		f->hint = VX_HINT_SPACE_OR_PAGES;
		found = true;
	}
	free(line);
	return found;
}

/* ---- the scanner: logical lines, stack dumps, related messages ---- */

enum pend_state { PEND_WAIT, PEND_FRAMES };

struct pending {
	bool active;
	uint32_t caller;
	size_t index;
	enum pend_state state;
	unsigned int waited;
};

struct vx_failure_scanner {
	struct vx_failure_list *out;
	char *line;			/* current logical line */
	size_t len, cap;
	bool have_line;
	uint64_t seq, ts;
	uint32_t caller;
	struct pending pend[MAX_PENDING];
};

struct vx_error *vx_failure_scanner_create(struct vx_failure_list *out,
					   struct vx_failure_scanner **sc)
{
	*sc = calloc(1, sizeof(**sc));
	if (!*sc)
		return vx_error_nomem_in("log scanner");
	memset(out, 0, sizeof(*out));
	(*sc)->out = out;
	return NULL;
}

static struct pending *pending_of(struct vx_failure_scanner *sc,
				  uint32_t caller)
{
	for (int i = 0; i < MAX_PENDING; i++)
		if (sc->pend[i].active && sc->pend[i].caller == caller)
			return &sc->pend[i];
	return NULL;
}

static void wait_for_trace(struct vx_failure_scanner *sc, uint32_t caller,
			   size_t index)
{
	struct pending *p = pending_of(sc, caller);

	for (int i = 0; !p && i < MAX_PENDING; i++)
		if (!sc->pend[i].active)
			p = &sc->pend[i];
	if (!p)		/* all busy: the oldest wait gives way */
		p = &sc->pend[0];
	*p = (struct pending){ .active = true, .caller = caller,
			       .index = index };
}

/* "CPU: 1 PID: 523 Comm: modprobe ..." (6.12+: "CPU: 1 UID: 0 PID: ..."). */
static void take_cpu_line(struct vx_failure *f, const char *line)
{
	const char *p = strstr(line, " PID: ");
	uint64_t pid;

	if (p) {
		p += strlen(" PID: ");
		if (!f->has_pid && number(&p, &pid, false)) {
			f->has_pid = true;
			f->pid = (uint32_t)pid;
		}
	}
	p = strstr(line, " Comm: ");
	if (p && !f->comm[0]) {
		p += strlen(" Comm: ");
		copy_bounded(f->comm, sizeof(f->comm), p, strcspn(p, " "));
	}
}

/* " func+0x1f/0x80 [mod]" -> "func"; NULL-length if not a frame. */
static size_t frame_name(const char *s)
{
	size_t n = 0;

	while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.' ||
	       s[n] == '$')
		n++;
	return n && !strncmp(s + n, "+0x", 3) ? n : 0;
}

static struct vx_error *add_frame(struct vx_failure *f, const char *name,
				  size_t n)
{
	if (f->trace_len == VX_FAILURE_TRACE_MAX)
		return NULL;
	f->trace[f->trace_len] = strndup(name, n);
	if (!f->trace[f->trace_len])
		return vx_error_nomem_in("call trace");
	f->trace_len++;
	return NULL;
}

/* One line of a stack dump following a failure of the same caller. */
static struct vx_error *trace_line(struct pending *p, struct vx_failure *f,
				   const char *line)
{
	const char *s = line + strspn(line, " \t");
	size_t n;

	if (p->state == PEND_WAIT) {
		if (after(s, "CPU: "))
			take_cpu_line(f, s);
		else if (strstr(s, "Call Trace:"))
			p->state = PEND_FRAMES;
		else if (!after(s, "Hardware name:") && ++p->waited > MAX_WAIT)
			p->active = false;
		return NULL;
	}
	if (after(s, "</TASK>")) {
		p->active = false;
		return NULL;
	}
	if (s[0] == '<' || after(s, "? "))	/* <TASK>, <IRQ>; unreliable */
		return NULL;
	n = frame_name(s);
	if (!n) {
		p->active = false;
		return NULL;
	}
	return add_frame(f, s, n);
}

static struct vx_error *append_failure(struct vx_failure_list *l,
				       const struct vx_failure *f,
				       const char *text)
{
	struct vx_failure *slot;

	if (l->count == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct vx_failure *items = realloc(l->items,
						   cap * sizeof(*items));

		if (!items)
			return vx_error_nomem_in("failure list");
		l->items = items;
		l->cap = cap;
	}
	slot = &l->items[l->count];
	*slot = *f;
	slot->message = strdup(text);
	if (!slot->message)
		return vx_error_nomem_in("failure list");
	l->count++;
	return NULL;
}

/*
 * alloc_vmap_area()'s message is followed, for the same task, by the
 * warn_alloc() of __vmalloc_node_range(): one event, two messages.  Link
 * them so the warn_alloc inherits what only the first message knows.
 */
static void link_related(struct vx_failure_list *l, size_t idx)
{
	struct vx_failure *f = &l->items[idx];

	if (f->kind != VX_FAIL_VM_STRUCT && f->kind != VX_FAIL_VMALLOC)
		return;
	for (size_t i = idx; i-- > 0;) {
		struct vx_failure *g = &l->items[i];

		if (f->seq - g->seq > LINK_WINDOW)
			return;
		if (g->caller_id != f->caller_id)
			continue;
		if ((g->kind != VX_FAIL_VMAP_AREA && g->kind != VX_FAIL_RANGE) ||
		    g->related >= 0)
			return;
		f->related = (long)i;
		g->related = (long)idx;
		g->hint = g->kind == VX_FAIL_RANGE ? VX_HINT_RESTRICTED_RANGE :
			VX_HINT_ADDRESS_SPACE;
		f->hint = g->hint;
		f->has_range = g->has_range;
		f->range_start = g->range_start;
		f->range_end = g->range_end;
		if (!g->comm[0])
			memcpy(g->comm, f->comm, sizeof(g->comm));
		return;
	}
}

static bool awaits_trace(enum vx_failure_kind k)
{
	return k != VX_FAIL_VMAP_AREA && k != VX_FAIL_RANGE &&
		k != VX_FAIL_EXECMEM;
}

/* One line of text (no newline) from sc->caller. */
static struct vx_error *scan_line(struct vx_failure_scanner *sc,
				  const char *line, size_t len)
{
	struct vx_failure_list *l = sc->out;
	struct pending *p = pending_of(sc, sc->caller);
	struct vx_failure f;
	struct vx_error *err;
	char *text;

	if (!vx_failure_parse(line, len, &f)) {
		if (!p)
			return NULL;
		text = strndup(line, len);
		if (!text)
			return vx_error_nomem_in("log scanner");
		err = trace_line(p, &l->items[p->index], text);
		free(text);
		return err;
	}
	f.seq = sc->seq;
	f.ts_nsec = sc->ts;
	f.caller_id = sc->caller;
	if (sc->caller & VX_LOG_CALLER_CPU) {
		f.has_cpu = true;
		f.cpu = sc->caller & ~VX_LOG_CALLER_CPU;
	} else {
		f.has_pid = true;
		f.pid = sc->caller;
	}
	text = strndup(line, len);
	if (!text)
		return vx_error_nomem_in("log scanner");
	err = append_failure(l, &f, text);
	free(text);
	if (err)
		return err;
	link_related(l, l->count - 1);
	if (p)
		p->active = false;
	if (awaits_trace(f.kind))
		wait_for_trace(sc, sc->caller, l->count - 1);
	return NULL;
}

static struct vx_error *flush_line(struct vx_failure_scanner *sc)
{
	/* an empty record leaves line NULL; NULL + 0 is undefined (UBSan) */
	const char *s = sc->line ? sc->line : "", *end = s + sc->len;
	struct vx_error *err = NULL;

	if (!sc->have_line)
		return NULL;
	sc->have_line = false;
	while (!err && s <= end) {
		const char *nl = memchr(s, '\n', end - s);
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		err = scan_line(sc, s, n);
		if (!nl)
			break;
		s = nl + 1;
	}
	return err;
}

static struct vx_error *line_append(struct vx_failure_scanner *sc,
				    const char *text, size_t len)
{
	if (sc->len + len + 1 > sc->cap) {
		size_t cap = (sc->len + len + 1) * 2;
		char *line = realloc(sc->line, cap);

		if (!line)
			return vx_error_nomem_in("log scanner");
		sc->line = line;
		sc->cap = cap;
	}
	memcpy(sc->line + sc->len, text, len);
	sc->len += len;
	sc->line[sc->len] = '\0';
	return NULL;
}

struct vx_error *vx_failure_scanner_feed(struct vx_failure_scanner *sc,
					 const struct vx_log_record *rec)
{
	struct vx_error *err;

	sc->out->records++;
	/* pr_cont() text the ring could not append to its record. */
	if (sc->have_line && (rec->flags & VX_LOG_CONT) &&
	    rec->caller_id == sc->caller)
		return line_append(sc, rec->text, rec->text_len);
	err = flush_line(sc);
	if (err)
		return err;
	sc->len = 0;
	sc->have_line = true;
	sc->seq = rec->seq;
	sc->ts = rec->ts_nsec;
	sc->caller = rec->caller_id;
	return line_append(sc, rec->text, rec->text_len);
}

/* The most specific path a frame names; earlier rows win. */
static const struct {
	const char *func;
	enum vx_failure_path path;
} path_frames[] = {
	{ "bpf_jit_binary_alloc", VX_PATH_BPF_JIT },
	{ "bpf_jit_binary_pack_alloc", VX_PATH_BPF_JIT },
	{ "bpf_jit_alloc_exec", VX_PATH_BPF_JIT },
	{ "bpf_prog_pack_alloc", VX_PATH_BPF_JIT },
	{ "alloc_new_pack", VX_PATH_BPF_JIT },
	{ "bpf_int_jit_compile", VX_PATH_BPF_JIT },
	{ "load_module", VX_PATH_MODULE },
	{ "module_alloc", VX_PATH_MODULE },
	{ "module_memory_alloc", VX_PATH_MODULE },
	{ "move_module", VX_PATH_MODULE },
	{ "layout_and_allocate", VX_PATH_MODULE },
	{ "pcpu_create_chunk", VX_PATH_PERCPU },
	{ "pcpu_get_vm_areas", VX_PATH_PERCPU },
	{ "pcpu_alloc", VX_PATH_PERCPU },
	{ "pcpu_balance_workfn", VX_PATH_PERCPU },
	{ "kvmalloc_node", VX_PATH_KVMALLOC },
	{ "__kvmalloc_node", VX_PATH_KVMALLOC },
	{ "kvrealloc", VX_PATH_KVMALLOC },
	{ "vmap", VX_PATH_VMAP },
	{ "vm_map_ram", VX_PATH_VMAP },
	{ "__vmalloc_node_range", VX_PATH_VMALLOC },
	{ "__vmalloc_node", VX_PATH_VMALLOC },
	{ "__vmalloc_area_node", VX_PATH_VMALLOC },
	{ "__vmalloc", VX_PATH_VMALLOC },
	{ "vmalloc", VX_PATH_VMALLOC },
	{ "vzalloc", VX_PATH_VMALLOC },
	{ "vmalloc_node", VX_PATH_VMALLOC },
	{ "vzalloc_node", VX_PATH_VMALLOC },
	{ "vmalloc_user", VX_PATH_VMALLOC },
	{ "vmalloc_32", VX_PATH_VMALLOC },
	{ "vmalloc_huge", VX_PATH_VMALLOC },
};

/* "kvmalloc_node_noprof", "warn_alloc.cold" -> compare the base name. */
static bool frame_is(const char *frame, const char *func)
{
	size_t n = strlen(func);

	if (strncmp(frame, func, n))
		return false;
	return frame[n] == '\0' || frame[n] == '.' ||
		!strcmp(frame + n, "_noprof");
}

static enum vx_failure_path path_of(const struct vx_failure *f)
{
	size_t rows = sizeof(path_frames) / sizeof(path_frames[0]);

	for (size_t r = 0; r < rows; r++)
		for (unsigned int i = 0; i < f->trace_len; i++)
			if (frame_is(f->trace[i], path_frames[r].func))
				return path_frames[r].path;
	return f->kind == VX_FAIL_PERCPU ? VX_PATH_PERCPU : VX_PATH_UNKNOWN;
}

void vx_failure_scanner_finish(struct vx_failure_scanner *sc)
{
	struct vx_failure_list *l;
	struct vx_error *err;

	if (!sc)
		return;
	l = sc->out;
	err = flush_line(sc);
	vx_error_destroy(err);
	for (size_t i = 0; i < l->count; i++)
		l->items[i].path = path_of(&l->items[i]);
	for (size_t i = 0; i < l->count; i++) {
		struct vx_failure *f = &l->items[i];

		if (f->path == VX_PATH_UNKNOWN && f->related >= 0)
			f->path = l->items[f->related].path;
	}
	free(sc->line);
	free(sc);
}

struct scan_ctx {
	struct vx_failure_scanner *sc;
	struct vx_error *err;
};

static int scan_record(const struct vx_log_record *rec, void *arg)
{
	struct scan_ctx *ctx = arg;

	ctx->err = vx_failure_scanner_feed(ctx->sc, rec);
	return ctx->err != NULL;
}

struct vx_error *vx_failures_scan(struct vx_target *t,
				  const struct vx_vmcoreinfo *v,
				  struct vx_failure_list *out)
{
	struct scan_ctx ctx = { 0 };
	struct vx_error *err;

	err = vx_failure_scanner_create(out, &ctx.sc);
	if (err)
		return err;
	err = vx_printk_foreach(t, v, scan_record, &ctx);
	if (!err)
		err = ctx.err;
	else
		vx_error_destroy(ctx.err);
	vx_failure_scanner_finish(ctx.sc);
	if (err) {
		vx_failure_list_free(out);
		return vx_error_wrap(err, "reading the kernel log");
	}
	return NULL;
}

void vx_failure_list_free(struct vx_failure_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		for (unsigned int k = 0; k < l->items[i].trace_len; k++)
			free(l->items[i].trace[k]);
		free(l->items[i].message);
	}
	free(l->items);
	free(l->modules);
	memset(l, 0, sizeof(*l));
}

const char *vx_failure_kind_name(enum vx_failure_kind k)
{
	static const char *const names[] = {
		[VX_FAIL_VMAP_AREA] = "vmap_area",
		[VX_FAIL_RANGE] = "range_restricted",
		[VX_FAIL_TOTAL_PAGES] = "exceeds_total_pages",
		[VX_FAIL_VM_STRUCT] = "vm_struct",
		[VX_FAIL_PAGE_ARRAY] = "page_array",
		[VX_FAIL_PAGES] = "pages",
		[VX_FAIL_MAP_PAGES] = "map_pages",
		[VX_FAIL_VMALLOC] = "vmalloc",
		[VX_FAIL_EXECMEM] = "execmem",
		[VX_FAIL_PERCPU] = "percpu",
	};

	return (unsigned int)k < sizeof(names) / sizeof(names[0]) ?
		names[k] : "unknown";
}

const char *vx_verdict_hint_name(enum vx_verdict_hint h)
{
	static const char *const names[] = {
		[VX_HINT_UNKNOWN] = "unknown",
		[VX_HINT_OUT_OF_PAGES] = "out_of_memory_pages",
		[VX_HINT_RESTRICTED_RANGE] = "restricted_range",
		[VX_HINT_ADDRESS_SPACE] = "address_space",
		[VX_HINT_SPACE_OR_PAGES] = "address_space_or_pages",
		[VX_HINT_NOT_VMALLOC] = "not_vmalloc",
	};

	return (unsigned int)h < sizeof(names) / sizeof(names[0]) ?
		names[h] : "unknown";
}

const char *vx_failure_path_name(enum vx_failure_path p)
{
	static const char *const names[] = {
		[VX_PATH_UNKNOWN] = "unknown",
		[VX_PATH_VMALLOC] = "vmalloc",
		[VX_PATH_KVMALLOC] = "kvmalloc",
		[VX_PATH_VMAP] = "vmap",
		[VX_PATH_MODULE] = "module_load",
		[VX_PATH_BPF_JIT] = "bpf_jit",
		[VX_PATH_PERCPU] = "percpu",
	};

	return (unsigned int)p < sizeof(names) / sizeof(names[0]) ?
		names[p] : "unknown";
}

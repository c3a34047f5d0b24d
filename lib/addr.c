// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --addr and --pfn.  Where an address is comes from the windows of the
 * space (space.c: every byte of both windows is claimed by a structure
 * or listed as unaccounted), the page it maps to from the kernel page
 * tables (recover_pt.c), and the reverse, the areas that map a page
 * frame, from the leaves of the page tables of both windows: they are
 * what the MMU follows, for every kind of area alike (vmalloc's pages[],
 * vmap() of pages, ioremap of a physical range, vm_map_ram blocks).
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "callers.h"
#include "format.h"
#include "json.h"
#include "owners.h"
#include "recover.h"

#define PAGE_SHIFT	12
#define MAX_MAPPINGS	16	/* of one page frame, listed */
#define START_KERNEL_MAP	0xffffffff80000000ULL

/* ---- classification ---------------------------------------------------- */

/*
 * The guard page of a busy area, its last page (doc/kernel.md §3.2).  An area rebuilt from the page
 * tables is a mapped run and the unmapped page after it (recover_pt.c),
 * so its last page is a guard page by construction.
 */
static uint64_t guard_of(const struct vx_space *s, const struct vx_area *a)
{
	if (a->source == VX_SRC_PAGE_TABLES)
		return VX_PAGE_SIZE;
	return vx_area_guard(&s->cfg, a);
}

static const struct vx_area *busy_near(const struct vx_window *w, size_t i,
				       int step)
{
	for (size_t j = i + step; j < w->ranges.n; j += step)
		if (w->ranges.v[j].state == VX_BUSY)
			return w->ranges.v[j].area;
	return NULL;
}

/* The range of w holding addr, a busy one first (two claims: corruption). */
static size_t range_at(const struct vx_window *w, uint64_t addr)
{
	size_t found = SIZE_MAX;

	for (size_t i = 0; i < w->ranges.n; i++) {
		const struct vx_range *r = &w->ranges.v[i];

		if (r->start > addr)
			break;
		if (addr >= r->end)
			continue;
		if (r->state == VX_BUSY)
			return i;
		if (found == SIZE_MAX)
			found = i;
	}
	return found;
}

void vx_addr_classify(const struct vx_space *s, uint64_t addr,
		      struct vx_addr_place *p)
{
	const struct vx_window *w = NULL;
	const struct vx_range *r;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->where = VX_WHERE_OUTSIDE;
	for (int id = 0; id < VX_NR_WINDOWS && !w; id++)
		if (addr >= s->win[id].start && addr < s->win[id].end) {
			w = &s->win[id];
			p->win = id;
		}
	if (!w || (i = range_at(w, addr)) == SIZE_MAX)
		return;
	r = &w->ranges.v[i];
	p->before = busy_near(w, i, -1);
	p->after = busy_near(w, i, 1);
	if (r->state == VX_BUSY) {
		p->area = r->area;
		p->guard = guard_of(s, r->area);
		p->where = addr >= r->area->end - p->guard ? VX_WHERE_GUARD :
			   VX_WHERE_AREA;
		return;
	}
	p->where = VX_WHERE_HOLE;
	p->hole_start = r->start;
	p->hole_end = r->end;
	p->hole_state = r->state;
	p->hole_area = r->area;
}

/* The caller of a, without "+off/size" ("" when unknown), in buf. */
static const char *caller_name(const struct vx_space *s,
			       const struct vx_area *a, char *buf, size_t size)
{
	buf[0] = '\0';
	if (a && a->vm_read && a->vm.caller && s->cfg.caller_name)
		s->cfg.caller_name(s->cfg.caller_ctx, a->vm.caller, buf, size);
	return buf;
}

static bool is_stack(const struct vx_space *s, const struct vx_area *a)
{
	char name[256];

	return vx_is_stack_caller(caller_name(s, a, name, sizeof(name)));
}

/*
 * The modules window also holds BPF JIT images (bpf_jit_alloc_exec(),
 * bpf_prog_pack_alloc()) and kprobe instruction pages (alloc_insn_page()):
 * module_alloc() serves them all.
 */
static const char *modules_window_kind(const struct vx_space *s,
				       const struct vx_area *a)
{
	char name[256];

	caller_name(s, a, name, sizeof(name));
	if (!strncmp(name, "bpf_", 4))
		return "BPF JIT images";
	if (!strncmp(name, "alloc_insn_page", 15))
		return "kprobe instructions";
	return "module memory";
}

const char *vx_addr_area_kind(const struct vx_space *s,
			      const struct vx_area *a)
{
	if (a->source == VX_SRC_PAGE_TABLES)
		return "unknown (rebuilt from the page tables)";
	if (a->vm_lost)
		return "unknown (its vm_struct is not in the dump)";
	if (!a->vm_ptr)
		return "vm_map_ram";
	if (!a->vm_read)
		return "unknown (its vm_struct could not be read)";
	if (s->cfg.percpu_caller && a->vm.caller == s->cfg.percpu_caller)
		return "per-cpu chunk";
	if (is_stack(s, a))
		return "thread stack";
	if (a->start >= s->cfg.modules_start && a->start < s->cfg.modules_end)
		return modules_window_kind(s, a);
	if (a->vm.flags & VX_VM_IOREMAP)
		return "ioremap";
	if (a->vm.flags & VX_VM_ALLOC)
		return "vmalloc";
	if (a->vm.flags & VX_VM_MAP)
		return "vmap";
	return "other";
}

/* ---- what one query finds ----------------------------------------------- */

struct mapping {
	uint64_t va;
	struct vx_addr_place place;
};

struct answer {
	const struct vx_query *q;
	uint64_t addr;			/* the address looked up (pfn: 0) */
	const char *window;		/* a name for the reader */
	struct vx_addr_place place;
	/* The page frame: mapped at addr, or the one asked for. */
	bool has_pfn, pfn_unknown;	/* unknown: page tables not readable */
	uint64_t pfn;
	bool from_pages;		/* pfn from pages[]: the tables unreadable */
	bool pages_differ;		/* pages[] names pages_pfn, not pfn */
	uint64_t pages_pfn;
	const char *node_note;		/* set: why there is no node */
	uint32_t node;
	uint64_t direct;		/* the direct-map address of pfn, 0: none */
	const char *extra;		/* outside: what the address is */
	char extra_buf[256];
	/* Reverse: the windows' mappings of pfn. */
	bool reverse, reverse_unknown;
	struct mapping maps[MAX_MAPPINGS];
	size_t nr_maps, more_maps;
};

struct ctx {
	struct vx_kernel *k;
	struct vx_report *r;
	const struct vx_space *s;
	uint64_t page_offset, vmemmap, max_pfn;
	bool bases_known;
	char bases_error[256];	/* why not, said once by need_bases() */
	struct vx_owner_table *owners;	/* who holds each busy area */
	bool owner_unknown_printed;	/* an answer says "owner unknown" */
};


static const struct vx_owner *owner_of(const struct ctx *c,
				       const struct vx_area *a)
{
	if (!c->owners || !a || a->state != VX_BUSY)
		return NULL;
	return vx_owner_lookup(c->owners, a->start);
}

/* The owner of a printed area: note when it is unknown (vx_addr_run). */
static const struct vx_owner *printed_owner(struct ctx *c,
					    const struct vx_area *a)
{
	const struct vx_owner *o = owner_of(c, a);

	if (o && o->kind == VX_OWNER_UNKNOWN)
		c->owner_unknown_printed = true;
	return o;
}

static void read_bases(struct ctx *c)
{
	struct vx_error *err;

	err = vx_pt_direct_map(c->k, &c->page_offset, &c->vmemmap);
	if (!err)
		err = vx_read_symbol_uint(c->k, "max_pfn", 8, &c->max_pfn);
	if (err) {
		snprintf(c->bases_error, sizeof(c->bases_error), "%s", err->message);
		vx_error_destroy(err);
		return;
	}
	c->bases_known = true;
}

/*
 * A query whose answer depends on the direct map's and the memory map's
 * bounds: without them it is incomplete (a skip, once a run).
 */
static bool need_bases(struct ctx *c)
{
	if (!c->bases_known && c->bases_error[0]) {
		vx_report_skip(c->r, "direct map and page frames: %s",
			       c->bases_error);
		c->bases_error[0] = '\0';
	}
	return c->bases_known;
}

/* The node of a->pfn; an I/O frame may have no struct page to read. */
static void find_node(struct ctx *c, struct answer *a, bool io)
{
	struct vx_error *err;
	uint64_t page;

	if (c->bases_known && a->pfn >= c->max_pfn) {
		a->node_note = "none (past the last RAM page frame, max_pfn)";
		return;
	}
	err = vx_pt_pfn_node(c->k, a->pfn, &page, &a->node);
	if (!err)
		return;
	if (io) {
		a->node_note = "none (an I/O mapping: no struct page to read)";
	} else {
		vx_report_skip(c->r, "node of pfn 0x%lx: %s",
			       (unsigned long)a->pfn, err->message);
		a->node_note = "unknown (its struct page could not be read)";
	}
	vx_error_destroy(err);
}

/* The frame mapped at a->addr, from the page tables. */
/*
 * The frame pages[] of busy area ar holds for addr: vmap_pages_range()
 * maps pages[i] at start + i * PAGE_SIZE, a huge page's subpages each
 * in its slot.  false: no pages[] (ioremap, vmap(), vm_map_ram, a
 * per-CPU chunk), or it could not be read; the page tables answer then.
 */
static bool pages_pfn(struct ctx *c, const struct vx_area *ar, uint64_t addr,
		      uint64_t *pfn)
{
	uint64_t i, page = 0, size = 0;
	struct vx_error *err;

	if (!ar || !ar->vm_read || !ar->vm.pages || !c->bases_known)
		return false;
	i = (addr - ar->start) >> PAGE_SHIFT;
	if (i >= ar->vm.nr_pages)
		return false;
	err = vx_type_size(c->k->types, "page", &size);
	if (!err)
		err = vx_read_u64(c->k->t, ar->vm.pages + i * 8, &page);
	vx_error_destroy(err);
	if (err || !size || page < c->vmemmap)
		return false;
	*pfn = (page - c->vmemmap) / size;
	return true;
}

/*
 * The frame mapped at a->addr, from the page tables; pages[] checks it,
 * and stands in when the tables cannot be read (still a skip).
 */
static void find_pfn(struct ctx *c, struct answer *a)
{
	bool have = a->place.where == VX_WHERE_AREA &&
		    pages_pfn(c, a->place.area, a->addr, &a->pages_pfn);
	struct vx_error *err;

	err = vx_pt_translate(c->k, a->addr, &a->pfn);
	if (vx_error_is(err, VX_ERR_NOT_FOUND)) {
		vx_error_destroy(err);
		a->pages_differ = have;
		return;		/* not mapped: a fact, not a skip */
	}
	if (err) {
		vx_report_skip(c->r, "page tables at 0x%lx: %s",
			       (unsigned long)a->addr, err->message);
		vx_error_destroy(err);
		a->pfn_unknown = !have;
		a->from_pages = have;
		a->pfn = a->pages_pfn;
		if (!have)
			return;
	}
	a->has_pfn = true;
	a->pages_differ = have && a->pages_pfn != a->pfn;
	find_node(c, a, a->place.area &&
		  a->place.area->vm_read &&
		  (a->place.area->vm.flags & VX_VM_IOREMAP));
}

struct reverse {
	struct ctx *c;
	struct answer *a;
};

static struct vx_error *take_leaf(void *arg, uint64_t va, uint64_t pfn,
				  uint64_t pages)
{
	struct reverse *rv = arg;
	struct answer *a = rv->a;
	struct mapping *m;

	if (a->pfn < pfn || a->pfn >= pfn + pages)
		return NULL;
	if (a->nr_maps == MAX_MAPPINGS) {
		a->more_maps++;
		return NULL;
	}
	m = &a->maps[a->nr_maps++];
	m->va = va + ((a->pfn - pfn) << PAGE_SHIFT);
	vx_addr_classify(rv->c->s, m->va, &m->place);
	return NULL;
}

/* Which areas of both windows map a->pfn. */
static void find_mappings(struct ctx *c, struct answer *a)
{
	struct reverse rv = { c, a };

	a->reverse = true;
	for (int i = 0; i < VX_NR_WINDOWS; i++) {
		const struct vx_window *w = &c->s->win[i];
		struct vx_error *err;

		err = vx_pt_leaves(c->k, w->start, w->end, take_leaf, &rv);
		if (err) {
			vx_report_skip(c->r, "page tables of the %s window: %s",
				       w->name, err->message);
			vx_error_destroy(err);
			a->reverse_unknown = true;
		}
	}
}

/* What an address outside both windows is, as far as the bases tell. */
static void outside(struct ctx *c, struct answer *a)
{
	int bits = c->k->paging_levels == 5 ? 57 : 48;
	uint64_t addr = a->addr, struct_page = 0;

	if (addr < 1ULL << (bits - 1)) {
		a->window = "user space";
		a->extra = "not a kernel address";
		return;
	}
	if (addr < ~0ULL << (bits - 1)) {
		a->window = "non-canonical";
		a->extra = "no address the CPU can use: a corrupted pointer";
		return;
	}
	if (addr >= START_KERNEL_MAP && addr < c->k->modules_start) {
		a->window = "kernel image";
		a->extra = vx_symbolize(c->k, addr, a->extra_buf,
					sizeof(a->extra_buf));
		return;
	}
	if (!need_bases(c)) {
		a->window = "unknown";
		a->extra = "the bounds of the direct map and the memory map could not be read";
		return;
	}
	if (addr >= c->page_offset &&
	    addr < c->page_offset + (1ULL << (bits - 2))) {
		a->window = "direct map";
		a->pfn = (addr - c->page_offset) >> PAGE_SHIFT;
		if (a->pfn >= c->max_pfn) {
			a->extra = "past the last RAM page frame (max_pfn): nothing is mapped there";
			return;
		}
		a->has_pfn = true;
		a->direct = addr & ~(VX_PAGE_SIZE - 1);
		find_node(c, a, false);
		find_mappings(c, a);
		return;
	}
	if (addr >= c->vmemmap &&
	    !vx_type_size(c->k->types, "page", &struct_page) && struct_page &&
	    addr < c->vmemmap + c->max_pfn * struct_page) {
		a->window = "memory map (vmemmap)";
		snprintf(a->extra_buf, sizeof(a->extra_buf),
			 "the struct page of pfn 0x%lx",
			 (unsigned long)((addr - c->vmemmap) / struct_page));
		a->extra = a->extra_buf;
		return;
	}
	a->window = "other";
	a->extra = "no window vmapx knows (fixmap, cpu_entry_area, ESPFIX, vsyscall...)";
}

static void answer_query(struct ctx *c, const struct vx_query *q,
			 struct answer *a)
{
	memset(a, 0, sizeof(*a));
	a->q = q;
	if (q->pfn) {
		a->window = "page frame";
		a->pfn = q->value;
		a->has_pfn = true;
		if (need_bases(c) && a->pfn < c->max_pfn)
			a->direct = c->page_offset + (a->pfn << PAGE_SHIFT);
		find_node(c, a, false);
		find_mappings(c, a);
		return;
	}
	a->addr = q->value;
	vx_addr_classify(c->s, a->addr, &a->place);
	if (a->place.where == VX_WHERE_OUTSIDE) {
		outside(c, a);
		return;
	}
	a->window = c->s->win[a->place.win].name;
	find_pfn(c, a);
	if (a->has_pfn && c->bases_known && a->pfn < c->max_pfn)
		a->direct = c->page_offset + (a->pfn << PAGE_SHIFT);
}

/* ---- text ----------------------------------------------------------------- */

static const char *hole_name(unsigned int state)
{
	switch (state) {
	case VX_LAZY: return "lazily freed (unmapped, awaiting purge)";
	case VX_PURGING: return "being purged";
	case VX_POOLED: return "pooled (freed, kept for reuse by its node)";
	case VX_FREE: return "free";
	default: return "claimed by no structure the dump holds";
	}
}

static const char *caller_of(struct ctx *c, const struct vx_area *a,
			     char *buf, size_t size)
{
	if (!a->vm_read || !a->vm.caller)
		return NULL;
	return vx_symbolize(c->k, a->vm.caller, buf, size);
}

static void text_area(FILE *out, struct ctx *c, const char *label,
		      const struct vx_area *a)
{
	char buf[256], pb[VX_PRINTABLE_SIZE];
	const char *caller;

	if (!a) {
		fprintf(out, "  %-9s none in this window\n", label);
		return;
	}
	caller = caller_of(c, a, buf, sizeof(buf));
	fprintf(out, "  %-9s 0x%016lx-0x%016lx %lu bytes, %s%s%s", label,
		(unsigned long)a->start, (unsigned long)a->end,
		(unsigned long)(a->end - a->start), vx_addr_area_kind(c->s, a),
		caller ? ", " : "", caller ? caller : "");
	/* the "area" block has its own owner line (text_busy) */
	if (strcmp(label, "area") && owner_of(c, a) &&
	    owner_of(c, a)->kind != VX_OWNER_UNKNOWN)
		fprintf(out, ", %s", vx_printable(vx_owner_text(owner_of(c, a)),
						  pb, sizeof(pb)));
	fputc('\n', out);
}

static void text_flags(FILE *out, const struct vx_area *a)
{
	bool any = false;

	if (!a->vm_read)
		return;
	for (int i = 0; i < VX_NR_VM_WORDS; i++)
		if (a->vm.flags & vx_vm_words[i].flag) {
			fprintf(out, "%s%s", any ? " " : "  flags     ",
				vx_vm_words[i].word);
			any = true;
		}
	if (any)
		fputc('\n', out);
}

/* The busy area of an AREA or GUARD answer: its lines. */
static void text_busy(FILE *out, struct ctx *c, const struct answer *a)
{
	const struct vx_area *ar = a->place.area;
	char buf[256], name[256], pb[VX_PRINTABLE_SIZE];
	const char *why;

	text_area(out, c, "area", ar);
	text_flags(out, ar);
	if (caller_of(c, ar, buf, sizeof(buf)) && c->s->cfg.caller_name) {
		why = vx_caller_explain(c->s->cfg.caller_name(c->s->cfg.caller_ctx,
							      ar->vm.caller, name,
							      sizeof(name)));
		if (why)
			fprintf(out, "  %-9s %s\n", "why", why);
	}
	if (printed_owner(c, ar))
		fprintf(out, "  %-9s %s\n", "owner",
			vx_printable(vx_owner_text(owner_of(c, ar)), pb, sizeof(pb)));
}

static void text_guard(FILE *out, struct ctx *c, const struct answer *a)
{
	const struct vx_area *ar = a->place.area, *next = a->place.after;
	uint64_t usable_end = ar->end - a->place.guard;

	fprintf(out, "  %-9s an out-of-bounds access one page past the area ending at 0x%016lx",
		"meaning", (unsigned long)usable_end);
	if (next && next->start == ar->end && is_stack(c->s, next))
		fprintf(out, ", or a stack overflow of the thread stack just above it, at 0x%016lx",
			(unsigned long)next->start);
	fputc('\n', out);
}

/* Below the first module: the window's KASLR prefix, never allocated (space.c). */
static bool in_modules_prefix(const struct ctx *c, const struct answer *a)
{
	const struct vx_space_config *cfg = &c->s->cfg;

	return a->place.where == VX_WHERE_HOLE &&
	       a->place.win == VX_WIN_MODULES && cfg->prefix_known &&
	       a->addr < cfg->modules_start + cfg->modules_prefix;
}

static void text_hole(FILE *out, struct ctx *c, const struct answer *a)
{
	const struct vx_area *next = a->place.after;

	text_area(out, c, "below", a->place.before);
	text_area(out, c, "above", next);
	if (next && is_stack(c->s, next))
		fprintf(out, "  %-9s 0x%lx bytes below the thread stack at 0x%016lx: where an overflow of that stack lands\n",
			"note", (unsigned long)(next->start - a->addr),
			(unsigned long)next->start);
	if (in_modules_prefix(c, a))
		fprintf(out, "  %-9s in the modules window's unused KASLR prefix (below 0x%016lx): never allocated\n",
			"note", (unsigned long)(c->s->cfg.modules_start +
					       c->s->cfg.modules_prefix));
}

static void text_page(FILE *out, const struct answer *a)
{
	if (a->pages_differ)
		fprintf(out, "  %-9s pfn 0x%lx: the page tables and pages[] disagree\n",
			"pages[]", (unsigned long)a->pages_pfn);
	if (a->pfn_unknown) {
		fprintf(out, "  %-9s unknown (the page tables could not be read)\n", "page");
		return;
	}
	if (!a->has_pfn) {
		fprintf(out, "  %-9s not mapped\n", "page");
		return;
	}
	fprintf(out, "  %-9s pfn 0x%lx (phys 0x%lx), node ", "page",
		(unsigned long)a->pfn, (unsigned long)(a->pfn << PAGE_SHIFT));
	if (a->node_note)
		fprintf(out, "%s", a->node_note);
	else
		fprintf(out, "%u", a->node);
	if (a->direct)
		fprintf(out, ", direct map 0x%016lx", (unsigned long)a->direct);
	if (a->from_pages)
		fprintf(out, " (from pages[]: the page tables could not be read)");
	fputc('\n', out);
}

static void text_mappings(FILE *out, struct ctx *c, const struct answer *a)
{
	if (a->reverse_unknown)
		fprintf(out, "  %-9s (the page tables could not all be read: the list may be short)\n",
			"mapped");
	if (!a->nr_maps && !a->reverse_unknown)
		fprintf(out, "  %-9s by no vmalloc or module area\n", "mapped");
	for (size_t i = 0; i < a->nr_maps; i++) {
		const struct mapping *m = &a->maps[i];
		char label[64];

		snprintf(label, sizeof(label), "mapped at 0x%016lx:",
			 (unsigned long)m->va);
		if (m->place.area) {
			fprintf(out, "  %s offset 0x%lx of\n", label,
				(unsigned long)(m->va - m->place.area->start));
			text_area(out, c, "", m->place.area);
		} else {
			fprintf(out, "  %s in a %s range, no busy area\n", label,
				hole_name(m->place.hole_state));
		}
	}
	if (a->more_maps)
		fprintf(out, "  and %lu more mappings\n", (unsigned long)a->more_maps);
}

static void text_headline(FILE *out, const struct answer *a)
{
	const struct vx_addr_place *p = &a->place;
	char size[32];

	if (a->q->pfn) {
		fprintf(out, "pfn 0x%lx:\n", (unsigned long)a->pfn);
		return;
	}
	fprintf(out, "0x%016lx: %s%s", (unsigned long)a->addr, a->window,
		p->where == VX_WHERE_OUTSIDE ? "" : " window");
	if (p->where == VX_WHERE_AREA)
		fprintf(out, ", offset 0x%lx of a busy area",
			(unsigned long)(a->addr - p->area->start));
	else if (p->where == VX_WHERE_GUARD)
		fprintf(out, ", in the guard page 0x%016lx-0x%016lx of a busy area (offset 0x%lx)",
			(unsigned long)(p->area->end - p->guard),
			(unsigned long)p->area->end,
			(unsigned long)(a->addr - p->area->start));
	else if (p->where == VX_WHERE_HOLE)
		fprintf(out, ", in a hole: %s 0x%016lx-0x%016lx (%s)",
			hole_name(p->hole_state), (unsigned long)p->hole_start,
			(unsigned long)p->hole_end,
			vx_human_bytes(p->hole_end - p->hole_start, size,
				       sizeof(size)));
	else if (a->extra)
		fprintf(out, ": %s", a->extra);
	fputc('\n', out);
}

static void text_answer(FILE *out, struct ctx *c, const struct answer *a)
{
	text_headline(out, a);
	if (a->place.where == VX_WHERE_AREA || a->place.where == VX_WHERE_GUARD)
		text_busy(out, c, a);
	if (a->place.where == VX_WHERE_GUARD)
		text_guard(out, c, a);
	if (a->place.where == VX_WHERE_HOLE)
		text_hole(out, c, a);
	if (a->place.where != VX_WHERE_OUTSIDE || a->has_pfn)
		text_page(out, a);
	if (a->reverse)
		text_mappings(out, c, a);
}

/* ---- JSON ----------------------------------------------------------------- */

static const char *where_name(enum vx_addr_where w)
{
	static const char *const names[] = {
		[VX_WHERE_OUTSIDE] = "outside", [VX_WHERE_AREA] = "area",
		[VX_WHERE_GUARD] = "guard", [VX_WHERE_HOLE] = "hole",
	};

	return names[w];
}

static void json_area(struct vx_json *w, struct ctx *c, const char *name,
		      const struct vx_area *a)
{
	char buf[256];
	const char *caller;

	if (!a) {
		vx_json_null_field(w, name);
		return;
	}
	vx_json_object_field(w, name);
	vx_json_addr_field(w, "start", a->start);
	vx_json_addr_field(w, "end", a->end);
	vx_json_uint_field(w, "size", a->end - a->start);
	vx_json_uint_field(w, "guard", guard_of(c->s, a));
	vx_json_string_field(w, "kind", vx_addr_area_kind(c->s, a));
	caller = caller_of(c, a, buf, sizeof(buf));
	vx_json_string_field(w, "caller", caller);
	vx_json_string_field(w, "source", vx_source_name(a->source));
	vx_json_array_field(w, "flags");
	for (int i = 0; a->vm_read && i < VX_NR_VM_WORDS; i++)
		if (a->vm.flags & vx_vm_words[i].flag)
			vx_json_string(w, vx_vm_words[i].word);
	vx_json_end_array(w);
	if (printed_owner(c, a)) {
		vx_json_object_field(w, "owner");
		vx_json_string_field(w, "kind",
				     vx_owner_kind_name(owner_of(c, a)->kind));
		vx_json_string_field(w, "text", vx_owner_text(owner_of(c, a)));
		vx_json_end_object(w);
	}
	vx_json_end_object(w);
}

static void json_place(struct vx_json *w, struct ctx *c, uint64_t addr,
		       const struct vx_addr_place *p)
{
	vx_json_string_field(w, "where", where_name(p->where));
	if (p->where == VX_WHERE_AREA || p->where == VX_WHERE_GUARD) {
		json_area(w, c, "area", p->area);
		vx_json_uint_field(w, "offset", addr - p->area->start);
	}
	if (p->where == VX_WHERE_GUARD) {
		vx_json_addr_field(w, "usable_end", p->area->end - p->guard);
		vx_json_bool_field(w, "stack_above",
				   p->after && p->after->start == p->area->end &&
				   is_stack(c->s, p->after));
	}
	if (p->where == VX_WHERE_HOLE) {
		vx_json_object_field(w, "hole");
		vx_json_string_field(w, "state", vx_state_name(p->hole_state));
		vx_json_addr_field(w, "start", p->hole_start);
		vx_json_addr_field(w, "end", p->hole_end);
		vx_json_uint_field(w, "size", p->hole_end - p->hole_start);
		vx_json_end_object(w);
		json_area(w, c, "below", p->before);
		json_area(w, c, "above", p->after);
	}
}

static void json_page(struct vx_json *w, const struct answer *a)
{
	if (a->pages_differ)
		vx_json_uint_field(w, "pages_pfn", a->pages_pfn);
	if (!a->has_pfn) {
		vx_json_null_field(w, "page");
		vx_json_bool_field(w, "page_unknown", a->pfn_unknown);
		return;
	}
	vx_json_object_field(w, "page");
	vx_json_uint_field(w, "pfn", a->pfn);
	if (!a->q->pfn && a->place.where != VX_WHERE_OUTSIDE)
		vx_json_string_field(w, "source", a->from_pages ? "pages[]" :
				     "page tables");
	vx_json_addr_field(w, "phys", a->pfn << PAGE_SHIFT);
	if (a->node_note)
		vx_json_null_field(w, "node");
	else
		vx_json_uint_field(w, "node", a->node);
	if (a->direct)
		vx_json_addr_field(w, "direct_map", a->direct);
	else
		vx_json_null_field(w, "direct_map");
	vx_json_end_object(w);
}

static void json_mappings(struct vx_json *w, struct ctx *c,
			  const struct answer *a)
{
	vx_json_array_field(w, "mapped_by");
	for (size_t i = 0; i < a->nr_maps; i++) {
		vx_json_start_object(w);
		vx_json_addr_field(w, "address", a->maps[i].va);
		vx_json_string_field(w, "window",
				     c->s->win[a->maps[i].place.win].name);
		json_place(w, c, a->maps[i].va, &a->maps[i].place);
		vx_json_end_object(w);
	}
	vx_json_end_array(w);
	vx_json_uint_field(w, "mapped_by_more", a->more_maps);
	vx_json_bool_field(w, "mapped_by_complete", !a->reverse_unknown);
}

static void json_answer(struct vx_json *w, struct ctx *c,
			const struct answer *a)
{
	vx_json_start_object(w);
	if (a->q->pfn)
		vx_json_uint_field(w, "pfn", a->q->value);
	else
		vx_json_addr_field(w, "address", a->addr);
	vx_json_string_field(w, "window", a->window);
	if (!a->q->pfn)
		json_place(w, c, a->addr, &a->place);
	if (a->place.where == VX_WHERE_HOLE)
		vx_json_bool_field(w, "modules_kaslr_prefix",
				   in_modules_prefix(c, a));
	if (a->extra)
		vx_json_string_field(w, "what", a->extra);
	json_page(w, a);
	if (a->reverse)
		json_mappings(w, c, a);
	vx_json_end_object(w);
}

/* ---- the run ------------------------------------------------------------- */

static struct vx_error *print_all(struct ctx *c, const struct vx_options *o,
				  FILE *out)
{
	struct vx_json *w = NULL;
	struct vx_error *err = NULL;
	struct answer *a = malloc(sizeof(*a));

	if (!a)
		return &vx_error_nomem;
	if (o->json) {
		w = vx_json_create(out, o->pretty);
		if (!w) {
			free(a);
			return &vx_error_nomem;
		}
		vx_json_start_object(w);
		vx_json_array_field(w, "addresses");
	}
	for (int i = 0; i < o->nr_queries; i++) {
		answer_query(c, &o->queries[i], a);
		if (w)
			json_answer(w, c, a);
		else
			text_answer(out, c, a);
		if (!w && i + 1 < o->nr_queries)
			fputc('\n', out);
	}
	if (w) {
		vx_json_end_array(w);
		vx_json_end_object(w);
		err = vx_json_destroy(w);
	}
	free(a);
	return err;
}

struct vx_error *vx_addr_run(struct vx_kernel *k, struct vx_report *r,
			     const struct vx_options *o, FILE *out)
{
	struct ctx c = { .k = k, .r = r };
	struct vx_error *err;
	size_t incomplete;
	struct vx_space s;
	struct vx_vmap m;

	err = vx_space_open(k, r, &m, &s);
	if (err)
		return err;
	c.s = &s;
	read_bases(&c);
	/* The owners are a detail of the answer: their skips are a note... */
	err = vx_owners_build_noted(k, r, &m, &c.owners, &incomplete);
	if (err)
		goto out;
	if (!o->json)
		vx_recover_caveat(k, out);
	err = print_all(&c, o, out);
	/* ...unless an owner printed is unknown: it may be one of them. */
	if (c.owner_unknown_printed)
		vx_owners_incomplete_skip(r, incomplete);
out:
	vx_owner_table_free(c.owners);
	vx_space_close(&m, &s);
	return err;
}

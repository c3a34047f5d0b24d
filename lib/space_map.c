// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --map: a picture of each window.  The ranges of the window (space.c:
 * every byte claimed by busy, lazy, purging, pooled or free, or by none)
 * are laid end to end in address order on a grid of cells, each cell
 * `unit` bytes, row after row.  Busy areas are coloured by what they hold
 * (stacks, modules, BPF, ioremap, per-cpu, vmalloc, other vmap, vm_map_ram,
 * lost to the dump's filter), the other states in their own colours.  A
 * free range longer than BREAK_MIN cells, and always the largest free
 * extent, is drawn as a break: a fixed width, marked, not to scale, so a
 * 4 KiB area stays visible beside 32 TiB of free space.  Everything else
 * is to scale: the cells of a kind are its bytes divided by the unit,
 * within one cell per range (doc/vmapx.1, MAP).
 *
 * SVG (o->map_file): one standalone file per window; each range is a
 * <rect> (split at row ends) whose <title> is its /proc/vmallocinfo line.
 * The grid is the <g id="grid"> element; its data-* attributes give its
 * geometry so that a test can count the pixels of each colour in it.
 * Without a file: a compact map on out, one character per cell.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "recover.h"
#include "space.h"

enum kind {
	K_STACK, K_MODULE, K_BPF, K_IOREMAP, K_PERCPU, K_VMALLOC, K_VMAP,
	K_VM_MAP_RAM, K_LOST, K_LAZY, K_PURGING, K_POOLED, K_FREE,
	K_UNACCOUNTED, NR_KINDS,
};

static const struct kind_info {
	const char *name;	/* data-kind and the legend's word */
	const char *what;
	uint8_t rgb[3];
	char ch;		/* the terminal map's character */
} kinds[NR_KINDS] = {
	[K_STACK] = { "stack", "task and IRQ stacks", { 0xd6, 0x27, 0x28 }, 'S' },
	[K_MODULE] = { "module", "module memory", { 0x1f, 0x5f, 0xb4 }, 'M' },
	[K_BPF] = { "bpf", "BPF programs, JIT images and maps", { 0x94, 0x67, 0xbd }, 'B' },
	[K_IOREMAP] = { "ioremap", "ioremap (device and firmware)", { 0xff, 0x7f, 0x0e }, 'I' },
	[K_PERCPU] = { "percpu", "per-cpu chunks", { 0x2c, 0xa0, 0x2c }, 'P' },
	[K_VMALLOC] = { "vmalloc", "vmalloc", { 0x17, 0xbe, 0xcf }, 'V' },
	[K_VMAP] = { "vmap", "other mappings (vmap, early vmlist)", { 0x8c, 0x56, 0x4b }, 'v' },
	[K_VM_MAP_RAM] = { "vm_map_ram", "vm_map_ram", { 0xe3, 0x77, 0xc2 }, 'R' },
	[K_LOST] = { "lost", "busy, kind not in the dump", { 0x5a, 0x5a, 0x5a }, '?' },
	[K_LAZY] = { "lazy", "lazily freed, awaiting purge", { 0xbc, 0xbd, 0x22 }, 'l' },
	[K_PURGING] = { "purging", "being purged", { 0xff, 0xbb, 0x78 }, 'p' },
	[K_POOLED] = { "pooled", "pooled for reuse", { 0x98, 0xdf, 0x8a }, 'o' },
	[K_FREE] = { "free", "free", { 0xdd, 0xe8, 0xf0 }, '.' },
	[K_UNACCOUNTED] = { "unaccounted", "claimed by no structure", { 0x00, 0x00, 0x00 }, '!' },
};

static const uint8_t break_rgb[3] = { 0xb0, 0xb0, 0xb0 };
static const uint8_t largest_rgb[3] = { 0xf2, 0xc1, 0x4e };

/* One range of the window as drawn. */
struct seg {
	const struct vx_range *r;
	uint8_t kind;
	bool brk;		/* drawn as a break */
	uint64_t p0;		/* first byte, in cell space (breaks included) */
	uint64_t c0, c1;	/* cells [c0, c1) */
};

struct layout {
	struct seg *v;
	size_t n;
	uint64_t unit;			/* bytes per cell */
	uint64_t break_cells;		/* cells of a break */
	uint64_t cells;
	uint64_t bytes[NR_KINDS];	/* drawn to scale */
	uint64_t areas[NR_KINDS];
	uint64_t breaks, break_bytes;
	const struct vx_range *largest;	/* the largest free extent */
};

/* What a busy area holds, from its caller, flags and window. */
static int busy_kind(const struct vx_space *s, enum vx_window_id w,
		     const struct vx_area *a)
{
	char name[256] = "";

	if (a->vm_lost || a->source == VX_SRC_PAGE_TABLES)
		return K_LOST;
	if (!a->vm_ptr || !a->vm_read)
		return K_VM_MAP_RAM;
	if (s->cfg.percpu_caller && a->vm.caller == s->cfg.percpu_caller)
		return K_PERCPU;
	if (a->vm.caller && s->cfg.caller_name)
		s->cfg.caller_name(s->cfg.caller_ctx, a->vm.caller, name,
				   sizeof(name));
	/* bpf_prog_pack_alloc, bpf_jit_binary_alloc, bpf_map_area_alloc... */
	if (!strncmp(name, "bpf", 3) || strstr(name, "_bpf_"))
		return K_BPF;
	if (vx_is_stack_caller(name) || !strcmp(name, "irq_init_percpu_irqstack"))
		return K_STACK;
	if (w == VX_WIN_MODULES)
		return K_MODULE;
	if (a->vm.flags & VX_VM_IOREMAP)
		return K_IOREMAP;
	if (a->vm.flags & VX_VM_ALLOC)
		return K_VMALLOC;
	return K_VMAP;
}

static int range_kind(const struct vx_space *s, enum vx_window_id w,
		      const struct vx_range *r)
{
	switch (r->state) {
	case VX_BUSY:
		return r->area ? busy_kind(s, w, r->area) : K_LOST;
	case VX_LAZY:
		return K_LAZY;
	case VX_PURGING:
		return K_PURGING;
	case VX_POOLED:
		return K_POOLED;
	case VX_FREE:
		return K_FREE;
	default:
		return K_UNACCOUNTED;
	}
}

/*
 * The usable part of a free range: what lies below the modules window's
 * KASLR'd start cannot be allocated, and --frag leaves it out of the
 * largest free extent; the map marks the same extent with the same size.
 */
static uint64_t usable_start(const struct vx_window *w, const struct vx_range *r)
{
	return r->start > w->fit_start ? r->start : w->fit_start;
}

static uint64_t usable_size(const struct vx_window *w, const struct vx_range *r)
{
	uint64_t lo = usable_start(w, r);

	return lo < r->end ? r->end - lo : 0;
}

static const struct vx_range *largest_free(const struct vx_window *w)
{
	const struct vx_range *best = NULL;

	for (size_t i = 0; i < w->ranges.n; i++) {
		const struct vx_range *r = &w->ranges.v[i];

		if (r->state == VX_FREE && usable_size(w, r) &&
		    (!best || usable_size(w, r) > usable_size(w, best)))
			best = r;
	}
	return best;
}

static bool is_break(const struct layout *l, const struct vx_range *r,
		     uint64_t break_min)
{
	return r == l->largest ||
	       (r->state == VX_FREE && r->end - r->start > break_min * l->unit);
}

/* Lay the ranges out at l->unit; l->v has room for every range. */
static void place(const struct vx_space *s, enum vx_window_id id,
		  struct layout *l, uint64_t break_min)
{
	const struct vx_window *w = &s->win[id];
	uint64_t pos = 0, breaks = 0;

	memset(l->bytes, 0, sizeof(l->bytes));
	memset(l->areas, 0, sizeof(l->areas));
	l->breaks = l->break_bytes = 0;
	l->n = 0;
	for (size_t i = 0; i < w->ranges.n; i++) {
		const struct vx_range *r = &w->ranges.v[i];
		struct seg *g = &l->v[l->n++];
		uint64_t bytes = r->end - r->start;

		g->r = r;
		g->kind = range_kind(s, id, r);
		g->brk = is_break(l, r, break_min);
		g->p0 = pos + breaks * l->break_cells * l->unit;
		g->c0 = g->p0 / l->unit;
		if (g->brk) {
			breaks++;
			l->breaks++;
			l->break_bytes += bytes;
		} else {
			pos += bytes;
			l->bytes[g->kind] += bytes;
			l->areas[g->kind]++;
		}
		g->c1 = (pos + breaks * l->break_cells * l->unit) / l->unit;
	}
	l->cells = l->n ? l->v[l->n - 1].c1 : 0;
	/* a last partial cell still shows */
	if (pos % l->unit)
		l->cells++;
}

/*
 * The smallest unit (a page or a power of two of pages) that fits the
 * window in max_cells cells.
 */
static struct vx_error *lay_out(const struct vx_space *s, enum vx_window_id id,
				uint64_t break_cells, uint64_t break_min,
				uint64_t max_cells, struct layout *l)
{
	const struct vx_window *w = &s->win[id];

	memset(l, 0, sizeof(*l));
	l->v = calloc(w->ranges.n ? w->ranges.n : 1, sizeof(*l->v));
	if (!l->v)
		return &vx_error_nomem;
	l->largest = largest_free(w);
	l->break_cells = break_cells;
	for (l->unit = VX_PAGE_SIZE; ; l->unit *= 2) {
		place(s, id, l, break_min);
		if (l->cells <= max_cells || l->unit >= 1ULL << 62)
			break;
	}
	return NULL;
}

static void layout_free(struct layout *l)
{
	free(l->v);
	l->v = NULL;
}

/* ---- SVG ------------------------------------------------------------- */

#define SVG_ROW_PX	1024
#define SVG_MARGIN	16
#define SVG_HEAD	64
#define SVG_BREAK_PX	24
#define SVG_MAX_CELLS	(1u << 19)
#define SVG_BREAK_MIN	64	/* cells: a longer free range is a break */

struct svg {
	FILE *f;
	struct vx_kernel *k;
	struct vx_report *r;
	enum vx_kptr kptr;
	const struct vx_space *s;
	const struct vx_window *w;
	struct layout l;
	unsigned int cw, rh, gap;	/* cell width, row height, row gap */
	uint64_t row_cells, rows;
	unsigned int width, height, grid_y;
};

static void put_xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '&')
			fputs("&amp;", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c < 0x20 || c >= 0x7f)
			fputc('?', f);	/* names are ASCII; never break the XML */
		else
			fputc(c, f);
	}
}

static void put_rgb(FILE *f, const uint8_t rgb[3])
{
	fprintf(f, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

/* The title of a range: its vmallocinfo line, or what claims it. */
static void put_title(struct svg *v, const struct seg *g)
{
	const struct vx_range *r = g->r;
	char *line = NULL, h[32];
	struct vx_error *err = NULL;

	fputs("<title>", v->f);
	if (r->area && (r->state == VX_BUSY || r->state == VX_LAZY))
		err = vx_format_area(v->k, v->r, r->area, v->kptr, &line);
	vx_error_destroy(err);
	if (line) {
		put_xml(v->f, line);
		free(line);
	} else {
		fprintf(v->f, "%s 0x%016" PRIx64 "-0x%016" PRIx64 " %" PRIu64 " bytes (%s)",
			vx_state_name(r->state), r->start, r->end,
			r->end - r->start, vx_human_bytes(r->end - r->start, h, sizeof(h)));
		if (r->state == VX_NR_STATES) {
			fputs(": ", v->f);
			put_xml(v->f, vx_space_unaccounted_reason(v->s));
		}
	}
	if (g->brk)
		fputs(r == v->l.largest ? "; the largest free extent, drawn as a break (not to scale)" :
					  "; drawn as a break (not to scale)", v->f);
	fputs("</title>", v->f);
}

/* Cells [c0, c1) as rects, split at row ends. */
static void put_cells(struct svg *v, uint64_t c0, uint64_t c1,
		      const uint8_t rgb[3])
{
	while (c0 < c1) {
		uint64_t row = c0 / v->row_cells, col = c0 % v->row_cells;
		uint64_t n = c1 - c0 < v->row_cells - col ? c1 - c0 : v->row_cells - col;

		fprintf(v->f, "<rect x=\"%" PRIu64 "\" y=\"%" PRIu64 "\" width=\"%" PRIu64
			"\" height=\"%u\" fill=\"", SVG_MARGIN + col * v->cw,
			v->grid_y + row * (v->rh + v->gap), n * v->cw, v->rh);
		put_rgb(v->f, rgb);
		fputs("\"/>", v->f);
		c0 += n;
	}
}

static void put_seg(struct svg *v, const struct seg *g)
{
	const uint8_t *rgb = g->brk ? (g->r == v->l.largest ? largest_rgb : break_rgb) :
			     kinds[g->kind].rgb;
	uint64_t c0 = g->c0, c1 = g->brk ? g->c0 + v->l.break_cells : g->c1;

	if (c0 >= c1)
		return;		/* smaller than a cell at this unit */
	fprintf(v->f, "<g data-state=\"%s\" data-kind=\"%s\" data-bytes=\"%" PRIu64 "\"%s>",
		vx_state_name(g->r->state), g->brk ? "break" : kinds[g->kind].name,
		g->r->end - g->r->start, g->brk ? " class=\"break\"" : "");
	put_title(v, g);
	put_cells(v, c0, c1, rgb);
	if (g->brk && c0 % v->row_cells + (c1 - c0) <= v->row_cells) {
		/* the break mark: two white cuts through it (white: not a kind) */
		uint64_t x = SVG_MARGIN + (c0 % v->row_cells) * v->cw +
			     (c1 - c0) * v->cw / 2;
		uint64_t y = v->grid_y + c0 / v->row_cells * (v->rh + v->gap);

		fprintf(v->f, "<rect x=\"%" PRIu64 "\" y=\"%" PRIu64 "\" width=\"1\" height=\"%u\" fill=\"#ffffff\"/>"
			"<rect x=\"%" PRIu64 "\" y=\"%" PRIu64 "\" width=\"1\" height=\"%u\" fill=\"#ffffff\"/>",
			x - 2, y, v->rh, x + 1, y, v->rh);
	}
	fputs("</g>\n", v->f);
}

static void svg_geometry(struct svg *v)
{
	unsigned int legend_rows = (NR_KINDS + 2) / 3 + 1;

	v->row_cells = SVG_ROW_PX / v->cw;
	v->rows = (v->l.cells + v->row_cells - 1) / v->row_cells;
	if (!v->rows)
		v->rows = 1;
	v->rh = v->rows > 640 / 2 ? 2 : 640 / v->rows > 24 ? 24 : 640 / v->rows;
	v->gap = v->rows <= 64 ? 4 : 1;
	v->grid_y = SVG_HEAD;
	v->width = SVG_ROW_PX + 2 * SVG_MARGIN;
	v->height = v->grid_y + v->rows * (v->rh + v->gap) + 40 +
		    legend_rows * 20 + SVG_MARGIN;
}

static void svg_head(struct svg *v)
{
	const struct vx_window *w = v->w;
	char a[32], b[32], c[32];

	fprintf(v->f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
		"viewBox=\"0 0 %u %u\" shape-rendering=\"crispEdges\" "
		"font-family=\"DejaVu Sans, sans-serif\" font-size=\"12\">\n",
		v->width, v->height, v->width, v->height);
	fprintf(v->f, "<title>vmapx: the %s window 0x%016" PRIx64 "-0x%016" PRIx64 " of %s</title>\n",
		w->name, w->start, w->end - 1, v->k->t->name);
	fprintf(v->f, "<rect width=\"%u\" height=\"%u\" fill=\"#ffffff\"/>\n",
		v->width, v->height);
	fprintf(v->f, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s window "
		"0x%016" PRIx64 "-0x%016" PRIx64 " (%s): %" PRIu64 " busy areas, %s busy, %s free</text>\n",
		SVG_MARGIN, w->name, w->start, w->end - 1,
		vx_human_bytes(w->end - w->start, a, sizeof(a)), w->busy_areas,
		vx_human_bytes(w->bytes[VX_BUSY], b, sizeof(b)),
		vx_human_bytes(w->bytes[VX_FREE], c, sizeof(c)));
	fprintf(v->f, "<text x=\"%d\" y=\"42\">scale: %u px = %s, a row = %s; ",
		SVG_MARGIN, v->cw, vx_human_bytes(v->l.unit, a, sizeof(a)),
		vx_human_bytes(v->l.unit * v->row_cells, b, sizeof(b)));
	fprintf(v->f, "grey with white cuts: a free stretch over %s drawn %u px wide, not to scale "
		"(%" PRIu64 " breaks, %s)</text>\n",
		vx_human_bytes(SVG_BREAK_MIN * v->l.unit, a, sizeof(a)),
		(unsigned int)(v->l.break_cells * v->cw), v->l.breaks,
		vx_human_bytes(v->l.break_bytes, b, sizeof(b)));
}

static void svg_largest(struct svg *v, unsigned int y)
{
	const struct vx_range *r = v->l.largest;
	uint64_t row = 0, size, lo;
	char h[32];

	if (!r)
		return;
	size = usable_size(v->w, r);
	lo = usable_start(v->w, r);
	for (size_t i = 0; i < v->l.n; i++)
		if (v->l.v[i].r == r)
			row = v->l.v[i].c0 / v->row_cells;
	fprintf(v->f, "<g id=\"largest\" data-bytes=\"%" PRIu64 "\"><rect x=\"%d\" y=\"%u\" "
		"width=\"12\" height=\"12\" fill=\"", size, SVG_MARGIN, y - 10);
	put_rgb(v->f, largest_rgb);
	fprintf(v->f, "\"/><text x=\"%d\" y=\"%u\">largest free extent: %s (%" PRIu64
		" bytes) at 0x%016" PRIx64 "-0x%016" PRIx64 ", row %" PRIu64 "</text></g>\n",
		SVG_MARGIN + 18, y, vx_human_bytes(size, h, sizeof(h)),
		size, lo, r->end - 1, row + 1);
}

static void svg_legend(struct svg *v, unsigned int y)
{
	char h[32];

	fprintf(v->f, "<g id=\"legend\">\n");
	for (int k = 0; k < NR_KINDS; k++) {
		unsigned int x = SVG_MARGIN + (k % 3) * 340;
		unsigned int yy = y + (k / 3) * 20;

		fprintf(v->f, "<rect x=\"%u\" y=\"%u\" width=\"12\" height=\"12\" fill=\"", x, yy - 10);
		put_rgb(v->f, kinds[k].rgb);
		fprintf(v->f, "\" stroke=\"#000000\" stroke-width=\"0.5\"/><text x=\"%u\" y=\"%u\">%s: %s",
			x + 18, yy, kinds[k].name, vx_human_bytes(v->l.bytes[k], h, sizeof(h)));
		if (k == K_FREE && v->l.break_bytes)
			fprintf(v->f, " + %s in breaks",
				vx_human_bytes(v->l.break_bytes, h, sizeof(h)));
		else if (k < K_LAZY)
			fprintf(v->f, " in %" PRIu64, v->l.areas[k]);
		fputs("</text>\n", v->f);
	}
	fprintf(v->f, "</g>\n");
}

static struct vx_error *svg_window(struct svg *v, const char *path)
{
	uint64_t cells;
	unsigned int y;

	v->cw = 1;
	if (lay_out(v->s, v->w - v->s->win, SVG_BREAK_PX, SVG_BREAK_MIN,
		    SVG_MAX_CELLS, &v->l))
		return &vx_error_nomem;
	/* Few cells: wider ones (and narrower breaks) keep 4 KiB visible. */
	cells = v->l.cells;
	if (cells * 4 <= SVG_ROW_PX * 8 || cells * 2 <= SVG_ROW_PX * 16) {
		v->cw = cells * 4 <= SVG_ROW_PX * 8 ? 4 : 2;
		layout_free(&v->l);
		if (lay_out(v->s, v->w - v->s->win, SVG_BREAK_PX / v->cw,
			    SVG_BREAK_MIN, SVG_MAX_CELLS, &v->l))
			return &vx_error_nomem;
	}
	svg_geometry(v);
	v->f = fopen(path, "w");
	if (!v->f) {
		layout_free(&v->l);
		return vx_error_create(VX_ERR_IO, "%s: %m", path);
	}
	svg_head(v);
	fprintf(v->f, "<g id=\"grid\" data-x=\"%d\" data-y=\"%u\" data-width=\"%u\" "
		"data-height=\"%" PRIu64 "\" data-cell-width=\"%u\" data-row-height=\"%u\" "
		"data-row-gap=\"%u\" data-row-cells=\"%" PRIu64 "\" data-unit=\"%" PRIu64 "\" "
		"data-break-cells=\"%" PRIu64 "\">\n",
		SVG_MARGIN, v->grid_y, SVG_ROW_PX, v->rows * (v->rh + v->gap),
		v->cw, v->rh, v->gap, v->row_cells, v->l.unit, v->l.break_cells);
	for (size_t i = 0; i < v->l.n; i++)
		put_seg(v, &v->l.v[i]);
	fputs("</g>\n", v->f);
	y = v->grid_y + v->rows * (v->rh + v->gap) + 20;
	svg_largest(v, y);
	svg_legend(v, y + 30);
	fputs("</svg>\n", v->f);
	layout_free(&v->l);
	if (fclose(v->f))
		return vx_error_create(VX_ERR_IO, "%s: write error", path);
	return NULL;
}

/* FILE.svg -> FILE-vmalloc.svg */
static char *window_path(const char *file, const char *name)
{
	size_t n = strlen(file);
	char *p;

	if (n > 4 && !strcmp(file + n - 4, ".svg"))
		n -= 4;
	if (asprintf(&p, "%.*s-%s.svg", (int)n, file, name) < 0)
		return NULL;
	return p;
}

static struct vx_error *map_svg(struct vx_kernel *k, struct vx_report *r,
				const struct vx_options *o,
				const struct vx_space *s, FILE *out)
{
	struct vx_error *err = NULL;
	char h[32];

	for (int i = 0; i < VX_NR_WINDOWS && !err; i++) {
		struct svg v = { .k = k, .r = r, .kptr = o->kptr, .s = s,
				 .w = &s->win[i] };
		char *path = window_path(o->map_file, s->win[i].name);

		if (!path)
			return &vx_error_nomem;
		err = svg_window(&v, path);
		if (!err)
			fprintf(out, "%s window: %s (%ux%u px, %u px = %s, %" PRIu64 " breaks)\n",
				s->win[i].name, path, v.width, v.height, v.cw,
				vx_human_bytes(v.l.unit, h, sizeof(h)), v.l.breaks);
		free(path);
	}
	return err;
}

/* ---- the terminal ---------------------------------------------------- */

#define TERM_COLS	64
#define TERM_ROWS	16
#define TERM_BREAK	2
#define TERM_BREAK_MIN	8

struct term_cell {
	uint64_t bytes[NR_KINDS];
	uint64_t addr;		/* the first address drawn in it */
	char brk;		/* '~' a break, '#' the largest free extent */
	bool used;
};

static void term_fill(const struct layout *l, struct term_cell *c)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct seg *g = &l->v[i];
		uint64_t pos = g->p0;

		if (g->brk) {
			for (uint64_t j = g->c0; j < g->c0 + l->break_cells; j++) {
				c[j].brk = g->r == l->largest ? '#' : '~';
				if (!c[j].used)
					c[j].addr = g->r->start;
				c[j].used = true;
			}
			continue;
		}
		for (uint64_t j = g->c0; j <= g->c1 && j < l->cells; j++) {
			uint64_t lo = j * l->unit > pos ? j * l->unit : pos;
			uint64_t end = pos + (g->r->end - g->r->start);
			uint64_t hi = (j + 1) * l->unit < end ? (j + 1) * l->unit : end;

			if (hi <= lo)
				continue;
			c[j].bytes[g->kind] += hi - lo;
			if (!c[j].used)
				c[j].addr = g->r->start + (lo - pos);
			c[j].used = true;
		}
	}
}

static int term_kind(const struct term_cell *c)
{
	int best = K_FREE;

	for (int k = 0; k < NR_KINDS; k++)
		if (c->bytes[k] > c->bytes[best])
			best = k;
	return best;
}

static void term_char(FILE *out, const struct term_cell *c, bool colour)
{
	int k = term_kind(c);
	const uint8_t *rgb = c->brk == '#' ? largest_rgb :
			     c->brk ? break_rgb : kinds[k].rgb;
	char ch = c->brk ? c->brk : kinds[k].ch;

	if (!colour || (k == K_FREE && !c->brk)) {
		fputc(ch, out);
		return;
	}
	fprintf(out, "\033[48;2;%u;%u;%um\033[38;2;0;0;0m%c\033[0m",
		rgb[0], rgb[1], rgb[2], ch);
}

static void term_legend(FILE *out, const struct layout *l, bool colour)
{
	char h[32];
	int n = 0;

	for (int k = 0; k < NR_KINDS; k++) {
		struct term_cell c = { .bytes = { 0 } };

		if (!l->bytes[k])
			continue;
		c.bytes[k] = 1;
		fputs(n++ % 4 ? "   " : "\n  ", out);
		term_char(out, &c, colour);
		fprintf(out, " %s %s", kinds[k].name,
			vx_human_bytes(l->bytes[k], h, sizeof(h)));
	}
	fputc('\n', out);
}

static struct vx_error *term_window(const struct vx_space *s, int id,
				    bool colour, FILE *out)
{
	const struct vx_window *w = &s->win[id];
	struct term_cell *c;
	struct layout l;
	char a[32], b[32];

	if (lay_out(s, id, TERM_BREAK, TERM_BREAK_MIN, TERM_COLS * TERM_ROWS, &l))
		return &vx_error_nomem;
	c = calloc(l.cells + TERM_BREAK + 1, sizeof(*c));
	if (!c) {
		layout_free(&l);
		return &vx_error_nomem;
	}
	term_fill(&l, c);
	fprintf(out, "%s window 0x%016" PRIx64 "-0x%016" PRIx64 " (%s): 1 char = %s; ~~ free, not to scale",
		w->name, w->start, w->end - 1,
		vx_human_bytes(w->end - w->start, a, sizeof(a)),
		vx_human_bytes(l.unit, b, sizeof(b)));
	if (l.largest)
		fprintf(out, "; ## the largest free extent, %s",
			vx_human_bytes(usable_size(w, l.largest), a, sizeof(a)));
	for (uint64_t i = 0; i < l.cells; i++) {
		if (i % TERM_COLS == 0)
			fprintf(out, "\n0x%016" PRIx64 " ", c[i].addr);
		term_char(out, &c[i], colour);
	}
	term_legend(out, &l, colour);
	free(c);
	layout_free(&l);
	return NULL;
}

struct vx_error *vx_map_term(const struct vx_space *s, bool colour, FILE *out)
{
	struct vx_error *err = NULL;

	for (int i = 0; i < VX_NR_WINDOWS && !err; i++) {
		err = term_window(s, i, colour, out);
		if (!err && i + 1 < VX_NR_WINDOWS)
			fputc('\n', out);
	}
	return err;
}

struct vx_error *vx_map_run(struct vx_kernel *k, struct vx_report *r,
			    const struct vx_options *o, FILE *out)
{
	struct vx_error *err;
	struct vx_space s;
	struct vx_vmap m;

	if (o->json)
		return vx_error_create(VX_ERR_USAGE,
				       "--map draws a picture: -j does not apply");
	err = vx_space_open(k, r, &m, &s);
	if (err)
		return err;
	vx_recover_caveat(k, out);
	if (o->map_file) {
		err = map_svg(k, r, o, &s, out);
	} else {
		const char *no_colour = getenv("NO_COLOR");

		err = vx_map_term(&s, isatty(fileno(out)) &&
				  !(no_colour && *no_colour), out);
	}
	vx_space_close(&m, &s);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vmallocinfo formatter: s_show()/vmalloc_info_show() and
 * show_purge_info() of each kernel generation (doc/kernel.md §2).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "json.h"
#include "recover.h"
#include "siphash.h"

#define GOLDEN_RATIO_64 0x61C8864680B583EBULL

void vx_format_kptr(const struct vx_kernel *k, enum vx_kptr mode, uint64_t ptr,
		    char buf[17])
{
	uint64_t shown = ptr;

	switch (mode) {
	case VX_KPTR_ZERO:
		shown = 0;
		break;
	case VX_KPTR_HASH:
		/* NULL and error pointers are printed as they are. */
		if (!ptr || ptr >= (uint64_t)-4095 || k->no_hash_pointers)
			break;
		if (k->weak_hash)
			shown = (ptr * GOLDEN_RATIO_64) >> 32;
		else
			shown = vx_siphash_1u64(ptr, k->ptr_key) & 0xffffffff;
		break;
	case VX_KPTR_RAW:
		break;
	}
	snprintf(buf, 17, "%016" PRIx64, shown);
}

static void print_range(const struct vx_kernel *k, enum vx_kptr mode,
			uint64_t start, uint64_t end, FILE *out)
{
	char a[17], b[17];

	vx_format_kptr(k, mode, start, a);
	vx_format_kptr(k, mode, end, b);
	/* %7ld of an unsigned long difference. */
	fprintf(out, "0x%s-0x%s %7ld", a, b, (long)(end - start));
}

/*
 * Node counts into counts: 0 known, 1 unknown because the dump's filter
 * left pages[] out (and the page tables do not have them), -1 another
 * error (recorded as a skip, the counts are left out as before).
 */
static int numa_counts(struct vx_kernel *k, struct vx_report *r,
		       const struct vx_area *a, uint32_t *counts)
{
	struct vx_error *err;

	err = vx_numa_counts(k, &a->vm, counts);
	/* pages[] left out by the dump's filter: the same frames from the page tables. */
	if (err && vx_excluded(k->t, err->address) == 1) {
		vx_error_destroy(err);
		err = vx_recover_numa_counts(k, &a->vm, counts);
		vx_error_destroy(err);
		return err ? 1 : 0;
	}
	if (err && k->t->live) {
		/* A running kernel freed the area since the walk: no torn line. */
		vx_report_skip(r, "live kernel: area 0x%lx left out, freed while it was printed (%s)",
			       (unsigned long)a->vm.addr, err->message);
		vx_error_destroy(err);
		return -1;
	}
	if (err) {
		vx_report_skip(r, "node counts of 0x%lx: %s",
			       (unsigned long)a->vm.addr, err->message);
		vx_error_destroy(err);
		return -1;
	}
	return 0;
}

/* Node counts are printed when the kernel has NUMA and set the area up. */
static bool numa_printed(const struct vx_kernel *k, const struct vx_area *a)
{
	/* 5.10-6.8 print uninitialized areas, but never their nodes. */
	return k->numa && !(a->vm.flags & VX_VM_UNINITIALIZED);
}

/* known: numa_counts()'s answer for a, taken before the line was begun. */
static void print_numa(struct vx_kernel *k, int known, uint32_t *counts,
		       FILE *out)
{
	if (known == 1)
		fputs(" [N<n>= unknown: pages[] not in dump]", out);
	if (known)
		return;
	for (uint32_t nid = 0; nid < k->nr_node_ids; nid++) {
		bool printed = k->high_memory_nodes[nid / 64] >> (nid % 64) & 1;

		if (printed && counts[nid])
			fprintf(out, " N%u=%u", nid, counts[nid]);
	}
}

/* With only_known_lines: does the line of a carry an unknown marker? */
static bool line_unknown(struct vx_kernel *k, const struct vx_area *a,
			 uint32_t *counts)
{
	struct vx_error *err;

	if (a->vm_lost || a->source == VX_SRC_PAGE_TABLES)
		return true;
	if (!a->vm_read || !k->numa || (a->vm.flags & VX_VM_UNINITIALIZED))
		return false;
	err = vx_numa_counts(k, &a->vm, counts);
	if (!err || vx_excluded(k->t, err->address) != 1) {
		vx_error_destroy(err);
		return false;
	}
	vx_error_destroy(err);
	err = vx_recover_numa_counts(k, &a->vm, counts);
	vx_error_destroy(err);
	return err != NULL;
}

static void print_vm_line(struct vx_kernel *k, struct vx_report *r,
			  const struct vx_area *a, enum vx_kptr mode,
			  uint32_t *counts, FILE *out)
{
	const struct vx_vm *v = &a->vm;
	uint64_t words = v->flags & ~(uint64_t)VX_VM_VPAGES;
	char sym[1024];
	int known = numa_printed(k, a) ? numa_counts(k, r, a, counts) : 2;

	/* Live: pages[] gone since the walk; the whole line is left out. */
	if (known < 0 && k->t->live)
		return;
	print_range(k, mode, v->addr, v->addr + v->size, out);
	if (v->caller)
		fprintf(out, " %s", vx_symbolize(k, v->caller, sym, sizeof(sym)));
	if (v->nr_pages) {
		if (k->l.vm_nr_pages_size == 8)
			fprintf(out, " pages=%" PRIu64, v->nr_pages);
		else
			fprintf(out, " pages=%d", (int)v->nr_pages);
	}
	if (v->phys_addr)
		fprintf(out, " phys=0x%016" PRIx64, v->phys_addr);
	/* VM_SPARSE exists only with the per-node layout (6.9+). */
	if (!k->has_nodes)
		words &= ~(uint64_t)VX_VM_SPARSE;
	if (vx_is_vmalloc_addr(k, v->pages))
		words |= VX_VM_VPAGES;
	for (size_t i = 0; i < VX_NR_VM_WORDS; i++)
		if (words & vx_vm_words[i].flag)
			fprintf(out, " %s", vx_vm_words[i].word);
	print_numa(k, known, counts, out);
	fputc('\n', out);
}

/*
 * A busy range rebuilt from the page tables: its range, the pages
 * mapped there and their nodes, and nothing the vm_struct would say.
 */
static void print_pt_line(struct vx_kernel *k, const struct vx_area *a,
			  enum vx_kptr mode, uint32_t *counts, FILE *out)
{
	struct vx_error *err = NULL;

	print_range(k, mode, a->start, a->end, out);
	fprintf(out, " [vmap_area not in dump: from the page tables, %lu page%s mapped",
		(unsigned long)a->vm.nr_pages, a->vm.nr_pages == 1 ? "" : "s");
	if (k->numa)
		err = vx_pt_count_nodes(k, a->start, a->start +
					a->vm.nr_pages * VX_PAGE_SIZE, counts);
	for (uint32_t nid = 0; k->numa && !err && nid < k->nr_node_ids; nid++)
		if (counts[nid])
			fprintf(out, " N%u=%u", nid, counts[nid]);
	vx_error_destroy(err);
	fputs("; caller, flags, pages= unknown]\n", out);
}

/*
 * One busy area.  Returns false when the 5.10 early return for a
 * vm-less area means no unpurged lines may follow it.
 */
static bool print_busy(struct vx_kernel *k, struct vx_report *r,
		       const struct vx_area *a, enum vx_kptr mode,
		       uint32_t *counts, FILE *out)
{
	if (k->only_known_lines && line_unknown(k, a, counts))
		return true;
	if (a->source == VX_SRC_PAGE_TABLES) {
		print_pt_line(k, a, mode, counts, out);
		return true;
	}
	if (!a->vm_ptr) {
		/* 6.3+: only areas marked VMAP_RAM are vm_map_ram. */
		if (k->l.va_flags == VX_ABSENT || (a->va_flags & VX_VMAP_RAM)) {
			print_range(k, mode, a->start, a->end, out);
			fputs(" vm_map_ram\n", out);
		}
		return !k->lazy_llist;
	}
	if (a->vm_lost) {
		/* Only va survived: its range, and no guess at the rest. */
		print_range(k, mode, a->start, a->end, out);
		fputs(" [vm_struct not in dump: caller, pages, flags unknown]\n",
		      out);
		return true;
	}
	if (!a->vm_read)
		return true;	/* already listed as a skip */
	/* 6.9+ hide areas still being set up. */
	if (k->has_nodes && (a->vm.flags & VX_VM_UNINITIALIZED))
		return true;
	print_vm_line(k, r, a, mode, counts, out);
	return true;
}

struct vx_error *vx_print_vmallocinfo(struct vx_kernel *k,
				      struct vx_report *r,
				      const struct vx_vmap *m,
				      enum vx_kptr mode, FILE *out)
{
	const struct vx_area_list *busy = &m->lists[VX_BUSY];
	const struct vx_area_list *lazy = &m->lists[VX_LAZY];
	bool purge_info = true;
	uint32_t *counts;

	counts = calloc(k->nr_node_ids ? k->nr_node_ids : 1, sizeof(*counts));
	if (!counts)
		return &vx_error_nomem;
	for (size_t i = 0; i < busy->n; i++)
		purge_info = print_busy(k, r, &busy->v[i], mode, counts, out);
	/*
	 * Before 6.9 the unpurged lines follow the last busy area (and
	 * 5.10 skips them after a vm-less one); 6.9+ always prints them.
	 */
	if (!k->has_nodes && !busy->n)
		purge_info = false;
	for (size_t i = 0; purge_info && i < lazy->n; i++) {
		print_range(k, mode, lazy->v[i].start, lazy->v[i].end, out);
		fputs(" unpurged vm_area\n", out);
	}
	free(counts);
	return NULL;
}

static const char *const state_names[] = {
	[VX_BUSY] = "busy", [VX_LAZY] = "lazy",
};

/* One printed line (text of len bytes, its newline included) as an object. */
static void json_line(const struct vx_kernel *k, enum vx_kptr mode,
		      struct vx_json *w, const struct vx_area *a,
		      const char *text, size_t len)
{
	char start[17], end[17], hex[20];

	/* The range as the line shows it: hashed with --kptr=hash. */
	vx_format_kptr(k, mode, a->start, start);
	vx_format_kptr(k, mode, a->end, end);
	vx_json_start_object(w);
	vx_json_name(w, "line");
	vx_json_string_len(w, text, len - 1);
	snprintf(hex, sizeof(hex), "0x%s", start);
	vx_json_string_field(w, "start", hex);
	snprintf(hex, sizeof(hex), "0x%s", end);
	vx_json_string_field(w, "end", hex);
	vx_json_string_field(w, "state", state_names[a->state]);
	if (a->node >= 0)
		vx_json_int_field(w, "node", a->node);
	else
		vx_json_null_field(w, "node");
	vx_json_string_field(w, "source", vx_source_name(a->source));
	/* Every marker of a field the dump lost says " not in dump". */
	vx_json_bool_field(w, "complete", !strstr(text, " not in dump"));
	vx_json_end_object(w);
}

/*
 * Print one area's line into a buffer (busy: print_busy(), whose return
 * value is kept in *more; lazy: the unpurged line) and emit it.
 */
static struct vx_error *json_area(struct vx_kernel *k, struct vx_report *r,
				  const struct vx_area *a, enum vx_kptr mode,
				  uint32_t *counts, struct vx_json *w, bool *more)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return &vx_error_nomem;
	if (a->state == VX_BUSY) {
		*more = print_busy(k, r, a, mode, counts, f);
	} else {
		print_range(k, mode, a->start, a->end, f);
		fputs(" unpurged vm_area\n", f);
	}
	if (fclose(f)) {
		free(text);
		return &vx_error_nomem;
	}
	if (len)
		json_line(k, mode, w, a, text, len);
	free(text);
	return NULL;
}

struct vx_error *vx_format_area(struct vx_kernel *k, struct vx_report *r,
				const struct vx_area *a, enum vx_kptr mode,
				char **line)
{
	uint32_t *counts = calloc(k->nr_node_ids ? k->nr_node_ids : 1,
				  sizeof(*counts));
	char *text = NULL;
	size_t len = 0;
	bool more;
	FILE *f;

	*line = NULL;
	if (!counts)
		return &vx_error_nomem;
	f = open_memstream(&text, &len);
	if (!f) {
		free(counts);
		return &vx_error_nomem;
	}
	if (a->state == VX_BUSY) {
		more = print_busy(k, r, a, mode, counts, f);
		(void)more;
	} else {
		print_range(k, mode, a->start, a->end, f);
		fputs(" unpurged vm_area\n", f);
	}
	free(counts);
	if (fclose(f)) {
		free(text);
		return &vx_error_nomem;
	}
	if (len && text[len - 1] == '\n')
		text[len - 1] = '\0';
	if (len)
		*line = text;
	else
		free(text);
	return NULL;
}

struct vx_error *vx_print_vmallocinfo_json(struct vx_kernel *k,
					   struct vx_report *r,
					   const struct vx_vmap *m,
					   enum vx_kptr mode, struct vx_json *w)
{
	const struct vx_area_list *busy = &m->lists[VX_BUSY];
	const struct vx_area_list *lazy = &m->lists[VX_LAZY];
	struct vx_error *err = NULL;
	bool purge_info = true;
	uint32_t *counts;

	counts = calloc(k->nr_node_ids ? k->nr_node_ids : 1, sizeof(*counts));
	if (!counts)
		return &vx_error_nomem;
	vx_json_start_array(w);
	for (size_t i = 0; !err && i < busy->n; i++)
		err = json_area(k, r, &busy->v[i], mode, counts, w,
				&purge_info);
	/* The text's rules for the unpurged lines (vx_print_vmallocinfo()). */
	if (!k->has_nodes && !busy->n)
		purge_info = false;
	for (size_t i = 0; !err && purge_info && i < lazy->n; i++)
		err = json_area(k, r, &lazy->v[i], mode, counts, w,
				&purge_info);
	vx_json_end_array(w);
	free(counts);
	return err;
}

const char *vx_printable(const char *s, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (; s && *s; s++) {	/* NULL: nothing, as for an empty string */
		unsigned char c = *s;
		bool plain = c >= 0x20 && c < 0x7f;

		if (n + (plain ? 1 : 4) >= size)
			break;
		if (plain) {
			buf[n++] = c;
			continue;
		}
		buf[n++] = '\\';
		buf[n++] = 'x';
		buf[n++] = hex[c >> 4];
		buf[n++] = hex[c & 15];
	}
	buf[n] = '\0';
	return buf;
}

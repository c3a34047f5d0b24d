// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --callers: busy areas grouped by caller function and by module.  The
 * explanations answer "why is this caller here so many times" from what
 * the function allocates for (doc/kernel.md §3, and the callers that
 * appear in the dumps of dumps/out on 5.10, 6.1, 6.12 and 7.2).
 */
#include <stdlib.h>
#include <string.h>

#include "callers.h"
#include "format.h"
#include "json.h"
#include "owners.h"
#include "recover.h"
#include "sort.h"

struct explanation {
	const char *prefix;	/* the caller name starts with it */
	const char *why;
};

static const struct explanation explanations[] = {
	{ "kernel_clone", "one 16 KiB thread stack (+guard) per task: fork/clone with VMAP_STACK" },
	{ "copy_process", "one 16 KiB thread stack (+guard) per task: fork/clone with VMAP_STACK" },
	{ "dup_task_struct", "one 16 KiB thread stack (+guard) per task: fork/clone with VMAP_STACK" },
	{ "alloc_thread_stack_node", "one 16 KiB thread stack (+guard) per task: fork/clone with VMAP_STACK" },
	{ "_do_fork", "one 16 KiB thread stack (+guard) per task: fork/clone with VMAP_STACK" },
	{ "fork_idle", "one stack per CPU's idle task, made at boot" },
	{ "irq_init_percpu_irqstack", "one IRQ stack per CPU, vmap'd at CPU bring-up" },
	{ "n_tty_open", "one read buffer (struct n_tty_data) per open tty with the N_TTY line discipline" },
	{ "tty_buffer", "tty flip buffers, per open tty" },
	{ "bpf_prog_alloc", "one per loaded BPF program (the struct bpf_prog image before JIT)" },
	{ "bpf_prog_pack_alloc", "one 2 MiB pack shared by many JITed BPF programs (and BPF trampolines)" },
	{ "bpf_jit_binary_alloc", "one JIT image per BPF program too large for a pack" },
	{ "bpf_jit", "one JIT image per BPF program" },
	{ "load_module", "the memory of loaded modules: one area per module and memory type" },
	{ "module_alloc", "module memory, one per module section group" },
	{ "execmem_alloc_rw", "module data (execmem, writable), one per module memory type" },
	{ "execmem_alloc", "module/BPF/kprobe memory from execmem; a 2 MiB area with pages=512 is the ROX cache shared by many modules' text (7.x)" },
	{ "pcpu_get_vm_areas", "a dynamic per-cpu chunk (one area per NUMA group), carved top-down" },
	{ "pcpu_create_chunk", "the bookkeeping arrays of a dynamic per-cpu chunk, one set per chunk" },
	{ "pcpu_populate_chunk", "page arrays while populating a per-cpu chunk" },
	{ "pcpu_mem_zalloc", "per-cpu allocator bookkeeping" },
	{ "acpi_os_map_iomem", "ACPI tables and registers mapped with ioremap, one per mapping" },
	{ "acpi_os_map_memory", "ACPI tables mapped with ioremap, one per mapping" },
	{ "pci_iomap", "a device BAR mapped by its driver, one per BAR" },
	{ "vp_modern_map_capability", "a virtio-pci device capability region (ioremap), several per device" },
	{ "map_capability", "a virtio-pci (legacy layer) capability region (ioremap), several per device" },
	{ "__pci_enable_msix_range", "the MSI-X table of a PCI device (ioremap), one per device" },
	{ "msix_map_region", "the MSI-X table of a PCI device (ioremap), one per device" },
	{ "hpet_enable", "the HPET registers (ioremap), once" },
	{ "memremap", "a firmware or device region mapped with memremap (e.g. the SMBIOS/DMI table)" },
	{ "devm_ioremap", "a device register window mapped by a driver" },
	{ "ioremap", "a device register window" },
	{ "gen_pool_add_owner", "one chunk per genalloc pool (e.g. the per-CPU IRQ/NMI stacks pools, dma pools)" },
	{ "alloc_large_system_hash", "a boot-time hash table (dentry, inode, mount, TCP...) too large for the buddy allocator" },
	{ "inet_ehash_locks_alloc", "the lock array of the TCP established hash" },
	{ "zcomp_cpu_up_prepare", "zram: a compression buffer per CPU per zram device" },
	{ "lz4_create", "zram/zswap: LZ4 working memory per CPU per compressor" },
	{ "lz4_alloc_ctx", "zram/zswap: LZ4 working memory per CPU per compressor" },
	{ "disksize_store", "zram: the table of a zram device, sized when disksize is set" },
	{ "kvmalloc", "kvmalloc() fell back to vmalloc (allocation larger than the slab could give)" },
	{ "__kvmalloc_node", "kvmalloc() fell back to vmalloc (allocation larger than the slab could give)" },
	{ "vm_map_ram", "vm_map_ram(): a 1 MiB per-CPU vmap block shared by small mappings, or one large mapping" },
	{ "xfs_buf", "XFS buffers mapped with vm_map_ram" },
	{ "htab_map_alloc", "one per BPF hash map" },
	{ "bpf_map_area_alloc", "one per large BPF map" },
	{ "swap_cgroup_swapon", "swap cgroup accounting map, one per swap device" },
	{ "sys_swapon", "swap map of a swap device" },
	{ "__do_sys_swapon", "swap map of a swap device" },
	{ "drm_", "graphics buffers mapped by a DRM driver" },
	{ "relay_", "relay channel buffers (blktrace, etc.)" },
	{ "ring_buffer", "tracing ring buffer pages" },
	{ NULL, NULL },
};

const char *vx_caller_explain(const char *name)
{
	for (int i = 0; explanations[i].prefix; i++)
		if (!strncmp(name, explanations[i].prefix,
			     strlen(explanations[i].prefix)))
			return explanations[i].why;
	return NULL;
}

static char *module_of(const char *name)
{
	const char *open = strrchr(name, '[');
	const char *close = open ? strchr(open, ']') : NULL;

	if (!close)
		return strdup("vmlinux");
	return strndup(open + 1, close - open - 1);
}

static struct vx_caller_row *find_row(struct vx_caller_table *t,
				      const char *name, enum vx_window_id w)
{
	struct vx_caller_row *r;

	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].window == w && !strcmp(t->rows[i].name, name))
			return &t->rows[i];
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;

		r = realloc(t->rows, cap * sizeof(*r));
		if (!r)
			return NULL;
		t->rows = r;
		t->cap = cap;
	}
	r = &t->rows[t->n];
	memset(r, 0, sizeof(*r));
	r->name = strdup(name);
	r->module = module_of(name);
	r->window = w;
	if (!r->name || !r->module) {
		free(r->name);
		free(r->module);
		return NULL;
	}
	t->n++;
	return r;
}

static const char *area_caller(const struct vx_space *s, const struct vx_area *a,
			       char *buf, size_t size)
{
	/* A filtered dump: the vm_struct or the whole vmap_area is gone. */
	if (a->vm_lost || a->source == VX_SRC_PAGE_TABLES)
		return VX_CALLER_NOT_IN_DUMP;
	if (!a->vm_ptr || !a->vm_read)
		return "vm_map_ram";
	if (!a->vm.caller)
		return "(no caller: an early vmlist area)";
	if (!s->cfg.caller_name)
		return "(unknown)";
	s->cfg.caller_name(s->cfg.caller_ctx, a->vm.caller, buf, size);
	return buf[0] ? buf : "(unknown)";
}

static int by_bytes(const void *x, const void *y)
{
	const struct vx_caller_row *a = x, *b = y;

	if (a->window != b->window)
		return a->window - b->window;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return strcmp(a->name, b->name);
}

struct vx_error *vx_callers_collect(const struct vx_space *s,
				    struct vx_caller_table *t)
{
	char buf[512];

	memset(t, 0, sizeof(*t));
	for (int w = 0; w < VX_NR_WINDOWS; w++) {
		const struct vx_window *win = &s->win[w];

		t->window_busy[w] = win->bytes[VX_BUSY];
		for (size_t i = 0; i < win->ranges.n; i++) {
			const struct vx_range *r = &win->ranges.v[i];
			struct vx_caller_row *row;

			if (r->state != VX_BUSY)
				continue;
			row = find_row(t, area_caller(s, r->area, buf, sizeof(buf)), w);
			if (!row) {
				vx_caller_table_free(t);
				return &vx_error_nomem;
			}
			row->count++;
			row->bytes += r->end - r->start;
			if (r->area->vm_read)
				row->pages += r->area->vm.nr_pages;
		}
	}
	vx_sort(t->rows, t->n, sizeof(t->rows[0]), by_bytes);
	return NULL;
}

void vx_caller_table_free(struct vx_caller_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->rows[i].name);
		free(t->rows[i].module);
		free(t->rows[i].owners);
	}
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/* One busy area: its row (caller) and its owner, to be sorted by both. */
struct row_owner {
	size_t row;
	const struct vx_owner *owner;
};

static int by_row_owner(const void *x, const void *y)
{
	const struct row_owner *a = x, *b = y;

	if (a->row != b->row)
		return a->row < b->row ? -1 : 1;
	if (a->owner->kind != b->owner->kind)
		return a->owner->kind < b->owner->kind ? -1 : 1;
	return strcmp(vx_owner_group(a->owner), vx_owner_group(b->owner));
}

static int sum_by_bytes(const void *x, const void *y)
{
	const struct vx_owner_sum *a = x, *b = y;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return strcmp(a->group, b->group);
}

/* Run-length sums of the pairs sorted by (row, owner): n log n overall. */
static struct vx_error *sum_row_owners(struct vx_caller_table *t,
				       struct row_owner *p, size_t n)
{
	for (size_t i = 0, j; i < n; i = j) {
		struct vx_caller_row *row = &t->rows[p[i].row];
		size_t groups = 0;

		for (j = i; j < n && p[j].row == p[i].row; j++)
			groups += j == i || by_row_owner(&p[j - 1], &p[j]);
		row->owners = calloc(groups, sizeof(*row->owners));
		if (!row->owners)
			return vx_error_nomem_in("callers by owner");
		for (size_t k = i; k < j; k++) {
			const struct vx_owner *o = p[k].owner;

			if (k == i || by_row_owner(&p[k - 1], &p[k]))
				row->owners[row->nr_owners++] =
					(struct vx_owner_sum){ o->kind,
							       vx_owner_group(o), 0, 0 };
			row->owners[row->nr_owners - 1].count++;
			row->owners[row->nr_owners - 1].bytes += o->end - o->start;
		}
		vx_sort(row->owners, row->nr_owners, sizeof(*row->owners),
			sum_by_bytes);
	}
	return NULL;
}

struct vx_error *vx_callers_add_owners(const struct vx_space *s,
				       const struct vx_owner_table *o,
				       struct vx_caller_table *t)
{
	struct row_owner *p = calloc(o->n + 1, sizeof(*p));
	struct vx_error *err = NULL;
	char buf[512];
	size_t n = 0;

	if (!p)
		return vx_error_nomem_in("callers by owner");
	for (int w = 0; w < VX_NR_WINDOWS; w++) {
		const struct vx_window *win = &s->win[w];

		for (size_t i = 0; i < win->ranges.n && n < o->n; i++) {
			const struct vx_range *r = &win->ranges.v[i];
			const struct vx_owner *ow;
			const char *name;

			if (r->state != VX_BUSY)
				continue;
			ow = vx_owner_lookup(o, r->area->start);
			name = area_caller(s, r->area, buf, sizeof(buf));
			for (size_t k = 0; ow && k < t->n; k++)
				if (t->rows[k].window == (enum vx_window_id)w &&
				    !strcmp(t->rows[k].name, name)) {
					p[n++] = (struct row_owner){ k, ow };
					break;
				}
		}
	}
	vx_sort(p, n, sizeof(*p), by_row_owner);
	err = sum_row_owners(t, p, n);
	free(p);
	return err;
}

struct module_sum {
	const char *module;
	uint64_t count, bytes, pages;
};

/* Per module totals of window w, largest first; returns how many. */
static size_t module_sums(const struct vx_caller_table *t, enum vx_window_id w,
			  struct module_sum *sums, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct vx_caller_row *r = &t->rows[i];
		size_t j;

		if (r->window != w)
			continue;
		for (j = 0; j < n && strcmp(sums[j].module, r->module); j++)
			;
		if (j == n) {
			if (n == max)
				continue;
			sums[n++] = (struct module_sum){ r->module, 0, 0, 0 };
		}
		sums[j].count += r->count;
		sums[j].bytes += r->bytes;
		sums[j].pages += r->pages;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && sums[j].bytes > sums[j - 1].bytes; j--) {
			struct module_sum tmp = sums[j];

			sums[j] = sums[j - 1];
			sums[j - 1] = tmp;
		}
	return n;
}

static double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * part / whole : 0;
}

#define MAX_MODULES 512
#define TOP_OWNERS 3		/* owners shown per caller (text) */
#define TOP_OWNERS_JSON 5
static const char *const window_names[VX_NR_WINDOWS] = { "vmalloc", "modules" };

/* "owners: pid 97 spawn 50000, idle tasks 1 (+12 more)" under a caller. */
static void print_row_owners(const struct vx_caller_row *r, FILE *out)
{
	char pb[VX_PRINTABLE_SIZE];

	if (!r->nr_owners)
		return;
	fprintf(out, "  %36s  owners:", "");
	for (size_t i = 0; i < r->nr_owners && i < TOP_OWNERS; i++)
		fprintf(out, "%s %s %lu", i ? "," : "",
			vx_printable(r->owners[i].group, pb, sizeof(pb)),
			(unsigned long)r->owners[i].count);
	if (r->nr_owners > TOP_OWNERS)
		fprintf(out, " (+%zu more)", r->nr_owners - TOP_OWNERS);
	fputc('\n', out);
}

static void print_text(const struct vx_caller_table *t, FILE *out)
{
	struct module_sum sums[MAX_MODULES];
	char pb[VX_PRINTABLE_SIZE];

	for (int w = 0; w < VX_NR_WINDOWS; w++) {
		size_t n;

		fprintf(out, "%s window: %lu busy bytes\n", window_names[w],
			(unsigned long)t->window_busy[w]);
		fprintf(out, "  %6s %12s %8s %6s  %s\n", "count", "bytes", "pages",
			"share", "caller");
		for (size_t i = 0; i < t->n; i++) {
			const struct vx_caller_row *r = &t->rows[i];
			const char *why = vx_caller_explain(r->name);

			if (r->window != (enum vx_window_id)w)
				continue;
			fprintf(out, "  %6lu %12lu %8lu %5.1f%%  %s\n",
				(unsigned long)r->count, (unsigned long)r->bytes,
				(unsigned long)r->pages,
				share(r->bytes, t->window_busy[w]),
				vx_printable(r->name, pb, sizeof(pb)));
			if (why)
				fprintf(out, "  %36s  why: %s\n", "", why);
			print_row_owners(r, out);
		}
		n = module_sums(t, w, sums, MAX_MODULES);
		fprintf(out, "  by module:\n");
		for (size_t i = 0; i < n; i++)
			fprintf(out, "  %6lu %12lu %8lu %5.1f%%  %s\n",
				(unsigned long)sums[i].count,
				(unsigned long)sums[i].bytes,
				(unsigned long)sums[i].pages,
				share(sums[i].bytes, t->window_busy[w]),
				vx_printable(sums[i].module, pb, sizeof(pb)));
		fputc('\n', out);
	}
}

static void json_rows(struct vx_json *j, const struct vx_caller_table *t, int w)
{
	vx_json_array_field(j, "callers");
	for (size_t i = 0; i < t->n; i++) {
		const struct vx_caller_row *r = &t->rows[i];
		const char *why = vx_caller_explain(r->name);

		if (r->window != (enum vx_window_id)w)
			continue;
		vx_json_start_object(j);
		vx_json_string_field(j, "caller", r->name);
		vx_json_string_field(j, "module", r->module);
		vx_json_uint_field(j, "count", r->count);
		vx_json_uint_field(j, "bytes", r->bytes);
		vx_json_uint_field(j, "pages", r->pages);
		vx_json_uint_field(j, "share_permille",
				   t->window_busy[w] ? r->bytes * 1000 / t->window_busy[w] : 0);
		if (why)
			vx_json_string_field(j, "why", why);
		else
			vx_json_null_field(j, "why");
		if (r->owners) {
			vx_json_uint_field(j, "owner_groups", r->nr_owners);
			vx_owners_json_sums(j, "owners", r->owners,
					    r->nr_owners, TOP_OWNERS_JSON);
		}
		vx_json_end_object(j);
	}
	vx_json_end_array(j);
}

static struct vx_error *print_json(const struct vx_caller_table *t,
				   const struct vx_options *o, FILE *out)
{
	struct module_sum sums[MAX_MODULES];
	struct vx_json *j = vx_json_create(out, o->pretty);

	if (!j)
		return &vx_error_nomem;
	vx_json_start_object(j);
	vx_json_array_field(j, "windows");
	for (int w = 0; w < VX_NR_WINDOWS; w++) {
		size_t n = module_sums(t, w, sums, MAX_MODULES);

		vx_json_start_object(j);
		vx_json_string_field(j, "name", window_names[w]);
		vx_json_uint_field(j, "busy_bytes", t->window_busy[w]);
		json_rows(j, t, w);
		vx_json_array_field(j, "modules");
		for (size_t i = 0; i < n; i++) {
			vx_json_start_object(j);
			vx_json_string_field(j, "module", sums[i].module);
			vx_json_uint_field(j, "count", sums[i].count);
			vx_json_uint_field(j, "bytes", sums[i].bytes);
			vx_json_uint_field(j, "pages", sums[i].pages);
			vx_json_end_object(j);
		}
		vx_json_end_array(j);
		vx_json_end_object(j);
	}
	vx_json_end_array(j);
	vx_json_end_object(j);
	return vx_json_destroy(j);
}

struct vx_error *vx_callers_print(const struct vx_caller_table *t,
				  const struct vx_options *o, FILE *out)
{
	if (o->json)
		return print_json(t, o, out);
	print_text(t, out);
	return NULL;
}

struct vx_error *vx_callers_space_print(const struct vx_space *s,
					const struct vx_options *o, FILE *out)
{
	struct vx_caller_table t;
	struct vx_error *err;

	err = vx_callers_collect(s, &t);
	if (err)
		return err;
	err = vx_callers_print(&t, o, out);
	vx_caller_table_free(&t);
	return err;
}

struct vx_error *vx_callers_run(struct vx_kernel *k, struct vx_report *r,
				const struct vx_options *o, FILE *out)
{
	struct vx_owner_table *owners = NULL;
	struct vx_caller_table t;
	struct vx_error *err;
	size_t incomplete;
	struct vx_space s;
	struct vx_vmap m;

	err = vx_space_open(k, r, &m, &s);
	if (err)
		return err;
	if (!o->json)
		vx_recover_caveat(k, out);
	err = vx_callers_collect(&s, &t);
	if (!err) {
		/* Owner skips matter only to the "owner unknown" rows. */
		err = vx_owners_build_noted(k, r, &m, &owners, &incomplete);
		if (!err && vx_owner_table_has_unknown(owners))
			vx_owners_incomplete_skip(r, incomplete);
		if (!err)
			err = vx_callers_add_owners(&s, owners, &t);
		if (!err)
			err = vx_callers_print(&t, o, out);
		vx_caller_table_free(&t);
	}
	vx_owner_table_free(owners);
	vx_space_close(&m, &s);
	return err;
}

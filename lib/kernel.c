// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opening a dumped kernel: symbols, types, layout, bases, features.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "recover.h"

/* __start_BTF..__stop_BTF is 3.5-5.2 MiB on Debian; refuse nonsense. */
#define MAX_BTF_BYTES (64UL << 20)
/* The kallsyms tables sit in .rodata, well inside this from _stext. */
#define KALLSYMS_SCAN_BYTES (128UL << 20)

#define MODULES_END_X86_64	0xffffffffff000000ULL
#define START_KERNEL_MAP	0xffffffff80000000ULL
#define N_HIGH_MEMORY		2	/* == N_NORMAL_MEMORY without HIGHMEM */

struct vx_error *vx_kernel_symbol(struct vx_kernel *k, const char *name,
				  uint64_t *addr)
{
	struct vx_error *err;

	if (k->ksyms) {
		err = vx_kallsyms_lookup_name(k->ksyms, name, addr);
		if (!err || !vx_error_is(err, VX_ERR_NOT_FOUND))
			return err;
		vx_error_destroy(err);
	}
	if (vx_vmcoreinfo_symbol(&k->vmci, name, addr))
		return NULL;
	if (k->t->symbol)
		return k->t->symbol(k->t, name, addr);
	return vx_error_create(VX_ERR_NOT_FOUND, "symbol %s not found", name);
}

static bool symbol_exists(struct vx_kernel *k, const char *name)
{
	struct vx_error *err;
	uint64_t addr;

	err = vx_kernel_symbol(k, name, &addr);
	vx_error_destroy(err);
	return !err;
}

/* ---- kallsyms ---------------------------------------------------------- */

static bool loc_from_vmcoreinfo(struct vx_kernel *k, struct vx_kallsyms_loc *loc)
{
	const struct vx_vmcoreinfo *v = &k->vmci;

	memset(loc, 0, sizeof(*loc));
	if (!vx_vmcoreinfo_symbol(v, "kallsyms_names", &loc->names) ||
	    !vx_vmcoreinfo_symbol(v, "kallsyms_num_syms", &loc->num_syms) ||
	    !vx_vmcoreinfo_symbol(v, "kallsyms_token_table", &loc->token_table) ||
	    !vx_vmcoreinfo_symbol(v, "kallsyms_token_index", &loc->token_index) ||
	    !vx_vmcoreinfo_symbol(v, "kallsyms_offsets", &loc->offsets))
		return false;
	vx_vmcoreinfo_symbol(v, "kallsyms_relative_base", &loc->relative_base);
	loc->how = "VMCOREINFO";
	return true;
}

static bool loc_from_target(struct vx_kernel *k, struct vx_kallsyms_loc *loc)
{
	static const char *const names[] = {
		"kallsyms_num_syms", "kallsyms_names", "kallsyms_markers",
		"kallsyms_token_table", "kallsyms_token_index",
		"kallsyms_offsets", "kallsyms_relative_base",
		"kallsyms_seqs_of_names",
	};
	uint64_t *fields[] = {
		&loc->num_syms, &loc->names, &loc->markers, &loc->token_table,
		&loc->token_index, &loc->offsets, &loc->relative_base,
		&loc->seqs_of_names,
	};

	if (!k->t->symbol)
		return false;
	memset(loc, 0, sizeof(*loc));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct vx_error *err = k->t->symbol(k->t, names[i], fields[i]);

		if (err) {
			vx_error_destroy(err);
			*fields[i] = 0;
		}
	}
	loc->how = "vmlinux symbol table";
	return loc->names && loc->num_syms && loc->offsets;
}

static struct vx_error *open_kallsyms(struct vx_kernel *k)
{
	struct vx_kallsyms_loc *loc = &k->ksyms_loc;
	struct vx_error *err;
	uint64_t stext;

	if (!loc_from_vmcoreinfo(k, loc) && !loc_from_target(k, loc)) {
		if (!vx_vmcoreinfo_symbol(&k->vmci, "_stext", &stext))
			return vx_error_create(VX_ERR_NOT_FOUND,
					       "no kallsyms in VMCOREINFO and no SYMBOL(_stext) to scan from");
		err = vx_kallsyms_scan(k->t, stext, stext + KALLSYMS_SCAN_BYTES,
				       loc);
		if (err)
			return vx_error_wrap(err,
					     "finding kallsyms in the kernel image (give -k VMLINUX or -m System.map)");
		loc->how = "scan of the kernel image";
	}
	err = vx_kallsyms_load(k->t, loc, &k->vmci, &k->ksyms);
	if (err)
		return vx_error_wrap(err, "kallsyms (from %s)", loc->how);
	return NULL;
}

/* ---- types and layout -------------------------------------------------- */

static struct vx_error *open_types(struct vx_kernel *k)
{
	uint64_t start, end;
	struct vx_error *err;

	if (k->t->types) {
		k->types = k->t->types;
		return NULL;
	}
	err = vx_kernel_symbol(k, "__start_BTF", &start);
	if (!err)
		err = vx_kernel_symbol(k, "__stop_BTF", &end);
	if (err)
		return vx_error_wrap(err, "no type information: no vmlinux given and no BTF in the dump");
	if (end <= start || end - start > MAX_BTF_BYTES)
		return vx_error_create(VX_ERR_INVALID,
				       "BTF at 0x%lx-0x%lx has an absurd size",
				       (unsigned long)start, (unsigned long)end);
	err = vx_btf_types_from_target(k->t, start, end, &k->types);
	if (err)
		return vx_error_wrap(err, "BTF of the dump");
	k->own_types = true;
	return NULL;
}

struct layout_ctx {
	struct vx_kernel *k;
	struct vx_error *err;	/* first required member missing */
};

static uint64_t member_at(struct layout_ctx *c, const char *type,
			  const char *path, bool required, uint64_t *size)
{
	struct vx_member m;
	struct vx_error *err;

	if (c->err && required)
		return VX_ABSENT;
	err = vx_member(c->k->types, type, path, &m);
	if (err) {
		if (required && !c->err)
			c->err = vx_error_wrap(err, "%s", c->k->types->source);
		else
			vx_error_destroy(err);
		return VX_ABSENT;
	}
	if (size)
		*size = m.size;
	return m.offset;
}

static uint64_t type_size(struct layout_ctx *c, const char *type, bool required)
{
	struct vx_error *err;
	uint64_t size;

	if (c->err && required)
		return VX_ABSENT;
	err = vx_type_size(c->k->types, type, &size);
	if (err) {
		if (required && !c->err)
			c->err = vx_error_wrap(err, "%s", c->k->types->source);
		else
			vx_error_destroy(err);
		return VX_ABSENT;
	}
	return size;
}

#define REQ(type, path) member_at(&c, type, path, true, NULL)
#define OPT(type, path) member_at(&c, type, path, false, NULL)

/* bytes at off lie inside a structure of size bytes (absent: nothing to hold). */
static bool fits(uint64_t off, uint64_t bytes, uint64_t size)
{
	return off == VX_ABSENT || vx_inside(off, bytes, size);
}

/*
 * The walker and the recovery copy a vmap_area or vm_struct into a buffer
 * of its size and take members from it at the offsets the types give:
 * each must lie inside, or a corrupt BTF record (an offset or a member's
 * type changed) would read past the buffer.  purge_list: only its next
 * pointer is read (8 bytes: a list_head or an llist_node).  nr_pages is an
 * unsigned int (8 bytes at most are taken); page_order an int.
 */
static bool members_inside(const struct vx_layout *l)
{
	uint64_t rb_last = l->rb_left;

	if (l->rb_right > rb_last)
		rb_last = l->rb_right;
	if (l->rb_parent > rb_last)
		rb_last = l->rb_parent;
	return fits(l->va_start, 8, l->va_sizeof) &&
	       fits(l->va_end, 8, l->va_sizeof) &&
	       fits(l->va_list, 16, l->va_sizeof) &&
	       fits(l->va_vm, 8, l->va_sizeof) &&
	       fits(l->va_subtree_max_size, 8, l->va_sizeof) &&
	       fits(l->va_flags, 8, l->va_sizeof) &&
	       fits(l->va_purge_list, 8, l->va_sizeof) &&
	       rb_last <= l->va_sizeof &&
	       fits(l->va_rb_node, rb_last + 8, l->va_sizeof) &&
	       fits(l->vm_addr, 8, l->vm_sizeof) &&
	       fits(l->vm_size, 8, l->vm_sizeof) &&
	       fits(l->vm_flags, 8, l->vm_sizeof) &&
	       fits(l->vm_pages, 8, l->vm_sizeof) &&
	       l->vm_nr_pages_size >= 1 && l->vm_nr_pages_size <= 8 &&
	       fits(l->vm_nr_pages, l->vm_nr_pages_size, l->vm_sizeof) &&
	       fits(l->vm_page_order, 4, l->vm_sizeof) &&
	       fits(l->vm_phys_addr, 8, l->vm_sizeof) &&
	       fits(l->vm_caller, 8, l->vm_sizeof);
}

static struct vx_error *resolve_vmalloc_layout(struct vx_kernel *k)
{
	struct layout_ctx c = { .k = k };
	struct vx_layout *l = &k->l;

	l->va_sizeof = type_size(&c, "vmap_area", true);
	l->va_start = REQ("vmap_area", "va_start");
	l->va_end = REQ("vmap_area", "va_end");
	l->va_list = REQ("vmap_area", "list");
	l->va_vm = REQ("vmap_area", "vm");
	l->va_rb_node = REQ("vmap_area", "rb_node");
	l->va_subtree_max_size = REQ("vmap_area", "subtree_max_size");
	l->va_purge_list = OPT("vmap_area", "purge_list");
	l->va_flags = OPT("vmap_area", "flags");
	l->rb_right = REQ("rb_node", "rb_right");
	l->rb_left = REQ("rb_node", "rb_left");
	l->rb_parent = REQ("rb_node", "__rb_parent_color");

	l->vm_sizeof = type_size(&c, "vm_struct", true);
	l->vm_addr = REQ("vm_struct", "addr");
	l->vm_size = REQ("vm_struct", "size");
	l->vm_flags = REQ("vm_struct", "flags");
	l->vm_pages = REQ("vm_struct", "pages");
	l->vm_nr_pages = member_at(&c, "vm_struct", "nr_pages", true,
				   &l->vm_nr_pages_size);
	l->vm_page_order = OPT("vm_struct", "page_order");
	l->vm_phys_addr = REQ("vm_struct", "phys_addr");
	l->vm_caller = REQ("vm_struct", "caller");

	if (k->has_nodes) {
		uint64_t pool_bytes = 0;

		l->vn_sizeof = type_size(&c, "vmap_node", true);
		l->vn_busy_head = REQ("vmap_node", "busy.head");
		l->vn_lazy_head = REQ("vmap_node", "lazy.head");
		l->vn_purge_list = REQ("vmap_node", "purge_list");
		l->vn_busy_root = OPT("vmap_node", "busy.root");
		l->vn_lazy_root = OPT("vmap_node", "lazy.root");
		l->vn_pool = member_at(&c, "vmap_node", "pool", true, &pool_bytes);
		l->pool_sizeof = type_size(&c, "vmap_pool", true);
		l->pool_head = REQ("vmap_pool", "head");
		l->pool_len = REQ("vmap_pool", "len");
		if (!c.err && l->pool_sizeof)
			l->vn_pool_count = pool_bytes / l->pool_sizeof;
	}
	/* The walker reads each structure into a fixed buffer. */
	if (!c.err && (l->va_sizeof > VX_MAX_STRUCT_BYTES ||
		       l->vm_sizeof > VX_MAX_STRUCT_BYTES))
		c.err = vx_error_create(VX_ERR_INVALID,
					"%s: implausible sizes: vmap_area %lu, vm_struct %lu bytes",
					k->types->source,
					(unsigned long)l->va_sizeof,
					(unsigned long)l->vm_sizeof);
	if (!c.err && !members_inside(l))
		c.err = vx_error_create(VX_ERR_INVALID,
					"%s: a member of struct vmap_area or vm_struct lies outside it (%lu and %lu bytes): corrupt type information",
					k->types->source,
					(unsigned long)l->va_sizeof,
					(unsigned long)l->vm_sizeof);
	return c.err;
}

/*
 * Module layout: needed only to name callers inside modules.  Missing
 * members leave mod_list VX_ABSENT; module callers then print as raw
 * addresses and each run that names callers says why (vx_kernel_report).
 */
static struct vx_error *resolve_module_layout(struct vx_kernel *k)
{
	struct layout_ctx c = { .k = k };
	struct vx_layout *l = &k->l;

	l->mod_list = REQ("module", "list");
	l->mod_name = member_at(&c, "module", "name", true, &l->mod_name_size);
	l->mod_state = REQ("module", "state");
	l->mod_kallsyms = REQ("module", "kallsyms");
	l->mk_symtab = REQ("mod_kallsyms", "symtab");
	l->mk_num_symtab = REQ("mod_kallsyms", "num_symtab");
	l->mk_strtab = REQ("mod_kallsyms", "strtab");
	if (k->has_mod_mem) {
		uint64_t bytes = 0;

		l->mod_mem = member_at(&c, "module", "mem", true, &bytes);
		l->mm_sizeof = type_size(&c, "module_memory", true);
		l->mm_base = REQ("module_memory", "base");
		l->mm_size = member_at(&c, "module_memory", "size", true,
				       &l->mm_size_size);
		if (!c.err && l->mm_sizeof)
			l->mod_mem_count = bytes / l->mm_sizeof;
	} else {
		l->mod_core_layout = REQ("module", "core_layout");
		l->mod_init_layout = REQ("module", "init_layout");
		l->ml_base = REQ("module_layout", "base");
		l->ml_size = REQ("module_layout", "size");
		l->ml_text_size = REQ("module_layout", "text_size");
	}
	return c.err;
}

static void detect_features(struct vx_kernel *k)
{
	struct vx_member m;
	struct vx_error *err;

	k->has_nodes = symbol_exists(k, "vmap_nodes");
	k->lazy_llist = !k->has_nodes && symbol_exists(k, "vmap_purge_list");
	k->lazy_merged_list = !k->has_nodes && !k->lazy_llist &&
			      symbol_exists(k, "purge_vmap_area_list");
	err = vx_member(k->types, "module", "mem", &m);
	k->has_mod_mem = !err;
	vx_error_destroy(err);
	k->numa = symbol_exists(k, "nr_node_ids");
}

/* ---- address space and printing state ---------------------------------- */

static struct vx_error *read_bases(struct vx_kernel *k)
{
	struct vx_error *err;
	int64_t num;

	k->paging_levels = 4;
	if (vx_vmcoreinfo_number(&k->vmci, "pgtable_l5_enabled", &num) && num)
		k->paging_levels = 5;
	if (vx_vmcoreinfo_number(&k->vmci, "VMALLOC_START", &num)) {
		k->vmalloc_start = (uint64_t)num;
	} else {
		err = vx_read_symbol_uint(k, "vmalloc_base", 8,
					  &k->vmalloc_start);
		if (err)
			return vx_error_wrap(err, "reading vmalloc_base");
	}
	/* VMALLOC_SIZE_TB: 32 TiB with 4-level paging, 12800 TiB with 5. */
	k->vmalloc_end = k->vmalloc_start +
			 ((k->paging_levels == 5 ? 12800ULL : 32ULL) << 40) - 1;
	if (!vx_vmcoreinfo_number(&k->vmci, "KERNEL_IMAGE_SIZE", &num))
		num = 1LL << 30;
	k->modules_start = START_KERNEL_MAP + (uint64_t)num;
	k->modules_end = MODULES_END_X86_64;
	return NULL;
}

static void read_pointer_hashing(struct vx_kernel *k)
{
	struct vx_error *err;
	uint64_t val;

	err = vx_read_symbol(k, "ptr_key", k->ptr_key, sizeof(k->ptr_key));
	if (err) {
		k->ptr_key_error = strdup(err->message);
		vx_error_destroy(err);
	}
	/* Optional switches (absent before 5.12 / 4.18): default off. */
	err = vx_read_symbol_uint(k, "no_hash_pointers", 1, &val);
	if (!err)
		k->no_hash_pointers = val;
	vx_error_destroy(err);
	err = vx_read_symbol_uint(k, "debug_boot_weak_hash", 4, &val);
	if (!err)
		k->weak_hash = val != 0;
	vx_error_destroy(err);
}

static struct vx_error *read_numa(struct vx_kernel *k)
{
	uint64_t addr, length, nodemask_size = 0;
	struct vx_error *err;
	uint32_t nr;

	if (!k->numa)
		return NULL;
	err = vx_read_symbol(k, "nr_node_ids", &nr, sizeof(nr));
	if (err)
		return vx_error_wrap(err, "reading nr_node_ids");
	if (nr == 0 || nr > 1024)
		return vx_error_create(VX_ERR_INVALID, "nr_node_ids is %u", nr);
	k->nr_node_ids = nr;
	/* MAX_NUMNODES = 1 << NODES_SHIFT; node id sits at the top of page->flags. */
	if (!vx_vmcoreinfo_length(&k->vmci, "node_data", &length))
		length = 1024;
	/*
	 * node_data[MAX_NUMNODES]: x86_64's NODES_SHIFT is 1 to 10 on a NUMA
	 * kernel.  Anything else would shift page->flags by 64 bits or more.
	 */
	if (length < 2 || length > 1024 || (length & (length - 1)))
		return vx_error_create(VX_ERR_INVALID,
				       "VMCOREINFO LENGTH(node_data)=%lu is not the MAX_NUMNODES of an x86_64 NUMA kernel (a power of two, 2 to 1024)",
				       (unsigned long)length);
	k->nodes_shift = 0;
	while ((1ULL << k->nodes_shift) < length)
		k->nodes_shift++;
	k->nodes_pgshift = 64 - k->nodes_shift;
	if (!vx_vmcoreinfo_size(&k->vmci, "nodemask_t", &nodemask_size)) {
		err = vx_type_size(k->types, "nodemask_t", &nodemask_size);
		if (err)
			return vx_error_wrap(err, "size of nodemask_t");
	}
	if (nodemask_size == 0 || nodemask_size > sizeof(k->high_memory_nodes))
		return vx_error_create(VX_ERR_INVALID, "nodemask_t of %lu bytes",
				       (unsigned long)nodemask_size);
	err = vx_kernel_symbol(k, "node_states", &addr);
	if (!err)
		err = vx_read(k->t, addr + N_HIGH_MEMORY * nodemask_size,
			      k->high_memory_nodes, nodemask_size);
	if (err)
		return vx_error_wrap(err, "reading node_states[N_HIGH_MEMORY]");
	return NULL;
}

static void read_symbol_edges(struct vx_kernel *k)
{
	static const char *const names[] = {
		"_stext", "_end", "_sinittext", "_einittext",
		"__init_begin", "__init_end",
	};
	uint64_t *vals[] = {
		&k->stext, &k->end, &k->sinittext, &k->einittext,
		&k->init_begin, &k->init_end,
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct vx_error *err = vx_kernel_symbol(k, names[i], vals[i]);

		if (err) {
			*vals[i] = 0;
			vx_error_destroy(err);
		}
	}
}

struct vx_error *vx_kernel_open(struct vx_target *t, struct vx_kernel **out)
{
	struct vx_kernel *k;
	struct vx_error *err;
	const char *release;

	k = calloc(1, sizeof(*k));
	if (!k)
		return &vx_error_nomem;
	k->t = t;
	err = vx_vmcoreinfo_parse(t->vmcoreinfo, &k->vmci);
	if (err)
		goto fail;
	release = vx_vmcoreinfo_get(&k->vmci, "OSRELEASE");
	snprintf(k->release, sizeof(k->release), "%s", release ? release : "");
	k->kernel_offset = vx_vmcoreinfo_kerneloffset(&k->vmci);

	err = open_kallsyms(k);
	if (err)
		goto fail;
	err = open_types(k);
	if (err)
		goto fail;
	detect_features(k);
	err = resolve_vmalloc_layout(k);
	if (err)
		goto fail;
	err = resolve_module_layout(k);
	if (err) {
		k->module_layout_error = strdup(err->message);
		vx_error_destroy(err);
		k->l.mod_list = VX_ABSENT;
	}
	err = read_bases(k);
	if (err)
		goto fail;
	read_pointer_hashing(k);
	err = read_numa(k);
	if (err)
		goto fail;
	read_symbol_edges(k);
	*out = k;
	return NULL;
fail:
	vx_kernel_close(k);
	return err;
}

void vx_kernel_close(struct vx_kernel *k)
{
	if (!k)
		return;
	vx_symbolizer_free(k);
	vx_recover_free(k);
	free(k->page_cache);
	if (k->own_types)
		vx_types_destroy(k->types);
	vx_kallsyms_free(k->ksyms);
	vx_vmcoreinfo_free(&k->vmci);
	free(k->ptr_key_error);
	free(k->module_layout_error);
	free(k);
}

void vx_kernel_describe(struct vx_kernel *k, FILE *f)
{
	fprintf(f, "kernel: %s, %d-level paging, ",
		k->release[0] ? k->release : "(release unknown)",
		k->paging_levels);
	/* a live kernel without VMCOREINFO (tool/live.c's /proc/kallsyms) has none */
	if (vx_vmcoreinfo_get(&k->vmci, "KERNELOFFSET"))
		fprintf(f, "KASLR offset 0x%lx\n", (unsigned long)k->kernel_offset);
	else
		fprintf(f, "KASLR offset unknown (no KERNELOFFSET)\n");
	fprintf(f, "types: %s\n", k->types->source);
	fprintf(f, "symbols: kallsyms (%u symbols, tables from %s)\n",
		vx_kallsyms_count(k->ksyms), k->ksyms_loc.how);
	fprintf(f, "vmalloc: 0x%016lx-0x%016lx, modules: 0x%016lx-0x%016lx\n",
		(unsigned long)k->vmalloc_start, (unsigned long)k->vmalloc_end,
		(unsigned long)k->modules_start, (unsigned long)k->modules_end);
	fprintf(f, "layout: %s, lazy areas on %s\n",
		k->has_nodes ? "per-node vmap_nodes" : "global vmap_area_list",
		k->has_nodes ? "per-node lazy lists" :
		k->lazy_llist ? "the vmap_purge_list llist" :
		"purge_vmap_area_list");
}

void vx_kernel_report(struct vx_kernel *k, bool hashes, struct vx_report *r)
{
	if (k->module_layout_error)
		vx_report_skip(r, "module symbols: %s", k->module_layout_error);
	if (hashes && k->ptr_key_error)
		vx_report_skip(r, "ptr_key: %s (hashed pointers unavailable)",
			       k->ptr_key_error);
}

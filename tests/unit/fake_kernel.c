// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fake kernel of fake_kernel.h.  Memory is a few fixed, zeroed
 * regions (data, direct map, vmalloc, vmemmap, module data) written
 * through host pointers; at fake_kernel_target() the kallsyms tables and
 * VMCOREINFO are built and everything is copied into a fake_mem target.
 * Struct offsets are the ones of Debian's own builds of each generation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_kernel.h"
#include "fake_mem.h"

#define DATA_BASE	0xffffffff82000000ULL
#define KSYMS_BASE	0xffffffff83000000ULL
#define HEAP_BASE	0xffff888000100000ULL
#define VALLOC_BASE	(FK_VMALLOC_START + 0x100000000ULL)
#define MODMEM_BASE	0xffffffffc0800000ULL
#define FIRST_TEXT	(FK_STEXT + 0x1000)

#define DATA_BYTES	(1UL << 20)
#define HEAP_BYTES	(16UL << 20)	/* test_owners: an fd table of 2^20 slots */
#define VALLOC_BYTES	(1UL << 20)
#define VMEMMAP_BYTES	(1UL << 20)
#define MODMEM_BYTES	(1UL << 20)
#define VMEMMAP_PFNS	(VMEMMAP_BYTES / 64)
/* The decoder reads kallsyms_names in 256 KiB chunks; rodata follows. */
#define KSYMS_TAIL	(512UL << 10)

#define NR_VMAP_NODES_ALLOC	4
#define NODES_PGSHIFT		54
#define NODEMASK_BYTES		128
#define N_HIGH_MEMORY		2
#define NR_NODE_STATES		6
#define ELF64_SYM_SIZE		24
#define MOD_MEM_TYPES		7

enum { R_DATA, R_HEAP, R_VALLOC, R_VMEMMAP, R_MODMEM, R_KSYMS, NR_REGIONS };

struct region {
	uint64_t addr;
	size_t len, used;
	uint8_t *bytes;
};

struct fk_sym {
	char text[256];		/* type letter + name */
	uint64_t addr;
	size_t order;
};

struct global {
	const char *name;
	uint64_t addr;
};

struct fake_kernel {
	enum fk_gen gen;
	struct region r[NR_REGIONS];
	struct fk_sym *syms;
	size_t nr_syms;
	struct global globals[32];
	size_t nr_globals;
	uint64_t next_text;
	uint64_t next_pfn;
	bool pages_added;
	/* tail of each busy/lazy list: the list_head address to link after */
	uint64_t vmap_nodes;
	bool drop_kallsyms;
	uint32_t extra_syms;
	bool base_relative;	/* 6.15-6.19 kallsyms_offsets */
	char vmcoreinfo_extra[512];
	bool no_numa;
	uint64_t max_numnodes;		/* LENGTH(node_data), 0: 1024 */
	/* members the tests moved (corrupt type information) */
	struct { const char *type, *path; uint64_t offset, size; } moved[4];
	size_t nr_moved;
	char *vmcoreinfo;
	struct { uint64_t head, va; } members[8192];	/* list, area */
	size_t nr_members;
	uint64_t excluded[64];
	size_t nr_excluded;
	uint64_t pgd;			/* init_top_pgt, 0: no page tables */
	int dump_level;
	struct vx_target *target;
	struct vx_types types;
};

/* ---- type tables --------------------------------------------------------- */

struct fk_member {
	const char *type, *path;
	uint64_t offset, size;
};

struct fk_size {
	const char *type;
	uint64_t size;
};

#define COMMON_MEMBERS							\
	{ "vmap_area", "va_start", 0, 8 },				\
	{ "vmap_area", "va_end", 8, 8 },				\
	{ "vmap_area", "rb_node", 16, 24 },				\
	{ "vmap_area", "list", 40, 16 },				\
	{ "vmap_area", "list.next", 40, 8 },				\
	{ "vmap_area", "list.prev", 48, 8 },				\
	{ "vmap_area", "subtree_max_size", 56, 8 },			\
	{ "vmap_area", "vm", 56, 8 },					\
	{ "rb_node", "__rb_parent_color", 0, 8 },			\
	{ "rb_node", "rb_right", 8, 8 },				\
	{ "rb_node", "rb_left", 16, 8 },				\
	{ "vm_struct", "next", 0, 8 },					\
	{ "vm_struct", "addr", 8, 8 },					\
	{ "vm_struct", "size", 16, 8 },					\
	{ "vm_struct", "flags", 24, 8 },				\
	{ "vm_struct", "pages", 32, 8 },				\
	{ "module", "state", 0, 4 },					\
	{ "module", "list", 8, 16 },					\
	{ "module", "name", 24, 56 },					\
	{ "mod_kallsyms", "symtab", 0, 8 },				\
	{ "mod_kallsyms", "num_symtab", 8, 4 },				\
	{ "mod_kallsyms", "strtab", 16, 8 },				\
	{ "mod_kallsyms", "typetab", 24, 8 }

#define LAYOUT_MEMBERS							\
	{ "module_layout", "base", 0, 8 },				\
	{ "module_layout", "size", 8, 4 },				\
	{ "module_layout", "text_size", 12, 4 },			\
	{ "module_layout", "ro_size", 16, 4 }

#define NODE_MEMBERS							\
	{ "vmap_area", "flags", 64, 8 },				\
	{ "vmap_node", "pool", 0, 256 * 24 },				\
	{ "vmap_node", "pool_lock", 6144, 4 },				\
	{ "vmap_node", "skip_populate", 6148, 1 },			\
	{ "vmap_node", "busy", 6152, 32 },				\
	{ "vmap_node", "busy.root", 6152, 8 },				\
	{ "vmap_node", "busy.head", 6160, 16 },				\
	{ "vmap_node", "lazy", 6184, 32 },				\
	{ "vmap_node", "lazy.root", 6184, 8 },				\
	{ "vmap_node", "lazy.head", 6192, 16 },				\
	{ "vmap_node", "purge_list", 6216, 16 },			\
	{ "vmap_node", "nr_purged", 6264, 8 },				\
	{ "vmap_pool", "head", 0, 16 },					\
	{ "vmap_pool", "len", 16, 8 },					\
	{ "module", "mem", 320, MOD_MEM_TYPES * 72 },			\
	{ "module_memory", "base", 0, 8 }

static const struct fk_member members_510[] = {
	COMMON_MEMBERS, LAYOUT_MEMBERS,
	{ "vmap_area", "purge_list", 56, 8 },
	{ "vm_struct", "nr_pages", 40, 4 },
	{ "vm_struct", "phys_addr", 48, 8 },
	{ "vm_struct", "caller", 56, 8 },
	{ "module", "core_layout", 384, 80 },
	{ "module", "init_layout", 464, 80 },
	{ "module", "kallsyms", 608, 8 },
	{ "module", "core_kallsyms", 616, 32 },
	{ NULL },
};

static const struct fk_member members_61[] = {
	COMMON_MEMBERS, LAYOUT_MEMBERS,
	{ "vm_struct", "page_order", 40, 4 },
	{ "vm_struct", "nr_pages", 44, 4 },
	{ "vm_struct", "phys_addr", 48, 8 },
	{ "vm_struct", "caller", 56, 8 },
	{ "module", "core_layout", 320, 80 },
	{ "module", "init_layout", 400, 80 },
	{ "module", "kallsyms", 544, 8 },
	{ "module", "core_kallsyms", 552, 32 },
	{ NULL },
};

/* SLUB and per-CPU chunks as Debian 6.12 has them (gdb ptype /o). */
#define SLAB_612_MEMBERS						\
	{ "kmem_cache", "cpu_slab", 0, 8 },				\
	{ "kmem_cache", "size", 24, 4 },				\
	{ "kmem_cache", "object_size", 28, 4 },				\
	{ "kmem_cache", "offset", 40, 4 },				\
	{ "kmem_cache", "oo", 52, 4 },					\
	{ "kmem_cache", "min", 56, 4 },					\
	{ "kmem_cache", "red_left_pad", 88, 4 },			\
	{ "kmem_cache", "random", 184, 8 },				\
	{ "kmem_cache", "node", 216, 8192 },				\
	{ "kmem_cache_cpu", "freelist", 0, 8 },				\
	{ "kmem_cache_cpu", "slab", 16, 8 },				\
	{ "slab", "slab_cache", 8, 8 },					\
	{ "slab", "freelist", 32, 8 },					\
	{ "slab", "counters", 40, 8 },					\
	{ "pcpu_chunk", "list", 0, 16 },				\
	{ "pcpu_chunk", "base_addr", 24, 8 },				\
	{ "page", "index", 32, 8 },					\
	{ "page", "private", 40, 8 }

static const struct fk_member members_612[] = {
	COMMON_MEMBERS, NODE_MEMBERS, SLAB_612_MEMBERS,
	{ "vm_struct", "page_order", 40, 4 },
	{ "vm_struct", "nr_pages", 44, 4 },
	{ "vm_struct", "phys_addr", 48, 8 },
	{ "vm_struct", "caller", 56, 8 },
	{ "vm_struct", "requested_size", 64, 8 },
	{ "module", "kallsyms", 888, 8 },
	{ "module", "core_kallsyms", 896, 32 },
	{ "module_memory", "size", 8, 4 },
	{ NULL },
};

static const struct fk_member members_72[] = {
	COMMON_MEMBERS, NODE_MEMBERS,
	{ "vm_struct", "llnode", 0, 8 },
	{ "vm_struct", "page_order", 40, 4 },
	{ "vm_struct", "nr_pages", 48, 8 },
	{ "vm_struct", "phys_addr", 56, 8 },
	{ "vm_struct", "caller", 64, 8 },
	{ "vm_struct", "requested_size", 72, 8 },
	{ "module", "kallsyms", 904, 8 },
	{ "module", "core_kallsyms", 912, 32 },
	{ "module_memory", "is_rox", 8, 1 },
	{ "module_memory", "size", 12, 4 },
	{ NULL },
};

static const struct fk_size sizes_510[] = {
	{ "vmap_area", 64 }, { "vm_struct", 64 }, { "rb_node", 24 },
	{ "module", 960 }, { "module_layout", 80 }, { "mod_kallsyms", 32 },
	{ "nodemask_t", 128 }, { "list_head", 16 }, { "page", 64 }, { NULL },
};

static const struct fk_size sizes_61[] = {
	{ "vmap_area", 64 }, { "vm_struct", 64 }, { "rb_node", 24 },
	{ "module", 896 }, { "module_layout", 80 }, { "mod_kallsyms", 32 },
	{ "nodemask_t", 128 }, { "list_head", 16 }, { "page", 64 }, { NULL },
};

static const struct fk_size sizes_612[] = {
	{ "vmap_area", 72 }, { "vm_struct", 72 }, { "rb_node", 24 },
	{ "kmem_cache", 8408 }, { "kmem_cache_cpu", 32 }, { "slab", 64 },
	{ "vmap_node", 6272 }, { "vmap_pool", 24 }, { "rb_list", 32 },
	{ "module", 1280 }, { "module_memory", 72 }, { "mod_kallsyms", 32 },
	{ "nodemask_t", 128 }, { "list_head", 16 }, { "page", 64 }, { NULL },
};

static const struct fk_size sizes_72[] = {
	{ "vmap_area", 72 }, { "vm_struct", 80 }, { "rb_node", 24 },
	{ "vmap_node", 6272 }, { "vmap_pool", 24 }, { "rb_list", 32 },
	{ "module", 1280 }, { "module_memory", 72 }, { "mod_kallsyms", 32 },
	{ "nodemask_t", 128 }, { "list_head", 16 }, { "page", 64 }, { NULL },
};

static const struct fk_member *members_of(enum fk_gen gen)
{
	static const struct fk_member *const t[] = {
		members_510, members_61, members_612, members_72,
	};

	return t[gen];
}

static const struct fk_size *sizes_of(enum fk_gen gen)
{
	static const struct fk_size *const t[] = {
		sizes_510, sizes_61, sizes_612, sizes_72,
	};

	return t[gen];
}

static const struct fk_member *find_member(enum fk_gen gen, const char *type,
					   const char *path)
{
	for (const struct fk_member *m = members_of(gen); m->type; m++)
		if (!strcmp(m->type, type) && !strcmp(m->path, path))
			return m;
	return NULL;
}

static struct vx_error *types_member(struct vx_types *ty, const char *type,
				    const char *path, struct vx_member *out)
{
	struct fake_kernel *fk = (struct fake_kernel *)((char *)ty -
					offsetof(struct fake_kernel, types));
	const struct fk_member *m = find_member(fk->gen, type, path);

	for (size_t i = 0; i < fk->nr_moved; i++) {
		if (!strcmp(fk->moved[i].type, type) &&
		    !strcmp(fk->moved[i].path, path)) {
			out->offset = fk->moved[i].offset;
			out->size = fk->moved[i].size;
			return NULL;
		}
	}
	if (!m)
		return vx_error_create(VX_ERR_NOT_FOUND, "no member %s.%s",
				       type, path);
	out->offset = m->offset;
	out->size = m->size;
	return NULL;
}

static struct vx_error *types_size(struct vx_types *ty, const char *type,
				  uint64_t *size)
{
	struct fake_kernel *fk = (struct fake_kernel *)((char *)ty -
					offsetof(struct fake_kernel, types));

	for (const struct fk_size *s = sizes_of(fk->gen); s->type; s++) {
		if (!strcmp(s->type, type)) {
			*size = s->size;
			return NULL;
		}
	}
	return vx_error_create(VX_ERR_NOT_FOUND, "no type %s", type);
}

static void types_destroy(struct vx_types *ty)
{
}

uint64_t fake_kernel_offset(const struct fake_kernel *fk, const char *type,
			    const char *path)
{
	const struct fk_member *m = find_member(fk->gen, type, path);

	if (!m) {
		fprintf(stderr, "fake_kernel: no member %s.%s\n", type, path);
		abort();
	}
	return m->offset;
}

static uint64_t sizeof_type(const struct fake_kernel *fk, const char *type)
{
	for (const struct fk_size *s = sizes_of(fk->gen); s->type; s++)
		if (!strcmp(s->type, type))
			return s->size;
	abort();
}

#define OFF(type, path) fake_kernel_offset(fk, type, path)

/* ---- memory ------------------------------------------------------------- */

static struct region *region_of(struct fake_kernel *fk, uint64_t addr,
				size_t len)
{
	for (int i = 0; i < NR_REGIONS; i++) {
		struct region *r = &fk->r[i];

		if (r->bytes && addr >= r->addr && addr - r->addr + len <= r->len)
			return r;
	}
	fprintf(stderr, "fake_kernel: 0x%lx is not in fake memory\n",
		(unsigned long)addr);
	abort();
}

void fake_kernel_write(struct fake_kernel *fk, uint64_t addr, const void *data,
		       size_t len)
{
	struct region *r = region_of(fk, addr, len);

	memcpy(r->bytes + (addr - r->addr), data, len);
}

void fake_kernel_put_u64(struct fake_kernel *fk, uint64_t addr, uint64_t val)
{
	fake_kernel_write(fk, addr, &val, 8);
}

void fake_kernel_put_u32(struct fake_kernel *fk, uint64_t addr, uint32_t val)
{
	fake_kernel_write(fk, addr, &val, 4);
}

uint64_t fake_kernel_get_u64(struct fake_kernel *fk, uint64_t addr)
{
	struct region *r = region_of(fk, addr, 8);
	uint64_t v;

	memcpy(&v, r->bytes + (addr - r->addr), 8);
	return v;
}

static uint64_t bump(struct region *r, uint64_t size, uint64_t align)
{
	uint64_t addr;

	r->used = (r->used + align - 1) & ~(align - 1);
	if (r->used + size > r->len) {
		fprintf(stderr, "fake_kernel: region 0x%lx full\n",
			(unsigned long)r->addr);
		abort();
	}
	addr = r->addr + r->used;
	r->used += size;
	return addr;
}

uint64_t fake_kernel_alloc(struct fake_kernel *fk, uint64_t size)
{
	return bump(&fk->r[R_HEAP], size, 64);
}

uint64_t fake_kernel_valloc(struct fake_kernel *fk, uint64_t size)
{
	return bump(&fk->r[R_VALLOC], size, 4096);
}

static void region_init(struct region *r, uint64_t addr, size_t len)
{
	r->addr = addr;
	r->len = len;
	r->used = 0;
	r->bytes = calloc(1, len);
	if (!r->bytes)
		abort();
}

/* ---- symbols and globals ------------------------------------------------ */

void fake_kernel_add_symbol(struct fake_kernel *fk, char type, const char *name,
			    uint64_t addr)
{
	struct fk_sym *s;

	fk->syms = realloc(fk->syms, (fk->nr_syms + 1) * sizeof(*fk->syms));
	if (!fk->syms)
		abort();
	s = &fk->syms[fk->nr_syms];
	snprintf(s->text, sizeof(s->text), "%c%s", type, name);
	s->addr = addr;
	s->order = fk->nr_syms++;
}

uint64_t fake_kernel_add_text(struct fake_kernel *fk, const char *name,
			      uint64_t size)
{
	uint64_t addr = fk->next_text;

	fake_kernel_add_symbol(fk, 'T', name, addr);
	fk->next_text += size;
	return addr;
}

static uint64_t add_global(struct fake_kernel *fk, char type, const char *name,
			   uint64_t size)
{
	uint64_t addr = bump(&fk->r[R_DATA], size, 64);

	fake_kernel_add_symbol(fk, type, name, addr);
	fk->globals[fk->nr_globals].name = name;
	fk->globals[fk->nr_globals].addr = addr;
	fk->nr_globals++;
	return addr;
}

uint64_t fake_kernel_new_global(struct fake_kernel *fk, char type,
				const char *name, uint64_t size)
{
	return add_global(fk, type, name, size);
}

uint64_t fake_kernel_global(struct fake_kernel *fk, const char *name)
{
	for (size_t i = 0; i < fk->nr_globals; i++)
		if (!strcmp(fk->globals[i].name, name))
			return fk->globals[i].addr;
	fprintf(stderr, "fake_kernel: no global %s\n", name);
	abort();
}

static void list_init(struct fake_kernel *fk, uint64_t head)
{
	fake_kernel_put_u64(fk, head, head);
	fake_kernel_put_u64(fk, head + 8, head);
}

/* list_add_tail(node, head) */
static void list_add_tail(struct fake_kernel *fk, uint64_t node, uint64_t head)
{
	uint64_t last = fake_kernel_get_u64(fk, head + 8);

	fake_kernel_put_u64(fk, node, head);
	fake_kernel_put_u64(fk, node + 8, last);
	fake_kernel_put_u64(fk, last, node);
	fake_kernel_put_u64(fk, head + 8, node);
}

/* Remember va on the list at head: its tree is built from these. */
static void add_member(struct fake_kernel *fk, uint64_t head, uint64_t va)
{
	if (fk->nr_members == sizeof(fk->members) / sizeof(fk->members[0]))
		abort();
	fk->members[fk->nr_members].head = head;
	fk->members[fk->nr_members++].va = va;
}

static uint64_t vmap_node(struct fake_kernel *fk, int node)
{
	if (node < 0 || node >= NR_VMAP_NODES_ALLOC)
		abort();
	return fk->vmap_nodes + node * sizeof_type(fk, "vmap_node");
}

static void init_vmap_nodes(struct fake_kernel *fk)
{
	uint64_t vn_size = sizeof_type(fk, "vmap_node");
	uint64_t pool_size = sizeof_type(fk, "vmap_pool");

	fk->vmap_nodes = fake_kernel_alloc(fk, NR_VMAP_NODES_ALLOC * vn_size);
	for (int i = 0; i < NR_VMAP_NODES_ALLOC; i++) {
		uint64_t vn = vmap_node(fk, i);

		list_init(fk, vn + OFF("vmap_node", "busy.head"));
		list_init(fk, vn + OFF("vmap_node", "lazy.head"));
		list_init(fk, vn + OFF("vmap_node", "purge_list"));
		for (int p = 0; p < 256; p++)
			list_init(fk, vn + OFF("vmap_node", "pool") +
				  p * pool_size + OFF("vmap_pool", "head"));
	}
	fake_kernel_put_u64(fk, add_global(fk, 'd', "vmap_nodes", 8),
			    fk->vmap_nodes);
	fake_kernel_put_u32(fk, add_global(fk, 'd', "nr_vmap_nodes", 4), 2);
	fake_kernel_put_u32(fk, add_global(fk, 'd', "vmap_zone_size", 4),
			    65536);
}

static unsigned int instances;

struct fake_kernel *fake_kernel_new(enum fk_gen gen)
{
	struct fake_kernel *fk = calloc(1, sizeof(*fk));
	uint64_t states;

	if (!fk)
		abort();
	fk->gen = gen;
	fk->types.source = "fake types";
	fk->types.member = types_member;
	fk->types.size = types_size;
	fk->types.destroy = types_destroy;
	region_init(&fk->r[R_DATA], DATA_BASE, DATA_BYTES);
	region_init(&fk->r[R_HEAP], HEAP_BASE, HEAP_BYTES);
	region_init(&fk->r[R_VALLOC], VALLOC_BASE, VALLOC_BYTES);
	/*
	 * Each fake kernel of a process gets its own vmemmap window, so
	 * struct pages of two kernels never share an address unless a test
	 * asks for it (fake_kernel_reuse_vmemmap).
	 */
	fk->next_pfn = (uint64_t)(instances++ % 4096) * VMEMMAP_PFNS;
	region_init(&fk->r[R_VMEMMAP], FK_VMEMMAP + fk->next_pfn * 64,
		    VMEMMAP_BYTES);
	fk->next_pfn++;
	region_init(&fk->r[R_MODMEM], MODMEM_BASE, MODMEM_BYTES);
	fk->next_text = FIRST_TEXT;
	fk->dump_level = -1;

	/* Image edges; _end only in VMCOREINFO so the last symbol has no successor. */
	fake_kernel_add_symbol(fk, 'T', "_stext", FK_STEXT);
	fake_kernel_add_symbol(fk, 'T', "__init_begin", FK_INIT_BEGIN);
	fake_kernel_add_symbol(fk, 'T', "_sinittext", FK_INIT_BEGIN);
	fake_kernel_add_symbol(fk, 'T', "_einittext", FK_EINITTEXT);
	fake_kernel_add_symbol(fk, 'D', "__init_end", FK_INIT_END);

	if (gen == FK_612 || gen == FK_72) {
		init_vmap_nodes(fk);
	} else {
		list_init(fk, add_global(fk, 'D', "vmap_area_list", 16));
		add_global(fk, 'b', "vmap_area_root", 8);
		if (gen == FK_61)
			add_global(fk, 'b', "purge_vmap_area_root", 8);
		if (gen == FK_510)
			add_global(fk, 'b', "vmap_purge_list", 8);
		else
			list_init(fk, add_global(fk, 'd', "purge_vmap_area_list",
						 16));
		fake_kernel_put_u64(fk, add_global(fk, 'D', "vmalloc_base", 8),
				    FK_VMALLOC_START);
	}
	list_init(fk, add_global(fk, 'd', "free_vmap_area_list", 16));
	add_global(fk, 'b', "free_vmap_area_root", 8);
	add_global(fk, 'b', "vmap_lazy_nr", 8);
	list_init(fk, add_global(fk, 'D', "modules", 16));
	add_global(fk, 'd', "ptr_key", 16);
	fake_kernel_put_u32(fk, add_global(fk, 'D', "nr_node_ids", 4), 4);
	states = add_global(fk, 'D', "node_states",
			    NR_NODE_STATES * NODEMASK_BYTES);
	fake_kernel_put_u64(fk, states + N_HIGH_MEMORY * NODEMASK_BYTES, 0xf);
	return fk;
}

void fake_kernel_free(struct fake_kernel *fk)
{
	if (!fk)
		return;
	for (int i = 0; i < NR_REGIONS; i++)
		free(fk->r[i].bytes);
	free(fk->syms);
	free(fk->vmcoreinfo);
	fake_mem_destroy(fk->target);
	free(fk);
}

enum fk_gen fake_kernel_gen(const struct fake_kernel *fk)
{
	return fk->gen;
}

/* ---- areas -------------------------------------------------------------- */

static uint64_t new_vm_struct(struct fake_kernel *fk, const struct fk_vm *vm)
{
	uint64_t v = fake_kernel_alloc(fk, sizeof_type(fk, "vm_struct"));
	const struct fk_member *order = find_member(fk->gen, "vm_struct",
						    "page_order");
	const struct fk_member *nr = find_member(fk->gen, "vm_struct",
						 "nr_pages");

	fake_kernel_put_u64(fk, v + OFF("vm_struct", "addr"), vm->addr);
	fake_kernel_put_u64(fk, v + OFF("vm_struct", "size"), vm->size);
	fake_kernel_put_u64(fk, v + OFF("vm_struct", "flags"), vm->flags);
	fake_kernel_put_u64(fk, v + OFF("vm_struct", "pages"), vm->pages);
	if (nr->size == 8)
		fake_kernel_put_u64(fk, v + nr->offset, vm->nr_pages);
	else
		fake_kernel_put_u32(fk, v + nr->offset, (uint32_t)vm->nr_pages);
	if (order)
		fake_kernel_put_u32(fk, v + order->offset, vm->page_order);
	fake_kernel_put_u64(fk, v + OFF("vm_struct", "phys_addr"),
			    vm->phys_addr);
	fake_kernel_put_u64(fk, v + OFF("vm_struct", "caller"), vm->caller);
	return v;
}

static uint64_t new_area(struct fake_kernel *fk, uint64_t start, uint64_t end)
{
	uint64_t va = fake_kernel_alloc(fk, sizeof_type(fk, "vmap_area"));

	fake_kernel_put_u64(fk, va + OFF("vmap_area", "va_start"), start);
	fake_kernel_put_u64(fk, va + OFF("vmap_area", "va_end"), end);
	return va;
}

static bool has_nodes(const struct fake_kernel *fk)
{
	return fk->gen == FK_612 || fk->gen == FK_72;
}

uint64_t fake_kernel_add_area(struct fake_kernel *fk, int node, uint64_t start,
			      uint64_t end, const struct fk_vm *vm,
			      uint64_t va_flags, uint64_t *vm_struct)
{
	uint64_t va = new_area(fk, start, end), v = 0, head;

	if (vm)
		v = new_vm_struct(fk, vm);
	fake_kernel_put_u64(fk, va + OFF("vmap_area", "vm"), v);
	if (vm_struct)
		*vm_struct = v;
	if (has_nodes(fk)) {
		fake_kernel_put_u64(fk, va + OFF("vmap_area", "flags"), va_flags);
		head = vmap_node(fk, node) + OFF("vmap_node", "busy.head");
	} else {
		head = fake_kernel_global(fk, "vmap_area_list");
	}
	list_add_tail(fk, va + OFF("vmap_area", "list"), head);
	add_member(fk, head, va);
	return va;
}

uint64_t fake_kernel_add_lazy(struct fake_kernel *fk, int node, uint64_t start,
			      uint64_t end)
{
	uint64_t va = new_area(fk, start, end), head;

	switch (fk->gen) {
	case FK_510:
		/* llist_add(): push at the front through va->purge_list. */
		head = fake_kernel_global(fk, "vmap_purge_list");
		fake_kernel_put_u64(fk, va + OFF("vmap_area", "purge_list"),
				    fake_kernel_get_u64(fk, head));
		fake_kernel_put_u64(fk, head,
				    va + OFF("vmap_area", "purge_list"));
		return va;
	case FK_61:
		head = fake_kernel_global(fk, "purge_vmap_area_list");
		break;
	default:
		head = vmap_node(fk, node) + OFF("vmap_node", "lazy.head");
		break;
	}
	/* A stale vm pointer, as freed areas keep on 6.1+: never followed. */
	fake_kernel_put_u64(fk, va + OFF("vmap_area", "vm"), FK_UNMAPPED);
	list_add_tail(fk, va + OFF("vmap_area", "list"), head);
	add_member(fk, head, va);
	return va;
}

uint64_t fake_kernel_pages(struct fake_kernel *fk, size_t nr, const int *nids,
			   bool in_vmalloc)
{
	uint64_t array = in_vmalloc ? fake_kernel_valloc(fk, nr * 8) :
				      fake_kernel_alloc(fk, nr * 8);

	fk->pages_added = true;
	for (size_t i = 0; i < nr; i++) {
		uint64_t page = FK_VMEMMAP + fk->next_pfn++ * 64;
		/* Low bits: zone, section and page flags the count must ignore. */
		uint64_t flags = (uint64_t)nids[i] << NODES_PGSHIFT |
				 0x3ffffffffff0ULL;

		fake_kernel_put_u64(fk, page, flags);
		fake_kernel_put_u64(fk, array + i * 8, page);
	}
	return array;
}

uint64_t fake_kernel_pages_on(struct fake_kernel *fk, size_t nr, int nid)
{
	int *nids = malloc(nr * sizeof(*nids));
	uint64_t array;

	if (!nids)
		abort();
	for (size_t i = 0; i < nr; i++)
		nids[i] = nid;
	array = fake_kernel_pages(fk, nr, nids, false);
	free(nids);
	return array;
}

void fake_kernel_reuse_vmemmap(struct fake_kernel *fk)
{
	if (fk->pages_added)
		abort();
	fk->r[R_VMEMMAP].addr = FK_VMEMMAP;
	fk->next_pfn = 1;
}

void fake_kernel_set_high_memory(struct fake_kernel *fk, uint64_t nodemask)
{
	fake_kernel_put_u64(fk, fake_kernel_global(fk, "node_states") +
			    N_HIGH_MEMORY * NODEMASK_BYTES, nodemask);
}

void fake_kernel_set_no_numa(struct fake_kernel *fk)
{
	fk->no_numa = true;
}

void fake_kernel_set_vmap_nodes(struct fake_kernel *fk, uint32_t nr)
{
	fake_kernel_put_u32(fk, fake_kernel_global(fk, "nr_vmap_nodes"), nr);
}

void fake_kernel_set_ptr_key(struct fake_kernel *fk, uint64_t k0, uint64_t k1)
{
	uint64_t key = fake_kernel_global(fk, "ptr_key");

	fake_kernel_put_u64(fk, key, k0);
	fake_kernel_put_u64(fk, key + 8, k1);
}

void fake_kernel_drop_kallsyms(struct fake_kernel *fk)
{
	fk->drop_kallsyms = true;
}

void fake_kernel_overstate_num_syms(struct fake_kernel *fk, uint32_t extra)
{
	fk->extra_syms = extra;
}

void fake_kernel_set_kallsyms_base_relative(struct fake_kernel *fk)
{
	if (fk->gen == FK_72)
		abort();	/* 7.0+ tables are pc-relative */
	fk->base_relative = true;
}

void fake_kernel_move_member(struct fake_kernel *fk, const char *type,
			     const char *path, uint64_t offset, uint64_t size)
{
	if (fk->nr_moved == sizeof(fk->moved) / sizeof(fk->moved[0]))
		abort();
	fk->moved[fk->nr_moved].type = type;
	fk->moved[fk->nr_moved].path = path;
	fk->moved[fk->nr_moved].offset = offset;
	fk->moved[fk->nr_moved++].size = size;
}

void fake_kernel_set_max_numnodes(struct fake_kernel *fk, uint64_t n)
{
	fk->max_numnodes = n;
}

void fake_kernel_add_vmcoreinfo(struct fake_kernel *fk, const char *line)
{
	size_t len = strlen(fk->vmcoreinfo_extra);

	if (len + strlen(line) + 2 > sizeof(fk->vmcoreinfo_extra))
		abort();
	snprintf(fk->vmcoreinfo_extra + len,
		 sizeof(fk->vmcoreinfo_extra) - len, "%s\n", line);
}

/* ---- modules ------------------------------------------------------------ */

static void put_module_regions(struct fake_kernel *fk, uint64_t mod,
			       const struct fk_module *m)
{
	uint64_t mm;

	if (has_nodes(fk)) {
		mm = mod + OFF("module", "mem");
		fake_kernel_put_u64(fk, mm + OFF("module_memory", "base"),
				    m->base);
		fake_kernel_put_u32(fk, mm + OFF("module_memory", "size"),
				    m->text_size);
		mm += sizeof_type(fk, "module_memory");	/* MOD_DATA */
		fake_kernel_put_u64(fk, mm + OFF("module_memory", "base"),
				    m->data_base);
		fake_kernel_put_u32(fk, mm + OFF("module_memory", "size"),
				    m->data_size);
		return;
	}
	mm = mod + OFF("module", "core_layout");
	fake_kernel_put_u64(fk, mm + OFF("module_layout", "base"), m->base);
	fake_kernel_put_u32(fk, mm + OFF("module_layout", "size"), m->size);
	fake_kernel_put_u32(fk, mm + OFF("module_layout", "text_size"),
			    m->text_size);
}

void fake_kernel_add_module(struct fake_kernel *fk, const struct fk_module *m)
{
	struct region *mr = &fk->r[R_MODMEM];
	uint64_t mod = bump(mr, sizeof_type(fk, "module"), 64);
	uint64_t ks = bump(mr, sizeof_type(fk, "mod_kallsyms"), 64);
	uint64_t symtab = bump(mr, (m->nr_syms + 1) * ELF64_SYM_SIZE, 64);
	uint64_t strtab, pos;
	size_t strbytes = 1;

	for (size_t i = 0; i < m->nr_syms; i++)
		strbytes += strlen(m->syms[i].name) + 1;
	strtab = bump(mr, strbytes, 8);

	fake_kernel_put_u32(fk, mod + OFF("module", "state"), m->state);
	fake_kernel_write(fk, mod + OFF("module", "name"), m->name,
			  strlen(m->name) + 1);
	put_module_regions(fk, mod, m);
	fake_kernel_put_u64(fk, mod + OFF("module", "kallsyms"), ks);
	fake_kernel_put_u64(fk, ks + OFF("mod_kallsyms", "symtab"), symtab);
	fake_kernel_put_u32(fk, ks + OFF("mod_kallsyms", "num_symtab"),
			    m->nr_syms + 1);
	fake_kernel_put_u64(fk, ks + OFF("mod_kallsyms", "strtab"), strtab);

	/* strtab[0] is "", the null symbol's name. */
	pos = 1;
	for (size_t i = 0; i < m->nr_syms; i++) {
		uint64_t sym = symtab + (i + 1) * ELF64_SYM_SIZE;
		size_t len = strlen(m->syms[i].name) + 1;
		uint16_t shndx = m->syms[i].shndx;

		fake_kernel_put_u32(fk, sym, pos);		/* st_name */
		fake_kernel_write(fk, sym + 6, &shndx, 2);	/* st_shndx */
		fake_kernel_put_u64(fk, sym + 8, m->syms[i].value);
		fake_kernel_write(fk, strtab + pos, m->syms[i].name, len);
		pos += len;
	}
	list_add_tail(fk, mod + OFF("module", "list"),
		      fake_kernel_global(fk, "modules"));
}

/* ---- kallsyms and VMCOREINFO -------------------------------------------- */

struct blob {
	uint8_t *bytes;
	size_t len, cap;
};

static void blob_put(struct blob *b, const void *p, size_t len)
{
	if (!len)
		return;		/* no pointer arithmetic on an empty blob */
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 4096;
		b->bytes = realloc(b->bytes, b->cap);
		if (!b->bytes)
			abort();
	}
	memcpy(b->bytes + b->len, p, len);
	b->len += len;
}

static uint64_t blob_label(struct blob *b, unsigned int align)
{
	static const uint8_t zero[4096];	/* the largest alignment used */

	blob_put(b, zero, (align - b->len % align) % align);
	return KSYMS_BASE + b->len;
}

static int by_address(const void *a, const void *b)
{
	const struct fk_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->order < y->order ? -1 : 1;
}

struct ksyms_loc {
	uint64_t num_syms, names, token_table, token_index, offsets;
	uint64_t relative_base;
};

/*
 * scripts/kallsyms.c's tables with a trivial token table: byte b expands
 * to the one-character string b.  relative_base on 5.10-6.12 (every
 * symbol stored negative, as absolute per-cpu tables store all but the
 * per-cpu ones; or, base_relative, u32 offsets from the lowest address
 * as 6.15-6.19 store them), pc-relative offsets on 7.2.
 */
static struct blob build_kallsyms(struct fake_kernel *fk, struct ksyms_loc *loc)
{
	unsigned int align = fk->gen == FK_72 ? 4 : 8;
	uint64_t rel = FK_STEXT;
	uint32_t count = fk->nr_syms + fk->extra_syms;
	struct blob b = { 0 };
	uint16_t index[256];
	uint64_t table;

	qsort(fk->syms, fk->nr_syms, sizeof(*fk->syms), by_address);
	if (fk->base_relative && fk->nr_syms)
		rel = fk->syms[0].addr;
	loc->num_syms = blob_label(&b, align);
	blob_put(&b, &count, 4);
	loc->names = blob_label(&b, align);
	for (size_t i = 0; i < fk->nr_syms; i++) {
		size_t len = strlen(fk->syms[i].text);
		uint8_t hdr[2] = { len & 0x7f, len >> 7 };

		if (len > 0x7f) {
			hdr[0] |= 0x80;
			blob_put(&b, hdr, 2);
		} else {
			blob_put(&b, hdr, 1);
		}
		blob_put(&b, fk->syms[i].text, len);
	}
	table = loc->token_table = blob_label(&b, align);
	for (int i = 0; i < 256; i++) {
		uint8_t tok[2] = { i, 0 };

		index[i] = KSYMS_BASE + b.len - table;
		blob_put(&b, i ? tok : tok + 1, i ? 2 : 1);
	}
	loc->token_index = blob_label(&b, align);
	blob_put(&b, index, sizeof(index));
	loc->offsets = blob_label(&b, align);
	for (size_t i = 0; i < fk->nr_syms; i++) {
		uint64_t addr = fk->syms[i].addr;
		int32_t off;

		if (fk->gen == FK_72)
			off = (int32_t)(addr - (loc->offsets + 4 * i));
		else if (fk->base_relative)
			off = (int32_t)(uint32_t)(addr - rel);
		else
			off = (int32_t)(rel - 1 - addr);
		blob_put(&b, &off, 4);
	}
	loc->relative_base = 0;
	if (fk->gen != FK_72) {
		loc->relative_base = blob_label(&b, align);
		blob_put(&b, &rel, 8);
	}
	/* What follows the tables in .rodata: readable, not part of them. */
	blob_label(&b, 4096);
	for (size_t i = 0; i < KSYMS_TAIL; i += 4096) {
		static const uint8_t zero[4096];

		blob_put(&b, zero, sizeof(zero));
	}
	return b;
}

static const char *release_of(enum fk_gen gen)
{
	static const char *const r[] = {
		"5.10.0-32-amd64", "6.1.0-50-amd64", "6.12.117+deb13-amd64",
		"7.2.13+deb14-amd64",
	};

	return r[gen];
}

static void build_vmcoreinfo(struct fake_kernel *fk, const struct ksyms_loc *loc)
{
	char *text;
	size_t size;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		abort();
	fprintf(f, "OSRELEASE=%s\nPAGESIZE=4096\n", release_of(fk->gen));
	/* Before the defaults below: the first of equal keys counts. */
	fputs(fk->vmcoreinfo_extra, f);
	fprintf(f, "SYMBOL(_stext)=%lx\n", (unsigned long)FK_STEXT);
	fprintf(f, "SYMBOL(_end)=%lx\n", (unsigned long)FK_END);
	if (!fk->drop_kallsyms) {
		fprintf(f, "SYMBOL(kallsyms_names)=%lx\n",
			(unsigned long)loc->names);
		fprintf(f, "SYMBOL(kallsyms_num_syms)=%lx\n",
			(unsigned long)loc->num_syms);
		fprintf(f, "SYMBOL(kallsyms_token_table)=%lx\n",
			(unsigned long)loc->token_table);
		fprintf(f, "SYMBOL(kallsyms_token_index)=%lx\n",
			(unsigned long)loc->token_index);
		fprintf(f, "SYMBOL(kallsyms_offsets)=%lx\n",
			(unsigned long)loc->offsets);
		if (loc->relative_base)
			fprintf(f, "SYMBOL(kallsyms_relative_base)=%lx\n",
				(unsigned long)loc->relative_base);
	}
	fprintf(f, "LENGTH(node_data)=%lu\nSIZE(nodemask_t)=128\n",
		(unsigned long)(fk->max_numnodes ? fk->max_numnodes : 1024));
	fprintf(f, "NUMBER(pgtable_l5_enabled)=0\n");
	fprintf(f, "NUMBER(KERNEL_IMAGE_SIZE)=1073741824\n");
	if (has_nodes(fk))
		fprintf(f, "NUMBER(VMALLOC_START)=0x%lx\n",
			(unsigned long)FK_VMALLOC_START);
	fprintf(f, "KERNELOFFSET=0\n");
	fclose(f);
	fk->vmcoreinfo = text;
}

/* Rename a global so that symbol lookups do not find it. */
void fake_kernel_exclude_page(struct fake_kernel *fk, uint64_t addr)
{
	if (fk->nr_excluded == sizeof(fk->excluded) / sizeof(fk->excluded[0]))
		abort();
	fk->excluded[fk->nr_excluded++] = addr;
}

void fake_kernel_set_dump_level(struct fake_kernel *fk, int level)
{
	fk->dump_level = level;
}

/* ---- kernel page tables ------------------------------------------------ */

#define FK_PAGE_OFFSET	0xffff888000000000ULL

/* A zeroed, page-aligned page table in the direct map; its physical address. */
static uint64_t new_table(struct fake_kernel *fk)
{
	fake_kernel_next_page(fk);
	return fake_kernel_alloc(fk, 4096) - FK_PAGE_OFFSET;
}

/* The table the entry for vaddr at shift in table (virtual) leads to. */
static uint64_t next_level(struct fake_kernel *fk, uint64_t table,
			   uint64_t vaddr, int shift)
{
	uint64_t slot = table + ((vaddr >> shift) & 511) * 8;
	uint64_t entry = fake_kernel_get_u64(fk, slot);

	if (!entry) {
		entry = new_table(fk) | 0x63;
		fake_kernel_put_u64(fk, slot, entry);
	}
	return (entry & 0x000ffffffffff000ULL) + FK_PAGE_OFFSET;
}

static void ensure_pgd(struct fake_kernel *fk);

void fake_kernel_map_pages(struct fake_kernel *fk, uint64_t vaddr,
			   uint64_t pages, size_t nr)
{
	ensure_pgd(fk);
	for (size_t i = 0; i < nr; i++) {
		uint64_t va = vaddr + i * 4096, t = fk->pgd;
		uint64_t page = fake_kernel_get_u64(fk, pages + i * 8);

		for (int shift = 39; shift > 12; shift -= 9)
			t = next_level(fk, t, va, shift);
		fake_kernel_put_u64(fk, t + ((va >> 12) & 511) * 8,
				    ((page - FK_VMEMMAP) / 64) << 12 | 0x63);
	}
}

static void ensure_pgd(struct fake_kernel *fk)
{
	if (fk->pgd)
		return;
	/* init_top_pgt is in the kernel image, the rest in the heap. */
	fk->pgd = add_global(fk, 'D', "init_top_pgt", 4096);
	fake_kernel_put_u64(fk, add_global(fk, 'D', "page_offset_base", 8),
			    FK_PAGE_OFFSET);
	fake_kernel_put_u64(fk, add_global(fk, 'D', "vmemmap_base", 8),
			    FK_VMEMMAP);
}

uint64_t fake_kernel_struct_page(struct fake_kernel *fk, uint64_t addr)
{
	uint64_t page = FK_VMEMMAP + ((addr - FK_PAGE_OFFSET) >> 12) * 64;
	uint64_t va = page & ~4095ULL, t;

	if (fk->r[R_VMEMMAP].addr != FK_VMEMMAP)
		abort();	/* needs fake_kernel_reuse_vmemmap() */
	ensure_pgd(fk);
	t = fk->pgd;
	for (int shift = 39; shift > 12; shift -= 9)
		t = next_level(fk, t, va, shift);
	/* Any frame will do: the fake target reads virtual addresses. */
	fake_kernel_put_u64(fk, t + ((va >> 12) & 511) * 8, 1ULL << 12 | 0x63);
	return page;
}

void fake_kernel_map_run(struct fake_kernel *fk, uint64_t vaddr, size_t nr)
{
	ensure_pgd(fk);
	for (size_t i = 0; i < nr; i++) {
		uint64_t va = vaddr + i * 4096, t = fk->pgd;

		for (int shift = 39; shift > 12; shift -= 9)
			t = next_level(fk, t, va, shift);
		fake_kernel_put_u64(fk, t + ((va >> 12) & 511) * 8,
				    1ULL << 12 | 0x63);
	}
}

void fake_kernel_next_page(struct fake_kernel *fk)
{
	bump(&fk->r[R_HEAP], 0, 4096);
}

/* ---- rb-trees of the lists ---------------------------------------------- */

static int by_start(const void *a, const void *b, void *fk)
{
	uint64_t x = fake_kernel_get_u64(fk, *(const uint64_t *)a);
	uint64_t y = fake_kernel_get_u64(fk, *(const uint64_t *)b);

	return x < y ? -1 : x > y;
}

/* Balanced subtree of vas[lo, hi) under parent (an rb_node, 0 = root). */
static uint64_t build_subtree(struct fake_kernel *fk, const uint64_t *vas,
			      size_t lo, size_t hi, uint64_t parent)
{
	uint64_t rb_off = OFF("vmap_area", "rb_node"), rb;
	size_t mid = lo + (hi - lo) / 2;

	if (lo >= hi)
		return 0;
	rb = vas[mid] + rb_off;
	/* Colour bit 1 (black) on every node: vmapx never reads colours. */
	fake_kernel_put_u64(fk, rb + OFF("rb_node", "__rb_parent_color"),
			    parent | 1);
	fake_kernel_put_u64(fk, rb + OFF("rb_node", "rb_left"),
			    build_subtree(fk, vas, lo, mid, rb));
	fake_kernel_put_u64(fk, rb + OFF("rb_node", "rb_right"),
			    build_subtree(fk, vas, mid + 1, hi, rb));
	return rb;
}

/*
 * The tree at root of the areas added to the list at head, from what was
 * added, not from the list pointers: a test that corrupts the list
 * leaves the tree as the kernel had it.
 */
static void build_tree(struct fake_kernel *fk, uint64_t head, uint64_t root)
{
	uint64_t vas[sizeof(fk->members) / sizeof(fk->members[0])];
	size_t n = 0;

	for (size_t i = 0; i < fk->nr_members; i++)
		if (fk->members[i].head == head)
			vas[n++] = fk->members[i].va;
	qsort_r(vas, n, sizeof(vas[0]), by_start, fk);
	fake_kernel_put_u64(fk, root, build_subtree(fk, vas, 0, n, 0));
}

static void build_trees(struct fake_kernel *fk)
{
	if (!has_nodes(fk)) {
		build_tree(fk, fake_kernel_global(fk, "vmap_area_list"),
			   fake_kernel_global(fk, "vmap_area_root"));
		if (fk->gen == FK_61)
			build_tree(fk, fake_kernel_global(fk, "purge_vmap_area_list"),
				   fake_kernel_global(fk, "purge_vmap_area_root"));
		return;
	}
	for (int i = 0; i < NR_VMAP_NODES_ALLOC; i++) {
		uint64_t vn = vmap_node(fk, i);

		build_tree(fk, vn + OFF("vmap_node", "busy.head"),
			   vn + OFF("vmap_node", "busy.root"));
		build_tree(fk, vn + OFF("vmap_node", "lazy.head"),
			   vn + OFF("vmap_node", "lazy.root"));
	}
}

static void hide_symbol(struct fake_kernel *fk, const char *name)
{
	for (size_t i = 0; i < fk->nr_syms; i++)
		if (!strcmp(fk->syms[i].text + 1, name))
			snprintf(fk->syms[i].text + 1,
				 sizeof(fk->syms[i].text) - 1, "hidden_%s",
				 name);
}

struct vx_target *fake_kernel_target(struct fake_kernel *fk)
{
	struct ksyms_loc loc;
	struct blob ksyms;
	struct vx_target *t;

	if (fk->target)
		return fk->target;
	if (fk->no_numa)
		hide_symbol(fk, "nr_node_ids");
	build_trees(fk);
	ksyms = build_kallsyms(fk, &loc);
	build_vmcoreinfo(fk, &loc);
	t = fake_mem_create();
	for (int i = 0; i < NR_REGIONS; i++)
		if (fk->r[i].bytes)
			fake_mem_add(t, fk->r[i].addr, fk->r[i].bytes,
				     fk->r[i].len);
	/* Without kallsyms in VMCOREINFO the tables are not in memory either. */
	if (!fk->drop_kallsyms)
		fake_mem_add(t, KSYMS_BASE, ksyms.bytes, ksyms.len);
	free(ksyms.bytes);
	for (size_t i = 0; i < fk->nr_excluded; i++)
		fake_mem_exclude(t, fk->excluded[i]);
	fake_mem_set_dump_level(t, fk->dump_level);
	t->vmcoreinfo = fk->vmcoreinfo;
	t->types = &fk->types;
	t->name = "fake kernel";
	fk->target = t;
	return t;
}

struct vx_error *fake_kernel_vmallocinfo(struct fake_kernel *fk,
					 enum vx_kptr mode, char **text,
					 struct vx_kernel **kp,
					 struct vx_report *r)
{
	struct vx_report own;
	struct vx_kernel *k;
	struct vx_vmap m;
	struct vx_error *err;
	size_t size;
	FILE *f;

	*text = NULL;
	err = vx_kernel_open(fake_kernel_target(fk), &k);
	if (err)
		return err;
	vx_report_init(&own);
	if (!r)
		r = &own;
	/* As vx_dispatch() runs the default mode. */
	vx_kernel_report(k, mode == VX_KPTR_HASH, r);
	err = vx_walk(k, r, VX_WALK_PRINTED, &m);
	if (!err) {
		f = open_memstream(text, &size);
		if (!f)
			abort();
		err = vx_print_vmallocinfo(k, r, &m, mode, f);
		fclose(f);
		vx_vmap_free(&m);
		vx_symbolize_report(k, r);
		if (err) {
			free(*text);
			*text = NULL;
		}
	}
	vx_report_fini(&own);
	if (kp && !err)
		*kp = k;
	else
		vx_kernel_close(k);
	return err;
}

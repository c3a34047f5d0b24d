/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * struct vx_kernel: what the core knows about the dumped kernel once it is
 * opened: symbols (kallsyms), types (BTF, DWARF or crash), the layout of
 * the structures the walker reads, the address-space bases and the
 * features that tell one kernel generation from another.  Features are
 * detected from symbols and members, never from version numbers.
 */
#ifndef VMAPX_KERNEL_H
#define VMAPX_KERNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "kallsyms.h"
#include "report.h"
#include "target.h"
#include "types.h"
#include "vmcoreinfo.h"

#define VX_ABSENT UINT64_MAX
/* vmap_area and vm_struct are 64-80 bytes; anything past this is bogus. */
#define VX_MAX_STRUCT_BYTES 256

struct vx_layout {
	/* struct vmap_area */
	uint64_t va_sizeof, va_start, va_end, va_list, va_vm, va_purge_list;
	uint64_t va_flags;		/* VX_ABSENT before 6.3 */
	uint64_t va_subtree_max_size;
	/* struct vm_struct */
	uint64_t vm_sizeof, vm_addr, vm_size, vm_flags, vm_pages, vm_nr_pages;
	uint64_t vm_nr_pages_size;	/* 4, or 8 from 7.x (printed %lu) */
	uint64_t vm_page_order;		/* VX_ABSENT without huge vmalloc */
	uint64_t vm_phys_addr, vm_caller;
	/* struct vmap_node, 6.9+ */
	uint64_t vn_sizeof, vn_busy_head, vn_lazy_head, vn_purge_list;
	uint64_t vn_busy_root, vn_lazy_root;	/* VX_ABSENT: no tree */
	uint64_t vn_pool, vn_pool_count, pool_sizeof, pool_head, pool_len;
	/* struct module and friends */
	uint64_t mod_list, mod_name, mod_name_size, mod_state, mod_kallsyms;
	uint64_t mod_core_layout, mod_init_layout;	/* <= 6.3 */
	uint64_t ml_base, ml_size, ml_text_size;
	uint64_t mod_mem, mod_mem_count, mm_sizeof, mm_base, mm_size;
	uint64_t mm_size_size;
	uint64_t mk_symtab, mk_num_symtab, mk_strtab;
	/* struct rb_root / rb_node for the free tree */
	uint64_t va_rb_node, rb_left, rb_right;
	uint64_t rb_parent;		/* __rb_parent_color */
};

struct vx_modules;
struct vx_caller_cache;
struct vx_page_cache;
struct vx_recovery;

struct vx_kernel {
	struct vx_target *t;
	struct vx_vmcoreinfo vmci;
	struct vx_kallsyms *ksyms;
	struct vx_kallsyms_loc ksyms_loc;
	struct vx_types *types;
	bool own_types;
	struct vx_layout l;
	char release[65];

	/* Features. */
	bool has_nodes;		/* per-node vmap_nodes (6.9+) */
	bool lazy_llist;	/* vmap_purge_list llist (<= 5.10) */
	bool lazy_merged_list;	/* purge_vmap_area_list (5.11 - 6.8) */
	bool has_va_flags;	/* vm == NULL printed only with VMAP_RAM */
	bool has_mod_mem;	/* struct module has mem[] (6.4+) */
	bool numa;		/* CONFIG_NUMA: nr_node_ids is a variable */

	/* Address space. */
	int paging_levels;
	uint64_t kernel_offset;
	uint64_t vmalloc_start, vmalloc_end;	/* end inclusive */
	uint64_t modules_start, modules_end;	/* end exclusive */

	/* %pK */
	uint64_t ptr_key[2];
	bool no_hash_pointers;
	bool weak_hash;

	/* NUMA: page_to_nid() and N_HIGH_MEMORY. */
	uint32_t nr_node_ids;
	unsigned int nodes_shift, nodes_pgshift;
	uint64_t high_memory_nodes[16];	/* nodemask of N_HIGH_MEMORY */

	/* Kernel image edges for %pS (is_ksym_addr and end-of-table sizes). */
	uint64_t stext, end, sinittext, einittext, init_begin, init_end;

	struct vx_modules *mods;
	struct vx_caller_cache *callers;
	struct vx_page_cache *page_cache;	/* vmemmap pages, format_numa.c */

	/* What broken lists recovered and lost (recover.c), or NULL. */
	struct vx_recovery *recovery;
	/*
	 * Leave out the lines with fields marked unknown (a filtered dump),
	 * for output that is parsed back (--diff): set around one print.
	 */
	bool only_known_lines;

	/*
	 * A live target (t->live): the first sign, in the walk under way,
	 * that the kernel changed a list while it was read (walk.c), or NULL.
	 */
	char *walk_moved;

	/*
	 * What the open could not learn (NULL: learned).  It is no skip of
	 * its own: a run whose output depends on it reports it
	 * (vx_kernel_report), other runs are complete without it.
	 */
	char *ptr_key_error;		/* %pK hashes unavailable */
	char *module_layout_error;	/* callers in modules print as addresses */
};

/*
 * Open the kernel behind target t.  Symbols: VMCOREINFO, then
 * t->symbol (a vmlinux), then a scan of the image.  Types: t->types if
 * set, else the BTF in the dump.
 */
struct vx_error *vx_kernel_open(struct vx_target *t, struct vx_kernel **out);
void vx_kernel_close(struct vx_kernel *k);

/* Address of a kernel symbol (kallsyms, VMCOREINFO, or the target). */
struct vx_error *vx_kernel_symbol(struct vx_kernel *k, const char *name,
				  uint64_t *addr);
/*
 * Add to r what the open could not learn and a run depends on: the module
 * layout (every run names callers) and, with hashes (the run prints or
 * matches %pK hashes), ptr_key.
 */
void vx_kernel_report(struct vx_kernel *k, bool hashes, struct vx_report *r);
/* Describe the sources used (for -v). */
void vx_kernel_describe(struct vx_kernel *k, FILE *f);

/* %pS: "sym+0xoff/0xsize [mod]" or "0x..." into buf. */
const char *vx_symbolize(struct vx_kernel *k, uint64_t addr, char *buf,
			 size_t size);
/*
 * The module list is read once, at the first caller outside vmlinux: if
 * it could not be read whole, say so on r (a run that named callers).
 */
void vx_symbolize_report(struct vx_kernel *k, struct vx_report *r);

/* Is addr inside [VMALLOC_START, VMALLOC_END) (is_vmalloc_addr)? */
static inline bool vx_is_vmalloc_addr(const struct vx_kernel *k, uint64_t addr)
{
	return addr >= k->vmalloc_start && addr < k->vmalloc_end;
}

/* Private to lib/: kernel_symbolize.c */
void vx_symbolizer_free(struct vx_kernel *k);
/*
 * The loaded modules (the list the symbolizer reads): the name of the
 * i-th and the bytes of its memory (every core/init region or mem[]
 * type) that lie in [lo, hi).  False past the last module.
 */
bool vx_module_memory(struct vx_kernel *k, size_t i, uint64_t lo, uint64_t hi,
		      const char **name, uint64_t *bytes);
/*
 * The address of symbol name of the loaded module mod (its kallsyms
 * symtab: data symbols too with CONFIG_KALLSYMS_ALL), VX_ERR_NOT_FOUND if
 * mod is not loaded or has no such defined symbol.
 */
struct vx_error *vx_module_symbol(struct vx_kernel *k, const char *mod,
				  const char *name, uint64_t *addr);

#endif

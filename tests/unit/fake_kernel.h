/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An in-memory fake kernel for the core's unit tests: kallsyms tables,
 * VMCOREINFO, a table-driven type source with the Debian layouts of one
 * generation (5.10, 6.1, 6.12, 7.2), the vmalloc lists, struct pages with
 * node ids, modules with their symbol tables.  Tests build the state with
 * the calls below, then fake_kernel_target() freezes it into a fake_mem
 * target that vx_kernel_open() reads.  Mutations after that are not seen.
 */
#ifndef VMAPX_TESTS_FAKE_KERNEL_H
#define VMAPX_TESTS_FAKE_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "kernel.h"
#include "target.h"

enum fk_gen { FK_510, FK_61, FK_612, FK_72 };

/* Fixed addresses of the fake kernel (KERNELOFFSET 0, 4-level paging). */
#define FK_STEXT		0xffffffff81000000ULL
#define FK_INIT_BEGIN		0xffffffff82800000ULL	/* = _sinittext */
#define FK_EINITTEXT		0xffffffff82810000ULL
#define FK_INIT_END		0xffffffff82820000ULL
#define FK_END			0xffffffff84000000ULL	/* _end */
#define FK_VMALLOC_START	0xffffc90000000000ULL
#define FK_VMALLOC_END		(FK_VMALLOC_START + (32ULL << 40) - 1)
#define FK_VMEMMAP		0xffffea0000000000ULL	/* vmemmap_base */
#define FK_UNMAPPED		0xffff888100000000ULL	/* no memory there */

/* What vm_struct holds; pages is the address of the pages[] array. */
struct fk_vm {
	uint64_t addr, size, flags, pages, nr_pages, phys_addr, caller;
	uint32_t page_order;
};

/* One Elf64_Sym of a module (index 0, the null symbol, is added for you). */
struct fk_modsym {
	const char *name;
	uint64_t value;
	uint16_t shndx;		/* 0 = SHN_UNDEF; give 1 for a defined symbol */
};

struct fk_module {
	const char *name;
	int state;		/* 0 LIVE ... 3 UNFORMED */
	/* 5.10/6.1 core_layout: [base, base + size), text [base, base + text_size). */
	uint64_t base, size, text_size;
	/* 6.12/7.2 mem[MOD_TEXT] = [base, base + text_size), mem[MOD_DATA] below. */
	uint64_t data_base, data_size;
	const struct fk_modsym *syms;
	size_t nr_syms;
};

struct fake_kernel;

struct fake_kernel *fake_kernel_new(enum fk_gen gen);
void fake_kernel_free(struct fake_kernel *fk);
enum fk_gen fake_kernel_gen(const struct fake_kernel *fk);

/* Type layout of this generation: offset of "type", "member" (abort if absent). */
uint64_t fake_kernel_offset(const struct fake_kernel *fk, const char *type,
			    const char *path);

/*
 * A kallsyms symbol (type letter + name) at addr.  Symbols at equal
 * addresses keep the order they were added in (the kernel's table order).
 */
void fake_kernel_add_symbol(struct fake_kernel *fk, char type, const char *name,
			    uint64_t addr);
/* A text symbol of size bytes after the previous one; returns its address. */
uint64_t fake_kernel_add_text(struct fake_kernel *fk, const char *name,
			      uint64_t size);
/* Zeroed memory in the direct map (kmalloc), 64-byte aligned. */
uint64_t fake_kernel_alloc(struct fake_kernel *fk, uint64_t size);
/* Zeroed memory inside [VMALLOC_START, VMALLOC_END) (a vmalloc'd pages[]). */
uint64_t fake_kernel_valloc(struct fake_kernel *fk, uint64_t size);
void fake_kernel_write(struct fake_kernel *fk, uint64_t addr, const void *data,
		       size_t len);
void fake_kernel_put_u64(struct fake_kernel *fk, uint64_t addr, uint64_t val);
void fake_kernel_put_u32(struct fake_kernel *fk, uint64_t addr, uint32_t val);
uint64_t fake_kernel_get_u64(struct fake_kernel *fk, uint64_t addr);
/* Address of a global the fake kernel defines ("vmap_area_list", ...). */
uint64_t fake_kernel_global(struct fake_kernel *fk, const char *name);

/*
 * A busy area on the busy list (5.10/6.1: vmap_area_list, in call order;
 * 6.12+: vmap_nodes[node].busy, in call order).  The busy rb-tree
 * (vmap_area_root, busy.root) is built from the list at
 * fake_kernel_target(), balanced, by address; so are the lazy trees.  vm NULL: va->vm = NULL.
 * va_flags is written on 6.12+ only.  Returns the vmap_area's address;
 * *vm_struct (if not NULL) gets the vm_struct's.
 */
uint64_t fake_kernel_add_area(struct fake_kernel *fk, int node, uint64_t start,
			      uint64_t end, const struct fk_vm *vm,
			      uint64_t va_flags, uint64_t *vm_struct);
/*
 * A lazily freed area: 5.10 pushed on the vmap_purge_list llist (so the
 * last added comes first), 6.1 appended to purge_vmap_area_list, 6.12+
 * appended to vmap_nodes[node].lazy.
 */
uint64_t fake_kernel_add_lazy(struct fake_kernel *fk, int node, uint64_t start,
			      uint64_t end);
/*
 * nr struct pages in the vmemmap on nodes nids[i] (page->flags carries
 * the node in bits 54-63 and junk below), and a pages[] array pointing at
 * them, in the direct map or (in_vmalloc) in the vmalloc range.
 */
uint64_t fake_kernel_pages(struct fake_kernel *fk, size_t nr, const int *nids,
			   bool in_vmalloc);
/*
 * Put this kernel's struct pages at the first vmemmap addresses (pfn 1
 * up), where every kernel made with this call puts them; by default each
 * fake kernel of a process has its own pfns.  Call before any pages.
 */
void fake_kernel_reuse_vmemmap(struct fake_kernel *fk);
/* All nr pages on one node. */
uint64_t fake_kernel_pages_on(struct fake_kernel *fk, size_t nr, int nid);

/* NUMA: default nr_node_ids 4, N_HIGH_MEMORY = nodes 0-3. */
void fake_kernel_set_high_memory(struct fake_kernel *fk, uint64_t nodemask);
/* No nr_node_ids symbol: a !CONFIG_NUMA kernel, no N<n>= fields. */
void fake_kernel_set_no_numa(struct fake_kernel *fk);
/* 6.12+: nr_vmap_nodes (default 2 of the 4 allocated nodes). */
void fake_kernel_set_vmap_nodes(struct fake_kernel *fk, uint32_t nr);
void fake_kernel_set_ptr_key(struct fake_kernel *fk, uint64_t k0, uint64_t k1);
/*
 * The type source answers offset and size for type.path (strings kept,
 * not copied): corrupt type information.  At most four.
 */
void fake_kernel_move_member(struct fake_kernel *fk, const char *type,
			     const char *path, uint64_t offset, uint64_t size);
/* VMCOREINFO LENGTH(node_data), MAX_NUMNODES (default 1024). */
void fake_kernel_set_max_numnodes(struct fake_kernel *fk, uint64_t n);

void fake_kernel_add_module(struct fake_kernel *fk, const struct fk_module *m);

/* Leave every SYMBOL(kallsyms_*) line out of VMCOREINFO. */
void fake_kernel_drop_kallsyms(struct fake_kernel *fk);
/* Claim extra more symbols in kallsyms_num_syms than kallsyms_names has. */
void fake_kernel_overstate_num_syms(struct fake_kernel *fk, uint32_t extra);

/*
 * 5.10-6.12 generations: kallsyms_offsets as 6.15-6.19 write them (u32
 * from kallsyms_relative_base, no absolute per-cpu symbols) instead of
 * the absolute per-cpu form of those releases.
 */
void fake_kernel_set_kallsyms_base_relative(struct fake_kernel *fk);
/* A "KEY=value" line of VMCOREINFO, ahead of (so instead of) the defaults. */
void fake_kernel_add_vmcoreinfo(struct fake_kernel *fk, const char *line);
/*
 * A filtered dump: the 4 KiB page holding addr is left out of the
 * target (reads fail, excluded() says 1); the dump level the target
 * reports (default -1, none recorded).  Call before fake_kernel_target.
 */
void fake_kernel_exclude_page(struct fake_kernel *fk, uint64_t addr);
void fake_kernel_set_dump_level(struct fake_kernel *fk, int level);
/*
 * Kernel page tables (init_top_pgt, 4-level) mapping vaddr + i * 4 KiB
 * to the page frame of struct page pages[i] (pages: a pages[] array),
 * for i < nr; adds init_top_pgt, page_offset_base and vmemmap_base.
 */
void fake_kernel_map_pages(struct fake_kernel *fk, uint64_t vaddr,
			   uint64_t pages, size_t nr);
/* A global of size bytes in the kernel image, named in kallsyms. */
uint64_t fake_kernel_new_global(struct fake_kernel *fk, char type,
				const char *name, uint64_t size);
/*
 * The struct page of the direct-map address addr, its vmemmap page
 * mapped in the kernel page tables (for a scan of the memory map).
 * Needs fake_kernel_reuse_vmemmap().
 */
uint64_t fake_kernel_struct_page(struct fake_kernel *fk, uint64_t addr);
/* Map nr pages at vaddr in the kernel page tables (frames unspecified). */
void fake_kernel_map_run(struct fake_kernel *fk, uint64_t vaddr, size_t nr);
/* Start the next fake_kernel_alloc() on a page of its own. */
void fake_kernel_next_page(struct fake_kernel *fk);

/* Freeze the state into a target (built once; later calls return it). */
struct vx_target *fake_kernel_target(struct fake_kernel *fk);

/*
 * Open, walk (printed states) and print /proc/vmallocinfo in mode, as
 * the default mode runs.  Returns the error of the first step that
 * failed; *text (malloc'd) is set on success.  kp: if not NULL the
 * opened kernel is kept there (the caller closes it); else it is closed.
 * r: the run's report (skips), or NULL to drop it.
 */
struct vx_error *fake_kernel_vmallocinfo(struct fake_kernel *fk,
					 enum vx_kptr mode, char **text,
					 struct vx_kernel **kp,
					 struct vx_report *r);

#endif

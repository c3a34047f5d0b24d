/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's own symbol tables (kallsyms), decoded from the dump.
 * They name every caller exactly as %pS did, and in no-vmlinux mode they
 * are the symbol source for the walker too.
 */
#ifndef VMAPX_KALLSYMS_H
#define VMAPX_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct vx_target;
struct vx_vmcoreinfo;

/* How kallsyms_offsets[] hold addresses (kallsyms.c has the rules). */
enum vx_ksym_encoding {
	VX_KSYM_ABSOLUTE_PERCPU,	/* up to 6.14 */
	VX_KSYM_BASE_RELATIVE,		/* 6.15-6.19 */
	VX_KSYM_PC_RELATIVE,		/* 7.0+ */
};

/* Runtime (KASLR-applied) addresses of the tables; 0 where absent. */
struct vx_kallsyms_loc {
	uint64_t num_syms;
	uint64_t names;
	uint64_t markers;
	uint64_t token_table;
	uint64_t token_index;
	uint64_t offsets;
	uint64_t relative_base;	/* 0 on pc-relative kernels (7.0+) */
	uint64_t seqs_of_names;	/* 0 before 6.1 */
	const char *how;	/* "VMCOREINFO", "vmlinux symtab", "scan", ... */
};

/*
 * Find the tables by scanning the kernel image [start, end) (kernel
 * virtual addresses, e.g. _stext and _stext + 64 MiB) for the layouts
 * kallsyms_scan.c lists.  Fills every field it finds;
 * VX_ERR_NOT_FOUND if no consistent set of tables is there.
 */
struct vx_error *vx_kallsyms_scan(struct vx_target *t, uint64_t start,
				  uint64_t end, struct vx_kallsyms_loc *loc);

/* Decoded tables. */
struct vx_kallsyms;

/*
 * Read and decode the tables at loc; validates counts, lengths and order,
 * and picks the address encoding the dump agrees with: text symbols in the
 * kernel image mapping and, with check (the dump's VMCOREINFO, may be
 * NULL), every SYMBOL(name)=addr kallsyms knows at addr and _text minus
 * KERNELOFFSET a link address.  VX_ERR_INVALID naming the failed check
 * of every encoding tried if none agrees.
 */
struct vx_error *vx_kallsyms_load(struct vx_target *t,
				  const struct vx_kallsyms_loc *loc,
				  const struct vx_vmcoreinfo *check,
				  struct vx_kallsyms **out);
enum vx_ksym_encoding vx_kallsyms_encoding(const struct vx_kallsyms *ks);
const char *vx_kallsyms_encoding_name(enum vx_ksym_encoding e);
void vx_kallsyms_free(struct vx_kallsyms *ks);
uint32_t vx_kallsyms_count(const struct vx_kallsyms *ks);
/* Address of the first symbol of that name (VX_ERR_NOT_FOUND if none). */
struct vx_error *vx_kallsyms_lookup_name(struct vx_kallsyms *ks,
					 const char *name, uint64_t *addr);
/*
 * get_symbol_pos(): the lowest-index symbol among those at the highest
 * address <= addr, and the first higher address after it (0 if none; the
 * caller applies the kernel's end-of-section fallback).  False if addr is
 * below every symbol.
 */
bool vx_kallsyms_lookup_addr(const struct vx_kallsyms *ks, uint64_t addr,
			     uint32_t *index, uint64_t *start, uint64_t *next);
/* Name (without the type letter) and type letter of symbol index. */
const char *vx_kallsyms_name(struct vx_kallsyms *ks, uint32_t index,
			     char *type);
uint64_t vx_kallsyms_address(const struct vx_kallsyms *ks, uint32_t index);

#endif

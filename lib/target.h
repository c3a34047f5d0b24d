/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target: the one small interface between the core and a front end.
 * A backend (libkdumpfile, crash, the in-memory fake of the tests) fills
 * in a struct vx_target; the core never knows where bytes come from.
 */
#ifndef VMAPX_TARGET_H
#define VMAPX_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct vx_types;
struct vx_kernel;

/* x86_64's page: the unit of the kernel's mappings and of the dump's blocks. */
#define VX_PAGE_SIZE	4096ULL

struct vx_target {
	/*
	 * Read len bytes of kernel virtual memory at addr.  All or nothing:
	 * on failure return a VX_ERR_FAULT error carrying the address.
	 */
	struct vx_error *(*read)(struct vx_target *t, uint64_t addr,
				 void *buf, size_t len);
	/*
	 * Optional: address of a kernel symbol from a source outside the
	 * dump (vmlinux symtab + KASLR offset, crash's symbol table).
	 * Return a VX_ERR_NOT_FOUND error when unknown.  NULL if none.
	 */
	struct vx_error *(*symbol)(struct vx_target *t, const char *name,
				   uint64_t *addr);
	/*
	 * Optional: was the page holding addr left out of the dump by the
	 * dump's page filter (makedumpfile -d)?  1: yes, the page is memory
	 * the filter excluded; 0: no (it is in the dump, or not memory at
	 * all); -1: cannot tell.  NULL: the backend cannot tell.
	 */
	int (*excluded)(struct vx_target *t, uint64_t addr);
	/*
	 * Optional: the makedumpfile dump level recorded in the dump's
	 * header (1 zero, 2 cache, 4 private cache, 8 user, 16 free
	 * pages excluded), -1 when the dump records none.  NULL: unknown.
	 */
	int (*dump_level)(struct vx_target *t);
	/* VMCOREINFO text as the kernel wrote it, or NULL if the dump has none. */
	const char *vmcoreinfo;
	/* Optional type source (DWARF, crash); NULL: BTF from the dump. */
	struct vx_types *types;
	/*
	 * The memory is a running kernel's (--live): it changes while it is
	 * read, so the walker checks what it read and walks again
	 * (lib/walk.c) where a dump's inconsistency would be corruption.
	 */
	bool live;
	/* Name of the dump for messages ("vmcore.kdump"). */
	const char *name;
	/* Backend data. */
	void *priv;
};

/*
 * A read that would run past the top of the address space is a fault of
 * its own: no backend has to think about addr + len wrapping to 0 (a
 * pointer from a corrupt dump can be anything).
 */
static inline struct vx_error *vx_read(struct vx_target *t, uint64_t addr,
				       void *buf, size_t len)
{
	if (len && addr + (len - 1) < addr)
		return vx_error_fault(addr, "0x%lx: %zu bytes run past the top of the address space",
				      (unsigned long)addr, len);
	return t->read(t, addr, buf, len);
}

/* t->excluded(), or -1 when the backend cannot tell. */
static inline int vx_excluded(struct vx_target *t, uint64_t addr)
{
	return t->excluded ? t->excluded(t, addr) : -1;
}

/* t->dump_level(), or -1 when unknown. */
static inline int vx_dump_level(struct vx_target *t)
{
	return t->dump_level ? t->dump_level(t) : -1;
}

struct vx_error *vx_read_u64(struct vx_target *t, uint64_t addr, uint64_t *val);
struct vx_error *vx_read_u32(struct vx_target *t, uint64_t addr, uint32_t *val);
/* Read an unsigned integer of 1, 2, 4 or 8 bytes (a member's size). */
struct vx_error *vx_read_uint(struct vx_target *t, uint64_t addr, size_t size,
			      uint64_t *val);
/*
 * Read a NUL-terminated string of at most max-1 bytes into buf (size max).
 * Reads page by page so a string near an unmapped page still works.
 */
struct vx_error *vx_read_cstring(struct vx_target *t, uint64_t addr, char *buf,
				 size_t max);
/*
 * Look up kernel symbol name (vx_kernel_symbol()) and read len bytes
 * there, or an unsigned integer of size bytes.  The error is the look-up's
 * or the read's, unchanged: the caller says what it was reading for.
 */
struct vx_error *vx_read_symbol(struct vx_kernel *k, const char *name,
				void *buf, size_t len);
struct vx_error *vx_read_symbol_uint(struct vx_kernel *k, const char *name,
				     size_t size, uint64_t *val);

#endif

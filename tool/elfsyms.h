/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the standalone tool needs from a vmlinux file besides DWARF: its
 * ELF symbol table (link-time addresses; add KERNELOFFSET for runtime),
 * its bytes at a link address (linux_banner, the kallsyms tables of a
 * 5.10 image), its GNU build-id and a section (.BTF).
 */
#ifndef VMAPX_ELFSYMS_H
#define VMAPX_ELFSYMS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct vx_elf;

struct vx_error *vx_elf_open(const char *path, struct vx_elf **out);
void vx_elf_close(struct vx_elf *elf);

/*
 * Link-time address of a .symtab symbol.  With several of the same name
 * (file-local statics), a global one wins, else the first in the table.
 */
struct vx_error *vx_elf_symbol(struct vx_elf *elf, const char *name,
			       uint64_t *addr);

/* Copy len bytes at link address addr from the PT_LOAD segments. */
struct vx_error *vx_elf_read(struct vx_elf *elf, uint64_t addr, void *buf,
			     size_t len);

/* The GNU build-id (points into the file's data, valid until close). */
struct vx_error *vx_elf_build_id(struct vx_elf *elf, const uint8_t **id,
				 size_t *len);

/* The linux_banner string ("Linux version ..."), NUL-terminated in buf. */
struct vx_error *vx_elf_banner(struct vx_elf *elf, char *buf, size_t size);

/* Contents of a section by name (".BTF"), valid until close. */
struct vx_error *vx_elf_section(struct vx_elf *elf, const char *name,
				const void **data, size_t *size);

/* PT_LOAD segment i (0-based): link address and bytes present in the file. */
struct vx_error *vx_elf_segment(struct vx_elf *elf, size_t i, uint64_t *vaddr,
				uint64_t *filesz);

#endif

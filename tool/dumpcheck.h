/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Header validation of a dump file before libkdumpfile sees it.
 *
 * libkdumpfile 0.5.1 trusts every size and offset in an ELF or kdump
 * (diskdump) header: it allocates what a size field says, reads notes,
 * bitmaps and descriptors wherever an offset points, and after some
 * failed opens its kdump_free() touches freed memory.  vx_dump_validate()
 * checks, without libkdumpfile, every field that open path will trust,
 * so that an accepted file opens cleanly and a refused one gets one line
 * naming the file, the structure and the cause.  doc/robustness.md lists
 * each check and why.
 */
#ifndef VMAPX_DUMPCHECK_H
#define VMAPX_DUMPCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum vx_dump_format {
	VX_DUMP_UNKNOWN,
	VX_DUMP_ELF,		/* ELF64 x86_64 ET_CORE */
	VX_DUMP_KDUMP,		/* diskdump / compressed kdump, 64-bit LE */
	VX_DUMP_FLAT,		/* makedumpfile flattened: rebuild first */
};

/* Bounds, each far above any real dump; see doc/robustness.md. */
#define VX_DUMP_MAX_NOTES	(16u << 20)	/* all notes together */
#define VX_DUMP_MAX_PHNUM	(1u << 20)	/* ELF program headers */
#define VX_DUMP_MAX_STRTAB	(1u << 20)	/* ELF section name table */

struct vx_dumpcheck {
	enum vx_dump_format format;
	uint64_t file_size;
	uint64_t vmcoreinfo_offset;	/* file offset of VMCOREINFO text */
	uint64_t vmcoreinfo_size;
	uint64_t nr_pages;		/* kdump: page descriptors; ELF: 0 */
	uint32_t nr_loads;		/* ELF: PT_LOAD segments */
	/* ELF: the program header table as validated (0.5.1 reads the same) */
	uint64_t phoff, phentsize, phnum;
	uint32_t nr_cpus;		/* CORE/NT_PRSTATUS notes */
};

/* The format by its first bytes (len >= 16 for FLAT, 8 for the rest). */
enum vx_dump_format vx_dump_format_of(const void *head, size_t len);

/*
 * fd must be a regular file (a FIFO, device or directory is refused with
 * one line); *size (may be NULL) gets its size.
 */
struct vx_error *vx_dump_check_file(int fd, const char *name, uint64_t *size);
/*
 * Validate the dump open on fd (read with pread only; the file position is
 * not used).  name goes into the error messages.  info may be NULL.  A
 * FLAT file is refused (VX_ERR_UNSUPPORTED): validate the rebuilt file.
 */
struct vx_error *vx_dump_validate(int fd, const char *name,
				  struct vx_dumpcheck *info);
/* The same on bytes in memory (fuzzing, unit tests). */
struct vx_error *vx_dump_validate_buffer(const void *buf, size_t len,
					 const char *name,
					 struct vx_dumpcheck *info);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libkdumpfile backend of the target interface. */
#ifndef VMAPX_TOOL_DUMP_H
#define VMAPX_TOOL_DUMP_H

#include "target.h"

struct vx_dump;

struct vx_dump_opts {
	const char *vmlinux;	/* -k: DWARF types and symtab */
	const char *system_map;	/* -m: symbols */
};

/* Open path (ELF, kdump-compressed or makedumpfile-flattened). */
struct vx_error *vx_dump_open(const char *path, const struct vx_dump_opts *opts,
			      struct vx_dump **out);
struct vx_target *vx_dump_target(struct vx_dump *d);
void vx_dump_close(struct vx_dump *d);
struct vx_elf;
struct vx_vmcoreinfo;
/*
 * Does the vmlinux (-k) match the kernel of VMCOREINFO vmci (build-id,
 * else the release in its banner)?  name: the dump or /proc/kcore.
 */
struct vx_error *vx_vmlinux_check(struct vx_elf *elf,
				  const struct vx_vmcoreinfo *vmci,
				  const char *vmlinux, const char *name);
/* Does the file look like a dump (rather than vmallocinfo text)? */
int vx_file_is_dump(const char *path);

#endif

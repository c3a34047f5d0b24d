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
/* Does the file look like a dump (rather than vmallocinfo text)? */
int vx_file_is_dump(const char *path);

#endif

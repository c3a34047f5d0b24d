/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The running kernel as a target (--live): memory from /proc/kcore
 * (tool/kcore.c), VMCOREINFO from /sys/kernel/vmcoreinfo, types from
 * /sys/kernel/btf/vmlinux or -k, symbols as for a dump.
 */
#ifndef VMAPX_TOOL_LIVE_H
#define VMAPX_TOOL_LIVE_H

#include <stdio.h>

#include "target.h"

struct vx_live;

struct vx_live_opts {
	const char *vmlinux;	/* -k: DWARF types */
	const char *system_map;	/* -m: symbols */
};

/*
 * Open the running kernel.  The files are /proc/kcore, /sys/kernel/...;
 * the environment variable VMAPX_LIVE_ROOT, when set, is put in front of
 * each (the tests' fake kcore).  Errors are one line naming the file.
 */
struct vx_error *vx_live_open(const struct vx_live_opts *opts,
			      struct vx_live **out);
struct vx_target *vx_live_target(struct vx_live *l);
/* "/proc/kcore" (with the root in front): the name for messages. */
const char *vx_live_name(const struct vx_live *l);
/* Where VMCOREINFO came from, as a -v line. */
void vx_live_describe(const struct vx_live *l, FILE *f);
void vx_live_close(struct vx_live *l);

#endif

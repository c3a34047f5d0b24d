/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run functions of the modes that have no file of their own (the
 * mode table, lib/modes.c, calls them), and the error line both front
 * ends print.
 */
#ifndef VMAPX_COMMANDS_H
#define VMAPX_COMMANDS_H

#include <stdio.h>

#include "kernel.h"
#include "modes.h"
#include "options.h"

/* The default mode: /proc/vmallocinfo as the kernel printed it. */
struct vx_error *vx_command_info(struct vx_kernel *k, struct vx_report *r,
				 const struct vx_options *o, FILE *out);

/* --diff OLD NEW: r->status is 0 (same), 1 (different) or 3 (incomplete). */
struct vx_error *vx_command_diff(struct vx_input *old,
				 struct vx_input *new,
				 const struct vx_options *o, FILE *out,
				 struct vx_report *r);
/* --parse FILE: the snapshot as JSON (-j) or as the kernel printed it. */
struct vx_error *vx_command_parse(const char *path, const struct vx_options *o,
				  FILE *out);

/* Print err as one line ("vmapx: ..."), or as a JSON object with -j. */
void vx_report_error(FILE *f, const char *prog, const struct vx_error *err,
		     bool json);

#endif

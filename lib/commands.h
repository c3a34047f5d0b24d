/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The modes, shared by both front ends: a front end opens its target and
 * kernel, then calls vx_command_run() with the parsed options.
 */
#ifndef VMAPX_COMMANDS_H
#define VMAPX_COMMANDS_H

#include <stdio.h>

#include "kernel.h"
#include "options.h"

/* Exit statuses, everywhere. */
#define VX_EXIT_OK		0
#define VX_EXIT_DIFFERENT	1
#define VX_EXIT_ERROR		2
#define VX_EXIT_INCOMPLETE	3

/*
 * Run the mode of o on kernel k, printing to out.  *status gets the exit
 * status (0, or 3 when parts were skipped; the skips are for the caller
 * to print).
 */
struct vx_error *vx_command_run(struct vx_kernel *k, const struct vx_options *o,
				FILE *out, int *status);

/* --failures (lib/verdict.c): scan the log, open the space, report. */
struct vx_error *vx_failures_run(struct vx_kernel *k, const struct vx_options *o,
				 FILE *out);
struct vx_space;
struct vx_failure_list;
/*
 * The --failures report of the failures l against the address space s:
 * per failure the request, whether it fits now and the verdict (text, or
 * JSON with "verdict" a stable identifier and "verdict_text" the prose).
 */
struct vx_error *vx_failures_report(const struct vx_space *s,
				    const struct vx_failure_list *l,
				    const struct vx_options *o, FILE *out);

/* One side of --diff: a vmallocinfo snapshot file, or an opened dump. */
struct vx_diff_side {
	const char *path;
	struct vx_kernel *k;	/* NULL: path is a snapshot */
};

/* --diff OLD NEW: *status is 0 (same), 1 (different) or 3 (incomplete). */
struct vx_error *vx_command_diff(struct vx_diff_side *old,
				 struct vx_diff_side *new,
				 const struct vx_options *o, FILE *out,
				 int *status);
/* --parse FILE: the snapshot as JSON (-j) or as the kernel printed it. */
struct vx_error *vx_command_parse(const char *path, const struct vx_options *o,
				  FILE *out);

/* Print err as one line ("vmapx: ..."), or as a JSON object with -j. */
void vx_report_error(FILE *f, const char *prog, const struct vx_error *err,
		     bool json);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mode table: every mode of vmapx, the option that asks for it, the
 * inputs it needs, the function that runs it and the modes it may be
 * given with.  Options are parsed first (lib/options.c records which
 * mode options were seen); the mode that runs is then decided from the
 * table, whatever the order of the options.  Both front ends open what
 * the mode needs and call vx_dispatch().
 *
 * Adding a mode: an enum vx_mode value (options.h), an option in
 * vx_options_table (options.c), a row here (modes.c) with its run
 * function.  Nothing in the front ends.
 */
#ifndef VMAPX_MODES_H
#define VMAPX_MODES_H

#include <stdio.h>

#include "kernel.h"
#include "options.h"
#include "report.h"

/* Exit statuses, everywhere. */
#define VX_EXIT_OK		0
#define VX_EXIT_DIFFERENT	1
#define VX_EXIT_ERROR		2
#define VX_EXIT_INCOMPLETE	3

/* One input of a mode: a dump opened as a kernel, or a snapshot file. */
struct vx_input {
	const char *path;
	struct vx_kernel *k;	/* NULL: path is a vmallocinfo snapshot */
};

/* What each input of a mode is. */
enum vx_input_kind {
	VX_IN_NONE,		/* no input (--help, --version) */
	VX_IN_DUMP,		/* a dump: the mode reads the kernel */
	VX_IN_SNAPSHOT,		/* a /proc/vmallocinfo snapshot file */
	VX_IN_EITHER,		/* a dump or a snapshot, told apart by content */
};

/*
 * Run a mode on its inputs (as many as the table says), printing to out;
 * what it skipped goes on r, and r->status is 1 when --diff found
 * differences (vx_dispatch makes it 3 when r holds skips).
 */
typedef struct vx_error *(*vx_mode_run_fn)(struct vx_input *in,
					   const struct vx_options *o,
					   FILE *out, struct vx_report *r);

struct vx_mode_info {
	enum vx_mode mode;
	const char *name;	/* "gaps"; "vmallocinfo" for the default */
	int option;		/* short option asking for it, 0 for none */
	enum vx_input_kind kind;
	int inputs;		/* how many (0, 1 or 2) */
	const char *args;	/* the standalone tool's arguments, for errors */
	/* Modes that may be given with this one; this one then runs. */
	unsigned int absorbs;
	vx_mode_run_fn run;
};

#define VX_MODE_BIT(m)	(1u << (m))

/* The row of mode m (every enum vx_mode has one). */
const struct vx_mode_info *vx_mode_info(enum vx_mode m);
/* The mode asked for by short option c, or NULL. */
const struct vx_mode_info *vx_mode_by_option(int c);
/*
 * The mode to run when the options of the modes in seen (VX_MODE_BIT
 * set) were given: none is the default mode, one is that mode, more are
 * the one row that absorbs all the others, else a usage error naming two
 * modes that do not combine.  Depends only on the set, not on its order.
 */
struct vx_error *vx_modes_resolve(unsigned int seen, enum vx_mode *mode);

/*
 * Check the positional arguments of o for the front end (VX_FE_TOOL:
 * each input is an argument; VX_FE_CRASH: the dump is crash's, so modes
 * on a dump take none and --diff takes one or two snapshots).
 */
struct vx_error *vx_mode_check_args(const struct vx_options *o,
				    unsigned int frontend);

/*
 * Run the mode of o on in[] (vx_mode_info(o->mode)->inputs of them,
 * dumps opened by the front end), with r its own report (vx_report_init
 * before, the front end prints its notes and skips after): r->status is
 * the exit status, 0, 1 (--diff: differences) or 3 (skips).  The one
 * entry point of both front ends.
 */
struct vx_error *vx_dispatch(const struct vx_options *o, struct vx_input *in,
			     FILE *out, struct vx_report *r);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * struct vx_report: what one command run has to say beside its output.
 * Each run (vx_dispatch) has its own: the skips (what could not be read;
 * the output goes on, the exit status becomes 3), notes (lines for -v,
 * such as where each recovered area was found) and the exit status.  It
 * is passed down to everything the run calls that may skip something,
 * so a long-lived kernel (crash) carries nothing from one command to the
 * next, and a skip belongs to the run that met it.
 */
#ifndef VMAPX_REPORT_H
#define VMAPX_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct vx_report {
	char **skips;
	size_t nr_skips;
	size_t nr_dropped;	/* past the cap, or out of memory */
	char **notes;
	size_t nr_notes;
	int status;		/* VX_EXIT_* (modes.h) */
};

void vx_report_init(struct vx_report *r);
void vx_report_fini(struct vx_report *r);

/* Record something that could not be read; output goes on. */
void vx_report_skip(struct vx_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A line for -v (kept in order, printed before the skips). */
void vx_report_note(struct vx_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * A walk of a running kernel may be done again (walk_live.c): mark what
 * the report holds before it, and forget what was recorded since.
 */
struct vx_report_mark {
	size_t nr_skips, nr_dropped, nr_notes;
};
struct vx_report_mark vx_report_mark(const struct vx_report *r);
void vx_report_rewind(struct vx_report *r, struct vx_report_mark mark);
/* Was anything skipped? */
bool vx_report_incomplete(const struct vx_report *r);
/*
 * Print the skips to f, prefixed with prefix: one line per kind (skips
 * that differ only in numbers are counted on one line), or with all one
 * line per skip.
 */
void vx_report_print_skips(const struct vx_report *r, FILE *f,
			   const char *prefix, bool all);
/*
 * -j: the notes and the skips (grouped as vx_report_print_skips does) as
 * one JSON object on a line of f, when there is any (doc/vmapx.schema.json,
 * "report").
 */
void vx_report_print_json(const struct vx_report *r, FILE *f, bool all);
/* The notes, one a line. */
void vx_report_print_notes(const struct vx_report *r, FILE *f);

#endif

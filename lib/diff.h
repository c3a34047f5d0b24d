/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmapx --diff OLD NEW: what appeared, disappeared or changed between two
 * vmallocinfo snapshots (a dump enters as its rendered text).
 *
 * Matching, chosen from the address forms:
 *  - real addresses, same boot: by start address (a resize keeps the
 *    start, so it shows as "changed");
 *  - hashed addresses of the same boot (two hashed snapshots, or a hashed
 *    snapshot and a dump rendered with its own ptr_key): by hashed start;
 *  - zeroed addresses, different forms, or a different boot: as multisets
 *    of (kind, caller, size, flags); leftovers with the same caller and
 *    flags but another size pair up as "changed".
 * A different boot is told by a dump's KASLR windows (a real-address
 * snapshot outside them) or by almost nothing matching by address.
 *
 * Lazily freed areas ("unpurged vm_area") and task stacks are noise: hidden
 * unless `all`, but always counted by vx_diff_differs().
 */
#ifndef VMAPX_DIFF_H
#define VMAPX_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "json.h"
#include "vmparse.h"

/* One side of the diff; the snapshots must outlive the diff. */
struct vx_diff_input {
	const struct vx_snapshot *snap;	/* as parsed / as rendered */
	/*
	 * A dump only (all optional): the same lines rendered with hashed
	 * %pK (line for line the same as snap), and its windows
	 * [start, end) of vmalloc and of modules.  windows_known = false
	 * when not given.
	 */
	const struct vx_snapshot *hashed;
	bool windows_known;
	uint64_t vmalloc_start, vmalloc_end;
	uint64_t modules_start, modules_end;
};

enum vx_diff_match {
	VX_MATCH_ADDRESS,
	VX_MATCH_HASHED_ADDRESS,
	VX_MATCH_MULTISET,
};

enum vx_diff_change {
	VX_DIFF_APPEARED,
	VX_DIFF_DISAPPEARED,
	VX_DIFF_CHANGED,
};

struct vx_diff_entry {
	enum vx_diff_change change;
	const struct vx_vmline *old;	/* NULL for appeared */
	const struct vx_vmline *new;	/* NULL for disappeared */
	bool noise;
};

enum vx_same_boot {
	VX_BOOT_UNKNOWN,
	VX_BOOT_SAME,
	VX_BOOT_DIFFERENT,
};

struct vx_diff {
	const struct vx_snapshot *old_snap, *new_snap;
	enum vx_diff_match match;
	enum vx_same_boot boot;
	char *reason;			/* one line: why this matching */
	size_t nr_entries;		/* appeared, disappeared, changed */
	struct vx_diff_entry *entries;
	size_t nr_noise;
};

/* Growth of one caller or module, net over the shown differences. */
struct vx_diff_group {
	const char *name;		/* points into a snapshot or static */
	const char *module;		/* by caller: its module, or NULL */
	long appeared, disappeared, changed;
	long count;			/* appeared - disappeared */
	int64_t bytes;			/* net size growth */
};

struct vx_error *vx_diff_compute(const struct vx_diff_input *old,
				 const struct vx_diff_input *new,
				 struct vx_diff **out);
void vx_diff_destroy(struct vx_diff *diff);

/* Any difference at all, noise included: exit status 1 vs 0. */
bool vx_diff_differs(const struct vx_diff *diff);

/* Is this line noise: unpurged churn or a task stack? */
bool vx_diff_line_is_noise(const struct vx_vmline *line);

/*
 * Per-caller (by_module false) or per-module summary of the entries shown
 * (all: noise included), largest growth first.  *groups is malloc'ed.
 */
struct vx_error *vx_diff_summary(const struct vx_diff *diff, bool all,
				 bool by_module, struct vx_diff_group **groups,
				 size_t *nr_groups);

struct vx_error *vx_diff_print_text(FILE *out, const struct vx_diff *diff,
				    bool all);
/* One JSON object; the caller creates and destroys the writer. */
struct vx_error *vx_diff_print_json(struct vx_json *w,
				    const struct vx_diff *diff, bool all);
/* The same members without the enclosing object (a caller adds its own). */
struct vx_error *vx_diff_print_json_fields(struct vx_json *w,
					   const struct vx_diff *diff, bool all);

const char *vx_diff_match_name(enum vx_diff_match match);

#endif

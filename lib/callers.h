/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --callers: the busy areas of each window grouped by caller function
 * (the %pS name without +off/size, with its [module]) and by module:
 * count, bytes, pages, share of the window's busy bytes, sorted by
 * bytes, and why a caller shows up once per thread, tty, BPF program...
 */
#ifndef VMAPX_CALLERS_H
#define VMAPX_CALLERS_H

#include <stdint.h>
#include <stdio.h>

#include "kernel.h"
#include "options.h"
#include "space.h"

struct vx_owner_sum;
struct vx_owner_table;

struct vx_caller_row {
	/* By owner (vx_callers_add_owners), largest first; NULL without. */
	struct vx_owner_sum *owners;
	size_t nr_owners;
	char *name;		/* "n_tty_open", "vp_modern_map_capability [virtio_pci_modern_dev]" */
	char *module;		/* "vmlinux" or the module name */
	enum vx_window_id window;
	uint64_t count, bytes, pages;
};

struct vx_caller_table {
	struct vx_caller_row *rows;	/* sorted by bytes, largest first */
	size_t n, cap;
	uint64_t window_busy[VX_NR_WINDOWS];
};

/* Group the busy areas of s; names come from s->cfg.caller_name. */
struct vx_error *vx_callers_collect(const struct vx_space *s,
				    struct vx_caller_table *t);
void vx_caller_table_free(struct vx_caller_table *t);
/*
 * Break each row of t down by owner (owners.h): s must be the space t was
 * collected from and o built from the same walk.
 */
struct vx_error *vx_callers_add_owners(const struct vx_space *s,
				       const struct vx_owner_table *o,
				       struct vx_caller_table *t);
/* --callers: the space, the owners and the table of k, printed. */
struct vx_error *vx_callers_run(struct vx_kernel *k, struct vx_report *r,
				const struct vx_options *o, FILE *out);

/* Why this caller has one area per something, or NULL if we do not know. */
const char *vx_caller_explain(const char *name);

struct vx_error *vx_callers_print(const struct vx_caller_table *t,
				  const struct vx_options *o, FILE *out);
/* --callers on an opened space (a vx_space_printer: vx_space_run runs it). */
struct vx_error *vx_callers_space_print(const struct vx_space *s,
					const struct vx_options *o, FILE *out);

#endif

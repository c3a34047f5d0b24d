/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/vmallocinfo, byte for byte, as the dumped kernel printed it. */
#ifndef VMAPX_FORMAT_H
#define VMAPX_FORMAT_H

#include <stdio.h>

#include "kernel.h"
#include "walk.h"

/* What a reader of /proc/vmallocinfo saw for %pK. */
enum vx_kptr {
	VX_KPTR_RAW,	/* kptr_restrict=1, root: real addresses */
	VX_KPTR_HASH,	/* kptr_restrict=0: SipHash of ptr_key */
	VX_KPTR_ZERO,	/* kptr_restrict=2: zeros */
};

/*
 * s as text safe for a terminal, in buf: control characters (a task's
 * comm is anyone's to set with prctl) and bytes >= 0x7f become \xNN, so
 * no string read from a dump sends escape sequences.  Cut to fit size
 * (at least 5) at a character, never inside an escape; s NULL gives "".
 * Returns buf.
 */
#define VX_PRINTABLE_SIZE 1024	/* a buffer for any owner text or log line */
const char *vx_printable(const char *s, char *buf, size_t size);

/* The %pK text of ptr (16 hex digits, without the "0x" the format adds). */
void vx_format_kptr(const struct vx_kernel *k, enum vx_kptr mode, uint64_t ptr,
		    char buf[17]);

/*
 * Count pages per node as show_numa_info() did; counts has nr_node_ids
 * entries.  Fails when pages[] or a struct page cannot be read.
 */
struct vx_error *vx_numa_counts(struct vx_kernel *k, const struct vx_vm *vm,
				uint32_t *counts);

/* Print the whole file.  Lines that cannot be built become skips on r. */
struct vx_error *vx_print_vmallocinfo(struct vx_kernel *k,
				      struct vx_report *r,
				      const struct vx_vmap *m,
				      enum vx_kptr mode, FILE *out);

/*
 * The line area a prints in /proc/vmallocinfo (busy: its vm line; lazy:
 * "unpurged vm_area"), without its newline, in *line (free it); NULL
 * when the kernel prints no line for it.  For labels (--map titles).
 */
struct vx_error *vx_format_area(struct vx_kernel *k, struct vx_report *r,
				const struct vx_area *a, enum vx_kptr mode,
				char **line);

struct vx_json;
/*
 * The same lines as JSON (-j): an array of objects, one per printed line,
 * with the line's text, its range, state, vmap node and the source it
 * came from (vx_source_name()), and whether any field is marked unknown.
 * Lines that cannot be built become skips on r, as in the text.
 */
struct vx_error *vx_print_vmallocinfo_json(struct vx_kernel *k,
					   struct vx_report *r,
					   const struct vx_vmap *m,
					   enum vx_kptr mode, struct vx_json *w);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A target that wraps another one and overlays changed bytes at given
 * kernel virtual addresses: the corruption suite and the walker fuzzer
 * feed vmapx a dump (real or fake) with some objects rewritten, without
 * touching the dump itself.  It can also record every read it serves, so
 * a clean run tells which bytes the output can depend on.
 */
#ifndef VMAPX_TESTS_OVERLAY_H
#define VMAPX_TESTS_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target.h"

struct overlay_read {
	uint64_t addr;
	uint64_t len;
	unsigned int phase;	/* overlay_set_phase() value at the time */
};

struct overlay;

/* Wraps base (not owned); name, vmcoreinfo, types, symbol are copied. */
struct overlay *overlay_create(struct vx_target *base);
void overlay_destroy(struct overlay *o);
struct vx_target *overlay_target(struct overlay *o);

/* Bytes [addr, addr + len) read as data from now on (a copy is kept). */
void overlay_patch(struct overlay *o, uint64_t addr, const void *data,
		   size_t len);
/* Make [addr, addr + len) unreadable (a page missing from the dump). */
void overlay_hole(struct overlay *o, uint64_t addr, uint64_t len);
/* Drop every patch and hole. */
void overlay_clear(struct overlay *o);

/*
 * Keep whole pages of the base in memory (a dump decompresses a page per
 * read): fill it in a parent, and fork()ed children read it for free.
 */
void overlay_cache(struct overlay *o, bool on);

/* Record the reads served from now on (false: stop; the log is kept). */
void overlay_record(struct overlay *o, bool on);
void overlay_set_phase(struct overlay *o, unsigned int phase);
const struct overlay_read *overlay_reads(const struct overlay *o, size_t *n);
/* Total number of reads served and bytes asked for. */
uint64_t overlay_nr_reads(const struct overlay *o);
uint64_t overlay_bytes_read(const struct overlay *o);

#endif

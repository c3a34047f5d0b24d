/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A target made of memory regions given by the test: (address, bytes)
 * pairs.  Reads outside every region fail with VX_ERR_FAULT, as a dump
 * with a missing page does.  Used by the BTF and kallsyms scan tests.
 */
#ifndef VMAPX_TESTS_FAKE_MEM_H
#define VMAPX_TESTS_FAKE_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

struct vx_target *fake_mem_create(void);
/* Copy len bytes to be readable at addr; regions must not overlap. */
void fake_mem_add(struct vx_target *t, uint64_t addr, const void *data,
		  size_t len);
/* Number of read calls so far (failed ones included). */
unsigned long fake_mem_reads(struct vx_target *t);
/*
 * Leave the 4 KiB page holding addr out, as a dump's page filter does:
 * reads touching it fail, and the target's excluded() says 1 for it.
 */
void fake_mem_exclude(struct vx_target *t, uint64_t addr);
/* The dump level the target's dump_level() answers (default -1). */
void fake_mem_set_dump_level(struct vx_target *t, int level);
void fake_mem_destroy(struct vx_target *t);

#endif

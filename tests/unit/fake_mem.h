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
void fake_mem_destroy(struct vx_target *t);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VMAPX_SIPHASH_H
#define VMAPX_SIPHASH_H

#include <stdint.h>

/* SipHash-2-4 of one little-endian u64, as the kernel's siphash_1u64(). */
uint64_t vx_siphash_1u64(uint64_t value, const uint64_t key[2]);

#endif

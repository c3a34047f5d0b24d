/* SPDX-License-Identifier: GPL-2.0-or-later */
/* System.map: "address type name" per line; link-time addresses. */
#ifndef VMAPX_TOOL_SYMMAP_H
#define VMAPX_TOOL_SYMMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct vx_symmap;

struct vx_error *vx_symmap_open(const char *path, struct vx_symmap **out);
bool vx_symmap_lookup(const struct vx_symmap *m, const char *name,
		      uint64_t *addr);
void vx_symmap_free(struct vx_symmap *m);

#endif

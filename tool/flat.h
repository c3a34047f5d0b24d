/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VMAPX_TOOL_FLAT_H
#define VMAPX_TOOL_FLAT_H

#include "error.h"

/* Is fd a makedumpfile flattened file? */
int vx_flat_detect(int fd);
/* Rebuild the plain dump into a new memory file descriptor. */
struct vx_error *vx_flat_rebuild(int fd, const char *path, int *out_fd);

#endif

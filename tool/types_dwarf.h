/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The type source of -k: the DWARF of a -dbg vmlinux (types_dwarf.c).
 * The standalone tool's alone: crash gives the extension no vmlinux path,
 * so the extension reads the BTF in the dump (lib/types_btf.c).
 */
#ifndef VMAPX_TYPES_DWARF_H
#define VMAPX_TYPES_DWARF_H

#include "types.h"

struct vx_error *vx_dwarf_types_open(const char *vmlinux, struct vx_types **out);

#endif

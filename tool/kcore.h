/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/kcore as a target: the running kernel's memory.  kcore is an ELF
 * core file whose PT_LOADs map kernel virtual ranges (the direct map,
 * the kernel image, vmalloc and module space) onto file offsets; reading
 * the file at an offset reads the kernel's memory there, now.  Headers
 * come through libelf, data through pread(2): kcore is never mapped.
 */
#ifndef VMAPX_KCORE_H
#define VMAPX_KCORE_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

struct vx_kcore;

/*
 * Open path (normally /proc/kcore) and validate its headers: an x86_64
 * ELF64 core, a sane program header table, PT_LOADs inside the file's
 * size.  The error names path.  errno-derived failures of open(2) are
 * VX_ERR_IO with the errno kept in *open_errno (0 otherwise), so that a
 * front end can explain EPERM.
 */
struct vx_error *vx_kcore_open(const char *path, struct vx_kcore **out,
			       int *open_errno);
/* Same on an open descriptor; kc owns fd from then on, even on error. */
struct vx_error *vx_kcore_open_fd(int fd, const char *path,
				  struct vx_kcore **out);
/* The target reading kc; its vmcoreinfo, types and symbol are the caller's. */
struct vx_target *vx_kcore_target(struct vx_kcore *kc);
/*
 * Read len bytes of physical memory at pa through the segment that maps
 * it (kcore's direct-map and kernel-text PT_LOADs carry their physical
 * address in p_paddr).
 */
struct vx_error *vx_kcore_read_phys(struct vx_kcore *kc, uint64_t pa,
				    void *buf, size_t len);
/*
 * The VMCOREINFO note of kcore's PT_NOTE (kernels since 4.19 put one
 * there), as a malloc'd NUL-terminated string in *out, or NULL if none.
 */
struct vx_error *vx_kcore_vmcoreinfo_note(struct vx_kcore *kc, char **out);
/*
 * The VMCOREINFO note at physical address pa, size bytes (what
 * /sys/kernel/vmcoreinfo gives), read through the direct map.
 */
struct vx_error *vx_kcore_vmcoreinfo_phys(struct vx_kcore *kc, uint64_t pa,
					  uint64_t size, char **out);
/* Number of PT_LOAD segments (for -v). */
size_t vx_kcore_segments(const struct vx_kcore *kc);
void vx_kcore_close(struct vx_kcore *kc);

#endif

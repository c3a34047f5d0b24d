/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A sosreport as --diff and --parse take it: the directory sos leaves or
 * its archive (tar, compressed with xz, gzip, bzip2 or zstd), read with
 * libarchive as a stream, never unpacked.  sos lays its files out under
 * one top directory, sosreport-HOST-DATE/, as they were on the machine
 * (the memory plugin copies /proc/vmallocinfo and /proc/meminfo, the
 * kernel plugin /proc/sys/kernel/random/boot_id) and the commands' output
 * under sos_commands/PLUGIN/ (uname -a: sos_commands/kernel/uname_-a).
 */
#ifndef VMAPX_SOSREPORT_H
#define VMAPX_SOSREPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "kernel.h"
#include "report.h"

/* At most this many bytes are read of a member other than vmallocinfo. */
#define VX_SOS_MAX_SMALL	(64u << 10)

struct vx_sosreport {
	char *vmallocinfo;	/* proc/vmallocinfo, not NUL-terminated */
	size_t vmallocinfo_len;
	char *release;		/* third field of uname -a, or NULL */
	char *boot_id;		/* proc/sys/kernel/random/boot_id, or NULL */
	bool has_total, has_used;	/* proc/meminfo, kB */
	uint64_t vmalloc_total, vmalloc_used;
};

/*
 * Is path a sosreport: a directory, or a file starting like a tar
 * archive or one compressed with xz, gzip, bzip2 or zstd?  1 yes, 0 no
 * (a plain snapshot), -1 unreadable (errno).
 */
int vx_sosreport_detect(const char *path);
/*
 * Read what vmapx needs of the sosreport at path.  Errors are one line
 * naming path (and the member): a bad archive, a member larger than its
 * cap (VX_VMPARSE_MAX_FILE for vmallocinfo, VX_SOS_MAX_SMALL else), no
 * proc/vmallocinfo.
 */
struct vx_error *vx_sosreport_read(const char *path, struct vx_sosreport **out);
/* The same of an archive in memory (the fuzz harness), named name. */
struct vx_error *vx_sosreport_read_memory(const char *name, const void *buf,
					  size_t len, struct vx_sosreport **out);
void vx_sosreport_destroy(struct vx_sosreport *s);
/*
 * Say on r (notes) whether the snapshot was taken on the dump's kernel:
 * the release (uname -a), the boot (boot_id against the dump's
 * sysctl_bootid), the window (VmallocTotal), and VmallocUsed beside it.
 * What cannot be compared is said, not guessed.
 */
void vx_sosreport_check(const struct vx_sosreport *s, const char *path,
			struct vx_kernel *k, struct vx_report *r);

#endif

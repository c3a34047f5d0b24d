// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the sosreport archive reader (lib/sosreport.c):
 * tar in any compression libarchive knows, from memory.
 *
 * Properties checked on every input:
 *  - the reader never crashes, leaks or reads out of bounds (ASan, UBSan);
 *  - every error names the input;
 *  - an accepted sosreport keeps within the caps: vmallocinfo at most
 *    VX_VMPARSE_MAX_FILE bytes, release and boot_id one line each;
 *  - its vmallocinfo goes through the snapshot parser (which must then
 *    name the input too when it refuses it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sosreport.h"
#include "vmparse.h"

static void check_line(const char *what, const char *s)
{
	if (s && (strchr(s, '\n') || !*s)) {
		fprintf(stderr, "%s is not one non-empty line\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_snapshot *snap = NULL;
	struct vx_sosreport *sos;
	struct vx_error *err;

	err = vx_sosreport_read_memory("fuzz", data, size, &sos);
	if (err) {
		if (strncmp(err->message, "fuzz", 4))
			abort();
		vx_error_destroy(err);
		return 0;
	}
	if (sos->vmallocinfo_len > VX_VMPARSE_MAX_FILE)
		abort();
	check_line("release", sos->release);
	check_line("boot_id", sos->boot_id);
	err = vx_vmparse_buffer("fuzz", sos->vmallocinfo, sos->vmallocinfo_len,
				0, &snap);
	if (err && strncmp(err->message, "fuzz", 4))
		abort();
	vx_error_destroy(err);
	vx_snapshot_destroy(snap);
	vx_sosreport_destroy(sos);
	return 0;
}

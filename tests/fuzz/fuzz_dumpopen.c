// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the dump opening path: the input is a dump file
 * (ELF, kdump-compressed or makedumpfile-flattened) in a memory file.
 * vx_dump_validate_buffer() judges the bytes, then vx_dump_open() runs the
 * tool's whole path (flattened rebuild, header validation, libkdumpfile
 * open, VMCOREINFO); a dump that opens has its kernel opened and walked.
 * libkdumpfile is not instrumented: a crash inside it on a file vmapx
 * accepted is a hole in the validation (lib/dumpcheck.c).  Properties: no
 * crash, leak or out-of-bounds access; errors are one line naming the
 * file.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "commands.h"
#include "dump.h"
#include "dumpcheck.h"
#include "fuzz.h"
#include "kernel.h"
#include "options.h"

static void must_name(struct vx_error *err, const char *path)
{
	if (err && !strstr(err->message, path)) {
		fprintf(stderr, "error does not name %s: %s\n", path,
			err->message);
		abort();
	}
	fuzz_check_error(err);
}

static void walk(struct vx_dump *d)
{
	char *argv[] = { "vmapx", "x", NULL };
	struct vx_kernel *k = NULL;
	struct vx_options o;
	int status;

	/* The errors of a kernel open are the walker harness's subject. */
	vx_error_destroy(vx_kernel_open(vx_dump_target(d), &k));
	if (!k)
		return;
	if (!vx_options_parse(2, argv, VX_FE_TOOL, &o))
		vx_error_destroy(vx_command_run(k, &o, fuzz_null_stream(),
						&status));
	vx_kernel_close(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_dump_opts opts = { 0 };
	struct vx_dumpcheck info;
	struct vx_dump *d = NULL;
	char path[64];
	int fd;

	fuzz_check_error(vx_dump_validate_buffer(data, size, "fuzz", &info));
	fd = fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	must_name(vx_dump_open(path, &opts, &d), path);
	if (d) {
		walk(d);
		vx_dump_close(d);
	}
	close(fd);
	return 0;
}

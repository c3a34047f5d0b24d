// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the dump opening path: the input is a dump file
 * (ELF, kdump-compressed or makedumpfile-flattened) in a memory file.
 * vx_dump_validate_buffer() judges the bytes, then vx_dump_open() runs the
 * tool's whole path (flattened rebuild, header validation, libkdumpfile
 * open, VMCOREINFO); a dump that opens is read at a few addresses.
 * libkdumpfile is not instrumented: a crash inside it on a file vmapx
 * accepted is a hole in the validation (tool/dumpcheck.c).  Properties: no
 * crash, leak or out-of-bounds access; errors are one line naming the
 * file.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dump.h"
#include "dumpcheck.h"
#include "fuzz.h"

/*
 * libkdumpfile 0.5.1 leaks about 100 bytes per failed page read (its own
 * allocations; vmapx frees the context).  Not vmapx's memory.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libkdumpfile.so\n";
}

static void must_name(struct vx_error *err, const char *path)
{
	if (err && !strstr(err->message, path)) {
		fprintf(stderr, "error does not name %s: %s\n", path,
			err->message);
		abort();
	}
	fuzz_check_error(err);
}

/*
 * Reads through libkdumpfile at the places vmapx reads first.  A kernel
 * open is not tried: it scans 128 MiB of image for kallsyms (seconds per
 * input); the walker harness and the corruption suite cover it.
 */
static void read_some(struct vx_dump *d)
{
	static const uint64_t at[] = {
		0xffff888000000000ULL, 0xffff888000100ff8ULL,
		0xffffffff81000000ULL, 0xffffc90000000000ULL, 0,
	};
	struct vx_target *t = vx_dump_target(d);
	uint8_t buf[64];

	for (size_t i = 0; i < sizeof(at) / sizeof(*at); i++)
		fuzz_check_error(vx_read(t, at[i], buf, sizeof(buf)));
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
		read_some(d);
		vx_dump_close(d);
	}
	close(fd);
	return 0;
}

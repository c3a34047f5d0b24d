// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the kcore backend (tool/kcore.c, --live): the input
 * is a kcore file.  A file that opens is read in and across its segments,
 * by physical address, and for its VMCOREINFO note.  Properties: no
 * crash, leak or out-of-bounds access; errors are one line naming the
 * file.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "kcore.h"

static void must_name(struct vx_error *err)
{
	if (err && !strstr(err->message, "kcore")) {
		fprintf(stderr, "error does not name the file: %s\n",
			err->message);
		abort();
	}
	fuzz_check_error(err);
}

static void read_some(struct vx_kcore *kc)
{
	static const uint64_t at[] = {
		0xffff888000000000ULL, 0xffff888000001ff0ULL,
		0xffff888000002ff8ULL, 0xffffffff81000000ULL, 0,
		0xfffffffffffffff8ULL,
	};
	struct vx_target *t = vx_kcore_target(kc);
	uint8_t buf[64];
	char *text;

	for (size_t i = 0; i < sizeof(at) / sizeof(*at); i++)
		fuzz_check_error(vx_read(t, at[i], buf, sizeof(buf)));
	fuzz_check_error(vx_kcore_read_phys(kc, 0x1ff0, buf, sizeof(buf)));
	fuzz_check_error(vx_kcore_vmcoreinfo_phys(kc, 0x100, 4096, &text));
	free(text);
	fuzz_check_error(vx_kcore_vmcoreinfo_note(kc, &text));
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_kcore *kc = NULL;
	char path[64];
	int fd;

	fd = fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	/* vx_kcore_open_fd owns fd from here. */
	must_name(vx_kcore_open_fd(fd, "kcore", &kc));
	if (kc) {
		read_some(kc);
		vx_kcore_close(kc);
	}
	return 0;
}

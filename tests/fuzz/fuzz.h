/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the libFuzzer harnesses: reading a structured prefix of the
 * input, and the rule every error must follow (one line, not empty).
 */
#ifndef VMAPX_TESTS_FUZZ_H
#define VMAPX_TESTS_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

/* Little-endian integer of n bytes from the input; 0 once it runs out. */
static inline uint64_t fuzz_uint(struct fuzz_in *in, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!in->left)
			break;
		v |= (uint64_t)*in->p << (8 * i);
		in->p++;
		in->left--;
	}
	return v;
}

/*
 * An error is a value with a message a user can read: one line, not
 * empty.  Anything else is a bug the fuzzer reports (abort).  Destroys err.
 */
static inline void fuzz_check_error(struct vx_error *err)
{
	if (!err)
		return;
	if (!err->message || !err->message[0] || strchr(err->message, '\n')) {
		fprintf(stderr, "bad error message: \"%s\"\n",
			err->message ? err->message : "(null)");
		abort();
	}
	vx_error_destroy(err);
}

/* A writable stream that discards (printing paths run, output ignored). */
static inline FILE *fuzz_null_stream(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}

#endif

#include <sys/mman.h>
#include <unistd.h>

/*
 * The input as a file the code under test opens by name: a memory file,
 * named /proc/self/fd/N in path.  Returns the fd (close it), -1 on error.
 */
static inline int fuzz_memfile(const uint8_t *data, size_t size, char *path,
			       size_t path_size)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	lseek(fd, 0, SEEK_SET);
	snprintf(path, path_size, "/proc/self/fd/%d", fd);
	return fd;
}

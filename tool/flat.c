// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * makedumpfile's flattened format (makedumpfile -F, QEMU < 8.2 kdump-*):
 * a 4 KiB header "makedumpfile" + be64 type 1 + be64 version, then
 * records of be64 offset, be64 size and size bytes, ended by -1/-1.
 * libkdumpfile reads it only from 0.5.3, so we rebuild the plain file in
 * an anonymous memory file, as `makedumpfile -R` would on disk.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flat.h"

#define FLAT_HEADER_SIZE	4096
#define FLAT_SIGNATURE		"makedumpfile"
#define COPY_CHUNK		(1 << 20)

int vx_flat_detect(int fd)
{
	char sig[16];

	if (pread(fd, sig, sizeof(sig), 0) != sizeof(sig))
		return 0;
	return !memcmp(sig, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE));
}

static struct vx_error *copy_record(int in, off_t from, int out, int64_t to,
				    int64_t size, char *buf, const char *path)
{
	while (size > 0) {
		size_t chunk = size > COPY_CHUNK ? COPY_CHUNK : size;
		ssize_t got = pread(in, buf, chunk, from);

		if (got <= 0)
			return vx_error_create(VX_ERR_INVALID,
					       "%s: flattened dump truncated at offset %lld",
					       path, (long long)from);
		if (pwrite(out, buf, got, to) != got)
			return vx_error_create(VX_ERR_IO,
					       "%s: rebuilding flattened dump: %s",
					       path, strerror(errno));
		from += got;
		to += got;
		size -= got;
	}
	return NULL;
}

struct vx_error *vx_flat_rebuild(int fd, const char *path, int *out_fd)
{
	struct vx_error *err = NULL;
	off_t pos = FLAT_HEADER_SIZE;
	struct stat st;
	char *buf;
	int out;

	if (fstat(fd, &st))
		return vx_error_create(VX_ERR_IO, "%s: %s", path, strerror(errno));
	out = memfd_create("vmapx-flat", MFD_CLOEXEC);
	if (out < 0)
		return vx_error_create(VX_ERR_IO, "%s: memfd_create: %s", path,
				       strerror(errno));
	buf = malloc(COPY_CHUNK);
	if (!buf) {
		close(out);
		return &vx_error_nomem;
	}
	for (;;) {
		int64_t hdr[2], offset, size;

		if (pread(fd, hdr, sizeof(hdr), pos) != sizeof(hdr)) {
			err = vx_error_create(VX_ERR_INVALID,
					      "%s: flattened dump ends without its end marker (offset %lld)",
					      path, (long long)pos);
			break;
		}
		offset = be64toh(hdr[0]);
		size = be64toh(hdr[1]);
		pos += sizeof(hdr);
		if (offset == -1 && size == -1)
			break;
		if (offset < 0 || size < 0 || size > st.st_size - pos ||
		    offset > (int64_t)1 << 50) {
			err = vx_error_create(VX_ERR_INVALID,
					      "%s: bad flattened record at offset %lld",
					      path, (long long)pos - 16);
			break;
		}
		err = copy_record(fd, pos, out, offset, size, buf, path);
		if (err)
			break;
		pos += size;
	}
	free(buf);
	if (err) {
		close(out);
		return err;
	}
	*out_fd = out;
	return NULL;
}

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

/*
 * Records are read front to back through one buffer: a file of millions
 * of tiny records costs one read(2) per MiB, not two per record.
 */
struct seq {
	int fd;
	off_t pos;		/* file offset of buf[at] */
	size_t have, at;
	char *buf;
};

/* Up to len bytes at the cursor without copying; 0 at the end of the file. */
static ssize_t seq_peek(struct seq *q, const char **p, size_t len)
{
	if (q->at == q->have) {
		ssize_t got;

		do
			got = pread(q->fd, q->buf, COPY_CHUNK, q->pos);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -1;
		q->have = got;
		q->at = 0;
	}
	*p = q->buf + q->at;
	return q->have - q->at < len ? q->have - q->at : len;
}

static void seq_skip(struct seq *q, size_t n)
{
	q->at += n;
	q->pos += n;
}

static struct vx_error *truncated(const char *path, off_t pos, const char *what)
{
	return vx_error_create(VX_ERR_INVALID,
			       "%s: flattened dump: %s at offset %lld cut by the end of the file: truncated",
			       path, what, (long long)pos);
}

static struct vx_error *read_header(struct seq *q, const char *path,
				    int64_t hdr[2])
{
	char *dst = (char *)hdr;
	size_t need = 16;
	off_t at = q->pos;

	while (need) {
		const char *p;
		ssize_t n = seq_peek(q, &p, need);

		if (n < 0)
			return vx_error_create(VX_ERR_IO, "%s: %s", path, strerror(errno));
		if (!n)
			return vx_error_create(VX_ERR_INVALID,
					       "%s: flattened dump ends at offset %lld without its end marker: truncated",
					       path, (long long)at);
		memcpy(dst, p, n);
		dst += n;
		need -= n;
		seq_skip(q, n);
	}
	return NULL;
}

static struct vx_error *copy_record(struct seq *q, int out, int64_t to,
				    int64_t size, const char *path)
{
	off_t at = q->pos;

	while (size > 0) {
		const char *p;
		ssize_t n = seq_peek(q, &p, size > COPY_CHUNK ? COPY_CHUNK : size);

		if (n < 0)
			return vx_error_create(VX_ERR_IO, "%s: %s", path, strerror(errno));
		if (!n)
			return truncated(path, at, "record data");
		if (pwrite(out, p, n, to) != n)
			return vx_error_create(VX_ERR_IO,
					       "%s: rebuilding flattened dump in memory: %s",
					       path, strerror(errno));
		seq_skip(q, n);
		to += n;
		size -= n;
	}
	return NULL;
}

/*
 * Each record brings its own bytes, so the plain file is never larger
 * than the flattened one (makedumpfile and QEMU write it without holes,
 * if not in order): a record reaching past that size belongs to a longer
 * file or is corrupt, and the memory file holds at most the input's size.
 */
static struct vx_error *check_record(const char *path, off_t at, int64_t offset,
				     int64_t size, off_t file_size)
{
	if (offset < 0 || size < 0 || offset > file_size ||
	    size > file_size - offset)
		return vx_error_create(VX_ERR_INVALID,
				       "%s: flattened dump: record at offset %lld writes %lld bytes at %lld, past the %lld bytes a rebuild of this file can hold: truncated or corrupt",
				       path, (long long)at, (long long)size,
				       (long long)offset, (long long)file_size);
	return NULL;
}

static struct vx_error *check_flat_header(int fd, const char *path)
{
	unsigned char h[32];
	uint64_t type, version;

	if (pread(fd, h, sizeof(h), 0) != sizeof(h))
		return truncated(path, 0, "header");
	memcpy(&type, h + 16, 8);
	memcpy(&version, h + 24, 8);
	if (be64toh(type) != 1)
		return vx_error_create(VX_ERR_INVALID,
				       "%s: flattened dump header: type %llu, makedumpfile writes 1: corrupt",
				       path, (unsigned long long)be64toh(type));
	(void)version;	/* any version: records have kept one layout */
	return NULL;
}

struct vx_error *vx_flat_rebuild(int fd, const char *path, int *out_fd)
{
	struct vx_error *err;
	struct seq q = { .fd = fd, .pos = FLAT_HEADER_SIZE };
	struct stat st;
	int out;

	if (fstat(fd, &st))
		return vx_error_create(VX_ERR_IO, "%s: %s", path, strerror(errno));
	err = check_flat_header(fd, path);
	if (err)
		return err;
	out = memfd_create("vmapx-flat", MFD_CLOEXEC);
	if (out < 0)
		return vx_error_create(VX_ERR_IO, "%s: memfd_create: %s", path,
				       strerror(errno));
	q.buf = malloc(COPY_CHUNK);
	if (!q.buf) {
		close(out);
		return &vx_error_nomem;
	}
	for (;;) {
		int64_t hdr[2], offset, size;
		off_t at = q.pos;

		err = read_header(&q, path, hdr);
		if (err)
			break;
		offset = be64toh(hdr[0]);
		size = be64toh(hdr[1]);
		if (offset == -1 && size == -1)
			break;
		err = check_record(path, at, offset, size, st.st_size);
		if (!err)
			err = copy_record(&q, out, offset, size, path);
		if (err)
			break;
	}
	free(q.buf);
	if (err) {
		close(out);
		return err;
	}
	*out_fd = out;
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the makedumpfile flattened-format rebuild
 * (tool/flat.c): the input is the flattened file; the rebuilt memory
 * file is then checked record by record.  Properties: no crash, leak or
 * out-of-bounds access; errors are one line naming the file; the rebuilt
 * file holds each record's bytes at its offset (last record wins).
 */
#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "flat.h"
#include "fuzz.h"

#define HEADER 4096

struct rec {
	int64_t off, len;
	size_t pos;		/* of its bytes in the input */
};

static bool overlaps(const struct rec *a, const struct rec *b)
{
	return a->off < b->off + b->len && b->off < a->off + a->len;
}

/*
 * Each record's bytes are at its offset unless a later record overlaps.
 * The first 64 records are checked; every later record still counts as
 * one that may overwrite them.
 */
static void check_rebuilt(const uint8_t *data, size_t size, int out)
{
	struct rec r[64], later_rec;
	bool covered[64] = { false };
	size_t n = 0, pos = HEADER;
	uint8_t got[256];

	while (pos + 16 <= size) {
		int64_t v[2];
		struct rec *cur = n < 64 ? &r[n] : &later_rec;

		memcpy(v, data + pos, 16);
		*cur = (struct rec){ be64toh(v[0]), be64toh(v[1]), pos + 16 };
		if ((cur->off == -1 && cur->len == -1) || cur->len < 0 ||
		    (uint64_t)cur->len > size - pos - 16)
			break;
		for (size_t i = 0; i < n && i < 64; i++)
			covered[i] |= overlaps(&r[i], cur);
		pos += 16 + cur->len;
		n++;
	}
	for (size_t i = 0; i < n && i < 64; i++) {
		if (covered[i] || r[i].len > (int64_t)sizeof(got))
			continue;
		if (pread(out, got, r[i].len, r[i].off) != r[i].len ||
		    memcmp(got, data + r[i].pos, r[i].len))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_error *err;
	char path[64];
	int fd = fuzz_memfile(data, size, path, sizeof(path));
	int out = -1;

	if (fd < 0)
		return 0;
	if (vx_flat_detect(fd)) {
		err = vx_flat_rebuild(fd, path, &out);
		if (err) {
			if (!strstr(err->message, path))
				abort();
			fuzz_check_error(err);
		} else {
			check_rebuilt(data, size, out);
			close(out);
		}
	}
	close(fd);
	return 0;
}

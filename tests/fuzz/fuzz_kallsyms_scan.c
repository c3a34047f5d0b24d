// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the kallsyms table scan (lib/kallsyms_scan.c): the
 * input is a kernel image at IMAGE, scanned whole; when tables are found
 * they are loaded and every name decoded.  A page-sized hole can be
 * punched: if the input starts with "HOLE" + u16 page index, that page of
 * the image is not in the dump.  Properties: no crash, leak, hang or
 * out-of-bounds access; what the scan returns lies inside the image.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_mem.h"
#include "fuzz.h"
#include "kallsyms.h"

#define IMAGE 0xffffffff81000000ULL
#define PAGE 4096

static void check_loc(const struct vx_kallsyms_loc *loc, uint64_t end)
{
	const uint64_t at[] = { loc->num_syms, loc->names, loc->token_table,
				loc->token_index, loc->offsets };

	for (size_t i = 0; i < sizeof(at) / sizeof(*at); i++)
		if (at[i] < IMAGE || at[i] >= end)
			abort();
}

static void decode(struct vx_target *t, const struct vx_kallsyms_loc *loc)
{
	struct vx_kallsyms *ks = NULL;
	char type;

	fuzz_check_error(vx_kallsyms_load(t, loc, NULL, &ks));
	if (!ks)
		return;
	for (uint32_t i = 0; i < vx_kallsyms_count(ks) && i < 5000; i++)
		vx_kallsyms_name(ks, i, &type);
	vx_kallsyms_free(ks);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_kallsyms_loc loc;
	struct vx_target *t = fake_mem_create();
	struct vx_error *err;
	size_t hole = SIZE_MAX;

	if (size >= 6 && !memcmp(data, "HOLE", 4)) {
		hole = data[4] | data[5] << 8;
		data += 6;
		size -= 6;
	}
	/* The image, page by page, less the hole. */
	for (size_t pos = 0, pg = 0; pos < size; pos += PAGE, pg++) {
		size_t len = size - pos < PAGE ? size - pos : PAGE;

		if (pg != hole)
			fake_mem_add(t, IMAGE + pos, data + pos, len);
	}
	err = vx_kallsyms_scan(t, IMAGE, IMAGE + size, &loc);
	if (err) {
		fuzz_check_error(err);
	} else {
		check_loc(&loc, IMAGE + size);
		decode(t, &loc);
	}
	fake_mem_destroy(t);
	return 0;
}

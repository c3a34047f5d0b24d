// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the vmallocinfo parser.
 *
 * Properties checked on every input:
 *  - the parser never crashes, leaks or reads out of bounds (ASan, UBSan);
 *  - an accepted input prints back byte-identically (the parser accepts
 *    only what the kernel can print, so nothing is lost or invented);
 *  - the JSON of an accepted snapshot is well formed as far as the writer
 *    can tell (no misuse reported);
 *  - skipping bad lines keeps exactly the lines the strict mode accepts
 *    when the strict mode accepts the whole input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmparse.h"

static void check_round_trip(const uint8_t *data, size_t size,
			     const struct vx_snapshot *snap)
{
	char *printed = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&printed, &len);

	if (!f)
		return;
	vx_snapshot_print(f, snap);
	fclose(f);
	if (len != size || memcmp(printed, data, size)) {
		fprintf(stderr, "round trip differs: %zu bytes in, %zu out\n",
			size, len);
		abort();
	}
	free(printed);
}

static void check_json(const struct vx_snapshot *snap)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct vx_json *w;
	struct vx_error *err;

	if (!f)
		return;
	w = vx_json_create(f, snap->nr_lines & 1);
	if (w) {
		vx_vmparse_print_json(w, snap);
		err = vx_json_destroy(w);
		if (err) {
			fprintf(stderr, "JSON writer: %s\n", err->message);
			abort();
		}
	}
	fclose(f);
	free(out);
}

static void check_skip_bad(const uint8_t *data, size_t size,
			   const struct vx_snapshot *strict)
{
	struct vx_snapshot *lenient = NULL;
	struct vx_error *err;

	err = vx_vmparse_buffer("fuzz", (const char *)data, size,
				VX_VMPARSE_SKIP_BAD, &lenient);
	if (strict && (err || lenient->nr_lines != strict->nr_lines ||
		       lenient->nr_skipped)) {
		fprintf(stderr, "lenient parse disagrees with strict parse\n");
		abort();
	}
	vx_error_destroy(err);
	vx_snapshot_destroy(lenient);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_snapshot *snap = NULL;
	struct vx_error *err;

	err = vx_vmparse_buffer("fuzz", (const char *)data, size, 0, &snap);
	if (err) {
		/* every error names the input */
		if (strncmp(err->message, "fuzz", 4))
			abort();
		vx_error_destroy(err);
	} else {
		check_round_trip(data, size, snap);
		check_json(snap);
	}
	check_skip_bad(data, size, snap);
	vx_snapshot_destroy(snap);
	return 0;
}

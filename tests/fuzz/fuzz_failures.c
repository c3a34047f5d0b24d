// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the kernel-log failure parser (lib/failures.c).
 * The input is a log: records separated by '\n' + 0x1e (so a record may
 * hold several lines, as a record of the ring can); a record starting with
 * 0x1f is a pr_cont() continuation, one starting with 0x1d comes from
 * another caller (CPU) than the rest.  Every record goes through
 * vx_failure_parse() and the scanner; the list is printed as text and
 * JSON.  Properties: no crash, leak or out-of-bounds access; the JSON
 * writer sees no misuse; every failure's strings are terminated.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "failures.h"
#include "options.h"
#include "space.h"
#include "walk.h"
#include "fuzz.h"
#include "json.h"
#include "printk.h"

static void feed(struct vx_failure_scanner *sc, const char *text, size_t len,
		 uint64_t seq)
{
	struct vx_log_record rec = {
		.seq = seq,
		.ts_nsec = seq * 1000003,
		.level = 4,
		.flags = VX_LOG_NEWLINE,
		.flags_known = true,
		.caller_id = 4242,
	};
	struct vx_failure f;
	char *copy;

	if (len && (text[0] == 0x1f || text[0] == 0x1d)) {
		if (text[0] == 0x1f)
			rec.flags |= VX_LOG_CONT;
		else
			rec.caller_id = VX_LOG_CALLER_CPU | 3;
		text++;
		len--;
	}
	/* Records hold no NUL: the ring's reader stops the text there. */
	copy = malloc(len + 1);
	if (!copy)
		return;
	memcpy(copy, text, len);
	copy[len] = '\0';
	rec.text = copy;
	rec.text_len = strlen(copy);
	vx_failure_parse(rec.text, rec.text_len, &f);
	fuzz_check_error(vx_failure_scanner_feed(sc, &rec));
	free(copy);
}

/*
 * The product's report (lib/failures_verdict.c) judges each failure against an
 * address space: an empty vmalloc and modules window (nothing busy), the
 * same for every input, so only the failure list varies.
 */
static void report(const struct vx_failure_list *l, bool json)
{
	static struct vx_space space;
	static bool built;
	struct vx_options o = { .json = json, .pretty = l->count & 1 };

	if (!built) {
		struct vx_space_config c = {
			.vmalloc_start = 0xffffc90000000000ULL,
			.vmalloc_end = 0xffffe8ffffffffffULL,
			.modules_start = 0xffffffffc0000000ULL,
			.modules_end = 0xffffffffff000000ULL,
		};
		static struct vx_vmap empty;

		if (vx_space_build(&c, &empty, &space))
			abort();
		built = true;
	}
	fuzz_check_error(vx_failures_report(&space, l, &o, fuzz_null_stream()));
}

static void check_list(const struct vx_failure_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		const struct vx_failure *f = &l->items[i];

		if (f->trace_len > VX_FAILURE_TRACE_MAX ||
		    strnlen(f->comm, sizeof(f->comm)) == sizeof(f->comm) ||
		    strnlen(f->gfp, sizeof(f->gfp)) == sizeof(f->gfp) ||
		    (f->related >= 0 && (size_t)f->related >= l->count))
			abort();
	}
	report(l, false);
	report(l, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct vx_failure_list list = { 0 };
	struct vx_failure_scanner *sc;
	uint64_t seq = 0;

	if (vx_failure_scanner_create(&list, &sc))
		return 0;
	while (p < end) {
		const char *sep = memmem(p, end - p, "\n\x1e", 2);
		const char *stop = sep ? sep : end;

		feed(sc, p, stop - p, seq++);
		p = sep ? sep + 2 : end;
	}
	vx_failure_scanner_finish(sc);
	check_list(&list);
	vx_failure_list_free(&list);
	return 0;
}

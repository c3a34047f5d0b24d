// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the kallsyms decoder (lib/kallsyms.c) over a fake
 * memory target whose bytes are the input.
 *
 * Input: a 37-byte header, then the body, mapped at BODY.
 *   u32 kallsyms_num_syms (stored in memory at VARS)
 *   u8  flags: 1 relative_base, 2 seqs_of_names
 *   u32 x6 offsets in the body of names, markers, token_table,
 *          token_index, offsets, seqs_of_names (taken modulo its size)
 *   u64 kallsyms_relative_base (stored at VARS + 8)
 * tests/fuzz/seed.sh writes real tables in this form.  After a successful
 * load every name is expanded and every address looked up back.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_mem.h"
#include "fuzz.h"
#include "kallsyms.h"

#define VARS 0xffffffff82000000ULL
#define BODY 0xffffffff83000000ULL
#define HEADER_BYTES 37
#define MAX_CHECKED 20000

static void exercise(struct vx_kallsyms *ks)
{
	uint32_t n = vx_kallsyms_count(ks), idx;
	uint64_t start, next, addr, found;
	char type, name[600];
	const char *s;

	for (uint32_t i = 0; i < n && i < MAX_CHECKED; i++) {
		s = vx_kallsyms_name(ks, i, &type);
		if (!s)
			continue;
		if (strlen(s) >= sizeof(name))
			abort();	/* KSYM_NAME_LEN bounds every name */
		strcpy(name, s);
		addr = vx_kallsyms_address(ks, i);
		if (!vx_kallsyms_lookup_addr(ks, addr, &idx, &start, &next) ||
		    start != addr)
			abort();	/* a symbol's own address finds it */
		vx_kallsyms_lookup_addr(ks, addr - 1, &idx, &start, &next);
		if (i % 97 == 0)
			fuzz_check_error(vx_kallsyms_lookup_name(ks, name,
								 &found));
	}
	fuzz_check_error(vx_kallsyms_lookup_name(ks, "vmap_area_list", &found));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct vx_kallsyms_loc loc = { .how = "fuzz" };
	uint64_t vars[2], off[6], body_len;
	struct vx_kallsyms *ks = NULL;
	struct vx_target *t;
	unsigned int flags;
	uint32_t count;

	if (size < HEADER_BYTES + 1)
		return 0;
	count = fuzz_uint(&in, 4);
	flags = fuzz_uint(&in, 1);
	for (int i = 0; i < 6; i++)
		off[i] = fuzz_uint(&in, 4);
	vars[1] = fuzz_uint(&in, 8);
	vars[0] = count;
	body_len = in.left;
	for (int i = 0; i < 6; i++)
		off[i] = BODY + off[i] % body_len;
	t = fake_mem_create();
	fake_mem_add(t, VARS, vars, sizeof(vars));
	fake_mem_add(t, BODY, in.p, body_len);
	loc.num_syms = VARS;
	loc.names = off[0];
	loc.markers = off[1];
	loc.token_table = off[2];
	loc.token_index = off[3];
	loc.offsets = off[4];
	loc.seqs_of_names = flags & 2 ? off[5] : 0;
	loc.relative_base = flags & 1 ? VARS + 8 : 0;
	if (flags & 4)
		loc.markers = 0;
	fuzz_check_error(vx_kallsyms_load(t, &loc, NULL, &ks));
	if (ks) {
		exercise(ks);
		vx_kallsyms_free(ks);
	}
	fake_mem_destroy(t);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the VMCOREINFO parser (lib/vmcoreinfo.c): any text
 * the dump carries is parsed, then every accessor the core uses is asked
 * for keys of each kind.  Properties: no crash, leak or out-of-bounds read
 * (ASan, UBSan); errors are one line; a value found is inside the text.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "vmcoreinfo.h"

static const char *const symbols[] = {
	"_stext", "vmap_area_list", "vmap_nodes", "prb", "kallsyms_names",
	"init_top_pgt", "", "x",
};
static const char *const numbers[] = {
	"VMALLOC_START", "KERNEL_IMAGE_SIZE", "pgtable_l5_enabled",
	"NODES_SHIFT", "printk_ringbuffer", "",
};
static const char *const offsets[] = {
	"printk_ringbuffer.desc_ring", "prb_desc.state_var", "vmap_area.va_start",
	"prb_data_ring.size_bits", "",
};

static void ask(const struct vx_vmcoreinfo *v, const char *text, size_t size)
{
	uint64_t u;
	int64_t s;

	for (size_t i = 0; i < v->count; i++) {
		const char *val = vx_vmcoreinfo_get(v, v->keys[i]);

		if (!val)
			abort();	/* every key it listed must be found */
		(void)strlen(val);
	}
	for (size_t i = 0; i < sizeof(symbols) / sizeof(*symbols); i++)
		vx_vmcoreinfo_symbol(v, symbols[i], &u);
	for (size_t i = 0; i < sizeof(numbers) / sizeof(*numbers); i++)
		vx_vmcoreinfo_number(v, numbers[i], &s);
	for (size_t i = 0; i < sizeof(offsets) / sizeof(*offsets); i++) {
		vx_vmcoreinfo_offset(v, offsets[i], &u);
		vx_vmcoreinfo_size(v, offsets[i], &u);
		vx_vmcoreinfo_length(v, offsets[i], &u);
	}
	vx_vmcoreinfo_get(v, "OSRELEASE");
	vx_vmcoreinfo_get(v, "BUILD-ID");
	vx_vmcoreinfo_kerneloffset(v);
	(void)text;
	(void)size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_vmcoreinfo v;
	struct vx_error *err;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err = vx_vmcoreinfo_parse(text, &v);
	if (err) {
		fuzz_check_error(err);
	} else {
		ask(&v, text, size);
		vx_vmcoreinfo_free(&v);
	}
	free(text);
	return 0;
}

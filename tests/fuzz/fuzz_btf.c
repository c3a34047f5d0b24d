// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the BTF type source (lib/types_btf.c): the input is the
 * blob between __start_BTF and __stop_BTF.  vmapx checks it before libbpf
 * parses it, then asks for every type and member the walker needs, and
 * the enum constants the owner rules read.
 * libbpf is not instrumented: a crash inside it on a blob vmapx accepted
 * is a hole in vmapx's validation.  Properties: no crash, leak or
 * out-of-bounds access; errors are one line.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "types.h"

static const char *const members[][2] = {
	{ "vmap_area", "va_start" }, { "vmap_area", "va_end" },
	{ "vmap_area", "list" }, { "vmap_area", "vm" },
	{ "vmap_area", "rb_node" }, { "vmap_area", "subtree_max_size" },
	{ "vmap_area", "purge_list" }, { "vmap_area", "flags" },
	{ "vm_struct", "addr" }, { "vm_struct", "size" },
	{ "vm_struct", "pages" }, { "vm_struct", "nr_pages" },
	{ "vm_struct", "caller" }, { "vmap_node", "busy.head" },
	{ "vmap_node", "lazy.head" }, { "vmap_node", "pool" },
	{ "vmap_pool", "len" }, { "module", "mem" }, { "module", "list" },
	{ "module", "core_layout.base" }, { "list_head", "next" },
	{ "rb_node", "rb_left" }, { "execmem_info", "ranges" },
	{ "nodemask_t", "bits" }, { "a", "b.c.d" }, { "", "" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_types *ty = NULL;
	struct vx_member m;
	uint64_t outer;
	int64_t value;

	fuzz_check_error(vx_btf_types_from_blob(data, size, &ty));
	if (!ty)
		return 0;
	for (size_t i = 0; i < sizeof(members) / sizeof(*members); i++) {
		struct vx_error *err = vx_member(ty, members[i][0],
						 members[i][1], &m);

		fuzz_check_error(vx_type_size(ty, members[i][0], &outer));
		fuzz_check_error(err);
	}
	fuzz_check_error(vx_type_enum_value(ty, "PCPU_NR_CHUNK_TYPES", &value));
	fuzz_check_error(vx_type_enum_value(ty, "", &value));
	vx_types_destroy(ty);
	return 0;
}

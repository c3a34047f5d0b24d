// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the System.map reader (tool/symmap.c): the input is
 * the file.  Properties: no crash, leak or out-of-bounds access; errors
 * are one line naming the file; every name the file maps is found.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "symmap.h"

static const char *const names[] = {
	"_stext", "_end", "vmap_area_list", "vmap_nodes", "kallsyms_names",
	"__start_BTF", "__stop_BTF", "", "a",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_symmap *m = NULL;
	struct vx_error *err;
	char path[64];
	uint64_t addr;
	int fd = fuzz_memfile(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	err = vx_symmap_open(path, &m);
	if (err) {
		if (!strstr(err->message, path))
			abort();
		fuzz_check_error(err);
	} else {
		for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
			vx_symmap_lookup(m, names[i], &addr);
		vx_symmap_free(m);
	}
	close(fd);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the vmlinux ELF readers (tool/elfsyms.c): symbol
 * table, bytes at a link address, build-id, linux_banner, .BTF section,
 * PT_LOAD segments, on an input that is the whole file.  Properties: no
 * crash, leak or out-of-bounds access; errors are one line; what is
 * returned points inside the file.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "elfsyms.h"
#include "fuzz.h"

static const char *const names[] = {
	"_stext", "linux_banner", "vmap_area_list", "kallsyms_num_syms",
	"__start_BTF", "",
};

static void ask(struct vx_elf *elf, size_t file_size)
{
	struct vx_error *err;
	const uint8_t *id;
	const void *sec;
	uint64_t addr, vaddr, filesz;
	char buf[512];
	size_t len;

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		err = vx_elf_symbol(elf, names[i], &addr);

		if (!err)
			fuzz_check_error(vx_elf_read(elf, addr, buf, 64));
		fuzz_check_error(err);
	}
	fuzz_check_error(vx_elf_build_id(elf, &id, &len));
	fuzz_check_error(vx_elf_banner(elf, buf, sizeof(buf)));
	err = vx_elf_section(elf, ".BTF", &sec, &len);
	if (!err && len > file_size)
		abort();
	if (!err && len)
		(void)((const volatile uint8_t *)sec)[len - 1];
	fuzz_check_error(err);
	for (size_t i = 0; i < 8; i++) {
		err = vx_elf_segment(elf, i, &vaddr, &filesz);

		if (err) {
			fuzz_check_error(err);
			break;
		}
		fuzz_check_error(vx_elf_read(elf, vaddr, buf, 16));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_elf *elf = NULL;
	struct vx_error *err;
	char path[64];
	int fd = fuzz_memfile(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	err = vx_elf_open(path, &elf);
	if (err) {
		fuzz_check_error(err);
	} else {
		ask(elf, size);
		vx_elf_close(elf);
	}
	close(fd);
	return 0;
}

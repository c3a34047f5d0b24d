// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The floor: a bare libkdumpfile program that reads, once each, every
 * object the exact vmallocinfo output needs on a Debian 6.1 dump (each
 * vmap_area, its vm_struct, the pages[] array and the struct page flags
 * behind it) and prints nothing but a count.  No symbols, no types, no
 * formatting: what no tool can beat.  The 6.1 offsets are fixed here on
 * purpose (this is a yardstick, not a product) and checked against
 * VMCOREINFO's OFFSET(vmap_area.list).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

enum {	/* Debian 6.1 amd64 */
	VA_SIZE = 64, VA_LIST = 40, VA_VM = 56,
	VM_SIZE = 64, VM_PAGES = 32, VM_NR_PAGES = 44,
};

static kdump_ctx_t *ctx;

static int rd(uint64_t addr, void *buf, size_t len)
{
	size_t got = len;

	return kdump_read(ctx, KDUMP_KVADDR, addr, buf, &got) == KDUMP_OK &&
	       got == len;
}

int main(int argc, char **argv)
{
	unsigned long areas = 0, pages_read = 0;
	uint64_t head, pos, list_off;
	const char *arch = NULL;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: floor VMCORE.kdump (Debian 6.1)\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	ctx = kdump_new();
	if (fd < 0 || !ctx || kdump_open_fd(ctx, fd) != KDUMP_OK) {
		fprintf(stderr, "floor: cannot open %s\n", argv[1]);
		return 2;
	}
	if (kdump_get_string_attr(ctx, KDUMP_ATTR_ARCH_NAME, &arch) != KDUMP_OK)
		kdump_set_string_attr(ctx, KDUMP_ATTR_ARCH_NAME, "x86_64");
	kdump_set_string_attr(ctx, KDUMP_ATTR_OSTYPE, "linux");
	if (kdump_vmcoreinfo_symbol(ctx, "vmap_area_list", &head) != KDUMP_OK ||
	    kdump_get_number_attr(ctx, "linux.vmcoreinfo.OFFSET.vmap_area.list",
				  &list_off) != KDUMP_OK || list_off != VA_LIST) {
		fprintf(stderr, "floor: not a Debian 6.1 layout\n");
		return 2;
	}
	if (!rd(head, &pos, 8))
		return 2;
	while (pos != head) {
		uint8_t va[VA_SIZE], vm[VM_SIZE];
		uint64_t vmp, pages, *arr, flags;
		uint32_t nr;

		if (!rd(pos - VA_LIST, va, sizeof(va)))
			return 2;
		areas++;
		memcpy(&vmp, va + VA_VM, 8);
		memcpy(&pos, va + VA_LIST, 8);
		if (!vmp || !rd(vmp, vm, sizeof(vm)))
			continue;
		memcpy(&pages, vm + VM_PAGES, 8);
		memcpy(&nr, vm + VM_NR_PAGES, 4);
		if (!nr || !pages)
			continue;
		arr = malloc(nr * 8UL);
		if (arr && rd(pages, arr, nr * 8UL))
			for (uint32_t i = 0; i < nr; i++)
				pages_read += rd(arr[i], &flags, 8);
		free(arr);
	}
	printf("%lu areas, %lu struct pages\n", areas, pages_read);
	kdump_free(ctx);
	return 0;
}

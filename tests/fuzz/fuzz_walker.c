// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the walker and the commands on top of it (lib/
 * kernel.c, walk.c, format_numa.c, kernel_symbolize.c, space.c,
 * space_gaps.c, space_frag.c, callers.c, format.c) over a fake kernel whose memory the input rewrites.
 *
 * One fake kernel per layout generation (5.10, 6.1, 6.12, 7.2) is built
 * once: vmalloc'd areas with pages on several nodes (pages[] in the
 * direct map and in vmalloc space), an ioremap, a vm_map_ram area, lazily
 * freed areas, a module with its symbol table.  The objects the walker
 * reads are listed (globals, vmap_area, vm_struct, pages[], struct page,
 * vmap_nodes, struct module); the input patches them through an overlay:
 *   u8 generation, u8 command, u8 number of patches, then per patch
 *   u8 object, u16 offset (modulo the object's size), u8 length (1..16),
 *   and the bytes.
 * Every run opens the kernel afresh and runs one command into a null
 * stream.  Properties: no crash, leak, hang or out-of-bounds access;
 * errors are one line; the exit status is 0 or 3 (2 with an error).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fake_kernel.h"
#include "fuzz.h"
#include "kernel.h"
#include "modes.h"
#include "options.h"
#include "overlay.h"
#include "vmflags.h"

#define NR_GENS 4
#define MAX_OBJS 64
#define MOD_BASE 0xffffffffc0200000ULL
#define MOD_DATA 0xffffffffc0400000ULL

struct obj {
	uint64_t addr, size;
};

struct fuzz_kernel {
	struct fake_kernel *fk;
	struct obj objs[MAX_OBJS];
	size_t nr_objs;
};

static struct fuzz_kernel kernels[NR_GENS];

static void add_obj(struct fuzz_kernel *k, uint64_t addr, uint64_t size)
{
	if (k->nr_objs < MAX_OBJS && addr)
		k->objs[k->nr_objs++] = (struct obj){ addr, size };
}

static const struct fk_modsym mod_syms[] = {
	{ "mod_func", MOD_BASE + 0x200, 1 },
	{ "mod_last", MOD_BASE + 0x2f00, 1 },
	{ "data_first", MOD_DATA + 0x100, 1 },
};

static void add_vmalloc(struct fuzz_kernel *k, int node, uint64_t start,
			uint64_t caller, const int *nids, size_t nr,
			bool in_vmalloc)
{
	struct fake_kernel *fk = k->fk;
	struct fk_vm vm = {
		.addr = start, .size = (nr + 1) * 0x1000, .flags = VX_VM_ALLOC,
		.nr_pages = nr, .caller = caller,
		.pages = fake_kernel_pages(fk, nr, nids, in_vmalloc),
	};
	uint64_t va, vms;

	va = fake_kernel_add_area(fk, node, start, start + vm.size, &vm, 0,
				  &vms);
	add_obj(k, va, 80);
	add_obj(k, vms, 80);
	add_obj(k, vm.pages, nr * 8);
	add_obj(k, fake_kernel_get_u64(fk, vm.pages), 64);
}

static void add_others(struct fuzz_kernel *k, uint64_t caller)
{
	struct fake_kernel *fk = k->fk;
	const uint64_t v = FK_VMALLOC_START;
	struct fk_vm io = {
		.addr = v + 0x20000, .size = 0x3000, .flags = VX_VM_IOREMAP,
		.phys_addr = 0xfee00000, .caller = caller,
	};
	uint64_t va, vms;

	va = fake_kernel_add_area(fk, 0, io.addr, io.addr + io.size, &io, 0,
				  &vms);
	add_obj(k, va, 80);
	add_obj(k, vms, 80);
	add_obj(k, fake_kernel_add_area(fk, 0, v + 0x30000, v + 0x34000, NULL,
					VX_VMAP_RAM, NULL), 80);
	add_obj(k, fake_kernel_add_lazy(fk, 0, v + 0x40000, v + 0x41000), 80);
	add_obj(k, fake_kernel_add_lazy(fk, 0, v + 0x50000, v + 0x52000), 80);
}

static void add_module(struct fuzz_kernel *k)
{
	struct fake_kernel *fk = k->fk;
	struct fk_module m = {
		.name = "mymod", .base = MOD_BASE, .size = 0x5000,
		.text_size = 0x3000, .data_base = MOD_DATA, .data_size = 0x2000,
		.syms = mod_syms, .nr_syms = sizeof(mod_syms) / sizeof(*mod_syms),
	};
	uint64_t head = fake_kernel_global(fk, "modules");

	fake_kernel_add_module(fk, &m);
	add_obj(k, fake_kernel_get_u64(fk, head) -
		   fake_kernel_offset(fk, "module", "list"), 1024);
}

static void build(struct fuzz_kernel *k, enum fk_gen gen)
{
	static const int nids[] = { 0, 1, 1, 3 };
	uint64_t caller;

	k->fk = fake_kernel_new(gen);
	caller = fake_kernel_add_text(k->fk, "vmalloc_caller", 0x100) + 0x10;
	fake_kernel_add_text(k->fk, "_etext", 0x10);
	/* The globals are allocated together: one object covers them. */
	add_obj(k, fake_kernel_global(k->fk, "free_vmap_area_list"), 2048);
	add_vmalloc(k, 0, FK_VMALLOC_START, caller, nids, 4, false);
	add_vmalloc(k, 1, FK_VMALLOC_START + 0x10000, MOD_BASE + 0x210, nids,
		    2, true);
	add_others(k, caller);
	add_module(k);
	if (gen >= FK_612)
		add_obj(k, fake_kernel_get_u64(k->fk,
			fake_kernel_global(k->fk, "vmap_nodes")), 4 * 6400);
	fake_kernel_target(k->fk);
}

static char *const commands[][4] = {
	{ "vmapx", "x" }, { "vmapx", "--gaps", "x" },
	{ "vmapx", "--frag", "x" }, { "vmapx", "--callers", "x" },
	{ "vmapx", "-j", "x" }, { "vmapx", "--fit", "64K", "x" },
	{ "vmapx", "--kptr", "hash", "x" }, { "vmapx", "-a", "-j", "x" },
};
#define NR_COMMANDS (sizeof(commands) / sizeof(*commands))

static void run(struct vx_target *t, unsigned int cmd)
{
	char *argv[5] = { 0 };
	struct vx_kernel *k = NULL;
	struct vx_report r;
	struct vx_options o;
	struct vx_error *err;
	int argc = 0;

	while (argc < 4 && commands[cmd][argc]) {
		argv[argc] = commands[cmd][argc];
		argc++;
	}
	if (vx_options_parse(argc, argv, VX_FE_TOOL, &o))
		abort();
	err = vx_kernel_open(t, &k);
	if (!err) {
		vx_report_init(&r);
		err = vx_dispatch(&o, &(struct vx_input){ .path = "x", .k = k },
				  fuzz_null_stream(), &r);
		if (!err && r.status != VX_EXIT_OK &&
		    r.status != VX_EXIT_INCOMPLETE)
			abort();
		vx_report_print_notes(&r, fuzz_null_stream());
		vx_report_print_skips(&r, fuzz_null_stream(), "fuzz: ", false);
		vx_report_fini(&r);
		vx_kernel_close(k);
	}
	fuzz_check_error(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int gen = fuzz_uint(&in, 1) % NR_GENS;
	unsigned int cmd = fuzz_uint(&in, 1) % NR_COMMANDS;
	unsigned int n = fuzz_uint(&in, 1) % 32;
	struct fuzz_kernel *k = &kernels[gen];
	struct overlay *o;

	if (!k->fk)
		build(k, (enum fk_gen)gen);
	o = overlay_create(fake_kernel_target(k->fk));
	while (n-- && in.left) {
		const struct obj *ob = &k->objs[fuzz_uint(&in, 1) % k->nr_objs];
		uint64_t off = fuzz_uint(&in, 2) % ob->size;
		size_t len = fuzz_uint(&in, 1) % 16 + 1;

		if (len > in.left)
			len = in.left;
		overlay_patch(o, ob->addr + off, in.p, len);
		in.p += len;
		in.left -= len;
	}
	run(overlay_target(o), cmd);
	overlay_destroy(o);
	return 0;
}

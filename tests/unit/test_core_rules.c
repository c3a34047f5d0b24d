// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The walker and the vmallocinfo formatter on a fake kernel of each
 * generation: order, vm_map_ram, unpurged lines, VM_UNINITIALIZED,
 * pages=, phys=, flag words, vpages, NUMA counts, widths and %pK modes
 * (doc/kernel.md §2).  Every test compares the whole output text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_kernel.h"
#include "siphash.h"
#include "walk.h"

#define V FK_VMALLOC_START

struct ctx {
	struct fake_kernel *fk;
	uint64_t vcaller;	/* prints as vmalloc_caller+0x10/0x100 */
	uint64_t icaller;	/* prints as ioremap_caller+0x8/0x80 */
};

static struct ctx ctx_new(enum fk_gen gen)
{
	struct ctx c = { .fk = fake_kernel_new(gen) };

	c.vcaller = fake_kernel_add_text(c.fk, "vmalloc_caller", 0x100) + 0x10;
	c.icaller = fake_kernel_add_text(c.fk, "ioremap_caller", 0x80) + 0x8;
	fake_kernel_add_text(c.fk, "_etext", 0x10);
	return c;
}

/* A vmalloc(nr * 4096) at start: guard page included, pages on node nid. */
static uint64_t add_vmalloc(struct ctx *c, int node, uint64_t start,
			    uint64_t nr, int nid)
{
	struct fk_vm vm = {
		.addr = start, .size = (nr + 1) * 4096, .flags = VX_VM_ALLOC,
		.nr_pages = nr, .caller = c->vcaller,
		.pages = fake_kernel_pages_on(c->fk, nr, nid),
	};

	return fake_kernel_add_area(c->fk, node, start, start + vm.size, &vm,
				    0, NULL);
}

static uint64_t add_vm(struct ctx *c, int node, const struct fk_vm *vm)
{
	return fake_kernel_add_area(c->fk, node, vm->addr, vm->addr + vm->size,
				    vm, 0, NULL);
}

static void expect_output_mode(struct ctx *c, enum vx_kptr mode,
			       const char *want)
{
	struct vx_kernel *k = NULL;
	struct vx_report r;
	struct vx_error *err;
	char *text;

	vx_report_init(&r);
	err = fake_kernel_vmallocinfo(c->fk, mode, &text, &k, &r);
	if (err)
		fail_msg("vmallocinfo: %s", err->message);
	if (r.nr_skips)
		fail_msg("unexpected skip: %s", r.skips[0]);
	assert_string_equal(text, want);
	free(text);
	vx_report_fini(&r);
	vx_kernel_close(k);
	fake_kernel_free(c->fk);
}

static void expect_output(struct ctx *c, const char *want)
{
	expect_output_mode(c, VX_KPTR_RAW, want);
}

/* ---- order -------------------------------------------------------------- */

static void busy_order_is_list_order(enum fk_gen gen)
{
	struct ctx c = ctx_new(gen);

	add_vmalloc(&c, 0, V, 1, 0);
	add_vmalloc(&c, 0, V + 0x10000, 2, 0);
	add_vmalloc(&c, 0, V + 0x30000, 3, 1);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000002000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000010000-0xffffc90000013000   12288 vmalloc_caller+0x10/0x100 pages=2 vmalloc N0=2\n"
		"0xffffc90000030000-0xffffc90000034000   16384 vmalloc_caller+0x10/0x100 pages=3 vmalloc N1=3\n");
}

static void test_510_order_is_ascending_list_order(void **state)
{
	busy_order_is_list_order(FK_510);
}

static void test_61_order_is_ascending_list_order(void **state)
{
	busy_order_is_list_order(FK_61);
}

/* Node 0's busy list, node 1's, then the lazy lists node by node. */
static void node_major_order(enum fk_gen gen)
{
	struct ctx c = ctx_new(gen);

	add_vmalloc(&c, 0, V, 1, 0);
	add_vmalloc(&c, 0, V + 0x20000, 1, 0);
	add_vmalloc(&c, 1, V + 0x10000, 1, 0);
	add_vmalloc(&c, 1, V + 0x30000, 1, 0);
	fake_kernel_add_lazy(c.fk, 1, V + 0x50000, V + 0x52000);
	fake_kernel_add_lazy(c.fk, 0, V + 0x60000, V + 0x61000);
	fake_kernel_add_lazy(c.fk, 1, V + 0x70000, V + 0x71000);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000002000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000020000-0xffffc90000022000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000010000-0xffffc90000012000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000030000-0xffffc90000032000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000060000-0xffffc90000061000    4096 unpurged vm_area\n"
		"0xffffc90000050000-0xffffc90000052000    8192 unpurged vm_area\n"
		"0xffffc90000070000-0xffffc90000071000    4096 unpurged vm_area\n");
}

static void test_612_order_is_node_major(void **state)
{
	node_major_order(FK_612);
}

static void test_72_order_is_node_major(void **state)
{
	node_major_order(FK_72);
}

/* Only nr_vmap_nodes nodes are walked, even if more lists hold areas. */
static void test_612_walks_only_nr_vmap_nodes(void **state)
{
	struct ctx c = ctx_new(FK_612);

	fake_kernel_set_vmap_nodes(c.fk, 1);
	add_vmalloc(&c, 0, V, 1, 0);
	add_vmalloc(&c, 1, V + 0x10000, 1, 0);
	fake_kernel_add_lazy(c.fk, 1, V + 0x50000, V + 0x51000);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000002000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n");
}

/* 5.10's llist is LIFO: the last freed area is printed first. */
static void test_510_unpurged_lines_follow_llist_after_busy(void **state)
{
	struct ctx c = ctx_new(FK_510);

	add_vmalloc(&c, 0, V + 0x10000, 1, 0);
	fake_kernel_add_lazy(c.fk, 0, V, V + 0x2000);
	fake_kernel_add_lazy(c.fk, 0, V + 0x40000, V + 0x41000);
	fake_kernel_add_lazy(c.fk, 0, V + 0x20000, V + 0x23000);
	expect_output(&c,
		"0xffffc90000010000-0xffffc90000012000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000020000-0xffffc90000023000   12288 unpurged vm_area\n"
		"0xffffc90000040000-0xffffc90000041000    4096 unpurged vm_area\n"
		"0xffffc90000000000-0xffffc90000002000    8192 unpurged vm_area\n");
}

static void test_61_unpurged_lines_follow_purge_list_after_busy(void **state)
{
	struct ctx c = ctx_new(FK_61);

	add_vmalloc(&c, 0, V + 0x10000, 1, 0);
	add_vmalloc(&c, 0, V + 0x30000, 1, 0);
	fake_kernel_add_lazy(c.fk, 0, V, V + 0x2000);
	fake_kernel_add_lazy(c.fk, 0, V + 0x20000, V + 0x23000);
	expect_output(&c,
		"0xffffc90000010000-0xffffc90000012000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000030000-0xffffc90000032000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000000000-0xffffc90000002000    8192 unpurged vm_area\n"
		"0xffffc90000020000-0xffffc90000023000   12288 unpurged vm_area\n");
}

/* seq_file has no last entry to hang show_purge_info() on. */
static void test_61_no_unpurged_lines_without_busy_areas(void **state)
{
	struct ctx c = ctx_new(FK_61);

	fake_kernel_add_lazy(c.fk, 0, V, V + 0x2000);
	expect_output(&c, "");
}

static void test_612_unpurged_lines_without_busy_areas(void **state)
{
	struct ctx c = ctx_new(FK_612);

	fake_kernel_add_lazy(c.fk, 0, V, V + 0x2000);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000002000    8192 unpurged vm_area\n");
}

/* ---- vm == NULL ---------------------------------------------------------- */

static void test_510_null_vm_prints_vm_map_ram(void **state)
{
	struct ctx c = ctx_new(FK_510);

	fake_kernel_add_area(c.fk, 0, V, V + 0x100000, NULL, 0, NULL);
	add_vmalloc(&c, 0, V + 0x100000, 1, 0);
	fake_kernel_add_lazy(c.fk, 0, V + 0x200000, V + 0x201000);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000100000 1048576 vm_map_ram\n"
		"0xffffc90000100000-0xffffc90000102000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000200000-0xffffc90000201000    4096 unpurged vm_area\n");
}

/* 5.10 s_show() returns early for vm == NULL, before show_purge_info(). */
static void test_510_no_unpurged_lines_after_vm_less_last_area(void **state)
{
	struct ctx c = ctx_new(FK_510);

	add_vmalloc(&c, 0, V, 1, 0);
	fake_kernel_add_area(c.fk, 0, V + 0x100000, V + 0x200000, NULL, 0,
			     NULL);
	fake_kernel_add_lazy(c.fk, 0, V + 0x200000, V + 0x201000);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000002000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000100000-0xffffc90000200000 1048576 vm_map_ram\n");
}

/* 6.1 goes to "final" instead and prints them. */
static void test_61_unpurged_lines_after_vm_less_last_area(void **state)
{
	struct ctx c = ctx_new(FK_61);

	add_vmalloc(&c, 0, V, 1, 0);
	fake_kernel_add_area(c.fk, 0, V + 0x100000, V + 0x200000, NULL, 0,
			     NULL);
	fake_kernel_add_lazy(c.fk, 0, V + 0x200000, V + 0x201000);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000002000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000100000-0xffffc90000200000 1048576 vm_map_ram\n"
		"0xffffc90000200000-0xffffc90000201000    4096 unpurged vm_area\n");
}

static void null_vm_needs_vmap_ram(enum fk_gen gen)
{
	struct ctx c = ctx_new(gen);

	/* VMAP_RAM | VMAP_BLOCK with a node id: a vmap block. */
	fake_kernel_add_area(c.fk, 0, V, V + 0x100000, NULL,
			     VX_VMAP_RAM | VX_VMAP_BLOCK | 0x100, NULL);
	/* Node id only, no type bits: not vm_map_ram, not printed. */
	fake_kernel_add_area(c.fk, 0, V + 0x100000, V + 0x102000, NULL, 0x200,
			     NULL);
	fake_kernel_add_area(c.fk, 0, V + 0x200000, V + 0x203000, NULL, 0,
			     NULL);
	fake_kernel_add_area(c.fk, 0, V + 0x300000, V + 0x341000, NULL,
			     VX_VMAP_RAM, NULL);
	fake_kernel_add_lazy(c.fk, 0, V + 0x400000, V + 0x401000);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000100000 1048576 vm_map_ram\n"
		"0xffffc90000300000-0xffffc90000341000  266240 vm_map_ram\n"
		"0xffffc90000400000-0xffffc90000401000    4096 unpurged vm_area\n");
}

static void test_612_null_vm_printed_only_with_vmap_ram(void **state)
{
	null_vm_needs_vmap_ram(FK_612);
}

static void test_72_null_vm_printed_only_with_vmap_ram(void **state)
{
	null_vm_needs_vmap_ram(FK_72);
}

/* ---- VM_UNINITIALIZED ---------------------------------------------------- */

static void uninitialized_printed_without_nodes(enum fk_gen gen)
{
	struct ctx c = ctx_new(gen);
	struct fk_vm vm = {
		.addr = V, .size = 0x3000,
		.flags = VX_VM_ALLOC | VX_VM_UNINITIALIZED, .nr_pages = 2,
		.caller = c.vcaller,
		.pages = fake_kernel_pages_on(c.fk, 2, 0),
	};

	add_vm(&c, 0, &vm);
	add_vmalloc(&c, 0, V + 0x10000, 1, 0);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000003000   12288 vmalloc_caller+0x10/0x100 pages=2 vmalloc\n"
		"0xffffc90000010000-0xffffc90000012000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n");
}

static void test_510_uninitialized_printed_without_node_counts(void **state)
{
	uninitialized_printed_without_nodes(FK_510);
}

static void test_61_uninitialized_printed_without_node_counts(void **state)
{
	uninitialized_printed_without_nodes(FK_61);
}

static void uninitialized_skipped(enum fk_gen gen)
{
	struct ctx c = ctx_new(gen);
	struct fk_vm vm = {
		.addr = V, .size = 0x3000,
		.flags = VX_VM_ALLOC | VX_VM_UNINITIALIZED, .nr_pages = 2,
		.caller = c.vcaller,
		.pages = fake_kernel_pages_on(c.fk, 2, 0),
	};

	add_vm(&c, 0, &vm);
	add_vmalloc(&c, 0, V + 0x10000, 1, 0);
	expect_output(&c,
		"0xffffc90000010000-0xffffc90000012000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n");
}

static void test_612_uninitialized_area_is_skipped(void **state)
{
	uninitialized_skipped(FK_612);
}

static void test_72_uninitialized_area_is_skipped(void **state)
{
	uninitialized_skipped(FK_72);
}

/* ---- pages=, phys=, flag words, vpages ---------------------------------- */

/* nr_pages is an unsigned int printed with %d before 7.2. */
static void test_61_pages_above_int_max_print_negative(void **state)
{
	struct ctx c = ctx_new(FK_61);
	struct fk_vm vm = {
		.addr = V, .size = 0x80000002ULL * 4096, .flags = VX_VM_ALLOC,
		.nr_pages = 0x80000001ULL, .caller = c.vcaller,
	};

	fake_kernel_set_no_numa(c.fk);
	add_vm(&c, 0, &vm);
	expect_output(&c,
		"0xffffc90000000000-0xffffd10000002000 8796093030400 vmalloc_caller+0x10/0x100 pages=-2147483647 vmalloc\n");
}

/* 7.2: unsigned long nr_pages, %lu; above 2^32 proves all 8 bytes are read. */
static void test_72_pages_print_as_unsigned_long(void **state)
{
	struct ctx c = ctx_new(FK_72);
	struct fk_vm big = {
		.addr = V, .size = 0x80000002ULL * 4096, .flags = VX_VM_ALLOC,
		.nr_pages = 0x80000001ULL, .caller = c.vcaller,
	};
	struct fk_vm huge = {
		.addr = V + (1ULL << 44), .size = 0x100000002ULL * 4096,
		.flags = VX_VM_ALLOC, .nr_pages = 0x100000001ULL,
		.caller = c.vcaller,
	};

	fake_kernel_set_no_numa(c.fk);
	add_vm(&c, 0, &big);
	add_vm(&c, 0, &huge);
	expect_output(&c,
		"0xffffc90000000000-0xffffd10000002000 8796093030400 vmalloc_caller+0x10/0x100 pages=2147483649 vmalloc\n"
		"0xffffd90000000000-0xffffe90000002000 17592186052608 vmalloc_caller+0x10/0x100 pages=4294967297 vmalloc\n");
}

static void test_phys_addr_is_zero_padded_to_16_digits(void **state)
{
	struct ctx c = ctx_new(FK_612);
	struct fk_vm io = {
		.addr = V, .size = 0x3000, .flags = VX_VM_IOREMAP,
		.phys_addr = 0xfed00000, .caller = c.icaller,
	};

	add_vm(&c, 0, &io);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000003000   12288 ioremap_caller+0x8/0x80 phys=0x00000000fed00000 ioremap\n");
}

/* Early vmlist areas: no caller, no pages, just the flag word. */
static void test_area_without_caller_prints_no_symbol(void **state)
{
	struct ctx c = ctx_new(FK_61);
	struct fk_vm early = {
		.addr = V, .size = 0x200000, .flags = VX_VM_ALLOC,
	};

	add_vm(&c, 0, &early);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000200000 2097152 vmalloc\n");
}

#define ALL_WORDS (VX_VM_IOREMAP | VX_VM_SPARSE | VX_VM_ALLOC | VX_VM_MAP | \
		   VX_VM_USERMAP | VX_VM_DMA_COHERENT | VX_VM_NO_GUARD |   \
		   0x100 | 0x200 | 0x400)

static void every_flag_word(enum fk_gen gen, const char *want)
{
	struct ctx c = ctx_new(gen);
	struct fk_vm vm = {
		.addr = V, .size = 0x2000, .flags = ALL_WORDS,
		.pages = V + 0x40000000, .caller = c.vcaller,
	};

	add_vm(&c, 0, &vm);
	expect_output(&c, want);
}

static void test_612_flag_words_in_kernel_order(void **state)
{
	every_flag_word(FK_612,
		"0xffffc90000000000-0xffffc90000002000    8192 vmalloc_caller+0x10/0x100 ioremap sparse vmalloc vmap user dma-coherent vpages\n");
}

static void test_61_sparse_is_not_a_word(void **state)
{
	every_flag_word(FK_61,
		"0xffffc90000000000-0xffffc90000002000    8192 vmalloc_caller+0x10/0x100 ioremap vmalloc vmap user dma-coherent vpages\n");
}

/* is_vmalloc_addr(): VMALLOC_START <= pages < VMALLOC_END (inclusive end). */
static void test_vpages_only_inside_vmalloc_range(void **state)
{
	struct ctx c = ctx_new(FK_61);
	const uint64_t pages[] = {
		V - 8, V, FK_VMALLOC_END - 1, FK_VMALLOC_END, 0xffff888000200000,
	};

	for (size_t i = 0; i < 5; i++) {
		struct fk_vm vm = {
			.addr = V + i * 0x10000, .size = 0x2000,
			.flags = VX_VM_MAP, .pages = pages[i],
		};

		add_vm(&c, 0, &vm);
	}
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000002000    8192 vmap\n"
		"0xffffc90000010000-0xffffc90000012000    8192 vmap vpages\n"
		"0xffffc90000020000-0xffffc90000022000    8192 vmap vpages\n"
		"0xffffc90000030000-0xffffc90000032000    8192 vmap\n"
		"0xffffc90000040000-0xffffc90000042000    8192 vmap\n");
}

/* A pages[] array vmalloc'd itself: vpages, and counts read through it. */
static void test_vpages_array_is_read_for_node_counts(void **state)
{
	struct ctx c = ctx_new(FK_612);
	const int nids[3] = { 1, 1, 0 };
	struct fk_vm vm = {
		.addr = V, .size = 0x4000, .flags = VX_VM_ALLOC,
		.nr_pages = 3, .caller = c.vcaller,
		.pages = fake_kernel_pages(c.fk, 3, nids, true),
	};

	add_vm(&c, 0, &vm);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000004000   16384 vmalloc_caller+0x10/0x100 pages=3 vmalloc vpages N0=1 N1=2\n");
}

/* ---- NUMA ---------------------------------------------------------------- */

static void test_510_node_counts_use_page_flags_bits_54_to_63(void **state)
{
	struct ctx c = ctx_new(FK_510);
	const int nids[5] = { 3, 0, 1, 1, 3 };
	struct fk_vm vm = {
		.addr = V, .size = 0x6000, .flags = VX_VM_ALLOC,
		.nr_pages = 5, .caller = c.vcaller,
		.pages = fake_kernel_pages(c.fk, 5, nids, false),
	};

	add_vm(&c, 0, &vm);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000006000   24576 vmalloc_caller+0x10/0x100 pages=5 vmalloc N0=1 N1=2 N3=2\n");
}

/* Pages on nodes outside node_states[N_HIGH_MEMORY] are never printed. */
static void test_node_counts_only_for_high_memory_nodes(void **state)
{
	struct ctx c = ctx_new(FK_61);
	const int nids[4] = { 0, 1, 2, 3 };
	struct fk_vm vm = {
		.addr = V, .size = 0x5000, .flags = VX_VM_ALLOC,
		.nr_pages = 4, .caller = c.vcaller,
		.pages = fake_kernel_pages(c.fk, 4, nids, false),
	};

	fake_kernel_set_high_memory(c.fk, 0x5);	/* nodes 0 and 2 */
	add_vm(&c, 0, &vm);
	add_vmalloc(&c, 0, V + 0x10000, 2, 1);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000005000   20480 vmalloc_caller+0x10/0x100 pages=4 vmalloc N0=1 N2=1\n"
		"0xffffc90000010000-0xffffc90000013000   12288 vmalloc_caller+0x10/0x100 pages=2 vmalloc\n");
}

/*
 * 6.1+: one page_to_nid() per 1 << page_order pages.  pages[0] is on node
 * 1, the 511 others on node 0: a huge area counts N1=512, a small-page
 * area over the same pages N0=511 N1=1.
 */
static void test_61_node_counts_step_by_page_order(void **state)
{
	struct ctx c = ctx_new(FK_61);
	int nids[512] = { 1 };
	uint64_t pages = fake_kernel_pages(c.fk, 512, nids, false);
	struct fk_vm huge = {
		.addr = V, .size = 0x201000,
		.flags = VX_VM_ALLOC | 0x400, .nr_pages = 512, .page_order = 9,
		.caller = c.vcaller, .pages = pages,
	};
	struct fk_vm small = huge;

	small.addr = V + 0x400000;
	small.page_order = 0;
	add_vm(&c, 0, &huge);
	add_vm(&c, 0, &small);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000201000 2101248 vmalloc_caller+0x10/0x100 pages=512 vmalloc N1=512\n"
		"0xffffc90000400000-0xffffc90000601000 2101248 vmalloc_caller+0x10/0x100 pages=512 vmalloc N0=511 N1=1\n");
}

static void test_no_node_counts_without_numa(void **state)
{
	struct ctx c = ctx_new(FK_612);

	fake_kernel_set_no_numa(c.fk);
	add_vmalloc(&c, 0, V, 2, 1);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000003000   12288 vmalloc_caller+0x10/0x100 pages=2 vmalloc\n");
}

/*
 * Two kernels opened one after the other in one process, with struct
 * pages at the same vmemmap addresses on different nodes: the second
 * must count its own pages, not what the first one's were.
 */
static void test_node_counts_not_carried_over_between_kernels(void **state)
{
	for (int nid = 1; nid >= 0; nid--) {
		struct ctx c = ctx_new(FK_61);
		char want[200];

		fake_kernel_reuse_vmemmap(c.fk);
		add_vmalloc(&c, 0, V, 2, nid);
		snprintf(want, sizeof(want),
			 "0xffffc90000000000-0xffffc90000003000   12288 vmalloc_caller+0x10/0x100 pages=2 vmalloc N%d=2\n",
			 nid);
		expect_output(&c, want);
	}
}

/* ---- widths and %pK ---------------------------------------------------- */

static void test_size_is_seven_wide_and_widens(void **state)
{
	struct ctx c = ctx_new(FK_61);

	fake_kernel_add_area(c.fk, 0, V, V + 0x1000, NULL, 0, NULL);
	fake_kernel_add_area(c.fk, 0, V + 0x100000, V + 0x302000, NULL, 0,
			     NULL);
	fake_kernel_add_area(c.fk, 0, V + 0x1000000, V + 0x2001000, NULL, 0,
			     NULL);
	expect_output(&c,
		"0xffffc90000000000-0xffffc90000001000    4096 vm_map_ram\n"
		"0xffffc90000100000-0xffffc90000302000 2105344 vm_map_ram\n"
		"0xffffc90001000000-0xffffc90002001000 16781312 vm_map_ram\n");
}

static void test_kptr_zero_prints_zero_addresses(void **state)
{
	struct ctx c = ctx_new(FK_61);

	add_vmalloc(&c, 0, V, 1, 0);
	fake_kernel_add_lazy(c.fk, 0, V + 0x10000, V + 0x11000);
	expect_output_mode(&c, VX_KPTR_ZERO,
		"0x0000000000000000-0x0000000000000000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0x0000000000000000-0x0000000000000000    4096 unpurged vm_area\n");
}

/*
 * SipHash-2-4 written independently from the paper (Aumasson, Bernstein,
 * "SipHash: a fast short-input PRF", 2012): any message length, key and
 * message read byte by byte, little-endian.
 */
#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

static void sip_round(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0]; v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2]; v[2] = ROTL(v[2], 32);
}

static uint64_t le64(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static uint64_t ref_siphash24(const uint8_t key[16], const uint8_t *msg,
			      size_t len)
{
	uint64_t k0 = le64(key, 8), k1 = le64(key + 8, 8);
	uint64_t v[4] = {
		k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
		k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL,
	};
	size_t whole = len / 8 * 8;
	uint64_t m;

	for (size_t i = 0; i < whole; i += 8) {
		m = le64(msg + i, 8);
		v[3] ^= m;
		sip_round(v);
		sip_round(v);
		v[0] ^= m;
	}
	m = le64(msg + whole, len - whole) | (uint64_t)(len & 0xff) << 56;
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static void u64_bytes(uint64_t x, uint8_t out[8])
{
	for (int i = 0; i < 8; i++)
		out[i] = x >> (8 * i);
}

static void test_siphash_matches_reference_vector(void **state)
{
	const uint64_t key[2] = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	uint8_t kb[16], mb[8];

	for (int i = 0; i < 16; i++)
		kb[i] = i;
	for (int i = 0; i < 8; i++)
		mb[i] = i;
	/* The paper's vector for key 00..0f, message 00..07. */
	assert_int_equal(ref_siphash24(kb, mb, 8), 0x93f5f5799a932462ULL);
	assert_int_equal(vx_siphash_1u64(0x0706050403020100ULL, key),
			 0x93f5f5799a932462ULL);
}

static uint32_t ref_hashed_ptr(uint64_t ptr, uint64_t k0, uint64_t k1)
{
	uint8_t key[16], msg[8];

	u64_bytes(k0, key);
	u64_bytes(k1, key + 8);
	u64_bytes(ptr, msg);
	return ref_siphash24(key, msg, 8) & 0xffffffff;
}

/* kptr_restrict=0: siphash_1u64(ptr, &ptr_key) & 0xffffffff, 16 digits. */
static void test_kptr_hash_is_siphash_of_ptr_key(void **state)
{
	const uint64_t k0 = 0x1f2e3d4c5b6a7988ULL, k1 = 0x0123456789abcdefULL;
	struct ctx c = ctx_new(FK_612);
	char want[300];

	fake_kernel_set_ptr_key(c.fk, k0, k1);
	add_vmalloc(&c, 0, V, 1, 0);
	fake_kernel_add_lazy(c.fk, 0, V + 0x10000, V + 0x11000);
	snprintf(want, sizeof(want),
		 "0x%016x-0x%016x    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		 "0x%016x-0x%016x    4096 unpurged vm_area\n",
		 ref_hashed_ptr(V, k0, k1), ref_hashed_ptr(V + 0x2000, k0, k1),
		 ref_hashed_ptr(V + 0x10000, k0, k1),
		 ref_hashed_ptr(V + 0x11000, k0, k1));
	expect_output_mode(&c, VX_KPTR_HASH, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_510_order_is_ascending_list_order),
		cmocka_unit_test(test_61_order_is_ascending_list_order),
		cmocka_unit_test(test_612_order_is_node_major),
		cmocka_unit_test(test_72_order_is_node_major),
		cmocka_unit_test(test_612_walks_only_nr_vmap_nodes),
		cmocka_unit_test(test_510_unpurged_lines_follow_llist_after_busy),
		cmocka_unit_test(test_61_unpurged_lines_follow_purge_list_after_busy),
		cmocka_unit_test(test_61_no_unpurged_lines_without_busy_areas),
		cmocka_unit_test(test_612_unpurged_lines_without_busy_areas),
		cmocka_unit_test(test_510_null_vm_prints_vm_map_ram),
		cmocka_unit_test(test_510_no_unpurged_lines_after_vm_less_last_area),
		cmocka_unit_test(test_61_unpurged_lines_after_vm_less_last_area),
		cmocka_unit_test(test_612_null_vm_printed_only_with_vmap_ram),
		cmocka_unit_test(test_72_null_vm_printed_only_with_vmap_ram),
		cmocka_unit_test(test_510_uninitialized_printed_without_node_counts),
		cmocka_unit_test(test_61_uninitialized_printed_without_node_counts),
		cmocka_unit_test(test_612_uninitialized_area_is_skipped),
		cmocka_unit_test(test_72_uninitialized_area_is_skipped),
		cmocka_unit_test(test_61_pages_above_int_max_print_negative),
		cmocka_unit_test(test_72_pages_print_as_unsigned_long),
		cmocka_unit_test(test_phys_addr_is_zero_padded_to_16_digits),
		cmocka_unit_test(test_area_without_caller_prints_no_symbol),
		cmocka_unit_test(test_612_flag_words_in_kernel_order),
		cmocka_unit_test(test_61_sparse_is_not_a_word),
		cmocka_unit_test(test_vpages_only_inside_vmalloc_range),
		cmocka_unit_test(test_vpages_array_is_read_for_node_counts),
		cmocka_unit_test(test_510_node_counts_use_page_flags_bits_54_to_63),
		cmocka_unit_test(test_node_counts_only_for_high_memory_nodes),
		cmocka_unit_test(test_61_node_counts_step_by_page_order),
		cmocka_unit_test(test_no_node_counts_without_numa),
		cmocka_unit_test(test_node_counts_not_carried_over_between_kernels),
		cmocka_unit_test(test_size_is_seven_wide_and_widens),
		cmocka_unit_test(test_kptr_zero_prints_zero_addresses),
		cmocka_unit_test(test_siphash_matches_reference_vector),
		cmocka_unit_test(test_kptr_hash_is_siphash_of_ptr_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

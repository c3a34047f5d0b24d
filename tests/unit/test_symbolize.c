// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * %pS as sprint_symbol() printed it (doc/kernel.md §2.4, §6.5, §6.6):
 * kallsyms aliases, "+0x0/", sizes, the _end fallback, is_ksym_addr() of
 * 5.10 and 6.1+, module symbols with 5.10/6.1 layout bounds and 6.12/7.2
 * mem[] regions, mapping symbols, unknown addresses.
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
#include "walk.h"

#define ALIASES		(FK_STEXT + 0x10000)
#define LAST_SYM	0xffffffff83f00000ULL
#define MOD_BASE	0xffffffffc0200000ULL
#define MOD_DATA	0xffffffffc0400000ULL
#define GONE_BASE	0xffffffffc0600000ULL

static struct fake_kernel *kernel_with_symbols(enum fk_gen gen)
{
	struct fake_kernel *fk = fake_kernel_new(gen);

	/* Table order, not name order, picks among equal addresses. */
	fake_kernel_add_symbol(fk, 'T', "zeta_alias", ALIASES);
	fake_kernel_add_symbol(fk, 'T', "alpha_alias", ALIASES);
	fake_kernel_add_symbol(fk, 't', "middle_alias", ALIASES);
	fake_kernel_add_symbol(fk, 'T', "after_alias", ALIASES + 0x40);
	fake_kernel_add_symbol(fk, 'T', "_etext", FK_STEXT + 0x20000);
	fake_kernel_add_symbol(fk, 't', "init_fn", FK_INIT_BEGIN + 0x100);
	/* The highest symbol of the table: its size runs to _end. */
	fake_kernel_add_symbol(fk, 'b', "zz_last", LAST_SYM);
	return fk;
}

static struct vx_kernel *open_kernel(struct fake_kernel *fk)
{
	struct vx_kernel *k;
	struct vx_error *err;

	err = vx_kernel_open(fake_kernel_target(fk), &k);
	if (err)
		fail_msg("open: %s", err->message);
	return k;
}

static void expect_sym(struct vx_kernel *k, uint64_t addr, const char *want)
{
	char buf[600];

	assert_string_equal(vx_symbolize(k, addr, buf, sizeof(buf)), want);
}

/* ---- the kernel image ------------------------------------------------- */

static void test_alias_prints_lowest_table_index(void **state)
{
	struct fake_kernel *fk = kernel_with_symbols(FK_612);
	struct vx_kernel *k = open_kernel(fk);

	expect_sym(k, ALIASES + 0x4, "zeta_alias+0x4/0x40");
	expect_sym(k, ALIASES + 0x3f, "zeta_alias+0x3f/0x40");
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

static void test_offset_zero_prints_0x0(void **state)
{
	struct fake_kernel *fk = kernel_with_symbols(FK_61);
	struct vx_kernel *k = open_kernel(fk);

	expect_sym(k, ALIASES, "zeta_alias+0x0/0x40");
	expect_sym(k, ALIASES + 0x40, "after_alias+0x0/0xffc0");
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/* The size is the distance to the next higher address, never to an alias. */
static void test_size_is_distance_to_next_higher_address(void **state)
{
	struct fake_kernel *fk = kernel_with_symbols(FK_72);
	struct vx_kernel *k = open_kernel(fk);

	expect_sym(k, ALIASES + 0x41, "after_alias+0x1/0xffc0");
	expect_sym(k, FK_INIT_BEGIN + 0x180, "init_fn+0x80/0xff00");
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

static void test_last_symbol_size_runs_to_end(void **state)
{
	struct fake_kernel *fk = kernel_with_symbols(FK_612);
	struct vx_kernel *k = open_kernel(fk);

	expect_sym(k, LAST_SYM + 0x20, "zz_last+0x20/0x100000");
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/* 5.10 is_kernel(): _stext <= addr <= _end, so _end itself resolves. */
static void test_510_address_at_end_is_a_symbol(void **state)
{
	struct fake_kernel *fk = kernel_with_symbols(FK_510);
	struct vx_kernel *k = open_kernel(fk);

	expect_sym(k, FK_END, "zz_last+0x100000/0x100000");
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/* 6.1+: [_stext, _end) only. */
static void test_61_address_at_end_prints_hex(void **state)
{
	struct fake_kernel *fk = kernel_with_symbols(FK_61);
	struct vx_kernel *k = open_kernel(fk);

	expect_sym(k, FK_END, "0xffffffff84000000");
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

static void test_unknown_address_prints_hex(void **state)
{
	struct fake_kernel *fk = kernel_with_symbols(FK_612);
	struct vx_kernel *k = open_kernel(fk);

	expect_sym(k, FK_STEXT - 0x1000, "0xffffffff80fff000");
	expect_sym(k, 0xffffffffc0a00000ULL, "0xffffffffc0a00000");
	expect_sym(k, 0x1, "0x1");
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/* ---- modules ------------------------------------------------------------ */

static const struct fk_modsym mod_syms[] = {
	{ "mod_func", MOD_BASE + 0x200, 1 },
	{ "undef_sym", MOD_BASE + 0x250, 0 },	/* SHN_UNDEF */
	{ "", MOD_BASE + 0x260, 1 },
	{ ".Ltmp1", MOD_BASE + 0x270, 1 },
	{ "$x", MOD_BASE + 0x280, 1 },
	{ "$xyz", MOD_BASE + 0x400, 1 },	/* mapping only on 6.12+ */
	{ "mod_last", MOD_BASE + 0x2f00, 1 },
	{ "mod_data", MOD_BASE + 0x3800, 1 },	/* 5.10/6.1: core data */
	{ "data_first", MOD_DATA + 0x100, 1 },	/* 6.12+: mem[MOD_DATA] */
	{ "data_tail", MOD_DATA + 0x1800, 1 },
};

static const struct fk_modsym gone_syms[] = {
	{ "gone_func", GONE_BASE + 0x10, 1 },
};

static struct fake_kernel *kernel_with_modules(enum fk_gen gen)
{
	struct fake_kernel *fk = kernel_with_symbols(gen);
	struct fk_module mymod = {
		.name = "mymod", .state = 0,
		.base = MOD_BASE, .size = 0x5000, .text_size = 0x3000,
		.data_base = MOD_DATA, .data_size = 0x2000,
		.syms = mod_syms, .nr_syms = sizeof(mod_syms) / sizeof(mod_syms[0]),
	};
	struct fk_module gone = {
		.name = "gone", .state = 3,	/* MODULE_STATE_UNFORMED */
		.base = GONE_BASE, .size = 0x2000, .text_size = 0x1000,
		.data_base = GONE_BASE + 0x1000, .data_size = 0x1000,
		.syms = gone_syms, .nr_syms = 1,
	};

	fake_kernel_add_module(fk, &gone);
	fake_kernel_add_module(fk, &mymod);
	return fk;
}

/*
 * 5.10/6.1: any symbol of the module may be best (bestval starts at
 * symtab[0]); the next one is bounded by core_layout.base + text_size,
 * even for an address past the text (the size then wraps, as in the
 * kernel).  Only is_arm_mapping_symbol() names are skipped.
 */
static void module_layout_bounds(enum fk_gen gen)
{
	struct fake_kernel *fk = kernel_with_modules(gen);
	struct vx_kernel *k = open_kernel(fk);

	expect_sym(k, MOD_BASE + 0x210, "mod_func+0x10/0x200 [mymod]");
	expect_sym(k, MOD_BASE + 0x290, "mod_func+0x90/0x200 [mymod]");
	expect_sym(k, MOD_BASE + 0x410, "$xyz+0x10/0x2b00 [mymod]");
	expect_sym(k, MOD_BASE + 0x2f10, "mod_last+0x10/0x100 [mymod]");
	expect_sym(k, MOD_BASE + 0x3810,
		   "mod_data+0x10/0xfffffffffffff800 [mymod]");
	/* Before the first symbol: no best, so a raw address. */
	expect_sym(k, MOD_BASE + 0x100, "0xffffffffc0200100");
	/* Past core_layout.size. */
	expect_sym(k, MOD_BASE + 0x5000, "0xffffffffc0205000");
	/* An unformed module is not looked at. */
	expect_sym(k, GONE_BASE + 0x20, "0xffffffffc0600020");
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

static void test_510_module_symbols_use_core_layout_bounds(void **state)
{
	module_layout_bounds(FK_510);
}

static void test_61_module_symbols_use_core_layout_bounds(void **state)
{
	module_layout_bounds(FK_61);
}

/*
 * 6.12/7.2: the mem[] region holding the address bounds both ends; every
 * '$' name is a mapping symbol.
 */
static void module_mem_bounds(enum fk_gen gen)
{
	struct fake_kernel *fk = kernel_with_modules(gen);
	struct vx_kernel *k = open_kernel(fk);

	expect_sym(k, MOD_BASE + 0x210, "mod_func+0x10/0x2d00 [mymod]");
	expect_sym(k, MOD_BASE + 0x410, "mod_func+0x210/0x2d00 [mymod]");
	expect_sym(k, MOD_BASE + 0x2f10, "mod_last+0x10/0x100 [mymod]");
	expect_sym(k, MOD_DATA + 0x110, "data_first+0x10/0x1700 [mymod]");
	expect_sym(k, MOD_DATA + 0x1810, "data_tail+0x10/0x800 [mymod]");
	/* No symbol of the data region at or below it: text ones do not count. */
	expect_sym(k, MOD_DATA + 0x10, "0xffffffffc0400010");
	/* Between the regions. */
	expect_sym(k, MOD_BASE + 0x3810, "0xffffffffc0203810");
	expect_sym(k, GONE_BASE + 0x20, "0xffffffffc0600020");
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

static void test_612_module_symbols_use_mem_region_bounds(void **state)
{
	module_mem_bounds(FK_612);
}

/* 7.2 moves module_memory.size to offset 12 (after bool is_rox). */
static void test_72_module_symbols_use_mem_region_bounds(void **state)
{
	module_mem_bounds(FK_72);
}

/* A module caller in a whole vmallocinfo line. */
static void test_612_module_caller_in_vmallocinfo_line(void **state)
{
	struct fake_kernel *fk = kernel_with_modules(FK_612);
	struct fk_vm vm = {
		.addr = FK_VMALLOC_START, .size = 0x2000,
		.flags = VX_VM_ALLOC, .nr_pages = 1,
		.caller = MOD_BASE + 0x210,
		.pages = fake_kernel_pages_on(fk, 1, 0),
	};
	struct vx_error *err;
	char *text;

	fake_kernel_add_area(fk, 0, vm.addr, vm.addr + vm.size, &vm, 0, NULL);
	err = fake_kernel_vmallocinfo(fk, VX_KPTR_RAW, &text, NULL, NULL);
	if (err)
		fail_msg("vmallocinfo: %s", err->message);
	assert_string_equal(text,
		"0xffffc90000000000-0xffffc90000002000    8192 mod_func+0x10/0x2d00 [mymod] pages=1 vmalloc N0=1\n");
	free(text);
	fake_kernel_free(fk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias_prints_lowest_table_index),
		cmocka_unit_test(test_offset_zero_prints_0x0),
		cmocka_unit_test(test_size_is_distance_to_next_higher_address),
		cmocka_unit_test(test_last_symbol_size_runs_to_end),
		cmocka_unit_test(test_510_address_at_end_is_a_symbol),
		cmocka_unit_test(test_61_address_at_end_prints_hex),
		cmocka_unit_test(test_unknown_address_prints_hex),
		cmocka_unit_test(test_510_module_symbols_use_core_layout_bounds),
		cmocka_unit_test(test_61_module_symbols_use_core_layout_bounds),
		cmocka_unit_test(test_612_module_symbols_use_mem_region_bounds),
		cmocka_unit_test(test_72_module_symbols_use_mem_region_bounds),
		cmocka_unit_test(test_612_module_caller_in_vmallocinfo_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

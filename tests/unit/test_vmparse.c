// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of lib/vmparse.c.
 *
 * Without arguments: the cmocka tests.  With file arguments
 * ("test_vmparse [--json] FILE..."): parse each file, print it back and
 * compare byte for byte; this is the driver of tests/integration/t-parse.sh
 * until the front end's --parse exists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "vmparse.h"

static struct vx_snapshot *parse_ok(const char *text)
{
	struct vx_snapshot *snap = NULL;
	struct vx_error *err;

	err = vx_vmparse_buffer("t", text, strlen(text), 0, &snap);
	if (err)
		fail_msg("unexpected error: %s", err->message);
	assert_non_null(snap);
	return snap;
}

/* The parse error message for text (which must fail). */
static char *parse_error(const char *text, size_t len)
{
	struct vx_snapshot *snap = NULL;
	struct vx_error *err;
	char *msg;

	err = vx_vmparse_buffer("f.txt", text, len, 0, &snap);
	assert_non_null(err);
	assert_null(snap);
	msg = strdup(err->message);
	vx_error_destroy(err);
	return msg;
}

static void assert_error_contains(const char *text, const char *expected)
{
	char *msg = parse_error(text, strlen(text));

	if (!strstr(msg, expected))
		fail_msg("error \"%s\" does not contain \"%s\"", msg, expected);
	free(msg);
}

static char *print_snapshot(const struct vx_snapshot *snap)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	vx_snapshot_print(f, snap);
	fclose(f);
	return buf;
}

/* Parses text and asserts that printing it back gives the same bytes. */
static struct vx_snapshot *round_trip(const char *text)
{
	struct vx_snapshot *snap = parse_ok(text);
	char *printed = print_snapshot(snap);

	assert_string_equal(printed, text);
	free(printed);
	return snap;
}

/*
 * The sample lines of doc/kernel-vmalloc.md §2.1 (a non-Debian 6.18 host,
 * kptr_restrict=0); the grammar is the same in the four Debian kernels.
 */
static const char sample_618_hashed[] =
	"0x00000000c777df66-0x000000002bee0381   20480 kernel_clone+0x94/0x3e0 pages=4 vmalloc N0=4\n"
	"0x0000000068a3ca3e-0x00000000e9797f42    8192 acpi_os_map_iomem+0x1bc/0x1e0 phys=0x00000000000a0000 ioremap\n"
	"0x0000000046a206c7-0x0000000016ce02d6 2105344 htab_map_alloc+0x2e4/0x5a0 pages=513 vmalloc vpages N0=513\n"
	"0x0000000053ba7498-0x00000000a34cc17e 2097152 pcpu_get_vm_areas+0x0/0x1050 vmalloc\n"
	"0x0000000081a2bc56-0x0000000006bf47a5   20480 unpurged vm_area\n";

static void test_doc_sample_hashed_lines_round_trip(void **state)
{
	struct vx_snapshot *snap = round_trip(sample_618_hashed);
	const struct vx_vmline *l = snap->lines;

	assert_int_equal(snap->form, VX_ADDR_HASHED);
	assert_int_equal(snap->nr_lines, 5);
	assert_int_equal(l[0].start, 0xc777df66);
	assert_int_equal(l[0].end, 0x2bee0381);
	assert_int_equal(l[0].size, 20480);	/* real size in a hashed file */
	assert_int_equal(l[0].kind, VX_VMLINE_VM);
	assert_string_equal(l[0].caller, "kernel_clone+0x94/0x3e0");
	assert_string_equal(l[0].symbol, "kernel_clone");
	assert_int_equal(l[0].offset, 0x94);
	assert_int_equal(l[0].symsize, 0x3e0);
	assert_null(l[0].module);
	assert_true(l[0].has_pages);
	assert_int_equal(l[0].pages, 4);
	assert_false(l[0].has_phys);
	assert_int_equal(l[0].flags, VX_VM_ALLOC);
	assert_int_equal(l[0].nr_numa, 1);
	assert_int_equal(l[0].numa[0].node, 0);
	assert_int_equal(l[0].numa[0].pages, 4);
	assert_int_equal(l[0].lineno, 1);

	assert_true(l[1].has_phys);
	assert_int_equal(l[1].phys, 0xa0000);
	assert_false(l[1].has_pages);
	assert_int_equal(l[1].flags, VX_VM_IOREMAP);
	assert_int_equal(l[1].nr_numa, 0);

	assert_int_equal(l[2].flags, VX_VM_ALLOC | VX_VM_VPAGES);
	assert_int_equal(l[2].size, 2105344);

	assert_int_equal(l[3].offset, 0);	/* printed "+0x0", kernel %#lx */
	assert_false(l[3].has_pages);

	assert_int_equal(l[4].kind, VX_VMLINE_UNPURGED);
	assert_null(l[4].caller);
	assert_int_equal(l[4].lineno, 5);
	vx_snapshot_destroy(snap);
}

/* Real addresses (kptr_restrict=1), one line per form the kernels print. */
static const char every_form_real[] =
	/* early vmlist area: no caller, no pages */
	"0xffffc90000000000-0xffffc90000200000 2097152 vmalloc\n"
	/* a vm_struct with no caller, pages, phys or flags at all */
	"0xffffc90000200000-0xffffc90000201000    4096\n"
	/* module caller */
	"0xffffc90000201000-0xffffc90000206000   20480 nf_ct_alloc_hashtable+0x3c/0x90 [nf_conntrack] pages=4 vmalloc N0=4\n"
	/* caller in freed module init text: sprint_symbol prints 0x%lx */
	"0xffffc90000206000-0xffffc90000209000   12288 0xffffffffc0a01234 pages=2 vmalloc N0=2\n"
	/* every printed flag, in the kernel's order */
	"0xffffc90000209000-0xffffc9000020c000   12288 dma_common_contiguous_remap+0x5e/0x90 pages=2 phys=0x0000000012345000 ioremap sparse vmalloc vmap user dma-coherent vpages N0=1 N3=1\n"
	/* vmap() without pages= */
	"0xffffc9000020c000-0xffffc90000210000   16384 vmap+0x91/0xd0 vmap\n"
	/* 6.12+ sparse (BPF arena), wider than 7 columns */
	"0xffffc90000210000-0xffffc90100211000 4294971392 arena_map_alloc+0x1b0/0x2a0 sparse\n"
	/* 7.2 pages=%lu beyond INT_MAX */
	"0xffffc90100211000-0xffffc98100212000 549755817984 huge_user+0x10/0x20 pages=134217728 vmalloc N0=67108864 N1=67108864\n"
	/* user mapping */
	"0xffffc98100212000-0xffffc98100215000   12288 vmalloc_user+0x10/0x20 pages=2 vmalloc user N1=2\n"
	/* vm_map_ram: a vmap block */
	"0xffffc98100300000-0xffffc98100400000 1048576 vm_map_ram\n"
	/* per-cpu chunk */
	"0xffffe8ffffc00000-0xffffe8ffffe00000 2097152 pcpu_get_vm_areas+0x0/0x1050 vmalloc\n"
	/* module area, symbol with dots */
	"0xffffffffc0000000-0xffffffffc0005000   20480 load_module.constprop.0+0x1fe/0x2a0 pages=4 vmalloc N0=4\n"
	"0xffffffffc0010000-0xffffffffc0015000   20480 unpurged vm_area\n";

static void test_every_line_form_with_real_addresses_round_trips(void **state)
{
	struct vx_snapshot *snap = round_trip(every_form_real);
	const struct vx_vmline *l = snap->lines;

	assert_int_equal(snap->form, VX_ADDR_REAL);
	assert_int_equal(snap->nr_lines, 13);
	assert_null(l[0].caller);
	assert_int_equal(l[0].flags, VX_VM_ALLOC);
	assert_null(l[1].caller);
	assert_int_equal(l[1].flags, 0);
	assert_string_equal(l[2].caller,
			    "nf_ct_alloc_hashtable+0x3c/0x90 [nf_conntrack]");
	assert_string_equal(l[2].symbol, "nf_ct_alloc_hashtable");
	assert_string_equal(l[2].module, "nf_conntrack");
	assert_string_equal(l[3].caller, "0xffffffffc0a01234");
	assert_null(l[3].symbol);
	assert_null(l[3].module);
	assert_int_equal(l[3].caller_addr, 0xffffffffc0a01234ull);
	assert_int_equal(l[4].flags, VX_VM_IOREMAP | VX_VM_SPARSE |
			 VX_VM_ALLOC | VX_VM_MAP | VX_VM_USERMAP |
			 VX_VM_DMA_COHERENT | VX_VM_VPAGES);
	assert_int_equal(l[4].nr_numa, 2);
	assert_int_equal(l[4].numa[1].node, 3);
	assert_int_equal(l[5].flags, VX_VM_MAP);
	assert_int_equal(l[6].size, 4294971392ll);
	assert_int_equal(l[6].flags, VX_VM_SPARSE);
	assert_int_equal(l[7].pages, 134217728);
	assert_int_equal(l[9].kind, VX_VMLINE_VM_MAP_RAM);
	assert_null(l[9].caller);
	assert_string_equal(l[11].symbol, "load_module.constprop.0");
	assert_int_equal(l[12].kind, VX_VMLINE_UNPURGED);
	vx_snapshot_destroy(snap);
}

/*
 * Lines copied from the vmallocinfo of the Debian kernels themselves
 * (dumps/out/<case>/vmallocinfo.{raw,hashed}: bullseye 5.10.0-32,
 * bookworm 6.1.0-50 with 2 NUMA nodes, trixie 6.12.117 with 5-level
 * paging, sid 7.2.13), one block per case.
 */
static const char *const debian_lines[] = {
	/* bullseye-base, raw */
	"0xffffbc0a4004d000-0xffffbc0a4004f000    8192 map_capability+0x104/0x170 [virtio_pci] phys=0x00000000fe000000 ioremap\n"
	"0xffffbc0a40005000-0xffffbc0a40007000    8192 acpi_os_map_iomem+0x1c7/0x1e0 phys=0x000000003ffe1000 ioremap\n"
	"0xffffbc0a40218000-0xffffbc0a4021d000   20480 unpurged vm_area\n"
	"0xffffdc0a3fa00000-0xffffdc0a3fc00000 2097152 pcpu_get_vm_areas+0x0/0x10a0 vmalloc\n",
	/* bullseye-base, hashed */
	"0x000000007da5bf1a-0x000000009f526f89   20480 irq_init_percpu_irqstack+0xcf/0x100 vmap\n"
	"0x0000000020330bbe-0x00000000868f5778    8192 map_capability+0x104/0x170 [virtio_pci] phys=0x00000000fe000000 ioremap\n"
	"0x00000000efe99b65-0x000000001f13818b   20480 unpurged vm_area\n",
	/* bookworm-numa2, raw */
	"0xffffcf6dc01f1000-0xffffcf6dc01f3000    8192 vp_modern_map_capability+0x148/0x1d0 [virtio_pci_modern_dev] phys=0x00000000fe000000 ioremap\n"
	"0xffffcf6dc0356000-0xffffcf6dc0757000 4198400 pcpu_create_chunk+0x167/0x1b0 pages=1024 vmalloc vpages N0=1024\n"
	"0xffffcf6dc000d000-0xffffcf6dc010e000 1052672 alloc_large_system_hash+0x197/0x27c pages=256 vmalloc N0=128 N1=128\n"
	"0xffffef6d9fe00000-0xffffef6da0000000 2097152 pcpu_get_vm_areas+0x0/0x1080 vmalloc\n",
	/* bookworm-numa2, hashed */
	"0x00000000babf6bc6-0x00000000c2a816ea 1052672 alloc_large_system_hash+0x197/0x27c pages=256 vmalloc N0=128 N1=128\n"
	"0x0000000005477b1d-0x00000000cd64ed9c   20480 unpurged vm_area\n",
	/* trixie-la57, raw: 5-level paging addresses */
	"0xff81af17c006d000-0xff81af17c0070000   12288 zcomp_cpu_up_prepare+0x66/0xa0 [zram] pages=2 vmalloc N0=2\n"
	"0xff81af17c0498000-0xff81af17c049d000   20480 unpurged vm_area\n"
	"0xffb3af17bfc00000-0xffb3af17bfe00000 2097152 pcpu_get_vm_areas+0x0/0x1000 vmalloc\n",
	/* sid-base, raw and hashed */
	"0xffffd39d00085000-0xffffd39d00087000    8192 zcomp_cpu_up_prepare+0x81/0xf0 [zram] pages=1 vmalloc N0=1\n"
	"0xffffd39d00005000-0xffffd39d00007000    8192 acpi_os_map_iomem+0x1cc/0x210 phys=0x000000003ffe1000 ioremap\n",
	"0x00000000d7378481-0x00000000175381f5   20480 irq_init_percpu_irqstack+0x12b/0x1d0 vmap\n"
	"0x00000000451259e1-0x00000000f602c48e   20480 unpurged vm_area\n",
};

static void test_debian_kernel_lines_round_trip(void **state)
{
	static const enum vx_addr_form forms[] = {
		VX_ADDR_REAL, VX_ADDR_HASHED, VX_ADDR_REAL, VX_ADDR_HASHED,
		VX_ADDR_REAL, VX_ADDR_REAL, VX_ADDR_HASHED,
	};
	struct vx_snapshot *snap;
	size_t i;

	for (i = 0; i < sizeof(debian_lines) / sizeof(debian_lines[0]); i++) {
		snap = round_trip(debian_lines[i]);
		assert_int_equal(snap->form, forms[i]);
		vx_snapshot_destroy(snap);
	}
	snap = parse_ok(debian_lines[2]);
	assert_string_equal(snap->lines[0].module, "virtio_pci_modern_dev");
	assert_int_equal(snap->lines[1].flags, VX_VM_ALLOC | VX_VM_VPAGES);
	assert_int_equal(snap->lines[2].nr_numa, 2);
	assert_int_equal(snap->lines[2].numa[1].node, 1);
	assert_int_equal(snap->lines[2].numa[1].pages, 128);
	vx_snapshot_destroy(snap);
}

static void test_zeroed_file_is_detected_and_round_trips(void **state)
{
	struct vx_snapshot *snap = round_trip(
		"0x0000000000000000-0x0000000000000000   20480 kernel_clone+0x94/0x3e0 pages=4 vmalloc N0=4\n"
		"0x0000000000000000-0x0000000000000000 1048576 vm_map_ram\n"
		"0x0000000000000000-0x0000000000000000    8192 unpurged vm_area\n");

	assert_int_equal(snap->form, VX_ADDR_ZEROED);
	vx_snapshot_destroy(snap);
}

static void test_hash_of_zero_among_hashes_stays_hashed(void **state)
{
	struct vx_snapshot *snap = round_trip(
		"0x0000000000000000-0x00000000ae65f804    8192 foo+0x1/0x2 vmalloc\n");

	assert_int_equal(snap->form, VX_ADDR_HASHED);
	vx_snapshot_destroy(snap);
}

static void test_empty_input_has_no_lines_and_unknown_form(void **state)
{
	struct vx_snapshot *snap = round_trip("");

	assert_int_equal(snap->nr_lines, 0);
	assert_int_equal(snap->form, VX_ADDR_UNKNOWN);
	vx_snapshot_destroy(snap);
}

static void test_missing_final_newline_is_kept(void **state)
{
	const char *text = "0x00000000c777df66-0x000000002bee0381    8192 vm_map_ram";
	struct vx_snapshot *snap = parse_ok(text);
	char *printed = print_snapshot(snap);

	assert_false(snap->final_newline);
	assert_string_equal(printed, text);
	free(printed);
	vx_snapshot_destroy(snap);
}

static void test_format_returns_needed_length_when_buffer_small(void **state)
{
	struct vx_snapshot *snap = parse_ok(sample_618_hashed);
	char buf[10];
	size_t n = vx_vmline_format(&snap->lines[0], buf, sizeof(buf));

	assert_int_equal(n, strchr(sample_618_hashed, '\n') - sample_618_hashed + 1);
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	vx_snapshot_destroy(snap);
}

static void test_error_names_file_and_line(void **state)
{
	char *msg = parse_error("0x0000000000000000-0x0000000000000000    4096 vm_map_ram\n"
				"garbage\n", 74);

	assert_string_equal(msg,
		"f.txt:2: expected \"0x<16 hex digits>-0x<16 hex digits> \" at the start: \"garbage\"");
	free(msg);
}

static void test_malformed_lines_each_get_their_cause(void **state)
{
	assert_error_contains("\n", "f.txt:1: empty line");
	assert_error_contains("0x00000000C777DF66-0x000000002bee0381    8192 vm_map_ram\n",
			      "16 lowercase hex digits");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381 8192 vm_map_ram\n",
			      "right-aligned in 7 columns");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381     8192 vm_map_ram\n",
			      "right-aligned in 7 columns");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381   08192 vm_map_ram\n",
			      "size is not a decimal number");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381   -8192 vm_map_ram\n",
			      "size is not a decimal number");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381 99999999999999999999 vm_map_ram\n",
			      "size is not a decimal number");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381        \n",
			      "missing size");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192  vm_map_ram\n",
			      "two spaces in a row");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 vmalloc \n",
			      "space at the end");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 foo+0x01/0x2\n",
			      "caller is neither");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 foo+0/0x2\n",
			      "caller is neither");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 foo+0x1/0x2 [m] [n]\n",
			      "module name not right after a caller symbol");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 0x1 [m]\n",
			      "module name not right after a caller symbol");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 foo+0x1/0x2 [m\n",
			      "module name is not");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 pages=0 vmalloc\n",
			      "pages= is not a positive");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 vmalloc pages=1\n",
			      "pages= out of order");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 phys=0x1234 ioremap\n",
			      "phys= is not");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 phys=0x0000000000000000 ioremap\n",
			      "phys= is not");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 vmalloc ioremap\n",
			      "flag word repeated or out of order");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 vmalloc vmalloc\n",
			      "flag word repeated or out of order");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 vmalloc N1=1 N0=1\n",
			      "ascending order");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 vmalloc N0=0\n",
			      "NUMA count");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 vmalloc N1024=1\n",
			      "NUMA count");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 vmalloc N0=1 vmap\n",
			      "flag word repeated or out of order");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 vmalloc frobnicate\n",
			      "unknown field: \"frobnicate\"");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 vm_map_ram\r\n",
			      "carriage return");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 caf\xc3\xa9+0x1/0x2\n",
			      "not printable ASCII: \"\\xc3\"");
	assert_error_contains("0x00000000c777df66-0x000000002bee0381    8192 unpurged vm_area x\n",
			      "unknown field");
	assert_error_contains("0x0000100000000000-0x0000100000001000    4096 vm_map_ram\n",
			      "start is neither a kernel address");
}

static void test_nul_byte_is_rejected(void **state)
{
	static const char text[] = "0x00000000c777df66-0x000000002bee0381    8192 vm\0map_ram\n";
	char *msg = parse_error(text, sizeof(text) - 1);

	assert_non_null(strstr(msg, "f.txt:1: NUL byte"));
	free(msg);
}

static void test_line_over_4096_bytes_is_rejected(void **state)
{
	size_t len = 5000;
	char *text = malloc(len + 1);
	char *msg;

	memset(text, 'x', len);
	text[len] = '\0';
	msg = parse_error(text, len);
	assert_string_equal(msg, "f.txt:1: line longer than 4096 bytes");
	free(msg);
	free(text);
}

static void test_mixed_address_forms_are_rejected(void **state)
{
	assert_error_contains(
		"0xffffc90000000000-0xffffc90000002000    8192 vm_map_ram\n"
		"0x00000000c777df66-0x000000002bee0381    8192 vm_map_ram\n",
		"f.txt:2: mixed address forms: a hashed address here, but a real kernel address on line 1");
	assert_error_contains(
		"0xffffc90000000000-0xffffc90000002000    8192 vm_map_ram\n"
		"0x0000000000000000-0x0000000000000000    8192 vm_map_ram\n",
		"f.txt:2: mixed address forms: a zeroed address here");
}

static void test_real_size_must_match_range(void **state)
{
	assert_error_contains(
		"0xffffc90000000000-0xffffc90000003000    8192 vm_map_ram\n",
		"f.txt:1: size 8192 does not match the range");
}

static void test_skip_bad_counts_and_keeps_good_lines(void **state)
{
	const char text[] =
		"0x00000000c777df66-0x000000002bee0381    8192 vm_map_ram\n"
		"junk\n"
		"0x00000000c777df67-0x000000002bee0382    8192 unpurged vm_area\n"
		"more junk\n";
	struct vx_snapshot *snap = NULL;
	struct vx_error *err;

	err = vx_vmparse_buffer("s", text, sizeof(text) - 1,
				VX_VMPARSE_SKIP_BAD, &snap);
	assert_null(err);
	assert_int_equal(snap->nr_lines, 2);
	assert_int_equal(snap->nr_skipped, 2);
	assert_int_equal(snap->lines[1].lineno, 3);
	assert_non_null(strstr(snap->first_skipped, "s:2:"));
	vx_snapshot_destroy(snap);
}

static void test_json_of_a_line_uses_address_strings(void **state)
{
	struct vx_snapshot *snap = parse_ok(
		"0xffffc90000201000-0xffffc90000206000   20480 nf_ct_alloc_hashtable+0x3c/0x90 [nf_conntrack] pages=4 phys=0x0000000012345000 vmalloc N0=3 N1=1\n");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct vx_json *w = vx_json_create(f, false);

	vx_vmparse_print_json(w, snap);
	assert_null(vx_json_destroy(w));
	fclose(f);
	assert_string_equal(buf,
		"{\"file\":\"t\",\"address_form\":\"real\",\"lines\":[{\"line\":1,"
		"\"kind\":\"vm\",\"start\":\"0xffffc90000201000\","
		"\"end\":\"0xffffc90000206000\",\"size\":20480,"
		"\"caller\":\"nf_ct_alloc_hashtable+0x3c/0x90 [nf_conntrack]\","
		"\"symbol\":\"nf_ct_alloc_hashtable\",\"offset\":60,\"symsize\":144,"
		"\"module\":\"nf_conntrack\",\"caller_address\":null,\"pages\":4,"
		"\"phys\":\"0x0000000012345000\",\"flags\":[\"vmalloc\"],"
		"\"numa\":[{\"node\":0,\"pages\":3},{\"node\":1,\"pages\":1}]}]}\n");
	free(buf);
	vx_snapshot_destroy(snap);
}

static void test_missing_file_error_names_it(void **state)
{
	struct vx_snapshot *snap;
	struct vx_error *err = vx_vmparse_file("/nonexistent/vmallocinfo", 0, &snap);

	assert_non_null(err);
	assert_int_equal(err->code, VX_ERR_IO);
	assert_string_equal(err->message,
			    "/nonexistent/vmallocinfo: No such file or directory");
	vx_error_destroy(err);
}

/*
 * The stream reader holds one chunk and one line: lines longer than 4096
 * bytes straddling its 64 KiB chunks are refused and skipped exactly as
 * the whole-buffer parser does, and the good lines around them kept.
 */
static void test_stream_matches_buffer_across_chunks(void **state)
{
	static const char good[] =
		"0xffffc90000000000-0xffffc90000005000   20480 irq_init_percpu_irqstack+0x111/0x170 vmap\n";
	size_t len = 0, cap = 400000;
	char *text = malloc(cap);
	struct vx_snapshot *a, *b;
	FILE *in;

	for (int i = 0; len + 20000 < cap; i++) {
		memcpy(text + len, good, sizeof(good) - 1);
		len += sizeof(good) - 1;
		if (i % 97 == 5) {	/* 5000..14000-byte junk lines */
			size_t n = 5000 + (i * 131) % 9000;

			memset(text + len, 'x', n);
			text[len + n] = '\n';
			len += n + 1;
		}
	}
	assert_null(vx_vmparse_buffer("t", text, len, VX_VMPARSE_SKIP_BAD, &a));
	in = fmemopen(text, len, "r");
	assert_non_null(in);
	assert_null(vx_vmparse_stream("t", in, VX_VMPARSE_SKIP_BAD, &b));
	fclose(in);
	assert_true(a->nr_skipped > 3);
	assert_int_equal(a->nr_skipped, b->nr_skipped);
	assert_int_equal(a->nr_lines, b->nr_lines);
	assert_int_equal(a->lines[a->nr_lines - 1].lineno,
			 b->lines[b->nr_lines - 1].lineno);
	assert_string_equal(a->first_skipped, b->first_skipped);
	vx_snapshot_destroy(a);
	vx_snapshot_destroy(b);
	/* the same without SKIP_BAD: the same first error */
	in = fmemopen(text, len, "r");
	{
		struct vx_error *ea = vx_vmparse_buffer("t", text, len, 0, &a);
		struct vx_error *eb = vx_vmparse_stream("t", in, 0, &b);

		assert_non_null(ea);
		assert_non_null(eb);
		assert_string_equal(ea->message, eb->message);
		vx_error_destroy(ea);
		vx_error_destroy(eb);
	}
	fclose(in);
	free(text);
}

/* A directory is refused up front; a FIFO without a writer does not hang. */
static void test_special_files_refused_or_empty(void **state)
{
	char dir[] = "/tmp/vx-vmparse-XXXXXX", fifo[64];
	struct vx_snapshot *snap = NULL;
	struct vx_error *err;

	assert_non_null(mkdtemp(dir));
	err = vx_vmparse_file(dir, 0, &snap);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "a directory"));
	vx_error_destroy(err);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_null(vx_vmparse_file(fifo, 0, &snap));
	assert_int_equal(snap->nr_lines, 0);
	vx_snapshot_destroy(snap);
	unlink(fifo);
	rmdir(dir);
}

static int run_unit_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_sample_hashed_lines_round_trip),
		cmocka_unit_test(test_every_line_form_with_real_addresses_round_trips),
		cmocka_unit_test(test_debian_kernel_lines_round_trip),
		cmocka_unit_test(test_zeroed_file_is_detected_and_round_trips),
		cmocka_unit_test(test_hash_of_zero_among_hashes_stays_hashed),
		cmocka_unit_test(test_empty_input_has_no_lines_and_unknown_form),
		cmocka_unit_test(test_missing_final_newline_is_kept),
		cmocka_unit_test(test_format_returns_needed_length_when_buffer_small),
		cmocka_unit_test(test_error_names_file_and_line),
		cmocka_unit_test(test_malformed_lines_each_get_their_cause),
		cmocka_unit_test(test_nul_byte_is_rejected),
		cmocka_unit_test(test_line_over_4096_bytes_is_rejected),
		cmocka_unit_test(test_mixed_address_forms_are_rejected),
		cmocka_unit_test(test_real_size_must_match_range),
		cmocka_unit_test(test_skip_bad_counts_and_keeps_good_lines),
		cmocka_unit_test(test_json_of_a_line_uses_address_strings),
		cmocka_unit_test(test_missing_file_error_names_it),
		cmocka_unit_test(test_stream_matches_buffer_across_chunks),
		cmocka_unit_test(test_special_files_refused_or_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* File mode: 0 if every file parses and prints back identically. */
static int check_file(const char *path, bool json)
{
	struct vx_snapshot *snap;
	struct vx_error *err;
	char *original = NULL, *printed = NULL;
	size_t olen = 0, plen = 0;
	FILE *in, *out;
	int ret = 1;

	err = vx_vmparse_file(path, 0, &snap);
	if (err) {
		printf("FAIL parse %s\n", err->message);
		vx_error_destroy(err);
		return 1;
	}
	in = fopen(path, "r");
	out = open_memstream(&printed, &plen);
	if (in && out) {
		char buf[65536];
		FILE *orig = open_memstream(&original, &olen);
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, n, orig);
		fclose(orig);
		vx_snapshot_print(out, snap);
	}
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	if (original && printed && olen == plen && !memcmp(original, printed, olen)) {
		printf("ok %s: %zu lines, %s addresses, printed back identically\n",
		       path, snap->nr_lines, vx_addr_form_name(snap->form));
		ret = 0;
	} else {
		printf("FAIL round trip %s: printed text differs from the file\n", path);
	}
	if (!ret && json) {
		struct vx_json *w = vx_json_create(stdout, true);

		vx_vmparse_print_json(w, snap);
		err = vx_json_destroy(w);
		if (err) {
			printf("FAIL json %s: %s\n", path, err->message);
			vx_error_destroy(err);
			ret = 1;
		}
	}
	free(original);
	free(printed);
	vx_snapshot_destroy(snap);
	return ret;
}

int main(int argc, char **argv)
{
	bool json = false;
	int i, failures = 0;

	if (argc < 2)
		return run_unit_tests();
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
			continue;
		}
		failures += check_file(argv[i], json);
	}
	return failures ? 1 : 0;
}

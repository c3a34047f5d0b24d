// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of lib/callers.c: grouping by function and module, order, explanations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "callers.h"

#define VSTART	0xffffc90000000000ULL
#define MSTART	0xffffffffc0000000ULL
#define MEND	0xffffffffff000000ULL
#define STACK	0x1
#define TTY	0x2
#define MODFN	0x3

static const char *fake_name(void *ctx, uint64_t caller, char *buf, size_t size)
{
	snprintf(buf, size, "%s", caller == STACK ? "kernel_clone" :
		 caller == TTY ? "n_tty_open" : "lz4_create [zram]");
	return buf;
}

static void add_busy(struct vx_vmap *m, uint64_t start, uint64_t size,
		     uint64_t caller)
{
	struct vx_area_list *l = &m->lists[VX_BUSY];

	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	assert_non_null(l->v);
	l->v[l->n++] = (struct vx_area){
		.start = start, .end = start + size, .state = VX_BUSY, .node = -1,
		.vm_ptr = 0x10, .vm_read = true,
		.vm = { .caller = caller, .size = size, .flags = VX_VM_ALLOC,
			.nr_pages = size / 4096 - 1 },
	};
}

static void build(struct vx_vmap *m, struct vx_space *s)
{
	struct vx_space_config c = {
		.vmalloc_start = VSTART, .vmalloc_end = VSTART + (1ULL << 30) - 1,
		.modules_start = MSTART, .modules_end = MEND,
		.caller_name = fake_name,
	};

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < 3; i++)
		add_busy(m, VSTART + i * 0x8000, 20480, STACK);
	add_busy(m, VSTART + 0x40000, 16384, TTY);
	add_busy(m, VSTART + 0x50000, 65536, MODFN);
	add_busy(m, MSTART + 0x1000, 8192, MODFN);
	assert_null(vx_space_build(&c, m, s));
}

static void test_groups_by_function_per_window_sorted_by_bytes(void **state)
{
	struct vx_caller_table t;
	struct vx_space s;
	struct vx_vmap m;

	build(&m, &s);
	assert_null(vx_callers_collect(&s, &t));
	assert_int_equal(t.n, 4);
	assert_string_equal(t.rows[0].name, "lz4_create [zram]");
	assert_int_equal(t.rows[0].bytes, 65536);
	assert_string_equal(t.rows[0].module, "zram");
	assert_string_equal(t.rows[1].name, "kernel_clone");
	assert_int_equal(t.rows[1].count, 3);
	assert_int_equal(t.rows[1].bytes, 3 * 20480);
	assert_int_equal(t.rows[1].pages, 12);
	assert_string_equal(t.rows[1].module, "vmlinux");
	assert_string_equal(t.rows[2].name, "n_tty_open");
	assert_int_equal(t.rows[3].window, VX_WIN_MODULES);
	assert_int_equal(t.window_busy[VX_WIN_VMALLOC], 65536 + 3 * 20480 + 16384);
	vx_caller_table_free(&t);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

static void test_json_has_module_totals_and_why(void **state)
{
	struct vx_options o = { .json = true };
	struct vx_caller_table t;
	struct vx_space s;
	struct vx_vmap m;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	build(&m, &s);
	assert_null(vx_callers_collect(&s, &t));
	f = open_memstream(&text, &len);
	assert_null(vx_callers_print(&t, &o, f));
	fclose(f);
	assert_non_null(strstr(text, "{\"module\":\"zram\",\"count\":1,\"bytes\":65536"));
	assert_non_null(strstr(text, "\"caller\":\"n_tty_open\""));
	assert_non_null(strstr(text, "per open tty"));
	free(text);
	vx_caller_table_free(&t);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

static void test_explanations_cover_the_callers_seen_in_the_dumps(void **state)
{
	static const char *const seen[] = {
		"kernel_clone", "load_module", "pcpu_create_chunk", "pcpu_get_vm_areas",
		"vp_modern_map_capability [virtio_pci_modern_dev]", "gen_pool_add_owner",
		"acpi_os_map_iomem", "irq_init_percpu_irqstack", "n_tty_open",
		"bpf_prog_pack_alloc", "bpf_prog_alloc_no_stats", "execmem_alloc_rw",
		"alloc_large_system_hash", "__pci_enable_msix_range.part.0",
		"disksize_store [zram]", NULL,
	};

	for (int i = 0; seen[i]; i++)
		assert_non_null(vx_caller_explain(seen[i]));
	assert_non_null(strstr(vx_caller_explain("kernel_clone"), "stack"));
	assert_non_null(strstr(vx_caller_explain("execmem_alloc_rw"), "data"));
	assert_null(vx_caller_explain("frobnicate_widget"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_by_function_per_window_sorted_by_bytes),
		cmocka_unit_test(test_json_has_module_totals_and_why),
		cmocka_unit_test(test_explanations_cover_the_callers_seen_in_the_dumps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

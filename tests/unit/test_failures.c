// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/failures.c: every failure message of doc/kernel.md §7 in each
 * kernel's wording with its verdict hint, then whole logs (stack dumps,
 * continuation records, interleaved callers) in fake printk rings; then
 * the --failures report of lib/failures_verdict.c, text and JSON, on those logs
 * against a hand-built address space.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "commands.h"
#include "failures.h"
#include "fake_log.h"
#include "printk.h"
#include "space.h"
#include "vmflags.h"
#include "vmcoreinfo.h"

static struct vx_failure parse_ok(const char *text)
{
	struct vx_failure f;

	assert_true(vx_failure_parse(text, strlen(text), &f));
	return f;
}

/* ---- 5.10 wording ---- */

static void test_510_vmap_allocation_failed_is_address_space_with_guard(void **state)
{
	struct vx_failure f = parse_ok("vmap allocation for size 1099511631872 failed: use vmalloc=<size> to increase size");

	assert_int_equal(f.kind, VX_FAIL_VMAP_AREA);
	assert_int_equal(f.hint, VX_HINT_ADDRESS_SPACE);
	assert_int_equal(f.size, UINT64_C(1099511631872));
	assert_true(f.size_includes_guard);
	assert_string_equal(f.comm, "");
}

static void test_510_allocation_failure_bytes_cannot_tell_space_from_pages(void **state)
{
	struct vx_failure f = parse_ok("insmod: vmalloc: allocation failure: 1099511627776 bytes, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0");

	assert_int_equal(f.kind, VX_FAIL_VMALLOC);
	assert_int_equal(f.hint, VX_HINT_SPACE_OR_PAGES);
	assert_int_equal(f.size, UINT64_C(1099511627776));
	assert_false(f.size_includes_guard);
	assert_string_equal(f.comm, "insmod");
	assert_string_equal(f.gfp, "0xcc0(GFP_KERNEL)");
	assert_int_equal(f.gfp_mask, 0xcc0);
}

static void test_510_allocated_x_of_y_is_out_of_pages_and_y_counts_guard(void **state)
{
	struct vx_failure f = parse_ok("stress-ng: vmalloc: allocation failure, allocated 12288 of 20480 bytes, mode:0x100cc2(GFP_HIGHUSER), nodemask=(null),cpuset=/,mems_allowed=0");

	assert_int_equal(f.kind, VX_FAIL_PAGES);
	assert_int_equal(f.hint, VX_HINT_OUT_OF_PAGES);
	assert_int_equal(f.size, 20480);
	assert_int_equal(f.allocated, 12288);
	assert_true(f.size_includes_guard);
	assert_string_equal(f.comm, "stress-ng");
	assert_string_equal(f.gfp, "0x100cc2(GFP_HIGHUSER)");
}

/* ---- 6.1 wording ---- */

static void test_61_vm_struct_allocation_failed_is_address_space(void **state)
{
	struct vx_failure f = parse_ok("modprobe: vmalloc error: size 8192, vm_struct allocation failed, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0");

	assert_int_equal(f.kind, VX_FAIL_VM_STRUCT);
	assert_int_equal(f.hint, VX_HINT_ADDRESS_SPACE);
	assert_int_equal(f.size, 8192);
	assert_false(f.size_includes_guard);
	assert_string_equal(f.comm, "modprobe");
	assert_string_equal(f.detail, "");
}

static void test_61_vm_struct_nofail_keeps_retrying_detail(void **state)
{
	struct vx_failure f = parse_ok("kworker/u8:1: vmalloc error: size 4096, vm_struct allocation failed. Retrying., mode:0x8cc0(GFP_KERNEL|__GFP_NOFAIL), nodemask=(null)");

	assert_int_equal(f.kind, VX_FAIL_VM_STRUCT);
	assert_string_equal(f.detail, ". Retrying.");
	assert_string_equal(f.comm, "kworker/u8:1");
	assert_string_equal(f.gfp, "0x8cc0(GFP_KERNEL|__GFP_NOFAIL)");
}

static void test_61_exceeds_total_pages_is_out_of_pages(void **state)
{
	struct vx_failure f = parse_ok("vmapx-fail: vmalloc error: size 68719476736, exceeds total pages, mode:0xdc0(GFP_KERNEL|__GFP_ZERO), nodemask=(null),cpuset=/,mems_allowed=0");

	assert_int_equal(f.kind, VX_FAIL_TOTAL_PAGES);
	assert_int_equal(f.hint, VX_HINT_OUT_OF_PAGES);
	assert_int_equal(f.size, UINT64_C(68719476736));
	assert_string_equal(f.comm, "vmapx-fail");
}

static void test_61_page_array_failure_is_out_of_pages(void **state)
{
	struct vx_failure f = parse_ok("a.out: vmalloc error: size 2097152, failed to allocated page array size 4096, mode:0xcc0(GFP_KERNEL), nodemask=(null)");

	assert_int_equal(f.kind, VX_FAIL_PAGE_ARRAY);
	assert_int_equal(f.hint, VX_HINT_OUT_OF_PAGES);
	assert_int_equal(f.size, 2097152);
	assert_int_equal(f.array_size, 4096);
}

static void test_61_page_order_failure_is_out_of_pages(void **state)
{
	struct vx_failure f = parse_ok("a.out: vmalloc error: size 4194304, page order 9, failed to allocate pages, mode:0x400dc0(GFP_KERNEL_ACCOUNT|__GFP_ZERO), nodemask=(null)");

	assert_int_equal(f.kind, VX_FAIL_PAGES);
	assert_int_equal(f.hint, VX_HINT_OUT_OF_PAGES);
	assert_int_equal(f.page_order, 9);
	assert_int_equal(f.size, 4194304);
}

static void test_61_map_pages_failure_is_out_of_pages(void **state)
{
	struct vx_failure f = parse_ok("a.out: vmalloc error: size 8192, failed to map pages, mode:0xcc0(GFP_KERNEL), nodemask=(null)");

	assert_int_equal(f.kind, VX_FAIL_MAP_PAGES);
	assert_int_equal(f.hint, VX_HINT_OUT_OF_PAGES);
}

/* ---- 6.12 / 7.2 wording ---- */

static void test_612_address_range_restricted_is_restricted_range(void **state)
{
	struct vx_failure f = parse_ok("vmalloc_node_range for size 12288 failed: Address range restricted to 0xffffc90000000000 - 0xffffe8ffffffffff");

	assert_int_equal(f.kind, VX_FAIL_RANGE);
	assert_int_equal(f.hint, VX_HINT_RESTRICTED_RANGE);
	assert_int_equal(f.size, 12288);
	assert_true(f.size_includes_guard);
	assert_true(f.has_range);
	assert_int_equal(f.range_start, UINT64_C(0xffffc90000000000));
	assert_int_equal(f.range_end, UINT64_C(0xffffe8ffffffffff));
}

static void test_612_order0_page_failure_is_out_of_pages(void **state)
{
	struct vx_failure f = parse_ok("vmapx-fail: vmalloc error: size 8192, failed to allocate pages, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0");

	assert_int_equal(f.kind, VX_FAIL_PAGES);
	assert_int_equal(f.hint, VX_HINT_OUT_OF_PAGES);
	assert_int_equal(f.page_order, -1);
}

static void test_612_and_72_share_61_warn_alloc_texts(void **state)
{
	struct vx_failure f = parse_ok("insmod: vmalloc error: size 1073741824, exceeds total pages, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0");

	assert_int_equal(f.kind, VX_FAIL_TOTAL_PAGES);
	f = parse_ok("insmod: vmalloc error: size 4096, vm_struct allocation failed, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0");
	assert_int_equal(f.kind, VX_FAIL_VM_STRUCT);
	f = parse_ok("insmod: vmalloc error: size 4096, failed to allocated page array size 8, mode:0xcc0(GFP_KERNEL), nodemask=(null)");
	assert_int_equal(f.kind, VX_FAIL_PAGE_ARRAY);
}

static void test_612_execmem_failure_gives_no_size(void **state)
{
	struct vx_failure f = parse_ok("execmem: unable to allocate memory");

	assert_int_equal(f.kind, VX_FAIL_EXECMEM);
	assert_int_equal(f.hint, VX_HINT_SPACE_OR_PAGES);
	assert_int_equal(f.size, 0);
}

/* ---- percpu, all versions ---- */

static void test_percpu_new_chunk_failure_is_address_space(void **state)
{
	struct vx_failure f = parse_ok("percpu: allocation failed, size=8192 align=8 atomic=0, failed to allocate new chunk");

	assert_int_equal(f.kind, VX_FAIL_PERCPU);
	assert_int_equal(f.hint, VX_HINT_ADDRESS_SPACE);
	assert_int_equal(f.size, 8192);
	assert_int_equal(f.align, 8);
	assert_int_equal(f.atomic, 0);
	assert_string_equal(f.detail, "failed to allocate new chunk");
}

static void test_percpu_populate_and_atomic_failures(void **state)
{
	struct vx_failure f = parse_ok("percpu: allocation failed, size=64 align=64 atomic=0, failed to populate");

	assert_int_equal(f.hint, VX_HINT_OUT_OF_PAGES);
	f = parse_ok("percpu: allocation failed, size=16 align=8 atomic=1, atomic alloc failed, no space left");
	assert_int_equal(f.hint, VX_HINT_NOT_VMALLOC);
	assert_int_equal(f.atomic, 1);
}

static void test_unrelated_and_malformed_lines_are_not_failures(void **state)
{
	static const char *const lines[] = {
		"vmalloc bug: 0xffffc90000000000-0xffffc90000002000 overlaps with 0xffffc90000001000-0xffffc90000003000",
		"percpu: Embedded 63 pages/cpu s221184 r8192 d28672 u262144",
		"Memory: 1963212K/2096696K available",
		" __vmalloc_node_range+0x5e1/0x7b0",
		"vmalloc error: size , exceeds total pages",
		"vmap allocation for size x failed",
		"vmalloc_node_range for size 4096 failed: Address range restricted to 0x1000",
		"percpu: allocation failed, size=8 align=",
		"",
	};
	struct vx_failure f;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_false(vx_failure_parse(lines[i], strlen(lines[i]), &f));
}

/* ---- whole logs in a fake ring buffer ---- */

struct line {
	uint32_t caller;
	unsigned int flags;
	const char *text;
};

static struct fake_log *log_of(const struct fake_log_layout *lay,
			       const struct line *lines, size_t n)
{
	struct fake_log *fl = fake_log_create(lay, 8, 14);

	for (size_t i = 0; i < n; i++)
		fake_log_append(fl, (i + 1) * UINT64_C(1000000), lines[i].caller,
				4, lines[i].flags ? lines[i].flags : 2,
				lines[i].text);
	return fl;
}

static void scan(struct fake_log *fl, struct vx_failure_list *l)
{
	struct vx_vmcoreinfo v;

	assert_null(vx_vmcoreinfo_parse(fake_log_vmcoreinfo(fl), &v));
	assert_null(vx_failures_scan(fake_log_target(fl), &v, l));
	vx_vmcoreinfo_free(&v);
}

#define N(a) (sizeof(a) / sizeof(a[0]))

/* 6.1 module load: two messages of one event, a split record, a trace. */
static const struct line module_61[] = {
	{ 1, 2, "Linux version 6.1.0-50-amd64" },
	{ 523, 2, "vmap allocation for size 16781312 failed: use vmalloc=<size> to increase size" },
	{ 523, 0, "modprobe: vmalloc error: size 16777216, vm_struct allocation failed, mode:0xcc0(GFP_KERNEL), nodemask=(null)" },
	{ 523, VX_LOG_CONT, ",cpuset=/,mems_allowed=0" },
	{ 523, 2, "CPU: 0 PID: 523 Comm: modprobe Not tainted 6.1.0-50-amd64 #1  Debian 6.1.176-1" },
	{ 523, 2, "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.3-debian-1.16.3-2 04/01/2014" },
	{ 523, 2, "Call Trace:" },
	{ 523, 2, " <TASK>" },
	{ 523, 2, " dump_stack_lvl+0x44/0x5c" },
	{ 77, 2, "e1000: eth0 NIC Link is Up" },
	{ 523, 2, " warn_alloc+0x12b/0x1b0" },
	{ 523, 2, " ? __get_vm_area_node+0x100/0x140" },
	{ 523, 2, " __vmalloc_node_range+0x5e1/0x7b0" },
	{ 523, 2, " module_alloc+0x7b/0x90" },
	{ 523, 2, " load_module+0x1c2f/0x2960" },
	{ 523, 2, " __do_sys_finit_module+0xb4/0x130" },
	{ 523, 2, " do_syscall_64+0x58/0xc0" },
	{ 523, 2, " entry_SYSCALL_64_after_hwframe+0x64/0xce" },
	{ 523, 2, " </TASK>" },
	{ 523, 2, "Mem-Info:" },
};

static void test_61_module_load_failure_links_both_messages_and_trace(void **state)
{
	struct fake_log *fl = log_of(&fake_log_layout_61, module_61, N(module_61));
	struct vx_failure_list l;
	struct vx_failure *vm, *wa;

	scan(fl, &l);
	assert_int_equal(l.count, 2);
	assert_int_equal(l.records, N(module_61));
	vm = &l.items[0];
	wa = &l.items[1];
	assert_int_equal(vm->kind, VX_FAIL_VMAP_AREA);
	assert_int_equal(vm->seq, 1);
	assert_int_equal(vm->ts_nsec, 2000000);
	assert_int_equal(vm->related, 1);
	assert_string_equal(vm->comm, "modprobe");
	assert_int_equal(vm->path, VX_PATH_MODULE);
	assert_int_equal(wa->kind, VX_FAIL_VM_STRUCT);
	assert_int_equal(wa->hint, VX_HINT_ADDRESS_SPACE);
	assert_int_equal(wa->related, 0);
	assert_true(wa->has_pid);
	assert_int_equal(wa->pid, 523);
	assert_int_equal(wa->path, VX_PATH_MODULE);
	assert_string_equal(wa->message, "modprobe: vmalloc error: size 16777216, vm_struct allocation failed, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0");
	assert_int_equal(wa->trace_len, 8);
	assert_string_equal(wa->trace[0], "dump_stack_lvl");
	assert_string_equal(wa->trace[1], "warn_alloc");
	assert_string_equal(wa->trace[2], "__vmalloc_node_range");
	assert_string_equal(wa->trace[4], "load_module");
	vx_failure_list_free(&l);
	fake_log_destroy(fl);
}

/* 5.10 BPF JIT: the ambiguous warn_alloc becomes address space. */
static const struct line bpf_510[] = {
	{ 900, 2, "vmap allocation for size 16384 failed: use vmalloc=<size> to increase size" },
	{ 900, 2, "bpftool: vmalloc: allocation failure: 12288 bytes, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0" },
	{ 900, 2, "CPU: 1 PID: 900 Comm: bpftool Not tainted 5.10.0-32-amd64 #1 Debian 5.10.223-1" },
	{ 900, 2, "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)" },
	{ 900, 2, "Call Trace:" },
	{ 900, 2, " dump_stack+0x6b/0x83" },
	{ 900, 2, " warn_alloc.cold+0x78/0xdc" },
	{ 900, 2, " __vmalloc_node_range+0x1a1/0x2a0" },
	{ 900, 2, " module_alloc+0x7b/0x90" },
	{ 900, 2, " bpf_jit_binary_alloc+0x63/0xe0" },
	{ 900, 2, " bpf_int_jit_compile+0x167/0x4a0" },
	{ 900, 2, " bpf_prog_select_runtime+0xb4/0x100" },
	{ 900, 2, "Mem-Info:" },
};

static void test_510_bpf_jit_failure_is_address_space_via_the_vmap_message(void **state)
{
	struct fake_log *fl = log_of(&fake_log_layout_510, bpf_510, N(bpf_510));
	struct vx_failure_list l;

	scan(fl, &l);
	assert_int_equal(l.count, 2);
	assert_int_equal(l.items[1].kind, VX_FAIL_VMALLOC);
	assert_int_equal(l.items[1].hint, VX_HINT_ADDRESS_SPACE);
	assert_int_equal(l.items[1].path, VX_PATH_BPF_JIT);
	assert_int_equal(l.items[0].path, VX_PATH_BPF_JIT);
	assert_int_equal(l.items[1].trace_len, 7);
	assert_string_equal(l.items[1].trace[1], "warn_alloc.cold");
	vx_failure_list_free(&l);
	fake_log_destroy(fl);
}

/* 6.12 kvmalloc: the range of the first message carries over. */
static const struct line kvmalloc_612[] = {
	{ 4242, 2, "vmalloc_node_range for size 8392704 failed: Address range restricted to 0xffffc90000000000 - 0xffffe8ffffffffff" },
	{ 4242, 2, "iptables: vmalloc error: size 8388608, vm_struct allocation failed, mode:0xdc0(GFP_KERNEL|__GFP_ZERO), nodemask=(null),cpuset=/,mems_allowed=0" },
	{ 4242, 2, "CPU: 1 UID: 0 PID: 4242 Comm: iptables Not tainted 6.12.117+deb13-amd64 #1  Debian 6.12.117-1" },
	{ 4242, 2, "Call Trace:" },
	{ 4242, 2, " <TASK>" },
	{ 4242, 2, " dump_stack_lvl+0x5d/0x80" },
	{ 4242, 2, " warn_alloc+0x164/0x190" },
	{ 4242, 2, " __vmalloc_node_range_noprof+0x6f0/0x780" },
	{ 4242, 2, " __kvmalloc_node_noprof+0x9c/0x150" },
	{ 4242, 2, " xt_alloc_table_info+0x2a/0x60 [x_tables]" },
	{ 4242, 2, " </TASK>" },
};

static void test_612_kvmalloc_failure_is_restricted_range_with_range(void **state)
{
	struct fake_log *fl = log_of(&fake_log_layout_61, kvmalloc_612,
				     N(kvmalloc_612));
	struct vx_failure_list l;

	scan(fl, &l);
	assert_int_equal(l.count, 2);
	assert_int_equal(l.items[1].hint, VX_HINT_RESTRICTED_RANGE);
	assert_true(l.items[1].has_range);
	assert_int_equal(l.items[1].range_start, UINT64_C(0xffffc90000000000));
	assert_int_equal(l.items[1].path, VX_PATH_KVMALLOC);
	assert_int_equal(l.items[1].trace_len, 5);
	assert_string_equal(l.items[1].trace[4], "xt_alloc_table_info");
	assert_string_equal(l.items[0].comm, "iptables");
	vx_failure_list_free(&l);
	fake_log_destroy(fl);
}

/* percpu from a worker, execmem without a trace, one from interrupt. */
static const struct line mixed_72[] = {
	{ 55, 2, "percpu: allocation failed, size=4096 align=4096 atomic=0, failed to allocate new chunk" },
	{ 55, 2, "CPU: 3 UID: 0 PID: 55 Comm: kworker/3:1 Not tainted 7.2.13+deb14-amd64 #1" },
	{ 55, 2, "Workqueue: events pcpu_balance_workfn" },
	{ 55, 2, "Call Trace:" },
	{ 55, 2, " <TASK>" },
	{ 55, 2, " dump_stack_lvl+0x5d/0x80" },
	{ 55, 2, " pcpu_alloc_noprof.cold+0x2c/0x48" },
	{ 55, 2, " pcpu_balance_workfn+0x310/0x560" },
	{ 55, 2, " </TASK>" },
	{ 600, 2, "execmem: unable to allocate memory" },
	{ 0x80000002u, 2, "swapper/2: vmalloc error: size 8192, failed to allocate pages, mode:0xa20(GFP_ATOMIC), nodemask=(null)" },
};

static void test_72_percpu_execmem_and_interrupt_failures(void **state)
{
	struct fake_log *fl = log_of(&fake_log_layout_72, mixed_72, N(mixed_72));
	struct vx_failure_list l;

	scan(fl, &l);
	assert_int_equal(l.count, 3);
	assert_int_equal(l.items[0].kind, VX_FAIL_PERCPU);
	assert_int_equal(l.items[0].path, VX_PATH_PERCPU);
	assert_string_equal(l.items[0].comm, "kworker/3:1");
	assert_int_equal(l.items[0].trace_len, 3);
	assert_int_equal(l.items[1].kind, VX_FAIL_EXECMEM);
	assert_int_equal(l.items[1].trace_len, 0);
	assert_int_equal(l.items[1].pid, 600);
	assert_true(l.items[2].has_cpu);
	assert_false(l.items[2].has_pid);
	assert_int_equal(l.items[2].cpu, 2);
	assert_int_equal(l.items[2].hint, VX_HINT_OUT_OF_PAGES);
	vx_failure_list_free(&l);
	fake_log_destroy(fl);
}

/* A trace of another task never lands on a failure. */
static void test_trace_of_another_caller_is_not_attached(void **state)
{
	static const struct line lines[] = {
		{ 10, 2, "a: vmalloc error: size 4096, failed to map pages, mode:0xcc0(GFP_KERNEL), nodemask=(null)" },
		{ 11, 2, "Call Trace:" },
		{ 11, 2, " load_module+0x1c2f/0x2960" },
		{ 10, 2, "something else" },
		{ 10, 2, "more" },
		{ 10, 2, "and more" },
		{ 10, 2, "still more" },
		{ 10, 2, "five lines: the wait is over" },
		{ 10, 2, "Call Trace:" },
		{ 10, 2, " load_module+0x1c2f/0x2960" },
	};
	struct fake_log *fl = log_of(&fake_log_layout_61, lines, N(lines));
	struct vx_failure_list l;

	scan(fl, &l);
	assert_int_equal(l.count, 1);
	assert_int_equal(l.items[0].trace_len, 0);
	assert_int_equal(l.items[0].path, VX_PATH_UNKNOWN);
	vx_failure_list_free(&l);
	fake_log_destroy(fl);
}

/* ---- the --failures report (lib/failures_verdict.c) on a hand-built space ---- */

#define VSTART	UINT64_C(0xffffc90000000000)
#define VEND	(VSTART + (UINT64_C(32) << 40) - 1)	/* 32 TiB, end inclusive */
#define MSTART	UINT64_C(0xffffffffc0000000)
#define MEND	UINT64_C(0xffffffffff000000)
#define MIB	(UINT64_C(1) << 20)

static const char *no_name(void *ctx, uint64_t caller, char *buf, size_t size)
{
	snprintf(buf, size, "%s", "some_driver");
	return buf;
}

static void add_area(struct vx_vmap *m, enum vx_state st, uint64_t start,
		     uint64_t end)
{
	struct vx_area_list *l = &m->lists[st];
	struct vx_area *a;

	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	assert_non_null(l->v);
	a = &l->v[l->n++];
	*a = (struct vx_area){ .start = start, .end = end, .state = st,
			       .node = -1, .va = 0x1000 + l->n };
	if (st == VX_BUSY)
		a->vm = (struct vx_vm){ .addr = start, .size = end - start,
					.flags = VX_VM_ALLOC, .caller = 1 };
	a->vm_read = st == VX_BUSY;
}

/*
 * vmalloc: 1 MiB busy, the rest free.  modules: two 12 MiB free extents
 * between busy areas, so 16 MiB fits nowhere although 24 MiB are free.
 */
static void report_space(struct vx_vmap *m, struct vx_space *s)
{
	struct vx_space_config c = {
		.vmalloc_start = VSTART, .vmalloc_end = VEND,
		.modules_start = MSTART, .modules_end = MEND,
		.caller_name = no_name,
	};

	memset(m, 0, sizeof(*m));
	add_area(m, VX_FREE, 1, VSTART);
	add_area(m, VX_BUSY, VSTART, VSTART + MIB);
	add_area(m, VX_FREE, VSTART + MIB, VEND + 1);
	add_area(m, VX_BUSY, MSTART, MSTART + 16 * MIB);
	add_area(m, VX_FREE, MSTART + 16 * MIB, MSTART + 28 * MIB);
	add_area(m, VX_BUSY, MSTART + 28 * MIB, MSTART + 44 * MIB);
	add_area(m, VX_FREE, MSTART + 44 * MIB, MSTART + 56 * MIB);
	add_area(m, VX_BUSY, MSTART + 56 * MIB, MEND);
	assert_null(vx_space_build(&c, m, s));
}

/* The report of the failures in lines, text or JSON, as one string. */
static char *report_of(const struct line *lines, size_t n, bool json)
{
	struct fake_log *fl = log_of(&fake_log_layout_61, lines, n);
	struct vx_options o = { .json = json };
	struct vx_failure_list l;
	struct vx_space s;
	struct vx_vmap m;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	scan(fl, &l);
	report_space(&m, &s);
	f = open_memstream(&buf, &len);
	assert_null(vx_failures_report(&s, &l, &o, f));
	fclose(f);
	vx_space_free(&s);
	vx_vmap_free(&m);
	vx_failure_list_free(&l);
	fake_log_destroy(fl);
	return buf;
}

static void test_report_judges_module_load_failure_as_fragmentation(void **state)
{
	char *text = report_of(module_61, N(module_61), false);
	char *json = report_of(module_61, N(module_61), true);

	assert_non_null(strstr(text, "modprobe (pid 523): modprobe: vmalloc error: size 16777216"));
	assert_non_null(strstr(text, "  request: 16 MiB, path module_load, window modules\n"));
	assert_non_null(strstr(text, "  now: it would not fit (largest free extent 12 MiB, free in window 24 MiB)\n"));
	assert_non_null(strstr(text, "  verdict: out of address space (fragmentation)\n"));
	assert_non_null(strstr(text, "  same event as seq 1\n"));
	assert_non_null(strstr(json, "\"log_records\":20"));
	assert_non_null(strstr(json, "\"kind\":\"vm_struct\",\"verdict_hint\":\"address_space\",\"path\":\"module_load\""));
	assert_non_null(strstr(json, "\"size\":16781312,\"size_includes_guard\":true"));
	assert_non_null(strstr(json, "\"gfp\":\"0xcc0(GFP_KERNEL)\",\"gfp_mask\":3264"));
	assert_non_null(strstr(json, "\"window\":\"modules\",\"fits_now\":false"));
	assert_non_null(strstr(json, "\"verdict\":\"address_space_fragmented\",\"verdict_text\":\"out of address space (fragmentation)\""));
	assert_non_null(strstr(json, "\"call_trace\":[\"dump_stack_lvl\",\"warn_alloc\""));
	assert_non_null(strstr(json, "\"related_seq\":1"));
	free(text);
	free(json);
}

static const struct line total_pages_61[] = {
	{ 113, 0, "vfail: vmalloc error: size 1610612736, exceeds total pages, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0" },
	{ 113, 2, "Call Trace:" },
	{ 113, 2, " __vmalloc_node+0x4e/0x70" },
	{ 113, 2, " </TASK>" },
};

static void test_report_says_out_of_pages_when_the_request_fits_now(void **state)
{
	char *text = report_of(total_pages_61, N(total_pages_61), false);
	char *json = report_of(total_pages_61, N(total_pages_61), true);

	assert_non_null(strstr(text, "  request: 1.5 GiB, path vmalloc, window vmalloc\n"));
	assert_non_null(strstr(text, "  now: it would fit"));
	assert_non_null(strstr(text, "  verdict: out of memory (pages)\n"));
	assert_non_null(strstr(text, "  call trace: __vmalloc_node\n"));
	assert_null(strstr(text, "same event"));
	assert_non_null(strstr(json, "\"fits_now\":true"));
	assert_non_null(strstr(json, "\"verdict\":\"out_of_memory_pages\",\"verdict_text\":\"out of memory (pages)\""));
	assert_null(strstr(json, "related_seq"));
	free(text);
	free(json);
}

/*
 * A kernel logs the size it was asked, whatever it is: one near 2^64
 * must not wrap (PAGE_ALIGN + guard) to a page that "fits now".
 */
static const struct line huge_61[] = {
	{ 114, 0, "vfail: vmalloc error: size 18446744073709551615, vm_struct allocation failed, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0" },
};

static void test_logged_size_near_2_64_never_fits(void **state)
{
	char *text = report_of(huge_61, N(huge_61), false);
	char *json = report_of(huge_61, N(huge_61), true);

	assert_null(strstr(text, "it would fit"));
	assert_non_null(strstr(text, "  now: it would not fit"));
	assert_non_null(strstr(text, "  verdict: out of address space (exhaustion)\n"));
	assert_non_null(strstr(json, "\"fits_now\":false"));
	assert_non_null(strstr(json, "\"verdict\":\"address_space_exhausted\""));
	free(text);
	free(json);
}

/* A comm is anyone's to set (prctl): its escape sequence is not printed raw. */
static const struct line escape_61[] = {
	{ 115, 0, "x\033[2J\033]0;pwn\007: vmalloc error: size 8192, vm_struct allocation failed, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0" },
};

static void test_text_report_escapes_control_characters_of_a_comm(void **state)
{
	char *text = report_of(escape_61, N(escape_61), false);

	assert_null(strchr(text, '\033'));
	assert_null(strchr(text, '\007'));
	assert_non_null(strstr(text, "x\\x1b[2J\\x1b]0;pwn\\x07"));
	free(text);
}

static void test_report_of_a_clean_log_counts_its_records(void **state)
{
	static const struct line quiet[] = {
		{ 1, 2, "Linux version 6.1.0-50-amd64" },
		{ 1, 2, "Command line: console=ttyS0" },
	};
	char *text = report_of(quiet, N(quiet), false);
	char *json = report_of(quiet, N(quiet), true);

	assert_string_equal(text, "no vmalloc failure in the kernel log (2 records)\n");
	assert_string_equal(json, "{\"log_records\":2,\"failures\":[]}\n");
	free(text);
	free(json);
}

static void test_scan_error_names_the_kernel_log(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_61, 4, 9);
	struct vx_failure_list l;
	struct vx_vmcoreinfo v;
	struct vx_error *err;

	fake_log_set_ids(fl, 500, 1);
	assert_null(vx_vmcoreinfo_parse(fake_log_vmcoreinfo(fl), &v));
	err = vx_failures_scan(fake_log_target(fl), &v, &l);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "reading the kernel log"));
	assert_int_equal(l.count, 0);
	vx_error_destroy(err);
	vx_vmcoreinfo_free(&v);
	fake_log_destroy(fl);
}

/* ---- the window a modules-window failure hit (lib/failures_window.c) ---- */

#define PACK	(UINT64_C(2) << 20)	/* BPF_PROG_PACK_SIZE on one node */
#define PG	UINT64_C(4096)

/* Caller ids of the fake busy areas, named as %pS would. */
static const char *const fake_callers[] = {
	[1] = "some_driver", [2] = "bpf_prog_pack_alloc", [3] = "load_module",
	[4] = "execmem_alloc_rw", [5] = "alloc_insn_page",
};

static const char *fake_name(void *ctx, uint64_t caller, char *buf, size_t size)
{
	snprintf(buf, size, "%s", caller < N(fake_callers) && fake_callers[caller] ?
		 fake_callers[caller] : "");
	return buf;
}

static void add_busy(struct vx_vmap *m, uint64_t start, uint64_t bytes,
		     uint64_t caller)
{
	add_area(m, VX_BUSY, start, start + bytes);
	m->lists[VX_BUSY].v[m->lists[VX_BUSY].n - 1].vm.caller = caller;
	m->lists[VX_BUSY].v[m->lists[VX_BUSY].n - 1].vm_ptr = 0x2000 + start;
}

/*
 * The modules window after vbpf: `packs` BPF packs of 2 MiB + guard from
 * MSTART, one 64 KiB module, a kprobe page; then free extents of
 * `hole` bytes separated by one-page modules, `holes` of them, up to MEND.
 * The rest of the window, after the last hole, is busy with one more
 * pack-sized area per 2 MiB + guard, so only the holes are free.
 */
static void bpf_space(struct vx_vmap *m, struct vx_space *s, unsigned int packs,
		      uint64_t hole, unsigned int holes)
{
	struct vx_space_config c = {
		.vmalloc_start = VSTART, .vmalloc_end = VEND,
		.modules_start = MSTART, .modules_end = MEND,
		.prefix_known = true, .caller_name = fake_name,
		/* the scenario's kernels (6.1, 6.12): 5.19's search rule */
		.search_rule = VX_SEARCH_PAD_BIG, .rule_confirmed = true,
	};
	uint64_t at = MSTART;

	memset(m, 0, sizeof(*m));
	add_area(m, VX_FREE, 1, VSTART);
	add_area(m, VX_FREE, VSTART, VEND + 1);
	for (unsigned int i = 0; i < packs; i++, at += PACK + PG)
		add_busy(m, at, PACK + PG, 2);
	add_busy(m, at, 64 * 1024 + PG, 3);
	at += 64 * 1024 + PG;
	add_busy(m, at, 2 * PG, 5);
	at += 2 * PG;
	for (unsigned int i = 0; i < holes; i++) {
		add_area(m, VX_FREE, at, at + hole);
		at += hole;
		add_busy(m, at, 2 * PG, 4);
		at += 2 * PG;
	}
	add_busy(m, at, MEND - at, 1);
	assert_null(vx_space_build(&c, m, s));
}

static struct vx_failure execmem_failure(void)
{
	struct vx_failure f = parse_ok("execmem: unable to allocate memory");

	f.pid = 227;
	f.has_pid = true;
	f.message = (char *)"execmem: unable to allocate memory";
	f.related = -1;
	return f;
}

static char *bpf_report(unsigned int packs, uint64_t hole, unsigned int holes,
			struct vx_failure *fs, size_t n, bool json)
{
	struct vx_failure_list l = { .items = fs, .count = n, .records = 1 };
	struct vx_options o = { .json = json };
	struct vx_space s;
	struct vx_vmap m;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	bpf_space(&m, &s, packs, hole, holes);
	assert_null(vx_failures_report(&s, &l, &o, f));
	fclose(f);
	vx_space_free(&s);
	vx_vmap_free(&m);
	return buf;
}

static void test_holder_kinds_come_from_the_caller_name(void **state)
{
	assert_int_equal(vx_holder_kind_of("bpf_prog_pack_alloc"), VX_HOLD_BPF);
	assert_int_equal(vx_holder_kind_of("bpf_jit_binary_alloc"), VX_HOLD_BPF);
	assert_int_equal(vx_holder_kind_of("alloc_new_pack"), VX_HOLD_BPF);
	assert_int_equal(vx_holder_kind_of("load_module"), VX_HOLD_MODULES);
	assert_int_equal(vx_holder_kind_of("module_alloc"), VX_HOLD_MODULES);
	assert_int_equal(vx_holder_kind_of("execmem_alloc_rw"), VX_HOLD_MODULES);
	assert_int_equal(vx_holder_kind_of("alloc_insn_page"), VX_HOLD_OTHER);
	assert_int_equal(vx_holder_kind_of("some_driver [mod]"), VX_HOLD_OTHER);
}

/* 6.12: execmem logs no size; the packs in the window give BPF_PROG_PACK_SIZE. */
static void test_execmem_size_is_inferred_from_the_packs_in_the_window(void **state)
{
	struct vx_vmap m;
	struct vx_space s;
	struct vx_window_state ws;
	struct vx_request rq;
	struct vx_failure f = execmem_failure();

	bpf_space(&m, &s, 40, 436 * 1024, 3);
	vx_window_state_read(&s, VX_WIN_MODULES, &ws);
	assert_int_equal(ws.pack_count, 40);
	assert_int_equal(ws.pack_size, PACK + PG);
	assert_int_equal(ws.areas[VX_HOLD_BPF], 40);
	assert_int_equal(ws.busy[VX_HOLD_BPF], 40 * (PACK + PG));
	assert_int_equal(ws.areas[VX_HOLD_MODULES], 4);	/* load_module + 3 execmem_alloc_rw */
	assert_int_equal(ws.free_extents, 3);
	assert_int_equal(ws.largest_free, 436 * 1024);
	vx_failure_request(&f, &ws, &rq);
	assert_true(rq.inferred);
	assert_true(rq.includes_guard);
	assert_int_equal(rq.size, PACK + PG);
	assert_int_equal(rq.path, VX_PATH_BPF_JIT);
	assert_non_null(strstr(rq.why, "40 bpf_prog_pack areas"));
	/* a logged size is never replaced */
	f = parse_ok("vmap allocation for size 2101248 failed: use vmalloc=<size> to increase size");
	vx_failure_request(&f, &ws, &rq);
	assert_false(rq.inferred);
	assert_int_equal(rq.size, 2101248);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

/* Without packs (or with BPF not the main holder) nothing is made up. */
static void test_execmem_size_stays_unknown_without_packs(void **state)
{
	struct vx_vmap m;
	struct vx_space s;
	struct vx_window_state ws;
	struct vx_request rq;
	struct vx_failure f = execmem_failure();

	bpf_space(&m, &s, 0, 436 * 1024, 3);
	vx_window_state_read(&s, VX_WIN_MODULES, &ws);
	assert_int_equal(ws.pack_count, 0);
	vx_failure_request(&f, &ws, &rq);
	assert_int_equal(rq.size, 0);
	assert_false(rq.inferred);
	/* a trace through the BPF JIT, but no pack to measure: 2 MiB per node */
	f.path = VX_PATH_BPF_JIT;
	vx_failure_request(&f, &ws, &rq);
	assert_true(rq.inferred);
	assert_int_equal(rq.size, PACK);
	assert_false(rq.includes_guard);
	vx_space_free(&s);
	vx_vmap_free(&m);
}

/* 968 KiB free in holes of at most 436 KiB: a pack cannot be had: exhausted. */
static void test_execmem_verdict_exhausted_with_window_figures(void **state)
{
	struct vx_failure f = execmem_failure();
	char *text = bpf_report(40, 436 * 1024, 2, &f, 1, false);
	char *json = bpf_report(40, 436 * 1024, 2, &f, 1, true);

	assert_non_null(strstr(text, "? (pid 227): execmem: unable to allocate memory\n"));
	assert_non_null(strstr(text, "  request: 2.0 MiB (guard page included), path bpf_jit, window modules\n"));
	assert_non_null(strstr(text, "  inferred: the message logs no size; a BPF prog pack (BPF_PROG_PACK_SIZE), the size of the 40 bpf_prog_pack areas"));
	assert_non_null(strstr(text, "  window modules now: busy bpf 80.2 MiB in 40 areas, modules 84 KiB in 3 areas, other"));
	assert_non_null(strstr(text, "; free 872 KiB in 2 extents, largest 436 KiB; 0 could hold the request\n"));
	assert_non_null(strstr(text, "  verdict: out of address space (exhaustion)\n"));
	assert_non_null(strstr(text, "  top holders: some_driver"));
	assert_non_null(strstr(text, ", bpf_prog_pack_alloc 80.2 MiB (40)"));
	assert_non_null(strstr(json, "\"size\":0,"));
	assert_non_null(strstr(json, "\"request_size\":2101248,\"request_includes_guard\":true,\"request_inferred\":true"));
	assert_non_null(strstr(json, "\"request_path\":\"bpf_jit\""));
	assert_non_null(strstr(json, "\"busy_bpf\":84049920,\"areas_bpf\":40"));
	assert_non_null(strstr(json, "\"free_bytes\":892928,\"free_extents\":2,\"largest_free\":446464,\"extents_fit\":0"));
	assert_non_null(strstr(json, "\"bpf_pack_size\":2101248,\"bpf_packs\":40"));
	assert_non_null(strstr(json, "\"verdict\":\"address_space_exhausted\""));
	free(text);
	free(json);
}

/* 6 holes of 436 KiB and 2 of 1.5 MiB: 5.6 MiB free, no 2 MiB + guard extent. */
static void test_logged_pack_failure_verdict_fragmented(void **state)
{
	struct vx_failure f = parse_ok("vmap allocation for size 2101248 failed: use vmalloc=<size> to increase size");
	char *json, *text;

	f.path = VX_PATH_BPF_JIT;
	json = bpf_report(40, 1536 * 1024, 4, &f, 1, true);
	text = bpf_report(40, 1536 * 1024, 4, &f, 1, false);
	assert_non_null(strstr(json, "\"request_size\":2101248,\"request_includes_guard\":true,\"request_inferred\":false"));
	assert_non_null(strstr(json, "\"extents_fit\":0"));
	assert_non_null(strstr(json, "\"fits_now\":false"));
	assert_non_null(strstr(json, "\"verdict\":\"address_space_fragmented\""));
	assert_null(strstr(text, "inferred"));
	assert_non_null(strstr(text, "free 6 MiB in 4 extents, largest 1.5 MiB; 0 could hold the request\n"));
	free(text);
	free(json);
	/* one hole of 2 MiB + guard: it fits now, in exactly one extent */
	json = bpf_report(40, PACK + PG, 1, &f, 1, true);
	assert_non_null(strstr(json, "\"extents_fit\":1"));
	assert_non_null(strstr(json, "\"fits_now\":true"));
	assert_non_null(strstr(json, "\"verdict\":\"address_space_transient\""));
	free(json);
}

/* Size unknown and not even a page fits: exhausted whatever was asked. */
static void test_execmem_unknown_size_exhausted_when_no_page_fits(void **state)
{
	struct vx_failure f = execmem_failure();
	char *json = bpf_report(0, 0, 0, &f, 1, true);

	assert_non_null(strstr(json, "\"request_size\":0,"));
	assert_non_null(strstr(json, "\"verdict\":\"address_space_exhausted\""));
	free(json);
	json = bpf_report(0, 8 * PG, 1, &f, 1, true);
	assert_non_null(strstr(json, "\"verdict\":\"unknown\""));
	free(json);
}

/* The second loader's vmap message came without its warn_alloc and trace. */
static void test_traceless_message_takes_the_path_of_the_same_request(void **state)
{
	const char *msg = "vmap allocation for size 2101248 failed: use vmalloc=<size> to increase size";
	struct vx_failure fs[2] = { parse_ok(msg), parse_ok(msg) };
	char *json;

	for (int i = 0; i < 2; i++) {
		fs[i].seq = 383 + 78 * i;
		fs[i].ts_nsec = UINT64_C(1010041902000) + i * UINT64_C(464125000);
		fs[i].related = -1;
		fs[i].message = (char *)msg;
		snprintf(fs[i].comm, sizeof(fs[i].comm), "vbpf");
	}
	fs[0].path = VX_PATH_BPF_JIT;
	json = bpf_report(40, 436 * 1024, 2, fs, 2, true);
	assert_non_null(strstr(json, "\"seq\":461,"));
	assert_non_null(strstr(strstr(json, "\"seq\":461,"), "\"window\":\"modules\""));
	assert_non_null(strstr(json, "\"request_path\":\"bpf_jit\",\"request_path_from_seq\":383"));
	free(json);
	/* another command's request of the same size is not taken for it */
	snprintf(fs[1].comm, sizeof(fs[1].comm), "modprobe");
	json = bpf_report(40, 436 * 1024, 2, fs, 2, true);
	assert_non_null(strstr(strstr(json, "\"seq\":461,"), "\"window\":\"vmalloc\""));
	assert_null(strstr(json, "request_path_from_seq"));
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_510_vmap_allocation_failed_is_address_space_with_guard),
		cmocka_unit_test(test_510_allocation_failure_bytes_cannot_tell_space_from_pages),
		cmocka_unit_test(test_510_allocated_x_of_y_is_out_of_pages_and_y_counts_guard),
		cmocka_unit_test(test_61_vm_struct_allocation_failed_is_address_space),
		cmocka_unit_test(test_61_vm_struct_nofail_keeps_retrying_detail),
		cmocka_unit_test(test_61_exceeds_total_pages_is_out_of_pages),
		cmocka_unit_test(test_61_page_array_failure_is_out_of_pages),
		cmocka_unit_test(test_61_page_order_failure_is_out_of_pages),
		cmocka_unit_test(test_61_map_pages_failure_is_out_of_pages),
		cmocka_unit_test(test_612_address_range_restricted_is_restricted_range),
		cmocka_unit_test(test_612_order0_page_failure_is_out_of_pages),
		cmocka_unit_test(test_612_and_72_share_61_warn_alloc_texts),
		cmocka_unit_test(test_612_execmem_failure_gives_no_size),
		cmocka_unit_test(test_percpu_new_chunk_failure_is_address_space),
		cmocka_unit_test(test_percpu_populate_and_atomic_failures),
		cmocka_unit_test(test_unrelated_and_malformed_lines_are_not_failures),
		cmocka_unit_test(test_61_module_load_failure_links_both_messages_and_trace),
		cmocka_unit_test(test_510_bpf_jit_failure_is_address_space_via_the_vmap_message),
		cmocka_unit_test(test_612_kvmalloc_failure_is_restricted_range_with_range),
		cmocka_unit_test(test_72_percpu_execmem_and_interrupt_failures),
		cmocka_unit_test(test_trace_of_another_caller_is_not_attached),
		cmocka_unit_test(test_report_judges_module_load_failure_as_fragmentation),
		cmocka_unit_test(test_report_says_out_of_pages_when_the_request_fits_now),
		cmocka_unit_test(test_logged_size_near_2_64_never_fits),
		cmocka_unit_test(test_text_report_escapes_control_characters_of_a_comm),
		cmocka_unit_test(test_report_of_a_clean_log_counts_its_records),
		cmocka_unit_test(test_scan_error_names_the_kernel_log),
		cmocka_unit_test(test_holder_kinds_come_from_the_caller_name),
		cmocka_unit_test(test_execmem_size_is_inferred_from_the_packs_in_the_window),
		cmocka_unit_test(test_execmem_size_stays_unknown_without_packs),
		cmocka_unit_test(test_execmem_verdict_exhausted_with_window_figures),
		cmocka_unit_test(test_logged_pack_failure_verdict_fragmented),
		cmocka_unit_test(test_execmem_unknown_size_exhausted_when_no_page_fits),
		cmocka_unit_test(test_traceless_message_takes_the_path_of_the_same_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

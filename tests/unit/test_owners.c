// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The owner rules (doc/kernel.md §10) on a fake kernel: thread stacks of
 * every thread of every group, idle tasks, the stack cache, IRQ stacks,
 * module regions (core/init on 6.1, mem[] on 6.12, a shared area), BPF
 * programs in the prog IDR, ioremaps in the iomem_resource tree, ttys,
 * dynamic per-cpu chunks, swap maps named by their file's path across a
 * mount (and their swap_cgroup maps), a zram table named through a module
 * BTF made with libbpf and split on a base at __start_BTF;
 * and their failures: an unreadable task list, a cycle in it, a cyclic
 * resource tree, two owners for one area, prog_idr nodes sharing a child,
 * tty drivers past the slot cap -- each a skip, never a hang; ttys held
 * open (fd tables, one tty on two fds named once, the hung-up f_op, a
 * tty_file_private whose file is not the file refused, a max_fds of
 * 2^32-1 read only to the cap); per-cpu chunks on PCPU_NR_CHUNK_TYPES
 * sets of lists (5.9 - 5.13); an unreadable swap_info, an absurd
 * nr_swapfiles, a cyclic dentry chain or mount chain (a device then named
 * by its disk), a zram module BTF libbpf refuses, of an absurd size or
 * unreadable, a zram_index_idr node pointing at itself -- each a skip,
 * never a hang; a shared area's text stays bounded, a name of size 0
 * writes nothing before it;
 * vx_task_comm (the --failures pid lookup) ends at a cycle or torn link.
 *
 * The structures the rules read (task_struct, tty_struct, ...) are not in
 * the fake kernel's generation tables: this file adds them with a type
 * source of its own in front of the fake kernel's.
 */
#include <bpf/btf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_kernel.h"
#include "owners.h"
#include "tasks.h"
#include "vmflags.h"
#include "walk.h"

/* ---- the types of this test, in front of the fake kernel's ------------- */

struct owner_member {
	const char *type, *path;
	uint64_t offset, size;
};

static struct owner_member members[] = {
	{ "task_struct", "tasks", 0x10, 16 },
	{ "task_struct", "pid", 0x20, 4 },
	{ "task_struct", "tgid", 0x24, 4 },
	{ "task_struct", "comm", 0x28, 16 },
	{ "task_struct", "stack", 0x40, 8 },
	{ "task_struct", "signal", 0x48, 8 },
	{ "task_struct", "thread_node", 0x50, 16 },
	{ "task_struct", "group_leader", 0x60, 8 },
	{ "task_struct", "files", 0x70, 8 },
	{ "files_struct", "fdt", 0x20, 8 },
	{ "files_struct", "fdtab", 0x28, 16 },
	{ "files_struct", "fd_array", 0x40, 64 * 8 },
	{ "fdtable", "max_fds", 0x0, 4 },
	{ "fdtable", "fd", 0x8, 8 },
	{ "file", "f_op", 0x10, 8 },
	{ "file", "private_data", 0x20, 8 },
	{ "tty_file_private", "tty", 0x0, 8 },
	{ "tty_file_private", "file", 0x8, 8 },
	{ "signal_struct", "thread_head", 0x0, 16 },
	{ "signal_struct", "tty", 0x10, 8 },
	{ "rq", "idle", 0x8, 8 },
	{ "resource", "start", 0x0, 8 },
	{ "resource", "end", 0x8, 8 },
	{ "resource", "name", 0x10, 8 },
	{ "resource", "parent", 0x20, 8 },
	{ "resource", "sibling", 0x28, 8 },
	{ "resource", "child", 0x30, 8 },
	{ "tty_struct", "name", 0x0, 64 },
	{ "tty_struct", "disc_data", 0x40, 8 },
	{ "tty_struct", "link", 0x48, 8 },
	{ "tty_struct", "session", 0x50, 8 },
	{ "pid", "numbers", 0x8, 16 },
	{ "upid", "nr", 0x0, 4 },
	{ "tty_driver", "tty_drivers", 0x0, 16 },
	{ "tty_driver", "ttys", 0x10, 8 },
	{ "tty_driver", "num", 0x18, 4 },
	{ "idr", "idr_rt", 0x0, 16 },
	{ "xarray", "xa_head", 0x8, 8 },
	{ "xa_node", "shift", 0x0, 1 },
	{ "xa_node", "slots", 0x8, 64 * 8 },
	{ "bpf_prog", "aux", 0x8, 8 },
	{ "bpf_prog", "bpf_func", 0x10, 8 },
	{ "bpf_prog", "type", 0x18, 4 },
	{ "bpf_prog_aux", "id", 0x0, 4 },
	{ "bpf_prog_aux", "name", 0x8, 16 },
	{ "pcpu_chunk", "list", 0x0, 16 },
	{ "pcpu_chunk", "base_addr", 0x10, 8 },
	{ "pcpu_chunk", "alloc_map", 0x18, 8 },
	{ "pcpu_chunk", "bound_map", 0x20, 8 },
	{ "pcpu_chunk", "md_blocks", 0x28, 8 },
	{ "pcpu_chunk", "data", 0x30, 8 },
	{ "swap_info_struct", "flags", 0x0, 8 },
	{ "swap_info_struct", "swap_map", 0x8, 8 },
	{ "swap_info_struct", "cluster_info", 0x10, 8 },
	{ "swap_info_struct", "swap_file", 0x18, 8 },
	{ "swap_info_struct", "bdev", 0x20, 8 },
	{ "block_device", "bd_disk", 0x0, 8 },
	{ "gendisk", "disk_name", 0x0, 32 },
	{ "file", "f_path", 0x10, 16 },
	{ "path", "mnt", 0x0, 8 },
	{ "path", "dentry", 0x8, 8 },
	{ "dentry", "d_parent", 0x0, 8 },
	{ "dentry", "d_name.name", 0x10, 8 },
	{ "vfsmount", "mnt_root", 0x0, 8 },
	{ "mount", "mnt_parent", 0x0, 8 },
	{ "mount", "mnt_mountpoint", 0x8, 8 },
	{ "mount", "mnt", 0x20, 16 },
	{ "swap_cgroup_ctrl", "map", 0x0, 8 },
	{ "btf_module", "list", 0x0, 16 },
	{ "btf_module", "module", 0x10, 8 },
	{ "btf_module", "btf", 0x18, 8 },
	{ "btf", "data", 0x0, 8 },
	{ "btf", "data_size", 0x8, 4 },
	{ NULL, NULL, 0, 0 },
};

#define SWAP_CGROUP_CTRL_SIZE	0x18

#define TASK_SIZE	0x80

static struct vx_types *fake_types;

static struct vx_error *owner_types_member(struct vx_types *ty, const char *type,
					   const char *path, struct vx_member *out)
{
	for (const struct owner_member *m = members; m->type; m++)
		if (!strcmp(m->type, type) && !strcmp(m->path, path)) {
			out->offset = m->offset;
			out->size = m->size;
			return NULL;
		}
	return fake_types->member(fake_types, type, path, out);
}

static struct vx_error *owner_types_size(struct vx_types *ty, const char *type,
					 uint64_t *size)
{
	if (!strcmp(type, "swap_cgroup_ctrl")) {
		*size = SWAP_CGROUP_CTRL_SIZE;
		return NULL;
	}
	return fake_types->size(fake_types, type, size);
}

/* The enum constants of this test's kernel: none unless a test sets one. */
static const char *enum_name;
static int64_t enum_val;

static struct vx_error *owner_types_enum(struct vx_types *ty, const char *name,
					 int64_t *value)
{
	if (!enum_name || strcmp(name, enum_name))
		return vx_error_create(VX_ERR_NOT_FOUND, "no enum constant '%s'", name);
	*value = enum_val;
	return NULL;
}

static void owner_types_destroy(struct vx_types *ty)
{
}

static struct vx_types owner_types = {
	.source = "fake types + owners",
	.member = owner_types_member,
	.size = owner_types_size,
	.enum_value = owner_types_enum,
	.destroy = owner_types_destroy,
};

/* ---- building the fake kernel's objects --------------------------------- */

#define STACK_SIZE	0x4000
#define VBASE		(FK_VMALLOC_START + 0x100000)

struct world {
	struct fake_kernel *fk;
	uint64_t init_task, next_area;
	uint64_t pcpu[2];	/* each CPU's per-CPU area */
	uint64_t offsets;	/* __per_cpu_offset */
	uint64_t pcpu_base;	/* the per-CPU template the symbols are in */
};

static void put_list(struct fake_kernel *fk, uint64_t node, uint64_t next,
		     uint64_t prev)
{
	fake_kernel_put_u64(fk, node, next);
	fake_kernel_put_u64(fk, node + 8, prev);
}

/* A busy area of size bytes (+ guard) at the next free address. */
static uint64_t area(struct world *w, uint64_t size, uint64_t flags,
		     uint64_t phys)
{
	uint64_t start = w->next_area;
	struct fk_vm vm = { .addr = start, .size = size + 4096, .flags = flags,
			    .phys_addr = phys, .caller = FK_STEXT + 0x100 };

	w->next_area += size + 4096 + 0x10000;
	fake_kernel_add_area(w->fk, 0, start, start + size + 4096, &vm, 0, NULL);
	return start;
}

/* A per-CPU variable at off in the template: CPU n's copy is w->pcpu[n] + off. */
static void percpu(struct world *w, const char *name, uint64_t off)
{
	fake_kernel_add_symbol(w->fk, 'D', name, w->pcpu_base + off);
}

static void world_init(struct world *w, enum fk_gen gen)
{
	uint64_t nr;

	memset(w, 0, sizeof(*w));
	w->fk = fake_kernel_new(gen);
	w->next_area = VBASE;
	w->init_task = fake_kernel_new_global(w->fk, 'D', "init_task", TASK_SIZE);
	put_list(w->fk, w->init_task + 0x10, w->init_task + 0x10, w->init_task + 0x10);
	nr = fake_kernel_new_global(w->fk, 'D', "nr_cpu_ids", 8);
	fake_kernel_put_u32(w->fk, nr, 2);
	w->offsets = fake_kernel_new_global(w->fk, 'D', "__per_cpu_offset", 16);
	w->pcpu_base = fake_kernel_new_global(w->fk, 'D', "__per_cpu_start", 0x400);
	for (int cpu = 0; cpu < 2; cpu++) {
		w->pcpu[cpu] = fake_kernel_alloc(w->fk, 0x1000);
		fake_kernel_put_u64(w->fk, w->offsets + 8 * cpu,
				    w->pcpu[cpu] - w->pcpu_base);
	}
}

/* A task with a vmalloc'd stack (0: none); returns the task_struct. */
static uint64_t task(struct world *w, int pid, int tgid, const char *comm,
		     uint64_t stack, uint64_t signal)
{
	uint64_t t = fake_kernel_alloc(w->fk, TASK_SIZE);
	char name[16] = { 0 };

	strncpy(name, comm, sizeof(name) - 1);
	fake_kernel_put_u32(w->fk, t + 0x20, pid);
	fake_kernel_put_u32(w->fk, t + 0x24, tgid);
	fake_kernel_write(w->fk, t + 0x28, name, sizeof(name));
	fake_kernel_put_u64(w->fk, t + 0x40, stack);
	fake_kernel_put_u64(w->fk, t + 0x48, signal);
	return t;
}

/* Link nodes (list_heads) after head in order, a well-formed ring. */
static void ring(struct world *w, uint64_t head, const uint64_t *nodes, int n)
{
	for (int i = 0; i <= n; i++) {
		uint64_t node = i ? nodes[i - 1] : head;
		uint64_t next = i < n ? nodes[i] : head;
		uint64_t prev = i == 0 ? (n ? nodes[n - 1] : head) :
				i == 1 ? head : nodes[i - 2];

		put_list(w->fk, node, next, prev);
	}
}

/* A thread group: leader + threads, each with a stack area; on init_task.tasks. */
struct group {
	uint64_t tasks[3], stacks[3], signal;
	int n;
};

static void add_group(struct world *w, struct group *g, int tgid,
		      const char *const *comms, int n, uint64_t tty)
{
	uint64_t nodes[3];

	g->n = n;
	g->signal = fake_kernel_alloc(w->fk, 0x40);
	fake_kernel_put_u64(w->fk, g->signal + 0x10, tty);
	for (int i = 0; i < n; i++) {
		g->stacks[i] = area(w, STACK_SIZE, VX_VM_ALLOC, 0);
		g->tasks[i] = task(w, tgid + i, tgid, comms[i], g->stacks[i], g->signal);
		nodes[i] = g->tasks[i] + 0x50;
	}
	ring(w, g->signal, nodes, n);
}

/* init_task.tasks: the leaders of the groups, in order. */
static void task_list(struct world *w, struct group *const *gs, int n)
{
	uint64_t nodes[8];

	for (int i = 0; i < n; i++)
		nodes[i] = gs[i]->tasks[0] + 0x10;
	ring(w, w->init_task + 0x10, nodes, n);
}

static uint64_t resource(struct world *w, uint64_t parent, uint64_t start,
			 uint64_t end, const char *name);

struct built {
	struct vx_kernel *k;
	struct vx_vmap m;
	struct vx_owner_table *t;
	struct vx_report r;
};

static void build(struct world *w, struct built *b)
{
	struct vx_target *t = fake_kernel_target(w->fk);
	struct vx_error *err;

	fake_types = t->types;
	t->types = &owner_types;
	err = vx_kernel_open(t, &b->k);
	if (err)
		fail_msg("open: %s", err->message);
	vx_report_init(&b->r);
	assert_null(vx_walk(b->k, &b->r, VX_WALK_PRINTED, &b->m));
	err = vx_owners_build(b->k, &b->r, &b->m, &b->t);
	if (err)
		fail_msg("owners: %s", err->message);
}

static void unbuild(struct world *w, struct built *b)
{
	vx_owner_table_free(b->t);
	vx_vmap_free(&b->m);
	vx_report_fini(&b->r);
	vx_kernel_close(b->k);
	fake_kernel_free(w->fk);
}

static const struct vx_owner *owner(struct built *b, uint64_t start)
{
	const struct vx_owner *o = vx_owner_lookup(b->t, start);

	assert_non_null(o);
	return o;
}

static bool skipped(struct built *b, const char *what)
{
	for (size_t i = 0; i < b->r.nr_skips; i++)
		if (strstr(b->r.skips[i], what))
			return true;
	return false;
}

/* ---- stacks ----------------------------------------------------------- */

static void test_each_thread_stack_names_its_task_and_group_leader(void **state)
{
	static const char *const spawn[] = { "spawn", "worker", "worker" };
	static const char *const sh[] = { "sh" };
	struct group a, c;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	add_group(&w, &a, 97, spawn, 3, 0);
	add_group(&w, &c, 120, sh, 1, 0);
	task_list(&w, (struct group *const[]){ &a, &c }, 2);
	build(&w, &b);
	assert_string_equal(owner(&b, a.stacks[0])->text, "stack of pid 97 spawn");
	assert_string_equal(owner(&b, a.stacks[2])->text,
			    "stack of pid 99 worker, thread of pid 97 spawn");
	assert_string_equal(owner(&b, a.stacks[2])->group, "pid 97 spawn");
	assert_int_equal(owner(&b, a.stacks[1])->pid, 98);
	assert_int_equal(owner(&b, a.stacks[1])->tgid, 97);
	assert_string_equal(owner(&b, c.stacks[0])->text, "stack of pid 120 sh");
	assert_int_equal(b.t->tasks, 4);
	assert_int_equal(b.t->tasks_vmap_stack, 4);
	assert_int_equal(b.t->rules[0].attributed, 4);
	assert_int_equal(b.r.nr_skips, 0);
	unbuild(&w, &b);
}

static void test_idle_cache_and_irq_stacks_name_their_cpu(void **state)
{
	uint64_t idle_stack, idle, cached, vm, irq;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	percpu(&w, "runqueues", 0x0);
	percpu(&w, "cached_stacks", 0x100);
	percpu(&w, "hardirq_stack_ptr", 0x200);
	/* rq->idle of CPU 1 (CPU 0's would be init_task, on init_stack) */
	idle_stack = area(&w, STACK_SIZE, VX_VM_ALLOC, 0);
	idle = task(&w, 0, 0, "swapper/1", idle_stack, 0);
	fake_kernel_put_u64(w.fk, w.pcpu[1] + 0x8, idle);
	/* cached_stacks[1] of CPU 0: a vm_struct whose addr is the area */
	cached = area(&w, STACK_SIZE, VX_VM_ALLOC, 0);
	vm = fake_kernel_alloc(w.fk, 0x80);
	fake_kernel_put_u64(w.fk, vm + fake_kernel_offset(w.fk, "vm_struct", "addr"),
			    cached);
	fake_kernel_put_u64(w.fk, w.pcpu[0] + 0x108, vm);
	/* CPU 1's hardirq_stack_ptr: the top word of its IRQ stack */
	irq = area(&w, STACK_SIZE, VX_VM_MAP, 0);
	fake_kernel_put_u64(w.fk, w.pcpu[1] + 0x200, irq + STACK_SIZE - 8);
	build(&w, &b);
	assert_string_equal(owner(&b, idle_stack)->text,
			    "stack of the idle task of CPU 1 (pid 0 swapper/1)");
	assert_int_equal(owner(&b, idle_stack)->kind, VX_OWNER_TASK_STACK);
	assert_int_equal(owner(&b, idle_stack)->cpu, 1);
	assert_string_equal(owner(&b, cached)->text,
			    "free stack in the stack cache of CPU 0");
	assert_int_equal(owner(&b, cached)->kind, VX_OWNER_STACK_CACHE);
	assert_string_equal(owner(&b, irq)->text, "hardirq stack of CPU 1");
	assert_int_equal(owner(&b, irq)->kind, VX_OWNER_IRQ_STACK);
	assert_int_equal(b.r.nr_skips, 0);
	unbuild(&w, &b);
}

static void test_a_task_list_that_cannot_be_read_is_a_skip(void **state)
{
	struct world w;
	struct built b;
	uint64_t io;

	uint64_t root, nobody;

	world_init(&w, FK_612);
	fake_kernel_put_u64(w.fk, w.init_task + 0x10, FK_UNMAPPED);
	root = fake_kernel_new_global(w.fk, 'D', "iomem_resource", 0x40);
	resource(&w, root, 0xfe000000, 0xfe003fff, "dev");
	io = area(&w, 4096, VX_VM_IOREMAP, 0xfe000000);
	nobody = area(&w, STACK_SIZE, VX_VM_ALLOC, 0);
	build(&w, &b);
	assert_true(skipped(&b, "owners: thread stacks: task list node 0xffff888100000000"));
	assert_int_equal(b.t->tasks, 0);
	assert_int_equal(owner(&b, nobody)->kind, VX_OWNER_UNKNOWN);
	assert_string_equal(vx_owner_text(owner(&b, nobody)), "owner unknown");
	/* the other rules still ran */
	assert_string_equal(owner(&b, io)->text, "iomem dev");
	unbuild(&w, &b);
}

static void test_a_cycle_in_a_thread_list_ends_the_walk_as_a_skip(void **state)
{
	static const char *const comms[] = { "a", "b" }, *const next[] = { "next" };
	struct group g, h;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	add_group(&w, &g, 50, comms, 2, 0);
	add_group(&w, &h, 60, next, 1, 0);
	task_list(&w, (struct group *const[]){ &g, &h }, 2);
	/* thread b points back to thread a instead of the head */
	put_list(w.fk, g.tasks[1] + 0x50, g.tasks[0] + 0x50, g.tasks[0] + 0x50);
	build(&w, &b);
	assert_true(skipped(&b, "the threads of the group of pid 50: task list broken"));
	/* what was walked before the cycle keeps its owner, the next group counts */
	assert_string_equal(owner(&b, g.stacks[0])->text, "stack of pid 50 a");
	assert_string_equal(owner(&b, h.stacks[0])->text, "stack of pid 60 next");
	unbuild(&w, &b);
}

static void test_two_tasks_on_one_stack_are_a_finding(void **state)
{
	static const char *const one[] = { "one" }, *const two[] = { "two" };
	struct group a, c;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	add_group(&w, &a, 10, one, 1, 0);
	add_group(&w, &c, 20, two, 1, 0);
	fake_kernel_put_u64(w.fk, c.tasks[0] + 0x40, a.stacks[0]);
	task_list(&w, (struct group *const[]){ &a, &c }, 2);
	build(&w, &b);
	assert_int_equal(owner(&b, a.stacks[0])->claims, 2);
	assert_string_equal(owner(&b, a.stacks[0])->text, "stack of pid 10 one");
	assert_true(skipped(&b, "claimed by stack of pid 10 one and by stack of pid 20 two"));
	/* c's own stack area is nobody's */
	assert_int_equal(owner(&b, c.stacks[0])->kind, VX_OWNER_UNKNOWN);
	unbuild(&w, &b);
}

/* ---- modules ---------------------------------------------------------- */

#define MOD_AREA	0xffffffffc0100000ULL

static uint64_t area_at(struct world *w, uint64_t start, uint64_t size)
{
	struct fk_vm vm = { .addr = start, .size = size + 4096,
			    .flags = VX_VM_ALLOC, .caller = FK_STEXT + 0x100 };

	fake_kernel_add_area(w->fk, 0, start, start + size + 4096, &vm, 0, NULL);
	return start;
}

static void test_61_module_core_layout_owns_its_area(void **state)
{
	struct fk_module m = { .name = "zram", .base = MOD_AREA,
			       .size = 0x5000, .text_size = 0x2000 };
	struct world w;
	struct built b;

	world_init(&w, FK_61);
	area_at(&w, MOD_AREA, 0x5000);
	fake_kernel_add_module(w.fk, &m);
	build(&w, &b);
	assert_string_equal(owner(&b, MOD_AREA)->text, "module zram core");
	assert_string_equal(owner(&b, MOD_AREA)->group, "module zram");
	assert_int_equal(owner(&b, MOD_AREA)->region_size, 0x5000);
	unbuild(&w, &b);
}

static void test_612_module_mem_regions_and_a_shared_text_area(void **state)
{
	/* a's text and data have areas of their own; b's text shares a's area */
	struct fk_module a = { .name = "a", .base = MOD_AREA, .text_size = 0x3000,
			       .data_base = MOD_AREA + 0x100000, .data_size = 0x2000 };
	struct fk_module c = { .name = "b", .base = MOD_AREA + 0x3000,
			       .text_size = 0x1000 };
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	area_at(&w, MOD_AREA, 0x10000);
	area_at(&w, MOD_AREA + 0x100000, 0x2000);
	fake_kernel_add_module(w.fk, &a);
	fake_kernel_add_module(w.fk, &c);
	build(&w, &b);
	assert_string_equal(owner(&b, MOD_AREA + 0x100000)->text, "module a data");
	assert_int_equal(owner(&b, MOD_AREA + 0x100000)->region_size, 0x2000);
	assert_string_equal(owner(&b, MOD_AREA)->text,
			    "execmem cache shared by: module a text, module b text");
	assert_string_equal(owner(&b, MOD_AREA)->group, "execmem ROX cache");
	assert_int_equal(owner(&b, MOD_AREA)->region_size, 0);
	assert_int_equal(b.r.nr_skips, 0);
	unbuild(&w, &b);
}

/* ---- ioremap: iomem_resource ------------------------------------------ */

static uint64_t resource(struct world *w, uint64_t parent, uint64_t start,
			 uint64_t end, const char *name)
{
	uint64_t r = fake_kernel_alloc(w->fk, 0x40);
	uint64_t s = fake_kernel_alloc(w->fk, strlen(name) + 1);
	uint64_t last;

	fake_kernel_write(w->fk, s, name, strlen(name) + 1);
	fake_kernel_put_u64(w->fk, r, start);
	fake_kernel_put_u64(w->fk, r + 0x8, end);
	fake_kernel_put_u64(w->fk, r + 0x10, s);
	fake_kernel_put_u64(w->fk, r + 0x20, parent);
	/* append to the parent's children */
	last = fake_kernel_get_u64(w->fk, parent + 0x30);
	if (!last) {
		fake_kernel_put_u64(w->fk, parent + 0x30, r);
		return r;
	}
	while (fake_kernel_get_u64(w->fk, last + 0x28))
		last = fake_kernel_get_u64(w->fk, last + 0x28);
	fake_kernel_put_u64(w->fk, last + 0x28, r);
	return r;
}

static void test_ioremap_names_the_deepest_resource_and_its_parents(void **state)
{
	uint64_t root, bus, dev, io, hole;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	root = fake_kernel_new_global(w.fk, 'D', "iomem_resource", 0x40);
	resource(&w, root, 0x100000, 0x3ffdffff, "System RAM");
	bus = resource(&w, root, 0x40000000, 0xfebfffff, "PCI Bus 0000:00");
	resource(&w, bus, 0xfd000000, 0xfdffffff, "0000:00:02.0");
	dev = resource(&w, bus, 0xfe000000, 0xfe003fff, "0000:00:04.0");
	resource(&w, dev, 0xfe000000, 0xfe003fff, "virtio-pci-modern");
	io = area(&w, 4096, VX_VM_IOREMAP, 0xfe001000);
	hole = area(&w, 4096, VX_VM_IOREMAP, 0xfec00000);
	build(&w, &b);
	assert_string_equal(owner(&b, io)->text,
			    "iomem virtio-pci-modern < 0000:00:04.0 < PCI Bus 0000:00");
	assert_string_equal(owner(&b, io)->group, "iomem virtio-pci-modern");
	/* no resource holds it: unknown, not guessed */
	assert_int_equal(owner(&b, hole)->kind, VX_OWNER_UNKNOWN);
	unbuild(&w, &b);
}

static void test_a_cycle_in_the_resource_tree_is_a_skip(void **state)
{
	uint64_t root, r;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	root = fake_kernel_new_global(w.fk, 'D', "iomem_resource", 0x40);
	r = resource(&w, root, 0x1000, 0x1fff, "low");
	fake_kernel_put_u64(w.fk, r + 0x28, r);		/* its own sibling */
	area(&w, 4096, VX_VM_IOREMAP, 0xfe001000);
	build(&w, &b);
	assert_true(skipped(&b, "owners: iomem: iomem_resource: more than"));
	unbuild(&w, &b);
}

/* ---- ttys ------------------------------------------------------------- */

static void test_n_tty_data_names_its_tty_and_session(void **state)
{
	static const char *const sh[] = { "sh" };
	uint64_t head, drv, ttys, tty, pts, pid, data, pts_data;
	char name[64] = "ttyS0", pname[64] = "pts0";
	struct group g;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	data = area(&w, 0x3000, VX_VM_ALLOC, 0);
	pts_data = area(&w, 0x3000, VX_VM_ALLOC, 0);
	tty = fake_kernel_alloc(w.fk, 0x60);
	fake_kernel_write(w.fk, tty, name, sizeof(name));
	fake_kernel_put_u64(w.fk, tty + 0x40, data);
	pid = fake_kernel_alloc(w.fk, 0x20);
	fake_kernel_put_u32(w.fk, pid + 0x8, 120);
	fake_kernel_put_u64(w.fk, tty + 0x50, pid);
	/* the driver's ttys[] holds ttyS0 */
	head = fake_kernel_new_global(w.fk, 'D', "tty_drivers", 16);
	drv = fake_kernel_alloc(w.fk, 0x20);
	ttys = fake_kernel_alloc(w.fk, 16);
	fake_kernel_put_u64(w.fk, ttys + 8, tty);
	fake_kernel_put_u64(w.fk, drv + 0x10, ttys);
	fake_kernel_put_u32(w.fk, drv + 0x18, 2);
	ring(&w, head, (uint64_t[]){ drv }, 1);
	/* pts0 is in no driver's ttys[]: the controlling tty of pid 120 sh */
	pts = fake_kernel_alloc(w.fk, 0x60);
	fake_kernel_write(w.fk, pts, pname, sizeof(pname));
	fake_kernel_put_u64(w.fk, pts + 0x40, pts_data);
	add_group(&w, &g, 120, sh, 1, pts);
	task_list(&w, (struct group *const[]){ &g }, 1);
	build(&w, &b);
	assert_string_equal(owner(&b, data)->text, "tty ttyS0, session of pid 120 sh");
	assert_string_equal(owner(&b, data)->group, "tty ttyS0");
	assert_string_equal(owner(&b, pts_data)->text, "tty pts0");
	assert_int_equal(b.r.nr_skips, 0);
	unbuild(&w, &b);
}

/*
 * An unreadable controlling tty (its page left out, lower in address than
 * the next tty) is one counted skip: the ttys after it are still named.
 */
static void test_an_unreadable_tty_does_not_stop_the_others(void **state)
{
	static const char *const sh[] = { "sh" }, *const cat[] = { "cat" };
	uint64_t pts, pts_data;
	char pname[64] = "pts1";
	struct group g, h;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	pts_data = area(&w, 0x3000, VX_VM_ALLOC, 0);
	pts = fake_kernel_alloc(w.fk, 0x60);
	fake_kernel_write(w.fk, pts, pname, sizeof(pname));
	fake_kernel_put_u64(w.fk, pts + 0x40, pts_data);
	add_group(&w, &g, 120, sh, 1, 0xffff800000001000ULL);
	add_group(&w, &h, 130, cat, 1, pts);
	task_list(&w, (struct group *const[]){ &g, &h }, 2);
	build(&w, &b);
	assert_string_equal(owner(&b, pts_data)->text, "tty pts1");
	assert_int_equal(b.r.nr_skips, 1);
	assert_true(skipped(&b, "owners: ttys: 1 ttys unreadable (the first: tty 0xffff800000001000"));
	unbuild(&w, &b);
}

static void test_a_tty_name_of_size_zero_is_no_name(void **state)
{
	struct owner_member *m = members;
	uint64_t head, drv, ttys, tty, data;
	char name[64] = "ttyS0";
	struct world w;
	struct built b;

	while (strcmp(m->type, "tty_struct") || strcmp(m->path, "name"))
		m++;
	m->size = 0;	/* a corrupt BTF: tty_struct.name of size 0 */
	world_init(&w, FK_612);
	data = area(&w, 0x3000, VX_VM_ALLOC, 0);
	tty = fake_kernel_alloc(w.fk, 0x60);
	fake_kernel_write(w.fk, tty, name, sizeof(name));
	fake_kernel_put_u64(w.fk, tty + 0x40, data);
	head = fake_kernel_new_global(w.fk, 'D', "tty_drivers", 16);
	drv = fake_kernel_alloc(w.fk, 0x20);
	ttys = fake_kernel_alloc(w.fk, 16);
	fake_kernel_put_u64(w.fk, ttys, tty);
	fake_kernel_put_u64(w.fk, drv + 0x10, ttys);
	fake_kernel_put_u32(w.fk, drv + 0x18, 1);
	ring(&w, head, (uint64_t[]){ drv }, 1);
	build(&w, &b);
	m->size = 64;
	/* not name[-1] = 0 and whatever the stack held */
	assert_string_equal(owner(&b, data)->text, "tty ?");
	unbuild(&w, &b);
}

static void test_tty_drivers_past_the_slot_cap_are_a_skip(void **state)
{
	uint64_t head, drv[17], ttys, tty, data;
	char name[64] = "ttyS0";
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	data = area(&w, 0x3000, VX_VM_ALLOC, 0);
	tty = fake_kernel_alloc(w.fk, 0x60);
	fake_kernel_write(w.fk, tty, name, sizeof(name));
	fake_kernel_put_u64(w.fk, tty + 0x40, data);
	/* 17 drivers of 65536 ttys each, all one tty: 17 * 2^16 > 2^20 slots */
	ttys = fake_kernel_alloc(w.fk, 8 << 16);
	for (uint64_t i = 0; i < 1 << 16; i++)
		fake_kernel_put_u64(w.fk, ttys + 8 * i, tty);
	head = fake_kernel_new_global(w.fk, 'D', "tty_drivers", 16);
	for (int i = 0; i < 17; i++) {
		drv[i] = fake_kernel_alloc(w.fk, 0x20);
		fake_kernel_put_u64(w.fk, drv[i] + 0x10, ttys);
		fake_kernel_put_u32(w.fk, drv[i] + 0x18, 1 << 16);
	}
	ring(&w, head, drv, 17);
	build(&w, &b);
	assert_true(skipped(&b, "owners: ttys: tty_drivers: more than 1048576 ttys[] slots"));
	/* what the first drivers named is still named, once */
	assert_string_equal(owner(&b, data)->text, "tty ttyS0");
	assert_int_equal(owner(&b, data)->claims, 1);
	unbuild(&w, &b);
}

static uint64_t new_tty(struct world *w, const char *name, uint64_t data);

/*
 * A driver whose ttys[] holds 1000 pointers to nothing after a real tty (a
 * corrupt ttys pointer aimed at other bytes): left after 16 of them, one
 * skip; the tty before them and the next driver's stay named.
 */
static void test_a_driver_of_unreadable_ttys_is_left(void **state)
{
	uint64_t head, drv[2], ttys, ttys2, data, data2;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	data = area(&w, 0x3000, VX_VM_ALLOC, 0);
	data2 = area(&w, 0x3000, VX_VM_ALLOC, 0);
	ttys = fake_kernel_alloc(w.fk, 8 * 1001);
	fake_kernel_put_u64(w.fk, ttys, new_tty(&w, "ttyS0", data));
	for (int i = 1; i <= 1000; i++)
		fake_kernel_put_u64(w.fk, ttys + 8 * i,
				    0xffff8f0000000000ULL + 0x1000ULL * i);
	ttys2 = fake_kernel_alloc(w.fk, 8);
	fake_kernel_put_u64(w.fk, ttys2, new_tty(&w, "tty1", data2));
	head = fake_kernel_new_global(w.fk, 'D', "tty_drivers", 16);
	for (int i = 0; i < 2; i++)
		drv[i] = fake_kernel_alloc(w.fk, 0x20);
	fake_kernel_put_u64(w.fk, drv[0] + 0x10, ttys);
	fake_kernel_put_u32(w.fk, drv[0] + 0x18, 1001);
	fake_kernel_put_u64(w.fk, drv[1] + 0x10, ttys2);
	fake_kernel_put_u32(w.fk, drv[1] + 0x18, 1);
	ring(&w, head, drv, 2);
	build(&w, &b);
	assert_int_equal(b.r.nr_skips, 1);
	assert_true(skipped(&b, "owners: ttys: 17 ttys[] slots of tty_drivers point at"
			    " no readable tty (1 drivers left after 16"));
	assert_string_equal(owner(&b, data)->text, "tty ttyS0");
	assert_string_equal(owner(&b, data2)->text, "tty tty1");
	unbuild(&w, &b);
}

/* ---- ttys held open --------------------------------------------------- */

/* A tty named name whose n_tty_data is the area data. */
static uint64_t new_tty(struct world *w, const char *name, uint64_t data)
{
	uint64_t tty = fake_kernel_alloc(w->fk, 0x60);
	char n[64] = { 0 };

	strncpy(n, name, sizeof(n) - 1);
	fake_kernel_write(w->fk, tty, n, sizeof(n));
	fake_kernel_put_u64(w->fk, tty + 0x40, data);
	return tty;
}

/* A file on tty with f_op fops; its tty_file_private's file is back. */
static uint64_t tty_file(struct world *w, uint64_t fops, uint64_t tty,
			 bool honest)
{
	uint64_t f = fake_kernel_alloc(w->fk, 0x40);
	uint64_t priv = fake_kernel_alloc(w->fk, 0x20);

	fake_kernel_put_u64(w->fk, f + 0x10, fops);
	fake_kernel_put_u64(w->fk, f + 0x20, priv);
	fake_kernel_put_u64(w->fk, priv, tty);
	fake_kernel_put_u64(w->fk, priv + 0x8, honest ? f : f + 0x40);
	return f;
}

/* task's files: an fd table claiming max slots, nr of them in memory. */
static void fd_table(struct world *w, uint64_t task, uint32_t max, uint64_t nr,
		     const uint64_t *files, int n)
{
	uint64_t fs = fake_kernel_alloc(w->fk, 0x240);
	uint64_t fdt = fake_kernel_alloc(w->fk, 0x10);
	uint64_t fd = fake_kernel_alloc(w->fk, 8 * nr);

	fake_kernel_put_u64(w->fk, task + 0x70, fs);
	fake_kernel_put_u64(w->fk, fs + 0x20, fdt);
	fake_kernel_put_u32(w->fk, fdt, max);
	fake_kernel_put_u64(w->fk, fdt + 0x8, fd);
	for (int i = 0; i < n; i++)
		fake_kernel_put_u64(w->fk, fd + 8 * i, files[i]);
}

static uint64_t fops(struct world *w, const char *name)
{
	return fake_kernel_new_global(w->fk, 'D', name, 0x100);
}

/*
 * A pty pair nobody has as controlling tty: sh holds the master (ptmx),
 * cat the slave on fds 0 and 2 (named once), a hung-up file of cat's (fd
 * 1) on ttyS1 still names it; the slave found through the master's link too.
 */
static void test_ttys_held_open_name_the_processes_holding_them(void **state)
{
	static const char *const sh[] = { "sh" }, *const cat[] = { "cat" };
	uint64_t ptm_data, pts_data, hup_data, ptm, pts, hup, tty_fops, ptmx_fops;
	uint64_t hung_up;
	struct group a, c;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	ptm_data = area(&w, 0x3000, VX_VM_ALLOC, 0);
	pts_data = area(&w, 0x3000, VX_VM_ALLOC, 0);
	hup_data = area(&w, 0x3000, VX_VM_ALLOC, 0);
	ptm = new_tty(&w, "ptm0", ptm_data);
	pts = new_tty(&w, "pts0", pts_data);
	hup = new_tty(&w, "ttyS1", hup_data);
	fake_kernel_put_u64(w.fk, ptm + 0x48, pts);
	fake_kernel_put_u64(w.fk, pts + 0x48, ptm);
	tty_fops = fops(&w, "tty_fops");
	ptmx_fops = fops(&w, "ptmx_fops");
	hung_up = fops(&w, "hung_up_tty_fops");
	add_group(&w, &a, 120, sh, 1, 0);
	add_group(&w, &c, 130, cat, 1, 0);
	task_list(&w, (struct group *const[]){ &a, &c }, 2);
	fd_table(&w, a.tasks[0], 64, 64,
		 (uint64_t[]){ 0, 0, 0, tty_file(&w, ptmx_fops, ptm, true) }, 4);
	fd_table(&w, c.tasks[0], 64, 64,
		 (uint64_t[]){ tty_file(&w, tty_fops, pts, true),
			       tty_file(&w, hung_up, hup, true),
			       tty_file(&w, tty_fops, pts, true) }, 3);
	build(&w, &b);
	assert_string_equal(owner(&b, ptm_data)->text, "tty ptm0, open by pid 120 sh");
	assert_string_equal(owner(&b, pts_data)->text, "tty pts0, open by pid 130 cat");
	assert_string_equal(owner(&b, pts_data)->group, "tty pts0");
	assert_string_equal(owner(&b, hup_data)->text, "tty ttyS1, open by pid 130 cat");
	assert_int_equal(b.r.nr_skips, 0);
	unbuild(&w, &b);
}

/*
 * The open-file tests' world: one tty named name whose n_tty_data is the
 * area data, tty_fops, and two processes with no files yet: sh (pid 120)
 * and cat (pid 130).
 */
struct fd_case {
	struct world w;
	struct group sh, cat;
	uint64_t data, tty, tty_fops;
};

static void fd_case_init(struct fd_case *f, const char *name)
{
	static const char *const sh[] = { "sh" }, *const cat[] = { "cat" };

	world_init(&f->w, FK_612);
	f->data = area(&f->w, 0x3000, VX_VM_ALLOC, 0);
	f->tty = new_tty(&f->w, name, f->data);
	f->tty_fops = fops(&f->w, "tty_fops");
	add_group(&f->w, &f->sh, 120, sh, 1, 0);
	add_group(&f->w, &f->cat, 130, cat, 1, 0);
	task_list(&f->w, (struct group *const[]){ &f->sh, &f->cat }, 2);
}

/* A tty_file_private whose file is another file: garbage, not a tty. */
static void test_a_tty_file_private_not_pointing_back_is_refused(void **state)
{
	struct fd_case f;
	struct built b;

	fd_case_init(&f, "pts3");
	fd_table(&f.w, f.sh.tasks[0], 64, 64,
		 (uint64_t[]){ tty_file(&f.w, f.tty_fops, f.tty, false) }, 1);
	build(&f.w, &b);
	assert_int_equal(owner(&b, f.data)->kind, VX_OWNER_UNKNOWN);
	assert_int_equal(b.r.nr_skips, 1);
	assert_true(skipped(&b, "owners: ttys: open files: 0 fd tables read in part"));
	assert_true(skipped(&b, "1 tty files refused"));
	unbuild(&f.w, &b);
}

/* max_fds 2^32 - 64: the first 2^20 slots are read, the table counted as cut. */
static void test_a_huge_max_fds_is_read_to_the_cap(void **state)
{
	uint64_t files[6] = { 0 };
	struct fd_case f;
	struct built b;

	fd_case_init(&f, "pts1");
	files[5] = tty_file(&f.w, f.tty_fops, f.tty, true);
	fd_table(&f.w, f.sh.tasks[0], UINT32_MAX & ~63u, 1 << 20, files, 6);
	build(&f.w, &b);
	assert_string_equal(owner(&b, f.data)->text, "tty pts1, open by pid 120 sh");
	assert_int_equal(b.r.nr_skips, 1);
	assert_true(skipped(&b, "owners: ttys: open files: 1 fd tables read in part"
			    " (past 1048576 slots a table"));
	/* nothing past the cap was read (the heap beyond is not all readable) */
	assert_true(skipped(&b, ", 0 tables or files unreadable"));
	unbuild(&f.w, &b);
}

/*
 * sh's table holds the 1000 words of fill(); cat's table the tty: what
 * the tests of a table that is no fd array share.
 */
static void two_tables(struct fd_case *f, const uint64_t *fill)
{
	fd_table(&f->w, f->sh.tasks[0], 1024, 1024, fill, 1000);
	fd_table(&f->w, f->cat.tasks[0], 64, 64,
		 (uint64_t[]){ tty_file(&f->w, f->tty_fops, f->tty, true) }, 1);
}

/*
 * A table whose fd[] holds 1000 pointers to nothing (a corrupt fdt->fd
 * aimed at other bytes): left after 64 unreadable files, not read slot by
 * slot; the next process's table is still walked.
 */
static void test_an_fd_array_of_unreadable_files_is_left(void **state)
{
	uint64_t garbage[1000];
	struct fd_case f;
	struct built b;

	fd_case_init(&f, "pts2");
	for (int i = 0; i < 1000; i++)
		garbage[i] = 0xffff8f0000000000ULL + 0x1000ULL * i;
	two_tables(&f, garbage);
	build(&f.w, &b);
	assert_string_equal(owner(&b, f.data)->text, "tty pts2, open by pid 130 cat");
	assert_int_equal(b.r.nr_skips, 1);
	assert_true(skipped(&b, ", 65 tables or files unreadable, 0 fd slots not a"
			    " struct file"));
	assert_true(skipped(&b, ", 1 tables left (more than 64 unreadable or non-file"));
	unbuild(&f.w, &b);
}

/*
 * A filtered dump's table: 150 unreadable files (their slab pages left
 * out) among 100 readable ones is still an fd array: read to its end,
 * where the tty file is.
 */
static void test_a_table_with_some_unreadable_files_is_read_whole(void **state)
{
	uint64_t pipe_fops, files[251];
	struct fd_case f;
	struct built b;

	fd_case_init(&f, "pts4");
	pipe_fops = fops(&f.w, "pipefifo_fops");
	for (int i = 0; i < 250; i++) {
		files[i] = i % 5 < 2 ? fake_kernel_alloc(f.w.fk, 0x40) :
			   0xffff8f0000000000ULL + 0x1000ULL * i;
		if (i % 5 < 2)	/* a pipe, say: no tty, but a file */
			fake_kernel_put_u64(f.w.fk, files[i] + 0x10, pipe_fops);
	}
	files[250] = tty_file(&f.w, f.tty_fops, f.tty, true);
	fd_table(&f.w, f.sh.tasks[0], 256, 256, files, 251);
	build(&f.w, &b);
	assert_string_equal(owner(&b, f.data)->text, "tty pts4, open by pid 120 sh");
	assert_true(skipped(&b, ", 150 tables or files unreadable, 0 fd slots not a"
			    " struct file"));
	assert_true(skipped(&b, ", 0 tables left"));
	unbuild(&f.w, &b);
}

/*
 * A table whose fd[] runs over readable words that are no struct file
 * (a corrupt max_fds read on past fd[] into other data: kernel-image
 * pointers, and direct-map objects whose f_op is no kernel address):
 * each such slot is not a file, and the table is left after 64, as for
 * unreadable ones; reading a million of them cost minutes.
 */
static void test_an_fd_array_of_readable_non_files_is_left(void **state)
{
	uint64_t words[1000], odd;
	struct fd_case f;
	struct built b;

	fd_case_init(&f, "pts5");
	odd = fake_kernel_alloc(f.w.fk, 0x40);
	fake_kernel_put_u64(f.w.fk, odd + 0x10, 0x1234);	/* f_op: no address */
	for (int i = 0; i < 1000; i++)
		words[i] = i % 2 ? f.w.init_task : odd;	/* image, heap */
	two_tables(&f, words);
	build(&f.w, &b);
	assert_string_equal(owner(&b, f.data)->text, "tty pts5, open by pid 130 cat");
	assert_int_equal(b.r.nr_skips, 1);
	assert_true(skipped(&b, ", 0 tables or files unreadable, 65 fd slots not a"
			    " struct file"));
	assert_true(skipped(&b, ", 1 tables left (more than 64 unreadable or non-file"));
	unbuild(&f.w, &b);
}

/*
 * A files_struct on its own small table (fdt = &files->fdtab) must have
 * max_fds the size of fd_array and fd = fd_array: one whose max_fds says
 * 2^24 + 64 (init_files with a corrupt byte) is refused, not read 2^20
 * slots past fd_array; the same table with max_fds 64 is read.
 */
static void own_table(struct world *w, uint64_t task, uint32_t max,
		      uint64_t file)
{
	uint64_t fs = fake_kernel_alloc(w->fk, 0x240);

	fake_kernel_put_u64(w->fk, task + 0x70, fs);
	fake_kernel_put_u64(w->fk, fs + 0x20, fs + 0x28);
	fake_kernel_put_u32(w->fk, fs + 0x28, max);
	fake_kernel_put_u64(w->fk, fs + 0x30, fs + 0x40);
	fake_kernel_put_u64(w->fk, fs + 0x40, file);
}

static void test_a_files_structs_own_table_must_be_fd_array(void **state)
{
	uint64_t data7, tty7;
	struct fd_case f;
	struct built b;

	fd_case_init(&f, "pts6");
	data7 = area(&f.w, 0x3000, VX_VM_ALLOC, 0);
	tty7 = new_tty(&f.w, "pts7", data7);
	own_table(&f.w, f.sh.tasks[0], (1u << 24) + 64,
		  tty_file(&f.w, f.tty_fops, f.tty, true));
	own_table(&f.w, f.cat.tasks[0], 64, tty_file(&f.w, f.tty_fops, tty7, true));
	build(&f.w, &b);
	assert_int_equal(owner(&b, f.data)->kind, VX_OWNER_UNKNOWN);
	assert_string_equal(owner(&b, data7)->text, "tty pts7, open by pid 130 cat");
	assert_int_equal(b.r.nr_skips, 1);
	assert_true(skipped(&b, ", 1 tables refused (max_fds or fd do not match"));
	unbuild(&f.w, &b);
}

/* ---- BPF -------------------------------------------------------------- */

static uint64_t prog(struct world *w, uint32_t id, const char *name,
		     uint32_t type, uint64_t func)
{
	uint64_t p = fake_kernel_alloc(w->fk, 0x40), aux = fake_kernel_alloc(w->fk, 0x40);
	char n[16] = { 0 };

	strncpy(n, name, sizeof(n) - 1);
	fake_kernel_put_u64(w->fk, p + 0x8, aux);
	fake_kernel_put_u64(w->fk, p + 0x10, func);
	fake_kernel_put_u32(w->fk, p + 0x18, type);
	fake_kernel_put_u32(w->fk, aux, id);
	fake_kernel_write(w->fk, aux + 0x8, n, sizeof(n));
	return p;
}

static void test_bpf_programs_in_a_pack_and_a_jit_binary(void **state)
{
	uint64_t idr, node, pack, jit;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	pack = area(&w, 0x200000, VX_VM_ALLOC, 0);
	jit = area(&w, 0x1000, VX_VM_ALLOC, 0);
	idr = fake_kernel_new_global(w.fk, 'D', "prog_idr", 0x20);
	node = fake_kernel_alloc(w.fk, 0x8 + 64 * 8);
	fake_kernel_put_u64(w.fk, idr + 0x8, node + 2);	/* an internal node */
	fake_kernel_put_u64(w.fk, node + 0x8, prog(&w, 3, "filter", 1, pack + 0x40));
	fake_kernel_put_u64(w.fk, node + 0x8 + 5 * 8, prog(&w, 7, "xdp_pass", 6, pack + 0x800));
	fake_kernel_put_u64(w.fk, node + 0x8 + 9 * 8, prog(&w, 9, "big", 26, jit + 0x10));
	fake_kernel_put_u64(w.fk, node + 0x8 + 10 * 8, 0x13);	/* a value entry */
	/* no prog_name (vbpf's, and any raw bpf(2) loader's): no empty name printed */
	fake_kernel_put_u64(w.fk, node + 0x8 + 11 * 8, prog(&w, 11, "", 1, pack + 0x1000));
	build(&w, &b);
	assert_string_equal(owner(&b, pack)->text,
			    "bpf prog 3 filter (socket_filter), bpf prog 7 xdp_pass (xdp), "
			    "bpf prog 11 (socket_filter)");
	assert_string_equal(owner(&b, jit)->text, "bpf prog 9 big (tracing)");
	assert_int_equal(b.t->rules[5].seen, 4);
	assert_int_equal(b.r.nr_skips, 0);
	unbuild(&w, &b);
}

static void test_a_node_pointing_at_itself_in_prog_idr_is_a_skip(void **state)
{
	uint64_t idr, node;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	area(&w, 0x1000, VX_VM_ALLOC, 0);
	idr = fake_kernel_new_global(w.fk, 'D', "prog_idr", 0x20);
	node = fake_kernel_alloc(w.fk, 0x8 + 64 * 8);
	fake_kernel_put_u64(w.fk, idr + 0x8, node + 2);
	fake_kernel_put_u64(w.fk, node + 0x8, node + 2);
	build(&w, &b);
	assert_true(skipped(&b, "owners: bpf: prog_idr"));
	unbuild(&w, &b);
}

static void test_prog_idr_nodes_sharing_one_child_are_walked_once(void **state)
{
	uint64_t idr, node[4], pack, p;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	pack = area(&w, 0x200000, VX_VM_ALLOC, 0);
	idr = fake_kernel_new_global(w.fk, 'D', "prog_idr", 0x20);
	for (int i = 0; i < 4; i++)
		node[i] = fake_kernel_alloc(w.fk, 0x8 + 64 * 8);
	p = prog(&w, 3, "filter", 1, pack + 0x40);
	fake_kernel_put_u64(w.fk, idr + 0x8, node[0] + 2);
	/* every slot of each node points at the next; the last's at one prog:
	 * walked through every slot, 64^4 programs appended to one text */
	for (int i = 0; i < 4; i++)
		for (int s = 0; s < 64; s++)
			fake_kernel_put_u64(w.fk, node[i] + 0x8 + 8 * s,
					    i < 3 ? node[i + 1] + 2 : p);
	build(&w, &b);
	assert_string_equal(owner(&b, pack)->text, "bpf prog 3 filter (socket_filter)");
	assert_int_equal(b.t->rules[5].seen, 1);
	assert_true(skipped(&b, "owners: bpf: prog_idr: 252 slots point at"));
	unbuild(&w, &b);
}

static void test_a_pack_of_many_programs_lists_the_first_and_counts_the_rest(void **state)
{
	uint64_t idr, node, pack;
	struct world w;
	struct built b;
	const char *text;

	world_init(&w, FK_612);
	pack = area(&w, 0x200000, VX_VM_ALLOC, 0);
	idr = fake_kernel_new_global(w.fk, 'D', "prog_idr", 0x20);
	node = fake_kernel_alloc(w.fk, 0x8 + 64 * 8);
	fake_kernel_put_u64(w.fk, idr + 0x8, node + 2);
	for (int s = 0; s < 64; s++)
		fake_kernel_put_u64(w.fk, node + 0x8 + 8 * s,
				    prog(&w, s, "prog_name", 1, pack + 0x40 * s));
	build(&w, &b);
	text = owner(&b, pack)->text;
	assert_true(strlen(text) <= VX_OWNER_TEXT_MAX + 32);
	assert_non_null(strstr(text, "bpf prog 0 prog_name (socket_filter), bpf prog 1 "));
	assert_non_null(strstr(text, " more"));
	/* listed + counted = 64 */
	{
		unsigned int listed = 1, more = 0;

		for (const char *q = text; (q = strstr(q, "), bpf prog ")); q++)
			listed++;
		assert_int_equal(sscanf(strstr(text, ", ... and ") + 10, "%u", &more), 1);
		assert_int_equal(listed + more, 64);
	}
	assert_int_equal(b.r.nr_skips, 0);
	unbuild(&w, &b);
}

/* ---- vx_task_comm (a --failures record's pid) ------------------------- */

static void test_task_comm_ends_at_a_cycle_in_either_list(void **state)
{
	static const char *const a[] = { "a" }, *const c[] = { "c" };
	struct group g, h;
	struct world w;
	struct built b;
	char comm[16] = "";

	world_init(&w, FK_612);
	add_group(&w, &g, 50, a, 1, 0);
	add_group(&w, &h, 60, c, 1, 0);
	task_list(&w, (struct group *const[]){ &g, &h }, 2);
	/* g's thread ring loops on its only thread; h points back to g */
	put_list(w.fk, g.tasks[0] + 0x50, g.tasks[0] + 0x50, g.tasks[0] + 0x50);
	put_list(w.fk, h.tasks[0] + 0x10, g.tasks[0] + 0x10, g.tasks[0] + 0x10);
	build(&w, &b);
	/* returns (a wrapped budget walked the cycle ~2^32 times): not found */
	assert_false(vx_task_comm(b.k, 999, comm, sizeof(comm)));
	/* what comes before the cycle is still named */
	assert_true(vx_task_comm(b.k, 60, comm, sizeof(comm)));
	assert_string_equal(comm, "c");
	unbuild(&w, &b);
}

static void test_task_comm_refuses_a_torn_link(void **state)
{
	static const char *const a[] = { "a" }, *const c[] = { "stale" };
	struct group g, h;
	struct world w;
	struct built b;
	char comm[16] = "";

	world_init(&w, FK_612);
	add_group(&w, &g, 50, a, 1, 0);
	add_group(&w, &h, 60, c, 1, 0);
	task_list(&w, (struct group *const[]){ &g, &h }, 2);
	/* g's next is h but h's prev is not g: h may be a freed task */
	put_list(w.fk, h.tasks[0] + 0x10, w.init_task + 0x10, w.init_task + 0x10);
	build(&w, &b);
	assert_true(vx_task_comm(b.k, 50, comm, sizeof(comm)));
	assert_string_equal(comm, "a");
	comm[0] = '\0';
	assert_false(vx_task_comm(b.k, 60, comm, sizeof(comm)));
	assert_string_equal(comm, "");
	unbuild(&w, &b);
}

/* ---- per-cpu chunks ---------------------------------------------------- */

static void test_percpu_chunk_units_and_arrays_name_the_chunk(void **state)
{
	uint64_t lists, slots, groups, chunk, vms, vm[2], unit[2], amap, first;
	uint64_t vm_addr;
	struct world w;
	struct built b;

	world_init(&w, FK_612);
	vm_addr = fake_kernel_offset(w.fk, "vm_struct", "addr");
	unit[0] = area(&w, 0x200000 - 4096, VX_VM_ALLOC, 0);
	unit[1] = area(&w, 0x200000 - 4096, VX_VM_ALLOC, 0);
	amap = area(&w, 0x8000, VX_VM_ALLOC, 0);
	lists = fake_kernel_alloc(w.fk, 2 * 16);
	fake_kernel_put_u64(w.fk, fake_kernel_new_global(w.fk, 'D', "pcpu_chunk_lists", 8), lists);
	slots = fake_kernel_new_global(w.fk, 'D', "pcpu_nr_slots", 8);
	fake_kernel_put_u32(w.fk, slots, 2);
	groups = fake_kernel_new_global(w.fk, 'D', "pcpu_nr_groups", 8);
	fake_kernel_put_u32(w.fk, groups, 2);
	/* slot 0 empty; slot 1: the first chunk (no vms: data NULL), then ours */
	ring(&w, lists, NULL, 0);
	first = fake_kernel_alloc(w.fk, 0x40);
	chunk = fake_kernel_alloc(w.fk, 0x40);
	vms = fake_kernel_alloc(w.fk, 16);
	for (int g = 0; g < 2; g++) {
		vm[g] = fake_kernel_alloc(w.fk, 0x80);
		fake_kernel_put_u64(w.fk, vm[g] + vm_addr, unit[g]);
		fake_kernel_put_u64(w.fk, vms + 8 * g, vm[g]);
	}
	fake_kernel_put_u64(w.fk, chunk + 0x10, unit[0]);
	fake_kernel_put_u64(w.fk, chunk + 0x18, amap);
	fake_kernel_put_u64(w.fk, chunk + 0x30, vms);
	ring(&w, lists + 16, (uint64_t[]){ first, chunk }, 2);
	build(&w, &b);
	assert_string_equal(owner(&b, unit[1])->group,
			    owner(&b, unit[0])->group);
	assert_non_null(strstr(owner(&b, unit[1])->text, " units of group 1"));
	assert_non_null(strstr(owner(&b, amap)->text, " alloc_map"));
	assert_int_equal(owner(&b, amap)->kind, VX_OWNER_PERCPU);
	assert_int_equal(b.t->rules[8].seen, 2);
	assert_int_equal(b.r.nr_skips, 0);
	unbuild(&w, &b);
}

/*
 * 5.9 - 5.13: PCPU_NR_CHUNK_TYPES sets of pcpu_nr_slots lists, the memcg
 * chunks in the second; an absurd constant is a skip, not a long walk.
 */
static void percpu_two_types(int64_t nr_types, struct world *w, uint64_t *unit)
{
	uint64_t lists, slots, groups, chunk, vms, vm;

	world_init(w, FK_510);
	*unit = area(w, 0x200000 - 4096, VX_VM_ALLOC, 0);
	lists = fake_kernel_alloc(w->fk, 4 * 16);
	fake_kernel_put_u64(w->fk, fake_kernel_new_global(w->fk, 'D', "pcpu_chunk_lists", 8), lists);
	slots = fake_kernel_new_global(w->fk, 'D', "pcpu_nr_slots", 8);
	fake_kernel_put_u32(w->fk, slots, 2);
	groups = fake_kernel_new_global(w->fk, 'D', "pcpu_nr_groups", 8);
	fake_kernel_put_u32(w->fk, groups, 1);
	chunk = fake_kernel_alloc(w->fk, 0x40);
	vms = fake_kernel_alloc(w->fk, 8);
	vm = fake_kernel_alloc(w->fk, 0x80);
	fake_kernel_put_u64(w->fk, vm + fake_kernel_offset(w->fk, "vm_struct", "addr"), *unit);
	fake_kernel_put_u64(w->fk, vms, vm);
	fake_kernel_put_u64(w->fk, chunk + 0x10, *unit);
	fake_kernel_put_u64(w->fk, chunk + 0x30, vms);
	for (int i = 0; i < 3; i++)
		ring(w, lists + 16 * i, NULL, 0);
	/* pcpu_chunk_list(PCPU_CHUNK_MEMCG)[1] */
	ring(w, lists + 16 * 3, (uint64_t[]){ chunk }, 1);
	enum_name = "PCPU_NR_CHUNK_TYPES";
	enum_val = nr_types;
}

static void test_510_memcg_chunks_are_on_the_second_set_of_lists(void **state)
{
	struct world w;
	struct built b;
	uint64_t unit;

	percpu_two_types(2, &w, &unit);
	build(&w, &b);
	enum_name = NULL;
	assert_int_equal(owner(&b, unit)->kind, VX_OWNER_PERCPU);
	assert_non_null(strstr(owner(&b, unit)->text, " units of group 0"));
	assert_int_equal(b.t->rules[8].seen, 1);
	assert_int_equal(b.r.nr_skips, 0);
	unbuild(&w, &b);

	percpu_two_types(1000, &w, &unit);
	build(&w, &b);
	enum_name = NULL;
	assert_int_equal(owner(&b, unit)->kind, VX_OWNER_UNKNOWN);
	assert_true(skipped(&b, "owners: percpu chunks: PCPU_NR_CHUNK_TYPES 1000, more than 16"));
	unbuild(&w, &b);
}

/* ---- sums and a kernel without the rules' structures ------------------ */

static void test_sums_are_by_owner_largest_first(void **state)
{
	static const char *const spawn[] = { "spawn", "t1", "t2" };
	static const char *const sh[] = { "sh" };
	struct vx_owner_sum *sums;
	struct group a, c;
	struct world w;
	struct built b;
	size_t n;

	world_init(&w, FK_612);
	add_group(&w, &a, 97, spawn, 3, 0);
	add_group(&w, &c, 120, sh, 1, 0);
	area(&w, 0x100000, VX_VM_ALLOC, 0);	/* nobody's, the largest */
	task_list(&w, (struct group *const[]){ &c, &a }, 2);
	build(&w, &b);
	assert_null(vx_owners_sums(b.t, &sums, &n));
	assert_int_equal(n, 3);
	assert_string_equal(sums[0].group, "owner unknown");
	assert_string_equal(sums[1].group, "pid 97 spawn");
	assert_int_equal(sums[1].count, 3);
	assert_int_equal(sums[1].bytes, 3 * (STACK_SIZE + 4096));
	assert_string_equal(sums[2].group, "pid 120 sh");
	free(sums);
	unbuild(&w, &b);
}

static void test_growth_by_owner_pairs_groups_and_drops_the_unchanged(void **state)
{
	struct vx_owner_sum old[] = {
		{ VX_OWNER_TASK_STACK, "pid 97 spawn", 2, 40960 },
		{ VX_OWNER_TTY, "tty ttyS0", 1, 16384 },
		{ VX_OWNER_MODULE, "module gone", 1, 8192 },
	};
	struct vx_owner_sum new[] = {
		{ VX_OWNER_TTY, "tty ttyS0", 1, 16384 },
		{ VX_OWNER_TASK_STACK, "pid 97 spawn", 50002, 1024040960 },
	};
	struct vx_owner_growth *g;
	size_t n;

	assert_null(vx_owners_growth(old, 3, new, 2, &g, &n));
	assert_int_equal(n, 2);
	assert_string_equal(g[0].group, "pid 97 spawn");
	assert_int_equal(g[0].count, 50000);
	assert_int_equal(g[0].bytes, 1024000000);
	assert_string_equal(g[1].group, "module gone");
	assert_int_equal(g[1].count, -1);
	free(g);
}

/* ---- swap and zram ------------------------------------------------------ */

/* A dentry named name under parent (0: its own parent, a root). */
static uint64_t dentry(struct world *w, uint64_t parent, const char *name)
{
	uint64_t d = fake_kernel_alloc(w->fk, 0x40);
	uint64_t n = fake_kernel_alloc(w->fk, 64);

	fake_kernel_write(w->fk, n, name, strlen(name) + 1);
	fake_kernel_put_u64(w->fk, d, parent ? parent : d);
	fake_kernel_put_u64(w->fk, d + 0x10, n);
	return d;
}

/* A struct mount whose root is root, mounted on mountpoint in parent (0: the root mount). */
static uint64_t mount(struct world *w, uint64_t parent, uint64_t mountpoint,
		      uint64_t root)
{
	uint64_t m = fake_kernel_alloc(w->fk, 0x40);

	fake_kernel_put_u64(w->fk, m, parent ? parent : m);
	fake_kernel_put_u64(w->fk, m + 0x8, mountpoint);
	fake_kernel_put_u64(w->fk, m + 0x20, root);	/* mnt.mnt_root */
	return m;
}

static uint64_t file_at(struct world *w, uint64_t mnt, uint64_t d)
{
	uint64_t f = fake_kernel_alloc(w->fk, 0x40);

	fake_kernel_put_u64(w->fk, f + 0x10, mnt + 0x20);
	fake_kernel_put_u64(w->fk, f + 0x18, d);
	return f;
}

/* swap_info[] of n entries and nr_swapfiles = nr; returns swap_info. */
static uint64_t swap_info(struct world *w, int n, uint32_t nr)
{
	uint64_t si = fake_kernel_new_global(w->fk, 'D', "swap_info", 8 * n);
	uint64_t nrs = fake_kernel_new_global(w->fk, 'D', "nr_swapfiles", 8);

	fake_kernel_put_u32(w->fk, nrs, nr);
	return si;
}

static uint64_t swap_entry(struct world *w, uint64_t flags, uint64_t map,
			   uint64_t file)
{
	uint64_t si = fake_kernel_alloc(w->fk, 0x40);

	fake_kernel_put_u64(w->fk, si, flags);
	fake_kernel_put_u64(w->fk, si + 0x8, map);
	fake_kernel_put_u64(w->fk, si + 0x18, file);
	return si;
}

static void test_swap_maps_name_their_file_across_a_mount(void **state)
{
	struct world w;
	struct built b;
	uint64_t root, swapdir, sroot, sfile, mroot, msub, info, ctrl;
	uint64_t map0, map1, cg0, unused;

	world_init(&w, FK_612);
	map0 = area(&w, 0x2000, VX_VM_ALLOC, 0);
	cg0 = area(&w, 0x1000, VX_VM_ALLOC, 0);
	map1 = area(&w, 0x4000, VX_VM_ALLOC, 0);
	unused = area(&w, 0x1000, VX_VM_ALLOC, 0);
	/* / with /swap mounted on it, the file /swap/swapfile; /dev/zram0 */
	root = dentry(&w, 0, "/");
	swapdir = dentry(&w, root, "swap");
	sroot = dentry(&w, 0, "/");
	sfile = dentry(&w, sroot, "swapfile");
	mroot = mount(&w, 0, 0, root);
	msub = mount(&w, mroot, swapdir, sroot);
	info = swap_info(&w, 3, 3);
	fake_kernel_put_u64(w.fk, info, swap_entry(&w, 3, map0, file_at(&w, msub, sfile)));
	fake_kernel_put_u64(w.fk, info + 8, swap_entry(&w, 3, map1,
		file_at(&w, mroot, dentry(&w, dentry(&w, root, "dev"), "zram0"))));
	/* a slot swapoff left: not SWP_USED, its stale map not claimed */
	fake_kernel_put_u64(w.fk, info + 16, swap_entry(&w, 0, unused, 0));
	ctrl = fake_kernel_new_global(w.fk, 'd', "swap_cgroup_ctrl",
				      3 * SWAP_CGROUP_CTRL_SIZE);
	fake_kernel_put_u64(w.fk, ctrl, cg0);
	build(&w, &b);
	assert_string_equal(owner(&b, map0)->text, "swap /swap/swapfile (map)");
	assert_string_equal(owner(&b, map0)->group, "swap /swap/swapfile");
	assert_int_equal(owner(&b, map0)->kind, VX_OWNER_SWAP);
	assert_string_equal(owner(&b, cg0)->text, "swap /swap/swapfile (swap_cgroup map)");
	assert_string_equal(owner(&b, map1)->text, "swap /dev/zram0 (map)");
	assert_int_equal(owner(&b, unused)->kind, VX_OWNER_UNKNOWN);
	assert_true(b.t->rules[9].ran);
	assert_int_equal(b.t->rules[9].seen, 2);
	assert_int_equal(b.t->rules[9].attributed, 3);
	assert_int_equal(b.r.nr_skips, 0);
	unbuild(&w, &b);
}

static void test_a_cyclic_dentry_chain_names_the_swap_by_type(void **state)
{
	struct world w;
	struct built b;
	uint64_t root, a, c, mnt, info, map;

	world_init(&w, FK_61);
	map = area(&w, 0x2000, VX_VM_ALLOC, 0);
	root = dentry(&w, 0, "/");
	a = dentry(&w, 0, "a");
	c = dentry(&w, a, "c");
	fake_kernel_put_u64(w.fk, a, c);	/* a's parent is c, c's is a */
	mnt = mount(&w, 0, 0, root);
	info = swap_info(&w, 1, 1);
	fake_kernel_put_u64(w.fk, info, swap_entry(&w, 1, map, file_at(&w, mnt, c)));
	build(&w, &b);
	/* the names pile up to PATH_MAX first */
	assert_true(skipped(&b, "swap_info[0]"));
	assert_true(skipped(&b, "path longer than 4096 bytes"));
	assert_string_equal(owner(&b, map)->text, "swap #0 (map)");
	unbuild(&w, &b);

	/* two mounts, each mounted on the other's root: no names, a bounded walk */
	world_init(&w, FK_61);
	map = area(&w, 0x2000, VX_VM_ALLOC, 0);
	root = dentry(&w, 0, "/");
	c = dentry(&w, 0, "/");
	mnt = mount(&w, 0, c, root);
	a = mount(&w, mnt, root, c);
	fake_kernel_put_u64(w.fk, mnt, a);
	info = swap_info(&w, 1, 1);
	fake_kernel_put_u64(w.fk, info, swap_entry(&w, 1, map, file_at(&w, mnt, root)));
	build(&w, &b);
	assert_true(skipped(&b, "up to the root (a cycle?)"));
	assert_string_equal(owner(&b, map)->text, "swap #0 (map)");
	unbuild(&w, &b);

	/* a device's path that cannot be had: its disk's name */
	world_init(&w, FK_61);
	map = area(&w, 0x2000, VX_VM_ALLOC, 0);
	root = dentry(&w, 0, "/");
	mnt = mount(&w, 0, 0, root);
	info = swap_info(&w, 1, 1);
	a = swap_entry(&w, 1, map, file_at(&w, mnt, FK_UNMAPPED));
	c = fake_kernel_alloc(w.fk, 32);
	fake_kernel_write(w.fk, c, "vdb", 4);
	fake_kernel_put_u64(w.fk, a + 0x20, fake_kernel_alloc(w.fk, 16));
	fake_kernel_put_u64(w.fk, fake_kernel_get_u64(w.fk, a + 0x20), c);
	fake_kernel_put_u64(w.fk, info, a);
	build(&w, &b);
	assert_true(skipped(&b, "owners: swap: swap_info[0]: path of file"));
	assert_string_equal(owner(&b, map)->text, "swap vdb (map)");
	unbuild(&w, &b);
}

static void test_an_unreadable_swap_info_is_a_skip(void **state)
{
	struct world w;
	struct built b;
	uint64_t info, map;

	world_init(&w, FK_61);
	map = area(&w, 0x2000, VX_VM_ALLOC, 0);
	info = swap_info(&w, 1, 1);
	fake_kernel_put_u64(w.fk, info, FK_UNMAPPED);
	build(&w, &b);
	assert_true(skipped(&b, "owners: swap: swap_info[0]"));
	assert_int_equal(owner(&b, map)->kind, VX_OWNER_UNKNOWN);
	unbuild(&w, &b);
}

static void test_absurd_nr_swapfiles_is_a_skip(void **state)
{
	struct world w;
	struct built b;

	world_init(&w, FK_61);
	area(&w, 0x2000, VX_VM_ALLOC, 0);
	swap_info(&w, 1, 0x7fffffff);
	build(&w, &b);
	assert_true(skipped(&b, "nr_swapfiles is 2147483647"));
	unbuild(&w, &b);
}

/* zram loaded, its module BTF in btf_modules (data, size), zram_index_idr in its symbols. */
static uint64_t zram_idr;	/* zram_index_idr of the last zram_module() */

static void zram_module(struct world *w, uint64_t data, uint32_t size)
{
	static struct fk_modsym syms[] = { { "zram_index_idr", 0, 1 } };
	struct fk_module m = { .name = "zram", .base = MOD_AREA, .size = 0x5000,
			       .text_size = 0x2000, .syms = syms, .nr_syms = 1 };
	uint64_t head = fake_kernel_new_global(w->fk, 'd', "btf_modules", 16);
	uint64_t bm = fake_kernel_alloc(w->fk, 0x40);
	uint64_t btf = fake_kernel_alloc(w->fk, 0x40);
	uint64_t mod = fake_kernel_alloc(w->fk, 0x400);

	syms[0].value = zram_idr = fake_kernel_alloc(w->fk, 0x20);
	area_at(w, MOD_AREA, 0x5000);
	fake_kernel_add_module(w->fk, &m);
	fake_kernel_write(w->fk, mod + fake_kernel_offset(w->fk, "module", "name"),
			  "zram", 5);
	ring(w, head, &bm, 1);
	fake_kernel_put_u64(w->fk, bm + 0x10, mod);
	fake_kernel_put_u64(w->fk, bm + 0x18, btf);
	fake_kernel_put_u64(w->fk, btf, data);
	fake_kernel_put_u32(w->fk, btf + 0x8, size);
}

/*
 * A zram module BTF libbpf accepts: a base of one int (vmlinux's, at
 * __start_BTF) and, split on it, struct zram { table; disk; }, raw as the
 * kernel keeps a module's BTF.  Returns zram_index_idr.
 */
static uint64_t zram_with_btf(struct world *w)
{
	struct btf *base = btf__new_empty(), *split;
	const void *raw;
	uint32_t size;
	uint64_t start, data;
	int i, ptr, zram;

	assert_non_null(base);
	i = btf__add_int(base, "long", 8, 0);
	assert_true(i > 0);
	raw = btf__raw_data(base, &size);
	start = fake_kernel_new_global(w->fk, 'R', "__start_BTF", size);
	fake_kernel_write(w->fk, start, raw, size);
	fake_kernel_add_symbol(w->fk, 'R', "__stop_BTF", start + size);
	split = btf__new_empty_split(base);
	assert_non_null(split);
	ptr = btf__add_ptr(split, i);
	zram = btf__add_struct(split, "zram", 16);
	assert_true(ptr > 0 && zram > 0);
	assert_int_equal(btf__add_field(split, "table", ptr, 0, 0), 0);
	assert_int_equal(btf__add_field(split, "disk", ptr, 64, 0), 0);
	raw = btf__raw_data(split, &size);
	data = fake_kernel_alloc(w->fk, size);
	fake_kernel_write(w->fk, data, raw, size);
	zram_module(w, data, size);
	btf__free(split);
	btf__free(base);
	return zram_idr;
}

static void test_a_zram_table_is_named_by_the_module_btf(void **state)
{
	struct world w;
	struct built b;
	uint64_t idr, zram, disk, table, node;

	/* one device: xa_head is the struct zram itself (index 0) */
	world_init(&w, FK_61);
	table = area(&w, 0x60000, VX_VM_ALLOC, 0);
	idr = zram_with_btf(&w);
	zram = fake_kernel_alloc(w.fk, 16);
	disk = fake_kernel_alloc(w.fk, 32);
	fake_kernel_write(w.fk, disk, "zram0", 6);
	fake_kernel_put_u64(w.fk, zram, table);
	fake_kernel_put_u64(w.fk, zram + 8, disk);
	fake_kernel_put_u64(w.fk, idr + 0x8, zram);
	build(&w, &b);
	assert_int_equal(b.r.nr_skips, 0);
	assert_string_equal(owner(&b, table)->text, "zram0 table");
	assert_string_equal(owner(&b, table)->group, "zram zram0");
	assert_int_equal(owner(&b, table)->kind, VX_OWNER_ZRAM);
	unbuild(&w, &b);

	/* an xa_node whose slot points back at the node: bounded, a skip */
	world_init(&w, FK_61);
	area(&w, 0x1000, VX_VM_ALLOC, 0);
	idr = zram_with_btf(&w);
	node = fake_kernel_alloc(w.fk, 0x8 + 64 * 8);
	fake_kernel_put_u64(w.fk, node + 0x8, node + 2);
	fake_kernel_put_u64(w.fk, idr + 0x8, node + 2);
	build(&w, &b);
	assert_true(skipped(&b, "zram_index_idr: deeper than an xarray can be"));
	unbuild(&w, &b);
}

static void test_a_bad_zram_module_btf_is_a_skip(void **state)
{
	static const char junk[] = "not BTF at all, not even its magic";
	struct world w;
	struct built b;
	uint64_t data, table;

	/* a blob libbpf refuses */
	world_init(&w, FK_61);
	table = area(&w, 0x60000, VX_VM_ALLOC, 0);
	data = fake_kernel_alloc(w.fk, sizeof(junk));
	fake_kernel_write(w.fk, data, junk, sizeof(junk));
	zram_module(&w, data, sizeof(junk));
	build(&w, &b);
	assert_true(b.t->rules[10].ran);
	assert_true(skipped(&b, "owners: zram: zram's BTF"));
	assert_int_equal(owner(&b, table)->kind, VX_OWNER_UNKNOWN);
	unbuild(&w, &b);

	/* a size no module BTF has, and one that cannot be read */
	world_init(&w, FK_61);
	zram_module(&w, fake_kernel_alloc(w.fk, 16), 0xffffffff);
	build(&w, &b);
	assert_true(skipped(&b, "more than 16 MiB"));
	unbuild(&w, &b);
	world_init(&w, FK_61);
	zram_module(&w, FK_UNMAPPED, 4096);
	build(&w, &b);
	assert_true(skipped(&b, "owners: zram: zram's BTF"));
	unbuild(&w, &b);
}

static void test_no_zram_no_swap_no_rule(void **state)
{
	struct world w;
	struct built b;

	/* btf_module exists but zram is not loaded; no swap_info symbol */
	world_init(&w, FK_61);
	area(&w, 0x1000, VX_VM_ALLOC, 0);
	build(&w, &b);
	assert_false(b.t->rules[9].ran);
	assert_false(b.t->rules[10].ran);
	assert_int_equal(b.r.nr_skips, 0);
	unbuild(&w, &b);
}

static void test_a_kernel_without_the_structures_names_no_owner(void **state)
{
	struct world w;
	struct built b;
	struct vx_target *t;
	struct vx_error *err;
	uint64_t a;

	/* no init_task, no per-CPU symbols: the rules do not run, no skip */
	w.fk = fake_kernel_new(FK_510);
	w.next_area = VBASE;
	a = area(&w, 4096, VX_VM_ALLOC, 0);
	t = fake_kernel_target(w.fk);
	err = vx_kernel_open(t, &b.k);
	if (err)
		fail_msg("open: %s", err->message);
	vx_report_init(&b.r);
	assert_null(vx_walk(b.k, &b.r, VX_WALK_PRINTED, &b.m));
	assert_null(vx_owners_build(b.k, &b.r, &b.m, &b.t));
	assert_false(b.t->rules[0].ran);
	assert_int_equal(owner(&b, a)->kind, VX_OWNER_UNKNOWN);
	assert_int_equal(b.r.nr_skips, 0);
	unbuild(&w, &b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_thread_stack_names_its_task_and_group_leader),
		cmocka_unit_test(test_idle_cache_and_irq_stacks_name_their_cpu),
		cmocka_unit_test(test_a_task_list_that_cannot_be_read_is_a_skip),
		cmocka_unit_test(test_a_cycle_in_a_thread_list_ends_the_walk_as_a_skip),
		cmocka_unit_test(test_two_tasks_on_one_stack_are_a_finding),
		cmocka_unit_test(test_61_module_core_layout_owns_its_area),
		cmocka_unit_test(test_612_module_mem_regions_and_a_shared_text_area),
		cmocka_unit_test(test_ioremap_names_the_deepest_resource_and_its_parents),
		cmocka_unit_test(test_a_cycle_in_the_resource_tree_is_a_skip),
		cmocka_unit_test(test_n_tty_data_names_its_tty_and_session),
		cmocka_unit_test(test_an_unreadable_tty_does_not_stop_the_others),
		cmocka_unit_test(test_a_tty_name_of_size_zero_is_no_name),
		cmocka_unit_test(test_tty_drivers_past_the_slot_cap_are_a_skip),
		cmocka_unit_test(test_a_driver_of_unreadable_ttys_is_left),
		cmocka_unit_test(test_ttys_held_open_name_the_processes_holding_them),
		cmocka_unit_test(test_a_tty_file_private_not_pointing_back_is_refused),
		cmocka_unit_test(test_a_huge_max_fds_is_read_to_the_cap),
		cmocka_unit_test(test_an_fd_array_of_unreadable_files_is_left),
		cmocka_unit_test(test_a_table_with_some_unreadable_files_is_read_whole),
		cmocka_unit_test(test_an_fd_array_of_readable_non_files_is_left),
		cmocka_unit_test(test_a_files_structs_own_table_must_be_fd_array),
		cmocka_unit_test(test_bpf_programs_in_a_pack_and_a_jit_binary),
		cmocka_unit_test(test_a_node_pointing_at_itself_in_prog_idr_is_a_skip),
		cmocka_unit_test(test_prog_idr_nodes_sharing_one_child_are_walked_once),
		cmocka_unit_test(test_a_pack_of_many_programs_lists_the_first_and_counts_the_rest),
		cmocka_unit_test(test_task_comm_ends_at_a_cycle_in_either_list),
		cmocka_unit_test(test_task_comm_refuses_a_torn_link),
		cmocka_unit_test(test_percpu_chunk_units_and_arrays_name_the_chunk),
		cmocka_unit_test(test_510_memcg_chunks_are_on_the_second_set_of_lists),
		cmocka_unit_test(test_sums_are_by_owner_largest_first),
		cmocka_unit_test(test_growth_by_owner_pairs_groups_and_drops_the_unchanged),
		cmocka_unit_test(test_swap_maps_name_their_file_across_a_mount),
		cmocka_unit_test(test_a_cyclic_dentry_chain_names_the_swap_by_type),
		cmocka_unit_test(test_an_unreadable_swap_info_is_a_skip),
		cmocka_unit_test(test_absurd_nr_swapfiles_is_a_skip),
		cmocka_unit_test(test_a_zram_table_is_named_by_the_module_btf),
		cmocka_unit_test(test_a_bad_zram_module_btf_is_a_skip),
		cmocka_unit_test(test_no_zram_no_swap_no_rule),
		cmocka_unit_test(test_a_kernel_without_the_structures_names_no_owner),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

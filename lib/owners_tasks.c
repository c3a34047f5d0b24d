// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Owner rules for stacks (doc/kernel.md §10.1):
 *  - thread stacks: with CONFIG_VMAP_STACK (4.9+) task_struct.stack is the
 *    start of the task's vmalloc'd stack (stack_vm_area its vm_struct).
 *    Every task is on init_task.tasks (one per thread group) and on its
 *    group's signal->thread_head through thread_node (3.14+; the older
 *    thread_group list went in 6.7, so it is not used);
 *  - idle tasks: not on any task list; each CPU's rq->idle (init_idle());
 *  - the stack cache: kernel/fork.c keeps NR_CACHED_STACKS (2, since 4.9)
 *    free stacks per CPU in cached_stacks[], still vmalloc'd;
 *  - IRQ stacks: x86 irq_init_percpu_irqstack() vmaps each CPU's hardirq
 *    stack (5.6+) and stores top-8 in hardirq_stack_ptr, a per-CPU
 *    variable, or in pcpu_hot.hardirq_stack_ptr (6.2 - 6.14).
 * Lists are walked bounded and checked link by link (the back pointer of
 * each node), so a cycle or a torn list ends the walk as a skip.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owners.h"

#define MAX_TASKS		(1ULL << 23)	/* > PID_MAX_LIMIT (4M) */
#define NR_CACHED_STACKS	2		/* kernel/fork.c, 4.9+ */
#define TASK_COMM_LEN		16

struct task_layout {
	uint64_t tasks, pid, tgid, comm, stack, signal, thread_node;
	uint64_t group_leader, signal_tty, thread_head;
	uint64_t files;		/* the tty rule's open files; VX_ABSENT: none */
};

static bool task_layout(struct vx_kernel *k, struct task_layout *l)
{
	l->tasks = vx_owner_member(k, "task_struct", "tasks", NULL);
	l->pid = vx_owner_member(k, "task_struct", "pid", NULL);
	l->tgid = vx_owner_member(k, "task_struct", "tgid", NULL);
	l->comm = vx_owner_member(k, "task_struct", "comm", NULL);
	l->stack = vx_owner_member(k, "task_struct", "stack", NULL);
	l->signal = vx_owner_member(k, "task_struct", "signal", NULL);
	l->thread_node = vx_owner_member(k, "task_struct", "thread_node", NULL);
	l->group_leader = vx_owner_member(k, "task_struct", "group_leader", NULL);
	l->thread_head = vx_owner_member(k, "signal_struct", "thread_head", NULL);
	l->signal_tty = vx_owner_member(k, "signal_struct", "tty", NULL);
	l->files = vx_owner_member(k, "task_struct", "files", NULL);
	return l->tasks != VX_ABSENT && l->pid != VX_ABSENT &&
	       l->tgid != VX_ABSENT && l->comm != VX_ABSENT &&
	       l->stack != VX_ABSENT && l->signal != VX_ABSENT &&
	       l->thread_node != VX_ABSENT && l->thread_head != VX_ABSENT &&
	       l->group_leader != VX_ABSENT;
}

struct task_info {
	uint64_t addr, stack, tty, files;
	int64_t pid, tgid;
	char comm[TASK_COMM_LEN];
};

static struct vx_error *read_task(struct vx_kernel *k, const struct task_layout *l,
				  uint64_t task, struct task_info *ti)
{
	uint64_t pid, tgid, signal;
	struct vx_error *err;

	ti->addr = task;
	ti->tty = 0;
	ti->files = 0;
	err = vx_read_uint(k->t, task + l->pid, 4, &pid);
	if (!err)
		err = vx_read_uint(k->t, task + l->tgid, 4, &tgid);
	if (!err)
		err = vx_read(k->t, task + l->comm, ti->comm, TASK_COMM_LEN);
	if (!err)
		err = vx_read_u64(k->t, task + l->stack, &ti->stack);
	/* the controlling tty only helps the tty rule: unreadable, none */
	if (!err && l->signal_tty != VX_ABSENT &&
	    (!vx_owner_try_u64(k, task + l->signal, &signal) || !signal ||
	     !vx_owner_try_u64(k, signal + l->signal_tty, &ti->tty)))
		ti->tty = 0;
	/* so are the open files (ttys held open by no session) */
	if (!err && l->files != VX_ABSENT &&
	    !vx_owner_try_u64(k, task + l->files, &ti->files))
		ti->files = 0;
	if (err)
		return vx_error_wrap(err, "task 0x%" PRIx64, task);
	ti->comm[TASK_COMM_LEN - 1] = '\0';
	ti->pid = (int32_t)pid;
	ti->tgid = (int32_t)tgid;
	return NULL;
}

static struct vx_error *remember(struct vx_owner_ctx *c, const struct task_info *ti)
{
	if (c->nr_tasks == c->cap_tasks) {
		size_t cap = c->cap_tasks ? c->cap_tasks * 2 : 256;
		struct vx_owner_task *v = realloc(c->tasks, cap * sizeof(*v));

		if (!v)
			return vx_error_nomem_in("task table");
		c->tasks = v;
		c->cap_tasks = cap;
	}
	c->tasks[c->nr_tasks].pid = ti->pid;
	c->tasks[c->nr_tasks].files = ti->files;
	memcpy(c->tasks[c->nr_tasks].comm, ti->comm, TASK_COMM_LEN);
	c->nr_tasks++;
	return vx_owner_add_tty(c, ti->tty);
}

/* Name the owner of the stack of ti, a thread of the group led by lead. */
static struct vx_error *claim_stack(struct vx_owner_ctx *c,
				    struct vx_owner_rule_stats *st,
				    const struct task_info *ti,
				    const struct task_info *lead)
{
	char text[128], group[64];
	struct vx_owner *o;

	if (!vx_is_vmalloc_addr(c->k, ti->stack))
		return NULL;	/* init_task's init_stack, or no VMAP_STACK */
	c->t->tasks_vmap_stack++;
	o = vx_owner_at(c->t, ti->stack);
	if (!o)
		return NULL;
	snprintf(group, sizeof(group), "pid %" PRId64 " %s", lead->pid, lead->comm);
	if (ti->pid == lead->pid)
		snprintf(text, sizeof(text), "stack of %s", group);
	else
		snprintf(text, sizeof(text), "stack of pid %" PRId64 " %s, thread of %s",
			 ti->pid, ti->comm, group);
	if (!o->claims) {
		o->pid = ti->pid;
		o->tgid = lead->pid;
		st->attributed++;
	}
	return vx_owner_claim(c, o, VX_OWNER_TASK_STACK, text, group);
}

/*
 * Walk the list at head (a list_head inside a node at offset link): fn for
 * each node.  Each next's prev must be the node before, and at most
 * *budget nodes are walked: a cycle or a torn list is an error.
 */
typedef struct vx_error *(*node_fn)(struct vx_owner_ctx *c, void *arg,
				    uint64_t node);

static struct vx_error *walk_list(struct vx_owner_ctx *c, uint64_t head,
				  uint64_t link, uint64_t *budget, node_fn fn,
				  void *arg)
{
	uint64_t pos, prev = head, back;
	struct vx_error *err = vx_read_u64(c->k->t, head, &pos);

	while (!err && pos != head) {
		if (!(*budget)--)
			return vx_error_create(VX_ERR_INVALID,
					       "more than %llu tasks: a cycle in the task list",
					       (unsigned long long)MAX_TASKS);
		err = vx_read_u64(c->k->t, pos + 8, &back);
		if (err)
			return vx_error_wrap(err, "task list node 0x%" PRIx64, pos);
		if (back != prev)
			return vx_error_create(VX_ERR_INVALID,
					       "task list broken at 0x%" PRIx64
					       " (its prev is 0x%" PRIx64 ", not 0x%" PRIx64 ")",
					       pos, back, prev);
		if (!err)
			err = fn(c, arg, pos - link);
		prev = pos;
		if (!err)
			err = vx_read_u64(c->k->t, pos, &pos);
	}
	return err;
}

struct group_walk {
	const struct task_layout *l;
	struct vx_owner_rule_stats *st;
	struct task_info lead;
	uint64_t *budget;
};

static struct vx_error *one_thread(struct vx_owner_ctx *c, void *arg,
				   uint64_t task)
{
	struct group_walk *g = arg;
	struct task_info ti;
	struct vx_error *err = read_task(c->k, g->l, task, &ti);

	if (err)
		return err;
	c->t->tasks++;
	g->st->seen++;
	err = remember(c, &ti);
	return err ? err : claim_stack(c, g->st, &ti, &g->lead);
}

/* One thread group: the leader's signal->thread_head lists every thread. */
static struct vx_error *one_group(struct vx_owner_ctx *c, void *arg,
				  uint64_t task)
{
	struct group_walk *g = arg;
	uint64_t signal;
	struct vx_error *err = read_task(c->k, g->l, task, &g->lead);

	if (!err)
		err = vx_read_u64(c->k->t, task + g->l->signal, &signal);
	if (err)
		return err;
	if (!signal)	/* an exiting task whose signal_struct is gone */
		return one_thread(c, g, task);
	err = walk_list(c, signal + g->l->thread_head, g->l->thread_node,
			g->budget, one_thread, g);
	/*
	 * One group's threads lost (a filtered dump): the next groups still
	 * count.  No comm in the text: skips are counted by their text with
	 * the numbers masked, and a name would make one line per group.
	 */
	if (err && !vx_error_is(err, VX_ERR_NOMEM)) {
		vx_report_skip(c->r, "owners: thread stacks: the threads of the group of pid %" PRId64 ": %s",
			       g->lead.pid, err->message);
		vx_error_destroy(err);
		err = NULL;
	}
	return err;
}

struct vx_error *vx_owners_tasks(struct vx_owner_ctx *c,
				 struct vx_owner_rule_stats *st)
{
	struct task_layout l;
	struct group_walk g = { .l = &l, .st = st };
	uint64_t init_task, budget = MAX_TASKS;
	struct vx_error *err;

	if (!task_layout(c->k, &l))
		return NULL;
	err = vx_kernel_symbol(c->k, "init_task", &init_task);
	if (err) {	/* no task list to read: the rule does not apply */
		vx_error_destroy(err);
		return NULL;
	}
	st->ran = true;
	g.budget = &budget;
	return walk_list(c, init_task + l.tasks, l.tasks, &budget, one_group, &g);
}

/* The per-CPU copy of the per-CPU symbol name on each CPU: fn(cpu, addr). */
typedef struct vx_error *(*cpu_fn)(struct vx_owner_ctx *c, void *arg,
				   uint32_t cpu, uint64_t addr);

static struct vx_error *for_each_cpu(struct vx_owner_ctx *c, const char *name,
				     uint64_t member, cpu_fn fn, void *arg)
{
	uint64_t sym, *offs = NULL;
	uint32_t nr = 0;
	struct vx_error *err = vx_kernel_symbol(c->k, name, &sym);

	if (!err)
		err = vx_owner_cpu_offsets(c->k, &offs, &nr);
	/* x86_64 per-CPU symbols are 0-based: offset 0 is no CPU's copy */
	for (uint32_t cpu = 0; !err && cpu < nr; cpu++)
		if (offs[cpu])
			err = fn(c, arg, cpu, sym + offs[cpu] + member);
	free(offs);
	return err;
}

static bool symbol_exists(struct vx_kernel *k, const char *name)
{
	uint64_t addr;
	struct vx_error *err = vx_kernel_symbol(k, name, &addr);

	vx_error_destroy(err);
	return !err;
}

struct idle_arg {
	struct task_layout l;
	struct vx_owner_rule_stats *st;
};

static struct vx_error *one_idle(struct vx_owner_ctx *c, void *arg,
				 uint32_t cpu, uint64_t addr)
{
	struct idle_arg *a = arg;
	char text[96], group[32];
	struct task_info ti;
	struct vx_owner *o;
	uint64_t task;
	struct vx_error *err = vx_read_u64(c->k->t, addr, &task);

	if (!err && task)
		err = read_task(c->k, &a->l, task, &ti);
	if (err || !task)
		return err;
	a->st->seen++;
	if (!vx_is_vmalloc_addr(c->k, ti.stack))
		return NULL;	/* CPU 0: init_task, on init_stack */
	c->t->tasks_vmap_stack++;
	o = vx_owner_at(c->t, ti.stack);
	if (!o)
		return NULL;
	snprintf(text, sizeof(text), "stack of the idle task of CPU %u (pid 0 %s)",
		 cpu, ti.comm);
	snprintf(group, sizeof(group), "idle tasks");
	if (!o->claims) {
		o->pid = 0;
		o->cpu = cpu;
		a->st->attributed++;
	}
	return vx_owner_claim(c, o, VX_OWNER_TASK_STACK, text, group);
}

/* Idle tasks (fork_idle) are on no task list: rq->idle of each CPU. */
struct vx_error *vx_owners_idle(struct vx_owner_ctx *c,
				struct vx_owner_rule_stats *st)
{
	struct idle_arg a = { .st = st };
	uint64_t idle = vx_owner_member(c->k, "rq", "idle", NULL);

	if (!task_layout(c->k, &a.l) || idle == VX_ABSENT ||
	    !symbol_exists(c->k, "runqueues"))
		return NULL;
	st->ran = true;
	return for_each_cpu(c, "runqueues", idle, one_idle, &a);
}

static struct vx_error *one_cache(struct vx_owner_ctx *c, void *arg,
				  uint32_t cpu, uint64_t addr)
{
	struct vx_owner_rule_stats *st = arg;
	char text[64];

	for (int i = 0; i < NR_CACHED_STACKS; i++) {
		uint64_t vm, start;
		struct vx_owner *o;
		struct vx_error *err = vx_read_u64(c->k->t, addr + 8 * i, &vm);

		if (!err && vm)
			err = vx_read_u64(c->k->t, vm + c->k->l.vm_addr, &start);
		if (err)
			return err;
		if (!vm)
			continue;
		st->seen++;
		o = vx_owner_at(c->t, start);
		if (!o)
			continue;
		snprintf(text, sizeof(text), "free stack in the stack cache of CPU %u", cpu);
		if (!o->claims) {
			o->cpu = cpu;
			st->attributed++;
		}
		err = vx_owner_claim(c, o, VX_OWNER_STACK_CACHE, text, "stack cache");
		if (err)
			return err;
	}
	return NULL;
}

struct vx_error *vx_owners_stack_cache(struct vx_owner_ctx *c,
				       struct vx_owner_rule_stats *st)
{
	if (!symbol_exists(c->k, "cached_stacks"))
		return NULL;
	st->ran = true;
	return for_each_cpu(c, "cached_stacks", 0, one_cache, st);
}

static struct vx_error *one_irq(struct vx_owner_ctx *c, void *arg, uint32_t cpu,
				uint64_t addr)
{
	struct vx_owner_rule_stats *st = arg;
	char text[48], group[32];
	uint64_t top;
	struct vx_owner *o;
	struct vx_error *err = vx_read_u64(c->k->t, addr, &top);

	if (err || !top)
		return err;
	st->seen++;
	/* top is the stack's last word: inside the area, below its guard */
	o = vx_owner_containing(c->t, top);
	if (!o)
		return NULL;
	snprintf(text, sizeof(text), "hardirq stack of CPU %u", cpu);
	snprintf(group, sizeof(group), "irq stacks");
	if (!o->claims) {
		o->cpu = cpu;
		st->attributed++;
	}
	return vx_owner_claim(c, o, VX_OWNER_IRQ_STACK, text, group);
}

struct vx_error *vx_owners_irq_stacks(struct vx_owner_ctx *c,
				      struct vx_owner_rule_stats *st)
{
	uint64_t m;

	st->ran = true;
	if (symbol_exists(c->k, "hardirq_stack_ptr"))
		return for_each_cpu(c, "hardirq_stack_ptr", 0, one_irq, st);
	m = vx_owner_member(c->k, "pcpu_hot", "hardirq_stack_ptr", NULL);
	if (m != VX_ABSENT && symbol_exists(c->k, "pcpu_hot"))
		return for_each_cpu(c, "pcpu_hot", m, one_irq, st);
	st->ran = false;
	return NULL;
}

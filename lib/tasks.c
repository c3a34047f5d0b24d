// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The name of a task from its PID, read from the dump: a printk record
 * carries the PID of its caller (caller_id) but messages such as
 * "execmem: unable to allocate memory" carry no comm.  Walks init_task's
 * process list (task_struct.tasks) and each process's threads on
 * signal->thread_head through task_struct.thread_node (present in the
 * 5.10, 6.1, 6.12 and 7.2 BTF); task_struct.thread_group, which 6.7
 * removed ("kill task_struct->thread_group"), only where thread_node is
 * missing.  Bounded (one budget for all the lists, never wrapping) and
 * checked link by link (each next's prev): a cycle or a torn list ends the
 * walk with no name, never a stale task's.
 */
#include <stdio.h>
#include <string.h>

#include "owners.h"
#include "tasks.h"

#define MAX_TASKS	(1u << 22)	/* pid_max's ceiling: a cycle ends here */
#define COMM_LEN	16		/* TASK_COMM_LEN */

struct task_layout {
	uint64_t tasks, pid, comm, signal;
	uint64_t thread_node, thread_head;	/* 6.7+, else VX_ABSENT */
	uint64_t thread_group;			/* < 6.7, else VX_ABSENT */
	uint64_t pid_size, comm_size;
};

static bool task_layout_read(struct vx_kernel *k, struct task_layout *l)
{
	l->tasks = vx_owner_member(k, "task_struct", "tasks", NULL);
	l->pid = vx_owner_member(k, "task_struct", "pid", &l->pid_size);
	l->comm = vx_owner_member(k, "task_struct", "comm", &l->comm_size);
	l->signal = vx_owner_member(k, "task_struct", "signal", NULL);
	l->thread_node = vx_owner_member(k, "task_struct", "thread_node", NULL);
	l->thread_head = vx_owner_member(k, "signal_struct", "thread_head", NULL);
	l->thread_group = vx_owner_member(k, "task_struct", "thread_group", NULL);
	if (l->tasks == VX_ABSENT || l->pid == VX_ABSENT || l->comm == VX_ABSENT ||
	    l->pid_size != 4)
		return false;
	if (l->comm_size > COMM_LEN || !l->comm_size)
		l->comm_size = COMM_LEN;
	return true;
}

/* The task at t has pid: copy its comm. */
static bool task_matches(struct vx_kernel *k, const struct task_layout *l,
			 uint64_t t, uint32_t pid, char *comm, size_t size)
{
	char buf[COMM_LEN + 1] = "";
	uint32_t p;
	struct vx_error *err = vx_read_u32(k->t, t + l->pid, &p);

	if (err || p != pid) {
		vx_error_destroy(err);
		return false;
	}
	err = vx_read(k->t, t + l->comm, buf, l->comm_size);
	if (err) {
		vx_error_destroy(err);
		return false;
	}
	buf[l->comm_size < COMM_LEN ? l->comm_size : COMM_LEN] = '\0';
	snprintf(comm, size, "%s", buf);
	return true;
}

/*
 * Step *pos to the next node of the circular list at head.  False at the
 * end, at a link that cannot be read, at a next whose prev is not *pos (a
 * torn list whose next node may be a stale, freed task) and when *budget
 * is spent: since every node's prev is checked, a cycle that does not go
 * back to head is a torn link too.
 */
static bool ring_step(struct vx_kernel *k, uint64_t head, uint64_t *pos,
		      unsigned int *budget)
{
	uint64_t next = 0, back = 0;
	struct vx_error *err = vx_read_u64(k->t, *pos, &next);
	bool ok = !err && next && next != head && *budget;

	vx_error_destroy(err);
	if (!ok)
		return false;
	err = vx_read_u64(k->t, next + 8, &back);
	ok = !err && back == *pos;
	vx_error_destroy(err);
	if (!ok)
		return false;
	(*budget)--;
	*pos = next;
	return true;
}

/* A circular list from head (the list_head's address): each entry - off. */
static bool walk_ring(struct vx_kernel *k, const struct task_layout *l,
		      uint64_t head, uint64_t off, uint32_t pid, char *comm,
		      size_t size, unsigned int *budget)
{
	uint64_t p = head;

	while (ring_step(k, head, &p, budget))
		if (task_matches(k, l, p - off, pid, comm, size))
			return true;
	return false;
}

/* The other threads of the process whose leader is at t. */
static bool walk_threads(struct vx_kernel *k, const struct task_layout *l,
			 uint64_t t, uint32_t pid, char *comm, size_t size,
			 unsigned int *budget)
{
	uint64_t sig;
	struct vx_error *err;

	if (l->thread_node != VX_ABSENT && l->thread_head != VX_ABSENT &&
	    l->signal != VX_ABSENT) {
		err = vx_read_u64(k->t, t + l->signal, &sig);
		if (err) {
			vx_error_destroy(err);
			return false;
		}
		return walk_ring(k, l, sig + l->thread_head, l->thread_node, pid,
				 comm, size, budget);
	}
	if (l->thread_group != VX_ABSENT)
		return walk_ring(k, l, t + l->thread_group, l->thread_group, pid,
				 comm, size, budget);
	return false;
}

bool vx_task_comm(struct vx_kernel *k, uint32_t pid, char *comm, size_t size)
{
	struct task_layout l;
	unsigned int budget = MAX_TASKS;
	uint64_t init, head, p;
	struct vx_error *err;

	if (!k->types || !task_layout_read(k, &l))
		return false;
	err = vx_kernel_symbol(k, "init_task", &init);
	if (err) {
		vx_error_destroy(err);
		return false;
	}
	if (task_matches(k, &l, init, pid, comm, size))
		return true;
	head = init + l.tasks;
	p = head;
	while (ring_step(k, head, &p, &budget)) {
		uint64_t t = p - l.tasks;

		if (task_matches(k, &l, t, pid, comm, size) ||
		    walk_threads(k, &l, t, pid, comm, size, &budget))
			return true;
	}
	return false;
}

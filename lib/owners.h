/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who owns each busy area, where the kernel records it (doc/kernel.md §10):
 * thread stacks (the task whose stack the area is, the idle task of a CPU,
 * or the per-CPU stack cache), IRQ stacks (the CPU), module memory (the
 * module and its region), BPF (the programs whose images lie in the area),
 * ioremap (the iomem_resource tree around phys=), n_tty_open (the tty whose
 * disc_data the area is), dynamic per-cpu chunks (the chunk), swap maps
 * (the swap file or device), zram tables (the device).  Anything else is "owner unknown", never a
 * guess.  Each rule lives in one place (owners_tasks.c, owners_rules.c)
 * and is detected by feature: a rule whose symbols or members the kernel
 * lacks attributes nothing and says so on -v.
 *
 * The table is built once per run from the walk and looked up by area
 * start (--owners, --callers, --diff, --addr); it points into the walk's
 * areas, so it lives no longer than the struct vx_vmap it was built from.
 */
#ifndef VMAPX_OWNERS_H
#define VMAPX_OWNERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel.h"
#include "options.h"
#include "report.h"
#include "walk.h"

enum vx_owner_kind {
	VX_OWNER_UNKNOWN,
	VX_OWNER_TASK_STACK,	/* a task's thread stack (idle tasks too) */
	VX_OWNER_STACK_CACHE,	/* a free stack kept in a CPU's cached_stacks */
	VX_OWNER_IRQ_STACK,	/* a CPU's hardirq stack */
	VX_OWNER_MODULE,	/* a module's memory region */
	VX_OWNER_BPF,		/* BPF programs (struct bpf_prog or JIT image) */
	VX_OWNER_IOMEM,		/* an ioremap of a resource of iomem_resource */
	VX_OWNER_TTY,		/* the n_tty_data of an open tty */
	VX_OWNER_PERCPU,	/* a dynamic per-cpu chunk's units or arrays */
	VX_OWNER_SWAP,		/* a swap area's map, clusters, cgroup map, ... */
	VX_OWNER_ZRAM,		/* a zram device's table */
	VX_NR_OWNER_KINDS,
};

struct vx_owner {
	uint64_t start, end;	/* the area [va_start, va_end) */
	const struct vx_area *area;	/* in the vmap the table was built from */
	enum vx_owner_kind kind;
	/* Per area: "pid 120 sh, thread of pid 97 spawn", "zram text". */
	char *text;
	/* What areas are aggregated by: "pid 97 spawn", "module zram". */
	char *group;
	int64_t pid, tgid;	/* task stacks, else -1 */
	int32_t cpu;		/* idle, cache and IRQ stacks, else -1 */
	uint64_t region_size;	/* module: the layout's own size, else 0 */
	uint32_t claims;	/* how many owners claimed the area (> 1: a finding) */
	/* A shared area's objects past VX_OWNER_TEXT_MAX: counted, not listed. */
	uint32_t unlisted;
	uint32_t listed_len;	/* text's length before ", ... and N more" */
};

/* The longest list of objects an area's text holds (the rest are counted). */
#define VX_OWNER_TEXT_MAX	512

/* What one rule did, for -v and the tests. */
struct vx_owner_rule_stats {
	const char *name;	/* "thread stacks", "modules", ... */
	bool ran;		/* its symbols/members exist in this kernel */
	uint64_t seen;		/* objects looked at (tasks, modules, ttys, ...) */
	uint64_t attributed;	/* areas it named the owner of */
};

#define VX_OWNER_NR_RULES 11

struct vx_owner_table {
	struct vx_owner *v;	/* one per busy area, sorted by start */
	size_t n;
	struct vx_owner_rule_stats rules[VX_OWNER_NR_RULES];
	/* Thread stacks: tasks walked, tasks whose stack is in vmalloc. */
	uint64_t tasks, tasks_vmap_stack;
};

/*
 * Name the owner of every busy area of m.  What a rule cannot read (a task
 * list that is unreadable or cycles, a module list cut short) is a skip on
 * r and the other rules go on; an error only when out of memory.
 */
struct vx_error *vx_owners_build(struct vx_kernel *k, struct vx_report *r,
				 const struct vx_vmap *m,
				 struct vx_owner_table **out);
/*
 * vx_owners_build for a run whose answer is not the owners (--addr, --pfn,
 * --callers, --diff): its skips become one note on r, and their number is
 * *nr_incomplete, for the caller to keep one counted skip when an owner it
 * prints is unknown (vx_owners_incomplete_skip).
 */
struct vx_error *vx_owners_build_noted(struct vx_kernel *k, struct vx_report *r,
				       const struct vx_vmap *m,
				       struct vx_owner_table **out,
				       size_t *nr_incomplete);
void vx_owners_incomplete_skip(struct vx_report *r, size_t nr_incomplete);
/* Does any busy area of t have no owner? */
bool vx_owner_table_has_unknown(const struct vx_owner_table *t);
void vx_owner_table_free(struct vx_owner_table *t);

/* The owner of the busy area starting at start, NULL if no such area. */
const struct vx_owner *vx_owner_lookup(const struct vx_owner_table *t,
				       uint64_t start);
/* "task stack", "stack cache", ..., "unknown" */
const char *vx_owner_kind_name(enum vx_owner_kind kind);
/* The owner's words for a printout: text, or "owner unknown". */
const char *vx_owner_text(const struct vx_owner *o);
/* The aggregate key: group, or "owner unknown". */
const char *vx_owner_group(const struct vx_owner *o);

/* Per aggregate (kind, group): areas and bytes, largest first. */
struct vx_owner_sum {
	enum vx_owner_kind kind;
	const char *group;	/* points into the table */
	uint64_t count, bytes;
};
struct vx_error *vx_owners_sums(const struct vx_owner_table *t,
				struct vx_owner_sum **sums, size_t *n);

/* The sums as a JSON array field name (at most max of them). */
struct vx_json;
void vx_owners_json_sums(struct vx_json *j, const char *name,
			 const struct vx_owner_sum *sums, size_t n, size_t max);

/*
 * --diff of two dumps: the change of each (kind, group) from old to new,
 * largest change of bytes first; groups that did not change are left out.
 */
struct vx_owner_growth {
	enum vx_owner_kind kind;
	const char *group;	/* points into old's or new's sums */
	int64_t count, bytes;
};
struct vx_error *vx_owners_growth(const struct vx_owner_sum *old, size_t n_old,
				  const struct vx_owner_sum *new, size_t n_new,
				  struct vx_owner_growth **out, size_t *n);
void vx_owners_growth_text(FILE *out, const struct vx_owner_growth *g, size_t n);
void vx_owners_growth_json(struct vx_json *j, const struct vx_owner_growth *g,
			   size_t n);

/* --owners: walk, name owners, print per area and by owner (text or -j). */
struct vx_error *vx_owners_run(struct vx_kernel *k, struct vx_report *r,
			       const struct vx_options *o, FILE *out);

/* Private to lib/ (owners*.c): the state the rules share while building. */
struct vx_owner_ctx {
	struct vx_kernel *k;
	struct vx_report *r;
	struct vx_owner_table *t;
	/* pid -> comm (and files) of every task walked, for the tty rule. */
	struct vx_owner_task *tasks;
	size_t nr_tasks, cap_tasks;
	/* ttys met on the way (controlling ttys of the tasks walked). */
	uint64_t *ttys;
	size_t nr_ttys, cap_ttys;
	uint64_t dropped_ttys;	/* past the table's cap: a skip */
};
struct vx_owner_task {
	int64_t pid;
	uint64_t files;		/* task->files, 0 if none or unreadable */
	char comm[16];
};

/* The owner entry of the busy area starting at / containing addr, or NULL. */
struct vx_owner *vx_owner_at(struct vx_owner_table *t, uint64_t start);
struct vx_owner *vx_owner_containing(struct vx_owner_table *t, uint64_t addr);
/*
 * Claim o for kind: text and group are copied.  A second claim by another
 * owner is kept as a count (claims) and a skip naming both on r.
 */
struct vx_error *vx_owner_claim(struct vx_owner_ctx *c, struct vx_owner *o,
				enum vx_owner_kind kind, const char *text,
				const char *group);
/*
 * Add ", more" to the text of o (an area several objects share, such as a
 * BPF pack or the execmem cache); past VX_OWNER_TEXT_MAX the text ends
 * with ", ... and N more" instead, so a dump naming millions of objects in
 * one area costs neither time nor memory.
 */
struct vx_error *vx_owner_append(struct vx_owner *o, const char *more);
/*
 * Read what only helps a rule (a session, a pty's other end): true when
 * read, else false with the error destroyed, never leaked.
 */
bool vx_owner_try_u64(struct vx_kernel *k, uint64_t addr, uint64_t *val);
bool vx_owner_try_uint(struct vx_kernel *k, uint64_t addr, size_t size,
		       uint64_t *val);
bool vx_owner_try_cstring(struct vx_kernel *k, uint64_t addr, char *buf,
			  size_t size);
/* Remember a tty (once) for the tty rule; 0 is no tty. */
struct vx_error *vx_owner_add_tty(struct vx_owner_ctx *c, uint64_t tty);
/* Offset of type.path, VX_ABSENT if the kernel has no such member. */
uint64_t vx_owner_member(struct vx_kernel *k, const char *type,
			 const char *path, uint64_t *size);
/* The per-CPU offsets of cpus [0, nr_cpu_ids); free *offs. */
struct vx_error *vx_owner_cpu_offsets(struct vx_kernel *k, uint64_t **offs,
				      uint32_t *nr);

/* The rules (each returns an error when it could not run to the end). */
struct vx_error *vx_owners_tasks(struct vx_owner_ctx *c,
				 struct vx_owner_rule_stats *st);
struct vx_error *vx_owners_idle(struct vx_owner_ctx *c,
				struct vx_owner_rule_stats *st);
struct vx_error *vx_owners_stack_cache(struct vx_owner_ctx *c,
				       struct vx_owner_rule_stats *st);
struct vx_error *vx_owners_irq_stacks(struct vx_owner_ctx *c,
				      struct vx_owner_rule_stats *st);
struct vx_error *vx_owners_modules(struct vx_owner_ctx *c,
				   struct vx_owner_rule_stats *st);
struct vx_error *vx_owners_iomem(struct vx_owner_ctx *c,
				 struct vx_owner_rule_stats *st);
struct vx_error *vx_owners_ttys(struct vx_owner_ctx *c,
				struct vx_owner_rule_stats *st);
struct vx_error *vx_owners_bpf(struct vx_owner_ctx *c,
			       struct vx_owner_rule_stats *st);
struct vx_error *vx_owners_percpu(struct vx_owner_ctx *c,
				  struct vx_owner_rule_stats *st);
struct vx_error *vx_owners_swap(struct vx_owner_ctx *c,
				struct vx_owner_rule_stats *st);
struct vx_error *vx_owners_zram(struct vx_owner_ctx *c,
				struct vx_owner_rule_stats *st);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmalloc / vmap / execmem / percpu failure messages in the kernel log
 * (doc/kernel.md §7), in the wording of 5.10, 6.1, 6.12 and 7.2.
 *
 * For each message: when, which task, the size asked for (and whether it
 * counts the guard page), the GFP mode, the restricted range, and the
 * call-trace symbols of the stack dump that follows it, from which the
 * path (module load, BPF JIT, percpu, kvmalloc, plain vmalloc) is told.
 * The verdict hint needs no address space: out of pages, restricted
 * range, or out of address space (the caller's fit computation then says
 * fragmentation or exhaustion).
 */
#ifndef VMAPX_FAILURES_H
#define VMAPX_FAILURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

struct vx_target;
struct vx_vmcoreinfo;
struct vx_log_record;

enum vx_failure_kind {
	VX_FAIL_VMAP_AREA,	/* "vmap allocation for size N failed" 5.10/6.1 */
	VX_FAIL_RANGE,		/* "vmalloc_node_range for size N failed: Address range restricted" 6.12+ */
	VX_FAIL_TOTAL_PAGES,	/* "vmalloc error: size N, exceeds total pages" */
	VX_FAIL_VM_STRUCT,	/* "vmalloc error: size N, vm_struct allocation failed" */
	VX_FAIL_PAGE_ARRAY,	/* "... failed to allocated page array size M" */
	VX_FAIL_PAGES,		/* "... failed to allocate pages"; 5.10 "allocated X of Y bytes" */
	VX_FAIL_MAP_PAGES,	/* "... failed to map pages" */
	VX_FAIL_VMALLOC,	/* 5.10 "vmalloc: allocation failure: N bytes" */
	VX_FAIL_EXECMEM,	/* "execmem: unable to allocate memory" */
	VX_FAIL_PERCPU,		/* "percpu: allocation failed, size=.. align=.. atomic=.., reason" */
};

enum vx_verdict_hint {
	VX_HINT_UNKNOWN,
	VX_HINT_OUT_OF_PAGES,		/* out of memory (pages), not address space */
	VX_HINT_RESTRICTED_RANGE,	/* no room in the range the caller allowed */
	VX_HINT_ADDRESS_SPACE,		/* no free extent: fragmentation or exhaustion */
	VX_HINT_SPACE_OR_PAGES,		/* the message does not tell: the fit decides */
	VX_HINT_NOT_VMALLOC,		/* percpu chunk space or bad arguments */
};

enum vx_failure_path {
	VX_PATH_UNKNOWN,
	VX_PATH_VMALLOC,	/* plain vmalloc()/vzalloc()/__vmalloc_node_range() */
	VX_PATH_KVMALLOC,	/* kvmalloc() falling back to vmalloc */
	VX_PATH_VMAP,		/* vmap()/vm_map_ram() */
	VX_PATH_MODULE,		/* module load */
	VX_PATH_BPF_JIT,	/* BPF JIT image / prog pack */
	VX_PATH_PERCPU,		/* new percpu chunk */
};

#define VX_FAILURE_TRACE_MAX	16
#define VX_FAILURE_COMM_MAX	64

struct vx_failure {
	uint64_t seq;
	uint64_t ts_nsec;
	uint32_t caller_id;		/* raw printk caller id */
	char comm[VX_FAILURE_COMM_MAX];	/* "" when the message has none */
	bool comm_from_tasks;		/* comm read from the dump's task list */
	bool has_pid;
	uint32_t pid;			/* from caller_id, or the CPU/PID line */
	bool has_cpu;
	uint32_t cpu;			/* caller was a CPU (interrupt context) */
	enum vx_failure_kind kind;
	enum vx_verdict_hint hint;
	enum vx_failure_path path;
	/*
	 * Bytes asked for; 0 when the message gives none (execmem).  The
	 * alloc_vmap_area messages and 5.10's "allocated X of Y" count the
	 * guard page; warn_alloc's "size N" does not.  For percpu it is the
	 * per-CPU object size, not a vmalloc request.
	 */
	uint64_t size;
	bool size_includes_guard;
	uint64_t allocated;		/* 5.10 "allocated X of Y": X */
	uint64_t array_size;		/* "page array size M": M */
	int page_order;			/* 6.1 "page order N"; -1 if absent */
	uint64_t align;			/* percpu align= */
	int atomic;			/* percpu atomic=; -1 if absent */
	char detail[96];		/* percpu reason, ". Retrying." */
	char gfp[160];			/* "0xcc0(GFP_KERNEL)", "" if absent */
	uint64_t gfp_mask;
	bool has_range;
	uint64_t range_start, range_end;	/* as printed (end exclusive) */
	unsigned int trace_len;
	char *trace[VX_FAILURE_TRACE_MAX];	/* call-trace function names */
	char *message;			/* the whole message, continuations joined */
	long related;			/* other message of the same event, -1 */
};

struct vx_holder;

struct vx_failure_list {
	struct vx_failure *items;
	size_t count, cap;
	uint64_t records;		/* log records scanned */
	/* the largest loaded modules in the modules window, by bytes (run) */
	struct vx_holder *modules;
	unsigned int nr_modules;
};

/*
 * Parse one log message (no trailing newline needed).  Fills kind, hint,
 * sizes, comm, gfp, range and message-only fields of *f (trace, seq, pid
 * untouched).  Returns false if it is not a failure message.
 */
bool vx_failure_parse(const char *text, size_t len, struct vx_failure *f);

/* Scan log records as they come (oldest first). */
struct vx_failure_scanner;
struct vx_error *vx_failure_scanner_create(struct vx_failure_list *out,
					   struct vx_failure_scanner **sc);
struct vx_error *vx_failure_scanner_feed(struct vx_failure_scanner *sc,
					 const struct vx_log_record *rec);
/* Ends pending traces, links related messages; frees the scanner. */
void vx_failure_scanner_finish(struct vx_failure_scanner *sc);

/* Read the dump's log and collect every failure. */
struct vx_error *vx_failures_scan(struct vx_target *t,
				  const struct vx_vmcoreinfo *v,
				  struct vx_failure_list *out);
void vx_failure_list_free(struct vx_failure_list *l);

const char *vx_failure_kind_name(enum vx_failure_kind k);
const char *vx_verdict_hint_name(enum vx_verdict_hint h);
const char *vx_failure_path_name(enum vx_failure_path p);

/* ---- the verdicts (lib/failures_verdict.c) ---- */

struct vx_kernel;
struct vx_options;
struct vx_report;
struct vx_space;

/* --failures: scan the log, open the space, report. */
struct vx_error *vx_failures_run(struct vx_kernel *k, struct vx_report *r,
				 const struct vx_options *o, FILE *out);
/*
 * The --failures report of the failures l against the address space s:
 * per failure the request, whether it fits now and the verdict (text, or
 * JSON with "verdict" a stable identifier and "verdict_text" the prose).
 */
struct vx_error *vx_failures_report(const struct vx_space *s,
				    const struct vx_failure_list *l,
				    const struct vx_options *o, FILE *out);

/* ---- the window a failure hit, and its request (lib/failures_window.c) ---- */

/* Who holds the busy bytes of a window, told from the caller's name. */
enum vx_holder_kind {
	VX_HOLD_BPF,		/* BPF prog packs, JIT images, trampolines */
	VX_HOLD_MODULES,	/* module memory (load_module, module_alloc, execmem) */
	VX_HOLD_OTHER,		/* kprobes, ftrace trampolines, vmalloc users... */
	VX_NR_HOLD,
};

enum vx_holder_kind vx_holder_kind_of(const char *caller);
const char *vx_holder_kind_name(enum vx_holder_kind h);

#define VX_TOP_HOLDERS	5

struct vx_holder {
	char name[96];		/* caller, "+off/size" dropped */
	uint64_t count, bytes;
};

/* A window as the failure's request meets it now. */
struct vx_window_state {
	uint64_t busy[VX_NR_HOLD], areas[VX_NR_HOLD];
	uint64_t free_bytes, free_extents, largest_free;
	uint64_t extents_fit;	/* free extents that could hold the request */
	/* BPF prog packs: the commonest area size (guard included), how many */
	uint64_t pack_size, pack_count;
	struct vx_holder top[VX_TOP_HOLDERS];
	unsigned int nr_top;
};

/* The request behind a failure: as logged, or inferred and why. */
struct vx_request {
	uint64_t size;		/* 0: neither logged nor inferable */
	bool includes_guard;
	bool inferred;
	enum vx_failure_path path;	/* f->path, or the inferred path */
	char why[200];
};

/* Busy bytes by kind, free figures and top holders of window w. */
void vx_window_state_read(const struct vx_space *s, int w,
			  struct vx_window_state *ws);
/* Free extents of window w where size bytes (guard included) at align fit. */
uint64_t vx_window_extents_fit(const struct vx_space *s, int w, uint64_t size,
			       uint64_t align);
/*
 * The request of failure f: its logged size, else (execmem logs none)
 * what the kernel's rules make of the window's holders: a BPF prog pack
 * is BPF_PROG_PACK_SIZE, the size of the packs already there.
 */
void vx_failure_request(const struct vx_failure *f,
			const struct vx_window_state *ws, struct vx_request *rq);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel log of a dump: the lockless printk ring buffer (`prb`) that
 * 5.10, 6.1, 6.12 and 7.2 all use, laid out from VMCOREINFO alone (the
 * kernel exports every size and offset a reader needs).
 *
 * Records come oldest first, in sequence order.  Only committed and
 * finalized records are delivered; descriptors that are free, being
 * written, recycled or inconsistent are skipped and counted in
 * struct vx_printk_stats.  Every loop is bounded by the ring sizes, so a
 * corrupt dump ends the walk with an error rather than a hang.
 */
#ifndef VMAPX_PRINTK_H
#define VMAPX_PRINTK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

struct vx_target;
struct vx_vmcoreinfo;

/* Record flags, the kernel's enum printk_info_flags values. */
#define VX_LOG_NEWLINE	0x2	/* text ended with a newline */
#define VX_LOG_CONT	0x8	/* pr_cont() text that could not be appended */

/* caller_id: bit 31 set means "CPU number", clear means "task pid". */
#define VX_LOG_CALLER_CPU	0x80000000u

struct vx_log_record {
	uint64_t seq;
	uint64_t ts_nsec;		/* local_clock() at printk time */
	int level;			/* 0 (emerg) .. 7 (debug), -1 unknown */
	unsigned int flags;		/* VX_LOG_*; 0 when unknown */
	bool flags_known;		/* level and flags were decodable */
	uint32_t caller_id;		/* raw; see vx_log_caller_*() */
	const char *text;		/* NUL-terminated (no NUL inside), valid
				 * during the callback only */
	size_t text_len;
};

static inline bool vx_log_caller_is_cpu(const struct vx_log_record *r)
{
	return r->caller_id & VX_LOG_CALLER_CPU;
}

/* pid of the task, or cpu number when vx_log_caller_is_cpu(). */
static inline uint32_t vx_log_caller_value(const struct vx_log_record *r)
{
	return r->caller_id & ~VX_LOG_CALLER_CPU;
}

struct vx_printk_stats {
	uint64_t desc_count;		/* descriptors in the ring */
	uint64_t data_size;		/* bytes of the text data ring */
	uint64_t walked;		/* descriptors between tail and head */
	uint64_t records;		/* delivered to the callback */
	uint64_t reusable;		/* skipped: freed, awaiting reuse */
	uint64_t reserved;		/* skipped: being written at dump time */
	uint64_t missing;		/* skipped: slot already holds another id */
	uint64_t lost;			/* skipped: kernel could not store text */
	uint64_t corrupt;		/* skipped: inconsistent lpos/seq/block */
	uint64_t unreadable;		/* skipped: memory not in the dump */
	uint64_t data_reads;		/* reads of the data ring (for -v) */
};

/*
 * Call cb for every readable record, oldest first.  cb returns 0 to go
 * on, anything else to stop early (not an error).  stats may be NULL.
 */
struct vx_error *vx_printk_walk(struct vx_target *t,
				const struct vx_vmcoreinfo *v,
				int (*cb)(const struct vx_log_record *rec,
					  void *arg),
				void *arg, struct vx_printk_stats *stats);

/* vx_printk_walk() without statistics. */
struct vx_error *vx_printk_foreach(struct vx_target *t,
				   const struct vx_vmcoreinfo *v,
				   int (*cb)(const struct vx_log_record *rec,
					     void *arg),
				   void *arg);

/*
 * Format one record as dmesg does without options, "[%5lu.%06lu] text",
 * one output line per text line.  Returns what fprintf returned.
 */
int vx_log_record_print(FILE *out, const struct vx_log_record *r);

/*
 * Call fn with each VMCOREINFO key the log reader needs ("SYMBOL(prb)",
 * "SIZE(printk_info)", ...): vx_vmcoreinfo_each_key() lists them.
 */
void vx_printk_vmcoreinfo_keys(void (*fn)(const char *key, void *arg),
				void *arg);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A printk ring buffer built by hand in fake kernel memory, for the unit
 * tests of lib/printk.c and lib/failures.c.  It writes records the way the
 * kernel's writer does (id and lpos arithmetic, wrapping data blocks,
 * retiring the oldest records when either ring is full), and renders the
 * VMCOREINFO lines that describe its layout.
 */
#ifndef VMAPX_FAKE_LOG_H
#define VMAPX_FAKE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target.h"

/* Offsets and sizes of one kernel's printk structures. */
struct fake_log_layout {
	const char *name;
	uint64_t rb_size, rb_desc_ring, rb_text_ring, rb_fail;
	uint64_t dr_size, dr_count_bits, dr_descs, dr_infos, dr_head, dr_tail;
	uint64_t desc_size, desc_state, desc_lpos;
	uint64_t info_size, info_seq, info_ts, info_text_len, info_caller;
	uint64_t info_dev;
	uint64_t data_size, data_bits, data_data, data_head, data_tail;
	bool latched_clear_seq;	/* 6.1+: clear_seq is a struct latched_seq */
	bool blocks_end_at_ring_end;	/* 6.18+ writer: no needless wrap */
};

/* 5.10: no last_finalized_id, clear_seq a plain u64. */
extern const struct fake_log_layout fake_log_layout_510;
/* 6.1, 6.12, 7.2 (desc_ring grew by last_finalized_id/_seq). */
extern const struct fake_log_layout fake_log_layout_61;
/* 7.2 with the writer that lets blocks end at the ring end. */
extern const struct fake_log_layout fake_log_layout_72;
/* Every member moved: proves the reader uses VMCOREINFO, not constants. */
extern const struct fake_log_layout fake_log_layout_shuffled;

struct fake_log;

struct fake_log *fake_log_create(const struct fake_log_layout *layout,
				 unsigned int count_bits,
				 unsigned int size_bits);
void fake_log_destroy(struct fake_log *fl);

/* The target reading the fake memory, and its VMCOREINFO text. */
struct vx_target *fake_log_target(struct fake_log *fl);
const char *fake_log_vmcoreinfo(struct fake_log *fl);
/* The same VMCOREINFO without the line starting with key (e.g. "SYMBOL(prb)"). */
char *fake_log_vmcoreinfo_without(struct fake_log *fl, const char *key);

/* Append a finalized record; returns its sequence number. */
uint64_t fake_log_append(struct fake_log *fl, uint64_t ts_nsec,
			 uint32_t caller_id, int level, unsigned int flags,
			 const char *text);
/* Append a record whose text the kernel failed to store (FAILED_LPOS). */
uint64_t fake_log_append_lost(struct fake_log *fl, uint32_t caller_id);

/* Descriptor state of record seq (0 reserved .. 3 reusable). */
void fake_log_set_state(struct fake_log *fl, uint64_t seq, unsigned int state);
/* Overwrite raw fields. */
void fake_log_set_state_var(struct fake_log *fl, uint64_t seq, uint64_t raw);
void fake_log_set_bits(struct fake_log *fl, unsigned int count_bits,
		       unsigned int size_bits);
void fake_log_set_ids(struct fake_log *fl, uint64_t head_id, uint64_t tail_id);
void fake_log_set_lpos(struct fake_log *fl, uint64_t seq, uint64_t begin,
		       uint64_t next);
void fake_log_set_info_seq(struct fake_log *fl, uint64_t seq,
			   uint64_t new_seq);
void fake_log_set_prb(struct fake_log *fl, uint64_t addr);

/* Overwrite fake memory at addr (must be mapped). */
void fake_log_write(struct fake_log *fl, uint64_t addr, const void *buf,
		    uint64_t len);
/* Make [addr, addr + len) unreadable. */
void fake_log_unmap(struct fake_log *fl, uint64_t addr, uint64_t len);

/* Addresses of the fake structures. */
uint64_t fake_log_desc_addr(struct fake_log *fl, uint64_t seq);
uint64_t fake_log_info_addr(struct fake_log *fl, uint64_t seq);
uint64_t fake_log_data_addr(struct fake_log *fl);
uint64_t fake_log_ring_addr(struct fake_log *fl);
/* lpos of the data ring head, tail; ids of head and tail. */
uint64_t fake_log_head_lpos(struct fake_log *fl);
uint64_t fake_log_tail_id(struct fake_log *fl);
uint64_t fake_log_head_id(struct fake_log *fl);
/* Number of reads the target served, and the largest. */
uint64_t fake_log_reads(struct fake_log *fl);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/printk.c against hand-built printk ring buffers in fake memory, in
 * the 5.10 and 6.1+ layouts and one with every member moved.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_log.h"
#include "printk.h"
#include "vmcoreinfo.h"

#define MAX_SEEN 4096
#define NSEC UINT64_C(1000000000)

struct seen {
	size_t n;
	uint64_t seq[MAX_SEEN];
	uint64_t ts[MAX_SEEN];
	int level[MAX_SEEN];
	unsigned int flags[MAX_SEEN];
	uint32_t caller[MAX_SEEN];
	char *text[MAX_SEEN];
	size_t stop_after;	/* 0: never */
};

static int collect(const struct vx_log_record *r, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < MAX_SEEN);
	assert_int_equal(strlen(r->text), r->text_len);
	s->seq[s->n] = r->seq;
	s->ts[s->n] = r->ts_nsec;
	s->level[s->n] = r->level;
	s->flags[s->n] = r->flags;
	s->caller[s->n] = r->caller_id;
	s->text[s->n] = strdup(r->text);
	s->n++;
	return s->stop_after && s->n == s->stop_after;
}

static void seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->text[i]);
	free(s);
}

/* Walk fl with its own VMCOREINFO (or vmcoreinfo when not NULL). */
static struct vx_error *walk(struct fake_log *fl, const char *vmcoreinfo,
			     struct seen *s, struct vx_printk_stats *st)
{
	struct vx_vmcoreinfo v;
	struct vx_error *err;

	assert_null(vx_vmcoreinfo_parse(vmcoreinfo ? vmcoreinfo :
					fake_log_vmcoreinfo(fl), &v));
	err = vx_printk_walk(fake_log_target(fl), &v, collect, s, st);
	vx_vmcoreinfo_free(&v);
	return err;
}

static void text_of(char *buf, size_t size, uint64_t i)
{
	/* Lengths vary from 1 to 60 bytes so blocks land everywhere. */
	int len = snprintf(buf, size, "record %lu:", (unsigned long)i);

	for (uint64_t k = 0; k < i * 7 % 50; k++)
		buf[len++] = 'a' + (i + k) % 26;
	buf[len] = '\0';
}

static void reads_every_record_in_order(const struct fake_log_layout *lay)
{
	struct fake_log *fl = fake_log_create(lay, 6, 11);
	struct seen *s = calloc(1, sizeof(*s));
	struct vx_printk_stats st;
	char buf[128];

	for (uint64_t i = 0; i < 40; i++) {
		text_of(buf, sizeof(buf), i);
		fake_log_append(fl, i * NSEC + 5000, i % 3 ? 100 + i :
				0x80000000u | 2, i % 8, 2, buf);
	}
	assert_null(walk(fl, NULL, s, &st));
	assert_int_equal(s->n, 40);
	for (uint64_t i = 0; i < 40; i++) {
		text_of(buf, sizeof(buf), i);
		assert_string_equal(s->text[i], buf);
		assert_int_equal(s->seq[i], i);
		assert_int_equal(s->ts[i], i * NSEC + 5000);
		assert_int_equal(s->level[i], (int)(i % 8));
		assert_int_equal(s->flags[i], 2);
		assert_int_equal(s->caller[i], i % 3 ? 100 + i :
				 0x80000000u | 2);
	}
	assert_int_equal(st.records, 40);
	/* The bootstrap descriptor is the tail until the ring first fills. */
	assert_int_equal(st.reusable, 1);
	assert_int_equal(st.corrupt + st.lost + st.unreadable + st.missing, 0);
	assert_int_equal(st.desc_count, 64);
	assert_int_equal(st.data_size, 2048);
	seen_free(s);
	fake_log_destroy(fl);
}

static void test_510_layout_reads_every_record_in_order(void **state)
{
	reads_every_record_in_order(&fake_log_layout_510);
}

static void test_61_layout_reads_every_record_in_order(void **state)
{
	reads_every_record_in_order(&fake_log_layout_61);
}

static void test_shuffled_layout_proves_offsets_come_from_vmcoreinfo(void **state)
{
	reads_every_record_in_order(&fake_log_layout_shuffled);
}

/*
 * Far more records than the rings hold: ids, lpos and seq all wrap, data
 * blocks wrap to the ring start, and only the records between tail and
 * head come out, oldest first, with their own text.
 */
static void wrapped_rings_keep_newest_records(const struct fake_log_layout *lay)
{
	struct fake_log *fl = fake_log_create(lay, 4, 9);
	struct seen *s = calloc(1, sizeof(*s));
	struct vx_printk_stats st;
	uint64_t first;
	char buf[128];

	for (uint64_t i = 0; i < 300; i++) {
		text_of(buf, sizeof(buf), i);
		fake_log_append(fl, i, 1, 6, 2, buf);
	}
	assert_null(walk(fl, NULL, s, &st));
	assert_true(s->n >= 5);
	assert_int_equal(s->seq[s->n - 1], 299);
	first = s->seq[0];
	for (size_t k = 0; k < s->n; k++) {
		assert_int_equal(s->seq[k], first + k);
		text_of(buf, sizeof(buf), first + k);
		assert_string_equal(s->text[k], buf);
	}
	assert_int_equal(st.corrupt + st.lost + st.unreadable + st.missing, 0);
	assert_int_equal(st.walked, st.records + st.reusable);
	seen_free(s);
	fake_log_destroy(fl);
}

static void test_510_wrapped_rings_keep_newest_records(void **state)
{
	wrapped_rings_keep_newest_records(&fake_log_layout_510);
}

static void test_61_wrapped_rings_keep_newest_records(void **state)
{
	wrapped_rings_keep_newest_records(&fake_log_layout_61);
}

/*
 * Eight 64-byte blocks fill a 512-byte ring exactly.  The old writer
 * moves the eighth block to the ring start; the 6.18+ writer lets it end
 * at the ring end (next at index 0 of the next wrap).  Both read back.
 */
static void block_ending_at_ring_end(const struct fake_log_layout *lay,
				     bool expect_exact_end)
{
	struct fake_log *fl = fake_log_create(lay, 4, 9);
	struct seen *s = calloc(1, sizeof(*s));
	uint64_t begin_next[2];
	char text[57];

	memset(text, 'x', 56);
	text[56] = '\0';
	for (int i = 0; i < 8; i++) {
		text[0] = '0' + i;
		fake_log_append(fl, i, 1, 6, 2, text);
	}
	assert_null(fake_log_target(fl)->read(fake_log_target(fl),
			fake_log_desc_addr(fl, 7) + lay->desc_lpos,
			begin_next, sizeof(begin_next)));
	/* The ring starts at BLK0_LPOS = -512: its end is lpos 0. */
	assert_int_equal(begin_next[1] == 0, expect_exact_end);
	assert_null(walk(fl, NULL, s, NULL));
	assert_true(s->n >= 1);
	assert_int_equal(s->seq[s->n - 1], 7);
	assert_int_equal(s->text[s->n - 1][0], '7');
	assert_int_equal(strlen(s->text[s->n - 1]), 56);
	seen_free(s);
	fake_log_destroy(fl);
}

static void test_61_block_that_would_end_at_ring_end_wraps_to_start(void **state)
{
	block_ending_at_ring_end(&fake_log_layout_61, false);
}

static void test_72_block_ending_exactly_at_ring_end_is_read(void **state)
{
	block_ending_at_ring_end(&fake_log_layout_72, true);
}

static void test_continuation_record_keeps_its_cont_flag(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_61, 5, 10);
	struct seen *s = calloc(1, sizeof(*s));

	fake_log_append(fl, 1, 42, 4, 0, "modprobe: vmalloc error: size 8192");
	fake_log_append(fl, 2, 42, 4, VX_LOG_CONT | VX_LOG_NEWLINE,
			",cpuset=/,mems_allowed=0");
	assert_null(walk(fl, NULL, s, NULL));
	assert_int_equal(s->n, 2);
	assert_int_equal(s->flags[0], 0);
	assert_int_equal(s->flags[1], VX_LOG_CONT | VX_LOG_NEWLINE);
	assert_string_equal(s->text[1], ",cpuset=/,mems_allowed=0");
	seen_free(s);
	fake_log_destroy(fl);
}

static void test_empty_line_is_delivered_and_lost_text_is_counted(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_510, 5, 10);
	struct seen *s = calloc(1, sizeof(*s));
	struct vx_printk_stats st;

	fake_log_append(fl, 1, 1, 6, 2, "before");
	fake_log_append(fl, 2, 1, 6, 2, "");
	fake_log_append_lost(fl, 1);
	fake_log_append(fl, 3, 1, 6, 2, "after");
	assert_null(walk(fl, NULL, s, &st));
	assert_int_equal(s->n, 3);
	assert_string_equal(s->text[1], "");
	assert_string_equal(s->text[2], "after");
	assert_int_equal(st.lost, 1);
	seen_free(s);
	fake_log_destroy(fl);
}

static void test_free_reserved_and_recycled_slots_are_skipped_and_counted(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_61, 5, 10);
	struct seen *s = calloc(1, sizeof(*s));
	struct vx_printk_stats st;
	char buf[32];

	for (int i = 0; i < 10; i++) {
		snprintf(buf, sizeof(buf), "line %d", i);
		fake_log_append(fl, i, 1, 6, 2, buf);
	}
	fake_log_set_state(fl, 2, 3);		/* reusable */
	fake_log_set_state(fl, 9, 0);		/* still being written */
	fake_log_set_state(fl, 4, 1);		/* committed: delivered */
	fake_log_set_state_var(fl, 6, UINT64_C(2) << 62 | 12345);
	assert_null(walk(fl, NULL, s, &st));
	assert_int_equal(s->n, 7);
	assert_string_equal(s->text[0], "line 0");
	assert_string_equal(s->text[2], "line 3");
	assert_string_equal(s->text[3], "line 4");
	assert_string_equal(s->text[6], "line 8");
	assert_int_equal(st.reusable, 2);	/* + the bootstrap slot */
	assert_int_equal(st.reserved, 1);
	assert_int_equal(st.missing, 1);
	seen_free(s);
	fake_log_destroy(fl);
}

static void test_inconsistent_lpos_seq_and_block_id_are_skipped(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_61, 5, 10);
	struct seen *s = calloc(1, sizeof(*s));
	struct vx_printk_stats st;
	uint64_t bad_id = 999;
	char buf[32];

	for (int i = 0; i < 8; i++) {
		snprintf(buf, sizeof(buf), "line %d", i);
		fake_log_append(fl, i, 1, 6, 2, buf);
	}
	fake_log_set_lpos(fl, 1, 64, 16);		/* next before begin */
	fake_log_set_lpos(fl, 2, 4, 36);		/* misaligned */
	fake_log_set_lpos(fl, 3, 0, UINT64_C(1) << 40);	/* too long */
	fake_log_set_info_seq(fl, 4, 4 + 7);		/* wrong slot */
	/* Record 5's block now carries another id: overwritten data. */
	{
		uint64_t lpos[2];
		struct vx_target *t = fake_log_target(fl);

		assert_null(t->read(t, fake_log_desc_addr(fl, 5) +
				    fake_log_layout_61.desc_lpos, lpos, 16));
		fake_log_write(fl, fake_log_data_addr(fl) + (lpos[0] & 1023),
			       &bad_id, 8);
	}
	assert_null(walk(fl, NULL, s, &st));
	assert_int_equal(s->n, 3);
	assert_string_equal(s->text[0], "line 0");
	assert_string_equal(s->text[1], "line 6");
	assert_int_equal(st.corrupt, 5);
	seen_free(s);
	fake_log_destroy(fl);
}

static void test_head_too_far_past_tail_ends_with_an_error(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_61, 4, 9);
	struct seen *s = calloc(1, sizeof(*s));
	struct vx_error *err;

	fake_log_append(fl, 1, 1, 6, 2, "one");
	fake_log_set_ids(fl, 1000, 10);
	err = walk(fl, NULL, s, NULL);
	assert_non_null(err);
	assert_int_equal(err->code, VX_ERR_INVALID);
	assert_non_null(strstr(err->message, "corrupt descriptor ring"));
	assert_int_equal(s->n, 0);
	vx_error_destroy(err);
	seen_free(s);
	fake_log_destroy(fl);
}

static void test_implausible_ring_sizes_are_rejected(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_510, 4, 9);
	struct seen *s = calloc(1, sizeof(*s));
	struct vx_error *err;

	fake_log_set_bits(fl, 40, 9);
	err = walk(fl, NULL, s, NULL);
	assert_int_equal(err->code, VX_ERR_INVALID);
	assert_non_null(strstr(err->message, "implausible sizes"));
	vx_error_destroy(err);
	fake_log_set_bits(fl, 4, 63);
	err = walk(fl, NULL, s, NULL);
	assert_int_equal(err->code, VX_ERR_INVALID);
	vx_error_destroy(err);
	seen_free(s);
	fake_log_destroy(fl);
}

static void test_missing_vmcoreinfo_line_is_named(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_61, 4, 9);
	struct seen *s = calloc(1, sizeof(*s));
	char *vi = fake_log_vmcoreinfo_without(fl, "OFFSET(prb_desc.state_var)");
	struct vx_error *err = walk(fl, vi, s, NULL);

	assert_int_equal(err->code, VX_ERR_NOT_FOUND);
	assert_non_null(strstr(err->message, "OFFSET(prb_desc.state_var)"));
	vx_error_destroy(err);
	free(vi);
	vi = fake_log_vmcoreinfo_without(fl, "SYMBOL(prb)");
	err = walk(fl, vi, s, NULL);
	assert_int_equal(err->code, VX_ERR_NOT_FOUND);
	assert_non_null(strstr(err->message, "SYMBOL(prb)"));
	vx_error_destroy(err);
	free(vi);
	seen_free(s);
	fake_log_destroy(fl);
}

static void test_layout_member_outside_its_struct_is_rejected(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_61, 4, 9);
	struct seen *s = calloc(1, sizeof(*s));
	char *vi = fake_log_vmcoreinfo_without(fl, "SIZE(prb_desc)=");
	size_t n = strlen(vi);
	struct vx_error *err;

	vi = realloc(vi, n + 32);
	strcpy(vi + n, "SIZE(prb_desc)=12\n");
	err = walk(fl, vi, s, NULL);
	assert_int_equal(err->code, VX_ERR_INVALID);
	assert_non_null(strstr(err->message, "inconsistent"));
	vx_error_destroy(err);
	free(vi);
	seen_free(s);
	fake_log_destroy(fl);
}

static void test_unreadable_ring_header_reports_its_address(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_61, 4, 9);
	struct seen *s = calloc(1, sizeof(*s));
	struct vx_error *err;

	fake_log_unmap(fl, fake_log_ring_addr(fl) + 8, 8);
	err = walk(fl, NULL, s, NULL);
	assert_int_equal(err->code, VX_ERR_FAULT);
	assert_int_equal(err->address, fake_log_ring_addr(fl));
	assert_non_null(strstr(err->message, "printk_ringbuffer"));
	vx_error_destroy(err);
	fake_log_set_prb(fl, 0x1000);
	err = walk(fl, NULL, s, NULL);
	assert_int_equal(err->code, VX_ERR_FAULT);
	vx_error_destroy(err);
	seen_free(s);
	fake_log_destroy(fl);
}

/* A hole in the data ring costs only the records inside it. */
static void test_data_hole_skips_only_the_records_inside_it(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_61, 8, 13);
	struct seen *s = calloc(1, sizeof(*s));
	struct vx_printk_stats st;
	char buf[128];

	for (uint64_t i = 0; i < 200; i++) {
		text_of(buf, sizeof(buf), i);
		fake_log_append(fl, i, 1, 6, 2, buf);
	}
	fake_log_unmap(fl, fake_log_data_addr(fl) + 4096, 1024);
	assert_null(walk(fl, NULL, s, &st));
	assert_true(st.unreadable > 0);
	assert_int_equal(st.records + st.unreadable + st.reusable, st.walked);
	assert_true(st.records > 100);
	for (size_t k = 0; k < s->n; k++) {
		text_of(buf, sizeof(buf), s->seq[k]);
		assert_string_equal(s->text[k], buf);
	}
	seen_free(s);
	fake_log_destroy(fl);
}

static void test_unreadable_descriptor_skips_only_its_record(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_510, 5, 10);
	struct seen *s = calloc(1, sizeof(*s));
	struct vx_printk_stats st;
	char buf[32];

	for (int i = 0; i < 10; i++) {
		snprintf(buf, sizeof(buf), "line %d", i);
		fake_log_append(fl, i, 1, 6, 2, buf);
	}
	fake_log_unmap(fl, fake_log_info_addr(fl, 3), 8);
	assert_null(walk(fl, NULL, s, &st));
	assert_int_equal(s->n, 9);
	assert_string_equal(s->text[3], "line 4");
	assert_int_equal(st.unreadable, 1);
	seen_free(s);
	fake_log_destroy(fl);
}

/* A 128 KiB data ring full of records costs one read of the data ring. */
static void test_data_ring_is_read_in_one_chunk(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_61, 12, 17);
	struct seen *s = calloc(1, sizeof(*s));
	struct vx_printk_stats st;
	char buf[128];

	for (uint64_t i = 0; i < 4000; i++) {
		text_of(buf, sizeof(buf), i);
		fake_log_append(fl, i, 1, 6, 2, buf);
	}
	assert_null(walk(fl, NULL, s, &st));
	assert_true(st.records > 2000);
	assert_int_equal(st.data_reads, 1);
	assert_true(fake_log_reads(fl) < 10);
	seen_free(s);
	fake_log_destroy(fl);
}

static void test_callback_can_stop_the_walk(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_61, 5, 10);
	struct seen *s = calloc(1, sizeof(*s));

	for (int i = 0; i < 10; i++)
		fake_log_append(fl, i, 1, 6, 2, "x");
	s->stop_after = 3;
	assert_null(walk(fl, NULL, s, NULL));
	assert_int_equal(s->n, 3);
	seen_free(s);
	fake_log_destroy(fl);
}

/*
 * Random bytes sprayed over descriptors, infos, data and the ring header:
 * the walk always ends, and every walked slot is accounted for.
 */
static void test_random_corruption_never_crashes_or_loops(void **state)
{
	uint64_t rng = 0x9e3779b97f4a7c15;
	char buf[128];

	for (int round = 0; round < 300; round++) {
		const struct fake_log_layout *lay = round % 2 ?
			&fake_log_layout_510 : &fake_log_layout_61;
		struct fake_log *fl = fake_log_create(lay, 5, 10);
		struct seen *s = calloc(1, sizeof(*s));
		struct vx_printk_stats st;
		struct vx_error *err;

		for (uint64_t i = 0; i < 60; i++) {
			text_of(buf, sizeof(buf), i);
			fake_log_append(fl, i, 1, 6, 2, buf);
		}
		for (int k = 0; k < 1 + round % 40; k++) {
			uint64_t r, base, span;

			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			r = rng;
			switch (r % 4) {
			case 0:
				base = fake_log_desc_addr(fl, 0);
				span = 32 * lay->desc_size;
				break;
			case 1:
				base = fake_log_info_addr(fl, 0);
				span = 32 * lay->info_size;
				break;
			case 2:
				base = fake_log_data_addr(fl);
				span = 1024;
				break;
			default:
				base = fake_log_ring_addr(fl);
				span = lay->rb_size;
				break;
			}
			fake_log_write(fl, base + (r >> 8) % (span - 7),
				       &rng, 1 + (r >> 3) % 8);
		}
		err = walk(fl, NULL, s, &st);
		if (!err)
			assert_int_equal(st.walked, st.records + st.reusable +
					 st.reserved + st.missing + st.lost +
					 st.corrupt + st.unreadable);
		assert_true(s->n <= 64);
		vx_error_destroy(err);
		seen_free(s);
		fake_log_destroy(fl);
	}
}

static void test_record_prints_like_dmesg_one_line_per_text_line(void **state)
{
	struct vx_log_record r = {
		.ts_nsec = 12 * NSEC + 345678901, .text = "first\nsecond",
		.text_len = 12,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_true(vx_log_record_print(f, &r) > 0);
	fclose(f);
	assert_string_equal(buf, "[   12.345678] first\n[   12.345678] second\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_510_layout_reads_every_record_in_order),
		cmocka_unit_test(test_61_layout_reads_every_record_in_order),
		cmocka_unit_test(test_shuffled_layout_proves_offsets_come_from_vmcoreinfo),
		cmocka_unit_test(test_510_wrapped_rings_keep_newest_records),
		cmocka_unit_test(test_61_wrapped_rings_keep_newest_records),
		cmocka_unit_test(test_61_block_that_would_end_at_ring_end_wraps_to_start),
		cmocka_unit_test(test_72_block_ending_exactly_at_ring_end_is_read),
		cmocka_unit_test(test_continuation_record_keeps_its_cont_flag),
		cmocka_unit_test(test_empty_line_is_delivered_and_lost_text_is_counted),
		cmocka_unit_test(test_free_reserved_and_recycled_slots_are_skipped_and_counted),
		cmocka_unit_test(test_inconsistent_lpos_seq_and_block_id_are_skipped),
		cmocka_unit_test(test_head_too_far_past_tail_ends_with_an_error),
		cmocka_unit_test(test_implausible_ring_sizes_are_rejected),
		cmocka_unit_test(test_missing_vmcoreinfo_line_is_named),
		cmocka_unit_test(test_layout_member_outside_its_struct_is_rejected),
		cmocka_unit_test(test_unreadable_ring_header_reports_its_address),
		cmocka_unit_test(test_data_hole_skips_only_the_records_inside_it),
		cmocka_unit_test(test_unreadable_descriptor_skips_only_its_record),
		cmocka_unit_test(test_data_ring_is_read_in_one_chunk),
		cmocka_unit_test(test_callback_can_stop_the_walk),
		cmocka_unit_test(test_random_corruption_never_crashes_or_loops),
		cmocka_unit_test(test_record_prints_like_dmesg_one_line_per_text_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness of the printk ring walk (lib/printk.c) and, on the
 * records it delivers, the failure scanner (lib/failures.c).
 *
 * A fake ring per layout (5.10, 6.1, 7.2, shuffled) is built once, full
 * of records that wrapped the rings; the input rewrites it through an
 * overlay target:
 *   u8 layout, u8 number of patches, then per patch
 *   u8 region (ring struct, descriptors, infos, text data), u16 offset,
 *   u8 length (1..32) and that many bytes;
 *   the rest of the input is VMCOREINFO text put in front of the ring's
 *   own (the first KEY= wins, so it overrides sizes, offsets, prb).
 * Properties: no crash, leak, hang or out-of-bounds access; records come
 * in increasing sequence order with terminated text of the stated length;
 * the statistics add up.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_log.h"
#include "failures.h"
#include "fuzz.h"
#include "overlay.h"
#include "printk.h"
#include "vmcoreinfo.h"

#define NR_LAYOUTS 4

static struct fake_log *logs[NR_LAYOUTS];

static struct fake_log *make_log(const struct fake_log_layout *lay)
{
	struct fake_log *fl = fake_log_create(lay, 4, 9);
	char text[96];

	/* 40 records through 16 descriptors and 512 bytes: all wrapped. */
	for (int i = 0; i < 40; i++) {
		int n = snprintf(text, sizeof(text), "record %d ", i);

		for (int k = 0; k < i * 7 % 40; k++)
			text[n++] = 'a' + k % 26;
		text[n] = '\0';
		if (i == 33)
			fake_log_append(fl, i, 7, 4, 2,
					"insmod: vmalloc error: size 8192, vm_struct allocation failed, mode:0xcc0(GFP_KERNEL)");
		else if (i == 37)
			fake_log_append_lost(fl, 9);
		else
			fake_log_append(fl, 1000ULL * i, i % 3 ? 100 + i :
					VX_LOG_CALLER_CPU | 1, i % 8,
					i % 5 ? 2 : 8, text);
	}
	return fl;
}

struct order {
	uint64_t last_seq;
	uint64_t n;
};

static int check_record(const struct vx_log_record *r, void *arg)
{
	struct order *o = arg;

	if ((o->n && r->seq <= o->last_seq) || strlen(r->text) != r->text_len)
		abort();
	o->last_seq = r->seq;
	o->n++;
	vx_log_record_print(fuzz_null_stream(), r);
	return 0;
}

static void walk(struct vx_target *t, const struct vx_vmcoreinfo *v)
{
	struct vx_printk_stats st;
	struct vx_failure_list list;
	struct order o = { 0 };
	struct vx_error *err;

	err = vx_printk_walk(t, v, check_record, &o, &st);
	if (!err && (st.records != o.n ||
		     st.records + st.reusable + st.reserved + st.missing +
		     st.lost + st.corrupt + st.unreadable > st.walked))
		abort();
	fuzz_check_error(err);
	err = vx_failures_scan(t, v, &list);
	if (!err)
		vx_failure_list_free(&list);	/* reported in fuzz_failures */
	fuzz_check_error(err);
}

static void apply(struct fuzz_in *in, struct fake_log *fl, struct overlay *o)
{
	unsigned int n = fuzz_uint(in, 1) % 16;
	const uint64_t base[] = {
		fake_log_ring_addr(fl), fake_log_desc_addr(fl, 0),
		fake_log_info_addr(fl, 0), fake_log_data_addr(fl),
	};

	while (n-- && in->left) {
		unsigned int region = fuzz_uint(in, 1) % 4;
		uint64_t off = fuzz_uint(in, 2) % 2048;
		size_t len = fuzz_uint(in, 1) % 32 + 1;

		if (len > in->left)
			len = in->left;
		overlay_patch(o, base[region] + off, in->p, len);
		in->p += len;
		in->left -= len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fake_log_layout *const lay[NR_LAYOUTS] = {
		&fake_log_layout_510, &fake_log_layout_61,
		&fake_log_layout_72, &fake_log_layout_shuffled,
	};
	struct fuzz_in in = { data, size };
	unsigned int which = fuzz_uint(&in, 1) % NR_LAYOUTS;
	const char *own;
	struct vx_vmcoreinfo v;
	struct overlay *o;
	char *text;

	if (!logs[which])
		logs[which] = make_log(lay[which]);
	o = overlay_create(fake_log_target(logs[which]));
	apply(&in, logs[which], o);
	own = fake_log_vmcoreinfo(logs[which]);
	text = malloc(in.left + 1 + strlen(own) + 1);
	if (!text)
		abort();
	memcpy(text, in.p, in.left);
	text[in.left] = '\n';
	strcpy(text + in.left + 1, own);
	if (!vx_vmcoreinfo_parse(text, &v)) {
		walk(overlay_target(o), &v);
		vx_vmcoreinfo_free(&v);
	}
	free(text);
	overlay_destroy(o);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reader of the lockless printk ring buffer (kernel/printk/printk_ringbuffer.c,
 * 5.10 and later).  The layout comes from VMCOREINFO; the algorithm facts
 * (descriptor state bits, id and lpos arithmetic, data-block wrapping) are
 * the kernel's and are the same in 5.10, 6.1, 6.12 and 7.2:
 *
 *  - prb->desc_ring holds 2^count_bits descriptors; ids run from tail_id to
 *    head_id (62-bit, wrapping); the slot of id is id & (count - 1).
 *  - state_var = state << 62 | id.  States: 0 reserved, 1 committed,
 *    2 finalized, 3 reusable.  A slot whose id differs was recycled.
 *  - info->seq & (count - 1) equals the slot index for every valid record
 *    (seq starts at the index and grows by count on each reuse).
 *  - text_blk_lpos {begin, next} are logical positions in the data ring of
 *    2^size_bits bytes; a block is an unsigned long id then the text, and
 *    is 8-byte aligned.  Bit 0 set in both means "no data block": 3 is an
 *    empty line, 1 means the text was lost.  A block that does not fit
 *    before the end of the ring is stored from index 0 instead (begin stays
 *    in the previous wrap).  Since 6.18 a block may also end exactly at the
 *    end of the ring; such a block has next at index 0 of the next wrap.
 */
#include <stdlib.h>
#include <string.h>

#include "printk.h"
#include "target.h"
#include "types.h"
#include "vmcoreinfo.h"

#define DESC_STATE_SHIFT	62
#define DESC_ID_MASK		((UINT64_C(1) << DESC_STATE_SHIFT) - 1)
#define DESC_RESERVED		0
#define DESC_COMMITTED		1
#define DESC_FINALIZED		2
#define DESC_REUSABLE		3
#define LPOS_EMPTY_LINE		3
#define BLOCK_ID_SIZE		8

/*
 * Limits that keep a corrupt dump from making us allocate or loop without
 * bound.  The kernel caps log_buf_len at 2 GiB and sizes the descriptor
 * ring at one descriptor per 32 bytes of text, so 2^26 descriptors.
 */
#define MAX_SIZE_BITS		31
#define MAX_COUNT_BITS		26
#define MAX_STRUCT_SIZE		4096
#define DESC_BATCH		4096
#define DATA_CHUNK		(1024 * 1024)
#define MAX_TEXT		65535	/* text_len is a u16 */

struct prb_layout {
	uint64_t rb_size, rb_desc_ring, rb_text_ring;
	uint64_t dr_size, dr_count_bits, dr_descs, dr_infos, dr_head, dr_tail;
	uint64_t desc_size, desc_state, desc_lpos;
	uint64_t lpos_size, lpos_begin, lpos_next;
	uint64_t info_size, info_seq, info_ts, info_text_len, info_caller;
	uint64_t data_size, data_bits, data_data, data_head, data_tail;
	uint64_t along_size, along_counter;
};

struct layout_key {
	const char *kind;	/* "SIZE" or "OFFSET" */
	const char *name;
	size_t field;		/* offsetof(struct prb_layout, ...) */
};

#define KEY(kind, name, f) { kind, name, offsetof(struct prb_layout, f) }
static const struct layout_key layout_keys[] = {
	KEY("SIZE", "printk_ringbuffer", rb_size),
	KEY("OFFSET", "printk_ringbuffer.desc_ring", rb_desc_ring),
	KEY("OFFSET", "printk_ringbuffer.text_data_ring", rb_text_ring),
	KEY("SIZE", "prb_desc_ring", dr_size),
	KEY("OFFSET", "prb_desc_ring.count_bits", dr_count_bits),
	KEY("OFFSET", "prb_desc_ring.descs", dr_descs),
	KEY("OFFSET", "prb_desc_ring.infos", dr_infos),
	KEY("OFFSET", "prb_desc_ring.head_id", dr_head),
	KEY("OFFSET", "prb_desc_ring.tail_id", dr_tail),
	KEY("SIZE", "prb_desc", desc_size),
	KEY("OFFSET", "prb_desc.state_var", desc_state),
	KEY("OFFSET", "prb_desc.text_blk_lpos", desc_lpos),
	KEY("SIZE", "prb_data_blk_lpos", lpos_size),
	KEY("OFFSET", "prb_data_blk_lpos.begin", lpos_begin),
	KEY("OFFSET", "prb_data_blk_lpos.next", lpos_next),
	KEY("SIZE", "printk_info", info_size),
	KEY("OFFSET", "printk_info.seq", info_seq),
	KEY("OFFSET", "printk_info.ts_nsec", info_ts),
	KEY("OFFSET", "printk_info.text_len", info_text_len),
	KEY("OFFSET", "printk_info.caller_id", info_caller),
	KEY("SIZE", "prb_data_ring", data_size),
	KEY("OFFSET", "prb_data_ring.size_bits", data_bits),
	KEY("OFFSET", "prb_data_ring.data", data_data),
	KEY("OFFSET", "prb_data_ring.head_lpos", data_head),
	KEY("OFFSET", "prb_data_ring.tail_lpos", data_tail),
	KEY("SIZE", "atomic_long_t", along_size),
	KEY("OFFSET", "atomic_long_t.counter", along_counter),
};
#undef KEY

void vx_printk_vmcoreinfo_keys(void (*fn)(const char *key, void *arg),
				void *arg)
{
	char key[96];

	for (size_t i = 0; i < sizeof(layout_keys) / sizeof(layout_keys[0]); i++) {
		snprintf(key, sizeof(key), "%s(%s)", layout_keys[i].kind,
			 layout_keys[i].name);
		fn(key, arg);
	}
	fn("SYMBOL(prb)", arg);
}

static struct vx_error *layout_load(const struct vx_vmcoreinfo *v,
				    struct prb_layout *lay)
{
	for (size_t i = 0; i < sizeof(layout_keys) / sizeof(layout_keys[0]); i++) {
		const struct layout_key *k = &layout_keys[i];
		uint64_t *dst = (uint64_t *)((char *)lay + k->field);
		bool found = k->kind[0] == 'S' ?
			vx_vmcoreinfo_size(v, k->name, dst) :
			vx_vmcoreinfo_offset(v, k->name, dst);

		if (!found)
			return vx_error_create(VX_ERR_NOT_FOUND,
					       "VMCOREINFO has no %s(%s): the dump does not describe the printk ring buffer",
					       k->kind, k->name);
	}
	return NULL;
}

static struct vx_error *layout_check(const struct prb_layout *l)
{
	uint64_t along = l->along_counter + 8;
	bool ok = l->along_size == 8 && l->along_counter == 0 &&
		l->rb_size <= MAX_STRUCT_SIZE &&
		l->desc_size <= MAX_STRUCT_SIZE &&
		l->info_size <= MAX_STRUCT_SIZE &&
		vx_inside(l->rb_desc_ring, l->dr_size, l->rb_size) &&
		vx_inside(l->rb_text_ring, l->data_size, l->rb_size) &&
		vx_inside(l->dr_count_bits, 4, l->dr_size) &&
		vx_inside(l->dr_descs, 8, l->dr_size) &&
		vx_inside(l->dr_infos, 8, l->dr_size) &&
		vx_inside(l->dr_head, along, l->dr_size) &&
		vx_inside(l->dr_tail, along, l->dr_size) &&
		vx_inside(l->data_bits, 4, l->data_size) &&
		vx_inside(l->data_data, 8, l->data_size) &&
		vx_inside(l->data_head, along, l->data_size) &&
		vx_inside(l->data_tail, along, l->data_size) &&
		vx_inside(l->desc_state, along, l->desc_size) &&
		vx_inside(l->desc_lpos, l->lpos_size, l->desc_size) &&
		vx_inside(l->lpos_begin, 8, l->lpos_size) &&
		vx_inside(l->lpos_next, 8, l->lpos_size) &&
		vx_inside(l->info_seq, 8, l->info_size) &&
		vx_inside(l->info_ts, 8, l->info_size) &&
		vx_inside(l->info_text_len, 2, l->info_size) &&
		vx_inside(l->info_caller, 4, l->info_size);

	if (!ok)
		return vx_error_create(VX_ERR_INVALID,
				       "VMCOREINFO printk ring buffer layout is inconsistent (a member lies outside its struct)");
	return NULL;
}

static uint64_t get_u64(const uint8_t *p, uint64_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint32_t get_u32(const uint8_t *p, uint64_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint16_t get_u16(const uint8_t *p, uint64_t off)
{
	uint16_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

struct prb_walk {
	struct vx_target *t;
	struct prb_layout lay;
	struct vx_printk_stats *stats;

	unsigned int count_bits, size_bits;
	uint64_t count, data_size;
	uint64_t descs, infos, data;
	uint64_t head_id, tail_id;

	/* A batch of consecutive descriptor slots and their infos. */
	uint8_t *desc_buf, *info_buf;
	uint64_t batch_first, batch_len;
	bool batch_ok;

	/* A window of the data ring, read in one go. */
	uint8_t *chunk;
	uint64_t chunk_start, chunk_len;
	uint64_t bad_chunk_start;	/* a window read that failed */
	uint8_t *scratch;		/* one block when the window fails */

	char *text;
	bool delivered_any;
	uint64_t last_seq;
};

static struct vx_error *read_ring_header(struct prb_walk *w, uint64_t rb)
{
	const struct prb_layout *l = &w->lay;
	uint8_t buf[MAX_STRUCT_SIZE];
	const uint8_t *dr = buf + l->rb_desc_ring;
	const uint8_t *tr = buf + l->rb_text_ring;
	struct vx_error *err;

	err = vx_read(w->t, rb, buf, l->rb_size);
	if (err)
		return vx_error_wrap(err, "reading struct printk_ringbuffer");
	w->count_bits = get_u32(dr, l->dr_count_bits);
	w->descs = get_u64(dr, l->dr_descs);
	w->infos = get_u64(dr, l->dr_infos);
	w->head_id = get_u64(dr, l->dr_head) & DESC_ID_MASK;
	w->tail_id = get_u64(dr, l->dr_tail) & DESC_ID_MASK;
	w->size_bits = get_u32(tr, l->data_bits);
	w->data = get_u64(tr, l->data_data);

	if (w->count_bits < 1 || w->count_bits > MAX_COUNT_BITS ||
	    w->size_bits < 4 || w->size_bits > MAX_SIZE_BITS)
		return vx_error_create(VX_ERR_INVALID,
				       "printk ring buffer at 0x%lx: implausible sizes (2^%u descriptors, 2^%u data bytes)",
				       (unsigned long)rb, w->count_bits,
				       w->size_bits);
	if (!w->descs || !w->infos || !w->data)
		return vx_error_create(VX_ERR_INVALID,
				       "printk ring buffer at 0x%lx: NULL descriptor, info or data array",
				       (unsigned long)rb);
	w->count = UINT64_C(1) << w->count_bits;
	w->data_size = UINT64_C(1) << w->size_bits;
	if (((w->head_id - w->tail_id) & DESC_ID_MASK) >= w->count)
		return vx_error_create(VX_ERR_INVALID,
				       "printk ring buffer at 0x%lx: head id 0x%lx is more than %lu descriptors past tail id 0x%lx (corrupt descriptor ring)",
				       (unsigned long)rb,
				       (unsigned long)w->head_id,
				       (unsigned long)w->count,
				       (unsigned long)w->tail_id);
	return NULL;
}

/* Read descriptors and infos of slots [first, first + n) in two reads. */
static void load_batch(struct prb_walk *w, uint64_t first, uint64_t n)
{
	const struct prb_layout *l = &w->lay;
	struct vx_error *err;

	w->batch_first = first;
	w->batch_len = n;
	err = vx_read(w->t, w->descs + first * l->desc_size, w->desc_buf,
		      n * l->desc_size);
	if (!err)
		err = vx_read(w->t, w->infos + first * l->info_size,
			      w->info_buf, n * l->info_size);
	w->batch_ok = !err;
	vx_error_destroy(err);
}

/*
 * Pointers to the descriptor and info of slot idx, reading the slot alone
 * when its batch could not be read.  false: the slot is not in the dump.
 */
static bool slot(struct prb_walk *w, uint64_t idx, const uint8_t **desc,
		 const uint8_t **info)
{
	const struct prb_layout *l = &w->lay;
	uint64_t i = idx - w->batch_first;
	uint8_t *d, *f;
	struct vx_error *err;

	d = w->desc_buf + i * l->desc_size;
	f = w->info_buf + i * l->info_size;
	if (!w->batch_ok) {
		err = vx_read(w->t, w->descs + idx * l->desc_size, d,
			      l->desc_size);
		if (!err)
			err = vx_read(w->t, w->infos + idx * l->info_size, f,
				      l->info_size);
		if (err) {
			vx_error_destroy(err);
			return false;
		}
	}
	*desc = d;
	*info = f;
	return true;
}

/*
 * Bytes [idx, idx + len) of the data ring.  Reads a whole window of up to
 * DATA_CHUNK bytes around idx so that a typical log costs one or a few
 * reads; falls back to reading just the block when the window is not in
 * the dump.  NULL when the block itself cannot be read.
 */
static const uint8_t *data_bytes(struct prb_walk *w, uint64_t idx,
				 uint64_t len)
{
	uint64_t start, clen = w->data_size < DATA_CHUNK ? w->data_size :
		DATA_CHUNK;
	struct vx_error *err;

	if (w->chunk_len && idx >= w->chunk_start &&
	    idx + len <= w->chunk_start + w->chunk_len)
		return w->chunk + (idx - w->chunk_start);
	start = idx & ~UINT64_C(4095);
	if (start + clen > w->data_size)
		start = w->data_size - clen;
	if (start != w->bad_chunk_start) {
		w->stats->data_reads++;
		err = vx_read(w->t, w->data + start, w->chunk, clen);
		if (!err) {
			w->chunk_start = start;
			w->chunk_len = clen;
			return w->chunk + (idx - start);
		}
		vx_error_destroy(err);
		w->bad_chunk_start = start;
		w->chunk_len = 0;
	}
	w->stats->data_reads++;
	err = vx_read(w->t, w->data + idx, w->scratch, len);
	if (err) {
		vx_error_destroy(err);
		return NULL;
	}
	return w->scratch;
}

static uint64_t wraps(const struct prb_walk *w, uint64_t lpos)
{
	return lpos >> w->size_bits;
}

/*
 * Where the block {begin, next} lives: its ring index and size (id
 * included).  false for an lpos pair no writer can produce.
 */
static bool block_span(const struct prb_walk *w, uint64_t begin,
		       uint64_t next, uint64_t *idx, uint64_t *size)
{
	uint64_t mask = w->data_size - 1;
	uint64_t span = next - begin;

	if ((begin | next) & (BLOCK_ID_SIZE - 1))
		return false;
	if (span == 0 || span > 2 * w->data_size)
		return false;
	if (wraps(w, begin) == wraps(w, next - 1)) {
		/* Regular block, possibly ending exactly at the ring end. */
		*idx = begin & mask;
		*size = span;
	} else if (wraps(w, begin + w->data_size) == wraps(w, next - 1)) {
		/* Wrapped: stored from index 0; the tail end is unused. */
		*idx = 0;
		*size = ((next - 1) & mask) + 1;
	} else {
		return false;
	}
	return *size >= BLOCK_ID_SIZE && *size <= w->data_size;
}

enum rec_status { REC_OK, REC_SKIP };

/* Decode the level/flags byte: see the comment in decode_record(). */
static void decode_level(const struct prb_layout *l, const uint8_t *info,
			 struct vx_log_record *rec)
{
	uint8_t b;

	rec->level = -1;
	rec->flags = 0;
	rec->flags_known = false;
	if (l->info_caller != l->info_text_len + 4)
		return;
	b = info[l->info_text_len + 3];
	rec->flags = b & 0x1f;
	rec->level = b >> 5;
	rec->flags_known = true;
}

static enum rec_status record_text(struct prb_walk *w, uint64_t id,
				   const uint8_t *desc,
				   struct vx_log_record *rec)
{
	const struct prb_layout *l = &w->lay;
	uint64_t begin = get_u64(desc, l->desc_lpos + l->lpos_begin);
	uint64_t next = get_u64(desc, l->desc_lpos + l->lpos_next);
	uint64_t idx, size;
	const uint8_t *blk;

	if ((begin & 1) && (next & 1)) {
		if (begin == LPOS_EMPTY_LINE && next == LPOS_EMPTY_LINE &&
		    rec->text_len == 0) {
			w->text[0] = '\0';
			return REC_OK;
		}
		w->stats->lost++;
		return REC_SKIP;
	}
	if (!block_span(w, begin, next, &idx, &size) ||
	    rec->text_len > size - BLOCK_ID_SIZE) {
		w->stats->corrupt++;
		return REC_SKIP;
	}
	blk = data_bytes(w, idx, BLOCK_ID_SIZE + rec->text_len);
	if (!blk) {
		w->stats->unreadable++;
		return REC_SKIP;
	}
	/* The writer stamps the descriptor id in front of the text. */
	if ((get_u64(blk, 0) & DESC_ID_MASK) != id) {
		w->stats->corrupt++;
		return REC_SKIP;
	}
	memcpy(w->text, blk + BLOCK_ID_SIZE, rec->text_len);
	w->text[rec->text_len] = '\0';
	/* printk text holds no NUL; one here is damage, so stop at it. */
	rec->text_len = strlen(w->text);
	return REC_OK;
}

/*
 * Turn slot idx holding id into a record.  The level and flags are the
 * bit-field byte `u8 flags:5, level:3` that follows `u16 text_len; u8
 * facility;` in struct printk_info of every kernel with this ring buffer;
 * VMCOREINFO cannot export bit-fields, so we use that byte only when
 * caller_id starts right after it, as it does in that layout.
 */
static enum rec_status decode_record(struct prb_walk *w, uint64_t id,
				     uint64_t idx, const uint8_t *desc,
				     const uint8_t *info,
				     struct vx_log_record *rec)
{
	const struct prb_layout *l = &w->lay;
	uint64_t sv = get_u64(desc, l->desc_state + l->along_counter);

	if ((sv & DESC_ID_MASK) != id) {
		w->stats->missing++;
		return REC_SKIP;
	}
	switch (sv >> DESC_STATE_SHIFT) {
	case DESC_RESERVED:
		w->stats->reserved++;
		return REC_SKIP;
	case DESC_REUSABLE:
		w->stats->reusable++;
		return REC_SKIP;
	}
	rec->seq = get_u64(info, l->info_seq);
	rec->ts_nsec = get_u64(info, l->info_ts);
	rec->text_len = get_u16(info, l->info_text_len);
	rec->caller_id = get_u32(info, l->info_caller);
	decode_level(l, info, rec);
	if ((rec->seq & (w->count - 1)) != idx ||
	    (w->delivered_any && rec->seq <= w->last_seq)) {
		w->stats->corrupt++;
		return REC_SKIP;
	}
	if (record_text(w, id, desc, rec) != REC_OK)
		return REC_SKIP;
	rec->text = w->text;
	return REC_OK;
}

static struct vx_error *walk_ids(struct prb_walk *w,
				 int (*cb)(const struct vx_log_record *, void *),
				 void *arg)
{
	uint64_t n = ((w->head_id - w->tail_id) & DESC_ID_MASK) + 1;
	uint64_t id = w->tail_id;

	w->batch_len = 0;
	for (uint64_t i = 0; i < n; i++, id = (id + 1) & DESC_ID_MASK) {
		uint64_t idx = id & (w->count - 1);
		const uint8_t *desc, *info;
		struct vx_log_record rec;

		if (idx < w->batch_first ||
		    idx >= w->batch_first + w->batch_len) {
			uint64_t len = n - i;

			if (len > DESC_BATCH)
				len = DESC_BATCH;
			if (len > w->count - idx)
				len = w->count - idx;
			load_batch(w, idx, len);
		}
		w->stats->walked++;
		if (!slot(w, idx, &desc, &info)) {
			w->stats->unreadable++;
			continue;
		}
		if (decode_record(w, id, idx, desc, info, &rec) != REC_OK)
			continue;
		w->stats->records++;
		w->delivered_any = true;
		w->last_seq = rec.seq;
		if (cb(&rec, arg))
			break;
	}
	return NULL;
}

static struct vx_error *walk_alloc(struct prb_walk *w)
{
	const struct prb_layout *l = &w->lay;
	uint64_t clen = w->data_size < DATA_CHUNK ? w->data_size : DATA_CHUNK;

	w->desc_buf = malloc(DESC_BATCH * l->desc_size);
	w->info_buf = malloc(DESC_BATCH * l->info_size);
	w->chunk = malloc(clen);
	w->scratch = malloc(BLOCK_ID_SIZE + MAX_TEXT);
	w->text = malloc(MAX_TEXT + 1);
	if (!w->desc_buf || !w->info_buf || !w->chunk || !w->scratch ||
	    !w->text)
		return vx_error_nomem_in("printk ring reader");
	return NULL;
}

static void walk_free(struct prb_walk *w)
{
	free(w->desc_buf);
	free(w->info_buf);
	free(w->chunk);
	free(w->scratch);
	free(w->text);
}

struct vx_error *vx_printk_walk(struct vx_target *t,
				const struct vx_vmcoreinfo *v,
				int (*cb)(const struct vx_log_record *rec,
					  void *arg),
				void *arg, struct vx_printk_stats *stats)
{
	struct vx_printk_stats local;
	struct prb_walk w = { .t = t, .bad_chunk_start = UINT64_MAX };
	uint64_t prb_sym, rb;
	struct vx_error *err;

	w.stats = stats ? stats : &local;
	memset(w.stats, 0, sizeof(*w.stats));
	err = layout_load(v, &w.lay);
	if (!err)
		err = layout_check(&w.lay);
	if (err)
		return err;
	if (!vx_vmcoreinfo_symbol(v, "prb", &prb_sym))
		return vx_error_create(VX_ERR_NOT_FOUND,
				       "VMCOREINFO has no SYMBOL(prb): the dump does not locate the printk ring buffer");
	/* prb is a pointer: to printk_rb_static, or printk_rb_dynamic. */
	err = vx_read_u64(t, prb_sym, &rb);
	if (err)
		return vx_error_wrap(err, "reading the printk pointer prb");
	err = read_ring_header(&w, rb);
	if (err)
		return err;
	w.stats->desc_count = w.count;
	w.stats->data_size = w.data_size;
	err = walk_alloc(&w);
	if (!err)
		err = walk_ids(&w, cb, arg);
	walk_free(&w);
	return err;
}

struct vx_error *vx_printk_foreach(struct vx_target *t,
				   const struct vx_vmcoreinfo *v,
				   int (*cb)(const struct vx_log_record *rec,
					     void *arg),
				   void *arg)
{
	return vx_printk_walk(t, v, cb, arg, NULL);
}

int vx_log_record_print(FILE *out, const struct vx_log_record *r)
{
	const char *line = r->text;
	const char *end = r->text + r->text_len;
	int total = 0;

	do {
		const char *nl = memchr(line, '\n', end - line);
		size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
		int n = fprintf(out, "[%5lu.%06lu] %.*s\n",
				(unsigned long)(r->ts_nsec / 1000000000),
				(unsigned long)(r->ts_nsec % 1000000000 / 1000),
				(int)len, line);

		if (n < 0)
			return n;
		total += n;
		line = nl ? nl + 1 : end;
	} while (line < end);
	return total;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_log.h"

#define ID_MASK		((UINT64_C(1) << 62) - 1)
#define STATE_SHIFT	62
#define FINALIZED	2
#define REUSABLE	3
#define MAX_HOLES	16

/* Where the fake structures live in the fake kernel address space. */
#define PRB_SYM		UINT64_C(0xffffffff82a00000)
#define RING_ADDR	UINT64_C(0xffffffff82a01000)
#define DESCS_ADDR	UINT64_C(0xffffffff83000000)
#define INFOS_ADDR	UINT64_C(0xffffffff84000000)
#define DATA_ADDR	UINT64_C(0xffffffff86000000)

const struct fake_log_layout fake_log_layout_510 = {
	.name = "5.10",
	.rb_size = 80, .rb_desc_ring = 0, .rb_text_ring = 40, .rb_fail = 72,
	.dr_size = 40, .dr_count_bits = 0, .dr_descs = 8, .dr_infos = 16,
	.dr_head = 24, .dr_tail = 32,
	.desc_size = 24, .desc_state = 0, .desc_lpos = 8,
	.info_size = 88, .info_seq = 0, .info_ts = 8, .info_text_len = 16,
	.info_caller = 20, .info_dev = 24,
	.data_size = 32, .data_bits = 0, .data_data = 8, .data_head = 16,
	.data_tail = 24,
};

const struct fake_log_layout fake_log_layout_61 = {
	.name = "6.1",
	.rb_size = 88, .rb_desc_ring = 0, .rb_text_ring = 48, .rb_fail = 80,
	.dr_size = 48, .dr_count_bits = 0, .dr_descs = 8, .dr_infos = 16,
	.dr_head = 24, .dr_tail = 32,
	.desc_size = 24, .desc_state = 0, .desc_lpos = 8,
	.info_size = 88, .info_seq = 0, .info_ts = 8, .info_text_len = 16,
	.info_caller = 20, .info_dev = 24,
	.data_size = 32, .data_bits = 0, .data_data = 8, .data_head = 16,
	.data_tail = 24,
	.latched_clear_seq = true,
};

const struct fake_log_layout fake_log_layout_72 = {
	.name = "7.2",
	.rb_size = 88, .rb_desc_ring = 0, .rb_text_ring = 48, .rb_fail = 80,
	.dr_size = 48, .dr_count_bits = 0, .dr_descs = 8, .dr_infos = 16,
	.dr_head = 24, .dr_tail = 32,
	.desc_size = 24, .desc_state = 0, .desc_lpos = 8,
	.info_size = 88, .info_seq = 0, .info_ts = 8, .info_text_len = 16,
	.info_caller = 20, .info_dev = 24,
	.data_size = 32, .data_bits = 0, .data_data = 8, .data_head = 16,
	.data_tail = 24,
	.latched_clear_seq = true,
	.blocks_end_at_ring_end = true,
};

const struct fake_log_layout fake_log_layout_shuffled = {
	.name = "shuffled",
	.rb_size = 120, .rb_desc_ring = 16, .rb_text_ring = 72, .rb_fail = 8,
	.dr_size = 56, .dr_count_bits = 52, .dr_descs = 24, .dr_infos = 8,
	.dr_head = 40, .dr_tail = 16,
	.desc_size = 40, .desc_state = 24, .desc_lpos = 0,
	.info_size = 112, .info_seq = 32, .info_ts = 0, .info_text_len = 40,
	.info_caller = 44, .info_dev = 48,
	.data_size = 48, .data_bits = 40, .data_data = 24, .data_head = 0,
	.data_tail = 8,
	.latched_clear_seq = true,
};

struct region {
	uint64_t addr, size;
	uint8_t *bytes;
};

struct fake_log {
	struct vx_target target;
	const struct fake_log_layout *lay;
	unsigned int count_bits, size_bits;
	uint64_t count, data_size;
	struct region ring, descs, infos, data, sym;
	struct { uint64_t addr, len; } holes[MAX_HOLES];
	int nholes;
	uint64_t head_id, tail_id, head_lpos, tail_lpos, next_seq;
	uint64_t reads;
	char *vmcoreinfo;
};

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static struct region *region_of(struct fake_log *fl, uint64_t addr,
				uint64_t len)
{
	struct region *all[] = { &fl->ring, &fl->descs, &fl->infos, &fl->data,
				 &fl->sym };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (addr >= all[i]->addr && len <= all[i]->size &&
		    addr - all[i]->addr <= all[i]->size - len)
			return all[i];
	return NULL;
}

static bool in_hole(struct fake_log *fl, uint64_t addr, uint64_t len)
{
	for (int i = 0; i < fl->nholes; i++)
		if (addr < fl->holes[i].addr + fl->holes[i].len &&
		    fl->holes[i].addr < addr + len)
			return true;
	return false;
}

static struct vx_error *fake_read(struct vx_target *t, uint64_t addr,
				  void *buf, size_t len)
{
	struct fake_log *fl = t->priv;
	struct region *r = region_of(fl, addr, len);

	fl->reads++;
	if (!r || in_hole(fl, addr, len))
		return vx_error_fault(addr, "fake memory: 0x%lx (%zu bytes) not mapped",
				      (unsigned long)addr, len);
	memcpy(buf, r->bytes + (addr - r->addr), len);
	return NULL;
}

static uint8_t *desc_at(struct fake_log *fl, uint64_t idx)
{
	return fl->descs.bytes + idx * fl->lay->desc_size;
}

static uint8_t *info_at(struct fake_log *fl, uint64_t idx)
{
	return fl->infos.bytes + idx * fl->lay->info_size;
}

/* Mirror the writer's counters into the struct printk_ringbuffer. */
static void sync_ring(struct fake_log *fl)
{
	const struct fake_log_layout *l = fl->lay;
	uint8_t *dr = fl->ring.bytes + l->rb_desc_ring;
	uint8_t *tr = fl->ring.bytes + l->rb_text_ring;

	put64(dr + l->dr_head, fl->head_id);
	put64(dr + l->dr_tail, fl->tail_id);
	put64(tr + l->data_head, fl->head_lpos);
	put64(tr + l->data_tail, fl->tail_lpos);
}

static void append_line(char **buf, size_t *len, const char *fmt,
			unsigned long long val, const char *name)
{
	char line[160];
	int n = snprintf(line, sizeof(line), fmt, name, val);

	*buf = realloc(*buf, *len + n + 1);
	memcpy(*buf + *len, line, n + 1);
	*len += n;
}

static void render_vmcoreinfo(struct fake_log *fl)
{
	const struct fake_log_layout *l = fl->lay;
	char *s = NULL;
	size_t n = 0;
#define SZ(name, v) append_line(&s, &n, "SIZE(%s)=%llu\n", v, name)
#define OFF(name, v) append_line(&s, &n, "OFFSET(%s)=%llu\n", v, name)
	append_line(&s, &n, "SYMBOL(%s)=%llx\n", PRB_SYM, "prb");
	append_line(&s, &n, "SYMBOL(%s)=%llx\n", RING_ADDR, "printk_rb_static");
	SZ("printk_ringbuffer", l->rb_size);
	OFF("printk_ringbuffer.desc_ring", l->rb_desc_ring);
	OFF("printk_ringbuffer.text_data_ring", l->rb_text_ring);
	OFF("printk_ringbuffer.fail", l->rb_fail);
	SZ("prb_desc_ring", l->dr_size);
	OFF("prb_desc_ring.count_bits", l->dr_count_bits);
	OFF("prb_desc_ring.descs", l->dr_descs);
	OFF("prb_desc_ring.infos", l->dr_infos);
	OFF("prb_desc_ring.head_id", l->dr_head);
	OFF("prb_desc_ring.tail_id", l->dr_tail);
	SZ("prb_desc", l->desc_size);
	OFF("prb_desc.state_var", l->desc_state);
	OFF("prb_desc.text_blk_lpos", l->desc_lpos);
	SZ("prb_data_blk_lpos", 16);
	OFF("prb_data_blk_lpos.begin", 0);
	OFF("prb_data_blk_lpos.next", 8);
	SZ("printk_info", l->info_size);
	OFF("printk_info.seq", l->info_seq);
	OFF("printk_info.ts_nsec", l->info_ts);
	OFF("printk_info.text_len", l->info_text_len);
	OFF("printk_info.caller_id", l->info_caller);
	OFF("printk_info.dev_info", l->info_dev);
	SZ("dev_printk_info", 64);
	OFF("dev_printk_info.subsystem", 0);
	append_line(&s, &n, "LENGTH(%s)=%llu\n", 16, "printk_info_subsystem");
	OFF("dev_printk_info.device", 16);
	append_line(&s, &n, "LENGTH(%s)=%llu\n", 48, "printk_info_device");
	SZ("prb_data_ring", l->data_size);
	OFF("prb_data_ring.size_bits", l->data_bits);
	OFF("prb_data_ring.data", l->data_data);
	OFF("prb_data_ring.head_lpos", l->data_head);
	OFF("prb_data_ring.tail_lpos", l->data_tail);
	SZ("atomic_long_t", 8);
	OFF("atomic_long_t.counter", 0);
	if (l->latched_clear_seq) {
		SZ("latched_seq", 24);
		OFF("latched_seq.val", 8);
	}
#undef SZ
#undef OFF
	fl->vmcoreinfo = s;
}

static void region_init(struct region *r, uint64_t addr, uint64_t size)
{
	r->addr = addr;
	r->size = size;
	r->bytes = calloc(1, size);
	if (!r->bytes)
		abort();
}

struct fake_log *fake_log_create(const struct fake_log_layout *layout,
				 unsigned int count_bits,
				 unsigned int size_bits)
{
	struct fake_log *fl = calloc(1, sizeof(*fl));
	const struct fake_log_layout *l = layout;
	uint8_t *dr, *tr;

	if (!fl)
		abort();
	fl->lay = l;
	fl->count_bits = count_bits;
	fl->size_bits = size_bits;
	fl->count = UINT64_C(1) << count_bits;
	fl->data_size = UINT64_C(1) << size_bits;
	region_init(&fl->sym, PRB_SYM, 8);
	region_init(&fl->ring, RING_ADDR, l->rb_size);
	region_init(&fl->descs, DESCS_ADDR, fl->count * l->desc_size);
	region_init(&fl->infos, INFOS_ADDR, fl->count * l->info_size);
	region_init(&fl->data, DATA_ADDR, fl->data_size);
	put64(fl->sym.bytes, RING_ADDR);

	/* The kernel's bootstrap state (DESC0_ID, BLK0_LPOS). */
	fl->head_id = fl->tail_id = (-(fl->count + 1)) & ID_MASK;
	fl->head_lpos = fl->tail_lpos = -fl->data_size;
	put64(desc_at(fl, fl->count - 1) + l->desc_state,
	      ((uint64_t)REUSABLE << STATE_SHIFT) | fl->head_id);
	put64(desc_at(fl, fl->count - 1) + l->desc_lpos, 1);
	put64(desc_at(fl, fl->count - 1) + l->desc_lpos + 8, 1);
	put64(info_at(fl, 0) + l->info_seq, -fl->count);

	dr = fl->ring.bytes + l->rb_desc_ring;
	tr = fl->ring.bytes + l->rb_text_ring;
	memcpy(dr + l->dr_count_bits, &count_bits, 4);
	put64(dr + l->dr_descs, DESCS_ADDR);
	put64(dr + l->dr_infos, INFOS_ADDR);
	memcpy(tr + l->data_bits, &size_bits, 4);
	put64(tr + l->data_data, DATA_ADDR);
	sync_ring(fl);

	fl->target.read = fake_read;
	fl->target.name = "fake-log";
	fl->target.priv = fl;
	render_vmcoreinfo(fl);
	fl->target.vmcoreinfo = fl->vmcoreinfo;
	return fl;
}

void fake_log_destroy(struct fake_log *fl)
{
	if (!fl)
		return;
	free(fl->sym.bytes);
	free(fl->ring.bytes);
	free(fl->descs.bytes);
	free(fl->infos.bytes);
	free(fl->data.bytes);
	free(fl->vmcoreinfo);
	free(fl);
}

struct vx_target *fake_log_target(struct fake_log *fl)
{
	return &fl->target;
}

const char *fake_log_vmcoreinfo(struct fake_log *fl)
{
	return fl->vmcoreinfo;
}

char *fake_log_vmcoreinfo_without(struct fake_log *fl, const char *key)
{
	char *out = calloc(1, strlen(fl->vmcoreinfo) + 1);
	const char *line = fl->vmcoreinfo;
	size_t n = 0;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);

		if (strncmp(line, key, strlen(key))) {
			memcpy(out + n, line, len);
			n += len;
		}
		line += len;
	}
	return out;
}

static uint64_t wraps(struct fake_log *fl, uint64_t lpos)
{
	return lpos >> fl->size_bits;
}

/* Make the oldest record reusable and move both tails past it. */
static void retire_tail(struct fake_log *fl)
{
	const struct fake_log_layout *l = fl->lay;
	uint8_t *d = desc_at(fl, fl->tail_id & (fl->count - 1));
	uint64_t next = get64(d + l->desc_lpos + 8);

	if (fl->tail_id == fl->head_id)
		abort();	/* a test asked for more than the ring holds */
	put64(d + l->desc_state, ((uint64_t)REUSABLE << STATE_SHIFT) |
	      fl->tail_id);
	if (!(next & 1) && next - fl->tail_lpos <= 2 * fl->data_size)
		fl->tail_lpos = next;
	fl->tail_id = (fl->tail_id + 1) & ID_MASK;
}

/* Reserve a block of size bytes: returns {begin, next}, moves head. */
static void reserve_block(struct fake_log *fl, uint64_t size,
			  uint64_t *begin, uint64_t *next)
{
	bool wrapped;

	*begin = fl->head_lpos;
	*next = *begin + size;
	if (fl->lay->blocks_end_at_ring_end)
		wrapped = wraps(fl, *begin) != wraps(fl, *next - 1);
	else
		wrapped = wraps(fl, *begin) != wraps(fl, *next);
	if (wrapped)
		*next = ((wraps(fl, *begin) + 1) << fl->size_bits) + size;
	while (*next - fl->tail_lpos > fl->data_size)
		retire_tail(fl);
	fl->head_lpos = *next;
}

static uint64_t append(struct fake_log *fl, uint64_t ts, uint32_t caller,
		       int level, unsigned int flags, const char *text,
		       bool lost)
{
	const struct fake_log_layout *l = fl->lay;
	uint64_t id = (fl->head_id + 1) & ID_MASK;
	uint64_t idx = id & (fl->count - 1);
	size_t len = text ? strlen(text) : 0;
	uint64_t begin = lost ? 1 : 3, next = begin, seq = fl->next_seq++;
	uint8_t *d, *f;

	while (((id - fl->tail_id) & ID_MASK) >= fl->count)
		retire_tail(fl);
	if (len && !lost) {
		uint64_t size = (8 + len + 7) & ~UINT64_C(7);
		uint64_t mask = fl->data_size - 1, at;

		reserve_block(fl, size, &begin, &next);
		put64(fl->data.bytes + (begin & mask), id);
		at = wraps(fl, begin) == wraps(fl, next - 1) ? begin & mask : 0;
		put64(fl->data.bytes + at, id);
		memcpy(fl->data.bytes + at + 8, text, len);
	}
	d = desc_at(fl, idx);
	f = info_at(fl, idx);
	put64(d + l->desc_state, ((uint64_t)FINALIZED << STATE_SHIFT) | id);
	put64(d + l->desc_lpos, begin);
	put64(d + l->desc_lpos + 8, next);
	put64(f + l->info_seq, seq);
	put64(f + l->info_ts, ts);
	f[l->info_text_len] = len & 0xff;
	f[l->info_text_len + 1] = len >> 8;
	f[l->info_text_len + 3] = (flags & 0x1f) | (level & 7) << 5;
	memcpy(f + l->info_caller, &caller, 4);
	fl->head_id = id;
	sync_ring(fl);
	return seq;
}

uint64_t fake_log_append(struct fake_log *fl, uint64_t ts_nsec,
			 uint32_t caller_id, int level, unsigned int flags,
			 const char *text)
{
	return append(fl, ts_nsec, caller_id, level, flags, text, false);
}

uint64_t fake_log_append_lost(struct fake_log *fl, uint32_t caller_id)
{
	return append(fl, 0, caller_id, 4, 0, "lost", true);
}

void fake_log_set_state(struct fake_log *fl, uint64_t seq, unsigned int state)
{
	uint8_t *d = desc_at(fl, seq & (fl->count - 1)) + fl->lay->desc_state;

	put64(d, (get64(d) & ID_MASK) | (uint64_t)state << STATE_SHIFT);
}

void fake_log_set_state_var(struct fake_log *fl, uint64_t seq, uint64_t raw)
{
	put64(desc_at(fl, seq & (fl->count - 1)) + fl->lay->desc_state, raw);
}

void fake_log_set_bits(struct fake_log *fl, unsigned int count_bits,
		       unsigned int size_bits)
{
	const struct fake_log_layout *l = fl->lay;

	memcpy(fl->ring.bytes + l->rb_desc_ring + l->dr_count_bits,
	       &count_bits, 4);
	memcpy(fl->ring.bytes + l->rb_text_ring + l->data_bits, &size_bits, 4);
}

void fake_log_set_ids(struct fake_log *fl, uint64_t head_id, uint64_t tail_id)
{
	fl->head_id = head_id;
	fl->tail_id = tail_id;
	sync_ring(fl);
}

void fake_log_set_lpos(struct fake_log *fl, uint64_t seq, uint64_t begin,
		       uint64_t next)
{
	uint8_t *d = desc_at(fl, seq & (fl->count - 1)) + fl->lay->desc_lpos;

	put64(d, begin);
	put64(d + 8, next);
}

void fake_log_set_info_seq(struct fake_log *fl, uint64_t seq, uint64_t new_seq)
{
	put64(info_at(fl, seq & (fl->count - 1)) + fl->lay->info_seq, new_seq);
}

void fake_log_set_prb(struct fake_log *fl, uint64_t addr)
{
	put64(fl->sym.bytes, addr);
}

void fake_log_write(struct fake_log *fl, uint64_t addr, const void *buf,
		    uint64_t len)
{
	struct region *r = region_of(fl, addr, len);

	if (!r)
		abort();
	memcpy(r->bytes + (addr - r->addr), buf, len);
}

void fake_log_unmap(struct fake_log *fl, uint64_t addr, uint64_t len)
{
	if (fl->nholes == MAX_HOLES)
		abort();
	fl->holes[fl->nholes].addr = addr;
	fl->holes[fl->nholes].len = len;
	fl->nholes++;
}

uint64_t fake_log_desc_addr(struct fake_log *fl, uint64_t seq)
{
	return DESCS_ADDR + (seq & (fl->count - 1)) * fl->lay->desc_size;
}

uint64_t fake_log_info_addr(struct fake_log *fl, uint64_t seq)
{
	return INFOS_ADDR + (seq & (fl->count - 1)) * fl->lay->info_size;
}

uint64_t fake_log_data_addr(struct fake_log *fl)
{
	return DATA_ADDR;
}

uint64_t fake_log_ring_addr(struct fake_log *fl)
{
	return RING_ADDR;
}

uint64_t fake_log_head_lpos(struct fake_log *fl)
{
	return fl->head_lpos;
}

uint64_t fake_log_tail_id(struct fake_log *fl)
{
	return fl->tail_id;
}

uint64_t fake_log_head_id(struct fake_log *fl)
{
	return fl->head_id;
}

uint64_t fake_log_reads(struct fake_log *fl)
{
	return fl->reads;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overlay.h"

struct patch {
	uint64_t addr, len;
	uint8_t *bytes;		/* NULL: a hole */
};

/* A page of the base target, kept so forked children need not re-read. */
struct cached_page {
	uint64_t addr;		/* page address + 1; 0 = empty slot */
	uint8_t *bytes;
};

#define CACHE_PAGE 4096ULL

struct overlay {
	struct vx_target target;
	struct cached_page *cache;
	size_t cache_slots, cache_used;
	bool caching;
	struct vx_target *base;
	struct patch *patches;
	size_t nr_patches, cap_patches;
	bool recording;
	unsigned int phase;
	struct overlay_read *log;
	size_t nr_log, cap_log;
	uint64_t reads, bytes;
};

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	if (*cap < need)
		*cap = need;
	p = realloc(p, *cap * elem);
	if (!p)
		abort();
	return p;
}

static void log_read(struct overlay *o, uint64_t addr, size_t len)
{
	o->log = grow(o->log, &o->cap_log, o->nr_log + 1, sizeof(*o->log));
	o->log[o->nr_log++] = (struct overlay_read){ addr, len, o->phase };
}

/* End of [a, a + len), saturated: a hostile read may wrap the space. */
static uint64_t end_of(uint64_t a, uint64_t len)
{
	return a + len < a ? UINT64_MAX : a + len;
}

static bool meets(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < end_of(b, blen) && b < end_of(a, alen);
}

static struct cached_page *cache_slot(struct overlay *o, uint64_t page)
{
	size_t i = (page / CACHE_PAGE * 0x9e3779b97f4a7c15ULL) %
		   o->cache_slots;

	while (o->cache[i].addr && o->cache[i].addr != page + 1)
		i = (i + 1) % o->cache_slots;
	return &o->cache[i];
}

static void cache_grow(struct overlay *o)
{
	struct cached_page *old = o->cache;
	size_t n = o->cache_slots;

	o->cache_slots = n ? n * 2 : 4096;
	o->cache = calloc(o->cache_slots, sizeof(*o->cache));
	if (!o->cache)
		abort();
	o->cache_used = 0;
	for (size_t i = 0; i < n; i++)
		if (old[i].addr) {
			*cache_slot(o, old[i].addr - 1) = old[i];
			o->cache_used++;
		}
	free(old);
}

/* One page from the cache or the base; NULL if the base cannot read it. */
static const uint8_t *cached(struct overlay *o, uint64_t page)
{
	struct cached_page *c;
	uint8_t *bytes;
	struct vx_error *err;

	if (2 * (o->cache_used + 1) > o->cache_slots)
		cache_grow(o);
	c = cache_slot(o, page);
	if (c->addr)
		return c->bytes;
	bytes = malloc(CACHE_PAGE);
	if (!bytes)
		abort();
	err = vx_read(o->base, page, bytes, CACHE_PAGE);
	if (err) {
		vx_error_destroy(err);
		free(bytes);
		return NULL;
	}
	c->addr = page + 1;
	c->bytes = bytes;
	o->cache_used++;
	return bytes;
}

/* Serve from whole cached pages; false: some page is not whole in the base. */
static bool read_cached(struct overlay *o, uint64_t addr, uint8_t *out,
			size_t len)
{
	while (len) {
		uint64_t page = addr & ~(CACHE_PAGE - 1);
		size_t piece = CACHE_PAGE - (addr - page);
		const uint8_t *bytes;

		if (page + CACHE_PAGE < page)
			return false;
		bytes = cached(o, page);
		if (!bytes)
			return false;
		if (piece > len)
			piece = len;
		memcpy(out, bytes + (addr - page), piece);
		out += piece;
		addr += piece;
		len -= piece;
	}
	return true;
}

static struct vx_error *overlay_read(struct vx_target *t, uint64_t addr,
				     void *buf, size_t len)
{
	struct overlay *o = t->priv;
	struct vx_error *err;
	uint8_t *out = buf;

	o->reads++;
	o->bytes += len;
	if (o->recording)
		log_read(o, addr, len);
	for (size_t i = 0; i < o->nr_patches; i++) {
		struct patch *p = &o->patches[i];

		if (!p->bytes && meets(addr, len, p->addr, p->len)) {
			uint64_t at = p->addr > addr ? p->addr : addr;

			return vx_error_fault(at, "0x%lx: page not in dump",
					      (unsigned long)at);
		}
	}
	if (!o->caching || !read_cached(o, addr, buf, len)) {
		err = vx_read(o->base, addr, buf, len);
		if (err)
			return err;
	}
	for (size_t i = 0; i < o->nr_patches; i++) {
		struct patch *p = &o->patches[i];
		uint64_t from, to;

		if (!p->bytes || !meets(addr, len, p->addr, p->len))
			continue;
		from = p->addr > addr ? p->addr : addr;
		to = end_of(p->addr, p->len) < end_of(addr, len) ?
		     end_of(p->addr, p->len) : end_of(addr, len);
		memcpy(out + (from - addr), p->bytes + (from - p->addr),
		       to - from);
	}
	return NULL;
}

static struct vx_error *overlay_symbol(struct vx_target *t, const char *name,
				       uint64_t *addr)
{
	struct overlay *o = t->priv;

	return o->base->symbol(o->base, name, addr);
}

struct overlay *overlay_create(struct vx_target *base)
{
	struct overlay *o = calloc(1, sizeof(*o));

	if (!o)
		abort();
	o->base = base;
	o->target = (struct vx_target){
		.read = overlay_read,
		.symbol = base->symbol ? overlay_symbol : NULL,
		.vmcoreinfo = base->vmcoreinfo,
		.types = base->types,
		.name = base->name,
		.priv = o,
	};
	return o;
}

void overlay_clear(struct overlay *o)
{
	for (size_t i = 0; i < o->nr_patches; i++)
		free(o->patches[i].bytes);
	o->nr_patches = 0;
}

void overlay_destroy(struct overlay *o)
{
	if (!o)
		return;
	overlay_clear(o);
	for (size_t i = 0; i < o->cache_slots; i++)
		free(o->cache[i].bytes);
	free(o->cache);
	free(o->patches);
	free(o->log);
	free(o);
}

struct vx_target *overlay_target(struct overlay *o)
{
	return &o->target;
}

static struct patch *add_patch(struct overlay *o, uint64_t addr, uint64_t len)
{
	struct patch *p;

	o->patches = grow(o->patches, &o->cap_patches, o->nr_patches + 1,
			  sizeof(*o->patches));
	p = &o->patches[o->nr_patches++];
	p->addr = addr;
	p->len = len;
	p->bytes = NULL;
	return p;
}

void overlay_patch(struct overlay *o, uint64_t addr, const void *data,
		   size_t len)
{
	struct patch *p;

	if (!len || addr + len < addr)
		return;
	p = add_patch(o, addr, len);
	p->bytes = malloc(len);
	if (!p->bytes)
		abort();
	memcpy(p->bytes, data, len);
}

void overlay_hole(struct overlay *o, uint64_t addr, uint64_t len)
{
	if (len && addr + len >= addr)
		add_patch(o, addr, len);
}

void overlay_record(struct overlay *o, bool on)
{
	o->recording = on;
}

void overlay_set_phase(struct overlay *o, unsigned int phase)
{
	o->phase = phase;
}

const struct overlay_read *overlay_reads(const struct overlay *o, size_t *n)
{
	*n = o->nr_log;
	return o->log;
}

uint64_t overlay_nr_reads(const struct overlay *o)
{
	return o->reads;
}

uint64_t overlay_bytes_read(const struct overlay *o)
{
	return o->bytes;
}

void overlay_cache(struct overlay *o, bool on)
{
	o->caching = on;
}

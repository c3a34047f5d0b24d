// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "fake_mem.h"

struct fake_mem_region {
	uint64_t addr;
	size_t len;
	uint8_t *bytes;
};

struct fake_mem {
	struct vx_target target;
	struct fake_mem_region *regions;
	size_t nr_regions;
	unsigned long reads;
	uint64_t *excluded;	/* page addresses */
	size_t nr_excluded;
	int dump_level;
};

#define FAKE_PAGE 4096ULL

static int fake_mem_excluded(struct vx_target *t, uint64_t addr)
{
	struct fake_mem *fm = t->priv;

	for (size_t i = 0; i < fm->nr_excluded; i++)
		if (fm->excluded[i] == (addr & ~(FAKE_PAGE - 1)))
			return 1;
	return 0;
}

static int fake_mem_dump_level(struct vx_target *t)
{
	return ((struct fake_mem *)t->priv)->dump_level;
}

/* First excluded address in [addr, addr + len), or 0. */
static uint64_t first_excluded(struct vx_target *t, uint64_t addr, size_t len)
{
	uint64_t page = addr & ~(FAKE_PAGE - 1);

	for (; page < addr + len; page += FAKE_PAGE)
		if (fake_mem_excluded(t, page))
			return page < addr ? addr : page;
	return 0;
}

static struct fake_mem_region *fake_mem_find(struct fake_mem *fm,
					     uint64_t addr)
{
	size_t i;

	for (i = 0; i < fm->nr_regions; i++) {
		struct fake_mem_region *r = &fm->regions[i];

		if (addr >= r->addr && addr - r->addr < r->len)
			return r;
	}
	return NULL;
}

/* Regions may touch, so a read may cross from one into the next. */
static struct vx_error *fake_mem_read(struct vx_target *t, uint64_t addr,
				      void *buf, size_t len)
{
	struct fake_mem *fm = t->priv;
	uint8_t *out = buf;

	fm->reads++;
	if (fm->nr_excluded) {
		uint64_t at = first_excluded(t, addr, len);

		if (at)
			return vx_error_fault(at, "0x%lx: page not in dump",
					      (unsigned long)at);
	}
	while (len) {
		struct fake_mem_region *r = fake_mem_find(fm, addr);
		size_t piece;

		if (!r)
			return vx_error_fault(addr, "fake_mem: nothing at 0x%lx",
					      (unsigned long)addr);
		piece = r->len - (addr - r->addr);
		if (piece > len)
			piece = len;
		memcpy(out, r->bytes + (addr - r->addr), piece);
		out += piece;
		addr += piece;
		len -= piece;
	}
	return NULL;
}

struct vx_target *fake_mem_create(void)
{
	struct fake_mem *fm = calloc(1, sizeof(*fm));

	if (!fm)
		abort();
	fm->target.read = fake_mem_read;
	fm->target.excluded = fake_mem_excluded;
	fm->target.dump_level = fake_mem_dump_level;
	fm->dump_level = -1;
	fm->target.name = "fake_mem";
	fm->target.priv = fm;
	return &fm->target;
}

void fake_mem_add(struct vx_target *t, uint64_t addr, const void *data,
		  size_t len)
{
	struct fake_mem *fm = t->priv;
	struct fake_mem_region *r;

	fm->regions = realloc(fm->regions,
			      (fm->nr_regions + 1) * sizeof(*fm->regions));
	if (!fm->regions)
		abort();
	r = &fm->regions[fm->nr_regions++];
	r->addr = addr;
	r->len = len;
	r->bytes = malloc(len ? len : 1);
	if (!r->bytes)
		abort();
	memcpy(r->bytes, data, len);
}

unsigned long fake_mem_reads(struct vx_target *t)
{
	return ((struct fake_mem *)t->priv)->reads;
}

void fake_mem_exclude(struct vx_target *t, uint64_t addr)
{
	struct fake_mem *fm = t->priv;

	fm->excluded = realloc(fm->excluded,
			       (fm->nr_excluded + 1) * sizeof(*fm->excluded));
	if (!fm->excluded)
		abort();
	fm->excluded[fm->nr_excluded++] = addr & ~(FAKE_PAGE - 1);
}

void fake_mem_set_dump_level(struct vx_target *t, int level)
{
	((struct fake_mem *)t->priv)->dump_level = level;
}

void fake_mem_destroy(struct vx_target *t)
{
	struct fake_mem *fm;
	size_t i;

	if (!t)
		return;
	fm = t->priv;
	for (i = 0; i < fm->nr_regions; i++)
		free(fm->regions[i].bytes);
	free(fm->regions);
	free(fm->excluded);
	free(fm);
}

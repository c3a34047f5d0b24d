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
};

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
	free(fm);
}

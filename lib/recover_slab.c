// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vmap_area objects in the slab pages of their cache (recover.h,
 * doc/kernel.md §1.7).  Every vmap_area comes from vmap_area_cachep; its
 * slabs are found in the memory map (the struct page of a slab's first
 * page holds slab_cache), their objects enumerated from the cache's size
 * and each slab's object count, and the free ones removed: the slab's
 * freelist, each CPU's freelist (6.x: kmem_cache_cpu), each CPU's
 * sheaves and each node's barn (7.x).  What is left was allocated when
 * the kernel stopped.  Whatever cannot be read or checked ends the scan
 * with its reason: a partial free set would pass free objects for live.
 */
#include <stdlib.h>
#include <string.h>

#include "recover.h"
#include "sort.h"

#define PAGE_SHIFT	12
#define MAX_OBJECTS	0x7fff		/* the width of slab.objects */
#define MAX_SLAB_BYTES	(VX_PAGE_SIZE << 10)
#define MAX_CPUS	8192
#define MAX_SHEAF	4096
#define MAX_BARN_SHEAVES 4096
#define MAX_NODES	1024
/* KFENCE_POOL_SIZE: (CONFIG_KFENCE_NUM_OBJECTS + 1) * 2 pages, at most 65535 objects. */
#define MAX_KFENCE_POOL	((65535ULL + 1) * 2 * VX_PAGE_SIZE)

struct slab_layout {
	/* struct kmem_cache */
	uint64_t size, offset, oo, min, red_left_pad, random, cpu_slab;
	uint64_t cpu_sheaves;
	/* the barn of node n: *(cache + barn_arr + n * barn_stride) [+ barn_in] */
	uint64_t barn_arr, barn_stride, barn_in;
	/* struct slab, over struct page */
	uint64_t slab_cache, freelist, counters, page_type, page_size;
	/* 6.x: struct kmem_cache_cpu */
	uint64_t c_freelist, c_slab;
	/* 7.x: struct slub_percpu_sheaves, slab_sheaf, node_barn */
	uint64_t pcs_main, pcs_spare, pcs_rcu_free, pcs_barn;
	uint64_t sheaf_size, sheaf_objects, sheaf_barn_list;
	uint64_t kcn_barn, barn_full;
};

struct scan {
	struct vx_kernel *k;
	struct slab_layout l;
	uint64_t cache, vmemmap, page_offset, max_pfn;
	uint32_t size, offset, oo_objects, min_objects, red_left_pad;
	uint64_t random;
	bool hardened;
	uint8_t slab_type;		/* page_type >> 24 of a slab (6.10+) */
	int64_t pg_slab;		/* PG_slab bit of page->flags, or -1 */
	uint64_t *free;			/* free objects, then sorted */
	size_t nr_free, cap_free;
	struct vx_slab_scan *out;
	size_t cap_obj;
	/* Freelists that ran into an excluded page: their slab's free set is unknown. */
	uint64_t *tainted;
	size_t nr_tainted, cap_tainted;
	/* Each slab read: [first object, end), in memory-map order. */
	struct range { uint64_t start, end; } *slab;
	size_t nr_slab, cap_slab;
	/* KFENCE's pool ([kfence, kfence + MAX_KFENCE_POOL)), 0 if none. */
	uint64_t kfence;
};

static bool grow(void **v, size_t *cap, size_t n, size_t each)
{
	size_t c = *cap ? 2 * *cap : 256;
	void *g;

	if (n < *cap)
		return true;
	g = realloc(*v, c * each);
	if (!g)
		return false;
	*v = g;
	*cap = c;
	return true;
}

static struct vx_error *fail(const char *fmt, const char *what)
{
	return vx_error_create(VX_ERR_UNSUPPORTED, fmt, what);
}

/* Offset of type.path, VX_ABSENT when the member does not exist. */
static uint64_t member(struct vx_kernel *k, const char *type, const char *path)
{
	struct vx_member m;
	struct vx_error *err = vx_member(k->types, type, path, &m);

	vx_error_destroy(err);
	return err ? VX_ABSENT : m.offset;
}

/*
 * Where a node's barn hangs: kmem_cache.per_node[n].barn (7.x), or
 * kmem_cache.node[n]->barn; 6.18 keeps one in each CPU's sheaves.
 */
static struct vx_error *barn_layout(struct vx_kernel *k, struct slab_layout *l)
{
	l->barn_arr = member(k, "kmem_cache", "per_node");
	l->barn_in = VX_ABSENT;
	if (l->barn_arr != VX_ABSENT) {
		uint64_t barn = member(k, "kmem_cache_per_node_ptrs", "barn");

		if (barn == VX_ABSENT)
			return fail("%s: kmem_cache.per_node has no barn",
				    k->types->source);
		l->barn_arr += barn;
		return vx_type_size(k->types, "kmem_cache_per_node_ptrs",
				    &l->barn_stride);
	}
	l->barn_in = member(k, "kmem_cache_node", "barn");
	l->barn_arr = l->barn_in == VX_ABSENT ? VX_ABSENT :
		      member(k, "kmem_cache", "node");
	l->barn_stride = 8;
	return NULL;
}

static struct vx_error *resolve_layout(struct vx_kernel *k,
				       struct slab_layout *l)
{
	uint64_t *req[] = { &l->size, &l->offset, &l->oo, &l->min,
			    &l->slab_cache, &l->freelist, &l->counters };
	struct vx_error *err;

	l->size = member(k, "kmem_cache", "size");
	l->offset = member(k, "kmem_cache", "offset");
	l->oo = member(k, "kmem_cache", "oo");
	l->min = member(k, "kmem_cache", "min");
	l->red_left_pad = member(k, "kmem_cache", "red_left_pad");
	l->random = member(k, "kmem_cache", "random");
	l->cpu_slab = member(k, "kmem_cache", "cpu_slab");
	l->cpu_sheaves = member(k, "kmem_cache", "cpu_sheaves");
	l->slab_cache = member(k, "slab", "slab_cache");
	l->freelist = member(k, "slab", "freelist");
	l->counters = member(k, "slab", "counters");
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++)
		if (*req[i] == VX_ABSENT)
			return fail("%s: a member of struct kmem_cache or struct slab (SLUB) is missing",
				    k->types->source);
	err = vx_type_size(k->types, "page", &l->page_size);
	if (err)
		return err;
	l->c_freelist = member(k, "kmem_cache_cpu", "freelist");
	l->c_slab = member(k, "kmem_cache_cpu", "slab");
	l->pcs_main = member(k, "slub_percpu_sheaves", "main");
	l->pcs_spare = member(k, "slub_percpu_sheaves", "spare");
	l->pcs_rcu_free = member(k, "slub_percpu_sheaves", "rcu_free");
	l->pcs_barn = member(k, "slub_percpu_sheaves", "barn");
	l->sheaf_size = member(k, "slab_sheaf", "size");
	l->sheaf_objects = member(k, "slab_sheaf", "objects");
	l->sheaf_barn_list = member(k, "slab_sheaf", "barn_list");
	l->barn_full = member(k, "node_barn", "sheaves_full");
	err = barn_layout(k, l);
	if (err)
		return err;
	if (l->cpu_slab != VX_ABSENT && l->c_freelist == VX_ABSENT)
		return fail("%s: struct kmem_cache_cpu has no freelist", k->types->source);
	if (l->cpu_sheaves != VX_ABSENT &&
	    (l->pcs_main == VX_ABSENT || l->pcs_spare == VX_ABSENT ||
	     l->sheaf_size == VX_ABSENT || l->sheaf_objects == VX_ABSENT ||
	     l->sheaf_barn_list == VX_ABSENT || l->barn_full == VX_ABSENT ||
	     (l->pcs_barn == VX_ABSENT && l->barn_arr == VX_ABSENT)))
		return fail("%s: the per-CPU sheaves or the barn are not described",
			    k->types->source);
	/* struct slab overlays struct page, read whole into a page's buffer. */
	if (l->page_size > VX_MAX_STRUCT_BYTES ||
	    !vx_inside(l->counters, 8, l->page_size) ||
	    !vx_inside(l->slab_cache, 8, l->page_size) ||
	    !vx_inside(l->freelist, 8, l->page_size))
		return fail("%s: struct page and struct slab do not agree",
			    k->types->source);
	return NULL;
}

static struct vx_error *read_u32_at(struct vx_kernel *k, uint64_t addr,
				    uint32_t *val)
{
	return vx_read_u32(k->t, addr, val);
}

/*
 * How the memory map marks a slab page: a page type from 6.10
 * (NUMBER(PAGE_SLAB_MAPCOUNT_VALUE), the type in the top byte of
 * page_type from 6.12), PG_slab of page->flags before (NUMBER(PG_slab)).
 */
static struct vx_error *slab_mark(struct scan *s)
{
	int64_t v;

	s->pg_slab = -1;
	if (vx_vmcoreinfo_number(&s->k->vmci, "PAGE_SLAB_MAPCOUNT_VALUE", &v)) {
		uint8_t top = ((uint64_t)v >> 24) & 0xff;

		/* 6.10-6.11 cleared a bit in a 0xffffffff word instead. */
		if (top < 0xf0 || top == 0xff ||
		    !vx_vmcoreinfo_offset(&s->k->vmci, "page._mapcount",
					  &s->l.page_type) ||
		    !vx_inside(s->l.page_type, 4, s->l.page_size))
			return fail("%s: the slab page type is not one vmapx knows (PAGE_SLAB_MAPCOUNT_VALUE)",
				    "memory map");
		s->slab_type = top;
		return NULL;
	}
	if (vx_vmcoreinfo_number(&s->k->vmci, "PG_slab", &v) && v >= 0 && v < 64) {
		s->pg_slab = v;
		return NULL;
	}
	return fail("%s: VMCOREINFO says neither PAGE_SLAB_MAPCOUNT_VALUE nor PG_slab: slab pages cannot be told",
		    "memory map");
}

static struct vx_error *read_cache(struct scan *s)
{
	struct vx_kernel *k = s->k;
	const struct slab_layout *l = &s->l;
	uint64_t addr, oo, min;
	struct vx_error *err;

	err = vx_kernel_symbol(k, "vmap_area_cachep", &addr);
	if (!err)
		err = vx_read_u64(k->t, addr, &s->cache);
	if (!err)
		err = read_u32_at(k, s->cache + l->size, &s->size);
	if (!err)
		err = read_u32_at(k, s->cache + l->offset, &s->offset);
	if (!err)
		err = vx_read_uint(k->t, s->cache + l->oo, 4, &oo);
	if (!err)
		err = vx_read_uint(k->t, s->cache + l->min, 4, &min);
	if (!err && l->red_left_pad != VX_ABSENT)
		err = read_u32_at(k, s->cache + l->red_left_pad, &s->red_left_pad);
	/* CONFIG_SLAB_FREELIST_HARDENED: the member exists only with it. */
	s->hardened = l->random != VX_ABSENT;
	if (!err && s->hardened)
		err = vx_read_u64(k->t, s->cache + l->random, &s->random);
	if (err)
		return vx_error_wrap(err, "the vmap_area cache");
	/* oo and min: order << 16 | objects (OO_SHIFT, mm/slub.c). */
	s->oo_objects = oo & 0xffff;
	s->min_objects = min & 0xffff;
	if (s->size < k->l.va_sizeof || s->size > VX_PAGE_SIZE ||
	    s->offset + 8 > s->size || !s->oo_objects ||
	    s->oo_objects * (uint64_t)s->size > MAX_SLAB_BYTES)
		return vx_error_create(VX_ERR_INVALID,
				       "the vmap_area cache at 0x%lx: objects of %u bytes, free pointer at %u, %u per slab",
				       (unsigned long)s->cache, s->size,
				       s->offset, s->oo_objects);
	return NULL;
}

static struct vx_error *add_free(struct scan *s, uint64_t obj)
{
	if (s->nr_free == s->cap_free) {
		size_t cap = s->cap_free ? 2 * s->cap_free : 1024;
		uint64_t *grown = realloc(s->free, cap * sizeof(*grown));

		if (!grown)
			return &vx_error_nomem;
		s->free = grown;
		s->cap_free = cap;
	}
	s->free[s->nr_free++] = obj;
	return NULL;
}

/*
 * A free pointer stored in a free object at ptr_addr: with
 * CONFIG_SLAB_FREELIST_HARDENED it is obj ^ s->random ^ swab(ptr_addr)
 * (freelist_ptr_encode(), mm/slub.c).
 */
static uint64_t decode(const struct scan *s, uint64_t stored, uint64_t ptr_addr)
{
	if (!s->hardened)
		return stored;
	return stored ^ s->random ^ __builtin_bswap64(ptr_addr);
}

/*
 * A per-CPU or per-node structure holding free objects is on a page the
 * filter left out: the free set is unknown, not the scan broken.  Only
 * a list that closes again may then take objects from the slabs.
 */
static struct vx_error *absorb(struct scan *s, struct vx_error *err)
{
	if (!vx_error_is(err, VX_ERR_FAULT) ||
	    vx_excluded(s->k->t, err->address) != 1)
		return err;
	if (!s->out->free_unknown)
		snprintf(s->out->why, sizeof(s->out->why), "%s", err->message);
	s->out->free_unknown = true;
	vx_error_destroy(err);
	return NULL;
}

/* The slab read that holds addr, or NULL (s->slab is in address order). */
static const struct range *slab_of(const struct scan *s, uint64_t addr)
{
	size_t lo = 0, hi = s->nr_slab;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->slab[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nr_slab && s->slab[lo].start <= addr ? &s->slab[lo] : NULL;
}

/* The free set of the slab holding addr is unknown: drop its objects. */
static struct vx_error *taint(struct scan *s, uint64_t addr)
{
	if (!grow((void **)&s->tainted, &s->cap_tainted, s->nr_tainted,
		  sizeof(*s->tainted)))
		return &vx_error_nomem;
	s->tainted[s->nr_tainted++] = addr;
	return NULL;
}

/*
 * Is obj an object of the slab in (NULL: of any slab read, then *in is
 * set to it)?  A freelist never leaves its slab, and its objects are at
 * the slab's start plus a multiple of the object size.  Anything else
 * is a pointer decoded with the wrong key, or a slab changing when the
 * kernel stopped: it is not followed, nor read.
 */
static bool on_boundary(const struct scan *s, const struct range **in,
			uint64_t obj)
{
	const struct range *r = *in ? *in : slab_of(s, obj);

	if (!r || obj < r->start || obj >= r->end ||
	    (obj - r->start) % s->size)
		return false;
	*in = r;
	return true;
}

/*
 * Follow a freelist from obj, at most limit objects, inside the slab in
 * (NULL: the slab of its first object); *count: the objects on it.  A
 * pointer that leaves the slab or lands between objects, or an object
 * on a page the filter left out, leaves that slab's free set unknown:
 * its objects are dropped (taint()), the scan goes on.  A first object
 * in no slab read names no slab to drop: the free set is unknown.
 */
static struct vx_error *walk_freelist(struct scan *s, uint64_t obj,
				      const struct range *in, size_t limit,
				      size_t *count, const char *what)
{
	struct vx_error *err;
	uint64_t stored;

	*count = 0;
	for (size_t n = 0; obj; n++) {
		/* More objects than the slab holds: a cycle (in is set). */
		if (n >= limit || (in && n >= (in->end - in->start) / s->size)) {
			s->out->freelists_bad++;
			return taint(s, in->start);
		}
		if (!on_boundary(s, &in, obj)) {
			s->out->freelists_bad++;
			if (in)
				return taint(s, in->start);
			if (!s->out->free_unknown)
				snprintf(s->out->why, sizeof(s->out->why),
					 "%s: 0x%lx is no object of a slab of the cache",
					 what, (unsigned long)obj);
			s->out->free_unknown = true;
			return NULL;
		}
		err = add_free(s, obj);
		if (!err)
			err = vx_read_u64(s->k->t, obj + s->offset, &stored);
		/*
		 * A freelist never leaves its slab: one that runs into a
		 * page the filter left out leaves that slab's free set
		 * unknown, and its objects are dropped with it.
		 */
		if (vx_error_is(err, VX_ERR_FAULT) &&
		    vx_excluded(s->k->t, err->address) == 1) {
			vx_error_destroy(err);
			return taint(s, obj);
		}
		if (err)
			return vx_error_wrap(err, "%s", what);
		++*count;
		obj = decode(s, stored, obj + s->offset);
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool in_sorted(const uint64_t *v, size_t n, uint64_t x)
{
	return vx_bsearch(&x, v, n, sizeof(*v), cmp_u64) != NULL;
}

/* The possible CPUs (__cpu_possible_mask) and their per-CPU offsets. */
static struct vx_error *for_each_cpu(struct scan *s, uint64_t pcpu_ptr,
				     struct vx_error *(*fn)(struct scan *s,
							    uint64_t addr))
{
	struct vx_kernel *k = s->k;
	uint64_t mask_addr, offs, nr, word = 0, off;
	struct vx_error *err;

	err = vx_kernel_symbol(k, "__cpu_possible_mask", &mask_addr);
	if (!err)
		err = vx_kernel_symbol(k, "__per_cpu_offset", &offs);
	if (!err) {
		uint64_t a;

		err = vx_kernel_symbol(k, "nr_cpu_ids", &a);
		if (!err)
			err = vx_read_uint(k->t, a, 4, &nr);
	}
	if (err)
		return vx_error_wrap(err, "per-CPU areas");
	if (!nr || nr > MAX_CPUS)
		return vx_error_create(VX_ERR_INVALID, "nr_cpu_ids is %lu",
				       (unsigned long)nr);
	for (uint64_t cpu = 0; !err && cpu < nr; cpu++) {
		if (cpu % 64 == 0)
			err = vx_read_u64(k->t, mask_addr + cpu / 8, &word);
		if (err || !(word >> (cpu % 64) & 1))
			continue;
		err = vx_read_u64(k->t, offs + cpu * 8, &off);
		if (!err)
			err = fn(s, pcpu_ptr + off);
	}
	return err;
}

static bool is_ours(const struct scan *s, const uint8_t *page);

/* counters: inuse:16, objects:15, frozen:1 (struct slab, mm/slab.h). */
static uint64_t slab_objects(uint64_t counters)
{
	return counters >> 16 & MAX_OBJECTS;
}

/* The first object of the slab whose struct page is pfn's. */
static uint64_t slab_first(const struct scan *s, uint64_t pfn)
{
	return s->page_offset + (pfn << PAGE_SHIFT) + s->red_left_pad;
}

/*
 * A CPU freelist whose first object is in no slab read: is it the
 * freelist of the CPU's own slab (kmem_cache_cpu.slab, 6.x), a slab of
 * the cache that the scan left out (a page of it excluded by the
 * filter: scan_slab())?  A freelist never leaves its slab, so every
 * object on it is in that slab, whose objects are not enumerated: no
 * slab read gains or loses a free object by it.  false when that cannot
 * be shown (no slab member, a struct page that is not one of the cache's
 * slabs, an object outside it or between objects, an unreadable struct
 * page): the caller goes on as before.
 */
static bool cpu_slab_left_out(struct scan *s, uint64_t c, uint64_t head)
{
	uint8_t page[VX_MAX_STRUCT_BYTES];
	uint64_t slab, pfn, counters, objects, first;
	struct vx_error *err;

	if (s->l.c_slab == VX_ABSENT)
		return false;
	/* unreadable: as before, the freelist decides */
	err = vx_read_u64(s->k->t, c + s->l.c_slab, &slab);
	if (err)
		goto unreadable;
	if (slab < s->vmemmap || (slab - s->vmemmap) % s->l.page_size)
		return false;
	pfn = (slab - s->vmemmap) / s->l.page_size;
	if (pfn >= s->max_pfn)
		return false;
	err = vx_read(s->k->t, slab, page, s->l.page_size);
	if (err)
		goto unreadable;
	if (!is_ours(s, page))
		return false;
	memcpy(&counters, page + s->l.counters, 8);
	objects = slab_objects(counters);
	first = slab_first(s, pfn);
	if (head < first || head >= first + objects * s->size ||
	    (head - first) % s->size || slab_of(s, first))
		return false;
	s->out->cpu_freelists_left_out++;
	return true;
unreadable:
	vx_error_destroy(err);
	return false;
}

/* 6.x: kmem_cache_cpu.freelist, objects of the CPU's slab. */
static struct vx_error *cpu_freelist(struct scan *s, uint64_t c)
{
	uint64_t head;
	struct vx_error *err = vx_read_u64(s->k->t, c + s->l.c_freelist, &head);
	size_t n;

	if (err)
		return absorb(s, vx_error_wrap(err, "kmem_cache_cpu at 0x%lx",
					       (unsigned long)c));
	if (head && !slab_of(s, head) && cpu_slab_left_out(s, c, head))
		return NULL;
	return walk_freelist(s, head, NULL, MAX_OBJECTS, &n, "a CPU freelist");
}

/* 7.x: the objects[0..size) of one sheaf are free. */
static struct vx_error *sheaf_objects(struct scan *s, uint64_t sheaf)
{
	uint64_t size, objs[64];
	struct vx_error *err;

	if (!sheaf)
		return NULL;
	err = vx_read_uint(s->k->t, sheaf + s->l.sheaf_size, 4, &size);
	if (!err && size > MAX_SHEAF)
		err = vx_error_create(VX_ERR_INVALID, "%lu objects",
				      (unsigned long)size);
	for (uint64_t i = 0; !err && i < size; i += 64) {
		uint64_t n = size - i < 64 ? size - i : 64;

		err = vx_read(s->k->t, sheaf + s->l.sheaf_objects + i * 8, objs,
			      n * 8);
		for (uint64_t j = 0; !err && j < n; j++)
			err = add_free(s, objs[j]);
	}
	return err ? vx_error_wrap(err, "sheaf at 0x%lx", (unsigned long)sheaf) :
		     NULL;
}

static struct vx_error *barn_sheaves(struct scan *s, uint64_t barn)
{
	uint64_t head = barn + s->l.barn_full, pos;
	struct vx_error *err;
	size_t n = 0;

	if (!barn)
		return NULL;
	err = vx_read_u64(s->k->t, head, &pos);
	while (!err && pos != head) {
		if (++n > MAX_BARN_SHEAVES)
			return vx_error_create(VX_ERR_INVALID,
					       "barn at 0x%lx: more than %d full sheaves",
					       (unsigned long)barn, MAX_BARN_SHEAVES);
		err = sheaf_objects(s, pos - s->l.sheaf_barn_list);
		if (!err)
			err = vx_read_u64(s->k->t, pos, &pos);
	}
	return err ? vx_error_wrap(err, "barn at 0x%lx", (unsigned long)barn) :
		     NULL;
}

static struct vx_error *cpu_sheaves(struct scan *s, uint64_t pcs)
{
	const struct slab_layout *l = &s->l;
	uint64_t offs[] = { l->pcs_main, l->pcs_spare, l->pcs_rcu_free };
	struct vx_error *err = NULL;
	uint64_t sheaf, barn;

	for (size_t i = 0; !err && i < 3; i++) {
		if (offs[i] == VX_ABSENT)
			continue;
		err = vx_read_u64(s->k->t, pcs + offs[i], &sheaf);
		if (!err)
			err = sheaf_objects(s, sheaf);
		err = absorb(s, err);
	}
	/* 6.18: one barn per CPU's sheaves; later one per node (below). */
	if (!err && l->pcs_barn != VX_ABSENT) {
		err = vx_read_u64(s->k->t, pcs + l->pcs_barn, &barn);
		if (!err)
			err = barn_sheaves(s, barn);
	}
	return absorb(s, err);
}

static struct vx_error *node_barns(struct scan *s)
{
	const struct slab_layout *l = &s->l;
	uint32_t nr = s->k->nr_node_ids ? s->k->nr_node_ids : 1;
	struct vx_error *err = NULL;
	uint64_t p;

	for (uint32_t n = 0; !err && n < nr && n < MAX_NODES; n++) {
		err = vx_read_u64(s->k->t, s->cache + l->barn_arr +
				  n * l->barn_stride, &p);
		if (!err && p && l->barn_in != VX_ABSENT)
			err = vx_read_u64(s->k->t, p + l->barn_in, &p);
		if (!err)
			err = barn_sheaves(s, p);
		err = absorb(s, err);
	}
	return err;
}

/* Every object held free outside the slabs' own freelists. */
static struct vx_error *cached_free(struct scan *s)
{
	const struct slab_layout *l = &s->l;
	struct vx_error *err = NULL;
	uint64_t pcpu;

	if (l->cpu_slab != VX_ABSENT) {
		err = vx_read_u64(s->k->t, s->cache + l->cpu_slab, &pcpu);
		if (!err && pcpu)
			err = for_each_cpu(s, pcpu, cpu_freelist);
	}
	if (!err && l->cpu_sheaves != VX_ABSENT) {
		err = vx_read_u64(s->k->t, s->cache + l->cpu_sheaves, &pcpu);
		if (!err && pcpu)
			err = for_each_cpu(s, pcpu, cpu_sheaves);
		if (!err && pcpu && l->barn_arr != VX_ABSENT)
			err = node_barns(s);
	}
	return err;
}

/*
 * The pointer at buf + off as the vmap_area it points into (member: the
 * offset of the list_head or rb_node in it), 0 for none.  The low two
 * bits are rb colour; links are 8-byte aligned, so no harm elsewhere.
 */
static uint64_t u64_or_0(const uint8_t *buf, uint64_t off, uint64_t member)
{
	uint64_t p;

	memcpy(&p, buf + off, 8);
	p &= ~3ULL;
	return p ? p - member : 0;
}

static struct vx_error *add_object(struct scan *s, uint64_t va,
				   const uint8_t *buf)
{
	struct vx_slab_scan *o = s->out;
	uint64_t list = s->k->l.va_list;

	if (o->n == s->cap_obj) {
		size_t cap = s->cap_obj ? 2 * s->cap_obj : 1024;
		struct vx_slab_obj *grown = realloc(o->obj, cap * sizeof(*grown));

		if (!grown)
			return &vx_error_nomem;
		o->obj = grown;
		s->cap_obj = cap;
	}
	struct vx_slab_obj *x = &o->obj[o->n++];
	uint64_t rb = s->k->l.va_rb_node;

	x->va = va;
	/* Every link as the vmap_area it leads to (0: none). */
	x->link[0] = u64_or_0(buf, list, list);
	x->link[1] = u64_or_0(buf, list + 8, list);
	x->link[2] = u64_or_0(buf, rb + s->k->l.rb_left, rb);
	x->link[3] = u64_or_0(buf, rb + s->k->l.rb_right, rb);
	x->link[4] = u64_or_0(buf, rb + s->k->l.rb_parent, rb);
	return NULL;
}

/* Is the struct page in buf a slab of the vmap_area cache? */
static bool is_ours(const struct scan *s, const uint8_t *page)
{
	uint64_t cache, flags;
	uint32_t type;

	memcpy(&cache, page + s->l.slab_cache, 8);
	if (cache != s->cache)
		return false;
	if (s->pg_slab >= 0) {
		memcpy(&flags, page, 8);
		return flags >> s->pg_slab & 1;
	}
	memcpy(&type, page + s->l.page_type, 4);
	return type >> 24 == s->slab_type;
}

/*
 * Read [addr, addr + len) a page at a time: a read that fails part-way
 * through a multi-page request has been seen to upset libkdumpfile's cache.
 */
static struct vx_error *read_pages(struct vx_kernel *k, uint64_t addr,
				   uint8_t *buf, uint64_t len)
{
	struct vx_error *err = NULL;

	for (uint64_t done = 0; !err && done < len;) {
		uint64_t n = VX_PAGE_SIZE - (addr + done) % VX_PAGE_SIZE;

		if (n > len - done)
			n = len - done;
		err = vx_read(k->t, addr + done, buf + done, n);
		done += n;
	}
	return err;
}

/*
 * A KFENCE slab: kfence_guarded_alloc() (mm/kfence/core.c, since 5.12
 * "kfence: add SLUB support") hands out one object on a page of its own
 * pool and marks that page as a slab of the object's cache with
 * objects = 1, the object not at the slab's start.  It is no slab of
 * the cache's layout: its object is not enumerated (if it is a listed
 * area the walks read it; else it is missed, never invented), and it is
 * counted.  Told by the count and by the page lying in __kfence_pool.
 */
static bool kfence_slab(const struct scan *s, uint64_t base, uint64_t objects)
{
	return objects == 1 && s->oo_objects != 1 && s->kfence &&
	       base >= s->kfence && base - s->kfence < MAX_KFENCE_POOL;
}

/*
 * The freelist of the slab just read (the last of s->slab).  Unless the
 * slab is frozen (a CPU's slab: its free objects are on the CPU's
 * freelist, inuse says objects), it holds objects - inuse objects: a
 * freelist of another length does not describe the slab.
 */
static struct vx_error *slab_freelist(struct scan *s, uint64_t counters,
				      uint64_t freelist)
{
	const struct range *in = &s->slab[s->nr_slab - 1];
	uint64_t objects = slab_objects(counters), inuse = counters & 0xffff;
	size_t tainted = s->nr_tainted, n;
	struct vx_error *err;

	err = walk_freelist(s, freelist, in, objects, &n, "a slab's freelist");
	if (err || s->nr_tainted > tainted || counters >> 31 & 1 ||
	    n + inuse == objects)
		return err;
	s->out->freelists_bad++;
	return taint(s, in->start);
}

/* One slab whose struct page is page (pfn): its objects and free list. */
static struct vx_error *scan_slab(struct scan *s, uint64_t pfn,
				  const uint8_t *page)
{
	uint64_t base = s->page_offset + (pfn << PAGE_SHIFT), counters, freelist;
	uint64_t objects, bytes, first;
	struct vx_error *err;
	uint8_t *buf;

	memcpy(&counters, page + s->l.counters, 8);
	memcpy(&freelist, page + s->l.freelist, 8);
	objects = slab_objects(counters);
	if (kfence_slab(s, base, objects)) {
		s->out->slabs_kfence++;
		return NULL;
	}
	if (objects != s->oo_objects && objects != s->min_objects)
		return vx_error_create(VX_ERR_INVALID,
				       "slab at pfn 0x%lx: %lu objects, the cache makes %u or %u",
				       (unsigned long)pfn, (unsigned long)objects,
				       s->oo_objects, s->min_objects);
	s->out->slabs++;
	first = slab_first(s, pfn);
	bytes = objects * s->size;
	buf = malloc(bytes);
	if (!buf)
		return &vx_error_nomem;
	err = read_pages(s->k, first, buf, bytes);
	if (err && vx_excluded(s->k->t, err->address) == 1) {
		/* Its objects are lost with it; recover.c counts them. */
		vx_error_destroy(err);
		s->out->slabs_excluded++;
		free(buf);
		return NULL;
	}
	if (!err && !grow((void **)&s->slab, &s->cap_slab, s->nr_slab,
			  sizeof(*s->slab)))
		err = &vx_error_nomem;
	if (!err)
		s->slab[s->nr_slab++] = (struct range){ first, first + bytes };
	for (uint64_t i = 0; !err && i < objects; i++)
		err = add_object(s, first + i * s->size, buf + i * s->size);
	free(buf);
	return err ? err : slab_freelist(s, counters, freelist);
}

/* One mapped run of the vmemmap: the struct pages in it. */
static struct vx_error *scan_run(void *arg, uint64_t start, uint64_t end)
{
	struct scan *s = arg;
	uint64_t per = VX_PAGE_SIZE / s->l.page_size;
	uint8_t chunk[VX_PAGE_SIZE];
	struct vx_error *err = NULL;

	for (uint64_t a = start; !err && a < end; a += VX_PAGE_SIZE) {
		uint64_t pfn = (a - s->vmemmap) / s->l.page_size;

		err = vx_read(s->k->t, a, chunk, sizeof(chunk));
		for (uint64_t i = 0; !err && i < per; i++)
			if (is_ours(s, chunk + i * s->l.page_size))
				err = scan_slab(s, pfn + i,
						chunk + i * s->l.page_size);
	}
	return err;
}

/*
 * The memory map where the page tables map it: the holes between
 * sections have no struct pages (and reading them one by one would only
 * pile up failed reads).
 */
static struct vx_error *scan_memmap(struct scan *s)
{
	/* struct page does not straddle a vmemmap page when its size divides 4096. */
	if (VX_PAGE_SIZE % s->l.page_size)
		return fail("%s: struct page does not divide a page", "memory map");
	return vx_pt_mapped_runs(s->k, s->vmemmap,
				 s->vmemmap + s->max_pfn * s->l.page_size,
				 scan_run, s);
}

/*
 * A kernel always has a slab of vmap_area_cachep: every vmap_area, busy
 * or free (the free tree holds at least the space above the last busy
 * area), is one of its objects.  A memory map that shows none was not
 * read as the kernel wrote it (a struct page damaged or filtered), and
 * an empty scan must not vouch that a lost list was empty.
 */
static struct vx_error *some_slab_seen(struct scan *s)
{
	if (s->out->slabs || s->out->slabs_kfence)
		return NULL;
	return vx_error_create(VX_ERR_INVALID,
			       "memory map: no slab of the cache");
}

/* The per-CPU spare of the free tree: allocated, on no list. */
static struct vx_error *preload(struct scan *s, uint64_t addr)
{
	uint64_t obj;
	struct vx_error *err = vx_read_u64(s->k->t, addr, &obj);

	if (!err && obj)
		err = add_free(s, obj);
	return err;
}

/* ne_fit_preload_node exists since 5.2; without it there is nothing to drop. */
static struct vx_error *exclude_preload(struct scan *s)
{
	struct vx_error *err;
	uint64_t addr;

	err = vx_kernel_symbol(s->k, "ne_fit_preload_node", &addr);
	if (vx_error_is(err, VX_ERR_NOT_FOUND)) {
		vx_error_destroy(err);
		return NULL;
	}
	return err ? err : for_each_cpu(s, addr, preload);
}

/*
 * KFENCE's pool (kfence_slab()), 0 without one: without it a one-object
 * slab is refused as any slab of a count the cache does not make.
 */
static void kfence_pool(struct scan *s)
{
	struct vx_error *err;
	uint64_t addr;

	err = vx_kernel_symbol(s->k, "__kfence_pool", &addr);
	if (!err)
		err = vx_read_u64(s->k->t, addr, &s->kfence);
	if (err)
		s->kfence = 0;
	vx_error_destroy(err);
}

static struct vx_error *bases(struct scan *s)
{
	struct vx_kernel *k = s->k;
	struct vx_error *err;
	uint64_t addr;

	err = vx_kernel_symbol(k, "vmemmap_base", &addr);
	if (!err)
		err = vx_read_u64(k->t, addr, &s->vmemmap);
	if (!err)
		err = vx_kernel_symbol(k, "page_offset_base", &addr);
	if (!err)
		err = vx_read_u64(k->t, addr, &s->page_offset);
	if (!err)
		err = vx_kernel_symbol(k, "max_pfn", &addr);
	if (!err)
		err = vx_read_u64(k->t, addr, &s->max_pfn);
	if (!err)
		kfence_pool(s);
	/* 2^32 frames are 16 TiB of memory and 256 GiB of struct pages. */
	if (!err && s->max_pfn > (1ULL << 32))
		err = vx_error_create(VX_ERR_INVALID, "max_pfn 0x%lx",
				      (unsigned long)s->max_pfn);
	return err ? vx_error_wrap(err, "memory map") : NULL;
}

static int by_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Is va in a slab whose free set is unknown? */
static bool in_tainted(const struct scan *s, uint64_t va)
{
	for (size_t i = 0; i < s->nr_tainted; i++) {
		const struct range *r = s->slab;
		size_t n = s->nr_slab;

		/* the last slab starting at or below the tainted address */
		while (n > 1) {
			size_t half = n / 2;

			if (r[half].start <= s->tainted[i]) {
				r += half;
				n -= half;
			} else {
				n = half;
			}
		}
		if (n && r->start <= s->tainted[i] && s->tainted[i] < r->end &&
		    r->start <= va && va < r->end)
			return true;
	}
	return false;
}

/* Drop the free objects (sorted) from out, keep out sorted by address. */
static void keep_allocated(struct scan *s)
{
	struct vx_slab_scan *o = s->out;
	size_t kept = 0;

	vx_sort(s->free, s->nr_free, sizeof(*s->free), cmp_u64);
	vx_sort(s->slab, s->nr_slab, sizeof(*s->slab), by_range);
	for (size_t i = 0; i < s->nr_slab; i++)
		for (size_t t = 0; t < s->nr_tainted; t++)
			if (s->slab[i].start <= s->tainted[t] &&
			    s->tainted[t] < s->slab[i].end) {
				o->slabs_unknown++;
				break;
			}
	for (size_t i = 0; i < o->n; i++) {
		if (in_sorted(s->free, s->nr_free, o->obj[i].va)) {
			o->objects_free++;
			continue;
		}
		if (in_tainted(s, o->obj[i].va)) {
			o->objects_unknown++;
			continue;
		}
		o->obj[kept++] = o->obj[i];
	}
	o->n = kept;
}

struct vx_error *vx_slab_scan(struct vx_kernel *k, struct vx_slab_scan *out)
{
	struct scan s = { .k = k, .out = out };
	struct vx_error *err;

	memset(out, 0, sizeof(*out));
	err = resolve_layout(k, &s.l);
	if (!err)
		err = slab_mark(&s);
	if (!err)
		err = bases(&s);
	if (!err)
		err = read_cache(&s);
	if (!err)
		err = scan_memmap(&s);
	if (!err)
		err = some_slab_seen(&s);
	if (!err)
		err = cached_free(&s);
	if (!err)
		err = exclude_preload(&s);
	if (!err)
		keep_allocated(&s);
	free(s.free);
	free(s.tainted);
	free(s.slab);
	if (err) {
		vx_slab_scan_free(out);
		return vx_error_wrap(err, "slab scan of the vmap_area cache");
	}
	return NULL;
}

void vx_slab_scan_free(struct vx_slab_scan *s)
{
	free(s->obj);
	memset(s, 0, sizeof(*s));
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Owner rule for dynamic per-cpu chunks (doc/kernel.md §10.6): mm/percpu.c
 * keeps every chunk on one of pcpu_chunk_lists[0 .. pcpu_nr_slots) (by
 * free size).  With memcg-aware chunks (5.9 - 5.13 by the changelogs,
 * not verified by commit; present in Debian's 5.10, absent from 6.1) there
 * is one such set per enum pcpu_chunk_type, PCPU_NR_CHUNK_TYPES sets back
 * to back (pcpu_chunk_list(type) = &pcpu_chunk_lists[pcpu_nr_slots * type]):
 * the constant is read from the types; where it is absent, one set.
 * A vmalloc
 * chunk's areas are chunk->data, a vm_struct * per unit group
 * (pcpu_get_vm_areas, pcpu_nr_groups of them), and its bookkeeping arrays,
 * vzalloc'd by pcpu_mem_zalloc() when larger than a page: the struct
 * pcpu_chunk itself, alloc_map, bound_map, md_blocks, the memcg array
 * obj_cgroups / obj_exts (pcpu_create_chunk).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "owners.h"

#define MAX_CHUNKS	65536
#define MAX_GROUPS	1024
#define MAX_SLOTS	1024
#define MAX_CHUNK_TYPES	16	/* 5.9 - 5.13 have 2 (root, memcg) */
#define NR_ARRAYS	5

struct chunk_layout {
	uint64_t list, base_addr, data, arrays[NR_ARRAYS];
};

/* obj_cgroups: memcg accounting (5.9 - 6.x), renamed obj_exts (6.10) */
static const char *const array_names[NR_ARRAYS] = {
	"alloc_map", "bound_map", "md_blocks", "obj_cgroups", "obj_exts",
};

static struct vx_error *claim_chunk_area(struct vx_owner_ctx *c,
					 struct vx_owner_rule_stats *st,
					 uint64_t start, uint64_t base,
					 const char *what)
{
	struct vx_owner *o = start ? vx_owner_at(c->t, start) : NULL;
	char text[96], group[48];

	if (!o)
		return NULL;
	snprintf(text, sizeof(text), "per-cpu chunk 0x%" PRIx64 " %s", base, what);
	snprintf(group, sizeof(group), "per-cpu chunk 0x%" PRIx64, base);
	if (!o->claims)
		st->attributed++;
	return vx_owner_claim(c, o, VX_OWNER_PERCPU, text, group);
}

static struct vx_error *one_chunk(struct vx_owner_ctx *c,
				  struct vx_owner_rule_stats *st,
				  const struct chunk_layout *l, uint64_t groups,
				  uint64_t chunk)
{
	uint64_t base, data, ptr, vm, start;
	char what[48];
	struct vx_error *err = vx_read_u64(c->k->t, chunk + l->base_addr, &base);

	if (!err)
		err = vx_read_u64(c->k->t, chunk + l->data, &data);
	if (err)
		return vx_error_wrap(err, "pcpu_chunk 0x%" PRIx64, chunk);
	st->seen++;
	err = claim_chunk_area(c, st, chunk, base, "struct pcpu_chunk");
	for (int i = 0; i < NR_ARRAYS && !err; i++) {
		if (l->arrays[i] == VX_ABSENT)
			continue;
		err = vx_read_u64(c->k->t, chunk + l->arrays[i], &ptr);
		if (!err)
			err = claim_chunk_area(c, st, ptr, base, array_names[i]);
	}
	/* data is the vm_struct array only for a vmalloc'd chunk: its vms
	 * are areas; on another chunk the reads below name nothing */
	for (uint64_t g = 0; !err && data && g < groups; g++) {
		if (!vx_owner_try_u64(c->k, data + 8 * g, &vm) || !vm ||
		    !vx_owner_try_u64(c->k, vm + c->k->l.vm_addr, &start))
			break;
		snprintf(what, sizeof(what), "units of group %" PRIu64, g);
		err = claim_chunk_area(c, st, start, base, what);
	}
	return err;
}

static struct vx_error *walk_slot(struct vx_owner_ctx *c,
				  struct vx_owner_rule_stats *st,
				  const struct chunk_layout *l, uint64_t groups,
				  uint64_t head, unsigned int *budget)
{
	uint64_t pos, prev = head, back;
	struct vx_error *err = vx_read_u64(c->k->t, head, &pos);

	while (!err && pos != head) {
		if (!(*budget)--)
			return vx_error_create(VX_ERR_INVALID,
					       "more than %d chunks (a cycle?)", MAX_CHUNKS);
		err = vx_read_u64(c->k->t, pos + 8, &back);
		if (!err && back != prev)
			return vx_error_create(VX_ERR_INVALID,
					       "chunk list broken at 0x%" PRIx64, pos);
		if (!err)
			err = one_chunk(c, st, l, groups, pos - l->list);
		prev = pos;
		if (!err)
			err = vx_read_u64(c->k->t, pos, &pos);
	}
	return err;
}

/* How many sets of slot lists: PCPU_NR_CHUNK_TYPES where it exists, else 1. */
static struct vx_error *chunk_types(struct vx_kernel *k, int64_t *nr)
{
	struct vx_error *err = vx_type_enum_value(k->types, "PCPU_NR_CHUNK_TYPES", nr);

	if (vx_error_is(err, VX_ERR_NOT_FOUND)) {
		vx_error_destroy(err);
		*nr = 1;
		return NULL;
	}
	if (!err && (*nr < 1 || *nr > MAX_CHUNK_TYPES))
		err = vx_error_create(VX_ERR_INVALID,
				      "PCPU_NR_CHUNK_TYPES %" PRId64 ", more than %d",
				      *nr, MAX_CHUNK_TYPES);
	return err;
}

struct vx_error *vx_owners_percpu(struct vx_owner_ctx *c,
				  struct vx_owner_rule_stats *st)
{
	struct chunk_layout l;
	uint64_t lists, slots, groups, types = 1;
	int64_t nr_types;
	unsigned int budget = MAX_CHUNKS;
	struct vx_error *err;

	l.list = vx_owner_member(c->k, "pcpu_chunk", "list", NULL);
	l.base_addr = vx_owner_member(c->k, "pcpu_chunk", "base_addr", NULL);
	l.data = vx_owner_member(c->k, "pcpu_chunk", "data", NULL);
	for (int i = 0; i < NR_ARRAYS; i++)
		l.arrays[i] = vx_owner_member(c->k, "pcpu_chunk", array_names[i], NULL);
	if (l.list == VX_ABSENT || l.base_addr == VX_ABSENT || l.data == VX_ABSENT)
		return NULL;
	err = vx_read_symbol_uint(c->k, "pcpu_chunk_lists", 8, &lists);
	if (!err)
		err = vx_read_symbol_uint(c->k, "pcpu_nr_slots", 4, &slots);
	if (!err)
		err = vx_read_symbol_uint(c->k, "pcpu_nr_groups", 4, &groups);
	if (vx_error_is(err, VX_ERR_NOT_FOUND)) {
		vx_error_destroy(err);
		return NULL;
	}
	st->ran = true;
	if (!err && (slots > MAX_SLOTS || groups > MAX_GROUPS))
		err = vx_error_create(VX_ERR_INVALID,
				      "pcpu_nr_slots %" PRIu64 ", pcpu_nr_groups %" PRIu64,
				      slots, groups);
	if (!err)
		err = chunk_types(c->k, &nr_types);
	if (!err)
		types = nr_types;
	for (uint64_t s = 0; !err && s < slots * types; s++)
		err = walk_slot(c, st, &l, groups, lists + 16 * s, &budget);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Walking the vmap_area lists.  Every list read from the dump is bounded
 * and checked (prev pointers, a node limit) so a corrupt or cyclic list
 * ends with a skip, never a hang.
 */
#include <stdlib.h>
#include <string.h>

#include "recover.h"
#include "walk.h"

/* More areas than fit in 128 TiB of 4 KiB pages cannot be real. */
#define MAX_LIST_ENTRIES	(1UL << 25)
#define MAX_VMAP_NODES		1024
#define MAX_AREA_BYTES		VX_MAX_STRUCT_BYTES

static struct vx_area *list_add(struct vx_area_list *list)
{
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 256;
		struct vx_area *grown = realloc(list->v, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		list->v = grown;
		list->cap = cap;
	}
	memset(&list->v[list->n], 0, sizeof(list->v[0]));
	return &list->v[list->n++];
}

const char *vx_source_name(enum vx_source source)
{
	static const char *const names[] = {
		[VX_SRC_LIST] = "list", [VX_SRC_LIST_BACK] = "list-reverse",
		[VX_SRC_LINKS] = "tree", [VX_SRC_SLAB] = "slab",
		[VX_SRC_PAGE_TABLES] = "page-tables",
	};

	return source < VX_NR_SOURCES ? names[source] : "?";
}

struct vx_area *vx_walk_new_area(struct vx_area_list *list)
{
	return list_add(list);
}

static uint64_t get_u64(const uint8_t *buf, uint64_t off)
{
	uint64_t v;

	memcpy(&v, buf + off, 8);
	return v;
}

static uint64_t get_uint(const uint8_t *buf, uint64_t off, uint64_t size)
{
	uint64_t v = 0;

	memcpy(&v, buf + off, size);
	return v;
}

static struct vx_error *read_vm(struct vx_kernel *k, struct vx_area *a)
{
	const struct vx_layout *l = &k->l;
	uint8_t buf[MAX_AREA_BYTES];
	struct vx_error *err;

	err = vx_read(k->t, a->vm_ptr, buf, l->vm_sizeof);
	if (err)
		return vx_error_wrap(err, "reading vm_struct at 0x%lx of vmap_area 0x%lx",
				     (unsigned long)a->vm_ptr,
				     (unsigned long)a->va);
	a->vm.addr = get_u64(buf, l->vm_addr);
	a->vm.size = get_u64(buf, l->vm_size);
	a->vm.flags = get_u64(buf, l->vm_flags);
	a->vm.pages = get_u64(buf, l->vm_pages);
	a->vm.nr_pages = get_uint(buf, l->vm_nr_pages, l->vm_nr_pages_size);
	a->vm.phys_addr = get_u64(buf, l->vm_phys_addr);
	a->vm.caller = get_u64(buf, l->vm_caller);
	if (l->vm_page_order != VX_ABSENT)
		a->vm.page_order = get_uint(buf, l->vm_page_order, 4);
	a->vm_read = true;
	return NULL;
}

/* Decode one vmap_area already read into buf. */
static void decode_area(struct vx_kernel *k, const uint8_t *buf, uint64_t va,
			enum vx_state state, int node, struct vx_area *a)
{
	const struct vx_layout *l = &k->l;

	a->va = va;
	a->start = get_u64(buf, l->va_start);
	a->end = get_u64(buf, l->va_end);
	a->state = state;
	a->node = node;
	if (l->va_flags != VX_ABSENT)
		a->va_flags = get_u64(buf, l->va_flags);
	/* Only a busy area's vm is live; lazy and pooled ones keep stale pointers. */
	if (state == VX_BUSY)
		a->vm_ptr = get_u64(buf, l->va_vm);
}

struct vx_error *vx_walk_add_area(struct vx_kernel *k, struct vx_report *r,
				  struct vx_area_list *list,
				  const uint8_t *buf, uint64_t va,
				  enum vx_state state, int node,
				  enum vx_source source)
{
	struct vx_area *a = list_add(list);
	struct vx_error *err;

	if (!a)
		return &vx_error_nomem;
	decode_area(k, buf, va, state, node, a);
	a->source = source;
	if (a->end < a->start)
		vx_report_skip(r, "vmap_area at 0x%lx ends (0x%lx) before it starts (0x%lx)",
			       (unsigned long)va, (unsigned long)a->end,
			       (unsigned long)a->start);
	if (!a->vm_ptr)
		return NULL;
	err = read_vm(k, a);
	if (!err) {
		/* setup_vmalloc_vm(): vm->addr is va_start for as long as both live. */
		if (a->vm.addr != a->start)
			a->torn = vx_walk_moved(k, "vmap_area at 0x%lx: its vm_struct at 0x%lx is for 0x%lx now",
				      (unsigned long)va, (unsigned long)a->vm_ptr,
				      (unsigned long)a->vm.addr);
		return NULL;
	}
	a->torn = vx_walk_moved(k, "%s", err->message);
	/* Filtered out of the dump: counted, and said once (recover.c). */
	if (vx_excluded(k->t, err->address) == 1) {
		vx_recover_note_vm(k, err->address);
		a->vm_lost = true;
	} else
		vx_report_skip(r, "%s", err->message);
	vx_error_destroy(err);
	return NULL;
}

static struct vx_error *add_area(struct vx_kernel *k, struct vx_report *r,
				 struct vx_area_list *list,
				 const uint8_t *buf, uint64_t va,
				 enum vx_state state, int node)
{
	return vx_walk_add_area(k, r, list, buf, va, state, node, VX_SRC_LIST);
}

/*
 * Walk a list_head of vmap_areas linked through va->list.  At an
 * unreadable entry, a broken back pointer or too many entries the walk
 * stops and what the list's tail and tree still reach is recovered
 * (recover.c), with a skip.
 */
static struct vx_error *walk_list(struct vx_kernel *k,
				  const struct vx_list_spec *spec,
				  struct vx_area_list *list)
{
	const struct vx_layout *l = &k->l;
	uint8_t buf[MAX_AREA_BYTES];
	uint64_t pos, prev = spec->head, lost = 0;
	struct vx_error *err;
	size_t count = 0, first = list->n;

	err = vx_read_u64(k->t, spec->head, &pos);
	if (err)
		goto broken;
	while (pos != spec->head) {
		uint64_t va = pos - l->va_list;

		if (++count > MAX_LIST_ENTRIES) {
			err = vx_error_create(VX_ERR_INVALID,
					      "more than %lu entries (a cycle?)",
					      MAX_LIST_ENTRIES);
			goto broken;
		}
		err = vx_read(k->t, va, buf, l->va_sizeof);
		if (err) {
			lost = va;
			err = vx_error_wrap(err, "reading vmap_area at 0x%lx",
					    (unsigned long)va);
			goto broken;
		}
		if (get_u64(buf, l->va_list + 8) != prev) {
			err = vx_error_create(VX_ERR_INVALID,
					      "vmap_area at 0x%lx: list.prev 0x%lx, expected 0x%lx",
					      (unsigned long)va,
					      (unsigned long)get_u64(buf, l->va_list + 8),
					      (unsigned long)prev);
			goto broken;
		}
		err = add_area(k, spec->report, list, buf, va, spec->state,
			       spec->node);
		if (err)
			return err;	/* out of memory */
		prev = pos;
		pos = get_u64(buf, l->va_list);
	}
	return NULL;
broken:
	/*
	 * On a live kernel a list that breaks has moved under the walk: the
	 * walk is done again (walk_live.c).  Recovering it as a filtered
	 * dump's list would read the slabs and free lists at another moment
	 * than the list and could print an area that was never busy at once
	 * with the others.
	 */
	if (vx_walk_moved(k, "%s: %s", spec->what, err->message)) {
		vx_error_destroy(err);
		return NULL;
	}
	{
		struct vx_error *nomem = vx_recover_list(k, spec, list, first,
							 lost, err);

		vx_error_destroy(err);
		return nomem;
	}
}

/* A list and the rb_root at root (0: none) that hold the same areas. */
static struct vx_error *walk_one(struct vx_kernel *k, struct vx_report *r,
				 uint64_t head, uint64_t root, const char *what,
				 enum vx_state state, int node,
				 struct vx_area_list *list)
{
	struct vx_list_spec spec = {
		.head = head, .root = root, .what = what, .state = state,
		.node = node, .report = r,
	};

	return walk_list(k, &spec, list);
}

/* Address of a tree's rb_root member inside a vmap_node, or 0. */
static uint64_t tree_root(uint64_t member, uint64_t vn)
{
	return member == VX_ABSENT ? 0 : vn + member;
}

static uint64_t symbol_or_0(struct vx_kernel *k, const char *name)
{
	struct vx_error *err;
	uint64_t addr;

	err = vx_kernel_symbol(k, name, &addr);
	if (!err)
		return addr;
	vx_error_destroy(err);
	return 0;
}

/* Cut a list that started repeating itself with period cycle. */
static void drop_repeats(struct vx_area_list *list, size_t first, size_t cycle)
{
	for (size_t j = first + cycle; j < list->n; j++) {
		if (list->v[j].va == list->v[j - cycle].va) {
			list->n = j;
			return;
		}
	}
}

/* 5.10: the lazy llist, linked through va->purge_list, newest first. */
static struct vx_error *walk_llist(struct vx_kernel *k, struct vx_report *r,
				   uint64_t head, struct vx_area_list *list)
{
	const struct vx_layout *l = &k->l;
	uint8_t buf[MAX_AREA_BYTES];
	uint64_t node, tortoise = 0;
	size_t count = 0, power = 1, lam = 0, first = list->n;
	struct vx_error *err;

	err = vx_read_u64(k->t, head, &node);
	while (!err && node) {
		uint64_t va = node - l->va_purge_list;

		/*
		 * Brent: an llist has no back pointers to check.  Areas seen
		 * again before the cycle showed are dropped.
		 */
		if (node == tortoise)
			drop_repeats(list, first, lam + 1);
		if (node == tortoise || ++count > MAX_LIST_ENTRIES) {
			err = vx_error_create(VX_ERR_INVALID,
					      "cycle at 0x%lx", (unsigned long)node);
			break;
		}
		if (++lam == power) {
			tortoise = node;
			power *= 2;
			lam = 0;
		}
		err = vx_read(k->t, va, buf, l->va_sizeof);
		if (err) {
			err = vx_error_wrap(err, "reading vmap_area at 0x%lx",
					    (unsigned long)va);
			break;
		}
		err = add_area(k, r, list, buf, va, VX_LAZY, -1);
		if (err)
			return err;
		node = get_u64(buf, l->va_purge_list);
	}
	if (err) {
		vx_walk_moved(k, "vmap_purge_list: %s", err->message);
		vx_report_skip(r, "vmap_purge_list: %s", err->message);
		vx_error_destroy(err);
	}
	return NULL;
}

static struct vx_error *read_symbol_u64(struct vx_kernel *k, const char *name,
					size_t size, uint64_t *val)
{
	struct vx_error *err;
	uint64_t addr;

	err = vx_kernel_symbol(k, name, &addr);
	if (!err)
		err = vx_read_uint(k->t, addr, size, val);
	if (err)
		return vx_error_wrap(err, "reading %s", name);
	return NULL;
}

static struct vx_error *walk_nodes(struct vx_kernel *k, struct vx_report *r,
				   enum vx_walk_what what, struct vx_vmap *m)
{
	const struct vx_layout *l = &k->l;
	uint64_t nodes, nr, zone;
	struct vx_error *err;
	char label[64];

	err = read_symbol_u64(k, "vmap_nodes", 8, &nodes);
	if (!err)
		err = read_symbol_u64(k, "nr_vmap_nodes", 4, &nr);
	if (!err)
		err = read_symbol_u64(k, "vmap_zone_size", 4, &zone);
	if (err)
		return err;
	if (nr == 0 || nr > MAX_VMAP_NODES)
		return vx_error_create(VX_ERR_INVALID,
				       "nr_vmap_nodes is %lu, not 1..%d: corrupt dump or wrong symbol",
				       (unsigned long)nr, MAX_VMAP_NODES);
	m->nr_nodes = nr;
	m->zone_size = zone;
	/* The kernel prints node by node: every busy list, then every lazy. */
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t vn = nodes + i * l->vn_sizeof;

		snprintf(label, sizeof(label), "vmap_nodes[%u].busy", i);
		err = walk_one(k, r, vn + l->vn_busy_head,
			       tree_root(l->vn_busy_root, vn), label, VX_BUSY, i,
				&m->lists[VX_BUSY]);
		if (err)
			return err;
	}
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t vn = nodes + i * l->vn_sizeof;

		snprintf(label, sizeof(label), "vmap_nodes[%u].lazy", i);
		err = walk_one(k, r, vn + l->vn_lazy_head,
			       tree_root(l->vn_lazy_root, vn), label, VX_LAZY, i,
				&m->lists[VX_LAZY]);
		if (err || !(what & VX_WALK_ALL))
			continue;
		snprintf(label, sizeof(label), "vmap_nodes[%u].purge_list", i);
		err = walk_one(k, r, vn + l->vn_purge_list, 0, label,
			       VX_PURGING, i, &m->lists[VX_PURGING]);
		for (uint64_t p = 0; !err && p < l->vn_pool_count; p++) {
			uint64_t pool = vn + l->vn_pool + p * l->pool_sizeof;

			snprintf(label, sizeof(label), "vmap_nodes[%u].pool[%lu]",
				 i, (unsigned long)p);
			err = walk_one(k, r, pool + l->pool_head, 0, label,
				       VX_POOLED, i, &m->lists[VX_POOLED]);
		}
		if (err)
			return err;
	}
	return err;
}

static struct vx_error *walk_global(struct vx_kernel *k, struct vx_report *r,
				    struct vx_vmap *m)
{
	struct vx_error *err;
	uint64_t head;

	err = vx_kernel_symbol(k, "vmap_area_list", &head);
	if (err)
		return vx_error_wrap(err, "no vmap_nodes and no vmap_area_list");
	err = walk_one(k, r, head, symbol_or_0(k, "vmap_area_root"),
		       "vmap_area_list", VX_BUSY, -1,
			&m->lists[VX_BUSY]);
	if (err)
		return err;
	if (k->lazy_llist) {
		err = vx_kernel_symbol(k, "vmap_purge_list", &head);
		return err ? err : walk_llist(k, r, head, &m->lists[VX_LAZY]);
	}
	if (!k->lazy_merged_list)
		return NULL;
	err = vx_kernel_symbol(k, "purge_vmap_area_list", &head);
	if (err)
		return err;
	return walk_one(k, r, head, symbol_or_0(k, "purge_vmap_area_root"),
			"purge_vmap_area_list", VX_LAZY, -1,
			 &m->lists[VX_LAZY]);
}

static void walk_free(struct vx_kernel *k, struct vx_report *r,
		      struct vx_vmap *m)
{
	struct vx_error *err;
	uint64_t head, root;

	err = vx_kernel_symbol(k, "free_vmap_area_list", &head);
	if (!err)
		err = walk_one(k, r, head, symbol_or_0(k, "free_vmap_area_root"),
			       "free_vmap_area_list", VX_FREE, -1,
				&m->lists[VX_FREE]);
	if (err) {
		vx_report_skip(r, "free areas: %s", err->message);
		vx_error_destroy(err);
	}
	/* The augmented tree keeps the largest free extent at the root. */
	err = read_symbol_u64(k, "free_vmap_area_root", 8, &root);
	if (!err && root)
		err = vx_read_u64(k->t, root - k->l.va_rb_node +
				  k->l.va_subtree_max_size, &m->free_root_max);
	if (err) {
		vx_report_skip(r, "free tree root: %s", err->message);
		vx_error_destroy(err);
		return;
	}
	m->free_root_read = true;
}

static struct vx_error *walk_once(struct vx_kernel *k, struct vx_report *r,
				  enum vx_walk_what what, struct vx_vmap *m)
{
	struct vx_error *err;

	memset(m, 0, sizeof(*m));
	vx_recover_begin(k);	/* forget what an earlier walk recovered */
	err = k->has_nodes ? walk_nodes(k, r, what, m) : walk_global(k, r, m);
	if (err) {
		vx_vmap_free(m);
		return err;
	}
	vx_recover_fill(k, r, m);
	vx_recover_report(k, r);
	/*
	 * A running kernel always has busy areas (IRQ stacks, ACPI maps,
	 * module space users): no area busy or lazy means a list head that
	 * points at itself, not an empty vmalloc space.  Say so instead of
	 * printing nothing with success.
	 */
	if (!m->lists[VX_BUSY].n && !m->lists[VX_LAZY].n &&
	    !k->recovery)	/* a filtered dump is explained above */
		vx_report_skip(r, "%s: no vmap_area at all, busy or lazy, which a running kernel never has: corrupt list head",
			       k->has_nodes ? "vmap_nodes[].busy" : "vmap_area_list");
	if (what & VX_WALK_ALL) {
		walk_free(k, r, m);
		if ((err = read_symbol_u64(k, "vmap_lazy_nr", 8, &m->lazy_pages))) {
			vx_report_skip(r, "%s", err->message);
			vx_error_destroy(err);
		}
	}
	return NULL;
}

struct vx_error *vx_walk(struct vx_kernel *k, struct vx_report *r,
			 enum vx_walk_what what, struct vx_vmap *m)
{
	return k->t->live ? vx_walk_live(k, r, what, m, walk_once) :
			    walk_once(k, r, what, m);
}

void vx_vmap_free(struct vx_vmap *m)
{
	for (int i = 0; i < VX_NR_STATES; i++)
		free(m->lists[i].v);
	memset(m, 0, sizeof(*m));
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Owner rules for module memory, BPF, ioremap and ttys (doc/kernel.md §10.2-
 * §10.5).  Each is detected by its symbols and members; lists and trees are
 * walked bounded and checked, so corruption ends the rule as a skip.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owners.h"
#include "vmflags.h"

#define MAX_MODULES		8192
#define MODULE_STATE_UNFORMED	3
#define MAX_RESOURCES		65536	/* nodes visited per ioremap */

/*
 * One object at [base, base + size) named what: the area starting at base
 * is its own; an area that only contains base is shared (the 7.x execmem
 * ROX cache holds the text of many modules, a BPF pack many programs) and
 * lists every object in it: its text is "SHARED: what, what...", its group
 * shared_group (a group name is printed before a count: "by 1" read badly).
 */
static struct vx_error *claim_object(struct vx_owner_ctx *c,
				     struct vx_owner_rule_stats *st,
				     enum vx_owner_kind kind, uint64_t base,
				     uint64_t size, const char *what,
				     const char *group, const char *shared,
				     const char *shared_group)
{
	struct vx_owner *o = vx_owner_containing(c->t, base);
	char text[160], *old, *grp;

	if (!o)
		return NULL;
	if (!o->claims) {
		st->attributed++;
		if (o->start == base) {
			o->region_size = size;
			return vx_owner_claim(c, o, kind, what, group);
		}
		snprintf(text, sizeof(text), "%s: %s", shared, what);
		return vx_owner_claim(c, o, kind, text, shared_group);
	}
	if (o->kind != kind)
		return vx_owner_claim(c, o, kind, what, group);
	/* a second object in one area: the area is shared, name them all */
	if (strncmp(o->text, shared, strlen(shared))) {
		snprintf(text, sizeof(text), "%s: %s", shared, o->text);
		old = strdup(text);
		grp = strdup(shared_group);
		if (!old || !grp) {
			free(old);
			free(grp);
			return vx_error_nomem_in("owner of area 0x%" PRIx64, o->start);
		}
		free(o->text);
		free(o->group);
		o->text = old;
		o->group = grp;
		o->region_size = 0;
	}
	return vx_owner_append(o, what);
}

/* ---- modules: struct module's layouts (<= 6.3) or mem[] (6.4+) -------- */

/* enum mod_mem_type, 6.4 (commit ac3b43283923, module_memory) */
static const char *const mem_names[] = {
	"text", "data", "rodata", "ro_after_init", "init_text", "init_data",
	"init_rodata",
};

struct mod_region {
	const char *name;
	uint64_t base, size;
};

static size_t module_regions(struct vx_kernel *k, uint64_t mod,
			     struct mod_region *rg, size_t max,
			     struct vx_error **err)
{
	const struct vx_layout *l = &k->l;
	uint64_t data = vx_owner_member(k, "module", "data_layout", NULL);
	size_t n = 0;

	*err = NULL;
	if (k->has_mod_mem) {
		for (uint64_t i = 0; i < l->mod_mem_count && n < max && !*err; i++) {
			uint64_t mm = mod + l->mod_mem + i * l->mm_sizeof;

			rg[n].name = i < sizeof(mem_names) / sizeof(*mem_names) ?
				     mem_names[i] : "mem";
			*err = vx_read_u64(k->t, mm + l->mm_base, &rg[n].base);
			if (!*err)
				*err = vx_read_uint(k->t, mm + l->mm_size,
						    l->mm_size_size, &rg[n].size);
			n++;
		}
		return n;
	}
	/* 5.10 - 6.3: core and init; data_layout with ARCH_WANTS_MODULES_DATA_IN_VMALLOC (5.13+) */
	const uint64_t at[3] = { l->mod_core_layout, l->mod_init_layout, data };
	static const char *const names[3] = { "core", "init", "data" };

	for (int i = 0; i < 3 && n < max && !*err; i++) {
		if (at[i] == VX_ABSENT)
			continue;
		rg[n].name = names[i];
		*err = vx_read_u64(k->t, mod + at[i] + l->ml_base, &rg[n].base);
		if (!*err)
			*err = vx_read_uint(k->t, mod + at[i] + l->ml_size, 4,
					    &rg[n].size);
		n++;
	}
	return n;
}

static struct vx_error *one_module(struct vx_owner_ctx *c,
				   struct vx_owner_rule_stats *st, uint64_t mod)
{
	const struct vx_layout *l = &c->k->l;
	struct mod_region rg[16];
	char name[64], what[128], group[80];
	size_t n, name_size;
	uint64_t state;
	struct vx_error *err = vx_read_uint(c->k->t, mod + l->mod_state, 4, &state);

	if (err || state == MODULE_STATE_UNFORMED)
		return err;
	/* the size is the dump's BTF's: 0 (no name) must not write name[-1] */
	name_size = l->mod_name_size < sizeof(name) ? l->mod_name_size : sizeof(name) - 1;
	err = name_size ? vx_read(c->k->t, mod + l->mod_name, name, name_size) : NULL;
	if (err)
		return err;
	name[name_size] = '\0';
	if (!name[0])
		snprintf(name, sizeof(name), "?");
	st->seen++;
	n = module_regions(c->k, mod, rg, 16, &err);
	for (size_t i = 0; i < n && !err; i++) {
		if (!rg[i].size || !rg[i].base)
			continue;
		snprintf(what, sizeof(what), "module %s %s", name, rg[i].name);
		snprintf(group, sizeof(group), "module %s", name);
		err = claim_object(c, st, VX_OWNER_MODULE, rg[i].base, rg[i].size,
				   what, group, "execmem cache shared by",
				   "execmem ROX cache");
	}
	return err;
}

struct vx_error *vx_owners_modules(struct vx_owner_ctx *c,
				   struct vx_owner_rule_stats *st)
{
	uint64_t head, pos, prev, back;
	struct vx_error *err;
	int count = 0;

	if (c->k->l.mod_list == VX_ABSENT)
		return NULL;
	err = vx_kernel_symbol(c->k, "modules", &head);
	if (err) {
		vx_error_destroy(err);
		return NULL;
	}
	st->ran = true;
	err = vx_read_u64(c->k->t, head, &pos);
	prev = head;
	while (!err && pos != head) {
		if (++count > MAX_MODULES)
			return vx_error_create(VX_ERR_INVALID,
					       "more than %d modules (a cycle?)",
					       MAX_MODULES);
		err = vx_read_u64(c->k->t, pos + 8, &back);
		if (!err && back != prev)
			return vx_error_create(VX_ERR_INVALID,
					       "module list broken at 0x%" PRIx64, pos);
		if (!err)
			err = one_module(c, st, pos - c->k->l.mod_list);
		prev = pos;
		if (!err)
			err = vx_read_u64(c->k->t, pos, &pos);
	}
	return err;
}

/* ---- ioremap: the iomem_resource tree -------------------------------- */

struct res_layout {
	uint64_t start, end, name, parent, sibling, child;
};

/* The name chain of the deepest resource holding phys: "a < b < c". */
static struct vx_error *resource_chain(struct vx_kernel *k,
				       const struct res_layout *rl,
				       uint64_t root, uint64_t phys,
				       char *text, size_t size, char *leaf,
				       size_t leaf_size)
{
	uint64_t r, start, end, name;
	struct vx_error *err;
	char buf[64], tmp[256];
	unsigned int budget = MAX_RESOURCES;

	text[0] = leaf[0] = '\0';
	err = vx_read_u64(k->t, root + rl->child, &r);
	while (!err && r) {
		if (!budget--)
			return vx_error_create(VX_ERR_INVALID,
					       "iomem_resource: more than %u resources (a cycle?)",
					       MAX_RESOURCES);
		err = vx_read_u64(k->t, r + rl->start, &start);
		if (!err)
			err = vx_read_u64(k->t, r + rl->end, &end);
		if (err || phys < start || phys > end) {
			if (!err)
				err = vx_read_u64(k->t, r + rl->sibling, &r);
			continue;
		}
		err = vx_read_u64(k->t, r + rl->name, &name);
		strcpy(buf, "?");
		if (!err && name && !vx_owner_try_cstring(k, name, buf, sizeof(buf)))
			strcpy(buf, "?");
		snprintf(tmp, sizeof(tmp), "%s%s%s", buf, text[0] ? " < " : "", text);
		snprintf(text, size, "%s", tmp);
		snprintf(leaf, leaf_size, "%s", buf);
		if (!err)
			err = vx_read_u64(k->t, r + rl->child, &r);
	}
	return err;
}

struct vx_error *vx_owners_iomem(struct vx_owner_ctx *c,
				 struct vx_owner_rule_stats *st)
{
	struct res_layout rl;
	uint64_t root;
	struct vx_error *err;
	char chain[256], leaf[64], text[320], group[96];

	rl.start = vx_owner_member(c->k, "resource", "start", NULL);
	rl.end = vx_owner_member(c->k, "resource", "end", NULL);
	rl.name = vx_owner_member(c->k, "resource", "name", NULL);
	rl.parent = vx_owner_member(c->k, "resource", "parent", NULL);
	rl.sibling = vx_owner_member(c->k, "resource", "sibling", NULL);
	rl.child = vx_owner_member(c->k, "resource", "child", NULL);
	if (rl.start == VX_ABSENT || rl.end == VX_ABSENT || rl.name == VX_ABSENT ||
	    rl.sibling == VX_ABSENT || rl.child == VX_ABSENT)
		return NULL;
	err = vx_kernel_symbol(c->k, "iomem_resource", &root);
	if (err) {
		vx_error_destroy(err);
		return NULL;
	}
	st->ran = true;
	for (size_t i = 0; i < c->t->n; i++) {
		struct vx_owner *o = &c->t->v[i];
		const struct vx_area *a = o->area;

		if (!a->vm_read || !(a->vm.flags & VX_VM_IOREMAP) || o->claims)
			continue;
		st->seen++;
		err = resource_chain(c->k, &rl, root, a->vm.phys_addr, chain,
				     sizeof(chain), leaf, sizeof(leaf));
		if (err)
			return err;
		if (!chain[0])
			continue;	/* no resource: owner unknown */
		snprintf(text, sizeof(text), "iomem %s", chain);
		snprintf(group, sizeof(group), "iomem %s", leaf);
		st->attributed++;
		err = vx_owner_claim(c, o, VX_OWNER_IOMEM, text, group);
		if (err)
			return err;
	}
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Owner rule for zram (doc/kernel.md §10.8): disksize_store() vzallocs a
 * device's table (one entry a page) into zram->table.  zram is a module,
 * so struct zram is in the module's BTF, not vmlinux's: the module's BTF
 * is found in btf_modules (kernel/bpf/btf.c: struct btf_module's module
 * and btf; struct btf's data and data_size, a copy the kernel keeps) and
 * parsed split on the vmlinux BTF of the dump.  The devices are the
 * entries of the module's zram_index_idr; the name is zram->disk's
 * disk_name.  The per-CPU compression streams of 6.12+
 * (zcomp_cpu_up_prepare: zstrm->buffer, 7.x also zstrm->local_copy, and
 * the backend's context, whose lz4_ctx.mem is the vmalloc'd work memory)
 * are named when the module's BTF has those members; 6.1's buffers are
 * pages, not vmalloc.  A kernel without module BTF (5.10: no struct
 * btf_module) has no rule.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owners.h"

#define MAX_BTF_MODULES		8192
#define MODULE_BTF_MAX		(16U << 20)	/* zram's is ~40 KiB */
#define MAX_ZRAM_ENTRIES	4096	/* slots and nodes read in the IDR */
#define MAX_XA_DEPTH		12
#define MAX_COMPS		8
#define DISK_NAME_LEN		32

struct zram_walk {
	struct vx_types *mt;	/* the module's types (split BTF) */
	uint64_t xa_head, node_slots, nr_slots;
	uint64_t table, disk, disk_name, disk_name_size;
	uint64_t comp, nr_comps;	/* zram.comp (<= 6.1) or comps[] (6.12+) */
	uint64_t stream, strm_buffer, strm_local_copy, strm_context, ctx_mem;
	uint64_t *cpu_off;
	uint32_t nr_cpus;
	unsigned int budget;
	struct vx_owner_rule_stats *st;
};

static uint64_t mod_member(struct vx_types *t, const char *type,
			   const char *path, uint64_t *size)
{
	struct vx_member m;
	struct vx_error *err = vx_member(t, type, path, &m);

	if (err) {
		vx_error_destroy(err);
		return VX_ABSENT;
	}
	if (size)
		*size = m.size;
	return m.offset;
}

/* The copy of the BTF of module name the kernel keeps (btf_modules). */
static struct vx_error *module_btf(struct vx_kernel *k, const char *name,
				   uint64_t *data, uint64_t *size)
{
	uint64_t list = vx_owner_member(k, "btf_module", "list", NULL);
	uint64_t mod_off = vx_owner_member(k, "btf_module", "module", NULL);
	uint64_t btf_off = vx_owner_member(k, "btf_module", "btf", NULL);
	uint64_t data_off = vx_owner_member(k, "btf", "data", NULL);
	uint64_t size_off = vx_owner_member(k, "btf", "data_size", NULL);
	uint64_t head, pos, prev, back, mod, btf;
	char mname[64];
	size_t len = k->l.mod_name_size < sizeof(mname) ? k->l.mod_name_size :
							  sizeof(mname) - 1;
	struct vx_error *err;
	int budget = MAX_BTF_MODULES;

	if (list == VX_ABSENT || mod_off == VX_ABSENT || btf_off == VX_ABSENT ||
	    data_off == VX_ABSENT || size_off == VX_ABSENT || !len ||
	    k->l.mod_name == VX_ABSENT)
		return vx_error_create(VX_ERR_NOT_FOUND, "no module BTF (struct btf_module)");
	err = vx_kernel_symbol(k, "btf_modules", &head);
	if (!err)
		err = vx_read_u64(k->t, head, &pos);
	prev = head;
	while (!err && pos != head) {
		if (!budget--)
			return vx_error_create(VX_ERR_INVALID,
					       "btf_modules: more than %d entries (a cycle?)",
					       MAX_BTF_MODULES);
		err = vx_read_u64(k->t, pos + 8, &back);
		if (!err && back != prev)
			return vx_error_create(VX_ERR_INVALID,
					       "btf_modules broken at 0x%" PRIx64, pos);
		if (!err)
			err = vx_read_u64(k->t, pos - list + mod_off, &mod);
		if (!err && mod)
			err = vx_read(k->t, mod + k->l.mod_name, mname, len);
		mname[mod ? len : 0] = '\0';
		if (!err && mod && !strcmp(mname, name)) {
			err = vx_read_u64(k->t, pos - list + btf_off, &btf);
			if (!err)
				err = vx_read_u64(k->t, btf + data_off, data);
			if (!err)
				err = vx_read_uint(k->t, btf + size_off, 4, size);
			return err ? vx_error_wrap(err, "btf of module %s", name) : NULL;
		}
		prev = pos;
		if (!err)
			err = vx_read_u64(k->t, pos, &pos);
	}
	if (err)
		return vx_error_wrap(err, "btf_modules");
	return vx_error_create(VX_ERR_NOT_FOUND, "module %s has no BTF", name);
}

static struct vx_error *read_blob(struct vx_kernel *k, uint64_t addr,
				  uint64_t size, void **out)
{
	void *buf;
	struct vx_error *err;

	*out = NULL;
	if (!size || size > MODULE_BTF_MAX)
		return vx_error_create(VX_ERR_INVALID,
				       "BTF of %" PRIu64 " bytes (0 or more than %u MiB)",
				       size, MODULE_BTF_MAX >> 20);
	buf = malloc(size);
	if (!buf)
		return vx_error_nomem_in("BTF of %" PRIu64 " bytes", size);
	err = vx_read(k->t, addr, buf, size);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	return NULL;
}

/* zram's types: its BTF split on the dump's vmlinux BTF. */
static struct vx_error *zram_types(struct vx_kernel *k, struct vx_types **out)
{
	uint64_t data, size, start, end;
	void *mod = NULL, *base = NULL;
	struct vx_error *err = module_btf(k, "zram", &data, &size);

	if (!err)
		err = read_blob(k, data, size, &mod);
	if (!err)
		err = vx_kernel_symbol(k, "__start_BTF", &start);
	if (!err)
		err = vx_kernel_symbol(k, "__stop_BTF", &end);
	if (!err)
		err = end > start ? read_blob(k, start, end - start, &base) :
		      vx_error_create(VX_ERR_INVALID, "vmlinux BTF is empty");
	if (!err)
		err = vx_btf_types_split(base, end - start, mod, size, out);
	free(mod);
	free(base);
	return err;
}

static struct vx_error *claim(struct vx_owner_ctx *c, struct zram_walk *w,
			      uint64_t addr, const char *name, const char *what)
{
	struct vx_owner *o = addr ? vx_owner_at(c->t, addr) : NULL;
	char text[96], group[64];

	if (!o)
		return NULL;
	snprintf(text, sizeof(text), "%s %s", name, what);
	snprintf(group, sizeof(group), "zram %s", name);
	if (!o->claims)
		w->st->attributed++;
	return vx_owner_claim(c, o, VX_OWNER_ZRAM, text, group);
}

/* Each CPU's stream of one zcomp: its buffer and its backend's work memory. */
static struct vx_error *streams(struct vx_owner_ctx *c, struct zram_walk *w,
				uint64_t comp, const char *name)
{
	uint64_t pcpu, buf, ctx, mem;
	char what[64];
	struct vx_error *err = NULL;

	if (!comp || w->stream == VX_ABSENT || w->strm_buffer == VX_ABSENT ||
	    !vx_owner_try_u64(c->k, comp + w->stream, &pcpu))
		return NULL;
	for (uint32_t cpu = 0; !err && cpu < w->nr_cpus; cpu++) {
		uint64_t s = pcpu + w->cpu_off[cpu];

		snprintf(what, sizeof(what), "compression buffer (cpu %u)", cpu);
		if (vx_owner_try_u64(c->k, s + w->strm_buffer, &buf))
			err = claim(c, w, buf, name, what);
		snprintf(what, sizeof(what), "local copy buffer (cpu %u)", cpu);
		if (!err && w->strm_local_copy != VX_ABSENT &&
		    vx_owner_try_u64(c->k, s + w->strm_local_copy, &buf))
			err = claim(c, w, buf, name, what);
		if (err || w->strm_context == VX_ABSENT || w->ctx_mem == VX_ABSENT ||
		    !vx_owner_try_u64(c->k, s + w->strm_context, &ctx) || !ctx ||
		    !vx_owner_try_u64(c->k, ctx + w->ctx_mem, &mem))
			continue;
		snprintf(what, sizeof(what), "compressor memory (cpu %u)", cpu);
		err = claim(c, w, mem, name, what);
	}
	return err;
}

/* zram->disk's disk_name, or "zram?" when it cannot be read. */
static void disk_name(struct vx_owner_ctx *c, const struct zram_walk *w,
		      uint64_t zram, char *name, size_t size)
{
	size_t len = w->disk_name_size < size ? w->disk_name_size : size - 1;
	uint64_t disk;
	struct vx_error *err;

	snprintf(name, size, "zram?");
	if (w->disk_name == VX_ABSENT || !len ||
	    !vx_owner_try_u64(c->k, zram + w->disk, &disk) || !disk)
		return;
	err = vx_read(c->k->t, disk + w->disk_name, name, len);
	name[len] = '\0';
	if (err || !name[0])
		snprintf(name, size, "zram?");
	vx_error_destroy(err);
}

static struct vx_error *one_zram(struct vx_owner_ctx *c, struct zram_walk *w,
				 uint64_t zram)
{
	char name[DISK_NAME_LEN];
	uint64_t table, comp;
	struct vx_error *err = vx_read_u64(c->k->t, zram + w->table, &table);

	if (err)
		return vx_error_wrap(err, "zram 0x%" PRIx64, zram);
	w->st->seen++;
	disk_name(c, w, zram, name, sizeof(name));
	err = claim(c, w, table, name, "table");
	for (uint64_t i = 0; !err && w->comp != VX_ABSENT && i < w->nr_comps; i++)
		if (vx_owner_try_u64(c->k, zram + w->comp + 8 * i, &comp))
			err = streams(c, w, comp, name);
	return err;
}

/* The IDR's xarray: an entry is NULL, a value, a node (10, > 4096) or a zram. */
static struct vx_error *xa_entry(struct vx_owner_ctx *c, struct zram_walk *w,
				 uint64_t entry, int depth)
{
	struct vx_error *err = NULL;

	if (!entry || (entry & 1) || ((entry & 3) == 2 && entry <= 4096))
		return NULL;
	if (!w->budget--)
		return vx_error_create(VX_ERR_INVALID,
				       "zram_index_idr: more than %u entries (a cycle?)",
				       MAX_ZRAM_ENTRIES);
	if ((entry & 3) != 2)
		return one_zram(c, w, entry);
	if (depth >= MAX_XA_DEPTH)
		return vx_error_create(VX_ERR_INVALID,
				       "zram_index_idr: deeper than an xarray can be");
	for (uint64_t i = 0; !err && i < w->nr_slots; i++) {
		uint64_t slot;

		err = vx_read_u64(c->k->t, entry - 2 + w->node_slots + 8 * i, &slot);
		if (!err)
			err = xa_entry(c, w, slot, depth + 1);
	}
	return err;
}

static bool zram_layout(struct vx_kernel *k, struct zram_walk *w)
{
	uint64_t rt = vx_owner_member(k, "idr", "idr_rt", NULL);
	uint64_t head = vx_owner_member(k, "xarray", "xa_head", NULL);
	uint64_t slots = 0, comps = 0, ctx, context;

	w->xa_head = rt == VX_ABSENT || head == VX_ABSENT ? VX_ABSENT : rt + head;
	w->node_slots = vx_owner_member(k, "xa_node", "slots", &slots);
	w->nr_slots = slots / 8;
	w->disk_name = vx_owner_member(k, "gendisk", "disk_name", &w->disk_name_size);
	w->table = mod_member(w->mt, "zram", "table", NULL);
	w->disk = mod_member(w->mt, "zram", "disk", NULL);
	w->comp = mod_member(w->mt, "zram", "comps", &comps);
	w->nr_comps = comps / 8;
	if (w->comp == VX_ABSENT) {
		w->comp = mod_member(w->mt, "zram", "comp", NULL);
		w->nr_comps = 1;
	}
	if (w->nr_comps > MAX_COMPS)
		w->nr_comps = MAX_COMPS;
	w->stream = mod_member(w->mt, "zcomp", "stream", NULL);
	w->strm_buffer = mod_member(w->mt, "zcomp_strm", "buffer", NULL);
	w->strm_local_copy = mod_member(w->mt, "zcomp_strm", "local_copy", NULL);
	ctx = mod_member(w->mt, "zcomp_strm", "ctx", NULL);
	context = mod_member(w->mt, "zcomp_ctx", "context", NULL);
	w->strm_context = ctx == VX_ABSENT || context == VX_ABSENT ? VX_ABSENT :
			  ctx + context;
	/* the backend's context: lz4's (the Debian default since 6.12) */
	w->ctx_mem = mod_member(w->mt, "lz4_ctx", "mem", NULL);
	return w->xa_head != VX_ABSENT && w->node_slots != VX_ABSENT &&
	       w->nr_slots && w->table != VX_ABSENT && w->disk != VX_ABSENT;
}

struct vx_error *vx_owners_zram(struct vx_owner_ctx *c,
				struct vx_owner_rule_stats *st)
{
	struct zram_walk w = { .st = st, .budget = MAX_ZRAM_ENTRIES };
	uint64_t idr, head;
	struct vx_error *err;

	/* no module BTF in the kernel (5.10), or zram not loaded: no rule */
	if (vx_owner_member(c->k, "btf_module", "btf", NULL) == VX_ABSENT)
		return NULL;
	err = vx_module_symbol(c->k, "zram", "zram_index_idr", &idr);
	if (err) {
		vx_error_destroy(err);
		return NULL;
	}
	st->ran = true;
	err = zram_types(c->k, &w.mt);
	if (err)
		return vx_error_wrap(err, "zram's BTF");
	if (!zram_layout(c->k, &w)) {
		err = vx_error_create(VX_ERR_NOT_FOUND,
				      "zram's BTF has no zram.table or zram.disk");
		goto out;
	}
	if (w.stream != VX_ABSENT) {
		err = vx_owner_cpu_offsets(c->k, &w.cpu_off, &w.nr_cpus);
		if (err) {	/* the tables are named all the same */
			vx_error_destroy(err);
			err = NULL;
			w.stream = VX_ABSENT;
		}
	}
	err = vx_read_u64(c->k->t, idr + w.xa_head, &head);
	if (!err)
		err = xa_entry(c, &w, head, 0);
out:
	free(w.cpu_off);
	vx_types_destroy(w.mt);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Owner rule for BPF (doc/kernel.md §10.3): every loaded program is in
 * prog_idr (kernel/bpf/syscall.c), an IDR whose radix tree is an xarray
 * (4.20+): xa_head is NULL, one entry, or an internal xa_node pointer
 * (low bits 10, above 4096) whose slots[] hold entries or nodes.  A
 * struct bpf_prog is itself vmalloc'd (bpf_prog_alloc), and its JITed
 * image, at prog->bpf_func, lies in a 2 MiB bpf_prog_pack (5.18+) shared
 * by many programs or in its own bpf_jit_binary_alloc area.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owners.h"

/*
 * Distinct nodes and programs met in prog_idr, and slots read: far above
 * any real count (prog ids are allocated one per loaded program), low
 * enough that a dump whose slots all point at one node or one program ends
 * the walk as a skip in a fraction of a second.
 */
#define MAX_BPF_OBJECTS	(1U << 17)
#define BPF_SEEN_SLOTS	(2 * MAX_BPF_OBJECTS)	/* the set stays half empty */
#define MAX_BPF_ENTRIES	(1U << 22)
#define MAX_XA_DEPTH	12	/* 64-bit indexes, 6 bits a level */
#define BPF_OBJ_NAME_LEN 16

/* enum bpf_prog_type, the UAPI order (include/uapi/linux/bpf.h) */
static const char *const prog_types[] = {
	"unspec", "socket_filter", "kprobe", "sched_cls", "sched_act",
	"tracepoint", "xdp", "perf_event", "cgroup_skb", "cgroup_sock",
	"lwt_in", "lwt_out", "lwt_xmit", "sock_ops", "sk_skb",
	"cgroup_device", "sk_msg", "raw_tracepoint", "cgroup_sock_addr",
	"lwt_seg6local", "lirc_mode2", "sk_reuseport", "flow_dissector",
	"cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt",
	"tracing", "struct_ops", "ext", "lsm", "sk_lookup", "syscall",
	"netfilter",
};

struct bpf_layout {
	uint64_t xa_head, node_shift, node_slots, nr_slots;
	uint64_t aux, bpf_func, type, aux_id, aux_name;
};

struct bpf_walk {
	struct bpf_layout l;
	struct vx_owner_rule_stats *st;
	uint64_t *seen;		/* nodes and programs met: open addressing */
	unsigned int nr_seen, entries;
	unsigned int twice;	/* entries met again: a corrupt tree */
};

/* Whether entry was met before (each node is walked, each program named, once). */
static struct vx_error *seen_before(struct bpf_walk *w, uint64_t entry, bool *seen)
{
	uint64_t i = (entry * 0x9e3779b97f4a7c15ULL) >> 46;	/* 18 bits */

	if (!w->seen && !(w->seen = calloc(BPF_SEEN_SLOTS, sizeof(*w->seen))))
		return vx_error_nomem_in("bpf walk");
	for (; w->seen[i]; i = (i + 1) % BPF_SEEN_SLOTS)
		if (w->seen[i] == entry) {
			*seen = true;
			return NULL;
		}
	if (w->nr_seen++ == MAX_BPF_OBJECTS)
		return vx_error_create(VX_ERR_INVALID,
				       "prog_idr: more than %u nodes and programs",
				       MAX_BPF_OBJECTS);
	w->seen[i] = entry;
	*seen = false;
	return NULL;
}

static bool bpf_layout(struct vx_kernel *k, struct bpf_layout *l)
{
	uint64_t rt = vx_owner_member(k, "idr", "idr_rt", NULL);
	uint64_t head = vx_owner_member(k, "xarray", "xa_head", NULL);
	uint64_t slots_size = 0;

	l->xa_head = rt == VX_ABSENT || head == VX_ABSENT ? VX_ABSENT : rt + head;
	l->node_shift = vx_owner_member(k, "xa_node", "shift", NULL);
	l->node_slots = vx_owner_member(k, "xa_node", "slots", &slots_size);
	l->nr_slots = slots_size / 8;
	l->aux = vx_owner_member(k, "bpf_prog", "aux", NULL);
	l->bpf_func = vx_owner_member(k, "bpf_prog", "bpf_func", NULL);
	l->type = vx_owner_member(k, "bpf_prog", "type", NULL);
	l->aux_id = vx_owner_member(k, "bpf_prog_aux", "id", NULL);
	l->aux_name = vx_owner_member(k, "bpf_prog_aux", "name", NULL);
	return l->xa_head != VX_ABSENT && l->node_slots != VX_ABSENT &&
	       l->nr_slots && l->aux != VX_ABSENT && l->bpf_func != VX_ABSENT &&
	       l->type != VX_ABSENT && l->aux_id != VX_ABSENT &&
	       l->aux_name != VX_ABSENT;
}

static struct vx_error *one_prog(struct vx_owner_ctx *c, struct bpf_walk *w,
				 uint64_t prog)
{
	uint64_t aux, func, type, id;
	char name[BPF_OBJ_NAME_LEN], what[96], group[64];
	struct vx_owner *o;
	struct vx_error *err = vx_read_u64(c->k->t, prog + w->l.aux, &aux);

	if (!err)
		err = vx_read_u64(c->k->t, prog + w->l.bpf_func, &func);
	if (!err)
		err = vx_read_uint(c->k->t, prog + w->l.type, 4, &type);
	if (!err)
		err = vx_read_uint(c->k->t, aux + w->l.aux_id, 4, &id);
	if (!err)
		err = vx_read(c->k->t, aux + w->l.aux_name, name, sizeof(name));
	if (err)
		return vx_error_wrap(err, "bpf_prog 0x%" PRIx64, prog);
	name[sizeof(name) - 1] = '\0';
	w->st->seen++;
	/* prog_name is optional in bpf(2): an unnamed program is "bpf prog ID" */
	snprintf(group, sizeof(group), "bpf prog %" PRIu64 "%s%s", id,
		 name[0] ? " " : "", name);
	snprintf(what, sizeof(what), "%s (%s)", group,
		 type < sizeof(prog_types) / sizeof(*prog_types) ?
		 prog_types[type] : "type ?");
	/* struct bpf_prog itself (bpf_prog_alloc: __vmalloc) */
	o = vx_owner_at(c->t, prog);
	if (o && !o->claims) {
		w->st->attributed++;
		err = vx_owner_claim(c, o, VX_OWNER_BPF, what, group);
	}
	o = func ? vx_owner_containing(c->t, func) : NULL;
	if (err || !o || o->start == prog)
		return err;
	if (o->claims && o->kind == VX_OWNER_BPF)
		return vx_owner_append(o, what);	/* a pack: one more program */
	if (!o->claims)
		w->st->attributed++;
	snprintf(group, sizeof(group), "bpf programs");
	return vx_owner_claim(c, o, VX_OWNER_BPF, what, group);
}

/* An xarray entry: NULL, a value (low bit 1), a node (10, > 4096) or a pointer. */
static struct vx_error *xa_entry(struct vx_owner_ctx *c, struct bpf_walk *w,
				 uint64_t entry, int depth)
{
	struct vx_error *err = NULL;
	bool seen = false;

	if (!entry || (entry & 1))
		return NULL;
	if ((entry & 3) == 2 && entry <= 4096)
		return NULL;	/* retry or sibling entry */
	if (w->entries++ == MAX_BPF_ENTRIES)
		return vx_error_create(VX_ERR_INVALID,
				       "prog_idr: more than %u entries", MAX_BPF_ENTRIES);
	/* a node or a program met twice: a corrupt tree, walked once */
	err = seen_before(w, entry, &seen);
	if (err || seen) {
		w->twice += seen;
		return err;
	}
	if ((entry & 3) != 2)
		return one_prog(c, w, entry);
	if (depth >= MAX_XA_DEPTH)
		return vx_error_create(VX_ERR_INVALID,
				       "prog_idr: deeper than an xarray can be");
	uint64_t node = entry - 2;

	for (uint64_t i = 0; !err && i < w->l.nr_slots; i++) {
		uint64_t slot;

		err = vx_read_u64(c->k->t, node + w->l.node_slots + 8 * i, &slot);
		if (!err)
			err = xa_entry(c, w, slot, depth + 1);
	}
	return err;
}

struct vx_error *vx_owners_bpf(struct vx_owner_ctx *c,
			       struct vx_owner_rule_stats *st)
{
	struct bpf_walk w = { .st = st };
	uint64_t idr, head;
	struct vx_error *err;

	if (!bpf_layout(c->k, &w.l))
		return NULL;
	err = vx_kernel_symbol(c->k, "prog_idr", &idr);
	if (err) {
		vx_error_destroy(err);
		return NULL;
	}
	st->ran = true;
	err = vx_read_u64(c->k->t, idr + w.l.xa_head, &head);
	if (!err)
		err = xa_entry(c, &w, head, 0);
	if (!err && w.twice)	/* what was named stays named */
		err = vx_error_create(VX_ERR_INVALID,
				      "prog_idr: %u slots point at a node or program met before (a cycle?)",
				      w.twice);
	free(w.seen);
	return err;
}

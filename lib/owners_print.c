// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --owners: per busy area its owner, then the areas summed by owner,
 * largest first, and what each rule saw (text or -j).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "json.h"
#include "owners.h"

/* The caller as --callers names it: "name [mod]" without +off/size. */
static const char *caller_of(struct vx_kernel *k, const struct vx_area *a,
			     char *buf, size_t size)
{
	char *plus, *mod;

	if (a->vm_lost || a->source == VX_SRC_PAGE_TABLES)
		return VX_CALLER_NOT_IN_DUMP;
	if (!a->vm_ptr || !a->vm_read)
		return "vm_map_ram";
	if (!a->vm.caller)
		return "(no caller)";
	vx_symbolize(k, a->vm.caller, buf, size);
	plus = strchr(buf, '+');
	if (plus) {
		mod = strchr(plus, ' ');
		memmove(plus, mod ? mod : plus + strlen(plus),
			strlen(mod ? mod : plus) + 1);
	}
	return buf;
}

static void print_text(struct vx_kernel *k, const struct vx_owner_table *t,
		       const struct vx_owner_sum *sums, size_t n, FILE *out)
{
	uint64_t per_kind[VX_NR_OWNER_KINDS] = { 0 };
	char buf[512], pb[VX_PRINTABLE_SIZE], caller[VX_PRINTABLE_SIZE];

	for (size_t i = 0; i < t->n; i++)
		per_kind[t->v[i].kind]++;
	fprintf(out, "owners: %zu busy areas, %zu with an owner, %" PRIu64 " owner unknown\n",
		t->n, t->n - (size_t)per_kind[VX_OWNER_UNKNOWN],
		per_kind[VX_OWNER_UNKNOWN]);
	fprintf(out, "  by kind:");
	for (int i = 0; i < VX_NR_OWNER_KINDS; i++)
		if (per_kind[i])
			fprintf(out, " %s %" PRIu64 ";", vx_owner_kind_name(i),
				per_kind[i]);
	fprintf(out, "\n  thread stacks: %" PRIu64 " tasks walked, %" PRIu64
		" with a vmalloc stack, %" PRIu64 " stack areas named\n",
		t->tasks, t->tasks_vmap_stack,
		t->rules[0].attributed + t->rules[1].attributed);
	for (size_t i = 0; i < t->n; i++) {
		const struct vx_owner *o = &t->v[i];

		fprintf(out, "0x%016" PRIx64 "-0x%016" PRIx64 " %8" PRIu64 " %-28s %s\n",
			o->start, o->end, o->end - o->start,
			vx_printable(caller_of(k, o->area, buf, sizeof(buf)),
				     caller, sizeof(caller)),
			vx_printable(vx_owner_text(o), pb, sizeof(pb)));
	}
	fprintf(out, "\nby owner:\n  %7s %12s  %-12s %s\n", "count", "bytes",
		"kind", "owner");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %7" PRIu64 " %12" PRIu64 "  %-12s %s\n",
			sums[i].count, sums[i].bytes,
			vx_owner_kind_name(sums[i].kind),
			vx_printable(sums[i].group, pb, sizeof(pb)));
}

static void json_area(struct vx_json *j, struct vx_kernel *k,
		      const struct vx_owner *o)
{
	char buf[512];

	vx_json_start_object(j);
	vx_json_addr_field(j, "start", o->start);
	vx_json_addr_field(j, "end", o->end);
	vx_json_uint_field(j, "size", o->end - o->start);
	vx_json_string_field(j, "caller", caller_of(k, o->area, buf, sizeof(buf)));
	vx_json_string_field(j, "kind", vx_owner_kind_name(o->kind));
	vx_json_string_field(j, "owner", vx_owner_text(o));
	vx_json_string_field(j, "group", vx_owner_group(o));
	if (o->pid >= 0)
		vx_json_int_field(j, "pid", o->pid);
	if (o->tgid >= 0)
		vx_json_int_field(j, "tgid", o->tgid);
	if (o->cpu >= 0)
		vx_json_int_field(j, "cpu", o->cpu);
	if (o->region_size)
		vx_json_uint_field(j, "region_size", o->region_size);
	if (o->area->vm_read && o->area->vm.phys_addr)
		vx_json_addr_field(j, "phys", o->area->vm.phys_addr);
	vx_json_uint_field(j, "claims", o->claims);
	vx_json_end_object(j);
}

/* The "owners" array of sums: --owners and --callers share it. */
void vx_owners_json_sums(struct vx_json *j, const char *name,
			 const struct vx_owner_sum *sums, size_t n, size_t max)
{
	vx_json_array_field(j, name);
	for (size_t i = 0; i < n && i < max; i++) {
		vx_json_start_object(j);
		vx_json_string_field(j, "kind", vx_owner_kind_name(sums[i].kind));
		vx_json_string_field(j, "owner", sums[i].group);
		vx_json_uint_field(j, "count", sums[i].count);
		vx_json_uint_field(j, "bytes", sums[i].bytes);
		vx_json_end_object(j);
	}
	vx_json_end_array(j);
}

static struct vx_error *print_json(struct vx_kernel *k,
				   const struct vx_owner_table *t,
				   const struct vx_owner_sum *sums, size_t n,
				   const struct vx_options *o, FILE *out)
{
	struct vx_json *j = vx_json_create(out, o->pretty);

	if (!j)
		return vx_error_nomem_in("--owners JSON");
	vx_json_start_object(j);
	vx_json_uint_field(j, "tasks", t->tasks);
	vx_json_uint_field(j, "tasks_vmap_stack", t->tasks_vmap_stack);
	vx_json_array_field(j, "rules");
	for (int i = 0; i < VX_OWNER_NR_RULES; i++) {
		vx_json_start_object(j);
		vx_json_string_field(j, "name", t->rules[i].name);
		vx_json_bool_field(j, "ran", t->rules[i].ran);
		vx_json_uint_field(j, "seen", t->rules[i].seen);
		vx_json_uint_field(j, "attributed", t->rules[i].attributed);
		vx_json_end_object(j);
	}
	vx_json_end_array(j);
	vx_json_array_field(j, "areas");
	for (size_t i = 0; i < t->n; i++)
		json_area(j, k, &t->v[i]);
	vx_json_end_array(j);
	vx_owners_json_sums(j, "owners", sums, n, n);
	vx_json_end_object(j);
	return vx_json_destroy(j);
}

/* -v: what each rule did (a rule that did not run: its kernel lacks it). */
static void notes(const struct vx_owner_table *t, struct vx_report *r)
{
	for (int i = 0; i < VX_OWNER_NR_RULES; i++) {
		const struct vx_owner_rule_stats *st = &t->rules[i];

		if (st->ran)
			vx_report_note(r, "owners: %s: %" PRIu64 " seen, %" PRIu64 " areas named",
				       st->name, st->seen, st->attributed);
		else
			vx_report_note(r, "owners: %s: not in this kernel (symbols or members absent)",
				       st->name);
	}
}

struct vx_error *vx_owners_run(struct vx_kernel *k, struct vx_report *r,
			       const struct vx_options *o, FILE *out)
{
	struct vx_owner_table *t = NULL;
	struct vx_owner_sum *sums = NULL;
	struct vx_vmap m;
	size_t n = 0;
	struct vx_error *err;

	err = vx_walk(k, r, VX_WALK_PRINTED, &m);
	if (err)
		return err;
	err = vx_owners_build(k, r, &m, &t);
	if (!err)
		err = vx_owners_sums(t, &sums, &n);
	if (!err) {
		if (o->verbose)
			notes(t, r);
		if (o->json)
			err = print_json(k, t, sums, n, o, out);
		else
			print_text(k, t, sums, n, out);
	}
	free(sums);
	vx_owner_table_free(t);
	vx_vmap_free(&m);
	return err;
}

void vx_owners_growth_json(struct vx_json *j, const struct vx_owner_growth *g,
			   size_t n)
{
	vx_json_array_field(j, "growth_by_owner");
	for (size_t i = 0; i < n; i++) {
		vx_json_start_object(j);
		vx_json_string_field(j, "kind", vx_owner_kind_name(g[i].kind));
		vx_json_string_field(j, "owner", g[i].group);
		vx_json_int_field(j, "count", g[i].count);
		vx_json_int_field(j, "bytes", g[i].bytes);
		vx_json_end_object(j);
	}
	vx_json_end_array(j);
}

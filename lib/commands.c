// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "sosreport.h"
#include "diff.h"
#include "vmparse.h"
#include "format.h"
#include "json.h"
#include "owners.h"
#include "recover.h"
#include "callers.h"
#include "space.h"
#include "walk.h"

/*
 * Close the JSON writer w (NULL: none was made) after a print that
 * returned err: the print's error wins, else the writer's own.
 */
static struct vx_error *json_finish(struct vx_json *w, struct vx_error *err)
{
	struct vx_error *werr = w ? vx_json_destroy(w) : NULL;

	if (!err)
		return werr;
	vx_error_destroy(werr);
	return err;
}

struct vx_error *vx_command_info(struct vx_kernel *k, struct vx_report *r,
				 const struct vx_options *o, FILE *out)
{
	struct vx_error *err;
	struct vx_vmap m;

	err = vx_walk(k, r, VX_WALK_PRINTED, &m);
	if (err)
		return err;
	if (o->json) {
		struct vx_json *w = vx_json_create(out, o->pretty);

		err = w ? vx_print_vmallocinfo_json(k, r, &m, o->kptr, w) :
			  &vx_error_nomem;
		err = json_finish(w, err);
	} else {
		err = vx_print_vmallocinfo(k, r, &m, o->kptr, out);
	}
	if (!err && o->verbose)
		vx_recover_describe(k, &m, r);
	vx_vmap_free(&m);
	return err;
}

void vx_report_error(FILE *f, const char *prog, const struct vx_error *err,
		     bool json)
{
	struct vx_json *w;

	if (!json) {
		fprintf(f, "%s: %s\n", prog, err->message);
		return;
	}
	w = vx_json_create(f, false);
	if (!w)
		return;
	vx_json_start_object(w);
	vx_json_string_field(w, "error", err->message);
	vx_json_end_object(w);
	vx_error_destroy(vx_json_destroy(w));
}

/* The dump's vmallocinfo text in one pointer mode, parsed back. */
static struct vx_error *render_snapshot(struct vx_kernel *k,
					struct vx_report *r,
					const struct vx_vmap *m,
					enum vx_kptr mode, const char *name,
					struct vx_snapshot **out)
{
	struct vx_error *err;
	size_t len = 0;
	char *text = NULL;
	FILE *f;

	f = open_memstream(&text, &len);
	if (!f)
		return &vx_error_nomem;
	/* Lines marked unknown would not parse; the dump is incomplete anyway. */
	k->only_known_lines = true;
	err = vx_print_vmallocinfo(k, r, m, mode, f);
	k->only_known_lines = false;
	if (fclose(f) && !err)
		err = &vx_error_nomem;
	if (!err)
		err = vx_vmparse_buffer(name, text, len, 0, out);
	free(text);
	return err;
}

struct diff_input {
	struct vx_diff_input in;
	struct vx_snapshot *raw, *hashed;
	struct vx_sosreport *sos;	/* the snapshot came from a sosreport */
	/* A dump: its areas summed by owner (growth by owner). */
	struct vx_owner_table *owners;
	struct vx_owner_sum *sums;
	size_t nr_sums;
};

/*
 * A vmallocinfo snapshot file, or the proc/vmallocinfo of a sosreport
 * (directory or archive), *sos then kept for the checks against a dump.
 */
static struct vx_error *load_snapshot(const char *path,
				      struct vx_snapshot **snap,
				      struct vx_sosreport **sos)
{
	struct vx_error *err;

	*sos = NULL;
	if (!strcmp(path, "-") || vx_sosreport_detect(path) <= 0)
		return vx_vmparse_file(path, 0, snap);
	err = vx_sosreport_read(path, sos);
	if (!err)
		err = vx_vmparse_buffer(path, (*sos)->vmallocinfo,
					(*sos)->vmallocinfo_len, 0, snap);
	return err;
}

/* owners: both sides are dumps, so the report ends with growth by owner */
static struct vx_error *load_side(struct vx_input *side, bool owners,
				  struct vx_report *r, struct diff_input *d)
{
	struct vx_kernel *k = side->k;
	struct vx_error *err;
	size_t incomplete;
	struct vx_vmap m;

	memset(d, 0, sizeof(*d));
	if (!k) {
		err = load_snapshot(side->path, &d->raw, &d->sos);
		d->in.snap = d->raw;
		return err;
	}
	err = vx_walk(k, r, VX_WALK_PRINTED, &m);
	if (err)
		return vx_error_wrap(err, "%s", side->path);
	err = render_snapshot(k, r, &m, VX_KPTR_RAW, side->path, &d->raw);
	/* Hashes need ptr_key; without it, hashed snapshots match as multisets. */
	if (!err && (k->ptr_key[0] || k->ptr_key[1]))
		err = render_snapshot(k, r, &m, VX_KPTR_HASH, side->path,
				      &d->hashed);
	/* the sums keep the table's strings, not the walk's areas */
	/* Owner skips matter only to growth of "owner unknown". */
	if (!err && owners)
		err = vx_owners_build_noted(k, r, &m, &d->owners, &incomplete);
	if (!err && owners && vx_owner_table_has_unknown(d->owners))
		vx_owners_incomplete_skip(r, incomplete);
	if (!err && owners)
		err = vx_owners_sums(d->owners, &d->sums, &d->nr_sums);
	vx_vmap_free(&m);
	d->in.snap = d->raw;
	d->in.hashed = d->hashed;
	d->in.windows_known = true;
	d->in.vmalloc_start = k->vmalloc_start;
	d->in.vmalloc_end = k->vmalloc_end + 1;
	d->in.modules_start = k->modules_start;
	d->in.modules_end = k->modules_end;
	return err;
}

static void free_side(struct diff_input *d)
{
	vx_snapshot_destroy(d->raw);
	vx_snapshot_destroy(d->hashed);
	vx_sosreport_destroy(d->sos);
	free(d->sums);
	vx_owner_table_free(d->owners);
}

/* Both sides dumps: how the areas of each owner changed (else nothing). */
static struct vx_error *owner_growth(const struct diff_input *a,
				     const struct diff_input *b,
				     struct vx_json *w, FILE *out)
{
	struct vx_owner_growth *g;
	struct vx_error *err;
	size_t n;

	if (!a->owners || !b->owners)
		return NULL;
	err = vx_owners_growth(a->sums, a->nr_sums, b->sums, b->nr_sums, &g, &n);
	if (err)
		return err;
	if (w)
		vx_owners_growth_json(w, g, n);
	else
		vx_owners_growth_text(out, g, n);
	free(g);
	return NULL;
}

struct vx_error *vx_command_diff(struct vx_input *old,
				 struct vx_input *new,
				 const struct vx_options *o, FILE *out,
				 struct vx_report *r)
{
	struct diff_input a, b;
	struct vx_diff *diff = NULL;
	bool both_dumps = old->k && new->k;
	struct vx_error *err;

	err = load_side(old, both_dumps, r, &a);
	if (!err)
		err = load_side(new, both_dumps, r, &b);
	else
		memset(&b, 0, sizeof(b));
	/* A sosreport beside a dump: is it of that kernel, that boot? */
	if (!err && a.sos && new->k)
		vx_sosreport_check(a.sos, old->path, new->k, r);
	if (!err && b.sos && old->k)
		vx_sosreport_check(b.sos, new->path, old->k, r);
	if (!err)
		err = vx_diff_compute(&a.in, &b.in, &diff);
	if (!err && o->json) {
		struct vx_json *w = vx_json_create(out, o->pretty);

		if (!w)
			err = &vx_error_nomem;
		if (!err) {
			vx_json_start_object(w);
			err = vx_diff_print_json_fields(w, diff, o->all);
			if (!err)
				err = owner_growth(&a, &b, w, out);
			vx_json_end_object(w);
		}
		err = json_finish(w, err);
	} else if (!err) {
		err = vx_diff_print_text(out, diff, o->all);
		if (!err)
			err = owner_growth(&a, &b, NULL, out);
	}
	if (!err)
		r->status = vx_diff_differs(diff) ? VX_EXIT_DIFFERENT :
			    vx_report_incomplete(r) ? VX_EXIT_INCOMPLETE :
			    VX_EXIT_OK;
	vx_diff_destroy(diff);
	free_side(&a);
	free_side(&b);
	return err;
}

struct vx_error *vx_command_parse(const char *path, const struct vx_options *o,
				  FILE *out)
{
	struct vx_sosreport *sos;
	struct vx_snapshot *snap;
	struct vx_error *err;
	struct vx_json *w;

	err = load_snapshot(path, &snap, &sos);
	vx_sosreport_destroy(sos);
	if (err)
		return err;
	if (!o->json) {
		vx_snapshot_print(out, snap);
		vx_snapshot_destroy(snap);
		return NULL;
	}
	w = vx_json_create(out, o->pretty);
	if (!w) {
		vx_snapshot_destroy(snap);
		return &vx_error_nomem;
	}
	vx_vmparse_print_json(w, snap);
	vx_snapshot_destroy(snap);
	return vx_json_destroy(w);
}

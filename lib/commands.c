// SPDX-License-Identifier: GPL-2.0-or-later
#include "commands.h"
#include "format.h"
#include "json.h"
#include "walk.h"

static struct vx_error *run_info(struct vx_kernel *k, const struct vx_options *o,
				 FILE *out)
{
	struct vx_error *err;
	struct vx_vmap m;

	err = vx_walk(k, VX_WALK_PRINTED, &m);
	if (err)
		return err;
	err = vx_print_vmallocinfo(k, &m, o->kptr, out);
	vx_vmap_free(&m);
	return err;
}

struct vx_error *vx_command_run(struct vx_kernel *k, const struct vx_options *o,
				FILE *out, int *status)
{
	struct vx_error *err;

	switch (o->mode) {
	case VX_MODE_INFO:
		err = run_info(k, o, out);
		break;
	default:
		err = vx_error_create(VX_ERR_USAGE, "this mode needs other inputs");
		break;
	}
	*status = k->nr_skips || k->nr_skips_dropped ? VX_EXIT_INCOMPLETE :
						       VX_EXIT_OK;
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

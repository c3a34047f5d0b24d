// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmapx: the standalone front end.  Parses the shared options, opens the
 * dump with libkdumpfile (or, with --live, the running kernel through
 * /proc/kcore: tool/live.c), and runs the shared commands of lib/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "dump.h"
#include "kernel.h"
#include "live.h"
#include "modes.h"
#include "options.h"

static const char *prog = "vmapx";

static int fail(struct vx_error *err, bool json)
{
	vx_report_error(json ? stdout : stderr, prog, err, json);
	if (err->code == VX_ERR_USAGE && !json)
		fprintf(stderr, "Try '%s --help'.\n", prog);
	vx_error_destroy(err);
	return VX_EXIT_ERROR;
}

struct opened {
	struct vx_dump *dump;
	struct vx_live *live;
	struct vx_kernel *k;
	const char *path;
};

/*
 * Every error names its input once, first: errors from the walk and the
 * commands come without it, errors of the open start with it, and some
 * layers name it in the middle ("finding kallsyms ...: PATH: ...").
 */
static struct vx_error *name_input(struct vx_error *err, const char *path)
{
	size_t n = strlen(path);
	char *msg, *o;

	if (!err || err == &vx_error_nomem || err->code == VX_ERR_USAGE)
		return err;
	msg = malloc(n + 2 + strlen(err->message) + 1);
	if (!msg)
		return err;
	o = msg + sprintf(msg, "%s: ", path);
	for (const char *p = err->message; *p;) {
		if (!strncmp(p, path, n) && p[n] == ':' && p[n + 1] == ' ')
			p += n + 2;
		else
			*o++ = *p++;
	}
	*o = '\0';
	free(err->message);
	err->message = msg;
	return err;
}

/* The target behind path, or the running kernel when path is NULL. */
static struct vx_error *open_target(const char *path, const char *vmlinux,
				    const struct vx_options *o,
				    struct opened *out, struct vx_target **t)
{
	struct vx_dump_opts dopts = {
		.vmlinux = vmlinux,
		.system_map = o->system_map,
	};
	struct vx_live_opts lopts = {
		.vmlinux = vmlinux,
		.system_map = o->system_map,
	};
	struct vx_error *err;

	if (!path) {
		/* vx_live_open's errors name the file (/proc/kcore, /sys/...). */
		err = vx_live_open(&lopts, &out->live);
		if (!err)
			*t = vx_live_target(out->live);
		return err;
	}
	err = vx_dump_open(path, &dopts, &out->dump);
	if (!err)
		*t = vx_dump_target(out->dump);
	return name_input(err, path);
}

/* path NULL: --live. */
static struct vx_error *open_kernel(const char *path, const char *vmlinux,
				    const struct vx_options *o,
				    struct opened *out)
{
	struct vx_target *t = NULL;
	struct vx_error *err;

	out->path = path;
	err = open_target(path, vmlinux, o, out, &t);
	if (err)
		return err;
	out->path = t->name;
	err = vx_kernel_open(t, &out->k);
	if (err)
		return name_input(err, out->path);
	if (o->verbose && out->live)
		vx_live_describe(out->live, stderr);
	if (o->verbose)
		vx_kernel_describe(out->k, stderr);
	return NULL;
}

static void close_kernel(struct opened *op)
{
	vx_kernel_close(op->k);
	vx_dump_close(op->dump);
	vx_live_close(op->live);
	op->k = NULL;
	op->dump = NULL;
	op->live = NULL;
}

static int finish(struct vx_error *err, int status, const struct vx_options *o)
{
	if (fflush(stdout) && !err)
		err = vx_error_create(VX_ERR_IO, "writing output failed");
	if (err)
		return fail(err, o->json);
	return status;
}

/*
 * Open the inputs the mode reads as dumps; snapshots stay paths.  With
 * --live the running kernel is the last input (the VMCORE, or NEW of
 * --diff), which has no argument (vx_mode_check_args counted it).
 */
static struct vx_error *open_inputs(const struct vx_options *o,
				    const struct vx_mode_info *m,
				    struct opened *op, struct vx_input *in)
{
	struct vx_error *err = NULL;
	int dumps = 0;

	if (m->kind == VX_IN_DUMP && o->nr_vmlinux > m->inputs)
		return vx_error_create(VX_ERR_USAGE, "-k given twice for one dump");
	for (int i = 0; i < m->inputs && !err; i++) {
		const char *path = i < o->nr_args ? o->args[i] : NULL;
		int is_dump = m->kind == VX_IN_DUMP || !path;

		in[i] = (struct vx_input){ .path = path };
		if (m->kind == VX_IN_EITHER && path)
			is_dump = vx_file_is_dump(path);
		if (is_dump < 0)
			err = vx_error_create(VX_ERR_IO, "%s: %m", path);
		else if (is_dump) {
			const char *vmlinux = dumps < o->nr_vmlinux ?
					      o->vmlinux[dumps] : NULL;

			dumps++;
			err = open_kernel(path, vmlinux, o, &op[i]);
			in[i].k = op[i].k;
			in[i].path = op[i].path;
		}
	}
	if (!err && m->kind == VX_IN_EITHER && o->nr_vmlinux > dumps)
		err = vx_error_create(VX_ERR_USAGE, "%d -k for %d dumps",
				      o->nr_vmlinux, dumps);
	return err;
}

int main(int argc, char **argv)
{
	static char outbuf[1 << 20];
	struct opened op[2] = { { 0 } };
	const struct vx_mode_info *m;
	struct vx_report report;
	struct vx_input in[2];
	struct vx_options o;
	struct vx_error *err;
	int status;

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	err = vx_options_parse(argc, argv, VX_FE_TOOL, &o);
	if (err)
		return fail(err, false);
	err = vx_mode_check_args(&o, VX_FE_TOOL);
	if (err)
		return fail(err, o.json);
	m = vx_mode_info(o.mode);
	vx_report_init(&report);
	err = open_inputs(&o, m, op, in);
	if (!err)
		err = vx_dispatch(&o, in, stdout, &report);
	if (err && m->inputs == 1 && in[0].k)
		err = name_input(err, in[0].path);
	fflush(stdout);
	/* -v: every skip, else one line per kind; -j: as one JSON object. */
	if (o.json) {
		vx_report_print_json(&report, stderr, o.verbose);
	} else {
		vx_report_print_notes(&report, stderr);
		vx_report_print_skips(&report, stderr, "vmapx: ", o.verbose);
	}
	status = report.status;
	vx_report_fini(&report);
	close_kernel(&op[0]);
	close_kernel(&op[1]);
	return finish(err, status, &o);
}

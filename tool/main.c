// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmapx: the standalone front end.  Parses the shared options, opens the
 * dump with libkdumpfile, and runs the shared commands of lib/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "dump.h"
#include "kernel.h"
#include "live.h"
#include "options.h"

static const char *prog = "vmapx";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] VMCORE\n"
		"       %s --live [OPTIONS]           (the running kernel, as root)\n"
		"       %s --diff [OPTIONS] OLD NEW   (each a vmcore or a vmallocinfo snapshot)\n"
		"       %s --diff --live [OPTIONS] OLD   (NEW is the running kernel)\n"
		"       %s --parse [-j] SNAPSHOT\n"
		"\n"
		"Rebuilds the kernel's vmalloc bookkeeping from an x86_64 vmcore.\n"
		"With no mode option, prints /proc/vmallocinfo exactly as that kernel did.\n"
		"\n"
		"Options:\n", prog, prog, prog, prog, prog);
	vx_options_help(f, VX_FE_TOOL, "  ");
	fprintf(f,
		"\n"
		"Exit status: 0 done, 1 differences (--diff), 2 error or usage,\n"
		"3 output printed but incomplete (what was skipped is on stderr).\n"
		"See vmapx(1).\n");
}

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
	bool verbose;		/* -v: every skip, not one line per kind */
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

	out->verbose = o->verbose;
	out->path = path;
	err = open_target(path, vmlinux, o, out, &t);
	if (err)
		return err;
	out->path = t->name;
	err = vx_kernel_open(t, &out->k);
	if (err)
		return name_input(err, out->path);
	if (o->verbose)
		vx_kernel_describe(out->k, stderr);
	return NULL;
}

static void close_kernel(struct opened *op)
{
	if (op->k) {
		vx_kernel_print_skips_all(op->k, stderr, "vmapx: ", op->verbose);
		vx_kernel_close(op->k);
	}
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

static int run_on_dump(const struct vx_options *o)
{
	struct opened op = { 0 };
	struct vx_error *err;
	int status = VX_EXIT_OK;
	int want = o->live ? 0 : 1;

	if (o->nr_args != want)
		return fail(o->live ?
			    vx_error_create(VX_ERR_USAGE,
					    "--live reads the running kernel: no VMCORE argument") :
			    vx_error_create(VX_ERR_USAGE,
					    o->nr_args ? "one VMCORE expected, got %d arguments" :
							 "no VMCORE given", o->nr_args),
			    o->json);
	if (o->nr_vmlinux > 1)
		return fail(vx_error_create(VX_ERR_USAGE,
					    "-k given twice for one dump"), o->json);
	err = open_kernel(o->live ? NULL : o->args[0],
			  o->nr_vmlinux ? o->vmlinux[0] : NULL, o, &op);
	if (!err)
		err = name_input(vx_command_run(op.k, o, stdout, &status),
				 op.path);
	fflush(stdout);
	close_kernel(&op);
	return finish(err, status, o);
}

/*
 * OLD and NEW are dumps or snapshots, told apart by content; with
 * --live, NEW is the running kernel.
 */
static int run_diff(const struct vx_options *o)
{
	struct opened op[2] = { { 0 } };
	struct vx_diff_side side[2];
	struct vx_error *err = NULL;
	int status = VX_EXIT_OK, dumps = 0, nr_files = o->live ? 1 : 2;

	if (o->nr_args != nr_files)
		return fail(vx_error_create(VX_ERR_USAGE, o->live ?
					    "--diff --live wants OLD, got %d arguments" :
					    "--diff wants OLD and NEW, got %d arguments",
					    o->nr_args), o->json);
	for (int i = 0; i < 2 && !err; i++) {
		const char *path = i < nr_files ? o->args[i] : NULL;
		int is_dump = path ? vx_file_is_dump(path) : 1;

		side[i] = (struct vx_diff_side){ .path = path };
		if (is_dump < 0)
			err = vx_error_create(VX_ERR_IO, "%s: %m", path);
		else if (is_dump) {
			const char *vmlinux = dumps < o->nr_vmlinux ?
					      o->vmlinux[dumps] : NULL;

			dumps++;
			err = open_kernel(path, vmlinux, o, &op[i]);
			side[i].k = op[i].k;
			side[i].path = op[i].path;
		}
	}
	if (!err && o->nr_vmlinux > dumps)
		err = vx_error_create(VX_ERR_USAGE,
				      "%d -k for %d dumps", o->nr_vmlinux, dumps);
	if (!err)
		err = vx_command_diff(&side[0], &side[1], o, stdout, &status);
	fflush(stdout);
	close_kernel(&op[0]);
	close_kernel(&op[1]);
	return finish(err, status, o);
}

static int run_parse(const struct vx_options *o)
{
	if (o->nr_args != 1)
		return fail(vx_error_create(VX_ERR_USAGE,
					    "--parse wants one SNAPSHOT"), o->json);
	return finish(vx_command_parse(o->args[0], o, stdout), VX_EXIT_OK, o);
}

int main(int argc, char **argv)
{
	static char outbuf[1 << 20];
	struct vx_options o;
	struct vx_error *err;

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	err = vx_options_parse(argc, argv, VX_FE_TOOL, &o);
	if (err)
		return fail(err, false);
	switch (o.mode) {
	case VX_MODE_HELP:
		usage(stdout);
		return VX_EXIT_OK;
	case VX_MODE_VERSION:
		printf("vmapx %s\n", VX_VERSION);
		return VX_EXIT_OK;
	case VX_MODE_DIFF:
		return run_diff(&o);
	case VX_MODE_PARSE:
		return run_parse(&o);
	default:
		return run_on_dump(&o);
	}
}

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
#include "options.h"

static const char *prog = "vmapx";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] VMCORE\n"
		"       %s --diff [OPTIONS] OLD NEW   (each a vmcore or a vmallocinfo snapshot)\n"
		"       %s --parse [-j] SNAPSHOT\n"
		"\n"
		"Rebuilds the kernel's vmalloc bookkeeping from an x86_64 vmcore.\n"
		"With no mode option, prints /proc/vmallocinfo exactly as that kernel did.\n"
		"\n"
		"Options:\n", prog, prog, prog);
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

static int run_on_dump(const struct vx_options *o)
{
	struct vx_dump_opts dopts = {
		.vmlinux = o->nr_vmlinux ? o->vmlinux[0] : NULL,
		.system_map = o->system_map,
	};
	struct vx_kernel *k = NULL;
	struct vx_dump *d = NULL;
	struct vx_error *err;
	int status = VX_EXIT_OK;

	if (o->nr_args != 1)
		return fail(vx_error_create(VX_ERR_USAGE,
					    o->nr_args ? "one VMCORE expected, got %d arguments" :
							 "no VMCORE given", o->nr_args),
			    o->json);
	err = vx_dump_open(o->args[0], &dopts, &d);
	if (!err) {
		err = vx_kernel_open(vx_dump_target(d), &k);
		if (err)
			err = vx_error_wrap(err, "%s", o->args[0]);
	}
	if (!err && o->verbose)
		vx_kernel_describe(k, stderr);
	if (!err)
		err = vx_command_run(k, o, stdout, &status);
	if (fflush(stdout) && !err)
		err = vx_error_create(VX_ERR_IO, "writing output failed");
	if (k) {
		vx_kernel_print_skips(k, stderr, "vmapx: ");
		vx_kernel_close(k);
	}
	vx_dump_close(d);
	if (err)
		return fail(err, o->json);
	return status;
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
	default:
		return run_on_dump(&o);
	}
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "callers.h"
#include "commands.h"
#include "failures.h"
#include "modes.h"
#include "owners.h"
#include "space.h"

static struct vx_error *run_help(struct vx_input *in, const struct vx_options *o,
				 FILE *out, struct vx_report *r)
{
	vx_options_usage(out);
	return NULL;
}

static struct vx_error *run_version(struct vx_input *in,
				    const struct vx_options *o, FILE *out,
				    struct vx_report *r)
{
	fprintf(out, "vmapx %s\n", VX_VERSION);
	return NULL;
}

static struct vx_error *run_info(struct vx_input *in, const struct vx_options *o,
				 FILE *out, struct vx_report *r)
{
	return vx_command_info(in[0].k, r, o, out);
}

/* --frag, and --fit alone or with --frag: space_frag.c prints the fit if o->fit. */
static struct vx_error *run_frag(struct vx_input *in, const struct vx_options *o,
				 FILE *out, struct vx_report *r)
{
	return vx_space_run(in[0].k, r, o, out, vx_frag_print);
}

static struct vx_error *run_gaps(struct vx_input *in, const struct vx_options *o,
				 FILE *out, struct vx_report *r)
{
	return vx_space_run(in[0].k, r, o, out, vx_gaps_print);
}

static struct vx_error *run_callers(struct vx_input *in,
				    const struct vx_options *o, FILE *out,
				    struct vx_report *r)
{
	return vx_callers_run(in[0].k, r, o, out);
}

static struct vx_error *run_owners(struct vx_input *in,
				   const struct vx_options *o, FILE *out,
				   struct vx_report *r)
{
	return vx_owners_run(in[0].k, r, o, out);
}

static struct vx_error *run_failures(struct vx_input *in,
				     const struct vx_options *o, FILE *out,
				     struct vx_report *r)
{
	return vx_failures_run(in[0].k, r, o, out);
}

static struct vx_error *run_diff(struct vx_input *in, const struct vx_options *o,
				 FILE *out, struct vx_report *r)
{
	return vx_command_diff(&in[0], &in[1], o, out, r);
}

static struct vx_error *run_parse(struct vx_input *in,
				  const struct vx_options *o, FILE *out,
				  struct vx_report *r)
{
	return vx_command_parse(in[0].path, o, out);
}

static struct vx_error *run_addr(struct vx_input *in, const struct vx_options *o,
				 FILE *out, struct vx_report *r)
{
	return vx_addr_run(in[0].k, r, o, out);
}

static struct vx_error *run_map(struct vx_input *in, const struct vx_options *o,
				FILE *out, struct vx_report *r)
{
	return vx_map_run(in[0].k, r, o, out);
}

#define ALL_MODES	(VX_MODE_BIT(VX_NR_MODES) - 1)

/*
 * Which modes combine: --fit is answered by the --frag report (space_frag.c
 * prints the fit of each window), so --fit runs alone or with --frag and
 * nothing else, since no other mode could honour it; --help and
 * --version print without reading anything, so they win over any mode.
 */
static const struct vx_mode_info modes[VX_NR_MODES] = {
	[VX_MODE_INFO] = { VX_MODE_INFO, "vmallocinfo", 0, VX_IN_DUMP, 1,
			   "one VMCORE", 0, run_info },
	[VX_MODE_GAPS] = { VX_MODE_GAPS, "gaps", 'g', VX_IN_DUMP, 1,
			   "one VMCORE", 0, run_gaps },
	[VX_MODE_FRAG] = { VX_MODE_FRAG, "frag", 'f', VX_IN_DUMP, 1,
			   "one VMCORE", VX_MODE_BIT(VX_MODE_FIT), run_frag },
	[VX_MODE_FIT] = { VX_MODE_FIT, "fit", 'F', VX_IN_DUMP, 1,
			  "one VMCORE", 0, run_frag },
	[VX_MODE_FAILURES] = { VX_MODE_FAILURES, "failures", 'e', VX_IN_DUMP, 1,
			       "one VMCORE", 0, run_failures },
	[VX_MODE_CALLERS] = { VX_MODE_CALLERS, "callers", 'c', VX_IN_DUMP, 1,
			      "one VMCORE", 0, run_callers },
	[VX_MODE_OWNERS] = { VX_MODE_OWNERS, "owners", 'o', VX_IN_DUMP, 1,
			     "one VMCORE", 0, run_owners },
	[VX_MODE_DIFF] = { VX_MODE_DIFF, "diff", 'd', VX_IN_EITHER, 2,
			   "OLD and NEW", 0, run_diff },
	[VX_MODE_PARSE] = { VX_MODE_PARSE, "parse", 'P', VX_IN_SNAPSHOT, 1,
			    "one SNAPSHOT", 0, run_parse },
	[VX_MODE_ADDR] = { VX_MODE_ADDR, "addr", 'A', VX_IN_DUMP, 1,
			   "one VMCORE", VX_MODE_BIT(VX_MODE_PFN), run_addr },
	[VX_MODE_PFN] = { VX_MODE_PFN, "pfn", 'N', VX_IN_DUMP, 1,
			  "one VMCORE", 0, run_addr },
	[VX_MODE_MAP] = { VX_MODE_MAP, "map", 'M', VX_IN_DUMP, 1,
			  "one VMCORE", 0, run_map },
	[VX_MODE_HELP] = { VX_MODE_HELP, "help", 'h', VX_IN_NONE, 0, NULL,
			   ALL_MODES, run_help },
	[VX_MODE_VERSION] = { VX_MODE_VERSION, "version", 'V', VX_IN_NONE, 0,
			      NULL, ALL_MODES & ~VX_MODE_BIT(VX_MODE_HELP),
			      run_version },
};

const struct vx_mode_info *vx_mode_info(enum vx_mode m)
{
	return (unsigned int)m < VX_NR_MODES ? &modes[m] : NULL;
}

const struct vx_mode_info *vx_mode_by_option(int c)
{
	for (int m = 0; m < VX_NR_MODES; m++)
		if (modes[m].option && modes[m].option == c)
			return &modes[m];
	return NULL;
}

struct vx_error *vx_modes_resolve(unsigned int seen, enum vx_mode *mode)
{
	int m, a, b;

	*mode = VX_MODE_INFO;
	if (!seen)
		return NULL;
	for (m = 0; m < VX_NR_MODES; m++) {
		unsigned int others = seen & ~VX_MODE_BIT(m);

		if ((seen & VX_MODE_BIT(m)) && !(others & ~modes[m].absorbs)) {
			*mode = m;
			return NULL;
		}
	}
	/* Name the first two (in table order) that do not combine. */
	for (a = 0; a < VX_NR_MODES; a++)
		for (b = a + 1; b < VX_NR_MODES; b++)
			if ((seen & VX_MODE_BIT(a)) && (seen & VX_MODE_BIT(b)) &&
			    !(modes[a].absorbs & VX_MODE_BIT(b)) &&
			    !(modes[b].absorbs & VX_MODE_BIT(a)))
				return vx_error_create(VX_ERR_USAGE,
						       "--%s cannot be combined with --%s",
						       modes[a].name, modes[b].name);
	return vx_error_create(VX_ERR_USAGE, "these modes cannot be combined");
}

static struct vx_error *args_error(const struct vx_mode_info *m, int nr)
{
	if (!nr && m->kind == VX_IN_DUMP)
		return vx_error_create(VX_ERR_USAGE, "no VMCORE given");
	if (m->mode == VX_MODE_INFO)
		return vx_error_create(VX_ERR_USAGE,
				       "%s expected, got %d arguments", m->args, nr);
	return vx_error_create(VX_ERR_USAGE, "--%s wants %s, got %d arguments",
			       m->name, m->args, nr);
}

/* In crash the dump is crash's: it is the input a dump mode reads, or NEW. */
static struct vx_error *crash_args_error(const struct vx_mode_info *m,
					 const struct vx_options *o)
{
	switch (m->kind) {
	case VX_IN_DUMP:
	case VX_IN_NONE:
		return vx_error_create(VX_ERR_USAGE,
				       "unexpected argument '%s' (the dump is crash's)",
				       o->args[0]);
	case VX_IN_EITHER:
		return vx_error_create(VX_ERR_USAGE,
				       "-%c takes OLD (a vmallocinfo snapshot, compared with this dump) or OLD NEW, got %d arguments",
				       m->option, o->nr_args);
	default:
		return vx_error_create(VX_ERR_USAGE,
				       "-%c takes one vmallocinfo snapshot, got %d arguments",
				       m->option, o->nr_args);
	}
}

/*
 * How many inputs the source supplies instead of an argument: --live is
 * the running kernel, the VMCORE of a mode on a dump or NEW of --diff.
 * A mode on snapshots only has no kernel to read.
 */
static struct vx_error *live_inputs(const struct vx_mode_info *m,
				    const struct vx_options *o, int *n)
{
	*n = 0;
	if (!o->live || m->kind == VX_IN_NONE)
		return NULL;
	if (m->kind == VX_IN_SNAPSHOT)
		return vx_error_create(VX_ERR_USAGE,
				       "--%s reads %s, not a kernel: --live cannot be given with it",
				       m->name, m->args);
	*n = 1;
	return NULL;
}

static struct vx_error *live_args_error(const struct vx_mode_info *m, int nr)
{
	if (m->kind == VX_IN_DUMP)
		return vx_error_create(VX_ERR_USAGE,
				       "--live reads the running kernel: no VMCORE argument, got %d",
				       nr);
	return vx_error_create(VX_ERR_USAGE,
			       "--%s --live wants OLD (NEW is the running kernel), got %d arguments",
			       m->name, nr);
}

struct vx_error *vx_mode_check_args(const struct vx_options *o,
				    unsigned int frontend)
{
	const struct vx_mode_info *m = vx_mode_info(o->mode);
	int min = m->inputs, live;
	struct vx_error *err;

	if (frontend == VX_FE_TOOL) {
		if ((err = live_inputs(m, o, &live)))
			return err;
		if (o->nr_args == m->inputs - live || m->kind == VX_IN_NONE)
			return NULL;
		return live ? live_args_error(m, o->nr_args) :
			      args_error(m, o->nr_args);
	}
	/* crash: its dump stands for one input a dump may fill. */
	if (m->kind == VX_IN_DUMP || m->kind == VX_IN_NONE)
		min = 0;
	else if (m->kind == VX_IN_EITHER)
		min = m->inputs - 1;
	if (o->nr_args < min || o->nr_args > (m->kind == VX_IN_DUMP ? 0 : m->inputs))
		return crash_args_error(m, o);
	return NULL;
}

/*
 * Run the mode's function with what each dump's open could not learn and
 * the run depends on: every mode names callers (the module layout and
 * list); printed or matched %pK hashes need ptr_key.  The status is the
 * run's own (1 from --diff) or 3 when the report holds skips.
 */
static struct vx_error *run(const struct vx_mode_info *m,
			    const struct vx_options *o, struct vx_input *in,
			    FILE *out, struct vx_report *r)
{
	bool hashes = o->kptr == VX_KPTR_HASH || m->mode == VX_MODE_DIFF;
	struct vx_error *err;

	for (int i = 0; i < m->inputs; i++)
		if (in[i].k)
			vx_kernel_report(in[i].k, hashes, r);
	r->status = VX_EXIT_OK;
	err = m->run(in, o, out, r);
	for (int i = 0; i < m->inputs; i++)
		if (in[i].k)
			vx_symbolize_report(in[i].k, r);
	if (r->status == VX_EXIT_OK && vx_report_incomplete(r))
		r->status = VX_EXIT_INCOMPLETE;
	return err;
}

struct vx_error *vx_dispatch(const struct vx_options *o, struct vx_input *in,
			     FILE *out, struct vx_report *r)
{
	const struct vx_mode_info *m = vx_mode_info(o->mode);

	r->status = VX_EXIT_OK;
	if (!m)
		return vx_error_create(VX_ERR_USAGE, "no such mode");
	for (int i = 0; i < m->inputs; i++)
		if ((m->kind == VX_IN_DUMP && !in[i].k) ||
		    (m->kind == VX_IN_SNAPSHOT && in[i].k))
			return vx_error_create(VX_ERR_USAGE,
					       "--%s needs %s", m->name,
					       m->kind == VX_IN_DUMP ?
					       "a dump" : "a snapshot file");
	return run(m, o, in, out, r);
}

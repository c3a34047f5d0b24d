// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "modes.h"
#include "options.h"

const struct vx_option vx_options_table[] = {
	{ "gaps", 'g', NULL, VX_FE_BOTH,
	  "explain every gap between busy areas" },
	{ "frag", 'f', NULL, VX_FE_BOTH,
	  "fragmentation per window (vmalloc, modules)" },
	{ "fit", 'F', "SIZE[@ALIGN]", VX_FE_BOTH,
	  "would vmalloc(SIZE) fit now? (K/M/G suffixes; alone or with --frag)" },
	{ "failures", 'e', NULL, VX_FE_BOTH,
	  "vmalloc failures in the kernel log, with a verdict" },
	{ "callers", 'c', NULL, VX_FE_BOTH,
	  "areas, bytes and pages per caller and per module" },
	{ "owners", 'o', NULL, VX_FE_BOTH,
	  "who owns each busy area (task, module, BPF program, device, tty), summed by owner" },
	{ "diff", 'd', NULL, VX_FE_BOTH,
	  "compare OLD and NEW (dumps or vmallocinfo snapshots)" },
	{ "parse", 'P', NULL, VX_FE_BOTH,
	  "parse a vmallocinfo snapshot FILE (use with -j)" },
	{ "addr", 'A', "ADDR[,ADDR...]", VX_FE_BOTH,
	  "where is ADDR: its area, guard page or hole, and its page (repeatable)" },
	{ "pfn", 'N', "PFN[,PFN...]", VX_FE_BOTH,
	  "which vmalloc or module areas map page frame PFN (repeatable)" },
	{ "map", 'M', "[FILE.svg]", VX_FE_BOTH,
	  "draw each window: FILE-vmalloc.svg, FILE-modules.svg, or a terminal map" },
	{ "all", 'a', NULL, VX_FE_BOTH,
	  "with --diff: also show lazy-free and task-stack churn" },
	{ "kptr", 'p', "raw|hash|zero", VX_FE_BOTH,
	  "addresses as kptr_restrict=1, 0 or 2 showed them (default raw)" },
	{ "json", 'j', NULL, VX_FE_BOTH, "JSON output" },
	{ "pretty", 'J', NULL, VX_FE_BOTH, "indented JSON output" },
	{ "live", 'L', NULL, VX_FE_TOOL,
	  "the running kernel (/proc/kcore, root) instead of a VMCORE" },
	{ "vmlinux", 'k', "FILE", VX_FE_TOOL,
	  "types from this vmlinux's DWARF (default: BTF in the dump)" },
	{ "system-map", 'm', "FILE", VX_FE_TOOL,
	  "symbols from this System.map (kernels without kallsyms in VMCOREINFO)" },
	{ "verbose", 'v', NULL, VX_FE_BOTH,
	  "say which type and symbol sources were used" },
	{ "help", 'h', NULL, VX_FE_TOOL, "this help" },
	{ "version", 'V', NULL, VX_FE_TOOL, "print the version" },
	{ NULL },
};

static size_t table_size(void)
{
	size_t n = 0;

	while (vx_options_table[n].long_name)
		n++;
	return n;
}

static const struct vx_option *find_short(int c)
{
	for (const struct vx_option *o = vx_options_table; o->long_name; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

static uint64_t parse_one_size(const char *s, char **end, bool *ok)
{
	unsigned long long v;
	int shift = 0;

	errno = 0;
	if (*s < '0' || *s > '9') {
		*ok = false;
		return 0;
	}
	v = strtoull(s, end, 0);
	switch (**end) {
	case 'k': case 'K': shift = 10; (*end)++; break;
	case 'm': case 'M': shift = 20; (*end)++; break;
	case 'g': case 'G': shift = 30; (*end)++; break;
	case 't': case 'T': shift = 40; (*end)++; break;
	}
	if (errno || (shift && v > (~0ULL >> shift)))
		*ok = false;
	return (uint64_t)v << shift;
}

struct vx_error *vx_parse_size(const char *s, uint64_t *size, uint64_t *align)
{
	bool ok = true;
	char *end;

	*size = parse_one_size(s, &end, &ok);
	*align = 0;
	if (ok && *end == '@')
		*align = parse_one_size(end + 1, &end, &ok);
	if (!ok || *end || *size == 0 ||
	    (*align && (*align & (*align - 1))))
		return vx_error_create(VX_ERR_USAGE,
				       "bad size '%s' (want SIZE[@ALIGN], e.g. 64K or 8M@2M, ALIGN a power of two)",
				       s);
	/* Nothing larger fits the 57-bit address space of 5-level paging. */
	if (*size > VX_MAX_REQUEST || *align > VX_MAX_REQUEST)
		return vx_error_create(VX_ERR_USAGE,
				       "--fit: size '%s' larger than the address space (at most %lluT)",
				       s, (unsigned long long)(VX_MAX_REQUEST >> 40));
	return NULL;
}

/*
 * --addr takes hexadecimal addresses ("0x" optional, as an oops prints
 * them); --pfn takes C notation (0x... hexadecimal, else decimal), as
 * --addr prints "pfn 0x...".  Either takes a comma-separated list.
 */
static struct vx_error *add_queries(struct vx_options *o, const char *arg,
				    bool pfn)
{
	const char *p = arg;

	do {
		char *end;

		if (o->nr_queries == VX_MAX_QUERIES)
			return vx_error_create(VX_ERR_USAGE,
					       "more than %d addresses and page frames",
					       VX_MAX_QUERIES);
		errno = 0;
		o->queries[o->nr_queries].value = strtoull(p, &end, pfn ? 0 : 16);
		if (errno || end == p || (*end && *end != ',') || *p == '-')
			return vx_error_create(VX_ERR_USAGE,
					       "bad %s '%s' (want %s)",
					       pfn ? "page frame" : "address", arg,
					       pfn ? "a number, 0x for hexadecimal" :
					       "a hexadecimal address");
		/* x86_64 physical addresses have at most 52 bits. */
		if (pfn && o->queries[o->nr_queries].value >= VX_MAX_PFN)
			return vx_error_create(VX_ERR_USAGE,
					       "--pfn: page frame '%.*s' beyond the physical address space (52 bits: below 0x%llx)",
					       (int)(end - p), p,
					       (unsigned long long)VX_MAX_PFN);
		o->queries[o->nr_queries++].pfn = pfn;
		p = *end ? end + 1 : end;
	} while (*p);
	return NULL;
}

/* Options that ask for a mode are only noted here: see vx_modes_resolve(). */
static struct vx_error *apply(struct vx_options *o, const struct vx_option *opt,
			      const char *arg)
{
	if (vx_mode_by_option(opt->short_name) && !opt->arg)
		return NULL;	/* a mode and nothing more */
	switch (opt->short_name) {
	case 'F':
		o->fit = true;
		return vx_parse_size(arg, &o->fit_size, &o->fit_align);
	case 'A': return add_queries(o, arg, false);
	case 'N': return add_queries(o, arg, true);
	case 'M': o->map_file = arg; return NULL;
	case 'a': o->all = true; return NULL;
	case 'L': o->live = true; return NULL;
	case 'j': o->json = true; return NULL;
	case 'J': o->json = o->pretty = true; return NULL;
	case 'v': o->verbose = true; return NULL;
	case 'm': o->system_map = arg; return NULL;
	case 'k':
		if (o->nr_vmlinux == 2)
			return vx_error_create(VX_ERR_USAGE,
					       "-k given more than twice");
		o->vmlinux[o->nr_vmlinux++] = arg;
		return NULL;
	case 'p':
		if (!strcmp(arg, "raw"))
			o->kptr = VX_KPTR_RAW;
		else if (!strcmp(arg, "hash"))
			o->kptr = VX_KPTR_HASH;
		else if (!strcmp(arg, "zero"))
			o->kptr = VX_KPTR_ZERO;
		else
			return vx_error_create(VX_ERR_USAGE,
					       "--kptr takes raw, hash or zero, not '%s'",
					       arg);
		return NULL;
	}
	return vx_error_create(VX_ERR_USAGE, "unhandled option -%c",
			       opt->short_name);
}

struct vx_error *vx_options_parse(int argc, char **argv, unsigned int frontend,
				  struct vx_options *o)
{
	struct option longopts[64];
	char shortopts[128];
	size_t n = 0, s = 0;
	struct vx_error *err;
	unsigned int seen = 0;
	int c;

	memset(o, 0, sizeof(*o));
	shortopts[s++] = ':';	/* report a missing argument as ':' */
	for (size_t i = 0; i < table_size() && n < 63; i++) {
		const struct vx_option *opt = &vx_options_table[i];

		if (!(opt->frontends & frontend))
			continue;
		longopts[n++] = (struct option){ opt->long_name,
			!opt->arg ? no_argument : opt->arg[0] == '[' ?
			optional_argument : required_argument, NULL,
			opt->short_name };
		shortopts[s++] = opt->short_name;
		if (opt->arg)
			shortopts[s++] = ':';
		if (opt->arg && opt->arg[0] == '[')
			shortopts[s++] = ':';
	}
	longopts[n] = (struct option){ 0 };
	shortopts[s] = '\0';
	optind = 0;	/* full re-initialisation, also inside crash */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct vx_option *opt = find_short(c);

		if (c == '?')
			return optopt ?
			       vx_error_create(VX_ERR_USAGE, "unknown option -%c", optopt) :
			       vx_error_create(VX_ERR_USAGE, "unknown option %s",
					       argv[optind - 1]);
		if (c == ':')
			return vx_error_create(VX_ERR_USAGE,
					       "option %s needs an argument",
					       argv[optind - 1]);
		if (!opt)
			return vx_error_create(VX_ERR_USAGE, "unknown option");
		if (vx_mode_by_option(c))
			seen |= VX_MODE_BIT(vx_mode_by_option(c)->mode);
		err = apply(o, opt, optarg);
		if (err)
			return err;
	}
	o->args = argv + optind;
	o->nr_args = argc - optind;
	err = vx_modes_resolve(seen, &o->mode);
	/* getopt takes an optional argument only as --map=F: take "--map F.svg" too. */
	if (!err && o->mode == VX_MODE_MAP && !o->map_file && o->nr_args &&
	    strlen(o->args[0]) > 4 &&
	    !strcmp(o->args[0] + strlen(o->args[0]) - 4, ".svg")) {
		o->map_file = o->args[0];
		o->args++;
		o->nr_args--;
	}
	return err;
}

void vx_options_help(FILE *f, unsigned int frontend, const char *indent)
{
	for (const struct vx_option *o = vx_options_table; o->long_name; o++) {
		char left[64];

		if (!(o->frontends & frontend))
			continue;
		if (o->arg && o->arg[0] == '[')	/* --map[=FILE.svg] */
			snprintf(left, sizeof(left), "-%c, --%s[=%s", o->short_name,
				 o->long_name, o->arg + 1);
		else
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name,
				 o->long_name, o->arg ? "=" : "", o->arg ? o->arg : "");
		fprintf(f, "%s%-32s %s\n", indent, left, o->help);
	}
}

void vx_options_usage(FILE *f)
{
	fprintf(f,
		"Usage: vmapx [OPTIONS] VMCORE\n"
		"       vmapx --live [OPTIONS]           (the running kernel, as root)\n"
		"       vmapx --diff [OPTIONS] OLD NEW   (each a vmcore or a vmallocinfo snapshot)\n"
		"       vmapx --diff --live [OPTIONS] OLD   (NEW is the running kernel)\n"
		"       vmapx --parse [-j] SNAPSHOT\n"
		"\n"
		"Rebuilds the kernel's vmalloc bookkeeping from an x86_64 vmcore.\n"
		"With no mode option, prints /proc/vmallocinfo exactly as that kernel did.\n"
		"One mode at a time, except --fit (alone or with --frag) and --pfn (with --addr).\n"
		"\n"
		"Options:\n");
	vx_options_help(f, VX_FE_TOOL, "  ");
	fprintf(f,
		"\n"
		"Exit status: 0 done, 1 differences (--diff), 2 error or usage,\n"
		"3 output printed but incomplete (what was skipped is on stderr).\n"
		"See vmapx(1).\n");
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one option table: the standalone tool and the crash command parse
 * the same options, print the same help, and dispatch the same modes.
 */
#ifndef VMAPX_OPTIONS_H
#define VMAPX_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "format.h"

enum vx_mode {
	VX_MODE_INFO,		/* /proc/vmallocinfo (default) */
	VX_MODE_GAPS,
	VX_MODE_FRAG,
	VX_MODE_FIT,		/* --fit alone: the --frag report with the fit */
	VX_MODE_FAILURES,
	VX_MODE_CALLERS,
	VX_MODE_OWNERS,		/* who owns each busy area (owners.h) */
	VX_MODE_DIFF,
	VX_MODE_PARSE,
	VX_MODE_ADDR,		/* --addr, and --pfn with it */
	VX_MODE_PFN,		/* --pfn alone */
	VX_MODE_MAP,		/* --map [FILE.svg] */
	VX_MODE_HELP,
	VX_MODE_VERSION,
	VX_NR_MODES,
};

/* Which front end an option belongs to. */
#define VX_FE_TOOL	0x1
#define VX_FE_CRASH	0x2
#define VX_FE_BOTH	(VX_FE_TOOL | VX_FE_CRASH)

struct vx_option {
	const char *long_name;
	int short_name;
	const char *arg;	/* NULL: no argument; "[ARG]": optional */
	unsigned int frontends;
	const char *help;
};

extern const struct vx_option vx_options_table[];

#define VX_MAX_QUERIES	64

struct vx_options {
	enum vx_mode mode;
	enum vx_kptr kptr;
	bool json, pretty, verbose, all;
	bool live;		/* --live: the running kernel is the VMCORE (or NEW) */
	const char *vmlinux[2];	/* -k, once per dump */
	int nr_vmlinux;
	const char *system_map;
	uint64_t fit_size, fit_align;	/* --fit */
	bool fit;
	/* --addr, --pfn: what to look up, in the order given */
	struct vx_query {
		uint64_t value;
		bool pfn;
	} queries[VX_MAX_QUERIES];
	int nr_queries;
	const char *map_file;	/* --map=FILE.svg; NULL: the terminal map */
	char **args;		/* positional arguments */
	int nr_args;
};

/*
 * Parse argv with getopt_long (works inside crash too: optind is reset
 * here), then decide the mode from the mode options seen, in any order
 * (lib/modes.c).  Errors are VX_ERR_USAGE with a one-line message.
 */
struct vx_error *vx_options_parse(int argc, char **argv, unsigned int frontend,
				  struct vx_options *o);
/* Option lines for --help / crash's help page, one per option. */
void vx_options_help(FILE *f, unsigned int frontend, const char *indent);
/* The standalone tool's --help. */
void vx_options_usage(FILE *f);
#define VX_MAX_REQUEST	(1ULL << 57)	/* x86_64 5-level paging: 57-bit addresses */
#define VX_MAX_PFN	(1ULL << 40)	/* x86_64: 52-bit physical addresses */
/*
 * "4096", "16K", "2M@2M" -> bytes; VX_ERR_USAGE when malformed, or above
 * VX_MAX_REQUEST.
 */
struct vx_error *vx_parse_size(const char *s, uint64_t *size, uint64_t *align);

#define VX_VERSION "0.1.0"

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parser of /proc/vmallocinfo text (Debian 5.10, 6.1, 6.12, 7.2; grammar in
 * doc/kernel.md §2.1) and its exact printer.
 *
 * The parser accepts only what the kernel can print, byte for byte, so
 * vx_vmline_format() of every parsed record gives the input line back.
 * That round trip is what the unit tests, the fuzzer and t-parse.sh check.
 * Input is untrusted: lines over VX_VMPARSE_MAX_LINE bytes, NUL bytes,
 * control characters and non-canonical numbers are errors, reported as
 * "FILE:LINE: <what is wrong>".
 */
#ifndef VMAPX_VMPARSE_H
#define VMAPX_VMPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "vmflags.h"
#include "json.h"

#define VX_VMPARSE_MAX_LINE	4096		/* bytes, newline excluded */
#define VX_VMPARSE_MAX_FILE	(1ull << 30)	/* bytes */
#define VX_VMPARSE_MAX_NODE	1023		/* MAX_NUMNODES - 1 on Debian */

/* The printed flag words are the kernel's VM_* bits and "vpages" (vmflags.h). */

enum vx_vmline_kind {
	VX_VMLINE_VM,		/* a vm_struct: "... size [caller] [pages=]..." */
	VX_VMLINE_VM_MAP_RAM,	/* "... size vm_map_ram" */
	VX_VMLINE_UNPURGED,	/* "... size unpurged vm_area" */
};

/* How %pK printed the addresses (kptr_restrict at read time). */
enum vx_addr_form {
	VX_ADDR_UNKNOWN,	/* no lines */
	VX_ADDR_REAL,		/* kptr_restrict=1 read by root */
	VX_ADDR_HASHED,		/* kptr_restrict=0: 32-bit SipHash values */
	VX_ADDR_ZEROED,		/* kptr_restrict=2 (or no CAP_SYSLOG) */
};

struct vx_numa_count {
	unsigned int node;
	unsigned int pages;
};

struct vx_vmline {
	uint64_t start;
	uint64_t end;
	int64_t size;		/* %7ld: a real size even in hashed files */
	enum vx_vmline_kind kind;
	/*
	 * caller is the %pS text as printed ("sym+0x94/0x3e0 [mod]" or
	 * "0xffffffffc0a01234"), NULL when the line has none.  symbol and
	 * module are NULL for a raw address; module is NULL for the core
	 * kernel.  All three point into one allocation owned by the line.
	 */
	char *caller;
	char *symbol;
	char *module;
	uint64_t offset;
	uint64_t symsize;
	uint64_t caller_addr;	/* raw callers only */
	bool has_pages;
	bool has_phys;
	uint64_t pages;
	uint64_t phys;
	uint32_t flags;		/* VX_VM_* */
	unsigned int nr_numa;
	struct vx_numa_count *numa;	/* ascending nodes, counts > 0 */
	unsigned long lineno;	/* 1-based line in the source */
};

struct vx_snapshot {
	char *name;			/* the file name used in messages */
	enum vx_addr_form form;
	bool final_newline;		/* false if the last line lacks '\n' */
	size_t nr_lines;
	struct vx_vmline *lines;
	/* with VX_VMPARSE_SKIP_BAD only: */
	size_t nr_skipped;
	char *first_skipped;		/* message of the first bad line */
};

/*
 * Default: one malformed line fails the whole file.  SKIP_BAD: malformed
 * lines are skipped and counted (oversized files and mixed address forms
 * still fail).
 */
#define VX_VMPARSE_SKIP_BAD	0x1u

struct vx_error *vx_vmparse_buffer(const char *name, const char *text,
				   size_t len, unsigned int flags,
				   struct vx_snapshot **out);
/* Reads the stream to EOF (at most VX_VMPARSE_MAX_FILE bytes). */
struct vx_error *vx_vmparse_stream(const char *name, FILE *in,
				   unsigned int flags,
				   struct vx_snapshot **out);
/* "-" reads stdin. */
struct vx_error *vx_vmparse_file(const char *path, unsigned int flags,
				 struct vx_snapshot **out);
void vx_snapshot_destroy(struct vx_snapshot *snap);

/*
 * Print one record exactly as the kernel did, with the trailing newline,
 * into buf (snprintf semantics: returns the length it needs, excluding
 * the terminating NUL).
 */
size_t vx_vmline_format(const struct vx_vmline *line, char *buf, size_t size);
void vx_vmline_print(FILE *out, const struct vx_vmline *line);
/* Printing every record of a snapshot gives back the parsed file. */
void vx_snapshot_print(FILE *out, const struct vx_snapshot *snap);

const char *vx_addr_form_name(enum vx_addr_form form);
const char *vx_vmline_kind_name(enum vx_vmline_kind kind);

/* One record as a JSON object (used by the snapshot and the diff). */
void vx_vmline_print_json(struct vx_json *w, const struct vx_vmline *line);
/*
 * vmapx --parse FILE -j: {"file", "address_form", "lines": [...]}.
 * The caller creates and destroys the writer.
 */
void vx_vmparse_print_json(struct vx_json *w, const struct vx_snapshot *snap);

#endif

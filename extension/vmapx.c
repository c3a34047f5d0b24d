// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vmapx command inside crash: a target backend on crash's memory and
 * symbol services, the shared option table, and the shared commands of
 * lib/.  Nothing here knows about vmalloc; glue.c knows about crash.
 *
 * Sources of the target:
 *  - memory: crash's readmem() (KVADDR, quiet, returning on error);
 *  - symbols: crash's vmlinux symbol table (KASLR applied), which is how
 *    5.10 dumps, without kallsyms in VMCOREINFO, find the kallsyms tables;
 *  - VMCOREINFO: the kernel's own text, read through vmcoreinfo_data and
 *    vmcoreinfo_size (the buffer the dump's note is a copy of).  crash only
 *    answers one key at a time, so when the buffer cannot be read the text
 *    is rebuilt from the keys the core uses;
 *  - types: NULL, so the core takes the BTF in the dump (crash 8.0.2's gdb
 *    crashes on struct vmap_node; BTF works the same on every kernel).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "glue.h"
#include "kernel.h"
#include "modes.h"
#include "options.h"
#include "vmcoreinfo.h"

#define VX_EXT_VMCOREINFO_MAX	(64 * 1024)

struct vx_ext_target {
	struct vx_target t;
	char *vmcoreinfo;
};

/* The opened kernel, kept across commands (the dump never changes). */
static struct vx_ext_target *vx_ext_cached_target;
static struct vx_kernel *vx_ext_cached;

/* ---- target ------------------------------------------------------------ */

static struct vx_error *vx_ext_read(struct vx_target *t, uint64_t addr,
				    void *buf, size_t len)
{
	uint64_t at = addr, end = addr + len;

	if (vx_crash_read(addr, buf, len))
		return NULL;
	/* Name the first page that does not read (rare: worth the retries). */
	while (at < end) {
		uint64_t next = (at | (VX_PAGE_SIZE - 1)) + 1;

		if (next > end || next < at)
			next = end;
		if (!vx_crash_read(at, (char *)buf + (at - addr), next - at))
			break;
		at = next;
	}
	if (at >= end)	/* readable piecewise after all */
		return NULL;
	return vx_error_fault(at, "0x%lx: not readable in %s",
			      (unsigned long)at, t->name);
}

static int vx_ext_excluded(struct vx_target *t, uint64_t addr)
{
	return vx_crash_excluded(addr);
}

static int vx_ext_dump_level(struct vx_target *t)
{
	return vx_crash_dump_level();
}

static struct vx_error *vx_ext_symbol(struct vx_target *t, const char *name,
				      uint64_t *addr)
{
	if (vx_crash_symbol(name, addr))
		return NULL;
	return vx_error_create(VX_ERR_NOT_FOUND, "symbol %s not in crash's symbol table",
			       name);
}

/* The kernel's VMCOREINFO buffer: vmcoreinfo_data[0..vmcoreinfo_size). */
static char *vx_ext_vmcoreinfo_from_memory(void)
{
	uint64_t data_sym, size_sym, data, size;
	char *text;

	if (!vx_crash_symbol("vmcoreinfo_data", &data_sym) ||
	    !vx_crash_symbol("vmcoreinfo_size", &size_sym) ||
	    !vx_crash_read(data_sym, &data, sizeof(data)) ||
	    !vx_crash_read(size_sym, &size, sizeof(size)) ||
	    !data || !size || size > VX_EXT_VMCOREINFO_MAX)
		return NULL;
	text = malloc(size + 1);
	if (!text)
		return NULL;
	if (!vx_crash_read(data, text, size)) {
		free(text);
		return NULL;
	}
	text[size] = '\0';
	text[strnlen(text, size)] = '\0';
	if (strncmp(text, "OSRELEASE=", 10)) {
		free(text);
		return NULL;
	}
	return text;
}

/* One "KEY=value" line from crash's one-key reader, if it knows the key. */
static void vx_ext_vmcoreinfo_line(const char *key, void *arg)
{
	char *val = vx_crash_vmcoreinfo_value(key);

	if (val)
		fprintf(arg, "%s=%s\n", key, val);
	free(val);
}

/* Rebuild the text from the keys lib/ reads (the dump's note, via crash). */
static char *vx_ext_vmcoreinfo_from_crash(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f;

	f = open_memstream(&text, &size);
	if (!f)
		return NULL;
	vx_vmcoreinfo_each_key(vx_ext_vmcoreinfo_line, f);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	if (!size) {	/* no VMCOREINFO at all */
		free(text);
		return NULL;
	}
	return text;
}

static void vx_ext_target_free(struct vx_ext_target *et)
{
	if (!et)
		return;
	free(et->vmcoreinfo);
	free(et);
}

static struct vx_error *vx_ext_target_open(struct vx_ext_target **out)
{
	struct vx_ext_target *et;

	et = calloc(1, sizeof(*et));
	if (!et)
		return &vx_error_nomem;
	et->vmcoreinfo = vx_ext_vmcoreinfo_from_memory();
	if (!et->vmcoreinfo)
		et->vmcoreinfo = vx_ext_vmcoreinfo_from_crash();
	et->t = (struct vx_target){
		.read = vx_ext_read,
		.symbol = vx_ext_symbol,
		.excluded = vx_ext_excluded,
		.dump_level = vx_ext_dump_level,
		.vmcoreinfo = et->vmcoreinfo,
		.types = NULL,	/* BTF from the dump */
		.name = vx_crash_dumpfile(),
		.live = vx_crash_live(),	/* memory changes as it is read */
		.priv = et,
	};
	*out = et;
	return NULL;
}

/* ---- the kernel, cached ------------------------------------------------- */

static void vx_ext_drop_cache(void)
{
	vx_kernel_close(vx_ext_cached);
	vx_ext_target_free(vx_ext_cached_target);
	vx_ext_cached = NULL;
	vx_ext_cached_target = NULL;
}

static struct vx_error *vx_ext_kernel(struct vx_kernel **out)
{
	struct vx_ext_target *et;
	struct vx_kernel *k;
	struct vx_error *err;

	/* A live system changes under us: open afresh every time. */
	if (vx_crash_live())
		vx_ext_drop_cache();
	if (vx_ext_cached) {
		*out = vx_ext_cached;
		return NULL;
	}
	err = vx_ext_target_open(&et);
	if (err)
		return err;
	err = vx_kernel_open(&et->t, &k);
	if (err) {
		vx_ext_target_free(et);
		return err;
	}
	vx_ext_cached_target = et;
	vx_ext_cached = k;
	*out = k;
	return NULL;
}

/*
 * The command's notes (-v) go with its output; its skips go out as
 * crash's one-line messages, one per kind (-v: one per skip).
 */
static void vx_ext_report(const struct vx_report *r, bool verbose)
{
	char *text = NULL, *line, *save = NULL;
	size_t size = 0;
	FILE *f;

	vx_report_print_notes(r, vx_crash_fp());
	if (!vx_report_incomplete(r))
		return;
	f = open_memstream(&text, &size);
	if (!f)
		return;
	vx_report_print_skips(r, f, "", verbose);
	if (fclose(f)) {
		free(text);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		vx_crash_info(line);
	free(text);
}

static void vx_ext_report_error(struct vx_error *err, bool json)
{
	if (json)
		vx_report_error(vx_crash_fp(), "vmapx", err, true);
	else
		vx_crash_info(err->message);
	vx_error_destroy(err);
}

/* ---- the command -------------------------------------------------------- */

/*
 * The inputs of the mode: its snapshot arguments, then crash's dump for
 * the one the arguments leave (k: NULL when the mode reads no dump).
 */
static bool vx_ext_inputs(const struct vx_options *o, struct vx_input *in)
{
	const struct vx_mode_info *m = vx_mode_info(o->mode);
	int i;

	for (i = 0; i < o->nr_args; i++)
		in[i] = (struct vx_input){ .path = o->args[i] };
	if (i == m->inputs)
		return false;
	in[i] = (struct vx_input){ .path = vx_crash_dumpfile() };
	return true;
}

void vx_ext_command(int argc, char **argv)
{
	sigset_t block, saved;
	struct vx_report report;
	struct vx_input in[2];
	struct vx_options o;
	struct vx_kernel *k;
	struct vx_error *err;
	int dump;

	err = vx_options_parse(argc, argv, VX_FE_CRASH, &o);
	if (!err)
		err = vx_mode_check_args(&o, VX_FE_CRASH);
	if (err) {
		vx_crash_info(err->message);
		vx_error_destroy(err);
		vx_crash_usage();	/* longjmps; nothing is allocated here */
	}
	/*
	 * crash's SIGINT handler longjmps to the prompt, which would leak the
	 * command's memory and could leave the cached kernel half-updated.
	 * The command takes milliseconds: hold SIGINT until it is done (crash
	 * ignores SIGPIPE, so "| head" only makes writes fail).
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &saved);
	dump = o.nr_args;	/* the input crash's dump fills, if any */
	vx_report_init(&report);
	if (!vx_ext_inputs(&o, in)) {
		/* Snapshots only: the dump is not needed. */
		err = vx_dispatch(&o, in, vx_crash_fp(), &report);
		if (err)
			vx_ext_report_error(err, o.json);
		vx_report_fini(&report);
		sigprocmask(SIG_SETMASK, &saved, NULL);
		return;
	}
	err = vx_ext_kernel(&k);
	if (err) {
		err = vx_error_wrap(err, "%s", vx_crash_dumpfile());
	} else {
		if (o.verbose)
			vx_kernel_describe(k, vx_crash_fp());
		in[dump].k = k;
		err = vx_dispatch(&o, in, vx_crash_fp(), &report);
		fflush(vx_crash_fp());
		vx_ext_report(&report, o.verbose);
		if (vx_crash_live())
			vx_ext_drop_cache();
	}
	if (err)
		vx_ext_report_error(err, o.json);
	vx_report_fini(&report);
	sigprocmask(SIG_SETMASK, &saved, NULL);
}

/* ---- the help page ------------------------------------------------------ */

/*
 * crash prints help_data[0] as NAME, [1] after it, [2] as SYNOPSIS, the
 * rest as DESCRIPTION, each through fprintf(fp, line, "crash"): only the
 * example lines may hold a "%s", and no line any other '%'.
 */
static char **vx_ext_help_lines;
static size_t vx_ext_help_count, vx_ext_help_alloc;
static bool vx_ext_help_failed;

static void vx_ext_help_add(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void vx_ext_help_add(const char *fmt, ...)
{
	va_list ap;
	char *line;

	if (vx_ext_help_failed)
		return;
	if (vx_ext_help_count + 2 > vx_ext_help_alloc) {
		size_t n = vx_ext_help_alloc ? 2 * vx_ext_help_alloc : 64;
		char **grown = realloc(vx_ext_help_lines, n * sizeof(*grown));

		if (!grown) {
			vx_ext_help_failed = true;
			return;
		}
		vx_ext_help_lines = grown;
		vx_ext_help_alloc = n;
	}
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0) {
		vx_ext_help_failed = true;
		line = NULL;
	}
	va_end(ap);
	if (!line)
		return;
	vx_ext_help_lines[vx_ext_help_count++] = line;
	vx_ext_help_lines[vx_ext_help_count] = NULL;
}

/*
 * One option, crash style: the flag right-aligned so that descriptions
 * start in column 12 ("        -g  text"), long flags pushing further,
 * continuation lines under the description, at most 79 columns.
 */
#define VX_EXT_HELP_COL		12
#define VX_EXT_HELP_WIDTH	79

static void vx_ext_help_option(const struct vx_option *opt)
{
	char flag[64], text[256];
	const char *p;
	int col;

	snprintf(flag, sizeof(flag), "-%c%s%s", opt->short_name,
		 opt->arg ? " " : "", opt->arg ? opt->arg : "");
	snprintf(text, sizeof(text), "%s (--%s).", opt->help, opt->long_name);
	col = VX_EXT_HELP_COL - 2 - (int)strlen(flag);
	if (col < 2)
		col = 2;
	col += strlen(flag) + 2;	/* where the description starts */
	p = text;
	for (bool first = true; *p; first = false) {
		int room = VX_EXT_HELP_WIDTH - col;
		int len = strlen(p);

		if (len > room) {
			len = room;
			while (len > 0 && p[len] != ' ')
				len--;
			if (len == 0)
				len = room;
		}
		if (first)
			vx_ext_help_add("%*s%s  %.*s", col - 2 - (int)strlen(flag),
					"", flag, len, p);
		else
			vx_ext_help_add("%*s%.*s", col, "", len, p);
		p += len;
		while (*p == ' ')
			p++;
	}
}

static const char *const vx_ext_help_intro[] = {
	"  This command rebuilds the kernel's vmalloc bookkeeping (the vmap_area",
	"  and vm_struct lists, per node from Linux 6.9) from the dump.  With no",
	"  option it prints /proc/vmallocinfo exactly as the dumped kernel would",
	"  have printed it at the time of the dump, line for line and byte for",
	"  byte, callers included.  Struct layouts come from the BTF in the dump,",
	"  symbols from the dump's kallsyms and crash's symbol table, so the output",
	"  is the same as that of the standalone vmapx(1) tool on the same dump.",
	"  The modes below print analyses of the same areas instead.",
	" ",
	NULL,
};

static const char *const vx_ext_help_examples[] = {
	" ",
	"EXAMPLES",
	"  Print /proc/vmallocinfo as the dumped kernel showed it:",
	" ",
	"    %s> vmapx",
	"    0xffffd10780000000-0xffffd10780005000   20480 irq_init_percpu_irqstack+0xf0/0x120 vmap",
	"    0xffffd10780005000-0xffffd10780007000    8192 acpi_os_map_iomem+0x1b6/0x1d0 phys=0x000000003ffe1000 ioremap",
	"    0xffffd1078000d000-0xffffd1078000f000    8192 bpf_prog_alloc_no_stats+0x31/0x1f0 pages=1 vmalloc N0=1",
	"    ...",
	" ",
	"  Only the ioremap areas; the file as an unprivileged reader saw it",
	"  (kptr_restrict=0: hashed addresses), saved for a later diff:",
	" ",
	"    %s> vmapx | grep ioremap",
	"    %s> vmapx -p hash > vmallocinfo.hashed",
	" ",
	"  Where an oops address is: its area, guard page or hole, its page:",
	" ",
	"    %s> vmapx -A ffffd40940014000",
	"    0xffffd40940014000: vmalloc window, in the guard page 0xffffd40940014000-0xffffd40940015000 of a busy area (offset 0x4000)",
	"      area      0xffffd40940010000-0xffffd40940015000 20480 bytes, thread stack, kernel_clone+0xbf/0x430",
	"      ...",
	"      meaning   an out-of-bounds access one page past the area ending at 0xffffd40940014000",
	"      page      not mapped",
	" ",
	"  Which vmalloc or module areas map a page frame (or a direct-map address):",
	" ",
	"    %s> vmapx -N 0x11c0",
	"  Who owns each busy area (tasks, modules, devices, ttys); the listing ends",
	"  with the areas summed by owner:",
	" ",
	"    %s> vmapx -o | grep -e hpet -e n_tty -e load_module",
	"    0xffffd4094000b000-0xffffd4094000d000     8192 hpet_enable                  iomem PNP0103:00 < HPET 0",
	"    0xffffd409407f1000-0xffffd409407f5000    16384 n_tty_open                   tty ttyS0, open by pid 1 vcap",
	"    0xffffffffc05cb000-0xffffffffc05d6000    45056 load_module                  module zram core",
	"    ...",
	" ",
	"  Say where types and symbols came from:",
	" ",
	"    %s> vmapx -v | head -3",
	"    kernel: 6.1.0-56-cloud-amd64, 4-level paging, KASLR offset 0x5200000",
	"    types: BTF (dump)",
	"    symbols: kallsyms (87347 symbols, tables from VMCOREINFO)",
	NULL,
};

char **vx_ext_help(void)
{
	char synopsis[512];
	size_t n = 0;

	/* SYNOPSIS: [-flags] [-X ARG]... from the table, crash's options only. */
	n += snprintf(synopsis + n, sizeof(synopsis) - n, "[-");
	for (const struct vx_option *o = vx_options_table; o->long_name; o++)
		if ((o->frontends & VX_FE_CRASH) && !o->arg && n < sizeof(synopsis))
			n += snprintf(synopsis + n, sizeof(synopsis) - n, "%c",
				      o->short_name);
	for (const struct vx_option *o = vx_options_table; o->long_name; o++)
		if ((o->frontends & VX_FE_CRASH) && o->arg && n < sizeof(synopsis))
			n += snprintf(synopsis + n, sizeof(synopsis) - n,
				      "] [-%c %s", o->short_name, o->arg);
	if (n < sizeof(synopsis))
		snprintf(synopsis + n, sizeof(synopsis) - n, "] [FILE ...]");

	vx_ext_help_add("vmapx");
	vx_ext_help_add("vmalloc address space: /proc/vmallocinfo and its analyses");
	vx_ext_help_add("%s", synopsis);
	for (size_t i = 0; vx_ext_help_intro[i]; i++)
		vx_ext_help_add("%s", vx_ext_help_intro[i]);
	for (const struct vx_option *o = vx_options_table; o->long_name; o++)
		if (o->frontends & VX_FE_CRASH)
			vx_ext_help_option(o);
	vx_ext_help_add(" ");
	vx_ext_help_add("  FILE: with -d, a /proc/vmallocinfo snapshot (OLD) to compare with this");
	vx_ext_help_add("  dump, or two snapshots OLD NEW; with -P, the snapshot to parse.  Long");
	vx_ext_help_add("  options (--gaps, --kptr=hash, ...) are accepted too.  One mode at a");
	vx_ext_help_add("  time, in any order: only -F combines, with -f, and -N with -A.");
	vx_ext_help_add("  ADDR is hexadecimal (0x optional); PFN is decimal, or hexadecimal");
	vx_ext_help_add("  with 0x; either may be a comma-separated list.");
	for (size_t i = 0; vx_ext_help_examples[i]; i++)
		vx_ext_help_add("%s", vx_ext_help_examples[i]);
	if (vx_ext_help_failed) {
		vx_ext_fini();
		return NULL;
	}
	return vx_ext_help_lines;
}

void vx_ext_fini(void)
{
	vx_ext_drop_cache();
	for (size_t i = 0; i < vx_ext_help_count; i++)
		free(vx_ext_help_lines[i]);
	free(vx_ext_help_lines);
	vx_ext_help_lines = NULL;
	vx_ext_help_count = vx_ext_help_alloc = 0;
}

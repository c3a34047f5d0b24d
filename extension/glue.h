/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seam between crash and the vmapx command.  glue.c is the only file
 * that sees crash's defs.h (it defines MIN, MAX, ulong, OFFSET, ...);
 * vmapx.c sees only lib/ and this header.  Every symbol here is vx_crash_
 * or vx_ext_ prefixed: crash loads all extensions into one namespace.
 */
#ifndef VMAPX_EXTENSION_GLUE_H
#define VMAPX_EXTENSION_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- provided by glue.c (crash) ---- */

/* readmem(KVADDR, RETURN_ON_ERROR|QUIET): true when all len bytes were read. */
bool vx_crash_read(uint64_t addr, void *buf, size_t len);
/*
 * Was the page of addr left out by the dump's filter (kdump-compressed
 * or diskdump read by crash)?  1 yes, 0 no, -1 cannot tell.
 */
int vx_crash_excluded(uint64_t addr);
/* The dump level in the kdump header, -1 for other dumps. */
int vx_crash_dump_level(void);
/* A vmlinux symbol from crash's table (KASLR applied); false if unknown. */
bool vx_crash_symbol(const char *name, uint64_t *addr);
/* Value of one VMCOREINFO key from crash's reader (malloc'ed), or NULL. */
char *vx_crash_vmcoreinfo_value(const char *key);
/* crash's output stream (redirected for "|" and ">"). */
FILE *vx_crash_fp(void);
/* The dump file crash opened, for messages. */
const char *vx_crash_dumpfile(void);
/* Is crash running on a live system (memory changes under us)? */
bool vx_crash_live(void);
/* error(INFO, "%s\n", msg): one line, the session goes on. */
void vx_crash_info(const char *msg);
/* cmd_usage(pc->curcmd, SYNOPSIS): prints the usage and longjmps. */
void vx_crash_usage(void) __attribute__((noreturn));

/* ---- provided by vmapx.c (the command) ---- */

/* The help page, built from vx_options_table; NULL on allocation failure. */
char **vx_ext_help(void);
/* Run "vmapx args..." (argv[0] is "vmapx"). */
void vx_ext_command(int argc, char **argv);
/* Free everything (the cached kernel, the help page): extension unload. */
void vx_ext_fini(void);

#endif

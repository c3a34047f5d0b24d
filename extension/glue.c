// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crash's side of the vmapx extension: registration, the command entry,
 * and the few crash services the target backend needs.  The only file
 * that includes defs.h.
 */
#include "defs.h"

#include "glue.h"

bool vx_crash_read(uint64_t addr, void *buf, size_t len)
{
	return readmem(addr, KVADDR, buf, len, "vmapx",
		       RETURN_ON_ERROR | QUIET) == TRUE;
}

/*
 * crash reads kdump-compressed files with read_diskdump(), which answers
 * PAGE_EXCLUDED for a page the filter dropped (unless crash was started
 * with --zero_excluded: then it reads zeros and nothing looks excluded).
 */
int vx_crash_excluded(uint64_t addr)
{
	physaddr_t paddr;
	char byte;

	if (!DISKDUMP_DUMPFILE())	/* compressed kdump too */
		return -1;
	if (!kvtop(NULL, addr, &paddr, 0))
		return -1;
	return read_diskdump(-1, &byte, 1, addr, paddr) == PAGE_EXCLUDED;
}

int vx_crash_dump_level(void)
{
	if (!DISKDUMP_DUMPFILE())	/* compressed kdump too */
		return -1;
	return get_dump_level();
}

bool vx_crash_symbol(const char *name, uint64_t *addr)
{
	/* kernel_symbol_exists: vmlinux only, a module's namesake must not win. */
	if (!kernel_symbol_exists((char *)name))
		return false;
	*addr = symbol_value((char *)name);
	return true;
}

char *vx_crash_vmcoreinfo_value(const char *key)
{
	if (!pc->read_vmcoreinfo || pc->read_vmcoreinfo == no_vmcoreinfo)
		return NULL;
	return pc->read_vmcoreinfo(key);
}

FILE *vx_crash_fp(void)
{
	return fp;
}

const char *vx_crash_dumpfile(void)
{
	return pc->dumpfile ? pc->dumpfile : "the dump";
}

bool vx_crash_live(void)
{
	return ACTIVE() != 0;
}

void vx_crash_info(const char *msg)
{
	error(INFO, "%s\n", msg);
}

void vx_crash_usage(void)
{
	cmd_usage(pc->curcmd, SYNOPSIS);
	/* cmd_usage() longjmps back to the prompt; never reached. */
	abort();
}

static void vx_cmd_vmapx(void)
{
	vx_ext_command(argcnt, args);
}

static struct command_table_entry vx_command_table[] = {
	{ "vmapx", vx_cmd_vmapx, NULL, 0 },
	{ NULL },
};

static void __attribute__((constructor)) vx_crash_init(void)
{
	vx_command_table[0].help_data = vx_ext_help();
	if (!vx_command_table[0].help_data) {
		error(INFO, "vmapx: out of memory building the help page\n");
		return;	/* nothing registered: crash unloads the object */
	}
	register_extension(vx_command_table);
}

static void __attribute__((destructor)) vx_crash_fini(void)
{
	vx_ext_fini();
}

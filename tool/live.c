// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --live: the running kernel through /proc/kcore.  Only the sources
 * differ from a dump; the kernel is then opened and walked by lib/ as
 * any other target (lib/walk.c retries a walk the kernel changed under).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "dump.h"
#include "dumpcheck.h"
#include "elfsyms.h"
#include "kcore.h"
#include "live.h"
#include "symmap.h"
#include "types.h"
#include "types_dwarf.h"
#include "vmcoreinfo.h"

/* /sys/kernel/btf/vmlinux is 3.5-6 MiB on Debian kernels. */
#define MAX_BTF_FILE	(64L << 20)
#define CAP_SYS_RAWIO_BIT	17

struct vx_live {
	struct vx_target target;
	struct vx_kcore *kc;
	char *kcore_path;
	char *vmcoreinfo;
	const char *vmcoreinfo_from;	/* which source gave it (for -v) */
	struct vx_types *types;
	struct vx_symmap *symmap;	/* -m, or /proc/kallsyms as a fallback */
	struct vx_elf *elf;		/* -k: symbols at link addresses */
	bool symmap_linked;		/* -m: link-time addresses */
	uint64_t kernel_offset;
};

static char *live_path(const char *file)
{
	const char *root = getenv("VMAPX_LIVE_ROOT");
	char *p;

	if (asprintf(&p, "%s%s", root ? root : "", file) < 0)
		return NULL;
	return p;
}

/* Whole small file into a malloc'd NUL-terminated buffer; NULL if not. */
static char *slurp(const char *file, long max, size_t *len)
{
	char *path = live_path(file), *buf = NULL, *grown;
	size_t n = 0, cap = 4096;
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) : -1;
	ssize_t got = 1;

	free(path);
	if (fd < 0)
		return NULL;
	while (got > 0 && n <= (size_t)max && (grown = realloc(buf, cap + 1))) {
		buf = grown;
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			got = 1;
		else if (got > 0 && (n += (size_t)got) == cap)
			cap *= 2;
	}
	close(fd);
	if (got != 0 || n > (size_t)max) {	/* error, no memory, too large */
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static bool has_rawio(void)
{
	char *st = slurp("/proc/self/status", 1 << 20, NULL);
	char *cap = st ? strstr(st, "\nCapEff:") : NULL;
	bool yes = cap && (strtoull(cap + 8, NULL, 16) >> CAP_SYS_RAWIO_BIT) & 1;

	free(st);
	return yes;
}

/*
 * open_kcore() checks lockdown (LOCKDOWN_KCORE, of the confidentiality
 * class) before the capability: both give EPERM, the file tells which.
 */
static struct vx_error *explain_denied(struct vx_live *l, int err)
{
	char *lock = slurp("/sys/kernel/security/lockdown", 4096, NULL);
	bool confidential = lock && strstr(lock, "[confidentiality]");

	free(lock);
	if (confidential)
		return vx_error_create(VX_ERR_IO,
				       "%s: kernel lockdown (confidentiality) forbids reading it, so --live cannot work on this boot",
				       l->kcore_path);
	if (geteuid() != 0 || !has_rawio())
		return vx_error_create(VX_ERR_IO,
				       "%s: %s: --live needs root (CAP_SYS_RAWIO)",
				       l->kcore_path, strerror(err));
	return vx_error_create(VX_ERR_IO,
			       "%s: %s, though root with CAP_SYS_RAWIO (a security module or lockdown?)",
			       l->kcore_path, strerror(err));
}

static struct vx_error *open_kcore(struct vx_live *l)
{
	struct vx_error *err;
	int open_errno;

	err = vx_kcore_open(l->kcore_path, &l->kc, &open_errno);
	if (err && (open_errno == EPERM || open_errno == EACCES)) {
		vx_error_destroy(err);
		return explain_denied(l, open_errno);
	}
	return err;
}

/* "paddr size" in hex, as /sys/kernel/vmcoreinfo prints them. */
static bool vmcoreinfo_sysfs(struct vx_live *l)
{
	char *text = slurp("/sys/kernel/vmcoreinfo", 4096, NULL);
	unsigned long long pa, size;
	struct vx_error *err;
	bool ok = false;

	if (text && sscanf(text, "%llx %llx", &pa, &size) == 2) {
		err = vx_kcore_vmcoreinfo_phys(l->kc, pa, size, &l->vmcoreinfo);
		ok = !err && l->vmcoreinfo;
		vx_error_destroy(err);
	}
	if (ok)
		l->vmcoreinfo_from = "/sys/kernel/vmcoreinfo";
	free(text);
	return ok;
}

/*
 * Without VMCOREINFO (CONFIG_VMCORE_INFO off) the core needs the release
 * and _stext to find kallsyms; /proc/kallsyms has them when it shows real
 * addresses (root, kptr_restrict < 2).  Its other symbols serve as the
 * target's symbol table.
 */
static struct vx_error *vmcoreinfo_from_kallsyms(struct vx_live *l)
{
	char *path = live_path("/proc/kallsyms");
	char *release = slurp("/proc/sys/kernel/osrelease", 4096, NULL);
	struct vx_error *err;
	struct utsname u;
	uint64_t stext;
	int n;

	if (!path) {
		free(release);
		return &vx_error_nomem;
	}
	err = vx_symmap_open(path, &l->symmap);
	if (!err && (!vx_symmap_lookup(l->symmap, "_stext", &stext) || !stext))
		err = vx_error_create(VX_ERR_NOT_FOUND,
				      "%s: no real address for _stext (kptr_restrict?)",
				      path);
	free(path);
	if (err) {
		free(release);
		return vx_error_wrap(err, "no /sys/kernel/vmcoreinfo and no VMCOREINFO note in %s",
				     l->kcore_path);
	}
	/* uname(2)'s release, from the file that VMAPX_LIVE_ROOT can move */
	if (!release && !uname(&u))
		release = strdup(u.release);
	n = asprintf(&l->vmcoreinfo, "OSRELEASE=%.*s\nSYMBOL(_stext)=%lx\n",
		     release ? (int)strcspn(release, "\n") : 0, release ? release : "",
		     (unsigned long)stext);
	free(release);
	if (n < 0)
		return &vx_error_nomem;
	l->vmcoreinfo_from = "/proc/kallsyms (_stext) and /proc/sys/kernel/osrelease";
	return NULL;
}

static struct vx_error *load_vmcoreinfo(struct vx_live *l)
{
	struct vx_error *err;

	if (vmcoreinfo_sysfs(l))
		return NULL;
	err = vx_kcore_vmcoreinfo_note(l->kc, &l->vmcoreinfo);
	if (!err && l->vmcoreinfo)
		l->vmcoreinfo_from = "the VMCOREINFO note of /proc/kcore";
	if (err || l->vmcoreinfo || l->symmap)
		return err;
	return vmcoreinfo_from_kallsyms(l);
}

/* -k's DWARF, else the kernel's own BTF file, else lib/ reads __start_BTF. */
static struct vx_error *load_types(struct vx_live *l, const char *vmlinux)
{
	struct vx_error *err;
	size_t len;
	char *blob;

	if (vmlinux)
		return vx_dwarf_types_open(vmlinux, &l->types);
	blob = slurp("/sys/kernel/btf/vmlinux", MAX_BTF_FILE, &len);
	if (!blob)
		return NULL;
	err = vx_btf_types_from_blob(blob, len, &l->types);
	free(blob);
	if (err)
		return vx_error_wrap(err, "/sys/kernel/btf/vmlinux");
	l->types->source = "BTF (/sys/kernel/btf/vmlinux)";
	return NULL;
}

static struct vx_error *live_read(struct vx_target *t, uint64_t addr,
				  void *buf, size_t len)
{
	struct vx_live *l = t->priv;

	return vx_read(vx_kcore_target(l->kc), addr, buf, len);
}

static struct vx_error *live_symbol(struct vx_target *t, const char *name,
				    uint64_t *addr)
{
	struct vx_live *l = t->priv;
	struct vx_error *err;

	if (l->symmap && vx_symmap_lookup(l->symmap, name, addr)) {
		if (l->symmap_linked)
			*addr += l->kernel_offset;
		return NULL;
	}
	if (!l->elf)
		return vx_error_create(VX_ERR_NOT_FOUND, "symbol %s not found",
				       name);
	err = vx_elf_symbol(l->elf, name, addr);
	if (!err)
		*addr += l->kernel_offset;
	return err;
}

/* -k and -m are read by libelf and stdio: a FIFO would block them. */
static struct vx_error *regular_file(const char *path)
{
	struct vx_error *err;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return vx_error_create(VX_ERR_IO, "%s: %s", path, strerror(errno));
	err = vx_dump_check_file(fd, path, NULL);
	close(fd);
	return err;
}

/* -k: checked against the running kernel, then its symbols and DWARF. */
static struct vx_error *load_vmlinux(struct vx_live *l, const char *vmlinux)
{
	struct vx_vmcoreinfo vmci;
	struct vx_error *err;

	err = vx_vmcoreinfo_parse(l->vmcoreinfo, &vmci);
	if (err)
		return err;
	l->kernel_offset = vx_vmcoreinfo_kerneloffset(&vmci);
	err = regular_file(vmlinux);
	if (!err)
		err = vx_elf_open(vmlinux, &l->elf);
	if (!err)
		err = vx_vmlinux_check(l->elf, &vmci, vmlinux, l->kcore_path);
	vx_vmcoreinfo_free(&vmci);
	return err;
}

static struct vx_error *load_system_map(struct vx_live *l, const char *map)
{
	const char *off;
	struct vx_error *err;

	vx_symmap_free(l->symmap);	/* -m wins over /proc/kallsyms */
	l->symmap = NULL;
	err = regular_file(map);
	if (!err)
		err = vx_symmap_open(map, &l->symmap);
	if (err)
		return err;
	l->symmap_linked = true;
	off = l->vmcoreinfo ? strstr(l->vmcoreinfo, "KERNELOFFSET=") : NULL;
	if (off)
		l->kernel_offset = strtoull(off + 13, NULL, 16);
	return NULL;
}

struct vx_error *vx_live_open(const struct vx_live_opts *opts,
			      struct vx_live **out)
{
	struct vx_live *l = calloc(1, sizeof(*l));
	struct vx_error *err;

	if (!l || !(l->kcore_path = live_path("/proc/kcore"))) {
		free(l);
		return &vx_error_nomem;
	}
	err = open_kcore(l);
	if (!err)
		err = load_vmcoreinfo(l);
	if (!err && opts->system_map)
		err = load_system_map(l, opts->system_map);
	if (!err && opts->vmlinux)
		err = load_vmlinux(l, opts->vmlinux);
	if (!err)
		err = load_types(l, opts->vmlinux);
	if (err) {
		vx_live_close(l);
		return err;
	}
	l->target = (struct vx_target){
		.read = live_read,
		.symbol = l->symmap || l->elf ? live_symbol : NULL,
		.vmcoreinfo = l->vmcoreinfo,
		.types = l->types,
		.name = l->kcore_path,
		.live = true,
		.priv = l,
	};
	*out = l;
	return NULL;
}

struct vx_target *vx_live_target(struct vx_live *l)
{
	return &l->target;
}

void vx_live_describe(const struct vx_live *l, FILE *f)
{
	fprintf(f, "vmcoreinfo: %s\n", l->vmcoreinfo_from);
}

const char *vx_live_name(const struct vx_live *l)
{
	return l->kcore_path;
}

void vx_live_close(struct vx_live *l)
{
	if (!l)
		return;
	vx_kcore_close(l->kc);
	vx_types_destroy(l->types);
	vx_symmap_free(l->symmap);
	if (l->elf)
		vx_elf_close(l->elf);
	free(l->vmcoreinfo);
	free(l->kcore_path);
	free(l);
}

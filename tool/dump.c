// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The standalone tool's target: libkdumpfile for memory and VMCOREINFO,
 * a vmlinux (-k) or System.map (-m) for symbols the dump cannot give,
 * DWARF (-k) for types.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

#include "dump.h"
#include "dumpcheck.h"
#include "elfsyms.h"
#include "flat.h"
#include "symmap.h"
#include "types.h"
#include "vmcoreinfo.h"

struct vx_dump {
	struct vx_target target;
	kdump_ctx_t *ctx;
	int fd;
	char *vmcoreinfo;
	struct vx_vmcoreinfo vmci;	/* parsed once: offset, vmlinux check */
	uint64_t kernel_offset;
	struct vx_symmap *symmap;
	struct vx_elf *elf;		/* -k */
	struct vx_types *dwarf;
	char *path;
	enum vx_dump_format format;
};

static struct vx_error *dump_read(struct vx_target *t, uint64_t addr,
				  void *buf, size_t len)
{
	struct vx_dump *d = t->priv;
	size_t got = len;
	kdump_status st;

	st = kdump_read(d->ctx, KDUMP_KVADDR, addr, buf, &got);
	if (st == KDUMP_OK && got == len)
		return NULL;
	if (st == KDUMP_ERR_NODATA)
		return vx_error_fault(addr + got, "0x%lx: page not in dump",
				      (unsigned long)(addr + got));
	return vx_error_fault(addr + got, "0x%lx: %s",
			      (unsigned long)(addr + got),
			      st == KDUMP_OK ? "short read" : kdump_get_err(d->ctx));
}

static struct vx_error *dump_symbol(struct vx_target *t, const char *name,
				    uint64_t *addr)
{
	struct vx_dump *d = t->priv;
	uint64_t link;

	if (d->symmap && vx_symmap_lookup(d->symmap, name, &link)) {
		*addr = link + d->kernel_offset;
		return NULL;
	}
	if (d->elf) {
		struct vx_error *err = vx_elf_symbol(d->elf, name, &link);

		if (!err)
			*addr = link + d->kernel_offset;
		return err;
	}
	return vx_error_create(VX_ERR_NOT_FOUND, "symbol %s not found", name);
}

int vx_file_is_dump(const char *path)
{
	unsigned char head[16];
	struct vx_error *err;
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	err = vx_dump_check_file(fd, path, NULL);
	if (err) {
		/* not a dump: the snapshot reader refuses it by name */
		vx_error_destroy(err);
		close(fd);
		return 0;
	}
	got = pread(fd, head, sizeof(head), 0);
	close(fd);
	if (got < 8)
		return 0;
	return !memcmp(head, "\177ELF", 4) || !memcmp(head, "KDUMP   ", 8) ||
	       !memcmp(head, "DISKDUMP", 8) || !memcmp(head, "makedumpfile", 12);
}

static struct vx_error *open_kdump(struct vx_dump *d)
{
	const char *arch = NULL;
	kdump_status st;

	d->ctx = kdump_new();
	if (!d->ctx)
		return &vx_error_nomem;
	/*
	 * read(2), never mmap(2): 0.5.1 maps 4 MiB windows and touches pages
	 * past the end of a short file (SIGBUS); with read(2) a page past
	 * the end reads as zeros, and the validator has refused any file
	 * whose structures reach there.
	 */
	st = kdump_set_number_attr(d->ctx, KDUMP_ATTR_FILE_MMAP_POLICY,
				   KDUMP_MMAP_NEVER);
	if (st == KDUMP_OK)
		st = kdump_open_fd(d->ctx, d->fd);
	if (st != KDUMP_OK) {
		struct vx_error *err = vx_error_create(VX_ERR_INVALID,
				"%s: libkdumpfile cannot open it: %s",
				d->path, kdump_get_err(d->ctx));

		/*
		 * 0.5.1's diskdump open frees its private data on failure but
		 * leaves its attribute overrides pointing into it; kdump_free()
		 * would then write through them (use after free, SIGSEGV).
		 * The validator refuses every input we know to fail there;
		 * should one still get through, leak the context instead.
		 */
		if (d->format == VX_DUMP_KDUMP)
			d->ctx = NULL;
		return err;
	}
	/* QEMU's kdump header leaves utsname empty; 0.5.1 then has no arch. */
	if (kdump_get_string_attr(d->ctx, KDUMP_ATTR_ARCH_NAME, &arch) != KDUMP_OK ||
	    !arch) {
		kdump_clear_err(d->ctx);
		st = kdump_set_string_attr(d->ctx, KDUMP_ATTR_ARCH_NAME, "x86_64");
		if (st != KDUMP_OK)
			return vx_error_create(VX_ERR_INVALID, "%s: setting arch: %s",
					       d->path, kdump_get_err(d->ctx));
	} else if (strcmp(arch, "x86_64")) {
		return vx_error_create(VX_ERR_UNSUPPORTED,
				       "%s: a dump of %s; vmapx reads x86_64 dumps",
				       d->path, arch);
	}
	st = kdump_set_string_attr(d->ctx, KDUMP_ATTR_OSTYPE, "linux");
	if (st != KDUMP_OK)
		return vx_error_create(VX_ERR_INVALID,
				       "%s: cannot set up address translation: %s",
				       d->path, kdump_get_err(d->ctx));
	st = kdump_vmcoreinfo_raw(d->ctx, &d->vmcoreinfo);
	if (st != KDUMP_OK) {
		kdump_clear_err(d->ctx);
		d->vmcoreinfo = NULL;
	}
	return NULL;
}

static void hex_string(const uint8_t *id, size_t len, char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 3 <= size; i++)
		n += snprintf(buf + n, size - n, "%02x", id[i]);
	buf[n] = '\0';
}

/*
 * A vmlinux that does not match the dump gives wrong types and symbols:
 * compare the GNU build-id (VMCOREINFO BUILD-ID) or else the release in
 * linux_banner with VMCOREINFO OSRELEASE, before walking anything.
 */
static struct vx_error *check_vmlinux(struct vx_dump *d, const char *vmlinux)
{
	const char *want_id, *release;
	struct vx_error *err = NULL;
	const uint8_t *id;
	char have[128], banner[512];
	size_t len;

	want_id = vx_vmcoreinfo_get(&d->vmci, "BUILD-ID");
	release = vx_vmcoreinfo_get(&d->vmci, "OSRELEASE");
	if (want_id && !vx_elf_build_id(d->elf, &id, &len)) {
		hex_string(id, len, have, sizeof(have));
		if (strcasecmp(have, want_id))
			err = vx_error_create(VX_ERR_MISMATCH,
					      "%s does not match %s: build-id %s, the dump's is %s",
					      vmlinux, d->path, have, want_id);
	} else if (release && !vx_elf_banner(d->elf, banner, sizeof(banner))) {
		const char *p = strstr(banner, "Linux version ");
		size_t n = strlen(release);

		if (!p || strncmp(p + 14, release, n) || p[14 + n] != ' ')
			err = vx_error_create(VX_ERR_MISMATCH,
					      "%s does not match %s: its banner is \"%.80s\", the dump's release %s",
					      vmlinux, d->path, banner, release);
	}
	return err;
}

/*
 * -k and -m files are opened by libelf/libdw and stdio, which would block
 * on a FIFO without a writer: refuse anything but a regular file first.
 */
static struct vx_error *regular_file(const char *path)
{
	struct vx_error *err;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return vx_error_create(VX_ERR_IO, "%s: %s", path, strerror(errno));
	err = vx_dump_check_file(fd, path, NULL);
	close(fd);
	return err;
}

struct vx_error *vx_dump_open(const char *path, const struct vx_dump_opts *opts,
			      struct vx_dump **out)
{
	struct vx_dumpcheck check;
	struct vx_error *err;
	struct vx_dump *d;
	int fd;

	d = calloc(1, sizeof(*d));
	if (!d)
		return &vx_error_nomem;
	d->fd = -1;
	d->path = strdup(path);
	/* O_NONBLOCK: a FIFO without a writer must not hang the open. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = vx_error_create(VX_ERR_IO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	err = vx_dump_check_file(fd, path, NULL);
	if (!err && vx_flat_detect(fd)) {
		err = vx_flat_rebuild(fd, path, &d->fd);
		close(fd);
	} else {
		d->fd = fd;
	}
	if (!err)
		err = vx_dump_validate(d->fd, path, &check);
	if (err)
		goto fail;
	d->format = check.format;
	err = open_kdump(d);
	if (err)
		goto fail;
	err = vx_vmcoreinfo_parse(d->vmcoreinfo, &d->vmci);
	if (err)
		goto fail;
	d->kernel_offset = vx_vmcoreinfo_kerneloffset(&d->vmci);
	if (opts->system_map) {
		err = regular_file(opts->system_map);
		if (!err)
			err = vx_symmap_open(opts->system_map, &d->symmap);
		if (err)
			goto fail;
	}
	if (opts->vmlinux) {
		err = regular_file(opts->vmlinux);
		if (!err)
			err = vx_elf_open(opts->vmlinux, &d->elf);
		if (!err)
			err = check_vmlinux(d, opts->vmlinux);
		if (err)
			goto fail;
		err = vx_dwarf_types_open(opts->vmlinux, &d->dwarf);
		if (err)
			goto fail;
	}
	d->target = (struct vx_target){
		.read = dump_read,
		.symbol = dump_symbol,
		.vmcoreinfo = d->vmcoreinfo,
		.types = d->dwarf,
		.name = d->path,
		.priv = d,
	};
	*out = d;
	return NULL;
fail:
	vx_dump_close(d);
	return err;
}

struct vx_target *vx_dump_target(struct vx_dump *d)
{
	return &d->target;
}

void vx_dump_close(struct vx_dump *d)
{
	if (!d)
		return;
	if (d->ctx)
		kdump_free(d->ctx);
	if (d->fd >= 0)
		close(d->fd);
	vx_types_destroy(d->dwarf);
	vx_symmap_free(d->symmap);
	if (d->elf)
		vx_elf_close(d->elf);
	vx_vmcoreinfo_free(&d->vmci);
	free(d->vmcoreinfo);
	free(d->path);
	free(d);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A vmlinux as an ELF file: symbols sorted once by name for quick look-ups,
 * bytes by link address through the program headers, build-id, sections.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsyms.h"
#include "symtab.h"

struct vx_elf {
	char *path;
	int fd;
	Elf *elf;
	struct vx_symtab syms;	/* empty until the first look-up */
	bool syms_loaded;
};

static struct vx_error *elf_failure(const struct vx_elf *e, const char *what)
{
	return vx_error_create(VX_ERR_IO, "%s: %s: %s", e->path, what,
			       elf_errmsg(-1));
}

struct vx_error *vx_elf_open(const char *path, struct vx_elf **out)
{
	struct vx_error *err;
	struct vx_elf *e;
	GElf_Ehdr ehdr;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return vx_error_create(VX_ERR_IO, "libelf: %s", elf_errmsg(-1));
	e = calloc(1, sizeof(*e));
	if (!e || !(e->path = strdup(path))) {
		free(e);
		return vx_error_nomem_in("%s", path);
	}
	e->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (e->fd < 0) {
		err = vx_error_create(VX_ERR_IO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	e->elf = elf_begin(e->fd, ELF_C_READ_MMAP, NULL);
	if (!e->elf || elf_kind(e->elf) != ELF_K_ELF ||
	    !gelf_getehdr(e->elf, &ehdr)) {
		err = vx_error_create(VX_ERR_IO, "%s: not an ELF file", path);
		goto fail;
	}
	if (ehdr.e_ident[EI_CLASS] != ELFCLASS64 || ehdr.e_machine != EM_X86_64) {
		err = vx_error_create(VX_ERR_UNSUPPORTED,
				      "%s: not an x86_64 ELF file", path);
		goto fail;
	}
	*out = e;
	return NULL;
fail:
	vx_elf_close(e);
	return err;
}

void vx_elf_close(struct vx_elf *e)
{
	if (!e)
		return;
	if (e->elf)
		elf_end(e->elf);
	if (e->fd >= 0)
		close(e->fd);
	vx_symtab_free(&e->syms);
	free(e->path);
	free(e);
}

static Elf_Scn *find_section(struct vx_elf *e, const char *name, GElf_Shdr *shdr)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(e->elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(e->elf, scn))) {
		const char *sname;

		if (!gelf_getshdr(scn, shdr))
			return NULL;
		sname = elf_strptr(e->elf, shstrndx, shdr->sh_name);
		if (sname && !strcmp(sname, name))
			return scn;
	}
	return NULL;
}

static struct vx_error *load_symbols(struct vx_elf *e)
{
	GElf_Shdr shdr;
	Elf_Scn *scn = find_section(e, ".symtab", &shdr);
	struct vx_error *err;
	Elf_Data *data;
	size_t i, count;

	if (!scn || shdr.sh_type != SHT_SYMTAB || !shdr.sh_entsize)
		return vx_error_create(VX_ERR_NOT_FOUND, "%s: no .symtab", e->path);
	data = elf_getdata(scn, NULL);
	if (!data)
		return elf_failure(e, ".symtab");
	count = shdr.sh_size / shdr.sh_entsize;
	for (i = 1; i < count; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, i, &sym)) {
			err = elf_failure(e, ".symtab entry");
			goto fail;
		}
		name = elf_strptr(e->elf, shdr.sh_link, sym.st_name);
		if (!name || !*name || sym.st_shndx == SHN_UNDEF)
			continue;
		/* A global wins over file-local statics of the same name. */
		err = vx_symtab_add(&e->syms, name, sym.st_value,
				    GELF_ST_BIND(sym.st_info) != STB_LOCAL);
		if (err) {
			err = vx_error_wrap(err, "%s", e->path);
			goto fail;
		}
	}
	vx_symtab_sort(&e->syms);
	e->syms_loaded = true;
	return NULL;
fail:
	/* The next look-up starts over: no partial table. */
	vx_symtab_free(&e->syms);
	return err;
}

struct vx_error *vx_elf_symbol(struct vx_elf *e, const char *name,
			       uint64_t *addr)
{
	const struct vx_symtab_entry *s;
	struct vx_error *err;

	if (!e->syms_loaded) {
		err = load_symbols(e);
		if (err)
			return err;
	}
	s = vx_symtab_find(&e->syms, name);
	if (!s)
		return vx_error_create(VX_ERR_NOT_FOUND, "%s: no symbol '%s'",
				       e->path, name);
	*addr = s->addr;
	return NULL;
}

struct vx_error *vx_elf_segment(struct vx_elf *e, size_t i, uint64_t *vaddr,
				uint64_t *filesz)
{
	size_t phnum, j, seen = 0;
	GElf_Phdr phdr;

	if (elf_getphdrnum(e->elf, &phnum))
		return elf_failure(e, "program headers");
	for (j = 0; j < phnum; j++) {
		if (!gelf_getphdr(e->elf, j, &phdr))
			return elf_failure(e, "program header");
		if (phdr.p_type != PT_LOAD || seen++ != i)
			continue;
		*vaddr = phdr.p_vaddr;
		*filesz = phdr.p_filesz;
		return NULL;
	}
	return vx_error_create(VX_ERR_NOT_FOUND, "%s: no PT_LOAD segment %zu",
			       e->path, i);
}

struct vx_error *vx_elf_read(struct vx_elf *e, uint64_t addr, void *buf,
			     size_t len)
{
	size_t phnum, j;
	GElf_Phdr phdr;

	if (elf_getphdrnum(e->elf, &phnum))
		return elf_failure(e, "program headers");
	for (j = 0; j < phnum; j++) {
		ssize_t got;

		if (!gelf_getphdr(e->elf, j, &phdr))
			return elf_failure(e, "program header");
		if (phdr.p_type != PT_LOAD || addr < phdr.p_vaddr ||
		    addr - phdr.p_vaddr >= phdr.p_filesz ||
		    len > phdr.p_filesz - (addr - phdr.p_vaddr))
			continue;
		got = pread(e->fd, buf, len, phdr.p_offset + (addr - phdr.p_vaddr));
		if (got != (ssize_t)len)
			return vx_error_create(VX_ERR_IO, "%s: short read at 0x%lx",
					       e->path, (unsigned long)addr);
		return NULL;
	}
	return vx_error_fault(addr, "%s: 0x%lx (%zu bytes) is in no loaded segment",
			      e->path, (unsigned long)addr, len);
}

struct vx_error *vx_elf_build_id(struct vx_elf *e, const uint8_t **id,
				 size_t *len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;

	while ((scn = elf_nextscn(e->elf, scn))) {
		size_t off = 0, name_off, desc_off;
		Elf_Data *data;
		GElf_Nhdr nhdr;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data &&
		       (off = gelf_getnote(data, off, &nhdr, &name_off, &desc_off))) {
			if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4 &&
			    !memcmp((char *)data->d_buf + name_off, "GNU", 4)) {
				*id = (const uint8_t *)data->d_buf + desc_off;
				*len = nhdr.n_descsz;
				return NULL;
			}
		}
	}
	return vx_error_create(VX_ERR_NOT_FOUND, "%s: no GNU build-id note",
			       e->path);
}

struct vx_error *vx_elf_banner(struct vx_elf *e, char *buf, size_t size)
{
	struct vx_error *err;
	uint64_t addr;
	size_t i;

	if (!size)
		return vx_error_create(VX_ERR_INVALID, "empty banner buffer");
	err = vx_elf_symbol(e, "linux_banner", &addr);
	if (err)
		return err;
	/* Byte by byte until NUL: the banner may end near a segment end. */
	for (i = 0; i + 1 < size; i++) {
		err = vx_elf_read(e, addr + i, buf + i, 1);
		if (err)
			return vx_error_wrap(err, "%s: linux_banner", e->path);
		if (!buf[i])
			return NULL;
	}
	buf[size - 1] = '\0';
	return NULL;
}

struct vx_error *vx_elf_section(struct vx_elf *e, const char *name,
				const void **data, size_t *size)
{
	GElf_Shdr shdr;
	Elf_Scn *scn = find_section(e, name, &shdr);
	Elf_Data *d;

	if (!scn || shdr.sh_type == SHT_NOBITS)
		return vx_error_create(VX_ERR_NOT_FOUND, "%s: no section %s",
				       e->path, name);
	d = elf_getdata(scn, NULL);
	if (!d)
		return elf_failure(e, name);
	*data = d->d_buf;
	*size = d->d_size;
	return NULL;
}

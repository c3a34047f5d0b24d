// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kcore backend (kcore.h).  Every header field is checked before it
 * is used, as for a dump (doc/robustness.md): the file may be a copy, a
 * fake or a test's hand-built ELF, not the kernel's own.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kcore.h"
#include "sort.h"

/* kcore has one PT_LOAD per RAM range, vmemmap range and window: tens. */
#define MAX_SEGMENTS	65535
/* kcore's notes: PRSTATUS, PRPSINFO, TASKSTRUCT, VMCOREINFO: a few KiB. */
#define MAX_NOTES_BYTES	(16UL << 20)
#define NO_PADDR	UINT64_MAX

struct kc_seg {
	uint64_t vaddr, paddr, size, offset;
};

struct vx_kcore {
	struct vx_target target;
	int fd;
	char *path;
	uint64_t file_size;
	struct kc_seg *seg;	/* sorted by vaddr */
	size_t nr_seg;
	uint64_t note_off, note_size;	/* PT_NOTE, size 0: none */
};

static int seg_cmp(const void *a, const void *b)
{
	const struct kc_seg *x = a, *y = b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* The segment holding addr, or NULL. */
static const struct kc_seg *find_seg(const struct vx_kcore *kc, uint64_t addr)
{
	size_t lo = 0, hi = kc->nr_seg;

	while (lo < hi) {	/* first segment starting above addr */
		size_t mid = lo + (hi - lo) / 2;

		if (kc->seg[mid].vaddr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Segments may overlap: look back at every one starting below. */
	while (lo--)
		if (addr - kc->seg[lo].vaddr < kc->seg[lo].size)
			return &kc->seg[lo];
	return NULL;
}

/* pread all of len bytes at off; errno kept on failure, EIO if short. */
static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	char *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static struct vx_error *kcore_read(struct vx_target *t, uint64_t addr,
				   void *buf, size_t len)
{
	struct vx_kcore *kc = t->priv;
	char *p = buf;

	/* A read may span segments that abut (RAM ranges, text + data). */
	while (len) {
		const struct kc_seg *s = find_seg(kc, addr);
		uint64_t in = s ? addr - s->vaddr : 0;
		size_t n = len;

		if (!s)
			return vx_error_fault(addr, "0x%lx: not mapped by %s",
					      (unsigned long)addr, kc->path);
		if (n > s->size - in)
			n = s->size - in;
		if (pread_all(kc->fd, p, n, s->offset + in))
			return vx_error_fault(addr, "0x%lx: reading %s: %s",
					      (unsigned long)addr, kc->path,
					      strerror(errno));
		p += n;
		len -= n;
		addr += n;
	}
	return NULL;
}

struct vx_error *vx_kcore_read_phys(struct vx_kcore *kc, uint64_t pa,
				    void *buf, size_t len)
{
	for (size_t i = 0; i < kc->nr_seg; i++) {
		const struct kc_seg *s = &kc->seg[i];

		if (s->paddr == NO_PADDR || pa < s->paddr ||
		    pa - s->paddr >= s->size || len > s->size - (pa - s->paddr))
			continue;
		return kcore_read(&kc->target, s->vaddr + (pa - s->paddr),
				  buf, len);
	}
	return vx_error_fault(pa, "physical 0x%lx: no segment of %s maps it",
			      (unsigned long)pa, kc->path);
}

static struct vx_error *bad(struct vx_kcore *kc, const char *what)
{
	return vx_error_create(VX_ERR_INVALID, "%s: not a kernel core file: %s",
			       kc->path, what);
}

static struct vx_error *check_ehdr(struct vx_kcore *kc, Elf *elf,
				   size_t *phnum)
{
	Elf64_Ehdr *eh;

	if (elf_kind(elf) != ELF_K_ELF)
		return bad(kc, "no ELF header");
	if (gelf_getclass(elf) != ELFCLASS64)
		return bad(kc, "not ELF64");
	eh = elf64_getehdr(elf);
	if (!eh)
		return bad(kc, elf_errmsg(-1));
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64)
		return vx_error_create(VX_ERR_UNSUPPORTED,
				       "%s: not an x86_64 little-endian core; vmapx reads x86_64 kernels",
				       kc->path);
	if (eh->e_type != ET_CORE || eh->e_version != EV_CURRENT)
		return bad(kc, "not an ELF core file (e_type, e_version)");
	if (eh->e_phnum == 0 || eh->e_phnum >= PN_XNUM ||
	    eh->e_phentsize != sizeof(Elf64_Phdr))
		return bad(kc, "bad program header count or entry size");
	if (eh->e_phoff > kc->file_size ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) >
	    kc->file_size - eh->e_phoff)
		return bad(kc, "program headers outside the file");
	*phnum = eh->e_phnum;
	return NULL;
}

static bool inside(uint64_t off, uint64_t size, uint64_t file_size)
{
	return off <= file_size && size <= file_size - off;
}

/* One PT_LOAD or PT_NOTE, checked. */
static struct vx_error *take_phdr(struct vx_kcore *kc, const Elf64_Phdr *ph)
{
	struct kc_seg *s;

	if (ph->p_type == PT_NOTE) {
		if (!inside(ph->p_offset, ph->p_filesz, kc->file_size) ||
		    ph->p_filesz > MAX_NOTES_BYTES)
			return bad(kc, "PT_NOTE outside the file or over 16 MiB");
		kc->note_off = ph->p_offset;
		kc->note_size = ph->p_filesz;
		return NULL;
	}
	if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
		return NULL;
	/* kcore's data is the memory: file and memory sizes are equal. */
	if (ph->p_filesz != ph->p_memsz ||
	    !inside(ph->p_offset, ph->p_filesz, kc->file_size) ||
	    ph->p_vaddr + ph->p_memsz - 1 < ph->p_vaddr ||
	    (ph->p_paddr != NO_PADDR &&
	     ph->p_paddr + ph->p_memsz - 1 < ph->p_paddr))
		return bad(kc, "a PT_LOAD outside the file, wrapping, or with p_filesz != p_memsz");
	s = &kc->seg[kc->nr_seg++];
	*s = (struct kc_seg){ .vaddr = ph->p_vaddr, .paddr = ph->p_paddr,
			      .size = ph->p_memsz, .offset = ph->p_offset };
	return NULL;
}

static struct vx_error *read_headers(struct vx_kcore *kc)
{
	struct vx_error *err;
	Elf64_Phdr *ph;
	size_t phnum = 0;
	Elf *elf;

	elf_version(EV_CURRENT);
	elf = elf_begin(kc->fd, ELF_C_READ, NULL);
	if (!elf)
		return bad(kc, elf_errmsg(-1));
	err = check_ehdr(kc, elf, &phnum);
	if (err)
		goto out;
	ph = elf64_getphdr(elf);
	kc->seg = calloc(phnum, sizeof(*kc->seg));
	if (!ph || !kc->seg) {
		err = ph ? &vx_error_nomem : bad(kc, elf_errmsg(-1));
		goto out;
	}
	for (size_t i = 0; i < phnum && !err; i++)
		err = take_phdr(kc, &ph[i]);
	if (!err && !kc->nr_seg)
		err = bad(kc, "no PT_LOAD");
	if (!err)
		vx_sort(kc->seg, kc->nr_seg, sizeof(*kc->seg), seg_cmp);
out:
	elf_end(elf);
	return err;
}

struct vx_error *vx_kcore_open_fd(int fd, const char *path,
				  struct vx_kcore **out)
{
	struct vx_kcore *kc;
	struct vx_error *err;
	struct stat st;

	kc = calloc(1, sizeof(*kc));
	if (!kc) {
		close(fd);
		return &vx_error_nomem;
	}
	kc->fd = fd;
	kc->path = strdup(path);
	if (!kc->path) {
		err = &vx_error_nomem;
		goto fail;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		err = vx_error_create(VX_ERR_IO, "%s: not a regular file", path);
		goto fail;
	}
	kc->file_size = (uint64_t)st.st_size;
	err = read_headers(kc);
	if (err)
		goto fail;
	kc->target = (struct vx_target){
		.read = kcore_read, .name = kc->path, .priv = kc,
	};
	*out = kc;
	return NULL;
fail:
	vx_kcore_close(kc);
	return err;
}

struct vx_error *vx_kcore_open(const char *path, struct vx_kcore **out,
			       int *open_errno)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	*open_errno = 0;
	if (fd < 0) {
		*open_errno = errno;
		return vx_error_create(VX_ERR_IO, "%s: %s", path,
				       strerror(errno));
	}
	return vx_kcore_open_fd(fd, path, out);
}

struct vx_target *vx_kcore_target(struct vx_kcore *kc)
{
	return &kc->target;
}

size_t vx_kcore_segments(const struct vx_kcore *kc)
{
	return kc->nr_seg;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Walk the notes in buf (n bytes) for name "VMCOREINFO"; bounds-checked. */
static char *find_vmcoreinfo(const unsigned char *buf, size_t n)
{
	size_t off = 0;

	while (n - off >= 12) {
		uint32_t namesz = get32(buf + off), descsz = get32(buf + off + 4);
		size_t name_pad = ((size_t)namesz + 3) & ~(size_t)3;
		size_t desc_pad = ((size_t)descsz + 3) & ~(size_t)3;
		const unsigned char *name = buf + off + 12;

		if (name_pad > n - off - 12 || desc_pad > n - off - 12 - name_pad)
			return NULL;
		if (namesz == 11 && !memcmp(name, "VMCOREINFO", 11))
			return strndup((const char *)name + name_pad, descsz);
		off += 12 + name_pad + desc_pad;
	}
	return NULL;
}

struct vx_error *vx_kcore_vmcoreinfo_note(struct vx_kcore *kc, char **out)
{
	unsigned char *buf;

	*out = NULL;
	if (!kc->note_size)
		return NULL;
	buf = malloc(kc->note_size);
	if (!buf)
		return &vx_error_nomem;
	if (pread_all(kc->fd, buf, kc->note_size, kc->note_off)) {
		struct vx_error *err = vx_error_create(VX_ERR_IO,
				"%s: reading its notes: %s", kc->path,
				strerror(errno));

		free(buf);
		return err;
	}
	*out = find_vmcoreinfo(buf, kc->note_size);
	free(buf);
	return NULL;
}

struct vx_error *vx_kcore_vmcoreinfo_phys(struct vx_kcore *kc, uint64_t pa,
					  uint64_t size, char **out)
{
	struct vx_error *err;
	unsigned char *buf;

	*out = NULL;
	if (size < 12 || size > MAX_NOTES_BYTES)
		return vx_error_create(VX_ERR_INVALID,
				       "VMCOREINFO note of %lu bytes: not 12 bytes to 16 MiB",
				       (unsigned long)size);
	buf = malloc(size);
	if (!buf)
		return &vx_error_nomem;
	err = vx_kcore_read_phys(kc, pa, buf, size);
	if (!err) {
		*out = find_vmcoreinfo(buf, size);
		if (!*out)
			err = vx_error_create(VX_ERR_INVALID,
					      "no VMCOREINFO note at physical 0x%lx",
					      (unsigned long)pa);
	}
	free(buf);
	return err;
}

void vx_kcore_close(struct vx_kcore *kc)
{
	if (!kc)
		return;
	if (kc->fd >= 0)
		close(kc->fd);
	free(kc->seg);
	free(kc->path);
	free(kc);
}

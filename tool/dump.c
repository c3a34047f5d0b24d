// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The standalone tool's target: libkdumpfile for memory and VMCOREINFO,
 * a vmlinux (-k) or System.map (-m) for symbols the dump cannot give,
 * DWARF (-k) for types.
 */
#include <elf.h>
#include <endian.h>
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
#include "types_dwarf.h"
#include "elfsyms.h"
#include "flat.h"
#include "symmap.h"
#include "types.h"
#include "vmcoreinfo.h"
#include "sort.h"

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
	int dump_level;			/* kdump sub-header, -1 if none */
	/*
	 * ELF: the ranges [p_filesz, p_memsz) of the PT_LOADs, physical
	 * (holes, sorted) and virtual (vholes, where p_vaddr is set);
	 * none for any other format.
	 */
	struct phys_range { uint64_t start, end; } *holes, *vholes;
	size_t nr_holes, nr_vholes;
};

static int dump_excluded(struct vx_target *t, uint64_t addr);

static struct vx_error *dump_read(struct vx_target *t, uint64_t addr,
				  void *buf, size_t len)
{
	struct vx_dump *d = t->priv;
	size_t got = len;
	kdump_status st;

	/*
	 * Never ask libkdumpfile 0.5.1 for a page the filter left out: after
	 * enough such reads (KDUMP_ERR_NODATA) its page cache hands a later
	 * read a NULL buffer to decompress into (zlib error -2, or SIGSEGV in
	 * lzo1x_decompress_safe), seen on the kdump cases once the slab scan
	 * read every excluded vmap_area slab.  The pagemaps answer without
	 * touching the cache.  Only a dump whose header records a filter of
	 * more than zero pages (which the compressed format stores anyway)
	 * can have such pages; QEMU writes level 1.  Elsewhere the page maps
	 * are not worth their 24 KiB, which 0.5.1 never frees.  An ELF dump
	 * with PT_LOADs shorter in the file than in memory has excluded
	 * pages too (elf_holes()).
	 */
	if (len && (d->dump_level > 1 || d->nr_holes || d->nr_vholes)) {
		/* Counted in pages: the top page's end address wraps to 0. */
		uint64_t first = addr / VX_PAGE_SIZE;
		uint64_t last = (addr + (len - 1)) / VX_PAGE_SIZE;

		for (uint64_t n = first; n <= last; n++) {
			uint64_t p = n * VX_PAGE_SIZE;
			uint64_t at = p < addr ? addr : p;

			if (dump_excluded(t, p) == 1)
				return vx_error_fault(at, "0x%lx: page not in dump",
						      (unsigned long)at);
		}
	}
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

/* One bit of a libkdumpfile page bitmap attribute: 1, 0, or -1 unknown. */
static int pagemap_bit(struct vx_dump *d, const char *attr, uint64_t pfn)
{
	unsigned char bits = 0;
	kdump_attr_t a;
	int bit = -1;

	if (kdump_get_attr(d->ctx, attr, &a) != KDUMP_OK ||
	    a.type != KDUMP_BITMAP) {
		kdump_clear_err(d->ctx);
		return -1;
	}
	/* kdump_get_attr() lends the bitmap: no reference to drop. */
	if (kdump_bmp_get_bits(a.val.bitmap, pfn, pfn, &bits) == KDUMP_OK)
		bit = bits & 1;
	else
		kdump_clear_err(d->ctx);
	return bit;
}

static int by_start(const void *a, const void *b)
{
	const struct phys_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Append [start, end) to *r, growing it by doubling (up to 2^20 PT_LOADs). */
static struct vx_error *add_range(struct phys_range **r, size_t *n, size_t *cap,
				  uint64_t start, uint64_t end)
{
	struct phys_range *grown;

	if (*n == *cap) {
		size_t want = *cap ? 2 * *cap : 16;

		grown = realloc(*r, want * sizeof(*grown));
		if (!grown)
			return &vx_error_nomem;
		*r = grown;
		*cap = want;
	}
	(*r)[(*n)++] = (struct phys_range){ start, end };
	return NULL;
}

/*
 * Sort and merge overlapping ranges (the kernel image's PT_LOAD and the
 * direct map's cover the same frames): disjoint, so one binary search
 * answers in_hole() however many PT_LOADs a file has.
 */
static void merge_ranges(struct phys_range *r, size_t *n)
{
	size_t out = 0;

	if (*n < 2)
		return;
	vx_sort(r, *n, sizeof(*r), by_start);
	for (size_t i = 1; i < *n; i++) {
		if (r[i].start <= r[out].end) {
			if (r[i].end > r[out].end)
				r[out].end = r[i].end;
		} else {
			r[++out] = r[i];
		}
	}
	*n = out + 1;
}

/*
 * makedumpfile's ELF output (-E) leaves a filtered-out range out of the
 * file by giving its PT_LOAD a p_filesz shorter than p_memsz (every run
 * of 256 or more excluded pages, and those at the end of a memory
 * range).  ELF reads that tail as zeros, and so does libkdumpfile 0.5.1
 * when it reads a kernel virtual address from a PT_LOAD's p_vaddr range
 * (its file.pagemap, which follows p_filesz, does say the frame is
 * missing, but an ELF dump records no dump level, so dump_read() had no
 * reason to ask).  The filter recorded no reason (zero, cache, user,
 * free, or a kernel page it misjudged): like an excluded page of a
 * compressed dump it is not in the dump, never zeros (a vm_struct read
 * as zeros printed "0x0000000000000000-0x0000000000000000       0").
 * /proc/vmcore and QEMU write p_filesz == p_memsz: no holes, no check.
 *
 * The table is read as the validator read it (e_phoff, e_phentsize and the count
 * PN_XNUM resolves to: what 0.5.1 reads too).  A p_paddr of ~0 is "no
 * physical address" to 0.5.1, and so is every p_paddr being 0: those
 * PT_LOADs have no physical hole.
 */
static struct vx_error *elf_holes(struct vx_dump *d, const struct vx_dumpcheck *c)
{
	size_t cap = 0, vcap = 0;
	bool any_paddr = false;
	struct vx_error *err;

	for (uint64_t i = 0; i < c->phnum; i++) {
		uint64_t at = c->phoff + i * c->phentsize;
		uint64_t filesz, memsz, paddr, vaddr;
		Elf64_Phdr ph;
		ssize_t got = pread(d->fd, &ph, sizeof(ph), at);

		if (got != sizeof(ph))
			return vx_error_create(VX_ERR_IO, "%s: reading program header %lu at %lu: %s",
					       d->path, (unsigned long)i, (unsigned long)at,
					       got < 0 ? strerror(errno) : "the file changed since it was checked");
		if (le32toh(ph.p_type) != PT_LOAD)
			continue;
		filesz = le64toh(ph.p_filesz);
		memsz = le64toh(ph.p_memsz);
		paddr = le64toh(ph.p_paddr);
		vaddr = le64toh(ph.p_vaddr);
		any_paddr |= paddr != 0;
		/* the validator refused filesz > memsz, and paddr + memsz past 2^52 */
		if (filesz >= memsz)
			continue;
		err = NULL;
		if (paddr != UINT64_MAX)
			err = add_range(&d->holes, &d->nr_holes, &cap, paddr + filesz,
					paddr + memsz);
		if (!err && vaddr && vaddr + memsz > vaddr)
			err = add_range(&d->vholes, &d->nr_vholes, &vcap,
					vaddr + filesz, vaddr + memsz);
		if (err)
			return err;
	}
	if (!any_paddr)
		d->nr_holes = 0;
	merge_ranges(d->holes, &d->nr_holes);
	merge_ranges(d->vholes, &d->nr_vholes);
	return NULL;
}

/* Is addr in one of the n ranges of r (sorted, disjoint)? */
static bool in_hole(const struct phys_range *r, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && addr < r[lo - 1].end;
}

/*
 * Excluded = the address translates to a page frame the dump describes
 * as memory (memory.pagemap) but does not carry (file.pagemap): what
 * makedumpfile's filter leaves out.  The dump keeps no reason per page,
 * so zero pages cannot be told from the others here; they need not be:
 * in the compressed format makedumpfile stores zero pages (all sharing
 * one zero-filled page) instead of excluding them, only its ELF output
 * drops them.  So file.zero_excluded stays off: turning it on would
 * read excluded cache, user and free pages -- and kernel pages the
 * filter misjudged -- as zeros, i.e. invent their contents.
 */
static int dump_excluded(struct vx_target *t, uint64_t addr)
{
	struct vx_dump *d = t->priv;
	addrxlat_fulladdr_t fa = { .addr = addr, .as = ADDRXLAT_KVADDR };
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	addrxlat_status ast;
	int in_file, in_memory;

	/* 0.5.1 reads a kernel address in a PT_LOAD's p_vaddr range from it */
	if (in_hole(d->vholes, d->nr_vholes, addr))
		return 1;
	if (kdump_get_addrxlat(d->ctx, &axctx, &axsys) != KDUMP_OK) {
		kdump_clear_err(d->ctx);
		return -1;
	}
	ast = addrxlat_fulladdr_conv(&fa, ADDRXLAT_MACHPHYSADDR, axctx, axsys);
	addrxlat_ctx_decref(axctx);
	addrxlat_sys_decref(axsys);
	if (ast != ADDRXLAT_OK)
		return -1;
	if (in_hole(d->holes, d->nr_holes, fa.addr))
		return 1;
	in_file = pagemap_bit(d, KDUMP_ATTR_FILE_PAGEMAP, fa.addr >> 12);
	in_memory = pagemap_bit(d, KDUMP_ATTR_MEMORY_PAGEMAP, fa.addr >> 12);
	if (in_file < 0)
		return -1;
	if (in_file)
		return 0;
	return in_memory == 0 ? 0 : 1;
}

static int dump_dump_level(struct vx_target *t)
{
	return ((struct vx_dump *)t->priv)->dump_level;
}

/*
 * The dump level is in the kdump sub-header, one block (block_size, at
 * offset 428 of the disk_dump_header) into the file: phys_base (8
 * bytes), then dump_level.  ELF dumps record none.
 */
#define KDUMP_BLOCK_SIZE_OFF	428
#define KDUMP_SUB_LEVEL_OFF	8

static int read_dump_level(int fd)
{
	unsigned char head[8];
	int32_t block_size, level;

	if (pread(fd, head, sizeof(head), 0) != sizeof(head) ||
	    (memcmp(head, "KDUMP   ", 8) && memcmp(head, "DISKDUMP", 8)))
		return -1;
	if (pread(fd, &block_size, 4, KDUMP_BLOCK_SIZE_OFF) != 4 ||
	    block_size < 512 || block_size > (1 << 20))
		return -1;
	if (pread(fd, &level, 4, block_size + KDUMP_SUB_LEVEL_OFF) != 4 ||
	    level < 0 || level > 31)
		return -1;
	return level;
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

/*
 * libkdumpfile 0.5.1 derives linux.version_code from the release when
 * address translation is set up and refuses a release without a patch
 * level ("Invalid kernel version: 7.3-cloud-amd64": every -rc and some
 * vendor kernels), so nothing can be read.  If it cannot derive the code
 * itself, give it the one the kernel has (patch level 0) beforehand.
 */
static void give_version_code(struct vx_dump *d)
{
	const char *release = NULL;
	kdump_num_t have;
	uint32_t code;

	if (kdump_get_number_attr(d->ctx, KDUMP_ATTR_LINUX_VERSION_CODE,
				  &have) == KDUMP_OK)
		return;
	kdump_clear_err(d->ctx);
	if (kdump_get_string_attr(d->ctx, "linux.uts.release", &release) !=
	    KDUMP_OK || !vx_release_version_code(release, &code)) {
		kdump_clear_err(d->ctx);
		return;	/* no release: 0.5.1 does not need the code either */
	}
	if (kdump_set_number_attr(d->ctx, KDUMP_ATTR_LINUX_VERSION_CODE,
				  code) != KDUMP_OK)
		kdump_clear_err(d->ctx);	/* the OSTYPE step reports it */
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
	give_version_code(d);
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
struct vx_error *vx_vmlinux_check(struct vx_elf *elf,
				  const struct vx_vmcoreinfo *vmci,
				  const char *vmlinux, const char *name)
{
	const char *want_id, *release;
	struct vx_error *err, *lookup;
	const uint8_t *id;
	char have[128], banner[512];
	size_t len;
	const char *p;

	want_id = vx_vmcoreinfo_get(vmci, "BUILD-ID");
	release = vx_vmcoreinfo_get(vmci, "OSRELEASE");
	/* The build-id decides when both sides have one; else the banner. */
	if (want_id) {
		lookup = vx_elf_build_id(elf, &id, &len);
		if (!lookup) {
			hex_string(id, len, have, sizeof(have));
			if (!strcasecmp(have, want_id))
				return NULL;
			return vx_error_create(VX_ERR_MISMATCH,
					       "%s does not match %s: build-id %s, the dump's is %s",
					       vmlinux, name, have, want_id);
		}
		vx_error_destroy(lookup);
	}
	if (!release)
		return NULL;
	lookup = vx_elf_banner(elf, banner, sizeof(banner));
	if (lookup) {
		vx_error_destroy(lookup);	/* nothing to compare with */
		return NULL;
	}
	p = strstr(banner, "Linux version ");
	if (p && !strncmp(p + 14, release, strlen(release)) &&
	    p[14 + strlen(release)] == ' ')
		return NULL;
	err = vx_error_create(VX_ERR_MISMATCH,
			      "%s does not match %s: its banner is \"%.80s\", the dump's release %s",
			      vmlinux, name, banner, release);
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
	d->dump_level = read_dump_level(d->fd);
	if (d->format == VX_DUMP_ELF) {
		err = elf_holes(d, &check);
		if (err)
			goto fail;
	}
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
			err = vx_vmlinux_check(d->elf, &d->vmci,
					       opts->vmlinux, d->path);
		if (err)
			goto fail;
		err = vx_dwarf_types_open(opts->vmlinux, &d->dwarf);
		if (err)
			goto fail;
	}
	d->target = (struct vx_target){
		.read = dump_read,
		.symbol = dump_symbol,
		.excluded = dump_excluded,
		.dump_level = dump_dump_level,
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
	free(d->holes);
	free(d->vholes);
	free(d->vmcoreinfo);
	free(d->path);
	free(d);
}

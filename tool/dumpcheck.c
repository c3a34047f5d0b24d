// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Header validation of ELF and kdump (diskdump) files: every field that
 * libkdumpfile 0.5.1's open path trusts is checked here first, on plain
 * bytes, so that the library never allocates, reads or maps what a corrupt
 * field says.  The checks follow what that release does (elfdump.c,
 * diskdump.c, notes.c), not what the formats merely allow: where 0.5.1
 * reads a structure differently from its writer (a 64-bit kdump header
 * whose bytes also pass as a 32-bit one), the file is refused here with
 * the reason instead of being misread there.  doc/robustness.md lists the
 * checks.
 */
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dumpcheck.h"
#include "target.h"

/* libkdumpfile 0.5.1 accepts block sizes from 4 KiB to 256 KiB. */
#define KD_MIN_BLOCK		4096u
#define KD_MAX_BLOCK		(256u << 10)
/* 52 physical address bits: no pfn at or above 2^40. */
#define MAX_PFN			(1ull << 40)
#define PRSTATUS_X86_64		336u	/* sizeof(struct elf_prstatus) */
#define SCAN_CHUNK		(1u << 20)

/* Offsets in the 64-bit diskdump header (struct disk_dump_header). */
#define DH_VERSION		8
#define DH_UTS_MACHINE		(12 + 4 * 65)	/* new_utsname.machine */
#define DH32_BLOCK_SIZE		416	/* as 0.5.1 reads the 32-bit layout */
#define DH32_BITMAP_BLOCKS	424
#define DH32_MAX_MAPNR		428
#define DH_BLOCK_SIZE		428
#define DH_SUB_HDR_SIZE		432
#define DH_BITMAP_BLOCKS	436
#define DH_MAX_MAPNR		440
#define DH_SIZE			464
/* Offsets in the 64-bit kdump sub-header (struct kdump_sub_header). */
#define SH_SPLIT		12
#define SH_VMCOREINFO_OFF	32
#define SH_VMCOREINFO_SIZE	40
#define SH_NOTE_OFF		48
#define SH_NOTE_SIZE		56
#define SH_MAX_MAPNR_64		96
#define SH_SIZE			104
/* struct page_desc: be64 offset, u32 size, u32 flags, u64 page_flags */
#define PD_SIZE			24
#define PD_COMPRESSED		(0x1 | 0x2 | 0x4 | 0x20)

struct src {
	int fd;			/* or -1: buf */
	const unsigned char *buf;
	uint64_t size;
	const char *name;
	uint64_t notes_total;
	struct vx_dumpcheck *info;
};

static struct vx_error *bad(const struct src *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct vx_error *bad(const struct src *s, const char *fmt, ...)
{
	struct vx_error *err;
	va_list ap;

	va_start(ap, fmt);
	err = vx_error_vcreate(VX_ERR_INVALID, fmt, ap);
	va_end(ap);
	return vx_error_wrap(err, "%s", s->name);
}

static int in_file(const struct src *s, uint64_t off, uint64_t len)
{
	return off <= s->size && len <= s->size - off;
}

static struct vx_error *past_end(const struct src *s, const char *what,
				 uint64_t off, uint64_t len)
{
	return bad(s, "%s at offset %llu (%llu bytes) ends past the end of the file (%llu bytes): truncated or corrupt",
		   what, (unsigned long long)off, (unsigned long long)len,
		   (unsigned long long)s->size);
}

/* Read len bytes at off, which the caller knows to be inside the file. */
static struct vx_error *src_read(const struct src *s, uint64_t off, void *dst,
				 size_t len, const char *what)
{
	unsigned char *p = dst;

	if (!in_file(s, off, len))
		return past_end(s, what, off, len);
	if (s->fd < 0) {
		memcpy(dst, s->buf + off, len);
		return NULL;
	}
	while (len) {
		ssize_t got = pread(s->fd, p, len, off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return vx_error_create(VX_ERR_IO, "%s: reading %s at offset %llu: %s",
					       s->name, what, (unsigned long long)off,
					       got ? strerror(errno) : "the file shrank while being read");
		p += got;
		off += got;
		len -= got;
	}
	return NULL;
}

static uint16_t le16(const unsigned char *p) { return p[0] | p[1] << 8; }
static uint32_t le32(const unsigned char *p) { return le16(p) | (uint32_t)le16(p + 2) << 16; }
static uint64_t le64(const unsigned char *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }
static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

enum vx_dump_format vx_dump_format_of(const void *head, size_t len)
{
	if (len >= 16 && !memcmp(head, "makedumpfile\0\0\0\0", 16))
		return VX_DUMP_FLAT;
	if (len >= 8 && (!memcmp(head, "KDUMP   ", 8) ||
			 !memcmp(head, "DISKDUMP", 8)))
		return VX_DUMP_KDUMP;
	if (len >= 4 && !memcmp(head, ELFMAG, SELFMAG))
		return VX_DUMP_ELF;
	return VX_DUMP_UNKNOWN;
}

/* 0.5.1's note_equal(): the name with or without its NUL. */
static int note_is(const char *want, const unsigned char *name, uint32_t namesz)
{
	size_t n = strlen(want);

	return (namesz == n || namesz == n + 1) && !memcmp(want, name, namesz);
}

static struct vx_error *check_note(const struct src *s, uint64_t at,
				   const unsigned char *name, uint32_t namesz,
				   uint32_t type, uint32_t descsz)
{
	static const char *const xen[] = { "Xen", ".note.Xen", "VMCOREINFO_XEN" };

	for (size_t i = 0; i < sizeof(xen) / sizeof(xen[0]); i++)
		if (note_is(xen[i], name, namesz))
			return vx_error_wrap(vx_error_create(VX_ERR_UNSUPPORTED,
					"note %s at offset %llu: a Xen dump; vmapx reads Linux x86_64 dumps",
					xen[i], (unsigned long long)at), "%s", s->name);
	/* x86_64's prstatus handler fails the whole open on a short one. */
	if (note_is("CORE", name, namesz) && type == NT_PRSTATUS) {
		if (descsz < PRSTATUS_X86_64)
			return bad(s, "note CORE/NT_PRSTATUS at offset %llu: %u bytes, x86_64's is %u: corrupt",
				   (unsigned long long)at, descsz, PRSTATUS_X86_64);
		s->info->nr_cpus++;
	}
	return NULL;
}

/*
 * 0.5.1 takes PAGESIZE's value as strtoul() of the C string it holds and
 * ignores it unless the whole string is consumed (an empty one is: 0).  It
 * lets 0 through and divides by it on the first read (a SIGFPE in
 * kdump_read(), found by the dumpopen fuzzer), and allocates its page
 * cache in pages of that size (2^30: a 1 TiB malloc).  x86_64's page is
 * 4096 bytes.  True when 0.5.1 would take a value, with *size set.
 */
static int pagesize_taken(const unsigned char *val, const unsigned char *end,
			  unsigned long long *size)
{
	const unsigned char *p = val;
	unsigned long long n = 0;
	int neg = 0, digits = 0;

	while (p < end && (*p == ' ' || (*p >= '\t' && *p <= '\r')))
		p++;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	for (; p < end && *p >= '0' && *p <= '9'; p++, digits++)
		n = n > (~0ull - 9) / 10 ? ~0ull : n * 10 + (*p - '0');
	if (!digits) {
		*size = 0;
		return val == end || !*val;
	}
	*size = neg && n ? ~0ull : n;	/* any negative but -0 is no 4096 */
	return p == end || !*p;
}

/*
 * The key 0.5.1 compares is the line up to its first '=' as a C string
 * (a NUL ends it); the value is what follows the '=', or "" without one.
 */
static int is_pagesize_line(const unsigned char *line, const unsigned char *eol,
			    const unsigned char **val)
{
	const unsigned char *eq = memchr(line, '=', eol - line);
	const unsigned char *key_end = eq ? eq : eol;
	const unsigned char *nul = memchr(line, '\0', key_end - line);

	if (nul)
		key_end = nul;
	*val = eq ? eq + 1 : eol;
	return key_end - line == 8 && !memcmp(line, "PAGESIZE", 8);
}

/*
 * 0.5.1 stores each VMCOREINFO line (the whole note split at '\n', NULs
 * and all: a line after a NUL is parsed too, as the fuzzer showed; the key
 * up to the first '=') as an attribute path under linux.vmcoreinfo.lines.
 * A key beginning with '.' sends its create_attr_path() back to that dot,
 * where lookup_dir_attr() strips it from a 0-byte key and hashes SIZE_MAX
 * bytes: a read past the buffer (found by the dumpopen fuzzer).  No kernel
 * writes such a key.  PAGESIZE: pagesize_taken().
 */
static struct vx_error *check_vmcoreinfo_text(const struct src *s, uint64_t at,
					      const unsigned char *text, uint64_t len)
{
	const unsigned char *end = text + len;
	const unsigned char *line = text, *val;
	unsigned long long size;
	unsigned int nr = 1;

	while (line < end) {
		const unsigned char *eol = memchr(line, '\n', end - line);

		if (!eol)
			eol = end;
		if (is_pagesize_line(line, eol, &val) &&
		    pagesize_taken(val, eol, &size) && size != 4096)
			return bad(s, "VMCOREINFO at offset %llu, line %u: PAGESIZE %llu, x86_64's is 4096 (libkdumpfile 0.5.1 would divide by 0 or allocate by it): corrupt",
				   (unsigned long long)at, nr, size);
		if (line < eol && *line == '.') {
			const unsigned char *eq = memchr(line, '=', eol - line);
			int keylen = (int)((eq ? eq : eol) - line);

			return bad(s, "VMCOREINFO at offset %llu, line %u: key '%.*s' begins with '.', which no kernel writes and libkdumpfile 0.5.1 reads past its buffer on: corrupt",
				   (unsigned long long)at, nr, keylen > 40 ? 40 : keylen,
				   (const char *)line);
		}
		line = eol + 1;
		nr++;
	}
	return NULL;
}

/*
 * Walk notes exactly as 0.5.1's do_notes() does (it stops silently at the
 * first note that does not fit), checking what its handlers would trip on
 * and remembering where VMCOREINFO is.
 */
static struct vx_error *walk_notes(struct src *s, uint64_t off, uint64_t size,
				   const char *what)
{
	struct vx_error *err;
	unsigned char *buf;
	uint64_t pos = 0;

	if (!in_file(s, off, size))
		return past_end(s, what, off, size);
	s->notes_total += size;
	if (s->notes_total > VX_DUMP_MAX_NOTES)
		return bad(s, "%s at offset %llu: %llu bytes of notes, more than the %u MiB any real dump has: corrupt",
			   what, (unsigned long long)off,
			   (unsigned long long)s->notes_total, VX_DUMP_MAX_NOTES >> 20);
	buf = malloc(size ? size : 1);
	if (!buf)
		return &vx_error_nomem;
	err = src_read(s, off, buf, size, what);
	while (!err && size - pos >= 12) {
		uint32_t namesz = le32(buf + pos), descsz = le32(buf + pos + 4);
		uint32_t type = le32(buf + pos + 8);
		uint64_t descoff = 12 + (((uint64_t)namesz + 3) & ~3ull);
		uint64_t next = descoff + (((uint64_t)descsz + 3) & ~3ull);

		if (size - pos < descoff + descsz)
			break;
		err = check_note(s, off + pos, buf + pos + 12, namesz, type, descsz);
		if (!err && note_is("VMCOREINFO", buf + pos + 12, namesz)) {
			s->info->vmcoreinfo_offset = off + pos + descoff;
			s->info->vmcoreinfo_size = descsz;
			err = check_vmcoreinfo_text(s, off + pos + descoff,
						    buf + pos + descoff, descsz);
		}
		if (next > size - pos)
			break;
		pos += next;
	}
	free(buf);
	return err;
}

/* --- ELF ---------------------------------------------------------------- */

/* Headers are little-endian (checked first); the host may not be. */
static void ehdr_fix(Elf64_Ehdr *e)
{
	e->e_type = le16toh(e->e_type);
	e->e_machine = le16toh(e->e_machine);
	e->e_version = le32toh(e->e_version);
	e->e_phoff = le64toh(e->e_phoff);
	e->e_shoff = le64toh(e->e_shoff);
	e->e_phentsize = le16toh(e->e_phentsize);
	e->e_phnum = le16toh(e->e_phnum);
	e->e_shentsize = le16toh(e->e_shentsize);
	e->e_shnum = le16toh(e->e_shnum);
	e->e_shstrndx = le16toh(e->e_shstrndx);
}

static void phdr_fix(Elf64_Phdr *p)
{
	p->p_type = le32toh(p->p_type);
	p->p_offset = le64toh(p->p_offset);
	p->p_paddr = le64toh(p->p_paddr);
	p->p_filesz = le64toh(p->p_filesz);
	p->p_memsz = le64toh(p->p_memsz);
}

static void shdr_fix(Elf64_Shdr *h)
{
	h->sh_name = le32toh(h->sh_name);
	h->sh_offset = le64toh(h->sh_offset);
	h->sh_size = le64toh(h->sh_size);
	h->sh_info = le32toh(h->sh_info);
}

struct elf_counts {
	uint64_t phnum, shnum;
};

static struct vx_error *elf_ident(const struct src *s, const Elf64_Ehdr *eh)
{
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return vx_error_wrap(vx_error_create(VX_ERR_UNSUPPORTED,
				"ELF header: class %u, data %u; vmapx reads little-endian ELF64 (x86_64) dumps",
				eh->e_ident[EI_CLASS], eh->e_ident[EI_DATA]), "%s", s->name);
	if (eh->e_type != ET_CORE || eh->e_version != EV_CURRENT)
		return bad(s, "ELF header: type %u, version %u; a dump is ET_CORE (4), version 1",
			   eh->e_type, eh->e_version);
	if (eh->e_machine != EM_X86_64)
		return vx_error_wrap(vx_error_create(VX_ERR_UNSUPPORTED,
				"ELF header: machine %u; vmapx reads x86_64 (62) dumps",
				eh->e_machine), "%s", s->name);
	return NULL;
}

/*
 * e_phnum == PN_XNUM or e_shnum == 0 with a section table: the real counts
 * are in section header 0, which 0.5.1 then reads with e_shentsize.
 */
static struct vx_error *elf_counts(const struct src *s, const Elf64_Ehdr *eh,
				   struct elf_counts *c)
{
	Elf64_Shdr sh;
	struct vx_error *err;

	c->phnum = eh->e_phnum;
	c->shnum = eh->e_shnum;
	if (!eh->e_shoff || (c->shnum && c->phnum != PN_XNUM))
		return NULL;
	if (eh->e_shentsize < sizeof(sh))
		return bad(s, "ELF header: section header size %u, less than ELF64's %zu: corrupt",
			   eh->e_shentsize, sizeof(sh));
	err = src_read(s, eh->e_shoff, &sh, sizeof(sh), "ELF section header 0");
	if (err)
		return err;
	shdr_fix(&sh);
	if (!c->shnum)
		c->shnum = sh.sh_size;
	if (c->shnum && c->phnum == PN_XNUM)
		c->phnum = sh.sh_info;
	return NULL;
}

static struct vx_error *elf_table(const struct src *s, const char *what,
				  uint64_t off, uint64_t n, uint64_t entsize,
				  uint64_t minsize)
{
	char name[32];

	snprintf(name, sizeof(name), "ELF %s", what);
	if (n > VX_DUMP_MAX_PHNUM)
		return bad(s, "%s: %llu entries, more than %u: corrupt", name,
			   (unsigned long long)n, VX_DUMP_MAX_PHNUM);
	if (entsize < minsize)
		return bad(s, "%s: entry size %llu, less than ELF64's %llu: corrupt",
			   name, (unsigned long long)entsize, (unsigned long long)minsize);
	if (!in_file(s, off, n * entsize))
		return past_end(s, name, off, n * entsize);
	return NULL;
}

static struct vx_error *elf_phdr(struct src *s, const Elf64_Phdr *ph,
				 uint64_t i, uint64_t at)
{
	char what[64];

	if (ph->p_type == PT_NOTE) {
		snprintf(what, sizeof(what), "PT_NOTE #%llu", (unsigned long long)i);
		return walk_notes(s, ph->p_offset, ph->p_filesz, what);
	}
	if (ph->p_type != PT_LOAD)
		return NULL;
	snprintf(what, sizeof(what), "PT_LOAD #%llu (header at %llu)",
		 (unsigned long long)i, (unsigned long long)at);
	if (!in_file(s, ph->p_offset, ph->p_filesz))
		return past_end(s, what, ph->p_offset, ph->p_filesz);
	if (ph->p_filesz > ph->p_memsz)
		return bad(s, "%s: %llu bytes in the file but %llu in memory: corrupt",
			   what, (unsigned long long)ph->p_filesz,
			   (unsigned long long)ph->p_memsz);
	if (ph->p_paddr != UINT64_MAX &&
	    (ph->p_paddr > MAX_PFN << 12 || ph->p_memsz > (MAX_PFN << 12) - ph->p_paddr))
		return bad(s, "%s: physical range 0x%llx+0x%llx beyond 52 address bits: corrupt",
			   what, (unsigned long long)ph->p_paddr,
			   (unsigned long long)ph->p_memsz);
	s->info->nr_loads++;
	return NULL;
}

static struct vx_error *elf_phdrs(struct src *s, const Elf64_Ehdr *eh,
				  uint64_t phnum)
{
	struct vx_error *err;

	err = elf_table(s, "program headers", eh->e_phoff, phnum,
			eh->e_phentsize, sizeof(Elf64_Phdr));
	for (uint64_t i = 0; !err && i < phnum; i++) {
		uint64_t at = eh->e_phoff + i * eh->e_phentsize;
		Elf64_Phdr ph;

		err = src_read(s, at, &ph, sizeof(ph), "ELF program header");
		if (!err) {
			phdr_fix(&ph);
			err = elf_phdr(s, &ph, i, at);
		}
	}
	if (!err && !s->info->nr_loads)
		err = bad(s, "ELF program headers: no PT_LOAD, so no memory in this dump");
	return err;
}

/* 0.5.1 acts on sections by name: Xen ones, looked up in e_shstrndx. */
static struct vx_error *elf_sections(struct src *s, const Elf64_Ehdr *eh,
				     uint64_t shnum)
{
	Elf64_Shdr sh;
	struct vx_error *err;
	char *strtab = NULL;
	uint64_t tabsize;

	err = elf_table(s, "section headers", eh->e_shoff, shnum,
			eh->e_shentsize, sizeof(Elf64_Shdr));
	if (err || !eh->e_shstrndx || eh->e_shstrndx >= shnum)
		return err;
	err = src_read(s, eh->e_shoff + (uint64_t)eh->e_shstrndx * eh->e_shentsize,
		       &sh, sizeof(sh), "ELF section header");
	if (err)
		return err;
	shdr_fix(&sh);
	tabsize = sh.sh_size;
	if (sh.sh_size > VX_DUMP_MAX_STRTAB)
		return bad(s, "ELF section name table: %llu bytes, more than %u: corrupt",
			   (unsigned long long)sh.sh_size, VX_DUMP_MAX_STRTAB);
	strtab = malloc(sh.sh_size + 1);
	if (!strtab)
		return &vx_error_nomem;
	err = src_read(s, sh.sh_offset, strtab, sh.sh_size, "ELF section name table");
	/* 0.5.1 strcmp()s names in it without a bound. */
	if (!err && tabsize && strtab[tabsize - 1])
		err = bad(s, "ELF section name table does not end in NUL: corrupt");
	for (uint64_t i = 0; !err && i < shnum; i++) {
		err = src_read(s, eh->e_shoff + i * eh->e_shentsize, &sh,
			       sizeof(sh), "ELF section header");
		if (!err)
			shdr_fix(&sh);
		if (!err && sh.sh_name < tabsize &&
		    (!strncmp(strtab + sh.sh_name, ".xen", 4) ||
		     !strcmp(strtab + sh.sh_name, ".note.Xen")))
			err = vx_error_wrap(vx_error_create(VX_ERR_UNSUPPORTED,
					"ELF section %s: a Xen core dump; vmapx reads Linux x86_64 dumps",
					strtab + sh.sh_name), "%s", s->name);
	}
	free(strtab);
	return err;
}

static struct vx_error *check_elf(struct src *s)
{
	struct elf_counts c;
	struct vx_error *err;
	Elf64_Ehdr eh;

	if (s->size < sizeof(eh))
		return bad(s, "ELF header: the file has %llu bytes, an ELF64 header %zu: truncated",
			   (unsigned long long)s->size, sizeof(eh));
	err = src_read(s, 0, &eh, sizeof(eh), "ELF header");
	if (err)
		return err;
	ehdr_fix(&eh);
	err = elf_ident(s, &eh);
	if (!err)
		err = elf_counts(s, &eh, &c);
	if (!err && c.shnum)
		err = elf_sections(s, &eh, c.shnum);
	if (!err)
		err = elf_phdrs(s, &eh, c.phnum);
	if (!err) {
		s->info->phoff = eh.e_phoff;
		s->info->phentsize = eh.e_phentsize;
		s->info->phnum = c.phnum;
	}
	return err;
}

/* --- kdump (diskdump) ---------------------------------------------------- */

struct kdump_geom {
	uint32_t block_size;
	int32_t version;
	uint64_t max_pfn;
	uint64_t bitmap_off;	/* the bitmap 0.5.1 reads the pages from */
	uint64_t bitmap_size;
	uint64_t desc_off;
};

/* 0.5.1's try_header(): the test that picks the header layout. */
static int header_fits(uint32_t block_size, uint32_t bitmap_blocks,
		       uint32_t max_mapnr)
{
	return block_size >= KD_MIN_BLOCK && block_size <= KD_MAX_BLOCK &&
	       (uint64_t)8 * bitmap_blocks * block_size >= max_mapnr;
}

static struct vx_error *kdump_header(const struct src *s,
				     const unsigned char *dh,
				     struct kdump_geom *g)
{
	uint32_t bitmap_blocks = le32(dh + DH_BITMAP_BLOCKS);
	uint32_t max_mapnr = le32(dh + DH_MAX_MAPNR);

	/*
	 * 0.5.1 tries the 32-bit layout first; a 64-bit header whose
	 * timestamp microseconds and status pass that test is misread.
	 */
	if (header_fits(le32(dh + DH32_BLOCK_SIZE), le32(dh + DH32_BITMAP_BLOCKS),
			le32(dh + DH32_MAX_MAPNR)) ||
	    header_fits(be32(dh + DH32_BLOCK_SIZE), be32(dh + DH32_BITMAP_BLOCKS),
			be32(dh + DH32_MAX_MAPNR)))
		return vx_error_wrap(vx_error_create(VX_ERR_UNSUPPORTED,
				"kdump header: its bytes also read as a 32-bit diskdump header, which libkdumpfile 0.5.1 would use"),
				"%s", s->name);
	/* 0.5.1 takes the arch from a sane utsname: its notes rules follow */
	if (memchr(dh + DH_UTS_MACHINE, '\0', 65) && dh[DH_UTS_MACHINE] &&
	    strcmp((const char *)dh + DH_UTS_MACHINE, "x86_64"))
		return vx_error_wrap(vx_error_create(VX_ERR_UNSUPPORTED,
				"kdump header: machine \"%.64s\"; vmapx reads x86_64 dumps",
				(const char *)dh + DH_UTS_MACHINE), "%s", s->name);
	g->block_size = le32(dh + DH_BLOCK_SIZE);
	if (g->block_size != VX_PAGE_SIZE)
		return bad(s, "kdump header: block size %u, x86_64's page is %llu: corrupt or not x86_64",
			   g->block_size, VX_PAGE_SIZE);
	if (!header_fits(g->block_size, bitmap_blocks, max_mapnr) ||
	    bitmap_blocks > INT32_MAX / 2)
		return bad(s, "kdump header: %u bitmap blocks for max_mapnr %u: corrupt",
			   bitmap_blocks, max_mapnr);
	g->version = (int32_t)le32(dh + DH_VERSION);
	if (g->version < 1)
		return bad(s, "kdump header: version %d has no sub-header, so no VMCOREINFO",
			   g->version);
	g->max_pfn = max_mapnr;
	return NULL;
}

/* A version 3 sub-header's VMCOREINFO (size already bounded), as text. */
static struct vx_error *kdump_vmcoreinfo_text(const struct src *s, uint64_t off,
					      uint64_t size)
{
	unsigned char *text = malloc(size ? size : 1);
	struct vx_error *err;

	if (!text)
		return &vx_error_nomem;
	err = src_read(s, off, text, size, "kdump VMCOREINFO");
	if (!err)
		err = check_vmcoreinfo_text(s, off, text, size);
	free(text);
	return err;
}

/* Where the notes or the VMCOREINFO are, and the split and pfn fields. */
static struct vx_error *kdump_sub_header(struct src *s, struct kdump_geom *g)
{
	unsigned char sh[SH_SIZE];
	struct vx_error *err;

	err = src_read(s, g->block_size, sh, sizeof(sh), "kdump sub-header");
	if (err)
		return err;
	if (le32(sh + SH_SPLIT))
		return vx_error_wrap(vx_error_create(VX_ERR_UNSUPPORTED,
				"kdump sub-header: one part of a split dump (makedumpfile --split); join the parts first"),
				"%s", s->name);
	if (g->version >= 6)
		g->max_pfn = le64(sh + SH_MAX_MAPNR_64);
	if (g->max_pfn > MAX_PFN)
		return bad(s, "kdump sub-header: max_mapnr %llu, beyond 52 address bits: corrupt",
			   (unsigned long long)g->max_pfn);
	if (g->version >= 4)
		return walk_notes(s, le64(sh + SH_NOTE_OFF), le64(sh + SH_NOTE_SIZE),
				  "kdump notes (sub-header offset_note, size_note)");
	if (g->version == 3) {
		uint64_t off = le64(sh + SH_VMCOREINFO_OFF);
		uint64_t size = le64(sh + SH_VMCOREINFO_SIZE);

		if (!in_file(s, off, size))
			return past_end(s, "kdump VMCOREINFO", off, size);
		if (size > VX_DUMP_MAX_NOTES)
			return bad(s, "kdump VMCOREINFO: %llu bytes: corrupt",
				   (unsigned long long)size);
		s->info->vmcoreinfo_offset = off;
		s->info->vmcoreinfo_size = size;
		return kdump_vmcoreinfo_text(s, off, size);
	}
	return NULL;
}

/*
 * The bitmaps follow the sub-header; 0.5.1 reads the second one (dumped
 * pages) when max_pfn fits in half of them, the first otherwise, and
 * numbers the page descriptors by the bits set in it.
 */
static struct vx_error *kdump_bitmap(const struct src *s, const unsigned char *dh,
				     struct kdump_geom *g)
{
	int32_t sub_blocks = (int32_t)le32(dh + DH_SUB_HDR_SIZE);
	uint64_t blocks = le32(dh + DH_BITMAP_BLOCKS), max_bitmap_pfn;

	if (sub_blocks < 1 || (uint64_t)sub_blocks + 1 > s->size / g->block_size)
		return bad(s, "kdump header: sub-header of %d blocks in a file of %llu bytes: corrupt or truncated",
			   sub_blocks, (unsigned long long)s->size);
	g->bitmap_off = ((uint64_t)sub_blocks + 1) * g->block_size;
	g->bitmap_size = blocks * g->block_size;
	if (!in_file(s, g->bitmap_off, g->bitmap_size))
		return past_end(s, "kdump bitmaps", g->bitmap_off, g->bitmap_size);
	g->desc_off = g->bitmap_off + g->bitmap_size;
	max_bitmap_pfn = g->bitmap_size * 8;
	if (g->max_pfn <= max_bitmap_pfn / 2) {
		g->bitmap_size = blocks / 2 * g->block_size;
		g->bitmap_off += g->bitmap_size;
	}
	return NULL;
}

static struct vx_error *count_pages(const struct src *s,
				    const struct kdump_geom *g, uint64_t *count)
{
	struct vx_error *err = NULL;
	unsigned char *buf = malloc(SCAN_CHUNK);
	uint64_t done = 0;

	if (!buf)
		return &vx_error_nomem;
	*count = 0;
	while (!err && done < g->bitmap_size) {
		size_t n = g->bitmap_size - done < SCAN_CHUNK ?
			   g->bitmap_size - done : SCAN_CHUNK;

		err = src_read(s, g->bitmap_off + done, buf, n, "kdump bitmap");
		for (size_t i = 0; !err && i < n; i++)
			*count += __builtin_popcount(buf[i]);
		done += n;
	}
	free(buf);
	return err;
}

static struct vx_error *check_desc(const struct src *s,
				   const struct kdump_geom *g,
				   const unsigned char *pd, uint64_t i)
{
	uint64_t off = le64(pd), at = g->desc_off + i * PD_SIZE;
	uint32_t size = le32(pd + 8), flags = le32(pd + 12);

	if (flags & PD_COMPRESSED ? !size || size > KD_MAX_BLOCK :
				    size != g->block_size)
		return bad(s, "kdump page descriptor #%llu at offset %llu: %u bytes of %s data: corrupt",
			   (unsigned long long)i, (unsigned long long)at, size,
			   flags & PD_COMPRESSED ? "compressed" : "raw");
	if (!in_file(s, off, size))
		return bad(s, "kdump page descriptor #%llu at offset %llu: page data at %llu (%u bytes) ends past the end of the file (%llu bytes): truncated or corrupt",
			   (unsigned long long)i, (unsigned long long)at,
			   (unsigned long long)off, size,
			   (unsigned long long)s->size);
	return NULL;
}

/* Every page's data must lie in the file: this is what finds truncation. */
static struct vx_error *kdump_descriptors(const struct src *s,
					  const struct kdump_geom *g,
					  uint64_t count)
{
	struct vx_error *err = NULL;
	unsigned char *buf;
	uint64_t i = 0;

	if (count > (s->size - g->desc_off) / PD_SIZE)
		return past_end(s, "kdump page descriptors", g->desc_off,
				count * PD_SIZE);
	buf = malloc(SCAN_CHUNK / PD_SIZE * PD_SIZE);
	if (!buf)
		return &vx_error_nomem;
	while (!err && i < count) {
		uint64_t n = count - i < SCAN_CHUNK / PD_SIZE ?
			     count - i : SCAN_CHUNK / PD_SIZE;

		err = src_read(s, g->desc_off + i * PD_SIZE, buf, n * PD_SIZE,
			       "kdump page descriptors");
		for (uint64_t j = 0; !err && j < n; j++)
			err = check_desc(s, g, buf + j * PD_SIZE, i + j);
		i += n;
	}
	free(buf);
	return err;
}

static struct vx_error *check_kdump(struct src *s)
{
	unsigned char dh[DH_SIZE];
	struct kdump_geom g = { 0 };
	struct vx_error *err;
	uint64_t count;

	if (s->size < DH_SIZE)
		return bad(s, "kdump header: the file has %llu bytes, the header %u: truncated",
			   (unsigned long long)s->size, DH_SIZE);
	err = src_read(s, 0, dh, sizeof(dh), "kdump header");
	if (!err)
		err = kdump_header(s, dh, &g);
	if (!err)
		err = kdump_sub_header(s, &g);
	if (!err)
		err = kdump_bitmap(s, dh, &g);
	if (!err)
		err = count_pages(s, &g, &count);
	if (!err)
		err = kdump_descriptors(s, &g, count);
	if (!err)
		s->info->nr_pages = count;
	return err;
}

/* --- entry points -------------------------------------------------------- */

static struct vx_error *validate(struct src *s)
{
	unsigned char head[16] = { 0 };
	struct vx_error *err;

	memset(s->info, 0, sizeof(*s->info));
	s->info->file_size = s->size;
	err = src_read(s, 0, head, s->size < 16 ? s->size : 16, "the first bytes");
	if (err)
		return err;
	s->info->format = vx_dump_format_of(head, s->size < 16 ? s->size : 16);
	switch (s->info->format) {
	case VX_DUMP_ELF:
		err = check_elf(s);
		break;
	case VX_DUMP_KDUMP:
		err = check_kdump(s);
		break;
	case VX_DUMP_FLAT:
		return vx_error_wrap(vx_error_create(VX_ERR_UNSUPPORTED,
				"a flattened dump: validate the rebuilt file"), "%s", s->name);
	default:
		return bad(s, "not a dump: %llu bytes without an ELF, KDUMP, DISKDUMP or makedumpfile signature",
			   (unsigned long long)s->size);
	}
	if (!err && !s->info->vmcoreinfo_size)
		err = bad(s, "%s: no VMCOREINFO note, which vmapx needs (QEMU: -device vmcoreinfo)",
			  s->info->format == VX_DUMP_ELF ? "ELF notes" : "kdump notes");
	return err;
}

struct vx_error *vx_dump_check_file(int fd, const char *name, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st))
		return vx_error_create(VX_ERR_IO, "%s: %s", name, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return vx_error_create(VX_ERR_IO, "%s: not a regular file (%s)", name,
				       S_ISFIFO(st.st_mode) ? "a FIFO" :
				       S_ISDIR(st.st_mode) ? "a directory" :
				       S_ISCHR(st.st_mode) ? "a character device" :
				       S_ISBLK(st.st_mode) ? "a block device" :
				       S_ISSOCK(st.st_mode) ? "a socket" : "special");
	if (size)
		*size = st.st_size;
	return NULL;
}

struct vx_error *vx_dump_validate(int fd, const char *name,
				  struct vx_dumpcheck *info)
{
	struct vx_dumpcheck local;
	struct src s = { .fd = fd, .name = name, .info = info ? info : &local };
	struct vx_error *err;

	err = vx_dump_check_file(fd, name, &s.size);
	return err ? err : validate(&s);
}

struct vx_error *vx_dump_validate_buffer(const void *buf, size_t len,
					 const char *name,
					 struct vx_dumpcheck *info)
{
	struct vx_dumpcheck local;
	struct src s = {
		.fd = -1, .buf = buf, .size = len, .name = name,
		.info = info ? info : &local,
	};

	return validate(&s);
}

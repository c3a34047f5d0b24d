// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of tool/dumpcheck.c on hand-built ELF and kdump files: a
 * well-formed one is accepted, every prefix of it and each corrupt field
 * libkdumpfile 0.5.1 would trust is refused with a message naming the
 * structure.
 */
#include <elf.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "dumpcheck.h"

#define PAGE 4096

struct image {
	unsigned char *b;
	size_t len;
};

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }

/* One note; returns its size. */
static size_t put_note(unsigned char *p, const char *name, uint32_t type,
		       uint32_t descsz)
{
	size_t namesz = strlen(name) + 1;

	put32(p, namesz);
	put32(p + 4, descsz);
	put32(p + 8, type);
	memcpy(p + 12, name, namesz);
	return 12 + ((namesz + 3) & ~3ul) + ((descsz + 3) & ~3ul);
}

/* Notes as a dump has them: PRSTATUS for one CPU, then VMCOREINFO. */
static size_t put_notes(unsigned char *p)
{
	size_t n = put_note(p, "CORE", NT_PRSTATUS, 336);
	size_t v = put_note(p + n, "VMCOREINFO", 0, 32);

	memcpy(p + n + 24, "OSRELEASE=6.1.0\nPAGESIZE=4096\n\n", 32);
	return n + v;
}

/* ELF: header, a PT_NOTE and a PT_LOAD of one page. */
static struct image make_elf(void)
{
	struct image im = { calloc(1, 3 * PAGE), 3 * PAGE };
	Elf64_Ehdr *eh = (Elf64_Ehdr *)im.b;
	Elf64_Phdr *ph = (Elf64_Phdr *)(im.b + sizeof(*eh));

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = PAGE;
	ph[0].p_filesz = put_notes(im.b + PAGE);
	ph[1].p_type = PT_LOAD;
	ph[1].p_offset = 2 * PAGE;
	ph[1].p_filesz = ph[1].p_memsz = PAGE;
	ph[1].p_paddr = 0x100000;
	ph[1].p_vaddr = 0xffff888000100000;
	return im;
}

/*
 * kdump: header (block 0), sub-header and notes (block 1), two one-block
 * bitmaps (blocks 2, 3) for 8 pfns with pfns 0 and 1 dumped, their two
 * page descriptors (block 4), a raw page and 100 compressed bytes.
 */
#define KD_DESC		(4 * PAGE)
#define KD_DATA		(5 * PAGE)
#define KD_SIZE		(6 * PAGE + 100)
static struct image make_kdump(void)
{
	struct image im = { calloc(1, KD_SIZE), KD_SIZE };
	unsigned char *b = im.b, *sub = b + PAGE;

	memcpy(b, "KDUMP   ", 8);
	put32(b + 8, 6);		/* header_version */
	put32(b + 424, 1);		/* status: zlib */
	put32(b + 428, PAGE);		/* block_size */
	put32(b + 432, 1);		/* sub_hdr_size */
	put32(b + 436, 2);		/* bitmap_blocks */
	put32(b + 440, 8);		/* max_mapnr */
	put64(sub + 48, PAGE + 512);	/* offset_note */
	put64(sub + 56, put_notes(b + PAGE + 512));
	put64(sub + 96, 8);		/* max_mapnr_64 */
	b[2 * PAGE] = 0x03;		/* first bitmap: pfns 0, 1 exist */
	b[3 * PAGE] = 0x03;		/* second bitmap: both dumped */
	put64(b + KD_DESC, KD_DATA);	/* raw page */
	put32(b + KD_DESC + 8, PAGE);
	put64(b + KD_DESC + 24, KD_DATA + PAGE);	/* compressed */
	put32(b + KD_DESC + 24 + 8, 100);
	put32(b + KD_DESC + 24 + 12, 1);
	return im;
}

static struct vx_error *check(const struct image *im, size_t len,
			      struct vx_dumpcheck *info)
{
	return vx_dump_validate_buffer(im->b, len, "t.dump", info);
}

static void assert_refused(const struct image *im, size_t len, const char *what)
{
	struct vx_error *err = check(im, len, NULL);

	if (!err)
		fail_msg("accepted, want an error about \"%s\"", what);
	if (!strstr(err->message, "t.dump: ") || !strstr(err->message, what) ||
	    strchr(err->message, '\n'))
		fail_msg("error \"%s\" lacks \"%s\" or the name, or is not one line",
			 err->message, what);
	vx_error_destroy(err);
}

static void test_elf_accepted(void **state)
{
	struct image im = make_elf();
	struct vx_dumpcheck info;

	assert_null(check(&im, im.len, &info));
	assert_int_equal(info.format, VX_DUMP_ELF);
	assert_int_equal(info.nr_loads, 1);
	assert_int_equal(info.nr_cpus, 1);
	assert_int_equal(info.vmcoreinfo_size, 32);
	assert_memory_equal(im.b + info.vmcoreinfo_offset, "OSRELEASE=", 10);
	free(im.b);
}

/* Every prefix: the header, the tables, the notes, the PT_LOAD's data. */
static void test_elf_every_truncation_refused(void **state)
{
	struct image im = make_elf();

	for (size_t len = 0; len < im.len; len++) {
		struct vx_error *err = check(&im, len, NULL);

		if (!err)
			fail_msg("ELF cut at %zu bytes accepted", len);
		vx_error_destroy(err);
	}
	assert_refused(&im, 52, "ELF header");
	assert_refused(&im, PAGE + 10, "PT_NOTE #0");
	assert_refused(&im, im.len - 1, "PT_LOAD #1");
	free(im.b);
}

static void test_elf_corrupt_fields_refused(void **state)
{
	struct image im = make_elf();
	Elf64_Ehdr *eh = (Elf64_Ehdr *)im.b;
	Elf64_Phdr *ph = (Elf64_Phdr *)(im.b + sizeof(*eh));

	ph[0].p_filesz = 1ull << 30;		/* the 1 GB PT_NOTE */
	assert_refused(&im, im.len, "PT_NOTE #0");
	ph[0].p_filesz = 2 * PAGE - 16;
	ph[0].p_offset = 16;			/* inside, but too big */
	im.len = 17 << 20;
	im.b = realloc(im.b, im.len);
	eh = (Elf64_Ehdr *)im.b;
	ph = (Elf64_Phdr *)(im.b + sizeof(*eh));
	ph[0].p_filesz = 16u << 20 | 1;
	assert_refused(&im, im.len, "more than the 16 MiB");
	free(im.b);

	im = make_elf();
	eh = (Elf64_Ehdr *)im.b;
	eh->e_phentsize = 8;
	assert_refused(&im, im.len, "program headers: entry size 8");
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 0xfffe;
	assert_refused(&im, im.len, "program headers");
	eh->e_phnum = 2;
	eh->e_shoff = 64;			/* the 58-byte ELF's section table */
	eh->e_shentsize = 0;
	assert_refused(&im, im.len, "section header size 0");
	eh->e_shoff = 0;
	eh->e_machine = EM_AARCH64;
	assert_refused(&im, im.len, "x86_64");
	free(im.b);
}

static void test_elf_notes_refused(void **state)
{
	struct image im = make_elf();
	Elf64_Phdr *ph = (Elf64_Phdr *)(im.b + sizeof(Elf64_Ehdr));
	struct vx_error *err;

	put32(im.b + PAGE + 4, 100);		/* PRSTATUS of 100 bytes */
	assert_refused(&im, im.len, "NT_PRSTATUS");
	free(im.b);

	im = make_elf();
	ph = (Elf64_Phdr *)(im.b + sizeof(Elf64_Ehdr));
	ph[0].p_filesz = put_note(im.b + PAGE, "CORE", NT_PRSTATUS, 336);
	assert_refused(&im, im.len, "no VMCOREINFO");
	ph[0].p_filesz = put_note(im.b + PAGE, "Xen", 0x1000001, 64);
	err = check(&im, im.len, NULL);
	assert_true(vx_error_is(err, VX_ERR_UNSUPPORTED));
	vx_error_destroy(err);
	free(im.b);
}

/*
 * A VMCOREINFO key beginning with '.' made libkdumpfile 0.5.1 hash SIZE_MAX
 * bytes (a SIGSEGV the dumpopen fuzzer found): refused in ELF notes, kdump
 * notes and a version 3 sub-header's VMCOREINFO, on a line after a NUL too
 * (0.5.1 splits the whole note at '\n'); a dot inside a key, or after a NUL
 * that starts the line, is not.
 */
static void vmcoreinfo_keys(struct image *im, unsigned char *text)
{
	/* the 32 bytes of the note's text, and what the refusal says (NULL: taken) */
	static const struct {
		char text[32];
		const char *refused;
	} cases[] = {
		{ "OSRELEASE=6.1.0\n.AGESIZE=4096\n\n", "line 2: key '.AGESIZE' begins with '.'" },
		{ "OSRELEASE=6.1.0\n.AGESIZE\n\n\n\n\n\n\n", "key '.AGESIZE' begins" },
		{ "OSRELEASE=6.1.0\nPAGE.SIZE=4096\n", NULL },
		{ "OSRELEASE=6.1.0\0.AGESIZE=4096\n\n", NULL },
		{ "OSRELEASE=6.1.0\n\0\n.AGESIZE=409\n", "line 3: key '.AGESIZE' begins" },
		/*
		 * PAGESIZE other than 4096 as 0.5.1 parses it: 0 (empty or
		 * zeros) it divides by (a SIGFPE), 2^30 it allocates by; what
		 * it ignores is ignored
		 */
		{ "OSRELEASE=6.1.0\nPAGESIZE\n\n\n\n\n\n\n", "line 2: PAGESIZE 0, x86_64's is 4096" },
		{ "OSRELEASE=6.1.0\nPAGESIZE= -000\n\n", "PAGESIZE 0," },
		{ "OSRELEASE=6\nPAGESIZE=1073741824\n", "PAGESIZE 1073741824," },
		{ "OSRELEASE=6.1.0\nPAGESIZE=004096\n", NULL },
		{ "OSRELEASE=6.1.0\nPAGESIZE=4096kB\n", NULL },
		{ "OSRELEASE=6.1.0\nPAGESIZE\0\0\0\0\0\0\0", "PAGESIZE 0," },
		{ "OSRELEASE=6.1.0\nPAGESIZE=+\n\n\n\n\n", NULL },
		{ "OSRELEASE=6.1.0\nPAGESIZES=\n\n\n\n\n", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(text, cases[i].text, sizeof(cases[i].text));
		if (cases[i].refused)
			assert_refused(im, im->len, cases[i].refused);
		else
			assert_null(check(im, im->len, NULL));
	}
}

static void test_vmcoreinfo_dot_key_refused(void **state)
{
	unsigned char scratch[512];
	size_t prstatus = put_note(scratch, "CORE", NT_PRSTATUS, 336);
	struct image im = make_elf();

	vmcoreinfo_keys(&im, im.b + PAGE + prstatus + 24);
	free(im.b);

	im = make_kdump();
	vmcoreinfo_keys(&im, im.b + PAGE + 512 + prstatus + 24);
	/* version 3: VMCOREINFO at the sub-header's offset_vmcoreinfo */
	put32(im.b + 8, 3);
	put64(im.b + PAGE + 32, PAGE + 512 + prstatus + 24);
	put64(im.b + PAGE + 40, 32);
	vmcoreinfo_keys(&im, im.b + PAGE + 512 + prstatus + 24);
	free(im.b);
}

static void test_kdump_accepted(void **state)
{
	struct image im = make_kdump();
	struct vx_dumpcheck info;

	assert_null(check(&im, im.len, &info));
	assert_int_equal(info.format, VX_DUMP_KDUMP);
	assert_int_equal(info.nr_pages, 2);
	assert_int_equal(info.nr_cpus, 1);
	assert_memory_equal(im.b + info.vmcoreinfo_offset, "OSRELEASE=", 10);
	free(im.b);
}

static void test_kdump_every_truncation_refused(void **state)
{
	struct image im = make_kdump();

	for (size_t len = 0; len < im.len; len++) {
		struct vx_error *err = check(&im, len, NULL);

		if (!err)
			fail_msg("kdump cut at %zu bytes accepted", len);
		vx_error_destroy(err);
	}
	assert_refused(&im, 400, "kdump header");
	assert_refused(&im, PAGE + 60, "kdump sub-header");
	assert_refused(&im, PAGE + 600, "kdump notes");
	assert_refused(&im, 3 * PAGE, "kdump bitmaps");
	assert_refused(&im, 4 * PAGE + 30, "kdump page descriptors");
	assert_refused(&im, im.len - 1, "page descriptor #1");
	free(im.b);
}

static void test_kdump_corrupt_fields_refused(void **state)
{
	struct image im = make_kdump();
	struct vx_error *err;

	im.b[PAGE + 60] = 0x53;			/* size_note ~356 GB */
	assert_refused(&im, im.len, "kdump notes");
	im.b[PAGE + 60] = 0;
	im.b[439] = 0xff;			/* bitmap_blocks */
	assert_refused(&im, im.len, "bitmap blocks");
	im.b[439] = 0;
	put32(im.b + 428, 8192);
	assert_refused(&im, im.len, "block size 8192");
	put32(im.b + 428, PAGE);
	put32(im.b + 432, -5);
	assert_refused(&im, im.len, "sub-header of -5 blocks");
	put32(im.b + 432, 1);
	put32(im.b + 8, 0);
	assert_refused(&im, im.len, "version 0");
	put32(im.b + 8, 6);
	put32(im.b + KD_DESC + 8, 100);		/* raw page of 100 bytes */
	assert_refused(&im, im.len, "page descriptor #0");
	put32(im.b + KD_DESC + 8, PAGE);
	put64(im.b + PAGE + 96, 1ull << 50);	/* max_mapnr_64 */
	assert_refused(&im, im.len, "max_mapnr");
	put64(im.b + PAGE + 96, 8);
	memcpy(im.b + 12 + 4 * 65, "aarch64", 8);	/* utsname.machine */
	assert_refused(&im, im.len, "machine \"aarch64\"");
	memcpy(im.b + 12 + 4 * 65, "x86_64\0", 8);
	assert_null(check(&im, im.len, NULL));
	put32(im.b + PAGE + 12, 1);		/* split */
	err = check(&im, im.len, NULL);
	assert_true(vx_error_is(err, VX_ERR_UNSUPPORTED));
	vx_error_destroy(err);
	free(im.b);
}

/* tv_usec 4096 and status 1 pass 0.5.1's 32-bit header test. */
static void test_kdump_32bit_lookalike_refused(void **state)
{
	struct image im = make_kdump();
	struct vx_error *err;

	put32(im.b + 416, 4096);
	err = check(&im, im.len, NULL);
	assert_true(vx_error_is(err, VX_ERR_UNSUPPORTED));
	assert_non_null(strstr(err->message, "32-bit"));
	vx_error_destroy(err);
	free(im.b);
}

static void test_special_files_refused(void **state)
{
	char dir[] = "/tmp/vx-dumpcheck-XXXXXX", fifo[64];
	struct vx_error *err;
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	fd = open(fifo, O_RDONLY | O_NONBLOCK);	/* no writer: must not hang */
	assert_true(fd >= 0);
	err = vx_dump_validate(fd, fifo, NULL);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "not a regular file (a FIFO)"));
	vx_error_destroy(err);
	close(fd);
	unlink(fifo);
	fd = open(dir, O_RDONLY);
	err = vx_dump_validate(fd, dir, NULL);
	assert_non_null(strstr(err->message, "a directory"));
	vx_error_destroy(err);
	close(fd);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf_accepted),
		cmocka_unit_test(test_elf_every_truncation_refused),
		cmocka_unit_test(test_elf_corrupt_fields_refused),
		cmocka_unit_test(test_elf_notes_refused),
		cmocka_unit_test(test_vmcoreinfo_dot_key_refused),
		cmocka_unit_test(test_kdump_accepted),
		cmocka_unit_test(test_kdump_every_truncation_refused),
		cmocka_unit_test(test_kdump_corrupt_fields_refused),
		cmocka_unit_test(test_kdump_32bit_lookalike_refused),
		cmocka_unit_test(test_special_files_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tool/dump.c on a small ELF core as makedumpfile -E writes one: a
 * filtered-out range is left out of the file by a PT_LOAD whose p_filesz
 * is shorter than its p_memsz.  ELF (and libkdumpfile 0.5.1) read that
 * tail as zeros; vmapx must take it for a page not in the dump, as it
 * does an excluded page of a compressed dump, never read it as zeros.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <unistd.h>

#include <cmocka.h>

#include "dump.h"
#include "target.h"

#define PAGE		4096
#define DIRECT		0xffff888000000000ULL	/* page_offset_base, no KASLR */
#define NOTE_OFF	0x1000
#define DATA_OFF	0x2000

static const char vmcoreinfo[] =
	"OSRELEASE=6.12.0-test\n"
	"PAGESIZE=4096\n"
	"NUMBER(phys_base)=0\n"
	"KERNELOFFSET=0\n"
	"NUMBER(pgtable_l5_enabled)=0\n";

/*
 * The ELF header of a core with phnum program headers of phentsize bytes
 * right after it, and the VMCOREINFO note at NOTE_OFF; the first program
 * header is its PT_NOTE.
 */
static void write_head(unsigned char *buf, unsigned int phentsize,
		       unsigned int phnum)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Nhdr *nh = (Elf64_Nhdr *)(buf + NOTE_OFF);
	size_t descsz = sizeof(vmcoreinfo) - 1, notesz;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = phentsize;
	eh->e_phnum = phnum;
	nh->n_namesz = 11;
	nh->n_descsz = descsz;
	memcpy((char *)(nh + 1), "VMCOREINFO", 11);
	memcpy((char *)(nh + 1) + 12, vmcoreinfo, descsz);
	notesz = sizeof(*nh) + 12 + ((descsz + 3) & ~3UL);
	*(Elf64_Phdr *)(buf + eh->e_phoff) = (Elf64_Phdr){
		.p_type = PT_NOTE, .p_offset = NOTE_OFF, .p_filesz = notesz,
		.p_memsz = notesz };
}

/* size bytes of buf to a new file; its path (static). */
static char *write_file(const unsigned char *buf, size_t size)
{
	static char path[] = "/tmp/vmapx-test-elf-XXXXXX";
	int fd;

	strcpy(path, "/tmp/vmapx-test-elf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, size), (ssize_t)size);
	close(fd);
	return path;
}

/*
 * A core of 3 pages of physical memory at 0, mapped at DIRECT: pages 0
 * and 2 in the file (filled with 0x11 and 0x33), page 1 in memory only
 * (memsz > filesz of the first PT_LOAD, as makedumpfile -E writes an
 * excluded page) when hole, else in the file too (0x22).
 */
static char *write_core(int hole)
{
	unsigned char *buf = calloc(1, DATA_OFF + 3 * PAGE);
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(Elf64_Ehdr));
	size_t size = DATA_OFF + (hole ? 2 : 3) * PAGE;
	char *path;

	assert_non_null(buf);
	write_head(buf, sizeof(*ph), 3);
	/* pages 0 and 1; page 1 only in memory when hole */
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
			      .p_offset = DATA_OFF, .p_vaddr = DIRECT,
			      .p_paddr = 0, .p_filesz = (hole ? 1 : 2) * PAGE,
			      .p_memsz = 2 * PAGE };
	ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
			      .p_offset = DATA_OFF + (hole ? 1 : 2) * PAGE,
			      .p_vaddr = DIRECT + 2 * PAGE, .p_paddr = 2 * PAGE,
			      .p_filesz = PAGE, .p_memsz = PAGE };
	memset(buf + DATA_OFF, 0x11, PAGE);
	if (hole) {
		memset(buf + DATA_OFF + PAGE, 0x33, PAGE);
	} else {
		memset(buf + DATA_OFF + PAGE, 0x22, PAGE);
		memset(buf + DATA_OFF + 2 * PAGE, 0x33, PAGE);
	}
	path = write_file(buf, size);
	free(buf);
	return path;
}

/* Open the core written at path (and remove the file). */
static struct vx_dump *open_core(char *path)
{
	struct vx_dump_opts opts = { 0 };
	struct vx_error *err;
	struct vx_dump *d;

	err = vx_dump_open(path, &opts, &d);
	unlink(path);
	if (err)
		fail_msg("open: %s", err->message);
	return d;
}

static void check(int hole)
{
	struct vx_dump *d = open_core(write_core(hole));
	struct vx_target *t = vx_dump_target(d);
	unsigned char page[PAGE], want[PAGE];
	struct vx_error *err;

	memset(want, 0x11, PAGE);
	assert_null(vx_read(t, DIRECT, page, PAGE));
	assert_memory_equal(page, want, PAGE);
	memset(want, 0x33, PAGE);
	assert_null(vx_read(t, DIRECT + 2 * PAGE, page, PAGE));
	assert_memory_equal(page, want, PAGE);
	err = vx_read(t, DIRECT + PAGE + 8, page, 8);
	if (hole) {
		/* not zeros: a page not in the dump, said to be excluded */
		assert_non_null(err);
		assert_true(vx_error_is(err, VX_ERR_FAULT));
		assert_non_null(strstr(err->message, "page not in dump"));
		assert_int_equal(vx_excluded(t, DIRECT + PAGE), 1);
		vx_error_destroy(err);
		/* a read across the edge fails at the hole, not past it */
		err = vx_read(t, DIRECT + PAGE - 8, page, 16);
		assert_non_null(err);
		assert_int_equal(err->address, DIRECT + PAGE);
		vx_error_destroy(err);
	} else {
		memset(want, 0x22, 8);
		assert_null(err);
		assert_memory_equal(page, want, 8);
		/* 0, or -1 where this small core gives no page tables to translate */
		assert_int_not_equal(vx_excluded(t, DIRECT + PAGE), 1);
	}
	assert_int_not_equal(vx_excluded(t, DIRECT), 1);
	vx_dump_close(d);
}

/* makedumpfile -E's excluded page: not in the dump, not zeros. */
static void test_elf_memsz_tail_is_not_in_dump(void **state)
{
	check(1);
}

/* Control: the same page in the file reads as it is. */
static void test_elf_page_in_file_reads(void **state)
{
	check(0);
}

/*
 * A core of PT_LOADs of 2, 2 and 1 pages at physical 0, 2p and 4p (mapped
 * at DIRECT), each with its first page in the file (page i filled with
 * 0x40 + i) and the rest in memory only; the table lists them last first,
 * with e_phentsize 64 (larger than Elf64_Phdr, as the ELF format allows).
 */
#define SEG_PAGES	5
#define PHENT		64

static char *write_segments(void)
{
	static const struct { uint64_t first, pages; } segs[] = {
		{ 4, 1 }, { 2, 2 }, { 0, 2 },	/* listed out of address order */
	};
	size_t size = DATA_OFF + 3 * PAGE;
	unsigned char *buf = calloc(1, size);
	uint64_t off = DATA_OFF;
	char *path;

	assert_non_null(buf);
	write_head(buf, PHENT, 4);
	for (int i = 0; i < 3; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(Elf64_Ehdr) +
						(i + 1) * PHENT);

		*ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
				    .p_offset = off,
				    .p_vaddr = DIRECT + segs[i].first * PAGE,
				    .p_paddr = segs[i].first * PAGE,
				    .p_filesz = PAGE,
				    .p_memsz = segs[i].pages * PAGE };
		memset(buf + off, 0x40 + segs[i].first, PAGE);
		off += PAGE;
	}
	path = write_file(buf, size);
	free(buf);
	return path;
}

/*
 * Every PT_LOAD's tail is a hole, found through the table's own entry
 * size and kept in address order whatever the table's order: pages 1 and
 * 3 are not in the dump, 0, 2 and 4 read as written.
 */
static void test_elf_holes_of_several_loads_and_a_wider_phentsize(void **state)
{
	struct vx_dump *d = open_core(write_segments());
	struct vx_target *t = vx_dump_target(d);
	unsigned char page[PAGE], want[PAGE];
	struct vx_error *err;

	for (uint64_t i = 0; i < SEG_PAGES; i++) {
		err = vx_read(t, DIRECT + i * PAGE, page, PAGE);
		if (i == 1 || i == 3) {
			assert_non_null(err);
			assert_non_null(strstr(err->message, "page not in dump"));
			assert_int_equal(vx_excluded(t, DIRECT + i * PAGE), 1);
			vx_error_destroy(err);
			continue;
		}
		if (err)
			fail_msg("page %lu: %s", (unsigned long)i, err->message);
		memset(want, 0x40 + i, PAGE);
		assert_memory_equal(page, want, PAGE);
		assert_int_not_equal(vx_excluded(t, DIRECT + i * PAGE), 1);
	}
	vx_dump_close(d);
}

/*
 * A read inside the top page of the address space, where the page after
 * it is 0: the excluded-page check of a core with holes used to step
 * page by page while p < addr + len, and p wrapped to 0 (~2^52 steps).
 */
static void test_elf_read_in_the_top_page_returns(void **state)
{
	struct vx_dump *d = open_core(write_core(1));
	struct vx_target *t = vx_dump_target(d);
	unsigned char buf[8];
	struct vx_error *err;

	alarm(20);
	err = vx_read(t, UINT64_MAX - 0xeff, buf, sizeof(buf));
	alarm(0);
	assert_non_null(err);
	assert_true(vx_error_is(err, VX_ERR_FAULT));
	vx_error_destroy(err);
	vx_dump_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf_memsz_tail_is_not_in_dump),
		cmocka_unit_test(test_elf_page_in_file_reads),
		cmocka_unit_test(test_elf_holes_of_several_loads_and_a_wider_phentsize),
		cmocka_unit_test(test_elf_read_in_the_top_page_returns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

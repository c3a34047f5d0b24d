// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcore-from-elf: the /proc/kcore a dumped x86_64 kernel would have shown,
 * made from QEMU's ELF dump of it (physical PT_LOADs, a VMCOREINFO note).
 * For t-live.sh's host tests of --live's VMCOREINFO and symbol sources:
 *
 *   kcore-from-elf VMCORE.ELF KCORE [--no-note]
 *
 * The kernel's page tables (init_top_pgt, 4- or 5-level as VMCOREINFO
 * says) are walked over the kernel half of the address space; every
 * mapped page whose frame is in the dump becomes part of a PT_LOAD at its
 * virtual address (p_paddr: its physical one), as kcore maps the direct
 * map, the kernel image, vmalloc and module space.  Unlike kcore, pages
 * not mapped have no segment (a read there fails instead of giving
 * zeros).  PT_NOTE holds the dump's VMCOREINFO note unless --no-note (a
 * kernel without CONFIG_VMCORE_INFO).  Zero pages are left as holes.
 * Prints three lines: "vmcoreinfo PADDR SIZE", the note in memory (found
 * by its bytes) in hex as /sys/kernel/vmcoreinfo shows it, then
 * "kerneloffset HEX" and "osrelease RELEASE" of VMCOREINFO.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE		4096ULL
#define START_KERNEL_MAP 0xffffffff80000000ULL
#define PTE_PRESENT	1ULL
#define PTE_HUGE	0x80ULL
#define PTE_PFN		0x000ffffffffff000ULL
#define MAX_SEGS	65536
/* the kernel's VMCOREINFO_NOTE_SIZE: two note headers, a page of text, the name */
#define NOTE_SIZE	(12 * 2 + PAGE + 12)

static const unsigned char *dump;
static const Elf64_Phdr *loads;
static int nloads;
static const unsigned char *vmci_note;	/* the whole note: header, name, text */
static size_t vmci_note_len;	/* up to the text's end (how it is found in RAM) */
static size_t vmci_note_padded;	/* to a 4-byte boundary, as notes are laid out */
static const char *vmci_text;
static size_t vmci_len;

struct seg {
	uint64_t va, pa, len;
};
static struct seg segs[MAX_SEGS];
static int nsegs;

static void die(const char *msg)
{
	fprintf(stderr, "kcore-from-elf: %s\n", msg);
	exit(2);
}

/* The dump's bytes at physical pa, or NULL (not in the dump). */
static const unsigned char *phys(uint64_t pa, uint64_t len)
{
	for (int i = 0; i < nloads; i++) {
		const Elf64_Phdr *p = &loads[i];
		if (pa >= p->p_paddr && pa + len <= p->p_paddr + p->p_filesz)
			return dump + p->p_offset + (pa - p->p_paddr);
	}
	return NULL;
}

static uint64_t vmci_value(const char *key, int base)
{
	const char *p = memmem(vmci_text, vmci_len, key, strlen(key));

	if (!p)
		die(key);
	return strtoull(p + strlen(key), NULL, base);
}

static void add(uint64_t va, uint64_t pa, uint64_t len)
{
	struct seg *s = &segs[nsegs - 1];

	if (nsegs && s->va + s->len == va && s->pa + s->len == pa) {
		s->len += len;
		return;
	}
	if (nsegs == MAX_SEGS)
		die("too many segments");
	segs[nsegs++] = (struct seg){ va, pa, len };
}

/* Level 4/5 top, 1 = PTE; each entry maps 4 KiB << (9 * (level - 1)). */
static void walk(uint64_t table, int level, uint64_t va, int first)
{
	const uint64_t *e = (const uint64_t *)phys(table, PAGE);
	uint64_t span = PAGE << (9 * (level - 1));

	if (!e)
		return;
	for (int i = first; i < 512; i++) {
		uint64_t v = va + (uint64_t)i * span, pa = e[i] & PTE_PFN;
		if (!(e[i] & PTE_PRESENT))
			continue;
		if (level == 1 || (level <= 3 && (e[i] & PTE_HUGE))) {
			if (level > 1)	/* the huge page's frame: bits below its size are flags */
				pa &= ~(span - 1);
			for (uint64_t o = 0; o < span; o += PAGE)
				if (phys(pa + o, PAGE))
					add(v + o, pa + o, PAGE);
			continue;
		}
		walk(pa, level - 1, v, 0);
	}
}

static void find_note(const Elf64_Ehdr *eh)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(dump + eh->e_phoff);

	for (int i = 0; i < eh->e_phnum; i++) {
		const unsigned char *n = dump + ph[i].p_offset;
		const unsigned char *end = n + ph[i].p_filesz;
		if (ph[i].p_type != PT_NOTE)
			continue;
		while (n + 12 <= end) {
			const Elf64_Nhdr *h = (const Elf64_Nhdr *)n;
			size_t name = (h->n_namesz + 3) & ~3UL;
			size_t len = 12 + name + ((h->n_descsz + 3) & ~3UL);
			if (h->n_namesz == 11 && !memcmp(n + 12, "VMCOREINFO", 11)) {
				vmci_note = n;
				vmci_note_len = 12 + name + h->n_descsz;
				vmci_note_padded = len;
				vmci_text = (const char *)n + 12 + name;
				vmci_len = h->n_descsz;
				return;
			}
			n += len;
		}
	}
	die("no VMCOREINFO note in the dump");
}

/* The note in RAM (vmcoreinfo_note): the first copy of its bytes. */
static void print_note_paddr(void)
{
	for (int i = 0; i < nloads; i++) {
		const unsigned char *b = dump + loads[i].p_offset;
		const unsigned char *hit = memmem(b, loads[i].p_filesz, vmci_note, vmci_note_len);
		if (hit) {
			printf("vmcoreinfo %llx %llx\n", (unsigned long long)(loads[i].p_paddr + (hit - b)),
			       (unsigned long long)NOTE_SIZE);
			return;
		}
	}
	die("the VMCOREINFO note is nowhere in physical memory");
}

static void write_kcore(int fd, int with_note)
{
	size_t hdr = sizeof(Elf64_Ehdr) + (size_t)(nsegs + 1) * sizeof(Elf64_Phdr);
	uint64_t off = (hdr + vmci_note_padded + PAGE - 1) & ~(PAGE - 1);
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			     ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_CORE, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
		.e_phoff = sizeof(eh), .e_ehsize = sizeof(eh),
		.e_phentsize = sizeof(Elf64_Phdr), .e_phnum = (Elf64_Half)(nsegs + 1),
	};
	Elf64_Phdr *ph = calloc((size_t)nsegs + 1, sizeof(*ph));
	static const unsigned char zero[PAGE];

	if (!ph || nsegs + 1 > 65535)
		die("too many segments for e_phnum");
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = hdr,
			      .p_filesz = with_note ? vmci_note_padded : 0 };
	for (int i = 0; i < nsegs; i++) {
		ph[i + 1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
			.p_offset = off, .p_vaddr = segs[i].va, .p_paddr = segs[i].pa,
			.p_filesz = segs[i].len, .p_memsz = segs[i].len, .p_align = PAGE };
		for (uint64_t o = 0; o < segs[i].len; o += PAGE) {
			const unsigned char *b = phys(segs[i].pa + o, PAGE);
			if (memcmp(b, zero, PAGE) && pwrite(fd, b, PAGE, (off_t)(off + o)) != (ssize_t)PAGE)
				die("write");
		}
		off += segs[i].len;
	}
	if (pwrite(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    pwrite(fd, ph, ((size_t)nsegs + 1) * sizeof(*ph), sizeof(eh)) < 0 ||
	    (with_note && pwrite(fd, vmci_note, vmci_note_padded, (off_t)hdr) < 0) ||
	    ftruncate(fd, (off_t)off))
		die("write");
	free(ph);
}

int main(int argc, char **argv)
{
	struct stat st;
	const Elf64_Ehdr *eh;
	const char *rel;
	uint64_t pgd;
	int fd, out, levels;

	if (argc < 3 || (argc == 4 && strcmp(argv[3], "--no-note")) || argc > 4)
		die("usage: kcore-from-elf VMCORE.ELF KCORE [--no-note]");
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		die(argv[1]);
	dump = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (dump == MAP_FAILED)
		die("mmap");
	eh = (const Elf64_Ehdr *)dump;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_machine != EM_X86_64)
		die("not an x86_64 ELF dump");
	loads = (const Elf64_Phdr *)(dump + eh->e_phoff);
	/* PT_LOADs follow the PT_NOTE in QEMU's dumps; keep only the loads */
	while (loads->p_type != PT_LOAD)
		loads++;
	nloads = eh->e_phnum - (int)(loads - (const Elf64_Phdr *)(dump + eh->e_phoff));
	find_note(eh);
	levels = vmci_value("NUMBER(pgtable_l5_enabled)=", 10) ? 5 : 4;
	pgd = vmci_value("SYMBOL(init_top_pgt)=", 16) - START_KERNEL_MAP +
	      vmci_value("NUMBER(phys_base)=", 10);
	/* the upper half, the kernel's: entries 256-511, va sign-extended */
	walk(pgd, levels, levels == 5 ? 0xfe00000000000000ULL : 0xffff000000000000ULL, 256);
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0400);
	if (out < 0)
		die(argv[2]);
	write_kcore(out, argc == 3);
	print_note_paddr();
	printf("kerneloffset %llx\n", (unsigned long long)vmci_value("KERNELOFFSET=", 16));
	rel = memmem(vmci_text, vmci_len, "OSRELEASE=", 10);
	printf("osrelease %.*s\n", rel ? (int)strcspn(rel + 10, "\n") : 0, rel ? rel + 10 : "");
	close(out);
	return 0;
}

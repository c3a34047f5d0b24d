// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --live below the front end.  tool/kcore.c on hand-built kcore files:
 * every broken header refused with one error (and every prefix of a good
 * file), reads inside a segment, across abutting segments, past the end,
 * the VMCOREINFO note by physical address and from PT_NOTE.
 * lib/walk_live.c on a fake 6.1 kernel behind a target that changes what
 * it returns between walks: a walk that saw a list move is done again, a
 * kernel that never holds still costs exactly 8 walks and loses only the
 * areas seen torn, and a dump (not live) is walked once.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_kernel.h"
#include "kcore.h"
#include "report.h"
#include "walk.h"

/* ---- synthetic kcore ----------------------------------------------------- */

#define DIRECT		0xffff888000000000ULL
#define TEXT		0xffffffff81000000ULL
#define NOTE_OFF	0x1000
#define SEG_A_OFF	0x2000	/* DIRECT + [0, 0x2000), phys 0 */
#define SEG_B_OFF	0x6000	/* DIRECT + [0x2000, 0x3000), phys 0x2000: abuts A in memory, not in the file */
#define SEG_C_OFF	0x4000	/* TEXT + [0, 0x1000), no physical address */
#define FILE_BYTES	0x7000
#define VMCI_PA		0x100
#define VMCI_TEXT	"OSRELEASE=6.1.0-test\nKERNELOFFSET=0\n"

struct kfile {
	unsigned char b[FILE_BYTES];
};

/* An ELF note "VMCOREINFO" with desc text at p; returns its size. */
static size_t put_note(unsigned char *p, const char *text)
{
	uint32_t hdr[3] = { 11, (uint32_t)strlen(text), 0 };
	size_t desc = (strlen(text) + 3) & ~3UL;

	memcpy(p, hdr, 12);
	memcpy(p + 12, "VMCOREINFO", 11);
	memcpy(p + 24, text, strlen(text));
	return 24 + desc;
}

static Elf64_Ehdr *ehdr(struct kfile *f)
{
	return (Elf64_Ehdr *)f->b;
}

static Elf64_Phdr *phdr(struct kfile *f, int i)
{
	return (Elf64_Phdr *)(f->b + sizeof(Elf64_Ehdr)) + i;
}

static void good_kcore(struct kfile *f)
{
	Elf64_Ehdr *e = ehdr(f);
	Elf64_Phdr load = { .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X };
	size_t notes;

	memset(f, 0, sizeof(*f));
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_CORE;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_phoff = sizeof(Elf64_Ehdr);
	e->e_ehsize = sizeof(Elf64_Ehdr);
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phnum = 4;
	notes = put_note(f->b + NOTE_OFF, VMCI_TEXT);
	*phdr(f, 0) = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = NOTE_OFF,
				    .p_filesz = notes };
	load.p_offset = SEG_A_OFF; load.p_vaddr = DIRECT; load.p_paddr = 0;
	load.p_filesz = load.p_memsz = 0x2000;
	*phdr(f, 1) = load;
	load.p_offset = SEG_C_OFF; load.p_vaddr = TEXT; load.p_paddr = -1ULL;
	load.p_filesz = load.p_memsz = 0x1000;
	*phdr(f, 2) = load;
	load.p_offset = SEG_B_OFF; load.p_vaddr = DIRECT + 0x2000;
	load.p_paddr = 0x2000;
	*phdr(f, 3) = load;
	/* Memory: each byte of a segment is its address's low byte + segment tag. */
	for (int i = 0; i < 0x2000; i++)
		f->b[SEG_A_OFF + i] = (unsigned char)i;
	for (int i = 0; i < 0x1000; i++)
		f->b[SEG_B_OFF + i] = (unsigned char)(i ^ 0x5a);
	for (int i = 0; i < 0x1000; i++)
		f->b[SEG_C_OFF + i] = 0xc3;
	/* A VMCOREINFO note in "RAM" at physical VMCI_PA. */
	put_note(f->b + SEG_A_OFF + VMCI_PA, VMCI_TEXT);
}

/* Write len bytes of f to a temporary file and open it as kcore. */
static struct vx_error *open_bytes(const void *b, size_t len, struct vx_kcore **kc)
{
	char path[] = "/tmp/vmapx-kcore-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, len), (ssize_t)len);
	unlink(path);
	return vx_kcore_open_fd(fd, "kcore", kc);
}

static struct vx_kcore *open_good(struct kfile *f)
{
	struct vx_kcore *kc = NULL;

	good_kcore(f);
	assert_null(open_bytes(f, sizeof(*f), &kc));
	assert_int_equal(vx_kcore_segments(kc), 3);
	return kc;
}

static void test_read_inside_a_segment(void **state)
{
	struct vx_kcore *kc;
	struct kfile f;
	unsigned char buf[16];

	kc = open_good(&f);
	assert_null(vx_read(vx_kcore_target(kc), DIRECT + 0x1230, buf, 16));
	for (int i = 0; i < 16; i++)
		assert_int_equal(buf[i], (0x1230 + i) & 0xff);
	assert_null(vx_read(vx_kcore_target(kc), TEXT + 0xff0, buf, 16));
	assert_int_equal(buf[15], 0xc3);
	vx_kcore_close(kc);
}

static void test_read_across_abutting_segments(void **state)
{
	struct vx_kcore *kc;
	struct kfile f;
	unsigned char buf[32];

	kc = open_good(&f);
	/* 16 bytes from the end of A, 16 from the start of B (elsewhere in the file). */
	assert_null(vx_read(vx_kcore_target(kc), DIRECT + 0x2000 - 16, buf, 32));
	for (int i = 0; i < 16; i++) {
		assert_int_equal(buf[i], (0x2000 - 16 + i) & 0xff);
		assert_int_equal(buf[16 + i], i ^ 0x5a);
	}
	vx_kcore_close(kc);
}

static void test_read_past_the_end_faults_at_the_end(void **state)
{
	struct vx_kcore *kc;
	struct vx_error *err;
	struct kfile f;
	unsigned char buf[32];

	kc = open_good(&f);
	err = vx_read(vx_kcore_target(kc), DIRECT + 0x3000 - 8, buf, 16);
	assert_true(vx_error_is(err, VX_ERR_FAULT));
	assert_int_equal(err->address, DIRECT + 0x3000);
	vx_error_destroy(err);
	err = vx_read(vx_kcore_target(kc), DIRECT - 1, buf, 1);
	assert_true(vx_error_is(err, VX_ERR_FAULT));
	vx_error_destroy(err);
	vx_kcore_close(kc);
}

static void test_vmcoreinfo_by_physical_address_and_from_pt_note(void **state)
{
	struct vx_kcore *kc;
	struct vx_error *err;
	struct kfile f;
	char *text;

	kc = open_good(&f);
	assert_null(vx_kcore_vmcoreinfo_phys(kc, VMCI_PA, 4096, &text));
	assert_string_equal(text, VMCI_TEXT);
	free(text);
	assert_null(vx_kcore_vmcoreinfo_note(kc, &text));
	assert_string_equal(text, VMCI_TEXT);
	free(text);
	/* 0x1000 holds no note; 0x3000 is past the RAM kcore maps. */
	err = vx_kcore_vmcoreinfo_phys(kc, 0x1000, 64, &text);
	assert_true(vx_error_is(err, VX_ERR_INVALID));
	vx_error_destroy(err);
	err = vx_kcore_vmcoreinfo_phys(kc, 0x3000, 64, &text);
	assert_true(vx_error_is(err, VX_ERR_FAULT));
	vx_error_destroy(err);
	vx_kcore_close(kc);
}

static void expect_refused(struct kfile *f, size_t len, const char *what)
{
	struct vx_kcore *kc = NULL;
	struct vx_error *err = open_bytes(f, len, &kc);

	if (!err)
		fail_msg("accepted: %s", what);
	assert_null(kc);
	assert_true(err->code == VX_ERR_INVALID || err->code == VX_ERR_UNSUPPORTED);
	assert_non_null(strstr(err->message, "kcore"));
	vx_error_destroy(err);
}

static void test_broken_headers_are_refused(void **state)
{
	struct kfile f;

#define BREAK(what, stmt) do { good_kcore(&f); stmt; expect_refused(&f, sizeof(f), what); } while (0)
	BREAK("bad magic", f.b[1] = 'X');
	BREAK("ELF32", f.b[EI_CLASS] = ELFCLASS32);
	BREAK("big-endian", f.b[EI_DATA] = ELFDATA2MSB);
	BREAK("not x86_64", ehdr(&f)->e_machine = EM_AARCH64);
	BREAK("not a core", ehdr(&f)->e_type = ET_EXEC);
	BREAK("phentsize", ehdr(&f)->e_phentsize = 32);
	BREAK("no phdrs", ehdr(&f)->e_phnum = 0);
	BREAK("PN_XNUM", ehdr(&f)->e_phnum = PN_XNUM);
	BREAK("phdrs past the end", ehdr(&f)->e_phoff = FILE_BYTES - 64);
	BREAK("huge phoff", ehdr(&f)->e_phoff = -64ULL);
	BREAK("PT_LOAD past the end", phdr(&f, 1)->p_offset = FILE_BYTES - 0x1000);
	BREAK("PT_LOAD offset wraps", phdr(&f, 1)->p_offset = -0x1000ULL);
	BREAK("filesz != memsz", phdr(&f, 1)->p_memsz = 0x4000);
	BREAK("vaddr wraps", phdr(&f, 2)->p_vaddr = -0x800ULL);
	BREAK("PT_NOTE past the end", phdr(&f, 0)->p_filesz = FILE_BYTES);
	BREAK("no PT_LOAD", for (int i = 1; i < 4; i++) phdr(&f, i)->p_type = PT_NULL);
#undef BREAK
}

static void test_every_prefix_of_the_headers_is_refused(void **state)
{
	size_t hdrs = sizeof(Elf64_Ehdr) + 4 * sizeof(Elf64_Phdr);
	struct kfile f;

	/* Up to the end of the program headers: segments then lie past the end too. */
	for (size_t len = 0; len < hdrs; len++) {
		good_kcore(&f);
		expect_refused(&f, len, "a prefix");
	}
}

/* ---- a kernel that changes under the walk -------------------------------- */

#define V FK_VMALLOC_START

struct moving {
	struct vx_target t;
	struct vx_target *inner;
	uint64_t head;		/* vmap_area_list: each walk starts reading it */
	int walks;		/* walks started */
	int change_walks;	/* the first this many walks see the change */
	uint64_t at, value;	/* the 8 bytes at at read as value then */
};

static struct vx_error *moving_read(struct vx_target *t, uint64_t addr,
				    void *buf, size_t len)
{
	struct moving *m = t->priv;
	struct vx_error *err = vx_read(m->inner, addr, buf, len);

	if (addr == m->head && len == 8)
		m->walks++;
	if (!err && m->walks <= m->change_walks && m->at >= addr &&
	    m->at + 8 <= addr + len)
		memcpy((char *)buf + (m->at - addr), &m->value, 8);
	return err;
}

static uint64_t caller;

/* Three busy areas on a 6.1 kernel; *vm1 gets area 1's vm_struct, *va2 area 2. */
static struct fake_kernel *three_areas(uint64_t *vm1, uint64_t *va2)
{
	struct fake_kernel *fk = fake_kernel_new(FK_61);
	uint64_t vm, va;

	caller = fake_kernel_add_text(fk, "vmalloc_caller", 0x100) + 0x10;
	fake_kernel_add_text(fk, "_etext", 0x10);
	for (int i = 0; i < 3; i++) {
		struct fk_vm v = {
			.addr = V + 0x10000ULL * i, .size = 0x2000,
			.flags = VX_VM_ALLOC, .nr_pages = 1, .caller = caller,
		};

		v.pages = fake_kernel_pages_on(fk, 1, 0);
		va = fake_kernel_add_area(fk, -1, v.addr, v.addr + 0x2000, &v,
					  0, &vm);
		if (i == 1)
			*vm1 = vm;
		if (i == 2)
			*va2 = va;
	}
	return fk;
}

static void setup_moving(struct moving *m, struct fake_kernel *fk, bool live)
{
	m->inner = fake_kernel_target(fk);
	m->t = *m->inner;
	m->t.read = moving_read;
	m->t.excluded = NULL;	/* they read the inner target's priv */
	m->t.dump_level = NULL;
	m->t.live = live;
	m->t.priv = m;
	m->head = fake_kernel_global(fk, "vmap_area_list");
}

static void walk(struct moving *m, struct vx_kernel **k, struct vx_report *r,
		 struct vx_vmap *map)
{
	assert_null(vx_kernel_open(&m->t, k));
	m->walks = 0;
	assert_null(vx_walk(*k, r, VX_WALK_PRINTED, map));
}

static void test_a_list_that_moved_once_is_walked_again(void **state)
{
	struct fake_kernel *fk;
	struct moving m = { 0 };
	struct vx_kernel *k;
	struct vx_report r;
	struct vx_vmap map;
	uint64_t vm1, va2;

	fk = three_areas(&vm1, &va2);
	setup_moving(&m, fk, true);
	vx_report_init(&r);
	/* In the first walk area 2's list.prev points elsewhere: it was being moved. */
	m.at = va2 + fake_kernel_offset(fk, "vmap_area", "list") + 8;
	m.value = 0xffff888012345678ULL;
	m.change_walks = 1;
	/* What the run skipped before the walk stays; the first walk's go. */
	vx_report_skip(&r, "before the walk");
	walk(&m, &k, &r, &map);
	assert_int_equal(m.walks, 2);
	assert_int_equal(map.lists[VX_BUSY].n, 3);
	assert_int_equal(r.nr_skips, 1);
	assert_string_equal(r.skips[0], "before the walk");
	vx_vmap_free(&map);
	vx_report_fini(&r);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

static void test_a_kernel_that_never_holds_still_costs_8_walks(void **state)
{
	struct fake_kernel *fk;
	struct moving m = { 0 };
	struct vx_kernel *k;
	struct vx_report r;
	struct vx_vmap map;
	uint64_t vm1, va2;

	fk = three_areas(&vm1, &va2);
	setup_moving(&m, fk, true);
	vx_report_init(&r);
	/* Area 1's vm_struct is for another address in every walk: freed and reused. */
	m.at = vm1 + fake_kernel_offset(fk, "vm_struct", "addr");
	m.value = V + 0x900000;
	m.change_walks = 1000;
	walk(&m, &k, &r, &map);
	assert_int_equal(m.walks, 8);
	/* Areas 0 and 2 printed, area 1 (torn) left out, and said once. */
	assert_int_equal(map.lists[VX_BUSY].n, 2);
	assert_int_equal(map.lists[VX_BUSY].v[0].start, V);
	assert_int_equal(map.lists[VX_BUSY].v[1].start, V + 0x20000);
	assert_int_equal(r.nr_skips, 1);
	assert_non_null(strstr(r.skips[0], "changed under each of 8 walks"));
	assert_non_null(strstr(r.skips[0], "without the 1 areas"));
	vx_vmap_free(&map);
	vx_report_fini(&r);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

static void test_a_dump_is_walked_once(void **state)
{
	struct fake_kernel *fk;
	struct moving m = { 0 };
	struct vx_kernel *k;
	struct vx_report r;
	struct vx_vmap map;
	uint64_t vm1, va2;

	fk = three_areas(&vm1, &va2);
	setup_moving(&m, fk, false);
	vx_report_init(&r);
	m.at = vm1 + fake_kernel_offset(fk, "vm_struct", "addr");
	m.value = V + 0x900000;
	m.change_walks = 1000;
	walk(&m, &k, &r, &map);
	assert_int_equal(m.walks, 1);
	assert_int_equal(map.lists[VX_BUSY].n, 3);
	vx_vmap_free(&map);
	vx_report_fini(&r);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_inside_a_segment),
		cmocka_unit_test(test_read_across_abutting_segments),
		cmocka_unit_test(test_read_past_the_end_faults_at_the_end),
		cmocka_unit_test(test_vmcoreinfo_by_physical_address_and_from_pt_note),
		cmocka_unit_test(test_broken_headers_are_refused),
		cmocka_unit_test(test_every_prefix_of_the_headers_is_refused),
		cmocka_unit_test(test_a_list_that_moved_once_is_walked_again),
		cmocka_unit_test(test_a_kernel_that_never_holds_still_costs_8_walks),
		cmocka_unit_test(test_a_dump_is_walked_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

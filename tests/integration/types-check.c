// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Real-data check of the no-vmlinux sources, run by t-types.sh:
 *
 *   types-check VMLINUX [--dwarf]
 *
 * prints the size and member answers of the vmlinux's .BTF (the same blob
 * the dump holds at __start_BTF) and, with --dwarf, of its DWARF, one line
 * per question ("vmap_area.list 40 16", "sizeof vmap_area 64",
 * "absent module.mem", "enum PCPU_NR_CHUNK_TYPES 2"); then maps the PT_LOAD segments at their link
 * addresses in a fake target, scans for the kallsyms tables and compares
 * each with the vmlinux symtab ("kallsyms_names 0x... ok").  Exit status 1
 * when the sources disagree or the scan fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "elfsyms.h"
#include "fake_mem.h"
#include "kallsyms.h"
#include "types_dwarf.h"
#include "types.h"

static const char *const sizes[] = {
	"vmap_area", "vm_struct", "vmap_node", "rb_list", "vmap_pool",
	"module", "mod_kallsyms", "module_layout", "module_memory",
};

static const char *const members[][2] = {
	{ "vmap_area", "va_start" }, { "vmap_area", "va_end" },
	{ "vmap_area", "rb_node" }, { "vmap_area", "list" },
	{ "vmap_area", "vm" }, { "vmap_area", "purge_list" },
	{ "vmap_area", "subtree_max_size" }, { "vmap_area", "flags" },
	{ "vm_struct", "addr" }, { "vm_struct", "size" },
	{ "vm_struct", "flags" }, { "vm_struct", "pages" },
	{ "vm_struct", "nr_pages" }, { "vm_struct", "page_order" },
	{ "vm_struct", "phys_addr" }, { "vm_struct", "caller" },
	{ "vmap_node", "busy.head" }, { "vmap_node", "lazy.head" },
	{ "vmap_node", "purge_list" }, { "vmap_node", "pool" },
	{ "vmap_pool", "head" }, { "vmap_pool", "len" },
	{ "module", "list" }, { "module", "name" }, { "module", "state" },
	{ "module", "core_layout" }, { "module", "init_layout" },
	{ "module", "mem" }, { "module", "kallsyms" },
	{ "module", "core_kallsyms" },
	{ "module_layout", "base" }, { "module_layout", "size" },
	{ "module_layout", "text_size" },
	{ "module_memory", "base" }, { "module_memory", "size" },
	{ "mod_kallsyms", "symtab" }, { "mod_kallsyms", "num_symtab" },
	{ "mod_kallsyms", "strtab" }, { "mod_kallsyms", "typetab" },
};

/* Enum constants the rules read (owners_percpu.c). */
static const char *const enums[] = {
	"PCPU_NR_CHUNK_TYPES", "PCPU_CHUNK_ROOT", "PCPU_CHUNK_MEMCG",
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One answer as text, so two sources compare with strcmp. */
static void answer_size(struct vx_types *ty, const char *type, char *buf,
			size_t len)
{
	struct vx_error *err;
	uint64_t size;

	err = vx_type_size(ty, type, &size);
	if (err)
		snprintf(buf, len, "absent sizeof %s", type);
	else
		snprintf(buf, len, "sizeof %s %lu", type, (unsigned long)size);
	vx_error_destroy(err);
}

static void answer_member(struct vx_types *ty, const char *type,
			  const char *path, char *buf, size_t len)
{
	struct vx_member m;
	struct vx_error *err = vx_member(ty, type, path, &m);

	if (err)
		snprintf(buf, len, "absent %s.%s", type, path);
	else
		snprintf(buf, len, "%s.%s %lu %lu", type, path,
			 (unsigned long)m.offset, (unsigned long)m.size);
	vx_error_destroy(err);
}

static void answer_enum(struct vx_types *ty, const char *name, char *buf,
			size_t len)
{
	int64_t v;
	struct vx_error *err = vx_type_enum_value(ty, name, &v);

	if (err)
		snprintf(buf, len, "absent enum %s", name);
	else
		snprintf(buf, len, "enum %s %lld", name, (long long)v);
	vx_error_destroy(err);
}

/* Ask every question once, answers discarded (they are cached). */
static void ask_all(struct vx_types *ty)
{
	char buf[160];
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		answer_size(ty, sizes[i], buf, sizeof(buf));
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		answer_member(ty, members[i][0], members[i][1], buf,
			      sizeof(buf));
	for (i = 0; i < sizeof(enums) / sizeof(enums[0]); i++)
		answer_enum(ty, enums[i], buf, sizeof(buf));
}

/* Print BTF's answers; with DWARF, print "MISMATCH" lines where they differ. */
static int compare_types(struct vx_types *btf, struct vx_types *dwarf)
{
	char a[160], b[160];
	int bad = 0;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		answer_size(btf, sizes[i], a, sizeof(a));
		printf("%s\n", a);
		if (dwarf) {
			answer_size(dwarf, sizes[i], b, sizeof(b));
			if (strcmp(a, b) && ++bad)
				printf("MISMATCH dwarf: %s\n", b);
		}
	}
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		answer_member(btf, members[i][0], members[i][1], a, sizeof(a));
		printf("%s\n", a);
		if (dwarf) {
			answer_member(dwarf, members[i][0], members[i][1], b,
				      sizeof(b));
			if (strcmp(a, b) && ++bad)
				printf("MISMATCH dwarf: %s\n", b);
		}
	}
	for (i = 0; i < sizeof(enums) / sizeof(enums[0]); i++) {
		answer_enum(btf, enums[i], a, sizeof(a));
		printf("%s\n", a);
		if (dwarf) {
			answer_enum(dwarf, enums[i], b, sizeof(b));
			if (strcmp(a, b) && ++bad)
				printf("MISMATCH dwarf: %s\n", b);
		}
	}
	return bad;
}

static struct vx_error *map_segments(struct vx_elf *elf, struct vx_target *t)
{
	uint64_t vaddr, filesz;
	struct vx_error *err;
	size_t i;

	for (i = 0; !(err = vx_elf_segment(elf, i, &vaddr, &filesz)); i++) {
		void *bytes = malloc(filesz ? filesz : 1);

		if (!bytes)
			return vx_error_create(VX_ERR_NOMEM, "segment");
		err = vx_elf_read(elf, vaddr, bytes, filesz);
		if (!err)
			fake_mem_add(t, vaddr, bytes, filesz);
		free(bytes);
		if (err)
			return err;
	}
	if (vx_error_is(err, VX_ERR_NOT_FOUND)) {
		vx_error_destroy(err);
		return NULL;
	}
	return err;
}

static int check_one(struct vx_elf *elf, const char *sym, uint64_t found)
{
	struct vx_error *err;
	uint64_t want;

	err = vx_elf_symbol(elf, sym, &want);
	if (err) {
		/* Absent from the image: the scan must not invent it. */
		vx_error_destroy(err);
		printf("%s absent %s\n", sym, found ? "BUT FOUND" : "ok");
		return found != 0;
	}
	printf("%s 0x%lx %s\n", sym, (unsigned long)want,
	       want == found ? "ok" : "WRONG");
	return want != found;
}

static int check_scan(struct vx_elf *elf)
{
	struct vx_target *t = fake_mem_create();
	struct vx_kallsyms_loc loc;
	struct vx_error *err;
	uint64_t stext;
	double t0;
	int bad = 0;

	err = map_segments(elf, t);
	if (!err)
		err = vx_elf_symbol(elf, "_stext", &stext);
	if (!err) {
		t0 = now();
		err = vx_kallsyms_scan(t, stext, stext + (64ULL << 20), &loc);
		printf("scan time %.3f s, %lu reads\n", now() - t0,
		       fake_mem_reads(t));
	}
	if (err) {
		printf("scan FAILED: %s\n", err->message);
		vx_error_destroy(err);
		fake_mem_destroy(t);
		return 1;
	}
	bad += check_one(elf, "kallsyms_num_syms", loc.num_syms);
	bad += check_one(elf, "kallsyms_names", loc.names);
	bad += check_one(elf, "kallsyms_markers", loc.markers);
	bad += check_one(elf, "kallsyms_token_table", loc.token_table);
	bad += check_one(elf, "kallsyms_token_index", loc.token_index);
	bad += check_one(elf, "kallsyms_offsets", loc.offsets);
	bad += check_one(elf, "kallsyms_relative_base", loc.relative_base);
	bad += check_one(elf, "kallsyms_seqs_of_names", loc.seqs_of_names);
	fake_mem_destroy(t);
	return bad;
}

int main(int argc, char **argv)
{
	struct vx_types *btf = NULL, *dwarf = NULL;
	struct vx_elf *elf = NULL;
	struct vx_error *err;
	const void *blob;
	size_t blob_size;
	double t0;
	int bad;

	if (argc < 2) {
		fprintf(stderr, "usage: %s VMLINUX [--dwarf]\n", argv[0]);
		return 2;
	}
	err = vx_elf_open(argv[1], &elf);
	if (!err)
		err = vx_elf_section(elf, ".BTF", &blob, &blob_size);
	if (!err) {
		t0 = now();
		err = vx_btf_types_from_blob(blob, blob_size, &btf);
		printf("BTF %zu bytes parsed in %.3f s\n", blob_size, now() - t0);
	}
	if (!err && argc > 2 && !strcmp(argv[2], "--dwarf")) {
		t0 = now();
		err = vx_dwarf_types_open(argv[1], &dwarf);
		if (!err) {
			double t1 = now();
			struct vx_member m;

			/* Time the questions themselves: DWARF is lazy. */
			vx_error_destroy(vx_member(dwarf, "vmap_area", "list", &m));
			printf("DWARF open %.3f s, first (hinted) answer %.3f s\n",
			       t1 - t0, now() - t1);
			t1 = now();
			ask_all(dwarf);
			printf("DWARF all answers (absent types scan every CU) %.3f s\n",
			       now() - t1);
		}
	}
	if (err) {
		fprintf(stderr, "types-check: %s\n", err->message);
		vx_error_destroy(err);
		vx_elf_close(elf);
		return 2;
	}
	t0 = now();
	bad = compare_types(btf, dwarf);
	printf("BTF answers in %.3f s\n", now() - t0);
	bad += check_scan(elf);
	vx_types_destroy(btf);
	vx_types_destroy(dwarf);
	vx_elf_close(elf);
	return bad ? 1 : 0;
}

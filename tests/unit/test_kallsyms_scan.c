// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vx_kallsyms_scan() on kallsyms tables built here the way
 * scripts/kallsyms.c lays them out for 5.10, 6.1, 6.12, 6.16 and 7.2,
 * inside pseudo-random "image" bytes of a fake target; then truncated and
 * corrupted tables, decoys and unreadable pages.  vx_kallsyms_load() on
 * the tables found: the addresses of each encoding, and the check against
 * a VMCOREINFO that agrees or does not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_mem.h"
#include "kallsyms.h"
#include "target.h"
#include "vmcoreinfo.h"

/* L616: the 6.12 order, offsets base-relative without absolute per-cpu. */
enum layout { L510, L61, L612, L616, L72 };

#define NR_SYMS 700
#define IMAGE_BASE 0xffffffff81000000ULL
#define TEXT_BASE 0xffffffff81000000ULL

struct sym {
	char text[400];		/* type letter + name */
	uint64_t addr;
};

struct image {
	uint8_t *bytes;
	size_t len, cap;
	uint64_t base;		/* address of bytes[0] */
	unsigned align;
	struct vx_kallsyms_loc want;
	uint64_t names_end;
};

static char tokens[256][16];
static int last_token_extra;	/* chars added to token 255: moves the padding */
static struct sym syms[NR_SYMS];
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Single characters stand for themselves; other byte values are words. */
static void make_tokens(void)
{
	static const char *const words[] = {
		"vmap_", "alloc", "_area", "kmem_", "free", "page", "init",
		"__", "_t", "ioremap", "pcpu_", "node", "sym_", "func",
		"_get", "_put", "lock", "0_", "1_",
	};
	size_t next_word = 0;
	int b;

	for (b = 0; b < 256; b++) {
		if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
		    (b >= '0' && b <= '9') || b == '_' || b == '.')
			snprintf(tokens[b], sizeof(tokens[b]), "%c", b);
		else if (next_word < sizeof(words) / sizeof(words[0]))
			snprintf(tokens[b], sizeof(tokens[b]), "%s",
				 words[next_word++]);
		else
			snprintf(tokens[b], sizeof(tokens[b]), "x%02x%.*s", b,
				 b == 255 ? last_token_extra : 0, "zzzzzzzz");
	}
}

/*
 * Sorted addresses; on absolute per-cpu layouts (up to 6.12) the first
 * three are per-cpu offsets.  long_name adds one name whose compressed
 * length needs the 2-byte form of 6.1+.
 */
static void make_symbols(enum layout layout, int long_name)
{
	uint64_t addr = TEXT_BASE;
	int i;

	for (i = 0; i < NR_SYMS; i++) {
		struct sym *s = &syms[i];

		if (layout != L72 && layout != L616 && i < 3) {
			snprintf(s->text, sizeof(s->text), "Afixed_percpu_%d", i);
			s->addr = i * 0x1000;
			continue;
		}
		snprintf(s->text, sizeof(s->text), "%c%s_%d_%s",
			 "TtDdbR"[i % 6], i % 2 ? "vmap_alloc" : "pcpu_get_node",
			 i, i % 3 ? "func.constprop.0" : "x");
		/* Aliases (equal addresses) happen in real tables too. */
		if (i % 7)
			addr += 16 + rng() % 300;
		s->addr = addr;
	}
	if (long_name) {
		memset(syms[NR_SYMS / 2].text + 1, 'q', 300);
		syms[NR_SYMS / 2].text[301] = '\0';
	}
}

static size_t encode(const char *text, uint8_t *out)
{
	size_t n = 0;

	while (*text) {
		size_t best_len = 0;
		int b, best = 0;

		for (b = 0; b < 256; b++) {
			size_t l = strlen(tokens[b]);

			if (l > best_len && !strncmp(text, tokens[b], l)) {
				best_len = l;
				best = b;
			}
		}
		assert_true(best_len > 0);
		out[n++] = best;
		text += best_len;
	}
	return n;
}

static void put(struct image *im, const void *p, size_t len)
{
	if (!len)	/* nothing to copy, and im->bytes may still be NULL */
		return;
	if (im->len + len > im->cap) {
		im->cap = (im->len + len) * 2;
		im->bytes = realloc(im->bytes, im->cap);
		assert_non_null(im->bytes);
	}
	memcpy(im->bytes + im->len, p, len);
	im->len += len;
}

static void put_garbage(struct image *im, size_t len)
{
	while (len--) {
		uint8_t b = rng();

		put(im, &b, 1);
	}
}

/* Like the ALGN before every label; returns the label's address. */
static uint64_t label(struct image *im)
{
	static const uint8_t zero[8];

	put(im, zero, (im->align - (im->base + im->len) % im->align) % im->align);
	return im->base + im->len;
}

static void put_u32(struct image *im, uint32_t v)
{
	put(im, &v, 4);
}

static void put_offsets(struct image *im, enum layout layout, uint64_t rel)
{
	int i;

	im->want.offsets = label(im);
	for (i = 0; i < NR_SYMS; i++) {
		int64_t off;

		if (layout == L72)
			off = syms[i].addr - (im->want.offsets + 4 * i);
		else if (layout == L616)
			off = (uint32_t)(syms[i].addr - rel);
		else if (syms[i].addr < TEXT_BASE)
			off = syms[i].addr;
		else
			off = (int64_t)(rel - 1 - syms[i].addr);
		put_u32(im, (uint32_t)off);
	}
}

static void put_relative_base(struct image *im, uint64_t rel)
{
	im->want.relative_base = label(im);
	put(im, &rel, 8);
}

static void put_names_and_markers(struct image *im)
{
	uint32_t markers[(NR_SYMS + 255) / 256];
	uint64_t names;
	uint32_t n = NR_SYMS;
	int i;

	im->want.num_syms = label(im);
	put_u32(im, n);
	names = im->want.names = label(im);
	for (i = 0; i < NR_SYMS; i++) {
		uint8_t buf[600], len[2];
		size_t l = encode(syms[i].text, buf);

		if (i % 256 == 0)
			markers[i / 256] = im->base + im->len - names;
		if (l > 0x7f) {
			len[0] = 0x80 | (l & 0x7f);
			len[1] = l >> 7;
			put(im, len, 2);
		} else {
			len[0] = l;
			put(im, len, 1);
		}
		put(im, buf, l);
	}
	im->names_end = im->base + im->len;
	im->want.markers = label(im);
	put(im, markers, sizeof(markers));
}

static const char *name_of(int i)
{
	return syms[i].text + 1;
}

static int by_name(const void *a, const void *b)
{
	int c = strcmp(name_of(*(const int *)a), name_of(*(const int *)b));

	return c ? c : *(const int *)a - *(const int *)b;
}

static void put_seqs(struct image *im)
{
	int order[NR_SYMS], i;

	for (i = 0; i < NR_SYMS; i++)
		order[i] = i;
	qsort(order, NR_SYMS, sizeof(order[0]), by_name);
	im->want.seqs_of_names = label(im);
	for (i = 0; i < NR_SYMS; i++) {
		uint8_t be[3] = { order[i] >> 16, order[i] >> 8, order[i] };

		put(im, be, 3);
	}
}

static void put_tokens(struct image *im)
{
	uint16_t index[256];
	uint64_t table;
	int i;

	table = im->want.token_table = label(im);
	for (i = 0; i < 256; i++) {
		index[i] = im->base + im->len - table;
		put(im, tokens[i], strlen(tokens[i]) + 1);
	}
	im->want.token_index = label(im);
	put(im, index, sizeof(index));
}

/*
 * The image: garbage, the tables in the version's order, garbage.
 * before is the garbage size, so tests can put tables across chunks.
 */
static struct image build(enum layout layout, size_t before, int long_name)
{
	struct image im = { 0 };
	uint64_t rel = TEXT_BASE;

	rng_state = 0x9e3779b97f4a7c15ULL ^ (layout * 7919 + before);
	make_tokens();
	make_symbols(layout, long_name);
	if (layout == L616)	/* the lowest address: the first offset is 0 */
		rel = syms[0].addr;
	im.base = IMAGE_BASE;
	im.align = layout == L72 ? 4 : 8;
	put_garbage(&im, before);
	switch (layout) {
	case L510:
	case L61:
		put_offsets(&im, layout, rel);
		put_relative_base(&im, rel);
		put_names_and_markers(&im);
		if (layout == L61)
			put_seqs(&im);
		put_tokens(&im);
		break;
	case L612:
	case L616:
	case L72:
		put_names_and_markers(&im);
		put_tokens(&im);
		put_offsets(&im, layout, rel);
		if (layout != L72)
			put_relative_base(&im, rel);
		put_seqs(&im);
		break;
	}
	/* The bytes after the tables are data, not padding. */
	put_garbage(&im, 4096 + rng() % 4096);
	im.want.how = "scan";
	return im;
}

static struct vx_target *target_of(const struct image *im)
{
	struct vx_target *t = fake_mem_create();

	fake_mem_add(t, im->base, im->bytes, im->len);
	return t;
}

static void expect_found(struct vx_target *t, const struct image *im)
{
	struct vx_kallsyms_loc loc;
	struct vx_error *err;

	err = vx_kallsyms_scan(t, im->base, im->base + im->len, &loc);
	if (err)
		fail_msg("scan: %s", err->message);
	assert_int_equal(loc.num_syms, im->want.num_syms);
	assert_int_equal(loc.names, im->want.names);
	assert_int_equal(loc.markers, im->want.markers);
	assert_int_equal(loc.token_table, im->want.token_table);
	assert_int_equal(loc.token_index, im->want.token_index);
	assert_int_equal(loc.offsets, im->want.offsets);
	assert_int_equal(loc.relative_base, im->want.relative_base);
	assert_int_equal(loc.seqs_of_names, im->want.seqs_of_names);
	assert_string_equal(loc.how, "scan");
}

static void expect_not_found(struct vx_target *t, uint64_t start, uint64_t end)
{
	struct vx_kallsyms_loc loc;
	struct vx_error *err = vx_kallsyms_scan(t, start, end, &loc);

	assert_non_null(err);
	assert_int_equal(err->code, VX_ERR_NOT_FOUND);
	assert_non_null(strstr(err->message, "kallsyms"));
	assert_null(strchr(err->message, '\n'));
	vx_error_destroy(err);
}

static void check_layout(enum layout layout, int long_name)
{
	struct image im = build(layout, 100000 + 4 * layout, long_name);
	struct vx_target *t = target_of(&im);

	expect_found(t, &im);
	fake_mem_destroy(t);
	free(im.bytes);
}

static void test_510_relative_base_after_offsets_before_num_syms(void **state)
{
	check_layout(L510, 0);
}

static void test_61_seqs_between_markers_and_token_table(void **state)
{
	check_layout(L61, 1);
}

static void test_612_offsets_relative_base_seqs_after_token_index(void **state)
{
	check_layout(L612, 1);
}

static void test_72_four_byte_aligned_pc_relative_without_relative_base(void **state)
{
	/* Odd garbage size: the 4-byte labels are not all 8-aligned. */
	struct image im = build(L72, 100004, 1);
	struct vx_target *t = target_of(&im);

	assert_true(im.want.token_index % 8 == 4 || im.want.names % 8 == 4 ||
		    im.want.offsets % 8 == 4);
	expect_found(t, &im);
	fake_mem_destroy(t);
	free(im.bytes);
}

/*
 * 7.3: the token table's last NUL is 4 bytes before an 8-aligned
 * token_index (3 bytes of padding).  The scan must still try 4-byte
 * alignment, where num_syms and names are not 8-aligned.
 */
static void test_72_token_table_ending_with_full_padding_is_found(void **state)
{
	for (int i = 0; i < 8 * 16; i++) {
		struct image im;
		uint8_t *ti;
		struct vx_target *t;

		last_token_extra = i % 8;
		im = build(L72, 100000 + i / 8, 0);
		last_token_extra = 0;	/* the next build gets the usual tokens */
		ti = im.bytes + (im.want.token_index - im.base);
		if (im.want.token_index % 8 || ti[-4] || !ti[-5] ||
		    im.want.num_syms % 8 == 0) {
			free(im.bytes);
			continue;
		}
		t = target_of(&im);
		expect_found(t, &im);
		fake_mem_destroy(t);
		free(im.bytes);
		return;
	}
	fail_msg("no garbage size and token length give that layout");
}

/* The token table straddles the first 2 MiB chunk's end. */
static void test_tables_across_a_chunk_boundary_are_found(void **state)
{
	enum layout layout;

	for (layout = L510; layout <= L72; layout++) {
		struct image probe = build(layout, 0, 0);
		size_t tokens_at = probe.want.token_table - probe.base;
		struct image im = build(layout, (2 << 20) - tokens_at - 100, 0);
		struct vx_target *t = target_of(&im);

		assert_true(im.want.token_table < im.base + (2 << 20));
		assert_true(im.want.token_index > im.base + (2 << 20) - 600);
		expect_found(t, &im);
		fake_mem_destroy(t);
		free(im.bytes);
		free(probe.bytes);
	}
}

/* A lone copy of the token tables (as in a module or a data blob) is not kallsyms. */
static void test_decoy_token_table_before_the_real_one_is_skipped(void **state)
{
	struct image im = build(L612, 300000, 0);
	uint64_t tt = im.want.token_table - im.base;
	size_t len = im.want.token_index + 512 - im.want.token_table;
	struct vx_target *t;

	memcpy(im.bytes + 40000, im.bytes + tt, len);
	t = target_of(&im);
	expect_found(t, &im);
	fake_mem_destroy(t);
	free(im.bytes);
}

/* Unreadable pages (a filtered dump, freed init memory) do not stop the scan. */
static void test_unreadable_pages_before_tables_are_skipped(void **state)
{
	struct image im = build(L510, 3 << 20, 0);
	struct vx_target *t = fake_mem_create();
	size_t hole = (1 << 20) + 4096;

	fake_mem_add(t, im.base, im.bytes, 4096);
	fake_mem_add(t, im.base + hole, im.bytes + hole, im.len - hole);
	expect_found(t, &im);
	fake_mem_destroy(t);
	free(im.bytes);
}

static void test_truncated_tables_are_not_accepted(void **state)
{
	enum layout layout;

	for (layout = L510; layout <= L72; layout++) {
		struct image im = build(layout, 50000, 0);
		/* Cut inside names (new layouts) or offsets (old). */
		uint64_t cuts[] = {
			im.want.names + 100,
			im.want.markers + 2,
			im.want.offsets + 4 * NR_SYMS - 4,
			im.want.seqs_of_names ? im.want.seqs_of_names + 30 : 0,
		};
		size_t i;

		for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			struct vx_target *t;

			if (!cuts[i])
				continue;
			t = fake_mem_create();
			if (cuts[i] < im.want.token_index) {
				/* Only the tables after the cut are present. */
				fake_mem_add(t, cuts[i], im.bytes + (cuts[i] - im.base),
					     im.len - (cuts[i] - im.base));
				expect_not_found(t, cuts[i], im.base + im.len);
			} else {
				fake_mem_add(t, im.base, im.bytes, cuts[i] - im.base);
				expect_not_found(t, im.base, cuts[i]);
			}
			fake_mem_destroy(t);
		}
		free(im.bytes);
	}
}

static void expect_corruption_rejected(enum layout layout, uint64_t addr,
				       uint8_t xor)
{
	struct image im = build(layout, 50000, 0);
	struct vx_target *t;

	im.bytes[addr - im.base] ^= xor;
	t = target_of(&im);
	expect_not_found(t, im.base, im.base + im.len);
	fake_mem_destroy(t);
	free(im.bytes);
}

static void test_marker_disagreeing_with_names_is_rejected(void **state)
{
	struct image old = build(L510, 50000, 0);
	struct image new = build(L612, 50000, 0);

	expect_corruption_rejected(L510, old.want.markers + 4, 0x01);
	expect_corruption_rejected(L612, new.want.markers + 8, 0x10);
	free(old.bytes);
	free(new.bytes);
}

static void test_name_length_corruption_is_rejected(void **state)
{
	enum layout layout;

	for (layout = L510; layout <= L72; layout++) {
		struct image im = build(layout, 50000, 0);

		/* The first entry's length: every later marker is off. */
		expect_corruption_rejected(layout, im.want.names, 0x03);
		free(im.bytes);
	}
}

/* An address going backwards means the offsets are not kallsyms_offsets. */
static void test_decreasing_address_is_rejected(void **state)
{
	enum layout layout;

	for (layout = L510; layout <= L72; layout++) {
		struct image im = build(layout, 50000, 0);

		/* Flip a high bit of a middle offset's top byte. */
		expect_corruption_rejected(layout,
					   im.want.offsets + 4 * (NR_SYMS / 2) + 3,
					   0x20);
		free(im.bytes);
	}
}

static void test_broken_token_string_is_rejected(void **state)
{
	struct image im = build(L612, 50000, 0);

	/* Replace the NUL after token 0 with a letter: tokens no longer match the index. */
	expect_corruption_rejected(L612, im.want.token_table + 1, 'a');
	free(im.bytes);
}

static void test_seqs_not_a_permutation_is_rejected(void **state)
{
	struct image im = build(L612, 50000, 0);
	uint64_t s = im.want.seqs_of_names;
	uint8_t *p = im.bytes + (s - im.base);

	/* Entry 1 := entry 0. */
	memcpy(p + 3, p, 3);
	{
		struct vx_target *t = target_of(&im);

		expect_not_found(t, im.base, im.base + im.len);
		fake_mem_destroy(t);
	}
	free(im.bytes);
}

static void test_image_without_tables_is_not_found(void **state)
{
	struct image im = { 0 };
	struct vx_target *t;

	rng_state = 12345;
	im.base = IMAGE_BASE;
	put_garbage(&im, 5 << 20);
	/* Zero pages too, like .bss. */
	memset(im.bytes + (1 << 20), 0, 1 << 20);
	t = target_of(&im);
	expect_not_found(t, im.base, im.base + im.len);
	fake_mem_destroy(t);
	free(im.bytes);
}

static void test_empty_or_absurd_range_is_invalid(void **state)
{
	struct vx_target *t = fake_mem_create();
	struct vx_kallsyms_loc loc;
	struct vx_error *err;

	err = vx_kallsyms_scan(t, IMAGE_BASE, IMAGE_BASE, &loc);
	assert_int_equal(err->code, VX_ERR_INVALID);
	vx_error_destroy(err);
	err = vx_kallsyms_scan(t, 0, UINT64_MAX, &loc);
	assert_int_equal(err->code, VX_ERR_INVALID);
	vx_error_destroy(err);
	/* Nothing readable at all: not found, not a crash. */
	expect_not_found(t, IMAGE_BASE, IMAGE_BASE + (3 << 20));
	fake_mem_destroy(t);
}

static void test_616_base_relative_without_absolute_percpu_is_found(void **state)
{
	check_layout(L616, 1);
}

/* The loader reads names in 256 KiB chunks: .rodata goes on after the tables. */
static struct image build_loadable(enum layout layout)
{
	struct image im = build(layout, 60000, 0);

	put_garbage(&im, 512 << 10);
	return im;
}

static enum vx_ksym_encoding encoding_of(enum layout layout)
{
	if (layout == L72)
		return VX_KSYM_PC_RELATIVE;
	return layout == L616 ? VX_KSYM_BASE_RELATIVE : VX_KSYM_ABSOLUTE_PERCPU;
}

/* Scan, then load with check (NULL: no VMCOREINFO). */
static struct vx_error *scan_and_load(struct vx_target *t,
				      const struct image *im,
				      const char *vmcoreinfo,
				      struct vx_kallsyms **ks)
{
	struct vx_vmcoreinfo v;
	struct vx_kallsyms_loc loc;
	struct vx_error *err;

	err = vx_kallsyms_scan(t, im->base, im->base + im->len, &loc);
	if (err)
		fail_msg("scan: %s", err->message);
	assert_null(vx_vmcoreinfo_parse(vmcoreinfo, &v));
	err = vx_kallsyms_load(t, &loc, vmcoreinfo ? &v : NULL, ks);
	vx_vmcoreinfo_free(&v);
	return err;
}

/*
 * Every symbol decodes to the address it was built with.  On 6.16 all
 * offsets are >= 0, so reading them as absolute per-cpu values (what
 * the loader used to guess first) would give small sorted numbers.
 */
static void test_load_decodes_each_layouts_addresses(void **state)
{
	for (enum layout layout = L510; layout <= L72; layout++) {
		struct image im = build_loadable(layout);
		struct vx_target *t = target_of(&im);
		struct vx_kallsyms *ks = NULL;
		struct vx_error *err = scan_and_load(t, &im, NULL, &ks);

		if (err)
			fail_msg("layout %d: %s", layout, err->message);
		assert_int_equal(vx_kallsyms_encoding(ks), encoding_of(layout));
		assert_int_equal(vx_kallsyms_count(ks), NR_SYMS);
		for (int i = 0; i < NR_SYMS; i++)
			assert_int_equal(vx_kallsyms_address(ks, i), syms[i].addr);
		vx_kallsyms_free(ks);
		fake_mem_destroy(t);
		free(im.bytes);
	}
}

/*
 * SYMBOL(name)=addr lines for symbols i and j, with addr + skew for j;
 * symbol i + 1 as a pointer printed by value (outside the image: not
 * checked, like mem_section).
 */
static char *vmcoreinfo_naming(int i, int j, uint64_t skew)
{
	char *text;

	if (asprintf(&text, "OSRELEASE=x\nSYMBOL(mem_section)=ffff888000001000\n"
		     "SYMBOL(%s)=ffff888000002000\n"
		     "SYMBOL(%s)=%lx\nSYMBOL(%s)=%lx\nKERNELOFFSET=0\n",
		     name_of(i + 1),
		     name_of(i), (unsigned long)syms[i].addr, name_of(j),
		     (unsigned long)(syms[j].addr + skew)) < 0)
		abort();
	return text;
}

/* A VMCOREINFO that agrees is accepted (mem_section is a value, not checked). */
static void test_616_agreeing_vmcoreinfo_is_accepted(void **state)
{
	struct image im = build_loadable(L616);
	struct vx_target *t = target_of(&im);
	struct vx_kallsyms *ks = NULL;
	char *vmci = vmcoreinfo_naming(100, 600, 0);
	struct vx_error *err = scan_and_load(t, &im, vmci, &ks);

	if (err)
		fail_msg("%s", err->message);
	assert_int_equal(vx_kallsyms_encoding(ks), VX_KSYM_BASE_RELATIVE);
	vx_kallsyms_free(ks);
	free(vmci);
	fake_mem_destroy(t);
	free(im.bytes);
}

/* No encoding puts symbol 600 where VMCOREINFO says: a one-line error naming it. */
static void test_no_encoding_agreeing_with_vmcoreinfo_is_an_error(void **state)
{
	for (enum layout layout = L510; layout <= L72; layout++) {
		struct image im = build_loadable(layout);
		struct vx_target *t = target_of(&im);
		struct vx_kallsyms *ks = NULL;
		char *vmci = vmcoreinfo_naming(100, 600, 0x1000);
		char want[600];
		struct vx_error *err = scan_and_load(t, &im, vmci, &ks);

		assert_non_null(err);
		assert_null(ks);
		assert_int_equal(err->code, VX_ERR_INVALID);
		assert_non_null(strstr(err->message, "no encoding agrees"));
		snprintf(want, sizeof(want), "SYMBOL(%.400s)=0x%lx", name_of(600),
			 (unsigned long)(syms[600].addr + 0x1000));
		assert_non_null(strstr(err->message, want));
		assert_non_null(strstr(err->message,
				       vx_kallsyms_encoding_name(encoding_of(layout))));
		assert_null(strchr(err->message, '\n'));
		vx_error_destroy(err);
		free(vmci);
		fake_mem_destroy(t);
		free(im.bytes);
	}
}

/* The wrong base-relative reading of each table fails the image check. */
static void test_text_outside_the_image_is_rejected(void **state)
{
	struct image im = build_loadable(L616);
	struct vx_target *t;
	struct vx_kallsyms *ks = NULL;
	struct vx_error *err;
	uint64_t low = 0x10000;

	/* relative_base below the image: every address is outside it. */
	memcpy(im.bytes + (im.want.relative_base - im.base), &low, 8);
	t = target_of(&im);
	{
		struct vx_kallsyms_loc loc = im.want;

		err = vx_kallsyms_load(t, &loc, NULL, &ks);
	}
	assert_non_null(err);
	assert_non_null(strstr(err->message, "outside the kernel image mapping"));
	assert_null(strchr(err->message, '\n'));
	vx_error_destroy(err);
	fake_mem_destroy(t);
	free(im.bytes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_510_relative_base_after_offsets_before_num_syms),
		cmocka_unit_test(test_61_seqs_between_markers_and_token_table),
		cmocka_unit_test(test_612_offsets_relative_base_seqs_after_token_index),
		cmocka_unit_test(test_616_base_relative_without_absolute_percpu_is_found),
		cmocka_unit_test(test_72_four_byte_aligned_pc_relative_without_relative_base),
		cmocka_unit_test(test_72_token_table_ending_with_full_padding_is_found),
		cmocka_unit_test(test_tables_across_a_chunk_boundary_are_found),
		cmocka_unit_test(test_decoy_token_table_before_the_real_one_is_skipped),
		cmocka_unit_test(test_unreadable_pages_before_tables_are_skipped),
		cmocka_unit_test(test_truncated_tables_are_not_accepted),
		cmocka_unit_test(test_marker_disagreeing_with_names_is_rejected),
		cmocka_unit_test(test_name_length_corruption_is_rejected),
		cmocka_unit_test(test_decreasing_address_is_rejected),
		cmocka_unit_test(test_broken_token_string_is_rejected),
		cmocka_unit_test(test_seqs_not_a_permutation_is_rejected),
		cmocka_unit_test(test_image_without_tables_is_not_found),
		cmocka_unit_test(test_empty_or_absurd_range_is_invalid),
		cmocka_unit_test(test_load_decodes_each_layouts_addresses),
		cmocka_unit_test(test_616_agreeing_vmcoreinfo_is_accepted),
		cmocka_unit_test(test_no_encoding_agreeing_with_vmcoreinfo_is_an_error),
		cmocka_unit_test(test_text_outside_the_image_is_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

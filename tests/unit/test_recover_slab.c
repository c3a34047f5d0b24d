// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The last two recovery paths of a filtered dump (fake kernel, 6.12
 * layouts): vmap_areas found in the slabs of vmap_area_cachep, with the
 * free objects told apart (a slab's freelist, a CPU's freelist with
 * hardened pointers), and busy ranges rebuilt from the kernel page
 * tables when no object survives.  Every expected text lists only
 * areas that are on the kernel's lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_kernel.h"
#include "json.h"
#include "recover.h"
#include "walk.h"

#define V		FK_VMALLOC_START
#define OBJ		128	/* fake_kernel_alloc()'s stride for a vmap_area */
#define PER_SLAB	32
#define RANDOM		0x5a5a1234deadbeefULL
#define FREEPTR		64	/* s->offset */
#define SLAB_TYPE	0xf5000000u
#define FROZEN		(1ULL << 31)	/* struct slab: inuse:16, objects:15, frozen:1 */

static uint64_t caller;
static uint64_t slab_at;	/* slab_kernel()'s slab */

static struct fake_kernel *new_kernel(void)
{
	struct fake_kernel *fk = fake_kernel_new(FK_612);

	caller = fake_kernel_add_text(fk, "vmalloc_caller", 0x100) + 0x10;
	fake_kernel_add_text(fk, "_etext", 0x10);
	fake_kernel_set_dump_level(fk, 31);
	return fk;
}

#define OFF(type, path) fake_kernel_offset(fk, type, path)

/* The report of the last print(). */
static struct vx_report report;

static size_t skips_with(const char *part)
{
	size_t n = 0;

	for (size_t i = 0; i < report.nr_skips; i++)
		n += strstr(report.skips[i], part) != NULL;
	return n;
}

static size_t notes_with(const char *part)
{
	size_t n = 0;

	for (size_t i = 0; i < report.nr_notes; i++)
		n += strstr(report.notes[i], part) != NULL;
	return n;
}

static char *print(struct fake_kernel *fk, struct vx_kernel **k)
{
	struct vx_error *err;
	char *text;

	vx_report_fini(&report);
	err = fake_kernel_vmallocinfo(fk, VX_KPTR_RAW, &text, k, &report);
	if (err)
		fail_msg("vmallocinfo: %s", err->message);
	return text;
}

/* SLAB_FREELIST_HARDENED: obj ^ s->random ^ swab(address of the pointer). */
static uint64_t encode(uint64_t obj, uint64_t at, uint64_t random)
{
	return obj ^ random ^ __builtin_bswap64(at);
}

/* A freed vmap_area as the kernel leaves it: a range and stale links. */
static uint64_t stale_object(struct fake_kernel *fk, uint64_t start,
			     uint64_t head)
{
	uint64_t o = fake_kernel_alloc(fk, 72);

	fake_kernel_put_u64(fk, o + OFF("vmap_area", "va_start"), start);
	fake_kernel_put_u64(fk, o + OFF("vmap_area", "va_end"), start + 0x2000);
	fake_kernel_put_u64(fk, o + OFF("vmap_area", "list.next"), head);
	fake_kernel_put_u64(fk, o + OFF("vmap_area", "list.prev"), head);
	fake_kernel_put_u64(fk, o + OFF("vmap_area", "flags"), VX_VMAP_RAM);
	return o;
}

/*
 * The vmap_area cache: one slab of PER_SLAB objects of OBJ bytes at
 * slab, its freelist at slab_free, one CPU whose freelist is cpu_free;
 * the cache's random is RANDOM.
 */
static uint64_t add_cache(struct fake_kernel *fk, uint64_t slab,
			  uint64_t slab_free, uint64_t cpu_free)
{
	uint64_t cache = fake_kernel_alloc(fk, 8408);
	uint64_t cpu = fake_kernel_alloc(fk, 32), page;

	fake_kernel_put_u32(fk, cache + OFF("kmem_cache", "size"), OBJ);
	fake_kernel_put_u32(fk, cache + OFF("kmem_cache", "object_size"), 72);
	fake_kernel_put_u32(fk, cache + OFF("kmem_cache", "offset"), FREEPTR);
	fake_kernel_put_u32(fk, cache + OFF("kmem_cache", "oo"), PER_SLAB);
	fake_kernel_put_u32(fk, cache + OFF("kmem_cache", "min"), PER_SLAB);
	fake_kernel_put_u64(fk, cache + OFF("kmem_cache", "random"), RANDOM);
	/* cpu 0's per-CPU offset is 0: the per-CPU pointer is the address. */
	fake_kernel_put_u64(fk, cache + OFF("kmem_cache", "cpu_slab"), cpu);
	page = fake_kernel_struct_page(fk, slab);
	fake_kernel_put_u64(fk, page + OFF("slab", "slab_cache"), cache);
	fake_kernel_put_u64(fk, page + OFF("slab", "freelist"), slab_free);
	/* A CPU's slab is frozen, and inuse says every object (get_freelist()). */
	fake_kernel_put_u64(fk, page + OFF("slab", "counters"),
			    FROZEN | (uint64_t)PER_SLAB << 16 | PER_SLAB);
	fake_kernel_put_u32(fk, page + 48, SLAB_TYPE);
	fake_kernel_put_u64(fk, cpu + OFF("kmem_cache_cpu", "freelist"), cpu_free);
	fake_kernel_put_u64(fk, cpu + OFF("kmem_cache_cpu", "slab"), page);
	fake_kernel_put_u64(fk, fake_kernel_new_global(fk, 'b', "vmap_area_cachep", 8),
			    cache);
	fake_kernel_put_u64(fk, fake_kernel_new_global(fk, 'D', "max_pfn", 8),
			    0x1000);
	fake_kernel_put_u64(fk, fake_kernel_new_global(fk, 'D', "__cpu_possible_mask", 8),
			    1);
	fake_kernel_new_global(fk, 'D', "__per_cpu_offset", 8);
	fake_kernel_put_u32(fk, fake_kernel_new_global(fk, 'D', "nr_cpu_ids", 4), 1);
	fake_kernel_add_vmcoreinfo(fk, "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376");
	fake_kernel_add_vmcoreinfo(fk, "OFFSET(page._mapcount)=48");
	return cache;
}

/*
 * Node 0's busy list: four vm_map_ram areas in slots 0-3 of one slab;
 * slot 4 is free on the slab's freelist, slots 5 and 6 on the CPU's
 * (6 reached only through 5's encoded pointer).  Slots 4 and 6 are freed
 * vmap_areas whose stale links still name the list head, as a freed
 * last area could.  The page of the list head is left out of the dump.
 */
static struct fake_kernel *slab_kernel(uint64_t key, char **want)
{
	struct fake_kernel *fk = new_kernel();
	uint64_t nodes, head, slab, s4, s5, s6;
	char *text = strdup(""), *joined;

	fake_kernel_reuse_vmemmap(fk);
	nodes = fake_kernel_get_u64(fk, fake_kernel_global(fk, "vmap_nodes"));
	head = nodes + OFF("vmap_node", "busy.head");
	fake_kernel_next_page(fk);
	slab = fake_kernel_add_area(fk, 0, V, V + 0x2000, NULL, VX_VMAP_RAM, NULL);
	for (int i = 1; i < 4; i++)
		fake_kernel_add_area(fk, 0, V + 0x10000ULL * i,
				     V + 0x10000ULL * i + 0x2000, NULL,
				     VX_VMAP_RAM, NULL);
	s4 = stale_object(fk, V + 0x80000, head);
	s5 = fake_kernel_alloc(fk, 72);
	s6 = stale_object(fk, V + 0x90000, head);
	assert_int_equal(s6 - slab, 6 * OBJ);
	fake_kernel_put_u64(fk, s4 + FREEPTR, encode(0, s4 + FREEPTR, key));
	fake_kernel_put_u64(fk, s5 + FREEPTR, encode(s6, s5 + FREEPTR, key));
	fake_kernel_put_u64(fk, s6 + FREEPTR, encode(0, s6 + FREEPTR, key));
	fake_kernel_next_page(fk);
	add_cache(fk, slab, s4, s5);
	slab_at = slab;
	fake_kernel_exclude_page(fk, head);
	for (int i = 0; i < 4; i++) {
		if (asprintf(&joined, "%s0x%016llx-0x%016llx    8192 vm_map_ram\n",
			     text, (unsigned long long)(V + 0x10000ULL * i),
			     (unsigned long long)(V + 0x10000ULL * i + 0x2000)) < 0)
			abort();
		free(text);
		text = joined;
	}
	*want = text;
	return fk;
}

/* The end of a test on slab_kernel(): its text, expected text and kernel. */
static void release(char *text, char *want, struct vx_kernel *k,
		    struct fake_kernel *fk)
{
	free(text);
	free(want);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/*
 * The list head is gone, every area survives in the slab: the list is
 * rebuilt whole from the allocated objects linking to it, the free ones
 * (slab and CPU freelists, hardened) are left out, and nothing is
 * incomplete (no skip); the filter's doing is said once, as a note.
 */
static void test_612_slab_scan_rebuilds_a_list_whose_head_is_gone(void **state)
{
	struct vx_kernel *k;
	char *want, *text;
	struct fake_kernel *fk = slab_kernel(RANDOM, &want);

	text = print(fk, &k);
	assert_string_equal(text, want);
	assert_int_equal(report.nr_skips, 0);
	/* Complete, but what the filter did is said once, as a note. */
	assert_int_equal(report.nr_notes, 1);
	assert_int_equal(notes_with("note: the dump's page filter (makedumpfile dump level 31"), 1);
	assert_int_equal(notes_with("(vmap_nodes[0].busy, vmap_nodes[0].lazy); every one was recovered whole"), 1);
	release(text, want, k, fk);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* -j names the source of every line: the four areas came from the slab. */
static void test_612_json_says_each_line_came_from_the_slab(void **state)
{
	struct vx_kernel *k = NULL;
	char *want, *text = NULL;
	struct fake_kernel *fk = slab_kernel(RANDOM, &want);
	size_t len = 0;
	struct vx_vmap m;
	struct vx_json *w;
	FILE *f;

	free(print(fk, &k));
	vx_report_fini(&report);
	assert_null(vx_walk(k, &report, VX_WALK_PRINTED, &m));
	f = open_memstream(&text, &len);
	w = vx_json_create(f, false);
	assert_null(vx_print_vmallocinfo_json(k, &report, &m, VX_KPTR_RAW, w));
	assert_null(vx_json_destroy(w));
	fclose(f);
	assert_int_equal(count(text, "\"source\":\"slab\""), 4);
	assert_int_equal(count(text, "vm_map_ram"), 4);
	assert_int_equal(count(text, "\"complete\":true"), 4);
	free(text);
	free(want);
	vx_vmap_free(&m);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/*
 * KFENCE gave one vmap_area a page of its pool, marked as a one-object
 * slab of the cache: the scan counts that page and goes on (the busy
 * list is rebuilt from the real slab, it closes) instead of refusing a
 * slab of a count the cache does not make.  The lazy list, empty, whose
 * head is on the same lost page, is not taken for empty: the object
 * KFENCE holds was not seen.
 */
static void test_612_slab_scan_skips_a_kfence_page(void **state)
{
	struct vx_slab_scan scan;
	struct vx_kernel *k;
	char *want, *text;
	struct fake_kernel *fk = slab_kernel(RANDOM, &want);
	uint64_t cache, pool, page;

	cache = fake_kernel_get_u64(fk, fake_kernel_global(fk, "vmap_area_cachep"));
	fake_kernel_next_page(fk);
	pool = fake_kernel_alloc(fk, 4096);
	fake_kernel_put_u64(fk, fake_kernel_new_global(fk, 'B', "__kfence_pool", 8),
			    pool);
	page = fake_kernel_struct_page(fk, pool);
	fake_kernel_put_u64(fk, page + OFF("slab", "slab_cache"), cache);
	fake_kernel_put_u64(fk, page + OFF("slab", "counters"), 1ULL << 16 | 1);
	fake_kernel_put_u32(fk, page + 48, SLAB_TYPE);
	text = print(fk, &k);
	assert_string_equal(text, want);
	assert_int_equal(skips_with("vmap_nodes[0].busy"), 0);
	assert_int_equal(skips_with("vmap_nodes[0].lazy: "), 1);
	assert_null(vx_slab_scan(k, &scan));
	assert_int_equal(scan.slabs_kfence, 1);
	assert_int_equal(scan.slabs, 1);
	vx_slab_scan_free(&scan);
	release(text, want, k, fk);
}

/*
 * Free pointers encoded with another key than the cache's random: the
 * CPU freelist's second pointer decodes to an address outside the slab.
 * It is neither followed nor read; the slab's free set is unknown, so
 * none of its objects is taken (counted), and the scan itself stands.
 */
static void test_612_slab_scan_drops_a_slab_whose_freelist_does_not_decode(void **state)
{
	struct vx_slab_scan scan;
	struct vx_kernel *k;
	char *want, *text;
	struct fake_kernel *fk = slab_kernel(RANDOM ^ 0x1000, &want);

	text = print(fk, &k);
	assert_string_equal(text, "");
	assert_int_equal(skips_with("slab scan of the vmap_area cache"), 0);
	assert_int_equal(skips_with("vmap_nodes[0].busy: "), 1);
	/* The count of what was lost is a floor, and says why. */
	assert_int_equal(skips_with("holding at least 0 vmap_areas (1 of 1 vmap_area slabs excluded: 0 left out, 1 of unknown free set, 0 KFENCE pages)"), 1);
	assert_null(vx_slab_scan(k, &scan));
	/* The CPU's freelist and the slab's own (its s4 encoded alike). */
	assert_int_equal(scan.freelists_bad, 2);
	assert_int_equal(scan.slabs_unknown, 1);
	assert_int_equal(scan.n, 0);
	vx_slab_scan_free(&scan);
	release(text, want, k, fk);
}

/*
 * A slab that is not frozen holds objects - inuse free objects on its
 * freelist.  With inuse 8 of 32, a freelist of one object (and the
 * CPU's, which then cannot be this slab's) does not describe it: its
 * objects are not taken.  The control, inuse 31: the same freelist is
 * the slab's free set and the list is rebuilt.
 */
static void test_612_slab_scan_checks_the_freelist_length(void **state)
{
	uint64_t inuse[] = { 8, PER_SLAB - 1 };

	for (int i = 0; i < 2; i++) {
		struct vx_kernel *k;
		char *want, *text;
		struct fake_kernel *fk = slab_kernel(RANDOM, &want);

		fake_kernel_put_u64(fk, fake_kernel_struct_page(fk, slab_at) +
				    OFF("slab", "counters"),
				    (uint64_t)PER_SLAB << 16 | inuse[i]);
		text = print(fk, &k);
		assert_string_equal(text, i ? want : "");
		free(text);
		free(want);
		vx_kernel_close(k);
		fake_kernel_free(fk);
	}
}

/* A slab of a count the cache does not make: the scan is refused. */
static struct fake_kernel *refused_kernel(void)
{
	char *want;
	struct fake_kernel *fk = slab_kernel(RANDOM, &want);

	free(want);
	fake_kernel_put_u64(fk, fake_kernel_struct_page(fk, slab_at) +
			    OFF("slab", "counters"), 5 << 16);
	return fk;
}

/*
 * The one slab of the cache names another cache (a filtered or damaged
 * struct page): the scan finds no slab of vmap_area_cachep at all.  A
 * kernel always has one, so the scan fails and says so, and the list
 * whose head is gone is incomplete, not "recovered whole" as empty.
 * (Under UBSan, make unit-san, the scan's empty sets are sorted too.)
 */
static void test_612_slab_scan_that_finds_no_slab_rebuilds_nothing(void **state)
{
	struct vx_kernel *k;
	char *want, *text;
	struct fake_kernel *fk = slab_kernel(RANDOM, &want);
	uint64_t page = fake_kernel_struct_page(fk, slab_at);

	fake_kernel_put_u64(fk, page + OFF("slab", "slab_cache"), 0x1000);
	text = print(fk, &k);
	assert_string_equal(text, "");
	assert_int_equal(skips_with("vmap_nodes[0].busy: "), 1);
	assert_int_equal(skips_with("slab scan of the vmap_area cache: memory map: no slab of the cache"), 1);
	release(text, want, k, fk);
}

/*
 * struct slab's members are taken from a copy of the struct page they
 * overlay: one placed past it (corrupt type information) refuses the
 * scan instead of reading past the copy (ASan under make unit-san).
 */
static void test_612_slab_member_past_struct_page_refuses_the_scan(void **state)
{
	const char *moved[] = { "slab_cache", "freelist", "counters" };

	for (size_t i = 0; i < sizeof(moved) / sizeof(moved[0]); i++) {
		struct vx_kernel *k;
		char *want, *text;
		struct fake_kernel *fk = slab_kernel(RANDOM, &want);

		fake_kernel_move_member(fk, "slab", moved[i], 60, 8);
		text = print(fk, &k);
		assert_int_equal(skips_with("struct page and struct slab do not agree"), 1);
		release(text, want, k, fk);
	}
}

/*
 * The scan is done once per kernel, but a kernel kept open (crash) walks
 * once per command: the second walk, with a report of its own, still
 * says why the slabs were not used.
 */
static void test_612_every_walk_says_the_slab_scan_failed(void **state)
{
	struct vx_kernel *k;
	struct fake_kernel *fk = refused_kernel();
	struct vx_vmap m;

	free(print(fk, &k));
	assert_int_equal(skips_with("slab scan of the vmap_area cache"), 1);
	vx_report_fini(&report);
	assert_null(vx_walk(k, &report, VX_WALK_PRINTED, &m));
	assert_int_equal(skips_with("slab scan of the vmap_area cache"), 1);
	assert_int_equal(skips_with("vmap_nodes[0].busy: "), 1);
	vx_vmap_free(&m);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/*
 * Node 0's busy list A, L, B (tree: L the root, A and B its children),
 * three vm_map_ram areas on pages of their own; L's page is left out of
 * the dump.  One allocated object S, alone in a slab of vmap_area_cachep,
 * is no busy area; how it links is up to the test (link_s).  Returns S.
 */
static uint64_t lost_middle_kernel(struct fake_kernel **fkp,
				   void (*link_s)(struct fake_kernel *fk,
						  uint64_t s, uint64_t l))
{
	struct fake_kernel *fk = new_kernel();
	uint64_t l, s = 0;

	fake_kernel_reuse_vmemmap(fk);
	fake_kernel_set_vmap_nodes(fk, 1);
	for (int i = 0; i < 3; i++) {
		fake_kernel_next_page(fk);
		l = fake_kernel_add_area(fk, 0, V + 0x10000ULL * i,
					 V + 0x10000ULL * i + 0x2000, NULL,
					 VX_VMAP_RAM, NULL);
		if (i == 1) {
			fake_kernel_exclude_page(fk, l);
			s = l;
		}
	}
	l = s;
	fake_kernel_next_page(fk);
	s = fake_kernel_alloc(fk, 72);
	fake_kernel_put_u64(fk, s + OFF("vmap_area", "va_start"), V + 0x50000);
	fake_kernel_put_u64(fk, s + OFF("vmap_area", "va_end"), V + 0x52000);
	fake_kernel_put_u64(fk, s + OFF("vmap_area", "flags"), VX_VMAP_RAM);
	link_s(fk, s, l);
	fake_kernel_next_page(fk);
	add_cache(fk, s, 0, 0);
	*fkp = fk;
	return s;
}

static const char lost_middle_text[] =
	"0xffffc90000000000-0xffffc90000002000    8192 vm_map_ram\n"
	"0xffffc90000020000-0xffffc90000022000    8192 vm_map_ram\n";

/*
 * S sits in node 0's pool[0] (list links live, to the pool's head) and
 * kept a stale rb link from the lazy tree it left: its left child is L,
 * as if L's parent.  No member of the list holds L's parent slot (L is
 * the root), so only knowing the pools tells S from a busy area.
 */
static void pooled(struct fake_kernel *fk, uint64_t s, uint64_t l)
{
	uint64_t nodes = fake_kernel_get_u64(fk, fake_kernel_global(fk, "vmap_nodes"));
	uint64_t pool = nodes + OFF("vmap_node", "pool") + OFF("vmap_pool", "head");
	uint64_t lh = s + OFF("vmap_area", "list");

	fake_kernel_put_u64(fk, pool, lh);
	fake_kernel_put_u64(fk, pool + 8, lh);
	fake_kernel_put_u64(fk, fake_kernel_offset(fk, "vmap_pool", "len") + pool, 1);
	fake_kernel_put_u64(fk, lh, pool);
	fake_kernel_put_u64(fk, lh + 8, pool);
	fake_kernel_put_u64(fk, s + OFF("vmap_area", "rb_node") + OFF("rb_node", "rb_left"),
			    l + OFF("vmap_area", "rb_node"));
}

/*
 * A pooled object linking to the lost busy area is not taken for a busy
 * one: the pools are set apart before the slab rule is used.
 */
static void test_612_slab_scan_leaves_a_pooled_object_out(void **state)
{
	struct fake_kernel *fk;
	struct vx_kernel *k;
	char *text;

	lost_middle_kernel(&fk, pooled);
	text = print(fk, &k);
	assert_string_equal(text, lost_middle_text);
	assert_int_equal(skips_with("0 from the vmap_area slabs"), 1);
	free(text);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/*
 * S (on no list, say in transit) names L as its list.next: but A, read
 * from the list, holds L's prev slot (A.next is L), so L cannot link
 * back to S.
 */
static void names_a_held_slot(struct fake_kernel *fk, uint64_t s, uint64_t l)
{
	fake_kernel_put_u64(fk, s + OFF("vmap_area", "list.next"),
			    l + OFF("vmap_area", "list"));
}

static void test_612_slab_scan_wants_the_lost_areas_slot_free(void **state)
{
	struct fake_kernel *fk;
	struct vx_kernel *k;
	char *text;

	lost_middle_kernel(&fk, names_a_held_slot);
	text = print(fk, &k);
	assert_string_equal(text, lost_middle_text);
	assert_int_equal(skips_with("0 from the vmap_area slabs"), 1);
	free(text);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/*
 * Control of the two above: the busy list A, L1, S, L2, B, C (tree: L2
 * the root, L1 over A and S, C over B), L1 and L2 left out of the dump,
 * S alone in a slab.  S is tied to the list only through the lost L1
 * and L2, and no member holds the slots it needs: it is taken.
 */
/* The busy list of the two tests below: va[1] and va[3] lost, va[2] alone in a slab. */
static struct fake_kernel *two_lost_around_one_slab(uint64_t va[6])
{
	struct fake_kernel *fk = new_kernel();

	fake_kernel_reuse_vmemmap(fk);
	fake_kernel_set_vmap_nodes(fk, 1);
	for (int i = 0; i < 6; i++) {
		fake_kernel_next_page(fk);
		va[i] = fake_kernel_add_area(fk, 0, V + 0x10000ULL * i,
					     V + 0x10000ULL * i + 0x2000, NULL,
					     VX_VMAP_RAM, NULL);
	}
	fake_kernel_exclude_page(fk, va[1]);
	fake_kernel_exclude_page(fk, va[3]);
	fake_kernel_next_page(fk);
	add_cache(fk, va[2], 0, 0);
	return fk;
}

static void test_612_slab_scan_takes_an_area_between_two_lost_ones(void **state)
{
	uint64_t va[6];
	struct fake_kernel *fk = two_lost_around_one_slab(va);
	struct vx_kernel *k;
	char *text;

	text = print(fk, &k);
	assert_string_equal(text,
		"0xffffc90000000000-0xffffc90000002000    8192 vm_map_ram\n"
		"0xffffc90000020000-0xffffc90000022000    8192 vm_map_ram\n"
		"0xffffc90000040000-0xffffc90000042000    8192 vm_map_ram\n"
		"0xffffc90000050000-0xffffc90000052000    8192 vm_map_ram\n");
	assert_int_equal(skips_with("1 from the vmap_area slabs"), 1);
	free(text);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/*
 * The same list, and a second slab of the cache, the CPU's (frozen), on
 * a page the filter left out; the CPU's freelist starts in it (slot 1).
 * That freelist cannot reach a slab that was read: S is still taken,
 * and the lost slab is counted.  Control: the CPU's slab said to be
 * S's own, the freelist then cannot be placed and nothing is taken.
 */
static void test_612_slab_scan_passes_over_a_cpu_freelist_in_a_lost_slab(void **state)
{
	for (int control = 0; control < 2; control++) {
		uint64_t va[6], cache, cpu, lost, page;
		struct fake_kernel *fk = two_lost_around_one_slab(va);
		struct vx_slab_scan scan;
		struct vx_kernel *k;
		char *text;

		cache = fake_kernel_get_u64(fk, fake_kernel_global(fk, "vmap_area_cachep"));
		cpu = fake_kernel_get_u64(fk, cache + OFF("kmem_cache", "cpu_slab"));
		fake_kernel_next_page(fk);
		lost = fake_kernel_alloc(fk, 4096);
		page = fake_kernel_struct_page(fk, lost);
		fake_kernel_put_u64(fk, page + OFF("slab", "slab_cache"), cache);
		fake_kernel_put_u64(fk, page + OFF("slab", "counters"),
				    FROZEN | (uint64_t)PER_SLAB << 16 | PER_SLAB);
		fake_kernel_put_u32(fk, page + 48, SLAB_TYPE);
		fake_kernel_exclude_page(fk, lost);
		fake_kernel_put_u64(fk, cpu + OFF("kmem_cache_cpu", "freelist"), lost + OBJ);
		if (!control)
			fake_kernel_put_u64(fk, cpu + OFF("kmem_cache_cpu", "slab"), page);
		text = print(fk, &k);
		if (!control) {
			assert_string_equal(text,
				"0xffffc90000000000-0xffffc90000002000    8192 vm_map_ram\n"
				"0xffffc90000020000-0xffffc90000022000    8192 vm_map_ram\n"
				"0xffffc90000040000-0xffffc90000042000    8192 vm_map_ram\n"
				"0xffffc90000050000-0xffffc90000052000    8192 vm_map_ram\n");
			assert_int_equal(skips_with("1 from the vmap_area slabs"), 1);
			assert_int_equal(skips_with("(1 of 2 vmap_area slabs excluded)"), 1);
		} else {
			assert_string_equal(text,
				"0xffffc90000000000-0xffffc90000002000    8192 vm_map_ram\n"
				"0xffffc90000040000-0xffffc90000042000    8192 vm_map_ram\n"
				"0xffffc90000050000-0xffffc90000052000    8192 vm_map_ram\n");
			assert_int_equal(skips_with("0 from the vmap_area slabs"), 1);
			assert_int_equal(skips_with("a CPU freelist: 0x"), 1);
		}
		assert_null(vx_slab_scan(k, &scan));
		assert_int_equal(scan.cpu_freelists_left_out, control ? 0 : 1);
		assert_int_equal(scan.free_unknown, control);
		assert_int_equal(scan.slabs_excluded, 1);
		vx_slab_scan_free(&scan);
		free(text);
		vx_kernel_close(k);
		fake_kernel_free(fk);
	}
}

/* An area's vmap_area alone on a page, its vm_struct and pages[] elsewhere. */
static uint64_t add_area(struct fake_kernel *fk, int i, uint64_t *pages)
{
	uint64_t start = V + 0x10000ULL * i, va;
	struct fk_vm v = {
		.addr = start, .size = 0x2000, .flags = VX_VM_ALLOC,
		.nr_pages = 1, .caller = caller,
	};

	v.pages = fake_kernel_pages_on(fk, 1, 0);
	*pages = v.pages;
	fake_kernel_next_page(fk);
	va = fake_kernel_add_area(fk, 0, start, start + 0x2000, &v, 0, NULL);
	fake_kernel_next_page(fk);
	fake_kernel_map_pages(fk, start, v.pages, 1);
	return va;
}

/*
 * One dynamic per-CPU chunk at base, a group of 2 MiB (5.14+ symbols);
 * the chunk alone on its page when own_page.  Returns the chunk.
 */
static uint64_t add_percpu_chunk_at(struct fake_kernel *fk, uint64_t base,
				    bool own_page)
{
	uint64_t lists = fake_kernel_alloc(fk, 16);
	uint64_t offs = fake_kernel_alloc(fk, 8), sizes = fake_kernel_alloc(fk, 8);
	uint64_t chunk;

	if (own_page)
		fake_kernel_next_page(fk);
	chunk = fake_kernel_alloc(fk, 64);
	if (own_page)
		fake_kernel_next_page(fk);

	fake_kernel_new_global(fk, 'b', "pcpu_sidelined_slot", 4);
	fake_kernel_put_u32(fk, fake_kernel_new_global(fk, 'b', "pcpu_nr_slots", 4), 1);
	fake_kernel_put_u32(fk, fake_kernel_new_global(fk, 'b', "pcpu_nr_groups", 4), 1);
	fake_kernel_put_u64(fk, fake_kernel_new_global(fk, 'b', "pcpu_chunk_lists", 8), lists);
	fake_kernel_put_u64(fk, fake_kernel_new_global(fk, 'b', "pcpu_group_offsets", 8), offs);
	fake_kernel_put_u64(fk, fake_kernel_new_global(fk, 'b', "pcpu_group_sizes", 8), sizes);
	fake_kernel_put_u64(fk, sizes, 0x200000);
	fake_kernel_put_u64(fk, lists, chunk + OFF("pcpu_chunk", "list"));
	fake_kernel_put_u64(fk, lists + 8, chunk + OFF("pcpu_chunk", "list"));
	fake_kernel_put_u64(fk, chunk + OFF("pcpu_chunk", "list"), lists);
	fake_kernel_put_u64(fk, chunk + OFF("pcpu_chunk", "list") + 8, lists);
	fake_kernel_put_u64(fk, chunk + OFF("pcpu_chunk", "base_addr"), base);
	return chunk;
}

static void add_percpu_chunk(struct fake_kernel *fk, uint64_t base)
{
	add_percpu_chunk_at(fk, base, false);
}

/*
 * Area 1's vmap_area is gone and nothing else holds it: its busy range
 * comes back from the page tables (the mapped page and its guard page),
 * marked as such; a populated unit of a per-CPU chunk is mapped too but
 * is no area of its own.
 */
static void test_612_page_tables_rebuild_a_lost_busy_range(void **state)
{
	struct fake_kernel *fk = new_kernel();
	uint64_t va[3], pages[3];
	struct vx_kernel *k;
	char *text;

	/* One vmap node: every busy area on node 0, as the kernel places them. */
	fake_kernel_set_vmap_nodes(fk, 1);
	for (int i = 0; i < 3; i++)
		va[i] = add_area(fk, i, &pages[i]);
	add_percpu_chunk(fk, V + 0x200000);
	fake_kernel_map_run(fk, V + 0x203000, 2);
	fake_kernel_exclude_page(fk, va[1]);
	text = print(fk, &k);
	assert_string_equal(text,
		"0xffffc90000000000-0xffffc90000002000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000010000-0xffffc90000012000    8192 [vmap_area not in dump: from the page tables, 1 page mapped N0=1; caller, flags, pages= unknown]\n"
		"0xffffc90000020000-0xffffc90000022000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n");
	assert_int_equal(skips_with("1 busy ranges rebuilt from the page tables"), 1);
	free(text);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/*
 * The filter left the chunk itself out (a makedumpfile older than 6.12
 * took its slab page for user data): its pointer is still in the list,
 * and the struct pages of its populated unit name it (page->index), so
 * the unit is still no area while the lost busy range comes back.
 */
static void test_612_page_tables_tell_a_lost_chunks_units_by_their_pages(void **state)
{
	struct fake_kernel *fk = new_kernel();
	uint64_t va[3], pages[3], unit, chunk;
	struct vx_kernel *k;
	char *text;

	fake_kernel_set_vmap_nodes(fk, 1);
	for (int i = 0; i < 3; i++)
		va[i] = add_area(fk, i, &pages[i]);
	chunk = add_percpu_chunk_at(fk, V + 0x200000, true);
	unit = fake_kernel_pages_on(fk, 2, 0);
	for (int i = 0; i < 2; i++)
		fake_kernel_put_u64(fk, fake_kernel_get_u64(fk, unit + i * 8) +
				    OFF("page", "index"), chunk);
	fake_kernel_map_pages(fk, V + 0x203000, unit, 2);
	fake_kernel_exclude_page(fk, va[1]);
	fake_kernel_exclude_page(fk, chunk);
	text = print(fk, &k);
	assert_string_equal(text,
		"0xffffc90000000000-0xffffc90000002000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000010000-0xffffc90000012000    8192 [vmap_area not in dump: from the page tables, 1 page mapped N0=1; caller, flags, pages= unknown]\n"
		"0xffffc90000020000-0xffffc90000022000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n");
	assert_int_equal(skips_with("1 busy ranges rebuilt from the page tables"), 1);
	assert_int_equal(skips_with("per-CPU chunks"), 0);
	free(text);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/* Without the per-CPU chunks' symbols the rule cannot be checked: nothing rebuilt. */
static void test_612_page_tables_need_the_percpu_chunks(void **state)
{
	struct fake_kernel *fk = new_kernel();
	uint64_t va[3], pages[3];
	struct vx_kernel *k;
	char *text;

	/* One vmap node: every busy area on node 0, as the kernel places them. */
	fake_kernel_set_vmap_nodes(fk, 1);
	for (int i = 0; i < 3; i++)
		va[i] = add_area(fk, i, &pages[i]);
	fake_kernel_exclude_page(fk, va[1]);
	text = print(fk, &k);
	assert_string_equal(text,
		"0xffffc90000000000-0xffffc90000002000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n"
		"0xffffc90000020000-0xffffc90000022000    8192 vmalloc_caller+0x10/0x100 pages=1 vmalloc N0=1\n");
	assert_int_equal(skips_with("kernel page tables: per-CPU chunks"), 1);
	free(text);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_612_slab_scan_rebuilds_a_list_whose_head_is_gone),
		cmocka_unit_test(test_612_slab_scan_skips_a_kfence_page),
		cmocka_unit_test(test_612_slab_scan_drops_a_slab_whose_freelist_does_not_decode),
		cmocka_unit_test(test_612_slab_scan_checks_the_freelist_length),
		cmocka_unit_test(test_612_slab_member_past_struct_page_refuses_the_scan),
		cmocka_unit_test(test_612_every_walk_says_the_slab_scan_failed),
		cmocka_unit_test(test_612_slab_scan_that_finds_no_slab_rebuilds_nothing),
		cmocka_unit_test(test_612_json_says_each_line_came_from_the_slab),
		cmocka_unit_test(test_612_slab_scan_leaves_a_pooled_object_out),
		cmocka_unit_test(test_612_slab_scan_wants_the_lost_areas_slot_free),
		cmocka_unit_test(test_612_slab_scan_takes_an_area_between_two_lost_ones),
		cmocka_unit_test(test_612_slab_scan_passes_over_a_cpu_freelist_in_a_lost_slab),
		cmocka_unit_test(test_612_page_tables_rebuild_a_lost_busy_range),
		cmocka_unit_test(test_612_page_tables_tell_a_lost_chunks_units_by_their_pages),
		cmocka_unit_test(test_612_page_tables_need_the_percpu_chunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

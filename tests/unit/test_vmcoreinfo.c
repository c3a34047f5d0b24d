// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VMCOREINFO parsing and the release string's version code (what
 * libkdumpfile 0.5.1 cannot derive from "7.3-cloud-amd64").
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
#include "fake_log.h"
#include "printk.h"
#include "vmcoreinfo.h"

#define KV(a, b, c) ((uint32_t)((a) << 16 | (b) << 8 | (c)))

static void expect_code(const char *release, uint32_t want)
{
	uint32_t code = 0xdeadbeef;

	if (!vx_release_version_code(release, &code))
		fail_msg("\"%s\" refused", release);
	if (code != want)
		fail_msg("\"%s\": 0x%x, want 0x%x", release, code, want);
}

static void test_release_without_patch_level_gets_zero(void **state)
{
	expect_code("7.3-cloud-amd64", KV(7, 3, 0));
	expect_code("7.3-rc7-cloud-amd64", KV(7, 3, 0));
	expect_code("7.3", KV(7, 3, 0));
	expect_code("6.16+deb14-amd64", KV(6, 16, 0));
}

static void test_debian_releases_with_patch_level(void **state)
{
	expect_code("7.3.0-rc7", KV(7, 3, 0));
	expect_code("6.16.3+deb13-cloud-amd64", KV(6, 16, 3));
	expect_code("5.10.0-43-cloud-amd64", KV(5, 10, 0));
	expect_code("6.12.118+deb13-cloud-amd64", KV(6, 12, 118));
}

/* The kernel caps SUBLEVEL at 255 in LINUX_VERSION_CODE (4.9.256 and on). */
static void test_patch_level_above_255_is_capped(void **state)
{
	expect_code("4.9.337", KV(4, 9, 255));
	expect_code("5.10.251-5", KV(5, 10, 251));
}

static void test_garbage_is_refused(void **state)
{
	static const char *const bad[] = {
		"", "cloud-amd64", "7", "7.", "7-rc1", ".3", "7.x", "v7.3",
		"7.3.", "7.3.x", "256.1.0", "7.256", "123456.1", "7.3.1234567",
		" 7.3", "7..3",
	};
	uint32_t code;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (vx_release_version_code(bad[i], &code))
			fail_msg("\"%s\" accepted as 0x%x", bad[i], code);
	assert_false(vx_release_version_code(NULL, &code));
}

static void test_symbol_and_kerneloffset_are_hex(void **state)
{
	struct vx_vmcoreinfo v;
	uint64_t addr;

	assert_null(vx_vmcoreinfo_parse("OSRELEASE=7.3-cloud-amd64\n"
					"SYMBOL(_stext)=ffffffff82200000\n"
					"KERNELOFFSET=1200000\n", &v));
	assert_true(vx_vmcoreinfo_symbol(&v, "_stext", &addr));
	assert_int_equal(addr, 0xffffffff82200000ULL);
	assert_int_equal(vx_vmcoreinfo_kerneloffset(&v), 0x1200000);
	assert_string_equal(vx_vmcoreinfo_get(&v, "OSRELEASE"), "7.3-cloud-amd64");
	assert_false(vx_vmcoreinfo_symbol(&v, "_etext", &addr));
	vx_vmcoreinfo_free(&v);
}

/* ---- the key list a key-by-key front end (crash) rebuilds from ---- */

struct key_list {
	char *keys[128];
	size_t n;
};

static void collect_key(const char *key, void *arg)
{
	struct key_list *l = arg;

	assert_true(l->n < 128);
	l->keys[l->n] = strdup(key);
	assert_non_null(l->keys[l->n++]);
}

/* text with only the lines whose key vx_vmcoreinfo_each_key() lists. */
static char *only_listed_keys(const char *text, size_t *dropped)
{
	struct key_list l = { 0 };
	char *out = calloc(1, strlen(text) + 1);
	const char *line = text;

	assert_non_null(out);
	vx_vmcoreinfo_each_key(collect_key, &l);
	*dropped = 0;
	while (*line) {
		size_t len = strcspn(line, "\n"), klen = strcspn(line, "=");
		bool listed = false;

		for (size_t i = 0; i < l.n && klen < len; i++)
			listed |= strlen(l.keys[i]) == klen &&
				  !strncmp(l.keys[i], line, klen);
		if (listed)
			strncat(out, line, len + (line[len] == '\n'));
		else
			(*dropped)++;
		line += len + (line[len] == '\n');
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.keys[i]);
	return out;
}

static char *vmallocinfo_of(struct fake_kernel *fk)
{
	struct vx_kernel *k = NULL;
	struct vx_report r;
	struct vx_error *err;
	char *text;

	vx_report_init(&r);
	err = fake_kernel_vmallocinfo(fk, VX_KPTR_RAW, &text, &k, &r);
	if (err)
		fail_msg("vmallocinfo: %s", err->message);
	if (r.nr_skips)
		fail_msg("unexpected skip: %s", r.skips[0]);
	vx_report_fini(&r);
	vx_kernel_close(k);
	return text;
}

/* The fake kernel's own VMCOREINFO cut down to the list: same output. */
static void listed_keys_are_enough_for(enum fk_gen gen)
{
	struct fake_kernel *fk = fake_kernel_new(gen);
	uint64_t caller = fake_kernel_add_text(fk, "vmalloc_caller", 0x100);
	struct fk_vm vm = {
		.addr = FK_VMALLOC_START, .size = 3 * 4096, .flags = VX_VM_ALLOC,
		.nr_pages = 2, .caller = caller + 0x10,
		.pages = fake_kernel_pages_on(fk, 2, 0),
	};
	struct vx_target *t;
	const char *full;
	char *want, *got, *cut;
	size_t dropped;

	fake_kernel_add_text(fk, "_etext", 0x10);
	fake_kernel_add_area(fk, 0, vm.addr, vm.addr + vm.size, &vm, 0, NULL);
	t = fake_kernel_target(fk);
	full = t->vmcoreinfo;
	want = vmallocinfo_of(fk);
	cut = only_listed_keys(full, &dropped);
	t->vmcoreinfo = cut;
	got = vmallocinfo_of(fk);
	t->vmcoreinfo = full;
	assert_string_equal(got, want);
	assert_non_null(strstr(got, "vmalloc_caller+0x10/0x100 pages=2"));
	free(want);
	free(got);
	free(cut);
	fake_kernel_free(fk);
}

static void test_listed_keys_are_enough_for_every_generation(void **state)
{
	listed_keys_are_enough_for(FK_510);
	listed_keys_are_enough_for(FK_61);
	listed_keys_are_enough_for(FK_612);
	listed_keys_are_enough_for(FK_72);
}

static int count_record(const struct vx_log_record *rec, void *arg)
{
	(*(size_t *)arg)++;
	return 0;
}

static void test_listed_keys_are_enough_for_the_kernel_log(void **state)
{
	struct fake_log *fl = fake_log_create(&fake_log_layout_shuffled, 4, 9);
	struct vx_vmcoreinfo v;
	size_t records = 0, dropped;
	char *cut;

	fake_log_append(fl, 1000, 1, 6, 2, "first");
	fake_log_append(fl, 2000, 1, 6, 2, "second");
	cut = only_listed_keys(fake_log_vmcoreinfo(fl), &dropped);
	assert_null(vx_vmcoreinfo_parse(cut, &v));
	assert_null(vx_printk_foreach(fake_log_target(fl), &v, count_record,
				      &records));
	assert_int_equal(records, 2);
	vx_vmcoreinfo_free(&v);
	free(cut);
	fake_log_destroy(fl);
}

static void test_a_key_left_out_of_the_list_is_not_rebuilt(void **state)
{
	size_t dropped;
	char *cut = only_listed_keys("OSRELEASE=6.1.0\nSYMBOL(unlisted)=ffff\nSYMBOL(prb)=ffffffff82a00000\n",
				     &dropped);

	assert_string_equal(cut, "OSRELEASE=6.1.0\nSYMBOL(prb)=ffffffff82a00000\n");
	assert_int_equal(dropped, 1);
	free(cut);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release_without_patch_level_gets_zero),
		cmocka_unit_test(test_debian_releases_with_patch_level),
		cmocka_unit_test(test_patch_level_above_255_is_capped),
		cmocka_unit_test(test_garbage_is_refused),
		cmocka_unit_test(test_symbol_and_kerneloffset_are_hex),
		cmocka_unit_test(test_listed_keys_are_enough_for_every_generation),
		cmocka_unit_test(test_listed_keys_are_enough_for_the_kernel_log),
		cmocka_unit_test(test_a_key_left_out_of_the_list_is_not_rebuilt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

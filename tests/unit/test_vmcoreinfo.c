// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VMCOREINFO parsing and the release string's version code (what
 * libkdumpfile 0.5.1 cannot derive from "7.3-cloud-amd64").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release_without_patch_level_gets_zero),
		cmocka_unit_test(test_debian_releases_with_patch_level),
		cmocka_unit_test(test_patch_level_above_255_is_capped),
		cmocka_unit_test(test_garbage_is_refused),
		cmocka_unit_test(test_symbol_and_kerneloffset_are_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

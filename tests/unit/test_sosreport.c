// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/sosreport.c: what the checks against a dump say (release, boot,
 * window) on a fake kernel, including the cases the real dumps cannot
 * show (their guests never read boot_id: sysctl_bootid is zero), and the
 * reader on the committed archives of tests/fuzz/corpus/sosreport/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_kernel.h"
#include "sosreport.h"

static const unsigned char boot_id[16] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
};
#define BOOT_ID_TEXT	"01234567-89ab-cdef-1032-547698badcfe"
#define TOTAL_4LEVEL	((32ull << 30) - 1)	/* kB, fs/proc/meminfo.c */

/* A 6.1 fake kernel; with_id: sysctl_bootid in kallsyms holding id (or zero). */
static struct vx_kernel *open_kernel(struct fake_kernel *fk, bool with_id,
				     const unsigned char *id)
{
	struct vx_kernel *k;
	struct vx_error *err;

	if (with_id) {
		uint64_t a = fake_kernel_new_global(fk, 'b', "sysctl_bootid", 16);

		if (id)
			fake_kernel_write(fk, a, id, 16);
	}
	err = vx_kernel_open(fake_kernel_target(fk), &k);
	if (err)
		fail_msg("open: %s", err->message);
	return k;
}

/* The notes of one check, joined by newlines. */
static char *check(struct vx_kernel *k, const char *release, const char *id,
		   uint64_t total)
{
	struct vx_sosreport s = {
		.release = (char *)release, .boot_id = (char *)id,
		.has_total = true, .vmalloc_total = total,
		.has_used = true, .vmalloc_used = 1234,
	};
	struct vx_report r;
	char *all = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&all, &len);

	vx_report_init(&r);
	vx_sosreport_check(&s, "sos.tar.xz", k, &r);
	vx_report_print_notes(&r, f);
	vx_report_fini(&r);
	fclose(f);
	return all;
}

static void expect(const char *notes, const char *what, bool present)
{
	if (!!strstr(notes, what) != present)
		fail_msg("'%s' %s in:\n%s", what, present ? "missing" : "present", notes);
}

static void test_same_kernel_same_boot_says_so(void **state)
{
	struct fake_kernel *fk = fake_kernel_new(FK_61);
	struct vx_kernel *k = open_kernel(fk, true, boot_id);
	char *n = check(k, k->release, BOOT_ID_TEXT, TOTAL_4LEVEL);

	expect(n, "another", false);
	expect(n, "the snapshot is from the dump's boot (boot_id " BOOT_ID_TEXT ")", true);
	expect(n, "VmallocUsed 1234 kB", true);
	free(n);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

static void test_other_boot_release_and_window_are_said(void **state)
{
	struct fake_kernel *fk = fake_kernel_new(FK_61);
	struct vx_kernel *k = open_kernel(fk, true, boot_id);
	char *n = check(k, "9.9.9-other", "ffffffff-89ab-cdef-1032-547698badcfe",
			TOTAL_4LEVEL + 1);

	expect(n, "another kernel release: 9.9.9-other, the dump's is ", true);
	expect(n, "another boot: boot_id ffffffff-89ab-cdef-1032-547698badcfe, the dump's is "
		  BOOT_ID_TEXT, true);
	expect(n, "another kernel: VmallocTotal 34359738368 kB, the dump's window 34359738367 kB", true);
	free(n);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/* Never read (zero) or not in kallsyms: said, not guessed. */
static void test_unknown_boot_is_said_not_guessed(void **state)
{
	struct fake_kernel *fk = fake_kernel_new(FK_61);
	struct vx_kernel *k = open_kernel(fk, true, NULL);
	char *n = check(k, k->release, BOOT_ID_TEXT, TOTAL_4LEVEL);

	expect(n, "nobody read it on the dump's boot", true);
	expect(n, "another boot", false);
	expect(n, "from the dump's boot (", false);
	free(n);
	vx_kernel_close(k);
	fake_kernel_free(fk);

	fk = fake_kernel_new(FK_61);
	k = open_kernel(fk, false, NULL);
	n = check(k, k->release, BOOT_ID_TEXT, TOTAL_4LEVEL);
	expect(n, "boot_id cannot tell whether the snapshot is from the dump's boot: the dump's boot_id: ", true);
	free(n);
	n = check(k, NULL, NULL, TOTAL_4LEVEL);
	expect(n, "cannot tell the snapshot's kernel release", true);
	expect(n, "no proc/sys/kernel/random/boot_id in the sosreport", true);
	free(n);
	vx_kernel_close(k);
	fake_kernel_free(fk);
}

/* Every compression of the corpus gives the same members. */
static void test_reads_every_compression(void **state)
{
	static const char *const ext[] = { "tar", "tar.gz", "tar.xz", "tar.bz2", "tar.zst" };

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		char path[128];
		struct vx_sosreport *s;
		struct vx_error *err;

		snprintf(path, sizeof(path), "tests/fuzz/corpus/sosreport/sos.%s", ext[i]);
		assert_int_equal(vx_sosreport_detect(path), 1);
		err = vx_sosreport_read(path, &s);
		if (err)
			fail_msg("%s", err->message);
		assert_string_equal(s->release, "6.1.0-1-amd64");
		assert_string_equal(s->boot_id, "01234567-89ab-cdef-0123-456789abcdef");
		assert_true(s->has_total && s->vmalloc_total == TOTAL_4LEVEL);
		assert_true(s->has_used && s->vmalloc_used == 100);
		assert_true(s->vmallocinfo_len > 0 &&
			    !memcmp(s->vmallocinfo, "0x", 2));
		vx_sosreport_destroy(s);
	}
}

static void test_garbage_names_the_input(void **state)
{
	static const char junk[] = "\xfd" "7zXZ\0 not really";
	struct vx_sosreport *s;
	struct vx_error *err;

	err = vx_sosreport_read_memory("junk.tar.xz", junk, sizeof(junk), &s);
	assert_non_null(err);
	assert_null(s);
	assert_true(!strncmp(err->message, "junk.tar.xz: ", 13));
	assert_null(strchr(err->message, '\n'));
	vx_error_destroy(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_kernel_same_boot_says_so),
		cmocka_unit_test(test_other_boot_release_and_window_are_said),
		cmocka_unit_test(test_unknown_boot_is_said_not_guessed),
		cmocka_unit_test(test_reads_every_compression),
		cmocka_unit_test(test_garbage_names_the_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which kallsyms_offsets encoding the core picks on a whole fake kernel,
 * and that it refuses one the dump's VMCOREINFO contradicts: absolute
 * per-cpu (5.10-6.12), base-relative (the 6.15-6.19 form, on a 6.12
 * layout), pc-relative (7.2).
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
#include "kallsyms.h"
#include "kernel.h"
#include "vmflags.h"

#define V FK_VMALLOC_START

static struct fake_kernel *new_kernel(enum fk_gen gen, bool base_relative)
{
	struct fake_kernel *fk = fake_kernel_new(gen);
	uint64_t caller = fake_kernel_add_text(fk, "vmalloc_caller", 0x100) + 0x10;
	struct fk_vm vm = {
		.addr = V, .size = 0x3000, .flags = VX_VM_ALLOC,
		.nr_pages = 2, .caller = caller,
	};

	fake_kernel_add_text(fk, "_etext", 0x10);
	if (base_relative)
		fake_kernel_set_kallsyms_base_relative(fk);
	vm.pages = fake_kernel_pages_on(fk, 2, 0);
	fake_kernel_add_area(fk, 0, V, V + 0x3000, &vm, 0, NULL);
	return fk;
}

static char *print(struct fake_kernel *fk, enum vx_ksym_encoding want)
{
	struct vx_kernel *k = NULL;
	struct vx_error *err;
	char *text;

	err = fake_kernel_vmallocinfo(fk, VX_KPTR_RAW, &text, &k, NULL);
	if (err)
		fail_msg("%s", err->message);
	assert_int_equal(vx_kallsyms_encoding(k->ksyms), want);
	vx_kernel_close(k);
	return text;
}

static void test_each_generation_decodes_with_its_encoding(void **state)
{
	static const struct {
		enum fk_gen gen;
		enum vx_ksym_encoding want;
	} gens[] = {
		{ FK_510, VX_KSYM_ABSOLUTE_PERCPU },
		{ FK_61, VX_KSYM_ABSOLUTE_PERCPU },
		{ FK_612, VX_KSYM_ABSOLUTE_PERCPU },
		{ FK_72, VX_KSYM_PC_RELATIVE },
	};

	for (size_t i = 0; i < sizeof(gens) / sizeof(gens[0]); i++) {
		struct fake_kernel *fk = new_kernel(gens[i].gen, false);
		char *text = print(fk, gens[i].want);

		assert_non_null(strstr(text, "vmalloc_caller+0x10/0x100"));
		free(text);
		fake_kernel_free(fk);
	}
}

/*
 * 6.15-6.19: relative_base present, every offset >= 0.  The same kernel
 * prints the same text, callers named, as with absolute per-cpu offsets.
 */
static void test_616_base_relative_prints_like_absolute_percpu(void **state)
{
	struct fake_kernel *old = new_kernel(FK_612, false);
	struct fake_kernel *new = new_kernel(FK_612, true);
	char *want = print(old, VX_KSYM_ABSOLUTE_PERCPU);
	char *got = print(new, VX_KSYM_BASE_RELATIVE);

	assert_string_equal(got, want);
	assert_non_null(strstr(got, "vmalloc_caller+0x10/0x100"));
	free(want);
	free(got);
	fake_kernel_free(old);
	fake_kernel_free(new);
}

/* vx_kernel_open must fail with one line containing every part. */
static void expect_refused(struct fake_kernel *fk, const char *const *parts)
{
	struct vx_kernel *k = NULL;
	struct vx_error *err = vx_kernel_open(fake_kernel_target(fk), &k);

	assert_non_null(err);
	assert_null(k);
	assert_int_equal(err->code, VX_ERR_INVALID);
	for (; *parts; parts++)
		if (!strstr(err->message, *parts))
			fail_msg("\"%s\" lacks \"%s\"", err->message, *parts);
	assert_null(strchr(err->message, '\n'));
	vx_error_destroy(err);
}

/* VMCOREINFO puts a symbol where no encoding does: refused, naming it. */
static void test_vmcoreinfo_symbol_no_encoding_agrees_with_is_refused(void **state)
{
	static const char *const parts[] = {
		"no encoding agrees", "SYMBOL(vmalloc_caller)=0xffffffff81777000",
		"base-relative", NULL,
	};
	for (int rel = 0; rel <= 1; rel++) {
		struct fake_kernel *fk = new_kernel(FK_612, rel);

		fake_kernel_add_vmcoreinfo(fk, "SYMBOL(vmalloc_caller)=ffffffff81777000");
		expect_refused(fk, parts);
		fake_kernel_free(fk);
	}
}

/* _text - KERNELOFFSET must be a 2 MiB aligned address of the image. */
static void test_kerneloffset_no_encoding_explains_is_refused(void **state)
{
	static const char *const parts[] = {
		"no encoding agrees", "KERNELOFFSET=1234", "pc-relative", NULL,
	};
	struct fake_kernel *fk = new_kernel(FK_72, false);

	fake_kernel_add_vmcoreinfo(fk, "KERNELOFFSET=1234");
	expect_refused(fk, parts);
	fake_kernel_free(fk);
}

/* A symbol kallsyms does not know proves nothing either way. */
static void test_vmcoreinfo_symbol_unknown_to_kallsyms_is_ignored(void **state)
{
	struct fake_kernel *fk = new_kernel(FK_612, true);
	char *text;

	fake_kernel_add_vmcoreinfo(fk, "SYMBOL(not_in_kallsyms)=ffffffff81777000");
	text = print(fk, VX_KSYM_BASE_RELATIVE);
	free(text);
	fake_kernel_free(fk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_generation_decodes_with_its_encoding),
		cmocka_unit_test(test_616_base_relative_prints_like_absolute_percpu),
		cmocka_unit_test(test_vmcoreinfo_symbol_no_encoding_agrees_with_is_refused),
		cmocka_unit_test(test_kerneloffset_no_encoding_explains_is_refused),
		cmocka_unit_test(test_vmcoreinfo_symbol_unknown_to_kallsyms_is_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

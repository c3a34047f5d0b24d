// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/symtab.c, the sorted symbol table behind the vmlinux .symtab and
 * System.map look-ups: which of several equal names wins, misses, growth.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "symtab.h"

static uint64_t addr_of(const struct vx_symtab *t, const char *name)
{
	const struct vx_symtab_entry *e = vx_symtab_find(t, name);

	assert_non_null(e);
	return e->addr;
}

static void test_preferred_entry_wins_then_the_first_added(void **state)
{
	struct vx_symtab t = { 0 };

	assert_null(vx_symtab_add(&t, "dup", 1, false));
	assert_null(vx_symtab_add(&t, "zeta", 2, false));
	assert_null(vx_symtab_add(&t, "dup", 3, false));
	assert_null(vx_symtab_add(&t, "alpha", 4, false));
	assert_null(vx_symtab_add(&t, "global", 5, false));
	assert_null(vx_symtab_add(&t, "global", 6, true));
	assert_null(vx_symtab_add(&t, "global", 7, true));
	vx_symtab_sort(&t);
	assert_int_equal(addr_of(&t, "dup"), 1);
	assert_int_equal(addr_of(&t, "global"), 6);
	assert_int_equal(addr_of(&t, "alpha"), 4);
	assert_int_equal(addr_of(&t, "zeta"), 2);
	vx_symtab_free(&t);
}

static void test_missing_names_and_empty_table_find_nothing(void **state)
{
	struct vx_symtab t = { 0 };

	vx_symtab_sort(&t);
	assert_null(vx_symtab_find(&t, "anything"));
	assert_null(vx_symtab_add(&t, "b", 1, false));
	vx_symtab_sort(&t);
	assert_null(vx_symtab_find(&t, "a"));
	assert_null(vx_symtab_find(&t, "c"));
	assert_null(vx_symtab_find(&t, "bb"));
	assert_null(vx_symtab_find(&t, ""));
	vx_symtab_free(&t);
}

static void test_many_entries_grow_and_each_is_found(void **state)
{
	static char names[10000][8];
	struct vx_symtab t = { 0 };

	/* Added in reverse name order: the sort, not the input, orders them. */
	for (int i = 9999; i >= 0; i--) {
		snprintf(names[i], sizeof(names[i]), "s%05d", i);
		assert_null(vx_symtab_add(&t, names[i], 0x1000 + i, false));
	}
	vx_symtab_sort(&t);
	assert_int_equal(t.n, 10000);
	for (int i = 0; i < 10000; i += 97)
		assert_int_equal(addr_of(&t, names[i]), 0x1000 + i);
	assert_int_equal(addr_of(&t, "s09999"), 0x1000 + 9999);
	vx_symtab_free(&t);
	assert_int_equal(t.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preferred_entry_wins_then_the_first_added),
		cmocka_unit_test(test_missing_names_and_empty_table_find_nothing),
		cmocka_unit_test(test_many_entries_grow_and_each_is_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

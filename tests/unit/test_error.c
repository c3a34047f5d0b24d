// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/error.c: the wording of out-of-memory errors and of wrapped context. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"

static void test_nomem_names_its_context_then_says_out_of_memory(void **state)
{
	struct vx_error *err = vx_error_nomem_in("%s: %d lines", "snap", 3);

	assert_int_equal(err->code, VX_ERR_NOMEM);
	assert_string_equal(err->message, "snap: 3 lines: out of memory");
	err = vx_error_wrap(err, "reading %s", "it");
	assert_string_equal(err->message, "reading it: snap: 3 lines: out of memory");
	vx_error_destroy(err);
}

static void test_static_nomem_says_out_of_memory_and_survives_wrap(void **state)
{
	struct vx_error *err = vx_error_wrap(&vx_error_nomem, "context");

	assert_ptr_equal(err, &vx_error_nomem);
	assert_string_equal(err->message, "out of memory");
	vx_error_destroy(err);
	assert_string_equal(vx_error_nomem.message, "out of memory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nomem_names_its_context_then_says_out_of_memory),
		cmocka_unit_test(test_static_nomem_says_out_of_memory_and_survives_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

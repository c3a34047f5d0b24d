/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The contract every type source keeps (lib/types.h), as one suite that
 * test_btf.c and test_dwarf.c run on their own fixture.  Each fixture
 * holds the same kernel-shaped types:
 *
 *   struct rb_node { unsigned long __rb_parent_color; rb_right, rb_left; };
 *   struct list_head { next, prev; };
 *   struct vmap_area (72 bytes): va_start 0, va_end 8, rb_node 16,
 *	list 40, an anonymous union { subtree_max_size, vm, purge_list } at
 *	56, flags 64;
 *   struct vmap_pool { struct list_head head; unsigned long len; };
 *   struct vmap_node: pool[256] at 0, busy and lazy (struct rb_list,
 *	head at 8) at 6152 and 6184, purge_list at 6216;
 *   typedef struct { unsigned long bits[16]; } nodemask_t;
 *   struct flags_word { unsigned int lo:3, mid:10; unsigned int hi:8; };
 *   enum pcpu_chunk_type { PCPU_CHUNK_ROOT, PCPU_CHUNK_MEMCG,
 *	PCPU_NR_CHUNK_TYPES, PCPU_FAIL_ALLOC = PCPU_NR_CHUNK_TYPES };
 *   enum signs { SIGN_NEG = -3 };
 *
 * What each backend does beyond that (BTF's tag kinds and corrupt blobs,
 * DWARF's CU choice) stays in its own file.
 */
#ifndef VMAPX_TESTS_TYPES_CONTRACT_H
#define VMAPX_TESTS_TYPES_CONTRACT_H

#include <stdint.h>

#include "types.h"

struct types_contract {
	struct vx_types *(*open)(void);	/* a fresh source on the fixture */
	const char *source;		/* "BTF", "DWARF": named in errors */
};

/* Fail the test unless type.path is at offset and size bytes long. */
void types_expect_member(struct vx_types *ty, const char *type,
			 const char *path, uint64_t offset, uint64_t size);
void types_expect_size(struct vx_types *ty, const char *type, uint64_t size);

void contract_anonymous_union_members_are_direct(void **state);
void contract_nested_paths_add_offsets(void **state);
void contract_array_member_size_is_whole_array(void **state);
void contract_typedef_of_anonymous_struct(void **state);
void contract_bitfields_report_containing_bytes(void **state);
void contract_absent_member_or_type_is_not_found_naming_both(void **state);
void contract_path_through_a_scalar_is_not_found(void **state);
void contract_bad_paths_are_usage_errors(void **state);
void contract_cached_answers_equal_first_answers(void **state);
void contract_enum_constants_have_their_values(void **state);

/* The suite's entries for a cmocka test array; c: a struct types_contract. */
#define TYPES_CONTRACT_TESTS(c)						\
	cmocka_unit_test_prestate(contract_anonymous_union_members_are_direct, &(c)), \
	cmocka_unit_test_prestate(contract_nested_paths_add_offsets, &(c)), \
	cmocka_unit_test_prestate(contract_array_member_size_is_whole_array, &(c)), \
	cmocka_unit_test_prestate(contract_typedef_of_anonymous_struct, &(c)), \
	cmocka_unit_test_prestate(contract_bitfields_report_containing_bytes, &(c)), \
	cmocka_unit_test_prestate(contract_absent_member_or_type_is_not_found_naming_both, &(c)), \
	cmocka_unit_test_prestate(contract_path_through_a_scalar_is_not_found, &(c)), \
	cmocka_unit_test_prestate(contract_bad_paths_are_usage_errors, &(c)), \
	cmocka_unit_test_prestate(contract_cached_answers_equal_first_answers, &(c)), \
	cmocka_unit_test_prestate(contract_enum_constants_have_their_values, &(c))

#endif

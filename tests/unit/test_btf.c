// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BTF type source on blobs built here with libbpf's writer API: the
 * shared contract of every type source (types_contract.h) on a blob of
 * its kernel-shaped types, then what is BTF's own: 6.12's DECL_TAG and
 * TYPE_TAG kinds, forward declarations and duplicate definitions,
 * truncated and corrupted blobs, the blob read from the dump.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/btf.h>

#include "fake_mem.h"
#include "target.h"
#include "types.h"
#include "types_contract.h"

struct kernelish_ids {
	int ulong, uint, u8, list_head;
};

/* Fails the test on a negative libbpf return. */
static int ok(int id)
{
	assert_true(id >= 0);
	return id;
}

static void add_basics(struct btf *b, struct kernelish_ids *ids)
{
	int ptr;

	ids->ulong = ok(btf__add_int(b, "long unsigned int", 8, 0));
	ids->uint = ok(btf__add_int(b, "unsigned int", 4, 0));
	ids->u8 = ok(btf__add_int(b, "unsigned char", 1, 0));
	/* Pointers first: fields must directly follow their struct. */
	ptr = ok(btf__add_ptr(b, btf__type_cnt(b) + 1));
	ids->list_head = ok(btf__add_struct(b, "list_head", 16));
	ok(btf__add_field(b, "next", ptr, 0, 0));
	ok(btf__add_field(b, "prev", ptr, 64, 0));
}

/* struct vmap_area as in 6.12: the union at 56 is anonymous. */
static void add_vmap_area(struct btf *b, struct kernelish_ids *ids)
{
	int rb_node, rb_ptr, llist, llist_ptr, vm_fwd, vm_ptr, un, va;

	rb_ptr = ok(btf__add_ptr(b, btf__type_cnt(b) + 1));
	rb_node = ok(btf__add_struct(b, "rb_node", 24));
	ok(btf__add_field(b, "__rb_parent_color", ids->ulong, 0, 0));
	ok(btf__add_field(b, "rb_right", rb_ptr, 64, 0));
	ok(btf__add_field(b, "rb_left", rb_ptr, 128, 0));
	llist_ptr = ok(btf__add_ptr(b, btf__type_cnt(b) + 1));
	llist = ok(btf__add_struct(b, "llist_node", 8));
	ok(btf__add_field(b, "next", llist_ptr, 0, 0));
	vm_fwd = ok(btf__add_fwd(b, "vm_struct", BTF_FWD_STRUCT));
	vm_ptr = ok(btf__add_ptr(b, vm_fwd));
	un = ok(btf__add_union(b, NULL, 8));
	ok(btf__add_field(b, "subtree_max_size", ids->ulong, 0, 0));
	ok(btf__add_field(b, "vm", vm_ptr, 0, 0));
	ok(btf__add_field(b, "purge_list", llist, 0, 0));
	va = ok(btf__add_struct(b, "vmap_area", 72));
	ok(btf__add_field(b, "va_start", ids->ulong, 0, 0));
	ok(btf__add_field(b, "va_end", ids->ulong, 64, 0));
	ok(btf__add_field(b, "rb_node", rb_node, 128, 0));
	ok(btf__add_field(b, "list", ids->list_head, 320, 0));
	ok(btf__add_field(b, "", un, 448, 0));
	ok(btf__add_field(b, "flags", ids->ulong, 512, 0));
	(void)va;
}

/* vmap_node: an array of vmap_pool and two nested rb_lists. */
static void add_vmap_node(struct btf *b, struct kernelish_ids *ids)
{
	int pool, pools, idx, root, rb_list, void_ptr;

	pool = ok(btf__add_struct(b, "vmap_pool", 24));
	ok(btf__add_field(b, "head", ids->list_head, 0, 0));
	ok(btf__add_field(b, "len", ids->ulong, 128, 0));
	idx = ok(btf__add_int(b, "int", 4, BTF_INT_SIGNED));
	pools = ok(btf__add_array(b, idx, pool, 256));
	void_ptr = ok(btf__add_ptr(b, 0));
	root = ok(btf__add_struct(b, "rb_root", 8));
	ok(btf__add_field(b, "rb_node", void_ptr, 0, 0));
	rb_list = ok(btf__add_struct(b, "rb_list", 32));
	ok(btf__add_field(b, "root", root, 0, 0));
	ok(btf__add_field(b, "head", ids->list_head, 64, 0));
	ok(btf__add_field(b, "lock", ids->uint, 192, 0));
	ok(btf__add_struct(b, "vmap_node", 6272));
	ok(btf__add_field(b, "pool", pools, 0, 0));
	ok(btf__add_field(b, "busy", rb_list, 6152 * 8, 0));
	ok(btf__add_field(b, "lazy", rb_list, 6184 * 8, 0));
	ok(btf__add_field(b, "purge_list", ids->list_head, 6216 * 8, 0));
}

static void *blob_of(struct btf *b, size_t *size)
{
	const void *raw;
	uint32_t raw_size;
	void *copy;

	raw = btf__raw_data(b, &raw_size);
	assert_non_null(raw);
	copy = malloc(raw_size);
	assert_non_null(copy);
	memcpy(copy, raw, raw_size);
	*size = raw_size;
	return copy;
}

static struct vx_types *types_of(struct btf *b)
{
	struct vx_types *ty = NULL;
	struct vx_error *err;
	size_t size;
	void *blob = blob_of(b, &size);

	err = vx_btf_types_from_blob(blob, size, &ty);
	assert_null(err);
	free(blob);
	btf__free(b);
	return ty;
}

/* typedef struct { unsigned long bits[16]; } nodemask_t; and flags_word. */
static void add_nodemask_and_bitfields(struct btf *b, struct kernelish_ids *ids)
{
	int arr, anon, idx;

	idx = ok(btf__add_int(b, "int", 4, BTF_INT_SIGNED));
	arr = ok(btf__add_array(b, idx, ids->ulong, 16));
	anon = ok(btf__add_struct(b, NULL, 128));
	ok(btf__add_field(b, "bits", arr, 0, 0));
	ok(btf__add_typedef(b, "nodemask_t", anon));
	ok(btf__add_struct(b, "flags_word", 4));
	ok(btf__add_field(b, "lo", ids->uint, 0, 3));
	ok(btf__add_field(b, "mid", ids->uint, 3, 10));
	ok(btf__add_field(b, "hi", ids->uint, 13, 8));
	ok(btf__add_enum(b, "pcpu_chunk_type", 4));
	ok(btf__add_enum_value(b, "PCPU_CHUNK_ROOT", 0));
	ok(btf__add_enum_value(b, "PCPU_CHUNK_MEMCG", 1));
	ok(btf__add_enum_value(b, "PCPU_NR_CHUNK_TYPES", 2));
	ok(btf__add_enum_value(b, "PCPU_FAIL_ALLOC", 2));
	ok(btf__add_enum(b, "signs", 4));
	ok(btf__add_enum_value(b, "SIGN_NEG", -3));
}

/* The fixture of the shared contract (types_contract.h). */
static struct vx_types *kernelish_types(void)
{
	struct btf *b = btf__new_empty();
	struct kernelish_ids ids;

	assert_non_null(b);
	add_basics(b, &ids);
	add_vmap_area(b, &ids);
	add_vmap_node(b, &ids);
	add_nodemask_and_bitfields(b, &ids);
	return types_of(b);
}

static struct types_contract btf_contract = {
	.open = kernelish_types,
	.source = "BTF",
};

/*
 * 6.12+ BTF: DECL_TAG on a struct and a member, TYPE_TAG (__rcu, __user)
 * inside pointer and member types, const/volatile typedef chains.
 */
static void test_decl_tag_and_type_tag_kinds_are_understood(void **state)
{
	struct btf *b = btf__new_empty();
	struct kernelish_ids ids;
	struct vx_types *ty;
	int mk, mk_tag, mk_ptr, mod, cv, tdef, tagged_int, user_ptr, void_ptr;
	int char_ptr;

	add_basics(b, &ids);
	void_ptr = ok(btf__add_ptr(b, 0));
	char_ptr = ok(btf__add_ptr(b, ids.u8));
	mk = ok(btf__add_struct(b, "mod_kallsyms", 32));
	ok(btf__add_field(b, "symtab", void_ptr, 0, 0));
	ok(btf__add_field(b, "num_symtab", ids.uint, 64, 0));
	ok(btf__add_field(b, "strtab", char_ptr, 128, 0));
	ok(btf__add_field(b, "typetab", char_ptr, 192, 0));
	mk_tag = ok(btf__add_type_tag(b, "rcu", mk));
	mk_ptr = ok(btf__add_ptr(b, mk_tag));
	cv = ok(btf__add_volatile(b, ok(btf__add_const(b, ids.ulong))));
	tdef = ok(btf__add_typedef(b, "cv_ulong_t", cv));
	tagged_int = ok(btf__add_type_tag(b, "user", ids.uint));
	user_ptr = ok(btf__add_ptr(b, tagged_int));
	mod = ok(btf__add_struct(b, "module", 80));
	ok(btf__add_field(b, "state", ids.uint, 0, 0));
	ok(btf__add_field(b, "list", ids.list_head, 64, 0));
	ok(btf__add_field(b, "kallsyms", mk_ptr, 192, 0));
	ok(btf__add_field(b, "core_kallsyms", mk, 256, 0));
	ok(btf__add_field(b, "counter", tdef, 512, 0));
	ok(btf__add_field(b, "user_ptr", user_ptr, 576, 0));
	ok(btf__add_decl_tag(b, "kernel_only", mod, -1));
	ok(btf__add_decl_tag(b, "rcu_protected", mod, 2));
	ok(btf__add_decl_tag(b, "user", mk, 1));
	ty = types_of(b);
	types_expect_size(ty, "module", 80);
	types_expect_member(ty, "module", "kallsyms", 24, 8);
	types_expect_member(ty, "module", "core_kallsyms", 32, 32);
	types_expect_member(ty, "module", "core_kallsyms.strtab", 48, 8);
	types_expect_member(ty, "module", "counter", 64, 8);
	types_expect_member(ty, "module", "user_ptr", 72, 8);
	types_expect_member(ty, "mod_kallsyms", "num_symtab", 8, 4);
	vx_types_destroy(ty);
}

/*
 * A forward declaration and an empty struct before the full definition:
 * the definition with members wins.  Two full definitions: the first.
 */
static void test_complete_definition_preferred_and_first_wins(void **state)
{
	struct btf *b = btf__new_empty();
	struct kernelish_ids ids;
	struct vx_types *ty;

	add_basics(b, &ids);
	ok(btf__add_fwd(b, "vm_struct", BTF_FWD_STRUCT));
	ok(btf__add_struct(b, "vm_struct", 0));
	ok(btf__add_typedef(b, "vm_struct", ids.list_head));
	ok(btf__add_struct(b, "vm_struct", 64));
	ok(btf__add_field(b, "addr", ids.ulong, 64, 0));
	ok(btf__add_struct(b, "vm_struct", 80));
	ok(btf__add_field(b, "addr", ids.ulong, 128, 0));
	ty = types_of(b);
	types_expect_size(ty, "vm_struct", 64);
	types_expect_member(ty, "vm_struct", "addr", 8, 8);
	vx_types_destroy(ty);
}

static void expect_rejected(const void *blob, size_t size)
{
	struct vx_types *ty = NULL;
	struct vx_error *err = vx_btf_types_from_blob(blob, size, &ty);

	assert_non_null(err);
	assert_int_equal(err->code, VX_ERR_INVALID);
	assert_non_null(strstr(err->message, "BTF"));
	assert_null(strchr(err->message, '\n'));
	vx_error_destroy(err);
}

static void test_truncated_blobs_are_rejected_cleanly(void **state)
{
	struct btf *b = btf__new_empty();
	struct kernelish_ids ids;
	size_t size, cut;
	uint8_t *blob;

	add_basics(b, &ids);
	add_vmap_area(b, &ids);
	blob = blob_of(b, &size);
	btf__free(b);
	for (cut = 0; cut < size; cut++)
		expect_rejected(blob, cut);
	free(blob);
}

/* Flip every byte in turn: either a clean error, or answers that do not crash. */
static void test_corrupted_blobs_never_crash(void **state)
{
	struct btf *b = btf__new_empty();
	struct kernelish_ids ids;
	size_t size, i;
	uint8_t *blob;
	unsigned rejected = 0;

	add_basics(b, &ids);
	add_vmap_area(b, &ids);
	add_vmap_node(b, &ids);
	blob = blob_of(b, &size);
	btf__free(b);
	for (i = 0; i < size; i++) {
		struct vx_types *ty = NULL;
		struct vx_member m;
		struct vx_error *err;
		uint64_t sz;

		blob[i] ^= 0xa5;
		err = vx_btf_types_from_blob(blob, size, &ty);
		if (err) {
			rejected++;
			vx_error_destroy(err);
		} else {
			vx_error_destroy(vx_member(ty, "vmap_area", "vm", &m));
			vx_error_destroy(vx_member(ty, "vmap_node", "busy.head", &m));
			vx_error_destroy(vx_type_size(ty, "vmap_node", &sz));
			vx_types_destroy(ty);
		}
		blob[i] ^= 0xa5;
	}
	/* The header and type section corruptions must be caught. */
	assert_true(rejected > 24);
	blob[0] ^= 0xff;
	expect_rejected(blob, size);
	free(blob);
}

static void test_blob_read_from_target(void **state)
{
	struct vx_target *t = fake_mem_create();
	struct btf *b = btf__new_empty();
	struct kernelish_ids ids;
	struct vx_types *ty = NULL;
	uint64_t base = 0xffffffff82000000ULL;
	size_t size;
	uint8_t *blob;

	add_basics(b, &ids);
	add_vmap_area(b, &ids);
	blob = blob_of(b, &size);
	btf__free(b);
	fake_mem_add(t, base, blob, size);
	assert_null(vx_btf_types_from_target(t, base, base + size, &ty));
	assert_string_equal(ty->source, "BTF (dump)");
	types_expect_member(ty, "vmap_area", "flags", 64, 8);
	vx_types_destroy(ty);
	free(blob);
	fake_mem_destroy(t);
}

static void test_unreadable_or_absurd_target_range_fails(void **state)
{
	struct vx_target *t = fake_mem_create();
	uint64_t base = 0xffffffff82000000ULL;
	struct vx_types *ty = NULL;
	struct vx_error *err;
	size_t big = 3 << 20;
	uint8_t *zeros = calloc(1, big);

	/* Readable for 3 MiB, then a hole: the error names where the read failed. */
	fake_mem_add(t, base, zeros, big);
	err = vx_btf_types_from_target(t, base, base + big + 4096, &ty);
	assert_non_null(err);
	assert_int_equal(err->code, VX_ERR_FAULT);
	assert_non_null(strstr(err->message, "ffffffff82300000"));
	vx_error_destroy(err);
	/* Readable but not BTF. */
	err = vx_btf_types_from_target(t, base, base + 4096, &ty);
	assert_int_equal(err->code, VX_ERR_INVALID);
	vx_error_destroy(err);
	err = vx_btf_types_from_target(t, base, base + (65ULL << 20), &ty);
	assert_int_equal(err->code, VX_ERR_INVALID);
	vx_error_destroy(err);
	err = vx_btf_types_from_target(t, base, base, &ty);
	assert_int_equal(err->code, VX_ERR_INVALID);
	vx_error_destroy(err);
	assert_null(ty);
	free(zeros);
	fake_mem_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TYPES_CONTRACT_TESTS(btf_contract),
		cmocka_unit_test(test_decl_tag_and_type_tag_kinds_are_understood),
		cmocka_unit_test(test_complete_definition_preferred_and_first_wins),
		cmocka_unit_test(test_truncated_blobs_are_rejected_cleanly),
		cmocka_unit_test(test_corrupted_blobs_never_crash),
		cmocka_unit_test(test_blob_read_from_target),
		cmocka_unit_test(test_unreadable_or_absurd_target_range_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

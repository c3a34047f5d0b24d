/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A type source answers three questions: how large is a type, where is a
 * member inside it, and what is the value of an enum constant.  Backends: DWARF of a vmlinux (libdw), BTF from the
 * dump (libbpf), crash's gdb, and a table in the unit tests.  Nothing in
 * the core hard-codes a struct offset.
 */
#ifndef VMAPX_TYPES_H
#define VMAPX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct vx_member {
	uint64_t offset;	/* bytes from the start of the outer type */
	uint64_t size;		/* bytes of the member (whole array for arrays) */
};

struct vx_types {
	/* Shown by -v: "DWARF (vmlinux)", "BTF (dump)", ... */
	const char *source;
	/*
	 * type: a struct or union tag ("vmap_area") or a typedef name
	 * ("nodemask_t").  path: a member, or a dotted path through nested
	 * members ("busy.head"); members of anonymous structs and unions are
	 * found as if they were direct members.  VX_ERR_NOT_FOUND if absent.
	 */
	struct vx_error *(*member)(struct vx_types *ty, const char *type,
				   const char *path, struct vx_member *out);
	struct vx_error *(*size)(struct vx_types *ty, const char *type,
				 uint64_t *size);
	/*
	 * The value of the enumerator name ("PCPU_NR_CHUNK_TYPES"), of the
	 * first enum that has it: VX_ERR_NOT_FOUND if none has.  NULL in a
	 * source that knows no enums (then every constant is absent).
	 */
	struct vx_error *(*enum_value)(struct vx_types *ty, const char *name,
				       int64_t *value);
	void (*destroy)(struct vx_types *ty);
};

/*
 * width bytes at off lie inside a structure of size bytes.  Layouts come
 * from the dump (BTF, VMCOREINFO): a member checked with this before it is
 * taken from a copy of its structure cannot read past the copy.
 */
static inline bool vx_inside(uint64_t off, uint64_t width, uint64_t size)
{
	return off <= size && width <= size - off;
}

static inline struct vx_error *vx_member(struct vx_types *ty, const char *type,
					 const char *path, struct vx_member *out)
{
	return ty->member(ty, type, path, out);
}

static inline struct vx_error *vx_type_size(struct vx_types *ty,
					    const char *type, uint64_t *size)
{
	return ty->size(ty, type, size);
}

static inline struct vx_error *vx_type_enum_value(struct vx_types *ty,
						  const char *name,
						  int64_t *value)
{
	if (!ty->enum_value)
		return vx_error_create(VX_ERR_NOT_FOUND,
				       "%s: no enum constant '%s' (no enums)",
				       ty->source, name);
	return ty->enum_value(ty, name, value);
}

static inline void vx_types_destroy(struct vx_types *ty)
{
	if (ty)
		ty->destroy(ty);
}

/* BTF (lib/types_btf.c). */
struct vx_target;
struct vx_error *vx_btf_types_from_blob(const void *data, size_t size,
					struct vx_types **out);
/*
 * Split BTF (data, size: a module's) on the base BTF (vmlinux's): the
 * types of both (a name is looked up in the base first).
 */
struct vx_error *vx_btf_types_split(const void *base, size_t base_size,
				    const void *data, size_t size,
				    struct vx_types **out);
/* Read the blob [start, end) (__start_BTF, __stop_BTF) from the dump. */
struct vx_error *vx_btf_types_from_target(struct vx_target *t, uint64_t start,
					  uint64_t end, struct vx_types **out);

/* The DWARF of a vmlinux (-k) is the standalone tool's: tool/types_dwarf.h. */

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Answers of a type source, remembered: the walker and the feature tests
 * ask the same (type, member) questions again, present or absent.  And
 * the member-path walk every type source shares (BTF, DWARF).
 */
#ifndef VMAPX_TYPECACHE_H
#define VMAPX_TYPECACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "types.h"

struct vx_type_query;

struct vx_type_cache {
	struct vx_type_query *queries;
	size_t count;
};

/*
 * A member path ("busy.head") walked the same way for every backend: one
 * component at a time, each inside the struct or union the previous one
 * is, members of anonymous structs and unions found as direct ones.  The
 * backend keeps its position in a cursor and says what it is ("BTF").
 */
struct vx_path_ops {
	const char *source;
	size_t cursor_size;	/* bytes of the backend's cursor (zeroed) */
	/* Put the cursor on type with its typedefs and qualifiers peeled. */
	struct vx_error *(*start)(void *src, const char *type, void *cursor);
	bool (*is_aggregate)(void *src, void *cursor);
	/*
	 * Find member name in the aggregate at the cursor; *found false if
	 * absent.  *bits: bit offset from the outermost type, added to.
	 */
	struct vx_error *(*find)(void *src, void *cursor, const char *name,
				 uint64_t *bits, bool *found);
	/* Move the cursor into the found member's (peeled) type. */
	struct vx_error *(*descend)(void *src, void *cursor);
	/* Offset and size of the member found last. */
	struct vx_error *(*extent)(void *src, void *cursor, uint64_t bits,
				   struct vx_member *out);
};

/*
 * The cached answer for (type, path), else the walk's, which is then
 * remembered: a member found, or the NOT_FOUND message of one absent.
 * Other errors are returned and not remembered.
 */
struct vx_error *vx_type_cache_member(struct vx_type_cache *c, const char *type,
				      const char *path, struct vx_member *out,
				      const struct vx_path_ops *ops, void *src);
void vx_type_cache_free(struct vx_type_cache *c);

#endif

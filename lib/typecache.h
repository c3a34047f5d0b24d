/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Answers of a type source, remembered: the walker and the feature tests
 * ask the same (type, member) questions again, present or absent.
 */
#ifndef VMAPX_TYPECACHE_H
#define VMAPX_TYPECACHE_H

#include <stddef.h>

#include "types.h"

struct vx_type_query;

struct vx_type_cache {
	struct vx_type_query *queries;
	size_t count;
};

typedef struct vx_error *(*vx_resolve_member_fn)(void *source, const char *type,
						  const char *path,
						  struct vx_member *out);

/*
 * The cached answer for (type, path), else resolve()'s, which is then
 * remembered: a member found, or the NOT_FOUND message of one absent.
 * Other errors are returned and not remembered.
 */
struct vx_error *vx_type_cache_member(struct vx_type_cache *c, const char *type,
				      const char *path, struct vx_member *out,
				      vx_resolve_member_fn resolve,
				      void *source);
void vx_type_cache_free(struct vx_type_cache *c);

#endif

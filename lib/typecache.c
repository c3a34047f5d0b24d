// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "typecache.h"

/* The walker asks about 60 questions; this bounds a runaway caller. */
#define MAX_CACHED 4096
#define MAX_PATH 256

struct vx_type_query {
	char *type, *path;
	char *missing;		/* the NOT_FOUND message, or NULL if found */
	struct vx_member member;
};

static void free_query(struct vx_type_query *q)
{
	free(q->type);
	free(q->path);
	free(q->missing);
}

static struct vx_error *remember(struct vx_type_cache *c, const char *type,
				 const char *path, const char *missing,
				 const struct vx_member *m)
{
	struct vx_type_query *grown, *q;

	if (c->count >= MAX_CACHED)
		return NULL;
	grown = realloc(c->queries, (c->count + 1) * sizeof(*grown));
	if (!grown)
		return &vx_error_nomem;
	c->queries = grown;
	q = &grown[c->count];
	memset(q, 0, sizeof(*q));
	q->type = strdup(type);
	q->path = strdup(path);
	q->missing = missing ? strdup(missing) : NULL;
	if (!q->type || !q->path || (missing && !q->missing)) {
		free_query(q);
		return &vx_error_nomem;
	}
	if (m)
		q->member = *m;
	c->count++;
	return NULL;
}

/* The member at path in type, walked component by component. */
static struct vx_error *walk_path(const struct vx_path_ops *ops, void *src,
				  void *cursor, const char *type,
				  const char *path, struct vx_member *out)
{
	char buf[MAX_PATH], *component, *next;
	struct vx_error *err;
	uint64_t bits = 0;
	bool found;

	if (!*path || strlen(path) >= sizeof(buf))
		return vx_error_create(VX_ERR_USAGE, "bad member path '%s'", path);
	strcpy(buf, path);
	err = ops->start(src, type, cursor);
	for (component = buf; !err && component; component = next) {
		next = strchr(component, '.');
		if (next)
			*next++ = '\0';
		if (!ops->is_aggregate(src, cursor))
			return vx_error_create(VX_ERR_NOT_FOUND,
					       "%s.%s: '%s' is not inside a struct or union (%s)",
					       type, path, component, ops->source);
		found = false;
		err = ops->find(src, cursor, component, &bits, &found);
		if (!err && !found)
			return vx_error_create(VX_ERR_NOT_FOUND,
					       "no member '%s' in %s (%s)",
					       path, type, ops->source);
		if (!err && next)
			err = ops->descend(src, cursor);
	}
	return err ? err : ops->extent(src, cursor, bits, out);
}

static struct vx_error *resolve(const struct vx_path_ops *ops, void *src,
				const char *type, const char *path,
				struct vx_member *out)
{
	void *cursor = calloc(1, ops->cursor_size);
	struct vx_error *err;

	if (!cursor)
		return vx_error_nomem_in("%s member path", ops->source);
	err = walk_path(ops, src, cursor, type, path, out);
	free(cursor);
	return err;
}

struct vx_error *vx_type_cache_member(struct vx_type_cache *c, const char *type,
				      const char *path, struct vx_member *out,
				      const struct vx_path_ops *ops, void *src)
{
	struct vx_error *err, *cache_err;

	for (size_t i = 0; i < c->count; i++) {
		struct vx_type_query *q = &c->queries[i];

		if (strcmp(q->type, type) || strcmp(q->path, path))
			continue;
		if (q->missing)
			return vx_error_create(VX_ERR_NOT_FOUND, "%s", q->missing);
		*out = q->member;
		return NULL;
	}
	err = resolve(ops, src, type, path, out);
	if (err && !vx_error_is(err, VX_ERR_NOT_FOUND))
		return err;
	cache_err = remember(c, type, path, err ? err->message : NULL,
			     err ? NULL : out);
	if (cache_err) {
		vx_error_destroy(err);
		return cache_err;
	}
	return err;
}

void vx_type_cache_free(struct vx_type_cache *c)
{
	for (size_t i = 0; i < c->count; i++)
		free_query(&c->queries[i]);
	free(c->queries);
	c->queries = NULL;
	c->count = 0;
}


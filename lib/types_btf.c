// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Type source on the kernel's own BTF (libbpf parses it).  Every kernel
 * we support carries BTF in its image ([__start_BTF, __stop_BTF)), so a
 * dump alone tells us struct layouts; nothing here knows a kernel version.
 *
 * Lookups are cached: the walker asks a few dozen questions about a
 * dozen types, and finding a type by name is a linear pass over ~100k
 * BTF types.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "target.h"
#include "typecache.h"
#include "types.h"

/* The blobs of the kernels we know are 3.5-5.2 MiB; anything huge is garbage. */
#define BTF_MAX_BLOB (64UL << 20)
#define BTF_READ_CHUNK (1UL << 20)
/* Bounds against cycles in corrupted blobs. */
#define BTF_MAX_TYPE_CHAIN 64
#define BTF_MAX_ANON_DEPTH 16
/* Past this many distinct questions we stop caching (the walker asks ~60). */
#define BTF_MAX_CACHED 4096

struct btf_name_entry {
	char *name;
	uint32_t id;		/* 0: no usable type of that name */
};

struct btf_types {
	struct vx_types base;
	struct btf *btf;
	struct btf *base_btf;	/* split BTF (a module's): vmlinux's, else NULL */
	struct btf_name_entry *names;
	size_t nr_names;
	struct vx_type_cache cache;
};

/*
 * libbpf reports why it rejected a blob through its print callback; keep
 * the last warning so our error can say it instead of libbpf writing to
 * stderr behind our back.
 */
static char libbpf_last_warning[200];

static int capture_libbpf_warning(enum libbpf_print_level level,
				  const char *fmt, va_list ap)
{
	size_t len;

	if (level != LIBBPF_WARN)
		return 0;
	vsnprintf(libbpf_last_warning, sizeof(libbpf_last_warning), fmt, ap);
	len = strlen(libbpf_last_warning);
	while (len && (libbpf_last_warning[len - 1] == '\n' ||
		       libbpf_last_warning[len - 1] == ' '))
		libbpf_last_warning[--len] = '\0';
	return 0;
}

static const char *type_name(struct btf *btf, const struct btf_type *t)
{
	const char *name = btf__name_by_offset(btf, t->name_off);

	return name ? name : "";
}

/* Follow typedefs, const/volatile/restrict and type tags to the real type. */
static const struct btf_type *skip_mods_and_typedefs(struct btf *btf,
						     uint32_t id, uint32_t *out)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int steps;

	for (steps = 0; t && steps < BTF_MAX_TYPE_CHAIN; steps++) {
		if (!btf_is_mod(t) && !btf_is_typedef(t)) {
			if (out)
				*out = id;
			return t;
		}
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return NULL;
}

/*
 * How good a candidate for "name" is type t: a struct or union with
 * members beats an empty one, which beats a typedef naming a struct.
 */
static int candidate_rank(struct btf *btf, const struct btf_type *t)
{
	const struct btf_type *real;

	if (btf_is_composite(t))
		return btf_vlen(t) ? 3 : 2;
	if (!btf_is_typedef(t))
		return 0;
	real = skip_mods_and_typedefs(btf, t->type, NULL);
	return real && btf_is_composite(real) ? 1 : 0;
}

/* First type of the best rank, so the answer never depends on anything but the blob. */
static uint32_t scan_for_type(struct btf *btf, const char *name)
{
	uint32_t count = btf__type_cnt(btf), id, best = 0;
	int best_rank = 0;

	for (id = 1; id < count; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		int rank;

		if (!t || !t->name_off || strcmp(type_name(btf, t), name))
			continue;
		rank = candidate_rank(btf, t);
		if (rank > best_rank) {
			best_rank = rank;
			best = id;
			if (rank == 3)
				break;
		}
	}
	return best;
}

static struct vx_error *find_type(struct btf_types *bt, const char *name,
				  uint32_t *id)
{
	struct btf_name_entry *grown;
	size_t i;

	for (i = 0; i < bt->nr_names; i++) {
		if (!strcmp(bt->names[i].name, name)) {
			*id = bt->names[i].id;
			goto found;
		}
	}
	*id = scan_for_type(bt->btf, name);
	if (bt->nr_names < BTF_MAX_CACHED) {
		grown = realloc(bt->names, (bt->nr_names + 1) * sizeof(*grown));
		if (!grown)
			return vx_error_nomem_in("BTF name cache");
		bt->names = grown;
		grown[bt->nr_names].name = strdup(name);
		if (!grown[bt->nr_names].name)
			return vx_error_nomem_in("BTF name cache");
		grown[bt->nr_names++].id = *id;
	}
found:
	if (!*id)
		return vx_error_create(VX_ERR_NOT_FOUND,
				       "no struct, union or typedef '%s' in BTF",
				       name);
	return NULL;
}

/*
 * Find member "name" in composite type t, looking through anonymous
 * struct/union members as C does.  Adds the member's bit offset to
 * *bit_offset and returns its index in *owner's member list.
 */
static bool find_direct_or_anon(struct btf *btf, const struct btf_type *t,
				const char *name, int depth, uint64_t *bit_offset,
				const struct btf_type **owner, int *index)
{
	const struct btf_member *m = btf_members(t);
	int i, vlen = btf_vlen(t);

	if (depth > BTF_MAX_ANON_DEPTH)
		return false;
	for (i = 0; i < vlen; i++, m++) {
		const struct btf_type *inner;

		if (m->name_off) {
			if (strcmp(btf__name_by_offset(btf, m->name_off) ?: "",
				   name))
				continue;
			*bit_offset += btf_member_bit_offset(t, i);
			*owner = t;
			*index = i;
			return true;
		}
		inner = skip_mods_and_typedefs(btf, m->type, NULL);
		if (!inner || !btf_is_composite(inner))
			continue;
		if (find_direct_or_anon(btf, inner, name, depth + 1, bit_offset,
					owner, index)) {
			*bit_offset += btf_member_bit_offset(t, i);
			return true;
		}
	}
	return false;
}

/*
 * Bitfields: the offset is that of the byte holding the first bit, and
 * the size covers every byte the field touches.
 */
static struct vx_error *member_extent(struct btf *btf,
				      const struct btf_type *owner, int index,
				      uint64_t bit_offset, struct vx_member *out)
{
	uint32_t bits = btf_member_bitfield_size(owner, index);
	int64_t size;

	out->offset = bit_offset / 8;
	if (bits) {
		out->size = (bit_offset % 8 + bits + 7) / 8;
		return NULL;
	}
	size = btf__resolve_size(btf, btf_members(owner)[index].type);
	if (size < 0)
		return vx_error_create(VX_ERR_INVALID,
				       "BTF: cannot size member type %u",
				       btf_members(owner)[index].type);
	out->size = size;
	return NULL;
}

/* Where a BTF path walk is: the type it is in, the member found last. */
struct btf_cursor {
	const struct btf_type *t, *owner;
	int index;
};

static struct vx_error *btf_path_start(void *src, const char *type,
				       void *cursor)
{
	struct btf_types *bt = src;
	struct btf_cursor *c = cursor;
	struct vx_error *err;
	uint32_t id;

	err = find_type(bt, type, &id);
	if (!err)
		c->t = skip_mods_and_typedefs(bt->btf, id, NULL);
	return err;
}

static bool btf_path_is_aggregate(void *src, void *cursor)
{
	struct btf_cursor *c = cursor;

	return c->t && btf_is_composite(c->t);
}

static struct vx_error *btf_path_find(void *src, void *cursor,
				      const char *name, uint64_t *bits,
				      bool *found)
{
	struct btf_types *bt = src;
	struct btf_cursor *c = cursor;

	*found = find_direct_or_anon(bt->btf, c->t, name, 0, bits, &c->owner,
				     &c->index);
	return NULL;
}

static struct vx_error *btf_path_descend(void *src, void *cursor)
{
	struct btf_types *bt = src;
	struct btf_cursor *c = cursor;

	c->t = skip_mods_and_typedefs(bt->btf,
				      btf_members(c->owner)[c->index].type, NULL);
	return NULL;
}

static struct vx_error *btf_path_extent(void *src, void *cursor,
					uint64_t bits, struct vx_member *out)
{
	struct btf_types *bt = src;
	struct btf_cursor *c = cursor;

	return member_extent(bt->btf, c->owner, c->index, bits, out);
}

static const struct vx_path_ops btf_path_ops = {
	.source = "BTF",
	.cursor_size = sizeof(struct btf_cursor),
	.start = btf_path_start,
	.is_aggregate = btf_path_is_aggregate,
	.find = btf_path_find,
	.descend = btf_path_descend,
	.extent = btf_path_extent,
};

static struct vx_error *btf_member(struct vx_types *ty, const char *type,
				   const char *path, struct vx_member *out)
{
	struct btf_types *bt = (struct btf_types *)ty;

	return vx_type_cache_member(&bt->cache, type, path, out, &btf_path_ops,
				    bt);
}

static struct vx_error *btf_size(struct vx_types *ty, const char *type,
				 uint64_t *size)
{
	struct btf_types *bt = (struct btf_types *)ty;
	struct vx_error *err;
	uint32_t id;
	int64_t bytes;

	err = find_type(bt, type, &id);
	if (err)
		return err;
	bytes = btf__resolve_size(bt->btf, id);
	if (bytes < 0)
		return vx_error_create(VX_ERR_INVALID,
				       "BTF: cannot size type '%s'", type);
	*size = bytes;
	return NULL;
}

/* A linear pass over the types: a rule asks for one or two constants. */
static struct vx_error *btf_enum_value(struct vx_types *ty, const char *name,
				       int64_t *value)
{
	struct btf_types *bt = (struct btf_types *)ty;
	uint32_t count = btf__type_cnt(bt->btf);

	for (uint32_t id = 1; id < count; id++) {
		const struct btf_type *t = btf__type_by_id(bt->btf, id);
		bool is_signed = t && btf_kflag(t);

		if (!t || !btf_is_any_enum(t))
			continue;
		for (uint16_t i = 0; i < btf_vlen(t); i++) {
			if (btf_is_enum(t)) {
				const struct btf_enum *e = btf_enum(t) + i;

				if (strcmp(btf__name_by_offset(bt->btf, e->name_off) ?: "", name))
					continue;
				*value = is_signed ? (int64_t)(int32_t)e->val :
					 (int64_t)(uint32_t)e->val;
				return NULL;
			}
			const struct btf_enum64 *e = btf_enum64(t) + i;

			if (strcmp(btf__name_by_offset(bt->btf, e->name_off) ?: "", name))
				continue;
			*value = (int64_t)btf_enum64_value(e);
			return NULL;
		}
	}
	return vx_error_create(VX_ERR_NOT_FOUND, "no enum constant '%s' in BTF",
			       name);
}

static void btf_destroy(struct vx_types *ty)
{
	struct btf_types *bt = (struct btf_types *)ty;
	size_t i;

	for (i = 0; i < bt->nr_names; i++)
		free(bt->names[i].name);
	free(bt->names);
	vx_type_cache_free(&bt->cache);
	btf__free(bt->btf);
	btf__free(bt->base_btf);
	free(bt);
}

struct vx_error *vx_btf_types_from_blob(const void *data, size_t size,
					struct vx_types **out)
{
	libbpf_print_fn_t previous;
	struct btf_types *bt;
	int saved_errno;

	if (size > BTF_MAX_BLOB)
		return vx_error_create(VX_ERR_INVALID,
				       "BTF blob of %zu bytes is larger than %lu MiB",
				       size, BTF_MAX_BLOB >> 20);
	bt = calloc(1, sizeof(*bt));
	if (!bt)
		return vx_error_nomem_in("BTF type source");
	libbpf_last_warning[0] = '\0';
	previous = libbpf_set_print(capture_libbpf_warning);
	bt->btf = btf__new(data, size);
	saved_errno = errno;
	libbpf_set_print(previous);
	if (!bt->btf) {
		free(bt);
		return vx_error_create(VX_ERR_INVALID,
				       "BTF blob of %zu bytes rejected: %s",
				       size, libbpf_last_warning[0] ?
				       libbpf_last_warning : strerror(saved_errno));
	}
	bt->base.source = "BTF";
	bt->base.member = btf_member;
	bt->base.size = btf_size;
	bt->base.enum_value = btf_enum_value;
	bt->base.destroy = btf_destroy;
	*out = &bt->base;
	return NULL;
}

struct vx_error *vx_btf_types_from_target(struct vx_target *t, uint64_t start,
					  uint64_t end, struct vx_types **out)
{
	const char *dump = t->name ? t->name : "dump";
	struct vx_error *err;
	uint64_t size, done;
	uint8_t *blob;

	if (end <= start || end - start > BTF_MAX_BLOB)
		return vx_error_create(VX_ERR_INVALID,
				       "%s: BTF range [0x%lx, 0x%lx) is empty or larger than %lu MiB",
				       dump, (unsigned long)start,
				       (unsigned long)end, BTF_MAX_BLOB >> 20);
	size = end - start;
	blob = malloc(size);
	if (!blob)
		return vx_error_nomem_in("%s: BTF blob of %lu bytes", dump,
					 (unsigned long)size);
	for (done = 0; done < size; done += BTF_READ_CHUNK) {
		uint64_t chunk = size - done;

		if (chunk > BTF_READ_CHUNK)
			chunk = BTF_READ_CHUNK;
		err = vx_read(t, start + done, blob + done, chunk);
		if (err) {
			err = vx_error_wrap(err, "%s: reading BTF at 0x%lx",
					    dump, (unsigned long)(start + done));
			goto out;
		}
	}
	err = vx_btf_types_from_blob(blob, size, out);
	if (err) {
		err = vx_error_wrap(err, "%s: BTF at 0x%lx", dump,
				    (unsigned long)start);
		goto out;
	}
	(*out)->source = "BTF (dump)";
out:
	free(blob);
	return err;
}

/*
 * A module's BTF is split BTF: its type ids go on from the last of
 * vmlinux's.  libbpf 1.1 (bookworm) declares btf__new_split but does not
 * export it, so the blob goes through a memfd to btf__parse_raw_split.
 */
static struct btf *parse_split(const void *data, size_t size, struct btf *base)
{
	char path[64];
	struct btf *btf = NULL;
	int fd = memfd_create("vmapx-btf", MFD_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		return NULL;
	while (done < size) {
		ssize_t n = write(fd, (const char *)data + done, size - done);

		if (n <= 0)
			goto out;
		done += n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	btf = btf__parse_raw_split(path, base);
out:
	close(fd);
	return btf;
}

struct vx_error *vx_btf_types_split(const void *base, size_t base_size,
				    const void *data, size_t size,
				    struct vx_types **out)
{
	libbpf_print_fn_t previous;
	struct btf_types *bt;
	int saved_errno;

	if (base_size > BTF_MAX_BLOB || size > BTF_MAX_BLOB)
		return vx_error_create(VX_ERR_INVALID,
				       "BTF blob larger than %lu MiB",
				       BTF_MAX_BLOB >> 20);
	bt = calloc(1, sizeof(*bt));
	if (!bt)
		return vx_error_nomem_in("split BTF type source");
	libbpf_last_warning[0] = '\0';
	previous = libbpf_set_print(capture_libbpf_warning);
	bt->base_btf = btf__new(base, base_size);
	if (bt->base_btf)
		bt->btf = parse_split(data, size, bt->base_btf);
	saved_errno = errno;
	libbpf_set_print(previous);
	if (!bt->btf) {
		btf__free(bt->base_btf);
		free(bt);
		return vx_error_create(VX_ERR_INVALID,
				       "split BTF blob of %zu bytes rejected: %s",
				       size, libbpf_last_warning[0] ?
				       libbpf_last_warning : strerror(saved_errno));
	}
	bt->base.source = "BTF (module)";
	bt->base.member = btf_member;
	bt->base.size = btf_size;
	bt->base.destroy = btf_destroy;
	*out = &bt->base;
	return NULL;
}

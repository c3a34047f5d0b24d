// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Decoding the kernel's kallsyms tables from the dump (scripts/kallsyms.c
 * writes them, kernel/kallsyms.c reads them):
 *   names:  per symbol a length (one byte, or two when the first has bit 7
 *           set: a ULEB128 of at most 14 bits) and that many token bytes;
 *   tokens: each byte expands to token_table[token_index[byte]];
 *   offsets: s32 per symbol, decoded relative to relative_base (with
 *           absolute per-cpu symbols) or, without relative_base, to the
 *           address of the offset itself (pc-relative, 6.15+).
 * The first expanded character is the type letter.
 */
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"
#include "target.h"

#define MAX_SYMS	(1U << 23)	/* 8M; real kernels have 100-200K */
#define MAX_NAMES_BYTES	(128UL << 20)
#define NAMES_CHUNK	(256UL << 10)
#define KSYM_NAME_MAX	511		/* KSYM_NAME_LEN - 1 on 6.1+ */

struct vx_kallsyms {
	uint32_t count;
	uint64_t *addrs;
	uint8_t *names;		/* raw names table */
	uint32_t *name_pos;	/* offset of each entry in names */
	char *tokens[256];
	char *token_table;
	/* Expanded names for lookups by name, built on first use. */
	char **expanded;
	uint32_t *hash_slots;	/* index + 1, 0 = empty */
	uint32_t hash_size;
	char scratch[KSYM_NAME_MAX + 2];
};

uint32_t vx_kallsyms_count(const struct vx_kallsyms *ks)
{
	return ks->count;
}

uint64_t vx_kallsyms_address(const struct vx_kallsyms *ks, uint32_t index)
{
	return index < ks->count ? ks->addrs[index] : 0;
}

static struct vx_error *load_tokens(struct vx_target *t,
				    const struct vx_kallsyms_loc *loc,
				    struct vx_kallsyms *ks)
{
	uint16_t index[256];
	size_t size = 0;
	struct vx_error *err;

	err = vx_read(t, loc->token_index, index, sizeof(index));
	if (err)
		return vx_error_wrap(err, "reading kallsyms_token_index");
	for (int i = 0; i < 256; i++)
		if (index[i] > size)
			size = index[i];
	/* The longest token is far shorter than this; checked below. */
	size += 256;
	ks->token_table = malloc(size + 1);
	if (!ks->token_table)
		return &vx_error_nomem;
	err = vx_read(t, loc->token_table, ks->token_table, size);
	if (err)
		return vx_error_wrap(err, "reading kallsyms_token_table");
	ks->token_table[size] = '\0';
	for (int i = 0; i < 256; i++) {
		if (!memchr(ks->token_table + index[i], '\0', size - index[i]))
			return vx_error_create(VX_ERR_INVALID,
					       "kallsyms token %d at 0x%lx is not terminated",
					       i, (unsigned long)loc->token_table);
		ks->tokens[i] = ks->token_table + index[i];
	}
	return NULL;
}

/* Length prefix of the entry at names[pos]; 0 bytes consumed if short. */
static size_t entry_length(const uint8_t *names, size_t avail, size_t pos,
			   size_t *hdr)
{
	size_t len;

	if (pos >= avail)
		return (size_t)-1;
	len = names[pos];
	*hdr = 1;
	if (len & 0x80) {
		if (pos + 1 >= avail)
			return (size_t)-1;
		len = (len & 0x7f) | ((size_t)names[pos + 1] << 7);
		*hdr = 2;
	}
	return len;
}

static struct vx_error *load_names(struct vx_target *t,
				   const struct vx_kallsyms_loc *loc,
				   struct vx_kallsyms *ks)
{
	size_t have = 0, cap = 0, pos = 0;
	struct vx_error *err;

	ks->name_pos = malloc(sizeof(*ks->name_pos) * ks->count);
	if (!ks->name_pos)
		return &vx_error_nomem;
	for (uint32_t i = 0; i < ks->count; i++) {
		size_t hdr, len;

		/* Make sure the header and the body are in the buffer. */
		for (;;) {
			len = entry_length(ks->names, have, pos, &hdr);
			if (len != (size_t)-1 && pos + hdr + len <= have)
				break;
			if (have + NAMES_CHUNK > MAX_NAMES_BYTES)
				return vx_error_create(VX_ERR_INVALID,
						       "kallsyms_names at 0x%lx: more than %lu MiB for %u symbols",
						       (unsigned long)loc->names,
						       MAX_NAMES_BYTES >> 20, ks->count);
			if (have + NAMES_CHUNK > cap) {
				uint8_t *bigger;

				cap = cap ? cap * 2 : 4 * NAMES_CHUNK;
				bigger = realloc(ks->names, cap);
				if (!bigger)
					return &vx_error_nomem;
				ks->names = bigger;
			}
			err = vx_read(t, loc->names + have, ks->names + have,
				      NAMES_CHUNK);
			if (err)
				return vx_error_wrap(err,
						     "reading kallsyms_names (symbol %u of %u)",
						     i, ks->count);
			have += NAMES_CHUNK;
		}
		if (len == 0)
			return vx_error_create(VX_ERR_INVALID,
					       "kallsyms_names at 0x%lx: symbol %u has no name",
					       (unsigned long)loc->names, i);
		ks->name_pos[i] = pos;
		pos += hdr + len;
	}
	return NULL;
}

static struct vx_error *load_addresses(struct vx_target *t,
				       const struct vx_kallsyms_loc *loc,
				       struct vx_kallsyms *ks)
{
	uint64_t relative_base = 0;
	struct vx_error *err;
	int32_t *offsets;
	bool absolute_percpu = true;

	offsets = malloc(sizeof(*offsets) * ks->count);
	ks->addrs = malloc(sizeof(*ks->addrs) * ks->count);
	if (!offsets || !ks->addrs) {
		free(offsets);
		return &vx_error_nomem;
	}
	err = vx_read(t, loc->offsets, offsets, sizeof(*offsets) * ks->count);
	if (err) {
		free(offsets);
		return vx_error_wrap(err, "reading kallsyms_offsets");
	}
	if (loc->relative_base) {
		err = vx_read_u64(t, loc->relative_base, &relative_base);
		if (err) {
			free(offsets);
			return vx_error_wrap(err, "reading kallsyms_relative_base");
		}
	}
again:
	for (uint32_t i = 0; i < ks->count; i++) {
		int32_t off = offsets[i];
		uint64_t addr;

		if (!loc->relative_base)
			addr = loc->offsets + 4ULL * i + (int64_t)off;
		else if (!absolute_percpu)
			addr = relative_base + (uint32_t)off;
		else if (off >= 0)
			addr = off;
		else
			addr = relative_base - 1 - off;
		ks->addrs[i] = addr;
		if (i && addr < ks->addrs[i - 1]) {
			/* Kernels without KALLSYMS_ABSOLUTE_PERCPU. */
			if (loc->relative_base && absolute_percpu) {
				absolute_percpu = false;
				goto again;
			}
			free(offsets);
			return vx_error_create(VX_ERR_INVALID,
					       "kallsyms_offsets at 0x%lx: symbol %u goes back to 0x%lx",
					       (unsigned long)loc->offsets, i,
					       (unsigned long)addr);
		}
	}
	free(offsets);
	return NULL;
}

struct vx_error *vx_kallsyms_load(struct vx_target *t,
				  const struct vx_kallsyms_loc *loc,
				  struct vx_kallsyms **out)
{
	struct vx_kallsyms *ks;
	struct vx_error *err;
	uint32_t count;

	if (!loc->num_syms || !loc->names || !loc->token_table ||
	    !loc->token_index || !loc->offsets)
		return vx_error_create(VX_ERR_NOT_FOUND,
				       "kallsyms tables incomplete (%s)",
				       loc->how ? loc->how : "no source");
	err = vx_read_u32(t, loc->num_syms, &count);
	if (err)
		return vx_error_wrap(err, "reading kallsyms_num_syms");
	if (count == 0 || count > MAX_SYMS)
		return vx_error_create(VX_ERR_INVALID,
				       "kallsyms_num_syms at 0x%lx is %u",
				       (unsigned long)loc->num_syms, count);
	ks = calloc(1, sizeof(*ks));
	if (!ks)
		return &vx_error_nomem;
	ks->count = count;
	err = load_tokens(t, loc, ks);
	if (!err)
		err = load_names(t, loc, ks);
	if (!err)
		err = load_addresses(t, loc, ks);
	if (err) {
		vx_kallsyms_free(ks);
		return err;
	}
	*out = ks;
	return NULL;
}

void vx_kallsyms_free(struct vx_kallsyms *ks)
{
	if (!ks)
		return;
	if (ks->expanded) {
		for (uint32_t i = 0; i < ks->count; i++)
			free(ks->expanded[i]);
		free(ks->expanded);
	}
	free(ks->hash_slots);
	free(ks->addrs);
	free(ks->names);
	free(ks->name_pos);
	free(ks->token_table);
	free(ks);
}

/* Expand entry index into buf (type letter first), truncated like the kernel. */
static void expand(const struct vx_kallsyms *ks, uint32_t index, char *buf,
		   size_t max)
{
	size_t pos = ks->name_pos[index], hdr, len, n = 0;

	len = entry_length(ks->names, pos + 2, pos, &hdr);
	for (size_t i = 0; i < len; i++) {
		const char *tok = ks->tokens[ks->names[pos + hdr + i]];

		while (*tok && n < max - 1)
			buf[n++] = *tok++;
	}
	buf[n] = '\0';
}

const char *vx_kallsyms_name(struct vx_kallsyms *ks, uint32_t index,
			     char *type)
{
	if (index >= ks->count)
		return NULL;
	if (ks->expanded && ks->expanded[index]) {
		if (type)
			*type = ks->expanded[index][0];
		return ks->expanded[index] + 1;
	}
	expand(ks, index, ks->scratch, sizeof(ks->scratch));
	if (type)
		*type = ks->scratch[0];
	return ks->scratch[0] ? ks->scratch + 1 : ks->scratch;
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static struct vx_error *build_name_index(struct vx_kallsyms *ks)
{
	ks->expanded = calloc(ks->count, sizeof(*ks->expanded));
	ks->hash_size = 1;
	while (ks->hash_size < ks->count * 2)
		ks->hash_size <<= 1;
	ks->hash_slots = calloc(ks->hash_size, sizeof(*ks->hash_slots));
	if (!ks->expanded || !ks->hash_slots)
		return &vx_error_nomem;
	for (uint32_t i = 0; i < ks->count; i++) {
		uint32_t slot;

		expand(ks, i, ks->scratch, sizeof(ks->scratch));
		ks->expanded[i] = strdup(ks->scratch);
		if (!ks->expanded[i])
			return &vx_error_nomem;
		slot = name_hash(ks->expanded[i] + 1) & (ks->hash_size - 1);
		while (ks->hash_slots[slot])
			slot = (slot + 1) & (ks->hash_size - 1);
		ks->hash_slots[slot] = i + 1;
	}
	return NULL;
}

struct vx_error *vx_kallsyms_lookup_name(struct vx_kallsyms *ks,
					 const char *name, uint64_t *addr)
{
	uint32_t slot, best = UINT32_MAX;

	if (!ks->hash_slots) {
		struct vx_error *err = build_name_index(ks);

		if (err)
			return err;
	}
	slot = name_hash(name) & (ks->hash_size - 1);
	/* Several symbols may share a name: the first in table order wins. */
	for (; ks->hash_slots[slot]; slot = (slot + 1) & (ks->hash_size - 1)) {
		uint32_t i = ks->hash_slots[slot] - 1;

		if (!strcmp(ks->expanded[i] + 1, name) && i < best)
			best = i;
	}
	if (best == UINT32_MAX)
		return vx_error_create(VX_ERR_NOT_FOUND,
				       "symbol %s not in kallsyms", name);
	*addr = ks->addrs[best];
	return NULL;
}

bool vx_kallsyms_lookup_addr(const struct vx_kallsyms *ks, uint64_t addr,
			     uint32_t *index, uint64_t *start, uint64_t *next)
{
	uint32_t low = 0, high = ks->count;

	if (!ks->count || addr < ks->addrs[0])
		return false;
	while (high - low > 1) {
		uint32_t mid = low + (high - low) / 2;

		if (ks->addrs[mid] <= addr)
			low = mid;
		else
			high = mid;
	}
	/* Aliases: the kernel prints the first of equal addresses. */
	while (low && ks->addrs[low - 1] == ks->addrs[low])
		low--;
	*index = low;
	*start = ks->addrs[low];
	*next = 0;
	for (uint32_t i = low + 1; i < ks->count; i++) {
		if (ks->addrs[i] > *start) {
			*next = ks->addrs[i];
			break;
		}
	}
	return true;
}

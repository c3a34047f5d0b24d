// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Decoding the kernel's kallsyms tables from the dump (scripts/kallsyms.c
 * writes them, kernel/kallsyms.c reads them):
 *   names:  per symbol a length (one byte, or two when the first has bit 7
 *           set: a ULEB128 of at most 14 bits) and that many token bytes;
 *   tokens: each byte expands to token_table[token_index[byte]];
 *   offsets: s32 per symbol, in one of three encodings (x86_64):
 *     absolute per-cpu  4.6-6.14, KALLSYMS_ABSOLUTE_PERCPU: off >= 0 is
 *                       the address (a per-cpu offset), else the address
 *                       is relative_base - 1 - off;
 *     base-relative     6.15-6.19, after 01157ddc58dc ("kallsyms: Remove
 *                       KALLSYMS_ABSOLUTE_PERCPU"; x86 per-cpu symbols
 *                       became image addresses): relative_base + (u32)off;
 *     pc-relative       7.0+, after a081b5789255 ("kallsyms: Get rid of
 *                       kallsyms relative base"): &offsets[i] + off, and
 *                       no kallsyms_relative_base at all.
 *   The table does not say which: the shape proposes one (see
 *   candidates()), and the decoded addresses must agree with what the
 *   dump states on its own (VMCOREINFO SYMBOL()s, KERNELOFFSET, text in
 *   the kernel image) before they are used.
 * The first expanded character is the type letter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"
#include "target.h"
#include "vmcoreinfo.h"

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
	enum vx_ksym_encoding encoding;
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

/* ---- addresses: decoded by the table's encoding, checked against the dump */

#define START_KERNEL_MAP	0xffffffff80000000ULL	/* x86_64 __START_KERNEL_map */
#define KERNEL_IMAGE_MAX	(1ULL << 30)	/* largest KERNEL_IMAGE_SIZE */
#define PHYSICAL_ALIGN_MIN	(2ULL << 20)	/* x86_64 CONFIG_PHYSICAL_ALIGN floor */
#define WHY_MAX			240

const char *vx_kallsyms_encoding_name(enum vx_ksym_encoding e)
{
	switch (e) {
	case VX_KSYM_ABSOLUTE_PERCPU:
		return "base-relative with absolute per-cpu";
	case VX_KSYM_BASE_RELATIVE:
		return "base-relative";
	case VX_KSYM_PC_RELATIVE:
		return "pc-relative";
	}
	return "unknown";
}

enum vx_ksym_encoding vx_kallsyms_encoding(const struct vx_kallsyms *ks)
{
	return ks->encoding;
}

static uint64_t decode_one(const struct vx_kallsyms_loc *loc, uint64_t base,
			   enum vx_ksym_encoding e, uint32_t i, int32_t off)
{
	switch (e) {
	case VX_KSYM_ABSOLUTE_PERCPU:
		return off >= 0 ? (uint64_t)off : base - 1 - (int64_t)off;
	case VX_KSYM_BASE_RELATIVE:
		return base + (uint32_t)off;
	case VX_KSYM_PC_RELATIVE:
		break;
	}
	return loc->offsets + 4ULL * i + (int64_t)off;
}

/* Fill ks->addrs; false if the addresses go backwards (never in a real table). */
static bool decode(struct vx_kallsyms *ks, const struct vx_kallsyms_loc *loc,
		   const int32_t *offsets, uint64_t base,
		   enum vx_ksym_encoding e, char *why)
{
	for (uint32_t i = 0; i < ks->count; i++) {
		ks->addrs[i] = decode_one(loc, base, e, i, offsets[i]);
		if (i && ks->addrs[i] < ks->addrs[i - 1]) {
			snprintf(why, WHY_MAX, "symbol %u goes back to 0x%lx",
				 i, (unsigned long)ks->addrs[i]);
			return false;
		}
	}
	return true;
}

static bool in_image(uint64_t addr)
{
	return addr >= START_KERNEL_MAP &&
	       addr - START_KERNEL_MAP < KERNEL_IMAGE_MAX;
}

static char type_of(const struct vx_kallsyms *ks, uint32_t i)
{
	size_t pos = ks->name_pos[i], hdr;

	entry_length(ks->names, pos + 2, pos, &hdr);
	return ks->tokens[ks->names[pos + hdr]][0];
}

/* Every text symbol lies in the kernel image mapping, and there is one. */
static bool text_in_image(struct vx_kallsyms *ks, char *why)
{
	uint32_t text = 0;

	for (uint32_t i = 0; i < ks->count; i++) {
		char type = type_of(ks, i);

		if (type != 't' && type != 'T')
			continue;
		text++;
		if (!in_image(ks->addrs[i])) {
			snprintf(why, WHY_MAX,
				 "text symbol %.64s at 0x%lx is outside the kernel image mapping",
				 vx_kallsyms_name(ks, i, NULL),
				 (unsigned long)ks->addrs[i]);
			return false;
		}
	}
	if (!text)
		snprintf(why, WHY_MAX, "no text symbol");
	return text > 0;
}

/* Indices of name in the name index, first to last; UINT32_MAX at the end. */
static uint32_t next_named(const struct vx_kallsyms *ks, const char *name,
			   uint32_t *slot)
{
	for (; ks->hash_slots[*slot];
	     *slot = (*slot + 1) & (ks->hash_size - 1)) {
		uint32_t i = ks->hash_slots[*slot] - 1;

		if (!strcmp(ks->expanded[i] + 1, name)) {
			*slot = (*slot + 1) & (ks->hash_size - 1);
			return i;
		}
	}
	return UINT32_MAX;
}

enum named { NAMED_ABSENT, NAMED_AT, NAMED_ELSEWHERE };

/* Does kallsyms have name at addr?  *seen: where it has it otherwise. */
static enum named named_at(const struct vx_kallsyms *ks, const char *name,
			   uint64_t addr, uint64_t *seen)
{
	uint32_t slot = name_hash(name) & (ks->hash_size - 1), i;
	enum named r = NAMED_ABSENT;

	while ((i = next_named(ks, name, &slot)) != UINT32_MAX) {
		if (ks->addrs[i] == addr)
			return NAMED_AT;
		*seen = ks->addrs[i];
		r = NAMED_ELSEWHERE;
	}
	return r;
}

/* Lowest index named name (several symbols may share a name). */
static bool first_named(const struct vx_kallsyms *ks, const char *name,
			uint64_t *addr)
{
	uint32_t slot = name_hash(name) & (ks->hash_size - 1), i;
	uint32_t best = UINT32_MAX;

	while ((i = next_named(ks, name, &slot)) != UINT32_MAX)
		if (i < best)
			best = i;
	if (best == UINT32_MAX)
		return false;
	*addr = ks->addrs[best];
	return true;
}

/*
 * VMCOREINFO_SYMBOL_ARRAY() prints the name's value: for SPARSEMEM_EXTREME's
 * mem_section (a pointer) and x86's vmemmap (a macro for VMEMMAP_START)
 * that is not a symbol's address.
 */
static bool printed_by_value(const char *name)
{
	return !strcmp(name, "mem_section") || !strcmp(name, "vmemmap");
}

static bool parse_hex(const char *s, uint64_t *val)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*val = strtoull(s, &end, 16);
	return !errno && !*end;
}

/*
 * Every SYMBOL(name)=addr of VMCOREINFO that kallsyms knows must be at
 * addr (aliases count: the name may be there more than once).  Returns
 * how many agree, -1 at the first that does not.
 */
static int vmcoreinfo_agrees(struct vx_kallsyms *ks,
			     const struct vx_vmcoreinfo *v, char *why)
{
	int agree = 0;

	for (size_t k = 0; k < v->count; k++) {
		const char *key = v->keys[k];
		size_t len = strlen(key);
		char name[128];
		uint64_t addr, seen = 0;

		if (strncmp(key, "SYMBOL(", 7) || key[len - 1] != ')' ||
		    len - 8 >= sizeof(name))
			continue;
		memcpy(name, key + 7, len - 8);
		name[len - 8] = '\0';
		/*
		 * The value at hand: looking the key up again is O(lines).
		 * Every vmlinux symbol VMCOREINFO can name by address is in
		 * the image mapping; a value elsewhere was printed by value
		 * (a pointer), whatever the name, and says nothing here.
		 */
		if (printed_by_value(name) || !parse_hex(v->values[k], &addr) ||
		    !in_image(addr))
			continue;
		switch (named_at(ks, name, addr, &seen)) {
		case NAMED_ABSENT:
			continue;
		case NAMED_AT:
			agree++;
			continue;
		case NAMED_ELSEWHERE:
			snprintf(why, WHY_MAX,
				 "VMCOREINFO SYMBOL(%s)=0x%lx, kallsyms says 0x%lx",
				 name, (unsigned long)addr, (unsigned long)seen);
			return -1;
		}
	}
	return agree;
}

/*
 * KERNELOFFSET is _text minus its link address (kaslr_offset()), and the
 * link address is __START_KERNEL_map + CONFIG_PHYSICAL_START rounded to
 * CONFIG_PHYSICAL_ALIGN (a multiple of 2 MiB on x86_64; Debian's is
 * 0xffffffff81000000).  So _text - KERNELOFFSET is 2 MiB aligned inside
 * the image mapping.
 */
static bool kerneloffset_agrees(struct vx_kallsyms *ks,
				const struct vx_vmcoreinfo *v, char *why)
{
	uint64_t off = vx_vmcoreinfo_kerneloffset(v), text, link;

	/* x86_64 puts _text and _stext at the same address. */
	if (!vx_vmcoreinfo_get(v, "KERNELOFFSET") ||
	    (!first_named(ks, "_text", &text) &&
	     !first_named(ks, "_stext", &text)))
		return true;
	link = text - off;
	if (in_image(link) && link % PHYSICAL_ALIGN_MIN == 0)
		return true;
	snprintf(why, WHY_MAX,
		 "kallsyms puts _text at 0x%lx: with KERNELOFFSET=%lx its link address 0x%lx is no x86_64 kernel's",
		 (unsigned long)text, (unsigned long)off, (unsigned long)link);
	return false;
}

static bool agrees_with_dump(struct vx_kallsyms *ks,
			     const struct vx_vmcoreinfo *v, char *why)
{
	int agree;

	if (!text_in_image(ks, why))
		return false;
	if (!v)
		return true;
	if (!kerneloffset_agrees(ks, v, why))
		return false;
	agree = vmcoreinfo_agrees(ks, v, why);
	if (agree == 0 && vx_vmcoreinfo_get(v, "SYMBOL(_stext)")) {
		snprintf(why, WHY_MAX, "no VMCOREINFO SYMBOL() is in kallsyms");
		return false;
	}
	return agree >= 0;
}

/*
 * The encodings to try, the one the table's shape says first:
 *  - no kallsyms_relative_base: pc-relative (7.0+);
 *  - a negative offset: absolute per-cpu (up to 6.14 every symbol but
 *    the per-cpu ones is stored as relative_base - 1 - address);
 *  - none negative: base-relative (6.15+; offsets from the lowest
 *    address, and the image spans far less than 2 GiB).
 */
static int candidates(const struct vx_kallsyms_loc *loc, const int32_t *offsets,
		      uint32_t count, enum vx_ksym_encoding *e)
{
	bool negative = false;

	if (!loc->relative_base) {
		e[0] = VX_KSYM_PC_RELATIVE;
		return 1;
	}
	for (uint32_t i = 0; i < count && !negative; i++)
		negative = offsets[i] < 0;
	e[0] = negative ? VX_KSYM_ABSOLUTE_PERCPU : VX_KSYM_BASE_RELATIVE;
	e[1] = negative ? VX_KSYM_BASE_RELATIVE : VX_KSYM_ABSOLUTE_PERCPU;
	return 2;
}

static struct vx_error *read_offsets(struct vx_target *t,
				     const struct vx_kallsyms_loc *loc,
				     uint32_t count, int32_t **offsets,
				     uint64_t *base)
{
	struct vx_error *err;

	*base = 0;
	*offsets = malloc(sizeof(**offsets) * count);
	if (!*offsets)
		return &vx_error_nomem;
	err = vx_read(t, loc->offsets, *offsets, sizeof(**offsets) * count);
	if (err)
		return vx_error_wrap(err, "reading kallsyms_offsets");
	if (loc->relative_base) {
		err = vx_read_u64(t, loc->relative_base, base);
		if (err)
			return vx_error_wrap(err, "reading kallsyms_relative_base");
	}
	return NULL;
}

/* Decode with each candidate encoding; keep the first the dump agrees with. */
static struct vx_error *load_addresses(struct vx_target *t,
				       const struct vx_kallsyms_loc *loc,
				       const struct vx_vmcoreinfo *v,
				       struct vx_kallsyms *ks)
{
	enum vx_ksym_encoding e[2];
	char why[2][WHY_MAX] = { "", "" };
	struct vx_error *err;
	int32_t *offsets;
	uint64_t base;
	int n;

	ks->addrs = malloc(sizeof(*ks->addrs) * ks->count);
	if (!ks->addrs)
		return &vx_error_nomem;
	err = read_offsets(t, loc, ks->count, &offsets, &base);
	if (!err && v)
		err = build_name_index(ks);
	if (err) {
		free(offsets);
		return err;
	}
	n = candidates(loc, offsets, ks->count, e);
	for (int c = 0; c < n; c++) {
		if (decode(ks, loc, offsets, base, e[c], why[c]) &&
		    agrees_with_dump(ks, v, why[c])) {
			ks->encoding = e[c];
			free(offsets);
			return NULL;
		}
	}
	free(offsets);
	return vx_error_create(VX_ERR_INVALID,
			       "kallsyms_offsets at 0x%lx: no encoding agrees with the dump (%s: %s%s%s%s%s)",
			       (unsigned long)loc->offsets,
			       vx_kallsyms_encoding_name(e[0]), why[0],
			       n > 1 ? "; " : "",
			       n > 1 ? vx_kallsyms_encoding_name(e[1]) : "",
			       n > 1 ? ": " : "", n > 1 ? why[1] : "");
}
struct vx_error *vx_kallsyms_load(struct vx_target *t,
				  const struct vx_kallsyms_loc *loc,
				  const struct vx_vmcoreinfo *check,
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
		err = load_addresses(t, loc, check, ks);
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

struct vx_error *vx_kallsyms_lookup_name(struct vx_kallsyms *ks,
					 const char *name, uint64_t *addr)
{
	if (!ks->hash_slots) {
		struct vx_error *err = build_name_index(ks);

		if (err)
			return err;
	}
	if (!first_named(ks, name, addr))
		return vx_error_create(VX_ERR_NOT_FOUND,
				       "symbol %s not in kallsyms", name);
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

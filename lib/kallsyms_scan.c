// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Find the kernel's kallsyms tables by scanning its image, for kernels
 * whose VMCOREINFO does not give them (Debian 5.10) and users without a
 * System.map.  scripts/kallsyms.c writes them in this order (doc/sources.md):
 *
 *   5.10  offsets relative_base num_syms names markers token_table token_index
 *   6.1   offsets relative_base num_syms names markers seqs token_table token_index
 *   6.12  num_syms names markers token_table token_index offsets relative_base seqs
 *         (6.15-6.19 the same, offsets base-relative without absolute per-cpu)
 *   7.2   num_syms names markers token_table token_index offsets seqs   (align 4)
 *
 * token_index (u16[256] indexing 256 NUL-terminated strings right before
 * it) is distinctive enough to find by a linear scan; everything else is
 * found from it and must agree exactly (markers against decoded names,
 * addresses non-decreasing, seqs a permutation) before we accept it.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"
#include "target.h"

#define SCAN_CHUNK (2UL << 20)
#define TOKEN_INDEX_BYTES 512
/* 256 tokens, each a short expansion; real tables are 1-3 KiB. */
#define TOKEN_TABLE_MAX (16UL << 10)
#define TOKEN_MAX 64
/*
 * Around token_index: names, markers and (old layouts) offsets before it,
 * (new layouts) offsets, relative_base and seqs after it.  Reading is
 * what costs (a compressed dump inflates every page), so first try a
 * window that fits the tables of today's kernels (≤ 2.8 MiB before),
 * then one for up to ~600k symbols.
 */
static const struct {
	uint64_t before, after;
} windows[] = {
	{ 3UL << 20, 2UL << 20 },
	{ 8UL << 20, 4UL << 20 },
};
#define MAX_SYMS (1UL << 21)
/* An entry is a length (1-2 bytes) and 1..KSYM_NAME_LEN-1 token bytes. */
#define MAX_ENTRY_BYTES (2 + 511)
#define MIN_ENTRY_BYTES 2
/* relative_base and every text symbol lie in the kernel image mapping. */
#define KERNEL_IMAGE_BASE 0xffffffff80000000ULL

/* A copy of part of the image, addressed by kernel virtual address. */
struct window {
	uint64_t base;
	uint64_t len;
	uint8_t *bytes;
};

static bool in_window(const struct window *w, uint64_t addr, uint64_t len)
{
	return addr >= w->base && len <= w->len && addr - w->base <= w->len - len;
}

static uint32_t win_u32(const struct window *w, uint64_t addr)
{
	uint32_t v;

	memcpy(&v, w->bytes + (addr - w->base), sizeof(v));
	return v;
}

static uint64_t win_u64(const struct window *w, uint64_t addr)
{
	uint64_t v;

	memcpy(&v, w->bytes + (addr - w->base), sizeof(v));
	return v;
}

static uint8_t win_u8(const struct window *w, uint64_t addr)
{
	return w->bytes[addr - w->base];
}

static uint64_t round_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

/*
 * Fill the window from the target.  A 2 MiB read fails as a whole if one
 * page is missing (freed init memory, a filtered dump); then read page by
 * page and leave holes as zeros, which never look like a table.
 */
static struct vx_error *fill_window(struct vx_target *t, struct window *w)
{
	uint64_t done, page;

	for (done = 0; done < w->len; done += SCAN_CHUNK) {
		uint64_t len = w->len - done < SCAN_CHUNK ? w->len - done : SCAN_CHUNK;
		struct vx_error *err = vx_read(t, w->base + done,
					       w->bytes + done, len);

		if (!err)
			continue;
		vx_error_destroy(err);
		for (page = 0; page < len; page += VX_PAGE_SIZE) {
			uint64_t n = len - page < VX_PAGE_SIZE ? len - page : VX_PAGE_SIZE;

			err = vx_read(t, w->base + done + page,
				      w->bytes + done + page, n);
			if (err) {
				if (err->code == VX_ERR_NOMEM)
					return err;
				vx_error_destroy(err);
				memset(w->bytes + done + page, 0, n);
			}
		}
	}
	return NULL;
}

/* What the scan has established so far about one candidate set of tables. */
struct tables {
	uint64_t align;
	uint64_t token_table, token_index;
	uint16_t index[256];
	uint64_t markers, nr_markers;
	uint64_t names, num_syms_at, num_syms;
	uint64_t offsets, relative_base_at, seqs;
};

static bool token_char_ok(uint8_t c)
{
	return c > 0x20 && c < 0x7f;
}

/*
 * u16[256]: starts at 0, strictly increasing, each token 1..TOKEN_MAX
 * chars.  Called at every 4-byte position of the image: fail fast.
 */
static bool looks_like_token_index(const uint8_t *p)
{
	uint16_t prev = 0, cur;
	int i;

	if (p[0] || p[1])
		return false;
	for (i = 1; i < 256; i++) {
		memcpy(&cur, p + 2 * i, sizeof(cur));
		if (cur < prev + 2 || cur > prev + TOKEN_MAX + 1)
			return false;
		prev = cur;
	}
	return true;
}

/* Every token i is a non-empty printable string ending right before token i+1. */
static bool tokens_match_index(const struct window *w, uint64_t table,
			       const uint16_t *index, uint64_t last_nul)
{
	int i;

	for (i = 0; i < 256; i++) {
		uint64_t begin = table + index[i];
		uint64_t nul = i < 255 ? table + index[i + 1] - 1 : last_nul;
		uint64_t c;

		if (nul <= begin || win_u8(w, nul) != 0)
			return false;
		for (c = begin; c < nul; c++)
			if (!token_char_ok(win_u8(w, c)))
				return false;
	}
	return true;
}

/*
 * Is there a token table ending (after alignment padding) at index_at?
 * Its last string's NUL is at most align bytes before index_at (up to
 * align - 1 bytes of padding follow it: 7.3's ends 4 bytes before an
 * 8-aligned index); walk back to its start and derive where the table
 * must begin, then check all 256 strings.
 */
static bool find_token_table(const struct window *w, uint64_t index_at,
			     uint64_t align, struct tables *tb)
{
	uint64_t nul, begin, table;

	for (nul = index_at - 1; nul + align >= index_at && nul > w->base;
	     nul--) {
		if (win_u8(w, nul) != 0)
			return false;
		if (win_u8(w, nul - 1) == 0)
			continue;
		begin = nul - 1;
		while (begin > w->base && win_u8(w, begin - 1) != 0 &&
		       nul - begin < TOKEN_MAX)
			begin--;
		table = begin - tb->index[255];
		if (begin < w->base + tb->index[255] || table % align ||
		    round_up(nul + 1, align) != index_at)
			return false;
		if (!tokens_match_index(w, table, tb->index, nul))
			return false;
		tb->token_table = table;
		tb->token_index = index_at;
		tb->align = align;
		return true;
	}
	return false;
}

/*
 * Walk the names from tb->names: every 256th entry must start where the
 * markers say, every entry must be a plausible symbol, and the names must
 * end right where the markers begin.
 */
static bool names_agree_with_markers(const struct window *w, struct tables *tb,
				     uint64_t names, uint64_t num_syms)
{
	uint64_t pos = names, i;

	if ((num_syms + 255) / 256 != tb->nr_markers)
		return false;
	for (i = 0; i < num_syms; i++) {
		uint64_t len;
		uint8_t first;

		if (!in_window(w, pos, 2) || pos >= tb->markers)
			return false;
		if (i % 256 == 0 &&
		    win_u32(w, tb->markers + 4 * (i / 256)) != pos - names)
			return false;
		len = win_u8(w, pos);
		if (len & 0x80) {
			len = (len & 0x7f) | ((uint64_t)win_u8(w, pos + 1) << 7);
			pos++;
		}
		pos++;
		if (len == 0 || len > MAX_ENTRY_BYTES || pos + len > tb->markers)
			return false;
		/* The expansion starts with the symbol type, a letter. */
		first = win_u8(w, tb->token_table + tb->index[win_u8(w, pos)]);
		if (!((first | 0x20) >= 'a' && (first | 0x20) <= 'z'))
			return false;
		pos += len;
	}
	return round_up(pos, tb->align) == tb->markers;
}

/*
 * With the markers known, find num_syms: a u32 in the range the markers
 * allow, just before the names, whose names decode to exactly the markers.
 * The last marker tells where the last group of 256 names begins.
 */
static bool find_num_syms(const struct window *w, struct tables *tb,
			  uint64_t exact)
{
	uint64_t last = win_u32(w, tb->markers + 4 * (tb->nr_markers - 1));
	uint64_t lo_n = 256 * (tb->nr_markers - 1) + 1, hi_n = 256 * tb->nr_markers;
	uint64_t highest, lowest, q;

	if (tb->markers < w->base + last + MIN_ENTRY_BYTES + 8)
		return false;
	highest = tb->markers - last - MIN_ENTRY_BYTES;
	lowest = highest > w->base + 256 * MAX_ENTRY_BYTES + 8 ?
		 highest - 256 * MAX_ENTRY_BYTES - 8 : w->base;
	for (q = highest & ~(tb->align - 1); q >= lowest + 4; q -= tb->align) {
		uint64_t n = win_u32(w, q), names = round_up(q + 4, tb->align);

		if (n < lo_n || n > hi_n || (exact && n != exact))
			continue;
		if (names_agree_with_markers(w, tb, names, n)) {
			tb->num_syms_at = q;
			tb->num_syms = n;
			tb->names = names;
			return true;
		}
	}
	return false;
}

/*
 * Markers end at markers_end: walk back over strictly decreasing u32s to
 * the 0 that starts them.  Consecutive markers are at least 256 minimal
 * entries apart.
 */
static bool markers_ending_at(const struct window *w, struct tables *tb,
			      uint64_t markers_end)
{
	uint64_t pos = markers_end, above = UINT64_MAX, k = 0;

	while (pos >= w->base + 4 && k < MAX_SYMS / 256) {
		uint32_t v;

		pos -= 4;
		v = win_u32(w, pos);
		k++;
		if (above != UINT64_MAX &&
		    (uint64_t)v + 256 * MIN_ENTRY_BYTES > above)
			return false;
		if (v == 0) {
			tb->markers = pos;
			tb->nr_markers = k;
			return true;
		}
		above = v;
	}
	return false;
}

/* 5.10, 6.12, 7.2: markers end (after padding) where the token table starts. */
static bool find_markers_before_tokens(const struct window *w, struct tables *tb)
{
	uint64_t end;

	for (end = tb->token_table; end + tb->align > tb->token_table; end -= 4) {
		if (!in_window(w, end - 4, 4))
			return false;
		if (markers_ending_at(w, tb, end) && find_num_syms(w, tb, 0))
			return true;
		if (tb->align == 4)
			break;
	}
	return false;
}

/*
 * 6.1: seqs_of_names (3 bytes per symbol) sits between markers and the
 * token table, so its length fixes num_syms; try every count.
 */
static bool find_markers_before_seqs(const struct window *w, struct tables *tb)
{
	uint64_t n, seqs, end;

	for (n = 1; n <= MAX_SYMS && 3 * n < tb->token_table - w->base; n++) {
		seqs = (tb->token_table - 3 * n) & ~(tb->align - 1);
		for (end = seqs; end + tb->align > seqs; end -= 4) {
			uint64_t k = (n + 255) / 256;

			if (end < w->base + 4 * k + 4 ||
			    win_u32(w, end - 4 * k) != 0)
				continue;
			if (markers_ending_at(w, tb, end) &&
			    tb->nr_markers == k && find_num_syms(w, tb, n)) {
				tb->seqs = seqs;
				return true;
			}
		}
	}
	return false;
}

/*
 * Addresses decoded from relative_base (kallsyms.c has both encodings)
 * never decrease and end in the kernel image.  Absolute per-cpu (up to
 * 6.14): off >= 0 is the address itself.  Base-relative (6.15-6.19):
 * relative_base + (u32)off, and relative_base is the lowest address, so
 * the first offset is 0.
 */
static bool relative_sorted(const struct window *w, uint64_t offsets,
			    uint64_t n, uint64_t base, bool absolute_percpu)
{
	uint64_t i, prev = 0;

	if (!absolute_percpu && n && win_u32(w, offsets) != 0)
		return false;
	for (i = 0; i < n; i++) {
		int32_t off = (int32_t)win_u32(w, offsets + 4 * i);
		uint64_t addr;

		if (!absolute_percpu)
			addr = base + (uint32_t)off;
		else
			addr = off >= 0 ? (uint64_t)off : base - 1 - (int64_t)off;
		if (addr < prev)
			return false;
		prev = addr;
	}
	return prev >= KERNEL_IMAGE_BASE;
}

static bool base_relative_sorted(const struct window *w, uint64_t offsets,
				 uint64_t n, uint64_t base)
{
	if (base < KERNEL_IMAGE_BASE)
		return false;
	return relative_sorted(w, offsets, n, base, true) ||
	       relative_sorted(w, offsets, n, base, false);
}

static bool pc_relative_sorted(const struct window *w, uint64_t offsets,
			       uint64_t n)
{
	uint64_t i, prev = 0;

	for (i = 0; i < n; i++) {
		int32_t off = (int32_t)win_u32(w, offsets + 4 * i);
		uint64_t addr = offsets + 4 * i + (int64_t)off;

		if (addr < prev)
			return false;
		prev = addr;
	}
	return prev >= KERNEL_IMAGE_BASE;
}

/* kallsyms_seqs_of_names: 3-byte big-endian indices, a permutation of 0..N-1. */
static bool seqs_are_permutation(const struct window *w, uint64_t seqs,
				 uint64_t n)
{
	uint8_t *seen;
	uint64_t i;
	bool ok = true;

	if (!in_window(w, seqs, 3 * n))
		return false;
	seen = calloc(n, 1);
	if (!seen)
		return false;
	for (i = 0; i < n && ok; i++) {
		const uint8_t *p = w->bytes + (seqs + 3 * i - w->base);
		uint64_t v = (uint64_t)p[0] << 16 | p[1] << 8 | p[2];

		ok = v < n && !seen[v];
		if (ok)
			seen[v] = 1;
	}
	free(seen);
	return ok;
}

/* 5.10/6.1: offsets, then relative_base, then num_syms. */
static bool find_offsets_before(const struct window *w, struct tables *tb)
{
	uint64_t rb_at = tb->num_syms_at - 8, offsets;

	if (tb->num_syms_at < w->base + 8 || rb_at % tb->align)
		return false;
	offsets = rb_at - round_up(4 * tb->num_syms, tb->align);
	if (!in_window(w, offsets, rb_at + 8 - offsets) ||
	    !base_relative_sorted(w, offsets, tb->num_syms, win_u64(w, rb_at)))
		return false;
	if (tb->seqs && !seqs_are_permutation(w, tb->seqs, tb->num_syms))
		return false;
	tb->offsets = offsets;
	tb->relative_base_at = rb_at;
	return true;
}

/* 6.12: offsets, relative_base, seqs after token_index; 7.2 without relative_base. */
static bool find_offsets_after(const struct window *w, struct tables *tb)
{
	uint64_t offsets = round_up(tb->token_index + TOKEN_INDEX_BYTES, tb->align);
	uint64_t end = round_up(offsets + 4 * tb->num_syms, tb->align);

	if (!in_window(w, offsets, end - offsets + 8))
		return false;
	if (base_relative_sorted(w, offsets, tb->num_syms, win_u64(w, end)) &&
	    seqs_are_permutation(w, round_up(end + 8, tb->align), tb->num_syms)) {
		tb->offsets = offsets;
		tb->relative_base_at = end;
		tb->seqs = round_up(end + 8, tb->align);
		return true;
	}
	if (pc_relative_sorted(w, offsets, tb->num_syms) &&
	    seqs_are_permutation(w, end, tb->num_syms)) {
		tb->offsets = offsets;
		tb->relative_base_at = 0;
		tb->seqs = end;
		return true;
	}
	return false;
}

/* Everything before and after a token_index candidate must fit one layout. */
static bool complete_tables(const struct window *w, struct tables *tb)
{
	struct tables saved = *tb;

	if (find_markers_before_tokens(w, tb)) {
		if (find_offsets_before(w, tb) || find_offsets_after(w, tb))
			return true;
	}
	*tb = saved;
	return find_markers_before_seqs(w, tb) && find_offsets_before(w, tb);
}

/* *clamped: the window reached start and end, a larger one would not help. */
static struct vx_error *try_window(struct vx_target *t, uint64_t start,
				  uint64_t end, uint64_t before, uint64_t after,
				  struct tables *tb, bool *found, bool *clamped)
{
	struct window w;
	uint64_t align;
	struct vx_error *err;

	*found = false;
	w.base = tb->token_index - start > before ?
		 tb->token_index - before : start;
	w.len = (end - tb->token_index > after ?
		 tb->token_index + after : end) - w.base;
	*clamped = w.base == start && w.base + w.len == end;
	w.bytes = malloc(w.len);
	if (!w.bytes)
		return vx_error_nomem_in("kallsyms scan window of %lu bytes",
					 (unsigned long)w.len);
	err = fill_window(t, &w);
	for (align = 8; !err && !*found && align >= 4; align /= 2) {
		struct tables attempt = { 0 };

		memcpy(attempt.index, tb->index, sizeof(attempt.index));
		if (tb->token_index % align ||
		    !find_token_table(&w, tb->token_index, align, &attempt))
			continue;
		*found = complete_tables(&w, &attempt);
		if (*found)
			*tb = attempt;
	}
	free(w.bytes);
	return err;
}

static struct vx_error *try_candidate(struct vx_target *t, uint64_t start,
				      uint64_t end, struct tables *tb,
				      bool *found)
{
	struct vx_error *err = NULL;
	bool clamped = false;
	size_t i;

	*found = false;
	for (i = 0; !err && !*found && !clamped &&
		    i < sizeof(windows) / sizeof(windows[0]); i++)
		err = try_window(t, start, end, windows[i].before,
				 windows[i].after, tb, found, &clamped);
	return err;
}

/*
 * The first pass only needs the token index and its strings, which fit in
 * TOKEN_TABLE_MAX + 512 bytes; chunks overlap by that much so a table
 * across a chunk boundary is seen whole.
 */
static bool quick_token_check(const uint8_t *buf, uint64_t buf_base,
			      uint64_t buf_len, uint64_t at, struct tables *tb)
{
	struct window w = { .base = buf_base, .len = buf_len,
			    .bytes = (uint8_t *)buf };
	uint64_t align;

	memset(tb, 0, sizeof(*tb));
	memcpy(tb->index, buf + (at - buf_base), TOKEN_INDEX_BYTES);
	for (align = 8; align >= 4; align /= 2)
		if (at % align == 0 && find_token_table(&w, at, align, tb))
			return true;
	return false;
}

static void fill_loc(const struct tables *tb, struct vx_kallsyms_loc *loc)
{
	memset(loc, 0, sizeof(*loc));
	loc->num_syms = tb->num_syms_at;
	loc->names = tb->names;
	loc->markers = tb->markers;
	loc->token_table = tb->token_table;
	loc->token_index = tb->token_index;
	loc->offsets = tb->offsets;
	loc->relative_base = tb->relative_base_at;
	loc->seqs_of_names = tb->seqs;
	loc->how = "scan";
}

struct vx_error *vx_kallsyms_scan(struct vx_target *t, uint64_t start,
				  uint64_t end, struct vx_kallsyms_loc *loc)
{
	const uint64_t overlap = TOKEN_TABLE_MAX + TOKEN_INDEX_BYTES;
	struct window chunk = { 0 };
	struct vx_error *err = NULL;
	uint64_t base = round_up(start, 4), next_check = base;
	bool found = false;

	if (end <= start || end - start > (1ULL << 32))
		return vx_error_create(VX_ERR_INVALID,
				       "kallsyms scan range [0x%lx, 0x%lx) is empty or too large",
				       (unsigned long)start, (unsigned long)end);
	chunk.bytes = malloc(SCAN_CHUNK);
	if (!chunk.bytes)
		return vx_error_nomem_in("kallsyms scan buffer");
	while (!found && base < end) {
		uint64_t at, limit;

		chunk.base = base;
		chunk.len = end - base < SCAN_CHUNK ? end - base : SCAN_CHUNK;
		err = fill_window(t, &chunk);
		if (err)
			break;
		limit = chunk.base + chunk.len;
		for (at = next_check; !found && at + TOKEN_INDEX_BYTES <= limit;
		     at += 4) {
			struct tables tb;

			if (!looks_like_token_index(chunk.bytes + (at - chunk.base)) ||
			    !quick_token_check(chunk.bytes, chunk.base, chunk.len,
					       at, &tb))
				continue;
			err = try_candidate(t, start, end, &tb, &found);
			if (err)
				break;
			if (found)
				fill_loc(&tb, loc);
		}
		if (err || limit == end)
			break;
		next_check = at;
		base = next_check - overlap > chunk.base ? next_check - overlap
							 : chunk.base + 4;
	}
	free(chunk.bytes);
	if (err)
		return vx_error_wrap(err, "scanning for kallsyms");
	if (!found)
		return vx_error_create(VX_ERR_NOT_FOUND,
				       "%s: no consistent kallsyms tables in [0x%lx, 0x%lx)",
				       t->name ? t->name : "dump",
				       (unsigned long)start, (unsigned long)end);
	return NULL;
}

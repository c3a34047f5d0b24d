// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/vmallocinfo parser and printer.
 *
 * Strict on purpose: a line is accepted only in the exact form the kernel
 * prints (s_show / vmalloc_info_show, all four Debian kernels), so every
 * accepted record prints back byte-identically.  Anything else is an
 * error naming the file, the line and the cause.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmparse.h"

/*
 * Lowest x86_64 kernel address with 5-level paging (4-level starts at
 * 0xffff800000000000, above it); hashes are 32-bit, so never alike.
 */
#define KERNEL_HALF_START 0xff00000000000000ull

enum addr_class {
	ADDR_ZERO,
	ADDR_HASH,
	ADDR_KERNEL,
};

/* A slice of the input that is being parsed. */
struct span {
	const char *p;
	size_t len;
};

/* Per-line parse state; errors are plain strings until wrapped. */
struct line_parser {
	struct span rest;
	struct vx_vmline *line;
	const char *caller_text;	/* start of the caller in the line */
	size_t caller_len;
	struct span symbol;
	struct span module;
	const char *problem;		/* static text, NULL while fine */
	char detail[80];		/* the token the problem is about */
};

static const char out_of_memory[] = "out of memory";

static int fail(struct line_parser *lp, const char *problem, struct span tok)
{
	size_t i, o = 0;

	lp->problem = problem;
	lp->detail[0] = '\0';
	if (!tok.p)
		return -1;
	/* Quote the token safely: it may hold any byte. */
	for (i = 0; i < tok.len && o + 5 < sizeof(lp->detail) - 4; i++) {
		unsigned char c = tok.p[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			lp->detail[o++] = c;
		else
			o += snprintf(lp->detail + o, sizeof(lp->detail) - o,
				      "\\x%02x", c);
	}
	if (i < tok.len)
		o += snprintf(lp->detail + o, sizeof(lp->detail) - o, "...");
	lp->detail[o] = '\0';
	return -1;
}

static struct span no_token(void)
{
	return (struct span){ NULL, 0 };
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;	/* the kernel prints lowercase only */
}

/* Exactly 16 lowercase hex digits (pointer_string, %pa). */
static bool parse_hex16(const char *s, uint64_t *val)
{
	uint64_t v = 0;
	int i, d;

	for (i = 0; i < 16; i++) {
		d = hex_digit(s[i]);
		if (d < 0)
			return false;
		v = v << 4 | d;
	}
	*val = v;
	return true;
}

/* "%lx": lowercase, no leading zeros, "0" for zero, fits 64 bits. */
static bool parse_hex_canonical(struct span s, uint64_t *val)
{
	uint64_t v = 0;
	size_t i;
	int d;

	if (s.len == 0 || s.len > 16 || (s.len > 1 && s.p[0] == '0'))
		return false;
	for (i = 0; i < s.len; i++) {
		d = hex_digit(s.p[i]);
		if (d < 0)
			return false;
		v = v << 4 | d;
	}
	*val = v;
	return true;
}

/* Decimal without sign or leading zeros, at most max. */
static bool parse_dec_canonical(struct span s, uint64_t max, uint64_t *val)
{
	uint64_t v = 0;
	size_t i;

	if (s.len == 0 || (s.len > 1 && s.p[0] == '0'))
		return false;
	for (i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		if (v > (max - (s.p[i] - '0')) / 10)
			return false;
		v = v * 10 + (s.p[i] - '0');
	}
	*val = v;
	return true;
}

static bool span_is(struct span s, const char *word)
{
	size_t n = strlen(word);

	return s.len == n && memcmp(s.p, word, n) == 0;
}

static bool span_starts(struct span s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.len >= n && memcmp(s.p, prefix, n) == 0;
}

static struct span span_from(struct span s, size_t off)
{
	return (struct span){ s.p + off, s.len - off };
}

static enum addr_class classify(uint64_t addr)
{
	if (addr == 0)
		return ADDR_ZERO;
	if (addr <= UINT32_MAX)
		return ADDR_HASH;
	return ADDR_KERNEL;
}

/* "0x<16>-0x<16> " */
static int parse_range(struct line_parser *lp)
{
	struct span s = lp->rest;
	struct span head = { s.p, s.len < 37 ? s.len : 37 };

	/* 0x + 16 digits, '-', 0x + 16 digits, then the space before %7ld */
	if (s.len < 38 || memcmp(s.p, "0x", 2) || s.p[18] != '-' ||
	    memcmp(s.p + 19, "0x", 2) || s.p[37] != ' ')
		return fail(lp, "expected \"0x<16 hex digits>-0x<16 hex digits> \" at the start",
			    head);
	if (!parse_hex16(s.p + 2, &lp->line->start) ||
	    !parse_hex16(s.p + 21, &lp->line->end))
		return fail(lp, "address is not 16 lowercase hex digits", head);
	if (lp->line->start >= UINT32_MAX + 1ull &&
	    lp->line->start < KERNEL_HALF_START)
		return fail(lp, "start is neither a kernel address, a 32-bit hash nor zero",
			    head);
	if (lp->line->end >= UINT32_MAX + 1ull &&
	    lp->line->end < KERNEL_HALF_START)
		return fail(lp, "end is neither a kernel address, a 32-bit hash nor zero",
			    head);
	lp->rest = span_from(s, 38);
	return 0;
}

/* "%7ld": right-aligned in 7 columns, wider when needed. */
static int parse_size(struct line_parser *lp)
{
	struct span s = lp->rest, digits;
	size_t pad = 0, n = 0;
	uint64_t size;

	while (pad < s.len && s.p[pad] == ' ')
		pad++;
	while (pad + n < s.len && s.p[pad + n] != ' ')
		n++;
	digits = (struct span){ s.p + pad, n };
	if (n == 0)
		return fail(lp, "missing size", no_token());
	if (!parse_dec_canonical(digits, INT64_MAX, &size))
		return fail(lp, "size is not a decimal number", digits);
	if (pad != (n < 7 ? 7 - n : 0))
		return fail(lp, "size is not right-aligned in 7 columns as %7ld prints it",
			    digits);
	lp->line->size = (int64_t)size;
	lp->rest = span_from(s, pad + n);
	return 0;
}

/* "sym+0xoff/0xsize": the part after the last '+'. */
static bool parse_symbolic_caller(struct line_parser *lp, struct span tok)
{
	struct span off, sz;
	const char *plus = NULL, *slash;
	size_t i;

	for (i = 0; i < tok.len; i++)
		if (tok.p[i] == '+')
			plus = tok.p + i;
	if (!plus || plus == tok.p)
		return false;
	off = (struct span){ plus + 1, tok.p + tok.len - plus - 1 };
	slash = memchr(off.p, '/', off.len);
	if (!slash || !span_starts(off, "0x"))
		return false;
	sz = (struct span){ slash + 1, off.p + off.len - slash - 1 };
	off = (struct span){ off.p + 2, slash - off.p - 2 };
	if (!span_starts(sz, "0x"))
		return false;
	sz = span_from(sz, 2);
	if (!parse_hex_canonical(off, &lp->line->offset) ||
	    !parse_hex_canonical(sz, &lp->line->symsize))
		return false;
	lp->symbol = (struct span){ tok.p, plus - tok.p };
	return true;
}

static int parse_caller(struct line_parser *lp, struct span tok)
{
	lp->caller_text = tok.p;
	lp->caller_len = tok.len;
	if (parse_symbolic_caller(lp, tok))
		return 0;
	/* sprint_symbol's fallback for an address kallsyms cannot name */
	if (span_starts(tok, "0x") &&
	    parse_hex_canonical(span_from(tok, 2), &lp->line->caller_addr))
		return 0;
	return fail(lp, "caller is neither sym+0xoff/0xsize nor 0xaddress", tok);
}

static int parse_module(struct line_parser *lp, struct span tok)
{
	size_t i;

	if (tok.len < 3 || tok.p[tok.len - 1] != ']')
		return fail(lp, "module name is not \"[name]\"", tok);
	for (i = 1; i + 1 < tok.len; i++)
		if (tok.p[i] == '[' || tok.p[i] == ']')
			return fail(lp, "module name is not \"[name]\"", tok);
	lp->module = (struct span){ tok.p + 1, tok.len - 2 };
	/* the caller text as printed includes " [module]" */
	lp->caller_len = tok.p + tok.len - lp->caller_text;
	return 0;
}

static int parse_pages(struct line_parser *lp, struct span tok)
{
	if (!parse_dec_canonical(span_from(tok, 6), UINT64_MAX,
				 &lp->line->pages) || lp->line->pages == 0)
		return fail(lp, "pages= is not a positive decimal number", tok);
	lp->line->has_pages = true;
	return 0;
}

static int parse_phys(struct line_parser *lp, struct span tok)
{
	if (tok.len != 5 + 18 || !span_starts(span_from(tok, 5), "0x") ||
	    !parse_hex16(tok.p + 7, &lp->line->phys) || lp->line->phys == 0)
		return fail(lp, "phys= is not 0x and 16 lowercase hex digits (non-zero)",
			    tok);
	lp->line->has_phys = true;
	return 0;
}

static int parse_numa(struct line_parser *lp, struct span tok,
		      struct vx_numa_count *numa, unsigned int *nr)
{
	const char *eq = memchr(tok.p, '=', tok.len);
	uint64_t node, count;

	if (!eq ||
	    !parse_dec_canonical((struct span){ tok.p + 1, eq - tok.p - 1 },
				 VX_VMPARSE_MAX_NODE, &node) ||
	    !parse_dec_canonical((struct span){ eq + 1, tok.p + tok.len - eq - 1 },
				 UINT_MAX, &count) || count == 0)
		return fail(lp, "NUMA count is not N<node>=<positive count>", tok);
	if (*nr && node <= numa[*nr - 1].node)
		return fail(lp, "NUMA nodes are not in ascending order", tok);
	numa[*nr].node = node;
	numa[*nr].pages = count;
	(*nr)++;
	return 0;
}

/* Position of the flag word in the printing order, or -1. */
static int flag_word_index(struct span tok)
{
	size_t i;

	for (i = 0; i < VX_NR_VM_WORDS; i++)
		if (span_is(tok, vx_vm_words[i].word))
			return i;
	return -1;
}

/* Printing order of the optional pieces of a vm line. */
enum vm_stage {
	STAGE_CALLER,
	STAGE_MODULE,
	STAGE_PAGES,
	STAGE_PHYS,
	STAGE_FLAGS,		/* + index of the last flag word */
	STAGE_NUMA = STAGE_FLAGS + VX_NR_VM_WORDS,
};

static int parse_vm_token(struct line_parser *lp, struct span tok, int *stage,
			  struct vx_numa_count *numa, unsigned int *nr_numa)
{
	int word;

	if (*stage == STAGE_CALLER &&
	    (parse_symbolic_caller(lp, tok) || span_starts(tok, "0x"))) {
		*stage = lp->symbol.p ? STAGE_MODULE : STAGE_PAGES;
		return parse_caller(lp, tok);
	}
	if (tok.p[0] == '[') {
		if (*stage != STAGE_MODULE)
			return fail(lp, "module name not right after a caller symbol", tok);
		*stage = STAGE_PAGES;
		return parse_module(lp, tok);
	}
	if (span_starts(tok, "pages=")) {
		if (*stage > STAGE_PAGES)
			return fail(lp, "pages= out of order", tok);
		*stage = STAGE_PHYS;
		return parse_pages(lp, tok);
	}
	if (span_starts(tok, "phys=")) {
		if (*stage > STAGE_PHYS)
			return fail(lp, "phys= out of order", tok);
		*stage = STAGE_FLAGS;
		return parse_phys(lp, tok);
	}
	word = flag_word_index(tok);
	if (word >= 0) {
		if (*stage > STAGE_FLAGS + word)
			return fail(lp, "flag word repeated or out of order", tok);
		*stage = STAGE_FLAGS + word + 1;
		lp->line->flags |= vx_vm_words[word].flag;
		return 0;
	}
	if (tok.p[0] == 'N' && tok.len > 1 && tok.p[1] >= '0' && tok.p[1] <= '9') {
		*stage = STAGE_NUMA;
		return parse_numa(lp, tok, numa, nr_numa);
	}
	if (*stage == STAGE_CALLER && memchr(tok.p, '+', tok.len))
		return parse_caller(lp, tok);	/* reports the bad caller */
	return fail(lp, "unknown field", tok);
}

/* Everything after the size of a vm line: " tok tok ...". */
static int parse_vm_fields(struct line_parser *lp)
{
	/* a 4096-byte line holds fewer than 1024 " N0=1" tokens */
	struct vx_numa_count numa[VX_VMPARSE_MAX_NODE + 1];
	unsigned int nr_numa = 0;
	struct span s = lp->rest, tok;
	int stage = STAGE_CALLER;
	const char *sp;

	while (s.len) {
		s = span_from(s, 1);	/* the separating space */
		sp = memchr(s.p, ' ', s.len);
		tok = (struct span){ s.p, sp ? (size_t)(sp - s.p) : s.len };
		if (tok.len == 0)
			return fail(lp, sp ? "two spaces in a row" : "space at the end of the line",
				    no_token());
		if (parse_vm_token(lp, tok, &stage, numa, &nr_numa))
			return -1;
		s = span_from(s, tok.len);
	}
	if (nr_numa) {
		lp->line->numa = malloc(nr_numa * sizeof(*numa));
		if (!lp->line->numa)
			return fail(lp, out_of_memory, no_token());
		memcpy(lp->line->numa, numa, nr_numa * sizeof(*numa));
		lp->line->nr_numa = nr_numa;
	}
	return 0;
}

/* One allocation: "caller\0symbol\0module\0". */
static int store_caller(struct line_parser *lp)
{
	struct vx_vmline *line = lp->line;
	size_t total = lp->caller_len + lp->symbol.len + lp->module.len + 3;
	char *buf, *p;

	if (!lp->caller_text)
		return 0;
	buf = malloc(total);
	if (!buf)
		return fail(lp, out_of_memory, no_token());
	p = buf;
	line->caller = p;
	memcpy(p, lp->caller_text, lp->caller_len);
	p += lp->caller_len;
	*p++ = '\0';
	if (lp->symbol.p) {
		line->symbol = p;
		memcpy(p, lp->symbol.p, lp->symbol.len);
		p += lp->symbol.len;
	}
	*p++ = '\0';
	if (lp->module.p) {
		line->module = p;
		memcpy(p, lp->module.p, lp->module.len);
		p += lp->module.len;
	}
	*p = '\0';
	return 0;
}

static int check_characters(struct line_parser *lp, struct span s)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		unsigned char c = s.p[i];

		if (c == '\0')
			return fail(lp, "NUL byte in the line", no_token());
		if (c == '\r')
			return fail(lp, "carriage return (DOS line ending?)", no_token());
		if (c < 0x20 || c >= 0x7f)
			return fail(lp, "byte that is not printable ASCII", (struct span){ s.p + i, 1 });
	}
	return 0;
}

static int parse_line(struct line_parser *lp)
{
	if (lp->rest.len == 0)
		return fail(lp, "empty line", no_token());
	if (check_characters(lp, lp->rest) || parse_range(lp) ||
	    parse_size(lp))
		return -1;
	if (span_is(lp->rest, " vm_map_ram")) {
		lp->line->kind = VX_VMLINE_VM_MAP_RAM;
		return 0;
	}
	if (span_is(lp->rest, " unpurged vm_area")) {
		lp->line->kind = VX_VMLINE_UNPURGED;
		return 0;
	}
	lp->line->kind = VX_VMLINE_VM;
	if (parse_vm_fields(lp) || store_caller(lp))
		return -1;
	return 0;
}

static void vmline_release(struct vx_vmline *line)
{
	free(line->caller);
	free(line->numa);
	memset(line, 0, sizeof(*line));
}

void vx_snapshot_destroy(struct vx_snapshot *snap)
{
	size_t i;

	if (!snap)
		return;
	for (i = 0; i < snap->nr_lines; i++)
		vmline_release(&snap->lines[i]);
	free(snap->lines);
	free(snap->name);
	free(snap->first_skipped);
	free(snap);
}

static struct vx_error *line_error(const char *name, unsigned long lineno,
				   const struct line_parser *lp)
{
	if (lp->problem == out_of_memory)
		return vx_error_nomem_in("%s:%lu", name, lineno);
	if (lp->detail[0])
		return vx_error_create(VX_ERR_INVALID, "%s:%lu: %s: \"%s\"",
				       name, lineno, lp->problem, lp->detail);
	return vx_error_create(VX_ERR_INVALID, "%s:%lu: %s", name, lineno,
			       lp->problem);
}

static struct vx_error *grow_lines(struct vx_snapshot *snap, size_t *cap)
{
	struct vx_vmline *lines;
	size_t n;

	if (snap->nr_lines < *cap)
		return NULL;
	n = *cap ? *cap * 2 : 256;
	lines = realloc(snap->lines, n * sizeof(*lines));
	if (!lines)
		return vx_error_nomem_in("%s: %zu lines", snap->name, n);
	snap->lines = lines;
	*cap = n;
	return NULL;
}

/* A bad line: fail the file, or (SKIP_BAD) count it and go on. */
static struct vx_error *bad_line(struct vx_snapshot *snap, unsigned int flags,
				 unsigned long lineno,
				 const struct line_parser *lp)
{
	struct vx_error *err = line_error(snap->name, lineno, lp);

	if (!(flags & VX_VMPARSE_SKIP_BAD) || err->code == VX_ERR_NOMEM)
		return err;
	if (!snap->first_skipped) {
		snap->first_skipped = err->message;
		err->message = NULL;
	}
	snap->nr_skipped++;
	vx_error_destroy(err);
	return NULL;
}

static const char *form_word(enum addr_class c)
{
	return c == ADDR_KERNEL ? "a real kernel address" :
	       c == ADDR_HASH ? "a hashed address" : "a zeroed address";
}

/*
 * A file has one address form.  A zero can appear among hashes (a hash
 * may be 0 and %pK prints NULL raw), never among real addresses.
 */
static struct vx_error *detect_form(struct vx_snapshot *snap)
{
	enum addr_class file_class = ADDR_ZERO, c;
	unsigned long first_lineno = 0;
	size_t i;
	const struct vx_vmline *l;

	for (i = 0; i < snap->nr_lines; i++) {
		l = &snap->lines[i];
		c = classify(l->start) > classify(l->end) ? classify(l->start)
							   : classify(l->end);
		if (c == ADDR_ZERO || c == file_class)
			continue;
		if (file_class != ADDR_ZERO)
			goto mixed;
		file_class = c;
		first_lineno = l->lineno;
	}
	for (i = 0; i < snap->nr_lines; i++) {
		l = &snap->lines[i];
		c = classify(l->start) < classify(l->end) ? classify(l->start)
							   : classify(l->end);
		if (file_class == ADDR_KERNEL && c != ADDR_KERNEL)
			goto mixed;
		if (file_class == ADDR_KERNEL &&
		    l->end - l->start != (uint64_t)l->size)
			return vx_error_create(VX_ERR_INVALID,
				"%s:%lu: size %" PRId64 " does not match the range 0x%016" PRIx64 "-0x%016" PRIx64,
				snap->name, l->lineno, l->size, l->start, l->end);
	}
	snap->form = !snap->nr_lines ? VX_ADDR_UNKNOWN :
		     file_class == ADDR_KERNEL ? VX_ADDR_REAL :
		     file_class == ADDR_HASH ? VX_ADDR_HASHED : VX_ADDR_ZEROED;
	return NULL;
mixed:
	return vx_error_create(VX_ERR_INVALID,
		"%s:%lu: mixed address forms: %s here, but %s on line %lu",
		snap->name, l->lineno, form_word(c), form_word(file_class),
		first_lineno);
}

/* Lines go one at a time into the snapshot, from a buffer or a stream. */
struct line_sink {
	struct vx_snapshot *snap;
	unsigned int flags;
	unsigned long lineno;
	size_t cap;
};

/* One line of n bytes (newline excluded); nl: it had one. */
static struct vx_error *parse_one(struct line_sink *ls, const char *p, size_t n,
				  bool nl)
{
	struct vx_snapshot *snap = ls->snap;
	struct vx_error *err;
	struct line_parser lp;

	ls->lineno++;
	snap->final_newline = nl;
	err = grow_lines(snap, &ls->cap);
	if (err)
		return err;
	memset(&lp, 0, sizeof(lp));
	lp.line = &snap->lines[snap->nr_lines];
	memset(lp.line, 0, sizeof(*lp.line));
	lp.line->lineno = ls->lineno;
	lp.rest = (struct span){ p, n };
	if (n > VX_VMPARSE_MAX_LINE)
		fail(&lp, "line longer than 4096 bytes", no_token());
	if (n > VX_VMPARSE_MAX_LINE || parse_line(&lp)) {
		vmline_release(lp.line);
		return bad_line(snap, ls->flags, ls->lineno, &lp);
	}
	snap->nr_lines++;
	return NULL;
}

static struct vx_error *parse_all_lines(struct vx_snapshot *snap,
					const char *text, size_t len,
					unsigned int flags)
{
	struct line_sink ls = { .snap = snap, .flags = flags };
	struct vx_error *err;
	size_t pos = 0, n;
	const char *nl;

	while (pos < len) {
		nl = memchr(text + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		err = parse_one(&ls, text + pos, n, nl != NULL);
		if (err)
			return err;
		pos += n + (nl != NULL);
	}
	return detect_form(snap);
}

static struct vx_error *new_snapshot(const char *name, struct vx_snapshot **out)
{
	struct vx_snapshot *snap = calloc(1, sizeof(*snap));

	if (!snap || !(snap->name = strdup(name))) {
		free(snap);
		return vx_error_nomem_in("%s", name);
	}
	snap->final_newline = true;
	*out = snap;
	return NULL;
}

static struct vx_error *too_big(const char *name)
{
	return vx_error_create(VX_ERR_INVALID,
			       "%s: larger than 1 GiB; not a vmallocinfo file",
			       name);
}

struct vx_error *vx_vmparse_buffer(const char *name, const char *text,
				   size_t len, unsigned int flags,
				   struct vx_snapshot **out)
{
	struct vx_snapshot *snap;
	struct vx_error *err;

	*out = NULL;
	if (len > VX_VMPARSE_MAX_FILE)
		return too_big(name);
	err = new_snapshot(name, &snap);
	if (!err)
		err = parse_all_lines(snap, text, len, flags);
	if (err) {
		vx_snapshot_destroy(snap);
		return err;
	}
	*out = snap;
	return NULL;
}

#define STREAM_CHUNK	65536

/*
 * Complete lines of buf[0, have) go to the parser; what is left (a line
 * still without its newline) moves to the front.  A line grown past
 * VX_VMPARSE_MAX_LINE is given to the parser (which refuses it) and the
 * rest of it, up to its newline, skipped: memory stays one chunk plus one
 * line, whatever the input.
 */
static struct vx_error *feed(struct line_sink *ls, char *buf, size_t *have,
			     bool *skipping, bool eof)
{
	struct vx_error *err;
	char *p = buf, *end = buf + *have, *nl;

	while ((nl = memchr(p, '\n', end - p))) {
		err = *skipping ? NULL : parse_one(ls, p, nl - p, true);
		if (err)
			return err;
		*skipping = false;
		p = nl + 1;
	}
	if (!*skipping && (end - p > VX_VMPARSE_MAX_LINE || (eof && end > p))) {
		err = parse_one(ls, p, end - p, false);
		if (err)
			return err;
		*skipping = !eof;
		p = end;
	} else if (*skipping) {
		p = end;
	}
	memmove(buf, p, end - p);
	*have = end - p;
	return NULL;
}

static struct vx_error *parse_stream(struct vx_snapshot *snap, FILE *in,
				     unsigned int flags)
{
	struct line_sink ls = { .snap = snap, .flags = flags };
	char *buf = malloc(STREAM_CHUNK + VX_VMPARSE_MAX_LINE + 1);
	struct vx_error *err = NULL;
	size_t have = 0, got, total = 0;
	bool skipping = false;

	if (!buf)
		return vx_error_nomem_in("%s", snap->name);
	do {
		got = fread(buf + have, 1, STREAM_CHUNK, in);
		total += got;
		have += got;
		if (total > VX_VMPARSE_MAX_FILE)
			err = too_big(snap->name);
		else if (!got && ferror(in))
			err = vx_error_create(VX_ERR_IO, "%s: read error: %s",
					      snap->name, strerror(errno));
		else
			err = feed(&ls, buf, &have, &skipping, !got);
	} while (!err && got);
	free(buf);
	return err ? err : detect_form(snap);
}

struct vx_error *vx_vmparse_stream(const char *name, FILE *in,
				   unsigned int flags,
				   struct vx_snapshot **out)
{
	struct vx_snapshot *snap;
	struct vx_error *err;

	*out = NULL;
	err = new_snapshot(name, &snap);
	if (!err)
		err = parse_stream(snap, in, flags);
	if (err) {
		vx_snapshot_destroy(snap);
		return err;
	}
	*out = snap;
	return NULL;
}

/*
 * A regular file or a pipe (vmapx --parse <(ssh host cat /proc/vmallocinfo)).
 * O_NONBLOCK so that a FIFO without a writer cannot hang the open; reads
 * then block again (no writer reads as an empty file).  The size of a
 * regular file is checked before a byte is read.
 */
static struct vx_error *open_text(const char *path, FILE **in)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return vx_error_create(VX_ERR_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) ||
	    (S_ISREG(st.st_mode) && (uint64_t)st.st_size > VX_VMPARSE_MAX_FILE)) {
		struct vx_error *err =
			S_ISREG(st.st_mode) ? too_big(path) :
			vx_error_create(VX_ERR_IO, "%s: not a regular file or a pipe (%s)",
					path, S_ISDIR(st.st_mode) ? "a directory" :
					S_ISCHR(st.st_mode) ? "a character device" :
					S_ISBLK(st.st_mode) ? "a block device" : "a socket");

		close(fd);
		return err;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	*in = fdopen(fd, "r");
	if (!*in) {
		close(fd);
		return vx_error_nomem_in("%s", path);
	}
	return NULL;
}

struct vx_error *vx_vmparse_file(const char *path, unsigned int flags,
				 struct vx_snapshot **out)
{
	struct vx_error *err;
	FILE *in;

	*out = NULL;
	if (!strcmp(path, "-"))
		return vx_vmparse_stream("<stdin>", stdin, flags, out);
	err = open_text(path, &in);
	if (err)
		return err;
	err = vx_vmparse_stream(path, in, flags, out);
	fclose(in);
	return err;
}

/* snprintf into a fixed buffer, counting what would be needed. */
struct appender {
	char *buf;
	size_t size;
	size_t len;
};

static void __attribute__((format(printf, 2, 3)))
append(struct appender *a, const char *fmt, ...)
{
	size_t room = a->len < a->size ? a->size - a->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? a->buf + a->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		a->len += n;
}

/* The kernel's %#lx: "0x0" for zero, where glibc prints "0". */
static void append_kernel_hex(struct appender *a, uint64_t v)
{
	append(a, "0x%" PRIx64, v);
}

static void append_caller(struct appender *a, const struct vx_vmline *l)
{
	if (!l->caller)
		return;
	if (!l->symbol) {
		append(a, " 0x%" PRIx64, l->caller_addr);
		return;
	}
	append(a, " %s+", l->symbol);
	append_kernel_hex(a, l->offset);
	append(a, "/");
	append_kernel_hex(a, l->symsize);
	if (l->module)
		append(a, " [%s]", l->module);
}

static void append_vm_fields(struct appender *a, const struct vx_vmline *l)
{
	unsigned int i;

	append_caller(a, l);
	if (l->has_pages)
		append(a, " pages=%" PRIu64, l->pages);
	if (l->has_phys)
		append(a, " phys=0x%016" PRIx64, l->phys);
	for (i = 0; i < VX_NR_VM_WORDS; i++)
		if (l->flags & vx_vm_words[i].flag)
			append(a, " %s", vx_vm_words[i].word);
	for (i = 0; i < l->nr_numa; i++)
		append(a, " N%u=%u", l->numa[i].node, l->numa[i].pages);
}

size_t vx_vmline_format(const struct vx_vmline *l, char *buf, size_t size)
{
	struct appender a = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	append(&a, "0x%016" PRIx64 "-0x%016" PRIx64 " %7" PRId64, l->start,
	       l->end, l->size);
	if (l->kind == VX_VMLINE_VM_MAP_RAM)
		append(&a, " vm_map_ram");
	else if (l->kind == VX_VMLINE_UNPURGED)
		append(&a, " unpurged vm_area");
	else
		append_vm_fields(&a, l);
	append(&a, "\n");
	return a.len;
}

void vx_vmline_print(FILE *out, const struct vx_vmline *line)
{
	char small[512], *big;
	size_t n = vx_vmline_format(line, small, sizeof(small));

	if (n < sizeof(small)) {
		fputs(small, out);
		return;
	}
	big = malloc(n + 1);
	if (!big) {
		fputs("(out of memory)\n", out);
		return;
	}
	vx_vmline_format(line, big, n + 1);
	fputs(big, out);
	free(big);
}

void vx_snapshot_print(FILE *out, const struct vx_snapshot *snap)
{
	size_t i;

	for (i = 0; i < snap->nr_lines; i++) {
		if (i + 1 == snap->nr_lines && !snap->final_newline) {
			char buf[VX_VMPARSE_MAX_LINE + 2];
			size_t n = vx_vmline_format(&snap->lines[i], buf,
						    sizeof(buf));

			if (n < sizeof(buf))
				fwrite(buf, 1, n - 1, out);
			continue;
		}
		vx_vmline_print(out, &snap->lines[i]);
	}
}

const char *vx_addr_form_name(enum vx_addr_form form)
{
	switch (form) {
	case VX_ADDR_REAL:
		return "real";
	case VX_ADDR_HASHED:
		return "hashed";
	case VX_ADDR_ZEROED:
		return "zeroed";
	default:
		return "unknown";
	}
}

const char *vx_vmline_kind_name(enum vx_vmline_kind kind)
{
	switch (kind) {
	case VX_VMLINE_VM_MAP_RAM:
		return "vm_map_ram";
	case VX_VMLINE_UNPURGED:
		return "unpurged";
	default:
		return "vm";
	}
}

static void print_json_caller(struct vx_json *w, const struct vx_vmline *l)
{
	vx_json_string_field(w, "caller", l->caller);
	vx_json_string_field(w, "symbol", l->symbol);
	if (l->symbol) {
		vx_json_uint_field(w, "offset", l->offset);
		vx_json_uint_field(w, "symsize", l->symsize);
	} else {
		vx_json_null_field(w, "offset");
		vx_json_null_field(w, "symsize");
	}
	vx_json_string_field(w, "module", l->module);
	if (l->caller && !l->symbol)
		vx_json_addr_field(w, "caller_address", l->caller_addr);
	else
		vx_json_null_field(w, "caller_address");
}

void vx_vmline_print_json(struct vx_json *w, const struct vx_vmline *l)
{
	unsigned int i;

	vx_json_start_object(w);
	vx_json_uint_field(w, "line", l->lineno);
	vx_json_string_field(w, "kind", vx_vmline_kind_name(l->kind));
	vx_json_addr_field(w, "start", l->start);
	vx_json_addr_field(w, "end", l->end);
	vx_json_int_field(w, "size", l->size);
	print_json_caller(w, l);
	if (l->has_pages)
		vx_json_uint_field(w, "pages", l->pages);
	else
		vx_json_null_field(w, "pages");
	if (l->has_phys)
		vx_json_addr_field(w, "phys", l->phys);
	else
		vx_json_null_field(w, "phys");
	vx_json_array_field(w, "flags");
	for (i = 0; i < VX_NR_VM_WORDS; i++)
		if (l->flags & vx_vm_words[i].flag)
			vx_json_string(w, vx_vm_words[i].word);
	vx_json_end_array(w);
	vx_json_array_field(w, "numa");
	for (i = 0; i < l->nr_numa; i++) {
		vx_json_start_object(w);
		vx_json_uint_field(w, "node", l->numa[i].node);
		vx_json_uint_field(w, "pages", l->numa[i].pages);
		vx_json_end_object(w);
	}
	vx_json_end_array(w);
	vx_json_end_object(w);
}

void vx_vmparse_print_json(struct vx_json *w, const struct vx_snapshot *snap)
{
	size_t i;

	vx_json_start_object(w);
	vx_json_string_field(w, "file", snap->name);
	vx_json_string_field(w, "address_form", vx_addr_form_name(snap->form));
	vx_json_array_field(w, "lines");
	for (i = 0; i < snap->nr_lines; i++)
		vx_vmline_print_json(w, &snap->lines[i]);
	vx_json_end_array(w);
	vx_json_end_object(w);
}

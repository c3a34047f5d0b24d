// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Streaming JSON writer.  The API shape follows bpftool's json_writer
 * (one call per token, the writer places commas); the code is our own.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

enum json_container {
	JSON_OBJECT,
	JSON_ARRAY,
};

struct json_level {
	enum json_container type;
	unsigned long items;	/* members or elements written so far */
};

struct vx_json {
	FILE *out;
	bool pretty;
	bool named;		/* a member name was written, value pending */
	bool top_done;		/* the one top-level value is complete */
	const char *misuse;	/* first API misuse; nothing written after */
	unsigned int depth;
	struct json_level stack[VX_JSON_MAX_DEPTH];
};

struct vx_json *vx_json_create(FILE *out, bool pretty)
{
	struct vx_json *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->out = out;
	w->pretty = pretty;
	return w;
}

static void misuse(struct vx_json *w, const char *what)
{
	if (!w->misuse)
		w->misuse = what;
}

static void indent(struct vx_json *w)
{
	unsigned int i;

	if (!w->pretty)
		return;
	fputc('\n', w->out);
	for (i = 0; i < w->depth; i++)
		fputs("    ", w->out);
}

/*
 * Everything that starts a value goes through here: it checks that a value
 * is allowed at this point and writes the separator before it.
 */
static bool begin_value(struct vx_json *w)
{
	struct json_level *top;

	if (w->misuse)
		return false;
	if (w->depth == 0) {
		if (w->top_done) {
			misuse(w, "second top-level value");
			return false;
		}
		return true;
	}
	top = &w->stack[w->depth - 1];
	if (top->type == JSON_OBJECT) {
		if (!w->named) {
			misuse(w, "object member without a name");
			return false;
		}
		w->named = false;
		return true;
	}
	if (top->items++)
		fputc(',', w->out);
	indent(w);
	return true;
}

static void end_value(struct vx_json *w)
{
	if (w->depth == 0)
		w->top_done = true;
}

static void put_utf8_replacement(FILE *out)
{
	fputs("\\ufffd", out);
}

/* Length of the valid UTF-8 sequence at s (at most left bytes), or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t left)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (len > left)
		return 0;
	cp = s[0] & (0x3f >> (len - 1));
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values above U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void put_escaped(FILE *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, seq;

	fputc('"', out);
	while (i < len) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			fputc('\\', out);
			fputc(c, out);
		} else if (c == '\n') {
			fputs("\\n", out);
		} else if (c == '\t') {
			fputs("\\t", out);
		} else if (c == '\r') {
			fputs("\\r", out);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
		} else if (c >= 0x80) {
			seq = utf8_sequence(s + i, len - i);
			if (!seq) {
				put_utf8_replacement(out);
				i++;
				continue;
			}
			fwrite(s + i, 1, seq, out);
			i += seq;
			continue;
		} else {
			fputc(c, out);
		}
		i++;
	}
	fputc('"', out);
}

static void start_container(struct vx_json *w, enum json_container type)
{
	if (!begin_value(w))
		return;
	if (w->depth == VX_JSON_MAX_DEPTH) {
		misuse(w, "nesting deeper than VX_JSON_MAX_DEPTH");
		return;
	}
	fputc(type == JSON_OBJECT ? '{' : '[', w->out);
	w->stack[w->depth].type = type;
	w->stack[w->depth].items = 0;
	w->depth++;
}

static void end_container(struct vx_json *w, enum json_container type)
{
	struct json_level *top;

	if (w->misuse)
		return;
	if (w->depth == 0 || w->stack[w->depth - 1].type != type) {
		misuse(w, type == JSON_OBJECT ? "end of an object that is not open"
					      : "end of an array that is not open");
		return;
	}
	if (w->named) {
		misuse(w, "member name without a value");
		return;
	}
	top = &w->stack[--w->depth];
	if (top->items)
		indent(w);
	fputc(type == JSON_OBJECT ? '}' : ']', w->out);
	end_value(w);
}

void vx_json_start_object(struct vx_json *w)
{
	start_container(w, JSON_OBJECT);
}

void vx_json_end_object(struct vx_json *w)
{
	end_container(w, JSON_OBJECT);
}

void vx_json_start_array(struct vx_json *w)
{
	start_container(w, JSON_ARRAY);
}

void vx_json_end_array(struct vx_json *w)
{
	end_container(w, JSON_ARRAY);
}

void vx_json_name(struct vx_json *w, const char *name)
{
	struct json_level *top;

	if (w->misuse)
		return;
	if (w->depth == 0 || w->stack[w->depth - 1].type != JSON_OBJECT) {
		misuse(w, "member name outside an object");
		return;
	}
	if (w->named) {
		misuse(w, "two member names in a row");
		return;
	}
	top = &w->stack[w->depth - 1];
	if (top->items++)
		fputc(',', w->out);
	indent(w);
	put_escaped(w->out, name, strlen(name));
	fputs(w->pretty ? ": " : ":", w->out);
	w->named = true;
}

void vx_json_string_len(struct vx_json *w, const char *value, size_t len)
{
	if (!begin_value(w))
		return;
	put_escaped(w->out, value, len);
	end_value(w);
}

void vx_json_string(struct vx_json *w, const char *value)
{
	if (!value) {
		vx_json_null(w);
		return;
	}
	vx_json_string_len(w, value, strlen(value));
}

void vx_json_int(struct vx_json *w, int64_t value)
{
	if (!begin_value(w))
		return;
	fprintf(w->out, "%" PRId64, value);
	end_value(w);
}

void vx_json_uint(struct vx_json *w, uint64_t value)
{
	if (!begin_value(w))
		return;
	fprintf(w->out, "%" PRIu64, value);
	end_value(w);
}

void vx_json_bool(struct vx_json *w, bool value)
{
	if (!begin_value(w))
		return;
	fputs(value ? "true" : "false", w->out);
	end_value(w);
}

void vx_json_null(struct vx_json *w)
{
	if (!begin_value(w))
		return;
	fputs("null", w->out);
	end_value(w);
}

void vx_json_addr(struct vx_json *w, uint64_t addr)
{
	if (!begin_value(w))
		return;
	fprintf(w->out, "\"0x%016" PRIx64 "\"", addr);
	end_value(w);
}

void vx_json_string_field(struct vx_json *w, const char *name,
			  const char *value)
{
	vx_json_name(w, name);
	vx_json_string(w, value);
}

void vx_json_int_field(struct vx_json *w, const char *name, int64_t value)
{
	vx_json_name(w, name);
	vx_json_int(w, value);
}

void vx_json_uint_field(struct vx_json *w, const char *name, uint64_t value)
{
	vx_json_name(w, name);
	vx_json_uint(w, value);
}

void vx_json_bool_field(struct vx_json *w, const char *name, bool value)
{
	vx_json_name(w, name);
	vx_json_bool(w, value);
}

void vx_json_null_field(struct vx_json *w, const char *name)
{
	vx_json_name(w, name);
	vx_json_null(w);
}

void vx_json_addr_field(struct vx_json *w, const char *name, uint64_t addr)
{
	vx_json_name(w, name);
	vx_json_addr(w, addr);
}

void vx_json_object_field(struct vx_json *w, const char *name)
{
	vx_json_name(w, name);
	vx_json_start_object(w);
}

void vx_json_array_field(struct vx_json *w, const char *name)
{
	vx_json_name(w, name);
	vx_json_start_array(w);
}

struct vx_error *vx_json_destroy(struct vx_json *w)
{
	struct vx_error *err = NULL;

	if (!w)
		return NULL;
	if (!w->misuse && (w->depth || w->named))
		misuse(w, "document ended with open objects or arrays");
	if (w->misuse)
		err = vx_error_create(VX_ERR_INVALID, "JSON writer: %s",
				      w->misuse);
	else if (w->top_done)
		fputc('\n', w->out);
	if (!err && (fflush(w->out) || ferror(w->out)))
		err = vx_error_create(VX_ERR_IO, "JSON writer: write error");
	free(w);
	return err;
}

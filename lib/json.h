/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one JSON writer for all machine output of vmapx (both front ends).
 *
 * A streaming writer: it tracks nesting and commas so callers only say
 * what comes next.  Project rules it enforces by offering them:
 * addresses are strings "0x%016lx" (vx_json_addr*), byte counts and other
 * numbers are JSON integers.  Strings are escaped per RFC 8259; bytes
 * that are not valid UTF-8 become U+FFFD so the output always parses.
 *
 * Misuse (ending an object that is not open, a value where a name is
 * needed, nesting deeper than VX_JSON_MAX_DEPTH) does not crash: the
 * writer stops writing and vx_json_destroy() reports it.
 */
#ifndef VMAPX_JSON_H
#define VMAPX_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

#define VX_JSON_MAX_DEPTH 64

struct vx_json;

/* NULL when out of memory.  pretty: 4-space indentation, one item a line. */
struct vx_json *vx_json_create(FILE *out, bool pretty);
/*
 * Ends the document with a newline and frees the writer.  Returns an error
 * if the document was left unbalanced, the API was misused, or the stream
 * reported a write error.
 */
struct vx_error *vx_json_destroy(struct vx_json *w);

void vx_json_start_object(struct vx_json *w);
void vx_json_end_object(struct vx_json *w);
void vx_json_start_array(struct vx_json *w);
void vx_json_end_array(struct vx_json *w);

/* The name of the next member; only inside an object. */
void vx_json_name(struct vx_json *w, const char *name);

void vx_json_string(struct vx_json *w, const char *value);	/* NULL: null */
void vx_json_string_len(struct vx_json *w, const char *value, size_t len);
void vx_json_int(struct vx_json *w, int64_t value);
void vx_json_uint(struct vx_json *w, uint64_t value);
void vx_json_bool(struct vx_json *w, bool value);
void vx_json_null(struct vx_json *w);
void vx_json_addr(struct vx_json *w, uint64_t addr);

/* name + value in one call */
void vx_json_string_field(struct vx_json *w, const char *name,
			  const char *value);
void vx_json_int_field(struct vx_json *w, const char *name, int64_t value);
void vx_json_uint_field(struct vx_json *w, const char *name, uint64_t value);
void vx_json_bool_field(struct vx_json *w, const char *name, bool value);
void vx_json_null_field(struct vx_json *w, const char *name);
void vx_json_addr_field(struct vx_json *w, const char *name, uint64_t addr);
void vx_json_object_field(struct vx_json *w, const char *name);	/* starts it */
void vx_json_array_field(struct vx_json *w, const char *name);	/* starts it */

#endif

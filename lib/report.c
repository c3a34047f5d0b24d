// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report.h"

/* A corrupt dump can give a skip per area: past this they are counted. */
#define MAX_SKIPS 1000
#define MAX_NOTES 100000

void vx_report_init(struct vx_report *r)
{
	memset(r, 0, sizeof(*r));
}

void vx_report_fini(struct vx_report *r)
{
	for (size_t i = 0; i < r->nr_skips; i++)
		free(r->skips[i]);
	free(r->skips);
	for (size_t i = 0; i < r->nr_notes; i++)
		free(r->notes[i]);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

/* Append a formatted line to *lines; false when it could not be kept. */
static bool add_line(char ***lines, size_t *n, size_t max, const char *fmt,
		     va_list ap)
{
	char **grown, *msg;

	if (*n >= max)
		return false;
	if (vasprintf(&msg, fmt, ap) < 0)
		return false;
	grown = realloc(*lines, (*n + 1) * sizeof(*grown));
	if (!grown) {
		free(msg);
		return false;
	}
	*lines = grown;
	(*lines)[(*n)++] = msg;
	return true;
}

void vx_report_skip(struct vx_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!add_line(&r->skips, &r->nr_skips, MAX_SKIPS, fmt, ap))
		r->nr_dropped++;
	va_end(ap);
}

void vx_report_note(struct vx_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(&r->notes, &r->nr_notes, MAX_NOTES, fmt, ap);
	va_end(ap);
}

struct vx_report_mark vx_report_mark(const struct vx_report *r)
{
	return (struct vx_report_mark){ r->nr_skips, r->nr_dropped, r->nr_notes };
}

void vx_report_rewind(struct vx_report *r, struct vx_report_mark mark)
{
	while (r->nr_skips > mark.nr_skips)
		free(r->skips[--r->nr_skips]);
	while (r->nr_notes > mark.nr_notes)
		free(r->notes[--r->nr_notes]);
	r->nr_dropped = mark.nr_dropped;
}

bool vx_report_incomplete(const struct vx_report *r)
{
	return r->nr_skips || r->nr_dropped;
}

/*
 * The kind of a skip: its message with every number (decimal or 0x hex)
 * replaced by '#'.  A corrupt pointer shared by 500 pools gives 500 skips
 * of one kind; they are printed once, with their count.
 */
static char *skip_kind(const char *msg)
{
	char *kind = malloc(strlen(msg) + 1), *o = kind;

	if (!kind)
		return NULL;
	while (*msg) {
		if (isdigit((unsigned char)*msg)) {
			if (msg[0] == '0' && msg[1] == 'x')
				msg += 2;
			while (isxdigit((unsigned char)*msg))
				msg++;
			*o++ = '#';
		} else {
			*o++ = *msg++;
		}
	}
	*o = '\0';
	return kind;
}

/*
 * Group the skips by kind: *counts[i] is how many skips share the kind
 * of skip i when i is the first of its kind, else 0.  false when out of
 * memory (then every skip is its own kind).
 */
static bool group_skips(const struct vx_report *r, size_t **counts)
{
	char **kinds = calloc(r->nr_skips, sizeof(*kinds));
	size_t *c = calloc(r->nr_skips ? r->nr_skips : 1, sizeof(*c));

	if (!kinds || !c) {
		free(kinds);
		free(c);
		return false;
	}
	for (size_t i = 0; i < r->nr_skips; i++)
		kinds[i] = skip_kind(r->skips[i]);
	for (size_t i = 0; i < r->nr_skips; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (kinds[i] && kinds[j] && !strcmp(kinds[i], kinds[j]))
				break;
		if (j < i)
			continue;	/* counted with its first */
		c[i] = 1;
		for (j = i + 1; j < r->nr_skips; j++)
			c[i] += kinds[i] && kinds[j] && !strcmp(kinds[i], kinds[j]);
	}
	for (size_t i = 0; i < r->nr_skips; i++)
		free(kinds[i]);
	free(kinds);
	*counts = c;
	return true;
}

/* Each skip once (all, or out of memory), else one per kind. */
static size_t *skip_counts(const struct vx_report *r, bool all)
{
	size_t *c = NULL;

	if (!all && group_skips(r, &c))
		return c;
	c = calloc(r->nr_skips ? r->nr_skips : 1, sizeof(*c));
	for (size_t i = 0; c && i < r->nr_skips; i++)
		c[i] = 1;
	return c;
}

void vx_report_print_skips(const struct vx_report *r, FILE *f,
			   const char *prefix, bool all)
{
	size_t *counts = skip_counts(r, all);

	for (size_t i = 0; i < r->nr_skips; i++) {
		size_t n = counts ? counts[i] : 1;

		if (n == 1)
			fprintf(f, "%sskipped: %s\n", prefix, r->skips[i]);
		else if (n)
			fprintf(f, "%sskipped %zu times: %s (the first; -v lists all)\n",
				prefix, n, r->skips[i]);
	}
	free(counts);
	if (r->nr_dropped)
		fprintf(f, "%sskipped: %zu more\n", prefix, r->nr_dropped);
}

void vx_report_print_json(const struct vx_report *r, FILE *f, bool all)
{
	size_t *counts;
	struct vx_json *w;

	if (!r->nr_notes && !vx_report_incomplete(r))
		return;
	counts = skip_counts(r, all);
	w = vx_json_create(f, false);
	if (!w) {
		free(counts);
		return;
	}
	vx_json_start_object(w);
	vx_json_array_field(w, "notes");
	for (size_t i = 0; i < r->nr_notes; i++)
		vx_json_string(w, r->notes[i]);
	vx_json_end_array(w);
	vx_json_array_field(w, "skipped");
	for (size_t i = 0; i < r->nr_skips; i++) {
		if (counts && !counts[i])
			continue;
		vx_json_start_object(w);
		vx_json_string_field(w, "message", r->skips[i]);
		vx_json_uint_field(w, "count", counts ? counts[i] : 1);
		vx_json_end_object(w);
	}
	vx_json_end_array(w);
	vx_json_uint_field(w, "more_skipped", r->nr_dropped);
	vx_json_end_object(w);
	vx_error_destroy(vx_json_destroy(w));
	free(counts);
}

void vx_report_print_notes(const struct vx_report *r, FILE *f)
{
	for (size_t i = 0; i < r->nr_notes; i++)
		fprintf(f, "%s\n", r->notes[i]);
}

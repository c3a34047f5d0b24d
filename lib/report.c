// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

static bool print_grouped(const struct vx_report *r, FILE *f,
			  const char *prefix)
{
	char **kinds = calloc(r->nr_skips, sizeof(*kinds));

	if (!kinds)
		return false;
	for (size_t i = 0; i < r->nr_skips; i++)
		kinds[i] = skip_kind(r->skips[i]);
	for (size_t i = 0; i < r->nr_skips; i++) {
		size_t count = 1, j;

		for (j = 0; j < i; j++)
			if (kinds[i] && kinds[j] && !strcmp(kinds[i], kinds[j]))
				break;
		if (j < i)
			continue;	/* counted with its first */
		for (j = i + 1; j < r->nr_skips; j++)
			count += kinds[i] && kinds[j] && !strcmp(kinds[i], kinds[j]);
		if (count == 1)
			fprintf(f, "%sskipped: %s\n", prefix, r->skips[i]);
		else
			fprintf(f, "%sskipped %zu times: %s (the first; -v lists all)\n",
				prefix, count, r->skips[i]);
	}
	for (size_t i = 0; i < r->nr_skips; i++)
		free(kinds[i]);
	free(kinds);
	return true;
}

void vx_report_print_skips(const struct vx_report *r, FILE *f,
			   const char *prefix, bool all)
{
	if (all || !print_grouped(r, f, prefix))
		for (size_t i = 0; i < r->nr_skips; i++)
			fprintf(f, "%sskipped: %s\n", prefix, r->skips[i]);
	if (r->nr_dropped)
		fprintf(f, "%sskipped: %zu more\n", prefix, r->nr_dropped);
}

void vx_report_print_notes(const struct vx_report *r, FILE *f)
{
	for (size_t i = 0; i < r->nr_notes; i++)
		fprintf(f, "%s\n", r->notes[i]);
}

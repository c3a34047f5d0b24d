// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

struct vx_error vx_error_nomem = {
	.code = VX_ERR_NOMEM,
	.message = "out of memory",
};

/*
 * An error is one line, whatever bytes of the dump it quotes (a kdump
 * header's utsname, a symbol name): control characters become '?'.
 */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

struct vx_error *vx_error_vcreate(enum vx_error_code code, const char *fmt,
				  va_list ap)
{
	struct vx_error *err = calloc(1, sizeof(*err));

	if (!err)
		return &vx_error_nomem;
	err->code = code;
	if (vasprintf(&err->message, fmt, ap) < 0) {
		free(err);
		return &vx_error_nomem;
	}
	one_line(err->message);
	return err;
}

struct vx_error *vx_error_create(enum vx_error_code code, const char *fmt, ...)
{
	struct vx_error *err;
	va_list ap;

	va_start(ap, fmt);
	err = vx_error_vcreate(code, fmt, ap);
	va_end(ap);
	return err;
}

struct vx_error *vx_error_fault(uint64_t address, const char *fmt, ...)
{
	struct vx_error *err;
	va_list ap;

	va_start(ap, fmt);
	err = vx_error_vcreate(VX_ERR_FAULT, fmt, ap);
	va_end(ap);
	if (err != &vx_error_nomem)
		err->address = address;
	return err;
}

struct vx_error *vx_error_nomem_in(const char *fmt, ...)
{
	struct vx_error *err;
	char *joined;
	va_list ap;

	va_start(ap, fmt);
	err = vx_error_vcreate(VX_ERR_NOMEM, fmt, ap);
	va_end(ap);
	if (err == &vx_error_nomem)
		return err;
	if (asprintf(&joined, "%s: out of memory", err->message) < 0) {
		vx_error_destroy(err);
		return &vx_error_nomem;
	}
	free(err->message);
	err->message = joined;
	return err;
}

struct vx_error *vx_error_wrap(struct vx_error *err, const char *fmt, ...)
{
	char *context, *joined;
	va_list ap;

	if (!err || err == &vx_error_nomem)
		return err;
	va_start(ap, fmt);
	if (vasprintf(&context, fmt, ap) < 0)
		context = NULL;
	va_end(ap);
	if (!context)
		return err;
	one_line(context);
	if (asprintf(&joined, "%s: %s", context, err->message) >= 0) {
		free(err->message);
		err->message = joined;
	}
	free(context);
	return err;
}

void vx_error_destroy(struct vx_error *err)
{
	if (!err || err == &vx_error_nomem)
		return;
	free(err->message);
	free(err);
}

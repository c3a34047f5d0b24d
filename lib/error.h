/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Errors are values: every fallible function in lib/ returns a
 * struct vx_error * (NULL on success).  The error carries a code, the
 * address that failed (if any) and a message with the context a reader
 * needs.  Callers add context on the way up with vx_error_wrap().
 */
#ifndef VMAPX_ERROR_H
#define VMAPX_ERROR_H

#include <stdarg.h>
#include <stdint.h>

enum vx_error_code {
	VX_ERR_NOMEM = 1,	/* allocation failed */
	VX_ERR_NOT_FOUND,	/* symbol, type or member does not exist */
	VX_ERR_FAULT,		/* memory could not be read (address kept) */
	VX_ERR_INVALID,		/* data read from the dump makes no sense */
	VX_ERR_IO,		/* a file could not be opened or read */
	VX_ERR_USAGE,		/* bad option or argument */
	VX_ERR_MISMATCH,	/* vmlinux does not match the dump */
	VX_ERR_UNSUPPORTED,	/* a kernel or dump we cannot handle */
};

struct vx_error {
	enum vx_error_code code;
	uint64_t address;	/* for VX_ERR_FAULT, else 0 */
	char *message;
};

/* Returned when even the error could not be allocated; never freed. */
extern struct vx_error vx_error_nomem;

struct vx_error *vx_error_create(enum vx_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct vx_error *vx_error_vcreate(enum vx_error_code code, const char *fmt,
				  va_list ap);
struct vx_error *vx_error_fault(uint64_t address, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * An allocation failed: VX_ERR_NOMEM saying "<context>: out of memory",
 * the one wording of every out-of-memory error (&vx_error_nomem, plain
 * "out of memory", when even that cannot be allocated).
 */
struct vx_error *vx_error_nomem_in(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Prefix err's message with "<context>: "; returns err (or nomem). */
struct vx_error *vx_error_wrap(struct vx_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vx_error_destroy(struct vx_error *err);

static inline int vx_error_is(const struct vx_error *err,
			      enum vx_error_code code)
{
	return err && err->code == code;
}

#endif

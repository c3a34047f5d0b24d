/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A symbol table sorted once by name for binary-search look-ups: the
 * vmlinux .symtab (tool/elfsyms.c) and a System.map (tool/symmap.c).
 * Among equal names a preferred entry (a global symbol) wins, then the
 * one added first (table or file order).
 */
#ifndef VMAPX_SYMTAB_H
#define VMAPX_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct vx_symtab_entry {
	const char *name;	/* not owned */
	uint64_t addr;
	size_t order;		/* position of the add */
	bool preferred;
};

struct vx_symtab {
	struct vx_symtab_entry *v;
	size_t n, cap;
};

/* Append an entry (name must outlive the table); grows by doubling. */
struct vx_error *vx_symtab_add(struct vx_symtab *t, const char *name,
			       uint64_t addr, bool preferred);
/* Sort once, after the last add. */
void vx_symtab_sort(struct vx_symtab *t);
/* The winning entry of that name, or NULL. */
const struct vx_symtab_entry *vx_symtab_find(const struct vx_symtab *t,
					     const char *name);
/* Frees the entries, not the names. */
void vx_symtab_free(struct vx_symtab *t);

#endif

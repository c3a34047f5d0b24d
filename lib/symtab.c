// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "symtab.h"
#include "sort.h"

struct vx_error *vx_symtab_add(struct vx_symtab *t, const char *name,
			       uint64_t addr, bool preferred)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 4096;
		struct vx_symtab_entry *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return vx_error_nomem_in("symbol table of %zu entries",
						 cap);
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n] = (struct vx_symtab_entry){ .name = name, .addr = addr,
					       .order = t->n,
					       .preferred = preferred };
	t->n++;
	return NULL;
}

static int compare_entries(const void *a, const void *b)
{
	const struct vx_symtab_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->preferred != y->preferred)
		return x->preferred ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void vx_symtab_sort(struct vx_symtab *t)
{
	vx_sort(t->v, t->n, sizeof(*t->v), compare_entries);
}

const struct vx_symtab_entry *vx_symtab_find(const struct vx_symtab *t,
					     const char *name)
{
	size_t lo = 0, hi = t->n;

	/* Lower bound: the first entry of that name is the winner. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(t->v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && !strcmp(t->v[lo].name, name) ? &t->v[lo] : NULL;
}

void vx_symtab_free(struct vx_symtab *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

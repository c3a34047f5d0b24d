// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symmap.h"

#define MAX_SYMBOLS (1U << 23)

struct sym {
	char *name;
	uint64_t addr;
	size_t order;	/* line order: the first of equal names wins */
};

struct vx_symmap {
	struct sym *syms;
	size_t n;
};

static int by_name(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

struct vx_error *vx_symmap_open(const char *path, struct vx_symmap **out)
{
	struct vx_symmap *m;
	size_t cap = 0, lineno = 0;
	char line[1024];
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return vx_error_create(VX_ERR_IO, "%s: %s", path, strerror(errno));
	m = calloc(1, sizeof(*m));
	if (!m)
		goto nomem;
	while (fgets(line, sizeof(line), f)) {
		char type, name[512];
		unsigned long long addr;

		lineno++;
		if (sscanf(line, "%llx %c %511s", &addr, &type, name) != 3) {
			fclose(f);
			vx_symmap_free(m);
			return vx_error_create(VX_ERR_INVALID,
					       "%s:%zu: not a System.map line",
					       path, lineno);
		}
		if (m->n == cap) {
			struct sym *grown;

			if (cap >= MAX_SYMBOLS)
				break;
			cap = cap ? cap * 2 : 4096;
			grown = realloc(m->syms, cap * sizeof(*grown));
			if (!grown)
				goto nomem;
			m->syms = grown;
		}
		m->syms[m->n].name = strdup(name);
		if (!m->syms[m->n].name)
			goto nomem;
		m->syms[m->n].order = m->n;
		m->syms[m->n++].addr = addr;
	}
	fclose(f);
	if (m->n < 2)
		return vx_symmap_free(m),
		       vx_error_create(VX_ERR_INVALID,
				       "%s: no symbols (Debian's /boot/System.map is a stub; use the -dbg package's)",
				       path);
	qsort(m->syms, m->n, sizeof(*m->syms), by_name);
	*out = m;
	return NULL;
nomem:
	fclose(f);
	vx_symmap_free(m);
	return &vx_error_nomem;
}

bool vx_symmap_lookup(const struct vx_symmap *m, const char *name,
		      uint64_t *addr)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(m->syms[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->n && !strcmp(m->syms[lo].name, name)) {
		*addr = m->syms[lo].addr;
		return true;
	}
	return false;
}

void vx_symmap_free(struct vx_symmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->syms[i].name);
	free(m->syms);
	free(m);
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symmap.h"
#include "symtab.h"

#define MAX_SYMBOLS (1U << 23)

struct vx_symmap {
	struct vx_symtab syms;	/* names owned here; file order breaks ties */
};

static struct vx_error *add_line(struct vx_symmap *m, const char *name,
				 uint64_t addr)
{
	char *copy = strdup(name);
	struct vx_error *err;

	if (!copy)
		return vx_error_nomem_in("System.map symbol");
	err = vx_symtab_add(&m->syms, copy, addr, false);
	if (err)
		free(copy);
	return err;
}

struct vx_error *vx_symmap_open(const char *path, struct vx_symmap **out)
{
	struct vx_error *err = NULL;
	struct vx_symmap *m;
	size_t lineno = 0;
	char line[1024];
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return vx_error_create(VX_ERR_IO, "%s: %s", path, strerror(errno));
	m = calloc(1, sizeof(*m));
	if (!m) {
		fclose(f);
		return vx_error_nomem_in("%s", path);
	}
	while (!err && m->syms.n < MAX_SYMBOLS && fgets(line, sizeof(line), f)) {
		char type, name[512];
		unsigned long long addr;

		lineno++;
		if (sscanf(line, "%llx %c %511s", &addr, &type, name) != 3)
			err = vx_error_create(VX_ERR_INVALID,
					      "%s:%zu: not a System.map line",
					      path, lineno);
		else
			err = add_line(m, name, addr);
	}
	fclose(f);
	if (!err && m->syms.n < 2)
		err = vx_error_create(VX_ERR_INVALID,
				      "%s: no symbols (Debian's /boot/System.map is a stub; use the -dbg package's)",
				      path);
	if (err) {
		vx_symmap_free(m);
		return vx_error_is(err, VX_ERR_NOMEM) ?
		       vx_error_wrap(err, "%s", path) : err;
	}
	vx_symtab_sort(&m->syms);
	*out = m;
	return NULL;
}

bool vx_symmap_lookup(const struct vx_symmap *m, const char *name,
		      uint64_t *addr)
{
	const struct vx_symtab_entry *s = vx_symtab_find(&m->syms, name);

	if (s)
		*addr = s->addr;
	return s != NULL;
}

void vx_symmap_free(struct vx_symmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->syms.n; i++)
		free((char *)m->syms.v[i].name);
	vx_symtab_free(&m->syms);
	free(m);
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printk.h"
#include "vmcoreinfo.h"

struct vx_error *vx_vmcoreinfo_parse(const char *text,
				     struct vx_vmcoreinfo *out)
{
	size_t lines = 1, n = 0;
	char *line, *next;

	memset(out, 0, sizeof(*out));
	out->text = strdup(text ? text : "");
	if (!out->text)
		return &vx_error_nomem;
	for (const char *p = out->text; *p; p++)
		lines += *p == '\n';
	out->keys = calloc(lines, sizeof(*out->keys));
	out->values = calloc(lines, sizeof(*out->values));
	if (!out->keys || !out->values) {
		vx_vmcoreinfo_free(out);
		return &vx_error_nomem;
	}
	for (line = out->text; line && *line; line = next) {
		char *eq;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		out->keys[n] = line;
		out->values[n] = eq + 1;
		n++;
	}
	out->count = n;
	return NULL;
}

void vx_vmcoreinfo_free(struct vx_vmcoreinfo *v)
{
	free(v->text);
	free(v->keys);
	free(v->values);
	memset(v, 0, sizeof(*v));
}

const char *vx_vmcoreinfo_get(const struct vx_vmcoreinfo *v, const char *key)
{
	for (size_t i = 0; i < v->count; i++)
		if (!strcmp(v->keys[i], key))
			return v->values[i];
	return NULL;
}

static const char *get_wrapped(const struct vx_vmcoreinfo *v, const char *kind,
			       const char *name)
{
	char key[256];

	if (snprintf(key, sizeof(key), "%s(%s)", kind, name) >= (int)sizeof(key))
		return NULL;
	return vx_vmcoreinfo_get(v, key);
}

static bool parse_u64(const char *s, int base, uint64_t *val)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*val = strtoull(s, &end, base);
	return !errno && *end == '\0';
}

bool vx_vmcoreinfo_symbol(const struct vx_vmcoreinfo *v, const char *name,
			  uint64_t *addr)
{
	return parse_u64(get_wrapped(v, "SYMBOL", name), 16, addr);
}

bool vx_vmcoreinfo_number(const struct vx_vmcoreinfo *v, const char *name,
			  int64_t *val)
{
	const char *s = get_wrapped(v, "NUMBER", name);
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		*val = (int64_t)strtoull(s, &end, 16);
	else
		*val = strtoll(s, &end, 10);
	return !errno && *end == '\0';
}

bool vx_vmcoreinfo_offset(const struct vx_vmcoreinfo *v, const char *name,
			  uint64_t *val)
{
	return parse_u64(get_wrapped(v, "OFFSET", name), 10, val);
}

bool vx_vmcoreinfo_size(const struct vx_vmcoreinfo *v, const char *name,
			uint64_t *val)
{
	return parse_u64(get_wrapped(v, "SIZE", name), 10, val);
}

bool vx_vmcoreinfo_length(const struct vx_vmcoreinfo *v, const char *name,
			  uint64_t *val)
{
	return parse_u64(get_wrapped(v, "LENGTH", name), 10, val);
}

uint64_t vx_vmcoreinfo_kerneloffset(const struct vx_vmcoreinfo *v)
{
	uint64_t off;

	if (!parse_u64(vx_vmcoreinfo_get(v, "KERNELOFFSET"), 16, &off))
		return 0;
	return off;
}

/* A decimal number of 1-5 digits at *p; advances *p past it. */
static bool release_number(const char **p, unsigned long *val)
{
	const char *s = *p;

	*val = 0;
	while (*s >= '0' && *s <= '9' && s - *p < 5)
		*val = *val * 10 + (unsigned long)(*s++ - '0');
	if (s == *p || (*s >= '0' && *s <= '9'))
		return false;
	*p = s;
	return true;
}

bool vx_release_version_code(const char *release, uint32_t *code)
{
	unsigned long a, b, c = 0;
	const char *p = release;

	if (!p || !release_number(&p, &a) || *p++ != '.' ||
	    !release_number(&p, &b) || a > 255 || b > 255)
		return false;
	if (*p == '.') {
		p++;
		if (!release_number(&p, &c))
			return false;
		if (c > 255)
			c = 255;
	}
	*code = (uint32_t)(a << 16 | b << 8 | c);
	return true;
}

/*
 * The keys kernel.c and kallsyms.c read, and the SYMBOL()s they look up
 * through vx_kernel_symbol(); printk.c lists its own.
 */
static const char *const core_keys[] = {
	"OSRELEASE", "PAGESIZE", "KERNELOFFSET",
	"SYMBOL(_stext)", "SYMBOL(_end)", "SYMBOL(kallsyms_names)", "SYMBOL(kallsyms_num_syms)",
	"SYMBOL(kallsyms_token_table)", "SYMBOL(kallsyms_token_index)",
	"SYMBOL(kallsyms_offsets)", "SYMBOL(kallsyms_relative_base)",
	"SYMBOL(vmap_area_list)",
	"NUMBER(pgtable_l5_enabled)", "NUMBER(VMALLOC_START)",
	"NUMBER(KERNEL_IMAGE_SIZE)", "NUMBER(phys_base)",
	"LENGTH(node_data)", "SIZE(nodemask_t)",
	/* how the memory map marks a slab page (recover_slab.c) */
	"NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)", "NUMBER(PG_slab)",
	"OFFSET(page._mapcount)",
};

void vx_vmcoreinfo_each_key(void (*fn)(const char *key, void *arg),
			    void *arg)
{
	for (size_t i = 0; i < sizeof(core_keys) / sizeof(core_keys[0]); i++)
		fn(core_keys[i], arg);
	vx_printk_vmcoreinfo_keys(fn, arg);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * %pS as the kernel prints it (sprint_symbol): "name+0xoff/0xsize" for the
 * kernel image, with " [module]" for module text, "0x<addr>" when nothing
 * knows the address.  Names and sizes come from the kernel's own tables
 * (kallsyms, mod->kallsyms), never from a vmlinux ELF symtab: the sets and
 * the sizes differ.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

#define MODULE_STATE_UNFORMED	3
#define MAX_MODULES		8192
#define MAX_MODULE_SYMS		(1U << 20)
#define ELF64_SYM_SIZE		24	/* the ELF format, not a kernel struct */
#define SHN_UNDEF		0
#define KSYM_NAME_LEN		512
#define MAX_MOD_REGIONS		8

struct vx_region {
	uint64_t base, size;
};

struct vx_module {
	char name[64];
	/*
	 * 5.10-6.3: regions[0] core, [1] init, with text sizes.  6.4+: the
	 * mem[] types in order (TEXT, DATA, RODATA, RO_AFTER_INIT,
	 * INIT_TEXT, INIT_DATA, INIT_RODATA).
	 */
	struct vx_region regions[MAX_MOD_REGIONS];
	uint64_t text_size[2];
	unsigned int nr_regions;
	uint64_t strtab;
	uint32_t num_syms;
	uint8_t *symtab;	/* num_syms * 24 bytes */
};

struct vx_modules {
	struct vx_module *mods;
	size_t count;
	char *error;	/* why the list could not be read whole, or NULL */
};

struct caller_entry {
	uint64_t addr;
	char *text;
};

struct vx_caller_cache {
	struct caller_entry *slots;
	size_t size, used;
};

/* ---- modules ----------------------------------------------------------- */

static struct vx_error *read_module_regions(struct vx_kernel *k, uint64_t mod,
					    struct vx_module *m)
{
	const struct vx_layout *l = &k->l;
	struct vx_error *err;

	if (k->has_mod_mem) {
		m->nr_regions = l->mod_mem_count < MAX_MOD_REGIONS ?
				l->mod_mem_count : MAX_MOD_REGIONS;
		for (unsigned int i = 0; i < m->nr_regions; i++) {
			uint64_t mm = mod + l->mod_mem + i * l->mm_sizeof;

			err = vx_read_u64(k->t, mm + l->mm_base,
					  &m->regions[i].base);
			if (!err)
				err = vx_read_uint(k->t, mm + l->mm_size,
						   l->mm_size_size,
						   &m->regions[i].size);
			if (err)
				return err;
		}
		return NULL;
	}
	m->nr_regions = 2;
	for (unsigned int i = 0; i < 2; i++) {
		uint64_t ml = mod + (i ? l->mod_init_layout : l->mod_core_layout);

		err = vx_read_u64(k->t, ml + l->ml_base, &m->regions[i].base);
		if (!err)
			err = vx_read_uint(k->t, ml + l->ml_size, 4,
					   &m->regions[i].size);
		if (!err)
			err = vx_read_uint(k->t, ml + l->ml_text_size, 4,
					   &m->text_size[i]);
		if (err)
			return err;
	}
	return NULL;
}

static struct vx_error *read_module(struct vx_kernel *k, uint64_t mod,
				    struct vx_module *m, bool *unformed)
{
	const struct vx_layout *l = &k->l;
	uint64_t state, kallsyms, symtab, num;
	struct vx_error *err;
	size_t name_size;

	err = vx_read_uint(k->t, mod + l->mod_state, 4, &state);
	if (err)
		return err;
	*unformed = state == MODULE_STATE_UNFORMED;
	if (*unformed)
		return NULL;
	/* the size is the dump's BTF's: 0 (no name) must not write name[-1] */
	name_size = l->mod_name_size < sizeof(m->name) ? l->mod_name_size :
							 sizeof(m->name) - 1;
	err = name_size ? vx_read(k->t, mod + l->mod_name, m->name, name_size) : NULL;
	if (err)
		return err;
	m->name[name_size] = '\0';
	err = read_module_regions(k, mod, m);
	if (!err)
		err = vx_read_u64(k->t, mod + l->mod_kallsyms, &kallsyms);
	if (!err)
		err = vx_read_u64(k->t, kallsyms + l->mk_symtab, &symtab);
	if (!err)
		err = vx_read_uint(k->t, kallsyms + l->mk_num_symtab, 4, &num);
	if (!err)
		err = vx_read_u64(k->t, kallsyms + l->mk_strtab, &m->strtab);
	if (err)
		return err;
	if (num > MAX_MODULE_SYMS)
		return vx_error_create(VX_ERR_INVALID,
				       "module %s claims %lu symbols", m->name,
				       (unsigned long)num);
	m->num_syms = num;
	m->symtab = malloc(num * ELF64_SYM_SIZE + 1);
	if (!m->symtab)
		return &vx_error_nomem;
	return vx_read(k->t, symtab, m->symtab, num * ELF64_SYM_SIZE);
}

static void load_modules(struct vx_kernel *k)
{
	struct vx_modules *mods;
	uint64_t head, pos, prev;
	struct vx_error *err;

	mods = calloc(1, sizeof(*mods));
	if (!mods)
		return;
	k->mods = mods;
	if (k->l.mod_list == VX_ABSENT)
		return;
	err = vx_kernel_symbol(k, "modules", &head);
	if (!err)
		err = vx_read_u64(k->t, head, &pos);
	prev = head;
	while (!err && pos != head) {
		struct vx_module *m, *grown;
		uint64_t back;
		bool unformed;

		if (mods->count >= MAX_MODULES) {
			err = vx_error_create(VX_ERR_INVALID,
					      "more than %d modules (a cycle?)",
					      MAX_MODULES);
			break;
		}
		/* A list whose back pointer disagrees is corrupt or cyclic. */
		err = vx_read_u64(k->t, pos + 8, &back);
		if (!err && back != prev)
			err = vx_error_create(VX_ERR_INVALID,
					      "module list broken at 0x%lx",
					      (unsigned long)pos);
		if (err)
			break;
		grown = realloc(mods->mods, (mods->count + 1) * sizeof(*grown));
		if (!grown)
			break;
		mods->mods = grown;
		m = &mods->mods[mods->count];
		memset(m, 0, sizeof(*m));
		err = read_module(k, pos - k->l.mod_list, m, &unformed);
		if (err) {
			free(m->symtab);
			break;
		}
		if (!unformed)
			mods->count++;
		prev = pos;
		err = vx_read_u64(k->t, pos, &pos);
	}
	if (err) {
		mods->error = strdup(err->message);
		vx_error_destroy(err);
	}
}

void vx_symbolize_report(struct vx_kernel *k, struct vx_report *r)
{
	if (k->mods && k->mods->error)
		vx_report_skip(r, "module list: %s (callers in modules print as addresses)",
			       k->mods->error);
}

static bool in_region(const struct vx_region *r, uint64_t addr)
{
	return addr >= r->base && addr - r->base < r->size;
}

/* Which region of m holds addr, -1 if none. */
static int module_region(const struct vx_module *m, uint64_t addr)
{
	for (unsigned int i = 0; i < m->nr_regions; i++)
		if (in_region(&m->regions[i], addr))
			return i;
	return -1;
}

static bool is_mapping_symbol(const struct vx_kernel *k, const char *s)
{
	if (s[0] == '.' && s[1] == 'L')
		return true;
	if (k->has_mod_mem)	/* is_mapping_symbol() */
		return (s[0] == 'L' && s[1] == '0') || s[0] == '$';
	/* is_arm_mapping_symbol() */
	return s[0] == '$' && s[1] && strchr("axtd", s[1]) &&
	       (s[2] == '\0' || s[2] == '.');
}

static uint64_t sym_value(const struct vx_module *m, uint32_t i)
{
	uint64_t v;

	memcpy(&v, m->symtab + i * ELF64_SYM_SIZE + 8, 8);
	return v;
}

static bool sym_name(struct vx_kernel *k, const struct vx_module *m,
		     uint32_t i, char *buf, size_t size)
{
	uint32_t st_name;
	struct vx_error *err;

	memcpy(&st_name, m->symtab + i * ELF64_SYM_SIZE, 4);
	err = vx_read_cstring(k->t, m->strtab + st_name, buf, size);
	if (err) {
		vx_error_destroy(err);
		return false;
	}
	return true;
}

/* find_kallsyms_symbol(): closest preceding named symbol and the next one. */
static bool module_lookup(struct vx_kernel *k, const struct vx_module *m,
			  int region, uint64_t addr, char *name, size_t size,
			  uint64_t *offset, uint64_t *symsize)
{
	uint64_t nextval, bestval;
	uint32_t best = 0;
	char buf[KSYM_NAME_LEN];

	if (k->has_mod_mem) {
		const struct vx_region *r = &m->regions[region];

		nextval = r->base + r->size;
		bestval = r->base - 1;
	} else {
		int init = region == 1;

		nextval = m->regions[init].base + m->text_size[init];
		bestval = m->num_syms ? sym_value(m, 0) : 0;
	}
	for (uint32_t i = 1; i < m->num_syms; i++) {
		uint64_t val = sym_value(m, i);
		uint16_t shndx;
		bool better, nearer;

		memcpy(&shndx, m->symtab + i * ELF64_SYM_SIZE + 6, 2);
		if (shndx == SHN_UNDEF)
			continue;
		better = val <= addr && val > bestval;
		nearer = val > addr && val < nextval;
		/* Names are read only for symbols that would matter. */
		if (!better && !nearer)
			continue;
		if (!sym_name(k, m, i, buf, sizeof(buf)) || !buf[0] ||
		    is_mapping_symbol(k, buf))
			continue;
		if (better) {
			best = i;
			bestval = val;
		} else {
			nextval = val;
		}
	}
	if (!best || !sym_name(k, m, best, name, size))
		return false;
	*offset = addr - bestval;
	*symsize = nextval - bestval;
	return true;
}

static bool symbolize_module(struct vx_kernel *k, uint64_t addr, char *buf,
			     size_t size)
{
	char name[KSYM_NAME_LEN];
	uint64_t offset, symsize;

	if (!k->mods)
		load_modules(k);
	if (!k->mods)
		return false;
	for (size_t i = 0; i < k->mods->count; i++) {
		const struct vx_module *m = &k->mods->mods[i];
		int region = module_region(m, addr);

		if (region < 0)
			continue;
		if (!module_lookup(k, m, region, addr, name, sizeof(name),
				   &offset, &symsize))
			return false;
		snprintf(buf, size, "%s+%#" PRIx64 "/%#" PRIx64 " [%s]", name,
			 offset, symsize, m->name);
		return true;
	}
	return false;
}

bool vx_module_memory(struct vx_kernel *k, size_t i, uint64_t lo, uint64_t hi,
		      const char **name, uint64_t *bytes)
{
	const struct vx_module *m;

	if (!k->mods)
		load_modules(k);
	if (!k->mods || i >= k->mods->count)
		return false;
	m = &k->mods->mods[i];
	*name = m->name;
	*bytes = 0;
	for (unsigned int r = 0; r < m->nr_regions; r++) {
		const struct vx_region *g = &m->regions[r];

		if (g->size && g->base >= lo && g->base < hi)
			*bytes += g->size;
	}
	return true;
}

struct vx_error *vx_module_symbol(struct vx_kernel *k, const char *mod,
				  const char *name, uint64_t *addr)
{
	char buf[KSYM_NAME_LEN];

	if (!k->mods)
		load_modules(k);
	for (size_t i = 0; k->mods && i < k->mods->count; i++) {
		const struct vx_module *m = &k->mods->mods[i];

		if (strcmp(m->name, mod))
			continue;
		for (uint32_t s = 1; s < m->num_syms; s++) {
			uint16_t shndx;

			memcpy(&shndx, m->symtab + s * ELF64_SYM_SIZE + 6, 2);
			if (shndx == SHN_UNDEF || !sym_name(k, m, s, buf, sizeof(buf)) ||
			    strcmp(buf, name))
				continue;
			*addr = sym_value(m, s);
			return NULL;
		}
		return vx_error_create(VX_ERR_NOT_FOUND, "no symbol %s in module %s",
				       name, mod);
	}
	return vx_error_create(VX_ERR_NOT_FOUND, "module %s is not loaded%s", mod,
			       k->mods && k->mods->error ? " (module list cut short)" : "");
}

/* ---- the kernel image -------------------------------------------------- */

static bool is_ksym_addr(const struct vx_kernel *k, uint64_t addr)
{
	if (k->lazy_llist)	/* 5.10 is_kernel(): _stext <= addr <= _end */
		return addr >= k->stext && addr <= k->end;
	return (addr >= k->stext && addr < k->end) ||
	       (addr >= k->init_begin && addr < k->init_end);
}

/* The kernel's %#lx prints 0 as "0x0", unlike glibc's "0". */
static int print_hex(char *buf, size_t size, uint64_t v)
{
	return snprintf(buf, size, "0x%" PRIx64, v);
}

static bool symbolize_vmlinux(struct vx_kernel *k, uint64_t addr, char *buf,
			      size_t size)
{
	uint64_t start, next;
	uint32_t index;
	const char *name;
	int n;

	if (!is_ksym_addr(k, addr) ||
	    !vx_kallsyms_lookup_addr(k->ksyms, addr, &index, &start, &next))
		return false;
	if (!next) {
		/* No higher symbol: the end of the section it is in. */
		if (addr >= k->sinittext && addr < k->einittext)
			next = k->einittext;
		else
			next = k->end;
	}
	name = vx_kallsyms_name(k->ksyms, index, NULL);
	n = snprintf(buf, size, "%s+", name);
	if (n < 0 || (size_t)n >= size)
		return true;
	n += print_hex(buf + n, size - n, addr - start);
	if ((size_t)n + 1 < size) {
		buf[n++] = '/';
		print_hex(buf + n, size - n, next - start);
	}
	return true;
}

/* ---- cache ------------------------------------------------------------- */

static struct caller_entry *cache_slot(struct vx_caller_cache *c, uint64_t addr)
{
	size_t mask = c->size - 1;
	size_t i = (addr * 0x9e3779b97f4a7c15ULL >> 20) & mask;

	while (c->slots[i].text && c->slots[i].addr != addr)
		i = (i + 1) & mask;
	return &c->slots[i];
}

static bool cache_grow(struct vx_caller_cache *c)
{
	struct vx_caller_cache bigger = { .size = c->size ? c->size * 2 : 1024 };

	bigger.slots = calloc(bigger.size, sizeof(*bigger.slots));
	if (!bigger.slots)
		return false;
	for (size_t i = 0; i < c->size; i++) {
		if (c->slots[i].text) {
			*cache_slot(&bigger, c->slots[i].addr) = c->slots[i];
			bigger.used++;
		}
	}
	free(c->slots);
	*c = bigger;
	return true;
}

const char *vx_symbolize(struct vx_kernel *k, uint64_t addr, char *buf,
			 size_t size)
{
	struct vx_caller_cache *c = k->callers;
	struct caller_entry *e;

	if (!c)
		c = k->callers = calloc(1, sizeof(*c));
	if (c && (c->used + 1) * 2 > c->size && !cache_grow(c))
		c = NULL;
	if (c) {
		e = cache_slot(c, addr);
		if (e->text) {
			snprintf(buf, size, "%s", e->text);
			return buf;
		}
	}
	if (!symbolize_vmlinux(k, addr, buf, size) &&
	    !symbolize_module(k, addr, buf, size))
		print_hex(buf, size, addr);
	if (c) {
		e = cache_slot(c, addr);
		e->text = strdup(buf);
		if (e->text) {
			e->addr = addr;
			c->used++;
		}
	}
	return buf;
}

void vx_symbolizer_free(struct vx_kernel *k)
{
	if (k->callers) {
		for (size_t i = 0; i < k->callers->size; i++)
			free(k->callers->slots[i].text);
		free(k->callers->slots);
		free(k->callers);
		k->callers = NULL;
	}
	if (k->mods) {
		for (size_t i = 0; i < k->mods->count; i++)
			free(k->mods->mods[i].symtab);
		free(k->mods->mods);
		free(k->mods->error);
		free(k->mods);
		k->mods = NULL;
	}
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Type source on the DWARF of a -dbg vmlinux (elfutils libdw).
 *
 * That DWARF is 300-900 MB in ~3000 compilation units; indexing it all
 * would cost seconds and hundreds of MB.  We only ever need a dozen types,
 * so types are found lazily: first in the CUs known to define them
 * (mm/vmalloc.c defines the file-local vmap_node), then by scanning CU
 * top-level DIEs in order, remembering every named struct, union and
 * typedef passed on the way so later questions cost nothing.
 *
 * Determinism: a hinted type is the first definition in its first hinted
 * CU that has one (and absent if the hinted CUs exist but none defines
 * it); any other type is the first definition in CU order, whatever
 * questions came before.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "types_dwarf.h"
#include "typecache.h"

#define DWARF_MAX_ANON_DEPTH 16
#define NO_CU SIZE_MAX

/* Where the kernel defines the types the walker and symbolizer ask for. */
static const struct {
	const char *type;
	const char *cus[2];
} cu_hints[] = {
	{ "vmap_area", { "mm/vmalloc.c" } },
	{ "vm_struct", { "mm/vmalloc.c" } },
	{ "vmap_node", { "mm/vmalloc.c" } },
	{ "rb_list", { "mm/vmalloc.c" } },
	{ "vmap_pool", { "mm/vmalloc.c" } },
	{ "vmap_block", { "mm/vmalloc.c" } },
	{ "vmap_block_queue", { "mm/vmalloc.c" } },
	{ "module", { "kernel/module/main.c", "kernel/module.c" } },
	{ "mod_kallsyms", { "kernel/module/main.c", "kernel/module.c" } },
	{ "module_layout", { "kernel/module/main.c", "kernel/module.c" } },
	{ "module_memory", { "kernel/module/main.c", "kernel/module.c" } },
	{ "printk_ringbuffer", { "kernel/printk/printk.c" } },
	{ "prb_desc_ring", { "kernel/printk/printk.c" } },
	{ "prb_desc", { "kernel/printk/printk.c" } },
	{ "prb_data_ring", { "kernel/printk/printk.c" } },
	{ "prb_data_blk_lpos", { "kernel/printk/printk.c" } },
	{ "printk_info", { "kernel/printk/printk.c" } },
	{ "dev_printk_info", { "kernel/printk/printk.c" } },
	{ "latched_seq", { "kernel/printk/printk.c" } },
};

/* Where the kernel defines the enums whose constants the rules ask for. */
static const struct {
	const char *constant;
	const char *cu;
} enum_hints[] = {
	/* enum pcpu_chunk_type, mm/percpu-internal.h */
	{ "PCPU_NR_CHUNK_TYPES", "mm/percpu.c" },
	{ "PCPU_CHUNK_ROOT", "mm/percpu.c" },
	{ "PCPU_CHUNK_MEMCG", "mm/percpu.c" },
};

struct dwarf_cu {
	Dwarf_Die die;
	const char *name;
	bool scanned;
};

/* First definitions seen of a name, as struct/union tag and as typedef. */
struct dwarf_def {
	const char *name;	/* points into .debug_str, valid while open */
	Dwarf_Off tag_die, typedef_die;
	size_t tag_cu, typedef_cu;
};

struct dwarf_types {
	struct vx_types base;
	char *path;
	int fd;
	Dwarf *dw;
	struct dwarf_cu *cus;
	size_t nr_cus;
	size_t scanned_prefix;	/* every CU below this index is scanned */
	struct dwarf_def *defs;	/* open addressing, power-of-two size */
	size_t defs_size, nr_defs;
	struct vx_type_cache cache;
};

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ULL;
	return h;
}

static struct dwarf_def *def_slot(struct dwarf_def *defs, size_t size,
				  const char *name)
{
	size_t i = hash_name(name) & (size - 1);

	while (defs[i].name && strcmp(defs[i].name, name))
		i = (i + 1) & (size - 1);
	return &defs[i];
}

static struct vx_error *grow_defs(struct dwarf_types *dt)
{
	size_t size = dt->defs_size ? dt->defs_size * 2 : 4096, i;
	struct dwarf_def *defs = calloc(size, sizeof(*defs));

	if (!defs)
		return vx_error_nomem_in("DWARF type index");
	for (i = 0; i < dt->defs_size; i++)
		if (dt->defs[i].name)
			*def_slot(defs, size, dt->defs[i].name) = dt->defs[i];
	free(dt->defs);
	dt->defs = defs;
	dt->defs_size = size;
	return NULL;
}

static struct dwarf_def *find_def(struct dwarf_types *dt, const char *name)
{
	struct dwarf_def *d;

	if (!dt->defs_size)
		return NULL;
	d = def_slot(dt->defs, dt->defs_size, name);
	return d->name ? d : NULL;
}

/* Keep the definition from the lowest CU index (the first in CU order). */
static struct vx_error *remember_def(struct dwarf_types *dt, const char *name,
				     bool is_typedef, Dwarf_Off die, size_t cu)
{
	struct dwarf_def *d;
	struct vx_error *err;

	if (2 * (dt->nr_defs + 1) > dt->defs_size) {
		err = grow_defs(dt);
		if (err)
			return err;
	}
	d = def_slot(dt->defs, dt->defs_size, name);
	if (!d->name) {
		d->name = name;
		d->tag_cu = d->typedef_cu = NO_CU;
		dt->nr_defs++;
	}
	if (is_typedef && cu < d->typedef_cu) {
		d->typedef_die = die;
		d->typedef_cu = cu;
	} else if (!is_typedef && cu < d->tag_cu) {
		d->tag_die = die;
		d->tag_cu = cu;
	}
	return NULL;
}

static bool is_aggregate_tag(int tag)
{
	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_class_type;
}

/* Remember every named definition at the top level of CU i. */
static struct vx_error *scan_cu(struct dwarf_types *dt, size_t i)
{
	struct dwarf_cu *cu = &dt->cus[i];
	struct vx_error *err;
	Dwarf_Die die;
	int status;

	if (cu->scanned)
		return NULL;
	cu->scanned = true;
	if (dwarf_child(&cu->die, &die))
		return NULL;
	do {
		int tag = dwarf_tag(&die);
		const char *name;

		if (!is_aggregate_tag(tag) && tag != DW_TAG_typedef)
			continue;
		name = dwarf_diename(&die);
		if (!name || (tag != DW_TAG_typedef &&
			      dwarf_hasattr(&die, DW_AT_declaration)))
			continue;
		err = remember_def(dt, name, tag == DW_TAG_typedef,
				   dwarf_dieoffset(&die), i);
		if (err)
			return err;
	} while ((status = dwarf_siblingof(&die, &die)) == 0);
	if (status < 0)
		return vx_error_create(VX_ERR_INVALID, "%s: DWARF of %s: %s",
				       dt->path, cu->name, dwarf_errmsg(-1));
	return NULL;
}

static bool cu_name_is(const char *cu_name, const char *want)
{
	size_t n = strlen(cu_name), w = strlen(want);

	if (n < w || strcmp(cu_name + n - w, want))
		return false;
	return n == w || cu_name[n - w - 1] == '/';
}

/*
 * The definition of name inside CU i, if it has one: first in the CU.
 * Scanning the CU also fills the index for later questions.
 */
static struct vx_error *find_in_cu(struct dwarf_types *dt, size_t i,
				   const char *name, bool is_typedef,
				   Dwarf_Off *die, bool *found)
{
	struct vx_error *err = scan_cu(dt, i);
	Dwarf_Die child;

	*found = false;
	if (err)
		return err;
	if (dwarf_child(&dt->cus[i].die, &child))
		return NULL;
	do {
		int tag = dwarf_tag(&child);
		const char *n;

		if (is_typedef ? tag != DW_TAG_typedef : !is_aggregate_tag(tag))
			continue;
		n = dwarf_diename(&child);
		if (!n || strcmp(n, name) ||
		    (!is_typedef && dwarf_hasattr(&child, DW_AT_declaration)))
			continue;
		*die = dwarf_dieoffset(&child);
		*found = true;
		return NULL;
	} while (dwarf_siblingof(&child, &child) == 0);
	return NULL;
}

/*
 * *authoritative: a hinted CU exists, so if none defines the type, the
 * kernel has no such type (vmap_node before 6.9, module_memory before
 * 6.4): answer NOT_FOUND without scanning the whole DWARF.
 */
static struct vx_error *find_hinted(struct dwarf_types *dt, const char *name,
				    Dwarf_Off *die, bool *found,
				    bool *authoritative)
{
	struct vx_error *err;
	size_t h, k, i;

	*found = false;
	*authoritative = false;
	for (h = 0; h < sizeof(cu_hints) / sizeof(cu_hints[0]); h++) {
		if (strcmp(cu_hints[h].type, name))
			continue;
		for (k = 0; k < 2 && cu_hints[h].cus[k]; k++) {
			for (i = 0; i < dt->nr_cus; i++) {
				if (!dt->cus[i].name ||
				    !cu_name_is(dt->cus[i].name, cu_hints[h].cus[k]))
					continue;
				*authoritative = true;
				err = find_in_cu(dt, i, name, false, die, found);
				if (err || *found)
					return err;
				break;
			}
		}
	}
	return NULL;
}

/* First definition in CU order: scan on until every earlier CU is known. */
static struct vx_error *find_first(struct dwarf_types *dt, const char *name,
				   bool is_typedef, Dwarf_Off *die, bool *found)
{
	struct dwarf_def *d;
	struct vx_error *err;

	for (;;) {
		size_t cu;

		d = find_def(dt, name);
		cu = !d ? NO_CU : is_typedef ? d->typedef_cu : d->tag_cu;
		if (cu != NO_CU && cu < dt->scanned_prefix) {
			*die = is_typedef ? d->typedef_die : d->tag_die;
			*found = true;
			return NULL;
		}
		if (dt->scanned_prefix == dt->nr_cus)
			break;
		err = scan_cu(dt, dt->scanned_prefix++);
		if (err)
			return err;
	}
	*found = false;
	return NULL;
}

static struct vx_error *die_at(struct dwarf_types *dt, Dwarf_Off off,
			       Dwarf_Die *die)
{
	if (!dwarf_offdie(dt->dw, off, die))
		return vx_error_create(VX_ERR_INVALID, "%s: bad DIE offset 0x%lx: %s",
				       dt->path, (unsigned long)off,
				       dwarf_errmsg(-1));
	return NULL;
}

/* A struct/union tag, else a typedef naming one. */
static struct vx_error *find_type(struct dwarf_types *dt, const char *name,
				  Dwarf_Die *die)
{
	struct vx_error *err;
	bool found, authoritative;
	Dwarf_Off off;

	err = find_hinted(dt, name, &off, &found, &authoritative);
	if (!err && !found && !authoritative)
		err = find_first(dt, name, false, &off, &found);
	if (!err && !found && !authoritative)
		err = find_first(dt, name, true, &off, &found);
	if (err)
		return err;
	if (!found)
		return vx_error_create(VX_ERR_NOT_FOUND,
				       "no struct, union or typedef '%s' in the DWARF of %s",
				       name, dt->path);
	return die_at(dt, off, die);
}

/*
 * Peel typedefs and qualifiers; a declaration-only struct (through a
 * typedef in a CU that never completes it) is looked up by name.
 */
static struct vx_error *real_type(struct dwarf_types *dt, Dwarf_Die *die,
				  Dwarf_Die *out)
{
	const char *name;

	if (dwarf_peel_type(die, out) != 0)
		return vx_error_create(VX_ERR_INVALID, "%s: cannot resolve DIE 0x%lx",
				       dt->path, (unsigned long)dwarf_dieoffset(die));
	if (!is_aggregate_tag(dwarf_tag(out)) ||
	    !dwarf_hasattr(out, DW_AT_declaration))
		return NULL;
	name = dwarf_diename(out);
	if (!name)
		return NULL;
	return find_type(dt, name, out);
}

static struct vx_error *member_type(struct dwarf_types *dt, Dwarf_Die *member,
				    Dwarf_Die *type)
{
	Dwarf_Attribute attr;

	if (!dwarf_attr_integrate(member, DW_AT_type, &attr) ||
	    !dwarf_formref_die(&attr, type))
		return vx_error_create(VX_ERR_INVALID, "%s: member DIE 0x%lx has no type",
				       dt->path, (unsigned long)dwarf_dieoffset(member));
	return NULL;
}

/* Byte offset of a member: a constant, or DW_OP_plus_uconst in old DWARF. */
static bool member_location(Dwarf_Die *member, Dwarf_Word *offset)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;

	*offset = 0;
	if (!dwarf_attr_integrate(member, DW_AT_data_member_location, &attr))
		return true;	/* union members */
	if (dwarf_formudata(&attr, offset) == 0)
		return true;
	if (dwarf_getlocation(&attr, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*offset = ops[0].number;
		return true;
	}
	return false;
}

struct found_member {
	Dwarf_Die die;
	uint64_t bit_offset;	/* from the start of the outermost type */
};

static struct vx_error *find_member_in(struct dwarf_types *dt, Dwarf_Die *agg,
				       const char *name, int depth,
				       uint64_t base_bits, struct found_member *fm,
				       bool *found);

/* An anonymous struct/union member: look inside it as C does. */
static struct vx_error *search_anonymous(struct dwarf_types *dt, Dwarf_Die *member,
					 const char *name, int depth,
					 uint64_t bits, struct found_member *fm,
					 bool *found)
{
	Dwarf_Die type, real;
	struct vx_error *err;

	err = member_type(dt, member, &type);
	if (!err)
		err = real_type(dt, &type, &real);
	if (err || !is_aggregate_tag(dwarf_tag(&real)))
		return err;
	return find_member_in(dt, &real, name, depth + 1, bits, fm, found);
}

static struct vx_error *find_member_in(struct dwarf_types *dt, Dwarf_Die *agg,
				       const char *name, int depth,
				       uint64_t base_bits, struct found_member *fm,
				       bool *found)
{
	struct vx_error *err;
	Dwarf_Die child;

	*found = false;
	if (depth > DWARF_MAX_ANON_DEPTH || dwarf_child(agg, &child))
		return NULL;
	do {
		const char *n;
		Dwarf_Word offset;

		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		if (!member_location(&child, &offset))
			return vx_error_create(VX_ERR_UNSUPPORTED,
					       "%s: member DIE 0x%lx: unsupported location",
					       dt->path,
					       (unsigned long)dwarf_dieoffset(&child));
		n = dwarf_diename(&child);
		if (!n) {
			err = search_anonymous(dt, &child, name, depth,
					       base_bits + 8 * offset, fm, found);
			if (err || *found)
				return err;
			continue;
		}
		if (strcmp(n, name))
			continue;
		fm->die = child;
		fm->bit_offset = base_bits + 8 * offset;
		*found = true;
		return NULL;
	} while (dwarf_siblingof(&child, &child) == 0);
	return NULL;
}

static bool attr_udata(Dwarf_Die *die, unsigned int name, Dwarf_Word *value)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, name, &attr) &&
	       dwarf_formudata(&attr, value) == 0;
}

/*
 * Offset and size of the member found.  Bitfields: the byte holding the
 * first bit, and the bytes the field touches (DW_AT_data_bit_offset, or
 * DWARF 2/3's DW_AT_bit_offset counted from the storage unit's top bit).
 */
static struct vx_error *member_extent(struct dwarf_types *dt,
				      struct found_member *fm,
				      struct vx_member *out)
{
	Dwarf_Word bits, bit_offset, unit;
	struct vx_error *err;
	Dwarf_Die type;
	Dwarf_Word size;

	err = member_type(dt, &fm->die, &type);
	if (err)
		return err;
	if (attr_udata(&fm->die, DW_AT_bit_size, &bits)) {
		uint64_t first = fm->bit_offset;

		if (attr_udata(&fm->die, DW_AT_data_bit_offset, &bit_offset)) {
			first += bit_offset;
		} else if (attr_udata(&fm->die, DW_AT_bit_offset, &bit_offset)) {
			if (!attr_udata(&fm->die, DW_AT_byte_size, &unit) &&
			    dwarf_aggregate_size(&type, &unit))
				unit = 0;
			first += 8 * unit - bit_offset - bits;
		}
		out->offset = first / 8;
		out->size = (first % 8 + bits + 7) / 8;
		return NULL;
	}
	if (dwarf_aggregate_size(&type, &size) != 0) {
		Dwarf_Die real;
		int tag = dwarf_peel_type(&type, &real) == 0 ? dwarf_tag(&real) : -1;

		/* Pointers without DW_AT_byte_size; flexible arrays are empty. */
		if (tag == DW_TAG_pointer_type)
			size = 8;
		else if (tag == DW_TAG_array_type)
			size = 0;
		else
			return vx_error_create(VX_ERR_INVALID,
					       "%s: cannot size member DIE 0x%lx",
					       dt->path,
					       (unsigned long)dwarf_dieoffset(&fm->die));
	}
	out->offset = fm->bit_offset / 8;
	out->size = size;
	return NULL;
}

/* Where a DWARF path walk is: the aggregate it is in, the member found last. */
struct dwarf_cursor {
	Dwarf_Die cur;
	struct found_member fm;
};

static struct vx_error *dwarf_path_start(void *src, const char *type,
					 void *cursor)
{
	struct dwarf_cursor *c = cursor;
	Dwarf_Die top;
	struct vx_error *err;

	err = find_type(src, type, &top);
	return err ? err : real_type(src, &top, &c->cur);
}

static bool dwarf_path_is_aggregate(void *src, void *cursor)
{
	struct dwarf_cursor *c = cursor;

	return is_aggregate_tag(dwarf_tag(&c->cur));
}

static struct vx_error *dwarf_path_find(void *src, void *cursor,
					const char *name, uint64_t *bits,
					bool *found)
{
	struct dwarf_cursor *c = cursor;
	struct vx_error *err;

	err = find_member_in(src, &c->cur, name, 0, *bits, &c->fm, found);
	if (!err && *found)
		*bits = c->fm.bit_offset;
	return err;
}

static struct vx_error *dwarf_path_descend(void *src, void *cursor)
{
	struct dwarf_cursor *c = cursor;
	struct vx_error *err;
	Dwarf_Die t;

	err = member_type(src, &c->fm.die, &t);
	return err ? err : real_type(src, &t, &c->cur);
}

static struct vx_error *dwarf_path_extent(void *src, void *cursor,
					  uint64_t bits, struct vx_member *out)
{
	struct dwarf_cursor *c = cursor;

	return member_extent(src, &c->fm, out);
}

static const struct vx_path_ops dwarf_path_ops = {
	.source = "DWARF",
	.cursor_size = sizeof(struct dwarf_cursor),
	.start = dwarf_path_start,
	.is_aggregate = dwarf_path_is_aggregate,
	.find = dwarf_path_find,
	.descend = dwarf_path_descend,
	.extent = dwarf_path_extent,
};

static struct vx_error *dwarf_member(struct vx_types *ty, const char *type,
				     const char *path, struct vx_member *out)
{
	struct dwarf_types *dt = (struct dwarf_types *)ty;

	return vx_type_cache_member(&dt->cache, type, path, out, &dwarf_path_ops,
				    dt);
}

static struct vx_error *dwarf_size(struct vx_types *ty, const char *type,
				   uint64_t *size)
{
	struct dwarf_types *dt = (struct dwarf_types *)ty;
	struct vx_error *err;
	Dwarf_Die die, real;
	Dwarf_Word bytes;

	err = find_type(dt, type, &die);
	if (!err)
		err = real_type(dt, &die, &real);
	if (err)
		return err;
	if (dwarf_aggregate_size(&real, &bytes) != 0)
		return vx_error_create(VX_ERR_INVALID,
				       "%s: cannot size type '%s': %s", dt->path,
				       type, dwarf_errmsg(-1));
	*size = bytes;
	return NULL;
}

/* name among the enumerators of the enums at the top level of CU i. */
static bool enum_in_cu(struct dwarf_types *dt, size_t i, const char *name,
		       int64_t *value)
{
	Dwarf_Die die, e;
	Dwarf_Attribute attr;
	Dwarf_Sword v;

	if (dwarf_child(&dt->cus[i].die, &die))
		return false;
	do {
		if (dwarf_tag(&die) != DW_TAG_enumeration_type || dwarf_child(&die, &e))
			continue;
		do {
			const char *n = dwarf_diename(&e);

			if (dwarf_tag(&e) != DW_TAG_enumerator || !n || strcmp(n, name) ||
			    !dwarf_attr(&e, DW_AT_const_value, &attr) ||
			    dwarf_formsdata(&attr, &v))
				continue;
			*value = v;
			return true;
		} while (dwarf_siblingof(&e, &e) == 0);
	} while (dwarf_siblingof(&die, &die) == 0);
	return false;
}

/*
 * A hinted constant is looked for in its CU only (absent if that CU exists
 * and has none: 5.14+ for PCPU_NR_CHUNK_TYPES); any other, in CU order.
 */
static struct vx_error *dwarf_enum_value(struct vx_types *ty, const char *name,
					 int64_t *value)
{
	struct dwarf_types *dt = (struct dwarf_types *)ty;
	const char *hint = NULL;
	bool hinted = false;
	size_t i;

	for (i = 0; i < sizeof(enum_hints) / sizeof(enum_hints[0]); i++)
		if (!strcmp(enum_hints[i].constant, name))
			hint = enum_hints[i].cu;
	for (i = 0; hint && i < dt->nr_cus; i++) {
		if (!dt->cus[i].name || !cu_name_is(dt->cus[i].name, hint))
			continue;
		hinted = true;
		if (enum_in_cu(dt, i, name, value))
			return NULL;
	}
	for (i = 0; !hinted && i < dt->nr_cus; i++)
		if (enum_in_cu(dt, i, name, value))
			return NULL;
	return vx_error_create(VX_ERR_NOT_FOUND,
			       "no enum constant '%s' in the DWARF of %s", name,
			       dt->path);
}

static void dwarf_destroy(struct vx_types *ty)
{
	struct dwarf_types *dt = (struct dwarf_types *)ty;

	vx_type_cache_free(&dt->cache);
	free(dt->defs);
	free(dt->cus);
	if (dt->dw)
		dwarf_end(dt->dw);
	if (dt->fd >= 0)
		close(dt->fd);
	free(dt->path);
	free(dt);
}

/* The CU list is cheap (unit headers only) and fixes the CU order. */
static struct vx_error *list_cus(struct dwarf_types *dt)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie;
	uint8_t unit_type;
	Dwarf_Half version;
	size_t cap = 0;
	int status;

	while ((status = dwarf_get_units(dt->dw, cu, &cu, &version, &unit_type,
					 &cudie, &subdie)) == 0) {
		if (unit_type != DW_UT_compile && unit_type != DW_UT_partial)
			continue;
		if (dt->nr_cus == cap) {
			struct dwarf_cu *grown;

			cap = cap ? 2 * cap : 1024;
			grown = realloc(dt->cus, cap * sizeof(*grown));
			if (!grown)
				return vx_error_nomem_in("%s: CU list",
							 dt->path);
			dt->cus = grown;
		}
		dt->cus[dt->nr_cus].die = cudie;
		dt->cus[dt->nr_cus].name = dwarf_diename(&cudie);
		dt->cus[dt->nr_cus].scanned = false;
		dt->nr_cus++;
	}
	if (status < 0)
		return vx_error_create(VX_ERR_INVALID, "%s: DWARF units: %s",
				       dt->path, dwarf_errmsg(-1));
	if (!dt->nr_cus)
		return vx_error_create(VX_ERR_NOT_FOUND,
				       "%s: no DWARF compilation units", dt->path);
	return NULL;
}

struct vx_error *vx_dwarf_types_open(const char *vmlinux, struct vx_types **out)
{
	struct dwarf_types *dt;
	struct vx_error *err;

	dt = calloc(1, sizeof(*dt));
	if (!dt)
		return vx_error_nomem_in("%s", vmlinux);
	dt->fd = -1;
	dt->path = strdup(vmlinux);
	if (!dt->path) {
		err = vx_error_nomem_in("%s", vmlinux);
		goto fail;
	}
	dt->fd = open(vmlinux, O_RDONLY | O_CLOEXEC);
	if (dt->fd < 0) {
		err = vx_error_create(VX_ERR_IO, "%s: %s", vmlinux, strerror(errno));
		goto fail;
	}
	dt->dw = dwarf_begin(dt->fd, DWARF_C_READ);
	if (!dt->dw) {
		err = vx_error_create(VX_ERR_NOT_FOUND,
				      "%s: no DWARF debug info (%s); the -dbg package's vmlinux has it",
				      vmlinux, dwarf_errmsg(-1));
		goto fail;
	}
	err = list_cus(dt);
	if (err)
		goto fail;
	dt->base.source = "DWARF (vmlinux)";
	dt->base.member = dwarf_member;
	dt->base.size = dwarf_size;
	dt->base.enum_value = dwarf_enum_value;
	dt->base.destroy = dwarf_destroy;
	*out = &dt->base;
	return NULL;
fail:
	dwarf_destroy(&dt->base);
	return err;
}

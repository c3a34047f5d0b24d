/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VMCOREINFO: the KEY=VALUE note the kernel leaves for dump readers.
 * SYMBOL()/KERNELOFFSET are hex without 0x, NUMBER() is decimal except
 * NUMBER(VMALLOC_START) which is hex with 0x (both are accepted).
 */
#ifndef VMAPX_VMCOREINFO_H
#define VMAPX_VMCOREINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct vx_vmcoreinfo {
	char *text;		/* private copy, split in place */
	const char **keys;
	const char **values;
	size_t count;
};

/* Parse text (may be NULL: an empty VMCOREINFO). */
struct vx_error *vx_vmcoreinfo_parse(const char *text,
				     struct vx_vmcoreinfo *out);
void vx_vmcoreinfo_free(struct vx_vmcoreinfo *v);

/* Raw value of KEY ("OSRELEASE", "SYMBOL(prb)"), or NULL. */
const char *vx_vmcoreinfo_get(const struct vx_vmcoreinfo *v, const char *key);
/* SYMBOL(name)=hex */
bool vx_vmcoreinfo_symbol(const struct vx_vmcoreinfo *v, const char *name,
			  uint64_t *addr);
/* NUMBER(name)=decimal (or 0x hex) */
bool vx_vmcoreinfo_number(const struct vx_vmcoreinfo *v, const char *name,
			  int64_t *val);
/* OFFSET(type.member), SIZE(type), LENGTH(name) */
bool vx_vmcoreinfo_offset(const struct vx_vmcoreinfo *v, const char *name,
			  uint64_t *val);
bool vx_vmcoreinfo_size(const struct vx_vmcoreinfo *v, const char *name,
			uint64_t *val);
bool vx_vmcoreinfo_length(const struct vx_vmcoreinfo *v, const char *name,
			  uint64_t *val);
/* KERNELOFFSET=hex, 0 when absent. */
uint64_t vx_vmcoreinfo_kerneloffset(const struct vx_vmcoreinfo *v);

/*
 * KERNEL_VERSION(a, b, c) of a release "a.b[.c]<anything>" (OSRELEASE,
 * uname -r): the patch level is 0 when absent ("7.3-cloud-amd64", -rc
 * kernels) and at most 255 (the kernel caps its own SUBLEVEL so).  False
 * unless it starts with two numbers below 256.
 */
bool vx_release_version_code(const char *release, uint32_t *code);

/*
 * Call fn with every VMCOREINFO key lib/ reads, for a front end that can
 * only rebuild the text key by key (crash answers one key at a time).
 * A key read elsewhere in lib/ belongs in this list (vmcoreinfo.c).
 */
void vx_vmcoreinfo_each_key(void (*fn)(const char *key, void *arg),
			    void *arg);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's VM_* (vm_struct.flags) and VMAP_* (vmap_area.flags) bits. */
#ifndef VMAPX_VMFLAGS_H
#define VMAPX_VMFLAGS_H

#include <stdint.h>

#define VX_VM_IOREMAP		0x00000001u	/* "ioremap" */
#define VX_VM_ALLOC		0x00000002u	/* "vmalloc" */
#define VX_VM_MAP		0x00000004u	/* "vmap" */
#define VX_VM_USERMAP		0x00000008u	/* "user" */
#define VX_VM_DMA_COHERENT	0x00000010u	/* "dma-coherent" */
#define VX_VM_UNINITIALIZED	0x00000020u	/* never printed */
#define VX_VM_NO_GUARD		0x00000040u	/* never printed */
#define VX_VM_SPARSE		0x00001000u	/* "sparse", 6.9+ */
/* va->flags (6.3+). */
#define VX_VMAP_RAM		0x1u
#define VX_VMAP_BLOCK		0x2u

/* "vpages" is not a vm_struct flag: vm->pages itself is vmalloc'ed. */
#define VX_VM_VPAGES		0x80000000u

/*
 * The flag words of a vmallocinfo line (and of --parse), in the order
 * show_vmalloc_info() prints them; the printer and the parser both walk
 * this one table.
 */
struct vx_vm_word {
	uint32_t flag;
	const char *word;
};
#define VX_NR_VM_WORDS	7
extern const struct vx_vm_word vx_vm_words[VX_NR_VM_WORDS];

#endif

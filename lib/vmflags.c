// SPDX-License-Identifier: GPL-2.0-or-later
#include "vmflags.h"

const struct vx_vm_word vx_vm_words[VX_NR_VM_WORDS] = {
	{ VX_VM_IOREMAP, "ioremap" },
	{ VX_VM_SPARSE, "sparse" },
	{ VX_VM_ALLOC, "vmalloc" },
	{ VX_VM_MAP, "vmap" },
	{ VX_VM_USERMAP, "user" },
	{ VX_VM_DMA_COHERENT, "dma-coherent" },
	{ VX_VM_VPAGES, "vpages" },
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qsort and bsearch for arrays that may be empty.  An empty array in
 * vmapx is often a NULL pointer (nothing was ever allocated for it), and
 * glibc declares the base of qsort and bsearch nonnull even for zero
 * elements: UBSan stops on qsort(NULL, 0, ...).  Every sort and search in
 * vmapx goes through these two.
 */
#ifndef VMAPX_SORT_H
#define VMAPX_SORT_H

#include <stdlib.h>

static inline void vx_sort(void *base, size_t n, size_t size,
			   int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static inline void *vx_bsearch(const void *key, const void *base, size_t n,
			       size_t size,
			       int (*cmp)(const void *, const void *))
{
	return n ? bsearch(key, base, n, size, cmp) : NULL;
}

#endif

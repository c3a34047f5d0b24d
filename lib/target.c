// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "kernel.h"
#include "target.h"

struct vx_error *vx_read_u64(struct vx_target *t, uint64_t addr, uint64_t *val)
{
	return vx_read(t, addr, val, sizeof(*val));
}

struct vx_error *vx_read_u32(struct vx_target *t, uint64_t addr, uint32_t *val)
{
	return vx_read(t, addr, val, sizeof(*val));
}

struct vx_error *vx_read_uint(struct vx_target *t, uint64_t addr, size_t size,
			      uint64_t *val)
{
	uint8_t buf[8] = { 0 };
	struct vx_error *err;

	if (size == 0 || size > 8 || (size & (size - 1)))
		return vx_error_create(VX_ERR_INVALID,
				       "integer of %zu bytes at 0x%lx", size,
				       (unsigned long)addr);
	err = vx_read(t, addr, buf, size);
	if (err)
		return err;
	/* x86_64 is little-endian; so is the host we build on. */
	*val = 0;
	memcpy(val, buf, size);
	return NULL;
}

struct vx_error *vx_read_cstring(struct vx_target *t, uint64_t addr, char *buf,
				 size_t max)
{
	size_t done = 0;

	if (max == 0)
		return vx_error_create(VX_ERR_INVALID, "empty string buffer");
	while (done < max - 1) {
		uint64_t cur = addr + done;
		size_t chunk = VX_PAGE_SIZE - (cur & (VX_PAGE_SIZE - 1));
		struct vx_error *err;
		char *nul;

		if (chunk > max - 1 - done)
			chunk = max - 1 - done;
		err = vx_read(t, cur, buf + done, chunk);
		if (err)
			return err;
		nul = memchr(buf + done, '\0', chunk);
		if (nul)
			return NULL;
		done += chunk;
	}
	buf[max - 1] = '\0';
	return NULL;
}

struct vx_error *vx_read_symbol(struct vx_kernel *k, const char *name,
				void *buf, size_t len)
{
	struct vx_error *err;
	uint64_t addr;

	err = vx_kernel_symbol(k, name, &addr);
	return err ? err : vx_read(k->t, addr, buf, len);
}

struct vx_error *vx_read_symbol_uint(struct vx_kernel *k, const char *name,
				     size_t size, uint64_t *val)
{
	struct vx_error *err;
	uint64_t addr;

	err = vx_kernel_symbol(k, name, &addr);
	return err ? err : vx_read_uint(k->t, addr, size, val);
}

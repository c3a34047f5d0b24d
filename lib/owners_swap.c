// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Owner rule for swap (doc/kernel.md §10.7): swapon() vzallocs each swap
 * area's swap_map (one byte a page: __do_sys_swapon; gone in 7.x, whose
 * swap_info_struct has cluster_info and no swap_map), and kvcallocs its
 * cluster_info, its swap cache address spaces (swapper_spaces[type]), its
 * swap_cgroup map (swap_cgroup_ctrl[type].map, swap_cgroup_swapon) and,
 * with zswap, its trees (zswap_trees[type]); any of them that is a
 * vmalloc area is the swap's.  The swaps are swap_info[0, nr_swapfiles)
 * with SWP_USED set, named as /proc/swaps names them: the path of
 * swap_file (d_path: dentry names up to the mount root, then the mount's
 * mountpoint in its parent mount, up to the root mount), or else, for a
 * device, its disk's name (bdev->bd_disk->disk_name), or else its type.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owners.h"

/* MAX_SWAPFILES is 32 less the swap types kept for migration entries etc. */
#define MAX_SWAP_TYPES		64
/* enum swap_flags: SWP_USED has been bit 0 since 2.6 (include/linux/swap.h) */
#define SWP_USED		1
/* d_path: PATH_MAX bytes, so at most PATH_MAX / 2 components of one byte */
#define SWAP_PATH_MAX		4096
#define SWAP_PATH_STEPS		(SWAP_PATH_MAX / 2 + 64)
#define DNAME_MAX		256

struct swap_layout {
	/* swap_info_struct */
	uint64_t flags, flags_size, swap_map, cluster_info, swap_file;
	uint64_t bdev, bd_disk, disk_name, disk_name_size;
	/* file.f_path, path, dentry, vfsmount, mount */
	uint64_t f_path, path_mnt, path_dentry, d_parent, d_name;
	uint64_t mnt_root, mount_mnt, mnt_parent, mnt_mountpoint;
	/* swap_cgroup_ctrl */
	uint64_t cg_map, cg_size;
};

static bool swap_layout(struct vx_kernel *k, struct swap_layout *l)
{
	struct vx_error *err;

	l->flags_size = 0;	/* left as is when there is no such member */
	l->flags = vx_owner_member(k, "swap_info_struct", "flags", &l->flags_size);
	l->swap_map = vx_owner_member(k, "swap_info_struct", "swap_map", NULL);
	l->cluster_info = vx_owner_member(k, "swap_info_struct", "cluster_info", NULL);
	l->swap_file = vx_owner_member(k, "swap_info_struct", "swap_file", NULL);
	l->bdev = vx_owner_member(k, "swap_info_struct", "bdev", NULL);
	l->bd_disk = vx_owner_member(k, "block_device", "bd_disk", NULL);
	l->disk_name_size = 0;
	l->disk_name = vx_owner_member(k, "gendisk", "disk_name", &l->disk_name_size);
	l->f_path = vx_owner_member(k, "file", "f_path", NULL);
	l->path_mnt = vx_owner_member(k, "path", "mnt", NULL);
	l->path_dentry = vx_owner_member(k, "path", "dentry", NULL);
	l->d_parent = vx_owner_member(k, "dentry", "d_parent", NULL);
	l->d_name = vx_owner_member(k, "dentry", "d_name.name", NULL);
	l->mnt_root = vx_owner_member(k, "vfsmount", "mnt_root", NULL);
	l->mount_mnt = vx_owner_member(k, "mount", "mnt", NULL);
	l->mnt_parent = vx_owner_member(k, "mount", "mnt_parent", NULL);
	l->mnt_mountpoint = vx_owner_member(k, "mount", "mnt_mountpoint", NULL);
	l->cg_map = vx_owner_member(k, "swap_cgroup_ctrl", "map", NULL);
	err = vx_type_size(k->types, "swap_cgroup_ctrl", &l->cg_size);
	if (err) {
		vx_error_destroy(err);
		l->cg_map = VX_ABSENT;
	}
	if (l->flags_size > 8)
		return false;
	/* 7.x has no swap_map (the swap table is in the clusters) */
	return l->flags != VX_ABSENT &&
	       (l->swap_map != VX_ABSENT || l->cluster_info != VX_ABSENT);
}

static bool path_layout(const struct swap_layout *l)
{
	return l->swap_file != VX_ABSENT && l->f_path != VX_ABSENT &&
	       l->path_mnt != VX_ABSENT && l->path_dentry != VX_ABSENT &&
	       l->d_parent != VX_ABSENT && l->d_name != VX_ABSENT &&
	       l->mnt_root != VX_ABSENT && l->mount_mnt != VX_ABSENT &&
	       l->mnt_parent != VX_ABSENT && l->mnt_mountpoint != VX_ABSENT;
}

/* Put "/name" in front of the path built from the end of buf at *pos. */
static struct vx_error *prepend(char *buf, size_t *pos, const char *name)
{
	size_t len = strlen(name);

	if (len + 1 > *pos)
		return vx_error_create(VX_ERR_INVALID, "path longer than %d bytes",
				       SWAP_PATH_MAX);
	*pos -= len;
	memcpy(buf + *pos, name, len);
	buf[--*pos] = '/';
	return NULL;
}

/*
 * d_path of file into out (size out_size): bounded by steps, so a dentry
 * whose parent chain cycles (or a mount whose parents do) is an error.
 */
static struct vx_error *file_path(struct vx_kernel *k,
				const struct swap_layout *l, uint64_t file,
				char *out, size_t out_size)
{
	char buf[SWAP_PATH_MAX], name[DNAME_MAX];
	size_t pos = sizeof(buf) - 1;
	uint64_t mnt, dentry, root, mount, parent, pname;
	struct vx_error *err;
	int steps;

	buf[pos] = '\0';
	err = vx_read_u64(k->t, file + l->f_path + l->path_mnt, &mnt);
	if (!err)
		err = vx_read_u64(k->t, file + l->f_path + l->path_dentry, &dentry);
	for (steps = 0; !err && steps < SWAP_PATH_STEPS; steps++) {
		err = vx_read_u64(k->t, mnt + l->mnt_root, &root);
		if (!err && dentry == root) {
			/* a mount's root: go on from its mountpoint in its parent */
			mount = mnt - l->mount_mnt;
			err = vx_read_u64(k->t, mount + l->mnt_parent, &parent);
			if (err || parent == mount)
				break;	/* the root mount */
			err = vx_read_u64(k->t, mount + l->mnt_mountpoint, &dentry);
			mnt = parent + l->mount_mnt;
			continue;
		}
		if (!err)
			err = vx_read_u64(k->t, dentry + l->d_parent, &parent);
		if (err || parent == dentry)
			break;	/* a root not mounted where it is (detached) */
		err = vx_read_u64(k->t, dentry + l->d_name, &pname);
		if (!err)
			err = vx_read_cstring(k->t, pname, name, sizeof(name));
		if (!err)
			err = prepend(buf, &pos, name);
		dentry = parent;
	}
	if (!err && steps == SWAP_PATH_STEPS)
		err = vx_error_create(VX_ERR_INVALID,
				      "more than %d dentries and mounts up to the root (a cycle?)",
				      SWAP_PATH_STEPS);
	if (err)
		return vx_error_wrap(err, "path of file 0x%" PRIx64, file);
	snprintf(out, out_size, "%s", buf[pos] ? buf + pos : "/");
	return NULL;
}

/* The area at addr, if it is one, is the swap's: "swap NAME (what)". */
static struct vx_error *claim_at(struct vx_owner_ctx *c,
				 struct vx_owner_rule_stats *st, uint64_t addr,
				 const char *name, const char *what)
{
	struct vx_owner *o = addr ? vx_owner_at(c->t, addr) : NULL;
	char text[SWAP_PATH_MAX + 64], group[SWAP_PATH_MAX + 16];

	if (!o)
		return NULL;
	snprintf(text, sizeof(text), "swap %s (%s)", name, what);
	snprintf(group, sizeof(group), "swap %s", name);
	if (!o->claims)
		st->attributed++;
	return vx_owner_claim(c, o, VX_OWNER_SWAP, text, group);
}

/* The pointer at array[type] of a per-type array symbol (0 if there is none). */
static uint64_t per_type(struct vx_kernel *k, const char *symbol, uint64_t type,
			 uint64_t stride, uint64_t off)
{
	uint64_t base, ptr = 0;
	struct vx_error *err = vx_kernel_symbol(k, symbol, &base);

	if (err) {
		vx_error_destroy(err);
		return 0;
	}
	if (!vx_owner_try_u64(k, base + type * stride + off, &ptr))
		return 0;
	return ptr;
}

/* A swap device's disk name ("zram0"), when its path could not be had. */
static bool bdev_name(struct vx_kernel *k, const struct swap_layout *l,
		      uint64_t si, char *name, size_t size)
{
	size_t len = l->disk_name_size < size ? l->disk_name_size : size - 1;
	uint64_t bdev, disk;

	if (l->bdev == VX_ABSENT || l->bd_disk == VX_ABSENT ||
	    l->disk_name == VX_ABSENT || !len ||
	    !vx_owner_try_u64(k, si + l->bdev, &bdev) || !bdev ||
	    !vx_owner_try_u64(k, bdev + l->bd_disk, &disk) || !disk ||
	    !vx_owner_try_cstring(k, disk + l->disk_name, name, len + 1))
		return false;
	return name[0] != '\0';
}

static struct vx_error *one_swap(struct vx_owner_ctx *c,
				 struct vx_owner_rule_stats *st,
				 const struct swap_layout *l, uint64_t type,
				 uint64_t si)
{
	char name[SWAP_PATH_MAX];
	uint64_t flags, map = 0, clusters = 0, file = 0;
	struct vx_error *err = vx_read_uint(c->k->t, si + l->flags, l->flags_size,
					    &flags);

	if (!err && l->swap_map != VX_ABSENT)
		err = vx_read_u64(c->k->t, si + l->swap_map, &map);
	if (err)
		return vx_error_wrap(err, "swap_info[%" PRIu64 "]", type);
	if (!(flags & SWP_USED))
		return NULL;
	st->seen++;
	snprintf(name, sizeof(name), "#%" PRIu64, type);
	if (path_layout(l) &&
	    vx_owner_try_u64(c->k, si + l->swap_file, &file) && file) {
		err = file_path(c->k, l, file, name, sizeof(name));
		if (err) {
			/* named by its disk or type, the areas are still the swap's */
			vx_report_skip(c->r, "owners: swap: swap_info[%" PRIu64 "]: %s",
				       type, err->message);
			vx_error_destroy(err);
			if (!bdev_name(c->k, l, si, name, sizeof(name)))
				snprintf(name, sizeof(name), "#%" PRIu64, type);
		}
	} else if (!bdev_name(c->k, l, si, name, sizeof(name))) {
		snprintf(name, sizeof(name), "#%" PRIu64, type);
	}
	err = claim_at(c, st, map, name, "map");
	if (!err && l->cluster_info != VX_ABSENT &&
	    vx_owner_try_u64(c->k, si + l->cluster_info, &clusters))
		err = claim_at(c, st, clusters, name, "cluster info");
	if (!err)
		err = claim_at(c, st, per_type(c->k, "swapper_spaces", type, 8, 0),
			       name, "swap cache");
	if (!err && l->cg_map != VX_ABSENT)
		err = claim_at(c, st, per_type(c->k, "swap_cgroup_ctrl", type,
					       l->cg_size, l->cg_map),
			       name, "swap_cgroup map");
	if (!err)
		err = claim_at(c, st, per_type(c->k, "zswap_trees", type, 8, 0),
			       name, "zswap trees");
	return err;
}

struct vx_error *vx_owners_swap(struct vx_owner_ctx *c,
				struct vx_owner_rule_stats *st)
{
	struct swap_layout l;
	uint64_t base, nr, si;
	struct vx_error *err;

	if (!swap_layout(c->k, &l))
		return NULL;
	err = vx_kernel_symbol(c->k, "swap_info", &base);
	if (err) {
		vx_error_destroy(err);
		return NULL;
	}
	st->ran = true;
	err = vx_read_symbol_uint(c->k, "nr_swapfiles", 4, &nr);
	if (err)
		return vx_error_wrap(err, "nr_swapfiles");
	if (nr > MAX_SWAP_TYPES)
		return vx_error_create(VX_ERR_INVALID,
				       "nr_swapfiles is %" PRIu64 " (more than %d)",
				       nr, MAX_SWAP_TYPES);
	for (uint64_t type = 0; !err && type < nr; type++) {
		err = vx_read_u64(c->k->t, base + 8 * type, &si);
		if (err)
			return vx_error_wrap(err, "swap_info[%" PRIu64 "]", type);
		if (si)
			err = one_swap(c, st, &l, type, si);
	}
	return err;
}

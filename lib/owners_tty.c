// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Owner rule for n_tty_open (doc/kernel.md §10.5): n_tty_open() vzallocs a
 * struct n_tty_data per tty opened with the N_TTY line discipline and
 * stores it in tty->disc_data.  The ttys are the ones in each registered
 * driver's ttys[] (tty_drivers list; devpts ttys have none), the
 * controlling ttys of the tasks walked, and the ttys the tasks hold open
 * (a pts that a terminal emulator or sshd holds is nobody's controlling
 * tty): every file in a task's files->fdt whose f_op is tty_fops,
 * ptmx_fops, console_fops or hung_up_tty_fops (tty_hangup() swaps f_op,
 * the file stays open) has private_data = struct tty_file_private
 * { tty, file, list } (tty_alloc_file()), taken only when its
 * file points back at the file.  Each tty then with its other end
 * (tty->link, a pty pair).  The session: tty->session (<= 5.x) or
 * tty->ctrl.session (6.0+), a struct pid whose numbers[0].nr is the pid.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owners.h"
#include "recover.h"
#include "sort.h"

#define MAX_TTYS_PER_DRIVER	(1U << 16)
#define MAX_TTY_DRIVERS		4096
/*
 * ttys[] slots read over all drivers, and ttys kept: a real kernel has a
 * few hundred (legacy ptys 256 a side, 63 consoles, a few serial ports);
 * 4096 drivers of 65536 slots each is a dump to stop reading, as a skip.
 */
#define MAX_TTY_SLOTS		(1U << 20)
#define MAX_BAD_TTYS_PER_DRIVER	16
#define MAX_TTYS		(1U << 16)
#define TTY_NAME_LEN		64
/*
 * Open files: fs.nr_open's default (and the fd tables of a real system)
 * stay below 2^20 slots a table; the slots read over all tables are
 * bounded too (a dump of many huge tables costs a skip, not minutes).
 * fd[] is read FD_CHUNK pointers (4 KiB) at a time.
 */
#define MAX_FDS_PER_TABLE	(1U << 20)
#define MAX_FD_SLOTS		(1U << 24)
#define FD_CHUNK		512
/*
 * A table's fd[] holds struct file pointers, slab objects: a filter that
 * misjudges slab pages loses some of them, but a table with more than this
 * many unreadable files, twice as many as readable ones, is not an fd
 * array (a corrupt fdt->fd pointing at other bytes) and is left, or a
 * million garbage slots would each cost a failed read (minutes).
 */
#define MAX_BAD_FILES_PER_TABLE	64
#define NR_TTY_FOPS		4
#define MAX_HOLDERS_LISTED	3

struct tty_layout {
	uint64_t name, name_size, disc_data, link, session;
	uint64_t pid_nr;	/* struct pid: numbers[0].nr */
	uint64_t drv_list, drv_ttys, drv_num;
};

static bool tty_layout(struct vx_kernel *k, struct tty_layout *l)
{
	uint64_t numbers = vx_owner_member(k, "pid", "numbers", NULL);
	uint64_t nr = vx_owner_member(k, "upid", "nr", NULL);

	l->name = vx_owner_member(k, "tty_struct", "name", &l->name_size);
	l->disc_data = vx_owner_member(k, "tty_struct", "disc_data", NULL);
	l->link = vx_owner_member(k, "tty_struct", "link", NULL);
	l->session = vx_owner_member(k, "tty_struct", "ctrl.session", NULL);
	if (l->session == VX_ABSENT)
		l->session = vx_owner_member(k, "tty_struct", "session", NULL);
	l->pid_nr = numbers == VX_ABSENT || nr == VX_ABSENT ? VX_ABSENT :
		    numbers + nr;
	l->drv_list = vx_owner_member(k, "tty_driver", "tty_drivers", NULL);
	l->drv_ttys = vx_owner_member(k, "tty_driver", "ttys", NULL);
	l->drv_num = vx_owner_member(k, "tty_driver", "num", NULL);
	return l->name != VX_ABSENT && l->disc_data != VX_ABSENT;
}

/* tty_fops and the others a tty's file can have (those the kernel has). */
static const char *const tty_fops_names[NR_TTY_FOPS] = {
	"tty_fops", "ptmx_fops", "console_fops", "hung_up_tty_fops",
};

struct file_layout {
	uint64_t fdt, max_fds, fd;	/* files_struct.fdt, fdtable.* */
	/* files_struct.fdtab, .fd_array (VX_ABSENT: not checked) */
	uint64_t fdtab, fd_array, fd_array_size;
	uint64_t page_offset;		/* the direct map, 0: unknown */
	uint64_t f_op, private_data;	/* struct file */
	uint64_t priv_tty, priv_file;	/* struct tty_file_private */
	uint64_t fops[NR_TTY_FOPS];
	int nr_fops;
};

/* A process holding a tty open (one per files_struct: its lowest pid). */
struct tty_holder {
	uint64_t tty;
	int64_t pid;
};

struct fd_walk {
	struct file_layout l;
	struct tty_holder *v;
	size_t n, cap;
	uint64_t slots;		/* fd[] slots left to read, over all tables */
	/* what was not read or refused: one skip for them all */
	uint64_t cut, unreadable, not_files, bad_tables, refused, abandoned;
};

static bool file_layout(struct vx_kernel *k, struct file_layout *l)
{
	struct vx_error *err;
	uint64_t addr;

	l->fdt = vx_owner_member(k, "files_struct", "fdt", NULL);
	l->fdtab = vx_owner_member(k, "files_struct", "fdtab", NULL);
	l->fd_array = vx_owner_member(k, "files_struct", "fd_array",
				      &l->fd_array_size);
	err = vx_pt_direct_map(k, &l->page_offset, &addr);
	if (err)
		l->page_offset = 0;	/* the f_op rule still holds */
	vx_error_destroy(err);
	l->max_fds = vx_owner_member(k, "fdtable", "max_fds", NULL);
	l->fd = vx_owner_member(k, "fdtable", "fd", NULL);
	l->f_op = vx_owner_member(k, "file", "f_op", NULL);
	l->private_data = vx_owner_member(k, "file", "private_data", NULL);
	l->priv_tty = vx_owner_member(k, "tty_file_private", "tty", NULL);
	l->priv_file = vx_owner_member(k, "tty_file_private", "file", NULL);
	l->nr_fops = 0;
	for (int i = 0; i < NR_TTY_FOPS; i++) {
		err = vx_kernel_symbol(k, tty_fops_names[i], &addr);
		if (!err)
			l->fops[l->nr_fops++] = addr;
		vx_error_destroy(err);
	}
	return l->fdt != VX_ABSENT && l->max_fds != VX_ABSENT &&
	       l->fd != VX_ABSENT && l->f_op != VX_ABSENT &&
	       l->private_data != VX_ABSENT && l->priv_tty != VX_ABSENT &&
	       l->priv_file != VX_ABSENT && l->nr_fops;
}

/*
 * Could file be an open struct file?  It is a slab object (filp cache, or
 * kmalloc'ed for a backing file): 8-byte aligned, in the direct map (on
 * x86_64 below the vmalloc window).  Its f_op is never NULL once open
 * (do_dentry_open() refuses an inode without one) and points at a const
 * file_operations of the kernel image or of a module.  An fd[] that is
 * not one (a corrupt fdt->fd) holds words that are mostly neither.
 */
static bool file_pointer(struct vx_kernel *k, const struct file_layout *l,
			 uint64_t file)
{
	if (file & 7)
		return false;
	return !l->page_offset ||
	       (file >= l->page_offset && file < k->vmalloc_start);
}

static bool file_op(struct vx_kernel *k, uint64_t f_op)
{
	if (!k->stext || !k->end)	/* _stext or _end not in kallsyms */
		return true;
	return (f_op >= k->stext && f_op < k->end) ||
	       (f_op >= k->modules_start && f_op < k->modules_end);
}

/*
 * A files_struct starts on its own small table (dup_fd(), and init_files):
 * fdt = &files->fdtab, fdtab.fd = files->fd_array, fdtab.max_fds =
 * NR_OPEN_DEFAULT, the size of fd_array.  A bigger table is allocated
 * elsewhere (alloc_fdtable()), so a table inside the files_struct must be
 * that one exactly; any table's max_fds is a whole number of
 * BITS_PER_LONG (the open_fds bitmap's words).
 */
static bool table_consistent(const struct file_layout *l, uint64_t files,
			     uint64_t fdt, uint64_t max, uint64_t fd)
{
	if (max % 64)
		return false;
	if (l->fdtab == VX_ABSENT || l->fd_array == VX_ABSENT ||
	    fdt != files + l->fdtab)
		return true;
	return fd == files + l->fd_array && max * 8 == l->fd_array_size;
}

static bool is_tty_fops(const struct file_layout *l, uint64_t f_op)
{
	for (int i = 0; i < l->nr_fops; i++)
		if (f_op == l->fops[i])
			return true;
	return false;
}

static struct vx_error *add_holder(struct fd_walk *w, uint64_t tty, int64_t pid)
{
	struct tty_holder *v;

	if (w->n && w->v[w->n - 1].tty == tty && w->v[w->n - 1].pid == pid)
		return NULL;	/* the same tty on the next fd */
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;

		v = realloc(w->v, cap * sizeof(*v));
		if (!v)
			return vx_error_nomem_in("tty holders");
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = (struct tty_holder){ .tty = tty, .pid = pid };
	return NULL;
}

/*
 * The file at file, open in a table of pid's: its tty if f_op is a tty's
 * and private_data is a tty_file_private pointing back at the file.
 */
static struct vx_error *one_file(struct vx_owner_ctx *c, struct fd_walk *w,
				 int64_t pid, uint64_t file)
{
	const struct file_layout *l = &w->l;
	uint64_t f_op, priv, tty, back;
	struct vx_error *err;

	if (!file_pointer(c->k, l, file)) {
		w->not_files++;
		return NULL;
	}
	if (!vx_owner_try_u64(c->k, file + l->f_op, &f_op)) {
		w->unreadable++;
		return NULL;
	}
	if (!file_op(c->k, f_op)) {
		w->not_files++;
		return NULL;
	}
	if (!is_tty_fops(l, f_op))
		return NULL;
	if (!vx_owner_try_u64(c->k, file + l->private_data, &priv) || !priv ||
	    !vx_owner_try_u64(c->k, priv + l->priv_tty, &tty) ||
	    !vx_owner_try_u64(c->k, priv + l->priv_file, &back) ||
	    back != file || !tty) {
		w->refused++;
		return NULL;
	}
	err = add_holder(w, tty, pid);
	return err ? err : vx_owner_add_tty(c, tty);
}

/* The fd table of files, the one of pid (and of the tasks sharing it). */
static struct vx_error *one_table(struct vx_owner_ctx *c, struct fd_walk *w,
				  int64_t pid, uint64_t files)
{
	uint64_t fdt, max, fd, buf[FD_CHUNK], n, bad_before, seen = 0, bad;
	struct vx_error *err = NULL;

	if (!vx_owner_try_u64(c->k, files + w->l.fdt, &fdt) || !fdt ||
	    !vx_owner_try_uint(c->k, fdt + w->l.max_fds, 4, &max) ||
	    !vx_owner_try_u64(c->k, fdt + w->l.fd, &fd) || !fd) {
		w->unreadable++;
		return NULL;
	}
	if (!table_consistent(&w->l, files, fdt, max, fd)) {
		w->bad_tables++;
		return NULL;
	}
	n = max < MAX_FDS_PER_TABLE ? max : MAX_FDS_PER_TABLE;
	if (n > w->slots)
		n = w->slots;
	if (n < max)
		w->cut++;
	w->slots -= n;
	bad_before = w->unreadable + w->not_files;
	for (uint64_t i = 0; !err && i < n; i += FD_CHUNK) {
		size_t m = n - i < FD_CHUNK ? n - i : FD_CHUNK;

		err = vx_read(c->k->t, fd + 8 * i, buf, 8 * m);
		if (err) {	/* the rest of this table is not in the dump */
			vx_error_destroy(err);
			w->unreadable++;
			return NULL;
		}
		for (size_t j = 0; !err && j < m; j++) {
			if (!buf[j])
				continue;
			err = one_file(c, w, pid, buf[j]);
			seen++;
			bad = w->unreadable + w->not_files - bad_before;
			/* unreadable or non-file slots outnumber files two to one */
			if (bad > MAX_BAD_FILES_PER_TABLE && bad > 2 * (seen - bad)) {
				w->abandoned++;
				w->slots += n - (i + j + 1);	/* not read */
				return err;
			}
		}
	}
	return err;
}

static int by_files(const void *x, const void *y)
{
	const struct vx_owner_task *a = x, *b = y;

	if (a->files != b->files)
		return (a->files > b->files) - (a->files < b->files);
	return (a->pid > b->pid) - (a->pid < b->pid);
}

/*
 * The ttys the tasks walked hold open: each files_struct once (the
 * threads of a process share it), named by the lowest pid holding it.
 */
static struct vx_error *open_ttys(struct vx_owner_ctx *c, struct fd_walk *w)
{
	struct vx_owner_task *t;
	struct vx_error *err = NULL;

	if (!c->nr_tasks)
		return NULL;
	t = malloc(c->nr_tasks * sizeof(*t));
	if (!t)
		return vx_error_nomem_in("open files");
	memcpy(t, c->tasks, c->nr_tasks * sizeof(*t));
	vx_sort(t, c->nr_tasks, sizeof(*t), by_files);
	for (size_t i = 0; !err && i < c->nr_tasks; i++)
		if (t[i].files && (!i || t[i].files != t[i - 1].files))
			err = one_table(c, w, t[i].pid, t[i].files);
	free(t);
	return err;
}

static int by_tty_pid(const void *x, const void *y)
{
	const struct tty_holder *a = x, *b = y;

	if (a->tty != b->tty)
		return (a->tty > b->tty) - (a->tty < b->tty);
	return (a->pid > b->pid) - (a->pid < b->pid);
}

/* Sort the holders by tty and pid, each pair once (fds 0 and 2 on one tty). */
static void holders_unique(struct fd_walk *w)
{
	size_t n = 0;

	vx_sort(w->v, w->n, sizeof(*w->v), by_tty_pid);
	for (size_t i = 0; i < w->n; i++)
		if (!n || by_tty_pid(&w->v[n - 1], &w->v[i]))
			w->v[n++] = w->v[i];
	w->n = n;
}

/* One skip for every table and file the walk could not use. */
static void open_files_skip(struct vx_owner_ctx *c, const struct fd_walk *w)
{
	if (!w->cut && !w->unreadable && !w->not_files && !w->bad_tables &&
	    !w->refused)
		return;
	vx_report_skip(c->r, "owners: ttys: open files: %" PRIu64 " fd tables read in part"
		       " (past %u slots a table or %u in all), %" PRIu64 " tables or files"
		       " unreadable, %" PRIu64 " fd slots not a struct file (not a"
		       " direct-map pointer, or f_op in neither the kernel nor a module),"
		       " %" PRIu64 " tables refused (max_fds or fd do not match the"
		       " files_struct's own table), %" PRIu64 " tables left (more than %u"
		       " unreadable or non-file slots, twice the files: not an fd array),"
		       " %" PRIu64 " tty files refused (private_data not a"
		       " tty_file_private of that file)",
		       w->cut, MAX_FDS_PER_TABLE, MAX_FD_SLOTS, w->unreadable,
		       w->not_files, w->bad_tables, w->abandoned,
		       MAX_BAD_FILES_PER_TABLE, w->refused);
}

static int by_pid(const void *x, const void *y)
{
	const struct vx_owner_task *a = x, *b = y;

	return (a->pid > b->pid) - (a->pid < b->pid);
}

/* The comm of pid among the tasks walked (sorted by pid once, by the rule). */
static const char *comm_of(const struct vx_owner_ctx *c, int64_t pid)
{
	struct vx_owner_task key = { .pid = pid };
	const struct vx_owner_task *t =
		vx_bsearch(&key, c->tasks, c->nr_tasks, sizeof(key), by_pid);

	return t ? t->comm : NULL;
}

static int by_addr(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return (a > b) - (a < b);
}

/* Sort the ttys met and drop the ones met twice. */
static void ttys_unique(struct vx_owner_ctx *c)
{
	size_t n = 0;

	vx_sort(c->ttys, c->nr_ttys, sizeof(*c->ttys), by_addr);
	for (size_t i = 0; i < c->nr_ttys; i++)
		if (!n || c->ttys[n - 1] != c->ttys[i])
			c->ttys[n++] = c->ttys[i];
	c->nr_ttys = n;
}

/*
 * Kept unsorted while the rules run (the tasks of a group share a tty:
 * the last one is not added again), made unique when the table fills, at
 * most MAX_TTYS; the ones past it are counted in dropped_ttys.
 */
struct vx_error *vx_owner_add_tty(struct vx_owner_ctx *c, uint64_t tty)
{
	uint64_t *v;

	if (!tty || (c->nr_ttys && c->ttys[c->nr_ttys - 1] == tty))
		return NULL;
	if (c->nr_ttys == MAX_TTYS)
		ttys_unique(c);
	if (c->nr_ttys == MAX_TTYS) {
		c->dropped_ttys++;
		return NULL;
	}
	if (c->nr_ttys == c->cap_ttys) {
		size_t cap = c->cap_ttys ? c->cap_ttys * 2 : 16;

		v = realloc(c->ttys, cap * sizeof(*v));
		if (!v)
			return vx_error_nomem_in("tty table");
		c->ttys = v;
		c->cap_ttys = cap;
	}
	c->ttys[c->nr_ttys++] = tty;
	return NULL;
}

/*
 * A ttys[] slot is NULL or a tty_struct, a slab object: one the dump lacks
 * (a filter that dropped slab pages) names nothing and is not kept; a
 * driver with more than MAX_BAD_TTYS_PER_DRIVER of them is left (its ttys[]
 * pointer aims at other bytes), or 65536 garbage ttys would each cost
 * failed reads.
 */
static bool readable(struct vx_owner_ctx *c, uint64_t addr)
{
	uint64_t word;

	return vx_owner_try_u64(c->k, addr, &word);
}

/* Every tty in the ttys[] of a registered driver. */
static struct vx_error *driver_ttys(struct vx_owner_ctx *c,
				    const struct tty_layout *l)
{
	uint64_t head, pos, prev, back, ttys, num, tty;
	struct vx_error *err;
	int budget = MAX_TTY_DRIVERS;
	uint64_t slots = MAX_TTY_SLOTS, unreadable = 0, left = 0, bad;

	if (l->drv_list == VX_ABSENT || l->drv_ttys == VX_ABSENT ||
	    l->drv_num == VX_ABSENT)
		return NULL;
	err = vx_kernel_symbol(c->k, "tty_drivers", &head);
	if (err) {
		vx_error_destroy(err);
		return NULL;
	}
	err = vx_read_u64(c->k->t, head, &pos);
	prev = head;
	while (!err && pos != head) {
		uint64_t drv = pos - l->drv_list;

		if (!budget--)
			return vx_error_create(VX_ERR_INVALID, "tty_drivers: a cycle");
		err = vx_read_u64(c->k->t, pos + 8, &back);
		if (!err && back != prev)
			return vx_error_create(VX_ERR_INVALID,
					       "tty_drivers broken at 0x%" PRIx64, pos);
		if (!err)
			err = vx_read_u64(c->k->t, drv + l->drv_ttys, &ttys);
		if (!err)
			err = vx_read_uint(c->k->t, drv + l->drv_num, 4, &num);
		if (!err && num > MAX_TTYS_PER_DRIVER)
			num = MAX_TTYS_PER_DRIVER;
		if (!err && ttys && num > slots)
			return vx_error_create(VX_ERR_INVALID,
					       "tty_drivers: more than %u ttys[] slots",
					       MAX_TTY_SLOTS);
		if (ttys)
			slots -= num;
		bad = 0;
		for (uint64_t i = 0; !err && ttys && i < num; i++) {
			err = vx_read_u64(c->k->t, ttys + 8 * i, &tty);
			if (err || !tty)
				continue;
			if (readable(c, tty)) {
				err = vx_owner_add_tty(c, tty);
				continue;
			}
			unreadable++;
			if (++bad > MAX_BAD_TTYS_PER_DRIVER) {
				left++;
				break;
			}
		}
		prev = pos;
		if (!err)
			err = vx_read_u64(c->k->t, pos, &pos);
	}
	if (unreadable)
		vx_report_skip(c->r, "owners: ttys: %" PRIu64 " ttys[] slots of tty_drivers"
			       " point at no readable tty (%" PRIu64 " drivers left after %u:"
			       " their ttys[] is not one)", unreadable, left,
			       MAX_BAD_TTYS_PER_DRIVER);
	return err;
}

/* ", open by pid 1 vcap, pid 7 sh and 2 more": the processes holding tty. */
static void holders_text(const struct vx_owner_ctx *c, const struct fd_walk *w,
			 uint64_t tty, char *buf, size_t size)
{
	struct tty_holder key = { .tty = tty, .pid = INT64_MIN };
	size_t lo = 0, hi = w->n, listed = 0, used;

	while (lo < hi) {	/* the first holder of tty */
		size_t mid = lo + (hi - lo) / 2;

		if (by_tty_pid(&w->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	buf[0] = '\0';
	for (size_t i = lo; i < w->n && w->v[i].tty == tty; i++) {
		const char *comm = comm_of(c, w->v[i].pid);

		used = strlen(buf);
		if (listed == MAX_HOLDERS_LISTED) {
			size_t more = 0;

			while (i + more < w->n && w->v[i + more].tty == tty)
				more++;
			snprintf(buf + used, size - used, " and %zu more", more);
			return;
		}
		snprintf(buf + used, size - used, "%s pid %" PRId64 "%s%s",
			 listed ? "," : ", open by", w->v[i].pid,
			 comm ? " " : "", comm ? comm : "");
		listed++;
	}
}

static struct vx_error *one_tty(struct vx_owner_ctx *c,
				struct vx_owner_rule_stats *st,
				const struct tty_layout *l,
				const struct fd_walk *w, uint64_t tty)
{
	char name[TTY_NAME_LEN], text[256], group[80], session[96] = "";
	char held[128];
	uint64_t disc, sid = 0, pid = 0;
	/* the size is the dump's BTF's: 0 (no name) must not write name[-1] */
	size_t len = l->name_size < sizeof(name) ? l->name_size : sizeof(name) - 1;
	struct vx_owner *o;
	struct vx_error *err = vx_read_u64(c->k->t, tty + l->disc_data, &disc);

	if (!err && len)
		err = vx_read(c->k->t, tty + l->name, name, len);
	if (err)
		return vx_error_wrap(err, "tty 0x%" PRIx64, tty);
	name[len] = '\0';
	if (!name[0])
		snprintf(name, sizeof(name), "?");
	st->seen++;
	o = disc ? vx_owner_at(c->t, disc) : NULL;
	if (!o)
		return NULL;
	snprintf(group, sizeof(group), "tty %s", name);
	if (l->session != VX_ABSENT && l->pid_nr != VX_ABSENT &&
	    vx_owner_try_u64(c->k, tty + l->session, &sid) && sid &&
	    vx_owner_try_uint(c->k, sid + l->pid_nr, 4, &pid)) {
		const char *comm = comm_of(c, (int32_t)pid);

		snprintf(session, sizeof(session), ", session of pid %" PRIu64 "%s%s",
			 pid, comm ? " " : "", comm ? comm : "");
	}
	holders_text(c, w, tty, held, sizeof(held));
	snprintf(text, sizeof(text), "tty %s%s%s", name, session, held);
	if (!o->claims)
		st->attributed++;
	return vx_owner_claim(c, o, VX_OWNER_TTY, text, group);
}

/* ttys one_tty() could not read: one skip for them all. */
struct lost_ttys {
	size_t n;
	char first[160];
};

/*
 * A tty that cannot be read (a filtered dump's, or a garbage link) names
 * nothing and is counted; the ttys after it are still looked at.
 */
static struct vx_error *one_tty_or_skip(struct vx_owner_ctx *c,
					struct vx_owner_rule_stats *st,
					const struct tty_layout *l,
					const struct fd_walk *w, uint64_t tty,
					struct lost_ttys *lost)
{
	struct vx_error *err = one_tty(c, st, l, w, tty);

	if (!err || vx_error_is(err, VX_ERR_NOMEM))
		return err;
	if (!lost->n++)
		snprintf(lost->first, sizeof(lost->first), "%s", err->message);
	vx_error_destroy(err);
	return NULL;
}

struct vx_error *vx_owners_ttys(struct vx_owner_ctx *c,
				struct vx_owner_rule_stats *st)
{
	struct fd_walk w = { .slots = MAX_FD_SLOTS };
	struct lost_ttys lost = { 0 };
	struct tty_layout l;
	struct vx_error *err;
	uint64_t link;
	size_t n;

	if (!tty_layout(c->k, &l))
		return NULL;
	st->ran = true;
	/* what the drivers named before a skip is still named */
	err = driver_ttys(c, &l);
	if (err && !vx_error_is(err, VX_ERR_NOMEM)) {
		vx_report_skip(c->r, "owners: ttys: %s", err->message);
		vx_error_destroy(err);
		err = NULL;
	}
	if (!err && file_layout(c->k, &w.l))
		err = open_ttys(c, &w);
	if (!err)
		open_files_skip(c, &w);
	holders_unique(&w);
	ttys_unique(c);
	/* the other end of each pty pair (the ends found so far, once) */
	n = c->nr_ttys;
	for (size_t i = 0; !err && l.link != VX_ABSENT && i < n; i++)
		if (vx_owner_try_u64(c->k, c->ttys[i] + l.link, &link))
			err = vx_owner_add_tty(c, link);
	ttys_unique(c);
	vx_sort(c->tasks, c->nr_tasks, sizeof(*c->tasks), by_pid);
	if (!err && c->dropped_ttys)
		vx_report_skip(c->r, "owners: ttys: more than %u ttys, %" PRIu64 " not looked at",
			       MAX_TTYS, c->dropped_ttys);
	for (size_t i = 0; !err && i < c->nr_ttys; i++)
		err = one_tty_or_skip(c, st, &l, &w, c->ttys[i], &lost);
	if (lost.n)
		vx_report_skip(c->r, "owners: ttys: %zu ttys unreadable (the first: %s)",
			       lost.n, lost.first);
	free(w.v);
	return err;
}

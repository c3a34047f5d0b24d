// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Owner rule for n_tty_open (doc/kernel.md §10.5): n_tty_open() vzallocs a
 * struct n_tty_data per tty opened with the N_TTY line discipline and
 * stores it in tty->disc_data.  The ttys are the ones in each registered
 * driver's ttys[] (tty_drivers list; devpts ttys have none) and the
 * controlling ttys of the tasks walked, each with its other end
 * (tty->link, a pty pair).  The session: tty->session (<= 5.x) or
 * tty->ctrl.session (6.0+), a struct pid whose numbers[0].nr is the pid.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owners.h"

#define MAX_TTYS_PER_DRIVER	(1U << 16)
#define MAX_TTY_DRIVERS		4096
/*
 * ttys[] slots read over all drivers, and ttys kept: a real kernel has a
 * few hundred (legacy ptys 256 a side, 63 consoles, a few serial ports);
 * 4096 drivers of 65536 slots each is a dump to stop reading, as a skip.
 */
#define MAX_TTY_SLOTS		(1U << 20)
#define MAX_TTYS		(1U << 16)
#define TTY_NAME_LEN		64

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

static int by_pid(const void *x, const void *y)
{
	const struct vx_owner_task *a = x, *b = y;

	return (a->pid > b->pid) - (a->pid < b->pid);
}

/* The comm of pid among the tasks walked (sorted by pid once, by the rule). */
static const char *comm_of(const struct vx_owner_ctx *c, int64_t pid)
{
	struct vx_owner_task key = { .pid = pid };
	const struct vx_owner_task *t = c->nr_tasks ?
		bsearch(&key, c->tasks, c->nr_tasks, sizeof(key), by_pid) : NULL;

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

	if (c->nr_ttys > 1)
		qsort(c->ttys, c->nr_ttys, sizeof(*c->ttys), by_addr);
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

/* Every tty in the ttys[] of a registered driver. */
static struct vx_error *driver_ttys(struct vx_owner_ctx *c,
				    const struct tty_layout *l)
{
	uint64_t head, pos, prev, back, ttys, num, tty;
	struct vx_error *err;
	int budget = MAX_TTY_DRIVERS;
	uint64_t slots = MAX_TTY_SLOTS;

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
		for (uint64_t i = 0; !err && ttys && i < num; i++) {
			err = vx_read_u64(c->k->t, ttys + 8 * i, &tty);
			if (!err)
				err = vx_owner_add_tty(c, tty);
		}
		prev = pos;
		if (!err)
			err = vx_read_u64(c->k->t, pos, &pos);
	}
	return err;
}

static struct vx_error *one_tty(struct vx_owner_ctx *c,
				struct vx_owner_rule_stats *st,
				const struct tty_layout *l, uint64_t tty)
{
	char name[TTY_NAME_LEN], text[160], group[80];
	uint64_t disc, session = 0, pid = 0;
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
	snprintf(text, sizeof(text), "tty %s", name);
	if (l->session != VX_ABSENT && l->pid_nr != VX_ABSENT &&
	    vx_owner_try_u64(c->k, tty + l->session, &session) && session &&
	    vx_owner_try_uint(c->k, session + l->pid_nr, 4, &pid)) {
		const char *comm = comm_of(c, (int32_t)pid);

		snprintf(text, sizeof(text), "tty %s, session of pid %" PRIu64 "%s%s",
			 name, pid, comm ? " " : "", comm ? comm : "");
	}
	if (!o->claims)
		st->attributed++;
	return vx_owner_claim(c, o, VX_OWNER_TTY, text, group);
}

struct vx_error *vx_owners_ttys(struct vx_owner_ctx *c,
				struct vx_owner_rule_stats *st)
{
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
	ttys_unique(c);
	/* the other end of each pty pair (the ends found so far, once) */
	n = c->nr_ttys;
	for (size_t i = 0; !err && l.link != VX_ABSENT && i < n; i++)
		if (vx_owner_try_u64(c->k, c->ttys[i] + l.link, &link))
			err = vx_owner_add_tty(c, link);
	ttys_unique(c);
	if (c->nr_tasks > 1)
		qsort(c->tasks, c->nr_tasks, sizeof(*c->tasks), by_pid);
	if (!err && c->dropped_ttys)
		vx_report_skip(c->r, "owners: ttys: more than %u ttys, %" PRIu64 " not looked at",
			       MAX_TTYS, c->dropped_ttys);
	for (size_t i = 0; !err && i < c->nr_ttys; i++)
		err = one_tty(c, st, &l, c->ttys[i]);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The corruption suite's helper: open a real dump, run vmapx's commands on
 * it once through a recording overlay target (which kernel objects, at
 * which kernel virtual addresses and sizes, the output was computed
 * from), then replay the commands with a DETERMINISTIC list of mutations
 * of those objects overlaid on the dump, one fork()ed child each.
 *
 *   corrupt [-n COUNT] [-s SEED] [-t SECONDS] [-r RSS_MIB] [-l LOG]
 *           [-o INDEX] DUMP
 *
 * -o runs mutation INDEX of the list alone (to reproduce a failure).
 *
 * Commands: the vmallocinfo listing, --failures (the printk ring),
 * --owners (tasks, modules, BPF programs, resources, ttys, swap, zram: the
 * objects no other command reads), --fit (the free tree, the pools) and
 * --addr of three addresses around the first busy area with pages (its
 * first page, its guard page, the byte after it: the page tables).
 *
 * Mutations: words of every object read (vmap_area, vm_struct, pages[],
 * struct page, list heads, vmap_nodes, globals, kallsyms tables, BTF,
 * printk ring, owners' objects) set to 0, all ones, a flipped bit, a pointer to itself,
 * next to itself or to another object, a huge size; and pages made
 * unreadable.  Control mutations change bytes next to what was read but
 * never read: the output must stay identical to the capture.
 *
 * Each child must end with status 0, 2 or 3, no signal, no sanitizer
 * report, within the time and memory bounds, an error being one line that
 * names the dump.  Prints the counts by outcome and class; exit status 1
 * if any mutation broke a rule (each is listed), 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "walk.h"
#include "dump.h"
#include "kernel.h"
#include "modes.h"
#include "options.h"
#include "overlay.h"

/* The commands, in the order the capture runs them (an object belongs to
 * the first that read it, and a mutation of it re-runs that command). */
enum phase {
	PH_OPEN, PH_INFO, PH_FAILURES, PH_OWNERS, PH_FIT, PH_ADDR, NR_PHASES
};

enum cls {
	C_KALLSYMS, C_BTF, C_GLOBAL, C_VMAP_AREA, C_VM_STRUCT, C_LIST,
	C_PAGES, C_PAGE, C_NODES, C_PRINTK, C_OWNER, C_PTABLE, C_OTHER,
	NR_CLASSES
};

static const char *const class_names[NR_CLASSES] = {
	"kallsyms", "btf", "global", "vmap_area", "vm_struct", "list_head",
	"pages[]", "struct-page", "vmap_nodes", "printk", "owner",
	"page-table", "other",
};

enum kind {
	K_ZERO, K_ONES, K_FLIP, K_SELF, K_NEAR, K_OTHER, K_HUGE, K_BYTE,
	K_HOLE, K_CONTROL, NR_KINDS
};

static const char *const kind_names[NR_KINDS] = {
	"zero", "ones", "bitflip", "ptr-self", "ptr-near", "ptr-other",
	"huge", "byte", "hole", "control",
};

enum outcome {
	O_SAME, O_CHANGED, O_INCOMPLETE, O_ERROR,	/* allowed */
	O_SIGNAL, O_SANITIZER, O_TIMEOUT, O_RSS, O_BAD_EXIT, O_BAD_ERROR,
	O_CONTROL_DIFFERS, NR_OUTCOMES
};

static const char *const outcome_names[NR_OUTCOMES] = {
	"same-output", "changed-output", "incomplete(3)", "error(2)",
	"SIGNAL", "SANITIZER", "TIMEOUT", "RSS", "BAD-EXIT", "BAD-ERROR",
	"CONTROL-DIFFERS",
};

/* One object read: a distinct (address, length) the commands asked for. */
struct object {
	uint64_t addr, len;
	enum phase phase;
	enum cls cls;
};

struct addrs {
	uint64_t *v;
	size_t n;
};

struct obj_list {
	struct object *v;
	size_t n;
};

struct mutation {
	size_t obj;
	enum kind kind;
	uint64_t addr;		/* what is overlaid */
	uint8_t bytes[8];
	size_t len;
};

struct config {
	const char *dump;
	unsigned long count;
	uint64_t seed;
	unsigned int timeout;
	long only;		/* -o: run this mutation alone, -1 all */
	unsigned long rss_mib;
	const char *log;
};

struct suite {
	struct config cfg;
	struct vx_dump *dump;
	struct overlay *ov;
	struct vx_kernel *k;		/* opened before any walk, for children */
	struct object *objs;
	size_t nr_objs;
	struct object *sorted;		/* by address, for "was it read?" */
	uint64_t btf_start, btf_end;
	struct addrs vas, vms;		/* struct vmap_area, vm_struct */
	struct obj_list pages;		/* pages[] arrays */
	uint64_t nodes, nodes_len;	/* vmap_nodes[] (6.9+) */
	size_t by_class[NR_CLASSES][2];	/* first index, count in objs */
	char *want[NR_PHASES];		/* captured output per command */
	size_t want_len[NR_PHASES];
	int want_status[NR_PHASES];
	int out_fd, err_fd;
	long parent_rss_kib;
	unsigned long counts[NR_OUTCOMES];
	unsigned long class_counts[NR_CLASSES][NR_OUTCOMES];
	unsigned long failures;
	FILE *log;
};

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: the same list of mutations on every run */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "corrupt: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

/* ---- the commands, as tool/main.c runs them -------------------------- */

static char *const argv_info[] = { "vmapx", "DUMP", NULL };
static char *const argv_failures[] = { "vmapx", "--failures", "DUMP", NULL };
static char *const argv_owners[] = { "vmapx", "--owners", "DUMP", NULL };
/* 2 MiB: a BPF pack's or a module's size, in both windows */
static char *const argv_fit[] = { "vmapx", "--fit", "2M", "DUMP", NULL };
/* Filled by locate() from the clean dump's walk. */
static char addr_list[64];
static char *const argv_addr[] = { "vmapx", "--addr", addr_list, "DUMP", NULL };

/* NULL: the command is not run on this dump (--addr with no area). */
static char *const *phase_argv[NR_PHASES] = {
	[PH_INFO] = argv_info, [PH_FAILURES] = argv_failures,
	[PH_OWNERS] = argv_owners, [PH_FIT] = argv_fit,
};

/* The command a mutation of an object re-runs: what open read, the
 * listing; anything else, the first command that read it. */
static enum phase command_of(enum phase read_by)
{
	return read_by == PH_OPEN ? PH_INFO : read_by;
}

static struct vx_error *run_command(struct vx_kernel *k, enum phase ph,
				    FILE *out, int *status)
{
	char *const *argv = phase_argv[ph];
	struct vx_report r;
	struct vx_options o;
	struct vx_error *err;
	int argc = 0;

	while (argv[argc])
		argc++;
	err = vx_options_parse(argc, (char **)argv, VX_FE_TOOL, &o);
	if (err)
		return err;
	vx_report_init(&r);
	err = vx_dispatch(&o, &(struct vx_input){ .path = "DUMP", .k = k }, out,
			  &r);
	*status = r.status;
	vx_report_fini(&r);
	return err;
}

/* ---- the capture ------------------------------------------------------ */

static int by_addr(const void *a, const void *b)
{
	const struct object *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return (int)x->phase - (int)y->phase;
}

static bool in_range(uint64_t a, uint64_t start, uint64_t len)
{
	return a >= start && a - start < len;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool in_addrs(const struct addrs *a, uint64_t addr)
{
	return a->n && bsearch(&addr, a->v, a->n, sizeof(*a->v), cmp_u64);
}

static bool in_pages(const struct suite *s, uint64_t addr)
{
	for (size_t i = 0; i < s->pages.n; i++)
		if (in_range(addr, s->pages.v[i].addr, s->pages.v[i].len))
			return true;
	return false;
}

static enum cls classify(const struct suite *s, const struct object *o)
{
	const struct vx_kallsyms_loc *loc = &s->k->ksyms_loc;

	if (in_range(o->addr, s->btf_start, s->btf_end - s->btf_start))
		return C_BTF;
	if (loc->names && o->addr >= loc->names &&
	    o->addr <= loc->token_index + 512)
		return C_KALLSYMS;
	if (o->phase == PH_OPEN && o->len >= 4096)
		return C_KALLSYMS;	/* offsets, seqs: large table reads */
	if (o->phase == PH_OPEN)
		return C_GLOBAL;
	if (in_addrs(&s->vas, o->addr))
		return C_VMAP_AREA;
	if (in_addrs(&s->vms, o->addr))
		return C_VM_STRUCT;
	if (in_pages(s, o->addr))
		return C_PAGES;
	if (s->nodes_len && in_range(o->addr, s->nodes, s->nodes_len))
		return C_NODES;
	/* Read by --failures only: the log (free areas are named above). */
	if (o->phase == PH_FAILURES)
		return C_PRINTK;
	/* Read by --owners only: tasks, modules, programs, resources, ... */
	if (o->phase == PH_OWNERS)
		return C_OWNER;
	/* Read by --addr only: page tables, the page's struct page. */
	if (o->phase == PH_ADDR)
		return C_PTABLE;
	if (o->len == 4096)
		return C_PAGE;		/* format_numa.c reads vmemmap a page at a time */
	if (o->len == 8)
		return C_LIST;		/* list heads, rb and llist pointers */
	return o->addr >= 0xffffffff80000000ULL ? C_GLOBAL : C_OTHER;
}

/* Where the walk found its objects, to name what each read was. */
static void locate(struct suite *s, struct vx_kernel *k)
{
	struct vx_report r;
	struct vx_vmap m;
	size_t n = 0;

	vx_report_init(&r);	/* the clean dump's skips are not looked at */
	if (vx_walk(k, &r, VX_WALK_ALL, &m))
		die("%s", "the clean dump does not walk");
	vx_report_fini(&r);
	for (int st = 0; st < VX_NR_STATES; st++)
		n += m.lists[st].n;
	s->vas.v = calloc(n + 1, sizeof(uint64_t));
	s->vms.v = calloc(n + 1, sizeof(uint64_t));
	s->pages.v = calloc(n + 1, sizeof(struct object));
	for (int st = 0; st < VX_NR_STATES; st++)
		for (size_t i = 0; i < m.lists[st].n; i++) {
			const struct vx_area *a = &m.lists[st].v[i];

			s->vas.v[s->vas.n++] = a->va;
			if (st == VX_BUSY && !addr_list[0] && a->vm_read &&
			    a->vm.nr_pages && a->end - a->start > 4096)
				/* a mapped byte, the guard page, the next byte */
				snprintf(addr_list, sizeof(addr_list),
					 "0x%lx,0x%lx,0x%lx",
					 (unsigned long)a->start + 0x123,
					 (unsigned long)a->end - 1,
					 (unsigned long)a->end);
			if (a->vm_ptr)
				s->vms.v[s->vms.n++] = a->vm_ptr;
			if (a->vm_read && a->vm.pages && a->vm.nr_pages)
				s->pages.v[s->pages.n++] = (struct object){
					a->vm.pages, a->vm.nr_pages * 8 };
		}
	qsort(s->vas.v, s->vas.n, sizeof(uint64_t), cmp_u64);
	qsort(s->vms.v, s->vms.n, sizeof(uint64_t), cmp_u64);
	if (k->has_nodes && !vx_kernel_symbol(k, "vmap_nodes", &s->nodes) &&
	    !vx_read_u64(k->t, s->nodes, &s->nodes))
		s->nodes_len = (uint64_t)m.nr_nodes * k->l.vn_sizeof;
	vx_vmap_free(&m);
}

static void collect(struct suite *s)
{
	const struct overlay_read *r;
	size_t n, out = 0;

	r = overlay_reads(s->ov, &n);
	s->objs = calloc(n ? n : 1, sizeof(*s->objs));
	if (!s->objs)
		die("%s", "no memory");
	for (size_t i = 0; i < n; i++)
		s->objs[i] = (struct object){ r[i].addr, r[i].len,
					      (enum phase)r[i].phase, 0 };
	/* One entry per (address, length), the first phase that read it. */
	qsort(s->objs, n, sizeof(*s->objs), by_addr);
	for (size_t i = 0; i < n; i++)
		if (!out || s->objs[i].addr != s->objs[out - 1].addr ||
		    s->objs[i].len != s->objs[out - 1].len)
			s->objs[out++] = s->objs[i];
	s->nr_objs = out;
	s->sorted = malloc(out * sizeof(*s->sorted) + 1);
	memcpy(s->sorted, s->objs, out * sizeof(*s->sorted));
	for (size_t i = 0; i < out; i++)
		s->objs[i].cls = classify(s, &s->objs[i]);
}

static int by_class(const void *a, const void *b)
{
	const struct object *x = a, *y = b;

	if (x->cls != y->cls)
		return (int)x->cls - (int)y->cls;
	return by_addr(a, b);
}

static void index_classes(struct suite *s)
{
	qsort(s->objs, s->nr_objs, sizeof(*s->objs), by_class);
	for (size_t i = s->nr_objs; i-- > 0;) {
		s->by_class[s->objs[i].cls][0] = i;
		s->by_class[s->objs[i].cls][1]++;
	}
}

static void symbol(struct suite *s, const char *name, uint64_t *addr)
{
	vx_error_destroy(vx_kernel_symbol(s->k, name, addr));
}

static void capture(struct suite *s)
{
	struct vx_kernel *k;
	struct vx_error *err;

	/* Where the objects are, and --addr's addresses, not recorded. */
	err = vx_kernel_open(overlay_target(s->ov), &k);
	if (err)
		die("the clean dump does not open: %s", err->message);
	locate(s, k);
	vx_kernel_close(k);
	if (addr_list[0])
		phase_argv[PH_ADDR] = argv_addr;
	overlay_record(s->ov, true);
	overlay_set_phase(s->ov, PH_OPEN);
	err = vx_kernel_open(overlay_target(s->ov), &k);
	if (err)
		die("the clean dump does not open: %s", err->message);
	for (int ph = PH_INFO; ph < NR_PHASES; ph++) {
		FILE *f;

		if (!phase_argv[ph])
			continue;
		f = open_memstream(&s->want[ph], &s->want_len[ph]);

		overlay_set_phase(s->ov, ph);
		err = run_command(k, ph, f, &s->want_status[ph]);
		fclose(f);
		if (err) {
			/* e.g. a dump whose log has no failures reader */
			s->want_status[ph] = VX_EXIT_ERROR;
			vx_error_destroy(err);
		}
	}
	overlay_record(s->ov, false);
	vx_kernel_close(k);
	/* A kernel for the children, opened before anything was walked. */
	err = vx_kernel_open(overlay_target(s->ov), &s->k);
	if (err)
		die("the clean dump does not open twice: %s", err->message);
	symbol(s, "__start_BTF", &s->btf_start);
	symbol(s, "__stop_BTF", &s->btf_end);
	collect(s);
	index_classes(s);
}

/* ---- the mutations ---------------------------------------------------- */

/* Was any byte of [a, a + len) read by the capture? */
static bool was_read(const struct suite *s, uint64_t a, uint64_t len)
{
	size_t lo = 0, hi = s->nr_objs;

	/* The first object starting at or after a + len; scan back. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->sorted[mid].addr < a + len)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i-- > 0;) {
		const struct object *o = &s->sorted[i];

		if (o->addr + o->len > a)
			return true;
		/* Objects are at most a few MiB: stop far below a. */
		if (a - o->addr > (64ULL << 20))
			break;
	}
	return false;
}

static uint64_t read_word(struct suite *s, uint64_t addr, size_t len)
{
	uint64_t v = 0;

	vx_error_destroy(vx_read(overlay_target(s->ov), addr, &v, len));
	return v;
}

static void set_word(struct mutation *m, uint64_t v)
{
	memcpy(m->bytes, &v, 8);
}

/* A word of the object to change: aligned, inside it. */
static void pick_word(const struct object *o, struct mutation *m)
{
	uint64_t words = o->len / 8;

	if (words) {
		m->addr = o->addr + 8 * (rng() % words);
		m->len = 8;
	} else {
		m->addr = o->addr + rng() % o->len;
		m->len = 1;
	}
}

/* Bytes near the object that nothing read; false if none found. */
static bool pick_control(struct suite *s, const struct object *o,
			 struct mutation *m)
{
	for (int tries = 0; tries < 8; tries++) {
		uint64_t a = o->addr + o->len + 8 * (rng() % 64);

		struct vx_error *err;

		if (was_read(s, a, 8))
			continue;
		err = vx_read(overlay_target(s->ov), a, m->bytes, 8);
		vx_error_destroy(err);
		if (!err) {
			m->addr = a;
			m->len = 8;
			for (int i = 0; i < 8; i++)
				m->bytes[i] ^= 0xa5;
			return true;
		}
	}
	return false;
}

static bool make_mutation(struct suite *s, enum cls c, struct mutation *m)
{
	size_t first = s->by_class[c][0], n = s->by_class[c][1];
	const struct object *o, *other;
	uint64_t old;

	if (!n)
		return false;
	m->obj = first + rng() % n;
	o = &s->objs[m->obj];
	m->kind = (enum kind)(rng() % NR_KINDS);
	if (m->kind == K_CONTROL)
		return pick_control(s, o, m);
	pick_word(o, m);
	old = read_word(s, m->addr, m->len);
	other = &s->objs[rng() % s->nr_objs];
	switch (m->kind) {
	case K_ZERO:	set_word(m, 0); break;
	case K_ONES:	set_word(m, ~0ULL); break;
	case K_FLIP:	set_word(m, old ^ (1ULL << (rng() % (8 * m->len)))); break;
	case K_SELF:	set_word(m, m->addr); break;
	case K_NEAR:	set_word(m, old + (rng() & 1 ? 8 : -8)); break;
	case K_OTHER:	set_word(m, other->addr); break;
	case K_HUGE:	set_word(m, rng() & 1 ? 1ULL << 40 : 0x7fffffffULL); break;
	case K_BYTE:	m->len = 1; m->bytes[0] = rng(); break;
	case K_HOLE:
		m->addr = (m->addr & ~4095ULL);
		m->len = 4096;
		break;
	default:
		return false;
	}
	if (m->kind != K_HOLE && !memcmp(m->bytes, &old, m->len))
		m->bytes[0] ^= 1;	/* never a no-op */
	return true;
}

/* ---- running one mutation --------------------------------------------- */

static void child(struct suite *s, const struct mutation *m)
{
	enum phase ph = command_of(s->objs[m->obj].phase);
	struct vx_kernel *k = s->k;
	struct vx_error *err = NULL;
	int status = VX_EXIT_OK;
	FILE *out;

	alarm(s->cfg.timeout);
	dup2(s->err_fd, 2);
	out = fdopen(s->out_fd, "w");
	if (m->kind == K_HOLE)
		overlay_hole(s->ov, m->addr, m->len);
	else
		overlay_patch(s->ov, m->addr, m->bytes, m->len);
	/* What open read is re-read only by a fresh open. */
	if (s->objs[m->obj].phase == PH_OPEN) {
		err = vx_kernel_open(overlay_target(s->ov), &k);
		if (err)
			err = vx_error_wrap(err, "%s", s->cfg.dump);
	}
	if (!err) {
		/* As tool/main.c names the dump in a command's error. */
		err = run_command(k, ph, out, &status);
		if (err && !strstr(err->message, s->cfg.dump))
			err = vx_error_wrap(err, "%s", s->cfg.dump);
	}
	fflush(out);
	if (err) {
		vx_report_error(stderr, "vmapx", err, false);
		status = VX_EXIT_ERROR;
	}
	fflush(stderr);
	_exit(status);
}

static char *slurp(int fd, size_t *len)
{
	off_t size = lseek(fd, 0, SEEK_END);
	char *buf = malloc(size + 1);

	if (!buf)
		die("%s", "no memory");
	*len = pread(fd, buf, size, 0) == size ? (size_t)size : 0;
	buf[*len] = '\0';
	return buf;
}

/* Judge the child: allowed outcomes first, broken rules after. */
static enum outcome judge(struct suite *s, const struct mutation *m, int ws,
			  long rss_kib)
{
	enum phase ph = command_of(s->objs[m->obj].phase);
	size_t out_len, err_len;
	char *out = slurp(s->out_fd, &out_len);
	char *err = slurp(s->err_fd, &err_len);
	enum outcome o;
	int code;

	if (WIFSIGNALED(ws))
		o = WTERMSIG(ws) == SIGALRM ? O_TIMEOUT : O_SIGNAL;
	else if (strstr(err, "Sanitizer") || strstr(err, "runtime error"))
		o = O_SANITIZER;
	else if (rss_kib - s->parent_rss_kib > (long)s->cfg.rss_mib * 1024)
		o = O_RSS;
	else if ((code = WEXITSTATUS(ws)) != 0 && code != 2 && code != 3)
		o = O_BAD_EXIT;
	else if (code == 2 && (!strstr(err, s->cfg.dump) ||
			       !err_len || strchr(err, '\n') != err + err_len - 1))
		o = O_BAD_ERROR;
	else if (code == 2)
		o = O_ERROR;
	else if (out_len == s->want_len[ph] &&
		 !memcmp(out, s->want[ph], out_len) &&
		 code == s->want_status[ph])
		o = O_SAME;
	else if (m->kind == K_CONTROL)
		o = O_CONTROL_DIFFERS;
	else
		o = code == 3 ? O_INCOMPLETE : O_CHANGED;
	if (o >= O_SIGNAL)
		fprintf(stderr, "corrupt: FAIL %s: %s %s at 0x%lx+%zu (%s object 0x%lx+%lu): %.300s\n",
			outcome_names[o], class_names[s->objs[m->obj].cls],
			kind_names[m->kind], (unsigned long)m->addr, m->len,
			s->cfg.dump, (unsigned long)s->objs[m->obj].addr,
			(unsigned long)s->objs[m->obj].len, err);
	free(out);
	free(err);
	return o;
}

static void run_one(struct suite *s, const struct mutation *m, unsigned long i)
{
	struct timespec t0, t1;
	struct rusage ru;
	enum outcome o;
	pid_t pid;
	int ws;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (ftruncate(s->out_fd, 0) || ftruncate(s->err_fd, 0))
		die("%s", "ftruncate failed");
	lseek(s->out_fd, 0, SEEK_SET);
	lseek(s->err_fd, 0, SEEK_SET);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid)
		child(s, m);
	if (wait4(pid, &ws, 0, &ru) != pid)
		die("wait4: %s", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	o = judge(s, m, ws, ru.ru_maxrss);
	s->counts[o]++;
	s->class_counts[s->objs[m->obj].cls][o]++;
	s->failures += o >= O_SIGNAL;
	if (s->log)
		fprintf(s->log, "%lu %s %s 0x%lx %zu %s %ld ms %ld KiB\n", i,
			class_names[s->objs[m->obj].cls], kind_names[m->kind],
			(unsigned long)m->addr, m->len, outcome_names[o],
			(t1.tv_sec - t0.tv_sec) * 1000 +
			(t1.tv_nsec - t0.tv_nsec) / 1000000, ru.ru_maxrss);
}

/*
 * Classes take turns, so each gets its share however many objects it
 * has; re-opening the kernel (kallsyms, BTF, globals) costs most, so
 * those get one turn in sixteen.
 */
static void run_all(struct suite *s)
{
	unsigned long done = 0, turn = 0;

	while (done < s->cfg.count) {
		enum cls c = (enum cls)(turn++ % NR_CLASSES);
		struct mutation m = { 0 };

		if ((c == C_KALLSYMS || c == C_BTF || c == C_GLOBAL) &&
		    (turn / NR_CLASSES) % 16)
			continue;
		if (!make_mutation(s, c, &m))
			continue;
		if (s->cfg.only < 0 || (unsigned long)s->cfg.only == done)
			run_one(s, &m, done);
		done++;
	}
}

static void report(const struct suite *s)
{
	printf("corrupt: %s: %zu objects read, %lu mutations:",
	       s->cfg.dump, s->nr_objs, s->cfg.count);
	for (int o = 0; o < NR_OUTCOMES; o++)
		if (s->counts[o])
			printf(" %s %lu", outcome_names[o], s->counts[o]);
	printf("\n");
	for (int c = 0; c < NR_CLASSES; c++) {
		unsigned long total = 0;

		for (int o = 0; o < NR_OUTCOMES; o++)
			total += s->class_counts[c][o];
		if (!total)
			continue;
		printf("corrupt:   %-11s %5lu (%zu objects):", class_names[c],
		       total, s->by_class[c][1]);
		for (int o = 0; o < NR_OUTCOMES; o++)
			if (s->class_counts[c][o])
				printf(" %s %lu", outcome_names[o],
				       s->class_counts[c][o]);
		printf("\n");
	}
}

static void parse_args(int argc, char **argv, struct config *c)
{
	int opt;

	*c = (struct config){ .count = 500, .seed = 1, .timeout = 30,
			      .rss_mib = 1024, .only = -1 };
	while ((opt = getopt(argc, argv, "n:s:t:r:l:o:")) != -1) {
		switch (opt) {
		case 'n': c->count = strtoul(optarg, NULL, 0); break;
		case 's': c->seed = strtoull(optarg, NULL, 0); break;
		case 't': c->timeout = strtoul(optarg, NULL, 0); break;
		case 'r': c->rss_mib = strtoul(optarg, NULL, 0); break;
		case 'l': c->log = optarg; break;
		case 'o': c->only = strtol(optarg, NULL, 0); break;
		default: die("%s", "usage: corrupt [-n COUNT] [-s SEED] [-t SECONDS] [-r RSS_MIB] [-l LOG] [-o INDEX] DUMP");
		}
	}
	if (optind != argc - 1)
		die("%s", "usage: corrupt [-n COUNT] [-s SEED] [-t SECONDS] [-r RSS_MIB] [-l LOG] [-o INDEX] DUMP");
	c->dump = argv[optind];
}

int main(int argc, char **argv)
{
	struct vx_dump_opts dopts = { 0 };
	static struct suite s;
	struct vx_error *err;
	struct rusage ru;

	parse_args(argc, argv, &s.cfg);
	rng_state = s.cfg.seed * 0x9e3779b97f4a7c15ULL | 1;
	err = vx_dump_open(s.cfg.dump, &dopts, &s.dump);
	if (err)
		die("%s", err->message);
	s.ov = overlay_create(vx_dump_target(s.dump));
	overlay_cache(s.ov, true);
	capture(&s);
	s.out_fd = memfd_create("corrupt-out", MFD_CLOEXEC);
	s.err_fd = memfd_create("corrupt-err", MFD_CLOEXEC);
	if (s.out_fd < 0 || s.err_fd < 0)
		die("memfd_create: %s", strerror(errno));
	if (s.cfg.log && !(s.log = fopen(s.cfg.log, "w")))
		die("cannot write %s", s.cfg.log);
	getrusage(RUSAGE_SELF, &ru);
	s.parent_rss_kib = ru.ru_maxrss;
	run_all(&s);
	report(&s);
	if (s.log)
		fclose(s.log);
	return s.failures ? 1 : 0;
}

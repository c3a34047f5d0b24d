/* vcap: the guest's capture loop (exec'd by init as PID 1, so capturing forks nothing).
 *
 *   vcap PORT SETTLE_SECONDS [PANIC_FILE PANIC_DATA]
 *
 * Round n (n = 1, 2, ...): writes to PORT
 *   === BEGIN raw n      /proc/vmallocinfo read with kptr_restrict=1 (real addresses, root)
 *   === END raw n
 *   === BEGIN hashed n   the same file read with kptr_restrict=0 (%pK hashed)
 *   === END hashed n
 *   === BEGIN iomem n    /proc/iomem (real addresses: PID 1 has CAP_SYS_ADMIN)
 *   === END iomem n
 *   === BEGIN ttys n     the ttys open in the guest: one line "PID SID FD PATH COMM" per open fd
 *   === END ttys n       whose link names a /dev/tty..., /dev/pts/N or /dev/console (from /proc/PID/fd/N),
 *                        or /dev/ptmx, written /dev/ptmx:N with N the index of the pair it opened
 *                        (fdinfo's tty-index)
 *   === BEGIN swaps n    /proc/swaps (the swap files and devices in use: what the swap owner
 *   === END swaps n      test compares with)
 *   === READY n
 * then blocks reading a command line from PORT: "again" starts round n+1, "panic" crashes the
 * kernel from here by writing PANIC_DATA to PANIC_FILE (default "c" to /proc/sysrq-trigger; the
 * oops scenario names voops' fault parameter, whose write oopses; the kdump scenarios' capture
 * kernel takes over; nothing forks between the last capture and the panic), anything else
 * ("halt") idles forever.
 * Before settling, vcap opens a pty pair and holds it to the end: /dev/ptmx and its /dev/pts/N, both
 * O_NOCTTY, so every case has two ttys that are nobody's controlling tty (the ttys a terminal
 * emulator or sshd holds open), which only the owner rule's walk of open files finds.
 * The file is read in large chunks: 1-byte reads would restart the 5.10/6.1 seq_list walk at
 * every record (quadratic in the number of areas).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static int port;

static void out(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(port, buf, len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void outs(const char *s) { out(s, strlen(s)); }

static void set_kptr(const char *v)
{
	int fd = open("/proc/sys/kernel/kptr_restrict", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, v, strlen(v)) < 0)
			outs("=== WARN kptr_restrict write failed\n");
		close(fd);
	}
}

/*
 * echo DATA > FILE, without a shell: by default c to /proc/sysrq-trigger (the trigger file works
 * whatever kernel.sysrq says).
 */
static void crash_now(const char *file, const char *data)
{
	int fd = open(file, O_WRONLY);
	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data)) {
		outs("=== ERROR panic write to ");
		outs(file);
		outs("\n");
	}
	/* not reached when the panic happens */
	if (fd >= 0)
		close(fd);
}

static char *buf;
static size_t cap = 1 << 20;

static void grow(size_t len, size_t need)
{
	while (cap - len < need) {
		cap *= 2;
		buf = realloc(buf, cap);
		if (!buf)
			_exit(1);
	}
}

/* Appends the whole file at PATH to buf from LEN; returns the new length, or -1 if unopenable. */
static long slurp(const char *path, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	for (;;) {
		grow(len, 65536);
		ssize_t n = read(fd, buf + len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return (long)len;
}

static void send(const char *tag, int round, size_t len)
{
	char hdr[64];
	snprintf(hdr, sizeof hdr, "=== BEGIN %s %d\n", tag, round);
	outs(hdr);
	out(buf, len);
	if (len && buf[len - 1] != '\n')
		outs("\n=== WARN no final newline\n");
	snprintf(hdr, sizeof hdr, "=== END %s %d\n", tag, round);
	outs(hdr);
}

/* Read the whole file first, then send: the file is read as fast as possible. */
static void capture(const char *path, const char *tag, int round)
{
	long len = slurp(path, 0);
	if (len < 0) {
		outs("=== ERROR open ");
		outs(path);
		outs("\n");
		return;
	}
	send(tag, round, (size_t)len);
}

static int is_tty_path(const char *p)
{
	return !strncmp(p, "/dev/tty", 8) || !strncmp(p, "/dev/pts/", 9) ||
	       !strcmp(p, "/dev/console") || !strcmp(p, "/dev/ptmx");
}

/*
 * A pty pair nobody has as controlling tty: the master from /dev/ptmx, unlocked (TIOCSPTLCK 0,
 * what unlockpt() does; grantpt() has nothing to do on devpts), the slave /dev/pts/N opened by
 * its index (TIOCGPTN), both O_NOCTTY.  The fds stay open until the guest dies.
 */
static int pty_master = -1;
static unsigned int pty_index;

static void open_pty_pair(void)
{
	char path[32];
	int unlock = 0;
	unsigned int n;
	int m = open("/dev/ptmx", O_RDWR | O_NOCTTY);

	if (m < 0 || ioctl(m, TIOCSPTLCK, &unlock) < 0 || ioctl(m, TIOCGPTN, &n) < 0) {
		outs("=== WARN pty pair: ptmx: ");
		outs(strerror(errno));
		outs("\n");
		return;
	}
	pty_master = m;
	pty_index = n;
	snprintf(path, sizeof path, "/dev/pts/%u", n);
	if (open(path, O_RDWR | O_NOCTTY) < 0) {
		outs("=== WARN pty pair: ");
		outs(path);
		outs(": ");
		outs(strerror(errno));
		outs("\n");
	}
}

/* The pty index of a /dev/ptmx fd: fdinfo's "tty-index:" line, else (our own master) TIOCGPTN's. */
static long ptmx_index(const char *pid, const char *fd)
{
	char path[300], info[1024];
	if (atol(pid) == (long)getpid() && atoi(fd) == pty_master)
		return pty_index;
	snprintf(path, sizeof path, "/proc/%s/fdinfo/%s", pid, fd);
	int f = open(path, O_RDONLY);
	if (f < 0)
		return -1;
	ssize_t n = read(f, info, sizeof info - 1);
	close(f);
	info[n > 0 ? n : 0] = 0;
	char *p = strstr(info, "tty-index:");
	return p ? strtol(p + 10, NULL, 10) : -1;
}

/* The session id (field 6 of /proc/PID/stat; comm may hold spaces, so count from its ')'). */
static long session_of(const char *pid)
{
	char path[64], st[512];
	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, st, sizeof st - 1);
	close(fd);
	if (n <= 0)
		return -1;
	st[n] = 0;
	char *p = strrchr(st, ')');
	long ppid, pgrp, sid;
	char state;
	if (!p || sscanf(p + 1, " %c %ld %ld %ld", &state, &ppid, &pgrp, &sid) != 4)
		return -1;
	return sid;
}

/* Appends "PID SID FD PATH COMM" for each tty fd of process PID. */
static size_t ttys_of(const char *pid, size_t len)
{
	char path[300], link[256], comm[64] = "?";
	snprintf(path, sizeof path, "/proc/%s/comm", pid);
	int cfd = open(path, O_RDONLY);
	if (cfd >= 0) {
		ssize_t n = read(cfd, comm, sizeof comm - 1);
		comm[n > 0 ? n : 0] = 0;
		comm[strcspn(comm, "\n")] = 0;
		close(cfd);
	}
	snprintf(path, sizeof path, "/proc/%s/fd", pid);
	DIR *d = opendir(path);
	if (!d)
		return len;
	long sid = session_of(pid);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof path, "/proc/%s/fd/%s", pid, e->d_name);
		ssize_t n = readlink(path, link, sizeof link - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (!is_tty_path(link))
			continue;
		if (!strcmp(link, "/dev/ptmx")) {
			long i = ptmx_index(pid, e->d_name);
			if (i >= 0)
				snprintf(link, sizeof link, "/dev/ptmx:%ld", i);
		}
		grow(len, 512);
		len += (size_t)snprintf(buf + len, 512, "%s %ld %s %s %s\n", pid, sid, e->d_name,
					link, comm);
	}
	closedir(d);
	return len;
}

/* The ttys open in the guest, by every process (no fork: this runs as PID 1). */
static void capture_ttys(int round)
{
	size_t len = 0;
	DIR *d = opendir("/proc");
	if (!d) {
		outs("=== ERROR open /proc\n");
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)))
		if (isdigit((unsigned char)e->d_name[0]))
			len = ttys_of(e->d_name, len);
	closedir(d);
	send("ttys", round, len);
}

int main(int argc, char **argv)
{
	char cmd[64];
	int round = 0;
	if (argc < 3)
		return 2;
	port = open(argv[1], O_RDWR);
	if (port < 0) {
		int fd = open("/dev/console", O_WRONLY);
		dprintf(fd, "vcap: cannot open %s: %s\n", argv[1], strerror(errno));
		/* PID 1 must not exit */
		for (;;)
			pause();
	}
	buf = malloc(cap);
	/* big buffers grown now so that capture time allocates nothing new */
	if (!buf)
		return 1;
	open_pty_pair();
	struct timespec ts = { atoi(argv[2]), 0 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	for (;;) {
		round++;
		set_kptr("1\n");
		capture("/proc/vmallocinfo", "raw", round);
		set_kptr("0\n");
		capture("/proc/vmallocinfo", "hashed", round);
		set_kptr("1\n");
		capture("/proc/iomem", "iomem", round);
		capture_ttys(round);
		capture("/proc/swaps", "swaps", round);
		snprintf(cmd, sizeof cmd, "=== READY %d\n", round);
		outs(cmd);
		/* wait for a command */
		size_t l = 0;
		for (;;) {
			char c;
			ssize_t n = read(port, &c, 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				struct timespec t = { 0, 100000000 };
				nanosleep(&t, NULL);
				continue;
			}
			if (c == '\n')
				break;
			if (l < sizeof cmd - 1)
				cmd[l++] = c;
		}
		cmd[l] = 0;
		if (strcmp(cmd, "again") == 0)
			continue;
		if (strcmp(cmd, "panic") == 0)
			crash_now(argc >= 5 ? argv[3] : "/proc/sysrq-trigger",
				  argc >= 5 ? argv[4] : "c");
		for (;;)
			pause();
	}
}

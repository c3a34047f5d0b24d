/* vlive: the live test's driver inside the guest (tests/integration/t-live.sh).
 *
 *   vlive PORT VMAPX [large]
 *   vlive PORT CMDFILE crash [CRASH-OPTION...]
 *
 * With "crash": /mnt holds crash(8), its libraries, the vmlinux and the extension (a disk t-live.sh
 * made); crash runs on the live kernel (no dump: it reads /proc/kcore) with the commands of
 * CMDFILE, which write `vmapx` three times to /tmp/crash1..3; /proc/vmallocinfo is read just
 * before and just after the session.
 *
 * With "large" (the guest holds tens of thousands of task stacks) only step 1, then the timing:
 * VMAPX --live and busybox cat /proc/vmallocinfo (a process each, output to a tmpfs file), and
 * the file read in 64 KiB chunks in this process, 5 runs each.
 *
 * 1. Up to 20 rounds: read /proc/vmallocinfo (A), run VMAPX --live (L), read /proc/vmallocinfo
 *    again (B), nothing forked in between.  The first round with A == B ends the loop: L must be
 *    B byte for byte.  The kernel caches freed task stacks, so the fork of VMAPX itself leaves
 *    the vmalloc space as it was.
 * 2. Every mode once (--gaps, --frag, --frag -j, --fit, --callers, --failures, -j, -v,
 *    --diff against B as a snapshot), as root.
 * 3. Churn: a child loads and unloads brd (finit_module/delete_module, no exec) and forks bursts
 *    of 16 short-lived children (each a new vmap stack) while VMAPX --live runs 10 times (each
 *    killed after 120 s: a hang).  /proc/vmallocinfo is read before the churn starts and after
 *    it stopped; the host checks every line printed against those two reads.
 * 4. VMAPX --live as uid 65534 (no CAP_SYS_RAWIO), then under lockdown=confidentiality (set now:
 *    the kernel cannot lift it, so this is last).
 * Everything goes to PORT as sections "=== BEGIN name rc=N secs=S" ... "=== END name".
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int port;

static void out(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(port, buf, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void outf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void outf(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	out(line, strlen(line));
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whole file in 64 KiB reads (1-byte reads restart the 5.10/6.1 seq_file walk). */
static char *slurp(const char *path, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY);
	if (fd < 0 || !buf) {
		free(buf);
		*len = 0;
		return NULL;
	}
	for (;;) {
		if (cap - n < 65536 && !(buf = realloc(buf, cap *= 2)))
			_exit(1);
		ssize_t r = read(fd, buf + n, 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return buf;
}

static int run_limit(char *const argv[], uid_t uid, double *secs, unsigned limit);

static int run(char *const argv[], uid_t uid, double *secs)
{
	return run_limit(argv, uid, secs, 0);
}

static int run_limit(char *const argv[], uid_t uid, double *secs, unsigned limit)
{
	double t0 = now();
	int status;
	pid_t pid = fork();
	if (pid == 0) {
		int o = open("/tmp/out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open("/tmp/err", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int n = open("/dev/null", O_RDONLY);
		dup2(n, 0);	/* no terminal: crash(8) must not read commands from the console */
		dup2(o, 1);
		dup2(e, 2);
		setenv("TERM", "dumb", 1);
		setenv("HOME", "/tmp", 1);
		if (uid && (setgid(uid) || setuid(uid)))
			_exit(125);
		if (limit)
			alarm(limit);	/* SIGALRM kills a hang: rc 142 */
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*secs = now() - t0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void send_file(const char *path)
{
	size_t len;
	char *buf = slurp(path, &len);
	out(buf, len);
	if (len && buf[len - 1] != '\n')
		out("\n", 1);
	free(buf);
}

/* argv's output as a section; limit: seconds before SIGALRM kills it (0: none). */
static void section_limit(const char *name, char *const argv[], uid_t uid, unsigned limit)
{
	double secs;
	int rc = run_limit(argv, uid, &secs, limit);

	outf("=== BEGIN %s rc=%d secs=%.3f\n", name, rc, secs);
	send_file("/tmp/out");
	outf("=== STDERR %s\n", name);
	send_file("/tmp/err");
	outf("=== END %s\n", name);
}

static void section(const char *name, char *const argv[], uid_t uid)
{
	section_limit(name, argv, uid, 0);
}

static void agree(char *vmapx)
{
	char *argv[] = { vmapx, "--live", NULL };
	size_t la, lb, ll;
	double secs, tread = 0;
	int round, rc = -1;
	char *a = NULL, *b = NULL, *l = NULL;

	for (round = 1; round <= 20; round++) {
		free(a);
		free(b);
		a = slurp("/proc/vmallocinfo", &la);
		rc = run(argv, 0, &secs);
		double t0 = now();
		b = slurp("/proc/vmallocinfo", &lb);
		tread = now() - t0;
		if (la == lb && !memcmp(a, b, la))
			break;
	}
	l = slurp("/tmp/out", &ll);
	size_t lines = 0;
	for (size_t i = 0; i < lb; i++)
		lines += b[i] == '\n';
	outf("=== RESULT info rounds=%d rc=%d agree=%d identical=%d lines=%zu live_secs=%.3f read_secs=%.3f\n",
	     round, rc, round <= 20, ll == lb && !memcmp(l, b, lb),
	     lines, secs, tread);
	outf("=== BEGIN vmallocinfo rc=0 secs=0\n");
	out(b, lb);
	outf("=== END vmallocinfo\n");
	outf("=== BEGIN live rc=%d secs=%.3f\n", rc, secs);
	out(l, ll);
	outf("=== STDERR live\n");
	send_file("/tmp/err");
	outf("=== END live\n");
	int fd = open("/tmp/snap", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, b, lb) != (ssize_t)lb)
			outf("=== WARN snapshot write\n");
		close(fd);
	}
	free(a);
	free(b);
	free(l);
}

/* The churner: brd in and out, bursts of forks, until killed. */
static void churn(void)
{
	for (unsigned i = 0;; i++) {
		int fd = open("/lib/vmapx/extra/brd.ko", O_RDONLY);
		if (fd >= 0) {
			syscall(SYS_finit_module, fd, "", 0);
			close(fd);
		}
		for (int c = 0; c < 16; c++)
			if (fork() == 0) {
				struct timespec ts = { 0, 2000000 };
				nanosleep(&ts, NULL);
				_exit(0);
			}
		while (wait(NULL) > 0)
			;
		syscall(SYS_delete_module, "brd", O_NONBLOCK);
	}
}

static void churn_runs(char *vmapx)
{
	char *argv[] = { vmapx, "--live", NULL };
	char name[32];
	size_t len;
	char *a = slurp("/proc/vmallocinfo", &len);
	outf("=== BEGIN churn-before rc=0 secs=0\n");
	out(a, len);
	outf("=== END churn-before\n");
	free(a);
	pid_t pid = fork();
	if (pid == 0)
		churn();
	struct timespec ts = { 0, 300000000 };
	nanosleep(&ts, NULL);
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "churn%d", i);
		double secs;
		int rc = run_limit(argv, 0, &secs, 120);
		outf("=== BEGIN %s rc=%d secs=%.3f\n", name, rc, secs);
		send_file("/tmp/out");
		outf("=== STDERR %s\n", name);
		send_file("/tmp/err");
		outf("=== END %s\n", name);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	while (wait(NULL) > 0)	/* the churner's orphans are ours (PID 1's child) */
		;
	syscall(SYS_delete_module, "brd", O_NONBLOCK);
	a = slurp("/proc/vmallocinfo", &len);
	outf("=== BEGIN churn-after rc=0 secs=0\n");
	out(a, len);
	outf("=== END churn-after\n");
	free(a);
}

/* The length of buf's first word or line (slurp's buffers have no NUL). */
static int first(const char *buf, size_t len, const char *stop)
{
	size_t n = 0;

	while (buf && n < len && !strchr(stop, buf[n]))
		n++;
	return (int)n;
}

/* /proc/uptime's first field, as "=== UPTIME name SECONDS" (the commands write t1, t2). */
static void uptime(const char *name, const char *path)
{
	size_t len;
	char *u = slurp(path, &len);
	outf("=== UPTIME %s %.*s\n", name, first(u, len, " \n"), u ? u : "");
	free(u);
}

/* crash(8) live on /mnt's vmlinux, with CMDS and crash's options OPTS. */
static int crash_session(char *cmds, int nopts, char **opts)
{
	char *argv[16] = { "/bin/chroot", "/mnt", "/usr/bin/crash", "-s", "--no_crashrc" };
	int argc = 5;
	size_t len;
	char *a = slurp("/proc/vmallocinfo", &len);

	for (int i = 0; i < nopts && argc < 12; i++)
		argv[argc++] = opts[i];
	argv[argc++] = "-i";
	argv[argc++] = cmds;
	argv[argc++] = "/vmlinux";
	argv[argc] = NULL;
	outf("=== BEGIN crash-before rc=0 secs=0\n");
	out(a, len);
	outf("=== END crash-before\n");
	free(a);
	uptime("t0", "/proc/uptime");
	/* crash killed after 25 min (rc 142) still says how far it came */
	section_limit("crash", argv, 0, 1500);
	a = slurp("/proc/vmallocinfo", &len);
	outf("=== BEGIN crash-after rc=0 secs=0\n");
	out(a, len);
	outf("=== END crash-after\n");
	free(a);
	uptime("t1", "/tmp/t1");
	uptime("t2", "/tmp/t2");
	for (int i = 1; i <= 3; i++) {
		char f[32], name[32];
		snprintf(f, sizeof(f), "/tmp/crash%d", i);
		snprintf(name, sizeof(name), "crash%d", i);
		outf("=== BEGIN %s rc=0 secs=0\n", name);
		send_file(f);
		outf("=== END %s\n", name);
	}
	outf("=== DONE\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	port = open(argv[1], O_RDWR);
	if (port < 0)
		return 1;
	char *v = argv[2];
	if (argc > 3 && !strcmp(argv[3], "crash"))
		return crash_session(v, argc - 4, argv + 4);
	size_t lp, lo;
	char *possible = slurp("/sys/devices/system/cpu/possible", &lp);
	char *online = slurp("/sys/devices/system/cpu/online", &lo);
	outf("=== CPUS possible=%.*s online=%.*s\n", first(possible, lp, "\n"),
	     possible ? possible : "", first(online, lo, "\n"), online ? online : "");
	free(possible);
	free(online);
	agree(v);
	if (argc > 3 && !strcmp(argv[3], "large")) {
		section("frag-json", (char *[]){ v, "-L", "--frag", "-j", NULL }, 0);
		for (int i = 0; i < 5; i++) {
			double a, b, c = now();
			size_t len;
			free(slurp("/proc/vmallocinfo", &len));
			c = now() - c;
			int ra = run((char *[]){ v, "--live", NULL }, 0, &a);
			int rb = run((char *[]){ "/bin/cat", "/proc/vmallocinfo", NULL }, 0, &b);
			outf("=== TIME run=%d live_rc=%d live_secs=%.3f cat_rc=%d cat_secs=%.3f read64k_secs=%.3f\n",
			     i, ra, a, rb, b, c);
		}
		outf("=== DONE\n");
		return 0;
	}
	section("gaps", (char *[]){ v, "--live", "--gaps", NULL }, 0);
	section("frag", (char *[]){ v, "--live", "--frag", NULL }, 0);
	section("frag-json", (char *[]){ v, "-L", "--frag", "-j", NULL }, 0);
	section("fit", (char *[]){ v, "--live", "--fit", "64K", NULL }, 0);
	section("callers", (char *[]){ v, "--live", "--callers", NULL }, 0);
	section("failures", (char *[]){ v, "--live", "--failures", NULL }, 0);
	section("json", (char *[]){ v, "--live", "-j", NULL }, 0);
	section("verbose", (char *[]){ v, "--live", "-v", NULL }, 0);
	section("diff", (char *[]){ v, "--live", "--diff", "/tmp/snap", NULL }, 0);
	churn_runs(v);
	section("nonroot", (char *[]){ v, "--live", NULL }, 65534);
	int fd = open("/sys/kernel/security/lockdown", O_WRONLY);
	if (fd >= 0 && write(fd, "confidentiality", 15) == 15) {
		close(fd);
		section("lockdown", (char *[]){ v, "--live", NULL }, 0);
	} else {
		outf("=== NOTE no lockdown: %s\n", strerror(errno));
	}
	outf("=== DONE\n");
	return 0;
}

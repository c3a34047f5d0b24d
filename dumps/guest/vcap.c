/* vcap: the guest's capture loop (exec'd by init as PID 1, so capturing forks nothing).
 *
 *   vcap PORT SETTLE_SECONDS
 *
 * Round n (n = 1, 2, ...): writes to PORT
 *   === BEGIN raw n      /proc/vmallocinfo read with kptr_restrict=1 (real addresses, root)
 *   === END raw n
 *   === BEGIN hashed n   the same file read with kptr_restrict=0 (%pK hashed)
 *   === END hashed n
 *   === READY n
 * then blocks reading a command line from PORT: "again" starts round n+1, "panic" crashes the
 * kernel from here (sysrq c: the kdump scenario's capture kernel takes over; nothing forks between
 * the last capture and the panic), anything else ("halt") idles forever.
 * The file is read in large chunks: 1-byte reads would restart the 5.10/6.1 seq_list walk at
 * every record (quadratic in the number of areas).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* echo c > /proc/sysrq-trigger, without a shell: the trigger file works whatever kernel.sysrq says */
static void crash_now(void)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (fd < 0 || write(fd, "c", 1) != 1)
		outs("=== ERROR sysrq-trigger\n");
	/* not reached when the panic happens */
	if (fd >= 0)
		close(fd);
}

static char *buf;
static size_t cap = 1 << 20;

/* Read the whole file first, then send: the file is read as fast as possible. */
static void capture(const char *tag, int round)
{
	char hdr[64];
	size_t len = 0;
	int fd = open("/proc/vmallocinfo", O_RDONLY);
	if (fd < 0) {
		outs("=== ERROR open /proc/vmallocinfo\n");
		return;
	}
	for (;;) {
		if (cap - len < 65536) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				_exit(1);
		}
		ssize_t n = read(fd, buf + len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	snprintf(hdr, sizeof hdr, "=== BEGIN %s %d\n", tag, round);
	outs(hdr);
	out(buf, len);
	if (len && buf[len - 1] != '\n')
		outs("\n=== WARN no final newline\n");
	snprintf(hdr, sizeof hdr, "=== END %s %d\n", tag, round);
	outs(hdr);
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
	struct timespec ts = { atoi(argv[2]), 0 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	for (;;) {
		round++;
		set_kptr("1\n");
		capture("raw", round);
		set_kptr("0\n");
		capture("hashed", round);
		set_kptr("1\n");
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
			crash_now();
		for (;;)
			pause();
	}
}

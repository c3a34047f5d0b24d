/* vcopy: copy /proc/vmcore to a block device through mmap (capture kernel of the kdump scenario).
 *
 *   vcopy SRC DST      prints the number of bytes copied
 *
 * read() of /proc/vmcore maps and unmaps the old kernel's memory one page at a time (seconds per
 * 100 MB under TCG); mmap() maps a whole chunk at once, as makedumpfile does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (64UL << 20)

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fallback for a chunk mmap refuses: plain reads */
static int copy_read(int in, int out, off_t off, size_t len)
{
	static char buf[1 << 20];
	while (len) {
		size_t want = len < sizeof buf ? len : sizeof buf;
		ssize_t n = pread(in, buf, want, off);
		if (n <= 0 || write_all(out, buf, (size_t)n) < 0)
			return -1;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	off_t off;
	if (argc != 3) {
		fprintf(stderr, "usage: vcopy SRC DST\n");
		return 2;
	}
	int in = open(argv[1], O_RDONLY), out = open(argv[2], O_WRONLY);
	if (in < 0 || out < 0 || fstat(in, &st) < 0) {
		fprintf(stderr, "vcopy: %s\n", strerror(errno));
		return 1;
	}
	for (off = 0; off < st.st_size; off += CHUNK) {
		size_t len = (size_t)(st.st_size - off) < CHUNK ? (size_t)(st.st_size - off) : CHUNK;
		void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, in, off);
		int rc;
		if (p == MAP_FAILED) {
			rc = copy_read(in, out, off, len);
		} else {
			rc = write_all(out, p, len);
			munmap(p, len);
		}
		if (rc < 0) {
			fprintf(stderr, "vcopy: at %lld: %s\n", (long long)off, strerror(errno));
			return 1;
		}
	}
	if (fsync(out) < 0)
		fprintf(stderr, "vcopy: fsync: %s\n", strerror(errno));
	printf("%lld\n", (long long)off < st.st_size ? (long long)off : (long long)st.st_size);
	return 0;
}

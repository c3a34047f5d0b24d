/* vfail SIZE: make a real vmalloc allocation fail with a logged message. finit_module() on a
 * sparse file of SIZE bytes (more than RAM, at most INT_MAX) reaches kernel_read_file() ->
 * vmalloc(i_size), which logs "vmalloc error: size SIZE, exceeds total pages". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long long size = argc > 1 ? atoll(argv[1]) : 1610612736LL;
	const char *path = argc > 2 ? argv[2] : "/tmp/vfail.ko";
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, size) < 0) {
		perror("vfail: sparse file");
		return 1;
	}
	close(fd);
	fd = open(path, O_RDONLY);
	long r = syscall(SYS_finit_module, fd, "", 0);
	printf("vfail: finit_module(size %lld) = %ld (%s)\n", size, r, r < 0 ? strerror(errno) : "ok");
	close(fd);
	unlink(path);
	return 0;
}

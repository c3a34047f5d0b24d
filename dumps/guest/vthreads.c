/* vthreads N: start N threads that only sleep, each with its own kernel (vmap) stack, so that
 * /proc/vmallocinfo holds about N more busy areas. Raw clone() with stacks carved out of one
 * mapping keeps the process at a handful of VMAs. Prints "vthreads: N started" and sleeps. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STK 8192

static int child(void *arg)
{
	(void)arg;
	for (;;)
		syscall(SYS_pause);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000, i;
	char *stacks = mmap(NULL, (size_t)n * STK, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (stacks == MAP_FAILED) {
		perror("vthreads: mmap");
		return 1;
	}
	for (i = 0; i < n; i++) {
		int r = clone(child, stacks + (size_t)(i + 1) * STK,
			      CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			      CLONE_SYSVSEM, NULL);
		if (r < 0) {
			fprintf(stderr, "vthreads: clone %ld: ", i);
			perror("");
			break;
		}
	}
	printf("vthreads: %ld started\n", i);
	fflush(stdout);
	for (;;)
		syscall(SYS_pause);
}

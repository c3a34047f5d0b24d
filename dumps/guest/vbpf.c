/* vbpf [WORKERS [N]]: fill the modules window with BPF JIT images until the kernel refuses one.
 *
 * Raises net.core.bpf_jit_limit to the largest value the sysctl accepts (its maximum is the size
 * of the modules window; the limit does not bind root anyway), then WORKERS processes load
 * socket-filter programs with raw bpf(2) calls and keep every fd open. A program is N
 * BPF_LD_IMM64 instructions (two slots each, so insn_cnt = 2N + 2) loading r0 with a constant
 * whose upper half is not zero: the x86 JIT emits a 10-byte movabs for each, so the default
 * 105,000 make a JIT image of 1,050,000 bytes plus the prologue, just over 1 MiB: no two fit in
 * one 2 MiB bpf_prog_pack, each program takes a pack of its own.
 *
 * Why LD_IMM64 and not a store to the stack: from 6.8 on the verifier records every stack access
 * in its instruction history (Debian's 6.12 has push_insn_history, grown an entry at a time with
 * kvrealloc), so a straight line of stores pushes one entry per instruction; 6.12 loaded 1.1 MB
 * programs of BPF_ST_MEM stores about 25 times slower than 6.1 under TCG. A constant load
 * touches no stack slot and pushes nothing (dumps/README.md).
 *
 * A load is counted when BPF_OBJ_GET_INFO_BY_FD reports jited_prog_len > 0: without
 * CONFIG_BPF_JIT_ALWAYS_ON (Debian) a JIT image that cannot be allocated may leave the program
 * interpreted and the load succeeds. The first load that fails or is not JITed stops every worker.
 *
 * Output (stdout, one line each): "vbpf: ..." events, then "vbpf-result key=value ..." and
 * "vbpf: started"; every 50 programs a progress line on stderr; the workers then sleep forever
 * holding their fds (the programs must outlive the loader or the window empties before the
 * capture). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LIMIT_PATH "/proc/sys/net/core/bpf_jit_limit"
/* BPF_COMPLEXITY_LIMIT_INSNS: the most insn_cnt a bpf_capable() loader may pass */
#define MAX_INSN_CNT 1000000

struct shared {
	int stop;
	long programs;		/* loaded and JITed */
	long jited_bytes;	/* sum of their jited_prog_len */
	long not_jited;		/* loaded but left to the interpreter */
	long failed;		/* BPF_PROG_LOAD returned an error */
	int first_errno;	/* of the first failed load, 0 if none */
	long min_len, max_len;	/* jited_prog_len range */
	int done;		/* workers finished loading */
};

/* strerrorname_np() knows no kernel-internal errno: 524 is what 6.1 returned here. */
static const char *errno_name(int e)
{
	const char *n = e == 524 ? "ENOTSUPP" : strerrorname_np(e);

	return n ? n : "unknown";
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static long long read_ll(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoll(buf) : -1;
}

/* The sysctl rejects values above its maximum with EINVAL: bisect for the largest it takes. */
static long long raise_jit_limit(void)
{
	unsigned long long lo = read_ll(LIMIT_PATH), hi = 1ULL << 62;
	char s[32];

	if ((long long)lo < 0)
		return -1;
	while (lo < hi) {
		unsigned long long mid = lo + (hi - lo + 1) / 2;
		snprintf(s, sizeof(s), "%llu", mid);
		if (write_str(LIMIT_PATH, s) == 0)
			lo = mid;
		else
			hi = mid - 1;
	}
	snprintf(s, sizeof(s), "%llu", lo);
	write_str(LIMIT_PATH, s);
	return read_ll(LIMIT_PATH);
}

/* N LD_IMM64 r0 = 0x5a5a5a5a000xxxxx (a movabs each: the upper half is not zero), r0 = 0, exit. */
static struct bpf_insn *make_prog(int n)
{
	struct bpf_insn *p = calloc(2 * n + 2, sizeof(*p));
	if (!p)
		return NULL;
	for (int i = 0; i < n; i++) {
		p[2 * i].code = BPF_LD | BPF_DW | BPF_IMM;
		p[2 * i].dst_reg = BPF_REG_0;
		p[2 * i].imm = 0x1000 + i;
		p[2 * i + 1].imm = 0x5a5a5a5a;	/* the second slot holds the upper 32 bits */
	}
	p[2 * n].code = BPF_ALU64 | BPF_MOV | BPF_K;	/* r0 = 0 */
	p[2 * n + 1].code = BPF_JMP | BPF_EXIT;
	return p;
}

static long jited_len(int fd)
{
	struct bpf_prog_info info;
	union bpf_attr a;

	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0)
		return -1;
	return info.jited_prog_len;
}

static void record_len(struct shared *sh, long len)
{
	long v = __atomic_load_n(&sh->min_len, __ATOMIC_SEQ_CST);
	while ((v == 0 || len < v) &&
	       !__atomic_compare_exchange_n(&sh->min_len, &v, len, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	v = __atomic_load_n(&sh->max_len, __ATOMIC_SEQ_CST);
	while (len > v &&
	       !__atomic_compare_exchange_n(&sh->max_len, &v, len, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
}

static void worker(struct shared *sh, struct bpf_insn *prog, int n, int id)
{
	static char license[] = "GPL";
	union bpf_attr a;

	while (!__atomic_load_n(&sh->stop, __ATOMIC_SEQ_CST)) {
		memset(&a, 0, sizeof(a));
		a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		a.insn_cnt = 2 * n + 2;
		a.insns = (uintptr_t)prog;
		a.license = (uintptr_t)license;
		int fd = sys_bpf(BPF_PROG_LOAD, &a);
		if (fd < 0) {
			int e = errno, z = 0;
			__atomic_add_fetch(&sh->failed, 1, __ATOMIC_SEQ_CST);
			__atomic_compare_exchange_n(&sh->first_errno, &z, e, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
			printf("vbpf: worker %d: BPF_PROG_LOAD failed: %s (%s)\n", id, errno_name(e),
			       strerror(e));
			break;
		}
		long len = jited_len(fd);
		if (len <= 0) {	/* kept open: an interpreted program still holds its memory */
			__atomic_add_fetch(&sh->not_jited, 1, __ATOMIC_SEQ_CST);
			printf("vbpf: worker %d: program loaded but not JITed (jited_prog_len %ld)\n", id, len);
			break;
		}
		long k = __atomic_add_fetch(&sh->programs, 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&sh->jited_bytes, len, __ATOMIC_SEQ_CST);
		record_len(sh, len);
		if (k % 50 == 0)	/* progress on stderr: the console, while it runs */
			fprintf(stderr, "vbpf: %ld programs JITed\n", k);
		fflush(stdout);
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&sh->done, 1, __ATOMIC_SEQ_CST);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int workers = argc > 1 ? atoi(argv[1]) : 2, n = argc > 2 ? atoi(argv[2]) : 105000;
	struct shared *sh;
	struct bpf_insn *prog;
	struct timespec t0, t1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (workers < 1 || n < 1 || n > (MAX_INSN_CNT - 2) / 2) {
		printf("vbpf: need 1+ workers and 1 to %d LD_IMM64 instructions, got %d and %d\n",
		       (MAX_INSN_CNT - 2) / 2, workers, n);
		return 1;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	prog = make_prog(n);
	if (sh == MAP_FAILED || !prog) {
		printf("vbpf: setup failed: out of memory\n");
		return 1;
	}
	long long old = read_ll(LIMIT_PATH), lim = raise_jit_limit();
	write_str("/proc/sys/net/core/bpf_jit_enable", "1");
	printf("vbpf: bpf_jit_limit %lld -> %lld, bpf_jit_enable %lld, %d workers,"
	       " %d LD_IMM64 (insn_cnt %d)\n", old, lim, read_ll("/proc/sys/net/core/bpf_jit_enable"),
	       workers, n, 2 * n + 2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < workers; i++) {
		if (fork() == 0) {
			worker(sh, prog, n, i);
			for (;;)
				pause();	/* hold the fds: the programs must outlive the loading */
		}
	}
	while (__atomic_load_n(&sh->done, __ATOMIC_SEQ_CST) < workers)
		usleep(100000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("vbpf-result programs=%ld jited_bytes=%ld not_jited=%ld failed_loads=%ld errno=%d"
	       " errno_name=%s jited_len_min=%ld jited_len_max=%ld insns=%d insn_cnt=%d workers=%d"
	       " jit_limit_old=%lld jit_limit=%lld seconds=%.1f\n",
	       sh->programs, sh->jited_bytes, sh->not_jited, sh->failed, sh->first_errno,
	       sh->first_errno ? errno_name(sh->first_errno) : "none", sh->min_len, sh->max_len,
	       n, 2 * n + 2, workers, old, lim,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	printf("vbpf: started\n");
	fflush(stdout);
	for (;;)
		pause();
}

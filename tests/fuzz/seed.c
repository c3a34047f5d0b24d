// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Seeds for the fuzzers, cut from a real dump with vmapx's own lib:
 *
 *   seed DUMP OUTDIR NAME
 *
 * writes OUTDIR/<harness>/NAME[.big] for
 *   vmcoreinfo     the VMCOREINFO note text
 *   kallsyms       the first symbols of the kallsyms tables, in the form
 *                  fuzz_kallsyms.c reads (header + names window, token
 *                  table, token index, offsets)
 *   kallsyms_scan  (.big) the tables as they lie in the image
 *   btf            (.big) the whole BTF blob
 *   failures       the kernel log records (the last 48 KiB of them), in
 *                  the form fuzz_failures.c reads
 * Files named .big are for local runs only (too large to commit).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dump.h"
#include "kernel.h"
#include "printk.h"

#define WINDOW_SYMS 300
#define LOG_TAIL (48UL << 10)

static void die(const char *what, const char *why)
{
	fprintf(stderr, "seed: %s: %s\n", what, why);
	exit(2);
}

static void put(const char *dir, const char *harness, const char *name,
		const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, harness);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, harness, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		die(path, strerror(errno));
}

static void *read_mem(struct vx_target *t, uint64_t addr, size_t len)
{
	uint8_t *buf = malloc(len ? len : 1);
	struct vx_error *err;

	if (!buf)
		die("read", "no memory");
	err = vx_read(t, addr, buf, len);
	if (err)
		die("read", err->message);
	return buf;
}

/* Bytes of the first n entries of kallsyms_names. */
static size_t names_window(const uint8_t *names, size_t avail, uint32_t n)
{
	size_t pos = 0;

	for (uint32_t i = 0; i < n && pos < avail; i++) {
		size_t len = names[pos], hdr = 1;

		if (len & 0x80) {
			len = (len & 0x7f) | (size_t)names[pos + 1] << 7;
			hdr = 2;
		}
		pos += hdr + len;
	}
	return pos < avail ? pos : avail;
}

static void put_u32(uint8_t **p, uint32_t v)
{
	memcpy(*p, &v, 4);
	*p += 4;
}

static void kallsyms_seed(struct vx_kernel *k, const char *dir,
			  const char *name)
{
	const struct vx_kallsyms_loc *loc = &k->ksyms_loc;
	uint32_t count = WINDOW_SYMS;
	uint16_t index[256];
	size_t names_len, table_len = 0, total;
	uint8_t *names, *table, *offsets, *out, *p;
	uint64_t rel = 0;

	if (!loc->names || !loc->token_table || !loc->offsets)
		return;
	if (vx_kallsyms_count(k->ksyms) < count)
		count = vx_kallsyms_count(k->ksyms);
	names = read_mem(k->t, loc->names, 64 * count);
	names_len = names_window(names, 64 * count, count);
	vx_error_destroy(vx_read(k->t, loc->token_index, index, sizeof(index)));
	for (int i = 0; i < 256; i++)
		if (index[i] > table_len)
			table_len = index[i];
	table_len += 64;
	table = read_mem(k->t, loc->token_table, table_len);
	offsets = read_mem(k->t, loc->offsets, 4 * count);
	if (loc->relative_base)
		vx_error_destroy(vx_read_u64(k->t, loc->relative_base, &rel));
	total = 37 + names_len + table_len + 512 + 4 * count;
	out = p = malloc(total);
	put_u32(&p, count);
	*p++ = loc->relative_base ? 1 : 0;
	put_u32(&p, 0);					/* names */
	put_u32(&p, 0);					/* markers: unused */
	put_u32(&p, names_len);				/* token_table */
	put_u32(&p, names_len + table_len);		/* token_index */
	put_u32(&p, names_len + table_len + 512);	/* offsets */
	put_u32(&p, 0);					/* seqs: none */
	memcpy(p, &rel, 8);
	p += 8;
	memcpy(p, names, names_len);
	memcpy(p + names_len, table, table_len);
	memcpy(p + names_len + table_len, index, 512);
	memcpy(p + names_len + table_len + 512, offsets, 4 * count);
	put(dir, "kallsyms", name, out, total);
	free(out);
	free(names);
	free(table);
	free(offsets);
}

/* The tables as the image holds them, from the lowest to the highest. */
static void scan_seed(struct vx_kernel *k, const char *dir, const char *name)
{
	const struct vx_kallsyms_loc *loc = &k->ksyms_loc;
	uint32_t n = vx_kallsyms_count(k->ksyms);
	uint64_t ends[] = {
		loc->offsets + 4ULL * n, loc->token_index + 512,
		loc->relative_base ? loc->relative_base + 8 : 0,
		loc->seqs_of_names ? loc->seqs_of_names + 3ULL * n : 0,
		loc->num_syms + 4,
	};
	uint64_t starts[] = { loc->offsets, loc->num_syms, loc->names };
	uint64_t lo = UINT64_MAX, hi = 0;
	char big[300];
	uint8_t *buf;

	for (size_t i = 0; i < sizeof(starts) / sizeof(*starts); i++)
		if (starts[i] && starts[i] < lo)
			lo = starts[i] & ~4095ULL;
	for (size_t i = 0; i < sizeof(ends) / sizeof(*ends); i++)
		if (ends[i] > hi)
			hi = ends[i];
	if (lo == UINT64_MAX || hi <= lo || hi - lo > (16UL << 20))
		return;
	buf = read_mem(k->t, lo, hi - lo);
	snprintf(big, sizeof(big), "%s.big", name);
	put(dir, "kallsyms_scan", big, buf, hi - lo);
	free(buf);
}

static void btf_seed(struct vx_kernel *k, const char *dir, const char *name)
{
	uint64_t start, end;
	char big[300];
	uint8_t *buf;

	struct vx_error *err;

	err = vx_kernel_symbol(k, "__start_BTF", &start);
	if (!err)
		err = vx_kernel_symbol(k, "__stop_BTF", &end);
	if (err) {
		vx_error_destroy(err);
		return;
	}
	if (end <= start || end - start > (64UL << 20))
		return;
	buf = read_mem(k->t, start, end - start);
	snprintf(big, sizeof(big), "%s.big", name);
	put(dir, "btf", big, buf, end - start);
	free(buf);
}

struct log_text {
	char *buf;
	size_t len;
	FILE *f;
};

static int add_record(const struct vx_log_record *r, void *arg)
{
	struct log_text *lt = arg;

	if (r->flags & VX_LOG_CONT)
		fputc(0x1f, lt->f);
	else if (vx_log_caller_is_cpu(r))
		fputc(0x1d, lt->f);
	fwrite(r->text, 1, r->text_len, lt->f);
	fputs("\n\x1e", lt->f);
	return 0;
}

static void log_seed(struct vx_kernel *k, const char *dir, const char *name)
{
	struct log_text lt = { 0 };
	struct vx_error *err;
	size_t from = 0;

	lt.f = open_memstream(&lt.buf, &lt.len);
	err = vx_printk_foreach(k->t, &k->vmci, add_record, &lt);
	fclose(lt.f);
	if (!err) {
		/* Start on a record boundary within the tail. */
		if (lt.len > LOG_TAIL) {
			char *sep = memmem(lt.buf + lt.len - LOG_TAIL, LOG_TAIL,
					   "\n\x1e", 2);

			from = sep ? (size_t)(sep + 2 - lt.buf) : 0;
		}
		put(dir, "failures", name, lt.buf + from, lt.len - from);
	}
	vx_error_destroy(err);
	free(lt.buf);
}

int main(int argc, char **argv)
{
	struct vx_dump_opts dopts = { 0 };
	struct vx_dump *d;
	struct vx_kernel *k = NULL;
	struct vx_error *err;
	const char *text;

	if (argc != 4)
		die("usage", "seed DUMP OUTDIR NAME");
	err = vx_dump_open(argv[1], &dopts, &d);
	if (!err)
		err = vx_kernel_open(vx_dump_target(d), &k);
	if (err)
		die(argv[1], err->message);
	mkdir(argv[2], 0755);
	text = vx_dump_target(d)->vmcoreinfo;
	if (text)
		put(argv[2], "vmcoreinfo", argv[3], text, strlen(text));
	kallsyms_seed(k, argv[2], argv[3]);
	scan_seed(k, argv[2], argv[3]);
	btf_seed(k, argv[2], argv[3]);
	log_seed(k, argv[2], argv[3]);
	vx_kernel_close(k);
	vx_dump_close(d);
	return 0;
}

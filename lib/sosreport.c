// SPDX-License-Identifier: GPL-2.0-or-later
/* A sosreport directory or archive as a vmallocinfo snapshot (sosreport.h). */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sosreport.h"
#include "target.h"
#include "vmparse.h"

/* The members read, by their path under the top directory. */
enum sos_member { SOS_VMALLOCINFO, SOS_MEMINFO, SOS_UNAME, SOS_BOOT_ID,
		  SOS_NR_MEMBERS };

static const char *const member_path[SOS_NR_MEMBERS] = {
	[SOS_VMALLOCINFO] = "proc/vmallocinfo",
	[SOS_MEMINFO] = "proc/meminfo",
	[SOS_UNAME] = "sos_commands/kernel/uname_-a",
	[SOS_BOOT_ID] = "proc/sys/kernel/random/boot_id",
};

struct member {
	char *data;
	size_t len;
};

static size_t member_cap(enum sos_member m)
{
	return m == SOS_VMALLOCINFO ? VX_VMPARSE_MAX_FILE : VX_SOS_MAX_SMALL;
}

int vx_sosreport_detect(const char *path)
{
	static const struct { size_t off, len; const char *magic; } kinds[] = {
		{ 0, 6, "\xfd" "7zXZ" }, { 0, 2, "\x1f\x8b" }, { 0, 3, "BZh" },
		{ 0, 4, "\x28\xb5\x2f\xfd" }, { 257, 5, "ustar" },
	};
	unsigned char head[262];
	struct stat st;
	ssize_t got;
	int fd;

	if (stat(path, &st))
		return -1;
	if (S_ISDIR(st.st_mode))
		return 1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	got = pread(fd, head, sizeof(head), 0);
	close(fd);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (got >= (ssize_t)(kinds[i].off + kinds[i].len) &&
		    !memcmp(head + kinds[i].off, kinds[i].magic, kinds[i].len))
			return 1;
	return 0;
}

/* Which member an archive path is: "TOP/proc/meminfo", "./TOP/..." */
static int member_of(const char *name)
{
	const char *slash;

	while (!strncmp(name, "./", 2))
		name += 2;
	slash = strchr(name, '/');
	if (!slash)
		return -1;
	for (int m = 0; m < SOS_NR_MEMBERS; m++)
		if (!strcmp(slash + 1, member_path[m]))
			return m;
	return -1;
}

/*
 * Read the current entry's data: at most cap bytes, whatever the header
 * says (the buffer grows to cap + 1: one byte more tells a larger member).
 */
static struct vx_error *read_entry(struct archive *a, const char *path,
				   enum sos_member m, struct member *out)
{
	size_t cap = member_cap(m), size = 0, len = 0;
	struct vx_error *err = NULL;
	char *buf = NULL, *nbuf;
	la_ssize_t got;

	for (;;) {
		if (len == size) {
			size = size ? size * 2 : 64 << 10;
			if (size > cap + 1)
				size = cap + 1;
			nbuf = realloc(buf, size);
			if (!nbuf) {
				err = vx_error_nomem_in("%s: %s", path, member_path[m]);
				goto fail;
			}
			buf = nbuf;
		}
		got = archive_read_data(a, buf + len, size - len);
		if (got == 0)
			break;
		if (got < 0) {
			err = vx_error_create(VX_ERR_INVALID, "%s: %s: %s", path,
					      member_path[m], archive_error_string(a));
			goto fail;
		}
		len += got;
		if (len > cap) {
			err = vx_error_create(VX_ERR_INVALID,
					      "%s: %s is larger than %zu bytes",
					      path, member_path[m], cap);
			goto fail;
		}
	}
	out->data = buf;
	out->len = len;
	return NULL;
fail:
	free(buf);
	return err;
}

static struct vx_error *archive_fail(struct archive *a, const char *path)
{
	const char *why = archive_error_string(a);

	return vx_error_create(VX_ERR_INVALID, "%s: not a readable sosreport archive: %s",
			       path, why ? why : "unknown error");
}

/* The members of an opened archive, the first of each name. */
static struct vx_error *read_members(struct archive *a, const char *path,
				     struct member *mem)
{
	struct vx_error *err = NULL;
	struct archive_entry *e;
	int found = 0, r, m;

	while (found < SOS_NR_MEMBERS && !err) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return archive_fail(a, path);
		m = member_of(archive_entry_pathname(e));
		/* Links (sos's top-level "uname") are not read. */
		if (m < 0 || mem[m].data || archive_entry_filetype(e) != AE_IFREG)
			continue;
		err = read_entry(a, path, m, &mem[m]);
		found++;
	}
	return err;
}

/* buf NULL: the file at path, else the len bytes at buf named path. */
static struct vx_error *read_archive(const char *path, const void *buf,
				     size_t len, struct member *mem)
{
	struct vx_error *err;
	struct archive *a;
	int r;

	a = archive_read_new();
	if (!a)
		return vx_error_nomem_in("%s", path);
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	r = buf ? archive_read_open_memory(a, buf, len) :
		  archive_read_open_filename(a, path, 64 << 10);
	err = r == ARCHIVE_OK ? read_members(a, path, mem) : archive_fail(a, path);
	archive_read_free(a);
	return err;
}

/* A member of a sosreport directory: absent is no error. */
static struct vx_error *read_file_member(const char *path, enum sos_member m,
					 struct member *out)
{
	size_t cap = member_cap(m), size = 0;
	char *name, *buf = NULL;
	struct vx_error *err = NULL;
	FILE *f;

	if (asprintf(&name, "%s/%s", path, member_path[m]) < 0)
		return vx_error_nomem_in("%s", path);
	f = fopen(name, "re");
	if (!f) {
		if (errno != ENOENT)
			err = vx_error_create(VX_ERR_IO, "%s: %m", name);
		goto out;
	}
	/* One byte past the cap tells a file that is too large. */
	while (!err && !ferror(f) && !feof(f)) {
		char *nbuf = realloc(buf, size + (64 << 10));

		if (!nbuf) {
			err = vx_error_nomem_in("%s", name);
			break;
		}
		buf = nbuf;
		size += fread(buf + size, 1, 64 << 10, f);
		if (size > cap)
			err = vx_error_create(VX_ERR_INVALID, "%s: larger than %zu bytes",
					      name, cap);
	}
	if (!err && ferror(f))
		err = vx_error_create(VX_ERR_IO, "%s: read failed", name);
	fclose(f);
	if (!err) {
		out->data = buf;
		out->len = size;
		buf = NULL;
	}
out:
	free(buf);
	free(name);
	return err;
}

static struct vx_error *read_dir(const char *path, struct member *mem)
{
	struct vx_error *err = NULL;

	for (int m = 0; m < SOS_NR_MEMBERS && !err; m++)
		err = read_file_member(path, m, &mem[m]);
	return err;
}

/* A copy of the first line of a member, blanks trimmed, or NULL. */
static char *first_line(const struct member *mem)
{
	size_t n = 0, start = 0;

	while (n < mem->len && mem->data[n] != '\n')
		n++;
	while (start < n && (mem->data[start] == ' ' || mem->data[start] == '\t'))
		start++;
	while (n > start && (mem->data[n - 1] == ' ' || mem->data[n - 1] == '\r'))
		n--;
	return n > start ? strndup(mem->data + start, n - start) : NULL;
}

/* "Linux HOST RELEASE #1 SMP ..." -> RELEASE, or NULL. */
static char *uname_release(const struct member *mem)
{
	char *line = first_line(mem), *rel = NULL;
	char sys[65], host[65], release[65];

	if (line && sscanf(line, "%64s %64s %64s", sys, host, release) == 3)
		rel = strdup(release);
	free(line);
	return rel;
}

/* "Name:   123 kB" in proc/meminfo. */
static bool meminfo_field(const struct member *mem, const char *name,
			  uint64_t *kb)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < mem->len;) {
		const char *line = mem->data + i, *nl;
		size_t rest = mem->len - i;

		nl = memchr(line, '\n', rest);
		if (rest > n + 1 && !memcmp(line, name, n) && line[n] == ':') {
			char buf[32] = "";
			size_t l = (nl ? (size_t)(nl - line) : rest) - n - 1;

			memcpy(buf, line + n + 1, l < sizeof(buf) - 1 ? l : sizeof(buf) - 1);
			return sscanf(buf, "%" SCNu64 " kB", kb) == 1;
		}
		i = nl ? (size_t)(nl - mem->data) + 1 : mem->len;
	}
	return false;
}

/* The sosreport from what was read (mem freed). */
static struct vx_error *assemble(const char *path, struct vx_error *err,
				 struct member *mem, struct vx_sosreport **out)
{
	struct vx_sosreport *s = NULL;

	if (!err && !mem[SOS_VMALLOCINFO].data)
		err = vx_error_create(VX_ERR_INVALID,
				      "%s: a sosreport without %s (was the memory plugin off?)",
				      path, member_path[SOS_VMALLOCINFO]);
	if (!err && !(s = calloc(1, sizeof(*s))))
		err = vx_error_nomem_in("%s", path);
	if (err)
		goto out;
	s->vmallocinfo = mem[SOS_VMALLOCINFO].data;
	s->vmallocinfo_len = mem[SOS_VMALLOCINFO].len;
	mem[SOS_VMALLOCINFO].data = NULL;
	s->release = uname_release(&mem[SOS_UNAME]);
	s->boot_id = first_line(&mem[SOS_BOOT_ID]);
	s->has_total = meminfo_field(&mem[SOS_MEMINFO], "VmallocTotal",
				     &s->vmalloc_total);
	s->has_used = meminfo_field(&mem[SOS_MEMINFO], "VmallocUsed",
				    &s->vmalloc_used);
	*out = s;
out:
	for (int m = 0; m < SOS_NR_MEMBERS; m++)
		free(mem[m].data);
	return err;
}

struct vx_error *vx_sosreport_read(const char *path, struct vx_sosreport **out)
{
	struct member mem[SOS_NR_MEMBERS] = { { 0 } };
	struct vx_error *err;
	struct stat st;

	*out = NULL;
	if (stat(path, &st))
		return vx_error_create(VX_ERR_IO, "%s: %m", path);
	err = S_ISDIR(st.st_mode) ? read_dir(path, mem) :
	      read_archive(path, NULL, 0, mem);
	return assemble(path, err, mem, out);
}

struct vx_error *vx_sosreport_read_memory(const char *name, const void *buf,
					  size_t len, struct vx_sosreport **out)
{
	struct member mem[SOS_NR_MEMBERS] = { { 0 } };

	*out = NULL;
	return assemble(name, read_archive(name, buf, len, mem), mem, out);
}

void vx_sosreport_destroy(struct vx_sosreport *s)
{
	if (!s)
		return;
	free(s->vmallocinfo);
	free(s->release);
	free(s->boot_id);
	free(s);
}

static void check_release(const struct vx_sosreport *s, const char *path,
			  struct vx_kernel *k, struct vx_report *r)
{
	if (!s->release)
		vx_report_note(r, "%s: cannot tell the snapshot's kernel release: no uname -a (sos_commands/kernel/uname_-a) in the sosreport",
			       path);
	else if (strcmp(s->release, k->release))
		vx_report_note(r, "%s: the snapshot is from another kernel release: %s, the dump's is %s",
			       path, s->release, k->release);
}

/*
 * The boot: random.c's sysctl_bootid, the bytes /proc/sys/kernel/random/
 * boot_id prints as %pU (in memory order), set at its first read; zero if
 * nobody read it on that boot.  A static symbol: found in the kallsyms of
 * CONFIG_KALLSYMS_ALL kernels or a vmlinux.  Without it the diff's own
 * matching still tells the boot: %pK hashes and KASLR addresses differ
 * from one boot to the next (diff.c).
 */
static void check_boot(const struct vx_sosreport *s, const char *path,
		       struct vx_kernel *k, struct vx_report *r)
{
	unsigned char id[16], zero[16] = { 0 };
	struct vx_error *err;
	char dump_id[37];

	if (!s->boot_id) {
		vx_report_note(r, "%s: boot_id cannot tell whether the snapshot is from the dump's boot: no proc/sys/kernel/random/boot_id in the sosreport (the addresses tell: 'matching')",
			       path);
		return;
	}
	err = vx_read_symbol(k, "sysctl_bootid", id, sizeof(id));
	if (err) {
		vx_report_note(r, "%s: boot_id cannot tell whether the snapshot is from the dump's boot: the dump's boot_id: %s (the addresses tell: 'matching')",
			       path, err->message);
		vx_error_destroy(err);
		return;
	}
	if (!memcmp(id, zero, sizeof(id))) {
		vx_report_note(r, "%s: boot_id cannot tell whether the snapshot is from the dump's boot: nobody read it on the dump's boot (sysctl_bootid is zero; the addresses tell: 'matching')",
			       path);
		return;
	}
	snprintf(dump_id, sizeof(dump_id),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7], id[8],
		 id[9], id[10], id[11], id[12], id[13], id[14], id[15]);
	if (strcasecmp(s->boot_id, dump_id))
		vx_report_note(r, "%s: the snapshot is from another boot: boot_id %s, the dump's is %s",
			       path, s->boot_id, dump_id);
	else
		vx_report_note(r, "%s: the snapshot is from the dump's boot (boot_id %s)",
			       path, dump_id);
}

/*
 * VmallocTotal is VMALLOC_END - VMALLOC_START in kB (fs/proc/meminfo.c),
 * VMALLOC_END inclusive on x86_64: the window the dump's kernel has, or
 * another paging mode (LA57) or layout.
 */
static void check_meminfo(const struct vx_sosreport *s, const char *path,
			  struct vx_kernel *k, struct vx_report *r)
{
	uint64_t total = (k->vmalloc_end - k->vmalloc_start) >> 10;

	if (!s->has_total)
		vx_report_note(r, "%s: cannot compare the vmalloc window: no VmallocTotal in proc/meminfo",
			       path);
	else if (s->vmalloc_total != total)
		vx_report_note(r, "%s: the snapshot is from another kernel: VmallocTotal %" PRIu64 " kB, the dump's window %" PRIu64 " kB",
			       path, s->vmalloc_total, total);
	if (s->has_used)
		vx_report_note(r, "%s: VmallocUsed %" PRIu64 " kB when the sosreport was taken",
			       path, s->vmalloc_used);
}

void vx_sosreport_check(const struct vx_sosreport *s, const char *path,
			struct vx_kernel *k, struct vx_report *r)
{
	check_release(s, path, k, r);
	check_boot(s, path, k, r);
	check_meminfo(s, path, k, r);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The header validation alone (tool/dumpcheck.c), as vmapx runs it before
 * libkdumpfile opens the file: what the safe open path costs by itself.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "dumpcheck.h"

int main(int argc, char **argv)
{
	struct vx_dumpcheck info;
	struct vx_error *err;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DUMP\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	err = vx_dump_validate(fd, argv[1], &info);
	if (err) {
		fprintf(stderr, "%s\n", err->message);
		return 2;
	}
	printf("%s: %llu page descriptors, %u PT_LOADs, %u CPUs\n", argv[1],
	       (unsigned long long)info.nr_pages, info.nr_loads, info.nr_cpus);
	close(fd);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tasks of the dumped kernel: the comm of a PID (lib/tasks.c). */
#ifndef VMAPX_TASKS_H
#define VMAPX_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

/*
 * The comm of the task (thread) whose pid is pid, from init_task's
 * process list and each process's threads.  False if no live task has
 * that pid or the lists cannot be read (the task may have exited).
 */
bool vx_task_comm(struct vx_kernel *k, uint32_t pid, char *comm, size_t size);

#endif

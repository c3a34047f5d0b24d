// SPDX-License-Identifier: GPL-2.0
/*
 * voops: the oops scenario's out-of-tree module (dumps/guest/init, dumps/mkdump --scenario oops).
 *
 * At load it vmallocs VOOPS_PAGES pages from voops_alloc(), a function of its own that stays after
 * init (an __init caller's text is freed, and vmallocinfo would print it as a bare address), so the
 * area's caller in /proc/vmallocinfo is voops_alloc. Writing anything to
 * /sys/module/voops/parameters/fault then stores one byte just past the buffer's end: the first
 * byte of the area's guard page, which is not mapped, so the kernel takes a page fault it cannot
 * handle and oopses ("BUG: unable to handle page fault for address: ..."). The guest sets
 * panic_on_oops, so that oops is the panic that starts the capture kernel.
 *
 * The write is done on demand, not at load: the guest captures /proc/vmallocinfo first (vcap),
 * and only then triggers the fault, so the capture and the dump show the same areas.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/vmalloc.h>

#define VOOPS_PAGES 3

static char *voops_buf;

/* the store after the call keeps it a call: as a tail call, vmalloc's caller would be voops_init */
static noinline int voops_alloc(void)
{
	voops_buf = vmalloc(VOOPS_PAGES * PAGE_SIZE);
	return voops_buf ? 0 : -ENOMEM;
}

/* volatile: the compiler must not drop or move a store it can see is out of bounds */
static noinline void voops_write_past_end(volatile char *buf)
{
	pr_info("voops: writing one byte past the %lu-byte buffer at %px\n",
		VOOPS_PAGES * PAGE_SIZE, buf);
	buf[VOOPS_PAGES * PAGE_SIZE] = 1;
}

static int voops_fault_set(const char *val, const struct kernel_param *kp)
{
	voops_write_past_end(voops_buf);
	return 0;
}

static const struct kernel_param_ops voops_fault_ops = {
	.set = voops_fault_set,
};
module_param_cb(fault, &voops_fault_ops, NULL, 0200);
MODULE_PARM_DESC(fault, "write anything: store one byte past the vmalloc'ed buffer (oops)");

static int __init voops_init(void)
{
	int err = voops_alloc();

	if (err)
		return err;
	pr_info("voops: %lu-byte buffer at %px-%px\n", VOOPS_PAGES * PAGE_SIZE, voops_buf,
		voops_buf + VOOPS_PAGES * PAGE_SIZE);
	return 0;
}

static void __exit voops_exit(void)
{
	vfree(voops_buf);
}

module_init(voops_init);
module_exit(voops_exit);
MODULE_DESCRIPTION("vmapx test guest: a write one byte past a vmalloc buffer, on demand");
MODULE_LICENSE("GPL");

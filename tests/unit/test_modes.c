// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the mode table (lib/modes.c) through the option parser
 * (lib/options.c): every mode alone, with -j, and every ordered pair of
 * modes parses to what the table says, the same in both orders; the
 * combinations the manual documents hold; arguments are checked per
 * front end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "modes.h"
#include "options.h"

/* The result of one parse: the mode, or the usage error's message. */
struct parsed {
	bool ok;
	enum vx_mode mode;
	bool fit;
	char message[160];
};

/* The argument of a mode's option that takes one, else NULL. */
static const char *mode_arg(int m)
{
	switch (m) {
	case VX_MODE_FIT: return "64M";
	case VX_MODE_ADDR: return "ffffc90000001000";
	case VX_MODE_PFN: return "0x1000";
	default: return NULL;
	}
}

/* argv for the options of the modes in list[], then "DUMP". */
static void parse(unsigned int fe, const int *list, int n, bool json,
		  struct parsed *p)
{
	char *argv[16], opts[8][8];
	struct vx_options o;
	struct vx_error *err;
	int argc = 0;

	argv[argc++] = "vmapx";
	for (int i = 0; i < n; i++) {
		const struct vx_mode_info *m = vx_mode_info(list[i]);

		snprintf(opts[i], sizeof(opts[i]), "-%c", m->option);
		argv[argc++] = opts[i];
		if (mode_arg(m->mode))
			argv[argc++] = (char *)mode_arg(m->mode);
	}
	if (json)
		argv[argc++] = "-j";
	argv[argc++] = "DUMP";
	argv[argc] = NULL;
	memset(p, 0, sizeof(*p));
	err = vx_options_parse(argc, argv, fe, &o);
	p->ok = !err;
	if (err) {
		assert_int_equal(err->code, VX_ERR_USAGE);
		snprintf(p->message, sizeof(p->message), "%s", err->message);
		vx_error_destroy(err);
		return;
	}
	p->mode = o.mode;
	p->fit = o.fit;
	assert_int_equal(o.json, json);
	assert_int_equal(o.nr_args, 1);
	assert_string_equal(o.args[0], "DUMP");
}

/* Is the option of mode m offered by front end fe? */
static bool offered(int m, unsigned int fe)
{
	int c = vx_mode_info(m)->option;

	for (const struct vx_option *o = vx_options_table; o->long_name; o++)
		if (o->short_name == c)
			return o->frontends & fe;
	return false;
}

/* What the table says a and b given together run (-1: refused). */
static int table_pair(int a, int b)
{
	if (a == b || (vx_mode_info(a)->absorbs & VX_MODE_BIT(b)))
		return a;
	if (vx_mode_info(b)->absorbs & VX_MODE_BIT(a))
		return b;
	return -1;
}

static void test_every_row_is_its_mode_with_a_run_function(void **state)
{
	for (int m = 0; m < VX_NR_MODES; m++) {
		assert_non_null(vx_mode_info(m));
		assert_int_equal(vx_mode_info(m)->mode, m);
		assert_non_null(vx_mode_info(m)->run);
		assert_non_null(vx_mode_info(m)->name);
		if (m != VX_MODE_INFO) {
			assert_true(vx_mode_info(m)->option != 0);
			assert_ptr_equal(vx_mode_by_option(vx_mode_info(m)->option),
					 vx_mode_info(m));
		}
	}
	assert_null(vx_mode_info(VX_NR_MODES));
}

static void test_no_mode_option_is_the_default(void **state)
{
	struct parsed p;

	parse(VX_FE_TOOL, NULL, 0, false, &p);
	assert_true(p.ok);
	assert_int_equal(p.mode, VX_MODE_INFO);
	parse(VX_FE_CRASH, NULL, 0, true, &p);
	assert_true(p.ok);
	assert_int_equal(p.mode, VX_MODE_INFO);
}

static void test_each_mode_alone_and_with_json(void **state)
{
	unsigned int fes[] = { VX_FE_TOOL, VX_FE_CRASH };
	struct parsed p;

	for (int f = 0; f < 2; f++)
		for (int m = 1; m < VX_NR_MODES; m++) {
			if (!offered(m, fes[f]))
				continue;
			for (int json = 0; json < 2; json++) {
				parse(fes[f], &m, 1, json, &p);
				if (!p.ok)
					fail_msg("-%c alone: %s",
						 vx_mode_info(m)->option, p.message);
				assert_int_equal(p.mode, m);
				assert_int_equal(p.fit, m == VX_MODE_FIT);
			}
		}
}

static void check_pair(unsigned int fe, int a, int b)
{
	int ab[2] = { a, b }, ba[2] = { b, a };
	int want = table_pair(a, b);
	struct parsed p, q;

	parse(fe, ab, 2, false, &p);
	parse(fe, ba, 2, false, &q);
	if (want < 0) {
		if (p.ok || q.ok)
			fail_msg("-%c -%c: accepted, the table refuses it",
				 vx_mode_info(a)->option, vx_mode_info(b)->option);
		assert_string_equal(p.message, q.message);
		assert_non_null(strstr(p.message, "cannot be combined"));
		return;
	}
	if (!p.ok || !q.ok)
		fail_msg("-%c -%c: refused (%s), the table runs --%s",
			 vx_mode_info(a)->option, vx_mode_info(b)->option,
			 p.ok ? q.message : p.message, vx_mode_info(want)->name);
	assert_int_equal(p.mode, want);
	assert_int_equal(q.mode, want);
	assert_int_equal(p.fit, a == VX_MODE_FIT || b == VX_MODE_FIT);
	assert_int_equal(q.fit, p.fit);
}

static void test_every_ordered_pair_is_order_independent(void **state)
{
	unsigned int fes[] = { VX_FE_TOOL, VX_FE_CRASH };

	for (int f = 0; f < 2; f++)
		for (int a = 1; a < VX_NR_MODES; a++)
			for (int b = 1; b < VX_NR_MODES; b++)
				if (offered(a, fes[f]) && offered(b, fes[f]))
					check_pair(fes[f], a, b);
}

/* What vmapx(1) and --help say about combinations. */
static void test_documented_combinations(void **state)
{
	int fit_frag[2] = { VX_MODE_FIT, VX_MODE_FRAG };
	int gaps_fit[2] = { VX_MODE_GAPS, VX_MODE_FIT };
	int gaps_frag[2] = { VX_MODE_GAPS, VX_MODE_FRAG };
	int diff_help[2] = { VX_MODE_DIFF, VX_MODE_HELP };
	int ver_help[2] = { VX_MODE_VERSION, VX_MODE_HELP };
	int callers_ver[2] = { VX_MODE_CALLERS, VX_MODE_VERSION };
	struct parsed p;

	parse(VX_FE_TOOL, fit_frag, 2, false, &p);
	assert_true(p.ok && p.mode == VX_MODE_FRAG && p.fit);
	assert_ptr_equal(vx_mode_info(VX_MODE_FIT)->run,
			 vx_mode_info(VX_MODE_FRAG)->run);
	parse(VX_FE_TOOL, gaps_fit, 2, false, &p);
	assert_false(p.ok);
	assert_string_equal(p.message, "--gaps cannot be combined with --fit");
	parse(VX_FE_CRASH, gaps_frag, 2, false, &p);
	assert_false(p.ok);
	parse(VX_FE_TOOL, diff_help, 2, false, &p);
	assert_true(p.ok && p.mode == VX_MODE_HELP);
	parse(VX_FE_TOOL, ver_help, 2, false, &p);
	assert_true(p.ok && p.mode == VX_MODE_HELP);
	parse(VX_FE_TOOL, callers_ver, 2, false, &p);
	assert_true(p.ok && p.mode == VX_MODE_VERSION);
}

/* Three modes: decided by the set, e.g. --fit --frag --gaps is refused. */
static void test_three_modes(void **state)
{
	int fit_frag_gaps[3] = { VX_MODE_FIT, VX_MODE_FRAG, VX_MODE_GAPS };
	int gaps_frag_fit[3] = { VX_MODE_GAPS, VX_MODE_FRAG, VX_MODE_FIT };
	int frag_fit_frag[3] = { VX_MODE_FRAG, VX_MODE_FIT, VX_MODE_FRAG };
	struct parsed p, q;

	parse(VX_FE_TOOL, fit_frag_gaps, 3, false, &p);
	parse(VX_FE_TOOL, gaps_frag_fit, 3, false, &q);
	assert_false(p.ok);
	assert_string_equal(p.message, q.message);
	parse(VX_FE_TOOL, frag_fit_frag, 3, false, &p);
	assert_true(p.ok && p.mode == VX_MODE_FRAG && p.fit);
}

static struct vx_error *check(unsigned int fe, enum vx_mode mode, int nr)
{
	static char *args[] = { "A", "B", "C", NULL };
	struct vx_options o = { .mode = mode, .args = args, .nr_args = nr };

	return vx_mode_check_args(&o, fe);
}

static void assert_usage(struct vx_error *err, const char *part)
{
	assert_non_null(err);
	assert_int_equal(err->code, VX_ERR_USAGE);
	if (!strstr(err->message, part))
		fail_msg("'%s' does not say '%s'", err->message, part);
	vx_error_destroy(err);
}

static void test_arguments_per_front_end(void **state)
{
	assert_null(check(VX_FE_TOOL, VX_MODE_INFO, 1));
	assert_usage(check(VX_FE_TOOL, VX_MODE_INFO, 0), "no VMCORE given");
	assert_usage(check(VX_FE_TOOL, VX_MODE_GAPS, 2), "got 2 arguments");
	assert_null(check(VX_FE_TOOL, VX_MODE_DIFF, 2));
	assert_usage(check(VX_FE_TOOL, VX_MODE_DIFF, 1), "--diff wants OLD and NEW");
	assert_null(check(VX_FE_TOOL, VX_MODE_PARSE, 1));
	assert_usage(check(VX_FE_TOOL, VX_MODE_PARSE, 2), "--parse");
	assert_null(check(VX_FE_TOOL, VX_MODE_HELP, 3));
	/* crash: the dump is crash's */
	assert_null(check(VX_FE_CRASH, VX_MODE_INFO, 0));
	assert_usage(check(VX_FE_CRASH, VX_MODE_FRAG, 1), "the dump is crash's");
	assert_null(check(VX_FE_CRASH, VX_MODE_DIFF, 1));
	assert_null(check(VX_FE_CRASH, VX_MODE_DIFF, 2));
	assert_usage(check(VX_FE_CRASH, VX_MODE_DIFF, 0), "-d takes OLD");
	assert_usage(check(VX_FE_CRASH, VX_MODE_DIFF, 3), "-d takes OLD");
	assert_null(check(VX_FE_CRASH, VX_MODE_PARSE, 1));
	assert_usage(check(VX_FE_CRASH, VX_MODE_PARSE, 0), "-P takes one");
}

/*
 * --live is a source, not a mode: parsed with any mode option it sets
 * o.live and leaves the mode as the table decides; the running kernel
 * is the VMCORE of a mode on a dump and NEW of --diff, so each takes one
 * argument less; --parse reads no kernel and refuses it.
 */
static struct vx_error *parse_live(unsigned int fe, int m, int nr,
				   struct vx_options *o)
{
	static char *files[] = { "A", "B", "C" };
	char *argv[8], opt[8];
	int argc = 0;
	struct vx_error *err;

	argv[argc++] = "vmapx";
	argv[argc++] = "--live";
	if (m != VX_MODE_INFO) {
		snprintf(opt, sizeof(opt), "-%c", vx_mode_info(m)->option);
		argv[argc++] = opt;
		if (mode_arg(m))
			argv[argc++] = (char *)mode_arg(m);
	}
	for (int i = 0; i < nr; i++)
		argv[argc++] = files[i];
	argv[argc] = NULL;
	err = vx_options_parse(argc, argv, fe, o);
	return err ? err : vx_mode_check_args(o, fe);
}

static void test_live_with_every_mode(void **state)
{
	for (int m = 0; m < VX_NR_MODES; m++) {
		const struct vx_mode_info *mi = vx_mode_info(m);
		int from_live = mi->kind == VX_IN_DUMP || mi->kind == VX_IN_EITHER;
		int want = mi->inputs - from_live;
		struct vx_options o;
		struct vx_error *err;

		if (m != VX_MODE_INFO && !offered(m, VX_FE_TOOL))
			continue;
		err = parse_live(VX_FE_TOOL, m, want, &o);
		if (mi->kind == VX_IN_SNAPSHOT) {
			assert_usage(err, "--live cannot be given");
			continue;
		}
		if (err)
			fail_msg("--live --%s with %d arguments: %s", mi->name,
				 want, err->message);
		assert_true(o.live);
		assert_int_equal(o.mode, m);
		if (mi->kind == VX_IN_NONE)
			continue;
		/* The argument the running kernel stands for is one too many. */
		assert_usage(parse_live(VX_FE_TOOL, m, want + 1, &o), "--live");
		if (want)
			assert_usage(parse_live(VX_FE_TOOL, m, want - 1, &o),
				     "--live");
	}
}

static void test_live_messages_and_crash(void **state)
{
	struct vx_options o;
	struct vx_error *err;

	assert_usage(parse_live(VX_FE_TOOL, VX_MODE_INFO, 1, &o),
		     "no VMCORE argument");
	assert_usage(parse_live(VX_FE_TOOL, VX_MODE_DIFF, 2, &o),
		     "--diff --live wants OLD");
	/* crash reads its own dump: --live is no option of the extension. */
	err = parse_live(VX_FE_CRASH, VX_MODE_INFO, 0, &o);
	assert_non_null(err);
	vx_error_destroy(err);
}

/* A mode on a dump is refused a snapshot input, and the reverse. */
static void test_dispatch_checks_input_kinds(void **state)
{
	struct vx_options o = { .mode = VX_MODE_GAPS };
	struct vx_input in[2] = { { .path = "snapshot" } };
	struct vx_report r;

	vx_report_init(&r);
	assert_usage(vx_dispatch(&o, in, stdout, &r), "--gaps needs a dump");
	o.mode = VX_MODE_PARSE;
	in[0].k = (struct vx_kernel *)&o;	/* never read */
	assert_usage(vx_dispatch(&o, in, stdout, &r),
		     "--parse needs a snapshot file");
	assert_int_equal(r.nr_skips, 0);
	vx_report_fini(&r);
}

static struct vx_error *parse_argv(struct vx_options *o, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return vx_options_parse(argc, argv, VX_FE_TOOL, o);
}

static void test_addr_and_pfn_lists_keep_their_order(void **state)
{
	char *ok[] = { "vmapx", "--pfn", "4096", "-A", "ffffc90000001000,0xffffffffc0000000",
		       "--addr=1", "-N", "0x10", "DUMP", NULL };
	char *bad_addr[] = { "vmapx", "-A", "ffffc9000000100g", "DUMP", NULL };
	char *bad_list[] = { "vmapx", "-A", "1,,2", "DUMP", NULL };
	char *bad_pfn[] = { "vmapx", "-N", "-1", "DUMP", NULL };
	struct vx_options o;

	assert_null(parse_argv(&o, ok));
	assert_int_equal(o.mode, VX_MODE_ADDR);	/* --addr absorbs --pfn */
	assert_int_equal(o.nr_queries, 5);
	assert_true(o.queries[0].pfn);
	assert_int_equal(o.queries[0].value, 4096);	/* decimal */
	assert_false(o.queries[1].pfn);
	assert_int_equal(o.queries[1].value, 0xffffc90000001000ULL);	/* hex, no 0x */
	assert_int_equal(o.queries[2].value, 0xffffffffc0000000ULL);
	assert_int_equal(o.queries[3].value, 1);
	assert_true(o.queries[4].pfn);
	assert_int_equal(o.queries[4].value, 16);
	assert_usage(parse_argv(&o, bad_addr), "bad address 'ffffc9000000100g'");
	assert_usage(parse_argv(&o, bad_list), "bad address '1,,2'");
	assert_usage(parse_argv(&o, bad_pfn), "bad page frame '-1'");
}

/*
 * A page frame at or above 2^40 is beyond x86_64's 52-bit physical
 * addresses: refused, naming --pfn, where "phys" once printed pfn << 12
 * wrapped (0xffffffffffffffff said phys 0xfffffffffffff000).
 */
static void test_pfn_beyond_the_physical_address_space_is_refused(void **state)
{
	char *top[] = { "vmapx", "--pfn", "0xffffffffffffffff", "DUMP", NULL };
	char *limit[] = { "vmapx", "--pfn", "1,0x10000000000", "DUMP", NULL };
	char *last[] = { "vmapx", "--pfn", "0xffffffffff", "DUMP", NULL };
	struct vx_options o;

	assert_usage(parse_argv(&o, top), "--pfn: page frame '0xffffffffffffffff' beyond the physical address space");
	assert_usage(parse_argv(&o, limit), "--pfn: page frame '0x10000000000' beyond");
	assert_null(parse_argv(&o, last));
	assert_int_equal(o.queries[0].value, (1ULL << 40) - 1);
}

/*
 * --fit refuses a size or an alignment no x86_64 address space holds
 * (above 2^57, 5-level paging), naming the option, rather than let it
 * wrap later; 2^57 itself is the largest taken.
 */
static void test_fit_size_beyond_the_address_space_is_refused(void **state)
{
	char *top[] = { "vmapx", "--fit", "18446744073709551615", "DUMP", NULL };
	char *wraps[] = { "vmapx", "--fit", "0xfffffffffffff001", "DUMP", NULL };
	char *align[] = { "vmapx", "--fit", "4K@0x8000000000000000", "DUMP", NULL };
	char *most[] = { "vmapx", "--fit", "131072T@131072T", "DUMP", NULL };
	struct vx_options o;

	assert_usage(parse_argv(&o, top), "--fit: size '18446744073709551615' larger than the address space");
	assert_usage(parse_argv(&o, wraps), "--fit: size '0xfffffffffffff001' larger");
	assert_usage(parse_argv(&o, align), "--fit: size '4K@0x8000000000000000' larger");
	assert_null(parse_argv(&o, most));
	assert_int_equal(o.fit_size, 1ULL << 57);
	assert_int_equal(o.fit_align, 1ULL << 57);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_is_its_mode_with_a_run_function),
		cmocka_unit_test(test_no_mode_option_is_the_default),
		cmocka_unit_test(test_each_mode_alone_and_with_json),
		cmocka_unit_test(test_every_ordered_pair_is_order_independent),
		cmocka_unit_test(test_documented_combinations),
		cmocka_unit_test(test_three_modes),
		cmocka_unit_test(test_arguments_per_front_end),
		cmocka_unit_test(test_dispatch_checks_input_kinds),
		cmocka_unit_test(test_live_with_every_mode),
		cmocka_unit_test(test_live_messages_and_crash),
		cmocka_unit_test(test_addr_and_pfn_lists_keep_their_order),
		cmocka_unit_test(test_fit_size_beyond_the_address_space_is_refused),
		cmocka_unit_test(test_pfn_beyond_the_physical_address_space_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

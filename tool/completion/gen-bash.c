// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Prints vmapx's bash completion from the option table (lib/options.c),
 * so that a new option is completed without editing a script.  An option's
 * argument is completed from its metavariable: "a|b|c" offers those words,
 * one naming a FILE offers files, any other (SIZE[@ALIGN]) nothing.
 * Positional arguments are files (dumps, snapshots, sosreports).
 */
#include <stdio.h>
#include <string.h>

#include "options.h"

static bool is_tool(const struct vx_option *o)
{
	return o->frontends & VX_FE_TOOL;
}

/* The case pattern of an option's two spellings: "-k|--vmlinux". */
static void print_pattern(const struct vx_option *o)
{
	printf("\t-%c|--%s)", o->short_name, o->long_name);
}

static void print_choices(const char *arg)
{
	printf(" COMPREPLY=($(compgen -W '");
	for (const char *p = arg; *p; p++)
		putchar(*p == '|' ? ' ' : *p);
	printf("' -- \"$cur\")); return ;;\n");
}

/* The case arms for the options that take an argument. */
static void print_argument_arms(void)
{
	for (const struct vx_option *o = vx_options_table; o->long_name; o++) {
		if (!is_tool(o) || !o->arg)
			continue;
		print_pattern(o);
		if (strchr(o->arg, '|'))
			print_choices(o->arg);
		else if (strstr(o->arg, "FILE"))
			printf(" COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n");
		else
			printf(" COMPREPLY=(); return ;;\n");
	}
}

static void print_option_words(void)
{
	const char *sep = "";

	for (const struct vx_option *o = vx_options_table; o->long_name; o++) {
		if (!is_tool(o))
			continue;
		printf("%s--%s -%c", sep, o->long_name, o->short_name);
		sep = " ";
	}
}

int main(void)
{
	printf("# bash completion for vmapx(1), generated from its option table\n"
	       "# (lib/options.c) by tool/completion/gen-bash.c.\n"
	       "_vmapx()\n"
	       "{\n"
	       "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=\n"
	       "\t[ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	       "\t# --opt=value: bash splits the word at '=' (COMP_WORDBREAKS).\n"
	       "\tif [ \"$cur\" = = ]; then\n"
	       "\t\tcur=\n"
	       "\telif [ \"$prev\" = = ] && [ \"$COMP_CWORD\" -gt 1 ]; then\n"
	       "\t\tprev=${COMP_WORDS[COMP_CWORD-2]}\n"
	       "\tfi\n"
	       "\tcase $prev in\n");
	print_argument_arms();
	printf("\tesac\n"
	       "\tcase $cur in\n"
	       "\t-*) COMPREPLY=($(compgen -W '");
	print_option_words();
	printf("' -- \"$cur\")); return ;;\n"
	       "\tesac\n"
	       "\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	       "}\n"
	       "complete -o filenames -F _vmapx vmapx\n");
	return fflush(stdout) ? 1 : 0;
}

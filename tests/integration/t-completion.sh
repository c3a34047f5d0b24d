#!/bin/bash
# The bash completion (build/vmapx.bash-completion, generated from the option
# table by tool/completion/gen-bash.c) completes every option of the table
# that the standalone tool takes, long and short, and the arguments of those
# that take one: the words of "a|b|c", files for FILE.  The table is read here
# from lib/options.c's source, not through the generator.  Needs no dumps.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
cd "$SRC" || exit 1
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh
COMP=${VMAPX_COMPLETION:-$SRC/build/vmapx.bash-completion}
[ -f "$COMP" ] || { bad "completion: $COMP not built (make)"; exit 1; }

# complete WORD...: what the completion offers for the last word, one a line.
complete_words() {
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_vmapx
		printf "%s\n" "${COMPREPLY[@]}"
	' complete "$COMP" vmapx "$@"
}

# Rows of vx_options_table: long short arg frontends.
rows=$(sed -n '/^const struct vx_option vx_options_table/,/^};/p' lib/options.c |
	tr '\n' ' ' | grep -o '{ *"[a-z-]*", *'"'"'.'"'"', *[^,]*, *VX_FE_[A-Z]*' |
	sed -E 's/\{ *"([a-z-]*)", *'"'"'(.)'"'"', *([^,]*), *(VX_FE_[A-Z]*)/\1 \2 \3 \4/')
n=$(wc -l <<<"$rows")
[ "$n" -ge 10 ] || { bad "completion: only $n rows read from lib/options.c"; exit 1; }

tool_opts=0
all=$(complete_words -)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/vmlinux-x"
while read -r long short arg fe; do
	if [ "$fe" = VX_FE_CRASH ]; then
		grep -qx -- "--$long" <<<"$all" && bad "completion offers crash-only --$long"
		continue
	fi
	tool_opts=$((tool_opts + 1))
	grep -qx -- "--$long" <<<"$all" || bad "completion: --$long missing after '-'"
	grep -qx -- "-$short" <<<"$all" || bad "completion: -$short missing after '-'"
	# A prefix of the long name completes to it.
	complete_words "--${long:0:3}" | grep -qx -- "--$long" ||
		bad "completion: --${long:0:3} does not complete to --$long"
	case $arg in
	NULL) ;;
	*\|*)
		want=$(tr -d '"' <<<"$arg" | tr '|' '\n' | sort)
		got=$(complete_words "--$long" "" | sort)
		[ "$got" = "$want" ] || bad "completion: --$long offers '$(echo $got)', not '$(echo $want)'"
		got=$(complete_words "-$short" "" | sort)
		[ "$got" = "$want" ] || bad "completion: -$short offers '$(echo $got)'"
		first=$(head -n1 <<<"$want")
		complete_words "--$long" "=" "${first:0:1}" | grep -qx -- "$first" ||
			bad "completion: --$long=${first:0:1} does not complete to $first"
		;;
	*FILE*)
		complete_words "--$long" "$tmp/vmlinux-" | grep -qx -- "$tmp/vmlinux-x" ||
			bad "completion: --$long does not complete files"
		;;
	esac
done <<<"$rows"
complete_words "$tmp/vml" | grep -qx -- "$tmp/vmlinux-x" ||
	bad "completion: a positional argument does not complete files"
[ "$failures" -eq 0 ] &&
	ok "completion: all $tool_opts options of the tool's table (of $n rows), long and short, with their arguments"
finish

#!/bin/bash
# --addr on a real oops (issue 15). The oops cases (dumps/ --scenario oops) load guest/voops.c,
# which vmallocs a buffer from voops_alloc(); after the capture it stores one byte past the
# buffer's end, the kernel oopses on the unmapped guard page, and kdump writes the dump.
# For each case and each dump file (the filtered ones and the ELF copy of /proc/vmcore):
#   - the faulting address is the oops' own: "BUG: unable to handle page fault for address: X"
#     in the first kernel's console log, the same as the oops' closing "CR2: X" line, and (when
#     the case has the ELF) the same BUG line is in the dump's memory, in its printk buffer;
#   - the oops happened in voops (its RIP line);
#   - vmallocinfo.raw, captured before the fault, has voops_alloc's area, and X is in its
#     guard page (its last page: the kernel's size includes the guard);
#   - vmapx --addr X says so: text "in the guard page" of that area, caller voops_alloc,
#     "an out-of-bounds access one page past the area ending at" the usable end, page not
#     mapped; -j: where "guard", the area's start and end, its caller, page null, valid
#     against doc/vmapx.schema.json;
#   - exit 0, or 3 with the skips said on stderr (a makedumpfile filter may leave out pages
#     an owner lookup needs).
# Nothing is pinned: the address, the area and the usable end come from the case's own files.
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

require_cases oops_cases "oops cases"

# console_field CASE PATTERN: what follows PATTERN in the first kernel's first such line (the
# capture kernel's boot log follows the oops in console.log; it does not oops)
console_field() {
	tr -d '\r' <"$DUMPS/$1/console.log" | sed -n "s/^\[ *[0-9.]*\] $2//p" | head -n 1
}

# check_file CASE FILE ADDR START END: vmapx --addr ADDR on FILE, text and -j
check_file() {
	local c=$1 f=$2 x=$3 start=$4 end=$5 d=$DUMPS/$1 rc rcj usable got want
	usable=$(printf '0x%016x' $((end - 4096)))
	"$VMAPX" --addr "$x" "$d/$f" >"$tmp/t.out" 2>"$tmp/t.err"
	rc=$?
	"$VMAPX" -j --addr "$x" "$d/$f" >"$tmp/j.json" 2>"$tmp/j.err"
	rcj=$?
	if [ $rc -ne 0 ] && { [ $rc -ne 3 ] || ! grep -q 'skipped' "$tmp/t.err"; }; then
		bad "$c/$f: --addr $x exits $rc: $(head -n 2 "$tmp/t.err")"
		return
	fi
	if [ $rcj -ne $rc ] || { [ $rcj -eq 3 ] && ! grep -q '"skipped":\[{' "$tmp/j.err"; }; then
		bad "$c/$f: --addr -j exits $rcj (text: $rc): $(head -c 300 "$tmp/j.err")"
		return
	fi
	if grep -qF "$(printf '0x%016x' $((0x$x))): vmalloc window, in the guard page $usable-$(printf '0x%016x' "$end") of a busy area" "$tmp/t.out" &&
	   grep -qE "^  area +$(printf '0x%016x' "$start")-$(printf '0x%016x' "$end") +$((end - start)) bytes, .*voops_alloc\+0x[0-9a-f]+/0x[0-9a-f]+ \[voops\]" "$tmp/t.out" &&
	   grep -qF "an out-of-bounds access one page past the area ending at $usable" "$tmp/t.out" &&
	   grep -qE '^  page +not mapped$' "$tmp/t.out"; then
		ok "$c/$f: --addr $x (the oops' address, exit $rc): guard page of voops_alloc's area $(printf '0x%016x' "$start")-$(printf '0x%016x' "$end"), one page past $usable, not mapped"
	else
		bad "$c/$f: --addr $x: not the guard page of voops_alloc's area $(printf '0x%x' "$start")-$(printf '0x%x' "$end"):"
		sed 's/^/    /' "$tmp/t.out" | head -n 8
	fi
	json_valid "$c/$f: --addr -j" addr "$tmp/j.json"
	got=$(jq -r '.addresses[0] | [.where, .area.start, .area.end, (.area.caller // "" | test("^voops_alloc\\+")),
		.usable_end, .page] | map(tostring) | join(" ")' "$tmp/j.json")
	want="guard $(printf '0x%016x' "$start") $(printf '0x%016x' "$end") true $usable null"
	[ "$got" = "$want" ] && ok "$c/$f: --addr -j: $got" || bad "$c/$f: --addr -j: '$got', want '$want'"
}

for c in $(oops_cases); do
	d=$DUMPS/$c
	bug=$(console_field "$c" 'BUG: unable to handle page fault for address: ')
	cr2=$(tr -d '\r' <"$d/console.log" | sed -n 's/^\[ *[0-9.]*\] CR2: \([0-9a-f]*\)$/\1/p' | head -n 1)
	rip=$(console_field "$c" 'RIP: [0-9a-f]*:')
	if [ -z "$bug" ] || [ "$bug" != "$cr2" ]; then
		bad "$c: console.log: page fault address '$bug', closing CR2 '$cr2': want one address, twice"
		continue
	fi
	case $rip in
		voops_*' [voops]') ok "$c: the oops: page fault at $bug in $rip" ;;
		*) bad "$c: the oops' RIP is '$rip', not in voops"; continue ;;
	esac
	if [ -s "$d/vmcore.elf" ]; then
		if grep -aqF "BUG: unable to handle page fault for address: $bug" "$d/vmcore.elf"; then
			ok "$c: the dump's own printk buffer holds the same BUG line (vmcore.elf)"
		else
			bad "$c: vmcore.elf's memory lacks 'BUG: unable to handle page fault for address: $bug'"
		fi
	fi
	area=$(grep -E '^0x[0-9a-f]+-0x[0-9a-f]+ +[0-9]+ voops_alloc\+0x[0-9a-f]+/0x[0-9a-f]+ \[voops\] ' "$d/vmallocinfo.raw")
	if [ "$(grep -c . <<<"$area")" != 1 ] || [ -z "$area" ]; then
		bad "$c: vmallocinfo.raw: want one voops_alloc area, have: ${area:-none}"
		continue
	fi
	range=${area%% *}
	start=$((${range%-*})) end=$((${range#*-}))
	# unsigned compare: the addresses are above 2^63, negative in bash
	if python3 -c "import sys; s,e,x = (int(a, 16) for a in sys.argv[1:]); sys.exit(not (e - 4096 <= x < e))" \
		"$(printf %x "$start")" "$(printf %x "$end")" "$bug"; then
		ok "$c: vmallocinfo.raw: the address is in the guard page of '$area'"
	else
		bad "$c: $bug is not in the guard page of '$area'"
		continue
	fi
	for f in vmcore.kdump $(jq -r '.kdump.files | keys[] | select(. != "vmcore.kdump")' "$d/meta.json"); do
		check_file "$c" "$f" "$bug" "$start" "$end"
	done
done
finish

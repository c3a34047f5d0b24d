#!/bin/bash
# --owners on every case against what the guest itself said (owners-check.py):
# each stack area has exactly one owner (a task or the stack cache) and the
# fork-path stack areas of vmallocinfo.raw are exactly those; tasks with a
# vmalloc stack = task stacks attributed; module memory areas are their
# module's, of their region's own size; ioremap owners are /proc/iomem's
# resources (iomem.txt) and n_tty_open owners the ttys open in the guest
# (ttys.txt), each naming the processes holding it, vcap's pty pair (two
# ttys nobody has as controlling tty) among them.  A case captured before
# iomem.txt/ttys.txt or the pty pair is skipped for those by name, but at
# least one case must have them.  Swap maps and
# swap_cgroup maps are the swaps of the guest's /proc/swaps (swaps.txt of
# the --swap cases), zram's areas a zram<N>: at least one case must have
# had swap on.  Then --callers
# -j names the owners under kernel_clone, and --diff of two dumps reports
# growth by owner.
set -u
. "$(dirname "$0")/lib.sh"
require_cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
here=$(dirname "$0")
captured=0
swapped=0
pty=0

for c in $(cases); do
	d=$DUMPS/$c
	"$VMAPX" -j --owners "$d/vmcore.kdump" > "$tmp/$c.json" 2> "$tmp/$c.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		bad "$c: vmapx --owners exit $rc: $(head -n 3 "$tmp/$c.err" | tr '\n' ' ')"
		continue
	fi
	json_valid "$c: --owners -j" owners "$tmp/$c.json"
	python3 "$here/owners-check.py" "$d" "$tmp/$c.json" > "$tmp/$c.out"
	grep -v -e '^captured ' -e '^swapped ' -e '^pty ' "$tmp/$c.out"
	grep -q "^pty $c\$" "$tmp/$c.out" && pty=$((pty + 1))
	grep -q '^FAIL' "$tmp/$c.out" && failures=$((failures + $(grep -c '^FAIL' "$tmp/$c.out")))
	grep -q "^captured $c 2\$" "$tmp/$c.out" && captured=$((captured + 1))
	grep -q "^swapped $c [1-9]" "$tmp/$c.out" && swapped=$((swapped + 1))
done
if [ "$captured" -eq 0 ]; then
	bad "no case has iomem.txt and ttys.txt: the ioremap and tty owners were tested nowhere (rebuild with dumps/make-all)"
else
	ok "$captured cases had iomem.txt and ttys.txt"
fi
if [ "$swapped" -eq 0 ]; then
	bad "no case had swap on (swaps.txt of a --swap case): the swap owners were tested nowhere (rebuild bookworm-numa2 and trixie-smp1 with dumps/make-all)"
else
	ok "$swapped cases had swap on"
fi
if [ "$pty" -eq 0 ]; then
	bad "no case has vcap's pty pair: ttys held open by no session were tested nowhere (rebuild with dumps/make-all)"
else
	ok "$pty cases: vcap's pty pair found through open files"
fi

# --callers -j: the thread stacks under kernel_clone are broken down by owner
c=$(cases | head -n 1)
"$VMAPX" -j --callers "$DUMPS/$c/vmcore.kdump" > "$tmp/callers.json" 2>/dev/null
json_valid "$c: --callers -j" callers "$tmp/callers.json"
if jq -e '[.windows[0].callers[] | select(.caller == "kernel_clone") | .owners[] | select(.kind == "task stack")] | length > 0' "$tmp/callers.json" > /dev/null; then
	ok "$c: --callers -j names task owners under kernel_clone"
else
	bad "$c: --callers -j has no task owners under kernel_clone"
fi

# --diff of two dumps: growth by owner; a dump against itself grows nothing
"$VMAPX" -j --diff "$DUMPS/$c/vmcore.kdump" "$DUMPS/$c/vmcore.kdump" > "$tmp/self.json" 2>/dev/null
json_valid "$c: --diff -j of a dump with itself" diff "$tmp/self.json"
if jq -e '.growth_by_owner == []' "$tmp/self.json" > /dev/null; then
	ok "$c: --diff of a dump with itself: no growth by owner"
else
	bad "$c: --diff of a dump with itself: growth_by_owner $(jq -c .growth_by_owner "$tmp/self.json" 2>&1 | head -c 200)"
fi
big=$(for x in $(cases); do jq -r '"\(.threads_requested) \(.release) '"$x"'"' "$DUMPS/$x/meta.json"; done |
	sort -n | tail -n 1)
set -- $big
if [ "${1:-0}" -gt 0 ]; then
	small=$(for x in $(cases); do
		[ "$(jq -r .release "$DUMPS/$x/meta.json")" = "$2" ] && [ "$x" != "$3" ] && echo "$x"
	done | head -n 1)
	if [ -n "$small" ]; then
		"$VMAPX" -j --diff "$DUMPS/$small/vmcore.kdump" "$DUMPS/$3/vmcore.kdump" > "$tmp/grow.json" 2>/dev/null
		json_valid "$small -> $3: --diff -j" diff "$tmp/grow.json"
		top=$(jq -r '.growth_by_owner[0] | "\(.kind)|\(.count)"' "$tmp/grow.json")
		if [ "${top%%|*}" = "task stack" ] && [ "${top##*|}" -ge "$1" ]; then
			ok "$small -> $3: the largest growth by owner is one process's $((${top##*|})) task stacks (>= $1 threads asked)"
		else
			bad "$small -> $3: largest growth by owner is '$top', expected a process's >= $1 task stacks"
		fi
	fi
fi
finish

#!/bin/bash
# Bad input gets one clear line naming the input and exit status 2 (or 3
# with partial output), never a crash or a hang.
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect_error WHAT STATUS PATTERN -- command...
expect_error() {
	local what=$1 want=$2 pattern=$3 rc lines
	shift 4
	timeout 60 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc -ge 124 ]; then
		bad "$what: exit status $rc (crash or hang)"
	elif [ $rc -ne "$want" ]; then
		bad "$what: exit status $rc, want $want: $(head -n 2 "$tmp/err")"
	elif ! grep -q -- "$pattern" "$tmp/err"; then
		bad "$what: message lacks '$pattern': $(head -n 2 "$tmp/err")"
	elif [ "$want" -eq 2 ] && [ "$lines" -gt 2 ]; then
		bad "$what: $lines lines of error, want one"
	else
		ok "$what"
	fi
}

expect_error "a missing file is named with its cause" 2 "nosuch.vmcore: No such file" -- \
	"$VMAPX" "$tmp/nosuch.vmcore"
printf 'hello\n' >"$tmp/notadump"
expect_error "a file that is not a dump is refused by name" 2 "notadump" -- "$VMAPX" "$tmp/notadump"
expect_error "an unknown option is a usage error" 2 "unknown option" -- "$VMAPX" --bogus x
expect_error "--kptr takes raw, hash or zero" 2 "raw, hash or zero" -- "$VMAPX" --kptr=maybe x
expect_error "a bad --fit size is refused" 2 "bad size" -- "$VMAPX" --fit=12Q x
expect_error "no VMCORE is a usage error" 2 "no VMCORE" -- "$VMAPX"
"$VMAPX" -j "$tmp/nosuch.vmcore" >"$tmp/err.json" 2>/dev/null
rc=$?
[ $rc -eq 2 ] && ok "-j: a missing file exits 2" || bad "-j: a missing file exits $rc"
json_valid "-j: the error of a missing file is one JSON object on stdout" error "$tmp/err.json"

[ -n "$(cases)" ] || { echo "skip: dump-based bad input (no dumps)"; finish; exit; }
c=$(cases | head -n 1)
d=$DUMPS/$c
head -c 65536 "$d/vmcore.kdump" >"$tmp/truncated.kdump"
expect_error "$c: a dump truncated to 64 KiB fails by name" 2 "truncated.kdump" -- "$VMAPX" "$tmp/truncated.kdump"
size=$(stat -c %s "$d/vmcore.kdump")
head -c $((size / 2)) "$d/vmcore.kdump" >"$tmp/half.kdump"
timeout 60 "$VMAPX" "$tmp/half.kdump" >"$tmp/out" 2>"$tmp/err"
rc=$?
case $rc in
2|3) ok "$c: a dump cut in half ends with status $rc, no crash" ;;
*) bad "$c: a dump cut in half: status $rc: $(head -n 3 "$tmp/err")" ;;
esac
other=$(cases | while read -r o; do
	[ -e "$DUMPS/$o/vmlinux" ] || continue
	[ "$(realpath "$DUMPS/$o/vmlinux")" != "$(realpath "$d/vmlinux" 2>/dev/null)" ] && echo "$o" && break
done)
if [ -n "$other" ]; then
	expect_error "$c: the vmlinux of $other is refused before walking" 2 "does not match" -- \
		"$VMAPX" -k "$DUMPS/$other/vmlinux" "$d/vmcore.kdump"
fi
finish

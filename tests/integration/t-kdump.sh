#!/bin/bash
# Dumps written by the kernel's own kdump path (dumps/ kdump scenario: panic, capture kernel,
# the suite's makedumpfile -d 31 per compression, /proc/vmcore as ELF), compared with the
# /proc/vmallocinfo captured just before the panic.
#
# Per dump file the output is counted against vmallocinfo.raw line by line (as multisets):
# identical, partial (cut short where stderr names a skip for that area), missing (captured, not
# printed), invented (printed, never captured).
#   - every dump file opens (vmapx exits 0 or 3, never 2);
#   - invented is 0 on every dump: vmapx never prints a line the kernel did not;
#   - the ELF copy of /proc/vmcore holds every page: identical, raw and hashed;
#   - a filtered dump vmapx reads completely (exit 0) is identical;
#   - a filtered dump whose filter excluded pages vmapx needs (exit 3, every skip "not in dump")
#     is a known gap only when kdump-gaps lists it; then its counts are printed as "gap" lines.
#     A listed gap that is identical now fails ("remove it from kdump-gaps"): the list cannot
#     go stale, and recovering excluded pages (issue 11) is done by emptying it.
#   - makedumpfile's page report in meta.json adds up (excluded + remaining = original).
set -u
. "$(dirname "$0")/lib.sh"
GAPS=${KDUMP_GAPS:-$(dirname "$0")/kdump-gaps}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

require_cases kdump_cases "kdump cases"

# listed_gap CASE FILE: kdump-gaps names this file ("filtered" = every makedumpfile output)
listed_gap() {
	local c f why
	while read -r c f why; do
		case $c in ''|'#'*) continue ;; esac
		[ "$c" = "$1" ] || continue
		[ "$f" = "$2" ] || { [ "$f" = filtered ] && [ "$2" != vmcore.elf ]; } || continue
		echo "$why"
		return 0
	done < "$GAPS"
	return 1
}

# counts EXPECTED ACTUAL: "identical partial missing invented total", lines as multisets.
# partial: a printed line that carries vmapx's "[... unknown ...]" marker and matches a captured line
# up to the marker (a vm_struct or pages[] the filter left out): incomplete, said so, not invented.
# The matching is recover-compare.py's, shared with t-recover.sh.
counts() {
	local ident part miss inv
	read -r ident part miss inv < <(python3 "$(dirname "$0")/recover-compare.py" "$2" "$1" 2>"$tmp/invented")
	sed -i 's/^invented: //' "$tmp/invented"
	echo "$ident" "$part" "$miss" "$inv" "$(wc -l < "$1")"
}

# dump_files CASE: every dump file of the case (meta.json lists the makedumpfile ones)
dump_files() {
	local d=$DUMPS/$1
	[ -f "$d/vmcore.flat" ] && echo vmcore.flat
	jq -r '.kdump.files | keys[]' "$d/meta.json"
}

check_file() { # CASE FILE
	local c=$1 f=$2 d=$DUMPS/$1 rc n why what
	"$VMAPX" "$d/$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	what="$c: $f ($(jq -r --arg f "$f" '.kdump.files[$f].options // "flattened stream of vmcore.kdump"' "$d/meta.json"))"
	if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
		bad "$what does not open: exit $rc: $(head -n 2 "$tmp/err")"
		return
	fi
	read -r ident part miss inv total < <(counts "$d/vmallocinfo.raw" "$tmp/out")
	n="$ident of $total lines identical, $part partial, $miss missing, $inv invented"
	if [ "$inv" -ne 0 ]; then
		bad "$what: printed lines /proc/vmallocinfo never had ($n)"
		head -n 5 "$tmp/invented" | sed 's/^/    /'
	else
		ok "$what: no invented line ($n)"
	fi
	why=$(listed_gap "$c" "$f")
	local listed=$?
	if cmp -s "$d/vmallocinfo.raw" "$tmp/out"; then
		if [ $listed -eq 0 ]; then
			bad "$what is identical now: remove it from $(basename "$GAPS")"
		else
			ok "$what equals vmallocinfo.raw (exit $rc)"
		fi
		[ $rc -eq 0 ] || bad "$what: identical output but exit $rc"
		return
	fi
	if [ $rc -eq 0 ]; then
		bad "$what: exit 0 but not identical ($n)"
		diff "$d/vmallocinfo.raw" "$tmp/out" | head -n 8 | sed 's/^/    /'
		return
	fi
	# exit 3: what was skipped must be pages the filter left out, and listed as a known gap
	# skips name a page not in the dump, or are vmapx's one statement of the filter's cause
	if grep -q 'skipped' "$tmp/err" &&
		! grep 'skipped' "$tmp/err" | grep -qv -e 'not in dump' -e "dump's page filter"; then
		ok "$what: exit 3, every skip is a page not in the dump ($(grep -c 'skipped' "$tmp/err") skip lines)"
	else
		bad "$what: exit 3 for another reason than excluded pages: $(grep 'skipped' "$tmp/err" | grep -v -e 'not in dump' -e "dump's page filter" | head -n 2)"
	fi
	# -j: the listing on stdout, the skips as one "report" object on stderr
	"$VMAPX" -j "$d/$f" >"$tmp/out.json" 2>"$tmp/err.json"
	json_valid "$what: -j, exit $?" vmallocinfo "$tmp/out.json"
	json_valid "$what: -j, the skips on stderr" report "$tmp/err.json"
	if [ $listed -eq 0 ]; then
		echo "gap $what: $n (kdump-gaps: $why)"
	else
		bad "$what: incomplete ($n) and not listed in $(basename "$GAPS")"
	fi
}

check_report() { # CASE FILE: makedumpfile's page report in meta.json
	local c=$1 f=$2
	if jq -e --arg f "$f" '.kdump.files[$f].report as $r
		| ($r.original > 0) and ($r.excluded + $r.remaining == $r.original)
		and ($r.zero + $r.cache + $r.private + $r.user + $r.free + ($r.hwpoison // 0) + ($r.offline // 0) == $r.excluded)' \
		"$DUMPS/$c/meta.json" >/dev/null; then
		ok "$c: $f: makedumpfile's page report adds up ($(jq -r --arg f "$f" '.kdump.files[$f].report | "\(.excluded) of \(.original) pages excluded: zero \(.zero), cache \(.cache), private \(.private), user \(.user), free \(.free)"' "$DUMPS/$c/meta.json"))"
	else
		bad "$c: $f: makedumpfile's page report missing or inconsistent in meta.json"
	fi
}

for c in $(kdump_cases); do
	d=$DUMPS/$c
	echo "# $c: $(jq -r '"\(.release), makedumpfile \(.kdump.makedumpfile.version) (\(.kdump.makedumpfile.suite)), crashkernel=\(.kdump.crashkernel)"' "$d/meta.json")"
	[ -f "$d/vmcore.elf" ] || bad "$c: no vmcore.elf (the copy of /proc/vmcore)"
	for f in $(dump_files "$c"); do
		[ -s "$d/$f" ] || { bad "$c: $f listed but missing"; continue; }
		check_file "$c" "$f"
		case $f in *.kdump) check_report "$c" "$f" ;; esac
	done
	if [ -f "$d/vmcore.elf" ]; then
		"$VMAPX" -p hash "$d/vmcore.elf" >"$tmp/out.hash" 2>/dev/null
		same_file "$c: vmcore.elf --kptr=hash equals vmallocinfo.hashed" "$d/vmallocinfo.hashed" "$tmp/out.hash"
		listed_gap "$c" vmcore.elf >/dev/null && bad "$c: kdump-gaps lists vmcore.elf: the ELF holds all memory"
	fi
done
finish

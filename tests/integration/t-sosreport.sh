#!/bin/bash
# --diff and --parse on sosreports as sos lays them out (sosreport-HOST-DATE/
# proc/vmallocinfo, proc/meminfo, proc/sys/kernel/random/boot_id,
# sos_commands/kernel/uname_-a and its top-level "uname" symlink), built with
# tar from each case's vmallocinfo.hashed (what sos captures: a root reader
# under kptr_restrict=0 sees hashes):
#   - one case, every compression (xz, gzip, bzip2, zstd, none) and the
#     directory: the same diff output and status as the plain snapshot, and
#     --parse gives back the captured file; an edited one differs (status 1);
#   - every case (.tar.xz): no differences, no "another kernel" note with the
#     case's own release (meta.json) and window (VmallocTotal of its paging
#     mode), the note with another release and another VmallocTotal (one
#     case per paging mode);
#   - bad archives: one line naming the archive, status 2: truncated, not an
#     archive, no proc/vmallocinfo, a member over its cap; memory measured.
set -u
. "$(dirname "$0")/lib.sh"
require_cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# VmallocTotal in kB: VMALLOC_END - VMALLOC_START of x86_64's 4-level
# (32 TiB) and 5-level (12800 TiB) layouts (Documentation/arch/x86/x86_64/mm.rst).
vmalloc_total() { [ "$1" = 5 ] && echo $(((12800 << 30) - 1)) || echo $(((32 << 30) - 1)); }

# mksos DIR CASE RELEASE TOTAL: a sosreport tree of CASE in DIR/sosreport-guest-2026-12-02-CASE.
mksos() {
	local top=$1/sosreport-guest-2026-12-02-$2 d=$DUMPS/$2
	rm -rf "$top"
	mkdir -p "$top/proc/sys/kernel/random" "$top/sos_commands/kernel" \
		"$top/sos_commands/memory" "$top/sos_logs" "$top/sos_reports"
	cp "$d/vmallocinfo.hashed" "$top/proc/vmallocinfo"
	printf 'MemTotal:        1000000 kB\nVmallocTotal:   %s kB\nVmallocUsed:       12345 kB\nVmallocChunk:          0 kB\n' \
		"$4" >"$top/proc/meminfo"
	echo "Linux guest $3 #1 SMP PREEMPT_DYNAMIC Debian x86_64 GNU/Linux" \
		>"$top/sos_commands/kernel/uname_-a"
	ln -s sos_commands/kernel/uname_-a "$top/uname"
	cat /proc/sys/kernel/random/uuid >"$top/proc/sys/kernel/random/boot_id"
	echo "free output" >"$top/sos_commands/memory/free"
	echo '{}' >"$top/sos_reports/manifest.json"
	echo "$top"
}

# archive TOP EXT: TOP.EXT made by tar as sos does (one top directory).
archive() {
	local flag
	case $2 in
	tar.xz) flag=-J ;; tar.gz) flag=-z ;; tar.bz2) flag=-j ;; tar.zst) flag=--zstd ;; tar) flag= ;;
	esac
	# shellcheck disable=SC2086
	tar -C "$(dirname "$1")" $flag -cf "$1.$2" "$(basename "$1")" && echo "$1.$2"
}

c=$(cases | grep -m1 '^bookworm-base$' || cases | head -n1)
d=$DUMPS/$c
rel=$(jq -r .release "$d/meta.json")
total=$(vmalloc_total "$(jq -r .paging_levels "$d/meta.json")")
top=$(mksos "$tmp" "$c" "$rel" "$total")
"$VMAPX" --diff "$d/vmallocinfo.hashed" "$d/vmcore.kdump" >"$tmp/plain.out" 2>/dev/null
want=$?
for ext in dir tar.xz tar.gz tar.bz2 tar.zst tar; do
	if [ $ext = dir ]; then
		in=$top
	else
		in=$(archive "$top" $ext) || { bad "$c: tar $ext failed"; continue; }
	fi
	"$VMAPX" --diff "$in" "$d/vmcore.kdump" >"$tmp/sos.out" 2>"$tmp/sos.err"
	rc=$?
	if [ $rc -eq $want ] && diff <(sed 1d "$tmp/plain.out") <(sed 1d "$tmp/sos.out") >/dev/null; then
		ok "$c: --diff $ext sosreport = --diff its vmallocinfo (status $rc)"
	else
		bad "$c: --diff $ext sosreport: status $rc (plain $want) or other output"
		head -n 5 "$tmp/sos.out" "$tmp/sos.err" | sed 's/^/    /'
	fi
	"$VMAPX" --parse "$in" >"$tmp/parse.out" 2>"$tmp/parse.err"
	rc=$?
	[ $rc -eq 0 ] && cmp -s "$tmp/parse.out" "$d/vmallocinfo.hashed" &&
		ok "$c: --parse $ext sosreport gives back proc/vmallocinfo" ||
		bad "$c: --parse $ext sosreport: status $rc $(head -n1 "$tmp/parse.err")"
done

# -j with a sosreport for a side: the documents of a plain snapshot (doc/vmapx.schema.json)
"$VMAPX" --diff -j "$top" "$d/vmcore.kdump" >"$tmp/sos.diff.json" 2>/dev/null
json_valid "$c: --diff -j of a sosreport and its dump" diff "$tmp/sos.diff.json"
"$VMAPX" --parse -j "$top" >"$tmp/sos.parse.json" 2>/dev/null
json_valid "$c: --parse -j of a sosreport" parse "$tmp/sos.parse.json"

# An edited snapshot (first line gone) inside the archive: status 1.
sed -i 1d "$top/proc/vmallocinfo"
in=$(archive "$top" tar.zst)
"$VMAPX" --diff "$in" "$d/vmcore.kdump" >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q '^appeared: 1 areas' "$tmp/out" &&
	ok "$c: a sosreport missing one area differs (status 1, appeared: 1)" ||
	bad "$c: edited sosreport: status $rc"

# Every case: the same kernel is not called another; another release and
# window are said (once per paging mode: the same code on every case).
said=
for c in $(cases); do
	d=$DUMPS/$c
	rel=$(jq -r .release "$d/meta.json")
	total=$(vmalloc_total "$(jq -r .paging_levels "$d/meta.json")")
	in=$(archive "$(mksos "$tmp" "$c" "$rel" "$total")" tar.xz)
	"$VMAPX" --diff "$in" "$d/vmcore.kdump" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 0 ] && ! grep -q 'another' "$tmp/err" && grep -q 'boot_id' "$tmp/err"; then
		ok "$c: --diff sosreport.tar.xz: no differences, same release and window, boot_id compared"
	else
		bad "$c: --diff sosreport.tar.xz: status $rc"
		sed 's/^/    /' "$tmp/err" | head -n 5
	fi
	case " $said " in *" $total "*) continue ;; esac
	said="$said $total"
	in=$(archive "$(mksos "$tmp" "$c" "$rel.other" $((total - 1)))" tar.xz)
	"$VMAPX" --diff "$in" "$d/vmcore.kdump" >"$tmp/out" 2>"$tmp/err"
	if grep -q "another kernel release: $rel.other, the dump's is $rel\$" "$tmp/err" &&
	   grep -q "another kernel: VmallocTotal $((total - 1)) kB" "$tmp/err"; then
		ok "$c: another release and another VmallocTotal are said"
	else
		bad "$c: another release or VmallocTotal not said"
		sed 's/^/    /' "$tmp/err" | head -n 5
	fi
	# A boot_id of another boot is never taken for the dump's.
	grep -q "from the dump's boot (boot_id" "$tmp/err" &&
		bad "$c: a random boot_id taken for the dump's boot"
done

# Bad archives: one line naming the archive, status 2.
c=$(cases | head -n1)
d=$DUMPS/$c
top=$(mksos "$tmp" "$c" x 0)
good=$(archive "$top" tar.xz)
head -c $(($(stat -c %s "$good") / 2)) "$good" >"$tmp/truncated.tar.xz"
printf '\xfd7zXZ\0garbage' >"$tmp/garbage.tar.xz"
rm "$top/proc/vmallocinfo"
novm=$(archive "$top" tar.gz)
mv "$novm" "$tmp/novm.tar.gz"
cp "$d/vmallocinfo.hashed" "$top/proc/vmallocinfo"
head -c 100000 /dev/zero | tr '\0' 'x' >"$top/proc/meminfo"
big=$(archive "$top" tar.bz2)
for bad in "$tmp/truncated.tar.xz" "$tmp/garbage.tar.xz" "$tmp/novm.tar.gz" "$big"; do
	/usr/bin/time -f '%M' -o "$tmp/rss" "$VMAPX" --diff "$bad" "$d/vmcore.kdump" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(grep -vc '^Try ' "$tmp/err")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF "$bad" "$tmp/err"; then
		ok "$(basename "$bad"): one line, status 2: $(cut -c1-110 "$tmp/err" | sed "s|$tmp/||")"
	else
		bad "$(basename "$bad"): status $rc, $lines lines"
		sed 's/^/    /' "$tmp/err" | head -n 4
	fi
done
echo "note: max RSS on the last bad archive (a 100 kB meminfo): $(tail -n1 "$tmp/rss") KiB"
finish

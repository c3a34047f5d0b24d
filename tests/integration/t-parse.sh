#!/bin/bash
# The vmallocinfo parser and the snapshot diff on the real Debian texts:
# every vmallocinfo.raw and .hashed parses and prints back byte for byte,
# its JSON is valid, a snapshot against itself has no differences, and
# snapshots edited here (a line removed, added, resized; hashes from
# another key) give exactly those differences.
#
# Drivers: build/tests/test_vmparse FILE... and build/tests/test_diff OLD
# NEW (file modes of the unit tests) until the front end wires --parse and
# --diff.
set -u
. "$(dirname "$0")/lib.sh"
require_cases
PARSE=build/tests/test_vmparse
DIFF=build/tests/test_diff
for t in "$PARSE" "$DIFF"; do
	make -s "$t" >/dev/null || { bad "cannot build $t"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# diff_counts OLD NEW: "appeared disappeared changed hidden exit-status"
diff_counts() {
	local out rc
	out=$("$DIFF" "$1" "$2")
	rc=$?
	printf '%s %s %s %s %s\n' \
		"$(sed -n 's/^appeared: \([0-9]*\) areas.*/\1/p' <<<"$out")" \
		"$(sed -n 's/^disappeared: \([0-9]*\) areas.*/\1/p' <<<"$out")" \
		"$(sed -n 's/^changed: \([0-9]*\) areas.*/\1/p' <<<"$out")" \
		"$(sed -n 's/^hidden: \([0-9]*\) .*/\1/p' <<<"$out")" "$rc"
}

# expect WHAT "a d c hidden rc" OLD NEW
expect() {
	local got
	got=$(diff_counts "$3" "$4")
	if [ "$got" = "$2" ]; then
		ok "$1"
	else
		bad "$1: expected appeared/disappeared/changed/hidden/exit '$2', got '$got'"
		"$DIFF" "$3" "$4" | head -n 20 | sed 's/^/    /'
	fi
}

# A line of FILE that is not noise (no task stack, no unpurged) and has a
# caller unique in the file, so that removing it is one difference in
# every matching mode.
# pick_line FILE EXCEPT
pick_line() {
	awk -v except="$2" '$3 ~ /\+0x/ && $3 !~ /^kernel_clone/ { n[$3]++; l[$3] = NR }
	     END { for (c in n) if (n[c] == 1 && l[c] != except) print l[c] }' "$1" |
		sort -n | head -n 1
}

# replace_line FILE N TEXT
replace_line() {
	awk -v n="$2" -v text="$3" 'NR == n { print text; next } { print }' "$1"
}

# Resize line N of FILE by one page (bash arithmetic: awk has no 64-bit
# integers).  Real addresses: the end moves with the size.  Hashed: the
# end hash changes, the start hash stays.
resize() {
	local line range start end size rest
	line=$(sed -n "$2p" "$1")
	range=${line%% *}
	start=${range%-*}
	end=${range#*-}
	rest=${line#"$range"}
	rest=${rest#"${rest%%[! ]*}"}
	size=${rest%% *}
	rest=${rest#"$size"}
	if [ "$3" = real ]; then
		end=$(printf '0x%016x' $((end + 4096)))
	else
		end=0x0000000012345678
	fi
	replace_line "$1" "$2" "$(printf '%s-%s %7d%s' "$start" "$end" $((size + 4096)) "$rest")"
}

# Another ptr_key: every hash replaced by another (its digits reversed).
rehash() {
	awk '{
		split($1, r, "-")
		out = ""
		for (i = 1; i <= 2; i++) {
			h = substr(r[i], 11, 8); v = ""
			for (j = 8; j >= 1; j--) v = v substr(h, j, 1)
			out = out (i == 2 ? "-" : "") "0x00000000" v
		}
		print out substr($0, length($1) + 1)
	}' "$1"
}

leak_line() {
	if [ "$2" = real ]; then
		printf '0x%s-0x%s   69632 leaky_alloc+0x1c/0x80 [leaky] pages=16 vmalloc N0=16\n' \
			"$(printf '%016x' $(($1)))" "$(printf '%016x' $(($1 + 69632)))"
	else
		printf '0x00000000deadbeef-0x00000000feedf00d   69632 leaky_alloc+0x1c/0x80 [leaky] pages=16 vmalloc N0=16\n'
	fi
}

for c in $(cases); do
	d=$DUMPS/$c
	for kind in raw hashed; do
		f=$d/vmallocinfo.$kind
		out=$("$PARSE" "$f")
		if [ $? -eq 0 ]; then
			ok "$c: vmallocinfo.$kind parses and prints back identically (${out#*: })"
		else
			bad "$c: vmallocinfo.$kind: $out"
			continue
		fi
		"$PARSE" --json "$f" | sed 1d >"$tmp/parse.json"
		"$VMAPX" --parse -j "$f" >"$tmp/vparse.json"
		json_valid "$c: vmallocinfo.$kind: the parser's JSON and vmapx --parse -j" parse \
			"$tmp/parse.json" "$tmp/vparse.json"
		expect "$c: vmallocinfo.$kind against itself: no differences, exit 0" \
			"0 0 0  0" "$f" "$f"
	done
	expect "$c: raw against hashed (same boot, no dump to hash with): no differences by caller, size and flags" \
		"0 0 0  0" "$d/vmallocinfo.raw" "$d/vmallocinfo.hashed"

	# Real addresses: one line removed, one resized, one leak added.
	raw=$d/vmallocinfo.raw
	rs_line=$(awk '/ phys=/ { print NR; exit }' "$raw")
	rm_line=$(pick_line "$raw" "$rs_line")
	last_end=$(awk '$3 != "unpurged" { split($1, r, "-"); e = r[2] } END { print e }' "$raw")
	if [ -z "$rs_line" ] || [ -z "$rm_line" ]; then
		bad "$c: no ioremap line or no line with a unique caller to edit"
		continue
	fi
	resize "$raw" "$rs_line" real | sed "${rm_line}d" >"$tmp/$c.raw.edited"
	leak_line "$last_end + 0x100000" real >>"$tmp/$c.raw.edited"
	expect "$c: real snapshot with line $rm_line removed, $rs_line resized, a leak added: exactly those 3 differences, exit 1" \
		"1 1 1  1" "$raw" "$tmp/$c.raw.edited"

	# Hashed, same key: the same edits, matched by hash.
	hashed=$d/vmallocinfo.hashed
	resize "$hashed" "$rs_line" hashed | sed "${rm_line}d" >"$tmp/$c.hashed.edited"
	leak_line 0 hashed >>"$tmp/$c.hashed.edited"
	expect "$c: hashed snapshot with the same edits: exactly those 3 differences" \
		"1 1 1  1" "$hashed" "$tmp/$c.hashed.edited"
	if "$DIFF" "$hashed" "$tmp/$c.hashed.edited" | grep -q '^matching: same boot (the hashes match)'; then
		ok "$c: the edited hashed snapshot is recognised as the same boot"
	else
		bad "$c: the edited hashed snapshot is not matched by hash"
	fi

	# Hashes from another key: a different boot, matched as multisets.
	rehash "$hashed" >"$tmp/$c.rehashed"
	expect "$c: hashes from another key: no differences by caller, size and flags" \
		"0 0 0  0" "$hashed" "$tmp/$c.rehashed"
	if "$DIFF" "$hashed" "$tmp/$c.rehashed" | grep -q '^matching: different boot'; then
		ok "$c: hashes from another key are reported as a different boot"
	else
		bad "$c: hashes from another key are not reported as a different boot"
	fi
	sed "${rm_line}d" "$tmp/$c.rehashed" >"$tmp/$c.rehashed.edited"
	expect "$c: hashes from another key with line $rm_line removed: exactly 1 disappeared" \
		"0 1 0  1" "$hashed" "$tmp/$c.rehashed.edited"

	# Noise: an extra task stack and lazily freed area are hidden, exit 1.
	{ cat "$raw"
	  printf '0x%016x-0x%016x   20480 kernel_clone+0x94/0x3e0 pages=4 vmalloc N0=4\n' \
		$((last_end + 0x200000)) $((last_end + 0x200000 + 20480))
	  printf '0x%016x-0x%016x   20480 unpurged vm_area\n' \
		$((last_end + 0x300000)) $((last_end + 0x300000 + 20480))
	} >"$tmp/$c.noise"
	expect "$c: a new task stack and an unpurged area are hidden noise but exit 1" \
		"0 0 0 2 1" "$raw" "$tmp/$c.noise"
done

# Malformed input: a clear FILE:LINE error and exit 2.
printf '0xffffc90000000000-0xffffc90000002000    8192 vmalloc frobnicate\n' >"$tmp/bad"
err=$("$DIFF" "$tmp/bad" "$tmp/bad" 2>&1 >/dev/null)
rc=$?
if [ $rc -eq 2 ] && [ "$err" = "test_diff: $tmp/bad:1: unknown field: \"frobnicate\"" ]; then
	ok "a malformed snapshot gives FILE:LINE: cause and exit 2"
else
	bad "malformed snapshot: exit $rc, message '$err'"
fi
finish

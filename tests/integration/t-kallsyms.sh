#!/bin/bash
# The dump's own statements against the kallsyms decoding, and releases
# libkdumpfile 0.5.1 cannot parse, on a copy of each case's kdump with one
# VMCOREINFO value rewritten in place (same length), once per kernel
# release (meta.json), on its smallest dump:
#  - OSRELEASE without a patch level ("7.2-cloud-amd64", like every -rc):
#    still byte-identical to /proc/vmallocinfo;
#  - SYMBOL(kallsyms_names) renamed: the tables are found by the scan of
#    the image (5.10's path) and decode to the same output;
#  - SYMBOL(printk_rb_static) moved by 4 KiB (read by neither libkdumpfile
#    nor vmapx): no kallsyms encoding agrees,
#    exit 2 with one line naming the check, never a walk at wrong addresses.
set -u
. "$(dirname "$0")/lib.sh"
require_cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# rewrite IN OUT KEY NEWVALUE_PY: replace KEY=value (first in the header) by
# a same-length value computed by the python expression (v: old value, str).
rewrite() {
	python3 - "$1" "$2" "$3" "$4" <<'PY'
import re, sys
src, dst, key, expr = sys.argv[1:]
b = open(src, 'rb').read()
m = re.search(re.escape(key.encode()) + rb'=([^\n]*)\n', b)
if not m:
    sys.exit(1)
v = m.group(1).decode()
new = eval(expr, {'v': v})
assert len(new) == len(v), (v, new)
open(dst, 'wb').write(b[:m.start(1)] + new.encode() + b[m.end(1):])
PY
}

# One case per release: the encoding and the release string are the kernel's.
per_release() {
	local c
	for c in $(cases); do
		[ -f "$DUMPS/$c/meta.json" ] || continue
		printf '%s %s %s\n' "$(jq -r .release "$DUMPS/$c/meta.json")" \
			"$(stat -c %s "$DUMPS/$c/vmcore.kdump")" "$c"
	done | sort -k1,1 -k2,2n | awk '!seen[$1]++ { print $3 }'
}

for c in $(per_release); do
	d=$DUMPS/$c
	# "6.12.118+deb13-cloud-amd64" -> "6.12+deb13-cloud-amd64----";
	# "7.3-cloud-amd64" (experimental's -rc) stays as it is.
	if rewrite "$d/vmcore.kdump" "$tmp/rel.kdump" OSRELEASE \
		"(lambda m: (m + v[len(m):].lstrip('.0123456789')).ljust(len(v), '-'))('.'.join(v.split('.')[:2]).split('-')[0])"; then
		timeout 120 "$VMAPX" "$tmp/rel.kdump" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ $rc -eq 0 ] && cmp -s "$tmp/out" "$d/vmallocinfo.raw"; then
			ok "$c: a release without patch level ($(grep -a -m1 -o 'OSRELEASE=[^-]*' "$tmp/rel.kdump")) opens, output identical"
		else
			bad "$c: a release without patch level: status $rc: $(head -n 2 "$tmp/err")"
		fi
	else
		bad "$c: no OSRELEASE in the kdump header"
	fi
	rm -f "$tmp/rel.kdump"
	# Copy (if VMCOREINFO names the tables: not on 5.10), then rename the key.
	if rewrite "$d/vmcore.kdump" "$tmp/scan.kdump" 'SYMBOL(kallsyms_names)' "v"; then
		python3 - "$tmp/scan.kdump" <<'PY'
import sys
p = sys.argv[1]
b = open(p, 'rb').read()
open(p, 'wb').write(b.replace(b'SYMBOL(kallsyms_names)=', b'SYMBOL(kallsyms_nameZ)=', 1))
PY
		timeout 120 "$VMAPX" -v "$tmp/scan.kdump" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ $rc -eq 0 ] && grep -q 'tables from scan' "$tmp/err" &&
		   cmp -s "$tmp/out" "$d/vmallocinfo.raw"; then
			ok "$c: kallsyms found by scanning the image decode to identical output"
		else
			bad "$c: kallsyms by scan: status $rc: $(grep -v '^[a-z]*: ' "$tmp/err" | head -n 2)"
		fi
		rm -f "$tmp/scan.kdump"
	fi
	# printk_rb_static + 0x1000 (mod 0x10000): the 4th hex digit from the right.
	if ! rewrite "$d/vmcore.kdump" "$tmp/sym.kdump" 'SYMBOL(printk_rb_static)' \
		"v[:-4] + '%x' % ((int(v[-4], 16) + 1) % 16) + v[-3:]"; then
		echo "skip: $c has no SYMBOL(printk_rb_static)"
		continue
	fi
	timeout 120 "$VMAPX" "$tmp/sym.kdump" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	   grep -q 'no encoding agrees.*SYMBOL(printk_rb_static)' "$tmp/err" && [ ! -s "$tmp/out" ]; then
		ok "$c: a VMCOREINFO symbol kallsyms contradicts stops with one line"
	else
		bad "$c: contradicting SYMBOL(printk_rb_static): status $rc: $(head -n 2 "$tmp/err")"
	fi
	rm -f "$tmp/sym.kdump"
done
finish

#!/bin/bash
# --addr and --pfn on every real dump, checked against the guest's own
# /proc/vmallocinfo (vmallocinfo.raw): for one area of each kind found
# there (thread stack, module memory, ioremap, vmalloc, vmap, vm_map_ram,
# per-cpu chunk) the first byte, the last usable byte and the guard page
# are where the kernel's line says; the guard page is not mapped; the first
# page is, to the frame pages[] holds, on the node the line's N<n>= names
# when it names only one; the page frame printed for it maps back (--pfn) to the
# same area and offset, and so does its direct-map address; the gaps
# between the kernel's lines are holes with the right areas around them,
# an "unpurged vm_area" line is a lazily freed hole, MODULES_VADDR is in the
# modules window's KASLR prefix below the first module; addresses outside both
# windows (user, non-canonical, kernel image) say so.
set -u
. "$(dirname "$0")/lib.sh"
[ -n "$(kdump_cases)" ] || require_cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check_case() {
	python3 - "$VMAPX" "$1" "$tmp" <<'PY'
import json, re, subprocess, sys
vmapx, case, tmp = sys.argv[1:4]
PAGE = 4096
STACK = ("kernel_clone", "copy_process", "dup_task_struct",
         "alloc_thread_stack_node", "_do_fork", "fork_idle", "create_io_thread")
MODULE = ("load_module", "module_alloc", "execmem_")

lines = []
for l in open(case + "/vmallocinfo.raw"):
    m = re.match(r"0x([0-9a-f]+)-0x([0-9a-f]+)\s+(\d+)\s+(.*)", l)
    if not m:
        continue
    start, end, rest = int(m[1], 16), int(m[2], 16), m[4]
    words = rest.split()
    caller = words[0].split("+")[0] if words else ""
    lines.append(dict(start=start, end=end, rest=rest, caller=caller, words=words))
lines.sort(key=lambda x: x["start"])
busy = [l for l in lines if not l["rest"].startswith("unpurged")]

def kind(l):
    w = l["words"]
    if l["caller"] == "vm_map_ram":
        return "vm_map_ram"
    if l["caller"] == "pcpu_get_vm_areas":
        return "per-cpu chunk"
    if l["caller"] in STACK:
        return "thread stack"
    if l["caller"].startswith(MODULE):
        return None    # module memory if in the modules window (7.x: execmem)
    if "ioremap" in w:
        return "ioremap"
    if "vmalloc" in w:
        return "vmalloc"
    if "vmap" in w:
        return "vmap"
    return None

picked = {}
for l in busy:
    k = kind(l)
    if l["caller"].startswith(MODULE) and l["start"] >= 0xffffffff80000000:
        k = "module memory"
    if k and k not in picked:
        picked[k] = l

runs = [0]
def run(args):
    p = subprocess.run([vmapx, "-j"] + args + [case + "/vmcore.kdump"],
                       capture_output=True, text=True)
    # exit 3 on a filtered dump: complete answers, skips (owners' task pages) said on stderr
    if p.returncode != 0 and not (p.returncode == 3 and '"skipped":[{' in p.stderr):
        raise SystemExit("FAIL exit %d for %s: %s" % (p.returncode, " ".join(args),
                                                     p.stderr.strip()[:200]))
    # kept for the schema check (json_valid): a pure --pfn run is a 'pfn' document
    runs[0] += 1
    mode = "addr" if "--addr" in args else "pfn"
    with open("%s/%s.%d.%s.json" % (tmp, case.rstrip("/").split("/")[-1], runs[0], mode), "w") as f:
        f.write(p.stdout)
    return json.loads(p.stdout)["addresses"]

bad, checks = [], [0]
def check(cond, what):
    checks[0] += 1
    if not cond:
        bad.append(what)

# Queries: per picked area, first byte, last usable byte, guard page.
queries, expect = [], []
for k, l in sorted(picked.items()):
    guard = 0 if k in ("vm_map_ram", "per-cpu chunk") else PAGE
    queries += [l["start"], l["end"] - guard - 1]
    expect += [(k, l, "area", 0), (k, l, "area", l["end"] - guard - 1 - l["start"])]
    if guard:
        queries.append(l["end"] - PAGE)
        expect.append((k, l, "guard", l["end"] - PAGE - l["start"]))
# Holes: the first bytes of gaps between the kernel's busy lines.
holes = []
for a, b in zip(busy, busy[1:]):
    if a["end"] < b["start"] and len(holes) < 4:
        holes.append((a, b))
lazy = [l for l in lines if l["rest"].startswith("unpurged")][:2]
# MODULES_VADDR: below the first module, the window's unused KASLR prefix.
MODULES_VADDR = 0xffffffffc0000000
mods = [l for l in busy if l["start"] >= MODULES_VADDR]
if mods and mods[0]["start"] > MODULES_VADDR:
    holes.append((None, mods[0]))
outside = [(0x1000, "user space"), (0x8000000000000000, "non-canonical"),
           (0xffffffff80000000, "kernel image")]
allq = queries + [a["end"] if a else MODULES_VADDR for a, b in holes] + [l["start"] for l in lazy] + \
       [a for a, w in outside]
ans = run(["--addr", ",".join("%x" % a for a in allq)])
check(len(ans) == len(allq), "%d answers to %d addresses" % (len(ans), len(allq)))

first_pages = []
for q, (k, l, where, off) in zip(ans, expect):
    tag = "%s 0x%x" % (k, l["start"] + off)
    a = q.get("area") or {}
    check(q["where"] == where, "%s: where %s, want %s" % (tag, q["where"], where))
    check(a.get("start") == "0x%016x" % l["start"] and a.get("end") == "0x%016x" % l["end"],
          "%s: area %s-%s, the kernel's line says 0x%x-0x%x" % (tag, a.get("start"), a.get("end"), l["start"], l["end"]))
    check(q.get("offset") == off, "%s: offset %s, want %d" % (tag, q.get("offset"), off))
    check(a.get("kind") == k, "%s: kind %s, want %s" % (tag, a.get("kind"), k))
    if where == "guard":
        check(q["page"] is None and not q["page_unknown"], "%s: guard page mapped: %s" % (tag, q["page"]))
    elif off == 0 and k != "vm_map_ram":
        check(q["page"] is not None, "%s: first page not mapped" % tag)
        check("pages_pfn" not in q, "%s: pages[] says pfn %s, the page tables %s" % (
            tag, q.get("pages_pfn"), q["page"]))
        if q["page"]:
            first_pages.append((k, l, q["page"]))
            # All of the area's pages on one node (N<n>= once): so is its first.
            nodes = [int(w[1:].split("=")[0]) for w in l["words"] if re.match(r"N\d+=", w)]
            if len(nodes) == 1:
                check(q["page"]["node"] == nodes[0], "%s: first page on node %s, the kernel's line says N%d only" % (
                    tag, q["page"]["node"], nodes[0]))
rest = ans[len(queries):]
for q, (a, b) in zip(rest, holes):
    tag = "hole at 0x%x" % (a["end"] if a else MODULES_VADDR)
    check(q["where"] == "hole", "%s: where %s" % (tag, q["where"]))
    if not a:
        check(q["below"] is None and q["above"]["start"] == "0x%016x" % b["start"] and
              q["modules_kaslr_prefix"], "%s: below %s above %s, prefix %s; want the first module 0x%x above" % (
                  tag, q["below"], q["above"], q["modules_kaslr_prefix"], b["start"]))
        continue
    check((q.get("below") or {}).get("start") == "0x%016x" % a["start"] and
          (q.get("above") or {}).get("start") == "0x%016x" % b["start"],
          "%s: below %s above %s, the kernel's lines say 0x%x and 0x%x" % (
              tag, (q.get("below") or {}).get("start"), (q.get("above") or {}).get("start"),
              a["start"], b["start"]))
    check(q["page"] is None, "%s: mapped: %s" % (tag, q["page"]))
rest = rest[len(holes):]
for q, l in zip(rest, lazy):
    check(q["where"] == "hole" and q["hole"]["state"] in ("lazy", "purging"),
          "unpurged vm_area 0x%x: %s %s" % (l["start"], q["where"], q.get("hole")))
rest = rest[len(lazy):]
for q, (addr, w) in zip(rest, outside):
    check(q["where"] == "outside" and q["window"] == w,
          "0x%x: %s %s, want outside %s" % (addr, q["where"], q["window"], w))

# NUMA: the first area all of whose pages sit on one node other than 0.
for l in busy:
    nodes = [int(w[1:].split("=")[0]) for w in l["words"] if re.match(r"N\d+=", w)]
    if len(nodes) == 1 and nodes[0] > 0:
        q = run(["--addr", "%x" % l["start"]])[0]
        check((q["page"] or {}).get("node") == nodes[0],
              "0x%x: first page on node %s, the kernel's line says N%d only" % (
                  l["start"], (q["page"] or {}).get("node"), nodes[0]))
        break

# Round trips: the pfn of each first page maps back; so does its direct map.
if first_pages:
    pq = ["--pfn", ",".join("0x%x" % p["pfn"] for k, l, p in first_pages),
          "--addr", ",".join("%x" % (int(p["direct_map"], 16) + 0x10)
                             for k, l, p in first_pages if p["direct_map"])]
    back = run(pq)
    direct = [x for x in first_pages if x[2]["direct_map"]]
    for (k, l, p), q in list(zip(first_pages, back)) + list(zip(direct, back[len(first_pages):])):
        tag = "%s 0x%x via %s" % (k, l["start"], "pfn" if "pfn" in q else "direct map")
        hit = [m for m in q["mapped_by"] if m["address"] == "0x%016x" % l["start"]]
        check(len(hit) == 1 and hit[0].get("offset") == 0 and
              hit[0]["area"]["start"] == "0x%016x" % l["start"],
              "%s: mapped_by %s" % (tag, [m["address"] for m in q["mapped_by"]]))
        if "pfn" not in q:
            check(q["window"] == "direct map", "%s: window %s" % (tag, q["window"]))
print("%d %s" % (checks[0], ",".join(sorted(picked))))
for b in bad:
    print("FAIL " + b)
PY
}

for c in $(cases); do
	out=$(check_case "$DUMPS/$c" 2>&1)
	for m in addr pfn; do
		set -- "$tmp/$c".*."$m".json
		[ -e "$1" ] && json_valid "$c: the $# --$m -j documents" "$m" "$@"
	done
	if echo "$out" | grep -q '^FAIL'; then
		bad "$c: --addr/--pfn: $(echo "$out" | grep '^FAIL' | head -n 5 | sed 's/^FAIL //' | tr '\n' ';')"
	elif [[ $out =~ ^([0-9]+)\ (.*)$ ]]; then
		ok "$c: --addr/--pfn: ${BASH_REMATCH[1]} checks passed (first byte, last usable byte and guard page of ${BASH_REMATCH[2]}; holes between the kernel's lines, lazy areas, outside both windows; pfn and direct map map back to the area)"
	else
		bad "$c: --addr/--pfn: $out"
	fi
done
# Usage errors: a line naming the bad value (and the tool's "Try --help"),
# exit 2, nothing on stdout.
c=$(cases | head -n 1)
if [ -n "$c" ]; then
	for args in "-A ffffc9000000zz00|bad address 'ffffc9000000zz00'" \
		    "-N 12,-3|bad page frame '12,-3'" "-A 1,,2|bad address '1,,2'" \
		    "--addr|needs an argument" "-A 1 -g|--gaps cannot be combined with --addr"; do
		# shellcheck disable=SC2086
		"$VMAPX" "$DUMPS/$c/vmcore.kdump" ${args%%|*} >"$tmp/u.out" 2>"$tmp/u.err"
		rc=$?
		if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/u.err")" -le 2 ] && grep -q -- "${args#*|}" "$tmp/u.err" &&
		   [ ! -s "$tmp/u.out" ]; then
			ok "vmapx ${args%%|*}: exit 2: $(head -n 1 "$tmp/u.err")"
		else
			bad "vmapx ${args%%|*}: exit $rc, want 2 and '${args#*|}': $(head -n 2 "$tmp/u.err")"
		fi
	done
fi

# Dumps filtered by makedumpfile -d 31: the page tables are kernel pages
# every filter keeps, so the first area's first page maps back through
# --pfn; exit 3 only with what was skipped said on stderr.
for c in $(kdump_cases); do
	d=$DUMPS/$c
	first=$(awk 'NR == 1 { print $1 }' "$d/vmallocinfo.raw")
	start=${first%-*} end=${first#*-}
	"$VMAPX" -j -A "$start,$(printf %x $((end - 4096)))" "$d/vmcore.kdump" >"$tmp/a.json" 2>"$tmp/a.err"
	rc=$?
	# exit 3 only with the skips said: with -j, a JSON report on stderr
	if [ $rc -ne 0 ] && { [ $rc -ne 3 ] || ! grep -q '"skipped":\[{' "$tmp/a.err"; }; then
		bad "$c: --addr exits $rc: $(head -n 2 "$tmp/a.err")"
		continue
	fi
	json_valid "$c: --addr -j on a filtered dump" addr "$tmp/a.json"
	got=$(jq -r '[.addresses[0].where, .addresses[0].area.start, .addresses[0].offset,
		     .addresses[1].where, .addresses[1].page] | map(tostring) | join(" ")' "$tmp/a.json")
	pfn=$(jq -r '.addresses[0].page.pfn // empty' "$tmp/a.json")
	want="area $(printf '0x%016x' "$start") 0 guard null"
	if [ "$got" != "$want" ] || [ -z "$pfn" ]; then
		bad "$c: --addr of the first area's first byte and guard page: '$got' (pfn '$pfn'), want '$want' and a pfn"
		continue
	fi
	"$VMAPX" -j -N "$pfn" "$d/vmcore.kdump" >"$tmp/p.json" 2>"$tmp/p.err"
	json_valid "$c: --pfn -j on a filtered dump" pfn "$tmp/p.json"
	back=$(jq -r '.addresses[0].mapped_by[] | select(.address == "'"$(printf '0x%016x' "$start")"'") | .area.start' "$tmp/p.json")
	if [ "$back" = "$(printf '0x%016x' "$start")" ]; then
		ok "$c: --addr/--pfn on a filtered dump (exit $rc): the first area's first byte maps to pfn $pfn and back, its guard page is not mapped"
	else
		bad "$c: --pfn $pfn: not mapped back to $start: $(jq -c '.addresses[0].mapped_by | map(.address)' "$tmp/p.json")"
	fi
done
# A page frame beyond the 52-bit physical address space is refused (its
# "phys" was pfn << 12 wrapped); the last one below it is looked up. (Any
# case: with only kdump cases in $DUMPS, cases() names none.)
c=$(cases | head -n 1)
[ -n "$c" ] || c=$(kdump_cases | head -n 1)
"$VMAPX" --pfn=0xffffffffffffffff "$DUMPS/$c/vmcore.kdump" >"$tmp/p.out" 2>"$tmp/p.err"
rc=$?
"$VMAPX" --pfn=0xffffffffff "$DUMPS/$c/vmcore.kdump" >"$tmp/p2.out" 2>/dev/null
rc2=$?
if [ $rc -eq 2 ] && grep -q -- "--pfn: page frame '0xffffffffffffffff' beyond the physical address space" "$tmp/p.err" &&
   [ ! -s "$tmp/p.out" ] && { [ $rc2 -eq 0 ] || [ $rc2 -eq 3 ]; } && ! grep -q 'phys 0xfffffffffffff000' "$tmp/p2.out"; then
	ok "$c: --pfn 2^64-1 is a usage error naming --pfn; 2^40-1 is looked up (exit $rc2)"
else
	bad "$c: --pfn 2^64-1 exits $rc ($(head -n 1 "$tmp/p.err")), 2^40-1 exits $rc2"
fi
finish

#!/usr/bin/env python3
"""Compare vmapx's output on a filtered dump with the vmallocinfo captured at
the same instant.  Prints: identical unknown missed invented (one line).
A line with a "[... unknown ...]" marker matches a captured line that starts
with the text before the marker (for a vm_struct lost: the range and size;
for node counts lost: everything but the N<n>= fields)."""
import sys

def main(out_path, raw_path):
    raw = open(raw_path).read().splitlines()
    out = open(out_path).read().splitlines()
    pool = {}
    for line in raw:
        pool[line] = pool.get(line, 0) + 1
    used = set()
    identical = unknown = invented = 0
    for line in out:
        if pool.get(line, 0) > 0:
            pool[line] -= 1
            identical += 1
            continue
        if ' [' in line and line.endswith(']'):
            prefix = line[:line.index(' [')]
            hit = [r for r in raw if pool.get(r, 0) > 0 and
                   (r == prefix or r.startswith(prefix + ' '))]
            if hit:
                pool[hit[0]] -= 1
                unknown += 1
                continue
        invented += 1
        print('invented: ' + line, file=sys.stderr)
    missed = sum(n for n in pool.values())
    print(identical, unknown, missed, invented)

main(sys.argv[1], sys.argv[2])

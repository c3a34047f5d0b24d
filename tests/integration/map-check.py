#!/usr/bin/env python3
"""Check a vmapx --map SVG against its rendering and the --frag -j figures.

    map-check.py SVG PNG FRAG_JSON [VMALLOCINFO]

SVG is one window's map, PNG its rendering by rsvg-convert, FRAG_JSON the
output of vmapx --frag -j of the same dump.  What is measured: the grid,
the rectangle that <g id="grid"> names with its data-x/-y/-width/-height
attributes (nothing else of the picture).  In it, the pixels of each
kind's colour (the fill the SVG gives that data-kind) are counted in the
PNG; a cell is data-cell-width x data-row-height pixels and stands for
data-unit bytes.  Then, window by window:

  busy kinds (stack ... lost)  cells * unit  = busy_bytes
  percpu                       cells * unit  = percpu_bytes
  lazy, purging, pooled        cells * unit  = lazy_, purging_, pooled_bytes
  unaccounted                  cells * unit  = unaccounted_bytes
  free            cells * unit + data-bytes of the breaks = free_bytes
  the <g id="largest"> extent's data-bytes  = largest_free

each within the drawing's resolution: exactly when a cell is a page (every
range is whole pages), else one cell per range of those kinds (a range is
cut to whole cells where it starts and ends).  With VMALLOCINFO (a dump that holds all of
memory, whose /proc/vmallocinfo is that file), every line of the file in
this window is the <title> of an area, and every busy area's title that
is a line is one of the file's.

Prints one line of figures; exits 1 with the differences, 0 when it holds.
"""
import json
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

SVG = "{http://www.w3.org/2000/svg}"
BUSY = ["stack", "module", "bpf", "ioremap", "percpu", "vmalloc", "vmap", "vm_map_ram", "lost"]


def png_rows(path, y_end):
    """The RGB(A) rows 0 .. y_end-1 of an 8-bit PNG, unfiltered."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("%s: not a PNG" % path)
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    width, height, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise SystemExit("%s: PNG of depth %d, colour type %d, interlace %d not handled" %
                         (path, depth, ctype, interlace))
    bpp = 4 if ctype == 6 else 3
    stride = width * bpp
    raw = zlib.decompressobj()
    buf = b""
    prev = bytearray(stride)
    rows = []
    chunks = iter(idat)
    for y in range(min(y_end, height)):
        while len(buf) < stride + 1:
            buf += raw.decompress(next(chunks))
        f, line = buf[0], bytearray(buf[1:stride + 1])
        buf = buf[stride + 1:]
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return rows, bpp, width


def count_colours(rows, bpp, x0, y0, w, h):
    counts = {}
    for y in range(y0, y0 + h):
        line = rows[y]
        for x in range(x0, x0 + w):
            i = x * bpp
            rgb = "#%02x%02x%02x" % (line[i], line[i + 1], line[i + 2])
            counts[rgb] = counts.get(rgb, 0) + 1
    return counts


def main(argv):
    svg_path, png_path, frag_path = argv[1:4]
    lines_path = argv[4] if len(argv) > 4 else None
    root = ET.parse(svg_path).getroot()
    grid = root.find(".//%sg[@id='grid']" % SVG)
    if grid is None:
        raise SystemExit("%s: no <g id=\"grid\">" % svg_path)
    geo = {k[5:]: int(v) for k, v in grid.attrib.items() if k.startswith("data-")}
    cell_px = geo["cell-width"] * geo["row-height"]
    unit = geo["unit"]
    title = root.find("%stitle" % SVG).text
    name = title.split()[2]
    frag = json.load(open(frag_path))
    win = next(w for w in frag["windows"] if w["name"] == name)

    colour, ranges, breaks, titles = {}, {}, 0, []
    for g in grid.findall("%sg" % SVG):
        kind = g.get("data-kind")
        t = g.find("%stitle" % SVG)
        rect = g.find("%srect" % SVG)
        if t is None or not t.text:
            raise SystemExit("%s: a range without its <title>" % svg_path)
        if kind == "break":
            breaks += int(g.get("data-bytes"))
            continue
        if rect is not None:
            colour[kind] = rect.get("fill")
        ranges[kind] = ranges.get(kind, 0) + 1
        if g.get("data-state") in ("busy", "lazy"):
            titles.append((g.get("data-state"), t.text))
    if len(set(colour.values())) != len(colour):
        raise SystemExit("%s: two kinds share a colour" % svg_path)

    rows, bpp, width = png_rows(png_path, geo["y"] + geo["height"])
    counts = count_colours(rows, bpp, geo["x"], geo["y"], geo["width"], geo["height"])
    cells = {k: counts.get(c, 0) / cell_px for k, c in colour.items()}
    drawn = sum(cells.values())
    if not drawn:
        return fail(["the grid is blank: no pixel of any kind's colour"])

    def check(what, kinds, want, extra=0):
        got = sum(cells.get(k, 0) for k in kinds) * unit + extra
        # ranges are whole pages: at a page a cell, nothing is rounded
        slack = 0 if unit == 4096 else (sum(ranges.get(k, 0) for k in kinds) + 1) * unit
        return abs(got - want) <= slack, "%s %d bytes drawn, --frag %d" % (what, got, want), abs(got - want)

    results = [
        check("busy", BUSY, win["busy_bytes"]),
        check("percpu", ["percpu"], win["percpu_bytes"]),
        check("lazy", ["lazy"], win["lazy_bytes"]),
        check("purging", ["purging"], win["purging_bytes"]),
        check("pooled", ["pooled"], win["pooled_bytes"]),
        check("unaccounted", ["unaccounted"], win["unaccounted_bytes"]),
        check("free", ["free"], win["free_bytes"], breaks),
    ]
    bad = [r[1] for r in results if not r[0]]
    largest = root.find(".//%sg[@id='largest']" % SVG)
    if win["largest_free"] and (largest is None or int(largest.get("data-bytes")) != win["largest_free"]):
        bad.append("largest free extent marked %s, --frag says %d" %
                   (None if largest is None else largest.get("data-bytes"), win["largest_free"]))
    if lines_path:
        bad += check_titles(lines_path, win, titles)
    if bad:
        return fail(bad)
    print("%s: %d px rows of %d px, 1 cell = %d px = %d bytes; busy %d cells, free %d cells + %d bytes in breaks; "
          "largest deviation %d bytes; %d titled areas" %
          (name, len(rows), width, cell_px, unit, sum(cells.get(k, 0) for k in BUSY),
           cells.get("free", 0), breaks, max(r[2] for r in results), len(titles)))
    return 0


def check_titles(path, win, titles):
    start, end = int(win["start"], 16), int(win["end"], 16)
    lines = set()
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"0x([0-9a-f]{16})-", line)
        if m and start <= int(m.group(1), 16) <= end:
            lines.add(line.rstrip("\n"))
    have = {t for _, t in titles}
    bad = []
    missing = lines - have
    if missing:
        bad.append("%d lines of the window are no area's title, e.g. %s" % (len(missing), sorted(missing)[0]))
    strange = [t for s, t in titles if s == "busy" and t.startswith("0x") and t not in lines]
    if strange:
        bad.append("%d busy titles are not vmallocinfo lines, e.g. %s" % (len(strange), strange[0]))
    return bad


def fail(bad):
    print("; ".join(bad))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""File-level corruption of real dumps, run through vmapx (ASan/UBSan build).

    filemut.py [--long] VMAPX WORKDIR DUMP...

Without --long (CI) each dump gets its header truncations, 4 page
truncations and an evenly spaced 24 of its field rewrites; --long runs
them all and 64 page truncations.

For each DUMP (kdump-compressed, makedumpfile-flattened or ELF, told by
its signature) a DETERMINISTIC list of mutations is made from the file's
own headers: truncations at every header boundary and at page boundaries
(a copy of the first N bytes), and header field rewrites (zero, all ones,
off by one, doubled, huge) of the disk_dump_header, kdump_sub_header,
bitmaps and page descriptors, the flattened header and record headers, the
ELF header and program headers.  Field rewrites go into one working copy,
restored after each run.  Every run must end with status 0, 2 or 3, no
signal, no sanitizer report, within TIMEOUT seconds and RSS_MIB, and an
error must be one line naming the file.  Prints counts by outcome; exit 1
if a rule was broken (each is listed).
"""
import os
import shutil
import struct
import subprocess
import sys
import time

TIMEOUT = int(os.environ.get("CORRUPT_TIMEOUT", "60"))
RSS_MIB = int(os.environ.get("CORRUPT_RSS_MIB", "2048"))
PAGE = 4096


def u32_variants(v):
    return sorted({0, 0xFFFFFFFF, 0x7FFFFFFF, (v + 1) & 0xFFFFFFFF,
                   (v - 1) & 0xFFFFFFFF, (v * 2) & 0xFFFFFFFF} - {v})


def u64_variants(v):
    m = (1 << 64) - 1
    return sorted({0, m, 1 << 62, (v + PAGE) & m, (v - 1) & m,
                   (v * 2) & m} - {v})


def field_mutations(data, fields):
    """fields: (name, offset, fmt) -> [(what, offset, bytes)]."""
    out = []
    for name, off, fmt in fields:
        size = struct.calcsize(fmt)
        if off + size > len(data):
            continue
        (v,) = struct.unpack_from(fmt, data, off)
        vs = u32_variants(v) if size == 4 else u64_variants(v)
        for nv in vs:
            out.append(("%s=%#x" % (name, nv), off,
                        struct.pack(fmt, nv & ((1 << (8 * size)) - 1))))
    return out


def kdump_plan(path, size):
    with open(path, "rb") as f:
        head = f.read(1 << 20)
    fields = [("header_version", 8, "<I")]
    names = ["status", "block_size", "sub_hdr_size", "bitmap_blocks",
             "max_mapnr", "total_ram_blocks", "device_blocks",
             "written_blocks", "current_cpu", "nr_cpus"]
    # disk_dump_header: signature[8], header_version, new_utsname (390),
    # struct timeval (aligned to 8: 408..424), then these ints.
    fields += [(n, 424 + 4 * i, "<I") for i, n in enumerate(names)]
    block, sub_blocks, bitmap_blocks = struct.unpack_from("<iiI", head, 428)
    sub = block
    sub_names = ["phys_base", "dump_level+split", "start_pfn", "end_pfn",
                 "offset_vmcoreinfo", "size_vmcoreinfo", "offset_note",
                 "size_note", "offset_eraseinfo", "size_eraseinfo",
                 "start_pfn_64", "end_pfn_64", "max_mapnr_64"]
    fields += [(n, sub + 8 * i, "<Q") for i, n in enumerate(sub_names)]
    bitmap = block * (1 + sub_blocks)
    descs = bitmap + block * bitmap_blocks
    muts = field_mutations(head, fields)
    muts.append(("signature", 0, b"XDUMP   "))
    with open(path, "rb") as f:
        for k in (0, 1, 2, 7, 64, 257):          # page descriptors
            f.seek(descs + 24 * k)
            d = f.read(24)
            if len(d) < 24:
                break
            for w, off, b in field_mutations(d, [("offset", 0, "<Q"),
                                                 ("size", 8, "<I"),
                                                 ("flags", 12, "<I")]):
                muts.append(("desc%d.%s" % (k, w), descs + 24 * k + off, b))
        for frac in (0, 1, 2, 3):                 # bitmap bytes
            at = bitmap + frac * (block * bitmap_blocks - 1) // 3
            f.seek(at)
            b = f.read(1)
            if b:
                muts.append(("bitmap+%d" % (at - bitmap), at,
                             bytes([b[0] ^ 0xFF])))
        f.seek(descs)
        first_data = struct.unpack("<q", f.read(8))[0]
    cuts = [0, 4, 8, 12, 402, 424, 464, block - 1, block, block + 8,
            block + 40, block * (1 + sub_blocks), bitmap + block,
            bitmap + block * bitmap_blocks // 2, descs, descs + 24,
            descs + 24 * 100, first_data, first_data + 1]
    return muts, cuts


def flat_plan(path, size):
    with open(path, "rb") as f:
        head = f.read(PAGE + 16)
    fields = [("type", 16, ">Q"), ("version", 24, ">Q"),
              ("rec0.offset", PAGE, ">Q"), ("rec0.size", PAGE + 8, ">Q")]
    muts = field_mutations(head, fields)
    muts.append(("signature", 0, b"makedumpfilX"))
    rec0 = struct.unpack_from(">q", head, PAGE + 8)[0] if len(head) >= PAGE + 16 else 0
    cuts = [0, 12, 16, 4095, PAGE, PAGE + 8, PAGE + 16, PAGE + 16 + rec0 - 1,
            PAGE + 16 + rec0, PAGE + 16 + rec0 + 8]
    return muts, cuts


def elf_plan(path, size):
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    phoff, = struct.unpack_from("<Q", head, 32)
    phentsize, phnum = struct.unpack_from("<HH", head, 54)
    fields = [("e_type", 16, "<H"), ("e_phoff", 32, "<Q"),
              ("e_phentsize", 54, "<H"), ("e_phnum", 56, "<H")]
    cuts = [0, 16, 52, 64, phoff, phoff + phentsize]
    for i in range(min(phnum, 4)):
        p = phoff + i * phentsize
        fields += [("ph%d.p_offset" % i, p + 8, "<Q"),
                   ("ph%d.p_vaddr" % i, p + 16, "<Q"),
                   ("ph%d.p_paddr" % i, p + 24, "<Q"),
                   ("ph%d.p_filesz" % i, p + 32, "<Q")]
        off, = struct.unpack_from("<Q", head, p + 8)
        filesz, = struct.unpack_from("<Q", head, p + 32)
        cuts += [off, off + min(filesz, 1 << 20) // 2]
    cuts.append(phoff + phnum * phentsize)
    muts = []
    for name, off, fmt in fields:
        n = struct.calcsize(fmt)
        (v,) = struct.unpack_from(fmt, head, off)
        for nv in ([0, (1 << 8 * n) - 1, v + 1, v * 2] if n == 2 else
                   u64_variants(v)):
            nv &= (1 << 8 * n) - 1
            if nv != v:
                muts.append(("%s=%#x" % (name, nv), off, struct.pack(fmt, nv)))
    return muts, cuts


def page_cuts(size, n):
    """n truncations at page boundaries spread over the file."""
    pages = size // PAGE
    return sorted({PAGE * (pages * i // n) for i in range(1, n)} |
                  {PAGE * pages, size - 1})


def run(vmapx, path, what, stats, failures):
    t0 = time.monotonic()
    proc = subprocess.Popen(["timeout", "-s", "KILL", str(TIMEOUT), vmapx, path],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode("utf-8", "replace")
    _, status, ru = os.wait4(proc.pid, 0)
    rc = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss // 1024
    lines = err.rstrip("\n").split("\n") if err else []
    if rc < 0 or rc >= 124:
        out = "SIGNAL" if rc != 137 else "TIMEOUT"
    elif "Sanitizer" in err or "runtime error" in err:
        out = "SANITIZER"
    elif rss > RSS_MIB:
        out = "RSS"
    elif rc not in (0, 2, 3):
        out = "BAD-EXIT"
    elif rc == 2 and (len(lines) != 1 or path not in lines[0]):
        out = "BAD-ERROR"
    else:
        out = {0: "ok(0)", 2: "error(2)", 3: "incomplete(3)"}[rc]
    stats[out] = stats.get(out, 0) + 1
    if out not in ("ok(0)", "error(2)", "incomplete(3)"):
        failures.append("%s: %s: %s (status %d, %.1f s, %d MiB): %s" % (
            out, os.path.basename(path), what, rc, time.monotonic() - t0,
            rss, err[-400:].strip().replace("\n", " | ")))


def plan_for(path):
    with open(path, "rb") as f:
        sig = f.read(16)
    if sig.startswith(b"KDUMP   ") or sig.startswith(b"DISKDUMP"):
        return "kdump", kdump_plan
    if sig.startswith(b"makedumpfile"):
        return "flat", flat_plan
    if sig.startswith(b"\x7fELF"):
        return "elf", elf_plan
    return None, None


def main():
    args = sys.argv[1:]
    long_mode = "--long" in args
    args = [a for a in args if a != "--long"]
    if len(args) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    vmapx, work, dumps = args[0], args[1], args[2:]
    os.makedirs(work, exist_ok=True)
    stats, failures, total = {}, [], 0
    for dump in dumps:
        kind, plan = plan_for(dump)
        if not plan:
            print("filemut: %s: not a dump I know, skipped" % dump)
            continue
        size = os.path.getsize(dump)
        muts, cuts = plan(dump, size)
        cuts = sorted({c for c in cuts + page_cuts(size, 64 if long_mode else 4)
                       if 0 <= c < size})
        if not long_mode and len(muts) > 24:
            muts = [muts[i * len(muts) // 24] for i in range(24)]
        case = os.path.basename(os.path.dirname(os.path.abspath(dump)))
        cut_path = os.path.join(work, "%s-cut.%s" % (case, kind))
        for n in cuts:
            with open(dump, "rb") as src, open(cut_path, "wb") as dst:
                left = n
                while left:
                    chunk = src.read(min(left, 1 << 20))
                    dst.write(chunk)
                    left -= len(chunk)
            run(vmapx, cut_path, "truncated to %d bytes" % n, stats, failures)
            total += 1
        os.unlink(cut_path)
        # A 1 GB ELF copy is for the long mode only.
        if kind == "elf" and not long_mode:
            continue
        copy = os.path.join(work, "%s-mut.%s" % (case, kind))
        shutil.copyfile(dump, copy)
        os.chmod(copy, 0o600)
        with open(copy, "r+b") as f:
            for what, off, new in muts:
                f.seek(off)
                old = f.read(len(new))
                f.seek(off)
                f.write(new)
                f.flush()
                run(vmapx, copy, what, stats, failures)
                f.seek(off)
                f.write(old)
                f.flush()
                total += 1
        os.unlink(copy)
    for line in failures:
        print("filemut: FAIL " + line)
    print("filemut: %d file mutations of %d dumps: %s" % (
        total, len(dumps), " ".join("%s %d" % kv for kv in sorted(stats.items()))))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

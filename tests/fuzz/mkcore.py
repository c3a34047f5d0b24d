#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Tiny dump files for fuzz_dumpopen's corpus: OUTDIR/mini.elf (an x86_64
ELF core: VMCOREINFO note, one CPU's NT_PRSTATUS, two PT_LOADs of the
direct map) and OUTDIR/mini.flat (the same in makedumpfile's flattened
layout, in three records).  Small enough to mutate quickly; everything a
reader needs to get past the headers."""
import struct
import sys

PAGE = 4096
DIRECT_MAP = 0xFFFF888000000000


def note(name, ntype, desc):
    name = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(name), len(desc), ntype) + pad(name) + pad(desc)


def elf_core():
    info = ("OSRELEASE=6.1.0-mini\nPAGESIZE=4096\nKERNELOFFSET=0\n"
            "SYMBOL(init_top_pgt)=ffffffff82a0a000\nNUMBER(pgtable_l5_enabled)=0\n"
            "SYMBOL(_stext)=ffffffff81000000\nNUMBER(phys_base)=0\n").encode()
    notes = note("CORE", 1, b"\0" * 336) + note("VMCOREINFO", 0, info)
    phnum = 3
    off = 64 + 56 * phnum
    data_off = (off + len(notes) + PAGE - 1) // PAGE * PAGE
    ph = struct.pack("<IIQQQQQQ", 4, 0, off, 0, 0, len(notes), len(notes), 0)
    for i in range(2):
        ph += struct.pack("<IIQQQQQQ", 1, 7, data_off + i * 2 * PAGE,
                          DIRECT_MAP + i * 0x100000, i * 0x100000,
                          2 * PAGE, 2 * PAGE, PAGE)
    ehdr = struct.pack("<4sBBBBB7sHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0,
                       b"\0" * 7, 4, 62, 1, 0, 64, 0, 0, 64, 56, phnum, 0, 0, 0)
    body = ehdr + ph + notes
    body += b"\0" * (data_off - len(body))
    body += bytes((i * 7) & 0xFF for i in range(4 * PAGE))
    return body


def flat(plain):
    head = b"makedumpfile".ljust(16, b"\0") + struct.pack(">qq", 1, 1)
    out = head.ljust(PAGE, b"\0")
    cut = [0, 200, 5000, len(plain)]
    for a, b in zip(cut, cut[1:]):
        out += struct.pack(">qq", a, b - a) + plain[a:b]
    return out + struct.pack(">qq", -1, -1)


core = elf_core()
open(sys.argv[1] + "/mini.elf", "wb").write(core)
open(sys.argv[1] + "/mini.flat", "wb").write(flat(core))

#!/usr/bin/env python3
"""Check `vmapx -j --owners` of one case against what the guest itself said.

owners-check.py CASE_DIR OWNERS_JSON

Prints "ok ..." / "FAIL ..." / "skip ..." lines; exit 1 if any FAIL.
 - thread stacks: every area a task or the stack cache owns is claimed
   once; the stack areas of the fork path in vmallocinfo.raw (the guest's
   own file) are exactly the areas owned by a task or the stack cache;
   every task with a vmalloc stack has its own area;
 - modules: every module memory area (load_module, module_alloc,
   execmem_alloc_rw) has a module owner, and an area a region owns alone is
   that region's own size, page-aligned, plus the guard page;
 - ioremap (iomem.txt, /proc/iomem from the guest): the owner is the
   deepest resource holding phys= and its parents, as /proc/iomem nests them;
 - per-cpu chunks: every pcpu_get_vm_areas area of vmallocinfo.raw is the
   units of a chunk (on 5.9-5.13 the memcg chunks are on a second set of
   lists, PCPU_NR_CHUNK_TYPES); the pcpu_create_chunk arrays named are counted;
 - n_tty_open (ttys.txt, the ttys open in the guest): the ttys owning
   n_tty_open areas are the ttys the guest had open, and each names every
   process that held it open (pid and comm, found through their open files);
   the pty pair vcap holds (capture format 2: /dev/ptmx:N and /dev/pts/N,
   nobody's controlling tty) is ptmN and ptsN;
 - swap (swaps.txt, /proc/swaps from the guest, cases made with --swap):
   each swap map area (__do_sys_swapon) is owned by a swap /proc/swaps
   names, each swap owns exactly one, of at least its pages in bytes; the
   swap_cgroup_swapon areas are those swaps' too, one each (a kernel whose
   swapon vmallocs nothing, 7.x, is a skip saying so, and does not count as
   a case that had swap on);
 - zram: the tables (disksize_store), 6.12's compression buffers
   (zcomp_cpu_up_prepare) and lz4 memory (lz4_create) of zram are owned by a
   zram<N>, and one named in swaps.txt when the guest swapped on it (not
   checked on a kernel without module BTF, where the zram rule does not run).
"""
import json
import os
import re
import sys

FORK_CALLERS = ('kernel_clone', 'copy_process', 'dup_task_struct',
                'alloc_thread_stack_node', '_do_fork', 'fork_idle')
MODULE_CALLERS = ('load_module', 'module_alloc', 'execmem_alloc_rw')
PAGE = 4096

fails = 0


def ok(msg):
    print('ok ' + msg)


def bad(msg):
    global fails
    fails += 1
    print('FAIL ' + msg)


def raw_lines(case_dir):
    out = []
    for line in open(os.path.join(case_dir, 'vmallocinfo.raw')):
        f = line.split()
        if len(f) < 3 or '-' not in f[0]:
            continue
        start = int(f[0].split('-')[0], 16)
        caller = f[2].split('+')[0]
        phys = None
        for w in f[3:]:
            if w.startswith('phys='):
                phys = int(w[5:], 16)
        out.append((start, int(f[1]), caller, phys, line.rstrip()))
    return out


def check_stacks(case, raw, areas, doc):
    stack_kinds = ('task stack', 'stack cache')
    owned = [a for a in areas if a['kind'] in stack_kinds]
    twice = [a for a in owned if a['claims'] != 1]
    if twice:
        bad('%s: %d stack areas claimed by more than one owner, first %s: %s'
            % (case, len(twice), twice[0]['start'], twice[0]['owner']))
    else:
        ok('%s: each of %d stack areas has exactly one owner' % (case, len(owned)))
    fork = {s for s, _, c, _, _ in raw if c in FORK_CALLERS}
    owned_starts = {int(a['start'], 16) for a in owned}
    if fork == owned_starts:
        ok('%s: the %d fork-path stack areas of vmallocinfo.raw are the areas '
           'owned by a task (%d) or the stack cache (%d)'
           % (case, len(fork), sum(a['kind'] == 'task stack' for a in owned),
              sum(a['kind'] == 'stack cache' for a in owned)))
    else:
        bad('%s: fork-path stack areas %d, owned %d; not owned: %s; owned, not fork-path: %s'
            % (case, len(fork), len(owned_starts),
               [hex(x) for x in sorted(fork - owned_starts)[:3]],
               [hex(x) for x in sorted(owned_starts - fork)[:3]]))
    tasks = sum(a['kind'] == 'task stack' for a in owned)
    if doc['tasks_vmap_stack'] == tasks:
        ok('%s: %d tasks with a vmalloc stack, %d task stacks attributed'
           % (case, doc['tasks_vmap_stack'], tasks))
    else:
        bad('%s: %d tasks with a vmalloc stack but %d task stacks attributed'
            % (case, doc['tasks_vmap_stack'], tasks))


def check_modules(case, areas):
    mods = [a for a in areas if a['caller'].split(' ')[0] in MODULE_CALLERS]
    unknown = [a for a in mods if a['kind'] != 'module']
    if unknown:
        bad('%s: %d module memory areas without a module owner, first %s %s'
            % (case, len(unknown), unknown[0]['start'], unknown[0]['caller']))
    own = [a for a in areas if a['kind'] == 'module' and a.get('region_size')]
    wrong = [a for a in own
             if a['size'] != (a['region_size'] + PAGE - 1) // PAGE * PAGE + PAGE]
    if wrong:
        a = wrong[0]
        bad('%s: %d module areas not their region\'s size, first %s (%s): area %d, region %d'
            % (case, len(wrong), a['start'], a['owner'], a['size'], a['region_size']))
    if not unknown and not wrong:
        ok('%s: %d module memory areas owned by their module, %d of them the '
           'size of their own region' % (case, len(mods), len(own)))
    if not mods:
        bad('%s: no module memory area at all (the guest loads modules)' % case)


def check_percpu(case, raw, by_start):
    """Every chunk's units are named; its arrays are counted (one 8 KiB
    pcpu_create_chunk array on 6.1/6.12 belongs to no chunk on the lists:
    doc/kernel.md §10.6)."""
    units = [s for s, _, c, _, _ in raw if c == 'pcpu_get_vm_areas']
    wrong = [(hex(s), by_start[s]['owner'] if s in by_start else '(no area)')
             for s in units
             if s not in by_start or by_start[s]['kind'] != 'percpu' or
             'units of group' not in by_start[s]['owner']]
    arrays = [s for s, _, c, _, _ in raw if c == 'pcpu_create_chunk']
    named = sum(1 for s in arrays if s in by_start and by_start[s]['kind'] == 'percpu')
    if wrong:
        bad('%s: %d of %d pcpu_get_vm_areas areas not a chunk\'s units, first %s'
            % (case, len(wrong), len(units), wrong[0]))
    elif units:
        chunks = {by_start[s]['group'] for s in units}
        ok('%s: the %d pcpu_get_vm_areas areas are the units of %d chunks; %d of %d '
           'pcpu_create_chunk arrays named' % (case, len(units), len(chunks), named,
                                               len(arrays)))


def parse_iomem(path):
    """/proc/iomem as a list of (start, end, name, parent index)."""
    nodes, stack = [], []
    for line in open(path):
        m = re.match(r'^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$', line.rstrip('\n'))
        if not m:
            continue
        depth = len(m.group(1)) // 2
        del stack[depth:]
        parent = stack[-1] if stack else None
        nodes.append((int(m.group(2), 16), int(m.group(3), 16), m.group(4), parent))
        stack.append(len(nodes) - 1)
    return nodes


def iomem_chain(nodes, phys):
    """The deepest resource holding phys, then its parents, as vmapx words it."""
    best, depth_best = None, -1
    for i, (s, e, _, _) in enumerate(nodes):
        if s <= phys <= e:
            depth, p = 0, nodes[i][3]
            while p is not None:
                depth, p = depth + 1, nodes[p][3]
            if depth > depth_best:
                best, depth_best = i, depth
    names = []
    while best is not None:
        names.append(nodes[best][2])
        best = nodes[best][3]
    return ' < '.join(names)


def check_iomem(case, case_dir, raw, by_start):
    nodes = parse_iomem(os.path.join(case_dir, 'iomem.txt'))
    io = [(s, p) for s, _, _, p, line in raw if p is not None and line.endswith('ioremap')]
    wrong = []
    for s, p in io:
        want = iomem_chain(nodes, p)
        got = by_start.get(s)
        got_text = got['owner'] if got else '(no area)'
        if (want and got_text != 'iomem ' + want) or (not want and got['kind'] != 'unknown'):
            wrong.append((hex(s), hex(p), want, got_text))
    if wrong:
        bad('%s: %d of %d ioremap owners differ from /proc/iomem, first %s phys %s: '
            'iomem.txt says "%s", vmapx "%s"' % ((case, len(wrong), len(io)) + wrong[0]))
    elif not io:
        bad('%s: no ioremap area in vmallocinfo.raw (the guest has ACPI and PCI)' % case)
    else:
        ok('%s: %d ioremap owners are /proc/iomem\'s resources' % (case, len(io)))


def guest_ttys(case_dir):
    """{tty name: {(pid, comm) holding it}} from ttys.txt, None if unnamable."""
    meta = open(os.path.join(case_dir, 'meta.json')).read()
    m = re.search(r'console=(tty[A-Za-z]*[0-9]+)', meta)
    names = {}
    for line in open(os.path.join(case_dir, 'ttys.txt')):
        f = line.split()
        if len(f) < 4:
            continue
        path = f[3]
        if path == '/dev/console':
            if not m:
                return None
            name = m.group(1)
        elif path.startswith('/dev/pts/'):
            name = 'pts' + path[len('/dev/pts/'):]
        elif path.startswith('/dev/ptmx:'):
            name = 'ptm' + path[len('/dev/ptmx:'):]
        elif path == '/dev/ptmx':   # a kernel whose fdinfo says no index
            return None
        elif path != '/dev/tty':
            name = path[len('/dev/'):]
        else:
            continue
        names.setdefault(name, set()).add((f[0], ' '.join(f[4:])))
    return names


def check_ttys(case, case_dir, raw, by_start):
    want = guest_ttys(case_dir)
    if want is None:
        bad('%s: /dev/console is open but meta.json names no console=' % case)
        return
    ntty = [s for s, _, c, _, _ in raw if c == 'n_tty_open']
    got, unowned = set(), 0
    for s in ntty:
        a = by_start.get(s)
        if a and a['kind'] == 'tty':
            got.add(a['group'][len('tty '):])
        else:
            unowned += 1
    if got == set(want) and not unowned:
        ok('%s: the %d n_tty_open areas belong to the ttys the guest had open: %s'
           % (case, len(ntty), ' '.join(sorted(got))))
    else:
        bad('%s: n_tty_open owners %s (%d unowned), ttys open in the guest %s'
            % (case, sorted(got), unowned, sorted(want)))
    texts = {a['group'][len('tty '):]: a['owner'] for a in by_start.values()
             if a['kind'] == 'tty'}
    missing = ['%s: pid %s %s' % (name, pid, comm)
               for name, holders in sorted(want.items()) if name in texts
               for pid, comm in sorted(holders)
               if not re.search(r'(open by|,) pid %s %s(,|$| and)' % (pid, re.escape(comm)),
                                texts[name]) and ' more' not in texts[name]]
    if missing:
        bad('%s: holders the guest listed but vmapx did not name: %s; owners %s'
            % (case, missing[:4], [texts[n] for n in sorted(texts)][:4]))
    else:
        ok('%s: each open tty names the processes holding it (%d holders)'
           % (case, sum(len(h) for h in want.values())))
    pairs = [n[len('ptm'):] for n in want if n.startswith('ptm')]
    if not pairs:
        print('skip %s: no /dev/ptmx:N in ttys.txt (captured before vcap held a pty pair; '
              'dumps/make-all rebuilds it)' % case)
        return
    for i in pairs:
        ends = ['ptm' + i, 'pts' + i]
        if all(e in texts and 'session of' not in texts[e] for e in ends):
            ok('%s: vcap\'s pty pair %s, nobody\'s controlling tty, found through open files'
               % (case, ' '.join(ends)))
            print('pty %s' % case)
        else:
            bad('%s: vcap\'s pty pair %s: owners %s' % (case, ends, [texts.get(e) for e in ends]))


SWAPON_CALLERS = ('__do_sys_swapon', 'sys_swapon', '__se_sys_swapon')
ZRAM_CALLERS = ('disksize_store', 'zcomp_cpu_up_prepare', 'lz4_create')


def guest_swaps(case_dir):
    """/proc/swaps as {name: size in KiB}; None if not captured."""
    path = os.path.join(case_dir, 'swaps.txt')
    if not os.path.exists(path):
        return None
    swaps = {}
    for line in list(open(path))[1:]:
        f = line.split()
        if len(f) >= 3:
            swaps[f[0]] = int(f[2])
    return swaps


def check_swaps(case, swaps, raw, by_start):
    """True when the swaps had map areas to check."""
    maps = [(s, size) for s, size, c, _, _ in raw if c in SWAPON_CALLERS]
    if not maps:
        # 7.x keeps the swap table in the clusters: no swap_map, nothing vzalloc'd by swapon
        print('skip %s: %d swaps on, but no swapon area in vmallocinfo.raw (a kernel without '
              'swap_map)' % (case, len(swaps)))
        return False
    got, wrong = {}, []
    for s, size in maps:
        a = by_start.get(s)
        m = re.match(r'swap (.*) \(map\)$', a['owner']) if a and a['kind'] == 'swap' else None
        if not m or m.group(1) not in swaps or m.group(1) in got:
            wrong.append('%#x %s' % (s, a['owner'] if a else 'no area'))
            continue
        got[m.group(1)] = size
        pages = swaps[m.group(1)] // 4
        if not pages <= size - PAGE < pages + 2 * PAGE:
            wrong.append('%#x: %d bytes of map for %d pages' % (s, size - PAGE, pages))
    if wrong or set(got) != set(swaps):
        bad('%s: swap maps %s, /proc/swaps %s: %s'
            % (case, sorted(got), sorted(swaps), '; '.join(wrong[:3])))
    else:
        ok('%s: the %d swap map areas are the swaps of /proc/swaps: %s'
           % (case, len(maps), ' '.join(sorted(got))))
    cg = [s for s, _, c, _, _ in raw if c == 'swap_cgroup_swapon']
    names = [by_start[s]['group'][len('swap '):] if s in by_start and
             by_start[s]['kind'] == 'swap' else None for s in cg]
    if cg and sorted(n for n in names if n) == sorted(swaps):
        ok('%s: the %d swap_cgroup maps are one for each swap' % (case, len(cg)))
    elif cg:
        bad('%s: swap_cgroup maps owned by %s, /proc/swaps %s' % (case, names, sorted(swaps)))
    return True


def check_zram(case, swaps, raw, by_start, doc):
    ran = [r['ran'] for r in doc.get('rules', []) if r['name'] == 'zram']
    if ran != [True] and not any(n.startswith('/dev/zram') for n in (swaps or {})):
        print('skip %s: the zram rule did not run (a kernel without module BTF)' % case)
        return
    zr = [s for s, _, c, _, line in raw if c in ZRAM_CALLERS and '[zram]' in line]
    devs, wrong = set(), []
    for s in zr:
        a = by_start.get(s)
        m = re.match(r'zram (zram[0-9]+)$', a['group']) if a and a['kind'] == 'zram' else None
        if m:
            devs.add(m.group(1))
        else:
            wrong.append('%#x %s' % (s, a['owner'] if a else 'no area'))
    swapped = set(n[len('/dev/'):] for n in (swaps or {}) if n.startswith('/dev/zram'))
    if wrong or not swapped <= devs:
        bad('%s: zram areas: %s; devices named %s, swapped on %s'
            % (case, '; '.join(wrong[:3]), sorted(devs), sorted(swapped)))
    elif zr:
        ok('%s: the %d zram areas belong to %s' % (case, len(zr), ' '.join(sorted(devs))))


def main():
    case_dir, owners_json = sys.argv[1], sys.argv[2]
    case = os.path.basename(os.path.normpath(case_dir))
    doc = json.load(open(owners_json))
    areas = doc['areas']
    by_start = {int(a['start'], 16): a for a in areas}
    raw = raw_lines(case_dir)
    check_stacks(case, raw, areas, doc)
    check_modules(case, areas)
    check_percpu(case, raw, by_start)
    have = [f for f in ('iomem.txt', 'ttys.txt')
            if os.path.exists(os.path.join(case_dir, f))]
    if 'iomem.txt' in have:
        check_iomem(case, case_dir, raw, by_start)
    if 'ttys.txt' in have:
        check_ttys(case, case_dir, raw, by_start)
    swaps = guest_swaps(case_dir)
    if swaps and check_swaps(case, swaps, raw, by_start):
        print('swapped %s %d' % (case, len(swaps)))
    check_zram(case, swaps, raw, by_start, doc)
    if len(have) < 2:
        print('skip %s: no %s (a case captured before they were; dumps/make-all rebuilds it)'
              % (case, ' and '.join(f for f in ('iomem.txt', 'ttys.txt') if f not in have)))
    print('captured %s %d' % (case, len(have)))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
"""Turn the kernel's +trace lines into something a student can follow.

    tools/trace.py LOG OUT --objdir obj [--kernel obj/kern/kernel] [--prefix riscv64-unknown-elf-] [--fault N]
        writes OUT.txt  a timeline per environment, every pc with its function and source line,
                        named addresses, and the instruction count of each phase of each fault
               OUT.json Chrome trace-event format (Perfetto, chrome://tracing): one track per
                        environment, one per hart; 1 ns on the time axis = 1 instruction
               OUT.svg  a sequence diagram of one fault's life (--fault N, default: the first
                        copy-on-write fault whose handler copied the page)
    tools/trace.py --check OUT.json   validates a JSON file written by this script
    tools/trace.py LOG OUT --doc-check README.md docs/design.md
                                      checks the docs' <!-- checked: trace|timeline --> blocks
                                      against a run (LOG) and its timeline (OUT.txt); with
                                      --doc-update (make doc-trace), lines that match but for
                                      counts, pcs and source lines take the run's text

Line format (kern/trace.c): "trace: ICOUNT hHART EVENT key=value ...". Symbols come from
binutils (addr2line, objdump) for the cross target: no ELF parsing here. Python standard
library only.
"""
import argparse
import json
import os
import re
import subprocess
import sys
from collections import OrderedDict, defaultdict

LINE_RE = re.compile(r'^trace: (\d+) h(\d+) (\w+)((?: \w+=\S*)*)\s*$')
RESTORE_INSNS = 34   # kern/trace.c UPCALL_RESTORE_INSNS: the resume stamp is the faulting insn's


def parse(path):
    events = []
    with open(path, errors='replace') as f:
        for raw in f:
            m = LINE_RE.match(raw.rstrip('\r\n'))
            if not m:
                continue
            kv = OrderedDict(p.split('=', 1) for p in m.group(4).split())
            events.append({'t': int(m.group(1)), 'hart': int(m.group(2)), 'ev': m.group(3), 'kv': kv,
                           'line': raw.rstrip('\r\n')})
    return events


# ---- symbols, through binutils ----

class Symbols:
    def __init__(self, prefix, elf):
        self.prefix, self.elf, self.cache = prefix, elf, {}
        self.sections = []
        self.data = []   # (addr, name) of data symbols, sorted
        if not elf or not os.path.exists(elf):
            return
        out = subprocess.run([prefix + 'objdump', '-h', elf], capture_output=True, text=True).stdout
        for m in re.finditer(r'^\s*\d+ (\.\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s', out, re.M):
            size, vma = int(m.group(2), 16), int(m.group(3), 16)
            if vma and size:
                self.sections.append((vma, vma + size, m.group(1)))
        out = subprocess.run([prefix + 'nm', '-n', elf], capture_output=True, text=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in 'dDbBrRgGsS':
                self.data.append((int(p[0], 16), p[2]))

    def lookup(self, addrs):
        """Resolve pcs in one addr2line run: 'func (file:line) <- caller (file:line)' for inlined code."""
        todo = sorted({a for a in addrs if a not in self.cache})
        if todo and self.elf and os.path.exists(self.elf):
            out = subprocess.run([self.prefix + 'addr2line', '-a', '-f', '-i', '-p', '-e', self.elf] +
                                 ['0x%x' % a for a in todo], capture_output=True, text=True).stdout
            cur = None
            for line in out.splitlines():
                m = re.match(r'^0x([0-9a-f]+): (.*)$', line)
                if m:
                    cur = int(m.group(1), 16)
                    self.cache[cur] = [self._fmt(m.group(2))]
                elif cur is not None and line.startswith(' (inlined by) '):
                    self.cache[cur].append(self._fmt(line[len(' (inlined by) '):]))
        return {a: self.cache.get(a, ['?']) for a in addrs}

    @staticmethod
    def _fmt(s):
        m = re.match(r'^(\S+) at (.*?):(\d+|\?)(?: \(discriminator \d+\))?$', s)
        if not m:
            return s
        path = os.path.relpath(m.group(2)) if os.path.isabs(m.group(2)) else m.group(2)
        return '%s (%s:%s)' % (m.group(1), path, m.group(3))

    def where(self, addr):
        return ' <- '.join(self.lookup([addr])[addr])

    def func(self, addr):
        return self.lookup([addr])[addr][0].split(' ')[0]

    def section(self, va):
        for lo, hi, name in self.sections:
            if lo <= va < hi:
                sym = None
                for a, n in self.data:
                    if a <= va:
                        sym = (a, n)
                if name in ('.data', '.bss', '.rodata', '.sdata', '.sbss') and sym and sym[0] >= lo:
                    off = va - sym[0]
                    return '%s %s%s' % (name, sym[1], '+0x%x' % off if off else '')
                return name
        return None


def kernel_symbols(prefix, kernel):
    """Addresses and lines of the kernel functions a fault goes through, and the length of its return to user
    mode: page_fault_trap's ret, uservec's jump to userret_fast, then userret_fast up to its sret."""
    names = ['uservec_traced', 'uservec', 'page_fault_trap', 'syscall_trap', 'userret_fast', 'userret', 'env_run',
             'sched_yield']
    addr, userret_len = {}, 0
    if kernel and os.path.exists(kernel):
        out = subprocess.run([prefix + 'nm', kernel], capture_output=True, text=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[2] in names:
                addr[p[2]] = int(p[0], 16)
        dis = subprocess.run([prefix + 'objdump', '-d', '--no-show-raw-insn', kernel],
                             capture_output=True, text=True).stdout
        m = re.search(r'<userret_fast>:\n(.*?\n)\s*[0-9a-f]+:\s+sret\n', dis, re.S)
        if m:
            userret_len = 2 + len(re.findall(r'^\s*[0-9a-f]+:\s', m.group(1), re.M)) + 1
    return addr, userret_len


# ---- the model: environments, runs, faults ----

def access(cause):
    return {'store': 'store to', 'load': 'load from'}.get(cause, 'instruction fetch at')


def build(events):
    layout = {}
    envs = OrderedDict()
    faults = []
    pending = defaultdict(list)   # env -> stack of faults not yet resumed
    runs = []                     # (hart, env, start, end, why_end)
    running = {}                  # hart -> (env, start)
    for ev in events:
        kv, t, e = ev['kv'], ev['t'], ev['kv'].get('env')
        if ev['ev'] == 'layout':
            layout = {k: int(v, 16) for k, v in kv.items()}
            continue
        if ev['ev'] == 'new':
            envs[e] = {'name': kv['name'], 'parent': kv['parent'], 'created': t, 'events': []}
        if e and e not in envs:
            envs[e] = {'name': '?', 'parent': '?', 'created': t, 'events': []}
        if ev['ev'] == 'run':
            prev = running.get(ev['hart'])
            if prev:
                runs.append((ev['hart'], prev[0], prev[1], t, kv['why']))
            running[ev['hart']] = (e, t)
        if ev['ev'] == 'free':
            prev = running.get(ev['hart'])
            if prev and prev[0] == e:
                runs.append((ev['hart'], e, prev[1], t, 'exit'))
                del running[ev['hart']]
        if ev['ev'] == 'pgfault':
            f = {'id': len(faults) + 1, 'env': e, 'ev': ev, 'entry': int(kv['entry']), 'hook': t,
                 'calls': [], 'resume': None, 'nested': [],
                 'parent': pending[e][-1] if pending[e] else None}
            if f['parent']:
                f['parent']['nested'].append(f)
            faults.append(f)
            pending[e].append(f)
            ev['fault'] = f
        elif ev['ev'] == 'resume':
            depth = int(kv['depth'])
            for f in reversed(pending[e]):
                if int(f['ev']['kv']['depth']) == depth:
                    f['resume'] = ev
                    ev['fault'] = f
                    pending[e].remove(f)
                    break
        elif 'entry' in kv and pending.get(e):
            pending[e][-1]['calls'].append(ev)
            ev['in_fault'] = pending[e][-1]
        if e:
            envs[e]['events'].append(ev)
    end = events[-1]['t'] if events else 0
    for hart, (e, start) in running.items():
        runs.append((hart, e, start, end, 'end'))
    return layout, envs, faults, runs


class Namer:
    """Names for addresses: the layout the kernel printed, then the program's sections."""

    def __init__(self, layout, syms_for):
        self.l, self.syms_for = layout, syms_for

    def name(self, va, env_name):
        l, pg = self.l, 4096
        if not l:
            return ''
        if l['PFTEMP'] <= va < l['PFTEMP'] + pg:
            return 'PFTEMP'
        if l['UXSTACKTOP'] - pg <= va < l['UXSTACKTOP']:
            return 'exception stack+0x%x' % (va - (l['UXSTACKTOP'] - pg))
        if l['USTACKTOP'] - pg <= va < l['USTACKTOP']:
            return 'stack (top page)'
        if l['USTACKTOP'] - (1 << 21) <= va < l['USTACKTOP'] - pg:
            return 'stack'
        if l['UTEMP'] <= va < l['UTEMP'] + pg:
            return 'UTEMP'
        if l['UTOP'] <= va < l['ULIM']:
            return 'UVPT views' if va >= l['UVPT'] else 'UPAGES' if va >= l['UPAGES'] else 'UENVS'
        sy = self.syms_for(env_name)
        s = sy.section(va)
        if s == '.text':
            return '.text %s' % sy.func(va)
        if s:
            return s
        return 'outside the program image' if va < l['UTOP'] else ''

    def fmt(self, va, env_name):
        n = self.name(va, env_name)
        return '0x%x [%s]' % (va, n) if n else '0x%x' % va


def short_call(ev, namer, env_name):
    """page_map(self, PFTEMP, self, 0x803000 [.data global], RW-U)"""
    args = []
    for k, v in ev['kv'].items():
        if k in ('env', 'ip', 'ra', 'entry', 'ret'):
            continue
        if v.startswith('0x') and k != 'value':
            n = namer.name(int(v, 16), env_name)
            v = n if n in ('PFTEMP', 'UTEMP') else namer.fmt(int(v, 16), env_name)
        elif v == '00000000' and k in ('target', 'src', 'dst'):
            v = 'self'
        args.append(v)
    return 'sys_%s(%s)' % (ev['ev'], ', '.join(args))


def call_text(ev, namer, env_name):
    """page_map(src=self srcva=0x... [PFTEMP] ...) = 0"""
    parts = []
    for k, v in ev['kv'].items():
        if k in ('env', 'ip', 'ra', 'entry', 'ret'):
            continue
        if v.startswith('0x') and k not in ('value',):
            v = namer.fmt(int(v, 16), env_name)
        elif v == '00000000' and k in ('target', 'src', 'dst'):
            v = 'self'
        parts.append('%s=%s' % (k, v))
    return '%s(%s) = %s' % (ev['ev'], ' '.join(parts), ev['kv'].get('ret', '?'))


# ---- (a) the text timeline ----

def text_timeline(envs, faults, runs, namer, syms_for, ksym, kaddr, userret_len):
    out = ['Timeline of a +trace run. ICOUNT is the guest instruction count (instret under -icount',
           'shift=0, less the instructions the tracing itself took). Each environment\'s events, then',
           'every page fault phase by phase.', '']
    out.append('Environments:')
    for eid, e in envs.items():
        out.append('  %s "%s"  parent %s, created at %d' % (eid, e['name'], e['parent'], e['created']))
    out.append('')
    for eid, e in envs.items():
        out.append('== environment %s "%s" ==' % (eid, e['name']))
        sy = syms_for(e['name'])
        for ev in e['events']:
            kv, t = ev['kv'], ev['t']
            if ev['ev'] == 'new':
                what = 'created by %s' % kv['parent']
            elif ev['ev'] == 'run':
                what = 'runs on hart %d at %s (previous: %s, stopped: %s%s)' % (
                    ev['hart'], sy.where(int(kv['ip'], 16)), kv['prev'], kv['why'],
                    ', in ipc_recv' if kv.get('on') else '')
            elif ev['ev'] == 'free':
                what = 'freed (by %s)' % kv['by']
            elif ev['ev'] == 'pgfault':
                f = ev['fault']
                what = 'PAGE FAULT #%d: %s %s at %s; upcall to %s' % (
                    f['id'], access(kv['cause']), namer.fmt(int(kv['va'], 16), e['name']), sy.where(int(kv['ip'], 16)),
                    sy.func(int(kv['handler'], 16)))
            elif ev['ev'] == 'resume':
                what = 'resumed after fault #%d at %s (kernel-free: jr gp)' % (
                    ev['fault']['id'] if 'fault' in ev else 0, sy.where(int(kv['ip'], 16)))
            elif ev['ev'] == 'ipc_recv':
                what = 'receives value %s (perm %s) from %s' % (kv['value'], kv['perm'], kv['from'])
            elif 'entry' in kv:
                ra = int(kv['ra'], 16)
                what = '%s  (returns to %s)%s' % (call_text(ev, namer, e['name']), sy.where(ra - 1).split(' <- ')[0],
                                          '  [in handler of #%d]' % ev['in_fault']['id'] if 'in_fault' in ev else '')
            else:
                what = ev['line']
            out.append('  %10d  %s' % (t, what))
        out.append('')
    for f in faults:
        out.extend(fault_phases(f, envs, namer, syms_for, ksym, kaddr, userret_len))
    return '\n'.join(out) + '\n'


def fault_phases(f, envs, namer, syms_for, ksym, kaddr, userret_len):
    kv, e = f['ev']['kv'], envs[f['env']]
    sy = syms_for(e['name'])
    E, H = f['entry'], f['hook']
    up = H + userret_len
    present = 'page present: a protection fault' + (' (copy-on-write page)' if kv['cause'] == 'store' else '') \
        if kv['present'] == '1' else 'page not present'
    out = ['== page fault #%d: environment %s "%s" ==' % (f['id'], f['env'], e['name']),
           '  %s %s at %s' % (access(kv['cause']), namer.fmt(int(kv['va'], 16), e['name']), sy.where(int(kv['ip'], 16))),
           '  %s; depth %s; frame %s' % (present, kv['depth'], namer.fmt(int(kv['frame'], 16), e['name'])),
           '  %10s  %8s  %s' % ('ICOUNT', 'PHASE', 'STEP')]

    def k(name):
        return ksym(kaddr[name]) if name in kaddr else name
    out.append('  %10d  %8s  trap entry: %s' % (E, '', k('uservec')))
    out.append('  %10d  %8d  kernel: %s -> deliver wrote the frame' % (H, H - E, k('page_fault_trap')))
    out.append('  %10d  %8d  kernel: %s, sret to the upcall %s' % (up, userret_len, k('userret_fast'),
                                                                 sy.where(int(kv['handler'], 16))))
    out.append('  %10s  %8d  = kernel entry to upcall' % ('', up - E))
    last = up
    for c in f['calls']:
        ce = int(c['kv']['entry'])
        out.append('  %10d  %8d  handler (user) until the call, in %s' % (ce, ce - last, sy.func(int(c['kv']['ra'], 16) - 1)))
        out.append('  %10d  %8d  kernel: %s' % (c['t'], c['t'] - ce, call_text(c, namer, e['name'])))
        last = c['t']
    for n in f['nested']:
        out.append('  %10s  %8s  (fault #%d happened inside this handler)' % ('', '', n['id']))
    if f['resume']:
        R = f['resume']['t']
        out.append('  %10d  %8d  handler (user) returns into %s' % (R - RESTORE_INSNS, R - RESTORE_INSNS - last,
                                                                   sy.func(int(kv['handler'], 16))))
        out.append('  %10d  %8d  restore registers, jr gp: back at %s' % (R, RESTORE_INSNS,
                                                                           sy.where(int(f['resume']['kv']['ip'], 16))))
        out.append('  %10s  %8d  = total, fault to resumed instruction (handler: %d)' % (
            '', R - E, R - up))
    else:
        out.append('  %10s  %8s  never resumed (the environment was destroyed or the run ended)' % ('', ''))
    out.append('')
    return out


# ---- (b) Chrome trace-event JSON ----

def ts(t):
    return t / 1000.0   # microseconds, with 1 instruction shown as 1 ns


def chrome_json(envs, faults, runs, namer, syms_for):
    evs = [{'ph': 'M', 'pid': 1, 'tid': 0, 'name': 'process_name', 'args': {'name': 'environments'}},
           {'ph': 'M', 'pid': 2, 'tid': 0, 'name': 'process_name', 'args': {'name': 'harts'}}]
    tids = {eid: i + 1 for i, eid in enumerate(envs)}
    for eid, e in envs.items():
        evs.append({'ph': 'M', 'pid': 1, 'tid': tids[eid], 'name': 'thread_name',
                    'args': {'name': 'env %s %s' % (eid, e['name'])}})
    for h in sorted({r[0] for r in runs}):
        evs.append({'ph': 'M', 'pid': 2, 'tid': h, 'name': 'thread_name', 'args': {'name': 'hart %d' % h}})
    body = []
    for hart, eid, start, end, why in runs:
        body.append({'ph': 'X', 'pid': 2, 'tid': hart, 'ts': ts(start), 'dur': ts(end - start),
                     'name': 'env %s %s' % (eid, envs[eid]['name']), 'cat': 'run',
                     'args': {'env': eid, 'stopped': why}})
    for eid, e in envs.items():
        tid = tids[eid]
        for ev in e['events']:
            kv, t = ev['kv'], ev['t']
            if 'entry' in kv and ev['ev'] != 'pgfault':
                body.append({'ph': 'X', 'pid': 1, 'tid': tid, 'ts': ts(int(kv['entry'])), 'dur': ts(t - int(kv['entry'])),
                             'name': ev['ev'], 'cat': 'syscall', 'args': dict(kv)})
            elif ev['ev'] in ('new', 'free', 'ipc_recv'):
                body.append({'ph': 'i', 's': 't', 'pid': 1, 'tid': tid, 'ts': ts(t), 'name': ev['ev'],
                             'cat': 'env', 'args': dict(kv)})
    for f in faults:
        tid, kv = tids[f['env']], f['ev']['kv']
        end = f['resume']['t'] if f['resume'] else f['hook']
        va = namer.fmt(int(kv['va'], 16), envs[f['env']]['name'])
        body.append({'ph': 'X', 'pid': 1, 'tid': tid, 'ts': ts(f['entry']), 'dur': ts(end - f['entry']),
                     'name': 'page fault #%d %s %s' % (f['id'], kv['cause'], va), 'cat': 'fault',
                     'args': dict(kv, fault=f['id'], calls=len(f['calls']),
                                  total=(end - f['entry']) if f['resume'] else None)})
        body.append({'ph': 'i', 's': 't', 'pid': 1, 'tid': tid, 'ts': ts(f['hook']), 'name': 'upcall',
                     'cat': 'fault', 'args': {'fault': f['id'], 'frame': kv['frame'], 'handler': kv['handler']}})
        if f['resume']:
            body.append({'ph': 'i', 's': 't', 'pid': 1, 'tid': tid, 'ts': ts(f['resume']['t']), 'name': 'resume',
                         'cat': 'fault', 'args': {'fault': f['id'], 'ip': f['resume']['kv']['ip']}})
    # per track in time order; at one instant the longer (enclosing) slice first
    body.sort(key=lambda x: (x['pid'], x['tid'], x['ts'], -x.get('dur', 0)))
    return {'traceEvents': evs + body, 'displayTimeUnit': 'ns',
            'otherData': {'unit': '1 ns on the time axis = 1 guest instruction (QEMU -icount shift=0)'}}


def check_json(path):
    """The grade test's checks: parses, required fields, timestamps increasing per track, every upcall resumed."""
    problems = []
    with open(path) as f:
        doc = json.load(f)
    evs = doc['traceEvents'] if isinstance(doc, dict) else doc
    last = {}
    upcalls, resumes = set(), set()
    for i, ev in enumerate(evs):
        missing = [field for field in ('ph', 'pid', 'tid', 'name') if field not in ev]
        if missing:
            problems.append('event %d has no %s' % (i, ', '.join(missing)))
            continue
        if ev.get('ph') == 'M':
            continue
        if not isinstance(ev.get('ts'), (int, float)):
            problems.append('event %d has no numeric ts' % i)
            continue
        if ev['ph'] == 'X' and not (isinstance(ev.get('dur'), (int, float)) and ev['dur'] >= 0):
            problems.append('event %d: complete event without a duration' % i)
        track = (ev['pid'], ev['tid'])
        if track in last and ev['ts'] <= last[track]:
            problems.append('event %d (%s) does not come after the one before on track %s' % (i, ev['name'], track))
        last[track] = ev['ts']
        if ev['name'] == 'upcall':
            upcalls.add((track, ev['args']['fault']))
        if ev['name'] == 'resume':
            resumes.add((track, ev['args']['fault']))
    for u in sorted(upcalls - resumes):
        problems.append('upcall of fault %s on track %s never resumed' % (u[1], u[0]))
    for p in problems:
        print('trace.py --check: ' + p)
    if not problems:
        print('trace.py --check: %s: %d events, %d tracks, %d upcalls, each resumed' % (
            path, len(evs), len(last), len(upcalls)))
    return not problems


# ---- (c) an SVG sequence diagram of one fault ----

def esc(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


def svg_fault(f, envs, namer, syms_for, ksym, kaddr, userret_len):
    kv, e = f['ev']['kv'], envs[f['env']]
    sy = syms_for(e['name'])
    E, H = f['entry'], f['hook']
    up = H + userret_len
    cols = {'user': 170, 'kernel': 470, 'handler': 770}
    heads = {'user': 'user code (env %s %s)' % (f['env'], e['name']), 'kernel': 'kernel',
             'handler': 'upcall + handler (%s)' % sy.func(int(kv['handler'], 16))}
    rows = []   # (from, to, label, icount, instructions since the previous row, who ran them)

    def k(name):
        return ksym(kaddr[name]).split(' ')[0] if name in kaddr else name
    rows.append(('user', 'kernel', '%s page fault: %s at %s' % (
        kv['cause'], namer.fmt(int(kv['va'], 16), e['name']), sy.where(int(kv['ip'], 16)).split(' <- ')[0]),
        E, None, ''))
    rows.append(('kernel', 'kernel', '%s -> %s -> deliver: frame at %s' % (
        k('uservec'), k('page_fault_trap'), namer.fmt(int(kv['frame'], 16), e['name'])), H, H - E, 'kernel'))
    rows.append(('kernel', 'handler', '%s: sret to %s' % (k('userret_fast'), sy.func(int(kv['handler'], 16))), up,
                 userret_len, 'kernel'))
    last = up
    for c in f['calls']:
        ce = int(c['kv']['entry'])
        rows.append(('handler', 'kernel', '%s  [in %s]' % (short_call(c, namer, e['name']),
                                                          sy.func(int(c['kv']['ra'], 16) - 1)), ce, ce - last, 'user'))
        rows.append(('kernel', 'handler', '= %s' % c['kv'].get('ret', '?'), c['t'], c['t'] - ce, 'kernel'))
        last = c['t']
    if f['resume']:
        R = f['resume']['t']
        rows.append(('handler', 'handler', 'handler returns', R - RESTORE_INSNS, R - RESTORE_INSNS - last, 'user'))
        rows.append(('handler', 'user', 'restore registers, jr gp (no kernel): %s again' %
                     sy.where(int(f['resume']['kv']['ip'], 16)).split(' <- ')[0], R, RESTORE_INSNS, 'user'))
    W, top, dy = 1180, 90, 46
    Hgt = top + dy * (len(rows) + 1) + 40
    s = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
         'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">' % (W, Hgt, W, Hgt),
         '<defs><marker id="a" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto">'
         '<path d="M0,0 L10,4 L0,8 z" fill="#333"/></marker></defs>',
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>' % (
             20, esc('Life of page fault #%d (env %s): %d instructions from the faulting %s to its re-execution' % (
                 f['id'], f['env'], (f['resume']['t'] - E) if f['resume'] else 0, kv['cause']))),
         '<text x="20" y="40" fill="#555">%s</text>' % esc(
             'left: instruction count (instret, QEMU -icount shift=0); right of each arrow: instructions since the previous step')]
    for name, x in cols.items():
        s.append('<rect x="%d" y="52" width="240" height="26" rx="4" fill="#e8eef8" stroke="#335"/>' % (x - 120))
        s.append('<text x="%d" y="69" text-anchor="middle" font-weight="bold">%s</text>' % (x, esc(heads[name])))
        s.append('<line x1="%d" y1="78" x2="%d" y2="%d" stroke="#999" stroke-dasharray="4,3"/>' % (x, x, Hgt - 20))
    for i, (a, b, label, t, phase, who) in enumerate(rows):
        y = top + dy * (i + 1)
        if who == 'kernel' and a == 'kernel' and b == 'handler' and i > 0 and rows[i - 1][1] == 'kernel':
            s.append('<rect x="%d" y="%d" width="12" height="%d" fill="#cfe0f5" stroke="#357"/>' % (
                cols['kernel'] - 6, y - dy, dy))
        s.append('<text x="8" y="%d" fill="#444">%d</text>' % (y + 4, t))
        xa, xb = cols[a], cols[b]
        if a == b:
            s.append('<rect x="%d" y="%d" width="12" height="%d" fill="#fde7b0" stroke="#a80"/>' % (xa - 6, y - dy + 8, dy - 8))
            s.append('<text x="%d" y="%d">%s</text>' % (xa + 12, y - 6, esc(label)))
        else:
            s.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333" stroke-width="1.5" marker-end="url(#a)"/>' % (
                xa, y, xb - (8 if xb > xa else -8), y))
            s.append('<text x="%d" y="%d" text-anchor="middle">%s</text>' % ((xa + xb) // 2, y - 6, esc(label)))
        if phase is not None:
            s.append('<text x="%d" y="%d" fill="%s" font-weight="bold" text-anchor="end">+%d %s</text>' % (
                W - 10, y + 4, '#a33' if who == 'kernel' else '#383', phase, who))
    s.append('</svg>')
    return '\n'.join(s) + '\n'


def pick_fault(faults, n):
    if n:
        return faults[n - 1] if 0 < n <= len(faults) else None
    for f in faults:   # a copy-on-write fault whose handler copied the page
        if f['resume'] and f['ev']['kv']['present'] == '1' and len(f['calls']) >= 3:
            return f
    return next((f for f in faults if f['resume']), faults[0] if faults else None)


# ---- documentation that cannot go stale ----

def mask_code_addresses(line):
    """Also without what moves when code changes (pcs, source lines): how --doc-update finds a line."""
    line = re.sub(r'\b(ip|ra|handler|upcall)=0x[0-9a-f]+', r'\1=#', line)
    line = re.sub(r'0x[0-9a-f]+ \[\.text\]', '# [.text]', line)
    return re.sub(r'\.(c|S|h):\d+\)', r'.\1:#)', line)


def mask_counts(line):
    """A line with its instruction counts replaced by #, spaces collapsed: what docs and runs must share."""
    line = re.sub(r'^(trace: )\d+', r'\1#', line.strip())
    line = re.sub(r'\b(entry|ICOUNT)=\d+', r'\1=#', line)
    line = re.sub(r'^(\d+\s+)?(\d+\s+)?', lambda m: '# ' * len([g for g in m.groups() if g]), line)
    line = re.sub(r'(created at|handler:) \d+', r'\1 #', line)
    line = re.sub(r'\b\d+ instructions', '# instructions', line)
    return ' '.join(line.split())


def doc_check(log, timeline, docs, update=False):
    """Each block between <!-- checked: trace --> (or timeline) and <!-- /checked --> in docs must
    appear in that order in the run's log (or timeline), instruction counts aside. With update,
    the lines that match (pcs and source lines aside too) take this run's text."""
    sources, originals = {}, {}
    for kind, path in (('trace', log), ('timeline', timeline)):
        with open(path, errors='replace') as f:
            originals[kind] = [l.rstrip('\r\n') for l in f]
            sources[kind] = [mask_counts(l) for l in originals[kind]]
            if update:
                sources[kind] = [mask_code_addresses(l) for l in sources[kind]]
    problems, blocks = [], 0
    for doc in docs:
        kind, cur = None, 0
        with open(doc) as f:
            text = f.readlines()
        for n, raw in enumerate(text, 1):
            m = re.match(r'^\s*<!-- checked: (trace|timeline) -->', raw)
            if m:
                kind, cur, blocks = m.group(1), 0, blocks + 1
                continue
            if re.match(r'^\s*<!-- /checked -->', raw):
                kind = None
                continue
            if not kind or not raw.strip() or raw.strip().startswith('```'):
                continue
            want, src = mask_counts(raw), sources[kind]
            if update:
                want = mask_code_addresses(want)
            hit = next((i for i in range(cur, len(src)) if src[i] == want), None)
            if hit is None:
                problems.append('%s:%d: not in the %s of this run (in this order): %s' % (doc, n, kind, raw.strip()))
            else:
                cur = hit + 1
                indent = re.match(r'^\s*', raw).group(0) if kind == 'trace' else '    '
                text[n - 1] = indent + originals[kind][hit].rstrip() + '\n'
        if update:
            with open(doc, 'w') as f:
                f.writelines(text)
    if not blocks:
        problems.append('no <!-- checked: ... --> block in %s' % ' '.join(docs))
    for p in problems:
        print('trace.py --doc-check: ' + p)
    if not problems:
        print('trace.py --doc-check: %d blocks in %s match this run' % (blocks, ' '.join(docs)))
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('log', nargs='?')
    ap.add_argument('out', nargs='?')
    ap.add_argument('--objdir', default='obj', help='where user/NAME (and, without --kernel, kern/kernel) are')
    ap.add_argument('--kernel', help='the kernel ELF (default OBJDIR/kern/kernel)')
    ap.add_argument('--prefix', default='riscv64-unknown-elf-')
    ap.add_argument('--fault', type=int, default=0)
    ap.add_argument('--check', metavar='JSON', help='validate a JSON file this script wrote')
    ap.add_argument('--doc-check', nargs='+', metavar='DOC',
                    help='LOG and OUT are a run; check the <!-- checked --> blocks of each DOC against it')
    ap.add_argument('--doc-update', action='store_true', help='with --doc-check: take this run\'s counts')
    a = ap.parse_args()
    if a.check:
        sys.exit(0 if check_json(a.check) else 1)
    if a.doc_check:
        sys.exit(0 if doc_check(a.log, a.out + '.txt', a.doc_check, a.doc_update) else 1)
    if not a.log or not a.out:
        ap.error('LOG and OUT are needed')
    events = parse(a.log)
    if not events:
        sys.exit('trace.py: no trace lines in %s (was the kernel started with +trace?)' % a.log)
    layout, envs, faults, runs = build(events)
    cache = {}

    def syms_for(name):
        if name not in cache:
            cache[name] = Symbols(a.prefix, os.path.join(a.objdir, 'user', name))
        return cache[name]
    kernel = a.kernel or os.path.join(a.objdir, 'kern', 'kernel')
    ks = Symbols(a.prefix, kernel)
    kaddr, userret_len = kernel_symbols(a.prefix, kernel)
    ks.lookup(kaddr.values())

    def ksym(addr):
        return ks.where(addr)
    namer = Namer(layout, syms_for)
    with open(a.out + '.txt', 'w') as f:
        f.write(text_timeline(envs, faults, runs, namer, syms_for, ksym, kaddr, userret_len))
    with open(a.out + '.json', 'w') as f:
        json.dump(chrome_json(envs, faults, runs, namer, syms_for), f, indent=0)
    chosen = pick_fault(faults, a.fault)
    if chosen:
        with open(a.out + '.svg', 'w') as f:
            f.write(svg_fault(chosen, envs, namer, syms_for, ksym, kaddr, userret_len))
    print('trace: %s.txt (timeline), %s.json (Perfetto / chrome://tracing)%s; %d events, %d faults' % (
        a.out, a.out, ', %s.svg (fault #%d)' % (a.out, chosen['id']) if chosen else ', no fault: no SVG',
        len(events), len(faults)))


if __name__ == '__main__':
    main()

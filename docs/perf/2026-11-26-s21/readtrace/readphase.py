#!/usr/bin/env python3
"""A lone client's transfer at the harness's system calls: read phase, client work, commit.

Input: `perf script -F comm,tid,cpu,time,event,trace` of raw_syscalls:sys_enter/sys_exit for
the harness and the nodes, and fds.txt: "pid fd node" for the harness's sockets (node = the
coordinator or participant at the other end). Walks the harness event loop's writes and reads
on those sockets and cuts them into transfers: read requests to participants, their replies,
the commit request, its reply. Prints medians and quartiles in microseconds.
"""
import re, statistics, sys
SC, FDS = sys.argv[1], sys.argv[2]
fdnode = {}
hpid = None
for line in open(FDS):
    p, fd, n = line.split()
    hpid = int(p); fdnode[int(fd)] = n
NR = {0: 'r', 1: 'w', 19: 'r', 20: 'w', 44: 'w', 45: 'r', 46: 'w', 47: 'r'}
pat = re.compile(r'^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s+(.*)$')
pending = {}
ev = []  # (t_enter, t_exit, op, node, tid)
for line in open(SC):
    m = pat.match(line)
    if not m: continue
    comm, tid, cpu, ts, e, tr = m.groups()
    if not comm.startswith('vert.x-eventloo'): continue
    tid = int(tid); a = tr.split(); nr = int(a[1])
    if nr not in NR: continue
    ts = float(ts) * 1e6
    if e.endswith('sys_enter'):
        pending[tid] = (ts, int(a[2].strip('(,'), 16))
    elif tid in pending:
        t0, fd = pending.pop(tid)
        ret = int(a[-1]) if a[-1].lstrip('-').isdigit() else 0
        if fd in fdnode and ret > 0:
            ev.append((t0, ts, NR[nr], fdnode[fd], tid))
ev.sort()
# cut: a commit reply is a read from the node the last write before it went to, after >=1 reply
segs = {k: [] for k in ('think', 'read_phase', 'first_to_last_req', 'client_between', 'commit', 'transfer')}
i = 0
state = None
prev_end = None
cur = None
for t0, t1, op, node, tid in ev:
    if cur is None:
        if op == 'w':
            cur = {'start': t0, 'reqs': [(t0, node)], 'replies': [], 'commit': None, 'creply': None}
        continue
    if cur['commit'] is None:
        if op == 'w' and not cur['replies']:
            cur['reqs'].append((t0, node)); continue
        if op == 'r':
            cur['replies'].append(t1); continue
        if op == 'w' and len(cur['replies']) >= 1:
            cur['commit'] = (t0, node); continue
    else:
        if op == 'r':
            cur['creply'] = t1
            n = len(cur['reqs'])
            if cur['replies'] and len(cur['replies']) == n:
                if prev_end is not None: segs['think'].append(cur['start'] - prev_end)
                segs['read_phase'].append(cur['replies'][-1] - cur['start'])
                segs['first_to_last_req'].append(cur['reqs'][-1][0] - cur['start'])
                segs['client_between'].append(cur['commit'][0] - cur['replies'][-1])
                segs['commit'].append(t1 - cur['commit'][0])
                segs['transfer'].append(t1 - cur['start'])
            prev_end = t1
            cur = None
            continue
        if op == 'w':
            cur = {'start': t0, 'reqs': [(t0, node)], 'replies': [], 'commit': None, 'creply': None}
for k, v in segs.items():
    if len(v) < 4: print(k, len(v)); continue
    q = statistics.quantiles(v, n=4)
    print(f"{k:20s} n={len(v):5d} p50={statistics.median(v):8.1f} p25={q[0]:8.1f} p75={q[2]:8.1f}")

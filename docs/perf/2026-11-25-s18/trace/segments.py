#!/usr/bin/env python3
"""Where a lone client's 2PC commit spends its time, from a system-call trace.

Input: `perf script -F comm,tid,cpu,time,event,trace` of raw_syscalls:sys_enter/sys_exit and
sched:sched_wakeup recorded with `-p` for the four nodes and the bench harness (see README.md),
and a file of "tid node comm" lines for the nodes' threads. For every fdatasync of the
coordinator's event loop (the COMMIT record of a two-shard transaction) it finds, on the
coordinator: the client's request arriving, the two VOTE-REQs sent, the last vote read, the
COMMIT write and fsync, and the answer to the client; and on each participant, for every
fdatasync of its event loop (a PREPARED record): the VOTE-REQ read, the write, the fsync and the
vote sent. Prints the median and the quartiles of each segment in microseconds.
"""
import re
import statistics
import sys

SC, TIDS = sys.argv[1], sys.argv[2]
names = {}
for line in open(TIDS):
    t, n, c = line.split(None, 2)
    names[int(t)] = (n, c.strip())
loops = {t: n for t, (n, c) in names.items() if c.startswith('vert.x-eventloo')}
NR = {1: 'write', 20: 'writev', 44: 'send', 45: 'recv', 75: 'fsync'}
pat = re.compile(r'^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s+(.*)$')
events = {n: [] for n in set(loops.values())}
pending = {}
for line in open(SC):
    m = pat.match(line)
    if not m:
        continue
    comm, tid, cpu, ts, ev, tr = m.groups()
    tid = int(tid)
    if not ev.startswith('raw_syscalls'):
        continue
    if tid not in loops and comm.startswith('vert.x-eventloo'):
        loops[tid] = 'H'  # the bench harness's client event loop
        events.setdefault('H', [])
    if tid not in loops:
        continue
    ts = float(ts) * 1e6
    a = tr.split()
    nr = int(a[1])
    if nr not in NR:
        continue
    if ev.startswith('raw_syscalls:sys_enter'):
        pending[tid] = (ts, int(a[2].strip('(,'), 16))
    elif tid in pending:
        t0, fd = pending.pop(tid)
        events[loops[tid]].append((t0, ts, NR[nr], fd))

def pct(xs):
    xs = sorted(xs)
    q = statistics.quantiles(xs, n=4) if len(xs) > 3 else [xs[0]] * 3
    return '%6.0f %6.0f %6.0f  (n=%d)' % (q[1], q[0], q[2], len(xs))

seg = {}
def add(k, v):
    seg.setdefault(k, []).append(v)

c = events['c1']
fsyncs = [i for i, e in enumerate(c) if e[2] == 'fsync']
http_fd = None
for i in fsyncs:
    # the answer to the client: the first send after the fsync
    j = next((j for j in range(i + 1, min(i + 6, len(c))) if c[j][2] in ('send', 'writev')), None)
    if j is None:
        continue
    http_fd = c[j][3]
    # the COMMIT write before the fsync, the last vote read before it
    w = i - 1 if c[i - 1][2] == 'write' else None
    v = next((k for k in range(i - 1, max(i - 8, 0), -1) if c[k][2] == 'recv'), None)
    # the client's request: the last recv on the client's connection before the votes,
    # followed by two sends to participants
    r = next((k for k in range(v - 1, max(v - 40, 0), -1)
              if c[k][2] == 'recv' and c[k][3] == http_fd), None) if v else None
    if None in (w, v, r):
        continue
    sends = [k for k in range(r + 1, v) if c[k][2] == 'send' and c[k][3] != http_fd]
    if len(sends) < 2:
        continue
    hs = [e for e in events.get('H', []) if e[2] in ('send', 'writev') and e[0] < c[r][1]]
    hr = [e for e in events.get('H', []) if e[2] == 'recv' and e[1] > c[j][0]]
    if hs and hr and c[r][1] - hs[-1][0] < 2000 and hr[0][1] - c[j][0] < 2000:
        add('hop: client starts sending the commit -> c1 has read it', c[r][1] - hs[-1][0])
        add('hop: c1 starts sending the answer -> client has read it', hr[0][1] - c[j][0])
        add('client: commit sent -> answer read (the commit call)', hr[0][1] - hs[-1][0])
    add('c1: request read -> 1st VOTE-REQ sent', c[sends[0]][0] - c[r][1])
    add('c1: 1st -> 2nd VOTE-REQ sent', c[sends[1]][0] - c[sends[0]][0])
    add('c1: 2nd VOTE-REQ sent -> last vote read (the prepare round)', c[v][1] - c[sends[1]][0])
    add('c1: last vote read -> COMMIT write', c[w][0] - c[v][1])
    add('c1: COMMIT fsync', c[i][1] - c[i][0])
    add('c1: fsync done -> answer sent', c[j][0] - c[i][1])
    add('c1: request read -> answer sent (commit at the coordinator)', c[j][0] - c[r][1])
import bisect
c_sends = sorted(e[0] for e in c if e[2] == 'send' and e[3] != http_fd)
c_recvs = sorted(e[1] for e in c if e[2] == 'recv' and e[3] != http_fd)
for n in ('p1', 'p2', 'p3'):
    p = events[n]
    for i, e in enumerate(p):
        if e[2] != 'fsync' or i < 2 or p[i - 1][2] != 'write':
            continue
        r = next((k for k in range(i - 2, max(i - 6, 0), -1) if p[k][2] == 'recv'), None)
        s = next((k for k in range(i + 1, min(i + 4, len(p))) if p[k][2] in ('send', 'writev')), None)
        if r is None or s is None:
            continue
        k = bisect.bisect_left(c_sends, p[r][1]) - 1
        if k >= 0 and p[r][1] - c_sends[k] < 2000:
            add('hop: c1 starts sending a VOTE-REQ -> participant has read it', p[r][1] - c_sends[k])
        k = bisect.bisect_left(c_recvs, p[s][0])
        if k < len(c_recvs) and c_recvs[k] - p[s][0] < 2000:
            add('hop: participant starts sending its vote -> c1 has read it', c_recvs[k] - p[s][0])
        add('participant: request read -> record written (VOTE-REQ or one-phase)', p[i - 1][0] - p[r][1])
        add('participant: its fsync', e[1] - e[0])
        add('participant: fsync done -> vote (or answer) sent', p[s][0] - e[1])
print('%-62s %6s %6s %6s' % ('segment (us)', 'p50', 'p25', 'p75'))
for k, v in seg.items():
    print('%-62s %s' % (k, pct(v)))

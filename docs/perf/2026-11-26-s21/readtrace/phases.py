#!/usr/bin/env python3
"""The read phase of a lone client's transfer, request by request, at the system calls.

Inputs: `perf script -F comm,pid,tid,cpu,time,event,trace` (raw_syscalls enter/exit of the
harness and the nodes), fds.txt ("harnesspid fd node": the harness's sockets to each node's HTTP
port) and pids.txt ("pid node"). For each read request the harness's event loop writes to a
participant: the hop to that participant's event loop (its next read), the participant's work
(that read to its next write), the hop back (that write to the harness's read from the node).
"""
import bisect, re, statistics, sys
SC, FDS, PIDS = sys.argv[1:4]
fdnode = {}; hpid = None
for l in open(FDS):
    p, fd, n = l.split(); hpid = int(p); fdnode[int(fd)] = n
pidnode = {int(p): n for p, n in (l.split() for l in open(PIDS))}
R = {0, 19, 45, 47}; W = {1, 20, 44, 46}
pat = re.compile(r'^\s*(.+?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s+(.*)$')
pend = {}
H = []  # harness loop: (t_enter, t_exit, op, node)
N = {n: {'r': [], 'w': []} for n in pidnode.values()}  # node loops: read exits, write enters
for l in open(SC):
    m = pat.match(l)
    if not m: continue
    comm, pid, tid, cpu, ts, e, tr = m.groups()
    if not comm.startswith('vert.x-eventloo'): continue
    pid = int(pid); tid = int(tid); a = tr.split(); nr = int(a[1])
    if nr not in R and nr not in W: continue
    ts = float(ts) * 1e6
    if e.endswith('sys_enter'):
        pend[tid] = (ts, int(a[2].strip('(,'), 16)); continue
    if tid not in pend: continue
    t0, fd = pend.pop(tid)
    try: ret = int(a[-1])
    except ValueError: ret = 0
    if ret <= 0: continue
    op = 'r' if nr in R else 'w'
    if pid == hpid:
        if fd in fdnode: H.append((t0, ts, op, fdnode[fd]))
    elif pid in pidnode:
        N[pidnode[pid]][op].append(ts if op == 'r' else t0)
H.sort()
for n in N: N[n]['r'].sort(); N[n]['w'].sort()
hop_in, work, hop_out, rt = [], [], [], []
# a read request: a harness write to a participant right after the previous commit reply or
# another read request; its reply: the next harness read from that node.
for i, (t0, t1, op, node) in enumerate(H):
    if op != 'w' or not node.startswith('p'): continue
    prev = H[i - 1] if i else None
    if prev and prev[2] == 'r' and prev[3].startswith('p'):
        continue  # a write after a participant's reply is a commit (one-shard, direct)
    reply = next((h for h in H[i + 1:] if h[2] == 'r' and h[3] == node), None)
    if not reply: continue
    rs = N[node]['r']; j = bisect.bisect_left(rs, t0)
    if j >= len(rs): continue
    tr = rs[j]
    ws = N[node]['w']; k = bisect.bisect_left(ws, tr)
    if k >= len(ws) or ws[k] > reply[1]: continue
    tw = ws[k]
    hop_in.append(tr - t0); work.append(tw - tr); hop_out.append(reply[1] - tw); rt.append(reply[1] - t0)
def show(k, v):
    q = statistics.quantiles(v, n=4)
    print(f"{k:28s} n={len(v):5d} p50={statistics.median(v):7.1f} p25={q[0]:7.1f} p75={q[2]:7.1f}")
show('request write -> node read', hop_in)
show('node read -> node write', work)
show('node write -> harness read', hop_out)
show('request round trip', rt)

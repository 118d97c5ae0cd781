"""Gaps between the system calls of one 1-client bank transfer, from `perf trace` files.

Session 14 ran, against a warm `ringtx cluster` (3 participants, 1 coordinator) under
`ringtx bench run --cluster URL --workload bank --concurrency 1`, for each node:
    timeout 2 perf trace -p PID -e 'read,write,writev,sendto,sendmsg,recvfrom,fdatasync,pwrite64,epoll_wait' -o tr.NODE.trace
and then this script in the directory of the four files (tr.c1.trace, tr.p1.trace, ...). It prints,
per node, the quartiles of the time from a message's arrival to the log write it causes, from the
write to its fdatasync, the fdatasync itself, and from its end to the answer's send; for the
coordinator also the time from the HTTP request to the first and second prepare. perf trace
itself slows each traced call by a few microseconds, so the figures are upper bounds.
"""
import re,sys,statistics as st
pat=re.compile(r'^\s*([\d.]+) \(\s*([\d.]+) ms\): \S+ (\w+)\(fd: (\d+).*?\)\s+= (-?\d+)')
def load(f):
    ev=[]
    for l in open(f):
        m=pat.match(l)
        if m: ev.append((float(m.group(1)),float(m.group(2)),m.group(3),int(m.group(4)),int(m.group(5))))
    return ev
def q(xs):
    xs=sorted(xs); n=len(xs)
    return "n=%d p25=%.0f p50=%.0f p75=%.0f p90=%.0f us"%(n,xs[n//4]*1000,xs[n//2]*1000,xs[3*n//4]*1000,xs[9*n//10]*1000) if n else "n=0"
c=load("tr.c1.trace")
# coordinator: find HTTP fd = fd with most recvfrom of size>300
from collections import Counter
big=Counter(e[3] for e in c if e[2]=='recvfrom' and e[4]>300)
hfd=big.most_common(1)[0][0]
begin=[];gap2=[];tail=[];w2f=[];fs=[];lastvote=[]
i=0
for k,e in enumerate(c):
    if e[2]=='recvfrom' and e[3]==hfd and e[4]>300:
        # next sends
        sends=[x for x in c[k+1:k+8] if x[2] in('sendto','writev') and x[3]!=hfd and 85<=x[4]<=100]
        if len(sends)>=2 and sends[0][0]-e[0]<2:
            begin.append(sends[0][0]-(e[0]+e[1])); gap2.append(sends[1][0]-(sends[0][0]+sends[0][1]))
    if e[2]=='fdatasync':
        fs.append(e[1])
        # previous write
        w=[x for x in c[max(0,k-3):k] if x[2]=='write']
        if w: w2f.append(e[0]-(w[-1][0]+w[-1][1]))
        nxt=[x for x in c[k+1:k+4] if x[2] in('sendto','writev') and x[3]==hfd]
        if nxt: tail.append(nxt[0][0]-(e[0]+e[1]))
        # last recvfrom before write
        r=[x for x in c[max(0,k-4):k] if x[2]=='recvfrom' and x[3]!=hfd]
        if r and w: lastvote.append(w[-1][0]-(r[-1][0]+r[-1][1]))
print("coord http recv -> 1st prepare send", q(begin))
print("coord 1st -> 2nd prepare send     ", q(gap2))
print("coord last vote recv -> log write  ", q(lastvote))
print("coord write end -> fdatasync start ", q(w2f))
print("coord fdatasync                    ", q(fs))
print("coord fdatasync end -> http reply  ", q(tail))
for p in ("p1","p2","p3"):
    ev=load("tr.%s.trace"%p)
    a=[];b=[];cc=[];f=[]
    for k,e in enumerate(ev):
        if e[2]=='fdatasync':
            f.append(e[1])
            w=[x for x in ev[max(0,k-3):k] if x[2]=='write']
            r=[x for x in ev[max(0,k-6):k] if x[2]=='recvfrom' and 85<=x[4]<=100]
            if w: b.append(e[0]-(w[-1][0]+w[-1][1]))
            if w and r: a.append(w[-1][0]-(r[-1][0]+r[-1][1]))
            s=[x for x in ev[k+1:k+3] if x[2] in ('sendto','writev')]
            if s: cc.append(s[0][0]-(e[0]+e[1]))
    print(p,"prepare recv -> write ", q(a)); print(p,"write -> fdatasync    ",q(b)); print(p,"fdatasync            ",q(f)); print(p,"fdatasync -> reply   ",q(cc))

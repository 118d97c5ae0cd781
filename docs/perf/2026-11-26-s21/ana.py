import re,sys,json,glob,os
d=sys.argv[1]
# per-second throughput from bench progress
tp={}
for l in open(d+'/bench.txt'):
    m=re.match(r'\[\s*([\d.]+)s\]\s+([\d.]+) commit/s',l)
    if m: tp[int(float(m.group(1)))]=float(m.group(2))
S=[l.split() for l in open(d+'/samples.txt')]
t0=int(S[0][0])
rows=[]
for a,b in zip(S,S[1:]):
    ta,tb=int(a[0]),int(b[0])
    ca=dict(x.split('=') for x in a[1:]); cb=dict(x.split('=') for x in b[1:])
    # bench started ~3 s before first sample
    lo,hi=ta-t0+3,tb-t0+3
    n=sum(tp.get(s,0) for s in range(lo+1,hi+1))
    if n==0: continue
    cpu={k:(int(cb[k])-int(ca[k]))/100 for k in ('p1','p2','p3','c1','h') if cb.get(k) and ca.get(k)}
    tot=sum(cpu.values())
    print(f"{lo:4d}-{hi:4d}s {n/(hi-lo):7.0f}/s cores " + " ".join(f"{k}={v/(hi-lo):.2f}" for k,v in cpu.items()) + f" tot={tot/(hi-lo):.2f} us/txn={tot/n*1e6:.0f} " + " ".join(f"{k}={int(v)}" for k,v in cb.items() if 'sst' in k))
# compaction cpu per node from LOG
for L in sorted(glob.glob(d+'/cluster/*/data/store/LOG')):
    c=0;f=0;nc=0
    for l in open(L):
        if '"compaction_finished"' in l:
            m=re.search(r'"compaction_time_cpu_micros": (\d+)',l); c+=int(m.group(1)); nc+=1
        if '"flush_finished"' in l: f+=1
    print(L.split('/')[-4], "compactions",nc,"cpu s",c/1e6,"flushes",f)

#!/bin/bash
# Throughput and CPU per transaction over a long bank run against one cluster.
cd ${WT:-/tmp/wtb}
OUT=$1; DUR=${DUR:-600}; shift
mkdir -p $OUT; D=$OUT/cluster; rm -rf $D
bin/ringtx cluster start --dir $D --participants 3 --coordinators 1 "$@" > $OUT/start.txt 2>&1 || { tail $OUT/start.txt; exit 1; }
URL=$(grep -o 'http://127.0.0.1:[0-9]*' $OUT/start.txt | tail -1)
bin/ringtx cluster status --dir $D --json | python3 -c 'import json,sys
for n in json.load(sys.stdin)["nodes"]: print(n["id"], n["pid"])' > $OUT/pids.txt
bin/ringtx bench run --cluster $URL --workload bank --keys 10000 --concurrency 64 --duration ${DUR}s --warmup 1s > $OUT/bench.txt 2>&1 &
B=$!
sleep 3; echo "h $(pgrep -f 'java.*bench run' | head -1)" >> $OUT/pids.txt
while kill -0 $B 2>/dev/null; do
  line="$(date +%s)"
  while read -r id pid; do t=$(awk '{print $14+$15}' /proc/$pid/stat 2>/dev/null); line="$line $id=$t"; done < $OUT/pids.txt
  for n in $D/*/; do s=$(find $n -name "*.sst" | wc -l); line="$line $(basename $n)sst=$s"; done
  echo "$line" >> $OUT/samples.txt
  sleep 30
done
bin/ringtx cluster stop --dir $D > /dev/null 2>&1

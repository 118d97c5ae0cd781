#!/bin/bash
# A/B: bench run --cluster against one warm cluster, alternating variants.
# usage: ab.sh OUTDIR "A-args" "B-args" [rounds]
cd ${WT:-/tmp/wtb}
OUT=$1; A=$2; B=$3; R=${4:-3}
mkdir -p $OUT; D=$OUT/cluster
rm -rf $D
bin/ringtx cluster start --dir $D --participants 3 --coordinators 1 > $OUT/start.txt 2>&1 || { tail $OUT/start.txt; exit 1; }
URL=$(grep -o 'http://127.0.0.1:[0-9]*' $OUT/start.txt | tail -1)
bin/ringtx bench run --cluster $URL --workload bank --keys 10000 --concurrency 64 --duration 60s --warmup 60s > $OUT/warm.txt 2>&1
for i in $(seq 1 $R); do
  for v in A B; do
    if [ $v = A ]; then X=$A; else X=$B; fi
    bin/ringtx bench run --cluster $URL --workload bank --keys 10000 --concurrency 64 --duration 60s --warmup 30s $X > $OUT/$v$i.txt 2>&1
    echo "$v$i $(grep -E '^committed' $OUT/$v$i.txt)"
  done
done
bin/ringtx cluster stop --dir $D > /dev/null 2>&1

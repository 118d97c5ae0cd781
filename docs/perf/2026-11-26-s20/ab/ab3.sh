#!/bin/bash
# A/B of two node builds: a fresh process cluster per run (bench run --processes), in turns.
# usage: ab3.sh OUTDIR WTA WTB [rounds] [warmup]
OUT=$1; WTA=$2; WTB=$3; R=${4:-2}; W=${5:-120s}
mkdir -p $OUT
for i in $(seq 1 $R); do
  for v in A B; do
    if [ $v = A ]; then cd $WTA; else cd $WTB; fi
    bin/ringtx bench run --processes --participants 3 --coordinators 1 --workload bank --keys 10000 \
      --concurrency 64 --duration 60s --warmup $W > $OUT/$v$i.txt 2>&1
    echo "$v$i $(grep -E '^committed' $OUT/$v$i.txt) $(grep -E '^  transaction' $OUT/$v$i.txt)"
    grep -E "^  (p[0-9]|c1) " $OUT/$v$i.txt | sed -E 's/.*(p[0-9]|c1) .*cpu ([0-9.]+ s).*GC ([0-9.]+ s).*/   \1 cpu \2 GC \3/'
  done
done

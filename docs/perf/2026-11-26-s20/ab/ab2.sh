#!/bin/bash
# A/B of two harness builds against one warm cluster (started from WTA).
# usage: ab2.sh OUTDIR WTA WTB "common args" [rounds]
OUT=$1; WTA=$2; WTB=$3; X=$4; R=${5:-3}
mkdir -p $OUT; D=$OUT/cluster
rm -rf $D
cd $WTA
bin/ringtx cluster start --dir $D --participants 3 --coordinators 1 > $OUT/start.txt 2>&1 || { tail $OUT/start.txt; exit 1; }
URL=$(grep -o 'http://127.0.0.1:[0-9]*' $OUT/start.txt | tail -1)
bin/ringtx bench run --cluster $URL --workload bank --keys 10000 --concurrency ${C:-64} --duration 60s --warmup 60s $X > $OUT/warm.txt 2>&1
for i in $(seq 1 $R); do
  for v in A B; do
    if [ $v = A ]; then cd $WTA; else cd $WTB; fi
    bin/ringtx bench run --cluster $URL --workload bank --keys 10000 --concurrency ${C:-64} --duration 60s --warmup 30s $X > $OUT/$v$i.txt 2>&1
    echo "$v$i $(grep -E '^committed' $OUT/$v$i.txt)"
  done
done
cd $WTA; bin/ringtx cluster stop --dir $D > /dev/null 2>&1

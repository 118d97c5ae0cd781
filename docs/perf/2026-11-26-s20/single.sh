#!/bin/bash
# Session 20: issue 7's third bar, `single` at 64 clients against rocksdb-local (as session 17).
cd /work/main
bin/ringtx bench run --processes --participants 3 --coordinators 1 --workload single --keys 10000 \
  --concurrency 64 --duration 60s --warmup 180s --out /tmp/s20/ringtx-single-c64 \
  > /tmp/s20/ringtx-single-c64.txt 2>&1
bin/ringtx bench run --target rocksdb-local --workload single --keys 10000 --concurrency 64 \
  --duration 60s --warmup 30s --out /tmp/s20/rocks-single-c64 > /tmp/s20/rocks-single-c64.txt 2>&1
echo done > /tmp/s20/single.done

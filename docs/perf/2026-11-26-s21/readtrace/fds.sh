#!/bin/bash
# fds.txt: "harnesspid fd node" for the harness's TCP sockets to the nodes' HTTP ports.
H=$1; CL=$2
python3 - "$H" "$CL" <<'PY'
import json, os, re, subprocess, sys
h, cl = sys.argv[1], sys.argv[2]
ports = {str(n["httpPort"]): n["id"] for n in json.load(open(cl + "/cluster.json"))["nodes"]}
ino2peer = {}
for line in subprocess.run(["ss", "-tnpe"], capture_output=True, text=True).stdout.splitlines():
    m = re.search(r"\s(\S+):(\d+)\s+(\S+):(\d+)\s.*ino:(\d+)", line)
    if m: ino2peer[m.group(5)] = m.group(4)
for fd in os.listdir(f"/proc/{h}/fd"):
    try: t = os.readlink(f"/proc/{h}/fd/{fd}")
    except OSError: continue
    m = re.match(r"socket:\[(\d+)\]", t)
    if m and ino2peer.get(m.group(1)) in ports:
        print(h, fd, ports[ino2peer[m.group(1)]])
PY

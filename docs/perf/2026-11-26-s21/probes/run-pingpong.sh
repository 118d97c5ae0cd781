#!/bin/bash
# Round trip of 100 bytes between two JVMs over loopback on Vert.x's epoll transport, with and
# without a spin-then-block event loop (PingPong.java's Spin strategy), after a pause of PAUSE ms
# between rounds (0: back to back). Run from a built checkout:
#   mvn -B -o -q dependency:build-classpath -pl protocol -Dmdep.outputFile=/tmp/cp.txt
#   bash run-pingpong.sh SERVER_SPIN_US CLIENT_SPIN_US [yield] [PAUSE]
set -u
E=$HOME/.m2/repository/io/netty
CP=$(cat /tmp/cp.txt):$(ls $E/netty-transport-classes-epoll/4.2.12.Final/*.jar):$(ls $E/netty-transport-native-epoll/4.2.12.Final/*linux-x86_64.jar)
D=$(mktemp -d); javac -d $D -cp $CP "$(dirname "$0")/PingPong.java" 2>&1 | grep error
java -cp $D:$CP PingPong server $1 7777 ${3:-x} > /dev/null 2>&1 & SP=$!
sleep 1.5
java -Dpause=${4:-1} -Dn=${N:-8000} -cp $D:$CP PingPong client $2 7777 ${3:-x} | grep spin
kill $SP

#!/usr/bin/env bash
# record-corpus.sh - record the corpus of real cases (samples/data/real-*) on this machine, as root.
#
# usage: record-corpus.sh [CASE...]     (default: all six; virtio-blk-queue only when named; run
#                                        from the repository root after mvn -q -DskipTests package
#                                        and the agent copy below)
#
# Each case is one `correlator record` run (correlator/src/main/java/io/isostack/correlator/lab/
# Recorder.java): the lab's fault, the sample services under the OpenTelemetry Java agent
# (correlator/target/otel/opentelemetry-javaagent.jar, copied by `mvn verify`'s pre-integration
# step, or: cp ~/.m2/repository/io/opentelemetry/javaagent/opentelemetry-javaagent/V/*.jar there),
# the producers with their raw stdout in the case directory, 10 s of load before the fault and at
# least 30 s with it, 4 requests/s. Lab names use the prefix "corpus", the subnet 10.202.n.0/24 and
# ports 18280/18281, apart from the fault suite's ("fault", 201).
set -euo pipefail
JAR=correlator/target/correlator.jar
DATA=samples/data
rec() { local name="$1"; shift; echo "== $name" >&2; java -jar "$JAR" record --out "$DATA/$name" "$@"; }
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(cpu-throttle-container veth-drops disk-iops seccomp-mkdir oom-worker healthy-loaded)
for c in "${cases[@]}"; do
  case "$c" in
    cpu-throttle-container) rec real-cpu-throttle-container --fault cpu-throttle --container --plain sched.bt ;;
    veth-drops)             rec real-veth-drops --fault retransmit ;;
    virtio-blk-queue)       rec real-virtio-blk-queue --fault virtqueue --port 18781 --net 205 ;;
    disk-iops)              rec real-disk-iops --fault disk --write-iops-cap 500 \
                              --extra "events-biolatency.txt=biolatency -D -T 1" ;;
    seccomp-mkdir)          rec real-seccomp-mkdir --fault seccomp --plain syscalls.bt ;;
    oom-worker)             rec real-oom-worker --fault oom ;;
    healthy-loaded)         rec real-healthy-loaded --fault none --cpu-hogs 2 --cpu-hogs-nice 19 --plain sched.bt ;;
    *) echo "unknown case $c" >&2; exit 2 ;;
  esac
done

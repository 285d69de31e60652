#!/usr/bin/env bash
# record-cpu-throttle.sh - record the "CFS quota on the backend" case for real (run as root).
#
# usage: record-cpu-throttle.sh [JAR] [OUT_DIR]
#   JAR      default samples/target/sample-app.jar (build it first: mvn -q -pl samples package)
#   OUT_DIR  default samples/data/real-cpu-throttle (created; existing files are overwritten)
# env (defaults): HOST=$(hostname) RPS=4 MAX_IN_FLIGHT=4 PHASE1_S=10 PHASE2_S=20 PHASE3_S=10
#   WARMUP=40 (unsampled warm-up requests before phase 1: JIT, connections; no spans)
#   QUOTA_US=10000 PERIOD_US=100000 MIN_US=1000 (sched.bt stall threshold)
#   SCHED_FILTER=pids (sched events of the backend and frontend JVMs only) | all
#   FRONTEND_PORT=8080 BACKEND_PORT=8081 CGROUP=/demo-backend
#
# What it does: creates cgroup v1 cpu:$CGROUP, starts the backend and frontend JVMs (each
# writing OTLP JSON spans to its own file), bpftrace sched.bt (-f json) and the cgroup sampler,
# moves the backend JVM into the cgroup, then drives GET /checkout for PHASE1+2+3 seconds:
# no quota, then cpu.cfs_quota_us=QUOTA_US, then no quota again. Stops everything (SIGTERM
# JVMs so spans flush, SIGINT bpftrace so it flushes) and writes into OUT_DIR:
#   traces.jsonl         frontend then backend span files (OTLP JSON ExportTraceServiceRequest/line)
#   events-sched.jsonl   bpftrace stdout, unmodified (-f json framing, canonical lines in "data")
#   events-cgroup.jsonl  the sampler's canonical lines
#   recording.json       pids, host, kernel, phase boundaries (epoch ns), parameters
#   load.log             one line per request from the load driver
# The cleanup trap (EXIT/INT/TERM) kills every process started here and removes the cgroup.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
samples="$(dirname "$here")"
JAR="${1:-$samples/target/sample-app.jar}"
OUT="${2:-$samples/data/real-cpu-throttle}"
HOST="${HOST:-$(hostname)}"
RPS="${RPS:-4}"; MAX_IN_FLIGHT="${MAX_IN_FLIGHT:-4}"; WARMUP="${WARMUP:-40}"
PHASE1_S="${PHASE1_S:-10}"; PHASE2_S="${PHASE2_S:-20}"; PHASE3_S="${PHASE3_S:-10}"
QUOTA_US="${QUOTA_US:-10000}"; PERIOD_US="${PERIOD_US:-100000}"; MIN_US="${MIN_US:-1000}"
SCHED_FILTER="${SCHED_FILTER:-pids}"
FRONTEND_PORT="${FRONTEND_PORT:-8080}"; BACKEND_PORT="${BACKEND_PORT:-8081}"
CGROUP="${CGROUP:-/demo-backend}"
CG_DIR="/sys/fs/cgroup/cpu$CGROUP"

log() { printf '%s record: %s\n' "$(date -u +%H:%M:%S.%3N)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root"
[ -r "$JAR" ] || die "jar not found: $JAR (build: mvn -q -pl samples package)"
command -v bpftrace >/dev/null || die "bpftrace not installed"
[ -d /sys/fs/cgroup/cpu ] || die "cgroup v1 cpu controller not mounted at /sys/fs/cgroup/cpu"
[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing
[ -d /sys/kernel/debug/tracing ] || mount -t debugfs nodev /sys/kernel/debug 2>/dev/null || true
for p in "$FRONTEND_PORT" "$BACKEND_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then die "port $p already in use"; fi
done

RAW="$(mktemp -d /tmp/record-cpu-throttle.XXXXXX)"
mkdir -p "$OUT"
log "raw files in $RAW, output in $OUT"

BACKEND_PID=""; FRONTEND_PID=""; BPF_PID=""; SAMPLER_PID=""; LOAD_PID=""

# stop PID SIGNAL TIMEOUT_S: signal, wait up to TIMEOUT_S, then SIGKILL.
stop() {
  local pid="$1" sig="$2" t="$3" i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < t * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  log "pid $pid ignored SIG$sig for ${t}s, killing"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ -d "$CG_DIR" ] && echo -1 > "$CG_DIR/cpu.cfs_quota_us" 2>/dev/null || true
  stop "$LOAD_PID" TERM 5
  stop "$FRONTEND_PID" TERM 15
  stop "$BACKEND_PID" TERM 15
  stop "$BPF_PID" INT 15
  stop "$SAMPLER_PID" TERM 5
  if [ -d "$CG_DIR" ]; then
    while read -r p; do echo "$p" > /sys/fs/cgroup/cpu/cgroup.procs 2>/dev/null || true; done \
      < "$CG_DIR/cgroup.procs"
    rmdir "$CG_DIR" || log "could not remove $CG_DIR"
  fi
  [ "$rc" = 0 ] || log "failed (rc=$rc); raw files kept in $RAW"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ns() { date +%s%N; }

wait_port() {
  local port="$1" pid="$2" i
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || die "process $pid exited before listening on $port"
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "nothing listening on $port after 15 s"
}

# 1. cgroup
if [ -d "$CG_DIR" ]; then
  [ -z "$(cat "$CG_DIR/cgroup.procs")" ] || die "$CG_DIR exists and is not empty"
  rmdir "$CG_DIR"
fi
mkdir "$CG_DIR"
echo "$PERIOD_US" > "$CG_DIR/cpu.cfs_period_us"
echo -1 > "$CG_DIR/cpu.cfs_quota_us"
log "created cgroup v1 cpu:$CGROUP (no quota)"

# 2. services
java -jar "$JAR" backend --host "$HOST" --port "$BACKEND_PORT" \
  --spans-out "$RAW/spans-backend.jsonl" 2> "$RAW/backend.log" &
BACKEND_PID=$!
java -jar "$JAR" frontend --host "$HOST" --port "$FRONTEND_PORT" \
  --backend "http://127.0.0.1:$BACKEND_PORT" --spans-out "$RAW/spans-frontend.jsonl" \
  2> "$RAW/frontend.log" &
FRONTEND_PID=$!
log "backend pid=$BACKEND_PID frontend pid=$FRONTEND_PID"

# 3. producers (sched.bt is filtered to the two JVMs, so it starts once their pids are known)
if [ "$SCHED_FILTER" = pids ]; then
  bt_args=("$HOST" "$MIN_US" "$BACKEND_PID" "$FRONTEND_PID")
else
  bt_args=("$HOST" "$MIN_US")
fi
BPFTRACE_MAP_KEYS_MAX=65536 bpftrace -q -f json "$here/../ebpf/sched.bt" "${bt_args[@]}" \
  > "$RAW/events-sched.jsonl" 2> "$RAW/bpftrace.log" &
BPF_PID=$!
for ((i = 0; i < 300; i++)); do
  grep -q clock.sync "$RAW/events-sched.jsonl" 2>/dev/null && break
  kill -0 "$BPF_PID" 2>/dev/null || die "bpftrace exited: $(cat "$RAW/bpftrace.log")"
  sleep 0.1
done
grep -q clock.sync "$RAW/events-sched.jsonl" || die "bpftrace did not start in 30 s"
log "bpftrace pid=$BPF_PID attached"
"$here/../ebpf/cgroup-sampler.sh" --cgroup "$CGROUP" --host "$HOST" --interval-ms 100 \
  > "$RAW/events-cgroup.jsonl" 2> "$RAW/sampler.log" &
SAMPLER_PID=$!

wait_port "$BACKEND_PORT" "$BACKEND_PID"
wait_port "$FRONTEND_PORT" "$FRONTEND_PID"

# 4. backend into the cgroup (the frontend stays in the root cgroup)
echo "$BACKEND_PID" > "$CG_DIR/cgroup.procs"
T_ATTACH=$(now_ns)
log "backend $BACKEND_PID moved to cpu:$CGROUP"
sleep 1

# 5. load with phases
TOTAL_S=$((PHASE1_S + PHASE2_S + PHASE3_S))
java -jar "$JAR" load --url "http://127.0.0.1:$FRONTEND_PORT/checkout" --rps "$RPS" \
  --duration "$TOTAL_S" --max-in-flight "$MAX_IN_FLIGHT" --warmup "$WARMUP" \
  > "$RAW/load.log" 2>&1 &
LOAD_PID=$!
T_WARMUP=$(now_ns)
for ((i = 0; i < 600; i++)); do
  grep -q '^start epoch_ms=' "$RAW/load.log" && break
  kill -0 "$LOAD_PID" 2>/dev/null || die "load driver exited: $(cat "$RAW/load.log")"
  sleep 0.05
done
grep -q '^start epoch_ms=' "$RAW/load.log" || die "load driver did not finish its warm-up in 30 s"
# phase 1 starts when the driver starts its timed run (it prints the epoch ms of that instant)
T_LOAD="$(sed -n 's/^start epoch_ms=\([0-9]*\)$/\1/p' "$RAW/load.log")000000"
log "$(grep '^warmup' "$RAW/load.log" || echo "no warm-up")"
log "phase 1: no quota for ${PHASE1_S}s (load pid=$LOAD_PID, $RPS rps, ${TOTAL_S}s)"
sleep "$PHASE1_S"
echo "$QUOTA_US" > "$CG_DIR/cpu.cfs_quota_us"
T_QUOTA_ON=$(now_ns)
log "phase 2: cpu.cfs_quota_us=$QUOTA_US cpu.cfs_period_us=$PERIOD_US for ${PHASE2_S}s"
sleep "$PHASE2_S"
echo -1 > "$CG_DIR/cpu.cfs_quota_us"
T_QUOTA_OFF=$(now_ns)
log "phase 3: no quota"
wait "$LOAD_PID" || log "load driver exited with $?"
LOAD_PID=""
T_LOAD_END=$(now_ns)
log "load done: $(tail -1 "$RAW/load.log")"
sleep 1

# 6. stop (cleanup does it again harmlessly on failure paths)
stop "$FRONTEND_PID" TERM 15; stop "$BACKEND_PID" TERM 15
stop "$BPF_PID" INT 15; stop "$SAMPLER_PID" TERM 5
T_STOP=$(now_ns)
log "stopped all"

# 7. outputs
cat "$RAW/spans-frontend.jsonl" "$RAW/spans-backend.jsonl" > "$OUT/traces.jsonl"
cp "$RAW/events-sched.jsonl" "$OUT/events-sched.jsonl"
cp "$RAW/events-cgroup.jsonl" "$OUT/events-cgroup.jsonl"
cp "$RAW/load.log" "$OUT/load.log"
cat > "$OUT/recording.json" <<JSON
{"host.name":"$HOST","kernel":"$(uname -r)","bpftrace":"$(bpftrace --version)","java":"$(java -version 2>&1 | head -1 | tr -d '"')",
 "cpus":$(nproc),"backend.pid":$BACKEND_PID,"frontend.pid":$FRONTEND_PID,"cgroup.path":"$CGROUP","cgroup.hierarchy":"v1 cpu",
 "cfs_quota_us":$QUOTA_US,"cfs_period_us":$PERIOD_US,"rps":$RPS,"max_in_flight":$MAX_IN_FLIGHT,"warmup_requests":$WARMUP,"sched.min_us":$MIN_US,"sched.filter":"$SCHED_FILTER",
 "phases_epoch_ns":{"backend_attached":$T_ATTACH,"warmup_start":$T_WARMUP,"load_start":$T_LOAD,"quota_on":$T_QUOTA_ON,"quota_off":$T_QUOTA_OFF,"load_end":$T_LOAD_END,"stopped":$T_STOP}}
JSON
log "wrote $(ls "$OUT" | tr '\n' ' ')"
du -sh "$OUT" >&2
rm -rf "$RAW"

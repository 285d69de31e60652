#!/usr/bin/env bash
# run-backend.sh - the sample backend as a real OCI container under crun (L-3): an OCI bundle
# (config.json + rootfs of read-only bind mounts of the host's /usr, /etc...), crun's own cgroup
# naming, optionally a CFS quota and a Docker-style seccomp profile (JSON).
#
# usage: run-backend.sh [--id ID] [--port 19081] [--cpu-quota-pct P] [--seccomp PROFILE.json]
#                       [--jar samples/target/sample-app.jar] [--dir DIR] [--runtime crun]
#                       [--cgroups-path PATH] [--host NAME] [--runtime-flag FLAG]...
#                       [--backend-arg ARG]... [--nice N]
#
#   --id            the container id; default: a Docker-style 64-hex id (sha256 of a random value)
#   --cgroups-path  linux.cgroupsPath; default: none, crun picks its own (cgroupfs: /<id>)
#   --seccomp       a Docker-style seccomp profile (defaultAction/architectures/syscalls[names,
#                   action, errnoRet]), e.g. samples/oci/seccomp-deny-mkdir.json; it is the same
#                   shape as OCI's linux.seccomp, and is embedded as is
#   --backend-arg   one more argument of the sample backend, e.g. --sync-write-bytes 4096
#                   --sync-writes 40 --write-dir /out/write (write + fdatasync per request)
#   --nice          added to the container's nice value (default 19: a batch job on a shared
#                   machine; the fault lab passes 0 and runs this script at nice -10)
#   --runtime runsc --runtime-flag --platform=ptrace --runtime-flag --debug ... runs it under gVisor
#                   (global flags go before the command: --debug-log=DIR/ --strace for the L-4 log)
#   The container shares the host's network namespace (the backend listens on 127.0.0.1:PORT) and
#   has its own pid, mount, ipc and uts namespaces. Spans go to DIR/out/backend-spans.jsonl, its
#   standard output and error to DIR/out/container.log.
#   Prints "id=<id> pid=<host pid> cgroup=<cpu cgroup path>" once the backend runs, then waits;
#   on SIGTERM/SIGINT (or when the backend exits) it kills and deletes the container.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
id=""; port=19081; quota=""; seccomp=""; jar="$here/../target/sample-app.jar"; dir=/tmp/stack-oci
runtime=crun; cgpath=""; host="$(hostname)"; flags=(); bargs=(); nice=19
while [ $# -gt 0 ]; do
  case "$1" in
    --id) id="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --cpu-quota-pct) quota="$2"; shift 2 ;;
    --seccomp) seccomp="$2"; shift 2 ;;
    --jar) jar="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --runtime) runtime="$2"; shift 2 ;;
    --cgroups-path) cgpath="$2"; shift 2 ;;
    --host) host="$2"; shift 2 ;;
    --runtime-flag) flags+=("$2"); shift 2 ;;
    --backend-arg) bargs+=("$2"); shift 2 ;;
    --nice) nice="$2"; shift 2 ;;
    -h|--help) sed -n "2,26p" "$0"; exit 0 ;;
    *) echo "run-backend: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v "$runtime" >/dev/null || { echo "run-backend: $runtime not found (apt-get install crun)" >&2; exit 1; }
[ -r "$jar" ] || { echo "run-backend: no $jar (nice -n 19 mvn -o -q -DskipTests package)" >&2; exit 1; }
[ -n "$id" ] || id="$(head -c 32 /dev/urandom | sha256sum | cut -c1-64)"
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"

bundle="$dir/bundle-$id"
mkdir -p "$bundle/rootfs" "$dir/out/audit" "$dir/out/write"
jar="$(readlink -f "$jar")"
STACK_ID="$id" STACK_PORT="$port" STACK_QUOTA="$quota" STACK_SECCOMP="$seccomp" STACK_JAR="$jar" \
STACK_OUT="$dir/out" STACK_ARGS="${bargs[*]+${bargs[*]}}" STACK_CGPATH="$cgpath" STACK_HOST="$host" STACK_JAVA="$java_home/bin/java" \
python3 - "$bundle" <<'PY'
import json, os, sys
bundle = sys.argv[1]
env = os.environ
ro = ["rbind", "ro", "nosuid", "nodev"]
mounts = [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777"]},
    {"destination": "/app/sample-app.jar", "type": "bind", "source": env["STACK_JAR"], "options": ro},
    {"destination": "/out", "type": "bind", "source": env["STACK_OUT"], "options": ["rbind", "rw"]},
]
for d in ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64"):
    if os.path.exists(d):
        mounts.append({"destination": d, "type": "bind", "source": os.path.realpath(d) if not os.path.islink(d) else d, "options": ro})
linux = {
    "namespaces": [{"type": t} for t in ("pid", "ipc", "uts", "mount")],
    "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"],
    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
    "resources": {"devices": [{"allow": False, "access": "rwm"}]},
}
if env.get("STACK_QUOTA"):
    linux["resources"]["cpu"] = {"quota": int(env["STACK_QUOTA"]) * 1000, "period": 100000}
if env.get("STACK_SECCOMP"):
    with open(env["STACK_SECCOMP"]) as f:
        profile = json.load(f)
    linux["seccomp"] = {k: profile[k] for k in ("defaultAction", "architectures", "syscalls") if k in profile}
    for rule in linux["seccomp"]["syscalls"]:
        rule.pop("comment", None)
if env.get("STACK_CGPATH"):
    linux["cgroupsPath"] = env["STACK_CGPATH"]
caps = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT"]
config = {
    "ociVersion": "1.0.2",
    "process": {
        "terminal": False,
        "user": {"uid": 0, "gid": 0},
        "args": [env["STACK_JAVA"], "-Xmx128m", "-XX:+UseSerialGC", "-jar", "/app/sample-app.jar",
                 "backend", "--port", env["STACK_PORT"], "--host", env["STACK_HOST"],
                 "--spans-out", "/out/backend-spans.jsonl", "--audit-dir", "/out/audit"]
                + env.get("STACK_ARGS", "").split(),
        "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "OTEL_RESOURCE_ATTRIBUTES=container.id=" + env["STACK_ID"] + ",container.runtime=crun"],
        "cwd": "/",
        "capabilities": {k: caps for k in ("bounding", "effective", "permitted")},
        "noNewPrivileges": True,
    },
    "root": {"path": "rootfs", "readonly": True},
    "hostname": "stack-backend",
    "mounts": mounts,
    "linux": linux,
}
with open(os.path.join(bundle, "config.json"), "w") as f:
    json.dump(config, f, indent=1)
PY

# crun 1.8 refuses a hybrid cgroup host ("cgroups in hybrid mode not supported, drop all controllers
# from cgroupv2") when the cgroup2 mount at /sys/fs/cgroup/unified holds a controller (hugetlb on
# this machine, which mounts no v1 hugetlb). Each runtime command runs in a private mount namespace
# without that mount, so the runtime sees a cgroup-v1 host; nothing changes for other processes.
rt() {
  unshare -m sh -c 'umount -l /sys/fs/cgroup/unified 2>/dev/null; exec "$@"' rt "$runtime" \
    ${flags[@]+"${flags[@]}"} "$@"
}
cleanup() {
  rt kill "$id" TERM 2>/dev/null || true
  for _ in $(seq 30); do
    rt state "$id" 2>/dev/null | grep -q '"status": *"stopped"' && break
    sleep 0.2
  done
  # --force: crun also takes -f, runsc (Go flags) does not
  rt delete --force "$id" 2>/dev/null || true
  # runsc (cgroupfs, v1) leaves its /<id> cgroups behind, emptied once the sandbox has exited;
  # crun removes its own
  for _ in $(seq 25); do
    left=0
    for d in /sys/fs/cgroup/*/"$id"; do [ -d "$d" ] && { rmdir "$d" 2>/dev/null || left=1; }; done
    [ "$left" = 0 ] && break
    sleep 0.2
  done
  rm -rf "$bundle"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
nice -n "$nice" unshare -m sh -c 'umount -l /sys/fs/cgroup/unified 2>/dev/null; exec "$@"' rt \
  "$runtime" ${flags[@]+"${flags[@]}"} run --detach --bundle "$bundle" "$id" \
  > "$dir/out/container.log" 2>&1
pid="$(rt state "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')"
cg="$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ {print $3}' "/proc/$pid/cgroup")"
echo "id=$id pid=$pid cgroup=$cg"
while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done

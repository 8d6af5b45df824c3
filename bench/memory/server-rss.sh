#!/usr/bin/env bash
# RSS of `rcx server` idle, under a short load and idle again, with the JVM flags given in $1 (as RCX_SERVER_JVM_OPTS;
# unset = the ./rcx defaults). Usage: bench/memory/server-rss.sh ["FLAGS"]. Needs target/rcx.jar (./rcx builds it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/.ci/jdk.sh"
. "$root/.ci/server-jvm.sh"
rcx_pick_jdk
if [ $# -gt 0 ]; then RCX_SERVER_JVM_OPTS="$1"; fi
rcx_server_jvm_opts server
java="$JAVA_HOME/bin/java"; jar="$root/target/rcx.jar"
d="$(mktemp -d)"; mkdir -p "$d/data"; trap 'kill "$pid" 2>/dev/null || true; rm -rf "$d"' EXIT
echo measure-password | "$java" -jar "$jar" user add alice --password-stdin --data-dir "$d/data" >/dev/null
"$java" ${RCX_JVM_ARGS[@]+"${RCX_JVM_ARGS[@]}"} -jar "$jar" server --data-dir "$d/data" --port 0 >"$d/out" 2>"$d/err" &
pid=$!
for _ in $(seq 1 120); do grep -q fingerprint "$d/out" 2>/dev/null && break; sleep 0.5; done
port="$(grep -o 'tls://[^ ]*' "$d/out" | sed 's/.*://')"; fp="$(grep fingerprint "$d/out" | awk '{print $NF}')"
rss() { awk '/VmRSS/{print $2}' "/proc/$pid/status"; }
sleep 8; idle="$(rss)"
RCX_PASSWORD=measure-password timeout 300 "$java" -jar "$jar" bench --host 127.0.0.1 --port "$port" --fingerprint "$fp" \
  -u alice --clients 5 --workload session,login --duration 10s --warmup 3s --no-floor --no-progress --out "$d/bench" \
  | grep -E '^(session|login) '
peak="$(awk '/VmHWM/{print $2}' "/proc/$pid/status")"
sleep 25; after="$(rss)"
echo "flags: ${RCX_JVM_ARGS[*]:-(JVM defaults)}"
echo "RSS KiB: idle $idle, peak $peak, idle 25 s after load $after"

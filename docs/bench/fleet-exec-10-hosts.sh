#!/usr/bin/env bash
# `rcx exec --hosts-file` over 10 real rcx servers on loopback (all on this machine): password login on every run vs
# a token cached by `rcx login`; 5 timed runs each after one warm-up, with wall time, the client's CPU, the 10
# servers' CPU and the load average. Usage: docs/bench/fleet-exec-10-hosts.sh [REPO] (default: this checkout).
set -euo pipefail
repo="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"; rcx="$repo/rcx"
work="$(mktemp -d /tmp/rcx-fleet-bench.XXXX)"
pw="bench-password-10"
printf '%s\n' "$pw" > "$work/pw"
cat > "$work/commands.yaml" <<YAML
commands:
  - {name: echo, path: /bin/echo, max_args: 8, arg_patterns: [".*"], users: ["*"]}
YAML
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${RCX_BENCH_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
: > "$work/hosts.txt"
for i in $(seq 0 9); do
  d="$work/s$i"; mkdir -m 700 "$d"
  "$rcx" user add alice --password-stdin --data-dir "$d" < "$work/pw" > /dev/null
  RCX_LOG_LEVEL=WARN "$rcx" server --data-dir "$d" --port 0 --commands "$work/commands.yaml" > "$d/out" 2>&1 &
  pids+=($!)
done
for i in $(seq 0 9); do
  for _ in $(seq 1 600); do grep -q "listening on" "$work/s$i/out" && break; sleep 0.1; done
  port=$(grep -o 'listening on tls://127.0.0.1:[0-9]*' "$work/s$i/out" | grep -o '[0-9]*$')
  echo "127.0.0.1:$port" >> "$work/hosts.txt"
done
echo "servers: $(tr '\n' ' ' < "$work/hosts.txt")"
servercpu() { # CPU seconds (user+sys) used so far by the 10 servers
  local t=0
  for p in "${pids[@]}"; do
    for q in $p $(pgrep -P "$p" || true); do
      t=$((t + $(awk '{print $14 + $15}' "/proc/$q/stat" 2>/dev/null || echo 0)))
    done
  done
  echo "scale=2; $t / $(getconf CLK_TCK)" | bc
}
run() { # mode home
  local start end s0 s1
  s0=$(servercpu)
  start=$(date +%s.%N)
  RCX_HOME="$2" /usr/bin/time -f "%U %S" -o "$work/cpu" "$rcx" exec --hosts-file "$work/hosts.txt" -u alice --password-stdin echo hi < "$work/pw" > "$work/last.out" 2>&1
  end=$(date +%s.%N)
  s1=$(servercpu)
  grep -q "10 hosts: 10 ok" "$work/last.out" || { cat "$work/last.out"; exit 1; }
  echo "$1 wall $(echo "$end - $start" | bc) client-cpu $(awk '{print $1 + $2}' "$work/cpu") servers-cpu $(echo "$s1 - $s0" | bc)"
}
# Password: every run logs in on all 10 hosts (one Argon2id each on the servers), then logs out. The warm-up gives
# connect + TLS + login 120 s: 10 cold server JVMs hashing at once on a loaded 2-core machine took more than the
# default 10 s.
mkdir -p "$work/home-pw"
RCX_HOME="$work/home-pw" "$rcx" exec --accept-new --connect-timeout 120s --hosts-file "$work/hosts.txt" -u alice --password-stdin echo hi < "$work/pw" > "$work/warm.out" 2>&1 || { cat "$work/warm.out"; exit 1; } # warm-up, records known hosts
for n in 1 2 3 4 5; do run password "$work/home-pw"; cat /proc/loadavg | sed 's/^/  loadavg /'; done
# Cached: rcx login once per host (not timed), then every run reuses the token.
mkdir -p "$work/home-cached"
cp "$work/home-pw/known_hosts" "$work/home-cached/known_hosts"
while read -r h; do RCX_HOME="$work/home-cached" "$rcx" login --host "$h" -u alice --password-stdin < "$work/pw" > /dev/null 2>&1; done < "$work/hosts.txt"
RCX_HOME="$work/home-cached" "$rcx" exec --connect-timeout 120s --hosts-file "$work/hosts.txt" -u alice echo hi < /dev/null > /dev/null 2>&1 # warm-up
for n in 1 2 3 4 5; do run cached "$work/home-cached"; cat /proc/loadavg | sed 's/^/  loadavg /'; done
# Context: the JVM start of the client alone, and one host with a cached token.
h1=$(head -1 "$work/hosts.txt")
for n in 1 2 3 4 5; do
  start=$(date +%s.%N); "$rcx" --version > /dev/null; end=$(date +%s.%N); echo "version $(echo "$end - $start" | bc)"
done
for n in 1 2 3 4 5; do
  start=$(date +%s.%N); RCX_HOME="$work/home-cached" "$rcx" exec --host "$h1" -u alice echo hi > /dev/null < /dev/null; end=$(date +%s.%N)
  echo "one-host-cached $(echo "$end - $start" | bc)"
done
cat /proc/loadavg | sed 's/^/  loadavg /'

#!/usr/bin/env bash
# rcx beside the original design's server written in Python (server.py: standard library, subprocess per command),
# with the same Java load generator (`rcx bench`), the same command and the same client counts, in one run.
#
# 1. Starts server.py twice on 127.0.0.1 (TLS with a throw-away certificate, and plaintext), each its own process.
# 2. Runs `rcx bench --workload session` against them (--host, with their pids so their CPU is read from /proc),
#    then `rcx bench --workload session` with rcx's own servers (TLS and plaintext, each its own `rcx server`
#    process), at the same client counts. Both kinds of server get the same warm-up (--server-warmup: rounds until a
#    JVM server's JIT is quiet; the Python server has none, so one round).
# 3. Prints a side-by-side table (throughput, p50, p99, each server's own CPU and its commands' CPU per command)
#    and writes comparison.md and both runs' full reports to --out.
#
# Usage: bench/python-server/compare.sh [--clients 10,20] [--duration 5s] [--warmup 1s] [--server-warmup 120s]
#        [--out DIR]
# --out defaults to bench-out/python-server-<timestamp>. With the defaults a run takes about three minutes on 2 cores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
clients="10,20"
duration="5s"
warmup="1s"
server_warmup="120s"
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --clients|--duration|--warmup|--server-warmup|--out)
      [ $# -ge 2 ] || { echo "compare.sh: $1 needs a value" >&2; exit 2; }
      case "$1" in
        --clients) clients="$2" ;; --duration) duration="$2" ;; --warmup) warmup="$2" ;;
        --server-warmup) server_warmup="$2" ;; --out) out="$2" ;;
      esac
      shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
command -v python3 >/dev/null || { echo "compare.sh: python3 is needed for server.py; install python3" >&2; exit 2; }
command -v openssl >/dev/null || { echo "compare.sh: openssl is needed for the test certificate; install openssl" >&2; exit 2; }
[ -n "$out" ] || out="$root/bench-out/python-server-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

work="$(mktemp -d "${TMPDIR:-/tmp}/rcx-pyserver.XXXXXX")"
cleanup() {
  # start_python runs in a command substitution (a subshell), so its pids are kept in a file.
  if [ -s "$work/pids" ]; then
    while read -r p; do kill "$p" 2>/dev/null || true; done <"$work/pids"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
fingerprint="$(openssl x509 -in "$work/cert.pem" -noout -fingerprint -sha256 | cut -d= -f2)"
password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"

# Starts server.py with the given options; prints its port and pid.
start_python() {
  local log="$work/py-$#-$RANDOM.log"
  python3 "$here/server.py" --password "$password" --user bench "$@" >"$log" 2>&1 &
  local pid=$!
  echo "$pid" >>"$work/pids"
  for _ in $(seq 1 100); do
    if grep -qs '^listening on' "$log"; then
      echo "$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$log") $pid"
      return
    fi
    sleep 0.1
  done
  echo "compare.sh: server.py did not start: $(cat "$log")" >&2
  exit 1
}
read -r tls_port tls_pid < <(start_python --cert "$work/cert.pem" --key "$work/key.pem")
read -r plain_port plain_pid < <(start_python)
[ -n "${tls_port:-}" ] && [ -n "${plain_port:-}" ] || { echo "compare.sh: server.py did not start" >&2; exit 1; }

echo "== load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== Python server (server.py, TLS port $tls_port, plaintext port $plain_port)"
RCX_PASSWORD="$password" "$root/rcx" bench --workload session --clients "$clients" --duration "$duration" \
  --warmup "$warmup" --server-warmup "$server_warmup" --no-progress --no-floor --host 127.0.0.1 --port "$tls_port" \
  --plain-port "$plain_port" --server-pid "$tls_pid,$plain_pid" --user bench --fingerprint "$fingerprint" \
  --out "$out/python"
echo "== rcx server (its own processes)"
"$root/rcx" bench --workload session --clients "$clients" --duration "$duration" --warmup "$warmup" \
  --server-warmup "$server_warmup" --no-progress --no-floor --out "$out/rcx"
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
def points(name):
    with open(f"{out}/{name}/results.json") as f:
        return {(p["transport"], p["clients"]): p for p in json.load(f)["points"] if p["workload"] == "session"}
py, rcx = points("python"), points("rcx")
def us(p, key):
    v = p.get(key)
    return "-" if v is None else f"{v:.0f}"
rows = ["| transport | clients | rcx cmd/s | Python cmd/s | rcx / Python | rcx p50 ms | Python p50 ms | rcx p99 ms | Python p99 ms "
        "| rcx server CPU us/cmd (of it JIT) | Python server CPU us/cmd | rcx command CPU us/cmd | Python command CPU us/cmd |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
for key in sorted(set(py) & set(rcx)):
    r, p = rcx[key], py[key]
    ratio = r["throughput"] / p["throughput"] if p["throughput"] else float("inf")
    rows.append(f"| {key[0]} | {key[1]} | {r['throughput']:.0f} | {p['throughput']:.0f} | {ratio:.2f} | "
                f"{r['latency']['p50']:.1f} | {p['latency']['p50']:.1f} | {r['latency']['p99']:.1f} | {p['latency']['p99']:.1f} | "
                f"{us(r, 'server_cpu_us_per_command')} ({us(r, 'server_jit_us_per_command')}) | {us(p, 'server_cpu_us_per_command')} | "
                f"{us(r, 'command_cpu_us_per_command')} | {us(p, 'command_cpu_us_per_command')} |")
table = "\n".join(rows)
print(table)
with open(f"{out}/comparison.md", "w") as f:
    f.write("# rcx vs the original design's Python server (session workload, same Java driver)\n\n" + table + "\n")
PY
echo "compare.sh: results in $out"

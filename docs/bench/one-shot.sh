#!/usr/bin/env bash
# docs/bench/one-shot.sh [N]: one-shot latency: ./rcx exec (password), ./rcx exec (cached token after rcx login), Python stdlib client (login+exec),
# interleaved, N rounds, against one ./rcx server on loopback. Prints medians (wall ms).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"; N=${1:-7}
work=$(mktemp -d /tmp/rcx-oneshot.XXXXXX); data=$work/data; export RCX_HOME=$work/home
port=$((20000 + RANDOM % 20000))
cd "$repo"
printf 'correct horse battery\n' | ./rcx user add alice --data-dir "$data" --password-stdin >/dev/null
./rcx server --data-dir "$data" --port "$port" > "$work/server.out" 2>&1 &
spid=$!
for i in $(seq 1 300); do grep -q "fingerprint:" "$work/server.out" 2>/dev/null && break; sleep 0.2; done
fp=$(sed -n "s/.*fingerprint: //p" "$work/server.out" | head -1)
export RCX_PASSWORD='correct horse battery'
ms() { local s=$(date +%s%N); "$@" >/dev/null 2>&1 || echo "FAILED: $*" >&2; echo $(( ($(date +%s%N) - s) / 1000000 )); }
py() { PYTHONPATH=$repo/clients/python python3 -c "
import rcx,sys
with rcx.Client('127.0.0.1', $port, trust=rcx.Pinned('$fp')) as c:
    c.login('alice','correct horse battery'); r=c.exec('echo hi'); assert r.output=='hi\n', r
"; }
./rcx exec --host 127.0.0.1:$port --fingerprint "$fp" -u alice echo hi >/dev/null  # warm-up (starts AOT cache training)
# The AOT cache is made in the background (about 10 s of CPU) the first time a new jar runs: wait for it (bounded).
if [ -z "${RCX_NO_AOT:-}" ]; then
  for i in $(seq 1 600); do
    { [ target/rcx.aot -nt target/rcx.jar ] || [ target/rcx.aot.failed -nt target/rcx.jar ]; } && [ ! -d target/rcx.aot.lock ] && break
    sleep 0.5
  done
  [ target/rcx.aot -nt target/rcx.jar ] && echo "AOT cache: target/rcx.aot" || echo "AOT cache: none (training failed or JDK < 25)"
fi
sleep 3
a=(); b=(); p=()
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq 1 "$N"); do
  a+=($(ms ./rcx exec --host 127.0.0.1:$port --fingerprint "$fp" -u alice echo hi))
  p+=($(ms py))
done
printf 'correct horse battery\n' | ./rcx login --host 127.0.0.1:$port --fingerprint "$fp" -u alice --password-stdin >/dev/null
unset RCX_PASSWORD
for i in $(seq 1 "$N"); do b+=($(ms ./rcx exec --host 127.0.0.1:$port --fingerprint "$fp" -u alice echo hi)); done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (at the start: $load0)  commit: $(git rev-parse --short HEAD)  N=$N"
echo "rcx exec (password login + echo hi): median $(med "${a[@]}") ms  [${a[*]}]"
echo "python stdlib client (login + echo hi): median $(med "${p[@]}") ms  [${p[*]}]"
echo "rcx exec (cached token from rcx login): median $(med "${b[@]}") ms  [${b[*]}]"
kill "$spid"; wait "$spid" 2>/dev/null || true
rm -rf "$work"

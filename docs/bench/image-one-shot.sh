#!/usr/bin/env bash
# docs/bench/image-one-shot.sh BEFORE AFTER [N]: one-shot cost of two jlink images (directories like target/dist/rcx),
# interleaved, N rounds, against one ./rcx server on loopback: `rcx --version`, `rcx exec` with a password, and with
# the cached session of `rcx login`. Variants: before (BEFORE/bin/rcx), after-noaot (AFTER with RCX_NO_AOT=1: its JVM
# flags and jlink's default CDS archive, no AOT cache) and after (AFTER with lib/rcx.aot). Prints per variant and
# operation the median wall and CPU (user + sys) in ms, from /usr/bin/time -f "%e %U %S", and uptime at both ends.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BEFORE_IMAGE AFTER_IMAGE [N]" >&2; exit 2; }
before=$(cd "$1" && pwd); after=$(cd "$2" && pwd); N=${3:-7}
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d /tmp/rcx-imgbench.XXXXXX); data=$work/data; export RCX_HOME=$work/home
port=$((20000 + RANDOM % 20000))
printf 'correct horse battery\n' | "$repo/rcx" user add alice --data-dir "$data" --password-stdin >/dev/null
"$repo/rcx" server --data-dir "$data" --port "$port" --bind 127.0.0.1 > "$work/server.out" 2>&1 &
spid=$!
for i in $(seq 1 300); do grep -q "fingerprint:" "$work/server.out" 2>/dev/null && break; sleep 0.2; done
fp=$(sed -n "s/.*fingerprint: //p" "$work/server.out" | head -1)
declare -A W C
run() { # variant op cmd...
  local v=$1 op=$2; shift 2
  /usr/bin/time -o "$work/time" -f "%e %U %S" "$@" >"$work/out" 2>/dev/null || echo "FAILED $v $op (exit)" >&2
  local t; t=$(tail -1 "$work/time")
  if [ "$op" != version ] && [ "$(cat "$work/out")" != hi ]; then echo "FAILED $v $op: $(cat "$work/out")" >&2; fi
  read -r e u s <<<"$t"
  W[$v.$op]+="$(awk -v e="$e" 'BEGIN{printf "%d", e*1000}') "
  C[$v.$op]+="$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%d", (u+s)*1000}') "
}
bin() { case $1 in before) echo "$before/bin/rcx" ;; *) echo "$after/bin/rcx" ;; esac; }
noaot() { [ "$1" = after-noaot ] && echo 1 || echo ""; }
V=(before after-noaot after)
export RCX_PASSWORD='correct horse battery'
for v in "${V[@]}"; do RCX_NO_AOT=$(noaot $v) $(bin $v) exec --host 127.0.0.1:$port --fingerprint "$fp" -u alice echo hi >/dev/null; done # warm-up
sleep 2
load0=$(cut -d' ' -f1-3 /proc/loadavg); up0=$(uptime)
for i in $(seq 1 "$N"); do
  for v in "${V[@]}"; do
    RCX_NO_AOT=$(noaot $v) run $v version $(bin $v) --version
    RCX_NO_AOT=$(noaot $v) run $v exec-password $(bin $v) exec --host 127.0.0.1:$port --fingerprint "$fp" -u alice echo hi
  done
done
printf 'correct horse battery\n' | $(bin after) login --host 127.0.0.1:$port --fingerprint "$fp" -u alice --password-stdin >/dev/null
unset RCX_PASSWORD
for i in $(seq 1 "$N"); do
  for v in "${V[@]}"; do
    RCX_NO_AOT=$(noaot $v) run $v exec-token $(bin $v) exec --host 127.0.0.1:$port --fingerprint "$fp" -u alice echo hi
  done
done
med() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "start: $up0"
echo "end:   $(uptime)"
echo "N=$N  commit $(git -C $repo rev-parse --short HEAD)"
printf '%-12s %-14s %8s %8s   %s\n' variant op wall_ms cpu_ms "wall runs / cpu runs"
for op in version exec-password exec-token; do
  for v in "${V[@]}"; do
    printf '%-12s %-14s %8s %8s   [%s] [%s]\n' $v $op "$(med "${W[$v.$op]}")" "$(med "${C[$v.$op]}")" "${W[$v.$op]% }" "${C[$v.$op]% }"
  done
done
kill "$spid"; wait "$spid" 2>/dev/null || true
rm -rf "$work"

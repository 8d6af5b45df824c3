#!/usr/bin/env bash
# Packaging checks: builds the jlink image (./mvnw -B -Pdist package), runs it with every JDK on the machine hidden
# (a private mount namespace with an empty tmpfs over /usr/lib/jvm when root; otherwise an empty environment), and
# drives a real server from it: start, SIGHUP (reload, still alive), `rcx server reload`, SIGTERM (exit 0). Then checks
# the systemd unit with `systemd-analyze verify` (no running systemd needed; any warning fails).
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/jdk.sh
rcx_pick_jdk

./mvnw -B -q -DskipTests -Pdist package
image="$PWD/target/dist/rcx"
[ -x "$image/bin/rcx" ] || { echo "dist: $image/bin/rcx missing" >&2; exit 1; }
echo "dist: image $(du -sh "$image" | cut -f1), modules: $(grep '^MODULES' "$image/release")"

work="$(mktemp -d /tmp/rcx-dist.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cp -a "$image" "$work/rcx"

# The checks, run with no JDK visible.
cat > "$work/check.sh" <<'CHECK'
set -euo pipefail
work="$1"; mode="$2"; rcx="$work/rcx/bin/rcx"
if [ "$mode" = hidden ] && ls /usr/lib/jvm/*/bin/java >/dev/null 2>&1; then
  echo "dist: a JDK is still visible" >&2; exit 1
fi
"$rcx" --version | tee "$work/version"
grep -Eq '^rcx [^ ]+ \(commit [0-9a-f]{7,}' "$work/version" || { echo "dist: --version lacks the commit" >&2; exit 1; }
"$rcx" policy check --user anyone uptime
"$rcx" server --data-dir "$work/data" --port 0 > "$work/server.out" 2>&1 &
pid=$!
for _ in $(seq 1 300); do grep -q "rcx server listening" "$work/server.out" && break; sleep 0.1; done
grep -q "rcx server listening" "$work/server.out" || { cat "$work/server.out"; exit 1; }
kill -HUP "$pid"
for _ in $(seq 1 100); do grep -q "SIGHUP: reloaded" "$work/server.out" && break; sleep 0.1; done
grep -q "SIGHUP: reloaded" "$work/server.out" || { echo "dist: no reload after SIGHUP" >&2; cat "$work/server.out"; exit 1; }
kill -0 "$pid" || { echo "dist: SIGHUP killed the server" >&2; exit 1; }
"$rcx" server reload --data-dir "$work/data"
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || { echo "dist: server exited $rc after SIGTERM" >&2; cat "$work/server.out"; exit 1; }
echo "dist: image runs without a JDK: --version, policy check, server start/SIGHUP/reload/SIGTERM all fine"
CHECK
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
  timeout 300 unshare -m --propagation private \
    sh -c 'mount -t tmpfs -o size=1m tmpfs /usr/lib/jvm && exec env -i PATH=/usr/bin:/bin HOME="$1" bash "$1/check.sh" "$1" hidden' \
    sh "$work"
else
  echo "dist: not root: hiding JDKs by an empty environment only"
  timeout 300 env -i PATH=/usr/bin:/bin HOME="$work" bash "$work/check.sh" "$work" env
fi

# The systemd unit, with its paths pointed at the built image (verify insists the ExecStart binary exists).
sed "s#/opt/rcx/#$image/#g" packaging/rcx.service > "$work/rcx.service"
out="$(systemd-analyze verify "$work/rcx.service" 2>&1)" || { echo "$out" >&2; exit 1; }
if [ -n "$out" ]; then echo "dist: systemd-analyze verify warned:" >&2; echo "$out" >&2; exit 1; fi
grep -q '^ExecReload=/bin/kill -HUP \$MAINPID' packaging/rcx.service
echo "dist: systemd-analyze verify packaging/rcx.service: clean"

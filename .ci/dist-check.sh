#!/usr/bin/env bash
# Packaging checks: builds the jlink image (./mvnw -B -Pdist package), checks it holds every JDK module jdeps finds in
# rcx.jar, runs it with every JDK on the machine hidden (a private mount namespace with an empty tmpfs over
# /usr/lib/jvm when root; otherwise an empty environment): the client's JVM flags and the AOT cache in effect (JDK 25+
# images), the same `--version` bytes with and without the cache, a stale or corrupt cache ignored without a word,
# `rcx exec` printing the command's exact bytes; and drives a real server from it: start, SIGHUP (reload, still
# alive), `rcx server reload`, SIGTERM (exit 0). Then checks the systemd unit with `systemd-analyze verify` (no running
# systemd needed; any warning fails).
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/jdk.sh
rcx_pick_jdk

./mvnw -B -q -DskipTests -Pdist package
image="$PWD/target/dist/rcx"
[ -x "$image/bin/rcx" ] || { echo "dist: $image/bin/rcx missing" >&2; exit 1; }
echo "dist: image $(du -sh "$image" | cut -f1), modules: $(grep '^MODULES' "$image/release")"

# Every module jdeps finds in the jar is in the image (jdk.net was missing once: `rcx exec` failed with
# NoClassDefFoundError: jdk/net/ExtendedSocketOptions, and nothing here ran exec).
needed="$("$JAVA_HOME/bin/jdeps" --multi-release "$rcx_jdk_v" --ignore-missing-deps --print-module-deps target/rcx.jar)"
modules=" $(sed -n 's/^MODULES="\(.*\)"/\1/p' "$image/release") "
for m in ${needed//,/ }; do
  case "$modules" in *" $m "*) ;; *) echo "dist: jdeps finds module $m in target/rcx.jar, but the image lacks it: add it to rcx.dist.modules in pom.xml" >&2; exit 1 ;; esac
done
echo "dist: the image has every module jdeps names ($needed)"

work="$(mktemp -d /tmp/rcx-dist.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cp -a "$image" "$work/rcx"

# The checks, run with no JDK visible.
cat > "$work/check.sh" <<'CHECK'
set -euo pipefail
work="$1"; mode="$2"; image="$work/rcx"; rcx="$image/bin/rcx"
fail() { echo "dist: $*" >&2; exit 1; }
if [ "$mode" = hidden ] && ls /usr/lib/jvm/*/bin/java >/dev/null 2>&1; then
  fail "a JDK is still visible"
fi
"$rcx" --version | tee "$work/version"
grep -Eq '^rcx [^ ]+ \(commit [0-9a-f]{7,}' "$work/version" || fail "--version lacks the commit"
[ "$(wc -l < "$work/version")" -eq 1 ] || fail "--version printed more than its line"
RCX_NO_AOT=1 "$rcx" --version > "$work/version.no-aot"
cmp "$work/version" "$work/version.no-aot" || fail "--version differs with and without the AOT cache"

# Where dev.rcx.cli.Main came from in `ARGS...` (an rcx launcher and its arguments): "shared objects file" when
# from the AOT cache, else the jar. Extra env assignments may come first.
main_from() {
  rm -f "$work/class-load.log"
  env RCX_JAVA_OPTS="-Xlog:class+load=info:file=$work/class-load.log" "$@" > "$work/main-from.out"
  sed -n 's/.*dev\.rcx\.cli\.Main source: //p' "$work/class-load.log"
}
feature="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$image/release")"
if [ "$feature" -ge 25 ]; then
  [ -s "$image/lib/rcx.aot" ] || fail "a JDK $feature image without lib/rcx.aot (see target/dist-aot-training.log)"
  [ "$(main_from "$rcx" --version)" = "shared objects file" ] || fail "rcx --version does not use lib/rcx.aot"
  ln -s "$rcx" "$work/rcx-link"
  [ "$(main_from "$work/rcx-link" --version)" = "shared objects file" ] || fail "rcx through a symlink does not use the cache"
  [ "$(cd "$image/bin" && main_from ./rcx --version)" = "shared objects file" ] || fail "./rcx in bin/ does not use the cache"
  [ "$(cd "$image" && main_from bin/rcx --version)" = "shared objects file" ] || fail "bin/rcx does not use the cache"
  [ "$(main_from RCX_NO_AOT=1 "$rcx" --version)" = "file:$image/lib/app/rcx.jar" ] || fail "RCX_NO_AOT=1 still used the cache"
  # A jar newer than the cache (replaced by hand) runs without it: JDK 25 does not check that a one-step cache matches
  # its jar, and would run the old classes. A corrupt cache newer than the jar: the JVM runs without it, silently.
  cp -a "$image" "$work/stale"
  touch "$work/stale/lib/app/rcx.jar"
  [ "$(main_from "$work/stale/bin/rcx" --version)" = "file:$work/stale/lib/app/rcx.jar" ] || fail "a cache older than the jar was used"
  cmp "$work/version" "$work/main-from.out" || fail "--version differs with a stale cache"
  head -c 100000 /dev/urandom > "$work/stale/lib/rcx.aot"
  "$work/stale/bin/rcx" --version > "$work/corrupt.out" 2> "$work/corrupt.err"
  cmp "$work/version" "$work/corrupt.out" || fail "--version differs with a corrupt cache"
  [ ! -s "$work/corrupt.err" ] || { cat "$work/corrupt.err" >&2; fail "a corrupt cache printed to stderr"; }
  rm -rf "$work/stale"
  echo "dist: the AOT cache lib/rcx.aot is used (directly, through a symlink, relative paths), a stale or corrupt one ignored"
else
  echo "dist: a JDK $feature image: no AOT cache (it needs 25+)"
fi
# The client's JVM flags for client subcommands, the server's for `rcx server` (as ./rcx gives them).
flags() { RCX_JAVA_OPTS=-XX:+PrintFlagsFinal "$rcx" "$@" | grep -E ' (TieredStopAtLevel|UseSerialGC|UseG1GC|UsePerfData) '; }
flags --version > "$work/flags"
grep -Eq 'TieredStopAtLevel += 1 ' "$work/flags" && grep -Eq 'UseSerialGC += true ' "$work/flags" \
  && grep -Eq 'UsePerfData += false ' "$work/flags" || { cat "$work/flags" >&2; fail "rcx --version runs without the client's JVM flags"; }
flags server --help > "$work/flags"
grep -Eq 'UseSerialGC += true ' "$work/flags" && grep -Eq 'TieredStopAtLevel += 4 ' "$work/flags" \
  && grep -Eq 'UsePerfData += true ' "$work/flags" || { cat "$work/flags" >&2; fail "rcx server gets the client's JVM flags"; }
echo "dist: client subcommands run with C1, the serial GC and no perf data; rcx server with the serial GC and C2"

"$rcx" policy check --user anyone uptime
printf 'dist check password\n' | "$rcx" user add alice --data-dir "$work/data" --password-stdin > /dev/null
"$rcx" server --data-dir "$work/data" --port 0 --bind 127.0.0.1 > "$work/server.out" 2>&1 &
pid=$!
for _ in $(seq 1 300); do grep -q "fingerprint:" "$work/server.out" && break; sleep 0.1; done
grep -q "fingerprint:" "$work/server.out" || { cat "$work/server.out"; exit 1; }
port="$(sed -n 's#^rcx server listening on tls://[^ ]*:\([0-9][0-9]*\) .*#\1#p' "$work/server.out")"
# `rcx exec` prints the command's output, byte for byte, and nothing else on stdout.
printf 'dist check password\n' | "$rcx" exec --host "127.0.0.1:$port" --accept-new -u alice --password-stdin \
  echo hi > "$work/exec.out"
printf 'hi\n' | cmp - "$work/exec.out" || { od -c "$work/exec.out" >&2; fail "rcx exec stdout is not the command's bytes"; }
kill -HUP "$pid"
for _ in $(seq 1 100); do grep -q "SIGHUP: reloaded" "$work/server.out" && break; sleep 0.1; done
grep -q "SIGHUP: reloaded" "$work/server.out" || { echo "dist: no reload after SIGHUP" >&2; cat "$work/server.out"; exit 1; }
kill -0 "$pid" || { echo "dist: SIGHUP killed the server" >&2; exit 1; }
"$rcx" server reload --data-dir "$work/data"
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || { echo "dist: server exited $rc after SIGTERM" >&2; cat "$work/server.out"; exit 1; }
echo "dist: image runs without a JDK: --version, policy check, exec, server start/SIGHUP/reload/SIGTERM all fine"
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

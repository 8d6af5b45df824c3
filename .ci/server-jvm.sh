# shellcheck shell=bash
# JVM settings for `rcx server`, a small long-running daemon, and for one-shot client runs; sourced by ./rcx, and by
# the jlink image's bin/rcx (the dist build copies this file to lib/jvm-opts.sh). See README.md, "Memory of rcx server".
#
# rcx_server_jvm_opts SUBCOMMAND: sets the array RCX_JVM_ARGS (empty unless SUBCOMMAND is `server`) and exports
# MALLOC_ARENA_MAX=2 for the server unless already set.
#   - the serial collector with a 16 MiB initial heap and free heap returned to the OS at each full collection
#     (MaxHeapFreeRatio 30); the server itself (IdleHeapTrim) runs full collections after 10 s without one, so an idle
#     server gives back what a burst of logins took (each Argon2id hash allocates 19 MiB). On this small heap the
#     serial collector costs a resumed TLS reconnect about a quarter less server CPU than G1 did (no concurrent
#     marking, cheaper barriers), and its idle RSS is lower; see docs/bench/2026-12-01-perf-round-two.md, session 7;
#   - a heap cap of 128 MiB + 24 MiB per core, at least 256 MiB: Argon2id runs one hash per core at once;
#   - glibc malloc limited to 2 arenas: the JIT and TLS threads otherwise keep per-thread arenas resident.
# RCX_SERVER_JVM_OPTS replaces these JVM flags (set it empty for the JVM's own defaults); RCX_JAVA_OPTS is added after
# them for every subcommand, so e.g. RCX_JAVA_OPTS=-Xmx1g raises the cap.
rcx_server_jvm_opts() {
  RCX_JVM_ARGS=()
  [ "${1:-}" = server ] || return 0
  local opts
  if [ -n "${RCX_SERVER_JVM_OPTS+set}" ]; then
    opts="$RCX_SERVER_JVM_OPTS"
  else
    local cores heap
    cores="$(nproc 2>/dev/null || echo 2)"
    heap=$((128 + 24 * cores))
    [ "$heap" -ge 256 ] || heap=256
    opts="-XX:+UseSerialGC -Xms16m -Xmx${heap}m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
  fi
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
  read -r -a RCX_JVM_ARGS <<< "$opts"
}

# rcx_bench_server_jvm_opts SUBCOMMAND: for `bench`, exports RCX_BENCH_SERVER_JVM_OPTS with the flags
# rcx_server_jvm_opts gives `rcx server` (and MALLOC_ARENA_MAX), so the server processes the bench starts run as a
# real `rcx server` does; the bench's own JVM keeps the JVM's defaults. An RCX_BENCH_SERVER_JVM_OPTS already set wins.
rcx_bench_server_jvm_opts() {
  [ "${1:-}" = bench ] || return 0
  if [ -z "${RCX_BENCH_SERVER_JVM_OPTS+set}" ]; then
    rcx_server_jvm_opts server
    export RCX_BENCH_SERVER_JVM_OPTS="${RCX_JVM_ARGS[*]}"
  fi
  RCX_JVM_ARGS=()
}

# rcx_client_jvm_opts SUBCOMMAND: appends to RCX_JVM_ARGS the JVM flags of a short-lived client run (exec, login,
# logout, status, shell, completion, help, --version and --help): C1 only (-XX:TieredStopAtLevel=1; C2 compiled
# for ~1 s of CPU in a one-shot `rcx exec` whose whole run is shorter than that), the serial GC (no GC threads to
# start for a heap of a few MiB) and no hsperfdata file. RCX_CLIENT_JVM_OPTS replaces them (empty: the JVM's own
# defaults). Other subcommands (server, bench, demo, user, audit, policy) keep the JVM's defaults: they run long
# or hash (Argon2id, HMAC chains), where C2 pays off.
rcx_client_jvm_opts() {
  case "${1:-}" in
    exec | login | logout | status | shell | completion | help | --version | -V | --help | -h | "") ;;
    *) return 0 ;;
  esac
  local opts extra
  opts="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData"
  [ -z "${RCX_CLIENT_JVM_OPTS+set}" ] || opts="$RCX_CLIENT_JVM_OPTS"
  read -r -a extra <<< "$opts"
  RCX_JVM_ARGS+=(${extra[@]+"${extra[@]}"})
}

#!/usr/bin/env bash
# rcx beside OpenSSH on this machine, with the same Java load generator and the same command.
#
# 1. Installs openssh-server and openssh-client with apt-get if missing.
# 2. Starts a PRIVATE sshd on 127.0.0.1 (a free port, its own host key, config and key-only login for the current
#    user, all in a temporary directory); the system's sshd and /etc/ssh are never used or changed.
# 3. Builds rcx (installed into the local Maven repository) and bench/openssh (which adds Apache MINA SSHD's client;
#    it never reaches rcx's own jar), then runs one comparison: rcx's TLS server (its own process) in the session, reconnect
#    and login workloads beside that sshd as exec channels on one connection and as a new connection per command,
#    at each client count; then the ssh client binary itself (multiplexed and new connection per command).
# 4. Prints the tables and writes comparison.md plus each run's full report (JSON, CSV, charts) to --out.
#
# Usage: bench/openssh/compare.sh [--clients 1,5,10,20] [--duration 5s] [--warmup 1s] [--server-warmup 120s]
#        [--command 'echo hi']
#                                 [--out DIR] [--no-ssh-binary]
# --out defaults to bench-out/openssh-<timestamp>. With the defaults a run takes about 5 minutes on 2 cores (build,
# then 28 + 12 points of warm-up + duration each). sshd must run as root to switch to the user it logs in; as another
# user the script starts it through sudo.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
started=$(date +%s)
invocation="bench/openssh/compare.sh${*:+ $*}"

out=""
java_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || { echo "compare.sh: --out needs a directory" >&2; exit 2; }; out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    --clients|--duration|--warmup|--server-warmup|--command)
      [ $# -ge 2 ] || { echo "compare.sh: $1 needs a value" >&2; exit 2; }
      java_args+=("$1" "$2"); shift 2 ;;
    --clients=*|--duration=*|--warmup=*|--server-warmup=*|--command=*|--no-ssh-binary|--ssh-binary) java_args+=("$1"); shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || out="$root/bench-out/openssh-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# 1. OpenSSH. policy-rc.d, if the machine has one, decides whether apt starts the system's sshd; this script never
#    talks to that one.
sshd_bin=/usr/sbin/sshd
if [ ! -x "$sshd_bin" ] || ! command -v ssh >/dev/null || ! command -v ssh-keygen >/dev/null; then
  echo "compare.sh: installing openssh-server and openssh-client" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    openssh-server openssh-client >&2
fi
openssh_version="$(ssh -V 2>&1 | head -1)"

# 2. The private sshd.
work="$(mktemp -d "${TMPDIR:-/tmp}/rcx-openssh.XXXXXX")"
sshd_pid=""
stop_sshd() {
  # The PidFile names sshd itself (under sudo, $! is sudo's pid).
  if [ -s "$work/sshd.pid" ]; then
    as_root kill "$(cat "$work/sshd.pid")" 2>/dev/null || true
  fi
  if [ -n "$sshd_pid" ]; then
    kill "$sshd_pid" 2>/dev/null || true
    wait "$sshd_pid" 2>/dev/null || true
  fi
  rm -f "$work/sshd.pid"
  sshd_pid=""
}
cleanup() {
  stop_sshd
  # sshd logs errors only; keep them with the results if there were any.
  if [ -s "$work/sshd.log" ]; then cp "$work/sshd.log" "$out/sshd.log" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

user="$(id -un)"
ssh-keygen -q -t ed25519 -N '' -C "rcx-compare-host" -f "$work/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -C "rcx-compare-client" -f "$work/client_ed25519"
cp "$work/client_ed25519.pub" "$work/authorized_keys"
# sshd refuses to start without its privilege separation directory, which only the service unit would create.
[ -d /run/sshd ] || as_root mkdir -p -m 0755 /run/sshd

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_config() {
  cat > "$work/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $1
HostKey $work/host_ed25519
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowUsers $user
StrictModes no
UseDNS no
# sshd runs each command through the user's login shell. Bash run by sshd sources ~/.bashrc unless it is a nested
# shell (SHLVL >= 2 once it starts); a heavy .bashrc (root's runs 'pyenv init' on these machines: ~200 ms) would
# otherwise be measured as OpenSSH's cost. rcx runs commands without a shell.
SetEnv SHLVL=1
# Up to 20 simulated clients open connections at once; the default 10:30:100 would drop some at random.
MaxStartups 1000
MaxSessions 1000
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
LogLevel ERROR
EOF
}

port=""
for _ in $(seq 1 20); do
  candidate=$((20000 + RANDOM % 40000))
  port_in_use "$candidate" && continue
  write_config "$candidate"
  as_root "$sshd_bin" -t -f "$work/sshd_config" -h "$work/host_ed25519"
  if [ "$(id -u)" -eq 0 ]; then
    "$sshd_bin" -f "$work/sshd_config" -h "$work/host_ed25519" -D -e 2>"$work/sshd.log" &
  else
    sudo "$sshd_bin" -f "$work/sshd_config" -h "$work/host_ed25519" -D -e 2>"$work/sshd.log" &
  fi
  sshd_pid=$!
  for _ in $(seq 1 50); do
    if port_in_use "$candidate"; then port=$candidate; break; fi
    kill -0 "$sshd_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] && break
  echo "compare.sh: sshd did not start on port $candidate: $(tail -1 "$work/sshd.log" 2>/dev/null)" >&2
  stop_sshd
done
[ -n "$port" ] || { echo "compare.sh: could not start a private sshd" >&2; exit 1; }
echo "[127.0.0.1]:$port $(cat "$work/host_ed25519.pub")" > "$work/known_hosts"
ssh_check=(ssh -F /dev/null -i "$work/client_ed25519" -p "$port" -o IdentitiesOnly=yes -o BatchMode=yes
  -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$work/known_hosts" -o LogLevel=ERROR "$user@127.0.0.1")
if ! reply="$("${ssh_check[@]}" echo ready </dev/null 2>&1)" || [ "$reply" != "ready" ]; then
  echo "compare.sh: logging in to the private sshd failed: $reply" >&2
  cat "$work/sshd.log" >&2
  exit 1
fi
echo "compare.sh: private sshd ($openssh_version) on 127.0.0.1:$port, pid $(cat "$work/sshd.pid" 2>/dev/null), logging in as $user" >&2

# 3. Build: rcx into the local Maven repository, then the comparison project against it.
# shellcheck source=../../.ci/jdk.sh
. "$root/.ci/jdk.sh"
rcx_pick_jdk
version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -1)"
echo "compare.sh: building rcx $version and bench/openssh (JAVA_HOME=$JAVA_HOME)" >&2
build_start=$(date +%s)
(cd "$root" && ./mvnw -B -q -DskipTests install >&2)
(cd "$here" && "$root/mvnw" -B -q -Drcx.version="$version" package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt >&2)
echo "compare.sh: built in $(( $(date +%s) - build_start )) s" >&2

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
run_start=$(date +%s)
# From the repository root so the report records its commit.
(cd "$root" && "$JAVA_HOME/bin/java" -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" \
  dev.rcx.bench.openssh.Compare \
  --sshd-port "$port" --ssh-user "$user" --ssh-identity "$work/client_ed25519" \
  --ssh-host-key "$work/host_ed25519.pub" --ssh-known-hosts "$work/known_hosts" --work-dir "$work" \
  --out "$out" --openssh-version "$openssh_version" --command-line "$invocation" ${java_args[@]+"${java_args[@]}"})
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

finished=$(date +%s)
{
  echo
  echo "Run took $(( finished - run_start )) s (whole script $(( finished - started )) s)."
  echo "Load average (1/5/15 min): $load_before before, $load_after after, on $(nproc) CPUs."
} | tee -a "$out/comparison.md"

# Sourced by ./mvnw, ./rcx and .ci/run (POSIX sh: mvnw runs under /bin/sh): sets JAVA_HOME to a JDK >= 21.
# JAVA_HOME when it is new enough, else the newest JDK (with javac) under /usr/lib/jvm (or $RCX_JVM_ROOT) when it is
# new enough, else the JDK whose javac is first on PATH when it is new enough, else a clear error.
rcx_jdk_feature() {
  # Sets rcx_jdk_v to the feature version (17, 21, 25, ...) of the JDK at $1, or to "". Reads the release file in
  # the shell itself: ./rcx calls this on every run, and a fork of sed costs more than the rest of the picker.
  rcx_jdk_v=""
  [ -r "$1/release" ] || return 0
  while IFS= read -r rcx_line || [ -n "$rcx_line" ]; do
    case $rcx_line in
      JAVA_VERSION=\"*\"*)
        rcx_line=${rcx_line#JAVA_VERSION=\"}
        rcx_line=${rcx_line%%\"*}
        rcx_line=${rcx_line#1.}
        rcx_jdk_v=${rcx_line%%[.+-]*}
        return 0
        ;;
    esac
  done < "$1/release"
}

rcx_jdk_version() {
  # Prints the feature version (17, 21, 25, ...) of the JDK at $1, or nothing.
  rcx_jdk_feature "$1"
  echo "$rcx_jdk_v"
}

rcx_jdk_ok() {
  # True when $1 is a JDK (java and javac) of version 21 or newer; leaves its version in rcx_jdk_v.
  [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  rcx_jdk_feature "$1"
  [ -n "$rcx_jdk_v" ] && [ "$rcx_jdk_v" -ge 21 ] 2>/dev/null
}

rcx_pick_jdk() {
  rcx_best="" rcx_best_v=0
  if rcx_jdk_ok "${JAVA_HOME:-}"; then
    return 0
  fi
  # Globbing may be off (mvnw runs with set -f); turn it on for this loop only. The scan forks nothing (./rcx
  # runs it on every call): the release files are read by the shell itself.
  case $- in *f*) rcx_noglob=1; set +f ;; *) rcx_noglob=0 ;; esac
  for rcx_dir in "${RCX_JVM_ROOT:-/usr/lib/jvm}"/*/; do
    rcx_dir=${rcx_dir%/}
    [ -x "$rcx_dir/bin/javac" ] || continue
    rcx_jdk_feature "$rcx_dir"
    rcx_v=$rcx_jdk_v
    [ -n "$rcx_v" ] || continue
    if [ "$rcx_v" -gt "$rcx_best_v" ]; then rcx_best_v=$rcx_v; rcx_best=$rcx_dir; fi
  done
  [ "$rcx_noglob" -eq 0 ] || set -f
  if [ -n "$rcx_best" ] && [ "$rcx_best_v" -ge 21 ] && rcx_jdk_ok "$rcx_best"; then
    rcx_use_jdk "$rcx_best"
    return 0
  fi
  # None there: a JDK installed elsewhere (SDKMAN, /opt) whose javac is on PATH. Only this path forks (readlink).
  rcx_javac=$(command -v javac 2>/dev/null || true)
  if [ -n "$rcx_javac" ]; then
    rcx_path_jdk=$(readlink -f "$rcx_javac" 2>/dev/null || true)
    rcx_path_jdk=${rcx_path_jdk%/*}
    rcx_path_jdk=${rcx_path_jdk%/*}
    if rcx_jdk_ok "$rcx_path_jdk"; then
      rcx_use_jdk "$rcx_path_jdk"
      return 0
    fi
  fi
  echo "Error: rcx needs a JDK 21 or newer. JAVA_HOME=${JAVA_HOME:-<unset>} is not one, none was found under ${RCX_JVM_ROOT:-/usr/lib/jvm}, and javac on PATH is ${rcx_javac:-<none>}." >&2
  echo "Install one (e.g. Temurin 21+ or openjdk-21-jdk) and set JAVA_HOME to it." >&2
  return 1
}

rcx_use_jdk() {
  # An explicit JAVA_HOME that is too old (or not a JDK) is overridden, and the user is told so once.
  if [ -n "${JAVA_HOME:-}" ] && [ "${JAVA_HOME%/}" != "$1" ]; then
    echo "Note: JAVA_HOME=$JAVA_HOME is not a JDK 21 or newer; using $1 instead." >&2
  fi
  export JAVA_HOME="$1"
}

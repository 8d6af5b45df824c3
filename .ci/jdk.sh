# Sourced by ./rcx and .ci/run: sets JAVA_HOME to a JDK >= 21.
# JAVA_HOME when it is new enough, else the newest JDK (with javac) under /usr/lib/jvm, else a clear error.
rcx_jdk_version() {
  # Prints the feature version (17, 21, 25, ...) of the JDK at $1, or nothing.
  local release="$1/release" v
  [ -r "$release" ] || return 0
  v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$release")
  v=${v#1.}
  echo "${v%%[.+-]*}"
}

rcx_pick_jdk() {
  local v best="" best_v=0 dir
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(rcx_jdk_version "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ -x "$JAVA_HOME/bin/java" ]; then
      return 0
    fi
  fi
  for dir in "${RCX_JVM_ROOT:-/usr/lib/jvm}"/*/; do
    dir=${dir%/}
    [ -x "$dir/bin/javac" ] || continue
    v=$(rcx_jdk_version "$dir")
    [ -n "$v" ] || continue
    if [ "$v" -gt "$best_v" ]; then best_v=$v; best=$dir; fi
  done
  if [ -n "$best" ] && [ "$best_v" -ge 21 ]; then
    export JAVA_HOME="$best"
    return 0
  fi
  echo "Error: rcx needs a JDK 21 or newer. JAVA_HOME=${JAVA_HOME:-<unset>} is not one, and none was found under ${RCX_JVM_ROOT:-/usr/lib/jvm}." >&2
  echo "Install one (e.g. Temurin 21+) and set JAVA_HOME to it." >&2
  return 1
}

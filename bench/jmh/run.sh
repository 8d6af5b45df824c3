#!/usr/bin/env bash
# Builds the JMH benchmarks (Maven profile jmh, sources in src/jmh/java) and runs them with org.openjdk.jmh.Main.
# Every argument goes to JMH, e.g.:
#   bench/jmh/run.sh                                   # all benchmarks, JMH's defaults (long)
#   bench/jmh/run.sh -f 1 -wi 3 -i 5 -w 1s -r 1s       # short run
#   bench/jmh/run.sh AuditBench -p durability=FSYNC    # one class, one parameter value
#   bench/jmh/run.sh -l                                # list benchmarks
# Temporary files (audit logs, users.json, TLS identity) go under target/jmh-tmp.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

jdk_ok() { [[ -x "$1/bin/java" ]] && grep -Eq '^JAVA_VERSION="(2[1-9]|[3-9][0-9])' "$1/release" 2>/dev/null; }
if [[ -z "${JAVA_HOME:-}" ]] || ! jdk_ok "$JAVA_HOME"; then
  for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    if jdk_ok "${candidate%/}"; then JAVA_HOME="${candidate%/}"; break; fi
  done
fi
jdk_ok "${JAVA_HOME:-}" || { echo "run.sh: no JDK 21 or newer found (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME

cp_file=target/jmh-classpath.txt
./mvnw -B -q -Pjmh test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
mkdir -p target/jmh-tmp
exec "$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  org.openjdk.jmh.Main -jvmArgsAppend "-Drcx.jmh.dir=$root/target/jmh-tmp" "$@"

#!/usr/bin/env bash
# Time-boxed coverage-guided fuzzing of every Jazzer target (src/test/java/dev/rcx/fuzz).
#
#   .ci/fuzz.sh [SECONDS_PER_TARGET]     (default 60; CI uses a short slot)
#
# Each target runs in its own JVM (Jazzer fuzzes one @FuzzTest per run) for SECONDS_PER_TARGET seconds of fuzzing,
# plus roughly 20 s of Maven and agent start-up. The generated corpus accumulates in .cifuzz-corpus/ (git-ignored) so
# repeated local runs continue where they stopped. A finding fails the run: Jazzer stores the input under
# src/test/resources/dev/rcx/fuzz/<Class>Inputs/<method>/crash-*; commit it with the fix, and every `./mvnw verify`
# replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/jdk.sh
rcx_pick_jdk

seconds="${1:-60}"
case "$seconds" in ''|*[!0-9]*) echo "fuzz: SECONDS_PER_TARGET must be a whole number, got '$seconds'" >&2; exit 2;; esac

# Target, then extra Jazzer options. The protocol target also instruments Jackson's parser so that coverage guides
# the fuzzer through JSON structure, not just through rcx's own field checks.
targets=(
  "ProtocolFuzzTest#lineReaderAndDecoder_anyBytes_onlyRequestOrProtocolError|-Djazzer.instrument=dev.rcx.**,com.fasterxml.jackson.core.**"
  "CommandWordsFuzzTest#split_anyLine_wordsAreCleanAndRequotable|"
  "WhitelistFuzzTest#check_anyWords_neverThrowsAndAllowsOnlyMatchingArgs|"
  "WhitelistFuzzTest#splitThenCheck_anyLine_neverThrowsAndAllowsOnlyMatchingArgs|"
)

./mvnw -B -q test-compile
failed=()
log_dir="target/fuzz-logs"
mkdir -p "$log_dir"
for entry in "${targets[@]}"; do
  target="${entry%%|*}"
  extra="${entry#*|}"
  log="$log_dir/${target//#/.}.log"
  echo "fuzz: $target for ${seconds}s (log: $log)"
  # shellcheck disable=SC2086  # $extra is empty or one option without spaces
  if JAZZER_FUZZ=1 ./mvnw -B -q surefire:test -Dtest="$target" -Djazzer.hooks=true \
      -Djazzer.max_duration="${seconds}s" $extra >"$log" 2>&1; then
    grep -E '^Done [0-9]+ runs' "$log" | tail -1 | sed 's/^/fuzz:   /' || true
  else
    echo "fuzz: FINDING or failure in $target; see $log" >&2
    grep -E '== Java Exception|^(Caused by|[a-zA-Z.]+(Error|Exception))' "$log" | head -5 >&2 || true
    failed+=("$target")
  fi
done
git status --porcelain -- src/test/resources/dev/rcx/fuzz | sed 's/^/fuzz: new input: /' || true
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s without a finding"

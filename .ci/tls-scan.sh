#!/usr/bin/env bash
# Scans a running rcx server with sslscan (a tool nobody here wrote) and fails on any weaker TLS than rcx promises.
#
#   .ci/tls-scan.sh
#
# Two runs, each against `./rcx server` on 127.0.0.1 with a fresh data dir:
#   1. default config:           only TLS 1.3 may be offered;
#   2. tls.allow_tls12: true:    TLS 1.2 may be offered too, but only ECDHE key exchange with AEAD suites.
# Both fail if SSLv2/SSLv3/TLS 1.0/TLS 1.1 is offered, if any suite sslscan rates below "acceptable" appears, if TLS
# compression or insecure renegotiation is offered, if Heartbleed answers, if a key-exchange group is under 128 bits,
# if the certificate or a handshake signature uses MD5 or SHA-1. TLS compression is also probed with a raw ClientHello
# (see probe_compression). Installs sslscan (Debian package) when it is missing. Self-test of the policy on a saved
# report: .ci/tls-scan.sh --check REPORT.xml [ALLOW_TLS12=0|1].
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/jdk.sh
rcx_pick_jdk

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Starts ./rcx server with config file $1 and data dir $2; sets server_pid and port.
start_server() {
  local config="$1" data="$2" out="$2.out" i
  ./rcx server --data-dir "$data" --port 0 --config "$config" >"$out" 2>&1 &
  server_pid=$!  # ./rcx execs java, so this is the server itself
  port=""
  for i in $(seq 1 240); do
    port="$(sed -n 's#^rcx server listening on tls://[^ ]*:\([0-9][0-9]*\) .*#\1#p' "$out")"
    [ -n "$port" ] && return 0
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "tls-scan: FAIL: rcx server did not start; its output:" >&2
  cat "$out" >&2
  exit 1
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || { echo "tls-scan: FAIL: rcx server exited with $? on SIGTERM" >&2; exit 1; }
  server_pid=""
}

# Checks sslscan's XML report ($1) against the policy; $2 is 1 when TLS 1.2 is allowed. Prints one line per problem.
# sslscan writes one element per line, so each element is read from its own line; attributes may come in any order.
check_report() {
  awk -v allow12="$2" '
    function attr(name,   re, s) {
      re = " " name "=\"[^\"]*\""
      if (!match($0, re)) return ""
      s = substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
      return s
    }
    /<protocol / {
      v = attr("type") " " attr("version"); on = attr("enabled")
      seen[v] = 1
      if (v == "tls 1.3" && on != "1") print "TLS 1.3 is not offered"
      else if (v == "tls 1.2" && on == "1" && allow12 != "1") print "TLS 1.2 is offered but tls.allow_tls12 is off"
      else if (v != "tls 1.3" && v != "tls 1.2" && on == "1") print "obsolete protocol offered: " v
    }
    /<cipher / {
      ciphers++
      v = attr("sslversion"); c = attr("cipher"); s = attr("strength")
      if (s != "strong" && s != "acceptable") print "weak suite (" s "): " v " " c
      if (v == "TLSv1.2" && c !~ /^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/)
        print "TLS 1.2 suite without ECDHE and AEAD: " c
      if (v != "TLSv1.2" && v != "TLSv1.3") print "suite of an obsolete protocol: " v " " c
      if (attr("dhebits") != "" && attr("dhebits") + 0 < 2048) print "finite-field DH under 2048 bits: " c
    }
    /<group / {
      if (attr("bits") + 0 < 128) print "key-exchange group under 128 bits: " attr("name")
    }
    /<compression / { if (attr("supported") == "1") print "TLS compression offered (CRIME)" }
    /<renegotiation / {
      renego = 1
      if (attr("supported") == "1" && attr("secure") != "1") print "insecure renegotiation offered"
    }
    /<heartbleed / { if (attr("vulnerable") == "1") print "Heartbleed: " attr("sslversion") }
    /<signature-algorithm>/ { if (tolower($0) ~ /md5|sha1/) print "certificate signature: " $0 }
    /<connection-signature-algorithm / {
      if (tolower(attr("name")) ~ /md5|sha1/) print "handshake signature accepted: " attr("sslversion") " " attr("name")
    }
    END {
      if (!seen["tls 1.3"]) print "no TLS 1.3 result in the report (did sslscan connect?)"
      if (ciphers == 0) print "no cipher suites in the report (did sslscan connect?)"
      if (!renego) print "no renegotiation result in the report"
    }
  ' "$1"
}

# Self-test of the policy on a saved report, without a server: .ci/tls-scan.sh --check REPORT.xml [ALLOW_TLS12=0|1]
if [ "${1:-}" = "--check" ]; then
  problems="$(check_report "$2" "${3:-0}")"
  [ -z "$problems" ] && { echo "tls-scan: $2 passes"; exit 0; }
  printf '%s\n' "$problems" | sed 's/^/tls-scan:   /' >&2
  exit 1
fi

# sslscan reports compression only when its OpenSSL was built with it, which Debian's is not; and `openssl s_client
# -comp` offers nothing either. So a raw ClientHello offering DEFLATE decides; see probe_compression.

# The byte length of hex string $1, as $2 bytes of hex.
hexlen() { printf "%0$(( $2 * 2 ))x" $(( ${#1} / 2 )); }

# Offers TLS 1.2 with DEFLATE and null compression; prints the method the server picks (hex), or why none was picked.
probe_compression() {
  local port="$1" ext body hs record reply
  ext="000a00060004001d0017"            # supported_groups: x25519, secp256r1
  ext+="000b00020100"                   # ec_point_formats: uncompressed
  ext+="000d0006000404030804"           # signature_algorithms: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256
  ext+="ff01000100"                     # renegotiation_info: empty
  body="0303$(printf '01%.0s' $(seq 1 32))00"   # version TLS 1.2, random, no session id
  body+="0008c02bc02cc02fcca9"          # ECDHE + AEAD suites
  body+="020100"                        # compression methods: DEFLATE (1), null (0)
  body+="$(hexlen "$ext" 2)$ext"
  hs="01$(hexlen "$body" 3)$body"
  record="160301$(hexlen "$hs" 2)$hs"
  reply="$(exec 3<>"/dev/tcp/127.0.0.1/$port"
           printf "$(printf %s "$record" | sed "s/../\\\\x&/g")" >&3
           timeout 5 head -c 256 <&3 | od -An -v -tx1 | tr -d ' \n')" || true
  case "$reply" in
    16????????02*)
      local sid_len=$(( 16#${reply:86:2} ))
      echo "${reply:$(( 88 + sid_len * 2 + 4 )):2}" ;;
    15*) echo "alert-${reply:10:4}" ;;
    *) echo "no-reply" ;;
  esac
}

failures=0
scan() {
  local name="$1" allow12="$2" config="$work/$1.yaml" report="$work/$1.xml" problems compression
  mkdir -p "$work/$name"
  printf 'tls:\n  allow_tls12: %s\n' "$([ "$allow12" = 1 ] && echo true || echo false)" >"$config"
  start_server "$config" "$work/$name/data"
  echo "tls-scan: [$name] scanning 127.0.0.1:$port"
  if ! sslscan --no-colour --show-sigs --xml="$report" "127.0.0.1:$port" >"$work/$name.txt" 2>&1; then
    echo "tls-scan: FAIL: [$name] sslscan failed:" >&2
    cat "$work/$name.txt" >&2
    exit 1
  fi
  grep -E '<(protocol|cipher) ' "$report" | grep -E 'enabled="1"|status=' | sed 's/^ */tls-scan:   /'
  problems="$(check_report "$report" "$allow12")"
  if ! grep -q '<compression ' "$report"; then
    compression="$(probe_compression "$port")"
    echo "tls-scan:   compression (raw ClientHello offering DEFLATE): $compression"
    case "$compression" in
      00) ;;                                   # the server chose null compression
      alert-*) [ "$allow12" = 1 ] && problems+=$'\n'"TLS 1.2 probe refused ($compression)" ;;  # TLS 1.3 only: no 1.2
      *) problems+=$'\n'"compression probe: server chose method $compression" ;;
    esac
    problems="${problems#$'\n'}"
  fi
  stop_server
  if [ -n "$problems" ]; then
    echo "tls-scan: FAIL: [$name] policy violations:" >&2
    printf '%s\n' "$problems" | sed 's/^/tls-scan:   /' >&2
    failures=$((failures + 1))
  else
    echo "tls-scan: [$name] OK"
  fi
}

if ! command -v sslscan >/dev/null; then
  echo "tls-scan: installing sslscan"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  timeout 600 $SUDO apt-get update -qq && timeout 600 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sslscan >/dev/null
fi
scan tls13-only 0
scan tls12-allowed 1
if [ "$failures" -gt 0 ]; then
  echo "tls-scan: $failures scan(s) failed" >&2
  exit 1
fi
echo "tls-scan: all scans passed"

#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang 14, ASan + UBSan) into build/fuzz and runs each for
# SECONDS (default 120), one after the other. Prints the executions per target; fails on any crash,
# leak, timeout or out-of-memory, keeping the input that caused it under build/fuzz/findings/<target>/.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

case ${1:-} in -h|--help) sed -n '2,5p' "$0" | sed 's/^# //'; exit 0 ;; esac
seconds=${1:-120}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "SECONDS must be a whole number, not '$seconds' (see --help)" >&2; exit 2; }
shift $(($# > 0 ? 1 : 0))

ensure_packages
cd "$root"
build=$root/build/fuzz
# One target per tests/fuzz/<target>.cpp (the list in tests/fuzz/CMakeLists.txt).
all_targets=()
for source in tests/fuzz/*.cpp; do all_targets+=("$(basename "$source" .cpp)"); done
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")

say "building the fuzz targets (build/fuzz)"
if [[ ! -f $build/build.ninja ]]; then
  cmake -S tests/fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
fi
cmake --build "$build" --parallel "$(nproc)" >/dev/null

# Keystore seeds are made here, never kept in the repository: a CA certificate, a certificate with
# its key, an encrypted key and a PKCS#12 file (the target's first byte: 1 = the password is given).
seeds=$build/seeds/keystore
if [[ ! -f $seeds/bundle.p12 ]]; then
  mkdir -p "$seeds"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=fuzz-ca \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
  openssl pkey -in "$work/key.pem" -aes256 -passout pass:fuzz-pass -out "$work/key.enc.pem"
  openssl pkcs12 -export -in "$work/cert.pem" -inkey "$work/key.pem" -passout pass:fuzz-pass -iter 2048 \
    -out "$work/bundle.p12"
  { printf 0; cat "$work/cert.pem"; } >"$seeds/ca.pem"
  { printf 0; cat "$work/cert.pem" "$work/key.pem"; } >"$seeds/cert_and_key.pem"
  { printf 1; cat "$work/cert.pem" "$work/key.enc.pem"; } >"$seeds/encrypted_key.pem"
  { printf 1; cat "$work/bundle.p12"; } >"$seeds/bundle.p12"
  { printf 0; openssl x509 -in "$work/cert.pem" -outform DER; } >"$seeds/ca.der"
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=() summary=()
for target in "${targets[@]}"; do
  [[ -x $build/$target ]] || { echo "no fuzz target '$target' (targets: ${all_targets[*]})" >&2; exit 2; }
  corpus=$build/corpus/$target findings=$build/findings/$target log=$build/logs/$target.log
  mkdir -p "$corpus" "$findings" "$(dirname "$log")"
  extra=()
  [[ -d $build/seeds/$target ]] && extra+=("$build/seeds/$target")
  say "fuzzing $target for ${seconds}s"
  # New inputs go to build/fuzz/corpus/<target>; the repository's seeds are only read.
  if "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$findings/" \
    "$corpus" "$root/tests/fuzz/corpus/$target" "${extra[@]}" >"$log" 2>&1; then
    status=ok
  else
    status=FAILED failed+=("$target")
    grep -E 'ERROR: |SUMMARY: |runtime error|==[0-9]+==|artifact_prefix|Test unit written' "$log" | head -20 >&2 || true
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  summary+=("$(printf '%-26s %-7s %12s executions in %ss' "$target" "$status" "${execs:-?}" "$seconds")")
done

say "fuzzing summary"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "fuzzing found a problem in: ${failed[*]} (inputs kept in build/fuzz/findings/<target>/, logs in build/fuzz/logs/)" >&2
  exit 1
fi

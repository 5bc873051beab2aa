#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds the `dev` and `asan` presets and runs every
# CTest test in both, runs clang-tidy on the units changed since main (TIDY=0 skips), then runs each
# fuzz target briefly (FUZZ_SECONDS each, default 5; 0 skips).
# Usage: scripts/test.sh [--preset dev|asan]... [-- extra ctest arguments]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

presets=() ctest_args=()
while (($#)); do
  case $1 in
    --preset) presets+=("$2"); shift 2 ;;
    --) shift; ctest_args=("$@"); break ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# //'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
((${#presets[@]})) || presets=(dev asan)

ensure_packages
ensure_node_modules
cd "$root"
say "checking the C++ format"
bash scripts/check_format.sh
for preset in "${presets[@]}"; do
  build_preset "$preset"
  say "testing ($preset)"
  ctest --preset "$preset" --parallel "$(nproc)" "${ctest_args[@]}"
done
# clang-tidy over the units this change touched (scripts/tidy.sh --changed: about 2 minutes for 20 units
# on 2 cores; the full run takes 45-70 minutes and is left to `scripts/tidy.sh`). TIDY=0 skips it.
if [[ ${TIDY:-1} != 0 && " ${presets[*]} " == *" dev "* ]]; then
  bash scripts/tidy.sh --changed -j "$(nproc)"
  tidy_done=", clang-tidy on the changed units"
fi
# Each fuzz target briefly, from its seeds (about 1.5 minutes in all, build included, on 2 cores).
fuzz_seconds=${FUZZ_SECONDS:-5} done_what="${presets[*]}${tidy_done:-}"
if ((fuzz_seconds > 0)); then
  bash scripts/fuzz.sh "$fuzz_seconds"
  done_what+=", fuzzing ${fuzz_seconds}s per target"
fi
say "all tests passed ($done_what)"

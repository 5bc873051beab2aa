#!/usr/bin/env bash
# Runs clang-tidy 14 (the checks in .clang-tidy) over the project's own sources — host_sdk, plugin,
# sample_host — with build/dev/compile_commands.json (built first when missing), prints the findings
# and their count per check, and fails when there is any. Usage: scripts/tidy.sh [-j JOBS] [FILE-REGEX]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

jobs=$(nproc) filter='/(host_sdk/(src|tools)|plugin/src|sample_host/src)/.*\.cpp$'
while (($#)); do
  case $1 in
    -j) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,4p' "$0" | sed 's/^# //'; exit 0 ;;
    -*) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    *) filter=$1; shift ;;
  esac
done

ensure_packages
cd "$root"
# The generated catalogue and the headers the compile commands name must exist: build dev first.
[[ -f build/dev/compile_commands.json ]] || build_preset dev
log=build/dev/clang-tidy.log
say "clang-tidy over $filter ($jobs jobs)"
start=$SECONDS
# -extra-arg: the compile commands are GCC's; clang need not know every GCC warning flag.
run-clang-tidy-14 -p build/dev -j "$jobs" -quiet -extra-arg=-Wno-unknown-warning-option "$filter" >"$log" 2>&1 || true
elapsed=$((SECONDS - start))

# One finding per "file:line:col: warning|error: ... [check]", counted once even when a header is
# reached from several units.
mapfile -t findings < <(sed -E 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^/.*:[0-9]+:[0-9]+: (warning|error): .*\[[a-z0-9.,-]+\]$' | sort -u)
if ((${#findings[@]} == 0)); then
  if grep -qE 'error: |Error while processing' "$log"; then
    grep -E 'error: |Error while processing' "$log" | head -20 >&2
    echo "clang-tidy could not process some files (log: $log)" >&2
    exit 1
  fi
  say "clang-tidy: no findings (${elapsed}s)"
  exit 0
fi
printf '%s\n' "${findings[@]}" | sed "s|^$root/||"
say "clang-tidy: ${#findings[@]} findings (${elapsed}s), per check:"
printf '%s\n' "${findings[@]}" | sed -E 's/.*\[([a-z0-9.,-]+)\]$/\1/' | sort | uniq -c | sort -rn
exit 1

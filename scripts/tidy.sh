#!/usr/bin/env bash
# Runs clang-tidy 14 (the checks in .clang-tidy) over the project's own sources — host_sdk, plugin,
# sample_host — with build/dev/compile_commands.json (built first when missing), prints the findings
# and their count per check, and fails when there is any.
# Usage: scripts/tidy.sh [-j JOBS] [--changed [BASE]] [FILE-REGEX]
#   --changed [BASE]  only the units changed since the merge base with BASE (default: main; on BASE
#                     itself, the last commit), each changed header's own unit and the units that
#                     include it directly; what CI runs (a full run takes 45-70 minutes on 2 cores).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

jobs=$(nproc) filter='/(host_sdk/(src|tools)|plugin/src|sample_host/src)/.*\.cpp$' changed='' base=main
while (($#)); do
  case $1 in
    -j) jobs=$2; shift 2 ;;
    --changed)
      changed=1; shift
      if (($#)) && [[ $1 != -* ]] && git -C "$root" rev-parse --verify -q "$1^{commit}" >/dev/null; then
        base=$1; shift
      fi ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# //'; exit 0 ;;
    -*) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    *) filter=$1; shift ;;
  esac
done

ensure_packages
cd "$root"
# The generated catalogue and the headers the compile commands name must exist: build dev first.
[[ -f build/dev/compile_commands.json ]] || build_preset dev

# The units to check. Only the project's own sources (the folders the filter names) are checked.
own='^(host_sdk/(src|tools|support|include)|plugin/src|sample_host/src)/'
if [[ -n $changed ]]; then
  since=$(git merge-base HEAD "$base" 2>/dev/null || true)
  [[ -z $since || $since == "$(git rev-parse HEAD)" ]] && since=$(git rev-parse -q --verify HEAD~1 || true)
  [[ -n $since ]] || { echo "cannot tell what changed (no '$base' to compare with, no parent commit): run without --changed" >&2; exit 2; }
  units=()
  while IFS= read -r file; do
    [[ -f $file && $file =~ $own ]] || continue
    case $file in
      *.cpp) units+=("$file") ;;
      *.hpp)
        # The header's own unit, and every unit naming it in an #include (by its path under the
        # include root: "oauth/token_set.hpp", <connector_sdk/ascii_text.hpp>).
        [[ -f ${file%.hpp}.cpp ]] && units+=("${file%.hpp}.cpp")
        name=$(sed -E 's#^(plugin/src|sample_host/src|host_sdk/src|host_sdk/support|host_sdk/include)/##' <<<"$file")
        while IFS= read -r includer; do units+=("$includer"); done < <(
          git grep -lE "#include [<\"]$name[>\"]" -- 'host_sdk/src/*.cpp' 'host_sdk/tools/*.cpp' 'plugin/src/*.cpp' \
            'sample_host/src/*.cpp' || true) ;;
    esac
  done < <(git diff --name-only "$since" -- ; git ls-files --others --exclude-standard)
  mapfile -t units < <(printf '%s\n' "${units[@]}" | grep -E '\.cpp$' | grep -vE '(^|/)main\.cpp$|^$' | sort -u || true)
  if ((${#units[@]} == 0)); then
    say "clang-tidy: no unit changed since $(git rev-parse --short "$since")"
    exit 0
  fi
  # run-clang-tidy takes regexes: one alternation of the exact paths.
  filter="^$root/($(printf '%s|' "${units[@]}" | sed 's/[.+]/\\&/g; s/|$//'))\$"
  say "clang-tidy over ${#units[@]} unit(s) changed since $(git rev-parse --short "$since") ($jobs jobs)"
else
  say "clang-tidy over $filter ($jobs jobs)"
fi
log=build/dev/clang-tidy.log
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

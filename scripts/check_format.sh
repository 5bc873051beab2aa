#!/usr/bin/env bash
# Checks that every C++ file of the repository is formatted as .clang-format says (clang-format 14).
# Usage: scripts/check_format.sh [--fix]   (--fix rewrites the files instead of checking them)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$root"
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [[ ${1:-} == --fix ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/clang-format.$$; then
  grep -E '^[^ ].*(warning|error):' /tmp/clang-format.$$ | cut -d: -f1 | sort -u | sed 's/^/not formatted: /' >&2
  rm -f /tmp/clang-format.$$
  echo "error: run scripts/check_format.sh --fix" >&2
  exit 1
fi
rm -f /tmp/clang-format.$$
echo "format: ${#files[@]} files as .clang-format says"

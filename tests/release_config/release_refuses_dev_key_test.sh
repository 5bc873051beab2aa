#!/usr/bin/env bash
# An optimised build (Release, RelWithDebInfo, MinSizeRel) must not trust the throw-away development
# licence key: configuring one without -DCONNECTOR_MARKETPLACE_PUBLIC_KEY fails with a message saying
# what to pass, and passing the explicit opt-in makes it configure (without the SAMPLE_HOST_NOW test
# clock, which only the presets made for testing turn on).
# usage: release_refuses_dev_key_test.sh SOURCE_DIR
set -uo pipefail
source_dir=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/release-key-XXXXXX")
trap 'rm -rf "$work"' EXIT

for type in Release RelWithDebInfo MinSizeRel; do
  if cmake -S "$source_dir" -B "$work/refused-$type" -G Ninja -DCMAKE_BUILD_TYPE=$type -DCONNECTOR_BUILD_TESTING=OFF \
       >"$work/refused-$type.log" 2>&1; then
    echo "a $type build configured with the development licence key"; exit 1
  fi
  grep -q "CONNECTOR_MARKETPLACE_PUBLIC_KEY" "$work/refused-$type.log" || { cat "$work/refused-$type.log"; exit 1; }
done

cmake -S "$source_dir" -B "$work/allowed" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCONNECTOR_BUILD_TESTING=OFF \
      -DCONNECTOR_ALLOW_DEV_LICENSE_KEY=ON >"$work/allowed.log" 2>&1 || { cat "$work/allowed.log"; exit 1; }
# Nor does a release build obey SAMPLE_HOST_NOW: the test clock is off unless a preset made for testing
# turns it on.
grep -q '^SAMPLE_HOST_TEST_CLOCK:BOOL=OFF$' "$work/allowed/CMakeCache.txt" ||
  { echo "a Release build has SAMPLE_HOST_TEST_CLOCK on"; grep SAMPLE_HOST_TEST_CLOCK "$work/allowed/CMakeCache.txt"; exit 1; }
echo "optimised builds refuse the development licence key unless explicitly allowed, and have no test clock"

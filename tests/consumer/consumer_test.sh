#!/usr/bin/env bash
# The installed-SDK consumer test: install the SDK from this build into a fresh prefix, build
# examples/hello_connector against it with find_package, then have the sample host load it.
# usage: consumer_test.sh BUILD_DIR SAMPLE_HOST CMAKE_CXX_COMPILER EXAMPLE_DIR
set -euo pipefail
build_dir=$1 sample_host=$2 compiler=$3 example=$4
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sdk-consumer-XXXXXX")
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" --component sdk >"$work/install.log"
test -f "$work/prefix/include/connector_sdk/connector.hpp"
test -x "$work/prefix/bin/license_keytool"

# The installed connector: its manifest is stamped with the digest of the INSTALLED library, and a
# host loads it from the installed layout.
cmake --install "$build_dir" --prefix "$work/prefix" --component plugins >>"$work/install.log"
installed=$(find "$work/prefix" -path '*/connectors/sage-cloud-accounting/manifest.json' | head -n1)
[[ -n $installed ]] || { echo "the installed connector has no manifest"; exit 1; }
digest=$(sha256sum "$(dirname "$installed")/sage_cloud_accounting.so" | cut -d' ' -f1)
grep -q "\"sha256\" : \"$digest\"" "$installed" || { echo "installed manifest not stamped with $digest"; cat "$installed"; exit 1; }
out=$("$sample_host" --plugins "$(dirname "$(dirname "$installed")")" --data "$work/data-installed" --json plugins)
grep -q '"sage-cloud-accounting"' <<<"$out" && grep -q '"loaded"' <<<"$out" ||
  { echo "the installed connector does not load: $out"; exit 1; }
test -f "$work/prefix/lib/cmake/connector_sdk/connector_sdk-config.cmake" ||
  test -f "$work/prefix/lib/x86_64-linux-gnu/cmake/connector_sdk/connector_sdk-config.cmake"

# The consumer is built without the sanitizer flags of this build: a plain plugin loads into any host.
# It is built with strict warnings as errors: the SDK's headers must compile cleanly in an author's build.
cmake -S "$example" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Werror" \
      -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_PREFIX_PATH="$work/prefix" \
      -DHELLO_PLUGIN_DIR="$work/plugins" >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" >"$work/build.log" || { cat "$work/build.log"; exit 1; }

"$here/check_hello_plugin.sh" "$sample_host" "$work/plugins" "$work/data"
echo "consumer connector built from the installed SDK and loaded by the sample host"

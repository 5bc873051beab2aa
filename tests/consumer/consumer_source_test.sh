#!/usr/bin/env bash
# The SDK consumed from source, two ways, then the sample host loads the result:
#   subdirectory  a project adds host_sdk with add_subdirectory (as fmt is often consumed), then
#                 examples/hello_connector, in one build (tests/consumer/subdirectory/)
#   build-tree    examples/hello_connector finds the SDK in this build tree (its export())
# usage: consumer_source_test.sh MODE SOURCE_DIR BUILD_DIR SAMPLE_HOST CMAKE_CXX_COMPILER
set -euo pipefail
mode=$1 source_dir=$2 build_dir=$3 sample_host=$4 compiler=$5
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sdk-consumer-$mode-XXXXXX")
trap 'rm -rf "$work"' EXIT

case $mode in
  subdirectory)
    args=(-S "$here/subdirectory" -DCONNECTOR_SDK_SOURCE_DIR="$source_dir/host_sdk"
          -DHELLO_SOURCE_DIR="$source_dir/examples/hello_connector") ;;
  build-tree)
    args=(-S "$source_dir/examples/hello_connector" -Dconnector_sdk_DIR="$build_dir/host_sdk") ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac
cmake "${args[@]}" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$compiler" \
      -DHELLO_PLUGIN_DIR="$work/plugins" >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" --target hello_connector >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

# The SDK forces no warning flags on the project that consumes it.
if grep -q -- '-Werror\|-Wconversion' "$work/build/build.ninja"; then
  echo "the SDK's build added warning flags to the consumer's build"; exit 1
fi

"$here/check_hello_plugin.sh" "$sample_host" "$work/plugins" "$work/data"
echo "hello connector built with the SDK from source ($mode) and loaded by the sample host"

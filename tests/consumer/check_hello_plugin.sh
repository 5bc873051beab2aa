#!/usr/bin/env bash
# What every consumer test proves of the hello connector it built: only the SDK's two symbols exported,
# the sample host loads it as a free connector, describes its form, validates through connector_base
# and tests it.
# usage: check_hello_plugin.sh SAMPLE_HOST PLUGINS_DIR DATA_DIR
set -euo pipefail
sample_host=$1 plugins=$2 data=$3
fail() { echo "$1"; exit 1; }

exports=$(nm -D --defined-only "$plugins/hello-connector/hello_connector.so" | awk '{print $3}' | sort | tr '\n' ' ')
[[ $exports == "connector_sdk_abi_descriptor connector_sdk_factory " ]] || fail "unexpected exports: $exports"

out=$("$sample_host" --plugins "$plugins" --data "$data" --json plugins)
echo "$out"
grep -q '"hello-connector"' <<<"$out" && grep -q '"loaded"' <<<"$out" || fail "the hello connector does not load"
grep -q '"state":"not_required"' <<<"$out" && grep -q '"permits_use":true' <<<"$out" ||
  fail "a free connector must show the licence state not_required"

out=$("$sample_host" --plugins "$plugins" --data "$data" plugins)
echo "$out"
grep -q 'not required (free connector)' <<<"$out" || fail "the plugins listing does not say no licence is required"

out=$("$sample_host" --plugins "$plugins" --data "$data" --json describe hello-connector)
echo "$out"
grep -q '"ConnectionName"' <<<"$out" && grep -q '"Greeting"' <<<"$out" || fail "the form lacks its properties"

out=$("$sample_host" --plugins "$plugins" --data "$data" test hello-connector --set ConnectionName=hi)
echo "$out"
[[ $(head -n1 <<<"$out") == "connection available" ]] || fail "TEST is not available"
out=$("$sample_host" --plugins "$plugins" --data "$data" --json test hello-connector --set ConnectionName=hi --set Greeting=BONJOUR)
echo "$out"
grep -q '"bonjour from the hello connector"' <<<"$out" || fail "TEST did not use the normalised Greeting"

# connector_base's validation, driven by the descriptors: an enumeration value outside the choices.
if out=$("$sample_host" --plugins "$plugins" --data "$data" test hello-connector --set ConnectionName=hi --set Greeting=ciao 2>&1); then
  fail "an unknown greeting was accepted: $out"
fi
echo "$out"
grep -q "Greeting must be one of hello, bonjour, hallo; got 'ciao'" <<<"$out" || fail "no clear message for a wrong greeting"

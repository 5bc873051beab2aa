#!/usr/bin/env bash
# Benchmarks (figures, never assertions). Builds the `bench` preset (optimised), starts the Sage sandbox
# and prints medians and ratios for:
#   1. curl making TEST's three requests (refresh, GET /user, GET /businesses) in one process;
#   2. `sample_host test` doing the same: a whole host process each time (load the plugin, check the
#      licence, refresh, two GETs);
#   3. `sample_host describe`: the fixed cost of a host process that loads the plugin, no network;
#   4. N TESTs in one host process (connector_bench): the connection and TLS session are reused.
# Usage: bench/run.sh [-n RUNS]   (default 20)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"

runs=20
while (($#)); do
  case $1 in
    -n) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

ensure_packages
say "building (bench)"
[[ -f $root/build/bench/build.ninja ]] || cmake --preset bench -S "$root" >/dev/null
cmake --build --preset bench --parallel "$(nproc)" --target sample_host sage_cloud_accounting sage_sandbox connector_bench

bin=$root/build/bench
work=$(mktemp -d "${TMPDIR:-/tmp}/sage-bench-XXXXXX")
sandbox_pid=
cleanup() { [[ -n $sandbox_pid ]] && kill "$sandbox_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[sys.argv[1]])' "$1"; }
now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

client_id="$(cat /proc/sys/kernel/random/uuid)/$(cat /proc/sys/kernel/random/uuid)"
export BENCH_CLIENT_SECRET=$(openssl rand -hex 24)
"$bin/tests/sandbox/sage_sandbox" --port 0 --state-dir "$work/sandbox" --client-id "$client_id" \
  --client-secret "$BENCH_CLIENT_SECRET" --redirect-uri http://127.0.0.1:3333/callback >"$work/sandbox.json" 2>/dev/null &
sandbox_pid=$!
for _ in $(seq 100); do [[ -s $work/sandbox.json ]] && break; sleep 0.1; done
info=$(cat "$work/sandbox.json")
base=$(field base_url <<<"$info")
ca=$(field ca_file <<<"$info")
control=$(field control_url <<<"$info")
mint() { curl -s --cacert "$ca" -H 'Content-Type: application/json' --data "{\"client_id\":\"$client_id\"}" "$control/tokens"; }
connections() { curl -s --cacert "$ca" "$control/counters" | python3 -c 'import json,sys; print(json.load(sys.stdin)["connections"])'; }

host() { "$bin/sample_host/sample_host" --data "$work/host" "$@"; }
host marketplace start-trial sage-cloud-accounting >/dev/null 2>&1
cat >"$work/form.json" <<EOF
{"ConnectionName": "Bench", "ClientId": "$client_id", "InitiateOAuth": "REFRESH",
 "KeystoreFile": {"path": "$ca"},
 "AdditionalConfiguration": {"AuthorizeURL": "$base/oauth2/auth/central?filter=apiv3.1", "TokenURL": "$base/token",
                             "ApiBaseURL": "$base/v3.1", "OAuthSettingsLocation": "memory://bench"}}
EOF

say "curl: refresh + GET /user + GET /businesses in one process ($runs runs)"
: >"$work/curl.ms"
for _ in $(seq "$runs"); do
  tokens=$(mint); rt=$(field refresh_token <<<"$tokens"); at=$(field access_token <<<"$tokens")
  start=$(now_ns)
  curl -s --cacert "$ca" -o /dev/null -d "grant_type=refresh_token&refresh_token=$rt&client_id=$client_id&client_secret=$BENCH_CLIENT_SECRET" "$base/token" \
    --next -s --cacert "$ca" -o /dev/null -H "Authorization: Bearer $at" "$base/v3.1/user" \
    --next -s --cacert "$ca" -o /dev/null -H "Authorization: Bearer $at" "$base/v3.1/businesses"
  echo $((($(now_ns) - start) / 1000)) >>"$work/curl.ms"
done

say "sample_host test: one host process per TEST ($runs runs)"
: >"$work/host.ms"
for _ in $(seq "$runs"); do
  export BENCH_REFRESH_TOKEN=$(mint | field refresh_token)
  start=$(now_ns)
  host test sage-cloud-accounting --form "$work/form.json" --secret-env ClientSecret=BENCH_CLIENT_SECRET \
    --secret-env RefreshToken=BENCH_REFRESH_TOKEN >"$work/last-test.txt" 2>&1 || { cat "$work/last-test.txt"; exit 1; }
  echo $((($(now_ns) - start) / 1000)) >>"$work/host.ms"
done

say "sample_host describe: a host process loading the plugin, no network ($runs runs)"
: >"$work/describe.ms"
for _ in $(seq "$runs"); do
  start=$(now_ns)
  host describe sage-cloud-accounting >/dev/null
  echo $((($(now_ns) - start) / 1000)) >>"$work/describe.ms"
done

say "connector_bench: 50 TESTs in one process"
before=$(connections)
bench_json=$("$bin/bench/connector_bench" --base-url "$base" --ca "$ca" --client-id "$client_id" \
  --client-secret "$BENCH_CLIENT_SECRET" --refresh-token "$(mint | field refresh_token)" --count 50)
used=$(($(connections) - before))

curl_us=$(median <"$work/curl.ms"); host_us=$(median <"$work/host.ms"); describe_us=$(median <"$work/describe.ms")
python3 - "$runs" "$(nproc)" "$curl_us" "$host_us" "$describe_us" "$used" "$bench_json" <<'PY'
import json, sys
runs, cores, curl, host, describe, used = (float(x) for x in sys.argv[1:7])
bench = json.loads(sys.argv[7])
print(f"\nmedian over {int(runs)} runs on this machine ({int(cores)} cores):")
print(f"  curl, 3 requests in 1 process             {curl / 1000:8.1f} ms")
print(f"  sample_host test, 1 process per TEST      {host / 1000:8.1f} ms   ({host / curl:.2f}x curl)")
print(f"  sample_host describe (process + plugin)   {describe / 1000:8.1f} ms")
print(f"  TEST in a long-lived host, first          {bench['first_ms']:8.1f} ms   (refresh + 2 GETs on a new connection)")
print(f"  TEST in a long-lived host, median of {bench['count'] - 1}    {bench['median_ms']:8.1f} ms   "
      f"({bench['median_ms'] * 1000 / curl:.2f}x curl; 2 GETs; {int(used)} connection(s) for {bench['count']} TESTs)")
PY

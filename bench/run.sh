#!/usr/bin/env bash
# Benchmarks (figures, never assertions). Builds the `bench` preset (optimised), starts the Sage sandbox
# and prints medians and ratios for:
#   1. curl making TEST's three requests (refresh, GET /user, GET /businesses) in one process on one
#      connection, trusting what the connector trusts: the system store plus the sandbox CA (one bundle);
#   2. `sample_host test` doing the same: a whole host process each time (database, plugin load and
#      SHA-256, licence, TLS context, refresh, two GETs);
#   3. `sample_host describe`: the fixed cost of a host process that loads the plugin, no network;
#   4. the first TEST in a long-lived host (connector_bench: a process that loaded the connector), and
#      the following TESTs there, which reuse the connection and TLS session;
#   5. TEST through the web console (`sample_host serve`, one process for all): each a curl process
#      POSTing /api/connectors/.../test, the first and the later ones (and the server's own elapsed_ms).
# Then a phase breakdown of a cold `sample_host test` and of a first TEST, from separate runs with
# CONNECTOR_PHASE_TIMINGS=1 (the connector and host log one "phase" line per step; off, they cost
# nothing), so the timed runs above carry no instrumentation.
# And data reads: a full read of 100,000 contacts by `sample_host read ... --out /dev/null` (a whole host
# process: plugin, licence, refresh, then the read) at concurrency 1 and 4, against curl fetching the
# same page URLs (items_per_page=200&page=N&attributes=all, same trust bundle, a Bearer token minted
# beforehand) with --parallel --parallel-max 1 and 4, with 0 and 50 ms of latency injected per page;
# requests made / minimal requests from the sandbox's counters; peak memory (max RSS) of a
# 1,000,000-record read against a 100,000-record read.
# And a fleet (fleet_bench, docs/fleet.md): three hosts on one throw-away PostgreSQL database (skipped,
# saying so, when PostgreSQL is not installed) and on one SQLite file, 6 `sample_host test` processes
# at a time for --fleet-seconds each: TESTs per second across the fleet, refreshes per expiry, and the
# lease's cost per refresh (the store's round trips around one refresh against a plain read).
# Usage: bench/run.sh [-n RUNS] [--read-runs N] [--fleet-seconds S] [--only test|read|fleet] [--json]
#   (default 20 TEST rounds, 3 read rounds, 20 s per fleet; --json: one JSON object on standard output)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"

runs=20
read_runs=3
fleet_seconds=20
only=all
json=false
while (($#)); do
  case $1 in
    -n) runs=$2; shift 2 ;;
    --read-runs) read_runs=$2; shift 2 ;;
    --fleet-seconds) fleet_seconds=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --json) json=true; shift ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "-n wants a positive number of runs, not '$runs'" >&2; exit 2; }
[[ $read_runs =~ ^[1-9][0-9]*$ ]] || { echo "--read-runs wants a positive number of runs, not '$read_runs'" >&2; exit 2; }
[[ $fleet_seconds =~ ^[1-9][0-9]*$ ]] || { echo "--fleet-seconds wants a positive number of seconds, not '$fleet_seconds'" >&2; exit 2; }
[[ $only == all || $only == test || $only == read || $only == fleet ]] ||
  { echo "--only takes test, read or fleet, not '$only'" >&2; exit 2; }

system_bundle=/etc/ssl/certs/ca-certificates.crt
[[ -r $system_bundle ]] || { echo "error: $system_bundle is missing: install ca-certificates" >&2; exit 1; }

ensure_packages
say "building (bench)"
use_ccache
[[ -f $root/build/bench/build.ninja ]] || cmake --preset bench -S "$root" >/dev/null
cmake --build --preset bench --parallel "$(nproc)" --target sample_host sage_cloud_accounting sage_sandbox \
  connector_bench fleet_bench >&2

bin=$root/build/bench
work=$(mktemp -d "${TMPDIR:-/tmp}/sage-bench-XXXXXX")
sandbox_pid=
console_pid=
cleanup() {
  [[ -n $console_pid ]] && kill "$console_pid" 2>/dev/null
  [[ -n $sandbox_pid ]] && kill "$sandbox_pid" 2>/dev/null
  wait 2>/dev/null; rm -rf "$work"
}
trap cleanup EXIT

field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[sys.argv[1]])' "$1"; }
# A figures file (JSON) printed as --json wants it: one object, with the date.
print_json() { python3 -c 'import json,sys,time; d={"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}; d.update(json.load(open(sys.argv[1]))); print(json.dumps(d, indent=2))' "$1"; }

# ---- a fleet: its own PostgreSQL server and sandboxes (fleet_bench), before this script's sandbox ----
# fleet.txt (the text section) and fleet.json (merged into --json).
if [[ $only == all || $only == fleet ]]; then
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null ||
    say "PostgreSQL is not installed (Debian: apt-get install postgresql): the fleet on PostgreSQL is skipped"
  say "a fleet of 3 hosts on PostgreSQL and on one SQLite file, 6 TESTs at a time for $fleet_seconds s each"
  "$bin/bench/fleet_bench" "$fleet_seconds" 6 --json "$work/fleet.json" >"$work/fleet-text.txt"
  { echo; cat "$work/fleet-text.txt"; } >"$work/fleet.txt"
  if [[ $only == fleet ]]; then
    if $json; then print_json "$work/fleet.json"; else cat "$work/fleet.txt"; fi
    exit 0
  fi
fi
# Microseconds since the epoch, from bash itself: no process is started to read the clock.
now_us() { local t=${EPOCHREALTIME/./}; printf '%s' "$t"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

client_id="$(cat /proc/sys/kernel/random/uuid)/$(cat /proc/sys/kernel/random/uuid)"
export BENCH_CLIENT_SECRET=$(openssl rand -hex 24)
# 100,000 contacts in the lead business, 1,000,000 of every entity in the second (records are computed
# when a page asks for them: the sandbox stores none).
"$bin/tests/sandbox/sage_sandbox" --port 0 --state-dir "$work/sandbox" --client-id "$client_id" \
  --client-secret "$BENCH_CLIENT_SECRET" --redirect-uri http://127.0.0.1:3333/callback \
  --contacts 100000 --other-records 1000000 >"$work/sandbox.json" 2>/dev/null &
sandbox_pid=$!
for _ in $(seq 100); do [[ -s $work/sandbox.json ]] && break; sleep 0.1; done
info=$(cat "$work/sandbox.json")
base=$(field base_url <<<"$info")
ca=$(field ca_file <<<"$info")
control=$(field control_url <<<"$info")
mint() { curl -s --cacert "$ca" -H 'Content-Type: application/json' --data "{\"client_id\":\"$client_id\"}" "$control/tokens"; }
connections() { curl -s --cacert "$ca" "$control/counters" | python3 -c 'import json,sys; print(json.load(sys.stdin)["connections"])'; }
# Connections the sandbox accepted while running "$@" (the counters' own request subtracted).
connections_during() {
  local a b c
  a=$(connections); b=$(connections); "$@" >/dev/null; c=$(connections)
  echo $((c - b - (b - a)))
}

# The connector trusts the system store plus the KeystoreFile (the sandbox CA); curl gets the same.
cat "$system_bundle" "$ca" >"$work/trust.pem"

host() { "$bin/sample_host/sample_host" --data "$work/host" "$@"; }
host marketplace start-trial sage-cloud-accounting >/dev/null 2>&1
cat >"$work/form.json" <<EOF
{"ConnectionName": "Bench", "ClientId": "$client_id", "InitiateOAuth": "REFRESH",
 "KeystoreFile": {"path": "$ca"},
 "AdditionalConfiguration": {"AuthorizeURL": "$base/oauth2/auth/central?filter=apiv3.1", "TokenURL": "$base/token",
                             "ApiBaseURL": "$base/v3.1", "OAuthSettingsLocation": "memory://bench"}}
EOF
host_test() {
  host "$@" test sage-cloud-accounting --form "$work/form.json" --secret-env ClientSecret=BENCH_CLIENT_SECRET \
    --secret-env RefreshToken=BENCH_REFRESH_TOKEN
}
curl_test() { # refresh, then the two GETs on the same connection (--next keeps curl's connection pool)
  curl -s --cacert "$work/trust.pem" -o /dev/null \
    -d "grant_type=refresh_token&refresh_token=$1&client_id=$client_id&client_secret=$BENCH_CLIENT_SECRET" "$base/token" \
    --next -s --cacert "$work/trust.pem" -o /dev/null -H "Authorization: Bearer $2" "$base/v3.1/user" \
    --next -s --cacert "$work/trust.pem" -o /dev/null -H "Authorization: Bearer $2" "$base/v3.1/businesses"
}
connector_bench() { # needs BENCH_REFRESH_TOKEN
  "$bin/bench/connector_bench" --base-url "$base" --ca "$ca" --client-id "$client_id" \
    --client-secret "$BENCH_CLIENT_SECRET" --refresh-token "$BENCH_REFRESH_TOKEN" "$@"
}

# ---- data reads ----
requests_of() { curl -s --cacert "$ca" "$control/counters" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"].get(sys.argv[1], 0))' "$1"; }
set_latency() { curl -s --cacert "$ca" -o /dev/null -H 'Content-Type: application/json' --data "{\"latency_ms\":$1}" "$control/latency"; }
host_read() { # CONCURRENCY [more read options]: the whole read into /dev/null
  local concurrency=$1; shift
  host read sage-cloud-accounting contacts --form "$work/form.json" --secret-env ClientSecret=BENCH_CLIENT_SECRET \
    --secret-env RefreshToken=BENCH_REFRESH_TOKEN --concurrency "$concurrency" --out /dev/null "$@"
}
curl_read() { # PARALLEL ACCESS_TOKEN: the same page URLs, one curl process, --parallel-max PARALLEL
  curl -s --no-progress-meter --cacert "$work/trust.pem" -H "Authorization: Bearer $2" --parallel --parallel-max "$1" -K "$work/pages.cfg"
}
read_bench() {
  local pages=$(((100000 + 199) / 200)) latency c round at start
  for ((p = 1; p <= pages; p++)); do
    printf 'url = "%s/v3.1/contacts?items_per_page=200&page=%d&attributes=all"\noutput = /dev/null\n' "$base" "$p"
  done >"$work/pages.cfg"
  : >"$work/read-requests.txt"
  say "$read_runs rounds of: a full read of 100,000 contacts by curl and by sample_host, concurrency 1 and 4, latency 0 and 50 ms"
  for ((round = 1; round <= read_runs; round++)); do
    for latency in 0 50; do
      set_latency "$latency"
      for c in 1 4; do
        at=$(mint | field access_token)
        start=$(now_us)
        curl_read "$c" "$at"
        echo $(($(now_us) - start)) >>"$work/curl_read_c${c}_l${latency}.us"

        export BENCH_REFRESH_TOKEN=$(mint | field refresh_token)
        curl -s --cacert "$ca" -o /dev/null --data '{}' "$control/counters/reset"
        start=$(now_us)
        host_read "$c" 2>"$work/read.err" || { cat "$work/read.err" >&2; exit 1; }
        echo $(($(now_us) - start)) >>"$work/read_c${c}_l${latency}.us"
        echo "$(requests_of contacts) $pages" >>"$work/read-requests.txt"
      done
    done
  done
  set_latency 0
  say "peak memory: a read of 100,000 records and of 1,000,000 (the second business), concurrency 4"
  local other
  other=$(curl -s --cacert "$ca" -H "Authorization: Bearer $(mint | field access_token)" "$base/v3.1/businesses" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["$items"][1]["id"])')
  export BENCH_REFRESH_TOKEN=$(mint | field refresh_token)
  /usr/bin/time -f '%M' -o "$work/rss-100k.kb" "$bin/sample_host/sample_host" --data "$work/host" read \
    sage-cloud-accounting contacts --form "$work/form.json" --secret-env ClientSecret=BENCH_CLIENT_SECRET \
    --secret-env RefreshToken=BENCH_REFRESH_TOKEN --out /dev/null 2>/dev/null
  export BENCH_REFRESH_TOKEN=$(mint | field refresh_token)
  curl -s --cacert "$ca" -o /dev/null --data '{}' "$control/counters/reset"
  start=$(now_us)
  /usr/bin/time -f '%M' -o "$work/rss-1m.kb" "$bin/sample_host/sample_host" --data "$work/host" read \
    sage-cloud-accounting contacts --business "$other" --form "$work/form.json" \
    --secret-env ClientSecret=BENCH_CLIENT_SECRET --secret-env RefreshToken=BENCH_REFRESH_TOKEN --out /dev/null 2>/dev/null
  echo $(($(now_us) - start)) >"$work/read-1m.us"
  echo "$(requests_of contacts) $(((1000000 + 199) / 200))" >"$work/read-1m-requests.txt"
  # The figures: read.json (merged into --json) and read.txt (the text section).
  python3 - "$work" "$read_runs" <<'PY'
import json, os, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
def med_ms(name):
    with open(os.path.join(work, name)) as f:
        return statistics.median(float(x) for x in f if x.strip()) / 1000
out, lines = {"read_records": 100000, "read_runs": runs}, []
lines.append(f"\nfull read of 100,000 contacts (200 per page, 500 pages), medians of {runs} rounds:")
lines.append(f"  {'latency':>8} {'concurrency':>11} {'curl':>10} {'sample_host read':>17} {'x curl':>7}")
for latency in (0, 50):
    for c in (1, 4):
        suffix = f"c{c}" + ("" if latency == 0 else f"_l{latency}")
        curl = med_ms(f"curl_read_c{c}_l{latency}.us"); host = med_ms(f"read_c{c}_l{latency}.us")
        out[f"curl_read_{suffix}_ms"] = round(curl, 1)
        out[f"read_{suffix}_ms"] = round(host, 1)
        out[f"read_{suffix}_ratio"] = round(host / curl, 3)
        lines.append(f"  {latency:>5} ms {c:>11} {curl:>7.0f} ms {host:>14.0f} ms {host / curl:>7.2f}")
made, minimal = 0, 0
for text in open(os.path.join(work, "read-requests.txt")):
    a, b = text.split(); made += int(a); minimal += int(b)
out["read_requests_ratio"] = round(made / minimal, 3)
a, b = open(os.path.join(work, "read-1m-requests.txt")).read().split()
out["read_1m_requests_ratio"] = round(int(a) / int(b), 3)
out["read_1m_ms"] = round(med_ms("read-1m.us"), 1)
rss_100k = int(open(os.path.join(work, "rss-100k.kb")).read().split()[-1])
rss_1m = int(open(os.path.join(work, "rss-1m.kb")).read().split()[-1])
out["read_memory_100k_kb"], out["read_memory_1m_kb"] = rss_100k, rss_1m
out["read_memory_ratio"] = round(rss_1m / rss_100k, 3)
lines.append(f"  requests made / minimal requests: {out['read_requests_ratio']:.3f} (100,000-record reads), "
             f"{out['read_1m_requests_ratio']:.3f} (the 1,000,000-record read)")
lines.append(f"  peak memory (max RSS): {rss_100k / 1024:.1f} MiB for 100,000 records, {rss_1m / 1024:.1f} MiB for "
             f"1,000,000 ({out['read_memory_ratio']:.2f}x; that read took {out['read_1m_ms'] / 1000:.1f} s at concurrency 4)")
json.dump(out, open(os.path.join(work, "read.json"), "w"))
open(os.path.join(work, "read.txt"), "w").write("\n".join(lines) + "\n")
PY
}

# The measurements take turns within each round, so a change in the machine's load (other programs)
# touches all of them alike and the ratios stay fair.
if [[ $only != test ]]; then
  read_bench
fi
if [[ $only == read ]]; then
  if $json; then print_json "$work/read.json"; else cat "$work/read.txt"; fi
  exit 0
fi
say "$runs rounds of: curl; sample_host test; sample_host describe; first TEST in a long-lived host;"
say "  and, for the phase breakdown, sample_host test and a first TEST again with CONNECTOR_PHASE_TIMINGS=1"
: >"$work/curl.ms"; : >"$work/host.ms"; : >"$work/describe.ms"; : >"$work/first.ms"
: >"$work/host-phases.txt"; : >"$work/first-phases.txt"
for _ in $(seq "$runs"); do
  # curl: refresh + GET /user + GET /businesses in one process
  tokens=$(mint); rt=$(field refresh_token <<<"$tokens"); at=$(field access_token <<<"$tokens")
  start=$(now_us)
  curl_test "$rt" "$at"
  echo $(($(now_us) - start)) >>"$work/curl.ms"

  # sample_host test: one host process per TEST
  export BENCH_REFRESH_TOKEN=$(mint | field refresh_token)
  start=$(now_us)
  host_test >"$work/last-test.txt" 2>&1 || { cat "$work/last-test.txt" >&2; exit 1; }
  echo $(($(now_us) - start)) >>"$work/host.ms"

  # sample_host describe: a host process loading the plugin, no network
  start=$(now_us)
  host describe sage-cloud-accounting >/dev/null
  echo $(($(now_us) - start)) >>"$work/describe.ms"

  # the first TEST in a process that loaded the connector
  export BENCH_REFRESH_TOKEN=$(mint | field refresh_token)
  connector_bench --count 1 | field first_ms >>"$work/first.ms"

  # the same two with phase timings on
  export BENCH_REFRESH_TOKEN=$(mint | field refresh_token)
  start=$(now_us)
  CONNECTOR_PHASE_TIMINGS=1 host_test --verbose >/dev/null 2>"$work/verbose.txt" || { cat "$work/verbose.txt" >&2; exit 1; }
  end=$(now_us)
  { echo "run $start $end"; grep -o 'phase .*' "$work/verbose.txt" || true; } >>"$work/host-phases.txt"
  export BENCH_REFRESH_TOKEN=$(mint | field refresh_token)
  CONNECTOR_PHASE_TIMINGS=1 connector_bench --count 1 >>"$work/first-phases.txt"
done

# TEST through the web console: one `sample_host serve` for all of them, a curl process per TEST (so
# the wall time includes starting curl, as `sample_host test` includes starting the host).
console_bench() {
  local out=$work/console.out url origin csrf start i
  "$bin/sample_host/sample_host" --data "$work/host" serve --listen 127.0.0.1:0 >"$out" 2>"$work/console.err" &
  console_pid=$!
  for _ in $(seq 100); do [[ -s $out ]] && break; sleep 0.1; done
  url=$(head -1 "$out"); url=${url#console: }; origin=${url%%/\?token=*}
  curl -s -c "$work/console.cookies" -o /dev/null "$url"
  csrf=$(curl -s -b "$work/console.cookies" "$origin/api/session" | field csrf)
  # The bench form as the console's page sends it: the keystore in base64, Add Configuration as rows.
  BENCH_REFRESH_TOKEN=$(mint | field refresh_token) python3 - "$work/form.json" >"$work/console-test.json" <<'PY'
import base64, json, os, sys
form = json.load(open(sys.argv[1]))
path = form["KeystoreFile"]["path"]
form["KeystoreFile"] = {"name": os.path.basename(path), "content_base64": base64.b64encode(open(path, "rb").read()).decode()}
form["AdditionalConfiguration"] = [[k, v] for k, v in form["AdditionalConfiguration"].items()]
form["ClientSecret"] = os.environ["BENCH_CLIENT_SECRET"]
form["RefreshToken"] = os.environ["BENCH_REFRESH_TOKEN"]
print(json.dumps({"form": form}))
PY
  : >"$work/console.ms"; : >"$work/console-server.ms"
  for ((i = 0; i <= runs; i++)); do
    start=$(now_us)
    curl -s -b "$work/console.cookies" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
      --data @"$work/console-test.json" -o "$work/console-answer.json" "$origin/api/connectors/sage-cloud-accounting/test"
    echo $(($(now_us) - start)) >>"$work/console.ms"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["elapsed_ms"]) if d.get("available") else sys.exit("console TEST: " + json.dumps(d))' \
      "$work/console-answer.json" >>"$work/console-server.ms"
  done
  kill "$console_pid"; wait "$console_pid" 2>/dev/null || true; console_pid=
}
say "TEST through a running \`sample_host serve\`: the first, then $runs more"
console_bench

say "connections: curl's three requests, and 50 TESTs in one long-lived host"
tokens=$(mint)
curl_connections=$(connections_during curl_test "$(field refresh_token <<<"$tokens")" "$(field access_token <<<"$tokens")")
export BENCH_REFRESH_TOKEN=$(mint | field refresh_token)
warm_connections=$(connections_during connector_bench --count 50)
say "50 TESTs in one long-lived host: the later ones reuse the connection and TLS session"
export BENCH_REFRESH_TOKEN=$(mint | field refresh_token)
warm_json=$(connector_bench --count 50)

library=$(ls "$bin"/plugins/sage-cloud-accounting/*.so)
python3 - "$json" "$runs" "$work" "$curl_connections" "$warm_connections" "$warm_json" "$(stat -c %s "$library")" <<'PY'
import json, os, platform, re, statistics, subprocess, sys, time
as_json = sys.argv[1] == "true"
runs = int(sys.argv[2]); work = sys.argv[3]
curl_connections, warm_connections = int(sys.argv[4]), int(sys.argv[5])
warm = json.loads(sys.argv[6]); library_bytes = int(sys.argv[7])

def med_ms(name):
    with open(os.path.join(work, name)) as f:
        values = [float(x) for x in f if x.strip()]
    return statistics.median(values) / 1000  # microseconds -> ms

curl, host, describe = med_ms("curl.ms"), med_ms("host.ms"), med_ms("describe.ms")
with open(os.path.join(work, "console.ms")) as f:
    console_runs = [float(x) / 1000 for x in f if x.strip()]
with open(os.path.join(work, "console-server.ms")) as f:
    console_server = [float(x) for x in f if x.strip()]
console_first, console_later = console_runs[0], statistics.median(console_runs[1:])
console_server_later = statistics.median(console_server[1:])
with open(os.path.join(work, "first.ms")) as f:
    first = statistics.median(float(x) for x in f if x.strip())
warm_ms = warm["median_ms"]

line = re.compile(r"^phase (\S+)(?: (.*?))? ([0-9.]+) ms start_us=(\d+)$")

def phases_of(lines):
    """[(label, ms, start_us)] in order; a label met twice in one run gets '#2'."""
    out, seen = [], {}
    for text in lines:
        m = line.match(text.strip())
        if not m:
            continue
        name, detail, ms, start = m.group(1), (m.group(2) or "").strip(), float(m.group(3)), int(m.group(4))
        label = name + (" " + detail if detail else "")
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label += f" #{seen[label]}"
        out.append((label, ms, start))
    return out

def summarise(runs_of_phases):
    """Median ms per label, ordered by median position in the run."""
    by_label = {}
    for phases in runs_of_phases:
        for position, (label, ms, _) in enumerate(phases):
            by_label.setdefault(label, ([], []))
            by_label[label][0].append(ms); by_label[label][1].append(position)
    rows = [(statistics.median(p), label, statistics.median(ms)) for label, (ms, p) in by_label.items()]
    return [(label, round(ms, 3)) for _, label, ms in sorted(rows)]

# Cold `sample_host test`: process start = launch -> first phase; the rest of the run is what no phase covers.
host_runs, current = [], None
for text in open(os.path.join(work, "host-phases.txt")):
    if text.startswith("run "):
        _, start, end = text.split()
        current = {"start": int(start), "end": int(end), "lines": []}
        host_runs.append(current)
    elif current is not None:
        current["lines"].append(text)
starts, totals, others, parsed = [], [], [], []
for run in host_runs:
    phases = phases_of(run["lines"])
    if not phases:
        continue
    parsed.append(phases)
    first_start = min(s for _, _, s in phases)
    total = (run["end"] - run["start"]) / 1000
    starts.append((first_start - run["start"]) / 1000)
    totals.append(total)
    others.append(total - starts[-1] - sum(ms for _, ms, _ in phases))
host_phases = [("process start (exec, dynamic linking, static init, CLI parsing, data folder)", round(statistics.median(starts), 3))] if starts else []
host_phases += summarise(parsed)
if others:
    host_phases.append(("other (form, connector calls between phases, output, exit)", round(statistics.median(others), 3)))
host_phase_total = round(statistics.median(totals), 3) if totals else None

first_runs = []
for text in open(os.path.join(work, "first-phases.txt")):
    if text.strip():
        first_runs.append(phases_of(json.loads(text).get("first_phases", [])))
first_phases = summarise(first_runs)

def uname():
    try:
        model = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor()
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"

openssl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
curl_version = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
load = os.getloadavg()[0]
result = {
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "machine": uname(), "load_average_1m": round(load, 2), "openssl": openssl, "curl": curl_version,
    "runs": runs,
    "curl_ms": round(curl, 3), "host_test_ms": round(host, 3), "first_test_ms": round(first, 3),
    "warm_test_ms": round(warm_ms, 3), "describe_ms": round(describe, 3),
    "host_test_ratio": round(host / curl, 3), "first_test_ratio": round(first / curl, 3),
    "warm_test_ratio": round(warm_ms / curl, 3), "describe_ratio": round(describe / curl, 3),
    "curl_connections": curl_connections,
    "warm_connections": warm_connections, "warm_tests": warm["count"],
    "plugin_library_bytes": library_bytes,
    "host_test_phases_ms": dict(host_phases), "host_test_phases_run_ms": host_phase_total,
    "first_test_phases_ms": dict(first_phases),
    "console_first_test_ms": round(console_first, 3), "console_test_ms": round(console_later, 3),
    "console_test_server_ms": round(console_server_later, 3), "console_test_ratio": round(console_later / curl, 3),
}
read_figures = os.path.join(work, "read.json")
if os.path.exists(read_figures):
    result.update(json.load(open(read_figures)))
fleet_figures = os.path.join(work, "fleet.json")
if os.path.exists(fleet_figures):
    result.update(json.load(open(fleet_figures)))
if as_json:
    print(json.dumps(result, indent=2))
    sys.exit(0)
print(f"\nmedians of {runs} runs on {result['machine']} (load {load:.1f}), {result['date']}:")
print(f"  curl, 3 requests, 1 process, 1 connection   {curl:8.1f} ms   ({curl_connections} connection; system store + sandbox CA)")
print(f"  sample_host test, 1 process per TEST        {host:8.1f} ms   ({host / curl:.2f}x curl)")
print(f"  sample_host describe (process + plugin)     {describe:8.1f} ms   ({describe / curl:.2f}x curl)")
print(f"  first TEST in a long-lived host             {first:8.1f} ms   ({first / curl:.2f}x curl; refresh + 2 GETs, new connection)")
print(f"  later TESTs there, median of {warm['count'] - 1}             {warm_ms:8.1f} ms   "
      f"({warm_ms / curl:.2f}x curl; 2 GETs; {warm_connections} connection(s) for {warm['count']} TESTs)")
print(f"  TEST via `sample_host serve`, first         {console_first:8.1f} ms   (a curl process per TEST)")
print(f"  later TESTs via the console, median of {len(console_runs) - 1}   {console_later:8.1f} ms   "
      f"({console_later / curl:.2f}x curl; {console_server_later:.1f} ms of it in the server; vs {host:.1f} ms for "
      f"`sample_host test`)")
print(f"\nphase breakdown of a cold `sample_host test` (medians; run total {host_phase_total} ms with timings on):")
for label, ms in host_phases:
    print(f"  {label:<72} {ms:8.2f} ms")
print("\nphase breakdown of a first TEST in a long-lived host (medians):")
for label, ms in first_phases:
    print(f"  {label:<72} {ms:8.2f} ms")
if os.path.exists(read_figures):
    print(open(os.path.join(work, "read.txt")).read(), end="")
if os.path.exists(fleet_figures):
    print(open(os.path.join(work, "fleet.txt")).read(), end="")
PY

#!/usr/bin/env bash
# The main job, end to end: builds the project, starts the local Sage sandbox, and has the sample host
# drive the Premium Sage Cloud Accounting connector as a marketplace would: the marketplace list, a
# user refused before any licence, the administrator starting the trial, the connection form, TEST
# (which signs in to Sage through the OAuth authorization-code flow: the sandbox consents and a small
# script plays the browser), CREATE, and the saved connection. Stops the sandbox at the end.
# Usage: scripts/demo.sh [--console]   (set DEMO_KEEP=1 to keep the data folder for a look)
#   --console  instead of the command-line tour: start the trial, then run the web console
#              (`sample_host serve`) on the sandbox, print its address and the form's values, and serve
#              until Ctrl-C. Sign in with the sandbox's consent page through the console's /oauth/callback.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

mode=cli
case ${1:-} in
  "") ;;
  --console) mode=console ;;
  -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
esac

ensure_packages
build_preset dev
cd "$root"

bin=$root/build/dev
work=$(mktemp -d "${TMPDIR:-/tmp}/sage-demo-XXXXXX")
sandbox_pid=
cleanup() {
  [[ -n $sandbox_pid ]] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  if [[ ${DEMO_KEEP:-} == 1 ]]; then echo "data kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

step() { printf '\n\033[1;36m$ %s\033[0m\n' "$*"; }
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }

# --- the Sage sandbox, with an OAuth app registered for this demo --------------------------------
callback_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
client_id="$(cat /proc/sys/kernel/random/uuid)/$(cat /proc/sys/kernel/random/uuid)"
export DEMO_CLIENT_SECRET=$(openssl rand -hex 24)
redirect_uri=http://127.0.0.1:$callback_port/callback
[[ $mode == console ]] && redirect_uri=http://127.0.0.1:$callback_port/oauth/callback # the console's own page
step "sage_sandbox --port 0 --client-id ... --redirect-uri $redirect_uri"
"$bin/tests/sandbox/sage_sandbox" --port 0 --state-dir "$work/sandbox" --contacts 25 \
  --client-id "$client_id" --client-secret "$DEMO_CLIENT_SECRET" \
  --redirect-uri "$redirect_uri" >"$work/sandbox.json" 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 100); do [[ -s $work/sandbox.json ]] && break; sleep 0.1; done
[[ -s $work/sandbox.json ]] || { cat "$work/sandbox.log"; echo "the sandbox did not start" >&2; exit 1; }
base_url=$(json_field "$work/sandbox.json" base_url)
ca_file=$(json_field "$work/sandbox.json" ca_file)
echo "Sage sandbox at $base_url (its CA: $ca_file)"

# The connection form as a user would fill it; the client secret comes from the environment.
cat >"$work/books.json" <<EOF
{
  "ConnectionName": "Books",
  "ClientId": "$client_id",
  "KeystoreFile": {"path": "$ca_file"},
  "AdditionalConfiguration": {
    "CallbackURL": "http://127.0.0.1:$callback_port/callback",
    "AuthorizeURL": "$base_url/oauth2/auth/central?filter=apiv3.1",
    "TokenURL": "$base_url/token",
    "ApiBaseURL": "$base_url/v3.1"
  }
}
EOF

host() { "$bin/sample_host/sample_host" --data "$work/host" "$@"; }
form=(--form "$work/books.json" --secret-env ClientSecret=DEMO_CLIENT_SECRET)

# --- the web console --------------------------------------------------------------------------------
if [[ $mode == console ]]; then
  step "sample_host marketplace start-trial sage-cloud-accounting             # as the administrator"
  host marketplace start-trial sage-cloud-accounting
  cat <<EOF

The connection form's values for the sandbox (a throw-away OAuth app made for this demo):
  Connection Name      Books
  Client ID            $client_id
  Client Secret        $DEMO_CLIENT_SECRET
  Upload Keystore File $ca_file
  Add Configuration    AuthorizeURL = $base_url/oauth2/auth/central?filter=apiv3.1
                       TokenURL     = $base_url/token
                       ApiBaseURL   = $base_url/v3.1
Then "Sign in with Sage" (the sandbox consents at once), TEST, CREATE. Ctrl-C stops the console.
EOF
  step "sample_host serve --listen 127.0.0.1:$callback_port"
  host serve --listen "127.0.0.1:$callback_port" || true
  exit 0
fi

# --- the marketplace ------------------------------------------------------------------------------
step "sample_host plugins"
host plugins

step "sample_host users add jo --role user"
host users add jo --role user

step "sample_host --as jo test sage-cloud-accounting --form books.json ...   # before any licence"
host --as jo test sage-cloud-accounting "${form[@]}" || true

step "sample_host marketplace start-trial sage-cloud-accounting             # as the administrator"
host marketplace start-trial sage-cloud-accounting

step "sample_host plugins"
host plugins

# --- the connection -------------------------------------------------------------------------------
step "sample_host describe sage-cloud-accounting"
host describe sage-cloud-accounting

step "sample_host test sage-cloud-accounting --form books.json ...   # signs in through the browser first"
BROWSER="$root/tests/tools/sandbox_browser.sh" SANDBOX_CA="$ca_file" \
  host test sage-cloud-accounting "${form[@]}"

step "sample_host create sage-cloud-accounting --form books.json ..."
host create sage-cloud-accounting "${form[@]}"

step "sample_host connections list"
host connections list

step "sample_host oauth status sage-cloud-accounting --connection Books"
host oauth status sage-cloud-accounting --connection Books

step "sample_host entities sage-cloud-accounting --connection Books   # generated from Sage's OpenAPI"
host entities sage-cloud-accounting --connection Books | grep -E '^(ENTITY|contacts|sales_invoices|ledger_accounts|bank_accounts) |entities$'

step "sample_host read sage-cloud-accounting contacts --connection Books --fields name,email --limit 3"
host read sage-cloud-accounting contacts --connection Books --fields name,email --limit 3

step "sample_host sync sage-cloud-accounting --connection Books --into sqlite:books.db --entities contacts,sales_invoices"
host sync sage-cloud-accounting --connection Books --into "sqlite:$work/books.db" --entities contacts,sales_invoices

step "sample_host sync ... again   # incremental: only what changed since"
host sync sage-cloud-accounting --connection Books --into "sqlite:$work/books.db" --entities contacts,sales_invoices

printf '\n\033[1;32mDemo complete:\033[0m the trial started, TEST said "connection available", the connection "Books" is saved and reads the books.\n'

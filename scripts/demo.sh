#!/usr/bin/env bash
# The main job, end to end: builds the project, then the sample host drives the Sage Cloud Accounting
# connector: marketplace list, connection form, validation, TEST and CREATE, the saved connection.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

ensure_packages
build_preset dev
cd "$root"

bin=$root/build/dev
data=$(mktemp -d "${TMPDIR:-/tmp}/sage-demo-XXXXXX")
trap 'rm -rf "$data"' EXIT
host() { "$bin/sample_host/sample_host" --data "$data" "$@"; }

step() { printf '\n\033[1;36m$ sample_host %s\033[0m\n' "$*"; }

step plugins
host plugins

step describe sage-cloud-accounting
host describe sage-cloud-accounting

step validate sage-cloud-accounting --set ConnectionName=Books --set InitiateOAuth=OFF
host validate sage-cloud-accounting --set ConnectionName=Books --set InitiateOAuth=OFF || true

export DEMO_ACCESS_TOKEN=demo-access-token
step test sage-cloud-accounting --set ConnectionName=Books --set InitiateOAuth=OFF --secret-env AccessToken=DEMO_ACCESS_TOKEN
host test sage-cloud-accounting --set ConnectionName=Books --set InitiateOAuth=OFF --secret-env AccessToken=DEMO_ACCESS_TOKEN || true

step create sage-cloud-accounting --no-test --set ConnectionName=Books ...
host create sage-cloud-accounting --no-test --set ConnectionName=Books --set InitiateOAuth=OFF \
  --secret-env AccessToken=DEMO_ACCESS_TOKEN

step connections list
host connections list

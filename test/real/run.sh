#!/usr/bin/env bash
# Brings up a real single-node Ganeti with ganeti-rapi (test/ganeti/up.sh),
# runs the end-to-end suites and the fidelity corpus through the gateway
# against it, and tears the cluster down again (KEEP_CLUSTER=1 keeps it).
# Needs root; see test/ganeti/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

export GNT_STATE_DIR=${GNT_STATE_DIR:-/tmp/rapi-edge-ganeti}
teardown() {
  if [ "${KEEP_CLUSTER:-0}" != 1 ]; then
    bash test/ganeti/down.sh
  fi
}
# Tears down after a failure before the suites ran, too.
trap teardown EXIT
bash test/ganeti/up.sh

set -a
. "$GNT_STATE_DIR/rapi.env"
set +a
export RAPI_E2E_UPSTREAM_URL=$RAPI_URL
export RAPI_E2E_UPSTREAM_READ=$RAPI_RO_USER:$RAPI_RO_PASSWORD
export RAPI_E2E_UPSTREAM_WRITE=$RAPI_USER:$RAPI_PASSWORD

summary=$(mktemp)
status=0
node_modules/.bin/node test/run.ts e2e real | tee "$summary" || status=$?
trap - EXIT
teardown

# The totals come last, after the teardown's log.
grep '^tests: ' "$summary" | tail -n 1 || true
rm -f "$summary"
exit "$status"

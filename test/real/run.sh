#!/usr/bin/env bash
# Brings up a real single-node Ganeti with ganeti-rapi (test/ganeti/up.sh),
# runs the end-to-end suites and the fidelity corpus through the gateway
# against it, and tears the cluster down again. Needs root.
set -euo pipefail
cd "$(dirname "$0")/../.."

export GNT_STATE_DIR=${GNT_STATE_DIR:-/tmp/rapi-edge-ganeti}
bash test/ganeti/up.sh
if [ "${KEEP_CLUSTER:-0}" != 1 ]; then
  trap 'bash test/ganeti/down.sh' EXIT
fi

set -a
. "$GNT_STATE_DIR/rapi.env"
set +a
export RAPI_E2E_UPSTREAM_URL=$RAPI_URL
export RAPI_E2E_UPSTREAM_READ=$RAPI_RO_USER:$RAPI_RO_PASSWORD
export RAPI_E2E_UPSTREAM_WRITE=$RAPI_USER:$RAPI_PASSWORD

node_modules/.bin/node test/run.ts e2e real

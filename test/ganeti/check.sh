#!/bin/bash
# check.sh - smoke test of the cluster that up.sh started: isolation of the
# network namespace, the three RAPI users, a write job, a long-running job
# from delay-job.sh with /wait and cancel. Needs root (it inspects the
# namespace). Prints one PASS or FAIL line per check and exits 1 on any FAIL.
set -uo pipefail
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
STATE=${GNT_STATE_DIR:-/tmp/rapi-edge-ganeti}
[ -f "$STATE/rapi.env" ] || { echo "$STATE/rapi.env not found; run up.sh first" >&2; exit 1; }
# shellcheck source=/dev/null
. "$STATE/rapi.env"
NS=$GANETI_NETNS
BR=${GNT_BRIDGE:-gnt0}

passed=0
failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
# check NAME COMMAND...: PASS when the command succeeds.
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
nsx() { ip netns exec "$NS" "$@"; }
# rapi_status USER:PASSWORD METHOD PATH [curl arguments]: print the HTTP status.
rapi_status() {
  local credentials=$1 method=$2 path=$3
  shift 3
  curl -sk -o /dev/null -w '%{http_code}' -u "$credentials" -X "$method" "$@" "$RAPI_URL$path"
}
expect_status() {
  local want=$1 credentials=$2 method=$3 path=$4
  shift 4
  local got
  got=$(rapi_status "$credentials" "$method" "$path" "$@")
  if [ "$got" = "$want" ]; then pass "$method $path as ${credentials%%:*} -> $got"; else fail "$method $path as ${credentials%%:*} -> $got, expected $want"; fi
}
json_field() { /usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval("d" + sys.argv[1]))' "$1"; }

WRITE=$RAPI_USER:$RAPI_PASSWORD
READ=$RAPI_RO_USER:$RAPI_RO_PASSWORD
NOBODY=$RAPI_NOBODY_USER:$RAPI_NOBODY_PASSWORD

# ---------------------------------------------------------------- isolation
for pidfile in /var/run/ganeti/ganeti-*.pid; do
  daemon=$(basename "$pidfile" .pid)
  pid=$(cat "$pidfile")
  [ -d "/proc/$pid" ] || continue
  namespace=$(ip netns identify "$pid")
  if [ "$namespace" = "$NS" ]; then pass "$daemon (pid $pid) runs in namespace $NS"; else fail "$daemon (pid $pid) runs in namespace '${namespace:-root}'"; fi
done
check "forwarder (pid $RAPI_FORWARDER_PID) runs in the root namespace" \
  bash -c "[ -d /proc/$RAPI_FORWARDER_PID ] && [ -z \"\$(ip netns identify $RAPI_FORWARDER_PID)\" ]"
links=$(nsx ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | sort | tr '\n' ' ')
check "namespace has only lo and $BR (has: $links)" [ "$links" = "$(printf '%s\n' lo "$BR" | sort | tr '\n' ' ')" ]
check "namespace has no default route" [ -z "$(nsx ip -4 route show default)$(nsx ip -6 route show default)" ]
check "root namespace has no $BR" bash -c "! ip link show $BR >/dev/null 2>&1"
# grep, not getent: a lookup in the root namespace could fall through to DNS.
check "root /etc/hosts does not name $GANETI_CLUSTER" bash -c "! grep -qF '$GANETI_CLUSTER' /etc/hosts"
check "namespace resolv.conf has no nameserver" bash -c "! ip netns exec $NS grep -q '^nameserver' /etc/resolv.conf"
check "namespace resolves hosts from files only" bash -c "ip netns exec $NS grep -qx 'hosts: *files' /etc/nsswitch.conf"
check "namespace resolves $GANETI_NODE" bash -c "ip netns exec $NS getent hosts $GANETI_NODE >/dev/null"

# ---------------------------------------------------------------- users
expect_status 200 "$WRITE" GET /2/info
expect_status 200 "$READ" GET /2/info
expect_status 200 "$NOBODY" GET /2/info
expect_status 401 "$RAPI_USER:wrong-password" GET /2/info
code=$(curl -sk -o /dev/null -w '%{http_code}' "$RAPI_URL/version")
if [ "$code" = 401 ]; then pass "GET /version without credentials -> 401"; else fail "GET /version without credentials -> $code, expected 401"; fi
expect_status 200 "$READ" GET '/2/query/node?fields=name'
expect_status 403 "$NOBODY" GET '/2/query/node?fields=name'
expect_status 403 "$READ" PUT '/2/tags?tag=check-read'
expect_status 403 "$NOBODY" PUT '/2/tags?tag=check-nobody'

# ---------------------------------------------------------------- a write job
job=$(curl -sk -u "$WRITE" -X PUT "$RAPI_URL/2/tags?tag=check-sh")
if [[ "$job" =~ ^[0-9]+$ ]]; then pass "PUT /2/tags returns job id $job"; else fail "PUT /2/tags returned '$job', expected a job id"; fi
status=unknown
for _ in $(seq 1 60); do
  status=$(curl -sk -u "$WRITE" "$RAPI_URL/2/jobs/$job" | json_field '["status"]')
  case $status in success|error|canceled) break ;; esac
  sleep 0.5
done
check "tag job $job ends in success (got $status)" [ "$status" = success ]
job=$(curl -sk -u "$WRITE" -X DELETE "$RAPI_URL/2/tags?tag=check-sh")
for _ in $(seq 1 60); do
  status=$(curl -sk -u "$WRITE" "$RAPI_URL/2/jobs/$job" | json_field '["status"]')
  case $status in success|error|canceled) break ;; esac
  sleep 0.5
done
check "tag removal job $job ends in success (got $status)" [ "$status" = success ]

# ---------------------------------------------------------------- a long-running job
job=$(bash "$HERE/delay-job.sh" 15)
is_number() { [[ "$1" =~ ^[0-9]+$ ]]; }
check "delay-job.sh prints a job id ($job)" is_number "$job"
status=unknown
for _ in $(seq 1 40); do
  status=$(curl -sk -u "$WRITE" "$RAPI_URL/2/jobs/$job" | json_field '["status"]')
  [ "$status" = running ] && break
  sleep 0.25
done
check "delay job $job is running (got $status)" [ "$status" = running ]
started=$(date +%s)
response=$(curl -sk -u "$WRITE" -X GET -H 'Content-Type: application/json' \
  -d '{"fields":["status"],"previous_job_info":["running"],"previous_log_serial":null}' "$RAPI_URL/2/jobs/$job/wait")
waited=$(($(date +%s) - started))
# ganeti-rapi 3.0.2 returns the unchanged job_info after about 10 s; older
# versions returned null.
check "/wait on the running job blocks about 10 s (took ${waited} s, response $response)" \
  bash -c "[ $waited -ge 8 ] && [ $waited -le 15 ]"
response=$(curl -sk -u "$WRITE" -X DELETE "$RAPI_URL/2/jobs/$job")
starts_with() { [[ "$1" == "$2"* ]]; }
# A running job cannot be cancelled; OpTestDelay is not interruptible either.
check "DELETE of the running job returns [false, ...] ($response)" starts_with "$response" '[false, '

for _ in $(seq 1 40); do
  status=$(curl -sk -u "$WRITE" "$RAPI_URL/2/jobs/$job" | json_field '["status"]')
  case $status in success|error|canceled) break ;; esac
  sleep 1
done
check "delay job $job ends in success (got $status)" [ "$status" = success ]

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

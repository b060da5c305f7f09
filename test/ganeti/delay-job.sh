#!/bin/bash
# delay-job.sh SECONDS - submit a Ganeti job that stays running for SECONDS
# (OpTestDelay on the master node) and print its job id on stdout.
#
# Tests use it for jobs that are still running while they poll, wait or
# cancel. Needs root and the cluster from up.sh (same GNT_NETNS).
set -euo pipefail
# A pyenv or other python3 earlier on PATH lacks the ganeti modules.
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C

NS=${GNT_NETNS:-ganeti}
seconds=${1:-}
if ! [[ "$seconds" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
  echo "usage: $0 SECONDS   (a number, e.g. 40)" >&2
  exit 2
fi
[ "$(id -u)" = 0 ] || { echo "delay-job.sh must run as root (it enters network namespace $NS)" >&2; exit 1; }
[ -e "/run/netns/$NS" ] || { echo "network namespace $NS not found; run up.sh first" >&2; exit 1; }

# gnt-debug prints "JobID: N" on stderr and nothing on stdout.
output=$(ip netns exec "$NS" gnt-debug delay --submit "$seconds" 2>&1) || {
  echo "gnt-debug delay --submit $seconds failed: $output" >&2
  exit 1
}
job_id=$(sed -n 's/^JobID: *\([0-9][0-9]*\)$/\1/p' <<<"$output")
[ -n "$job_id" ] || { echo "no job id in the output of gnt-debug: $output" >&2; exit 1; }
echo "$job_id"

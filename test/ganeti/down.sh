#!/bin/bash
# down.sh - undo up.sh.
#
#   down.sh                   stop the RAPI forwarder and every Ganeti daemon
#                             by PID, wipe the throw-away cluster (configuration,
#                             job queue, instances, file disks), delete the
#                             network namespace and /etc/netns/<namespace>, and
#                             restore /etc/default/ganeti. The packages stay, so
#                             the next up.sh only initialises a cluster (~12 s).
#   down.sh --keep-cluster    only stop the forwarder and the daemons; the next
#                             up.sh restarts them with the same cluster, jobs
#                             and instances. The namespace is kept.
#   down.sh --purge-packages  like the default, and also purge the packages that
#                             up.sh installed, with the users and groups that
#                             Ganeti's postinst created.
#
# Reads GNT_STATE_DIR, GNT_NETNS and GNT_BRIDGE like up.sh; pass the same values.
# Running it when nothing is up does nothing and exits 0.
set -uo pipefail
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

STATE=${GNT_STATE_DIR:-/tmp/rapi-edge-ganeti}
NS=${GNT_NETNS:-ganeti}
BR=${GNT_BRIDGE:-gnt0}
NSDIR=/etc/netns/$NS
RUN=/var/run/ganeti
DAEMON_UTIL=/usr/lib/ganeti/daemon-util
MODE=${1:-}
case $MODE in
  ''|--keep-cluster|--purge-packages) ;;
  *) echo "usage: $0 [--keep-cluster|--purge-packages]" >&2; exit 2 ;;
esac

log() { echo "[down.sh $(date +%T)] $*" >&2; }
[ "$(id -u)" = 0 ] || { echo "down.sh must run as root" >&2; exit 1; }

# Only a cluster that up.sh created is stopped and wiped: any other is
# somebody's real one.
if [ -s /var/lib/ganeti/config.data ] && [ ! -e "$STATE/cluster.created" ]; then
  log "a Ganeti cluster that up.sh did not create exists (/var/lib/ganeti/config.data); leaving it alone"
  exit 1
fi

# A zombie counts as dead: the container's PID 1 may reap orphans late.
alive() { local s; s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) && [ -n "$s" ] && [ "$s" != Z ]; }
cmdline() { local c=""; c=$(tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline") || true; echo "${c% }"; }
# Send TERM to one PID, wait up to SECONDS, then send KILL.
stop_pid() {
  local pid=$1 what=$2 seconds=${3:-10} _
  alive "$pid" || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $((seconds * 10))); do alive "$pid" || return 0; sleep 0.1; done
  log "$what (pid $pid) ignored TERM for ${seconds} s; sending KILL"
  kill -9 "$pid" 2>/dev/null
}

# ---------------------------------------------------------------- forwarder
FORWARDER_PIDFILE=$STATE/forwarder.pid
if [ -s "$FORWARDER_PIDFILE" ]; then
  forwarder_pid=$(cat "$FORWARDER_PIDFILE")
  # Only signal the PID if it still is our forwarder: PIDs get reused.
  if [[ "$(cmdline "$forwarder_pid")" == "socat TCP-LISTEN:"*"nsenter --net=/run/netns/$NS socat STDIO"* ]]; then
    children=$(pgrep -P "$forwarder_pid" || true)   # one child per open connection
    log "stopping the RAPI forwarder (pid $forwarder_pid)"
    stop_pid "$forwarder_pid" forwarder 5
    for child in $children; do stop_pid "$child" "forwarder child" 2; done
  else
    log "forwarder pid $forwarder_pid is not running; removing the stale pidfile"
  fi
  rm -f "$FORWARDER_PIDFILE"
fi

# ---------------------------------------------------------------- daemons
# Stop by PID from the pidfiles, in daemon-util's stop order, each group in
# parallel: `daemon-util stop-all` takes about 2 s per daemon because of
# start-stop-daemon's --retry polling. A PID is signalled only if its command
# line names the daemon.
stop_group() {
  local d pidfile pid pids=() _
  for d in "$@"; do
    pidfile=$RUN/$d.pid
    [ -s "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if alive "$pid" && [[ "$(cmdline "$pid")" == *"$d"* ]]; then
      log "stopping $d (pid $pid)"
      kill "$pid" 2>/dev/null && pids+=("$pid")
    fi
  done
  for _ in $(seq 1 100); do
    local left=()
    for pid in "${pids[@]}"; do alive "$pid" && left+=("$pid"); done
    pids=("${left[@]}")
    [ ${#pids[@]} = 0 ] && return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    log "pid $pid ignored TERM for 10 s; sending KILL"
    kill -9 "$pid" 2>/dev/null
  done
}
stop_group ganeti-luxid ganeti-rapi
stop_group ganeti-wconfd
stop_group ganeti-confd ganeti-kvmd ganeti-mond ganeti-metad ganeti-noded

# Whatever still runs inside the namespace was started there by up.sh or by
# Ganeti (job processes, metad, the forwarder's connection halves): nothing
# else can enter it. Stop each by PID.
if [ -e "/run/netns/$NS" ]; then
  for pid in $(ip netns pids "$NS" 2>/dev/null); do
    log "stopping leftover pid $pid in network namespace $NS: $(cmdline "$pid" | cut -c1-100)"
    stop_pid "$pid" "pid $pid" 5
  done
fi

if [ "$MODE" = --keep-cluster ]; then
  log "daemons and forwarder stopped; cluster state and network namespace $NS kept"
  exit 0
fi

# ---------------------------------------------------------------- cluster state
if [ -d /var/lib/ganeti ]; then
  rm -f "$STATE/cluster.created"
  log "removing the cluster state"
  rm -rf /var/lib/ganeti/* "$RUN"/* /srv/ganeti/file-storage/* /srv/ganeti/shared-file-storage 2>/dev/null
  rm -f /var/log/ganeti/*.log
fi
if [ -e "$STATE/file-storage-paths.created" ]; then
  rm -f /etc/ganeti/file-storage-paths "$STATE/file-storage-paths.created"
fi
if [ -s "$STATE/ssh-host-keys.created" ]; then
  log "removing the SSH host keys that up.sh generated"
  while read -r key; do rm -f "$key"; done < "$STATE/ssh-host-keys.created"
  rm -f "$STATE/ssh-host-keys.created"
fi

# ---------------------------------------------------------------- namespace
if [ -e "/run/netns/$NS" ]; then
  left=$(ip netns pids "$NS" 2>/dev/null | tr '\n' ' ')
  [ -z "$left" ] || log "warning: pids still in network namespace $NS: $left (it lives on until they exit)"
  log "deleting network namespace $NS and its bridge $BR"
  ip netns del "$NS"
fi
if [ -d "$NSDIR" ]; then
  log "removing $NSDIR"
  rm -rf "$NSDIR"
fi
if [ -e "$STATE/etc-netns.created" ]; then
  rmdir /etc/netns 2>/dev/null || true
  rm -f "$STATE/etc-netns.created"
fi

if [ -f "$STATE/default-ganeti.orig" ]; then
  log "restoring /etc/default/ganeti"
  cp -a "$STATE/default-ganeti.orig" /etc/default/ganeti && rm -f "$STATE/default-ganeti.orig"
fi
rm -f "$STATE/rapi.env"

if [ "$MODE" = --purge-packages ] && [ -s "$STATE/installed-packages.txt" ]; then
  log "purging the packages that up.sh installed"
  # shellcheck disable=SC2046  # one argument per package name
  apt-get purge -y -q $(sort -u "$STATE/installed-packages.txt") >"$STATE/apt-purge.log" 2>&1 \
    || { tail -5 "$STATE/apt-purge.log" >&2; log "apt-get purge failed (log: $STATE/apt-purge.log)"; }
  rm -f "$STATE/installed-packages.txt"
  # Ganeti's postinst creates these users and groups; purge leaves them.
  for u in gnt-confd gnt-masterd gnt-metad gnt-rapi gnt-luxid; do
    getent passwd "$u" >/dev/null && deluser --quiet "$u"
  done
  for g in gnt-admin gnt-confd gnt-daemons gnt-luxid gnt-masterd gnt-metad gnt-rapi; do
    getent group "$g" >/dev/null && delgroup --quiet "$g"
  done
  rm -rf /var/lib/ganeti /var/log/ganeti /srv/ganeti /etc/ganeti
fi
log "done"

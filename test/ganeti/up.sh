#!/bin/bash
# up.sh - start a throw-away single-node Ganeti 3.0 cluster (Debian bookworm
# packages, fake hypervisor, noop OS) with a real ganeti-rapi, as the backend
# for the gateway's end-to-end and fidelity tests.
#
# Idempotent: running it again reuses the cluster and (re)starts only what is
# missing or configured differently. down.sh in this folder undoes it.
#
# Isolation: the whole cluster lives in its own network namespace ($GNT_NETNS,
# "ganeti"). Inside it there is only lo and a bridge without ports that carries
# the node address ($GNT_NET.1) and the master IP ($GNT_NET.100). There is no
# veth and no default route, so nothing inside can reach anything outside.
# Names come from /etc/netns/$GNT_NETNS/hosts, which `ip netns exec`
# bind-mounts over /etc/hosts. Its resolv.conf has no nameserver and its
# nsswitch.conf sets "hosts: files", so no DNS query is ever made. Every Ganeti
# command and daemon runs through `ip netns exec`. The root namespace's
# interfaces and /etc/hosts are never changed.
#
# ganeti-rapi listens inside the namespace; a socat forwarder started here
# listens on $GNT_RAPI_BIND:$GNT_RAPI_PORT in the root namespace and enters the
# namespace with `nsenter --net` for each connection.
#
# Environment (defaults in brackets):
#   GNT_STATE_DIR      logs, saved files, PIDs, rapi.env   [/tmp/rapi-edge-ganeti]
#   GNT_RAPI_BIND      forwarder address, root namespace   [127.0.0.1]
#   GNT_RAPI_PORT      forwarder port, root namespace      [5080]
#   GNT_RAPI_NS_BIND   ganeti-rapi address in the netns    [127.0.0.1]
#   GNT_RAPI_NS_PORT   ganeti-rapi port in the netns       [5080]
#   GNT_RAPI_AUTH      1: --require-authentication, so every request, even
#                      GET /version, needs a user (Debian's default);
#                      0: anonymous GETs allowed (upstream default)      [1]
#   GNT_RAPI_SSL       1: HTTPS with the cluster's self-signed certificate;
#                      0: plain HTTP (--no-ssl)                          [0]
#   GNT_RAPI_USER / GNT_RAPI_PASS                user with option "write" [admin / secret]
#   GNT_RAPI_RO_USER / GNT_RAPI_RO_PASS          user with option "read"  [reader / readpw]
#   GNT_RAPI_NOBODY_USER / GNT_RAPI_NOBODY_PASS  user with no option      [nobody / nobodypw]
#   GNT_NETNS          network namespace name              [ganeti]
#   GNT_BRIDGE         bridge name inside the namespace    [gnt0]
#   GNT_NET            /24 prefix used on the bridge       [10.99.0]
#   GNT_DOMAIN         DNS suffix of the cluster's names   [ganeti.test]
#   GNT_METAD_PORT     ganeti-metad port on the node address [8780]
#   GNT_APT_OFFLINE    1: install only from /var/cache/apt/archives and never
#                      run apt-get update                  [0]
set -euo pipefail

# A pyenv or other python3 earlier on PATH lacks the ganeti modules, and the
# gnt-* commands run "python3" through env.
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
STATE=${GNT_STATE_DIR:-/tmp/rapi-edge-ganeti}
RAPI_BIND=${GNT_RAPI_BIND:-127.0.0.1}
RAPI_PORT=${GNT_RAPI_PORT:-5080}
NS_BIND=${GNT_RAPI_NS_BIND:-127.0.0.1}
NS_PORT=${GNT_RAPI_NS_PORT:-5080}
RAPI_AUTH=${GNT_RAPI_AUTH:-1}
RAPI_SSL=${GNT_RAPI_SSL:-0}
RAPI_USER=${GNT_RAPI_USER:-admin}
RAPI_PASS=${GNT_RAPI_PASS:-secret}
RO_USER=${GNT_RAPI_RO_USER:-reader}
RO_PASS=${GNT_RAPI_RO_PASS:-readpw}
NOBODY_USER=${GNT_RAPI_NOBODY_USER:-nobody}
NOBODY_PASS=${GNT_RAPI_NOBODY_PASS:-nobodypw}
NS=${GNT_NETNS:-ganeti}
BR=${GNT_BRIDGE:-gnt0}
NET=${GNT_NET:-10.99.0}
DOMAIN=${GNT_DOMAIN:-ganeti.test}
METAD_PORT=${GNT_METAD_PORT:-8780}
APT_OFFLINE=${GNT_APT_OFFLINE:-0}
NODE_IP=$NET.1
MASTER_IP=$NET.100
CLUSTER=cluster.$DOMAIN
PKGS=(ganeti ganeti-os-noop python3-ganeti-rapi curl socat)
NSDIR=/etc/netns/$NS
DAEMON_UTIL=/usr/lib/ganeti/daemon-util

log() { echo "[up.sh $(date +%T)] $*" >&2; }
die() { log "error: $*"; exit 1; }
# Run a command inside the namespace.
nsx() { ip netns exec "$NS" "$@"; }
# NOTE: no `cmd | grep -q` in this script: with pipefail, grep's early exit can
# kill the writer with SIGPIPE and turn a match into a failure.
has_addr() { nsx ip -4 -o addr show dev "$1" 2>/dev/null | awk -v a="$2" '$4 ~ "^"a"/" {f=1} END {exit !f}'; }
# A zombie counts as dead: the container's PID 1 may reap orphans late.
alive() { local s; s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) && [ -n "$s" ] && [ "$s" != Z ]; }
in_ns() { alive "$1" && [ "$(ip netns identify "$1" 2>/dev/null)" = "$NS" ]; }
# Print a process's command line with spaces between the arguments, or
# nothing when the process is gone.
cmdline() { local c=""; c=$(tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline") || true; echo "${c% }"; }

[ "$(id -u)" = 0 ] || { echo "up.sh must run as root (it creates a network namespace and installs packages)" >&2; exit 1; }
T0=$(date +%s.%N)
mkdir -p "$STATE"
if ip link show "$BR" >/dev/null 2>&1; then
  die "interface $BR exists in the root namespace; remove it or set GNT_BRIDGE to another name"
fi

# ---------------------------------------------------------------- packages
apt_update() {
  # A source other than Debian's may be unreachable here; apt-get then still
  # refreshes Debian's lists, so a failed update is logged and not fatal.
  apt-get update -q >>"$STATE/apt.log" 2>&1 || log "apt-get update failed (see $STATE/apt.log); trying the install anyway"
}

missing=()
for p in "${PKGS[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  # There is no init system here: keep the packages' maintainer scripts from
  # starting ganeti or sshd with Debian's defaults.
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  before=$(dpkg-query -W -f='${Package}\n' | sort)
  # Record exactly what this install added, for down.sh --purge-packages,
  # even when a failed install exits early.
  finish_install() {
    comm -13 <(echo "$before") <(dpkg-query -W -f='${Package}\n' | sort) >>"$STATE/installed-packages.txt"
    if [ $made_policy = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  }
  trap finish_install EXIT
  apt_opts=()
  if [ "$APT_OFFLINE" = 1 ]; then
    apt_opts=(--no-download)
  elif ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
    apt_update
  fi
  if ! apt-get install -y -q --no-install-recommends "${apt_opts[@]}" "${PKGS[@]}" >>"$STATE/apt.log" 2>&1; then
    if [ "$APT_OFFLINE" = 1 ]; then
      tail -20 "$STATE/apt.log" >&2
      die "apt-get install --no-download failed; run without GNT_APT_OFFLINE=1 to download the packages"
    fi
    # The package lists may be stale (a version no longer on the mirror).
    log "apt-get install failed; running apt-get update and trying again"
    apt_update
    apt-get install -y -q --no-install-recommends "${PKGS[@]}" >>"$STATE/apt.log" 2>&1 \
      || { tail -20 "$STATE/apt.log" >&2; die "apt-get install ${PKGS[*]} failed (log: $STATE/apt.log)"; }
  fi
  trap - EXIT
  finish_install
  log "packages installed"
else
  log "packages already installed"
fi

# gnt-cluster init refuses to run without SSH host keys. openssh-server's
# postinst normally creates them; sshd itself is neither needed nor started.
# down.sh removes the keys made here, and only those.
if ! ls /etc/ssh/ssh_host_*_key.pub >/dev/null 2>&1; then
  mkdir -p /etc/ssh
  ssh-keygen -A >/dev/null
  ls /etc/ssh/ssh_host_*_key /etc/ssh/ssh_host_*_key.pub >>"$STATE/ssh-host-keys.created"
fi

# ---------------------------------------------------------------- namespace
# Name files first. `ip netns exec` bind-mounts every file of $NSDIR over the
# file of the same name in /etc for each process it starts. The files are
# rewritten in place (same inode), so running daemons see the new content.
HOST=$(hostname)
SHORT=${HOST%%.*}
FQDN=$HOST
[ "$HOST" = "$SHORT" ] && FQDN=$HOST.$DOMAIN
if [ ! -d /etc/netns ]; then
  mkdir -p /etc/netns
  touch "$STATE/etc-netns.created"
fi
mkdir -p "$NSDIR"
{
  echo "# Written by up.sh for network namespace $NS: the only names Ganeti can resolve."
  echo "127.0.0.1 localhost"
  echo "::1 localhost ip6-localhost ip6-loopback"
  if [ "$FQDN" = "$SHORT" ]; then echo "$NODE_IP $FQDN"; else echo "$NODE_IP $FQDN $SHORT"; fi
  echo "$MASTER_IP $CLUSTER ${CLUSTER%%.*}"
  for i in 1 2 3 4 5 6 7 8 9; do echo "$NET.$((10 + i)) inst$i.$DOMAIN inst$i"; done
} > "$NSDIR/hosts"
cat > "$NSDIR/resolv.conf" <<EOF
# Written by up.sh: network namespace $NS has no DNS server on purpose.
options timeout:1 attempts:1
EOF
# "hosts: files" keeps the resolver from ever sending a query.
sed 's/^hosts:.*/hosts:          files/' /etc/nsswitch.conf > "$NSDIR/nsswitch.conf"
# The daemons run as gnt-* users, so the files must be world-readable
# whatever the caller's umask.
chmod 755 /etc/netns "$NSDIR"
chmod 644 "$NSDIR/hosts" "$NSDIR/resolv.conf" "$NSDIR/nsswitch.conf"

if [ ! -e "/run/netns/$NS" ]; then
  log "creating network namespace $NS"
  ip netns add "$NS"
fi
nsx ip link set lo up
# A bridge with no ports replaces a dummy link (this kernel may lack the
# dummy type) and is also the instances' NIC link. With nothing attached, no
# packet can leave through it.
if ! nsx ip link show "$BR" >/dev/null 2>&1; then
  log "creating bridge $BR in network namespace $NS with $NODE_IP/24"
  nsx ip link add "$BR" type bridge
fi
has_addr "$BR" "$NODE_IP" || nsx ip addr add "$NODE_IP/24" dev "$BR"
nsx ip link set "$BR" up

# Isolation invariants: no link up but lo and the bridge, and no default route.
extra_links=$(nsx ip -o link show up | awk -F': ' -v br="$BR" '{sub(/@.*/, "", $2)} $2 != "lo" && $2 != br {print $2}' | tr '\n' ' ')
[ -z "$extra_links" ] || die "network namespace $NS has unexpected links up: $extra_links"
[ -z "$(nsx ip route show default)$(nsx ip -6 route show default)" ] || die "network namespace $NS has a default route"

# Ganeti needs the host name to resolve (through getfqdn) to a non-loopback
# address of this host, and the cluster name to resolve to the master IP.
NODE=$(nsx /usr/bin/python3 -c 'import socket; print(socket.getfqdn())')
NODE_RESOLVED=$(nsx getent ahostsv4 "$NODE" | awk 'NR==1{print $1}')
[ "$NODE_RESOLVED" = "$NODE_IP" ] || die "inside network namespace $NS, host name $NODE resolves to '$NODE_RESOLVED', expected $NODE_IP"

# ---------------------------------------------------------------- ganeti configuration
mkdir -p /srv/ganeti/file-storage
if [ ! -e "$STATE/file-storage-paths.created" ] && [ ! -e /etc/ganeti/file-storage-paths ]; then
  touch "$STATE/file-storage-paths.created"
fi
echo /srv/ganeti/file-storage > /etc/ganeti/file-storage-paths

[ -f "$STATE/default-ganeti.orig" ] || cp -a /etc/default/ganeti "$STATE/default-ganeti.orig"
rapi_args="-b $NS_BIND -p $NS_PORT"
[ "$RAPI_AUTH" = 1 ] && rapi_args="$rapi_args --require-authentication"
[ "$RAPI_SSL" = 1 ] || rapi_args="$rapi_args --no-ssl"
cat > /etc/default/ganeti <<EOF
# Written by up.sh; down.sh restores the original from $STATE/default-ganeti.orig.
# Every daemon runs inside network namespace $NS (ip netns exec $NS ...).
NODED_ARGS="-b $NODE_IP"
RAPI_ARGS="$rapi_args"
CONFD_ARGS=""
MOND_ARGS="-b $NODE_IP"
WCONFD_ARGS=""
LUXID_ARGS=""
KVMD_ARGS=""
# noded starts metad on demand (instance create or start). Only KVM
# instance-communication NICs talk to it, and configuration updates use a
# unix socket, so the node address and an unprivileged port are enough.
METAD_ARGS="-b $NODE_IP -p $METAD_PORT"
EOF

# A cluster this script did not make is somebody's real one: never adopt it,
# since down.sh would then wipe it.
if [ -s /var/lib/ganeti/config.data ] && [ ! -e "$STATE/cluster.created" ]; then
  die "a Ganeti cluster that up.sh did not create exists (/var/lib/ganeti/config.data); refusing to use it. Run these scripts on a machine or VM kept for tests."
fi

if [ ! -s /var/lib/ganeti/config.data ]; then
  log "initialising cluster $CLUSTER (node $NODE, network namespace $NS)"
  nsx gnt-cluster init \
    --enabled-hypervisors=fake \
    --enabled-disk-templates=diskless,file \
    --file-storage-dir=/srv/ganeti/file-storage \
    --no-etc-hosts --no-ssh-init \
    --master-netdev="$BR" \
    --nic-parameters="mode=bridged,link=$BR" \
    "$CLUSTER" >"$STATE/init.log" 2>&1 || { cat "$STATE/init.log" >&2; die "gnt-cluster init failed"; }
  touch "$STATE/cluster.created"
else
  log "cluster already initialised; checking that its daemons run in network namespace $NS"
  # A daemon still alive in another namespace (the namespace was deleted and
  # created again under it) is stopped by PID here, all in parallel, and
  # started again below. noded starts metad on demand.
  stale=()
  for d in $($DAEMON_UTIL list-stop-daemons); do
    pidfile=/var/run/ganeti/$d.pid
    [ -s "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if alive "$pid" && ! in_ns "$pid" && [[ "$(cmdline "$pid")" == *"$d"* ]]; then
      log "$d (pid $pid) runs outside network namespace $NS; stopping it"
      kill "$pid" 2>/dev/null && stale+=("$pid")
    fi
  done
  for _ in $(seq 1 100); do
    left=()
    for pid in "${stale[@]}"; do alive "$pid" && left+=("$pid"); done
    stale=("${left[@]}")
    [ ${#stale[@]} = 0 ] && break
    sleep 0.1
  done
  for pid in "${stale[@]}"; do kill -9 "$pid" 2>/dev/null || true; done

  # `daemon-util start-all` exits 2 ("matching only on non-root pidfile ... is
  # insecure") when a non-root daemon's pidfile exists, so start daemon by
  # daemon, skip running ones and drop stale pidfiles.
  for d in $($DAEMON_UTIL list-start-daemons); do
    [ "$d" = ganeti-kvmd ] && continue   # exits at once when KVM is not enabled
    $DAEMON_UTIL check "$d" >/dev/null 2>&1 && continue
    rm -f "/var/run/ganeti/$d.pid"
    log "starting $d"
    nsx $DAEMON_UTIL start "$d" >>"$STATE/start.log" 2>&1 || { cat "$STATE/start.log" >&2; die "starting $d failed"; }
  done
  # A namespace or bridge created again lacks the master IP.
  has_addr "$BR" "$MASTER_IP" || nsx gnt-cluster activate-master-ip >/dev/null 2>&1 || true
fi

# Restart ganeti-rapi only when it runs with other arguments than configured
# now, or outside the namespace.
rapi_pidfile=/var/run/ganeti/ganeti-rapi.pid
rapi_pid=$(cat "$rapi_pidfile" 2>/dev/null || echo 0)
rapi_want="/usr/sbin/ganeti-rapi $rapi_args"
rapi_have=$(cmdline "$rapi_pid" | sed 's/^[^ ]*python3 //')
if [ "$rapi_have" != "$rapi_want" ] || ! in_ns "$rapi_pid"; then
  log "(re)starting ganeti-rapi in network namespace $NS: $rapi_args"
  $DAEMON_UTIL stop ganeti-rapi >>"$STATE/start.log" 2>&1 || true
  nsx $DAEMON_UTIL start ganeti-rapi >>"$STATE/start.log" 2>&1 || { cat "$STATE/start.log" >&2; die "starting ganeti-rapi failed"; }
fi

# ---------------------------------------------------------------- RAPI users
# ganeti-rapi watches the users file with inotify, so replacing it with a
# rename takes effect without a restart.
users_file=/var/lib/ganeti/rapi/users
(
  umask 027
  cat > "$users_file.tmp" <<EOF
# NAME PASSWORD [OPTIONS]; written by up.sh
$RAPI_USER $RAPI_PASS write
$RO_USER $RO_PASS read
$NOBODY_USER $NOBODY_PASS
EOF
)
chown gnt-rapi:gnt-masterd "$users_file.tmp"
chmod 640 "$users_file.tmp"
mv -f "$users_file.tmp" "$users_file"

# ---------------------------------------------------------------- forwarder
# Root namespace $RAPI_BIND:$RAPI_PORT -> $NS_BIND:$NS_PORT inside $NS. socat
# listens in the root namespace; each connection's forked child execs
# `nsenter --net=... socat`, so only the outgoing half enters the namespace.
# No mount namespace is needed because it connects to an IP literal. It relays
# plain TCP, so with GNT_RAPI_SSL=1 TLS stays end-to-end.
# NOTE: the inner address must keep its own quotes (EXEC:'...'); without
# them socat splits it at the colons.
ns_host=$NS_BIND
[ "$ns_host" = 0.0.0.0 ] && ns_host=127.0.0.1
FORWARDER_PIDFILE=$STATE/forwarder.pid
forwarder=(socat "TCP-LISTEN:$RAPI_PORT,bind=$RAPI_BIND,reuseaddr,fork,backlog=64"
           "EXEC:'nsenter --net=/run/netns/$NS socat STDIO TCP:$ns_host:$NS_PORT'")
forwarder_want="${forwarder[*]}"
forwarder_pid=$(cat "$FORWARDER_PIDFILE" 2>/dev/null || true)
forwarder_have=""
[ -n "$forwarder_pid" ] && forwarder_have=$(cmdline "$forwarder_pid")
if [ "$forwarder_have" != "$forwarder_want" ]; then
  # Stop the recorded PID only if it really is a forwarder of ours: PIDs get
  # reused.
  if [[ "$forwarder_have" == "socat TCP-LISTEN:"*"nsenter --net=/run/netns/$NS socat STDIO"* ]]; then
    log "stopping the old forwarder (pid $forwarder_pid)"
    kill "$forwarder_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do alive "$forwarder_pid" || break; sleep 0.1; done
    alive "$forwarder_pid" && { kill -9 "$forwarder_pid" 2>/dev/null || true; }
  fi
  log "starting forwarder $RAPI_BIND:$RAPI_PORT -> $ns_host:$NS_PORT in network namespace $NS"
  # The forwarder gets its own session so it outlives the caller's terminal.
  # setsid may or may not fork, so $! is unreliable: the process writes its
  # own PID right before it execs socat.
  rm -f "$FORWARDER_PIDFILE"
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$FORWARDER_PIDFILE" "${forwarder[@]}" \
    </dev/null >>"$STATE/forwarder.log" 2>&1 &
  for _ in $(seq 1 50); do [ -s "$FORWARDER_PIDFILE" ] && break; sleep 0.05; done
  forwarder_pid=$(cat "$FORWARDER_PIDFILE" 2>/dev/null) || die "the forwarder did not start (log: $STATE/forwarder.log)"
  listening=0
  for _ in $(seq 1 50); do
    if ss -Hltnp "sport = :$RAPI_PORT" 2>/dev/null | awk -v p="pid=$forwarder_pid," 'index($0, p) {f=1} END {exit !f}'; then
      listening=1
      break
    fi
    alive "$forwarder_pid" || break
    sleep 0.1
  done
  if [ $listening = 0 ]; then
    kill "$forwarder_pid" 2>/dev/null || true
    rm -f "$FORWARDER_PIDFILE"
    tail -5 "$STATE/forwarder.log" >&2
    die "the forwarder failed to listen on $RAPI_BIND:$RAPI_PORT (port already in use?)"
  fi
fi

# ---------------------------------------------------------------- wait for RAPI
scheme=https
[ "$RAPI_SSL" = 1 ] || scheme=http
url_host=$RAPI_BIND
[ "$url_host" = 0.0.0.0 ] && url_host=127.0.0.1
URL="$scheme://$url_host:$RAPI_PORT"
code=000
for _ in $(seq 1 120); do
  code=$(curl -sk -o /dev/null -w '%{http_code}' -u "$RAPI_USER:$RAPI_PASS" "$URL/2/info" || true)
  [ "$code" = 200 ] && break
  sleep 0.5
done
[ "$code" = 200 ] || die "RAPI did not respond with 200 on $URL/2/info within 60 s (last status: $code)"

# On a one-node cluster the default iallocator (hail) rejects every
# allocation with "FailN1" (N+1 redundancy), so creating an instance without
# "pnode" fails unless hail skips its capacity checks. The change goes through
# RAPI itself as a write job, which also proves that the write path works.
has_no_capacity_checks=$(curl -sk -u "$RAPI_USER:$RAPI_PASS" "$URL/2/info" \
  | /usr/bin/python3 -c 'import json, sys; print("no-capacity-checks" in json.load(sys.stdin)["default_iallocator_params"])')
if [ "$has_no_capacity_checks" != True ]; then
  job=$(curl -sk -u "$RAPI_USER:$RAPI_PASS" -X PUT -H 'Content-Type: application/json' \
    -d '{"default_iallocator_params":{"no-capacity-checks":null}}' "$URL/2/modify")
  status=unknown
  for _ in $(seq 1 60); do
    status=$(curl -sk -u "$RAPI_USER:$RAPI_PASS" "$URL/2/jobs/$job" \
      | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')
    case $status in
      success) break ;;
      error|canceled) die "cluster modify job $job ended with status $status" ;;
    esac
    sleep 0.5
  done
  [ "$status" = success ] || die "cluster modify job $job did not finish within 30 s (status: $status)"
fi

cat > "$STATE/rapi.env" <<EOF
RAPI_URL=$URL
RAPI_USER=$RAPI_USER
RAPI_PASSWORD=$RAPI_PASS
RAPI_RO_USER=$RO_USER
RAPI_RO_PASSWORD=$RO_PASS
RAPI_NOBODY_USER=$NOBODY_USER
RAPI_NOBODY_PASSWORD=$NOBODY_PASS
GANETI_CLUSTER=$CLUSTER
GANETI_NODE=$NODE
GANETI_OS=noop
GANETI_INSTANCE_NAMES="$(seq -f "inst%g.$DOMAIN" -s ' ' 1 9)"
GANETI_NETNS=$NS
RAPI_NS_URL=$scheme://$ns_host:$NS_PORT
RAPI_FORWARDER_PID=$forwarder_pid
EOF
log "ready in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $T0}") s; settings in $STATE/rapi.env"
cat "$STATE/rapi.env"

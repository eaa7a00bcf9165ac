#!/usr/bin/env bash
# Install (if needed) and start a local RabbitMQ broker for the cluster (site workers) and its tests; prints the
# AMQP URL of the central (administrator) user. Listens on 127.0.0.1 only (AMQP, Erlang distribution and epmd),
# keeps its data in its own directory, runs without systemd. Idempotent: a running broker is left as it is.
#   bash scripts/rabbitmq.sh          start (or find running) and print the URL
#   bash scripts/rabbitmq.sh stop     stop the broker this script started
#   bash scripts/rabbitmq.sh ctl ARGS rabbitmqctl for this broker (COVERED_RABBITMQCTL for `covered sites add`)
set -euo pipefail
base=${COVERED_RABBITMQ_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/covered/rabbitmq}
port=${COVERED_RABBITMQ_PORT:-5672}
user=${COVERED_RABBITMQ_USER:-covered}
password=${COVERED_RABBITMQ_PASSWORD:-covered}
vhost=${COVERED_RABBITMQ_VHOST:-covered}
export RABBITMQ_NODENAME=${COVERED_RABBITMQ_NODE:-covered@localhost}
export RABBITMQ_MNESIA_BASE="$base/mnesia" RABBITMQ_LOG_BASE="$base/log" RABBITMQ_CONFIG_FILE="$base/rabbitmq"
export RABBITMQ_ENABLED_PLUGINS_FILE="$base/enabled_plugins" RABBITMQ_PID_FILE="$base/rabbitmq.pid"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_DIST_PORT=$((port + 20000))
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
bin=/usr/lib/rabbitmq/bin
ctl() { "$bin/rabbitmqctl" -q "$@"; }
if [ "${1:-start}" = ctl ]; then
  shift
  exec "$bin/rabbitmqctl" "$@"
fi
if [ "${1:-start}" = stop ]; then
  if [ -x "$bin/rabbitmqctl" ] && ctl status >/dev/null 2>&1; then ctl stop >/dev/null 2>&1 || true; fi
  exit 0
fi
if [ ! -x "$bin/rabbitmq-server" ]; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
fi
mkdir -p "$base/mnesia" "$base/log"
# consumer_timeout: a chunk task is acknowledged only when it has finished (acks_late); the 30 min default would
# close the channel of a worker with a slow chunk, so it is raised to 3 h (chunks stay far below it).
cat > "$base/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$port
consumer_timeout = 10800000
log.console = false
log.file.level = warning
CONF
echo '[].' > "$base/enabled_plugins"
if ! ctl status >/dev/null 2>&1; then
  "$bin/rabbitmq-server" -detached >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do
    if ctl await_startup >/dev/null 2>&1; then break; fi
    sleep 1
  done
  ctl await_startup >/dev/null
fi
ctl list_vhosts | grep -qx "$vhost" || ctl add_vhost "$vhost" >/dev/null
if ! ctl list_users | awk '{print $1}' | grep -qx "$user"; then
  ctl add_user "$user" "$password" >/dev/null
  ctl set_user_tags "$user" administrator >/dev/null
fi
ctl set_permissions -p "$vhost" "$user" '.*' '.*' '.*' >/dev/null
echo "amqp://$user:$password@127.0.0.1:$port/$vhost"

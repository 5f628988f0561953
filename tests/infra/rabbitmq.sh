#!/usr/bin/env bash
# RabbitMQ for the tests: the Debian broker, on 127.0.0.1:5672 only (guest/guest works from loopback).
# Works without systemd. Every command blocks until the state is reached.
#   rabbitmq.sh start      start the node if it is down, or the broker app if it was stopped; idempotent
#   rabbitmq.sh stop       stop the broker app: the AMQP listener closes and clients lose their connections,
#                          as in a real outage, but the Erlang node stays up so 'start' takes about a second
#   rabbitmq.sh restart    stop + start
#   rabbitmq.sh status     exit 0 (prints running) when AMQP accepts connections, 3 (stopped) otherwise
#   rabbitmq.sh shutdown   stop the whole node
set -euo pipefail

# The servers started here outlive this script: they must not inherit its open files (a caller's lock file, a
# pipe a CI runner waits on), or they would hold them for as long as they run.
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null || true
done

HOST=127.0.0.1
PORT=5672
ENV_FILE=/etc/rabbitmq/rabbitmq-env.conf

command -v rabbitmq-server >/dev/null || { echo "rabbitmq.sh: RabbitMQ is not installed (apt-get install rabbitmq-server)" >&2; exit 1; }

configure() {
  local wanted
  wanted=$(cat <<CONF
# Written by tests/infra/rabbitmq.sh: a test broker on loopback only.
NODE_IP_ADDRESS=$HOST
NODE_PORT=$PORT
ERL_EPMD_ADDRESS=$HOST
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
CONF
)
  if [[ "$(cat "$ENV_FILE" 2>/dev/null)" != "$wanted" ]]; then
    if node_up; then
      rabbitmqctl -q shutdown >/dev/null
      epmd -kill >/dev/null 2>&1 || true  # so the next epmd binds loopback too
    fi
    printf '%s\n' "$wanted" > "$ENV_FILE"
  fi
}

amqp_open() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

node_up() { rabbitmqctl -q ping >/dev/null 2>&1; }

wait_for() { # wait_for up|down
  for _ in $(seq 1 120); do
    if [[ $1 == up ]] && amqp_open; then return 0; fi
    if [[ $1 == down ]] && ! amqp_open; then return 0; fi
    sleep 0.5
  done
  echo "rabbitmq.sh: AMQP on $HOST:$PORT did not come $1 within 60 s" >&2
  tail -20 /var/log/rabbitmq/*.log >&2 2>/dev/null || true
  exit 1
}

start() {
  configure
  if amqp_open; then return 0; fi
  if node_up; then
    rabbitmqctl -q start_app >/dev/null
  else
    # Detached from our pipes: a caller reading this script's output must not wait for the broker to exit.
    rabbitmq-server -detached </dev/null >/dev/null 2>&1
  fi
  wait_for up
  # The listener opens before every boot step has finished; wait for the whole broker.
  rabbitmqctl -q await_startup --timeout 60 >/dev/null
}

stop() {
  if node_up; then rabbitmqctl -q stop_app >/dev/null; fi
  wait_for down
}

shutdown() {
  if node_up; then rabbitmqctl -q shutdown >/dev/null; fi
  wait_for down
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  shutdown) shutdown ;;
  status) if amqp_open; then echo running; else echo stopped; exit 3; fi ;;
  *) echo "usage: $0 start|stop|restart|status|shutdown" >&2; exit 2 ;;
esac

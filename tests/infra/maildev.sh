#!/usr/bin/env bash
# maildev for the tests: SMTP on 127.0.0.1:1025, web UI and REST API on http://127.0.0.1:1080.
# Installed by tests/run.sh into tests/.tools (npm maildev@2.2.1; 3.x does not run here).
#   maildev.sh start    start it unless it already answers; blocks until both ports answer
#   maildev.sh stop     stop the instance this script started
#   maildev.sh status   exit 0 when both ports answer
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TOOLS="$ROOT/tests/.tools"
MAILDEV="$TOOLS/node_modules/maildev/bin/maildev"
PIDFILE="$TOOLS/maildev.pid"
HOST=127.0.0.1
SMTP_PORT=1025
WEB_PORT=1080

open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
is_up() { open "$SMTP_PORT" && open "$WEB_PORT"; }

start() {
  is_up && return 0
  [[ -f "$MAILDEV" ]] || { echo "maildev.sh: $MAILDEV is missing; run tests/run.sh to install it" >&2; exit 1; }
  # Detached from this shell and its pipes, so a caller reading our output is not kept waiting.
  setsid node "$MAILDEV" --ip "$HOST" --smtp "$SMTP_PORT" --web "$WEB_PORT" --silent \
    </dev/null >"$TOOLS/maildev.log" 2>&1 &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 60); do
    if is_up; then return 0; fi
    sleep 0.5
  done
  echo "maildev.sh: maildev did not answer on $HOST:$SMTP_PORT and :$WEB_PORT" >&2
  tail -20 "$TOOLS/maildev.log" >&2 || true
  exit 1
}

stop() {
  if [[ -f "$PIDFILE" ]]; then
    kill "$(cat "$PIDFILE")" 2>/dev/null || true
    rm -f "$PIDFILE"
  fi
  for _ in $(seq 1 20); do is_up || return 0; sleep 0.5; done
  echo "maildev.sh: something still answers on $HOST:$SMTP_PORT/$WEB_PORT (not started by this script?)" >&2
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if is_up; then echo running; else echo stopped; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# PostgreSQL for the tests: the Debian cluster, on 127.0.0.1:5432 only, with a superuser painpro/painpro.
# Works without systemd (pg_ctlcluster). Every command blocks until the state is reached.
#   postgres.sh start     configure (once), start if down, ensure the painpro role; idempotent
#   postgres.sh stop      fast shutdown (open connections are dropped, as in a real outage)
#   postgres.sh restart   stop + start
#   postgres.sh status    exit 0 when it accepts connections
set -euo pipefail

# The servers started here outlive this script: they must not inherit its open files (a caller's lock file, a
# pipe a CI runner waits on), or they would hold them for as long as they run.
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null || true
done

PORT=5432
ROLE=painpro

cluster() {
  # First cluster of the newest installed major version: "15 main".
  local version
  version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  [[ -n "$version" ]] || { echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -q "^$version "; then
    pg_createcluster --port "$PORT" "$version" main >/dev/null
  fi
  pg_lsclusters -h | awk -v v="$version" '$1 == v { print $1, $2; exit }'
}

configure() {
  local version=$1 name=$2 conf_dir="/etc/postgresql/$1/$2/conf.d"
  local wanted
  # Test speed over durability: these databases are thrown away. Many pools run at once, hence the connections.
  wanted=$(cat <<CONF
# Written by tests/infra/postgres.sh: a throwaway test server.
listen_addresses = '127.0.0.1'
port = $PORT
max_connections = 400
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
)
  mkdir -p "$conf_dir"
  if [[ "$(cat "$conf_dir/painpro-tests.conf" 2>/dev/null)" != "$wanted" ]]; then
    printf '%s\n' "$wanted" > "$conf_dir/painpro-tests.conf"
    # A running cluster needs a restart for listen/port/max_connections to apply.
    if is_up; then pg_ctlcluster "$version" "$name" restart -m fast </dev/null >/dev/null; fi
  fi
}

is_up() { pg_isready -q -h 127.0.0.1 -p "$PORT" -t 2; }

wait_up() {
  for _ in $(seq 1 60); do is_up && return 0; sleep 0.5; done
  echo "postgres.sh: PostgreSQL did not accept connections on 127.0.0.1:$PORT" >&2
  tail -20 /var/log/postgresql/postgresql-*-main.log >&2 || true
  exit 1
}

ensure_role() {
  su postgres -c "psql -q -p $PORT -v ON_ERROR_STOP=1" >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN SUPERUSER PASSWORD '$ROLE';
  END IF;
END \$\$;
SQL
}

start() {
  read -r version name < <(cluster)
  configure "$version" "$name"
  if ! is_up; then
    # A crashed run can leave a stale pid file behind; pg_ctlcluster refuses to start over it.
    local pidfile="/var/lib/postgresql/$version/$name/postmaster.pid"
    if [[ -f "$pidfile" ]] && ! kill -0 "$(head -1 "$pidfile")" 2>/dev/null; then rm -f "$pidfile"; fi
    # Detached from our pipes: a caller reading this script's output must not wait for the server to exit.
    local out
    if ! out=$(pg_ctlcluster "$version" "$name" start </dev/null 2>&1); then
      echo "postgres.sh: could not start PostgreSQL $version/$name: $out" >&2
      exit 1
    fi
  fi
  wait_up
  ensure_role
}

stop() {
  read -r version name < <(cluster)
  if pg_ctlcluster "$version" "$name" status >/dev/null 2>&1; then
    pg_ctlcluster "$version" "$name" stop -m fast
  fi
  for _ in $(seq 1 60); do is_up || return 0; sleep 0.5; done
  echo "postgres.sh: PostgreSQL is still accepting connections" >&2
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) if is_up; then echo running; else echo stopped; exit 3; fi ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac

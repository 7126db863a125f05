#!/usr/bin/env bash
# The real databases of the SQL tests: PostgreSQL and MariaDB from Debian's packages, on loopback.
#
#   scripts/test-databases.sh start [cdktn]   install what is missing (apt-get, as root), initialize
#                                      the data folders under .test-db/ and start both servers; a no-op
#                                      when they already run. Writes .test-db/status.json for the tests.
#   scripts/test-databases.sh stop [cdktn]    stop both servers (the data folders stay)
#   scripts/test-databases.sh status [cdktn]  print .test-db/status.json
#
# `cdktn` names a second pair of servers (.test-db/cdktn/, other ports) for the Jest project of the
# cdktn build: the two projects run the same SQL tests at the same time, and those create the same
# users, databases and RDS stand-in procedures. The ports are derived from the checkout's path, so
# that several checkouts on one machine do not collide. A server that cannot be installed or started is recorded in status.json with the reason
# (the tests then skip, or fail when CI=true); the script itself exits 0 in that case, so that the
# rest of the suite runs.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
INSTANCE="${2:-}"
case "$INSTANCE" in
'') DIR="$ROOT/.test-db" BASE=55100 ;;
cdktn) DIR="$ROOT/.test-db/cdktn" BASE=57100 ;;
*)
  echo "usage: $0 start|stop|status [cdktn]" >&2
  exit 2
  ;;
esac
OFFSET=$(($(printf '%s' "$ROOT" | cksum | cut -d' ' -f1) % 900))
PG_PORT=$((BASE + OFFSET))
MY_PORT=$((BASE + 1000 + OFFSET))
PG_DIR="$DIR/postgres"
MY_DIR="$DIR/mariadb"
MY_SOCKET="$MY_DIR/mysqld.sock"
LOG="$DIR/setup.log"

log() { printf '%s\n' "$*" >>"$LOG"; }

# Runs a command as the database's service user when this script runs as root (the servers refuse
# to run as root), else as the current user.
as_user() {
  local user=$1
  shift
  if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install_packages() {
  local missing=("$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "not installed: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})"
    return 1
  fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >>"$LOG" 2>&1; then
    apt-get update -q -o DPkg::Lock::Timeout=600 >>"$LOG" 2>&1
    apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >>"$LOG" 2>&1 ||
      {
        echo "apt-get install ${missing[*]} failed (see .test-db/setup.log)"
        return 1
      }
  fi
}

# Prints nothing and returns 0 when PostgreSQL runs; else prints the reason.
start_postgres() {
  local bin
  bin=$(pg_bin)
  if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
    install_packages postgresql || return 1
    bin=$(pg_bin)
  fi
  local user
  user=$([ "$(id -u)" = 0 ] && echo postgres || id -un)
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    return 0
  fi
  mkdir -p "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown "$user" "$PG_DIR"
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    rm -rf "$PG_DIR/data"
    as_user "$user" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >>"$LOG" 2>&1 ||
      {
        echo "initdb failed (see .test-db/setup.log)"
        return 1
      }
  fi
  # wal_level=logical, as rds.logical_replication = 1 sets it on RDS.
  as_user "$user" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c wal_level=logical -c fsync=off" >>"$LOG" 2>&1 ||
    {
      echo "PostgreSQL did not start (see .test-db/postgres/server.log)"
      return 1
    }
}

mariadb_ping() { mariadb-admin --no-defaults --socket="$MY_SOCKET" -uroot --connect-timeout=2 ping >/dev/null 2>&1; }

start_mariadb() {
  if ! command -v mariadbd >/dev/null && [ ! -x /usr/sbin/mariadbd ]; then
    install_packages mariadb-server mariadb-client || return 1
  fi
  local server user
  server=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  user=$([ "$(id -u)" = 0 ] && echo mysql || id -un)
  mariadb_ping && return 0
  mkdir -p "$MY_DIR"
  [ "$(id -u)" = 0 ] && chown "$user" "$MY_DIR"
  if [ ! -d "$MY_DIR/data/mysql" ]; then
    rm -rf "$MY_DIR/data"
    mariadb-install-db --no-defaults --datadir="$MY_DIR/data" --user="$user" \
      --auth-root-authentication-method=normal --skip-test-db >>"$LOG" 2>&1 ||
      {
        echo "mariadb-install-db failed (see .test-db/setup.log)"
        return 1
      }
  fi
  # setsid: the server outlives this script (and the Jest run that started it).
  setsid "$server" --no-defaults --datadir="$MY_DIR/data" --socket="$MY_SOCKET" --port="$MY_PORT" \
    --bind-address=127.0.0.1 --pid-file="$MY_DIR/mariadbd.pid" --log-error="$MY_DIR/server.log" \
    --user="$user" --skip-name-resolve --innodb-buffer-pool-size=32M --character-set-server=utf8mb4 \
    </dev/null >/dev/null 2>&1 &
  for _ in $(seq 1 120); do
    mariadb_ping && return 0
    sleep 0.5
  done
  echo "MariaDB did not start within 60 s (see .test-db/mariadb/server.log)"
  return 1
}

json_string() { node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "$1"; }

server_status() {
  local reason=$1 extra=$2
  if [ -z "$reason" ]; then echo "{ \"ok\": true, $extra }"; else echo "{ \"ok\": false, \"reason\": $(json_string "$reason") }"; fi
}

case "${1:-}" in
start)
  mkdir -p "$DIR"
  : >"$LOG"
  pg_reason=$(start_postgres) || pg_reason=${pg_reason:-PostgreSQL could not be started}
  my_reason=$(start_mariadb) || my_reason=${my_reason:-MariaDB could not be started}
  {
    echo "{"
    echo "  \"postgres\": $(server_status "$pg_reason" "\"host\": \"127.0.0.1\", \"port\": $PG_PORT, \"user\": \"postgres\", \"psql\": $(json_string "$(pg_bin)/psql")"),"
    echo "  \"mariadb\": $(server_status "$my_reason" "\"socket\": $(json_string "$MY_SOCKET"), \"port\": $MY_PORT, \"user\": \"root\"")"
    echo "}"
  } >"$DIR/status.json.tmp"
  mv "$DIR/status.json.tmp" "$DIR/status.json"
  [ -z "$pg_reason" ] && echo "PostgreSQL on 127.0.0.1:$PG_PORT" || echo "PostgreSQL: $pg_reason"
  [ -z "$my_reason" ] && echo "MariaDB on 127.0.0.1:$MY_PORT" || echo "MariaDB: $my_reason"
  ;;
stop)
  bin=$(pg_bin)
  if [ -f "$PG_DIR/data/postmaster.pid" ] && [ -n "$bin" ]; then
    as_user "$([ "$(id -u)" = 0 ] && echo postgres || id -un)" "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop
  fi
  if [ -f "$MY_DIR/mariadbd.pid" ]; then
    mariadb-admin --no-defaults --socket="$MY_SOCKET" -uroot shutdown 2>/dev/null || kill "$(cat "$MY_DIR/mariadbd.pid")"
  fi
  rm -f "$DIR/status.json"
  ;;
status)
  cat "$DIR/status.json" 2>/dev/null || echo "not started"
  ;;
*)
  echo "usage: $0 start|stop|status [cdktn]" >&2
  exit 2
  ;;
esac

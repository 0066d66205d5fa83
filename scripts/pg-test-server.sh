#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests (unit_store's CTest fixture, e2e).
#
#   pg-test-server.sh start  <dir>  initdb into <dir>/data, start on a free port on 127.0.0.1
#                                   (unix socket in <dir>), create the database, print its URL
#                                   (also written to <dir>/url)
#   pg-test-server.sh stop   <dir>  stop the server (fast) and remove <dir>
#   pg-test-server.sh halt   <dir>  stop the server but keep <dir> (outage tests)
#   pg-test-server.sh resume <dir>  start a halted server again on the same port
#
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user
# that Debian's postgresql package creates (or a `gatehouse-test` system user we create
# when that is missing). Every wait is bounded; nothing here prompts.
set -euo pipefail

readonly DB_USER=gatehouse
readonly DB_NAME=gatehouse_test
readonly MARKER=.gatehouse-pg-test

die() {
  echo "pg-test-server: $*" >&2
  exit 1
}
log() { echo "pg-test-server: $*" >&2; }

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN"
    return
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then
    echo "$d"
    return
  fi
  command -v initdb >/dev/null || die "initdb not found (install Debian's postgresql package)"
  dirname "$(command -v initdb)"
}

# The OS user the server runs as; empty when it is us.
server_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  if id postgres >/dev/null 2>&1; then
    echo postgres
    return
  fi
  if ! id gatehouse-test >/dev/null 2>&1; then
    # Two fixtures starting at once may both try; the loser's failure is harmless.
    useradd --system --no-create-home --shell /usr/sbin/nologin gatehouse-test 2>/dev/null || true
    id gatehouse-test >/dev/null 2>&1 || die "cannot create the gatehouse-test system user"
  fi
  echo gatehouse-test
}

# Runs a command as the server user, from a directory that user can enter.
as_server() {
  if [ -n "$SERVER_USER" ]; then
    (cd / && timeout 120 runuser -u "$SERVER_USER" -- "$@")
  else
    (cd / && timeout 120 "$@")
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

random_port() {
  echo $((20000 + (RANDOM * 32768 + RANDOM) % 40000))
}

# Starts the server in $DIR on port $1; returns non-zero when it did not come up.
pg_start() {
  as_server "$BIN/pg_ctl" -D "$PGH/data" -l "$PGH/postgres.log" -w -t 30 \
    -o "-p $1" start >/dev/null
}

pg_stop() {
  [ -f "$PGH/data/postmaster.pid" ] || return 0
  if as_server "$BIN/pg_ctl" -D "$PGH/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
    return 0
  fi
  log "fast stop failed, stopping immediately"
  as_server "$BIN/pg_ctl" -D "$PGH/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
  local pid
  pid=$(head -n 1 "$PGH/data/postmaster.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
}

cmd_start() {
  if [ -e "$DIR" ]; then
    if [ -f "$DIR/$MARKER" ]; then
      log "cleaning up a previous server in $DIR"
      cmd_stop
    elif [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
      die "$DIR exists and is not ours; refusing to use it"
    fi
  fi
  mkdir -p "$DIR"
  touch "$DIR/$MARKER"
  PGH="$DIR"
  if [ -n "$SERVER_USER" ]; then
    chown "$SERVER_USER" "$DIR"
    # A checkout under a private home (/root is 0700) is out of the server
    # user's reach: keep the cluster in /tmp then, and remember where.
    if ! runuser -u "$SERVER_USER" -- test -x "$DIR" 2>/dev/null; then
      PGH=$(mktemp -d /tmp/gatehouse-pg.XXXXXX)
      chown "$SERVER_USER" "$PGH"
      echo "$PGH" >"$DIR/home"
    fi
  fi

  as_server "$BIN/initdb" -D "$PGH/data" -U "$DB_USER" --auth=trust -E UTF8 --locale=C -N \
    >"$PGH/initdb.log" 2>&1 || {
    cat "$PGH/initdb.log" >&2
    die "initdb failed"
  }
  # A unix socket path is limited to ~107 bytes; with a long <dir> use TCP only.
  local sockets="$PGH"
  [ ${#PGH} -lt 80 ] || sockets=""
  # Durability settings off: the data dies with the test run anyway.
  cat >>"$PGH/data/postgresql.conf" <<EOF

# gatehouse test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockets'
max_connections = 300
shared_buffers = 64MB
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

  local port attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$(random_port)
    port_in_use "$port" && continue
    if pg_start "$port"; then
      echo "$port" >"$DIR/port"
      break
    fi
    port=""
    if ! grep -q -e "could not bind" -e "already in use" "$PGH/postgres.log" 2>/dev/null; then
      cat "$PGH/postgres.log" >&2 || true
      die "postgres did not start"
    fi
    log "port taken, retrying (attempt $attempt)"
  done
  [ -n "$port" ] || die "no free port found"

  timeout 30 "$BIN/createdb" -h 127.0.0.1 -p "$port" -U "$DB_USER" "$DB_NAME" ||
    die "createdb failed"
  local url="postgres://$DB_USER@127.0.0.1:$port/$DB_NAME"
  echo "$url" >"$DIR/url"
  echo "$url"
}

cmd_stop() {
  [ -e "$DIR" ] || return 0
  [ -f "$DIR/$MARKER" ] || die "$DIR was not made by this script; not removing it"
  pg_stop
  [ "$PGH" = "$DIR" ] || rm -rf "$PGH"
  rm -rf "$DIR"
}

cmd_halt() {
  [ -f "$DIR/$MARKER" ] || die "no test server in $DIR"
  pg_stop
}

cmd_resume() {
  [ -f "$DIR/port" ] || die "no halted test server in $DIR"
  pg_start "$(cat "$DIR/port")" || {
    tail -n 20 "$PGH/postgres.log" >&2 || true
    die "postgres did not restart"
  }
}

[ $# -eq 2 ] || die "usage: $0 start|stop|halt|resume <dir>"
DIR=$(realpath -m "$2")
PGH="$DIR"  # where the server's own files live (see cmd_start)
[ -f "$DIR/home" ] && PGH=$(cat "$DIR/home")
BIN=$(find_bin)
SERVER_USER=$(server_user)
case "$1" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  halt) cmd_halt ;;
  resume) cmd_resume ;;
  *) die "unknown command $1" ;;
esac

#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server (Debian's `postgresql` package) for the test suite,
# the benchmarks or a trial of the multi-user store.
#   scripts/pg.sh start   install postgresql if missing, initdb a data folder of this checkout's own
#                         (outside /root), run it as a non-root user on a free loopback port, create
#                         the role and database `dondoc`; writes scripts/pg.env exporting
#                         DONDOC_DATABASE_URL (and DONDOC_TEST_PG_URL, which the tests read)
#   scripts/pg.sh stop    stop it and remove its data
# PG_FSYNC=off (what `make test` passes) trades durability for speed: for a throwaway server only.
# As root the server runs as the system user `dondoc-pg`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# one server per checkout, so several worktrees can run their suites side by side
INSTANCE="$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"
RUN_DIR="/opt/dondoc-pg/run-$INSTANCE"
DATA_DIR="$RUN_DIR/data"
ENV_FILE="$ROOT/scripts/pg.env"
USER_NAME="dondoc-pg"
DB_NAME="dondoc"
DB_USER="dondoc"

fail() { echo "pg.sh: $*" >&2; echo "export DONDOC_TEST_PG_ERROR='$*'" > "$ENV_FILE"; exit 0; }

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && { echo "$d"; return; }
  return 1
}

install() {
  pg_bin >/dev/null && return
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null \
    || fail "cannot install Debian's postgresql"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

as_user() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups "$@"; else "$@"; fi
}

start() {
  stop >/dev/null 2>&1 || true
  install
  local bin; bin=$(pg_bin) || fail "no PostgreSQL binaries under /usr/lib/postgresql"
  local port; port=$(free_port)
  local password; password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
  mkdir -p "$RUN_DIR"
  if [ "$(id -u)" = 0 ]; then
    id "$USER_NAME" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
    chown "$USER_NAME:$USER_NAME" "$RUN_DIR"
  fi
  printf '%s\n' "$password" > "$RUN_DIR/pwfile"
  [ "$(id -u)" = 0 ] && chown "$USER_NAME:$USER_NAME" "$RUN_DIR/pwfile"
  chmod 600 "$RUN_DIR/pwfile"
  # the superuser is named dondoc: it owns the test databases and may create them
  as_user "$bin/initdb" -D "$DATA_DIR" -U "$DB_USER" --pwfile="$RUN_DIR/pwfile" -A scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$RUN_DIR/initdb.log" 2>&1 || fail "initdb failed (see $RUN_DIR/initdb.log)"
  rm -f "$RUN_DIR/pwfile"
  cat >> "$DATA_DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$RUN_DIR'
max_connections = 200
shared_buffers = 256MB
work_mem = 16MB
fsync = ${PG_FSYNC:-on}
synchronous_commit = ${PG_FSYNC:-on}
full_page_writes = ${PG_FSYNC:-on}
log_min_messages = warning
CONF
  as_user "$bin/pg_ctl" -D "$DATA_DIR" -l "$RUN_DIR/server.log" -w -t 60 start >/dev/null \
    || fail "PostgreSQL did not start (see $RUN_DIR/server.log)"
  local url="postgresql+psycopg://$DB_USER:$password@127.0.0.1:$port/$DB_NAME"
  PGPASSWORD="$password" as_user "$bin/psql" -qAt -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres \
    -c "CREATE DATABASE $DB_NAME" >/dev/null || fail "cannot create database $DB_NAME"
  printf 'export DONDOC_DATABASE_URL=%s\nexport DONDOC_TEST_PG_URL=%s\nexport DONDOC_TEST_PG_RUN=%s\n' \
    "$url" "$url" "$RUN_DIR" > "$ENV_FILE"
  chmod 600 "$ENV_FILE"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$port"
}

stop() {
  local bin
  if bin=$(pg_bin) && [ -f "$DATA_DIR/postmaster.pid" ]; then
    as_user "$bin/pg_ctl" -D "$DATA_DIR" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$RUN_DIR"
  rm -f "$ENV_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

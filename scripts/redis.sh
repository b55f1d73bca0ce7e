#!/usr/bin/env bash
# Start or stop a throwaway Redis (Debian's `redis-server`), the broker that wakes dondoc's
# workers when DONDOC_QUEUE_URL=redis://… is set.
#   scripts/redis.sh start   install redis-server if missing, run it as a non-root user on a free
#                            loopback port with a password, in a folder of this checkout's own;
#                            writes scripts/redis.env exporting DONDOC_QUEUE_URL (and
#                            DONDOC_TEST_REDIS_URL, which the tests read)
#   scripts/redis.sh stop    stop it and remove its folder
# The job table in the database is the truth; Redis only carries wake-ups, so this one keeps
# nothing on disk. As root it runs as the system user `dondoc-redis`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# one server per checkout, so several worktrees can run their suites side by side
INSTANCE="$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"
RUN_DIR="/opt/dondoc-redis/run-$INSTANCE"
ENV_FILE="$ROOT/scripts/redis.env"
USER_NAME="dondoc-redis"

fail() { echo "redis.sh: $*" >&2; echo "export DONDOC_TEST_REDIS_ERROR='$*'" > "$ENV_FILE"; exit 0; }

install() {
  command -v redis-server >/dev/null && return
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null \
    || fail "cannot install Debian's redis-server"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() {
  stop >/dev/null 2>&1 || true
  install
  local port; port=$(free_port)
  local password; password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
  mkdir -p "$RUN_DIR"
  cat > "$RUN_DIR/redis.conf" <<CONF
bind 127.0.0.1
port $port
protected-mode yes
requirepass $password
daemonize yes
pidfile $RUN_DIR/redis.pid
logfile $RUN_DIR/redis.log
dir $RUN_DIR
save ""
appendonly no
CONF
  chmod 600 "$RUN_DIR/redis.conf"
  if [ "$(id -u)" = 0 ]; then
    id "$USER_NAME" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
    chown -R "$USER_NAME:$USER_NAME" "$RUN_DIR"
    setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups redis-server "$RUN_DIR/redis.conf" \
      || fail "redis-server did not start (see $RUN_DIR/redis.log)"
  else
    redis-server "$RUN_DIR/redis.conf" || fail "redis-server did not start (see $RUN_DIR/redis.log)"
  fi
  for _ in $(seq 1 50); do
    if REDISCLI_AUTH="$password" redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
      local url="redis://:$password@127.0.0.1:$port/0"
      printf 'export DONDOC_QUEUE_URL=%s\nexport DONDOC_TEST_REDIS_URL=%s\n' "$url" "$url" > "$ENV_FILE"
      chmod 600 "$ENV_FILE"
      echo "Redis $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') ready on 127.0.0.1:$port"
      return
    fi
    sleep 0.2
  done
  fail "Redis did not answer in 10 s (see $RUN_DIR/redis.log)"
}

stop() {
  if [ -f "$RUN_DIR/redis.pid" ]; then
    local pid; pid=$(cat "$RUN_DIR/redis.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$RUN_DIR"
  rm -f "$ENV_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Start or stop a throwaway single-node Elasticsearch for the test suite.
#   scripts/es.sh start   fetch (Maven Central, cached in ~/.m2), unpack under .es/, run as a
#                         non-root user on a free loopback port, wait until it answers;
#                         writes scripts/es.env with DONDOC_TEST_ES_URL for the tests
#   scripts/es.sh stop    stop it and remove its data
#   scripts/es.sh halt    stop it, keeping data and settings (tests of an index that goes down)
#   scripts/es.sh resume  start the halted node again on the same port
# ES refuses to run as root, so as root it runs as the system user `dondoc-es`.
set -euo pipefail
ES_VERSION="${ES_VERSION:-8.19.21}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HOME_DIR="/opt/dondoc-es/elasticsearch-$ES_VERSION"
# one node per checkout, so several worktrees can run their suites side by side
INSTANCE="$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"
RUN_DIR="/opt/dondoc-es/run-$INSTANCE"
CONF_DIR="$RUN_DIR/config"
ENV_FILE="$ROOT/scripts/es.env"
USER_NAME="dondoc-es"

fail() { echo "es.sh: $*" >&2; echo "export DONDOC_TEST_ES_ERROR='$*'" > "$ENV_FILE"; exit 0; }

java_home() {
  for j in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64 /usr/lib/jvm/default-java; do
    [ -x "$j/bin/java" ] && { echo "$j"; return; }
  done
  [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && { echo "$JAVA_HOME"; return; }
  return 1
}

fetch() {
  [ -x "$HOME_DIR/bin/elasticsearch" ] && return
  command -v mvn >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null; }
  local tmp; tmp=$(mktemp -d)
  mvn -q org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
    -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
    -DoutputDirectory="$tmp" >/dev/null || fail "cannot fetch Elasticsearch $ES_VERSION from Maven Central"
  mkdir -p /opt/dondoc-es
  (cd /opt/dondoc-es && unzip -q -o "$tmp/elasticsearch-$ES_VERSION.zip")
  rm -rf "$tmp"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() {
  stop >/dev/null 2>&1 || true
  command -v java >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }
  local jh; jh=$(java_home) || fail "no JDK 17+ found"
  fetch
  local port; port=$(free_port)
  rm -rf "$RUN_DIR"; mkdir -p "$RUN_DIR/data" "$RUN_DIR/logs"
  cp -r "$HOME_DIR/config" "$CONF_DIR"
  cat > "$CONF_DIR/elasticsearch.yml" <<YML
cluster.name: dondoc-test
discovery.type: single-node
network.host: 127.0.0.1
http.port: $port
path.data: $RUN_DIR/data
path.logs: $RUN_DIR/logs
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
YML
  local cmd=(env ES_PATH_CONF="$CONF_DIR" ES_JAVA_HOME="$jh" ES_JAVA_OPTS="-Xms512m -Xmx512m" "$HOME_DIR/bin/elasticsearch" -d -p "$RUN_DIR/es.pid")
  if [ "$(id -u)" = 0 ]; then
    id "$USER_NAME" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
    chown -R "$USER_NAME:$USER_NAME" "$HOME_DIR" "$RUN_DIR"
    setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups "${cmd[@]}" >"$RUN_DIR/stdout.log" 2>&1 || fail "Elasticsearch did not start (see $RUN_DIR)"
  else
    "${cmd[@]}" >"$RUN_DIR/stdout.log" 2>&1 || fail "Elasticsearch did not start (see $RUN_DIR)"
  fi
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    if curl -sf "$url/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
      printf 'export DONDOC_TEST_ES_URL=%s\nexport DONDOC_TEST_ES_HOME=%s\nexport DONDOC_TEST_ES_RUN=%s\nexport DONDOC_TEST_ES_JAVA=%s\n' "$url" "$HOME_DIR" "$RUN_DIR" "$jh" > "$ENV_FILE"
      echo "Elasticsearch $ES_VERSION ready on $url"
      return
    fi
    sleep 1
  done
  fail "Elasticsearch did not become ready in 120 s (see $RUN_DIR/logs)"
}

halt() {
  # stop the server but keep its data and settings: `resume` brings the same node back
  if [ -f "$RUN_DIR/es.pid" ]; then
    local pid; pid=$(cat "$RUN_DIR/es.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  fi
}

resume() {
  local jh; jh=$(java_home) || fail "no JDK 17+ found"
  local port; port=$(sed -n 's/^http.port: //p' "$CONF_DIR/elasticsearch.yml")
  local cmd=(env ES_PATH_CONF="$CONF_DIR" ES_JAVA_HOME="$jh" ES_JAVA_OPTS="-Xms512m -Xmx512m" "$HOME_DIR/bin/elasticsearch" -d -p "$RUN_DIR/es.pid")
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups "${cmd[@]}" >>"$RUN_DIR/stdout.log" 2>&1
  else
    "${cmd[@]}" >>"$RUN_DIR/stdout.log" 2>&1
  fi
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1 && return
    sleep 1
  done
  echo "es.sh: Elasticsearch did not come back" >&2; exit 1
}

stop() {
  halt
  rm -rf "$RUN_DIR"
  rm -f "$ENV_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  halt) halt ;;
  resume) resume ;;
  *) echo "usage: $0 start|stop|halt|resume" >&2; exit 2 ;;
esac

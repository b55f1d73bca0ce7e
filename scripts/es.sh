#!/usr/bin/env bash
# Start or stop a throwaway two-node Elasticsearch cluster for the test suite (one cluster serves
# every ES test).
#   scripts/es.sh start        fetch (Maven Central, cached in ~/.m2), unpack under /opt, run two
#                              nodes as a non-root user on free loopback ports, wait until the
#                              cluster answers; writes scripts/es.env with DONDOC_TEST_ES_URL
#                              (node 1) and DONDOC_TEST_ES_URLS (both nodes) for the tests
#   scripts/es.sh stop         stop both nodes and remove their data
#   scripts/es.sh halt         stop both, keeping data and settings (tests of an index that goes down)
#   scripts/es.sh resume       start the halted nodes again on the same ports
#   scripts/es.sh halt-node N  stop node N (2: the data-only node) — the cluster keeps serving
#   scripts/es.sh resume-node N
# Node 1 is master and data, node 2 data only: losing node 2 leaves a working cluster whose
# replicas take over (two master-eligible nodes could not lose either). ES_NODES=1 starts one.
# ES refuses to run as root, so as root it runs as the system user `dondoc-es`.
set -euo pipefail
ES_VERSION="${ES_VERSION:-8.19.21}"
ES_HEAP="${ES_HEAP:-512m}"
ES_NODES="${ES_NODES:-2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HOME_DIR="/opt/dondoc-es/elasticsearch-$ES_VERSION"
# one cluster per checkout, so several worktrees can run their suites side by side
INSTANCE="$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"
RUN_DIR="/opt/dondoc-es/run-$INSTANCE"
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

node_dir() { echo "$RUN_DIR/node-$1"; }
http_port() { sed -n 's/^http.port: //p' "$(node_dir "$1")/config/elasticsearch.yml"; }

run_node() {
  # start node $1 from its folder, in the background (-d), as the non-root user
  local n=$1 jh dir
  jh=$(java_home) || fail "no JDK 17+ found"
  dir=$(node_dir "$n")
  local cmd=(env ES_PATH_CONF="$dir/config" ES_JAVA_HOME="$jh" ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP"
             "$HOME_DIR/bin/elasticsearch" -d -p "$dir/es.pid")
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups "${cmd[@]}" >>"$dir/stdout.log" 2>&1
  else
    "${cmd[@]}" >>"$dir/stdout.log" 2>&1
  fi
}

wait_for() {
  # until the cluster answers through node $1 with $2 nodes in it
  local port; port=$(http_port "$1")
  for _ in $(seq 1 180); do
    curl -sf "http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&wait_for_nodes=$2&timeout=1s" >/dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}

start() {
  stop >/dev/null 2>&1 || true
  command -v java >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }
  java_home >/dev/null || fail "no JDK 17+ found"
  fetch
  if [ "$(id -u)" = 0 ]; then
    id "$USER_NAME" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
  fi
  rm -rf "$RUN_DIR"
  local seed="" urls="" n
  for n in $(seq 1 "$ES_NODES"); do
    local dir http transport roles
    dir=$(node_dir "$n"); http=$(free_port); transport=$(free_port)
    mkdir -p "$dir/data" "$dir/logs"
    cp -r "$HOME_DIR/config" "$dir/config"
    if [ "$n" = 1 ]; then roles="[master, data]"; seed="127.0.0.1:$transport"; else roles="[data]"; fi
    {
      echo "cluster.name: dondoc-test-$INSTANCE"     # never joins another checkout's nodes
      echo "node.name: node-$n"
      echo "node.roles: $roles"
      echo "network.host: 127.0.0.1"
      echo "http.port: $http"
      echo "transport.port: $transport"
      if [ "$ES_NODES" = 1 ]; then echo "discovery.type: single-node"
      else echo "discovery.seed_hosts: [\"$seed\"]"; echo "cluster.initial_master_nodes: [node-1]"; fi
      echo "path.data: $dir/data"
      echo "path.logs: $dir/logs"
      echo "xpack.security.enabled: false"
      echo "cluster.routing.allocation.disk.threshold_enabled: false"
      echo "action.destructive_requires_name: false"
    } > "$dir/config/elasticsearch.yml"
    urls="$urls${urls:+,}http://127.0.0.1:$http"
  done
  [ "$(id -u)" = 0 ] && chown -R "$USER_NAME:$USER_NAME" "$HOME_DIR" "$RUN_DIR"
  for n in $(seq 1 "$ES_NODES"); do run_node "$n" || fail "Elasticsearch node $n did not start (see $(node_dir "$n"))"; done
  wait_for 1 "$ES_NODES" || fail "Elasticsearch did not become ready in 180 s (see $RUN_DIR/node-*/logs)"
  printf 'export DONDOC_TEST_ES_URL=%s\nexport DONDOC_TEST_ES_URLS=%s\nexport DONDOC_TEST_ES_NODES=%s\nexport DONDOC_TEST_ES_HOME=%s\nexport DONDOC_TEST_ES_RUN=%s\n' \
    "http://127.0.0.1:$(http_port 1)" "$urls" "$ES_NODES" "$HOME_DIR" "$RUN_DIR" > "$ENV_FILE"
  echo "Elasticsearch $ES_VERSION ready: $ES_NODES node(s) at $urls"
}

halt_node() {
  local pidf; pidf="$(node_dir "$1")/es.pid"
  if [ -f "$pidf" ]; then
    local pid; pid=$(cat "$pidf")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    rm -f "$pidf"
  fi
}

nodes_now() { ls -d "$RUN_DIR"/node-* 2>/dev/null | wc -l; }

halt() {
  local n
  for n in $(seq "$(nodes_now)" -1 1); do halt_node "$n"; done
}

resume() {
  local n total; total=$(nodes_now)
  for n in $(seq 1 "$total"); do run_node "$n"; done
  wait_for 1 "$total" || { echo "es.sh: Elasticsearch did not come back" >&2; exit 1; }
}

resume_node() {
  run_node "$1"
  wait_for 1 "$(nodes_now)" || { echo "es.sh: node $1 did not rejoin" >&2; exit 1; }
}

stop() {
  [ -d "$RUN_DIR" ] && halt
  rm -rf "$RUN_DIR"
  rm -f "$ENV_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  halt) halt ;;
  resume) resume ;;
  halt-node) halt_node "${2:?node number}" ;;
  resume-node) resume_node "${2:?node number}" ;;
  *) echo "usage: $0 start|stop|halt|resume|halt-node N|resume-node N" >&2; exit 2 ;;
esac

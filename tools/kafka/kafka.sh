#!/usr/bin/env bash
# A real single-node KRaft Kafka broker for local runs and tests, built from Apache Kafka's
# jars on Maven Central, or a KRaft cluster of KAFKA_NODES such nodes (3: replication factor 3,
# min.insync.replicas 2). Usage: tools/kafka/kafka.sh fetch|up|down|status|stop-node I [kill]|start-node I
#   KAFKA_PORT (default 9092), KAFKA_CONTROLLER_PORT (default 9093), KAFKA_HOME (default <repo>/.kafka),
#   KAFKA_NODES (default 1), KAFKA_JVM_OPTS (the broker's collector and compiler flags, default
#   -XX:+UseG1GC; the test command gives its brokers lighter ones, tools/test.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
KAFKA_HOME=${KAFKA_HOME:-$root/.kafka}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_NODES=${KAFKA_NODES:-1}
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
lib=${KAFKA_LIB:-$KAFKA_HOME/lib}
data=$KAFKA_HOME/data

say() { echo "[kafka] $*" >&2; }

fetch() {
  if [ -f "$lib/.version" ] && [ "$(cat "$lib/.version")" = "$version" ]; then return 0; fi
  command -v java >/dev/null || { say "java is missing: install OpenJDK 17+"; exit 1; }
  command -v mvn >/dev/null || { say "mvn is missing: install Maven"; exit 1; }
  say "fetching Apache Kafka $version jars from Maven Central (once; cached in $lib)"
  rm -rf "$lib" && mkdir -p "$lib"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib"
  echo "$version" > "$lib/.version"
}

# A cluster (KAFKA_NODES > 1) keeps node i under $KAFKA_HOME/node-<i>, with its broker on
# KAFKA_PORT + 2(i-1) and its controller on KAFKA_CONTROLLER_PORT + 2(i-1); a single node keeps
# the layout it always had (everything directly in $KAFKA_HOME).
node_dir() { if [ "$KAFKA_NODES" = 1 ]; then echo "$KAFKA_HOME"; else echo "$KAFKA_HOME/node-$1"; fi; }
broker_port() { echo $((KAFKA_PORT + 2 * ($1 - 1))); }
controller_port() { echo $((KAFKA_CONTROLLER_PORT + 2 * ($1 - 1))); }
bootstrap() { local i list=""; for i in $(seq 1 "$KAFKA_NODES"); do list="$list${list:+,}127.0.0.1:$(broker_port "$i")"; done; echo "$list"; }

running_node() { local pf; pf="$(node_dir "$1")/broker.pid"; [ -f "$pf" ] && kill -0 "$(cat "$pf")" 2>/dev/null; }
running() { running_node 1; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ready() { node "$here/ready.cjs" "$(bootstrap)" "$@"; }

write_config() {
  local i=$1 dir voters="" j
  dir=$(node_dir "$i")
  for j in $(seq 1 "$KAFKA_NODES"); do voters="$voters${voters:+,}$j@127.0.0.1:$(controller_port "$j")"; done
  # One node: every internal topic has one replica. A cluster: three replicas, two in sync
  # for a write to count (acks=all), so one broker may be down and nothing is lost.
  local rf=1 isr=1
  if [ "$KAFKA_NODES" -gt 1 ]; then rf=$((KAFKA_NODES < 3 ? KAFKA_NODES : 3)); isr=$((rf > 1 ? rf - 1 : 1)); fi
  cat > "$dir/server.properties" <<CFG
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$(broker_port "$i"),CONTROLLER://127.0.0.1:$(controller_port "$i")
advertised.listeners=PLAINTEXT://127.0.0.1:$(broker_port "$i")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=6
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=24
CFG
}

# A cluster id as `kafka-storage.sh random-uuid` prints it (16 random bytes, URL-safe base64
# without padding, never starting with "-"), without starting a JVM for it (~2 s of CPU).
random_uuid() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    [ "${id#-}" = "$id" ] && { echo "$id"; return; }
  done
}

# Formats node i's data directory (once) with the cluster's id.
format_node() {
  local i=$1 id=$2 dir
  dir=$(node_dir "$i")
  [ -f "$dir/data/meta.properties" ] && return 0
  rm -rf "$dir/data" && mkdir -p "$dir/data"
  # A one-shot tool: the client compiler alone and the serial collector start it on half the CPU.
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$lib/*" -Dlog4j2.configurationFile="$here/log4j2.properties" kafka.tools.StorageTool format \
    -t "$id" -c "$dir/server.properties" >/dev/null
}

launch_node() {
  local i=$1 dir heap=768m
  dir=$(node_dir "$i")
  [ "$KAFKA_NODES" -gt 1 ] && heap=512m
  # KAFKA_JVM_OPTS is split into words on purpose.
  # shellcheck disable=SC2086
  nohup java -Xms256m -Xmx$heap ${KAFKA_JVM_OPTS:--XX:+UseG1GC} -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/log4j2.properties" \
    -cp "$lib/*" kafka.Kafka "$dir/server.properties" > "$dir/broker.log" 2>&1 < /dev/null &
  echo $! > "$dir/broker.pid"
}

# Waits until the cluster serves a produce + offset read (and, given a node id, lists that node).
await_ready() {
  local _
  for _ in $(seq 1 120); do
    local i
    for i in $(seq 1 "$KAFKA_NODES"); do
      if [ -f "$(node_dir "$i")/broker.pid" ] && ! running_node "$i"; then
        say "broker $i exited during start; last lines of $(node_dir "$i")/broker.log:"; tail -20 "$(node_dir "$i")/broker.log" >&2; exit 1
      fi
    done
    # Each call tries for up to 5 s in one Node process; a broker that exited is reported between calls.
    if ready --wait 5000 "$@" 2>/dev/null; then say "ready"; return 0; fi
  done
  say "Kafka did not become ready in 10 minutes; see $KAFKA_HOME"; exit 1
}

up() {
  fetch
  mkdir -p "$KAFKA_HOME"
  if running; then
    if ready; then say "reusing the broker already running (pid $(cat "$(node_dir 1)/broker.pid")) on $(bootstrap)"; return 0; fi
    say "the broker left running is not answering: replacing it"; down
  fi
  if port_busy "$KAFKA_PORT"; then
    if ready; then say "a Kafka broker not started by Rotor answers on 127.0.0.1:$KAFKA_PORT: using it"; return 0; fi
    say "port $KAFKA_PORT is taken by something that is not Kafka; set KAFKA_PORT"; exit 1
  fi
  local i id=""
  for i in $(seq 1 "$KAFKA_NODES"); do
    mkdir -p "$(node_dir "$i")"
    write_config "$i"
    if [ ! -f "$(node_dir "$i")/data/meta.properties" ] && [ -z "$id" ]; then id=$(random_uuid); fi
    format_node "$i" "$id"
  done
  say "starting $KAFKA_NODES broker(s) $version on $(bootstrap) (logs: $KAFKA_HOME)"
  for i in $(seq 1 "$KAFKA_NODES"); do launch_node "$i"; done
  await_ready
}

# Stops node i: gracefully (TERM, then KILL after 30 s), or at once with `kill`.
stop_node() {
  local i=$1 how=${2:-term} pf pid
  pf="$(node_dir "$i")/broker.pid"
  running_node "$i" || { rm -f "$pf"; return 0; }
  pid=$(cat "$pf")
  if [ "$how" = kill ]; then kill -9 "$pid" 2>/dev/null || true; fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pf"
}

# Starts node i of a cluster again on its data and waits until the cluster lists it.
start_node() {
  local i=$1
  running_node "$i" && { say "broker $i is running"; return 0; }
  launch_node "$i"
  await_ready --node-id "$i"
}

down() {
  local pf pid pids=() files=()
  # Every node found on disk, whatever KAFKA_NODES says now. A cluster's nodes are all told to
  # stop at once: one at a time, the last ones lose their controller quorum and sit out the
  # whole wait below before they are killed.
  for pf in "$KAFKA_HOME/broker.pid" "$KAFKA_HOME"/node-*/broker.pid; do
    [ -f "$pf" ] || continue
    files+=("$pf")
    pid=$(cat "$pf")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  if [ "${#pids[@]}" -gt 0 ]; then
    local _ alive
    for _ in $(seq 1 60); do
      alive=0
      for pid in "${pids[@]}"; do if kill -0 "$pid" 2>/dev/null; then alive=1; fi; done
      [ "$alive" = 1 ] || break
      sleep 0.5
    done
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  fi
  if [ "${#files[@]}" -gt 0 ]; then rm -f "${files[@]}"; fi
  [ "${#pids[@]}" = 0 ] || say "stopped"
}

case "${1:-}" in
  fetch) fetch ;;
  up) up ;;
  down) down ;;
  status) if running && ready; then echo "running on $(bootstrap)"; else echo "not running"; exit 1; fi ;;
  stop-node) stop_node "${2:?node number}" "${3:-term}" ;;
  start-node) start_node "${2:?node number}" ;;
  *) echo "usage: $0 fetch|up|down|status|stop-node I [kill]|start-node I" >&2; exit 2 ;;
esac

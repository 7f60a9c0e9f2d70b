#!/usr/bin/env bash
# A real single-node KRaft Kafka broker for local runs and tests, built from Apache Kafka's
# jars on Maven Central. Usage: tools/kafka/kafka.sh fetch|up|down|status
#   KAFKA_PORT (default 9092), KAFKA_CONTROLLER_PORT (default 9093), KAFKA_HOME (default <repo>/.kafka)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
KAFKA_HOME=${KAFKA_HOME:-$root/.kafka}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
lib=${KAFKA_LIB:-$KAFKA_HOME/lib}
data=$KAFKA_HOME/data
pidfile=$KAFKA_HOME/broker.pid
log=$KAFKA_HOME/broker.log

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

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ready() { node "$here/ready.cjs" "127.0.0.1:$KAFKA_PORT"; }

write_config() {
  cat > "$KAFKA_HOME/server.properties" <<CFG
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data
num.partitions=6
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=24
CFG
}

up() {
  fetch
  mkdir -p "$KAFKA_HOME"
  if running; then
    if ready; then say "reusing the broker already running (pid $(cat "$pidfile")) on 127.0.0.1:$KAFKA_PORT"; return 0; fi
    say "the broker left running is not answering: replacing it"; down
  fi
  if port_busy "$KAFKA_PORT"; then
    if ready; then say "a Kafka broker not started by Rotor answers on 127.0.0.1:$KAFKA_PORT: using it"; return 0; fi
    say "port $KAFKA_PORT is taken by something that is not Kafka; set KAFKA_PORT"; exit 1
  fi
  write_config
  local cp="$lib/*"
  if [ ! -f "$data/meta.properties" ]; then
    rm -rf "$data" && mkdir -p "$data"
    local id; id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid)
    java -cp "$cp" -Dlog4j2.configurationFile="$here/log4j2.properties" kafka.tools.StorageTool format \
      -t "$id" -c "$KAFKA_HOME/server.properties" >/dev/null
  fi
  say "starting broker $version on 127.0.0.1:$KAFKA_PORT (log: $log)"
  nohup java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/log4j2.properties" \
    -cp "$cp" kafka.Kafka "$KAFKA_HOME/server.properties" > "$log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  for _ in $(seq 1 120); do
    if ! running; then say "broker exited during start; last lines of $log:"; tail -20 "$log" >&2; exit 1; fi
    if ready 2>/dev/null; then say "ready"; return 0; fi
    sleep 0.5
  done
  say "broker did not become ready in 60 s; see $log"; exit 1
}

down() {
  running || { rm -f "$pidfile"; return 0; }
  local pid; pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  say "stopped"
}

case "${1:-}" in
  fetch) fetch ;;
  up) up ;;
  down) down ;;
  status) if running && ready; then echo "running (pid $(cat "$pidfile"))"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: $0 fetch|up|down|status" >&2; exit 2 ;;
esac

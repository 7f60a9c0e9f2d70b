#!/usr/bin/env bash
# The local stack Rotor needs: Kafka (started here from Maven Central jars), Postgres and
# Redis (used where they already answer on loopback), the databases and their migrations.
# Usage: tools/stack.sh up|down|status
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
PGHOST=${PGHOST:-127.0.0.1}; PGPORT=${PGPORT:-5432}; PGUSER=${PGUSER:-postgres}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}; REDIS_PORT=${REDIS_PORT:-6379}
export PGHOST PGPORT PGUSER

say() { echo "[stack] $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

check_postgres() {
  if ! port_open "$PGHOST" "$PGPORT"; then
    say "PostgreSQL does not answer on $PGHOST:$PGPORT. Start it (e.g. 'pg_ctlcluster 15 main start') or set PGHOST/PGPORT."
    exit 1
  fi
}

check_redis() {
  if ! port_open "$REDIS_HOST" "$REDIS_PORT"; then
    say "Redis does not answer on $REDIS_HOST:$REDIS_PORT. Start one (e.g. 'redis-server --daemonize yes --port $REDIS_PORT --save \"\"') or set REDIS_HOST/REDIS_PORT."
    exit 1
  fi
}

case "${1:-}" in
  up)
    check_postgres
    check_redis
    bash tools/kafka/kafka.sh up
    node -r ./tools/register.cjs tools/migrate.ts
    ;;
  down)
    bash tools/kafka/kafka.sh down
    ;;
  status)
    port_open "$PGHOST" "$PGPORT" && say "postgres: up" || say "postgres: down"
    port_open "$REDIS_HOST" "$REDIS_PORT" && say "redis: up" || say "redis: down"
    bash tools/kafka/kafka.sh status >&2 || true
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Rotor's main job on the local default stack: install, start Kafka, check Postgres and
# Redis, create databases and migrate, then run the six services as separate processes
# until Ctrl-C. Logs: .rotor/logs/<app>.log. Set ROTOR_DEV_MINUTES=1 to count rotation
# intervals in minutes instead of days (a demo setting; off by default).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export NX_DAEMON=false KAFKAJS_NO_PARTITIONER_WARNING=1

bash tools/install.sh
bash tools/stack.sh up

mkdir -p .rotor/logs && chmod 700 .rotor
if [ -z "${ROTOR_ADMIN_TOKEN:-}" ]; then
  [ -f .rotor/admin.token ] || (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64url'))" > .rotor/admin.token)
  ROTOR_ADMIN_TOKEN=$(cat .rotor/admin.token)
fi
export ROTOR_ADMIN_TOKEN

# The web console, served by the gateway at /console: rebuilt only when its sources changed.
console_index=dist/apps/console/index.html
if [ ! -f "$console_index" ] || [ -n "$(find apps/console libs/api-client/src libs/rotation-domain/src libs/util/src tsconfig.base.json -newer "$console_index" -type f -print -quit)" ]; then
  node apps/console/build.cjs --quiet >&2
fi

apps=(secret-store redis-executor rotation-config rotation-scheduler gateway alerts)
declare -A port=([gateway]=8080 [rotation-config]=8081 [rotation-scheduler]=8082 [redis-executor]=8083 [secret-store]=8084 [alerts]=8085)
pids=()
stopping=0
stop_all() {
  trap - INT TERM EXIT
  stopping=1
  echo "[rotor] stopping services" >&2
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f .rotor/run/*.pid
}
trap stop_all INT TERM EXIT

# A service left running by an earlier run (its pid file says so) is stopped and replaced.
mkdir -p .rotor/run
for app in "${apps[@]}"; do
  pidfile=.rotor/run/$app.pid
  if [ -f "$pidfile" ] && grep -q "apps/$app/src/main.ts" "/proc/$(cat "$pidfile")/cmdline" 2>/dev/null; then
    echo "[rotor] replacing $app left running by an earlier run (pid $(cat "$pidfile"))" >&2
    kill "$(cat "$pidfile")" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.25; done
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/${port[$app]}") 2>/dev/null; then
    echo "[rotor] port ${port[$app]} for $app is taken by another program: free it first" >&2; exit 1
  fi
done

for app in "${apps[@]}"; do
  # Heap sizing as in libs/testing/src/platform.ts (SERVICE_NODE_FLAGS) and the Dockerfile.
  PORT=${port[$app]} node --max-semi-space-size=4 --max-old-space-size=192 -r ./tools/register.cjs "apps/$app/src/main.ts" >> ".rotor/logs/$app.log" 2>&1 &
  pids+=($!)
  echo $! > ".rotor/run/$app.pid"
done

for app in "${apps[@]}"; do
  for i in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:${port[$app]}/health/ready" >/dev/null 2>&1; then break; fi
    if [ "$i" = 120 ]; then echo "[rotor] $app did not become ready; see .rotor/logs/$app.log" >&2; exit 1; fi
    sleep 0.5
  done
  echo "[rotor] $app ready on 127.0.0.1:${port[$app]}" >&2
done

cat <<MSG

  Rotor is running.
    Console:      http://127.0.0.1:8080/console
    API:          http://127.0.0.1:8080/api
    API docs:     http://127.0.0.1:8080/api/docs
    Admin token:  $ROTOR_ADMIN_TOKEN
    Redis to rotate (demo): 127.0.0.1:6379
    Logs:         .rotor/logs/

  Ctrl-C stops the services (the Kafka broker keeps running: npm run stack:down).
MSG
wait -n "${pids[@]}" || true
[ "$stopping" = 1 ] || echo "[rotor] a service exited; stopping the rest (see .rotor/logs/)" >&2

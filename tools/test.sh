#!/usr/bin/env bash
# The one test command (README, .ci/run): installs, starts the real stack, then lint,
# type check and every project's tests, and prints one closing "N passed, N failed" line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false KAFKAJS_NO_PARTITIONER_WARNING=1

bash tools/install.sh
# Chromium for the console's browser tests (Debian's package, installed when missing).
bash tools/browser.sh
# The tests get a broker of their own, fresh every run (as on a new machine): they never
# share topics with a platform `npm start` runs on 9092, which would otherwise read the
# tests' events. Jars are shared with the main broker (.kafka/lib).
export KAFKA_HOME="$root/.kafka-test" KAFKA_LIB="$root/.kafka/lib"
# Every broker the tests start (this one, the end-to-end platforms', the chaos and bench smokes')
# runs on the client compiler alone and the serial collector: the run keeps both cores busy,
# and C2's compiles and G1's threads cost a broker about twice the CPU to start (7.5 s -> 3.1 s
# measured) for throughput no test needs. A benchmark started by hand keeps kafka.sh's defaults.
export KAFKA_JVM_OPTS=${KAFKA_JVM_OPTS:-"-XX:+UseSerialGC -XX:TieredStopAtLevel=1"}
# ROTOR_TEST_LANE=N (1–9) moves it, and every port and database the tests take, so two
# checkouts can run their tests on one machine at once (libs/testing/src/lane.ts).
lane=${ROTOR_TEST_LANE:-0}
export KAFKA_PORT=${ROTOR_TEST_KAFKA_PORT:-$((39092 + lane * 10))}
export KAFKA_CONTROLLER_PORT=$((KAFKA_PORT + 1)) KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
cleanup() { if [ "${ROTOR_KEEP_STACK:-0}" != 1 ]; then bash tools/kafka/kafka.sh down || true; fi; }
trap cleanup EXIT
bash tools/kafka/kafka.sh down
rm -rf "$KAFKA_HOME/data"
bash tools/stack.sh up

rm -rf tmp/jest && mkdir -p tmp/jest
npx nx run-many -t lint typecheck --parallel=2 --output-style=static
status=0
npx nx run-many -t test --parallel=2 --output-style=static || status=$?
# The end-to-end suite last: two files at a time, each starting a platform of its own (six
# service processes and a broker; the second Jest worker moves its ports, libs/testing lane.ts).
npx nx run rotor-e2e:e2e --output-style=static || status=$?
node tools/test-summary.cjs tmp/jest
exit $status

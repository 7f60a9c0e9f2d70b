#!/usr/bin/env bash
# Installs the npm dependencies exactly as locked, once per change of package-lock.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
stamp=node_modules/.rotor-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
echo "[install] npm ci" >&2
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"

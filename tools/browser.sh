#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the console's browser tests (playwright-core
# drives it through executablePath; the tests never download a browser). Set CHROMIUM_PATH to
# use another Chromium binary.
set -euo pipefail
bin=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$bin" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "[browser] installing Debian's chromium for the console's browser tests" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
  exit 0
fi
echo "[browser] $bin is missing: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH" >&2
exit 1

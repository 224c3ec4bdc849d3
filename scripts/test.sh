#!/usr/bin/env bash
# Installs what the tests need (npm packages; Mosquitto, Chromium, espeak-ng, nats-server, iproute2 and CJK fonts from Debian when
# missing), checks the formatting, builds, and runs every test. This is the README's test command, and all that .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || missing+=(mosquitto)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
[ -x /usr/sbin/nats-server ] || command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk fontconfig)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing from Debian: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi

echo "== format (prettier --check)"
npx prettier --check --log-level warn . || { echo "format with: npm run format" >&2; exit 1; }

echo "== build"
npm run build --silent

echo "== tests"
npx vitest run "$@"

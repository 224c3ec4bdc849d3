#!/usr/bin/env bash
# Installs HallQ and runs the demo hall: embedded MQTT broker, SQLite in ./data, the reference hall (open around the
# clock for the demo), simulated devices and a little traffic. Screens on http://localhost:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
exec node dist/scripts/demo.js "$@"

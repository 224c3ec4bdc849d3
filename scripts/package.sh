#!/usr/bin/env bash
# Builds HallQ once and packs what a hall installs: hallq-<version>.tgz with the built output (dist/), the hall
# files, the static screen files, deploy/ and the npm manifest and lock. On the mini-PC: unpack into /opt/hallq and
# run `npm ci --omit=dev` there (no compiler, no dev dependencies); see docs/operations.md.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npm run build --silent
version=$(node -p "require('./package.json').version")
mapfile -t files < <(node -p "require('./package.json').files.join('\n')")
tar czf "hallq-${version}.tgz" --transform 's,^,hallq/,' package.json package-lock.json "${files[@]}"
echo "hallq-${version}.tgz"

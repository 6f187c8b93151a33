#!/usr/bin/env bash
# Builds the dashboard with the machine's Node and npm (no Node download): installs the locked
# dependencies from npm (npm ci; npm install only when there is no lock file yet), runs the unit tests
# in test/ (node --test) and bundles with Vite.
#   dashboard/build.sh [OUT_DIR]    default OUT_DIR: dashboard/dist
# Called by sextant-server's pom at generate-resources with OUT_DIR = sextant-server/target/classes/dashboard
# (skip with -Dsextant.dashboard.skip=true). node_modules is reused while package-lock.json is unchanged.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/dist}"
cd "$HERE"
# No Node on this machine: the server is still built, without the dashboard (it then answers
# /dashboard with 503 and these instructions). A failing npm or Vite with Node present fails the build.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "dashboard/build.sh: WARNING: node and npm not found; the server is built WITHOUT the dashboard" >&2
  echo "  (apt-get install nodejs npm, then rebuild; -Dsextant.dashboard.skip=true silences this)" >&2
  exit 0
fi
# Up to date when nothing the bundle is made of changed since the last build into OUT.
if [ -f "$OUT/index.html" ] && [ -f node_modules/.sextant-lock ] \
  && [ -z "$(find src public test index.html vite.config.js package.json package-lock.json build.sh -newer "$OUT/index.html" -print -quit)" ]; then
  exit 0
fi
STAMP="node_modules/.sextant-lock"
if [ -f package-lock.json ]; then
  if [ ! -f "$STAMP" ] || ! cmp -s package-lock.json "$STAMP"; then
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$STAMP"
  fi
else
  npm install --no-audit --no-fund --loglevel=error
fi
# the page's parsers (Prometheus text, console requests, JSONL) with Node's own test runner
node --test --test-reporter=dot test/ >&2
SEXTANT_DASHBOARD_OUT="$OUT" npx --no-install vite build --logLevel warn
echo "dashboard/build.sh: built into $OUT" >&2

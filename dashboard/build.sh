#!/usr/bin/env bash
# Builds the dashboard with the machine's Node and npm (no Node download): installs the locked
# dependencies from npm (npm ci; npm install only when there is no lock file yet) and runs Vite.
#   dashboard/build.sh [OUT_DIR]    default OUT_DIR: dashboard/dist
# Called by sextant-server's pom at generate-resources with OUT_DIR = sextant-server/target/classes/dashboard
# (skip with -Dsextant.dashboard.skip=true). node_modules is reused while package-lock.json is unchanged.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/dist}"
cd "$HERE"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "dashboard/build.sh: node and npm are needed to build the dashboard (apt-get install nodejs npm)," >&2
  echo "or skip it with -Dsextant.dashboard.skip=true (the server then answers /dashboard with 503)" >&2
  exit 1
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
SEXTANT_DASHBOARD_OUT="$OUT" npx --no-install vite build --logLevel warn
echo "dashboard/build.sh: built into $OUT" >&2

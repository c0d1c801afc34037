#!/usr/bin/env bash
# Starts podhop in a working demo setup: installs what is missing, builds, writes demo tokens
# into ./demo/ and serves on 127.0.0.1:8080 until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift build -c release --product podhop
mkdir -p demo
if [ ! -f demo/tokens ]; then
  umask 077
  {
    echo "# NAME ROLE TOKEN"
    echo "demo-admin admin $(openssl rand -hex 24)"
    echo "demo-reader reader $(openssl rand -hex 24)"
  } > demo/tokens
fi
echo "tokens: demo/tokens  (export TOKEN=\$(awk '/^demo-admin/{print \$3}' demo/tokens))" >&2
exec .build/release/podhop serve --listen "${PODHOP_LISTEN:-127.0.0.1:8080}" --database demo/podhop.db --tokens-file demo/tokens

#!/usr/bin/env bash
# API and queue benchmark (not a test): builds release binaries, starts `podhop serve` on
# loopback and measures with wrk. Prints one line per figure. Usage: bench/api.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
scripts/install-dependencies.sh
swift build -c release --product podhop >/dev/null
swift build -c release --product queue-bench >/dev/null
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
token=bench-token-$(openssl rand -hex 12)
echo "bench admin $token" > "$work/tokens"
port=18$((RANDOM % 900 + 100))
.build/release/podhop serve --listen 127.0.0.1:$port --tokens-file "$work/tokens" --database "$work/bench.db" \
  --rate-limit 0 --workers 2 --log-level error &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/{printf "%.1f MiB", $2/1024}' /proc/$server/status; }
echo "resident memory at idle: $(rss)"

id=$(curl -s -X POST "http://127.0.0.1:$port/v1/migrations" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"source":{"namespace":"bench","pod":"one"},"targetNode":"node-b"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
echo "GET /v1/migrations/{id}, wrk -t2 -c64 -d${seconds}s:"
wrk -t2 -c64 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/migrations/$id" |
  grep -E "Requests/sec|  50%|  99%|Non-2xx"
echo "POST /v1/migrations (job creations), wrk -t2 -c16 -d${seconds}s:"
wrk -t2 -c16 -d"${seconds}s" --latency -s bench/create.lua -H "Authorization: Bearer $token" "http://127.0.0.1:$port" |
  grep -E "Requests/sec|  50%|  99%|Non-2xx"
echo "resident memory after load: $(rss)"
.build/release/queue-bench 2000 4

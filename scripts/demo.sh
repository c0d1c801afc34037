#!/usr/bin/env bash
# A working demo: installs what is missing, builds, and starts on 127.0.0.1
#   - Debian's docker-registry (the real OCI registry) on :5000,
#   - the cluster emulator: an API server and two CRI-O nodes (node-a, node-b) with a pod
#     default/counter on node-a,
#   - podhop serve on :8080, wired to both, with demo tokens in demo/tokens.
# Then migrate the pod with the command it prints. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift build -c release --product podhop >/dev/null
swift build -c release --product cluster-emulator >/dev/null
bin=.build/release
demo=$PWD/demo
rm -rf "$demo/registry" "$demo/emulator" "$demo/checkpoints" "$demo/podhop.db"*
mkdir -p "$demo/registry" "$demo/checkpoints"
registry_port=${PODHOP_DEMO_REGISTRY_PORT:-5000}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

cat > "$demo/registry.yml" <<YAML
version: 0.1
storage:
  filesystem:
    rootdirectory: $demo/registry
http:
  addr: 127.0.0.1:$registry_port
  secret: podhop-demo
YAML
docker-registry serve "$demo/registry.yml" > "$demo/registry.log" 2>&1 &
pids+=($!)

cat > "$demo/scenario.json" <<JSON
{"stateDirectory": "$demo/emulator",
 "tokens": [{"name": "podhop", "token": "$(openssl rand -hex 16)", "user": "system:serviceaccount:podhop:podhop"}],
 "plainHTTPRegistries": ["127.0.0.1:$registry_port"],
 "nodes": [
   {"name": "node-a", "runtime": "cri-o://1.31.3", "images": ["docker.io/library/busybox:latest"], "checkpointDirectory": "$demo/checkpoints"},
   {"name": "node-b", "runtime": "cri-o://1.31.3", "images": ["docker.io/library/busybox:latest"], "checkpointDirectory": "$demo/checkpoints"}],
 "pods": [{"namespace": "default", "name": "counter", "node": "node-a", "labels": {"app": "counter"},
           "containers": [{"name": "counter", "image": "docker.io/library/busybox:latest"}], "memoryBytes": 67108864}]}
JSON
"$bin/cluster-emulator" --scenario "$demo/scenario.json" --listen 127.0.0.1:0 --write-kubeconfig "$demo/kubeconfig" \
  > "$demo/emulator.ports" 2> "$demo/emulator.log" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$demo/emulator.ports" ] && break; sleep 0.1; done

if [ ! -f "$demo/tokens" ]; then
  umask 077
  {
    echo "# NAME ROLE TOKEN"
    echo "demo-admin admin $(openssl rand -hex 24)"
    echo "demo-reader reader $(openssl rand -hex 24)"
  } > "$demo/tokens"
fi
cat >&2 <<TXT

podhop demo: registry 127.0.0.1:$registry_port, cluster emulator ($(cat "$demo/emulator.ports")), API on ${PODHOP_LISTEN:-127.0.0.1:8080}.
Move the pod:
  TOKEN=\$(awk '/^demo-admin/{print \$3}' demo/tokens)
  curl -s -X POST http://${PODHOP_LISTEN:-127.0.0.1:8080}/v1/migrations -H "Authorization: Bearer \$TOKEN" \\
    -H 'Content-Type: application/json' -d '{"source":{"namespace":"default","pod":"counter"},"targetNode":"node-b"}'
  curl -s http://${PODHOP_LISTEN:-127.0.0.1:8080}/v1/migrations -H "Authorization: Bearer \$TOKEN"

TXT
"$bin/podhop" serve --listen "${PODHOP_LISTEN:-127.0.0.1:8080}" --database "$demo/podhop.db" --tokens-file "$demo/tokens" \
  --kubeconfig "$demo/kubeconfig" --checkpoint-dir "$demo/checkpoints" \
  --registry "127.0.0.1:$registry_port/podhop" --insecure-registry "127.0.0.1:$registry_port"

#!/usr/bin/env bash
# Build+push of one checkpoint archive into Debian's docker-registry on loopback, side by side:
# podhop per compression, `skopeo copy` of an OCI layout of the same content, a raw streaming
# `curl` PUT of the archive (the registry's ingest limit), and the tutorial's buildah path.
# Every run gets a fresh, empty registry. Not a test: prints one table.
#   bench/image-push.sh [SIZE_MIB]     (PODHOP=.build/release/podhop)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
podhop=${PODHOP:-.build/release/podhop}
work=$(mktemp -d "${TMPDIR:-/tmp}/podhop-push-XXXXXX")
registry_pid=
trap '[ -n "$registry_pid" ] && kill $registry_pid 2>/dev/null; rm -rf "$work"' EXIT

archive="$work/checkpoint.tar"
bench/make-archive.sh "$size_mib" "$archive"
bytes=$(stat -c %s "$archive")
digest=sha256:$(sha256sum "$archive" | cut -d' ' -f1)
"$podhop" image build "$archive" --oci-layout "$work/layout" --tag bench >/dev/null
cat "$archive" >/dev/null

fresh_registry() {
  [ -n "$registry_pid" ] && { kill $registry_pid; wait $registry_pid 2>/dev/null || true; }
  rm -rf "$work/storage"
  port=$((20000 + RANDOM % 20000))
  printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n  secret: bench\n' \
    "$work/storage" "$port" >"$work/registry.yml"
  docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && return; sleep 0.1; done
  echo "registry did not start" >&2; exit 1
}

measure() {  # name, shell snippet using $PORT $ARCHIVE $DIGEST $WORK $PODHOP
  local name=$1
  fresh_registry
  PORT=$port ARCHIVE=$archive DIGEST=$digest WORK=$work PODHOP=$podhop \
    /usr/bin/time -f '%e %M' -o "$work/time" sh -euc "$2" >"$work/out" 2>&1 || { echo "$name failed:" >&2; cat "$work/out" >&2; exit 1; }
  read -r seconds rss <"$work/time"
  stored=$(du -sb "$work/storage/docker/registry/v2/blobs" | cut -f1)
  printf '%-22s %7s s %6.0f MB/s %12s bytes stored %5s MiB RSS\n' "$name" "$seconds" \
    "$(awk -v b="$bytes" -v s="$seconds" 'BEGIN{print b/s/1e6}')" "$stored" "$((rss / 1024))"
}

echo "archive: $bytes bytes, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for compression in none gzip zstd; do
  measure "podhop push $compression" \
    "\"\$PODHOP\" image push \"\$ARCHIVE\" 127.0.0.1:\$PORT/bench/app:t --compression $compression --insecure-registry 127.0.0.1:\$PORT"
done
measure "skopeo copy (layout)" 'skopeo copy -q --dest-tls-verify=false oci:$WORK/layout:bench docker://127.0.0.1:$PORT/bench/app:t'
measure "curl PUT (raw blob)" '
  location=$(curl -sf -X POST -D - -o /dev/null "http://127.0.0.1:$PORT/v2/bench/app/blobs/uploads/" | tr -d "\r" | awk -F": " "tolower(\$1)==\"location\"{print \$2}")
  case "$location" in http*) ;; *) location="http://127.0.0.1:$PORT$location";; esac
  case "$location" in *\?*) sep="&";; *) sep="?";; esac
  curl -sf -T "$ARCHIVE" -H "Content-Type: application/octet-stream" -H "Expect:" "$location${sep}digest=$DIGEST" -o /dev/null'
if command -v buildah >/dev/null; then
  measure "buildah (tutorial path)" '
    b="buildah --root $WORK/buildah --runroot $WORK/buildah-run --storage-driver vfs"
    ctr=$($b from scratch)
    $b add "$ctr" "$ARCHIVE" /
    $b config --annotation=io.kubernetes.cri-o.annotations.checkpoint.name=bench "$ctr"
    $b commit -q "$ctr" bench:checkpoint >/dev/null
    $b push -q --tls-verify=false bench:checkpoint docker://127.0.0.1:$PORT/bench/app:t
    rm -rf "$WORK/buildah" "$WORK/buildah-run"'
fi

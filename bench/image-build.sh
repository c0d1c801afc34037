#!/usr/bin/env bash
# Throughput and memory of building a checkpoint image layout, per layer compression.
#
# Makes a CRI-O-layout checkpoint archive (default 1 GiB, half zero pages, half random pages),
# then times the image build once per compression and reports wall time, MB/s and peak RSS.
#
#   bench/image-build.sh [SIZE_MIB] [compression ...]
#   PODHOP=.build/release/podhop bench/image-build.sh 1024 none gzip zstd
#
# The build is run through `podhop image build`; PODHOP_IMAGE_BUILD overrides the command line,
# with {archive}, {compression}, {layout} and {tag} substituted. gzip uses ISA-L.
set -euo pipefail

size_mib=${1:-1024}
shift || true
compressions=("$@")
[ ${#compressions[@]} -gt 0 ] || compressions=(none gzip zstd)
podhop=${PODHOP:-.build/release/podhop}
command_template=${PODHOP_IMAGE_BUILD:-"$podhop image build {archive} --oci-layout {layout} --compression {compression} --tag {tag}"}

for tool in tar sha256sum /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "image-build.sh: $tool is required" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/podhop-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

archive="$work/checkpoint.tar"
"$(dirname "$0")/make-archive.sh" "$size_mib" "$archive"
bytes=$(stat -c %s "$archive")
cat "$archive" >/dev/null  # page cache warm: measure CPU, not the first disk read
echo "archive: $bytes bytes ($(sha256sum "$archive" | cut -c1-16)…), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

printf '%-8s %9s %9s %12s %10s\n' compression seconds 'MB/s' 'layer bytes' 'max RSS'
for compression in "${compressions[@]}"; do
  layout="$work/layout-$compression"
  command=${command_template//\{archive\}/$archive}
  command=${command//\{compression\}/$compression}
  command=${command//\{layout\}/$layout}
  command=${command//\{tag\}/bench}
  # shellcheck disable=SC2086  # the template is split into words on purpose
  if ! /usr/bin/time -f '%e %M' -o "$work/time" $command >"$work/out" 2>&1; then
    echo "image-build.sh: '$command' failed:" >&2
    cat "$work/out" >&2
    exit 1
  fi
  read -r seconds rss_kib <"$work/time"
  layer=$( (find "$layout/blobs/sha256" -type f -printf '%s\n' 2>/dev/null || true) | sort -n | tail -1)
  layer=${layer:-?}
  mbps=$(awk -v b="$bytes" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0 ? b / s / 1e6 : 0) }')
  printf '%-8s %9s %9s %12s %7s MiB\n' "$compression" "$seconds" "$mbps" "$layer" "$((rss_kib / 1024))"
  rm -rf "$layout"
done

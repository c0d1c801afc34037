#!/usr/bin/env bash
# Writes a checkpoint archive shaped like the kubelet's (CRI-O layout, entries at the root) of
# SIZE_MIB MiB of memory pages, half zero pages and half random, to OUT.
#   bench/make-archive.sh SIZE_MIB OUT
set -euo pipefail
size_mib=$1
out=$2
src=$(mktemp -d "${TMPDIR:-/tmp}/podhop-archive-XXXXXX")
trap 'rm -rf "$src"' EXIT
mkdir -p "$src/checkpoint"
printf '{"name":"k8s_bench_bench-0_default_00000000-0000-0000-0000-000000000000_0","rootfsImageName":"docker.io/library/busybox:latest","runtime":"runc"}' >"$src/config.dump"
printf '{"annotations":{"io.container.manager":"cri-o","io.kubernetes.container.name":"bench","io.kubernetes.pod.name":"bench-0","io.kubernetes.pod.namespace":"default"}}' >"$src/spec.dump"
printf '[]' >"$src/bind.mounts"
printf 'inventory' >"$src/checkpoint/inventory.img"
half=$((size_mib / 2))
head -c "$((half * 1024 * 1024))" /dev/zero >"$src/checkpoint/pages-1.img"
head -c "$(((size_mib - half) * 1024 * 1024))" /dev/urandom >"$src/checkpoint/pages-2.img"
tar --format=gnu --numeric-owner --owner=0 --group=0 -C "$src" -cf "$out" config.dump spec.dump bind.mounts checkpoint

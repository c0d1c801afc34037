#!/usr/bin/env bash
# Installs what podhop needs to build, run and test, if it is missing: Debian packages for the C
# libraries and the real peers the tests talk to (OCI registry, skopeo, umoci, wrk).
# The Swift 6.3 toolchain itself must already be on PATH (see README).
set -euo pipefail

packages=(
  pkg-config libsqlite3-dev libmicrohttpd-dev libcurl4-openssl-dev libssl-dev libyaml-dev
  libisal-dev zlib1g-dev libzstd-dev
  docker-registry skopeo umoci apache2-utils zstd openssl curl python3 wrk
)
missing=()
sudo_prefix=""
[ "$(id -u)" -eq 0 ] || sudo_prefix="sudo"
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  $sudo_prefix apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_prefix apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# kubernetes-validate (PyPI) checks deploy/ against the Kubernetes schemas, offline.
if ! python3 -c 'import importlib.metadata as m; assert m.version("kubernetes-validate") == "1.37.0"' 2>/dev/null; then
  if ! python3 -m pip --version >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive ${sudo_prefix:-} apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
  fi
  # Debian's own python3 refuses pip installs outside a venv (PEP 668) unless told otherwise.
  python3 -m pip install --quiet --disable-pip-version-check kubernetes-validate==1.37.0 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages kubernetes-validate==1.37.0
fi
# schemathesis (PyPI) fuzzes the API from openapi.yaml (Tests/EndToEndTests/APIFuzzTests.swift).
if ! python3 -c 'import importlib.metadata as m; assert m.version("schemathesis") == "4.32.5"' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check schemathesis==4.32.5 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages schemathesis==4.32.5
fi
# Debian's docker-registry package starts a system registry on :5000; the tests start their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
  systemctl stop docker-registry || true
fi
command -v swift >/dev/null || { echo "swift is not on PATH: install the Swift 6.3 toolchain (README)" >&2; exit 1; }

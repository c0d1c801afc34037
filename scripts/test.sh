#!/usr/bin/env bash
# The whole test suite: installs what is missing, checks formatting, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift format lint --strict --recursive Package.swift Sources Tests Plugins
swift build --build-tests
swift test --skip-build --parallel

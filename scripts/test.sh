#!/usr/bin/env bash
# The whole test suite: installs what is missing, checks formatting, builds, runs every test.
# Two phases: the unit and in-process suites first, with the machine to themselves (their
# servers answer on Swift's small cooperative pool), then the end-to-end suites, which start
# real processes (podhop, the emulator, docker-registry, schemathesis) and load every core.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift format lint --strict --recursive Package.swift Sources Tests Plugins
swift build --build-tests
swift test --skip-build --parallel --skip '^EndToEndTests\.'
swift test --skip-build --parallel --filter '^EndToEndTests\.'

#!/usr/bin/env bash
# Set up on a fresh machine and run the whole test suite: lint, types, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# A real PostgreSQL on 127.0.0.1 for the store tests (installed with apt when missing).
COVERED_TEST_PG_URL=$(bash scripts/postgres.sh)
export COVERED_TEST_PG_URL
# A real RabbitMQ on 127.0.0.1 for the site-worker tests (installed with apt when missing; stopped at the end).
COVERED_TEST_AMQP_URL=$(bash scripts/rabbitmq.sh)
export COVERED_TEST_AMQP_URL
trap 'bash scripts/rabbitmq.sh stop' EXIT
# Debian's Chromium for the dashboard's browser tests (Playwright drives it; no browser download).
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# axe-core (MPL-2.0), the accessibility checker the browser tests run in each page; a test tool from the npm
# registry, pinned, kept under .cache/ and never shipped.
AXE_VERSION=4.10.3
if [ ! -f ".cache/npm/node_modules/axe-core/axe.min.js" ] || ! grep -q "\"version\": \"$AXE_VERSION\"" .cache/npm/node_modules/axe-core/package.json; then
  if ! command -v npm >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  npm install --silent --no-audit --no-fund --prefix .cache/npm "axe-core@$AXE_VERSION" >/dev/null
fi
# The consumers of `covered export`, which its tests use to read every file back: nft, ipset, iptables-restore,
# named-checkzone and suricata -T.
missing=""
for tool in nft:nftables ipset:ipset iptables-restore:iptables named-checkzone:bind9-utils suricata:suricata; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing="$missing ${tool##*:}"
done
if [ -n "$missing" ]; then
  apt-get update -qq >/dev/null
  # A package the machine's registry does not offer (suricata is absent from some mirrors) is reported, and the
  # tests that need it are skipped with that reason; the rest are installed.
  offered=""
  for package in $missing; do
    if [[ "$(apt-cache policy "$package" 2>/dev/null)" == *"Candidate: "[!\(]* ]]; then
      offered="$offered $package"
    else
      echo "test.sh: $package is not offered by this machine's package registry; its tests will be skipped" >&2
    fi
  done
  if [ -n "$offered" ]; then
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $offered >/dev/null
  fi
fi
.venv/bin/ruff check src tests benchmarks
.venv/bin/mypy
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$status"

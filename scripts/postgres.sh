#!/usr/bin/env bash
# Install (if needed) and start a local PostgreSQL for the test suite; prints the URL tests use.
# Listens on 127.0.0.1 only. Idempotent.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  if runuser -u postgres -- pg_isready -q -h 127.0.0.1; then break; fi
  sleep 1
done
runuser -u postgres -- psql -q -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'covered') THEN CREATE ROLE covered LOGIN PASSWORD 'covered' CREATEDB; END IF; END \$\$;" >/dev/null
echo "postgresql+psycopg://covered:covered@127.0.0.1:5432/postgres"

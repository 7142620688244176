#!/usr/bin/env bash
# Makes sure a Postgres accepting trust-auth connections runs on 127.0.0.1:5432 (what the tests use).
# Starts the installed cluster if it is stopped; installs Debian's postgresql if none is installed.
set -euo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; }

if command -v pg_isready >/dev/null && ready; then echo "Postgres is running."; exit 0; fi

if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "No Postgres cluster installed: installing Debian's postgresql..."
  [ "$(id -u)" = 0 ] || { echo "need root to install postgresql" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
fi

version="$(ls /etc/postgresql | sort -V | tail -n1)"
hba="/etc/postgresql/$version/main/pg_hba.conf"
if ! grep -Eq '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
  echo "Allowing trust auth for local test connections in $hba"
  sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  sed -i '1i local all all trust' "$hba"
fi
echo "Starting Postgres $version..."
pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster --skip-systemctl-redirect "$version" main restart

for _ in $(seq 1 60); do ready && { echo "Postgres is running."; exit 0; }; sleep 1; done
echo "Postgres did not become ready on 127.0.0.1:5432" >&2
exit 1

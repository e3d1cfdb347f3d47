#!/usr/bin/env bash
# The integration tests use a real PostgreSQL at 127.0.0.1:5432 (user postgres, no password).
# Start it when it is down. When it is not installed and this is Debian as root, install it; as root, let
# local TCP connections in without a password (Debian's default asks for one); otherwise stop with the
# exact command to run. Nothing is skipped.
set -euo pipefail
host=${PGHOST:-127.0.0.1}
port=${PGPORT:-5432}

ready() { pg_isready -q -h "$host" -p "$port" 2>/dev/null; }
cluster() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n1; }
start() {
  echo "flock: starting PostgreSQL…"
  pg_ctlcluster --skip-systemctl-redirect "$(cluster)" main start || true
  for _ in $(seq 1 30); do ready && return 0; sleep 1; done
  return 1
}

# Local TCP connections without a password, as the tests connect (user postgres, no password). Debian's
# default is scram-sha-256 for 127.0.0.1 and ::1; as root this changes those two lines only, and reloads.
trust_local() {
  [ "$(id -u)" = 0 ] || return 0
  local hba
  hba="/etc/postgresql/$(cluster)/main/pg_hba.conf"
  [ -f "$hba" ] || return 0
  if grep -Eq '^host\s+all\s+all\s+(127\.0\.0\.1/32|::1/128)\s+(md5|scram-sha-256|password)' "$hba"; then
    echo "flock: letting local TCP connections into PostgreSQL without a password ($hba)"
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
    if ready; then pg_ctlcluster --skip-systemctl-redirect "$(cluster)" main reload || true; fi
  fi
}

if command -v pg_ctlcluster >/dev/null 2>&1 && [ -n "$(cluster)" ]; then trust_local; fi
if ready; then exit 0; fi

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(cluster)" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "flock: installing PostgreSQL from Debian's packages…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    trust_local
  else
    echo "flock: PostgreSQL is not installed. Run (as root):" >&2
    echo "  apt-get update && apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
    exit 1
  fi
fi

start && exit 0
echo "flock: PostgreSQL does not answer at $host:$port. Start it with:" >&2
echo "  pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
exit 1

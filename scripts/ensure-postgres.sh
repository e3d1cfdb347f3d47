#!/usr/bin/env bash
# The integration tests use the machine's PostgreSQL at 127.0.0.1:5432. Start it when it is down;
# when it is not installed, say exactly how to fix that instead of skipping anything.
set -euo pipefail
host=${PGHOST:-127.0.0.1}
port=${PGPORT:-5432}

ready() { pg_isready -q -h "$host" -p "$port" 2>/dev/null; }

if ready; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  echo "flock: starting PostgreSQL…"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do ready && exit 0; sleep 1; done
fi
echo "flock: PostgreSQL is not reachable at $host:$port." >&2
echo "  Install and start it:  apt-get update && apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
exit 1

#!/usr/bin/env bash
# The browser tests drive Debian's Chromium. When it is missing, install it if this machine allows
# (root on Debian); otherwise stop with the exact command that installs it. Never skip.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
FIX='apt-get update && apt-get install -y chromium'

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; then
  echo "web tests: $CHROMIUM is missing; installing it ($FIX)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2 && apt-get install -y chromium >&2
  [ -x "$CHROMIUM" ] && exit 0
fi

echo "web tests: $CHROMIUM is missing. Install it with: $FIX" >&2
exit 1

#!/usr/bin/env bash
# Makes sure the system programs the deploy tests run are present: Debian's nginx, Prometheus (with
# promtool) and kubectl (with kustomize). Installs nginx and prometheus when running as root on Debian;
# otherwise fails with the exact command to run. Never skips.
set -euo pipefail

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)

if [ "${#missing[@]}" -gt 0 ]; then
  # shellcheck disable=SC2207
  pkgs=($(printf '%s\n' "${missing[@]}" | sort -u))
  cmd="apt-get update && apt-get install -y --no-install-recommends ${pkgs[*]}"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deploy tests: installing ${pkgs[*]} ($cmd)" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; } >&2; then
      echo "deploy tests: could not install ${pkgs[*]}; run: $cmd" >&2
      exit 1
    fi
    # The packages start system services; the tests run their own instances on free ports.
    for svc in nginx prometheus; do
      if command -v systemctl >/dev/null 2>&1; then systemctl stop "$svc" >/dev/null 2>&1 || true; fi
      if [ -x "/etc/init.d/$svc" ]; then "/etc/init.d/$svc" stop >/dev/null 2>&1 || true; fi
    done
  else
    echo "deploy tests need ${pkgs[*]}; run as root: $cmd" >&2
    exit 1
  fi
fi

if ! command -v kubectl >/dev/null 2>&1; then
  echo "deploy tests need kubectl (with its built-in kustomize); install it from https://kubernetes.io/docs/tasks/tools/" >&2
  exit 1
fi

#!/usr/bin/env bash
# System packages the publish tests need: headless Chromium, to look at the site as a reader does,
# and nginx, to run the server configuration the site ships (its service is not started).
# Runs as root on a fresh Debian machine; safe to run again.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1; then
  echo "chromium and nginx already installed"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# The tests run nginx themselves on a loopback port; keep the package from starting a service on :80.
created_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
trap '[ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d' EXIT
apt-get update
apt-get install -y --no-install-recommends chromium fonts-dejavu-core nginx-light
chromium --version 2>/dev/null || true

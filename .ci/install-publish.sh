#!/usr/bin/env bash
# System packages the publish tests need: headless Chromium, to look at the site as a reader does.
# Runs as root on a fresh Debian machine; safe to run again.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "chromium already installed: $(chromium --version 2>/dev/null || true)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium fonts-dejavu-core
chromium --version 2>/dev/null || true

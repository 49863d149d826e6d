#!/usr/bin/env bash
# Triple stores for the tests: Virtuoso Open Source 7 from Debian (the Oxigraph server comes
# from PyPI with the test extra). Idempotent; runs as root on a fresh Debian machine.
set -euo pipefail
if command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin >/dev/null

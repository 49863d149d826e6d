#!/usr/bin/env bash
# Independent validators for the conformance tests (tests/conformance): Raptor's rapper, serdi and
# Apache Jena's riot from Debian, and jsonld.js + N3.js from npm (versions pinned by
# tests/conformance/node/package-lock.json). Idempotent; runs as root on a fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! { command -v rapper && command -v serdi && command -v java \
       && [ -e /usr/share/java/jena-arq.jar ]; } >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends \
    raptor2-utils serdi libapache-jena-java default-jre-headless >/dev/null
fi

node_dir=tests/conformance/node
command -v npm >/dev/null || { echo "install-conformance: npm (node 18 or later) is needed" >&2; exit 1; }
stamp="$node_dir/node_modules/.installed-package-lock.json"
# npm ci deletes and reinstalls node_modules; skip it when this lock file is already installed.
if ! cmp -s "$node_dir/package-lock.json" "$stamp"; then
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$node_dir/package-lock.json" "$stamp"
fi

#!/bin/sh
# record.sh regenerates ../httpyac-wire.json: the bytes httpyac sends for
# every request of ../http-corpus.json, recorded on 127.0.0.1 (see
# record.mjs and hook.cjs). Needs node (20+), npm and openssl; installs the
# httpyac version pinned in package-lock.json into node_modules here.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
node record.mjs ../http-corpus.json inputs.json ../httpyac-wire.json
echo "wrote runner/testdata/httpyac-wire.json"

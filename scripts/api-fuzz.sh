#!/usr/bin/env bash
# The partners' API checked by Schemathesis, an OpenAPI-driven tester written apart from this
# project: it reads the served contract (/api/v1/openapi.json), generates requests from it
# (valid values, edge values, values the schemas refuse) and checks every answer against it
# (status documented, content type, body schema, refusals of what the schema refuses,
# acceptance of what it accepts).
#
#   scripts/api-fuzz.sh [EXTRA SCHEMATHESIS OPTIONS]      e.g. --max-examples 500 --seed 7
#
# A fresh demo database in a temporary directory, a `*` token made by the CLI, the release
# server on a free loopback port; everything is removed afterwards. Schemathesis is installed
# from PyPI into target/schemathesis (OBRYL_FUZZ_VENV to use another virtualenv). Exits with
# Schemathesis' code.
#
# Every check runs, `positive_data_acceptance` included: each list's cursor parameter says its
# exact form, and any value of that form is a place in the list, so whatever the schemas accept
# is answered 2xx (or 404 for a project that is not there). tests/api_params.rs, run by
# `cargo test`, holds the server to the same from the document on both backends.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${OBRYL_FUZZ_VENV:-target/schemathesis}
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet 'schemathesis>=4,<5'
fi

# OBRYL_BIN: a binary already built (e.g. target/debug/obryl); else the release one is built.
BIN=${OBRYL_BIN:-}
if [ -z "$BIN" ]; then
  cargo build --release --bin obryl
  BIN=$PWD/target/release/obryl
fi

WORK=$(mktemp -d)
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export OBRYL_PASSWORD=demo
obryl() { "$BIN" --data-dir "$WORK/data" --database-url "sqlite://$WORK/api.db" "$@"; }
obryl migrate >/dev/null
obryl seed --size demo --seed 7 >/dev/null
TOKEN=$(obryl --as admin@obryl.test token create --name "Schemathesis" --abilities '*' 2>/dev/null)

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
OBRYL_API_RATE_PER_SECOND=0 obryl --as admin@obryl.test serve --api --listen "127.0.0.1:$PORT" \
  >"$WORK/serve.log" 2>&1 &
SERVER=$!

set +e
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --wait-for-schema 30 \
  --header "Authorization: Bearer $TOKEN" \
  --checks all \
  --max-examples "${OBRYL_FUZZ_EXAMPLES:-200}" \
  --report-dir "$WORK/report" \
  "$@"
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "--- server log" >&2
  tail -n 40 "$WORK/serve.log" >&2
fi
exit "$status"

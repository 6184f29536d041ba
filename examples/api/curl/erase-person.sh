#!/bin/sh
# Erase a lead by id (find it with GET /v1/leads?email=…); 204 also when it is already gone.
#   LEADLOOP_SECRET_KEY=sk_… sh curl/erase-person.sh lead_…
set -eu
: "${LEADLOOP_URL:=http://127.0.0.1:8787}"
curl --fail-with-body -sS -X DELETE "$LEADLOOP_URL/v1/leads/$1" \
  -H "Authorization: Bearer $LEADLOOP_SECRET_KEY" -o /dev/null -w '%{http_code}\n'

#!/bin/sh
# Leads that became marketing-qualified (or better) since yesterday, first page of 100.
#   LEADLOOP_SECRET_KEY=sk_… sh curl/new-mqls.sh
set -eu
: "${LEADLOOP_URL:=http://127.0.0.1:8787}"
since=$(date -u -d 'yesterday' +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v-1d +%Y-%m-%dT%H:%M:%SZ)
curl --fail-with-body -sS -G "$LEADLOOP_URL/v1/leads" \
  -H "Authorization: Bearer $LEADLOOP_SECRET_KEY" \
  --data-urlencode "status=mql,sql" \
  --data-urlencode "updatedSince=$since" \
  --data-urlencode "limit=100"
echo

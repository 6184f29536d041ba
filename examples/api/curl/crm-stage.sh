#!/bin/sh
# A deal won in the CRM: the lead becomes a customer with the deal's value.
#   LEADLOOP_SECRET_KEY=sk_… sh curl/crm-stage.sh ada@acme.com deal-4711 5000
set -eu
: "${LEADLOOP_URL:=http://127.0.0.1:8787}"
curl --fail-with-body -sS "$LEADLOOP_URL/v1/conversions" \
  -H "Authorization: Bearer $LEADLOOP_SECRET_KEY" \
  -H "Content-Type: application/json" \
  -d "{\"email\": \"$1\", \"stage\": \"customer\", \"value\": ${3:-5000}, \"currency\": \"USD\", \"externalId\": \"$2\"}"
echo

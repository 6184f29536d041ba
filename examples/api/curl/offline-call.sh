#!/bin/sh
# A call logged by a call-tracking system, on the lead with that phone number.
#   LEADLOOP_SECRET_KEY=sk_… sh curl/offline-call.sh +14155550123 call-981 245
set -eu
: "${LEADLOOP_URL:=http://127.0.0.1:8787}"
curl --fail-with-body -sS "$LEADLOOP_URL/v1/events" \
  -H "Authorization: Bearer $LEADLOOP_SECRET_KEY" \
  -H "Content-Type: application/json" \
  -d "{\"events\": [{\"id\": \"$2\", \"type\": \"track\", \"name\": \"call_completed\", \"phone\": \"$1\", \"properties\": {\"durationSeconds\": ${3:-0}, \"outcome\": \"answered\"}}]}"
echo

#!/usr/bin/env bash
# Key-authentication overhead per API request, measured with wrk against a running Imagegate.
#
#   BASE=http://localhost:18080 bench/apikey-auth.sh
#
# Signs up a throwaway user, creates a live key through the settings page (as a browser would, with CSRF), then
# compares requests that go through the same filters:
#   baseline  DELETE /api/v1/account with a malformed key: 401 before any database work
#   auth      DELETE /api/v1/account with a valid key: full key authentication, then 405 (no controller runs)
#   account   GET /api/v1/account with a valid key: authentication plus the endpoint's own workspace read
# "auth" minus "baseline" is what authenticating a key costs. (An unknown route is not a good probe: Spring looks
# for a static resource of that name on the whole classpath before it answers 404, which costs more than the auth.)
set -euo pipefail
BASE=${BASE:-http://localhost:8080}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || { echo "wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }

jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
csrf() { curl -s -b "$jar" -c "$jar" "$BASE$1" | grep -o 'name="_csrf"[^>]*value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }

email="bench-$(date +%s)-$RANDOM@example.com"
curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "email=$email" --data-urlencode "password=bench-password-1" \
  --data-urlencode "_csrf=$(csrf /signup)" "$BASE/signup"
secret=$(curl -s -b "$jar" -c "$jar" --data-urlencode "name=bench" --data-urlencode "mode=live" \
  --data-urlencode "_csrf=$(csrf /app/keys)" "$BASE/app/keys" | grep -oE 'ig_live_[0-9A-Za-z]{43}' | head -1)
[ -n "$secret" ] || { echo "could not create a key" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $secret" "$BASE/api/v1/account")" = 200 ]

delete=$(mktemp --suffix=.lua)
trap 'rm -f "$jar" "$delete"' EXIT
echo 'wrk.method = "DELETE"' > "$delete"

run() {
  local label=$1 header=$2 path=$3 script=${4:-}
  local extra=()
  [ -n "$script" ] && extra=(-s "$script")
  # Warm up the JIT and the connection pool first, then measure.
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "${extra[@]}" -H "Authorization: $header" "$BASE$path" >/dev/null
  echo "== $label: ${script:+DELETE }$path"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${extra[@]}" -H "Authorization: $header" "$BASE$path" \
    | grep -E 'Requests/sec|Latency  |50%|99%|Non-2xx'
  echo "   one connection:"
  wrk -t1 -c1 -d10s --latency "${extra[@]}" -H "Authorization: $header" "$BASE$path" | grep -E 'Requests/sec|50%|99%'
}
run baseline "Bearer not-a-key" /api/v1/account "$delete"
run auth "Bearer $secret" /api/v1/account "$delete"
run account "Bearer $secret" /api/v1/account

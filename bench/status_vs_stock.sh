#!/bin/sh
# Speed budgets of issue 3, measured side by side with PocketBase's stock
# endpoints on the same data, in one run, against a local server:
#   1. the public status page  GET /tra-cuu/<code>?k=<key>
#      vs the stock record view GET /api/collections/dossiers/records/<id> (reception token)
#   2. intake (POST /api/collections/dossiers/records, 10 concurrent clerks, p99)
#      vs the stock create on a plain collection with no hooks.
# Usage: bench/status_vs_stock.sh [seconds per run, default 10]
# Needs: go, wrk, curl, jq. Listens on 127.0.0.1:18090 only; data in a temp folder.
set -eu
DUR=${1:-10}
PORT=18090
BASE=http://127.0.0.1:$PORT
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$TMP"' EXIT INT TERM

cd "$ROOT"
go build -o "$TMP/motcua" .
# A binary in a temp folder looks like "go run" to PocketBase, which then writes
# automigrate files for collections made through the API into ./pb_migrations:
# run from the temp folder so those land there, never in the repository.
cd "$TMP"
"$TMP/motcua" superuser upsert bench@test.motcua.vn 'bench password 1' --dir="$TMP/pb_data" >/dev/null
"$TMP/motcua" serve --http=127.0.0.1:$PORT --dir="$TMP/pb_data" >"$TMP/server.log" 2>&1 &
PID=$!
for i in $(seq 1 50); do curl -fs "$BASE/api/health" >/dev/null 2>&1 && break; sleep 0.2; done

json() { curl -fsS -H 'Content-Type: application/json' "$@"; }
SU=$(json -d '{"identity":"bench@test.motcua.vn","password":"bench password 1"}' "$BASE/api/collections/_superusers/auth-with-password" | jq -r .token)
json -H "Authorization: $SU" -d '{"username":"bench.reception","email":"bench.reception@test.motcua.vn","password":"correct horse 1","passwordConfirm":"correct horse 1","name":"Bench","role":"reception","verified":true}' \
  "$BASE/api/collections/staff/records" >/dev/null
TOKEN=$(json -d '{"identity":"bench.reception","password":"correct horse 1"}' "$BASE/api/collections/staff/auth-with-password" | jq -r .token)
PROC=$(curl -fsS -H "Authorization: $TOKEN" "$BASE/api/collections/procedures/records?filter=code%3D%271.001193%27" | jq -r '.items[0].id')
BODY=$(jq -cn --arg p "$PROC" '{procedure:$p, applicant_name:"Thạch Thị Sa Ry", applicant_id_number:"079203001234",
  applicant_phone:"0912345678", applicant_address:"Ấp Mỹ Hòa, Xã Mỹ Hương",
  papers:[{index:0,kind:"original",count:1},{index:1,kind:"original",count:1},{index:2,kind:"copy",count:1}]}')
# 300 dossiers, so both reads look one up among many.
for i in $(seq 1 300); do json -H "Authorization: $TOKEN" -d "$BODY" "$BASE/api/collections/dossiers/records" >"$TMP/last.json"; done
CODE=$(jq -r .code "$TMP/last.json"); KEY=$(jq -r .lookup_key "$TMP/last.json"); ID=$(jq -r .id "$TMP/last.json")
# A plain collection with no hooks and a public create rule, for the stock create.
json -H "Authorization: $SU" -d '{"name":"plain_notes","type":"base","createRule":"","fields":[{"name":"title","type":"text"},{"name":"note","type":"text"}]}' \
  "$BASE/api/collections" >/dev/null

echo "== reads (wrk -t2 -c20 -d${DUR}s) =="
echo "-- status page GET /tra-cuu/$CODE?k=…"
wrk -t2 -c20 -d"${DUR}s" --latency "$BASE/tra-cuu/$CODE?k=$KEY" | grep -E 'Requests/sec|Non-2xx|50%|99%'
echo "-- stock view GET /api/collections/dossiers/records/$ID (reception token)"
wrk -t2 -c20 -d"${DUR}s" --latency -H "Authorization: $TOKEN" "$BASE/api/collections/dossiers/records/$ID" | grep -E 'Requests/sec|Non-2xx|50%|99%'

cat >"$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
LUA
echo "== writes (wrk -t2 -c10 -d${DUR}s: 10 concurrent clerks) =="
echo "-- intake POST /api/collections/dossiers/records"
printf 'wrk.body = [[%s]]\nwrk.headers["Authorization"] = "%s"\n' "$BODY" "$TOKEN" >>"$TMP/post.lua"
wrk -t2 -c10 -d"${DUR}s" --latency -s "$TMP/post.lua" "$BASE/api/collections/dossiers/records" | grep -E 'Requests/sec|Non-2xx|50%|90%|99%'
cat >"$TMP/plain.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title":"Thạch Thị Sa Ry","note":"0912345678"}'
LUA
echo "-- stock create POST /api/collections/plain_notes/records"
wrk -t2 -c10 -d"${DUR}s" --latency -s "$TMP/plain.lua" "$BASE/api/collections/plain_notes/records" | grep -E 'Requests/sec|Non-2xx|50%|90%|99%'
N=$(curl -fsS -H "Authorization: $TOKEN" "$BASE/api/collections/dossiers/records?perPage=1" | jq .totalItems)
echo "dossiers after the run: $N (codes distinct: unique index on code)"

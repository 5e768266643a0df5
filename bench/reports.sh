#!/usr/bin/env bash
# Budgets of issue 7 on a generated database: seeds N dossiers (default 1,000,000)
# with `motcua seed --dossiers` into a temp dir (timing the generator), serves it
# on 127.0.0.1, and measures with curl's time_total:
#   - the monthly report (JSON) for last month, this month and a month 4 years ago,
#   - the xlsx export of last month,
#   - staff search p50/p95 over a mix of names, ID numbers, phones and codes,
#     side by side with PocketBase's stock filtered list on the same data
#     (GET /api/collections/dossiers/records?filter=search~… as the superuser,
#     the only caller allowed to filter on the hidden search column).
# Usage: bench/reports.sh [N] [data dir to reuse]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
work=$(mktemp -d)
data=${2:-$work/data}
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pid=
go build -o "$work/motcua" .
bin="$work/motcua"
if [ ! -f "$data/data.db" ]; then
  t0=$(date +%s%N)
  "$bin" seed --demo --dossiers "$n" --dir="$data" | tee "$work/seed.txt" | tr '\r' '\n' | tail -2
  t1=$(date +%s%N)
  echo "generator: $n dossiers in $(( (t1 - t0) / 1000000 )) ms ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$bin" superuser upsert bench@motcua.local 'bench password 1' --dir="$data" >/dev/null
  grep -o 'demo.leader *password: [^ ]*' "$work/seed.txt" | awk '{print $3}' > "$data/leader.pw"
  grep -o 'demo.reception *password: [^ ]*' "$work/seed.txt" | awk '{print $3}' > "$data/reception.pw"
fi
echo "database: $(du -m "$data/data.db" | cut -f1) MB"
port=18197
"$bin" serve --http=127.0.0.1:$port --dir="$data" >/dev/null 2>&1 &
pid=$!
base=http://127.0.0.1:$port
until curl -fsS "$base/api/health" >/dev/null 2>&1; do sleep 0.1; done
token() { curl -fsS -H 'Content-Type: application/json' -d "{\"identity\":\"$2\",\"password\":\"$3\"}" "$base/api/collections/$1/auth-with-password" | sed 's/.*"token":"\([^"]*\)".*/\1/'; }
leader=$(token staff demo.leader "$(cat "$data/leader.pw")")
reception=$(token staff demo.reception "$(cat "$data/reception.pw")")
su=$(token _superusers bench@motcua.local 'bench password 1')

timeit() { # url token → seconds
  curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: $2" "$1"
}
stats() { # reads seconds, prints p50 p95 max in ms
  sort -n | awk '{a[NR]=$1} END {printf "n=%d p50=%.1f ms p95=%.1f ms max=%.1f ms\n", NR, a[int(NR*0.5)+1]*1000, a[int(NR*0.95)]*1000, a[NR]*1000}'
}
last=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
this=$(date +%Y-%m)
old=$(date -d "$(date +%Y-%m-01) -4 years" +%Y-%m)
for p in "$last" "$this" "$old"; do
  for i in 1 2 3 4 5; do timeit "$base/api/motcua/reports/summary?period=$p" "$leader"; done | stats | sed "s/^/report JSON $p: /"
done
for i in 1 2 3 4 5; do timeit "$base/api/motcua/reports/summary.xlsx?period=$last" "$leader"; done | stats | sed "s/^/report xlsx $last: /"
for i in 1 2 3 4 5; do timeit "$base/api/motcua/reports/summary?period=$(date +%Y)" "$leader"; done | stats | sed "s/^/report JSON year $(date +%Y): /"
for i in 1 2 3 4 5; do timeit "$base/api/motcua/dashboard" "$leader"; done | stats | sed "s/^/dashboard JSON: /"
for i in 1 2 3 4 5; do timeit "$base/api/motcua/dashboard/chart/on-time-monthly.svg" "$leader"; done | stats | sed "s/^/dashboard chart on-time-monthly.svg: /"
curl -fsS -H "Authorization: $leader" "$base/api/motcua/reports/summary?period=$last" -o "$work/report.json" && head -c 400 "$work/report.json"; echo

# Queries a clerk types: full and partial names without accents, an ID number,
# a phone, a code prefix. Taken from the generated data so they match.
mapfile -t qs < <(printf '%s\n' "nguyen van an" "thach thi sa ry" "son thi" "lam van soc" "kim ngoc" "danh van sang" \
  "tran thi kim hoa" "chau minh" "huynh" "le thu trang" "nguyen" "0912" "094" "ly quoc vu" "duong thi my yen" "tang van" \
  "sa ruol" "vo thanh nam" "pham ngoc" "truong huu")
# Exact values from the data (sqlite3 CLI, read-only): a code, a code prefix, an ID number, a phone.
while IFS='|' read -r code id phone; do
  qs+=("$code" "${code:0:20}" "$id" "$phone")
done < <(sqlite3 -readonly "$data/data.db" "SELECT code, applicant_id_number, applicant_phone FROM dossiers WHERE applicant_phone != '' AND rowid IN (1000, 400000, 900000, 999000)")
urlenc() { python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$1"; }
: > "$work/ours"; : > "$work/stock"
for round in 1 2 3 4 5; do
  for q in "${qs[@]}"; do
    e=$(urlenc "$q")
    timeit "$base/api/motcua/search?q=$e" "$reception" >> "$work/ours"
    f=$(urlenc "search~'$q'")
    timeit "$base/api/collections/dossiers/records?filter=$f&sort=-received_at&perPage=50&skipTotal=1" "$su" >> "$work/stock"
  done
done
echo "search /api/motcua/search (reception): $(stats < "$work/ours")"
echo "stock GET /api/collections/dossiers/records?filter=search~…&sort=-received_at&skipTotal=1 (superuser): $(stats < "$work/stock")"

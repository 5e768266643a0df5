#!/usr/bin/env bash
# Proof of speed and scale (issue 9): one run, one machine, side by side with
# PocketBase's own stock endpoints on the same generated data.
#
# For each size N it seeds a fresh data folder with `motcua seed --demo --dossiers N`,
# starts `motcua serve` on 127.0.0.1, and measures with wrk (2 threads, short runs):
#   - status page  GET /tra-cuu/<code>?k=<key>        vs stock GET /api/collections/dossiers/records/<id>
#   - intake       POST /api/collections/dossiers/records (10 clerks)
#                                                     vs stock create on a plain collection (bench_plain)
#   - search       GET /api/motcua/search?q=…        vs stock GET …/dossiers/records?filter=(applicant_name~'…')
#   - monthly report JSON and xlsx (curl, a few runs), `motcua backup --to` while serving,
#   - resident memory (idle, peak), cold start to a healthy /api/health;
# once: binary size and field import of a 1,000-dossier bundle (BenchmarkFieldImport1000).
# It prints one table and writes bench/RESULTS.md (keeping the notes below its marker line).
#
# Usage: bench/run.sh [--quick] [sizes...]   default sizes: 10000 100000 1000000
#        bench/run.sh --quick                sizes 2000 20000 (a smoke run, ~3 minutes)
#        BENCH_SECONDS=5 bench/run.sh 10000  seconds per wrk run (default 10)
# Needs: go, wrk, curl, jq, sqlite3, python3. Talks to 127.0.0.1 only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DUR=${BENCH_SECONDS:-10}
# Writes run shorter: the centre draws at most 4,999 codes a day (0001–4999) and
# the generated history already used some of today's, so a 10 s intake at a few
# hundred a second would run out of codes (error.code_range_exhausted); at
# 2,000 a second even 3 s did. Failed requests are not counted as intakes.
WDUR=${BENCH_WRITE_SECONDS:-$(( DUR < 2 ? DUR : 2 ))}
# One clerk at a time: long enough for the stock list's slowest answers (about
# 3 s each at 1,000,000 dossiers) to finish at least once.
ODUR=${BENCH_ONE_SECONDS:-$(( DUR < 5 ? DUR : 5 ))}
PORT=${BENCH_PORT:-18290}
BASE=http://127.0.0.1:$PORT
sizes=()
quick=0
for a in "$@"; do
  case $a in
    --quick) quick=1 ;;
    ''|*[!0-9]*) echo "usage: bench/run.sh [--quick] [sizes...]" >&2; exit 2 ;;
    *) sizes+=("$a") ;;
  esac
done
if [ ${#sizes[@]} -eq 0 ]; then
  if [ $quick = 1 ]; then sizes=(2000 20000); else sizes=(10000 100000 1000000); fi
fi
for t in go wrk curl jq sqlite3 python3; do command -v $t >/dev/null || { echo "needs $t" >&2; exit 2; }; done

# Not under $TMPDIR (/tmp): PocketBase takes a binary there for `go run` and would
# write automigrate files when the bench creates its plain collection.
WORK=$(mktemp -d "${BENCH_WORK:-/var/tmp}/motcua-bench.XXXXXX")
PID=
stop_server() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; fi
}
trap 'stop_server; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
declare -A R # results: R[metric:N]

cd "$ROOT"
log "build"
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$WORK/motcua-stripped" .
CGO_ENABLED=0 go build -o "$WORK/motcua" . # with symbols, so perf can name functions
BIN=$WORK/motcua
mb() { awk -v b="$1" 'BEGIN{printf "%.1f", b/1048576}'; }
BINSIZE="$(mb "$(stat -c %s "$WORK/motcua-stripped")") MB stripped ($(mb "$(stat -c %s "$BIN")") MB with symbols)"
cd "$WORK" # anything the binary writes relative to its working folder lands here

rss() { awk -v k="$2:" '$1==k{printf "%.0f", $2/1024}' "/proc/$1/status"; } # pid field → MB
health_wait() { until curl -fsS "$BASE/api/health" >/dev/null 2>&1; do sleep 0.01; done; }
start_server() { # data dir → sets PID and MS (milliseconds to a healthy /api/health)
  local t0 t1
  t0=$(date +%s%N)
  "$BIN" serve --http=127.0.0.1:$PORT --dir="$1" >>"$WORK/server.log" 2>&1 &
  PID=$!
  health_wait
  t1=$(date +%s%N)
  MS=$(((t1 - t0) / 1000000))
}
json() { curl -fsS -H 'Content-Type: application/json' "$@"; }
token() { json -d "{\"identity\":\"$2\",\"password\":\"$3\"}" "$BASE/api/collections/$1/auth-with-password" | jq -r .token; }
# wrk with our Lua script; its done() prints one RESULT line: rps p50 p95 p99 n bad
# A sampler notes the server's VmRSS every 100 ms with the phase running, so the
# peak under our endpoints is told apart from the peak under PocketBase's stock ones.
phase() { echo "$1" >"$WORK/phase"; }
sampler() { # pid
  while kill -0 "$1" 2>/dev/null; do
    echo "$(cat "$WORK/phase" 2>/dev/null) $(rss "$1" VmRSS)" >>"$WORK/rss-$N.txt" 2>/dev/null || true
    sleep 0.1
  done
}
peak_of() { # phases… → max MB seen during them
  awk -v want=" $* " 'index(want, " " $1 " ") && $2 > m {m = $2} END {print m + 0}' "$WORK/rss-$N.txt"
}
bench() { # name conns script url [seconds] [threads]
  local out
  phase "$1"
  out=$(wrk -t"${6:-2}" -c"$2" -d"${5:-$DUR}s" --timeout 10s -s "$3" "$4" 2>&1 | grep '^RESULT' || true)
  [ -n "$out" ] || { echo "wrk failed for $1" >&2; out="RESULT rps=0 p50=0 p95=0 p99=0 n=0 bad=0"; }
  log "  $1: ${out#RESULT } (server RSS now $(rss "$PID" VmRSS) MB, peak so far $(rss "$PID" VmHWM) MB)"
  local kv
  for kv in ${out#RESULT }; do R["$1.${kv%%=*}:$N"]=${kv#*=}; done
}
# settle: after a write run, wait until the server has finished the work the
# run left behind (seconds, to 0.01): the search indexer taking in what it
# queued, then the WAL copied back into the database (a checkpoint, which the
# server does in the background). Both runs are charged for it: their rate is
# counted over the run and the settling, and each starts on a quiet server.
settle() {
  local t0 t1 n
  t0=$(date +%s%N)
  for _ in $(seq 3000); do
    n=$(sqlite3 -readonly "$DATA/data.db" "SELECT COUNT(*) FROM motcua_search_pending" 2>/dev/null || echo 0)
    [ "$n" = 0 ] && break
    sleep 0.02
  done
  sqlite3 "$DATA/data.db" "PRAGMA busy_timeout=10000; PRAGMA wal_checkpoint(PASSIVE)" >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  awk -v ms=$(((t1 - t0) / 1000000)) 'BEGIN{printf "%.2f", ms/1000}'
}
# settled NAME: the NAME run's rate counted over the run and its settling,
# failed requests left out.
settled() {
  R["$1.settle:$N"]=$(settle)
  R["$1.rps_wire:$N"]=${R["$1.rps:$N"]}
  R["$1.rps:$N"]=$(awk -v n="${R["$1.n:$N"]}" -v bad="${R["$1.bad:$N"]}" -v d="$WDUR" -v x="${R["$1.settle:$N"]}" \
    'BEGIN{printf "%.1f", (n-bad)/(d+x)}')
  log "  $1 settled ${R["$1.settle:$N"]} s after the run: ${R["$1.rps:$N"]} req/s counting that"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }
timeit() { curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: $2" "$1"; }
median_max() { sort -n | awk '{a[NR]=$1*1000} END {printf "%.0f %.0f\n", a[int((NR+1)/2)], a[NR]}'; }

for N in "${sizes[@]}"; do
  DATA=$WORK/data-$N
  log "== $N dossiers: seed"
  t0=$(date +%s%N)
  "$BIN" seed --demo --dossiers "$N" --dir="$DATA" >"$WORK/seed.txt" 2>&1
  t1=$(date +%s%N)
  R["seed_s:$N"]=$(awk -v ms=$(((t1 - t0) / 1000000)) 'BEGIN{printf "%.0f", ms/1000}')
  "$BIN" superuser upsert bench@motcua.local 'bench password 1' --dir="$DATA" >/dev/null
  R["db_mb:$N"]=$(mb "$(stat -c %s "$DATA/data.db")")
  R["tickets:$N"]=$(sqlite3 -readonly "$DATA/data.db" "SELECT COUNT(*) FROM tickets" 2>/dev/null || echo n/a)
  log "seeded in ${R[seed_s:$N]} s: ${R[db_mb:$N]} MB, ${R[tickets:$N]} queue tickets"
  pw() { grep -o "$1 *password: [^ ]*" "$WORK/seed.txt" | awk '{print $3}'; }

  # Cold start: the median of three starts on the seeded folder; the third stays up.
  start_server "$DATA"; s1=$MS; stop_server
  start_server "$DATA"; s2=$MS; stop_server
  start_server "$DATA"; s3=$MS
  phase idle
  sampler "$PID" &
  R["cold_ms:$N"]=$(printf '%s\n' "$s1" "$s2" "$s3" | sort -n | sed -n 2p)
  sleep 2
  R["rss_idle:$N"]=$(rss "$PID" VmRSS)
  log "cold start ${R[cold_ms:$N]} ms (${s1}/${s2}/${s3}), idle RSS ${R[rss_idle:$N]} MB"

  SU=$(token _superusers bench@motcua.local 'bench password 1')
  RECEPTION=$(token staff demo.reception "$(pw demo.reception)")
  LEADER=$(token staff demo.leader "$(pw demo.leader)")
  # The stock create target: a plain collection, no hooks, any signed-in caller.
  json -H "Authorization: $SU" -d '{"name":"bench_plain","type":"base","createRule":"@request.auth.id != \"\"",
    "fields":[{"name":"title","type":"text"},{"name":"phone","type":"text"},{"name":"note","type":"text"}]}' \
    "$BASE/api/collections" >/dev/null

  # Samples from the database (read-only): dossiers for the reads, a procedure
  # with its required papers for the intake body, names/IDs/codes for search.
  sqlite3 -readonly -json "$DATA/data.db" \
    "SELECT id, code, lookup_key, applicant_name, applicant_id_number FROM dossiers
     WHERE rowid IN (SELECT abs(random()) % (SELECT max(rowid) FROM dossiers) + 1 FROM generate_series(1, 400))
       AND code != '' AND lookup_key != '' LIMIT 200" >"$WORK/sample.json" 2>/dev/null ||
    sqlite3 -readonly -json "$DATA/data.db" \
      "SELECT id, code, lookup_key, applicant_name, applicant_id_number FROM dossiers
       WHERE code != '' AND lookup_key != '' ORDER BY random() LIMIT 200" >"$WORK/sample.json"
  sqlite3 -readonly -json "$DATA/data.db" \
    "SELECT id, papers FROM procedures WHERE code = '1.001193'" >"$WORK/proc.json"
  python3 - "$WORK" "$RECEPTION" <<'PY'
import json, sys, unicodedata, urllib.parse
work, token = sys.argv[1], sys.argv[2]
rows = json.load(open(f"{work}/sample.json"))
proc = json.load(open(f"{work}/proc.json"))[0]

def fold(s):  # what a clerk types: no accents, lower case
    s = unicodedata.normalize("NFD", s.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in s if unicodedata.category(c) != "Mn").lower()

q = urllib.parse.quote
def lua(name, paths, method="GET", body=None, auth=True):
    with open(f"{work}/{name}.lua", "w") as f:
        f.write("local paths = {\n" + "".join(f'  "{p}",\n' for p in paths) + "}\n")
        f.write(f'local i = 0\nwrk.method = "{method}"\n')
        if auth:
            f.write(f'wrk.headers["Authorization"] = "{token}"\n')
        if body is not None:
            f.write('wrk.headers["Content-Type"] = "application/json"\n')
            f.write("wrk.body = [==[" + json.dumps(body, ensure_ascii=False) + "]==]\n")
        f.write("""request = function()
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50=%.1f p95=%.1f p99=%.1f n=%d bad=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests,
    e.status + e.connect + e.read + e.write + e.timeout))
end
""")

lua("status", [f"/tra-cuu/{q(r['code'])}?k={q(r['lookup_key'])}" for r in rows], auth=False)
lua("view", [f"/api/collections/dossiers/records/{r['id']}" for r in rows])

papers = [{"index": i, "kind": p.get("kind", "original"), "count": 1}
          for i, p in enumerate(json.loads(proc["papers"])) if p.get("required")]
lua("intake", ["/api/collections/dossiers/records"], "POST", {
    "procedure": proc["id"], "applicant_name": "Thạch Thị Sa Ry", "applicant_id_number": "079203001234",
    "applicant_phone": "0912345678", "applicant_address": "Ấp Mỹ Hòa, Xã Mỹ Hương", "papers": papers})
lua("create", ["/api/collections/bench_plain/records"], "POST",
    {"title": "Thạch Thị Sa Ry", "phone": "0912345678", "note": "Ấp Mỹ Hòa, Xã Mỹ Hương"})

# Search: what a clerk types (a full name and a family+middle name without
# accents, an ID number's first 6 digits, a whole code, a code's month prefix);
# the stock list gets the same question in the only form it can take
# (accented name ~, ID ~, code =), newest first, 50 a page like ours, no count.
ours, stock = [], []
for r in rows[:8]:
    name, idn, code = r["applicant_name"], r["applicant_id_number"], r["code"]
    words = name.split()
    for typed, filt in [
        (fold(name), f"(applicant_name~'{name}')"),
        (fold(" ".join(words[:2])), f"(applicant_name~'{' '.join(words[:2])}')"),
        (idn[:6], f"(applicant_id_number~'{idn[:6]}')"),
        (code, f"(code='{code}')"),
        (code[:18], f"(code~'{code[:18]}')"),
    ]:
        ours.append(f"/api/motcua/search?q={q(typed)}")
        stock.append(f"/api/collections/dossiers/records?filter={q(filt)}&sort=-received_at&perPage=50&skipTotal=1")
lua("search", ours)
lua("list", stock)
PY

  log "report, xlsx, backup"
  last=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
  phase report
  read -r R["report_med:$N"] R["report_max:$N"] < <(for i in 1 2 3 4 5; do
    timeit "$BASE/api/motcua/reports/summary?period=$last" "$LEADER"; done | median_max)
  read -r R["xlsx_med:$N"] R["xlsx_max:$N"] < <(for i in 1 2 3; do
    timeit "$BASE/api/motcua/reports/summary.xlsx?period=$last" "$LEADER"; done | median_max)
  phase backup
  mkdir -p "$WORK/backup-$N"
  t0=$(date +%s%N)
  "$BIN" backup --to "$WORK/backup-$N" --dir="$DATA" >"$WORK/backup.txt" 2>&1 || { cat "$WORK/backup.txt" >&2; }
  t1=$(date +%s%N)
  R["backup_s:$N"]=$(awk -v ms=$(((t1 - t0) / 1000000)) 'BEGIN{printf "%.1f", ms/1000}')
  R["backup_mb:$N"]=$(du -sm "$WORK/backup-$N" | cut -f1)
  rm -rf "$WORK/backup-$N"
  # Each of ours right before its stock counterpart: the machine is shared and
  # noisy, so the two halves of a ratio should see the same background load.
  log "status page vs stock view (wrk -t2 -c20 -d${DUR}s)"
  bench status 20 "$WORK/status.lua" "$BASE"
  bench view 20 "$WORK/view.lua" "$BASE"
  log "intake vs stock create on bench_plain (wrk -t2 -c10 -d${WDUR}s: 10 clerks)"
  bench intake 10 "$WORK/intake.lua" "$BASE" "$WDUR"
  settled intake
  bench create 10 "$WORK/create.lua" "$BASE" "$WDUR"
  settled create
  log "search vs stock filtered list (wrk -t2 -c10 -d${DUR}s, then -t1 -c1 -d${ODUR}s)"
  bench search 10 "$WORK/search.lua" "$BASE"
  # One clerk typing (no queue in front of the query): the latency a person sees.
  bench search1 1 "$WORK/search.lua" "$BASE" "$ODUR" 1
  # The stock list last: its full scans leave the most memory behind.
  bench list 10 "$WORK/list.lua" "$BASE"
  bench list1 1 "$WORK/list.lua" "$BASE" "$ODUR" 1
  phase done
  R["rss_hwm:$N"]=$(rss "$PID" VmHWM)
  R["rss_peak:$N"]=$(peak_of status intake search search1 report backup)
  R["rss_stock:$N"]=$(peak_of view create list list1)
  log "report ${R[report_med:$N]} ms, xlsx ${R[xlsx_med:$N]} ms, backup ${R[backup_s:$N]} s"
  log "peak RSS under ours ${R[rss_peak:$N]} MB, under stock ${R[rss_stock:$N]} MB, VmHWM ${R[rss_hwm:$N]} MB"
  stop_server
  rm -rf "$DATA"
done

log "field import of a 1,000-dossier bundle (go test -bench FieldImport1000, its own test database)"
FIELD=$(cd "$ROOT" && go test ./hooks/field -run '^$' -bench 'FieldImport1000$' -benchtime 1x 2>/dev/null |
  awk '/^BenchmarkFieldImport1000/ {printf "%.2f", $3/1e9}')
FIELD=${FIELD:-n/a}

# ---- the table ----------------------------------------------------------------
v() { echo "${R[$1:$N]:-n/a}"; }
row() { # label, then a function printing the cell for $N
  local f=$2 line="| $1 |"
  for N in "${sizes[@]}"; do line+=" $($f) |"; done
  echo "$line"
}
c_seed() { echo "$(v seed_s) s, $(v db_mb) MB, $(v tickets) tickets"; }
c_cold() { echo "$(v cold_ms) ms"; }
c_status() { echo "$(v status.rps) req/s, p50 $(v status.p50) / p99 $(v status.p99) ms"; }
c_view() { echo "$(v view.rps) req/s, p50 $(v view.p50) / p99 $(v view.p99) ms"; }
c_sratio() { echo "**$(ratio "$(v status.rps)" "$(v view.rps)")×**"; }
c_intake() { echo "$(v intake.rps) req/s (wrk $(v intake.rps_wire) req/s, settled $(v intake.settle) s later), p50 $(v intake.p50) / p99 $(v intake.p99) ms$(bad intake)"; }
c_create() { echo "$(v create.rps) req/s (wrk $(v create.rps_wire) req/s, settled $(v create.settle) s later), p50 $(v create.p50) / p99 $(v create.p99) ms$(bad create)"; }
c_iratio() { echo "**$(ratio "$(v intake.rps)" "$(v create.rps)")×**"; }
c_search() { echo "$(v search.rps) req/s, p50 $(v search.p50) / p95 $(v search.p95) / p99 $(v search.p99) ms"; }
c_list() { echo "$(v list.rps) req/s, p50 $(v list.p50) / p95 $(v list.p95) / p99 $(v list.p99) ms$(bad list)"; }
c_search1() { echo "p50 $(v search1.p50) / p95 $(v search1.p95) / p99 $(v search1.p99) ms"; }
c_list1() { echo "p50 $(v list1.p50) / p95 $(v list1.p95) / p99 $(v list1.p99) ms"; }
c_qratio() { echo "**$(ratio "$(v search.rps)" "$(v list.rps)")×**"; }
c_report() { echo "$(v report_med) ms (max $(v report_max))"; }
c_xlsx() { echo "$(v xlsx_med) ms (max $(v xlsx_max))"; }
c_backup() { echo "$(v backup_s) s ($(v backup_mb) MB)"; }
c_rss() { echo "$(v rss_idle) / $(v rss_peak) MB"; }
c_rss_stock() { echo "$(v rss_stock) MB (VmHWM of the run $(v rss_hwm) MB)"; }
bad() { local b; b=$(v "$1.bad"); [ "$b" = 0 ] || [ "$b" = n/a ] || echo ", **$b errors**"; }

header="| | $(printf '%s dossiers | ' "${sizes[@]}")"
sep="|---|$(printf -- '---|%.0s' "${sizes[@]}")"
TABLE=$(
  echo "$header"
  echo "$sep"
  row "generator (seed --dossiers), database size, queue tickets written" c_seed
  row "cold start to healthy /api/health (median of 3)" c_cold
  row "status page /tra-cuu/{code}?k= (c=20)" c_status
  row "stock record view /api/collections/dossiers/records/{id}" c_view
  row "ratio status page / stock view" c_sratio
  row "intake POST dossiers (10 clerks)" c_intake
  row "stock create, plain collection (10 clients)" c_create
  row "ratio intake / stock create" c_iratio
  row "search /api/motcua/search (c=10, mixed queries)" c_search
  row "stock filtered list ?filter=… (same questions)" c_list
  row "ratio search / stock list (req/s)" c_qratio
  row "search, one clerk at a time (c=1)" c_search1
  row "stock filtered list, one at a time (c=1)" c_list1
  row "monthly report JSON (5 runs)" c_report
  row "monthly report xlsx (3 runs)" c_xlsx
  row "backup --to while serving" c_backup
  row "resident memory idle / peak under our endpoints (VmRSS, sampled every 100 ms)" c_rss
  row "peak resident memory under the stock endpoints" c_rss_stock
)
LAST=${sizes[-1]}
mark() { if awk "BEGIN{exit !($1)}"; then echo "met"; else echo "**missed**"; fi; }
num() { local x=${R[$1]:-}; [ -n "$x" ] && [ "$x" != n/a ] && echo "$x" || echo -1; }
TARGETS=$(
  echo "| target | measured | |"
  echo "|---|---|---|"
  for N in "${sizes[@]}"; do
    r=$(ratio "$(v status.rps)" "$(v view.rps)")
    echo "| status page ≥ 1.0× stock view, at $N | ${r}× | $(mark "$r >= 1.0") |"
  done
  for N in "${sizes[@]}"; do
    r=$(ratio "$(v intake.rps)" "$(v create.rps)")
    echo "| intake ≥ 0.5× stock create and p99 < 100 ms, at $N | ${r}×, p99 $(v intake.p99) ms | $(mark "$r >= 0.5 && $(num "intake.p99:$N") >= 0 && $(num "intake.p99:$N") < 100") |"
  done
  N=$LAST
  at="at $LAST"; [ "$LAST" = 1000000 ] || at="at $LAST (1,000,000 not in this run)"
  echo "| search p95 < 50 ms (one clerk at a time), $at | $(v search1.p95) ms (with 10 at once: $(v search.p95) ms) | $(mark "$(num "search1.p95:$N") >= 0 && $(num "search1.p95:$N") < 50") |"
  echo "| report < 1 s, $at | $(v report_max) ms (slowest of 5) | $(mark "$(num "report_max:$N") >= 0 && $(num "report_max:$N") < 1000") |"
  peak=0; for N in "${sizes[@]}"; do p=$(num "rss_peak:$N"); [ "$p" -gt "$peak" ] && peak=$p; done
  echo "| memory < 150 MB resident under load (our endpoints), every size | peak $peak MB | $(mark "$peak > 0 && $peak < 150") |"
  N=$LAST
  echo "| cold start < 2 s, $at | $(v cold_ms) ms | $(mark "$(num "cold_ms:$N") >= 0 && $(num "cold_ms:$N") < 2000") |"
)

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
MACHINE="$(nproc) cores ($CPU), $(free -g | awk '/^Mem:/{print $2}') GB RAM, Linux $(uname -r), $(go version | awk '{print $3}'), $(date -u '+%Y-%m-%d %H:%M UTC')"
OUT=$(
  echo "# Benchmark results"
  echo
  echo "Written by \`bench/run.sh ${*:-}\` (rerun it to refresh; everything from the notes marker down is kept)."
  echo
  echo "**Machine:** $MACHINE; load before the run: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "wrk: 2 threads, ${DUR} s per run (writes ${WDUR} s: the centre has 4,999 codes a day; one clerk at a time ${ODUR} s), all on 127.0.0.1 (the load generator shares the cores with the server)."
  echo "Reads and searches rotate through 200 dossiers (and 40 questions) sampled from the database."
  echo "Binary: $BINSIZE. Field import of a 1,000-dossier bundle: ${FIELD} s"
  echo "(\`go test ./hooks/field -bench FieldImport1000 -benchtime 1x\`, on its own test database: the CLI path needs a field kit and a second server)."
  echo
  echo "$TABLE"
  echo
  echo "## Targets (issue 9)"
  echo
  echo "$TARGETS"
)
echo
echo "$OUT"
RES=$ROOT/bench/RESULTS.md
MARKER='<!-- notes: kept by bench/run.sh -->'
NOTES=
if [ -f "$RES" ] && grep -qF "$MARKER" "$RES"; then NOTES=$(awk -v m="$MARKER" 'index($0, m) == 1 {on = 1} on' "$RES"); fi
{ echo "$OUT"; echo; echo "${NOTES:-$MARKER}"; } >"$RES"
log "wrote $RES"

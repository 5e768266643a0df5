#!/usr/bin/env bash
# Page weight on a weak link (issue 16): what the status page, the catalogue and
# the staff and lobby pages cost on a cheap phone's 3G or a slow office Wi-Fi.
#
# Chromium (chromedp, bench/pageweight) at 360×740 with the network throttled to
# 400 kbit/s down and up and 400 ms round trips, on an empty cache: bytes on the
# wire for the whole first visit, first contentful paint, load event and network
# idle; then the bytes of a second visit from the same cache. Pages: the status
# page of a real dossier (/tra-cuu/<code>?k=<key>, vi and km), the catalogue
# (/thu-tuc, vi and km), the staff start page and intake (signed in as
# demo.reception), the kiosk and the TV (signed in as device accounts).
# The peer: the same citizen pages (the HTML saved from our server and the same
# static files) served by stock PocketBase's apis.Static on a bare app.
#
# Usage: bench/pageweight.sh [label]    measure this checkout, write bench/pageweight/<label>.json (default "after")
#        BEFORE_REF=<git ref> bench/pageweight.sh          also measure that commit as "before" (a temporary git worktree)
#        BEFORE_REF=<git ref> bench/pageweight.sh before   measure only that commit, as "before"
# Then writes the "Page weight" section of bench/RESULTS.md from before.json,
# after.json and peer.json (the rest of RESULTS.md is kept).
# Needs: go, curl, jq, sqlite3, chromium. Talks to 127.0.0.1 only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LABEL=${1:-after}
PORT=${BENCH_PORT:-18390}
PEER_PORT=$((PORT + 1))
BASE=http://127.0.0.1:$PORT
for t in go curl jq sqlite3; do command -v $t >/dev/null || { echo "needs $t" >&2; exit 2; }; done
for p in $PORT $PEER_PORT; do
  ! curl -s -o /dev/null "http://127.0.0.1:$p/" || { echo "port $p is in use (BENCH_PORT=… to choose another)" >&2; exit 2; }
done
command -v chromium >/dev/null || [ -n "${CHROMIUM:-}" ] || { echo "needs chromium (apt-get install chromium)" >&2; exit 2; }

WORK=$(mktemp -d "${BENCH_WORK:-/var/tmp}/motcua-pageweight.XXXXXX")
PID=
PEER=
TREE=
cleanup() {
  [ -n "$PID" ] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  [ -n "$PEER" ] && { kill "$PEER" 2>/dev/null || true; wait "$PEER" 2>/dev/null || true; }
  [ -n "$TREE" ] && git -C "$ROOT" worktree remove --force "$TREE" >/dev/null 2>&1 || true
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

cd "$ROOT"
log "build pageweight"
go build -o "$WORK/pageweight" ./bench/pageweight

json() { curl -fsS -H 'Content-Type: application/json' "$@"; }

# run_one SRC_DIR LABEL: build the binary from SRC_DIR, seed, serve, measure.
run_one() {
  local src=$1 label=$2 data=$WORK/data-$2 bin=$WORK/motcua-$2
  log "[$label] build $(git -C "$src" rev-parse --short HEAD)"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$bin" .)
  log "[$label] seed"
  # From the work folder: anything the binary writes relative to it lands there.
  cd "$WORK"
  "$bin" seed --demo --dossiers 2000 --dir="$data" >"$WORK/seed-$label.txt" 2>&1
  "$bin" superuser upsert bench@motcua.local 'bench password 1' --dir="$data" >/dev/null
  "$bin" serve --http=127.0.0.1:$PORT --dir="$data" >"$WORK/server-$label.log" 2>&1 &
  PID=$! # the server itself, not a subshell, so that kill stops it
  cd "$ROOT"
  for _ in $(seq 600); do
    curl -fsS "$BASE/api/health" >/dev/null 2>&1 && break
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/server-$label.log" >&2; exit 1; }
    sleep 0.05
  done
  local su pw code key
  su=$(json -d '{"identity":"bench@motcua.local","password":"bench password 1"}' "$BASE/api/collections/_superusers/auth-with-password" | jq -r .token)
  pw=$(grep -o 'demo.reception *password: [^ ]*' "$WORK/seed-$label.txt" | awk '{print $3}')
  json -d "{\"identity\":\"demo.reception\",\"password\":\"$pw\"}" "$BASE/api/collections/staff/auth-with-password" |
    jq '{key: "motcua_auth", value: {token: .token, record: .record}}' >"$WORK/staff.json"
  for kind in kiosk display; do
    json -H "Authorization: $su" -d "{\"username\":\"bench.$kind\",\"name\":\"Bench $kind\",\"kind\":\"$kind\",\"password\":\"bench password 1\",\"passwordConfirm\":\"bench password 1\"}" \
      "$BASE/api/collections/devices/records" >/dev/null
    json -d "{\"identity\":\"bench.$kind\",\"password\":\"bench password 1\"}" "$BASE/api/collections/devices/auth-with-password" |
      jq '{key: "motcua_device", value: {token: .token, record: .record}}' >"$WORK/$kind.json"
  done
  # A dossier still being processed, the commonest reason to scan the receipt.
  read -r code key < <(sqlite3 -readonly -separator ' ' "$data/data.db" \
    "SELECT code, lookup_key FROM dossiers WHERE status IN ('processing','received') AND code != '' ORDER BY received_at DESC LIMIT 1")
  local st="/tra-cuu/$code?k=$key"
  log "[$label] status page of $code"
  local save=""
  [ "$label" = after ] && save="-save $WORK/peer"
  "$WORK/pageweight" measure -base "$BASE" -json "$WORK/$label.json" $save \
    -page "status-vi=$st&lang=vi" -page "status-km=$st&lang=km" \
    -page "catalogue-vi=/thu-tuc?lang=vi" -page "catalogue-km=/thu-tuc?lang=km" \
    -page "index=/@1280x800#$WORK/staff.json" -page "intake=/intake.html@1280x800#$WORK/staff.json" \
    -page "kiosk=/kiosk@1080x1920#$WORK/kiosk.json" -page "display=/display@1920x1080#$WORK/display.json"
  log "[$label] the status page without JavaScript"
  "$WORK/pageweight" nojs -url "$BASE$st&lang=km" -selector '#state' >"$WORK/nojs-$label.txt"
  cat "$WORK/nojs-$label.txt" >&2
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
  mkdir -p "$ROOT/bench/pageweight"
  cp "$WORK/$label.json" "$ROOT/bench/pageweight/$label.json"
}

if [ -n "${BEFORE_REF:-}" ]; then
  TREE=$WORK/before-tree
  git -C "$ROOT" worktree add --detach "$TREE" "$BEFORE_REF" >/dev/null 2>&1
  run_one "$TREE" before
fi
# "before" with BEFORE_REF measures that commit only.
if [ "$LABEL" != before ] || [ -z "${BEFORE_REF:-}" ]; then
  run_one "$ROOT" "$LABEL"
fi

if [ "$LABEL" = after ]; then
  log "[peer] stock PocketBase apis.Static serving the same saved files"
  "$WORK/pageweight" peer -dir "$WORK/peer" -http 127.0.0.1:$PEER_PORT >"$WORK/peer.log" 2>&1 &
  PEER=$!
  for _ in $(seq 600); do
    curl -fsS "http://127.0.0.1:$PEER_PORT/api/health" >/dev/null 2>&1 && break
    kill -0 "$PEER" 2>/dev/null || { cat "$WORK/peer.log" >&2; exit 1; }
    sleep 0.05
  done
  "$WORK/pageweight" measure -base "http://127.0.0.1:$PEER_PORT" -json "$ROOT/bench/pageweight/peer.json" \
    -page "status-vi=/status-vi.html" -page "status-km=/status-km.html" \
    -page "catalogue-vi=/catalogue-vi.html" -page "catalogue-km=/catalogue-km.html"
  kill "$PEER"; wait "$PEER" 2>/dev/null || true; PEER=
fi

# ---- the section in RESULTS.md -------------------------------------------------
B=$ROOT/bench/pageweight/before.json
A=$ROOT/bench/pageweight/after.json
P=$ROOT/bench/pageweight/peer.json
[ -f "$B" ] && [ -f "$A" ] || { log "before.json or after.json missing: RESULTS.md not written"; exit 0; }
[ -f "$P" ] || echo '[]' >"$P"
NOJS=$(cat "$WORK/nojs-after.txt" 2>/dev/null || echo "not checked in this run")
SECTION=$(jq -r -n --slurpfile b "$B" --slurpfile a "$A" --slurpfile p "$P" --arg nojs "$NOJS" --arg when "$(date -u '+%Y-%m-%d %H:%M UTC')" '
  def kb: (. / 1024 * 10 | round / 10 | tostring) + " KB";
  def s: (. / 100 | round / 10 | tostring) + " s";
  def find($arr; $n): ($arr | map(select(.name == $n)) | first);
  def cell($v): if $v == null then "–" else "\($v.first.bytes | kb) · FCP \($v.first.fcpMs | s) · idle \($v.first.idleMs | s) · 2nd \($v.second.bytes | kb)" end;
  def fonts($v): if $v == null then "–" else ($v.first.fontsLoaded | join(", ")) end;
  def met($c): if $c then "met" else "**missed**" end;
  ($b[0]) as $B | ($a[0]) as $A | ($p[0]) as $P |
  "<!-- pageweight: written by bench/pageweight.sh -->",
  "## Page weight on a weak link (issue 16)",
  "",
  "Written by `bench/pageweight.sh` (\($when); `BEFORE_REF=<commit> bench/pageweight.sh` remeasures the before column).",
  "Chromium \($A[0].emulation // "") at the page size shown, 400 kbit/s down and up, 400 ms latency, empty cache; ",
  "bytes are on the wire (headers included) for every request of the visit until the network is idle (1.5 s quiet).",
  "Each cell: first visit bytes · first contentful paint · network idle (last request done) · second visit bytes.",
  "Peer: the same page (our HTML saved, the same static files) served by stock PocketBase `apis.Static` on a bare app.",
  "",
  "| page | before (main) | after | peer: stock apis.Static, same files |",
  "|---|---|---|---|",
  ($A[] | . as $x | "| \($x.name) (\($x.viewport)) | \(cell(find($B; $x.name))) | \(cell($x)) | \(cell(find($P; $x.name))) |"),
  "",
  "Fonts each page downloaded (after): ",
  "",
  ($A[] | "- \(.name): \(fonts(.)) (\(.first.fontBytes | kb))"),
  "",
  "| target | measured (after) | |",
  "|---|---|---|",
  ($A[] | select(.name | test("^(status|catalogue)")) |
    "| \(.name): first visit ≤ 120 KB, FCP ≤ 2.5 s, loaded ≤ 6 s, second visit < 8 KB | \(.first.bytes | kb), \(.first.fcpMs | s), \([.first.idleMs, .first.loadMs] | max | s), \(.second.bytes | kb) | \(met(.first.bytes <= 122880 and .first.fcpMs <= 2500 and ([.first.idleMs, .first.loadMs] | max) <= 6000 and .second.bytes < 8192)) |"),
  ($A[] | select(.name | test("^(index|intake)$")) | . as $x | find($B; $x.name) as $y |
    "| \($x.name): first load ≤ half of before | \($x.first.bytes | kb) of \($y.first.bytes | kb) | \(met($x.first.bytes * 2 <= $y.first.bytes)) |"),
  ($A[] | select(.name | test("^(kiosk|display)$")) | . as $x | find($B; $x.name) as $y |
    "| \($x.name): no regression (bytes, idle) | \($x.first.bytes | kb), \($x.first.idleMs | s) (before \($y.first.bytes | kb), \($y.first.idleMs | s)) | \(met($x.first.bytes <= $y.first.bytes and $x.first.idleMs <= $y.first.idleMs * 1.1)) |"),
  "",
  "Status page with JavaScript switched off (`pageweight nojs`, km): \($nojs)",
  "<!-- /pageweight -->"
')
RES=$ROOT/bench/RESULTS.md
python3 - "$RES" "$SECTION" <<'PY'
import sys, re
path, section = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
pat = re.compile(r"<!-- pageweight: written by bench/pageweight.sh -->.*?<!-- /pageweight -->", re.S)
if pat.search(text):
    text = pat.sub(lambda m: section, text)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w", encoding="utf-8").write(text)
PY
log "wrote the page weight section of $RES"
echo "$SECTION"

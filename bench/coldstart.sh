#!/usr/bin/env bash
# Cold start and binary size: builds the binary, then times how long a start takes
# until GET /api/health answers 200, on a new data folder (first start: migrations
# and the catalogue seed) and on the same folder again (an ordinary restart).
# Usage: bench/coldstart.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$work/motcua" .
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -trimpath -ldflags="-s -w" -o "$work/motcua.exe" .
CGO_ENABLED=0 go build -o "$work/motcua-debug" .
echo "binary size: linux $(du -m "$work/motcua" | cut -f1) MB stripped, $(du -m "$work/motcua-debug" | cut -f1) MB with symbols; windows $(du -m "$work/motcua.exe" | cut -f1) MB stripped"

port=18190
start_once() { # $1 data dir → prints milliseconds to a healthy /api/health
  local t0 t1 pid
  t0=$(date +%s%N)
  "$work/motcua" serve --http=127.0.0.1:$port --dir="$1" >/dev/null 2>&1 &
  pid=$!
  until curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; do sleep 0.01; done
  t1=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}
for i in $(seq "$runs"); do
  d="$work/data$i"
  first=$(start_once "$d")
  again=$(start_once "$d")
  echo "run $i: first start ${first} ms, restart ${again} ms"
done

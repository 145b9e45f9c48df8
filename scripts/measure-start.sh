#!/usr/bin/env bash
# Measures Ponte's cold start (process start → first 200 from /login) and its
# resident memory when idle, on a demo database. Loopback only.
# Usage: scripts/measure-start.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
bin="$(mktemp -d)/ponte"
data="$(mktemp -d)"
port=18093
go build -o "$bin" .
# First start loads the demo network; later starts measure a warm disk, cold process.
"$bin" serve --demo --dir "$data" --http "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$port/login"; do sleep 0.05; done
kill "$pid"; wait "$pid" 2>/dev/null || true

for i in $(seq "$runs"); do
  start=$(date +%s%N)
  "$bin" serve --dir "$data" --http "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/login"; do sleep 0.005; done
  end=$(date +%s%N)
  echo "start $i: $(( (end - start) / 1000000 )) ms to first /login"
  if [ "$i" = "$runs" ]; then
    sleep 5
    echo "idle RSS after start: $(ps -o rss= -p "$pid") KiB"
    for _ in $(seq 200); do curl -fs -o /dev/null "http://127.0.0.1:$port/login"; done
    sleep 2
    echo "RSS after 200 page views: $(ps -o rss= -p "$pid") KiB"
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
rm -rf "$data" "$(dirname "$bin")"

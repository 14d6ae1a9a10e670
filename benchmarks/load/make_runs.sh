#!/usr/bin/env bash
# Real Locust runs against server.py. Needs: pip install locust
#   make_runs.sh [OUT]          tests/data/locust-runs: main-1, main-2 (the shop as on main, 1 % order errors)
#                               and pr (server.py --changed: 9 % order errors, slower search), 40 s each
#   make_runs.sh --closed-loop [OUT]  tests/data/locust-closed-loop: slow-search (server.py --slow-search: search
#                               three times slower, nothing else changed), 40 s, against locust-runs' main-1
#   make_runs.sh --soak [OUT]   tests/data/locust-soak: steady, and leak (server.py --leak: search slows and
#                               orders fail more often the longer the server runs), 90 s each
# See each directory's PROVENANCE.txt.
set -euo pipefail
cd "$(dirname "$0")"
if [ "${1:-}" = --closed-loop ]; then
  shift; out="${1:-closed-loop}"; seconds=40; port=18933; runs="slow-search:--slow-search"
elif [ "${1:-}" = --soak ]; then
  shift; out="${1:-soak}"; seconds=90; port=18932; runs="steady leak:--leak"
else
  out="${1:-runs}"; seconds=40; port=18931; runs="main-1 main-2 pr:--changed"
fi
mkdir -p "$out"
for spec in $runs; do
  run="${spec%%:*}"; flag=""; [ "$spec" != "$run" ] && flag="${spec#*:}"
  python server.py "$port" $flag & server=$!
  sleep 1
  locust -f locustfile.py --headless -u 10 -r 10 -t "${seconds}s" --host "http://127.0.0.1:$port" \
    --csv "$out/$run" --csv-full-history --only-summary > /dev/null 2>&1 || true
  kill "$server"; wait "$server" 2>/dev/null || true
done
ls -la "$out"

#!/usr/bin/env bash
# Real Locust runs against server.py for tests/data/locust-runs (see its PROVENANCE.txt). Needs: pip install locust
#   main-1, main-2: the shop as on main (1 % order errors); pr: the change (9 % order errors, slower search).
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-runs}"
mkdir -p "$out"
for run in main-1 main-2 pr; do
  flag=""; [ "$run" = pr ] && flag="--changed"
  python server.py 18931 $flag & server=$!
  sleep 1
  locust -f locustfile.py --headless -u 10 -r 10 -t 40s --host http://127.0.0.1:18931 \
    --csv "$out/$run" --csv-full-history --only-summary > /dev/null 2>&1 || true
  kill "$server"; wait "$server" 2>/dev/null || true
done
ls -la "$out"

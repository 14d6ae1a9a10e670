#!/usr/bin/env bash
# Real Locust soak runs against server.py for tests/data/locust-soak (see its PROVENANCE.txt). Needs: pip install locust
#   steady: 90 s of the shop as on main; leak: the same with server.py --leak (search slows, orders fail more
#   often, the longer the server runs).
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-soak}"
mkdir -p "$out"
for run in steady leak; do
  flag=""; [ "$run" = leak ] && flag="--leak"
  python server.py 18932 $flag & server=$!
  sleep 1
  locust -f locustfile.py --headless -u 10 -r 10 -t 90s --host http://127.0.0.1:18932 \
    --csv "$out/$run" --csv-full-history --only-summary > /dev/null 2>&1 || true
  kill "$server"; wait "$server" 2>/dev/null || true
done
ls -la "$out"

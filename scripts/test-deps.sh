#!/usr/bin/env bash
# What the tests need besides the Python packages, fetched once so that the tests themselves stay offline:
#   .wheelhouse/           the wheels the Action installs (requirements/action.txt) and uv, which installs them
#                          (requirements/uv.txt), each checked against its hash, for its set-up step
#   .wheelhouse/reference/ six, benchmarks/action_setup.py's reference: a tiny pip install
#   .wheelhouse/recipes/   pytest-benchmark and its dependencies, for docs/run-recipes.md's Python recipe
#   tests/runner/js/       the real @actions/glob, whose rules decide whether setup-python's cache works
#   tests/harness/js/      Vitest and benchmark.js, for the Node recipes
#   .cargo-target/         criterion, built once from Debian's librust-criterion-dev (offline), for the Rust recipe
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip download --quiet --disable-pip-version-check --only-binary=:all: --no-deps --require-hashes \
  -r requirements/action.txt -r requirements/uv.txt -d .wheelhouse
python -m pip download --quiet --disable-pip-version-check --only-binary=:all: --no-deps six==1.17.0 \
  -d .wheelhouse/reference
python -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
  pytest-benchmark==5.3.1 hatchling==1.33.0 editables==0.6 -d .wheelhouse/recipes
npm ci --prefix tests/runner/js --no-audit --no-fund --loglevel=error
npm ci --prefix tests/harness/js --no-audit --no-fund --loglevel=error
# Its .cargo/config.toml replaces crates.io with Debian's crates; cargo reads it from the current directory.
if command -v cargo >/dev/null && [ -d /usr/share/cargo/registry ]; then
  (cd tests/harness/rust/criterion && CARGO_TARGET_DIR="$OLDPWD/.cargo-target" cargo bench --offline --quiet --no-run)
else
  echo "test-deps: no cargo or no librust-criterion-dev (apt): the criterion recipe's test will fail" >&2
fi

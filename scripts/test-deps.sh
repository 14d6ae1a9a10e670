#!/usr/bin/env bash
# What the tests need besides the Python packages, fetched once so that the tests themselves stay offline:
#   .wheelhouse/           the wheels the Action installs (requirements/action.txt), for its set-up step
#   tests/runner/js/       the real @actions/glob, whose rules decide whether setup-python's cache works
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip download --quiet --disable-pip-version-check --only-binary=:all: --no-deps \
  -r requirements/action.txt -d .wheelhouse
npm ci --prefix tests/runner/js --no-audit --no-fund --loglevel=error

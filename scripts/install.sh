#!/usr/bin/env bash
# The Action's set-up: perfgate in a virtual environment of its own, reused from the cache while nothing changed.
#   key:     the cache key: runner, Python version and a hash of what the environment is built from
#   install: build the environment unless the restored one works; outputs built=true when it built one
# Nothing here reads the user's repository: it works in a Go, Rust or JS repository, or with no checkout at all.
set -euo pipefail
venv="$PERFGATE_VENV"

case "$1" in
  key)
    python_version="$("$PYTHON" -c 'import platform; print(platform.python_version())')"
    # Relative paths: the same sources hash the same wherever the runner unpacked the Action.
    sources="$(cd "$GITHUB_ACTION_PATH" && find pyproject.toml requirements perfgate templates migrations -type f \
      ! -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
    echo "key=perfgate-venv-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-py$python_version-$sources" >> "$GITHUB_OUTPUT"
    ;;
  install)
    if "$venv/bin/perfgate" --version > /dev/null 2>&1; then
      echo "perfgate: $("$venv/bin/perfgate" --version), restored from the cache"
      echo "built=false" >> "$GITHUB_OUTPUT"
      exit 0
    fi
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
    pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps)
    # Pinned wheels only (no source builds), then perfgate itself with the pinned build backend.
    "${pip[@]}" --only-binary=:all: -r "$GITHUB_ACTION_PATH/requirements/action.txt"
    "${pip[@]}" --no-build-isolation "$GITHUB_ACTION_PATH"
    echo "perfgate: $("$venv/bin/perfgate" --version), installed"
    echo "built=true" >> "$GITHUB_OUTPUT"
    ;;
  *)
    echo "usage: install.sh key|install" >&2
    exit 2
    ;;
esac

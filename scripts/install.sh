#!/usr/bin/env bash
# The Action's set-up: perfgate in a virtual environment of its own, reused from the cache while nothing changed.
#   key:     the cache key: runner, Python version and a hash of what the environment is built from
#   install: build the environment unless the restored one works; outputs built=true when it built one
# Nothing here reads the user's repository: it works in a Go, Rust or JS repository, or with no checkout at all.
set -euo pipefail
venv="$PERFGATE_VENV"
requirements="$GITHUB_ACTION_PATH/requirements"

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
    # uv, pinned by its hashes (requirements/uv.txt), installed by the Python's own pip into a directory outside
    # the environment (only a cold set-up needs it), with its download cache there too: deleted afterwards.
    tools="$(mktemp -d "${RUNNER_TEMP:-/tmp}/perfgate-uv.XXXXXX")"
    trap 'rm -rf "$tools"' EXIT
    PIP_ROOT_USER_ACTION=ignore "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps \
      --only-binary=:all: --require-hashes --target "$tools" -r "$requirements/uv.txt"
    uv=("$tools/bin/uv" --quiet --no-config --cache-dir "$tools/cache")  # no uv.toml or pyproject.toml applies
    "${uv[@]}" venv --python "$PYTHON" "$venv"  # without pip: nothing installs into it later
    install=("${uv[@]}" pip install --python "$venv/bin/python" --no-deps)
    # The pinned wheels, each checked against its hash (no source builds), then perfgate itself with the pinned
    # build backend, which is removed once it has built it.
    "${install[@]}" --only-binary=:all: --require-hashes -r "$requirements/action.txt"
    "${install[@]}" --no-build-isolation "$GITHUB_ACTION_PATH"
    "${uv[@]}" pip uninstall --python "$venv/bin/python" hatchling packaging pathspec pluggy tomlkit trove-classifiers
    # numpy's and scipy's own test suites, a tenth of the environment, are never imported. What perfgate imports
    # is byte-compiled once here rather than in every job; the parts of scipy it never imports are not.
    site_packages="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
    find "$site_packages/numpy" "$site_packages/scipy" -type d -name tests -prune -exec rm -rf {} +
    "$venv/bin/python" -m compileall -q -j 0 -x '/scipy/(cluster|datasets|differentiate|fftpack|io|misc|odr|signal)/' \
      "$site_packages" > /dev/null
    echo "perfgate: $("$venv/bin/perfgate" --version), installed"
    echo "built=true" >> "$GITHUB_OUTPUT"
    ;;
  *)
    echo "usage: install.sh key|install" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# The Action's gate step. Every input arrives through the environment (never interpolated into the script).
set -euo pipefail

if [ "$INPUT_HISTORY" = postgres ] && [ -z "${PERFGATE_DATABASE_URL:-}" ]; then
  echo "::error::history: postgres needs the database-url input (a secret holding the Postgres URL)"
  exit 3
fi
if [ "$INPUT_HISTORY" != postgres ]; then
  unset PERFGATE_DATABASE_URL  # cache and branch history live in .perfgate/history.db
fi

args=(gate --mode "$INPUT_MODE" --comment "$INPUT_COMMENT" --fail-on "$INPUT_FAIL_ON" --output-dir "$RUNNER_TEMP/perfgate")
if [ "$INPUT_FORMAT" != auto ]; then args+=(--format "$INPUT_FORMAT"); fi
if [ -n "$INPUT_CONFIG" ]; then args+=(--config "$INPUT_CONFIG"); fi
if [ -n "$INPUT_SUITE" ]; then args+=(--suite "$INPUT_SUITE"); fi

# Results: paths or globs separated by spaces or new lines; perfgate expands the globs itself.
read -r -d '' -a results <<< "$INPUT_RESULTS" || true
if [ "${#results[@]}" -eq 0 ]; then
  echo "::error::the results input is empty"
  exit 2
fi
exec "$PERFGATE" "${args[@]}" "${results[@]}"

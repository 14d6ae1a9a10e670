#!/usr/bin/env bash
# The Action's alert step: after a main-branch run is recorded, perfgate alert opens (or updates, or closes) one
# issue per step on main and posts to the [alert] webhooks of perfgate.toml, whose URLs come from the job's
# environment. Inputs arrive through the environment (never interpolated into the script).
set -euo pipefail

if [ "$INPUT_HISTORY" != postgres ]; then
  unset PERFGATE_DATABASE_URL  # cache and branch history live in .perfgate/history.db
fi
args=(alert)
if [ -n "$INPUT_CONFIG" ]; then args+=(--config "$INPUT_CONFIG"); fi
if [ -n "$INPUT_SUITE" ]; then args+=(--suite "$INPUT_SUITE"); fi
# A warning (a webhook that failed, a webhook variable not set) becomes an annotation on the run.
"$PERFGATE" "${args[@]}" | while IFS= read -r line; do
  case "$line" in
    warning:*) printf '::warning::perfgate alert: %s\n' "${line#warning: }" ;;
    *) printf '%s\n' "$line" ;;
  esac
done
exit "${PIPESTATUS[0]}"

#!/usr/bin/env bash
# The Action's site step: after a run on the main branch is recorded, build the history site (perfgate site)
# into the site input's directory, from the history the gate step used, and name it in the step's outputs
# for actions/upload-pages-artifact. Inputs arrive through the environment (never interpolated into the script).
set -euo pipefail

if [ "$INPUT_HISTORY" != postgres ]; then
  unset PERFGATE_DATABASE_URL  # cache and branch history live in .perfgate/history.db
fi
args=(site "$INPUT_SITE")
if [ -n "$INPUT_CONFIG" ]; then args+=(--config "$INPUT_CONFIG"); fi
"$PERFGATE" "${args[@]}"
printf 'dir=%s\n' "$(cd "$INPUT_SITE" && pwd)" >> "$GITHUB_OUTPUT"

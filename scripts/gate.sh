#!/usr/bin/env bash
# The Action's gate step. Every input arrives through the environment (never interpolated into the script).
set -euo pipefail

if [ "$INPUT_HISTORY" = postgres ] && [ -z "${PERFGATE_DATABASE_URL:-}" ]; then
  case "${GITHUB_EVENT_NAME:-}" in
    pull_request | pull_request_target)
      # A fork's or Dependabot's pull request gets no secrets: compare nothing (a neutral check says so),
      # never fail the pull request for what it cannot change. Mode ab compares without history (none is shown).
      if [ "$INPUT_MODE" = ab ]; then
        echo "::notice::perfgate: no database-url on this pull request (forks and Dependabot get no secrets): base and head are compared in this job, without main's history"
      else
        echo "::notice::perfgate: no database-url on this pull request (forks and Dependabot get no secrets): nothing is compared; see docs/github-action.md (Forks)"
      fi
      export PERFGATE_DATABASE_URL="sqlite:///$RUNNER_TEMP/perfgate-no-history/history.db"
      INPUT_HISTORY=none
      ;;
    *)
      echo "::error::history: postgres needs the database-url input (a secret holding the Postgres URL)"
      exit 3
      ;;
  esac
fi
if [ "$INPUT_HISTORY" != postgres ] && [ "$INPUT_HISTORY" != none ]; then
  unset PERFGATE_DATABASE_URL  # cache and branch history live in .perfgate/history.db
fi

args=(gate --mode "$INPUT_MODE" --comment "$INPUT_COMMENT" --fail-on "$INPUT_FAIL_ON" --output-dir "$RUNNER_TEMP/perfgate")
if [ "$INPUT_FORMAT" != auto ]; then args+=(--format "$INPUT_FORMAT"); fi
if [ -n "$INPUT_CONFIG" ]; then args+=(--config "$INPUT_CONFIG"); fi
if [ -n "$INPUT_SUITE" ]; then args+=(--suite "$INPUT_SUITE"); fi

run="${INPUT_RUN:-}" setup="${INPUT_SETUP:-}" rounds="${INPUT_ROUNDS:-}"
if [ "$INPUT_MODE" = ab ]; then
  # The benchmark command is one shell command line, handed over as one argument after --.
  if [ -z "${run//[[:space:]]/}" ]; then
    echo "::error::mode ab needs the run input: the benchmark command"
    exit 2
  fi
  if [ -n "$rounds" ]; then args+=(--rounds "$rounds"); fi
  if [ -n "$setup" ]; then args+=(--setup "$setup"); fi
  read -r -d '' -a written <<< "$INPUT_RESULTS" || true
  if [ "${#written[@]}" -gt 1 ]; then
    echo "::error::in mode ab the results input is the one file the run command writes, not ${#written[@]} files"
    exit 2
  fi
  if [ "${#written[@]}" -eq 1 ]; then args+=(--results "${written[0]}"); fi
  exec "$PERFGATE" "${args[@]}" -- "$run"
fi
if [ -n "${run//[[:space:]]/}" ] || [ -n "$setup" ] || [ -n "$rounds" ]; then
  echo "::error::the run, setup and rounds inputs are for mode: ab (mode is $INPUT_MODE)"
  exit 2
fi

# Results: paths or globs, on one line or several; perfgate expands the globs itself. A line that names a file
# or matches a glob as a whole is one argument (a path may contain spaces); any other line is split on spaces.
results=()
while IFS= read -r line || [ -n "$line" ]; do
  line="${line#"${line%%[![:space:]]*}"}"  # trim, so an indented YAML block works
  line="${line%"${line##*[![:space:]]}"}"
  if [ -z "$line" ]; then
    continue
  elif [ -e "$line" ] || compgen -G "$line" >/dev/null; then
    results+=("$line")
  else
    read -r -a words <<< "$line"
    results+=("${words[@]}")
  fi
done <<< "$INPUT_RESULTS"
if [ "${#results[@]}" -eq 0 ]; then
  echo "::error::the results input is empty"
  exit 2
fi
exec "$PERFGATE" "${args[@]}" "${results[@]}"

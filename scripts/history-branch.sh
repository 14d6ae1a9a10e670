#!/usr/bin/env bash
# History on a data branch: runs as JSON Lines (perfgate export), never a growing binary file in git.
#   restore: import the branch's runs.jsonl into .perfgate/history.db (any job, forks included)
#   save:    export every run, commit it to the branch and push; on a race with another job, merge and retry
set -euo pipefail
branch="$HISTORY_BRANCH"
file="runs.jsonl"
work="$RUNNER_TEMP/perfgate-history"

# actions/checkout with persist-credentials: false leaves git no token: authenticate with the Action's
# github-token input, unless checkout already configured credentials for this remote.
auth=()
if [ -n "${GITHUB_TOKEN:-}" ] && ! git config --get-regexp '^http\..*extraheader$' > /dev/null 2>&1; then
  basic="$(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 | tr -d '\n')"
  echo "::add-mask::$basic"
  auth=(-c "http.extraheader=AUTHORIZATION: basic $basic")
fi

fetch() {
  # ls-remote exits 2 when the branch does not exist: the only case that means "no history yet".
  local status=0
  git "${auth[@]}" ls-remote --exit-code --heads origin "$branch" > /dev/null 2> "$RUNNER_TEMP/perfgate-git.err" || status=$?
  if [ "$status" -eq 2 ]; then
    return 1
  elif [ "$status" -ne 0 ]; then
    echo "::error::cannot read the history branch $branch: $(tail -n 1 "$RUNNER_TEMP/perfgate-git.err"). The job needs 'contents: read' (a private repository) and the github-token input"
    exit 3
  fi
  git "${auth[@]}" fetch --quiet --depth=1 origin "refs/heads/$branch:refs/remotes/origin/$branch"
}

import_remote() {
  if fetch && git cat-file -e "origin/$branch:$file" 2>/dev/null; then
    git show "origin/$branch:$file" > "$RUNNER_TEMP/perfgate-remote.jsonl"
    "$PERFGATE" import "$RUNNER_TEMP/perfgate-remote.jsonl"
  else
    echo "perfgate: no $file on branch $branch yet"
  fi
}

case "$1" in
  restore)
    import_remote
    ;;
  save)
    for attempt in 1 2 3 4 5; do
      import_remote  # runs other jobs pushed meanwhile: import is idempotent, so this merges
      rm -rf "$work"
      if git rev-parse --verify --quiet "origin/$branch" > /dev/null; then
        git worktree add --quiet --detach "$work" "origin/$branch"
      else
        git worktree add --quiet --detach "$work"
        git -C "$work" checkout --quiet --orphan "$branch"
        git -C "$work" rm -r --quiet --cached . > /dev/null 2>&1 || true
        find "$work" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
      fi
      "$PERFGATE" export -o "$work/$file"
      git -C "$work" add "$file"
      git -C "$work" -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
        commit --quiet -m "perfgate: history for ${GITHUB_SHA:0:12}" || { echo "perfgate: history unchanged"; exit 0; }
      if git -C "$work" "${auth[@]}" push --quiet origin "HEAD:refs/heads/$branch" 2> "$RUNNER_TEMP/perfgate-git.err"; then
        git worktree remove --force "$work"
        exit 0
      fi
      if grep -qiE '403|denied|not allowed|authentication|could not read Username' "$RUNNER_TEMP/perfgate-git.err"; then
        git worktree remove --force "$work"
        echo "::error::cannot push history to $branch: $(tail -n 1 "$RUNNER_TEMP/perfgate-git.err"). The job needs 'permissions: contents: write' and the github-token input"
        exit 3
      fi
      echo "perfgate: $branch moved on (attempt $attempt); merging and retrying"
      git worktree remove --force "$work"
      sleep $((attempt * 2))
    done
    echo "::error::could not push history to $branch after 5 attempts"
    exit 3
    ;;
  *)
    echo "usage: history-branch.sh restore|save" >&2
    exit 2
    ;;
esac

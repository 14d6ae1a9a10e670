"""The history a shallow clone lacks, fetched for mode ab: a push's previous commit, a pull request's merge-base
(real shallow clones over git's file transport; the token's path over HTTP is in tests/test_action_ab.py)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from perfgate.errors import RepositoryError
from perfgate.harness import exclude, fetch_merge_base, fetch_parent
from perfgate.harness.fetch import with_token

from .repos import commit, git, make_repo, user_env


def _shallow_clone(origin: Path, where: Path, ref: str) -> Path:
    git(origin.parent, "clone", "-q", "--depth", "1", "--branch", ref, f"file://{origin}", str(where))
    assert git(where, "rev-parse", "--is-shallow-repository") == "true"
    return where


def test_a_push_s_previous_commit_is_fetched_into_a_shallow_clone(tmp_path: Path) -> None:
    origin, base, head = make_repo(tmp_path / "origin", {"a.txt": "1"}, {"a.txt": "2"})
    clone = _shallow_clone(origin, tmp_path / "clone", "main")
    assert fetch_parent(clone, head, user_env(), None) == base
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"  # one commit more, not the whole history


def test_a_branch_s_merge_base_is_found_by_deepening_both_sides(tmp_path: Path) -> None:
    origin, start, _ = make_repo(tmp_path / "origin", {"a.txt": "1"}, {"a.txt": "2"})
    git(origin, "checkout", "-q", "-b", "feature", start)
    for n in range(3):  # the branch is three commits past its fork point; main moved on by one
        commit(origin, {"b.txt": str(n)}, f"feature {n}")
    git(origin, "checkout", "-q", "main")
    main_tip = git(origin, "rev-parse", "main")
    clone = _shallow_clone(origin, tmp_path / "clone", "feature")
    head = git(clone, "rev-parse", "HEAD")
    assert fetch_merge_base(clone, head, main_tip, user_env(), None) == start


def test_an_unreachable_remote_names_the_fix(tmp_path: Path) -> None:
    origin, _, head = make_repo(tmp_path / "origin", {"a.txt": "1"}, {"a.txt": "2"})
    clone = _shallow_clone(origin, tmp_path / "clone", "main")
    git(clone, "remote", "set-url", "origin", str(tmp_path / "gone"))
    with pytest.raises(RepositoryError, match=r"cannot fetch .* from origin") as raised:
        fetch_parent(clone, head, user_env(), None)
    assert "fetch-depth: 0" in raised.value.fix


def test_the_token_goes_in_git_s_environment_unless_checkout_left_credentials(tmp_path: Path) -> None:
    repo, _, _ = make_repo(tmp_path / "repo", {"a.txt": "1"}, {"a.txt": "2"})
    env = with_token(repo, user_env(), "ghs_secret")
    basic = base64.b64encode(b"x-access-token:ghs_secret").decode()
    index = int(env["GIT_CONFIG_COUNT"]) - 1
    assert env[f"GIT_CONFIG_KEY_{index}"] == "http.extraheader"
    assert env[f"GIT_CONFIG_VALUE_{index}"] == f"AUTHORIZATION: basic {basic}"
    git(repo, "config", "http.https://github.com/.extraheader", "AUTHORIZATION: basic xyz")  # persist-credentials
    assert "GIT_CONFIG_COUNT" not in with_token(repo, user_env(), "ghs_secret")


def test_exclude_keeps_a_pattern_out_of_git_status_once(tmp_path: Path) -> None:
    repo, _, _ = make_repo(tmp_path / "repo", {"a.txt": "1"}, {"a.txt": "2"})
    (repo / ".perfgate").mkdir()
    (repo / ".perfgate" / "history.db").write_text("")
    exclude(repo, "/.perfgate/")
    exclude(repo, "/.perfgate/")
    assert git(repo, "status", "--porcelain") == ""
    assert (repo / ".git" / "info" / "exclude").read_text().count("/.perfgate/") == 1


def test_a_full_clone_without_the_base_fetches_it_and_stays_full(tmp_path: Path) -> None:
    origin, start, _ = make_repo(tmp_path / "origin", {"a.txt": "1"}, {"a.txt": "2"})
    git(origin, "branch", "feature", start)
    main_tip = git(origin, "rev-parse", "main")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--single-branch", "--branch", "feature", f"file://{origin}", str(clone))
    assert fetch_merge_base(clone, start, main_tip, user_env(), None) == start
    assert git(clone, "rev-parse", "--is-shallow-repository") == "false"


def test_the_first_commit_has_no_previous_one_to_compare_with(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    first = commit(origin, {"a.txt": "1"}, "first")
    clone = _shallow_clone(origin, tmp_path / "clone", "main")
    with pytest.raises(RepositoryError, match="no parent commit") as raised:
        fetch_parent(clone, first, user_env(), None)
    assert "the next push compares with this commit" in raised.value.fix

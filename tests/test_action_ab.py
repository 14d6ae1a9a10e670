"""The Action's ``mode: ab`` as users meet it: examples/github/perfgate-ab.yml run step by step through action.yml
(tests/runner/), on a real git history whose head commit is slower, checked out shallow as actions/checkout does by
default. The benchmark is a small script that prints `go test -bench` text, its speed read from a file of the
commit, so that each side measures its own code."""

# ruff: noqa: F811  (the runner's fixtures are imported by name and then asked for as arguments)
from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .runner.job import ROOT, Event, JobResult
from .runner.project import Project, git
from .test_action_runner import (  # noqa: F401  (pytest finds the fixtures by name)
    check_runs,
    comments,
    git_server,
    machine,
    make_project,
    perfgate_env,
    wheelhouse,
)

WORKFLOW = ROOT / "examples" / "github" / "perfgate-ab.yml"
ROUNDS = 6  # the smallest p of 6 pairs, 1/64, is below q = 0.05: one slower benchmark can fail the gate

# One round: BenchmarkParse at the speed of speed.txt, BenchmarkEncode unchanged, five samples each, a little noise
# that differs between rounds. Each run writes its environment where the test can read it.
BENCH = r"""#!/bin/sh
set -e
env > "$RUNNER_TEMP/env-$PERFGATE_SIDE-$PERFGATE_ROUND.txt"
ns=$(cat speed.txt)
echo "goos: linux"
echo "goarch: amd64"
echo "pkg: example.com/shop"
for i in 1 2 3 4 5; do
  noise=$(( (i * 7 + PERFGATE_ROUND * 3) % 11 ))
  printf 'BenchmarkParse-8   \t 1000000\t %d ns/op\n' $((ns + noise))
  printf 'BenchmarkEncode-8  \t 1000000\t %d ns/op\n' $((500 + noise))
done
echo PASS
"""
SETUP = """#!/bin/sh
env > "$RUNNER_TEMP/env-setup-$PERFGATE_SIDE.txt"
echo "built $PERFGATE_SIDE"
"""
FILES = {"bench.sh": BENCH, "setup.sh": SETUP, "speed.txt": "1000\n", "go.mod": "module example.com/shop\n"}


def ab_workflow(**inputs: str) -> dict[str, Any]:
    """The example, with the test's benchmark in place of `go test` (and any other inputs given)."""
    spec: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    step = next(s for s in spec["jobs"]["bench"]["steps"] if s.get("name") == "perfgate")
    step["with"].update({"setup": "sh setup.sh", "run": "sh bench.sh", "rounds": str(ROUNDS), **inputs})
    return spec


def workspace_of(project: Project) -> Path:
    name = project.site.full_name.split("/")[1]
    return project.site.machine / "work" / name / name


def temp_of(project: Project) -> Path:
    return project.site.machine / "work" / "_temp"


def two_commits_on_main(make_project: Callable[..., Project], *, private: bool = False) -> Project:
    project = make_project(FILES, private=private)
    project.commit("main", {"README.md": "a second commit on main\n"})
    return project


def assert_token_kept_out(project: Project, result: JobResult) -> None:
    token = project.tokens[-1]
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    assert token not in result.raw_log and basic not in result.raw_log
    config = (workspace_of(project) / ".git" / "config").read_text()
    assert token not in config and basic not in config  # fetched with the header in git's environment only


def test_a_slower_pull_request_fails_in_one_job_from_a_shallow_private_checkout(
    make_project: Callable[..., Project],
) -> None:
    project = two_commits_on_main(make_project, private=True)  # private: fetching the base needs the token
    project.commit("slow-parse", {"speed.txt": "1150\n"})  # +15 %
    event = project.pull_request(7, "slow-parse")
    gated = project.run(ab_workflow(), event)

    assert gated.conclusion == "failure", gated.log  # a regression fails the job, as in compare mode
    assert gated.outputs["verdict"] != "error", gated.log
    assert gated.outputs["verdict"] == "fail" and gated.outputs["regressions"] == "1"
    assert gated.outputs["recorded"] == "false"
    [comment] = comments(project, 7)
    assert "BenchmarkParse" in comment["body"] and "regress" in comment["body"].lower()
    assert f"paired: {ROUNDS} interleaved rounds in one job" in comment["body"]
    base_sha = event.payload["pull_request"]["base"]["sha"]
    assert f"base: {base_sha[:12]}, the pull request's base, main at {base_sha[:12]}" in comment["body"]
    assert "with no uncommitted changes" in comment["body"]  # .perfgate/ (the restored history) is no change
    [check] = check_runs(project)
    assert check["conclusion"] == "failure" and check["head_sha"] == project.pulls[7]["head_sha"]
    report = Path(gated.outputs["report"])
    assert report.is_file() and Path(gated.outputs["junit"]).is_file()
    assert "BenchmarkEncode" in report.read_text()  # the unchanged benchmark is in the report too

    tree = workspace_of(project)
    assert git(tree, "rev-parse", "--is-shallow-repository") == "true"  # fetched what it needed, no more
    git(tree, "cat-file", "-e", f"{base_sha}^{{commit}}")  # the base, fetched over HTTP with the job's token
    assert not git(tree, "worktree", "list", "--porcelain").count("worktree ") > 1  # the base's worktree is gone
    assert_token_kept_out(project, gated)


def test_secrets_are_not_in_the_benchmark_s_environment(make_project: Callable[..., Project]) -> None:
    project = two_commits_on_main(make_project)
    project.commit("same", {"README.md": "docs only\n"})
    spec = ab_workflow(**{"database-url": "${{ secrets.PERFGATE_DATABASE_URL }}"})
    spec["jobs"]["bench"]["env"] = {"COPIED_TOKEN": "${{ github.token }}"}  # a token copied under another name
    url = "postgresql://postgres:s3cret-pw@127.0.0.1:5432/test"
    gated = project.run(spec, project.pull_request(3, "same"), secrets_={"PERFGATE_DATABASE_URL": url})

    assert gated.conclusion == "success" and gated.outputs["verdict"] == "pass", gated.log
    token = project.tokens[-1]
    dumps = sorted(temp_of(project).glob("env-*.txt"))
    names = {p.name for p in dumps}
    assert {"env-setup-base.txt", "env-setup-head.txt", "env-base-0.txt", f"env-head-{ROUNDS}.txt"} <= names
    for dump in dumps:
        seen = dump.read_text()
        assert token not in seen and "s3cret-pw" not in seen, dump.name
        assert not [line for line in seen.splitlines() if "TOKEN" in line], dump.name
        assert "GITHUB_REPOSITORY=" in seen  # the rest of the job's environment is there
    assert "with no uncommitted changes" in gated.summary


def test_a_failing_set_up_names_the_side(make_project: Callable[..., Project]) -> None:
    project = two_commits_on_main(make_project)
    project.commit("broken", {"setup.sh": "echo 'parse.go:3: syntax error' >&2\nexit 2\n"})
    gated = project.run(ab_workflow(), project.pull_request(4, "broken"))

    assert gated.conclusion == "failure" and gated.outputs["verdict"] == "error", gated.log
    assert gated.step("perfgate / Gate").outcome == "failure"
    assert "set-up of head" in gated.log and "exited with status 2" in gated.log
    assert "parse.go:3: syntax error" in gated.log  # the end of what it printed
    assert "Process completed with exit code 3." in gated.messages("error")
    assert "could not run" in gated.summary and "set-up of head" in gated.summary
    assert comments(project, 4) == []  # no comment claims a verdict the gate never reached


def test_a_push_to_main_compares_with_the_previous_commit_and_records_its_rounds(
    make_project: Callable[..., Project],
) -> None:
    project = make_project(FILES)
    project.commit("main", {"speed.txt": "1300\n"}, message="a slower parser lands")
    recorded = project.run(ab_workflow(), project.push_event())

    assert recorded.outputs["verdict"] == "fail" and recorded.outputs["recorded"] == "true", recorded.log
    assert recorded.conclusion == "failure"  # main got slower: its check says so
    assert recorded.step("perfgate / Save history (cache)").outcome == "success"  # recorded all the same
    assert "HEAD~1, the previous commit of main" in recorded.log
    assert "head rounds 1-6: stored as run 1 (2 series, main@" in recorded.log
    [check] = check_runs(project)
    assert check["conclusion"] == "failure" and check["head_sha"] == project.push_event().sha
    assert comments(project, 1) == []

    # A later pull request in compare mode uses the recorded rounds as main's run: one run with 30 samples.
    compare = yaml.safe_load((ROOT / "examples" / "github" / "perfgate.yml").read_text())
    project.commit("faster", {"speed.txt": "1000\n"})
    replace = {"Run the benchmarks": "PERFGATE_ROUND=1 PERFGATE_SIDE=pr sh bench.sh > bench.txt"}
    gated = project.run(compare, project.pull_request(5, "faster"), replace=replace)
    assert gated.outputs["verdict"] == "pass", gated.log
    [comment] = comments(project, 5)
    assert "BenchmarkParse" in comment["body"] and "improvement" in comment["body"].lower()
    assert "1 run of main" in comment["body"], comment["body"]  # the job, not its six rounds


def test_a_fork_s_pull_request_is_gated_in_its_job_and_commented_by_the_publish_workflow(
    make_project: Callable[..., Project],
) -> None:
    project = two_commits_on_main(make_project)
    project.commit("fork-slow", {"speed.txt": "1150\n"})
    gated = project.run(ab_workflow(), project.pull_request(9, "fork-slow", fork=True), run_id="9101")
    assert gated.outputs["verdict"] == "fail", gated.log  # the verdict stands: a fork's regression fails its job
    assert comments(project, 9) == [] and check_runs(project) == []  # its token is read-only
    assert gated.step("perfgate / Keep the report").outcome == "success"

    published = project.run(
        ROOT / "examples" / "github" / "perfgate-fork-publish.yml",
        project.workflow_run(9, "9101", gated.conclusion),
        job="publish",
    )
    assert published.conclusion == "success", published.log
    [comment] = comments(project, 9)
    assert "BenchmarkParse" in comment["body"] and f"paired: {ROUNDS} interleaved rounds" in comment["body"]
    [check] = check_runs(project)
    assert check["conclusion"] == "failure" and check["head_sha"] == project.pulls[9]["head_sha"]


def test_a_fork_s_code_is_not_run_on_pull_request_target(make_project: Callable[..., Project]) -> None:
    project = two_commits_on_main(make_project)
    project.commit("fork-feature", {"bench.sh": 'touch "$RUNNER_TEMP/ran"\n'})
    opened = project.pull_request(10, "fork-feature", fork=True)
    target = Event("pull_request_target", "refs/heads/main", project.push_event().sha, opened.payload)
    refused = project.run(ab_workflow(), target)
    assert refused.conclusion == "failure" and refused.outputs["verdict"] == "error", refused.log
    assert "pull_request_target" in refused.summary and "Process completed with exit code 3." in refused.messages(
        "error"
    )
    assert not (temp_of(project) / "ran").exists() and not list(temp_of(project).glob("env-*.txt"))


def test_the_accept_label_waives_a_slower_pull_request_in_mode_ab(make_project: Callable[..., Project]) -> None:
    project = two_commits_on_main(make_project)
    project.commit("slow-parse", {"speed.txt": "1150\n"})  # +15 %
    project.pull_request(7, "slow-parse")
    project.site.api.add_label(7, "perfgate: accept", "alice", "2026-12-03T07:05:07Z")
    gated = project.run(ab_workflow(), project.pull_request(7, "slow-parse"))  # its event carries the label

    assert gated.conclusion == "success", gated.log
    assert gated.outputs["verdict"] == "pass" and gated.outputs["regressions"] == "0"
    [comment] = comments(project, 7)
    assert "Waived by the label 'perfgate: accept' (added by @\u200balice on 2026-12-03 07:05 UTC)" in comment["body"]
    [check] = check_runs(project)
    assert check["conclusion"] == "success" and "waived by the label" in check["output"]["title"]

"""The Action as users meet it: example workflows run step by step through action.yml, as a hosted runner would.

Each test is a real repository on a loopback git server and fake GitHub API (tests/runner/): developers push
and open pull requests, and the workflow's jobs run — checkout over smart HTTP with the job's token,
perfgate's own set-up from the cache, history in the cache, a data branch or Postgres, the report artifact,
the PR comment and the check run. Only the benchmark step is replaced: its output is committed with the code.
"""

from __future__ import annotations

import base64
import re
import shutil
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine, text

from .conftest import EXAMPLES
from .fake_github import SECONDARY_RATE_LIMIT, Fault
from .runner.git_http import GitServer
from .runner.job import JS, ROOT, JobResult
from .runner.project import Project, git
from .runner.services import CacheEntry

WORKFLOWS = ROOT / "examples" / "github"
DATA = ROOT / "tests" / "data"
WHEELHOUSE = ROOT / ".wheelhouse"
GO_BASE = (DATA / "go-bench" / "benchstat_testdata_old.txt").read_text()
CHECK_BENCH = {"Run the benchmarks": "test -s bench.txt"}  # the output is committed with the code
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def slower(go_output: str, benchmark: str, factor: float) -> str:
    """The real benchmark output with one benchmark's ns/op multiplied: a regression of known size."""

    def scale(match: re.Match[str]) -> str:
        return f"{match.group(1)}{round(float(match.group(2)) * factor)} ns/op"

    return "\n".join(
        re.sub(r"^(Benchmark\S+\s+\d+\s+)([\d.]+) ns/op", scale, line) if line.startswith(benchmark) else line
        for line in go_output.splitlines()
    )


def readme_workflow() -> dict[str, Any]:
    """The workflow in the README, exactly as a user pastes it."""
    block = re.search(r"## The GitHub Action\n\n```yaml\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert block, "the README has no workflow snippet"
    spec: dict[str, Any] = yaml.safe_load(block.group(1))
    return spec


# --- the machine, the servers, perfgate's environment built once -------------------------------------------


@pytest.fixture(scope="session")
def machine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The runner's disk: like /home/runner/work on hosted runners, the same paths for every job."""
    return tmp_path_factory.mktemp("runner")


@pytest.fixture(scope="session")
def git_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GitServer]:
    server = GitServer(tmp_path_factory.mktemp("git")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def wheelhouse() -> Path:
    wanted = [
        line.split("==")[0].lower().replace("_", "-")
        for name in ("action.txt", "uv.txt")
        for line in (ROOT / "requirements" / name).read_text().splitlines()
        if "==" in line
    ]
    have = {p.name.split("-")[0].lower().replace("_", "-") for p in WHEELHOUSE.glob("*.whl")}
    missing = [w for w in wanted if w not in have]
    assert not missing, f"{WHEELHOUSE} lacks {missing}: run scripts/test-deps.sh (the tests never reach PyPI)"
    return WHEELHOUSE


@pytest.fixture(scope="session")
def perfgate_env(
    tmp_path_factory: pytest.TempPathFactory, machine: Path, git_server: GitServer, wheelhouse: Path
) -> CacheEntry:
    """perfgate's environment as the Action's first job builds and caches it (the cold set-up, once per session)."""
    where = tmp_path_factory.mktemp("first-job")
    project = Project.create(where, machine, git_server, "acme/first", {"bench.txt": GO_BASE}, wheelhouse=wheelhouse)
    try:
        result = project.run(WORKFLOWS / "perfgate.yml", project.push_event(), replace=CHECK_BENCH)
        assert result.conclusion == "success", result.log
        assert result.step("perfgate / Install perfgate").outputs["built"] == "true"
        assert result.step("perfgate / Save perfgate's environment").outcome == "success"
        entry = next(e for e in project.site.caches.entries if e.key.startswith("perfgate-venv-"))
        site_packages = next((entry.where / "0" / "lib").glob("python*/site-packages"))
        installed = {d.name.split("-")[0].lower() for d in site_packages.glob("*.dist-info")}
        # Pillow draws the digest's charts, cryptography signs GitHub App keys, pycparser parses C declarations,
        # the build backend built perfgate, and uv installs without pip: none of them is loaded by the gate.
        assert {"scipy", "pygithub", "pynacl", "perfgate"} <= installed
        assert not {"pillow", "cryptography", "pycparser", "hatchling", "pip"} & installed, installed
        assert (next(site_packages.glob("scipy-*.dist-info")) / "INSTALLER").read_text().strip() == "uv"
        assert not list((site_packages / "scipy").rglob("tests"))  # numpy's and scipy's test suites
        assert list((site_packages / "scipy" / "stats" / "__pycache__").glob("*.pyc"))  # compiled once, here
        return entry
    finally:
        project.stop()


@pytest.fixture
def make_project(
    tmp_path: Path, machine: Path, git_server: GitServer, wheelhouse: Path, perfgate_env: CacheEntry
) -> Iterator[Callable[..., Project]]:
    """A new repository whose caches already hold perfgate's environment (saved by an earlier run on main)."""
    made: list[Project] = []

    def make(files: dict[str, str], *, name: str = "", default_branch: str = "main", private: bool = False) -> Project:
        full_name = f"acme/{name or 'repo-' + uuid.uuid4().hex[:8]}"
        project = Project.create(
            tmp_path / full_name.split("/")[1],
            machine,
            git_server,
            full_name,
            files,
            default_branch=default_branch,
            private=private,
            wheelhouse=wheelhouse,
        )
        project.site.caches.entries.append(
            CacheEntry(f"refs/heads/{default_branch}", perfgate_env.key, perfgate_env.version, perfgate_env.where, -1)
        )
        made.append(project)
        return project

    yield make
    for project in made:
        project.stop()


def comments(project: Project, number: int) -> list[dict[str, Any]]:
    return project.site.api.comments.get(number, [])


def check_runs(project: Project) -> list[dict[str, Any]]:
    return project.site.api.check_runs


def assert_set_up_from_cache(result: JobResult) -> None:
    assert result.step("perfgate / Install perfgate").outputs.get("built") == "false", result.log
    assert result.step("perfgate / Save perfgate's environment").outcome == "skipped"


# --- scenarios ------------------------------------------------------------------------------------------------


def test_the_readme_workflow_gates_a_go_repository_without_any_python_file(
    make_project: Callable[..., Project],
) -> None:
    project = make_project({"go.mod": "module example.com/shop\n", "bench.txt": GO_BASE})
    workflow = readme_workflow()
    steps = workflow["jobs"]["bench"]["steps"]
    bench_step = next(s for s in steps if "run" in s)
    bench_step["run"] = "test -s bench.txt"
    recorded = project.run(workflow, project.push_event())
    assert recorded.conclusion == "success", recorded.log
    assert recorded.outputs["verdict"] == "recorded"
    assert_set_up_from_cache(recorded)

    project.commit("slow-json", {"bench.txt": slower(GO_BASE, "BenchmarkEncode/format=json", 1.6)})
    gated = project.run(workflow, project.pull_request(7, "slow-json"))
    assert gated.conclusion == "failure"  # a regression fails the job, like a failing test
    assert gated.outputs["verdict"] == "fail" and gated.outputs["regressions"] == "1"
    [comment] = comments(project, 7)
    assert "format=json" in comment["body"] and "regress" in comment["body"].lower()
    [check] = check_runs(project)
    assert check["conclusion"] == "failure" and check["head_sha"] == project.pulls[7]["head_sha"]
    [(name, files)] = project.site.artifacts.runs[gated.run_id].items()
    assert name == "perfgate-report-default-bench-0-1"
    assert {"perfgate-report.json", "perfgate-junit.xml"} <= {p.name for p in files.iterdir()}


def test_changed_requirements_build_a_new_environment_and_the_next_job_restores_it(
    make_project: Callable[..., Project], tmp_path: Path
) -> None:
    """The cache key hashes what the environment is built from, not where the runner unpacked the action: a
    copy of the action restores the cached environment; a changed requirements file builds one (cold), saved
    under a new key that the next job restores (warm)."""
    action = tmp_path / "perfgate-action"
    for name in ("action.yml", "pyproject.toml", "README.md", "LICENSE"):
        (action / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, action / name)
    for name in ("scripts", "requirements", "perfgate", "templates", "migrations"):
        shutil.copytree(ROOT / name, action / name, ignore=shutil.ignore_patterns("__pycache__"))
    project = make_project({"bench.txt": GO_BASE})
    project.site.action = action
    workflow = WORKFLOWS / "perfgate.yml"

    moved = project.run(workflow, project.push_event(), replace=CHECK_BENCH)
    assert moved.conclusion == "success", moved.log
    assert_set_up_from_cache(moved)

    with (action / "requirements" / "action.txt").open("a") as pins:
        pins.write("# a change to the pins\n")
    cold = project.run(workflow, project.push_event(), replace=CHECK_BENCH)
    assert cold.conclusion == "success", cold.log
    assert cold.step("perfgate / Install perfgate").outputs["built"] == "true"
    assert cold.step("perfgate / Save perfgate's environment").outcome == "success"
    keys = [e.key for e in project.site.caches.entries if e.key.startswith("perfgate-venv-")]
    assert len(set(keys)) == 2 and keys[-1] == cold.step("perfgate / Key of perfgate's environment").outputs["key"]

    warm = project.run(workflow, project.push_event(), replace=CHECK_BENCH)
    assert warm.conclusion == "success" and warm.outputs["verdict"] == "recorded", warm.log
    assert_set_up_from_cache(warm)


def test_the_old_set_up_step_fails_in_a_go_repository(make_project: Callable[..., Project]) -> None:
    """What broke every non-Python repository: setup-python's pip cache hashes only files in the workspace."""
    if not (JS / "node_modules" / "@actions" / "glob").is_dir():
        pytest.fail(f"the real @actions/glob is needed: npm ci --prefix {JS}")
    project = make_project({"go.mod": "module example.com/shop\n"})
    workflow = {
        "jobs": {
            "bench": {
                "permissions": {"contents": "read"},
                "steps": [
                    {"uses": "actions/checkout@v4", "with": {"persist-credentials": False}},
                    {
                        "name": "old set-up",
                        "uses": "actions/setup-python@v5",
                        "with": {"cache": "pip", "cache-dependency-path": str(ROOT / "pyproject.toml")},
                    },
                ],
            }
        }
    }
    result = project.run(workflow, project.push_event())
    assert result.step("old set-up").outcome == "failure"
    assert any("make sure you have checked out the target repository" in m for m in result.messages("error"))


def test_three_pushes_to_one_pull_request_keep_one_comment_up_to_date(make_project: Callable[..., Project]) -> None:
    project = make_project({"bench.txt": GO_BASE})
    workflow = WORKFLOWS / "perfgate.yml"
    assert project.run(workflow, project.push_event(), replace=CHECK_BENCH).conclusion == "success"

    project.commit("feature", {"bench.txt": slower(GO_BASE, "BenchmarkEncode/format=json", 1.6)})
    first = project.run(workflow, project.pull_request(3, "feature"), replace=CHECK_BENCH)
    project.commit("feature", {"bench.txt": slower(GO_BASE, "BenchmarkEncode/format=gob", 1.6)})
    second = project.run(workflow, project.pull_request(3, "feature"), replace=CHECK_BENCH)
    project.commit("feature", {"bench.txt": GO_BASE})  # fixed
    third = project.run(workflow, project.pull_request(3, "feature"), replace=CHECK_BENCH)

    assert [first.conclusion, second.conclusion, third.conclusion] == ["failure", "failure", "success"]
    [comment] = comments(project, 3)
    headline = comment["body"].split("\n")[1]
    assert ":white_check_mark:" in headline and "no regression" in headline  # the same comment, now passing
    heads = [c["head_sha"] for c in check_runs(project)]
    assert len(set(heads)) == 3  # one check per pushed head


def test_a_pull_request_before_any_recorded_run_is_neutral_not_green(make_project: Callable[..., Project]) -> None:
    project = make_project({"bench.txt": GO_BASE})
    project.commit("early", {"bench.txt": slower(GO_BASE, "BenchmarkEncode/format=json", 1.6)})
    gated = project.run(WORKFLOWS / "perfgate.yml", project.pull_request(1, "early"), replace=CHECK_BENCH)
    assert gated.conclusion == "success" and gated.outputs["verdict"] == "no-baseline", gated.log
    [check] = check_runs(project)
    assert check["conclusion"] == "neutral"
    [comment] = comments(project, 1)
    assert "nothing was compared" in comment["body"].split("\n")[1].lower()


def test_a_warn_only_regression_is_a_neutral_verdict_through_the_action(make_project: Callable[..., Project]) -> None:
    """mode = "warn": the slower benchmark is shown and fails nothing; the check and the `verdict` output are
    neutral, not a green pass, and the job succeeds."""
    project = make_project({"bench.txt": GO_BASE, "perfgate.toml": '[perfgate]\nmode = "warn"\n'})
    workflow = WORKFLOWS / "perfgate.yml"
    assert project.run(workflow, project.push_event(), replace=CHECK_BENCH).conclusion == "success"
    project.commit("feature", {"bench.txt": slower(GO_BASE, "BenchmarkEncode/format=json", 1.6)})
    gated = project.run(workflow, project.pull_request(5, "feature"), replace=CHECK_BENCH)
    assert gated.conclusion == "success" and gated.outputs["verdict"] == "neutral", gated.log
    assert gated.outputs["regressions"] == "0"
    assert check_runs(project)[-1]["conclusion"] == "neutral"


def test_a_re_run_of_the_same_job_passes_again(make_project: Callable[..., Project]) -> None:
    project = make_project({"bench.txt": GO_BASE})
    workflow = WORKFLOWS / "perfgate.yml"
    project.run(workflow, project.push_event(), replace=CHECK_BENCH)
    project.commit("feature", {"bench.txt": GO_BASE})
    event = project.pull_request(4, "feature")
    first = project.run(workflow, event, run_id="7001", replace=CHECK_BENCH)
    again = project.run(workflow, event, run_id="7001", attempt=2, replace=CHECK_BENCH)
    assert first.conclusion == again.conclusion == "success", again.log
    assert sorted(project.site.artifacts.runs["7001"]) == [
        "perfgate-report-default-bench-0-1",
        "perfgate-report-default-bench-0-2",
    ]
    assert len(comments(project, 4)) <= 1


def test_a_matrix_of_two_suites_keeps_two_histories_and_two_checks(make_project: Callable[..., Project]) -> None:
    base, head = ((EXAMPLES / "pytest-benchmark" / n).read_text() for n in ("base.json", "head.json"))
    project = make_project({"bench-parse.json": base, "bench-parse-fast.json": base})
    workflow = WORKFLOWS / "perfgate-matrix.yml"
    replace = {"Run the benchmarks": 'test -s "bench-$SUITE.json"'}
    for index, suite in enumerate(("parse", "parse-fast")):  # one suite's name starts with the other's
        done = project.run(
            workflow, project.push_event(), run_id="8001", matrix={"suite": suite}, job_index=index, job_total=2,
            replace=replace,
        )  # fmt: skip
        assert done.conclusion == "success", done.log
    assert not project.site.caches.refused  # each leg saved its own history
    project.commit("feature", {"bench-parse.json": head, "bench-parse-fast.json": base})
    event = project.pull_request(5, "feature")
    legs = [
        project.run(workflow, event, run_id="8002", matrix={"suite": s}, job_index=i, job_total=2, replace=replace)
        for i, s in enumerate(("parse", "parse-fast"))
    ]
    assert all(leg.outputs["verdict"] in ("pass", "fail") for leg in legs), [leg.outputs for leg in legs]
    names = sorted(c["name"] for c in check_runs(project))
    assert names == ["perfgate (parse)", "perfgate (parse-fast)"]
    assert legs[0].outputs["verdict"] == "fail"  # parse got slower, compared with its own history
    assert legs[1].outputs["verdict"] == "pass" and legs[1].conclusion == "success"


def test_a_fork_pull_request_passes_with_a_read_only_token_and_publish_comments(
    make_project: Callable[..., Project],
) -> None:
    project = make_project({"bench.txt": GO_BASE})
    workflow = WORKFLOWS / "perfgate.yml"
    project.run(workflow, project.push_event(), replace=CHECK_BENCH)
    project.commit("fork-feature", {"bench.txt": slower(GO_BASE, "BenchmarkEncode/format=json", 1.6)})
    event = project.pull_request(9, "fork-feature", fork=True)
    gated = project.run(workflow, event, run_id="9001", replace=CHECK_BENCH)
    assert gated.outputs["verdict"] == "fail"  # the verdict stands: a fork's regression still fails its job
    assert comments(project, 9) == [] and check_runs(project) == []  # a read-only token could not write
    assert "fork" in gated.summary.lower()
    assert gated.step("perfgate / Keep the report").outcome == "success"

    published = project.run(
        WORKFLOWS / "perfgate-fork-publish.yml", project.workflow_run(9, "9001", gated.conclusion), job="publish"
    )
    assert published.conclusion == "success", published.log  # it delivered; the check carries the verdict
    [comment] = comments(project, 9)
    assert "format=json" in comment["body"]
    [check] = check_runs(project)
    assert check["head_sha"] == project.pulls[9]["head_sha"] and check["conclusion"] == "failure"


def test_a_master_repository_records_on_master(make_project: Callable[..., Project]) -> None:
    project = make_project({"bench.txt": GO_BASE}, default_branch="master")
    workflow = WORKFLOWS / "perfgate.yml"
    recorded = project.run(workflow, project.push_event(), replace=CHECK_BENCH)
    assert recorded.outputs["verdict"] == "recorded", recorded.log
    project.commit("feature", {"bench.txt": slower(GO_BASE, "BenchmarkEncode/format=json", 1.6)})
    gated = project.run(workflow, project.pull_request(2, "feature"), replace=CHECK_BENCH)
    assert gated.outputs["verdict"] == "fail", gated.summary


@pytest.mark.parametrize("private", [False, True], ids=["public", "private"])
def test_data_branch_history_with_persist_credentials_false(
    make_project: Callable[..., Project], private: bool
) -> None:
    criterion = DATA / "rust-criterion" / "target"
    files = {str(p.relative_to(criterion.parent)): p.read_text() for p in criterion.rglob("*.json")}
    project = make_project({**files, "Cargo.toml": "[package]\nname = 'shop'\n"}, private=private)
    workflow = WORKFLOWS / "perfgate-branch.yml"
    replace = {"Run the benchmarks": "test -d target/criterion"}
    recorded = project.run(workflow, project.push_event(), job="record", replace=replace)
    assert recorded.outputs["verdict"] == "recorded", recorded.log
    assert recorded.step("perfgate / Save history (branch)").outcome == "success", recorded.log
    assert "runs.jsonl" in git(project.bare, "ls-tree", "--name-only", "perfgate-data")

    project.commit("feature", {"README": "docs"})
    gated = project.run(workflow, project.pull_request(6, "feature"), job="bench", replace=replace)
    assert gated.conclusion == "success", gated.log
    assert gated.outputs["verdict"] == "pass"  # compared with the history from the branch, not "no baseline"


def test_pushes_to_main_publish_the_history_site_and_pull_requests_do_not(
    make_project: Callable[..., Project],
) -> None:
    """perfgate-pages.yml: the record job builds the site from the data branch's history and hands it to
    upload-pages-artifact (a tar named github-pages, as deploy-pages expects); a pull request builds none."""
    project = make_project({"bench.txt": GO_BASE})
    workflow = WORKFLOWS / "perfgate-pages.yml"
    recorded = project.run(workflow, project.push_event(), job="record", replace=CHECK_BENCH)
    assert recorded.conclusion == "success", recorded.log
    assert recorded.outputs["verdict"] == "recorded"
    assert recorded.step("perfgate / Build the history site").outcome == "success", recorded.log
    assert recorded.step("Upload the site").outcome == "success", recorded.log
    pages = project.site.artifacts.runs[recorded.run_id]["github-pages"]
    with tarfile.open(pages) as tar:
        names = set(tar.getnames())
        index = tar.extractfile("./index.html").read().decode()  # type: ignore[union-attr]
    assert {"./index.html", "./assets/uPlot.iife.min.js", "./assets/series.js"} <= names
    pages_built = [n for n in names if n.startswith("./series/") and n.endswith(".html")]
    assert len(pages_built) == index.count("<tr data-name=") > 1  # a page for every series the index lists
    assert "BenchmarkEncode/format=json" in index
    assert re.search(rf'<h1><a href="[^"]+/{project.site.full_name}">', index)  # the repository, for links

    project.commit("feature", {"bench.txt": slower(GO_BASE, "BenchmarkEncode/format=json", 1.6)})
    gated = project.run(workflow, project.pull_request(3, "feature"), job="bench", replace=CHECK_BENCH)
    assert gated.outputs["verdict"] == "fail", gated.log
    assert "github-pages" not in project.site.artifacts.runs.get(gated.run_id, {})


def test_data_branch_push_without_contents_write_names_the_permission(make_project: Callable[..., Project]) -> None:
    project = make_project({"bench.txt": GO_BASE})
    spec = yaml.safe_load((WORKFLOWS / "perfgate.yml").read_text())
    spec["jobs"]["bench"]["steps"][-1]["with"]["history"] = "branch"  # contents: read only
    result = project.run(spec, project.push_event(), replace=CHECK_BENCH)
    assert result.conclusion == "failure"
    [error] = [m for m in result.messages("error") if "history" in m]
    assert "contents: write" in error and "403" in error


def test_postgres_history_with_and_without_the_secret(make_project: Callable[..., Project]) -> None:
    schema = "s" + uuid.uuid4().hex[:10]
    engine = create_engine(PG)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        url = f"postgresql://postgres:s3cret-pw@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
        project = make_project({"bench.txt": GO_BASE})
        workflow = WORKFLOWS / "perfgate-postgres.yml"
        secrets = {"PERFGATE_DATABASE_URL": url}
        recorded = project.run(workflow, project.push_event(), secrets_=secrets, replace=CHECK_BENCH)
        assert recorded.outputs["verdict"] == "recorded", recorded.log
        assert "s3cret-pw" not in recorded.raw_log  # never printed, not merely masked by the runner

        project.commit("feature", {"bench.txt": slower(GO_BASE, "BenchmarkEncode/format=json", 1.6)})
        gated = project.run(workflow, project.pull_request(8, "feature"), secrets_=secrets, replace=CHECK_BENCH)
        assert gated.outputs["verdict"] == "fail", gated.summary

        project.commit("deps", {"go.sum": "bump\n"})
        bot = project.run(workflow, project.pull_request(10, "deps", actor="dependabot[bot]"), replace=CHECK_BENCH)
        assert bot.conclusion == "success", bot.log  # no secret: nothing compared, never a red X
        assert bot.outputs["verdict"] == "no-baseline"
        assert any("no secrets" in m for m in bot.messages("notice"))
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def test_a_secondary_rate_limit_on_the_comment_is_waited_out(make_project: Callable[..., Project]) -> None:
    project = make_project({"bench.txt": GO_BASE})
    workflow = WORKFLOWS / "perfgate.yml"
    project.run(workflow, project.push_event(), replace=CHECK_BENCH)
    project.commit("feature", {"bench.txt": slower(GO_BASE, "BenchmarkEncode/format=json", 1.6)})
    project.site.api.faults.append(
        Fault("POST", r"/issues/\d+/comments$", 403, headers={"Retry-After": "1"}, message=SECONDARY_RATE_LIMIT)
    )
    gated = project.run(workflow, project.pull_request(11, "feature"), replace=CHECK_BENCH)
    assert gated.outputs["verdict"] == "fail"
    assert len(comments(project, 11)) == 1  # posted after the wait
    assert [c.status for c in project.site.api.requests("POST", r"/issues/11/comments$")] == [403, 201]


def test_an_unchanged_pull_request_passes_from_a_shallow_checkout(make_project: Callable[..., Project]) -> None:
    project = make_project({"bench.txt": GO_BASE})
    spec = yaml.safe_load((WORKFLOWS / "perfgate.yml").read_text())
    del spec["jobs"]["bench"]["steps"][0]["with"]["fetch-depth"]  # actions/checkout's default: depth 1
    project.run(spec, project.push_event(), replace=CHECK_BENCH)
    project.commit("docs", {"README.md": "only docs\n"})
    gated = project.run(spec, project.pull_request(12, "docs"), replace=CHECK_BENCH)
    assert gated.conclusion == "success" and gated.outputs["verdict"] == "pass", gated.summary
    assert (
        git(
            project.site.machine / "work" / project.site.full_name.split("/")[1] / project.site.full_name.split("/")[1],
            "rev-parse",
            "--is-shallow-repository",
        )
        == "true"
    )
    [check] = check_runs(project)
    assert check["conclusion"] == "success"


def test_shell_metacharacters_in_inputs_stay_data(make_project: Callable[..., Project]) -> None:
    name = "b;`touch${IFS}pwned`$(touch${IFS}pwned2)|&.txt"  # a real file (results are separated by spaces)
    project = make_project({name: GO_BASE})
    spec = yaml.safe_load((WORKFLOWS / "perfgate.yml").read_text())
    spec["jobs"]["bench"]["steps"][-1]["with"] = {"results": name, "suite": "a'b\"$(id),c/d*e"}
    result = project.run(spec, project.push_event(), run_id="9300", replace={"Run the benchmarks": "true"})
    workspace = (
        project.site.machine / "work" / project.site.full_name.split("/")[1] / project.site.full_name.split("/")[1]
    )
    assert not (workspace / "pwned").exists() and not (workspace / "pwned2").exists()
    assert result.conclusion == "success", result.log  # the file was read, the cache key valid
    assert result.outputs["verdict"] == "recorded" and "uid=" not in result.raw_log
    assert "perfgate-history-a-b---id--c-d-e_9300-1-bench" in project.site.caches.saved_keys()
    project.commit("feature", {"README": "x"})
    gated = project.run(spec, project.pull_request(2, "feature"), run_id="9301", replace={"Run the benchmarks": "true"})
    assert gated.outputs["verdict"] == "pass", gated.log
    assert list(project.site.artifacts.runs["9301"]) == ["perfgate-report-a-b---id--c-d-e-bench-0-1"]


def test_no_token_is_printed(make_project: Callable[..., Project]) -> None:
    project = make_project({"bench.txt": GO_BASE}, private=True)
    result = project.run(
        WORKFLOWS / "perfgate-branch.yml", project.push_event(), job="record", replace={"Run the benchmarks": "true"}
    )
    [token] = project.tokens  # the job's GITHUB_TOKEN, used by checkout and the data branch push
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    raw = result.raw_log
    assert token not in raw and basic not in raw  # masked by the runner, or never printed at all


def test_a_load_test_whose_orders_fail_ten_times_more_fails_from_the_first_recorded_run(
    make_project: Callable[..., Project],
) -> None:
    """Real Locust runs through the Action: the error rate is compared from counts, with one main run recorded."""
    runs = DATA / "locust-runs"

    def locust(prefix: str) -> dict[str, str]:
        return {f"results{p.name.removeprefix(prefix)}": p.read_text() for p in runs.glob(f"{prefix}_*.csv")}

    project = make_project(locust("main-1"))
    spec = yaml.safe_load((WORKFLOWS / "perfgate.yml").read_text())
    spec["jobs"]["bench"]["steps"][-1]["with"]["results"] = "results_stats.csv"
    replace = {"Run the benchmarks": "test -s results_stats.csv"}
    assert project.run(spec, project.push_event(), replace=replace).outputs["verdict"] == "recorded"
    project.commit("slow-payments", locust("pr"))
    gated = project.run(spec, project.pull_request(21, "slow-payments"), replace=replace)
    assert gated.conclusion == "failure" and gated.outputs["verdict"] == "fail", gated.summary
    [comment] = comments(project, 21)
    assert "POST /api/orders" in comment["body"] and "errors 0.83% → 9.91%" in comment["body"]


def _alerting_workflow(*, issues: bool = True) -> dict[str, Any]:
    """perfgate.yml with `alert: true`, as docs/alerts.md shows it (and without `issues: write`)."""
    spec: dict[str, Any] = yaml.safe_load((WORKFLOWS / "perfgate.yml").read_text())
    job = spec["jobs"]["bench"]
    if issues:
        job["permissions"]["issues"] = "write"
    job["steps"][-1]["with"]["alert"] = True
    return spec


def _push_runs(project: Project, spec: dict[str, Any], factors: list[float]) -> list[JobResult]:
    """One push to main per factor: every benchmark a little noisy, BenchmarkEncode/format=json times ``factor``."""
    results = []
    for i, factor in enumerate(factors):
        noisy = slower(GO_BASE, "Benchmark", 1 + 0.004 * (i % 3))
        project.commit("main", {"bench.txt": slower(noisy, "BenchmarkEncode/format=json", factor), "n.txt": str(i)})
        results.append(project.run(spec, project.push_event(), replace=CHECK_BENCH))
    return results


def test_a_step_recorded_on_main_opens_one_issue_through_the_action(make_project: Callable[..., Project]) -> None:
    """Main records runs; one benchmark gets 60 % slower and stays so. Once three runs confirm it, the Action's
    alert step tries to open an issue: without `issues: write` it fails naming the permission (the run is kept);
    with it, one issue opens (labelled, with the step's window), and the next push keeps that one issue."""
    project = make_project({"bench.txt": GO_BASE})
    jobs = _push_runs(project, _alerting_workflow(issues=False), [1.0, 1.0, 1.0, 1.6, 1.6, 1.6])
    assert [j.conclusion for j in jobs] == ["success"] * 5 + ["failure"], jobs[-1].log
    assert jobs[-1].step("perfgate / Save history (cache)").outcome == "success"  # the run is kept all the same
    assert "Resource not accessible by integration" in jobs[-1].log
    assert "give the job `permissions: issues: write`" in jobs[-1].log
    assert not project.site.api.issues
    assert "announced: BenchmarkEncode/format=json" in jobs[-1].log  # the step, once three runs confirm it
    assert not any("announced" in j.log for j in jobs[:-1])  # never on the first or second slow run

    jobs = _push_runs(project, _alerting_workflow(), [1.6, 1.6])

    assert [j.conclusion for j in jobs] == ["success"] * 2, jobs[0].log
    [issue] = [i for i in project.site.api.issues.values() if "<!-- perfgate:alert " in i["body"]]
    assert issue["state"] == "open" and [label["name"] for label in issue["labels"]] == ["perfgate"]
    size = re.fullmatch(r"perfgate: BenchmarkEncode/format=json is ([\d.]+)% slower since [0-9a-f]{10}", issue["title"])
    assert size and abs(float(size.group(1)) - 60) < 1.5, issue["title"]  # 60 % slower, give or take the noise
    assert "opened the issue of an announced step" in jobs[0].log
    assert f"still worse, issue #{issue['number']}" in jobs[1].log

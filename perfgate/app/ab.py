"""The Action's ``mode: ab``: base and head benchmarked in the job itself (``perfgate run``'s engine), with what the
Action adds around it — which commit is the base for this event (fetched when the checkout is shallow), an
environment for the benchmark without the job's secrets, and the head's rounds as one run of history on main."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from perfgate import harness
from perfgate.errors import UsageError
from perfgate.github_env import GitHubContext
from perfgate.model import ParsedResults, SampleKind, Series, Summary, as_samples

WORKING_FILES = "/.perfgate/"  # the history the Action restores into the tree: not a change of the head

# Variables that hold the job's credentials, withheld from the set-up and the benchmark whatever the event: the
# Action's github-token and database-url, and the runner's own tokens (caches, artifacts, OIDC).
SECRET_VARIABLES = (
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "INPUT_GITHUB-TOKEN",
    "INPUT_DATABASE-URL",
    "PERFGATE_DATABASE_URL",
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
)


@dataclass(frozen=True)
class ABRequest:
    """What each round runs (the Action's run, setup, rounds and results inputs)."""

    command: tuple[str, ...]
    rounds: int
    setup: str | None = None
    results: str | None = None  # the file COMMAND writes, relative to the tree; None: its standard output

    def __post_init__(self) -> None:
        if not self.command or not any(part.strip() for part in self.command):
            raise UsageError("mode ab needs the benchmark command (the Action's run input)")


@dataclass(frozen=True)
class ChosenBase:
    commit: str
    why: str  # for the report: "the pull request's base, main at 1a2b3c4d5e6f"


def benchmark_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The job's environment for the set-up and the rounds, without its credentials: the variables that hold them,
    and any other whose value contains one of them (a token copied under another name)."""
    secrets = [environ[name] for name in SECRET_VARIABLES if environ.get(name)]
    return {
        name: value
        for name, value in environ.items()
        if name not in SECRET_VARIABLES and not any(secret in value for secret in secrets)
    }


def choose_base(
    cwd: Path, ctx: GitHubContext, main: str, environ: Mapping[str, str], *, recording: bool
) -> ChosenBase | None:
    """The base for this event, fetched from origin with the job's token when the checkout is shallow: a pull
    request's merge-base with its base branch (as the event saw it); a push to main, the previous commit. None for
    anything else: ``perfgate run``'s own rule (the merge-base with main) applies."""
    env = {**benchmark_environment(environ), "GIT_TERMINAL_PROMPT": "0"}
    head = harness.head_commit(cwd)
    if recording:
        return ChosenBase(harness.fetch_parent(cwd, head, env, ctx.token), f"HEAD~1, the previous commit of {main}")
    if ctx.pr_number is not None and ctx.base_sha:
        found = harness.fetch_merge_base(cwd, head, ctx.base_sha, env, ctx.token)
        branch = ctx.base_branch or main
        if found == ctx.base_sha:
            return ChosenBase(found, f"the pull request's base, {branch} at {found[:12]}")
        return ChosenBase(
            found, f"the merge-base of HEAD and the pull request's base ({branch} at {ctx.base_sha[:12]})"
        )
    return None


def keep_working_files_out(cwd: Path) -> None:
    """The Action's files in the tree (``.perfgate/``) are listed in .git/info/exclude, so the report does not say
    the head has uncommitted changes because of them."""
    harness.exclude(cwd, WORKING_FILES)


def pooled(rounds: Sequence[ParsedResults]) -> ParsedResults:
    """The head's rounds as one run of history: each series' values of every round together, as one job's samples
    (a series a tool summarised gives one value a round). One job is one run, as a record job's results file is, so
    that the between-run spread of main's runs is still measured between jobs, not between rounds of one job."""
    if not rounds:
        raise UsageError("mode ab ran no rounds to record")
    values: dict[tuple[str, str], list[np.ndarray]] = {}
    first: dict[tuple[str, str], Series] = {}
    for parsed in rounds:
        for one in parsed.series:
            first.setdefault(one.key, one)
            values.setdefault(one.key, []).append(one.values())
    series = tuple(_together(first[key], arrays) for key, arrays in values.items())
    failures = tuple(dict.fromkeys(f for parsed in rounds for f in parsed.failures))
    notes = tuple(dict.fromkeys(n for parsed in rounds for n in parsed.notes))
    source = f"head rounds 1-{len(rounds)}"
    return replace(rounds[0], source=source, series=series, sha256="", failures=failures, notes=notes)


def _together(series: Series, arrays: list[np.ndarray]) -> Series:
    samples = as_samples(np.concatenate(arrays)) if arrays else as_samples([])
    if not samples.size:
        return series
    kind = SampleKind.REPETITION if series.kind is SampleKind.SUMMARY_ONLY else series.kind
    return replace(series, kind=kind, samples=samples, summary=Summary.of(samples))

"""Mode ab's pieces: the benchmark's environment without the job's secrets, and the head's rounds as one run."""

from __future__ import annotations

import numpy as np
import pytest

from perfgate import formats
from perfgate.app.ab import ABRequest, benchmark_environment, pooled
from perfgate.errors import UsageError
from perfgate.model import SampleKind


def test_the_job_s_credentials_are_withheld_wherever_they_are() -> None:
    environ = {
        "GITHUB_TOKEN": "ghs_abc",
        "PERFGATE_DATABASE_URL": "postgresql://u:pw@db/x",
        "ACTIONS_RUNTIME_TOKEN": "rt",
        "MY_COPY": "Bearer ghs_abc",  # the token under another name
        "DSN": "postgresql://u:pw@db/x",
        "GITHUB_REPOSITORY": "acme/shop",
        "PATH": "/usr/bin",
    }
    assert benchmark_environment(environ) == {"GITHUB_REPOSITORY": "acme/shop", "PATH": "/usr/bin"}


def test_no_command_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="run input"):
        ABRequest(("  ",), 10)


def _round(ns: int) -> bytes:
    lines = [f"BenchmarkParse-8 \t 1000 \t {ns + i} ns/op" for i in range(3)]
    return ("goos: linux\n" + "\n".join(lines) + "\nPASS\n").encode()


def test_the_head_s_rounds_are_one_run_with_every_round_s_samples() -> None:
    rounds = [formats.read_bytes(_round(1000 + 10 * r), f"head round {r}", name="stdout") for r in (1, 2)]
    run = pooled(rounds)
    [series] = run.series
    assert run.source == "head rounds 1-2" and run.sha256 == ""
    assert series.summary.count == 6 and series.kind is SampleKind.REPETITION
    np.testing.assert_allclose(sorted(series.samples * 1e9), [1010, 1011, 1012, 1020, 1021, 1022])

"""Bencher's history: the JSON its REST API's perf query returns (``GET /v0/projects/{project}/perf``, documented at
https://bencher.dev/docs/api/projects/perf/; the ``JsonPerf`` schema of Bencher's OpenAPI document, API 0.6.12).

``{"project": {"slug", ...}, "start_time", "end_time", "results": [{"branch": {"name", ...}, "testbed": {"name",
...}, "benchmark": {"name", ...}, "measure": {"name", "slug", "units", ...}, "metrics": [{"report", "iteration",
"start_time", "end_time", "version": {"number", "hash"?}, "metric": {"value", "lower_value"?, "upper_value"?},
...}]}]}``: one result per branch, testbed, benchmark and measure queried, and in it one metric per report (and
iteration) that measured it.

A report is one run: its metrics across the results, one series per benchmark and measure (the iterations of
``bencher run --iter N`` its samples), read as Bencher's metric format is (`perfgate.formats.readers.bencher`:
built-in measures by slug, with their units). Its commit is the report's ``version.hash`` (``bencher run
--hash``), its time the report's ``start_time``. Runs of one testbed form one set (another testbed is another
machine: another suite here). Bencher records the branch: only the runs of the branch imported to are read.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from perfgate.formats.document import Document, require
from perfgate.formats.peers import PeerHistory, PeerRun
from perfgate.formats.readers.bencher import measure_series
from perfgate.model import Environment, ParsedResults

FORMAT = "bencher-perf"


def read(path: str) -> PeerHistory | None:
    """The history in the file, or None when the file is not a perf query's JSON."""
    doc = Document.open(path)
    head = doc.head.decode("utf-8", errors="replace")
    if not head.lstrip().startswith("{") or ('"results"' not in head and '"project"' not in head):
        return None
    root = doc.json_or_none()
    if not (isinstance(root, dict) and isinstance(root.get("project"), dict) and isinstance(root.get("results"), list)):
        return None
    return PeerHistory(path, "Bencher perf query", tuple(_runs(doc, root["results"])))


class _Report:
    """What one report measured, gathered across the results."""

    def __init__(self, commit: str, when: datetime, branch: str, testbed: str, where: str) -> None:
        self.commit, self.when, self.branch, self.testbed, self.where = commit, when, branch, testbed, where
        self.values: dict[tuple[str, str], list[tuple[dict[str, Any], str]]] = {}


def _runs(doc: Document, results: list[Any]) -> list[PeerRun]:
    if not results:
        raise doc.error("results", "no results: there is nothing to import (query with branches, testbeds, ...)")
    reports: dict[str, _Report] = {}
    for i, result in enumerate(results):
        where = f"results[{i}]"
        if not isinstance(result, dict):
            raise doc.error(where, "expected {branch, testbed, benchmark, measure, metrics}")
        branch = _name(doc, result, "branch", where)
        testbed = _name(doc, result, "testbed", where)
        benchmark = _name(doc, result, "benchmark", where)
        measure = require(doc, result, "measure", dict, where)
        slug = measure.get("slug") if isinstance(measure.get("slug"), str) else None
        measure_key = slug or require(doc, measure, "name", str, f"{where}.measure")
        for j, item in enumerate(require(doc, result, "metrics", list, where)):
            at = f"{where}.metrics[{j}]"
            if not isinstance(item, dict):
                raise doc.error(at, "expected {report, iteration, start_time, version, metric}")
            uuid = require(doc, item, "report", str, at)
            version = require(doc, item, "version", dict, at)
            commit = version.get("hash")
            if not isinstance(commit, str) or not commit.strip():
                raise doc.error(
                    f"{at}.version.hash",
                    "the report has no commit: perfgate keeps each run at its commit (report with bencher run --hash)",
                )
            report = reports.get(uuid)
            if report is None:
                report = reports[uuid] = _Report(commit, _time(doc, item, at), branch, testbed, at)
            elif report.commit != commit:
                raise doc.error(f"{at}.version.hash", f"report {uuid} is at {report.commit} elsewhere, not {commit}")
            metric = require(doc, item, "metric", dict, at)
            report.values.setdefault((benchmark, measure_key), []).append((metric, f"{at}.metric"))
    return [_run(doc, uuid, report) for uuid, report in reports.items()]


def _run(doc: Document, uuid: str, report: _Report) -> PeerRun:
    series = tuple(
        measure_series(doc, benchmark, measure, blocks) for (benchmark, measure), blocks in report.values.items()
    )
    environment = Environment(runner=report.testbed, tool="bencher")  # the testbed: the machine it ran on
    results = ParsedResults(doc.path, FORMAT, series, environment, report.when, report.commit)
    seed = hashlib.sha256(f"bencher\0{uuid}".encode()).hexdigest()  # a report's UUID is unique and stable
    return PeerRun(report.testbed, report.commit, report.when, seed, results, report.where, branch=report.branch)


def _name(doc: Document, result: dict[str, Any], key: str, where: str) -> str:
    return str(require(doc, require(doc, result, key, dict, where), "name", str, f"{where}.{key}"))


def _time(doc: Document, item: dict[str, Any], where: str) -> datetime:
    text = require(doc, item, "start_time", str, where)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise doc.error(f"{where}.start_time", f"expected an RFC 3339 date and time, got {text!r}") from None
    if when.tzinfo is None:
        raise doc.error(f"{where}.start_time", f"expected a time zone (Bencher writes UTC, 'Z'), got {text!r}")
    return when

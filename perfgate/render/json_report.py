"""The JSON report: a stable, versioned schema for other tools (docs/json-report.md).

Schema history:
  1 — verdict, settings, baseline/candidate runs, notes, geomean, origin; series with change, ci, p/q,
      test, max_regression and budget checks. Added since: run_shift; site; series' warn_only and waived_by, and
      the pull request's accepted label (staged rollout).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from perfgate import __version__
from perfgate.errors import InputError
from perfgate.gate.report import BudgetCheck, Comparison, Report, RunShift, Verdict, WithinRunDrift
from perfgate.gate.rules import Acceptance
from perfgate.gate.settings import Settings
from perfgate.model import Direction, Origin, RunRef, Summary

SCHEMA_VERSION = 1
# The tests a report's series may name (read back; an unknown one is dropped).
_TESTS = ("exact", "permutation", "normal", "run-medians", "counts", "deterministic", "summary-runs")


def render(report: Report) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "perfgate_version": __version__,
        "verdict": report.verdict,
        "settings": asdict(report.settings),
        "baseline": [_ref(r) for r in report.baseline],
        "candidate": [_ref(r) for r in report.candidate],
        "notes": list(report.notes),
        "geomean": report.geomean,
        "run_shift": _run_shift(report.run_shift),
        "origin": asdict(report.origin) if report.origin else None,
        "series": [_comparison(c) for c in report.comparisons],
        "site": _site(report),
        "accepted": _accepted(report.accepted),
    }
    return json.dumps(document, indent=2, allow_nan=False) + "\n"


def _run_shift(shift: RunShift | None) -> dict[str, Any] | None:
    if shift is None:
        return None
    return {
        "ratio": shift.ratio,
        "ci": list(shift.ci),
        "p_value": shift.p_value,
        "series": shift.series,
        "allowed": shift.allowed,
        "slower": shift.slower,
    }


def _accepted(accepted: Acceptance | None) -> dict[str, Any] | None:
    if accepted is None:
        return None
    at = accepted.at.isoformat().replace("+00:00", "Z") if accepted.at else None
    return {"label": accepted.label, "by": accepted.by, "at": at}


def _site(report: Report) -> dict[str, Any] | None:
    if report.site_url is None:
        return None
    pages = [{"name": name, "metric": metric, "url": url} for name, metric, url in report.pages]
    return {"url": report.site_url, "pages": pages}


def _ref(ref: RunRef) -> dict[str, Any]:
    return {
        "label": ref.label,
        "commit": ref.commit,
        "recorded_at": ref.recorded_at.isoformat() if ref.recorded_at else None,
        "run_id": ref.run_id,
    }


def _comparison(c: Comparison) -> dict[str, Any]:
    return {
        "name": c.name,
        "metric": c.metric,
        "unit": c.unit,
        "direction": c.direction.value,
        "verdict": c.verdict.value,
        "fails": c.fails,  # this series fails the gate
        "warn_only": c.warn_only,  # a failing verdict under mode = "warn": shown, does not fail the gate
        "waived_by": c.waived_by,  # a waived one's waiver: "waiver" ([[waiver]]) or "label" (the accept label)
        "reason": c.reason,
        "change": _finite(c.change),
        "ci": [_finite(c.ci[0]), _finite(c.ci[1])] if c.ci else None,
        "p_value": c.p_value,
        "q_value": c.q_value,
        "test": c.test,
        "max_regression": c.max_regression,
        "budget": [_check(b) for b in c.budget],
        "drift": _drift(c.drift),
        "n_baseline": c.n_baseline,
        "n_candidate": c.n_candidate,
        "baseline": _summary(c.baseline),
        "candidate": _summary(c.candidate),
    }


def _check(check: BudgetCheck) -> dict[str, Any]:
    return {
        "statistic": check.limit.statistic,
        "limit": check.limit.text,
        "status": check.status,
        "estimate": _finite(check.estimate),
        "bound": _finite(check.bound),
        "reason": check.reason,
    }


def _drift(drift: WithinRunDrift | None) -> dict[str, Any] | None:
    return None if drift is None else {k: _finite(v) for k, v in asdict(drift).items()}


def _summary(summary: Summary | None) -> dict[str, Any] | None:
    return None if summary is None else {k: _finite(v) for k, v in asdict(summary).items()}


def _finite(value: Any) -> Any:
    # JSON has no infinity: an unbounded interval end is null.
    return None if isinstance(value, float) and not math.isfinite(value) else value


# --- reading a report back (perfgate publish: the report is an artifact from an untrusted job) ---------


def load(text: str, source: str) -> Report:
    """Rebuild a Report from its JSON, checking every field; an error names the key."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"not valid JSON: {exc.msg}", where=f"{exc.lineno}:{exc.colno}") from None
    if not isinstance(doc, dict) or doc.get("schema_version") != SCHEMA_VERSION:
        raise InputError(source, f"not a perfgate report of schema version {SCHEMA_VERSION}", where="schema_version")
    reader = _Reader(source)
    settings = reader.obj(doc, "settings")
    origin = doc.get("origin")
    site = doc.get("site")
    site_url, pages = reader.site(site) if isinstance(site, dict) else (None, ())
    return Report(
        comparisons=tuple(reader.comparison(c, f"series[{i}]") for i, c in enumerate(reader.list(doc, "series"))),
        settings=Settings(
            max_regression=reader.number(settings, "max_regression", "settings"),
            fdr=reader.number(settings, "fdr", "settings"),
            confidence=reader.number(settings, "confidence", "settings"),
            min_samples=int(reader.number(settings, "min_samples", "settings")),
        ),
        baseline=tuple(reader.ref(r, f"baseline[{i}]") for i, r in enumerate(reader.list(doc, "baseline"))),
        candidate=tuple(reader.ref(r, f"candidate[{i}]") for i, r in enumerate(reader.list(doc, "candidate"))),
        notes=tuple(reader.text(n, f"notes[{i}]") for i, n in enumerate(reader.list(doc, "notes"))),
        geomean=reader.optional_number(doc, "geomean", ""),
        origin=reader.origin(origin) if isinstance(origin, dict) else None,
        site_url=site_url,
        pages=pages,
        run_shift=reader.run_shift(doc.get("run_shift")),
        accepted=reader.accepted(doc.get("accepted")),
    )


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> InputError:
        return InputError(self.source, problem, where=where)

    def run_shift(self, doc: Any) -> RunShift | None:
        """The whole run's shift; absent in reports of perfgate before it was written."""
        if doc is None:
            return None
        if not isinstance(doc, dict):
            raise self.fail("run_shift", "expected an object or null")
        ci = self.list(doc, "ci")
        if len(ci) != 2 or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in ci):
            raise self.fail("run_shift.ci", "expected two numbers")
        return RunShift(
            ratio=self.number(doc, "ratio", "run_shift"),
            ci=(float(ci[0]), float(ci[1])),
            p_value=self.number(doc, "p_value", "run_shift"),
            series=int(self.number(doc, "series", "run_shift")),
            allowed=self.number(doc, "allowed", "run_shift"),
        )

    def accepted(self, doc: Any) -> Acceptance | None:
        """The pull request's accept label; absent in reports of perfgate before staged rollout."""
        if doc is None:
            return None
        if not isinstance(doc, dict):
            raise self.fail("accepted", "expected an object or null")
        by, at = doc.get("by"), doc.get("at")
        if by is not None and not isinstance(by, str):
            raise self.fail("accepted.by", "expected a login or null")
        when = None
        if at is not None:
            try:
                when = datetime.fromisoformat(self.text(at, "accepted.at"))
            except ValueError:
                raise self.fail("accepted.at", f"expected an ISO 8601 time, got {at!r}") from None
            when = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
        return Acceptance(self.text(doc.get("label"), "accepted.label"), by, when)

    def obj(self, doc: Any, key: str) -> dict[str, Any]:
        value = doc.get(key) if isinstance(doc, dict) else None
        if not isinstance(value, dict):
            raise self.fail(key, "expected an object")
        return value

    def list(self, doc: dict[str, Any], key: str) -> list[Any]:
        value = doc.get(key)
        if not isinstance(value, list):
            raise self.fail(key, "expected a list")
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(where, "expected a string")
        return value

    def number(self, doc: dict[str, Any], key: str, where: str) -> float:
        value = self.optional_number(doc, key, where)
        if value is None:
            raise self.fail(f"{where}.{key}".lstrip("."), "expected a number")
        return value

    def optional_number(self, doc: dict[str, Any], key: str, where: str) -> float | None:
        value = doc.get(key)
        if value is None:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            raise self.fail(f"{where}.{key}".lstrip("."), f"expected a finite number, got {value!r}")
        return float(value)

    def ref(self, item: Any, where: str) -> RunRef:
        if not isinstance(item, dict):
            raise self.fail(where, "expected an object")
        commit = item.get("commit")
        return RunRef(self.text(item.get("label"), f"{where}.label"), commit if isinstance(commit, str) else None)

    def site(self, item: dict[str, Any]) -> tuple[str, tuple[tuple[str, str, str], ...]]:
        pages = tuple(
            (
                self.text(p.get("name"), f"site.pages[{i}].name"),
                self.text(p.get("metric"), f"site.pages[{i}].metric"),
                self.text(p.get("url"), f"site.pages[{i}].url"),
            )
            for i, p in enumerate(self.list(item, "pages"))
            if isinstance(p, dict)
        )
        return self.text(item.get("url"), "site.url"), pages

    def origin(self, item: dict[str, Any]) -> Origin:
        def text(key: str) -> str | None:
            value = item.get(key)
            return value if isinstance(value, str) else None

        pr = item.get("pr_number")
        return Origin(
            text("repository"),
            pr if isinstance(pr, int) and not isinstance(pr, bool) else None,
            text("head_sha"),
            text("run_url"),
        )

    def summary(self, item: Any, where: str) -> Summary | None:
        if item is None:
            return None
        if not isinstance(item, dict):
            raise self.fail(where, "expected an object or null")
        values = {
            k: self.optional_number(item, k, where)
            for k in ("mean", "stddev", "min", "median", "p90", "p95", "p99", "max", "median_low", "median_high")
        }
        errors = self.optional_number(item, "errors", where)
        return Summary(
            count=int(self.number(item, "count", where)), errors=int(errors) if errors is not None else None, **values
        )

    def comparison(self, item: Any, where: str) -> Comparison:
        if not isinstance(item, dict):
            raise self.fail(where, "expected an object")
        try:
            verdict = Verdict(str(item.get("verdict")))
            direction = Direction(str(item.get("direction")))
        except ValueError:
            raise self.fail(where, "unknown verdict or direction") from None
        ci = item.get("ci")
        interval = None
        if isinstance(ci, list) and len(ci) == 2 and all(isinstance(v, int | float) for v in ci):
            interval = (float(ci[0]), float(ci[1]))
        test = item.get("test")
        return Comparison(
            name=self.text(item.get("name"), f"{where}.name"),
            metric=self.text(item.get("metric"), f"{where}.metric"),
            unit=self.text(item.get("unit"), f"{where}.unit"),
            direction=direction,
            verdict=verdict,
            reason=self.text(item.get("reason"), f"{where}.reason"),
            baseline=self.summary(item.get("baseline"), f"{where}.baseline"),
            candidate=self.summary(item.get("candidate"), f"{where}.candidate"),
            n_baseline=int(self.number(item, "n_baseline", where)),
            n_candidate=int(self.number(item, "n_candidate", where)),
            change=self.optional_number(item, "change", where),
            ci=interval,
            p_value=self.optional_number(item, "p_value", where),
            q_value=self.optional_number(item, "q_value", where),
            test=test if test in _TESTS else None,
            max_regression=self.optional_number(item, "max_regression", where),
            drift=self.drift(item.get("drift"), f"{where}.drift"),
            warn_only=self.flag(item, "warn_only", where),
            waived_by=self.waived_by(item.get("waived_by"), f"{where}.waived_by"),
        )

    def flag(self, item: dict[str, Any], key: str, where: str) -> bool:
        value = item.get(key, False)  # absent in reports written before it was
        if not isinstance(value, bool):
            raise self.fail(f"{where}.{key}", "expected true or false")
        return value

    def waived_by(self, value: Any, where: str) -> str | None:
        if value not in (None, "waiver", "label"):
            raise self.fail(where, 'expected "waiver", "label" or null')
        return str(value) if value is not None else None

    def drift(self, item: Any, where: str) -> WithinRunDrift | None:
        if item is None:
            return None
        if not isinstance(item, dict):
            raise self.fail(where, "expected an object or null")
        status = self.text(item.get("status"), f"{where}.status")
        if status not in ("ok", "drifting", "exceeded"):
            raise self.fail(f"{where}.status", "expected ok, drifting or exceeded")
        return WithinRunDrift(
            change=self.number(item, "change", where),
            allowed=self.number(item, "allowed", where),
            p_value=self.number(item, "p_value", where),
            q_value=self.number(item, "q_value", where),
            windows=int(self.number(item, "windows", where)),
            status=status,
            reason=self.text(item.get("reason"), f"{where}.reason"),
        )

"""Where a series' page is on the history site: from (suite, name, metric) alone, so the PR comment and the
digest link to it without building or reading the site (and without loading what builds it)."""

from __future__ import annotations

import hashlib
import re


def series_path(suite: str, name: str, metric: str) -> str:
    """The series page's path inside the site: readable, and unique through a short hash of the key."""
    readable = re.sub(r"[^A-Za-z0-9._]+", "-", f"{suite}-{name}-{metric}").strip("-.")[:80] or "series"
    digest = hashlib.sha256(f"{suite}\0{name}\0{metric}".encode()).hexdigest()[:10]
    return f"series/{readable}-{digest}.html"


def suite_path(suite: str) -> str:
    """The data every page of a suite shares (its runs' times and commits, the gate's decisions): one file."""
    readable = re.sub(r"[^A-Za-z0-9._]+", "-", suite).strip("-.")[:80] or "suite"
    digest = hashlib.sha256(f"{suite}\0".encode()).hexdigest()[:10]
    return f"suites/{readable}-{digest}.js"


def series_url(site_url: str, suite: str, name: str, metric: str) -> str:
    """The series page on a published site (``site_url`` is the site's root)."""
    return site_url.rstrip("/") + "/" + series_path(suite, name, metric)

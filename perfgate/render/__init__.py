"""Renderers: a finished Report in, text out. They never see the store, the config or the network."""

from __future__ import annotations

from collections.abc import Callable

from perfgate.gate import Report
from perfgate.render import json_report, junit, markdown, text

RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "markdown": markdown.render,
    "json": json_report.render,
    "junit": junit.render,
}


def render(report: Report, output_format: str) -> str:
    return RENDERERS[output_format](report)

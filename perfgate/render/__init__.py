"""Renderers: a finished Report in, text out. They never see the store, the config or the network."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from perfgate.gate.report import Report

# Output format → the module whose render(report) writes it; imported when used (Jinja2 for Markdown only).
OUTPUT_FORMATS = {"text": "text", "markdown": "markdown", "json": "json_report", "junit": "junit"}


def render(report: Report, output_format: str) -> str:
    module = importlib.import_module(f"perfgate.render.{OUTPUT_FORMATS[output_format]}")
    text: str = module.render(report)
    return text

"""The Action's Markdown besides the report (render/markdown.py): the comment and the job summary when
nothing was compared, the summary when the gate could not run or a main-branch job recorded its runs, and
the notices that follow a summary."""

from __future__ import annotations

from collections.abc import Sequence

from perfgate.render.markdown import MARKER, escape_text


def nothing_compared(why: str, fix: str) -> str:
    """The PR comment (and the check's summary) when there was no baseline: why, and how to get one."""
    return f"{MARKER}\n### :grey_question: perfgate: nothing was compared\n\n{escape_text(why)}\n\n{escape_text(fix)}\n"


def without_marker(comment: str) -> str:
    """A comment's text without its first line, the hidden marker that finds the comment again."""
    return comment.split("\n", 1)[1]


def recorded(lines: Sequence[str]) -> str:
    """The job summary of a main-branch job: what it stored."""
    return "### perfgate\n\n" + "\n".join(f"- {line}" for line in lines) + "\n"


def not_run(why: str) -> str:
    """The job summary when the gate could not run, so that no red X reads as a regression."""
    return (
        f"### perfgate could not run\n\n{escape_text(why)}\n\n"
        "Nothing was compared: this is not a verdict on the change. The job log has the details.\n"
    )


def with_notices(summary: str, notices: Sequence[str]) -> str:
    """A job summary followed by what could not be told to GitHub (or what was), one note each."""
    return summary + "".join(f"\n> [!NOTE]\n> {n}\n" for n in notices)

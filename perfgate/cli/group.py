"""The `perfgate` group: global options, and perfgate's errors mapped to exit codes — 0 pass, 1 gate
failed, 2 usage error, 3 bad input, config or environment, 4 internal error (a bug in perfgate: never
mistaken for a failed gate), 130 interrupted, 141 stdout's reader gone."""

from __future__ import annotations

import os
from typing import Any

import click

from perfgate import __version__, limits
from perfgate.cli.terminal import say
from perfgate.errors import PerfgateError
from perfgate.units import parse_size

EXIT_FAIL = 1
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT: what a shell reports for a command stopped by Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a writer whose reader went away (`| head`)
DEBUG_ENV = "PERFGATE_DEBUG"


class PerfgateGroup(click.Group):
    """Turns perfgate's errors into one line on stderr and the documented exit code; anything unexpected
    into one line that says "internal error" and exit code 4, so that a crash never reads as a failed gate."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PerfgateError as exc:
            say(f"perfgate: error: {exc}", err=True)  # names in a message must not act on the job log
            ctx.exit(exc.exit_code)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:  # click would say "Aborted!" and exit 1, as if the gate had failed
            say("perfgate: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError as exc:
            if not _stdout_gone():
                _internal(ctx, exc)
            ctx.exit(EXIT_BROKEN_PIPE)  # the reader took what it wanted: nothing to say, and no verdict
        except Exception as exc:
            _internal(ctx, exc)


def _internal(ctx: click.Context, exc: Exception) -> None:
    """One line for an unexpected error (its traceback with --debug), and exit code 4."""
    if _debugging(ctx):
        import traceback

        traceback.print_exc()
    say(f"perfgate: {internal_error_line(ctx, exc)}", err=True)
    ctx.exit(EXIT_INTERNAL)


def _stdout_gone() -> bool:
    """Whether stdout's reader has gone (`perfgate export | head`): its pipe refuses the rest, or reports an
    error with nothing left to write. If so stdout is pointed at the null device, so that Python's own flush at
    exit does not complain a second time. A stdout that is closed, or not a file (a test's), has no reader to
    lose: the error was another pipe's."""
    import select
    import sys

    try:
        sys.stdout.flush()
        gone = False
    except BrokenPipeError:
        gone = True
    except (AttributeError, OSError, ValueError):
        return False
    try:
        fd = sys.stdout.fileno()
        if not gone and hasattr(select, "poll"):
            watch = select.poll()
            watch.register(fd, select.POLLOUT)
            gone = any(events & (select.POLLERR | select.POLLHUP) for _, events in watch.poll(0))
        if gone:
            os.dup2(os.open(os.devnull, os.O_WRONLY), fd)
    except (AttributeError, OSError, ValueError):
        return False
    return gone


def internal_error_line(ctx: click.Context, exc: BaseException) -> str:
    """One line: what perfgate was doing, the words "internal error", and how to see the traceback."""
    command = f"perfgate {ctx.invoked_subcommand or ''}".strip()
    doing = "; ".join(getattr(exc, "__notes__", ())) or f"running '{command}'"
    summary = f"{type(exc).__name__}: {str(exc)[:200]}".replace("\n", " ")
    return (
        f"internal error while {doing} ({summary}). This is a bug in perfgate, not a result of the gate; "
        f"rerun with --debug (or {DEBUG_ENV}=1) for the traceback, and please report it"
    )


def _debugging(ctx: click.Context) -> bool:
    return bool(ctx.meta.get("perfgate.debug")) or os.environ.get(DEBUG_ENV, "") not in ("", "0")


@click.group(cls=PerfgateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="perfgate")
@click.option("--debug", is_flag=True, help=f"Print the traceback of an internal error. [env: {DEBUG_ENV}=1]")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour verdicts in the terminal report. auto: when stdout is a terminal and NO_COLOR is not set.",
)
@click.option(
    "--max-input-size",
    envvar="PERFGATE_MAX_INPUT_SIZE",
    metavar="SIZE",
    help="Read input files up to this size, decompressed, e.g. 2GiB. [env: PERFGATE_MAX_INPUT_SIZE; "
    "default: 512MiB for files read whole (JSON), 64GiB for streamed ones (k6 NDJSON, JMeter, Gatling)]",
)
@click.pass_context
def main(ctx: click.Context, debug: bool, color: str, max_input_size: str | None) -> None:
    """perfgate: a CI regression gate for benchmarks and load tests.

    Compare a change's results with the main branch's, with statistics that know CI runners are
    noisy, and fail like a test fails when something got slower.

    \b
    Quick start:
      perfgate compare base.json head.json
      perfgate ingest results.json --branch main --commit "$GITHUB_SHA"
      perfgate compare results.json --against main

    Exit codes: 0 pass, 1 the gate failed, 2 usage error, 3 bad input, config or environment
    (or nothing to compare with), 4 internal error (a bug in perfgate; --debug shows the traceback);
    130 interrupted (Ctrl-C), 141 when the reader of its output went away (| head).
    """
    ctx.meta["perfgate.debug"] = debug
    ctx.meta["perfgate.color"] = color
    if max_input_size is not None:
        limits.input_limits.set(limits.InputLimits.of_size(parse_size(max_input_size, key="--max-input-size")))

"""Base and head of a git repository benchmarked in one job, interleaved (``perfgate run``): an edge of the program,
beside ``vcs``, that runs git and the user's commands. It never prints: progress goes to a callback, results come
back as bytes for ``perfgate.formats`` to read, failures are CommandFailed or RepositoryError (exit 3).

    base = resolve_base(cwd, ref, main_branch)        # which commit, and how it was chosen
    dirty = changes(cwd)                              # before the set-up: the report says so
    with checkout(cwd, base.commit) as trees:         # the base as a temporary worktree, always removed
        set_up(trees, setup, env)                     # once per tree, PERFGATE_SIDE=base|head
        rounds = run_rounds(trees, Job(command, results), n, env, progress=draw, results=read)

The commands' environment (``env``) is the caller's to pass: nothing here reads the process's own. Durations
(progress, each round's seconds) come from ``clock``, a monotonic clock unless a test passes another.
"""

from perfgate.harness.fetch import fetch_merge_base, fetch_parent
from perfgate.harness.git import Base, Changes, changes, exclude, head_commit, resolve_base
from perfgate.harness.process import MATCH_ALL, Command, as_command, filled, takes_filter
from perfgate.harness.rounds import WARM_UP, Job, Progress, Results, Round, Step, run_rounds, schedule, set_up
from perfgate.harness.worktree import SIDES, Side, Terminated, Trees, checkout

__all__ = [
    "MATCH_ALL",
    "SIDES",
    "WARM_UP",
    "Base",
    "Changes",
    "Command",
    "Job",
    "Progress",
    "Results",
    "Round",
    "Side",
    "Step",
    "Terminated",
    "Trees",
    "as_command",
    "changes",
    "checkout",
    "exclude",
    "fetch_merge_base",
    "fetch_parent",
    "filled",
    "head_commit",
    "resolve_base",
    "run_rounds",
    "schedule",
    "set_up",
    "takes_filter",
]

"""Set-up time of the GitHub Action, cold and warm, through action.yml's own steps (the runner in tests/runner).

cold: an empty cache, as in the first job of a repository or after perfgate's requirements changed: the set-up
      builds perfgate's virtual environment and saves it to the cache.
warm: every later job: the environment is restored from the cache and checked, nothing is installed.

The set-up installs from .wheelhouse (scripts/test-deps.sh) by default, so the figures measure the set-up, not
the network; --pypi installs from PyPI as a hosted runner does. The emulated cache restores by hard links, so a
warm figure here leaves out the download of the cache archive, whose compressed size is printed (GitHub's cache
serves it at roughly 50-150 MB/s). Reference, timed just before and just after each cold set-up (their mean; each
round's ratio is to its own reference): a tiny install, `pip install six` into a fresh virtual environment (from
.wheelhouse/reference, or from PyPI with --pypi).

Run: python benchmarks/action_setup.py [--pypi] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.runner.git_http import GitServer  # noqa: E402
from tests.runner.job import PYTHON, JobResult  # noqa: E402
from tests.runner.project import Project  # noqa: E402

SET_UP = ("Set up Python for perfgate", "Key of perfgate's environment", "Restore perfgate's environment",
          "Install perfgate", "Save perfgate's environment")  # fmt: skip
GO = (ROOT / "tests" / "data" / "go-bench" / "benchstat_testdata_old.txt").read_text()


def set_up_seconds(result: JobResult) -> float:
    return sum(s.seconds for s in result.steps if s.name.removeprefix("perfgate / ") in SET_UP)


def compressed_size(tree: Path) -> int:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=6) as tar:
        tar.add(tree, arcname=".")
    return buffer.tell()


def disk_usage(tree: Path) -> int:
    return sum(p.lstat().st_size for p in tree.rglob("*") if p.is_file() and not p.is_symlink())


def tiny_install(venv: Path, wheelhouse: Path | None) -> float:
    """Seconds to create a virtual environment (with pip) and `pip install six` into it: the reference."""
    where = ["--no-index", "--find-links", str(wheelhouse / "reference")] if wheelhouse else []
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    started = time.perf_counter()
    subprocess.run([str(PYTHON), "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    *where, "six"], check=True, env=env)  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pypi", action="store_true", help="install from PyPI instead of .wheelhouse")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    wheelhouse = None if args.pypi else ROOT / ".wheelhouse"
    if wheelhouse is not None and not (any(wheelhouse.glob("*.whl")) and any(wheelhouse.glob("reference/six-*"))):
        sys.exit("no .wheelhouse: run scripts/test-deps.sh (or use --pypi)")
    workflow = ROOT / "examples" / "github" / "perfgate.yml"
    replace = {"Run the benchmarks": "test -s bench.txt"}

    colds, warms, refs, jobs = [], [], [], []
    size = on_disk = 0
    with tempfile.TemporaryDirectory() as tmp:
        server = GitServer(Path(tmp) / "git").start()
        try:
            for i in range(args.repeat):
                where = Path(tmp) / f"round{i}"
                project = Project.create(where, Path(tmp) / "machine", server, f"acme/r{i}", {"bench.txt": GO},
                                         wheelhouse=wheelhouse)  # fmt: skip
                # The reference just before and just after the cold set-up: a shared machine's load drifts.
                before = tiny_install(where / "ref-before", wheelhouse)
                try:
                    cold = project.run(workflow, project.push_event(), replace=replace)
                    after = tiny_install(where / "ref-after", wheelhouse)
                    warm = project.run(workflow, project.push_event(), replace=replace)
                finally:
                    project.stop()
                assert cold.step("perfgate / Install perfgate").outputs.get("built") == "true", cold.log
                assert warm.step("perfgate / Install perfgate").outputs.get("built") == "false", warm.log
                colds.append(set_up_seconds(cold))
                warms.append(set_up_seconds(warm))
                refs.append((before + after) / 2)
                jobs.append(sum(s.seconds for s in warm.steps if not s.name.startswith("perfgate / ")))
                if not size:
                    entry = next(e for e in project.site.caches.entries if e.key.startswith("perfgate-venv-"))
                    size, on_disk = compressed_size(entry.where), disk_usage(entry.where)
        finally:
            server.stop()

    median = statistics.median
    print(f"installing from: {'PyPI' if args.pypi else '.wheelhouse (local)'}; {args.repeat} rounds, medians")
    print(f"reference, `pip install six` into a fresh venv: {median(refs):5.1f} s   (rounds: {_seconds(refs)})")
    for name, values in (("cold", colds), ("warm", warms)):
        ratios = [v / r for v, r in zip(values, refs, strict=True)]
        print(f"{name} set-up: {median(values):5.1f} s = {median(ratios):4.2f}x the reference   "
              f"(rounds: {_seconds(values)} s; {_seconds(ratios, 2)}x)")  # fmt: skip
    print("  (warm: plus the download of the cache archive below)")
    print(f"warm job, the other steps: {median(jobs):.1f} s")
    print(f"the cached environment: {on_disk / 1e6:.0f} MB on disk, {size / 1e6:.0f} MB as a gzip -6 archive "
          f"(about {size / 100e6:.1f} s to download at 100 MB/s)")  # fmt: skip


def _seconds(values: list[float], digits: int = 1) -> str:
    return ", ".join(f"{v:.{digits}f}" for v in values)


if __name__ == "__main__":
    main()

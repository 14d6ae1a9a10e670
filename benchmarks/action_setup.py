"""Set-up time of the GitHub Action, cold and warm, through action.yml's own steps (the runner in tests/runner).

cold: an empty cache, as in the first job of a repository or after perfgate's requirements changed: the set-up
      builds perfgate's virtual environment and saves it to the cache.
warm: every later job: the environment is restored from the cache and checked, nothing is installed.

pip installs from .wheelhouse (scripts/test-deps.sh) by default, so the figures measure the set-up, not the
network; --pypi installs from PyPI as a hosted runner does. The emulated cache restores by hard links, so a
warm figure here leaves out the download of the cache archive, whose compressed size is printed (GitHub's cache
serves it at roughly 50-150 MB/s). Reference in the same run: creating an empty virtual environment.

Run: python benchmarks/action_setup.py [--pypi] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pypi", action="store_true", help="install from PyPI instead of .wheelhouse")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    wheelhouse = None if args.pypi else ROOT / ".wheelhouse"
    if wheelhouse is not None and not any(wheelhouse.glob("*.whl")):
        sys.exit("no .wheelhouse: run scripts/test-deps.sh (or use --pypi)")
    workflow = ROOT / "examples" / "github" / "perfgate.yml"
    replace = {"Run the benchmarks": "test -s bench.txt"}

    colds, warms, refs, jobs = [], [], [], []
    size = 0
    with tempfile.TemporaryDirectory() as tmp:
        server = GitServer(Path(tmp) / "git").start()
        try:
            for i in range(args.repeat):
                where = Path(tmp) / f"round{i}"
                project = Project.create(where, Path(tmp) / "machine", server, f"acme/r{i}", {"bench.txt": GO},
                                         wheelhouse=wheelhouse)  # fmt: skip
                try:
                    cold = project.run(workflow, project.push_event(), replace=replace)
                    warm = project.run(workflow, project.push_event(), replace=replace)
                finally:
                    project.stop()
                assert cold.step("perfgate / Install perfgate").outputs.get("built") == "true", cold.log
                assert warm.step("perfgate / Install perfgate").outputs.get("built") == "false", warm.log
                colds.append(set_up_seconds(cold))
                warms.append(set_up_seconds(warm))
                jobs.append(sum(s.seconds for s in warm.steps if not s.name.startswith("perfgate / ")))
                started = time.perf_counter()
                subprocess.run([str(PYTHON), "-m", "venv", "--without-pip", str(where / "ref-venv")], check=True)
                refs.append(time.perf_counter() - started)
                if not size:
                    entry = next(e for e in project.site.caches.entries if e.key.startswith("perfgate-venv-"))
                    size = compressed_size(entry.where)
        finally:
            server.stop()

    cold_s, warm_s, ref_s = statistics.median(colds), statistics.median(warms), statistics.median(refs)
    print(f"installing from: {'PyPI' if args.pypi else '.wheelhouse (local)'}; {args.repeat} rounds, medians")
    print(f"cold set-up:  {cold_s:6.1f} s   ({cold_s / ref_s:5.0f}x an empty venv)")
    print(f"warm set-up:  {warm_s:6.1f} s   ({warm_s / ref_s:5.0f}x an empty venv)   warm/cold = {warm_s / cold_s:.2f}")
    print(f"warm job, all steps: {statistics.median(jobs):.1f} s; reference (empty venv): {ref_s:.2f} s")
    print(f"cache archive of the environment: {size / 1e6:.0f} MB (gzip -6)")


if __name__ == "__main__":
    main()

"""What the Action's perfgate processes import: the measurement behind what its environment holds.

Runs the Action's runner tests (tests/test_action_runner.py and tests/test_action_ab.py: the gate in each mode,
export, import, site, alert, publish, through action.yml's own steps) with a sitecustomize on PYTHONPATH that
makes every Python of the Action's environment that imported perfgate write down its command and every module
it loaded. Prints, per installed distribution's top-level package, the commands that loaded it, and which of
scipy's subpackages were never loaded. A package listed in requirements/action.in and loaded by none is weight
the gate never uses.

Run: python benchmarks/action_imports.py [-k PATTERN]   (all the runner tests: 20+ min on a loaded 2-core machine)
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SPY = """
import atexit, json, sys


def _dump():
    if "perfgate" in sys.modules and sys.prefix.endswith("perfgate-venv"):  # the Action's, not the tests' own
        with open(LOG, "a") as log:
            log.write(json.dumps({"argv": sys.argv[1:3], "modules": sorted(sys.modules)}) + "\\n")


atexit.register(_dump)
"""
WATCHED = ("scipy", "numpy", "sqlalchemy", "alembic", "mako", "jinja2", "markupsafe", "github", "jwt", "nacl",
           "_cffi_backend", "cffi", "pycparser", "cryptography", "requests", "urllib3", "charset_normalizer", "idna",
           "certifi", "orjson", "click", "typing_extensions", "psycopg", "psycopg_binary", "hatchling", "packaging",
           "pathspec", "pluggy", "tomlkit", "trove_classifiers", "PIL")  # fmt: skip
SCIPY = ("cluster", "constants", "datasets", "differentiate", "fft", "fftpack", "integrate", "interpolate", "io",
         "linalg", "misc", "ndimage", "odr", "optimize", "signal", "sparse", "spatial", "special", "stats")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-k", default="", help="only the runner tests matching this pytest expression")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "imports.jsonl"
        (Path(tmp) / "sitecustomize.py").write_text(f"LOG = {str(log)!r}\n{SPY}")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [tmp, os.environ.get("PYTHONPATH")]))}
        tests = ["tests/test_action_runner.py", "tests/test_action_ab.py", *(["-k", args.k] if args.k else [])]
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=ROOT, env=env)
        records = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    if not records:
        sys.exit("no perfgate process was recorded")
    loaded_by: dict[str, set[str]] = collections.defaultdict(set)
    modules: set[str] = set()
    for record in records:
        command = record["argv"][0] if record["argv"] else "?"
        modules.update(record["modules"])
        for name in {m.split(".")[0] for m in record["modules"]}:
            loaded_by[name].add(command)
    print(f"{len(records)} perfgate processes")
    for name in WATCHED:
        print(f"  {name:20s} {', '.join(sorted(loaded_by[name])) or 'never loaded'}")
    print("scipy subpackages never loaded:", ", ".join(s for s in SCIPY if f"scipy.{s}" not in modules) or "none")


if __name__ == "__main__":
    main()

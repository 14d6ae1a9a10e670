"""The README's demo command, as a newcomer pastes it after the set-up command: the digest, the site and the
alerts of the shipped real history."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_demo_command_builds_the_digest_and_the_site(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [command] = re.findall(r"^perfgate import examples/demo/.*$", readme, re.M)
    (tmp_path / "examples").symlink_to(ROOT / "examples")  # run where the README is, in a scratch directory
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PERFGATE_DATABASE_URL", None)
    done = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    digest = (tmp_path / "demo" / "digest.html").read_text(encoding="utf-8")
    assert "perfgate weekly for pvlib" in digest and "6 regressions landed on main" in digest
    assert "detect_clearsky.DetectClear.time_detect_clearsky(1)" in digest and "x11.1" in digest  # the demo's headline
    index = (tmp_path / "demo" / "site" / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr data-name=") == 52  # every series of the history has its row
    assert "would announce: pvlib: detect_clearsky.DetectClear.time_detect_clearsky(1): 11.1x slower" in done.stdout

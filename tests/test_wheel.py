"""The built wheel carries templates/ and migrations/: an installed perfgate runs with no checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import EXAMPLES

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("perfgate-*.whl")
    return built


def test_wheel_ships_templates_and_migrations(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "perfgate/templates/report.md.j2" in names
    assert "perfgate/migrations/env.py" in names
    assert any(n.startswith("perfgate/migrations/versions/0001") for n in names)


@pytest.mark.slow
def test_installed_wheel_ingests_and_compares(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True, timeout=300)
    # Dependencies come from the test environment's site-packages (without its editable perfgate,
    # whose .pth files are not read from a directory added this way), so no network is needed.
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "work"
    work.mkdir()
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PERFGATE_DATABASE_URL")}

    def perfgate(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [env_dir / "bin" / "perfgate", *args],
            cwd=work,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )

    where = subprocess.run(
        [python, "-c", "import perfgate; print(perfgate.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(env_dir))
    db = f"sqlite:///{work / 'fresh.db'}"
    ingested = perfgate(
        "ingest", str(EXAMPLES / "pytest-benchmark" / "base.json"), "--branch", "main", "--commit", "abc", "--db", db
    )
    assert ingested.returncode == 0, ingested.stderr
    compared = perfgate(
        "compare",
        str(EXAMPLES / "pytest-benchmark" / "head.json"),
        "--against",
        "main",
        "--db",
        db,
        "--output-format",
        "markdown",
    )
    assert compared.returncode == 1, compared.stderr
    assert "perfgate: 1 regression beyond the allowed change" in compared.stdout
    assert "(current)" in perfgate("db", "current", "--db", db).stdout

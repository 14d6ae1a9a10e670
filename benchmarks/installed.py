"""Make the checkout behave like an installed package before measuring it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "perfgate"


def compile_package() -> None:
    """Compile perfgate's modules to bytecode, as pip does when it installs the package: otherwise, in an editable
    install with PYTHONDONTWRITEBYTECODE set (or a read-only checkout), every run would compile them again, which
    costs ~0.1 s that no user pays."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(PACKAGE)], check=True)

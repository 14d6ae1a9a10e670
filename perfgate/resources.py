"""Where perfgate's data directories are: inside the installed package, or at the top of a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """``templates`` or ``migrations``: shipped inside the wheel, top-level in the source tree."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"perfgate is installed without its {name}/ directory (looked in {_PACKAGE})")

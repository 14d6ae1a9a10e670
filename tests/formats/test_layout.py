"""formats/ is a registry over readers (one module per format, in readers/) and the support they share: support
never imports a reader, a reader never imports another (k6_names is the k6 readers' helper), every reader is
registered, and a reader is imported only when sniffing reaches it."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from perfgate.formats import _SNIFF_ORDER

FORMATS = Path(__file__).parent.parent.parent / "perfgate" / "formats"
READERS = sorted(p.stem for p in (FORMATS / "readers").glob("*.py") if p.stem != "__init__")
HELPERS = {"k6_names"}


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("perfgate.formats.readers.")}


def test_support_modules_import_no_reader() -> None:
    assert {p.name: _imported(p) for p in FORMATS.glob("*.py") if _imported(p)} == {}


def test_readers_import_no_other_reader() -> None:
    imports = {name: _imported(FORMATS / "readers" / f"{name}.py") for name in READERS}
    others = {
        name: found for name, found in imports.items() if found - {f"perfgate.formats.readers.{h}" for h in HELPERS}
    }
    assert others == {}


def test_every_reader_is_registered() -> None:
    registered = {entry.partition(":")[0] for entry in _SNIFF_ORDER}
    assert registered == set(READERS) - HELPERS


def test_a_reader_is_imported_when_sniffing_reaches_it() -> None:
    """The registry imports no reader; sniffing a pytest-benchmark file imports the readers sniffed before it."""
    examples = FORMATS.parent.parent / "examples" / "pytest-benchmark"
    code = (
        "import json, sys\n"
        "from perfgate import formats\n"
        "def readers(): return sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('perfgate.formats.readers.'))\n"
        "before = readers()\n"
        f"formats.read({str(examples / 'base.json')!r})\n"
        "print(json.dumps([before, readers()]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    before, after = json.loads(done.stdout)
    order = [entry.partition(":")[0] for entry in _SNIFF_ORDER]
    assert before == []
    assert after == sorted(order[: order.index("pytest_benchmark") + 1])

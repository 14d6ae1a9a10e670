"""The layering of docs/design.md, checked on the source: imports point down, the core stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "perfgate"

# Lower numbers sit higher; a module may import only from layers with larger numbers (or its own package).
LAYERS = {
    "__main__": 0,
    "cli": 1,
    "app": 2,
    "vcs": 3,  # runs git: an edge beside store and deliver, used by app only
    "github_env": 3,  # reads the Actions environment and writes its files: an edge, used by app only
    "store": 3,
    "render": 3,
    "deliver": 3,
    "site": 3.4,  # the history site's content: each series' history and the week's findings
    "digest": 3.5,  # the weekly findings: trend and budgets over stored history
    "gate": 4,
    "baseline": 5,
    "trend": 5,
    "config": 6,
    "formats": 6,
    "exchange": 6,  # the export/import line format
    "stats": 6,
    "model": 7,
    "units": 7,
    "limits": 7,
    "progress": 7,  # where a long read has got to: the command line listens
    "resources": 7,
    "site_address": 7,  # a series page's path on the history site: the comment and the digest link to it
    "codec": 6.5,  # sample arrays as bytes: used by store and by the export format
    "errors": 8,  # the bottom of layer 7: units and model raise perfgate's errors
    "choices": 8,  # names of options shared by the command line and the Action: import-free
    "__init__": 8,  # the version string only
}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _component(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "perfgate":
                found.update(f"perfgate.{alias.name}" for alias in node.names if alias.name != "__version__")
    return found


def test_every_module_has_a_layer() -> None:
    assert {_component(p) for p in _modules()} <= set(LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path: Path) -> None:
    own = _component(path)
    for name in _imports(path):
        if not name.startswith("perfgate.") or name == "perfgate":
            continue
        target = name.split(".")[1]
        if target == own:
            continue
        assert LAYERS[target] > LAYERS[own], f"{path.name} ({own}, layer {LAYERS[own]}) imports {name}"


def test_only_stats_imports_scipy() -> None:
    offenders = [p.name for p in _modules() if any(n.startswith("scipy") for n in _imports(p)) and p.stem != "stats"]
    assert offenders == []


@pytest.mark.parametrize("path", [p for p in _modules() if LAYERS[_component(p)] >= 3], ids=lambda p: p.name)
def test_the_core_reads_no_clock_and_no_environment(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for forbidden in ("datetime.now", "datetime.utcnow", "time.time(", "os.environ", "os.getenv", "Path.cwd"):
        assert forbidden not in source, f"{path.name} uses {forbidden}; pass it in from the edge"


# --- start-up: a command imports what it needs when it runs --------------------------------------------------

HEAVY = ("numpy", "scipy", "sqlalchemy", "alembic", "github", "requests", "jinja2", "PIL", "psycopg")


def _modules_after(*argv: str) -> set[str]:
    """The top-level modules loaded by running `perfgate ARGV` in a fresh interpreter."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from perfgate.cli import main\n"
        "try:\n"
        f"    main({list(argv)!r}, prog_name='perfgate')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return set(done.stderr.split())


@pytest.mark.parametrize("argv", [("--version",), ("--help",), ("compare", "--help")])
def test_version_and_help_load_no_heavy_module(argv: tuple[str, ...]) -> None:
    assert not _modules_after(*argv) & set(HEAVY)


def test_a_file_comparison_loads_neither_the_store_nor_github_nor_scipy_stats() -> None:
    import subprocess
    import sys

    examples = PACKAGE.parent / "examples" / "pytest-benchmark"
    code = (
        "import sys\n"
        "from perfgate.cli import main\n"
        "try:\n"
        f"    main(['compare', {str(examples / 'base.json')!r}, {str(examples / 'head.json')!r}], prog_name='perfgate')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    loaded = set(done.stderr.split())
    assert "numpy" in loaded and "perfgate.gate" in loaded  # it did compare
    assert not loaded & {"sqlalchemy", "alembic", "github", "requests", "jinja2", "scipy.stats", "scipy.optimize"}

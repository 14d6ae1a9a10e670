"""The layering of docs/design.md, checked on the source: imports point down, the core stays pure."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "perfgate"

# The layers of docs/design.md, by folder (or module), top first. A module may import from the layers below its
# own, and from its own folder; the bottom layer is the shared vocabulary, whose modules may import each other
# (without a circle: see test_the_vocabulary_has_no_circle).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("cli",),  # 1: click commands (and __main__, the same command line)
    ("app",),  # 2: use cases, the Action's among them
    ("store", "render", "deliver", "vcs", "github_env", "harness"),  # 3: edges; they never import each other
    ("history",),  # 4: one series over runs: change points, the digest's findings, the site's pages
    ("gate",),  # 5: the engine that decides
    ("baseline", "config", "formats", "stats", "exchange"),  # 6
    (  # 7: the vocabulary
        "gate/report",
        "gate/phrases",
        "gate/rules",
        "gate/settings",
        "history/series",
        "model",
        "units",
        "errors",
        "limits",
        "storable",
        "codec",
        "progress",
        "resources",
        "site_address",
        "url_secrets",
        "suggest",
        "choices",
        "__init__",
    ),
)
LAYER = {component: depth for depth, components in enumerate(LAYERS, start=1) for component in components}
BOTTOM = len(LAYERS)
# A renderer reads a finished Report: of the gate, it may import the vocabulary only.
VOCABULARY = {c for c in LAYERS[-1] if c.startswith("gate/")}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _component(path: Path | str) -> str:
    """The longest folder or module of LAYERS that holds ``path`` (a file, or a dotted module name)."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts if isinstance(path, Path) else tuple(path.split(".")[1:])
    if parts == ("__main__",):
        return "cli"
    for n in range(len(parts), 0, -1):
        if "/".join(parts[:n]) in LAYER:
            return "/".join(parts[:n])
    return parts[0]


def _imports(path: Path) -> set[str]:
    """The perfgate modules ``path`` imports."""
    return {name for name in _all_imports(path) if name.startswith("perfgate.") and _is_module(name)}


def _all_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module.startswith("perfgate"):  # `from perfgate.gate import counts` imports a module
                found.update(f"{node.module}.{alias.name}" for alias in node.names if alias.name != "__version__")
    return found


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative).is_dir()


def test_every_module_has_a_layer() -> None:
    assert {_component(p) for p in _modules()} <= set(LAYER)


def test_the_layers_are_the_ones_docs_design_shows() -> None:
    design = (PACKAGE.parent / "docs" / "design.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| (\d+) \| ([^|]+) \|", design, re.M)
    shown = tuple(tuple(n for n in re.findall(r"`([^`]+)`", cell) if not n.endswith(".py")) for _, cell in table)
    assert [int(n) for n, _ in table] == list(range(1, len(LAYERS) + 1))
    assert [set(layer) for layer in shown] == [set(layer) for layer in LAYERS]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path: Path) -> None:
    own = _component(path)
    for name in _imports(path):
        target = _component(name)
        if target == own or (LAYER[target] == LAYER[own] == BOTTOM):
            continue
        assert LAYER[target] > LAYER[own], f"{path.name} ({own}, layer {LAYER[own]}) imports {name}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "render").glob("*.py")), ids=lambda p: p.name)
def test_renderers_import_the_gates_vocabulary_only(path: Path) -> None:
    engine = {name for name in _imports(path) if _component(name) == "gate"}
    assert not engine, f"render/{path.name} imports the engine: {sorted(engine)}"


def test_the_vocabulary_has_no_circle() -> None:
    bottom = [p for p in _modules() if LAYER[_component(p)] == BOTTOM]
    edges = {str(p): {n for n in _imports(p) if LAYER[_component(n)] == BOTTOM} for p in bottom}
    names = {str(p): ".".join(("perfgate", *p.relative_to(PACKAGE).with_suffix("").parts)) for p in bottom}
    graph = {names[p]: {n for n in targets if n != names[p]} for p, targets in edges.items()}
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(node: str, trail: tuple[str, ...]) -> None:
        assert node not in visiting, f"import circle: {' -> '.join((*trail, node))}"
        if node in done:
            return
        visiting.add(node)
        for nxt in graph.get(node, ()):
            visit(nxt, (*trail, node))
        visiting.discard(node)
        done.add(node)

    for node in graph:
        visit(node, ())


def test_only_stats_imports_scipy() -> None:
    offenders = [
        p.name
        for p in _modules()
        if any(n.startswith("scipy") for n in _all_imports(p)) and p.parent != PACKAGE / "stats"
    ]
    assert offenders == []


@pytest.mark.parametrize("path", [p for p in _modules() if LAYER[_component(p)] >= 3], ids=lambda p: p.name)
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
    assert "numpy" in loaded and "perfgate.gate.evaluate" in loaded  # it did compare
    assert not loaded & {"sqlalchemy", "alembic", "github", "requests", "jinja2", "scipy.stats", "scipy.optimize"}


def test_a_command_on_a_current_schema_does_not_load_alembic(tmp_path: Path) -> None:
    """Reading the schema version is perfgate.store.version's; Alembic is imported only to change the schema."""
    from perfgate.store import Store

    url = f"sqlite:///{tmp_path / 'history.db'}"
    Store(url).ensure_schema()  # created at head: the command below has nothing to migrate
    loaded = _modules_after("runs", "list", "--db", url)
    assert "sqlalchemy" in loaded  # it did open the store
    assert "alembic" not in loaded

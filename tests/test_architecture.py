"""The package's own import graph: stages import only earlier stages, and no module imports itself
back through others. Function-level and ``TYPE_CHECKING`` imports count: a reader holds them in mind
all the same. ``docs/architecture.md`` describes the same stages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lambda_import_lint"
ROOT = "lambda_import_lint"

# Earliest first. A module belongs to the stage of the longest prefix that names it.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", (ROOT, f"{ROOT}.config", f"{ROOT}.catalogue", f"{ROOT}.printing")),
    ("discovery", (f"{ROOT}.discovery",)),
    ("analysis", (f"{ROOT}.analysis",)),
    ("judgement", (f"{ROOT}.judgement",)),
    ("rules", (f"{ROOT}.rules",)),
    ("engine", (f"{ROOT}.engine",)),
    ("fixes", (f"{ROOT}.fixes",)),
    ("batch", (f"{ROOT}.batch",)),
    ("output", (f"{ROOT}.output",)),
    ("adapters", (f"{ROOT}.cli", f"{ROOT}.flake8_plugin", f"{ROOT}.api", f"{ROOT}.__main__", f"{ROOT}.server")),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def stage_of(module: str) -> int:
    best: tuple[int, int] | None = None  # (prefix length, stage index)
    for index, (_, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            matches = module == prefix or (prefix != ROOT and module.startswith(prefix + "."))
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    if best is None:
        raise LookupError(f"{module} belongs to no stage: add it to STAGES and docs/architecture.md")
    return best[1]


def imports_of(module: str) -> set[str]:
    """Our modules that ``module`` imports anywhere in its file."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import module` imports the module; `from module import name` the module.
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name.startswith(ROOT) and name != module:
                found.add(name)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def test_every_module_has_a_stage() -> None:
    for module in MODULES:
        stage_of(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_backwards(module: str) -> None:
    own = stage_of(module)
    later = sorted(name for name in GRAPH[module] if stage_of(name) > own)
    assert not later, f"{module} ({STAGES[own][0]}) imports later stages: {later}"


def test_no_import_cycles() -> None:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for name in sorted(GRAPH[module]):
            if state.get(name) == 1:
                cycles.append([*path[path.index(name):], name])
            elif name not in state:
                visit(name)
        path.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)
    assert not cycles, "import cycles: " + "; ".join(" → ".join(cycle) for cycle in cycles)


def test_the_check_catches_a_backward_import(tmp_path: Path) -> None:
    """The check itself can fail: a rule importing the fixer is seen as pointing forwards."""
    assert stage_of(f"{ROOT}.rules.lil001") < stage_of(f"{ROOT}.fixes.move")
    assert f"{ROOT}.fixes.plan" in GRAPH[f"{ROOT}.fixes.move"]
    assert stage_of(f"{ROOT}.cli") == len(STAGES) - 1
    with pytest.raises(LookupError):
        stage_of("elsewhere.module")


def test_architecture_doc_names_every_module() -> None:
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text("utf-8")
    missing = [
        module for module in MODULES
        if module != ROOT and not module.endswith("__init__") and MODULES[module].name != "__init__.py"
        and f"`{MODULES[module].relative_to(PACKAGE).as_posix()}`" not in text
    ]
    assert not missing, f"docs/architecture.md does not name: {missing}"

"""Local modules a handler imports, and the heavy imports they make at module scope (for LIL004).

A module name resolves to a file under the importing file's folder or one of its parents (up to
the project root): that is where Lambda's task root puts the code. Each local file is parsed once
per process with the stdlib parser (memoised by path, size and modification time); import cycles
end the search.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Iterable, Iterator

from lambda_import_lint.catalogue import HeavyModules

_MEMO: dict[tuple[str, int, int, frozenset[str]], tuple[str, ...]] = {}


def _module_level_imports(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """(module, relative level) of imports that run at import time (not under TYPE_CHECKING)."""
    pending = list(tree.body)
    while pending:
        statement = pending.pop(0)
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                yield alias.name, 0
        elif isinstance(statement, ast.ImportFrom):
            base = statement.module or ""
            yield base, statement.level
            for alias in statement.names:
                yield (f"{base}.{alias.name}" if base else alias.name), statement.level
        elif isinstance(statement, ast.If) and "TYPE_CHECKING" in ast.dump(statement.test):
            pending.extend(statement.orelse)
        elif not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for name in ("body", "orelse", "finalbody"):
                pending.extend(getattr(statement, name, ()))
            for handler in getattr(statement, "handlers", ()):
                pending.extend(handler.body)


def search_roots(file: Path, project_root: Path) -> tuple[Path, ...]:
    """The importing file's folder and its parents, up to the project root."""
    folder = Path(os.path.realpath(file)).parent
    root = Path(os.path.realpath(project_root))
    roots = [folder]
    if root in folder.parents:
        for parent in folder.parents:
            roots.append(parent)
            if parent == root:
                break
    return tuple(roots)


def resolve(module: str, level: int, importer: Path, roots: Iterable[Path]) -> Path | None:
    """The local file ``module`` names, if any."""
    if level:
        base = Path(os.path.realpath(importer)).parent
        for _ in range(level - 1):
            base = base.parent
        candidates = [base]
    else:
        candidates = list(roots)
    parts = [part for part in module.split(".") if part]
    for root in candidates:
        target = root.joinpath(*parts) if parts else root
        if target.with_suffix(".py").is_file() and parts:
            return target.with_suffix(".py")
        if (target / "__init__.py").is_file():
            return target / "__init__.py"
    return None


def heavy_chain(
    file: Path,
    heavy: HeavyModules,
    roots: tuple[Path, ...],
    excluded: frozenset[str] = frozenset(),
    seen: frozenset[str] = frozenset(),
) -> tuple[str, ...]:
    """The names from ``file`` to a heavy import it makes at module scope, directly or through
    other local modules (``("utils", "pandas")``); empty when there is none. ``excluded``: real
    paths never followed (the importing handler module)."""
    real = os.path.realpath(file)
    if real in seen or real in excluded:
        return ()  # an import cycle
    try:
        status = file.stat()
    except OSError:
        return ()
    key = (real, status.st_size, int(status.st_mtime_ns), excluded)
    if key in _MEMO:
        return _MEMO[key]
    try:
        tree = ast.parse(file.read_bytes())
    except (SyntaxError, ValueError, OSError, RecursionError):
        return ()
    chain: tuple[str, ...] = ()
    imports = list(_module_level_imports(tree))
    for module, level in imports:
        if not level and heavy.is_heavy(module):
            chain = (module,)
            break
    else:
        for module, level in imports:
            if not module and not level:
                continue
            local = resolve(module, level, file, roots)
            if local is None or local == file:
                continue
            deeper = heavy_chain(local, heavy, roots, excluded, seen | {real})
            if deeper:
                chain = ("." * level + module, *deeper)
                break
    if not seen:
        _MEMO[key] = chain  # partial results inside a cycle are not memoised
    return chain

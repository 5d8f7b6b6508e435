"""Local modules a handler imports, and the heavy imports they make at module scope (for LIL004).

A module name resolves to a file under the importing file's folder or one of its parents (up to
the project root): that is where Lambda's task root puts the code. Each local file is parsed once
per process with the stdlib parser (memoised by path, size and modification time), and each
question answered once.
"""

from __future__ import annotations

import ast
import os
import warnings
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from lambda_import_lint.catalogue import HeavyModules

Dependency = tuple[str, int, int]  # (path, size, mtime in ns); -1, -1 for a path that did not exist

_IMPORTS: dict[tuple[str, int, int], tuple[tuple[str, int], ...]] = {}
_CHAINS: dict[tuple[str, frozenset[str], str, HeavyModules], tuple[tuple[str, ...], frozenset[Dependency]]] = {}
_RECORDERS: list[set[Dependency]] = []


@contextmanager
def recording() -> Iterator[set[Dependency]]:
    """Collect every local file looked at (or looked for) meanwhile: a cached result that depends
    on other files is valid only while they are unchanged."""
    found: set[Dependency] = set()
    _RECORDERS.append(found)
    try:
        yield found
    finally:
        _RECORDERS.pop()
        if _RECORDERS:
            _RECORDERS[-1].update(found)


def dependency(path: str) -> Dependency:
    try:
        status = os.stat(path)
    except OSError:
        return (path, -1, -1)
    return (path, status.st_size, status.st_mtime_ns)


def unchanged(dependencies: Iterable[Dependency]) -> bool:
    """Whether recorded files are as they were (the result cache asks before serving)."""
    return all(dependency(path) == (path, size, mtime) for path, size, mtime in dependencies)


def _note(path: Path) -> None:
    if _RECORDERS:
        _RECORDERS[-1].add(dependency(str(path)))


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
        if parts:
            _note(target.with_suffix(".py"))
            if target.with_suffix(".py").is_file():
                return target.with_suffix(".py")
        _note(target / "__init__.py")
        if (target / "__init__.py").is_file():
            return target / "__init__.py"
    return None


def _file_imports(file: Path) -> tuple[tuple[str, int], ...]:
    """Module-scope imports of a file, parsed once per process (keyed by size and mtime)."""
    try:
        status = file.stat()
        key = (os.path.realpath(file), status.st_size, status.st_mtime_ns)
    except OSError:
        return ()
    cached = _IMPORTS.get(key)
    if cached is None:
        with warnings.catch_warnings():  # the local module's own warnings are not ours to print
            warnings.simplefilter("ignore")
            try:
                cached = tuple(_module_level_imports(ast.parse(file.read_bytes())))
            except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
                cached = ()
        _IMPORTS[key] = cached
    return cached


def _edges(file: Path, project_root: Path) -> _Node:
    """A file's module-scope imports resolved to local files (from its own folder and the folders
    above it, up to the project root), and every path probed on the way (with size and mtime, for
    the cache): computed once per file and run."""
    key = (str(file), str(project_root))
    node = _NODES.get(key)
    if node is None:
        roots = search_roots(file, project_root)
        with recording() as probed:
            probed.add(dependency(str(file)))
            imports = _file_imports(file)
            absolute = tuple(module for module, level in imports if not level)
            children = []
            for module, level in imports:
                if not module and not level:
                    continue
                local = resolve(module, level, file, roots)
                if local is not None:
                    children.append(("." * level + module, os.path.realpath(local)))
        node = _NODES[key] = _Node(absolute, tuple(children), frozenset(probed))
    return node


@dataclass(frozen=True)
class _Node:
    absolute_imports: tuple[str, ...]  # candidates for "heavy"
    children: tuple[tuple[str, str], ...]  # (name as imported, real path of the local file)
    probed: frozenset[Dependency]


_NODES: dict[tuple[str, str], _Node] = {}


def new_run() -> None:
    """Forget what earlier runs of this process learnt: files may have changed since."""
    _NODES.clear()
    _CHAINS.clear()


def chain_through(
    module: str, level: int, importer: Path, roots: Iterable[Path], heavy: HeavyModules, project_root: Path
) -> tuple[str, ...] | None:
    """For ``importer``'s import of ``module`` (``level`` leading dots): None when that names no
    other local file; else the chain from that file to a heavy module-scope import (empty when
    there is none). The importer is half-initialised while its imports run, so a chain back
    through it does not run it again: it is never followed."""
    local = resolve(module, level, importer, roots)
    if local is None:
        return None
    importing = os.path.realpath(importer)
    if os.path.realpath(local) == importing:
        return None
    return heavy_chain(local, heavy, project_root, frozenset({importing}))


def heavy_chain(
    file: Path, heavy: HeavyModules, project_root: Path, excluded: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """The names from ``file`` to a heavy import it makes at module scope, directly or through
    other local modules (``("utils", "pandas")``); empty when there is none. ``excluded``: real
    paths never followed (the importing handler module).

    A breadth-first search over the run's cached import graph: each local file is visited once per
    question (import cycles end there), and the shortest chain wins. The files it looked at are
    recorded for the result cache."""
    start = os.path.realpath(file)
    key = (start, excluded, str(project_root), heavy)
    if key not in _CHAINS:
        _CHAINS[key] = _search(start, heavy, project_root, excluded)
    chain, looked_at = _CHAINS[key]
    if _RECORDERS:
        _RECORDERS[-1].update(looked_at)
    return chain


def _search(
    start: str, heavy: HeavyModules, project_root: Path, excluded: frozenset[str]
) -> tuple[tuple[str, ...], frozenset[Dependency]]:
    visited = {start, *excluded}
    queue: deque[tuple[str, tuple[str, ...]]] = deque([(start, ())])
    looked_at: set[Dependency] = set()
    while queue:
        current, chain = queue.popleft()
        node = _edges(Path(current), project_root)
        looked_at.update(node.probed)
        for module in node.absolute_imports:
            if heavy.is_heavy(module):
                return (*chain, module), frozenset(looked_at)
        for name, child in node.children:
            if child not in visited:
                visited.add(child)
                queue.append((child, (*chain, name)))
    return (), frozenset(looked_at)

"""Local modules a handler imports, and the heavy imports they make at module scope (for LIL004).

A module name resolves to a file under the importing file's folder or one of its parents (up to
the project root): that is where Lambda's task root puts the code; then in the function's layers'
folders (``LayerRoot``: Lambda's ``/opt/python/lib/python3.X/site-packages`` and ``/opt/python``),
in the order the function lists them. Each local file is parsed once per process with the stdlib
parser (memoised by path, size and modification time), and each question answered once.
"""

from __future__ import annotations

import ast
import os
import warnings
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple

from lambda_import_lint.catalogue import HeavyModules, imports_known
from lambda_import_lint.discovery.declarations import LayerRoot

if TYPE_CHECKING:
    from lambda_import_lint.analysis.records import ModuleFacts
    from lambda_import_lint.config import Config

Dependency = tuple[str, int, int]  # (path, size, mtime in ns); -1, -1 for a path that did not exist

_IMPORTS: dict[tuple[str, int, int], tuple[Imported, ...] | None] = {}
_CHAINS: dict[
    tuple[str, frozenset[str], str, HeavyModules, tuple[LayerRoot, ...]], tuple[HeavyLink, frozenset[Dependency]]
] = {}
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


def note_dependency(path: str, known: Dependency | None = None) -> None:
    """Record a file (or folder) a result depends on, while ``recording`` (``known``: as it was
    when it was read, for a file read once and looked at again)."""
    if _RECORDERS:
        _RECORDERS[-1].add(known if known is not None else dependency(path))


class HeavyLink(NamedTuple):
    """Where a local module's chain of module-scope imports reaches a heavy module."""

    names: tuple[str, ...]  # ("utils", "pandas"): the local modules as imported, then the heavy one
    file: str = ""  # the local file that imports the heavy module
    line: int = 0  # the line of that import
    # Every heavy module the local module imports at module scope, directly or through other local
    # modules, deferrable or not: what keeping its import loads anyway ("already paid").
    loads: frozenset[str] = frozenset()
    layer: str = ""  # the layer the imported module comes from ("" for the function's own code)
    # The local modules import, at module scope, a package we cannot see into (not the standard
    # library, not in the catalogue, not a local file): it may load anything.
    opaque: bool = False


Imported = tuple[str, int, int, bool]  # (module, relative level, line, pinned at module scope)


def _module_level_imports(tree: ast.Module) -> Iterator[Imported]:
    """Imports that run at import time (not under TYPE_CHECKING), each with whether a name it binds
    is used at module scope in this file: such an import cannot be deferred where it is."""
    pinned_names = _module_scope_names(tree)
    pending = list(tree.body)
    while pending:
        statement = pending.pop(0)
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                bound = alias.asname or alias.name.split(".")[0]
                yield alias.name, 0, statement.lineno, bound in pinned_names
        elif isinstance(statement, ast.ImportFrom):
            base = statement.module or ""
            pinned = any((alias.asname or alias.name) in pinned_names for alias in statement.names)
            yield base, statement.level, statement.lineno, pinned
            for alias in statement.names:
                dotted = f"{base}.{alias.name}" if base else alias.name
                yield dotted, statement.level, statement.lineno, (alias.asname or alias.name) in pinned_names
        elif isinstance(statement, ast.If) and "TYPE_CHECKING" in ast.dump(statement.test):
            pending.extend(statement.orelse)
        elif not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for name in ("body", "orelse", "finalbody"):
                pending.extend(getattr(statement, name, ()))
            for handler in getattr(statement, "handlers", ()):
                pending.extend(handler.body)


def search_roots(file: Path, project_root: Path, layer_roots: tuple[LayerRoot, ...] = ()) -> tuple[Path, ...]:
    """The importing file's folder and its parents, up to the project root, then the folders of
    the function's layers."""
    folder = Path(os.path.realpath(file)).parent
    root = Path(os.path.realpath(project_root))
    roots = [folder]
    if root in folder.parents:
        for parent in folder.parents:
            roots.append(parent)
            if parent == root:
                break
    roots.extend(Path(layer_root) for _, layer_root in layer_roots)
    return tuple(dict.fromkeys(roots))


def layer_of(file: Path, layer_roots: tuple[LayerRoot, ...]) -> str:
    """The name of the layer whose folders hold ``file`` ("" when none does)."""
    real = os.path.realpath(file)
    return next((name for name, root in layer_roots if real.startswith(root.rstrip(os.sep) + os.sep)), "")


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
    tail = os.sep.join(parts)
    for root in candidates:
        target = os.path.join(root, tail) if parts else str(root)
        if parts and _is_file_noted(target + ".py"):
            return Path(target + ".py")
        if _is_file_noted(os.path.join(target, "__init__.py")):
            return Path(target, "__init__.py")
    return None


def _is_file_noted(path: str) -> bool:
    """Whether ``path`` is a file, recorded as a dependency: one ``stat`` per path and run (the
    same candidate paths come back for every import of every file; a handler's folder and each
    folder above it are tried for each name)."""
    probe = _PROBES.get(path)
    if probe is None:
        try:
            status = os.stat(path)
        except OSError:
            probe = ((path, -1, -1), False)
        else:
            probe = ((path, status.st_size, status.st_mtime_ns), S_ISREG(status.st_mode))
        _PROBES[path] = probe
    if _RECORDERS:
        _RECORDERS[-1].add(probe[0])
    return probe[1]


_PROBES: dict[str, tuple[Dependency, bool]] = {}


def _module_scope_names(tree: ast.Module) -> set[str]:
    """Names read while the module is imported: module-level code, decorators, default values,
    class bodies; not function or lambda bodies, which run later. Names in ``__all__`` too."""
    names: set[str] = set()
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            pending.extend(node.decorator_list)
            pending.extend(node.args.defaults)
            pending.extend(default for default in node.args.kw_defaults if default is not None)
            continue
        if isinstance(node, ast.Lambda):
            pending.extend(node.args.defaults)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            names.update(
                element.value for element in ast.walk(node.value)
                if isinstance(element, ast.Constant) and isinstance(element.value, str)
            )
        pending.extend(ast.iter_child_nodes(node))
    return names


def _file_imports(file: Path) -> tuple[Imported, ...] | None:
    """Module-scope imports of a file, parsed once per process (keyed by size and mtime); None when
    this Python cannot parse it (syntax of a later release: PEP 701's f-strings on 3.11), so what
    it imports is not known."""
    try:
        status = file.stat()
        key = (os.path.realpath(file), status.st_size, status.st_mtime_ns)
    except OSError:
        return ()
    if key in _IMPORTS:
        return _IMPORTS[key]
    with warnings.catch_warnings():  # the local module's own warnings are not ours to print
        warnings.simplefilter("ignore")
        try:
            cached: tuple[Imported, ...] | None = tuple(_module_level_imports(ast.parse(file.read_bytes())))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            cached = None
        except OSError:
            cached = ()
    _IMPORTS[key] = cached
    return cached


def _edges(file: Path, project_root: Path, layer_roots: tuple[LayerRoot, ...] = ()) -> _Node:
    """A file's module-scope imports resolved to local files (from its own folder and the folders
    above it, up to the project root, then the layers'), and every path probed on the way (with
    size and mtime, for the cache): computed once per file and run."""
    key = (str(file), str(project_root), layer_roots)
    node = _NODES.get(key)
    if node is None:
        roots = search_roots(file, project_root, layer_roots)
        with recording() as probed:
            probed.add(dependency(str(file)))
            parsed = _file_imports(file)
            imports = parsed or ()
            absolute = tuple((module, line, pinned) for module, level, line, pinned in imports if not level)
            children = []
            for module, level, _, _ in imports:
                if not module and not level:
                    continue
                local = resolve(module, level, file, roots)
                if local is not None:
                    children.append(("." * level + module, os.path.realpath(local)))
        node = _NODES[key] = _Node(absolute, tuple(children), frozenset(probed), parsed is not None)
    return node


@dataclass(frozen=True)
class _Node:
    absolute_imports: tuple[tuple[str, int, bool], ...]  # candidates for "heavy": (module, line, pinned)
    children: tuple[tuple[str, str], ...]  # (name as imported, real path of the local file)
    probed: frozenset[Dependency]
    parsed: bool = True  # False: this Python cannot parse the file, which may import anything


_NODES: dict[tuple[str, str, tuple[LayerRoot, ...]], _Node] = {}


def new_run() -> None:
    """Forget what earlier runs of this process learnt: files may have changed since."""
    _NODES.clear()
    _CHAINS.clear()
    _PROBES.clear()


def chain_through(
    module: str,
    level: int,
    importer: Path,
    roots: Iterable[Path],
    heavy: HeavyModules,
    project_root: Path,
    layer_roots: tuple[LayerRoot, ...] = (),
) -> HeavyLink | None:
    """For ``importer``'s import of ``module`` (``level`` leading dots): None when that names no
    other local file; else the chain from that file to a heavy module-scope import that can be
    deferred where it is (no names when there is none). The importer is half-initialised while
    its imports run, so a chain back through it does not run it again: it is never followed."""
    local = resolve(module, level, importer, roots)
    if local is None:
        return None
    importing = os.path.realpath(importer)
    if os.path.realpath(local) == importing:
        return None
    link = heavy_chain(local, heavy, project_root, frozenset({importing}), layer_roots)
    return link._replace(layer=layer_of(local, layer_roots)) if layer_roots else link


def heavy_chain(
    file: Path,
    heavy: HeavyModules,
    project_root: Path,
    excluded: frozenset[str] = frozenset(),
    layer_roots: tuple[LayerRoot, ...] = (),
) -> HeavyLink:
    """The names from ``file`` to a heavy import it makes at module scope, directly or through
    other local modules (``("utils", "pandas")``), and where that import is; no names when there
    is none. A heavy import whose names that file uses at module scope (a decorator, a module-level
    object) cannot be deferred there and does not end a chain; nor does one such an import loads
    anyway (the catalogue's ``loads``). ``excluded``: real paths never
    followed (the importing handler module).

    A breadth-first search over the run's cached import graph: each local file is visited once per
    question (import cycles end there), and the shortest chain wins. The files it looked at are
    recorded for the result cache."""
    start = os.path.realpath(file)
    key = (start, excluded, str(project_root), heavy, layer_roots)
    if key not in _CHAINS:
        _CHAINS[key] = _search(start, heavy, project_root, excluded, layer_roots)
    chain, looked_at = _CHAINS[key]
    if _RECORDERS:
        _RECORDERS[-1].update(looked_at)
    return chain


def _search(
    start: str, heavy: HeavyModules, project_root: Path, excluded: frozenset[str], layer_roots: tuple[LayerRoot, ...]
) -> tuple[HeavyLink, frozenset[Dependency]]:
    visited = {start, *excluded}
    queue: deque[tuple[str, tuple[str, ...]]] = deque([(start, ())])
    looked_at: set[Dependency] = set()
    found = HeavyLink(())
    loads: set[str] = set()
    opaque = False
    while queue:
        current, chain = queue.popleft()
        node = _edges(Path(current), project_root, layer_roots)
        looked_at.update(node.probed)
        opaque = opaque or not node.parsed
        followed = {name for name, _ in node.children}
        # What the file's pinned heavy imports load: deferring another import of those saves nothing
        # (round 29: `from botocore.exceptions import ClientError` beside `import boto3` for a
        # module-level `boto3.resource(...)`, reported as the chain's end at ~3 ms).
        paid = frozenset().union(*(
            heavy.paid_by(module) for module, _, pinned in node.absolute_imports if pinned and heavy.is_heavy(module)
        ))
        for module, line, pinned in node.absolute_imports:
            if heavy.is_heavy(module):
                loads.add(module)
                # (breadth first: the shortest chain)
                if not pinned and not found.names and heavy.entry(module) not in paid:
                    found = HeavyLink((*chain, module), current, line)
            elif module not in followed and not imports_known(module):
                opaque = True
        for name, child in node.children:
            if child not in visited:
                visited.add(child)
                queue.append((child, (*chain, name)))
    return found._replace(loads=frozenset(loads), opaque=opaque), frozenset(looked_at)


def local_chains(
    facts: ModuleFacts, path: str, config: Config, layer_roots: tuple[LayerRoot, ...] = ()
) -> dict[int, HeavyLink]:
    """For each module-scope import of a local module (or of a module of the function's layers):
    what heavy modules it loads, and the chain to one it could defer where it is (no names when
    none; and none for the ``__init__`` of a package that holds the importer, which Lambda runs
    before the importer anyway)."""
    if path in ("-", "") or not Path(path).is_file() and not Path(path).parent.is_dir():
        return {}
    heavy = config.heavy
    importer = Path(path)
    roots = search_roots(importer, config.root, layer_roots)
    chains: dict[int, HeavyLink] = {}
    for index, binding in enumerate(facts.imports):
        if binding.type_checking or binding.lazy or heavy.is_heavy(binding.module):
            continue
        level = len(binding.module) - len(binding.module.lstrip("."))
        names = [binding.module.lstrip(".")]
        if not binding.star and binding.qualified != binding.module and not binding.module.startswith(
            binding.qualified + "."
        ):
            names.insert(0, binding.qualified.lstrip("."))  # `from pkg import module` (not `import pkg.module`)
        for name in names:
            link = chain_through(name, level, importer, roots, heavy, config.root, layer_roots)
            if link is not None:
                if link.names and not _encloses(resolve(name, level, importer, roots), importer):
                    link = link._replace(names=("." * level + name, *link.names))
                else:
                    link = link._replace(names=())
                chains[index] = link
                break
    return chains


def enclosing_package_loads(path: str, config: Config, layer_roots: tuple[LayerRoot, ...] = ()) -> frozenset[str]:
    """The heavy modules the ``__init__.py`` of each package holding ``path`` loads at module
    scope, directly or through other local modules: importing shared code by its package path
    (``ragstack_common.dedup``) runs them first, so what they load is paid whatever the module
    does (round 10: a layer whose ``__init__`` imports every submodule, most of them importing
    boto3). Packages are the folders above the file holding an ``__init__.py``, up to the first
    that does not; the files looked at are recorded for the result cache."""
    file = Path(os.path.realpath(path))
    folder = file.parent.parent if file.name == "__init__.py" else file.parent
    loads: set[str] = set()
    while True:
        init = folder / "__init__.py"
        if not _is_file_noted(str(init)) or folder.parent == folder:
            return frozenset(loads)
        loads |= heavy_chain(init, config.heavy, config.root, frozenset({str(file)}), layer_roots).loads
        folder = folder.parent


def _encloses(local: Path | None, importer: Path) -> bool:
    """Whether ``local`` is the ``__init__.py`` of a package that holds ``importer``: importing the
    importer (``adapters.inbound.handlers``) runs it first, so it can never be deferred."""
    if local is None or local.name != "__init__.py":
        return False
    package = Path(os.path.realpath(local)).parent
    return package in Path(os.path.realpath(importer)).parents

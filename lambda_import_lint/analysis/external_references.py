"""Who else reaches a module-scope name through the module: the facts behind "is moving it safe?".

Moving ``import requests`` from module scope into a function removes the attribute ``app.requests``.
Code that reaches it from outside the function then breaks: a test's ``mock.patch("app.requests")``
(the most common way handlers are unit-tested), ``from app import requests`` in another module,
``monkeypatch.setattr(app, "requests", ...)``; and, within the module, code that reaches its own
globals by module object (``sys.modules[__name__]``, ``importlib.import_module("app")``) or a
module-level ``__getattr__`` that answers for missing attributes.

The search over the project is I/O, so it lives here, not in a rule: a byte scan of the project's
``.py`` files first (the module's name and the bound name both present?), then the stdlib parser
on the few files that pass, never importing or running them. Listings and bytes are memoised per
run (``new_run``), and every file and folder read is recorded for the result cache, as
``local_modules.py`` does.
"""

from __future__ import annotations

import ast
import warnings
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping

from lambda_import_lint.analysis.local_modules import Dependency, dependency, note_dependency

if TYPE_CHECKING:
    from lambda_import_lint.config import Config
    from lambda_import_lint.discovery.declarations import LayerRoot


@dataclass(frozen=True)
class Reference:
    """One place that reaches a module-scope name through the module object."""

    path: str  # as given to the run when inside the project root, else absolute
    line: int
    what: str  # "patches `app.requests`", "imports `requests` from `app`", …

    def where(self) -> str:
        return f"{self.path}:{self.line}"


_LISTINGS: dict[tuple[str, bool], tuple[str, ...]] = {}  # (folder, recursive) → its .py files
_TREES: dict[str, ast.Module | None] = {}  # file → its stdlib tree (None: unparsable), this run
# The folders each listing walked, each with its status when it was listed: the dependency every
# result that reads the listing records (taken once, not again for each module searched).
_FOLDERS: dict[tuple[str, bool], tuple[Dependency, ...]] = {}
_SOURCES: dict[str, tuple[bytes, Dependency]] = {}  # file → its bytes, and its status when read
_REAL: dict[str, str] = {}  # path → its real path, this run (the same files are met for each module)
_SPELLS: dict[tuple[str, bytes], bool] = {}  # (file, word) → whether its bytes hold the word, this run


@dataclass(frozen=True)
class _Outline:
    """What the searches ask of one other file, read from its tree once per run (a project's test
    files are searched again for each module that builds a client)."""

    imports: tuple[ast.Import | ast.ImportFrom, ...]
    # Those run when the file is imported: statements of the module body (and of its top-level
    # `if`/`try` blocks), not of a function.
    top_imports: tuple[ast.Import | ast.ImportFrom, ...]
    strings: frozenset[str]  # its string constants: `mock.patch("app.boto3.client")`
    # The calls with a dotted name and a string first: `patch.object(boto3, "client")` → ("boto3", "client").
    pairs: frozenset[tuple[str, str]]


_OUTLINES: dict[str, _Outline] = {}


def new_run() -> None:
    """Forget what earlier runs of this process read: files may have changed since."""
    _LISTINGS.clear()
    _FOLDERS.clear()
    _SOURCES.clear()
    _TREES.clear()
    _OUTLINES.clear()
    _REAL.clear()
    _SPELLS.clear()


def _real(path: str) -> str:
    found = _REAL.get(path)
    if found is None:
        found = _REAL[path] = os.path.realpath(path)
    return found


def _outline(file: str, tree: ast.Module) -> _Outline:
    found = _OUTLINES.get(file)
    if found is None:
        imports: list[ast.Import | ast.ImportFrom] = []
        strings: set[str] = set()
        pairs: set[tuple[str, str]] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imports.append(node)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
            elif isinstance(node, ast.Call) and len(node.args) >= 2:
                target, attribute = _dotted(node.args[0]), _constant(node.args[1])
                if target is not None and attribute is not None:
                    pairs.add((target, attribute))
        top: list[ast.Import | ast.ImportFrom] = []
        pending: list[ast.stmt] = list(tree.body)
        while pending:
            statement = pending.pop()
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                top.append(statement)
            elif isinstance(statement, (ast.If, ast.Try)):
                pending.extend(statement.body)
                pending.extend(statement.orelse)
                if isinstance(statement, ast.Try):
                    pending.extend(statement.finalbody)
                    for handler in statement.handlers:
                        pending.extend(handler.body)
        found = _OUTLINES[file] = _Outline(tuple(imports), tuple(top), frozenset(strings), frozenset(pairs))
    return found


def module_names(path: str, root: str) -> tuple[str, ...]:
    """The dotted names the file at ``path`` can be imported as: relative to its own folder and to
    each folder above it up to ``root`` (``app``, ``pkg.app``, ``src.pkg.app``)."""
    real = _real(path)
    stem = os.path.splitext(os.path.basename(real))[0]
    folder = os.path.dirname(real)
    parts = [] if stem == "__init__" else [stem]
    if stem == "__init__":
        parts.insert(0, os.path.basename(folder))
        folder = os.path.dirname(folder)
    names = []
    real_root = _real(root)
    while parts and all(part.isidentifier() for part in parts):
        names.append(".".join(parts))
        if folder == real_root or not folder.startswith(real_root + os.sep):
            break
        parts.insert(0, os.path.basename(folder))
        folder = os.path.dirname(folder)
    return tuple(names)


def search_root(path: str, config: Config) -> tuple[str, bool]:
    """The folder whose files may refer to the module, and whether to search it recursively: the
    project root when the module is inside it; else the top of the module's package; else (a lone
    module outside any project, in site-packages say) its own folder alone."""
    real = _real(path)
    root = _real(os.fspath(config.project_folder))
    if real.startswith(root + os.sep):
        return root, True
    folder = os.path.dirname(real)
    if not os.path.isfile(os.path.join(folder, "__init__.py")):
        return folder, False
    while os.path.isfile(os.path.join(os.path.dirname(folder), "__init__.py")):
        folder = os.path.dirname(folder)
    return folder, True


def outside_references(path: str, names: Mapping[int, str], config: Config) -> dict[int, tuple[Reference, ...]]:
    """For each import (index → the name it binds): the places in other files of the project that
    reach that name through the module. Empty for a module that is not a file on disk."""
    wanted = {name.encode() for name in names.values()}
    found: dict[str, list[Reference]] = {}
    for file, tree, module_file, dotted in _files_naming(path, config, wanted):
        shown = _shown_path(file, config)
        for name, line, what in _references_in(tree, file, module_file, dotted, set(names.values())):
            found.setdefault(name, []).append(Reference(shown, line, what))
    return {
        index: tuple(sorted(found[name], key=lambda reference: (reference.path, reference.line)))
        for index, name in names.items()
        if name in found
    }


def patched_factories(path: str, factories: Mapping[str, str], config: Config) -> frozenset[str]:
    """Which of the module's client factories (qualified name → the name the module binds its root
    to: ``"boto3.client"`` → ``"boto3"``) another file of the project that imports the module
    replaces: ``mock.patch("boto3.client")``, ``patch("app.boto3.client")``, ``patch("app.boto3")``,
    ``patch.object(boto3, "client")``. Its tests build the module's clients inside the patch; a
    client built at import escapes it, so moving one to module scope breaks them."""
    roots = {qualified.split(".", 1)[0].encode() for qualified in factories}
    if roots & {b"boto3", b"botocore"}:
        roots.add(b"moto")  # its mocks replace the SDK without naming it (`_mocked_by_moto`)
    patched: set[str] = set()
    for file, tree, module_file, dotted in _files_naming(path, config, roots, _PATCHING):
        # `from index import handler` may name any of a project's `index.py`: a file importing the
        # module by a bare name counts only near it (its folder's parent and below: `tests/` next
        # to `src/`, `test/` inside the function's folder); far from it, only its longer names
        # (`functions.users.index`) are its own.
        near = os.path.dirname(os.path.dirname(module_file)) + os.sep
        names = dotted if _real(file).startswith(near) else dotted[1:]
        if not names:
            continue
        replaced = _patches_in(tree, file, factories, names)
        if replaced and _imports_module(tree, file, module_file, names):
            patched |= replaced
        mocked = _mocked_by_moto(tree, file, factories)
        if mocked and _imports_module(tree, file, module_file, names, when_imported=True):
            patched |= mocked
    return frozenset(patched)


def loaded_by_importers(path: str, config: Config, layer_roots: tuple[LayerRoot, ...] = ()) -> frozenset[str]:
    """The heavy modules every other file of the project that imports the module loads at module
    scope without it (its own imports, its local modules'; ``layer_roots``: where their imports
    resolve besides their own folders): paid whenever the module is imported, whatever it imports
    itself (round 23: an unused ``boto3`` in a layer's ``queries.py``, each of whose importers
    imports boto3 itself and the layer's ``services``, which imports psycopg2). Test files do not
    count (nothing deploys them); nothing when no other file imports the module."""
    from pathlib import Path

    from lambda_import_lint.analysis.local_modules import heavy_chain
    from lambda_import_lint.discovery.files import is_test_or_docs

    loads: frozenset[str] | None = None
    for file, tree, module_file, dotted in _files_naming(path, config, None):
        if is_test_or_docs(file, config.project_folder) or not _imports_module(tree, file, module_file, dotted):
            continue
        found = heavy_chain(Path(file), config.heavy, config.root, frozenset({module_file}), layer_roots).loads
        loads = found if loads is None else loads & found
        if not loads:
            break
    return loads or frozenset()


def imported_by_a_handler(path: str, config: Config) -> bool:
    """Whether another file of the project (not a test) imports the module and defines a
    module-level function named like a handler (``config.handler_names``): the module's
    handler-shaped functions are what that handler calls, not what Lambda does (round 47: twenty
    `handlers/*_handler.py` of `handle_x(event, context)` functions, which `main.py`'s
    `lambda_handler` imports and dispatches to; both reviewers "no" on an unused `boto3` in one,
    which `main.py`'s other imports load anyway)."""
    from lambda_import_lint.discovery.files import is_test_or_docs
    from lambda_import_lint.discovery.handlers import named_like_a_handler

    for file, tree, module_file, dotted in _files_naming(path, config, None):
        if is_test_or_docs(file, config.project_folder) or not _imports_module(tree, file, module_file, dotted):
            continue
        if any(
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and named_like_a_handler(node.name, config.handler_names)
            for node in tree.body
        ):
            return True
    return False


# What a file that replaces something spells: `mock.patch(...)`, `patch.object(...)`,
# `monkeypatch.setattr(...)`, moto's mocks. Most files of a project spell none, and are never parsed here.
_PATCHING = (b"patch", b"setattr", b"moto")


def _mocked_by_moto(tree: ast.Module, file: str, factories: Mapping[str, str]) -> set[str]:
    """The AWS SDK factories a file using moto mocks (``from moto import mock_aws``): moto's
    documentation asks for clients to be built once its mock has started, which a client built
    when the test file imports the module, before any test starts one, is not (a test importing
    the module inside the mock is fine: the seed-11 review's serverless-samples)."""
    uses_moto = any(
        (isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "moto" for alias in node.names))
        or (isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == "moto")
        for node in _outline(file, tree).imports
    )
    if not uses_moto:
        return set()
    return {qualified for qualified in factories if qualified.split(".")[0] in ("boto3", "botocore")}


def _files_naming(
    path: str, config: Config, wanted: set[bytes] | None, needing: tuple[bytes, ...] = ()
) -> Iterator[tuple[str, ast.Module, str, tuple[str, ...]]]:
    """(file, its tree, the module's real path, the module's dotted names) for each other file of
    the project that spells the module's name and one of ``wanted`` (None: the name alone; and one
    of ``needing``, if given): the cheap byte scan before the parser. Nothing for a module that is
    not a file on disk."""
    if wanted is not None and not wanted or path in ("-", "") or not os.path.isfile(path):
        return
    folder, recursive = search_root(path, config)
    dotted = module_names(path, folder if recursive else os.path.dirname(_real(path)))
    if not dotted:
        return
    module_file = _real(path)
    tail = dotted[0].rsplit(".", 1)[-1].encode()
    for file in _python_files(folder, recursive):
        source = read_recorded(file)
        if not _spells(file, source, tail) or wanted is not None and not any(
            _spells(file, source, name) for name in wanted
        ):
            continue
        if needing and not any(_spells(file, source, marker) for marker in needing):
            continue
        if _real(file) == module_file:
            continue
        tree = _tree(file, source)
        if tree is not None:
            yield file, tree, module_file, dotted


def _spells(file: str, source: bytes, word: bytes) -> bool:
    """Whether ``word`` occurs in the file's bytes, answered once per run: the same files are
    scanned for the same few words (``boto3``, ``patch``, ``app``…) for each module searched."""
    key = (file, word)
    found = _SPELLS.get(key)
    if found is None:
        found = _SPELLS[key] = word in source
    return found


def _imports_module(
    tree: ast.Module, file: str, module_file: str, dotted: tuple[str, ...], when_imported: bool = False
) -> bool:
    """Whether the file imports the module (``import app``, ``from app import f``, ``from pkg import
    app``); ``when_imported``: as the file itself is imported, not inside a function."""
    outline = _outline(file, tree)
    imports = outline.top_imports if when_imported else outline.imports
    if any(
        isinstance(node, ast.ImportFrom) and _import_from_names_module(node, file, module_file, dotted)
        for node in imports
    ):
        return True
    return any(module in dotted for module in _module_aliases(tree, file, module_file, dotted, imports).values())


def _patches_in(tree: ast.Module, file: str, factories: Mapping[str, str], dotted: tuple[str, ...]) -> set[str]:
    """The factories one file replaces, by name or by object (see ``patched_factories``)."""
    outline = _outline(file, tree)
    names: dict[str, str] = {}  # a patch target spelled in full → the factory it replaces
    for qualified, bound in factories.items():
        names[qualified] = qualified
        rest = qualified.split(".", 1)[1] if "." in qualified else ""
        for module in dotted:
            names[f"{module}.{bound}"] = qualified
            if rest:
                names[f"{module}.{bound}.{rest}"] = qualified
    found = {names[spelled] for spelled in outline.strings & names.keys()}
    if outline.pairs:
        aliases = {
            alias.asname or alias.name: alias.name
            for node in outline.imports if isinstance(node, ast.Import) for alias in node.names
        }
        for target, attribute in outline.pairs:
            head, _, rest = target.partition(".")
            full = ".".join(part for part in (aliases.get(head, head), rest, attribute) if part)
            if full in factories:
                found.add(full)
    return found


def self_references(tree: ast.Module, path: str, config: Config) -> tuple[Reference, ...]:
    """Places where the module reaches its own globals through its module object (or answers for
    missing attributes): any name moved off module scope may be read there."""
    dotted = set(module_names(path, search_root(path, config)[0])) if path not in ("-", "") else set()
    shown = _shown_path(path, config) if path not in ("-", "") else path
    found = []
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == "__getattr__":
            found.append(Reference(shown, statement.lineno, "defines a module `__getattr__`"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _dotted(node.value) == "sys.modules":
            key = node.slice
            if (isinstance(key, ast.Name) and key.id == "__name__") or _constant(key) in dotted:
                found.append(Reference(shown, node.lineno, "reads `sys.modules[__name__]`"))
        elif isinstance(node, ast.Call) and node.args:
            function = _dotted(node.func)
            if function in ("importlib.import_module", "import_module", "__import__"):
                first = node.args[0]
                if _constant(first) in dotted or (isinstance(first, ast.Name) and first.id == "__name__"):
                    found.append(Reference(shown, node.lineno, f"imports itself with `{function}`"))
    return tuple(sorted(set(found), key=lambda reference: reference.line))


def _references_in(
    tree: ast.Module, file: str, module_file: str, dotted: tuple[str, ...], names: set[str]
) -> Iterator[tuple[str, int, str]]:
    """(name, line, what) for each reference in one other file's tree."""
    aliases = _module_aliases(tree, file, module_file, dotted)
    attributes = {f"{module}.{name}": name for module in dotted for name in names}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _import_from_names_module(node, file, module_file, dotted):
            for alias in node.names:
                if alias.name in names:
                    yield alias.name, node.lineno, f"imports `{alias.name}` from `{dotted[0]}`"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # mock.patch("app.requests"), patch("pkg.app.requests.get"), monkeypatch.setattr("app.requests", …)
            for attribute, name in attributes.items():
                if node.value == attribute or node.value.startswith(attribute + "."):
                    yield name, node.lineno, f"patches or names `{node.value}`"
        elif isinstance(node, ast.Attribute):
            if node.attr in names and _resolve(node.value, aliases) in dotted:
                yield node.attr, node.lineno, f"reads `{_dotted(node) or node.attr}`"
        elif isinstance(node, ast.Call) and len(node.args) >= 2:
            # patch.object(app, "requests"), monkeypatch.setattr(app, "requests", …), getattr(app, "requests")
            named = _constant(node.args[1])
            if named is not None and named in names and _resolve(node.args[0], aliases) in dotted:
                yield named, node.lineno, f"reaches `{named}` with `{_dotted(node.func) or 'a call'}`"


def _module_aliases(
    tree: ast.Module,
    file: str,
    module_file: str,
    dotted: tuple[str, ...],
    imports: Iterable[ast.Import | ast.ImportFrom] | None = None,
) -> dict[str, str]:
    """Local name → the dotted module it is bound to, for imports that may bind the module or a
    package above it (``import pkg.app`` binds ``pkg``; ``from pkg import app`` binds ``app``);
    ``imports``: only those (default: all of the file's)."""
    aliases: dict[str, str] = {}
    for node in _outline(file, tree).imports if imports is None else imports:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is not None:
                    aliases[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    aliases[head] = head
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                local = alias.asname or alias.name
                if node.level:
                    target = _relative_path(file, node.level, [*(node.module or "").split("."), alias.name])
                    if target == module_file:
                        aliases[local] = dotted[0]
                elif node.module:
                    aliases[local] = f"{node.module}.{alias.name}"
    return aliases


def _import_from_names_module(node: ast.ImportFrom, file: str, module_file: str, dotted: tuple[str, ...]) -> bool:
    if node.level:
        return _relative_path(file, node.level, (node.module or "").split(".")) == module_file
    return node.module in dotted


def _relative_path(file: str, level: int, parts: Iterable[str]) -> str | None:
    folder = os.path.dirname(_real(file))
    for _ in range(level - 1):
        folder = os.path.dirname(folder)
    target = os.path.join(folder, *[part for part in parts if part])
    for candidate in (target + ".py", os.path.join(target, "__init__.py")):
        if os.path.isfile(candidate):
            return _real(candidate)
    return None


def _resolve(node: ast.expr, aliases: Mapping[str, str]) -> str | None:
    """The dotted module an expression names through the file's imports (``app``, ``pkg.app``)."""
    dotted = _dotted(node)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    if head not in aliases:
        return None
    return f"{aliases[head]}.{rest}" if rest else aliases[head]


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _constant(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _python_files(folder: str, recursive: bool) -> tuple[str, ...]:
    """The ``.py`` files under ``folder`` (virtual environments and the default exclusions left out;
    the user's ``exclude`` is not applied: excluded tests still patch the handler). Each folder is
    recorded for the result cache as it was when listed: a file added to it changes its
    modification time."""
    key = (folder, recursive)
    cached = _LISTINGS.get(key)
    if cached is None:
        from lambda_import_lint.config import Config
        from lambda_import_lint.discovery.deploy.common import is_virtual_environment
        from lambda_import_lint.discovery.files import folder_exclusions

        excluded = folder_exclusions(Config(folder=None))
        files: list[str] = []
        folders: list[Dependency] = []
        for current, subfolders, names in os.walk(folder):
            if current != folder and is_virtual_environment(names):
                subfolders[:] = []
                continue
            folders.append(dependency(current))
            files.extend(os.path.join(current, name) for name in sorted(names) if name.endswith(".py"))
            kept = sorted(name for name in subfolders if not excluded(os.path.join(current, name)))
            subfolders[:] = kept if recursive else []
        cached = _LISTINGS[key] = tuple(files)
        _FOLDERS[key] = tuple(folders)
    for state in _FOLDERS[key]:
        note_dependency(state[0], state)
    return cached


def _tree(file: str, source: bytes) -> ast.Module | None:
    """The file's stdlib tree, parsed once per run: with many deferrable imports (shared code,
    `--heavy-modules '*'`) the same files are searched for each module of the project."""
    if file not in _TREES:
        with warnings.catch_warnings():  # the project's own warnings are not ours to print
            warnings.simplefilter("ignore")
            try:
                _TREES[file] = ast.parse(source)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                _TREES[file] = None
    return _TREES[file]


def read_recorded(file: str) -> bytes:
    """The file's bytes, read once per run; recorded as a dependency of the result being made as
    the file was when read (its status taken before the read: a change during it shows next run)."""
    found = _SOURCES.get(file)
    if found is None:
        status = dependency(file)
        try:
            with open(file, "rb") as handle:
                source = handle.read()
        except OSError:
            source = b""
        found = _SOURCES[file] = (source, status)
    note_dependency(file, found[1])
    return found[0]


def _shown_path(file: str, config: Config) -> str:
    real = _real(file)
    root = _real(os.fspath(config.root))
    return os.path.relpath(real, root) if real.startswith(root + os.sep) else real


__all__ = ["Reference", "module_names", "new_run", "outside_references", "read_recorded", "self_references"]

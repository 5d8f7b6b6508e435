"""The second cheap test, for files that pass the byte scan (``prefilter.py``): the stdlib parser.

A file with no handler (by the same heuristic as ``discovery/handlers.py``), or no heavy or SDK import
at module scope, cannot matter. ``ast.parse`` costs about a tenth of LibCST's parse. Anything
unclear (a syntax ``ast`` does not know yet) goes on to LibCST. ``first_lines`` also gives the rules
statement positions without LibCST's position pass.
"""

from __future__ import annotations

import ast
import functools
import warnings
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from lambda_import_lint.catalogue import HeavyModules
from lambda_import_lint.config import Config
from lambda_import_lint.discovery.declarations import LayerRoot
from lambda_import_lint.discovery.handlers import handler_shaped
from lambda_import_lint.analysis.prefilter import client_packages


def _module_level(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run at module scope, including those nested in if/try/with/for/while/match."""
    for statement in body:
        yield statement
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for name in ("body", "orelse", "finalbody"):
            yield from _module_level(getattr(statement, name, ()))
        for handler in getattr(statement, "handlers", ()):
            yield from _module_level(handler.body)
        for case in getattr(statement, "cases", ()):
            yield from _module_level(case.body)


def _looks_like_handler(function: ast.FunctionDef | ast.AsyncFunctionDef, handler_names: Sequence[str]) -> bool:
    # analysis.handlers.looks_like_handler, on the stdlib tree (module-level functions only here).
    positional = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)[:2]]
    return handler_shaped(function.name, positional, handler_names)


def _imported_modules(statement: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            yield alias.name
        return
    module = "." * statement.level + (statement.module or "")
    yield module
    separator = "" if module.endswith(".") else "."
    for alias in statement.names:
        yield module + separator + alias.name


@functools.lru_cache(maxsize=1)
def stdlib_tree(source: bytes | str) -> ast.Module | None:
    """The stdlib parser's tree, or None when it cannot read the source (newer syntax, errors).
    The last one is kept: in one process the runner's prescreen and the analysis of the same file
    ask for it in turn (a bytes object keeps its hash, so the lookup costs nothing). Read-only."""
    # The user's code may warn (invalid escapes: a SyntaxWarning shown by default since 3.12,
    # printed as "<unknown>:2: ..."): not ours to print; the fixer's compile is silenced alike.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def needs_full_analysis(
    tree: ast.Module | None,
    library: bool,
    config: Config,
    declared: Sequence[str],
    heavy: HeavyModules,
    warm: bool = False,
    local_file: Path | None = None,
    layer_roots: tuple[LayerRoot, ...] = (),
) -> bool:
    """The stdlib-parser test: a handler (or shared code) and a heavy or SDK import at module scope
    (anywhere, when handlers may run with SnapStart: LIL102 looks inside functions), or, given the
    file's path (LIL004 on), a module-scope import of a local module (or of a module of the
    function's layers, ``layer_roots``) that imports one."""
    if tree is None:
        return True  # let LibCST decide, and report, what the stdlib parser cannot read
    statements = list(_module_level(tree.body))
    if not (library or declared):
        functions = (s for s in statements if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)))
        if not any(_looks_like_handler(function, config.handler_names) for function in functions):
            return False
    clients = client_packages()
    if warm or config.snapstart:
        statements = list(ast.walk(tree))  # type: ignore[arg-type]
    for statement in statements:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            for module in _imported_modules(statement):
                if heavy.is_heavy(module) or module.split(".")[0] in clients:
                    return True
    return local_file is not None and _imports_heavy_locally(tree, local_file, config, heavy, layer_roots)


def module_functions(source: bytes) -> frozenset[str] | None:
    """The names of the module-level functions (None when the stdlib parser cannot read it)."""
    tree = stdlib_tree(source)
    if tree is None:
        return None
    return frozenset(
        s.name for s in _module_level(tree.body) if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
    )


def defines_handler(source: bytes, handler_names: Sequence[str]) -> bool:
    """Whether a module defines a handler by the heuristic (a module-level function named like
    one, or taking ``(event, context)``), on the stdlib tree. For files the prefilters settled
    without saying whether they had a handler; source the stdlib parser cannot read counts as
    one (the byte scan already said it may have one)."""
    tree = stdlib_tree(source)
    if tree is None:
        return True
    functions = (s for s in _module_level(tree.body) if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return any(_looks_like_handler(function, handler_names) for function in functions)


def _imports_heavy_locally(
    tree: ast.Module, file: Path, config: Config, heavy: HeavyModules, layer_roots: tuple[LayerRoot, ...] = ()
) -> bool:
    from lambda_import_lint.analysis.local_modules import chain_through, search_roots

    roots = search_roots(file, config.root, layer_roots)
    for statement in _module_level(tree.body):
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            level = statement.level if isinstance(statement, ast.ImportFrom) else 0
            for module in _imported_modules(statement):
                link = chain_through(module.lstrip("."), level, file, roots, heavy, config.root, layer_roots)
                if link is not None and link.names:
                    return True
    return False


def first_lines(tree: ast.Module) -> list[int]:
    """The first line of each top-level statement as LibCST groups them (``a; b`` is one), the
    decorators included. Lets findings be positioned without generating code."""
    lines: list[int] = []
    previous_line = -1
    for statement in tree.body:
        decorators = getattr(statement, "decorator_list", ())
        line = min([statement.lineno, *(decorator.lineno for decorator in decorators)])
        if isinstance(statement, _SIMPLE) and line == previous_line and lines:
            continue  # another small statement on the same line: `import a; import b`
        lines.append(line)
        previous_line = statement.end_lineno or line if isinstance(statement, _SIMPLE) else -1
    return lines


_SIMPLE = (
    ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Import, ast.ImportFrom, ast.Pass, ast.Delete,
    ast.Global, ast.Nonlocal, ast.Return, ast.Raise, ast.Assert, ast.Break, ast.Continue,
)

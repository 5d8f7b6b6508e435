"""The second cheap test, for files that pass the byte scan (``prefilter.py``): the stdlib parser.

A file with no handler (by the same heuristic as ``discovery/handlers.py``), or no heavy or SDK import
at module scope, cannot matter. Nor can a handler module whose every heavy or SDK import is plainly
used by module-level code and builds no client inside a function (``_nothing_to_report``: the common
``import boto3`` / ``s3 = boto3.client("s3")`` module), nor one nobody waits on whose heavy imports are
all read by code (``nobody_waits``: a queue's worker building its clients per run). ``ast.parse`` costs
about a tenth of LibCST's parse. Anything unclear (a syntax ``ast`` does not know yet) goes on to
LibCST. ``first_lines`` also gives the rules statement positions without LibCST's position pass.
"""

from __future__ import annotations

import ast
import functools
import warnings
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from lambda_import_lint.catalogue import HeavyModules, load_catalogue
from lambda_import_lint.config import Config
from lambda_import_lint.discovery.declarations import LayerRoot
from lambda_import_lint.discovery.handlers import (
    ASGI_ADAPTER,
    ASGI_APP,
    ASGI_ROUTER,
    CHALICE,
    Signature,
    adds_routes,
    framework_object,
    handler_shaped,
    is_route,
    registers_entry,
    route_owners,
)
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
    arguments = function.args
    positional = (*arguments.posonlyargs, *arguments.args)
    signature = Signature(
        tuple(argument.arg for argument in positional),
        len(positional) - len(arguments.defaults),
        arguments.vararg is not None,
        any(default is None for default in arguments.kw_defaults),
        bool(function.decorator_list),
    )
    return handler_shaped(function.name, signature, handler_names)


def _dotted(expression: ast.expr) -> str | None:
    if isinstance(expression, ast.Name):
        return expression.id
    if isinstance(expression, ast.Attribute):
        base = _dotted(expression.value)
        return None if base is None else f"{base}.{expression.attr}"
    return None


def registered_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """``analysis.resolve._framework_entries`` on the stdlib tree: the module-level functions a
    framework object bound at module level registers for Lambda to call (a Chalice app's or
    blueprint's, the routes of an ASGI app behind a Mangum adapter no function of the module calls)."""
    objects = _framework_objects(tree)
    if not objects:
        return []
    registered: dict[str, list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, bool]]] = {}
    for function in _module_level(tree.body):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in function.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if not isinstance(target, ast.Attribute) or not isinstance(target.value, ast.Name):
                continue
            made = objects.get(target.value.id)
            if made is not None and registers_entry(made[0], target.attr):
                registered.setdefault(target.value.id, []).append((function, is_route(made[0], target.attr)))
                break
    found = [
        function for name, (kind, _) in objects.items() if kind == CHALICE for function, _ in registered.get(name, ())
    ]
    called = {
        node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    for name, (kind, call) in objects.items():
        app = _served_app(call, objects) if kind == ASGI_ADAPTER and name not in called else None
        if app is not None:
            found.extend(_asgi_routes(app, objects, registered, tree))
    return list(dict.fromkeys(found))


def _framework_objects(tree: ast.Module) -> dict[str, tuple[str, ast.Call]]:
    """``analysis.resolve._framework_objects`` on the stdlib tree."""
    imported = {
        name: qualified
        for statement in _module_level(tree.body) if isinstance(statement, (ast.Import, ast.ImportFrom))
        for name, _, qualified in _bindings(statement)
    }
    objects: dict[str, tuple[str, ast.Call]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign):
            target, value = statement.target, statement.value  # type: ignore[assignment]
        else:
            continue
        if isinstance(target, ast.Name) and isinstance(value, ast.Call):
            callee = _dotted(value.func)
            kind = framework_object(callee, imported) if callee is not None else None
            if kind is not None:
                objects[target.id] = (kind, value)
    return objects


def _served_app(adapter: ast.Call, objects: dict[str, tuple[str, ast.Call]]) -> str | None:
    """``analysis.resolve._served_app`` on the stdlib tree."""
    arguments: list[tuple[str | None, ast.expr]] = [(None, argument) for argument in adapter.args]
    arguments += [(keyword.arg, keyword.value) for keyword in adapter.keywords]
    for keyword, value in arguments:
        if keyword in (None, "app"):
            if isinstance(value, ast.Name) and objects.get(value.id, ("",))[0] == ASGI_APP:
                return value.id
            return None
    return None


def _asgi_routes(
    app: str,
    objects: dict[str, tuple[str, ast.Call]],
    registered: dict[str, list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, bool]]],
    tree: ast.Module,
) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """``analysis.resolve._asgi_routes`` on the stdlib tree (the routes only)."""
    additions = [
        (
            node.func.value.id,
            node.func.attr,
            node.args[0].id if node.args and isinstance(node.args[0], ast.Name) else None,
        )
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name) and adds_routes(node.func.attr)
    ]
    routers = {name for name, (kind, _) in objects.items() if kind == ASGI_ROUTER}
    owners, _ = route_owners(app, additions, routers)
    return [function for owner in owners for function, route in registered.get(owner, ()) if route]


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


def nobody_waits(source: bytes | str, library: bool, config: Config, busy: Iterable[str]) -> bool:
    """``needs_full_analysis``'s ``unawaited``, as ``engine.check`` decides what ``assess`` is told:
    no declared handler of the file has a caller that waits (``busy``), its code reads no HTTP
    request (``analysis.handlers.awaited``), and nothing asks for every handler's findings anyway
    (shared code, ``lint-rare-handlers``, ``--defer all``)."""
    from lambda_import_lint.analysis.handlers import awaited

    if library or config.lint_rare_handlers or config.defer == "all" or any(True for _ in busy):
        return False
    return not awaited(source)


def _never() -> bool:
    return False


def needs_full_analysis(
    tree: ast.Module | None,
    library: bool,
    config: Config,
    declared: Sequence[str],
    heavy: HeavyModules,
    warm: bool = False,
    local_file: Path | None = None,
    layer_roots: tuple[LayerRoot, ...] = (),
    path: str | None = None,
    undeployed: bool = False,
    unawaited: Callable[[], bool] | None = None,
) -> bool:
    """The stdlib-parser test: a handler (or shared code) and a heavy or SDK import at module scope
    (anywhere, when handlers may run with SnapStart: LIL102 looks inside functions) that some rule
    could report on (given the file's ``path``, a handler module whose heavy and SDK imports are all
    pinned and build no client inside a function cannot be reported on: ``_nothing_to_report``), or,
    given the file's path (LIL004 on), a module-scope import of a local module (or of a module of the
    function's layers, ``layer_roots``) that imports one. ``unawaited``: asks (once, and only when
    the answer matters: a search of the module's text) whether nobody is shown to wait on the
    module's handlers and nothing asks for their findings anyway (``nobody_waits``): then no client
    (LIL101), no move (LIL001) and no chain (LIL004) is reported, only unused and annotation-only
    imports."""
    asked = functools.cache(unawaited) if unawaited is not None else _never
    if tree is None:
        return True  # let LibCST decide, and report, what the stdlib parser cannot read
    statements = list(_module_level(tree.body))
    if not (library or declared) and undeployed:
        return False  # an undeployed sibling of declared functions has no handlers
    if not (library or declared):
        functions = (s for s in statements if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)))
        if not any(_looks_like_handler(function, config.handler_names) for function in functions):
            if not registered_functions(tree):
                return False
    clients = client_packages()
    whole_tree = bool(warm or config.snapstart)
    if whole_tree:
        statements = list(ast.walk(tree))  # type: ignore[arg-type]
    for statement in statements:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            for module in _imported_modules(statement):
                if heavy.is_heavy(module) or module.split(".")[0] in clients:
                    if path is None or library or whole_tree:
                        return True
                    if not _nothing_to_report(tree, path, config, declared, heavy, clients, asked):
                        return True
                    return local_file is not None and not asked() and _imports_heavy_locally(
                        tree, local_file, config, heavy, layer_roots
                    )
    # (Asked even where nobody waits: the run's summary counts on the parse of a module whose
    # handlers the analysis may not take for handlers, in an `examples/` folder say.)
    return local_file is not None and _imports_heavy_locally(tree, local_file, config, heavy, layer_roots)


def module_entries(source: bytes) -> frozenset[str] | None:
    """The names a declaration can give Lambda in this module: its module-level functions and the
    other names it binds at module level (a framework object Lambda calls, ``handler =
    Mangum(app)``; a handler imported from elsewhere, ``from app.main import handler``), whose
    declarations are no typo; None when the stdlib parser cannot read it."""
    tree = stdlib_tree(source)
    if tree is None:
        return None
    names: set[str] = set()
    for statement in _module_level(tree.body):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            names.update(name for name, _, _ in _bindings(statement))
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names.update(target.id for target in targets if isinstance(target, ast.Name))
    return frozenset(names)


def not_defined(source: bytes | str, names: Iterable[str]) -> list[str]:
    """The names (declared handlers the analysis did not list) that the module does not define
    (``module_entries``); none when the stdlib parser cannot read it."""
    defined = module_entries(source.encode() if isinstance(source, str) else source)
    return [] if defined is None else [name for name in names if name not in defined]


def defines_handler(source: bytes, handler_names: Sequence[str]) -> bool:
    """Whether a module defines a handler by the heuristic (a module-level function named like
    one, or taking ``(event, context)``), on the stdlib tree. For files the prefilters settled
    without saying whether they had a handler; source the stdlib parser cannot read counts as
    one (the byte scan already said it may have one)."""
    tree = stdlib_tree(source)
    if tree is None:
        return True
    functions = (s for s in _module_level(tree.body) if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return any(_looks_like_handler(function, handler_names) for function in functions) or bool(
        registered_functions(tree)
    )


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


# The tighter screen: a handler module with heavy or SDK imports that no rule can report on. Each
# test below mirrors what the full analysis decides, conservatively (when unsure: not settled):
# ``judgement/assessment.py`` gives a heavy import a reportable status (LIL001, LIL002, LIL003) only
# when no module-level code uses its name (``_first_status``: such a use pins it, and a pinned
# import stays pinned), and LIL101 reports only calls of a client factory (``client_factories``),
# through a module-scope import, made inside a function (``_client_sites``). LIL004's chains are the
# caller's (``_imports_heavy_locally``), LIL102's warm handlers never come here.


def _nothing_to_report(
    tree: ast.Module,
    path: str,
    config: Config,
    declared: Sequence[str],
    heavy: HeavyModules,
    clients: set[str],
    unawaited: Callable[[], bool] = _never,
) -> bool:
    """Whether no rule can report on this module: every heavy or SDK import at module scope is
    bound once, its name used by code that runs at module scope whenever the module is imported
    (not under ``if``, a loop, ``except``, a lambda, a comprehension or an annotation), and no
    client factory is called through one inside a function or class. In a module nobody waits on
    (``unawaited``), where only unused and annotation-only imports are reported, a heavy import
    read by code anywhere will do (``_read_by_code``), as long as no branch can fold away (a test of
    a module-level constant: ``_may_fold``), and clients do not matter. The module's handlers, as
    the analysis would resolve them, must also be those the run asks the stdlib parser about when
    a file was not analysed (``batch.runner.checked_handler_module``, ``missing_handlers``).
    The cheap tests come first: most modules that need the analysis fail one of them."""
    watched: list[tuple[str, str, bool]] = []  # (bound name, qualified name, SDK client package)
    loose: set[str] = set()  # heavy, not pinned, in a module nobody waits on: must be read by code
    pinned: set[str] | None = None
    for statement in _module_level(tree.body):
        if not isinstance(statement, (ast.Import, ast.ImportFrom)):
            continue
        for name, module, qualified in _bindings(statement):
            if name == "*":
                return False  # binds names nobody can list
            roots = {qualified.split(".")[0], module.split(".")[0]}
            client = bool(roots & clients) and not module.startswith(".")
            is_heavy = heavy.is_heavy(module) or heavy.is_heavy(qualified)
            if not (client or is_heavy):
                continue
            if pinned is None:
                pinned = _used_at_import(tree.body)
            if is_heavy and name not in pinned:
                if not loose and not unawaited():
                    return False  # may be unused, annotation-only or deferrable: LIL001-LIL003
                loose.add(name)
            watched.append((name, qualified, client))
    if not _handlers_agree(tree, path, config, declared):
        return False
    bound, called = _scan(tree, {name for name, _, _ in watched})
    if any(bound.get(name, 0) != 1 for name, _, _ in watched):
        return False  # rebound (or bound in a function too): the analysis judges it apart
    if loose and (_may_fold(tree) or not loose <= _read_by_code(tree, loose)):
        return False  # may be unused or annotation-only: LIL002, LIL003
    if loose:
        return True  # nobody waits (asked above): its clients are not reported
    factories = load_catalogue().client_factories
    builds = any(
        ".".join((qualified, *attributes)) in factories  # a client built per invocation: LIL101
        for name, qualified, client in watched
        if client
        for attributes in called.get(name, ())
    )
    return not builds or unawaited()  # where nobody waits, its clients are not reported


def _read_by_code(tree: ast.Module, names: set[str]) -> set[str]:
    """Which of ``names`` some code reads, anywhere: not an annotation (of a parameter, a return or
    a variable), nor anything under an ``if TYPE_CHECKING:``. (Each is bound once in the module,
    so every read is of the import.)"""
    found: set[str] = set()
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name):
            if node.id in names and isinstance(node.ctx, ast.Load):
                found.add(node.id)
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            pending.extend(node.decorator_list)
            pending.append(node.args)  # its defaults: not the annotations (``ast.arguments`` below)
            pending.extend(node.body)
            continue
        if isinstance(node, ast.AnnAssign):
            pending.append(node.target)
            if node.value is not None:
                pending.append(node.value)
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.arguments):
            pending.extend(node.defaults)
            pending.extend(default for default in node.kw_defaults if default is not None)
            continue
        pending.extend(ast.iter_child_nodes(node))
    return found


def _may_fold(tree: ast.Module) -> bool:
    """Whether some ``if`` tests a module-level name bound to a literal (``DEBUG = False`` … ``if
    DEBUG:``): the analysis drops what its dead side reads (``analysis.resolve``'s folding), which
    may leave an import unused."""
    constants = {
        target.id
        for statement in tree.body
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }
    if not constants:
        return False
    for node in ast.walk(tree):
        if isinstance(node, (ast.If, ast.IfExp, ast.While)):
            test = node.test
            while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                test = test.operand
            if isinstance(test, ast.Name) and test.id in constants:
                return True
    return False


def _handlers_agree(tree: ast.Module, path: str, config: Config, declared: Sequence[str]) -> bool:
    """Whether the handlers the analysis would find (``analysis.handlers.resolve_handlers``) give
    the run's summaries what the stdlib parser gives them for a file it settled: every declared
    function the module defines is a def of its body, and, with none declared, a handler-shaped
    def of its body is a handler (not in tests or docs, not a draft or a copy of another file)."""
    top = {s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    functions = [s for s in _module_level(tree.body) if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if declared:
        return all(name in top for name in declared if any(f.name == name for f in functions))
    shaped = [function for function in functions if _looks_like_handler(function, config.handler_names)]
    shaped.extend(function for function in registered_functions(tree) if function not in shaped)
    if not shaped or any(function.name not in top for function in shaped):
        return False
    from lambda_import_lint.analysis.handlers import is_a_copy
    from lambda_import_lint.discovery.files import is_test_or_docs, is_unimportable

    if is_test_or_docs(path, config.root) or is_unimportable(path):
        return False
    return not is_a_copy(path, {function.name for function in shaped})


def _bindings(statement: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str, str]]:
    """(bound name, module, qualified name) per alias, as ``analysis/walk_imports.py`` records them."""
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            if alias.asname is not None:
                yield alias.asname, alias.name, alias.name
            else:
                root = alias.name.split(".")[0]
                yield root, alias.name, root
        return
    module = "." * statement.level + (statement.module or "")
    separator = "" if module.endswith(".") else "."
    for alias in statement.names:
        if alias.name == "*":
            yield "*", module, module + ".*"
        else:
            yield alias.asname or alias.name, module, module + separator + alias.name


def _used_at_import(body: Sequence[ast.stmt]) -> set[str]:
    """Names read by code that runs at module scope every time the module is imported: module-level
    expression statements and assigned values, ``with`` items, ``try`` bodies, decorators,
    defaults and class bases; nothing under ``if``, a loop, ``match``, ``except``, a lambda, a
    comprehension, either side of a conditional expression or an annotation."""
    found: set[str] = set()
    for expression in _import_time_expressions(body):
        _names_read(expression, found)
    return found


def _import_time_expressions(body: Sequence[ast.stmt]) -> Iterator[ast.expr]:
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from statement.decorator_list
            yield from statement.args.defaults
            yield from (default for default in statement.args.kw_defaults if default is not None)
        elif isinstance(statement, ast.ClassDef):
            yield from statement.decorator_list
            yield from statement.bases
            yield from (keyword.value for keyword in statement.keywords)
        elif isinstance(statement, (ast.Expr, ast.Assign, ast.AugAssign)):
            yield statement.value
        elif isinstance(statement, ast.AnnAssign):
            if statement.value is not None:
                yield statement.value
        elif isinstance(statement, ast.With):
            yield from (item.context_expr for item in statement.items)
            yield from _import_time_expressions(statement.body)
        elif isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
            yield from _import_time_expressions(getattr(statement, "body", ()))
            yield from _import_time_expressions(getattr(statement, "finalbody", ()))


def _names_read(expression: ast.expr, found: set[str]) -> None:
    if isinstance(expression, ast.Name):
        if isinstance(expression.ctx, ast.Load):
            found.add(expression.id)
        return
    if isinstance(expression, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return  # runs later, or in a scope of its own
    if isinstance(expression, ast.IfExp):
        _names_read(expression.test, found)
        return
    if isinstance(expression, ast.BoolOp):
        _names_read(expression.values[0], found)
        return
    for child in ast.iter_child_nodes(expression):
        if isinstance(child, ast.expr):
            _names_read(child, found)
        elif isinstance(child, ast.keyword):
            _names_read(child.value, found)
        elif isinstance(child, ast.comprehension):  # not reached: comprehensions are skipped above
            continue


def _scan(tree: ast.Module, names: set[str]) -> tuple[dict[str, int], dict[str, set[tuple[str, ...]]]]:
    """One walk of the module, for ``names`` only: how many times each is bound anywhere, in any
    scope (assignment and deletion targets, imports, definitions, parameters, ``except ... as``,
    ``global``, ``nonlocal``, ``match`` captures, type parameters), and the calls rooted at each
    inside a function, a lambda or a class body, as the attribute paths called on it (how
    ``analysis/walk_expressions.py`` records a call: a name, or attributes over a name)."""
    bound: dict[str, int] = {}
    called: dict[str, set[tuple[str, ...]]] = {}

    def bind(name: str | None) -> None:
        if name in names:
            bound[name] = bound.get(name, 0) + 1

    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, inside = stack.pop()
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                bind(node.id)
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            if not isinstance(node, ast.Lambda):
                bind(node.name)
            # Decorators, defaults and bases run where the definition is; the body, later.
            body = [node.body] if isinstance(node, ast.Lambda) else node.body
            stack.extend((child, True) for child in body)
            stack.extend((child, inside) for child in ast.iter_child_nodes(node) if child not in body)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for name, _, _ in _bindings(node):
                bind(name)
        elif isinstance(node, ast.arg):
            bind(node.arg)
        elif isinstance(node, ast.ExceptHandler):
            bind(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                bind(name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)):
            bind(node.name)
        elif isinstance(node, ast.MatchMapping):
            bind(node.rest)
        elif type(node).__name__ in ("TypeVar", "ParamSpec", "TypeVarTuple"):  # 3.12's type parameters
            bind(getattr(node, "name", None))
        elif inside and isinstance(node, ast.Call):
            attributes: list[str] = []
            func = node.func
            while isinstance(func, ast.Attribute):
                attributes.append(func.attr)
                func = func.value
            if isinstance(func, ast.Name) and func.id in names:
                called.setdefault(func.id, set()).add(tuple(reversed(attributes)))
        stack.extend((child, inside) for child in ast.iter_child_nodes(node))
    return bound, called

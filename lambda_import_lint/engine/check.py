"""The engine for one file: bytes and a ``Request`` in, a ``FileResult`` out. Never raises on input.

Flow: byte prefilter → stdlib prescreen → LibCST parse → facts → handlers → judgement → rules →
``# noqa``. Each step is another stage's; this module only orders them and turns failures into
``FileResult.error``. Applying fixes is the ``fixes`` stage's, which calls ``analyse`` itself.
"""

from __future__ import annotations

import contextlib
import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping

from lambda_import_lint.analysis.prefilter import could_matter
from lambda_import_lint.discovery.files import is_library_file
from lambda_import_lint.discovery.handlers import could_have_handler
from lambda_import_lint.discovery.sources import as_bytes, undecodable
from lambda_import_lint.engine.request import Request
from lambda_import_lint.engine.results import SYNTAX_ERROR, Analysis, FileResult

if TYPE_CHECKING:
    import ast

    import libcst as cst

    from lambda_import_lint.analysis.external_references import Reference
    from lambda_import_lint.analysis.local_modules import HeavyLink
    from lambda_import_lint.analysis.records import FunctionInfo, ModuleFacts
    from lambda_import_lint.catalogue import HeavyModules
    from lambda_import_lint.config import Config
    from lambda_import_lint.judgement.assessment import Assessment


_IMPORT_RULES = frozenset({"LIL001", "LIL002", "LIL003", "LIL004"})


def check_source(source: bytes | str, request: Request) -> FileResult:
    """Lint one module (bytes as on disk, or text already decoded by flake8 or an editor)."""
    analysis = analyse(source, request)
    return analysis if isinstance(analysis, FileResult) else analysis.result


def analyse(source: bytes | str, request: Request) -> Analysis | FileResult:
    """Like ``check_source`` but keeps the tree and facts (for fixes and reports): a FileResult
    when the file was not parsed (the prefilters settled it, or it is unreadable)."""
    path, config = request.path, request.config
    library = bool(request.layer) or is_library_file(path, config)
    unreadable = undecodable(source)
    if unreadable is not None:
        return FileResult(path, error=unreadable)
    local = request.wants("LIL004")
    if not request.full and not could_matter(as_bytes(source), library, config, request.declared, local):
        return FileResult(path)
    from lambda_import_lint.analysis.prescreen import first_lines, needs_full_analysis, nobody_waits, stdlib_tree

    tree = stdlib_tree(source)
    local_file = Path(path) if local and path not in ("-", "") else None
    if not request.full and not needs_full_analysis(
        tree, library, config, request.declared, config.heavy, bool(request.warm), local_file, request.layer_roots,
        path, request.undeployed, lambda: nobody_waits(source, library, config, request.busy),
    ):
        return FileResult(path)
    with _cycle_collection_paused():
        module = parse(source, path)
        if isinstance(module, FileResult):
            return module
        try:
            lines = first_lines(tree) if tree is not None else None
            return _analyse_module(module, source, request, library, lines, tree)
        except RecursionError:
            return FileResult(path, error="too deeply nested to analyse")
        except Exception as error:  # a bug of ours: keep the run going, name the file
            return FileResult(
                path,
                error=f"internal error ({type(error).__name__}: {error}); please report this as a "
                "lambda-import-lint bug with the file attached",
            )


@contextlib.contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector off while one module is parsed and analysed, then one young-
    generation pass for what the analysis left in cycles. A LibCST tree is hundreds of thousands
    of objects that all stay alive until the analysis ends, so the collector's passes during it
    find next to nothing yet cost ~12% of the analysis (botocore, measured with ``gc.callbacks``;
    pausing saved a median 7% of CPU time in 6 alternating runs). The previous state is restored,
    so callers (the flake8 plugin's host process too) see no change."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)


def parse(source: bytes | str, path: str) -> cst.Module | FileResult:
    """LibCST's tree; callers check ``undecodable`` first (binary files, bad encodings)."""
    import libcst as cst

    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        return FileResult(path, error=_syntax_error(error, source))
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        return FileResult(path, error=f"cannot decode: {error}")
    except RecursionError:
        return FileResult(path, error="too deeply nested to parse")
    except Exception as error:
        return FileResult(path, error=f"cannot parse: {type(error).__name__}: {error}")


_POSITIONED = re.compile(r"^(?:parser error: )?error at (\d+):(\d+): ")


def _syntax_error(error: cst.ParserSyntaxError, source: bytes | str) -> str:
    """One position for a syntax error. LibCST's message may carry its own position ("parser
    error: error at 2:2: expected ..."; 0-based column, and nearer the fault than ``raw_line``),
    which would otherwise follow ours and disagree with it. LibCST places every tokenizer error
    ("unterminated string literal", "inconsistent mixing of tabs and spaces") at 1:1; the
    standard library's parser says where it is (:func:`_tokenizer_fault`)."""
    message = error.message
    positioned = _POSITIONED.match(message)
    if positioned is not None:
        line, column = int(positioned.group(1)), int(positioned.group(2)) + 1
        message = message[positioned.end():]
    else:
        line, column = error.raw_line, error.raw_column + 1
        if message.startswith("tokenizer error") and (line, column) == (1, 1):
            line, column = _tokenizer_fault(source) or (line, column)
    return f"{SYNTAX_ERROR}{line}:{column}: {message}"


def _tokenizer_fault(source: bytes | str) -> tuple[int, int] | None:
    """Where the standard library's parser finds the fault in ``source`` (parsed into a tree
    only, never compiled to code or run), or None when it finds none or gives no line."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():  # the file's own warnings (`"\d"`) are not ours to print
            warnings.simplefilter("ignore")
            ast.parse(source)
    except SyntaxError as fault:
        if fault.lineno is not None and fault.lineno > 0:
            return fault.lineno, max(fault.offset or 1, 1)
    except (ValueError, LookupError, RecursionError, MemoryError):
        pass
    return None


def _rarely_invoked(source: bytes | str, handlers: tuple[FunctionInfo, ...], request: Request) -> str | None:
    """What kind of handlers the module's are, if they run a handful of times: its code says so
    (a custom resource, a rotation function…: ``analysis.handlers.rarely_invoked``), or every one of
    them is declared so (a schedule of hours, an SSM Automation script)."""
    from lambda_import_lint.analysis.handlers import rarely_invoked

    kind = rarely_invoked(source, (handler.name for handler in handlers))
    if kind is None and _every_handler(handlers, request.rare):
        return "declared rarely invoked"
    return kind


def _every_handler(handlers: tuple[FunctionInfo, ...], declared: frozenset[str]) -> bool:
    """Whether the module has handlers and the declarations put every one of them in ``declared``
    (one of ``Request``'s sets of handler names: ``rare``, ``roomy``, ``unattended``)."""
    return bool(handlers) and all(handler.name in declared for handler in handlers)


def _awaited(source: bytes | str, handlers: tuple[FunctionInfo, ...], request: Request) -> bool:
    """Whether somebody waits on the module's handlers: a declaration gives one of them an event
    source whose caller waits (an API, a function URL: ``HandlerDeclaration.awaited``), or the code
    reads a request (``analysis.handlers.awaited``) and no declaration says nobody waits on every
    one of them (a WebSocket ``$disconnect`` route: ``HandlerDeclaration.unattended``)."""
    from lambda_import_lint.analysis.handlers import awaited

    if any(handler.name in request.busy for handler in handlers):
        return True
    return awaited(source) and not _every_handler(handlers, request.unattended)


def _clients_marginal(source: bytes | str, handlers: tuple[FunctionInfo, ...], request: Request) -> bool:
    """Whether building a client is a sliver of what the module's invocations cost: every handler
    is declared with a full vCPU, or the module waits (``waits``) or starts work that runs long
    after it (``hands_off``: a Step Functions execution, a Glue job…)."""
    from lambda_import_lint.analysis.handlers import hands_off, waits

    return _every_handler(handlers, request.roomy) or waits(source) or hands_off(source)


def _patched_factories(facts: ModuleFacts, request: Request, codes: frozenset[str]) -> frozenset[str]:
    """The client factories the module calls that the project's tests of it replace (LIL101: a
    client moved to module scope escapes the patch). Searched only when the module builds a
    client from constant arguments inside a function, because the project search reads files."""
    if "LIL101" not in codes:
        return frozenset()
    from lambda_import_lint.catalogue import load_catalogue

    client_factories = load_catalogue().client_factories
    factories = {
        site.qualified: site.binding.name
        for site in facts.import_calls
        if site.qualified in client_factories and site.constant_arguments
    }
    # Only a client built inside a function can be reported (the judgement's client sites): a
    # factory the module calls at module scope only needs no search.
    inside = {site.qualified for site in facts.import_calls if site.function is not None}
    factories = {qualified: name for qualified, name in factories.items() if qualified in inside}
    if not factories:
        return frozenset()
    from lambda_import_lint.analysis.external_references import patched_factories

    return patched_factories(request.path, factories, request.config)


def _analyse_module(
    module: cst.Module,
    source: bytes | str,
    request: Request,
    library: bool,
    statement_lines: list[int] | None = None,
    tree: ast.Module | None = None,
) -> Analysis:
    from lambda_import_lint.analysis.facts import collect_facts
    from lambda_import_lint.analysis.handlers import CUSTOM_RESOURCE, resolve_handlers, source_text
    from lambda_import_lint.analysis.local_modules import enclosing_package_loads, local_chains
    from lambda_import_lint.engine.suppression import without_noqa
    from lambda_import_lint.judgement.assessment import Status, assess
    from dataclasses import replace

    from lambda_import_lint.rules.base import Finding, RuleContext
    from lambda_import_lint.rules.registry import all_rules

    path, config = request.path, request.config
    facts = collect_facts(module, postponed_annotations=config.target_minor >= 14)
    handlers = () if library else resolve_handlers(
        facts, request.declared, config.handler_names, path, config.root, request.undeployed
    )
    handler_names = tuple(handler.qualname for handler in handlers)
    if not library and not handlers:
        return Analysis(module, facts, FileResult(path, parsed=True), handler_names)
    codes = request.selected_codes()
    if config.snapstart is not None:
        warm_handlers = frozenset(handlers) if config.snapstart else frozenset()
    else:
        warm_handlers = frozenset(handler for handler in handlers if handler.name in request.warm)
    # What local modules load is already paid (every import rule needs it); LIL004's chains start at
    # handler modules only: shared code's own imports are its own affair.
    chains = local_chains(facts, path, config, request.layer_roots) if codes & _IMPORT_RULES else {}
    enclosing: frozenset[str] = frozenset()
    text = source_text(source)  # once, for the searches of the module's text below
    if library:
        chains = {index: link._replace(names=()) for index, link in chains.items()}
        if codes & _IMPORT_RULES and path not in ("-", ""):
            enclosing = enclosing_package_loads(path, config, request.layer_roots)
    rare = None if library or config.lint_rare_handlers else _rarely_invoked(text, handlers, request)
    judge = functools.partial(
        assess,
        facts,
        _heavy_here(facts, chains, request, library),
        handlers,
        # A layer's modules are shared code, but nothing proves that some invocations of the
        # functions using them skip an import there (blind reviews: 1 of 10 such LIL001 worth it,
        # the others used on every invocation of their one consumer): their moves are reported
        # under `--defer all`, or when `library-paths` names them; unused imports always are.
        defer_all=is_library_file(path, config) or config.defer == "all",
        report_unproven=config.defer == "all",
        warm_handlers=warm_handlers,
        package_init=Path(path).name == "__init__.py",
        local_chains=chains,
        rarely_invoked=rare is not None,
        deploy_time=rare == CUSTOM_RESOURCE,
        awaited=config.lint_rare_handlers or _awaited(text, handlers, request),
        clients_marginal=_clients_marginal(text, handlers, request),
        patched_factories=_patched_factories(facts, request, codes) if not library and handlers else frozenset(),
    )
    assessment = judge(loaded_by_packages=enclosing)
    if library and path not in ("-", "") and any(
        j.status is Status.UNUSED or j.status is Status.ANNOTATION_ONLY for j in assessment.judgements
    ):
        # Shared code's unused import, or one only its annotations use, saves nothing if every
        # module importing it loads the same module anyway (round 47: `LambdaContext` in a helper
        # of a handler module importing it too): the project is searched only then (such heavy
        # imports are few; a search per shared module would cost a pass over the project per file).
        from lambda_import_lint.analysis.external_references import loaded_by_importers

        beside = loaded_by_importers(path, config, request.layer_roots)
        if beside - enclosing:
            assessment = judge(loaded_by_packages=enclosing | beside)
    if statement_lines is not None and len(statement_lines) != len(module.body):
        statement_lines = None  # the two parsers disagree on statements: count lines by codegen
    # Shared code is imported by modules we do not see: every move there is unsafe anyway (see
    # lil001), and searching the project once per import would cost a pass over it per file.
    # Shared code (layers, library paths, --all-modules) is not searched: every module there is an
    # entry point, and a search of the project per module costs a pass over it per file
    # (quadratic: 90 s for 200 files of botocore with `--heavy-modules '*'`).
    references = _references(tree, path, config, facts, assessment) if "LIL001" in codes and not library else {}
    context = RuleContext(path, facts, config, handlers, library, assessment, statement_lines, references)
    findings: list[Finding] = []
    for code in sorted(codes):
        findings.extend(all_rules()[code].check(context))
    if findings and request.noqa:
        findings = without_noqa(findings, _source_lines(source, module))
    findings.sort(key=Finding.sort_key)
    if findings and not library and not request.declared and path not in ("-", ""):
        # Handlers the heuristic found may be what another module's handler calls: then the module
        # is that function's shared code (searched only when there is something to report).
        from lambda_import_lint.analysis.external_references import imported_by_a_handler

        if imported_by_a_handler(path, config):
            return _analyse_module(module, source, request, True, statement_lines, tree)
    if request.layer:
        # Layer code is checked as shared code without any setting: say so where the finding shows.
        findings = [replace(finding, message=f"{finding.message} (layer `{request.layer}`)") for finding in findings]
    result = FileResult(path, tuple(findings), handlers=handler_names, parsed=True)
    return Analysis(module, facts, result, handler_names, assessment)


def _heavy_here(facts: ModuleFacts, chains: Mapping[int, HeavyLink], request: Request, library: bool) -> HeavyModules:
    """The heavy modules as this module's function installs them: the optional packages its
    requirements leave out make the imports that would load them cheaper (``analysis.requirements``).
    Read only where some import's figure depends on them; not for shared code, whose functions'
    requirements are theirs, nor where a layer or a container image may install anything."""
    heavy = request.config.heavy
    if library or request.packaged_elsewhere:
        return heavy
    modules = [binding.module for binding in facts.imports] + [
        name for link in chains.values() for name in (*link.names[-1:], *link.loads)
    ]
    if not any(heavy.priced_by_what_is_installed(module) for module in modules):
        return heavy
    from lambda_import_lint.analysis.requirements import packages_left_out

    return heavy._replace(absent=packages_left_out(request.path, request.config.project_folder))


def _references(
    tree: ast.Module | None, path: str, config: Config, facts: ModuleFacts, assessment: Assessment
) -> dict[int, tuple[Reference, ...]]:
    """What reaches each deferrable import's name through the module object, from this module or
    other files of the project: LIL001's fix safety. Searched only when a move is about to be
    offered (a deferrable import, no ``globals()``, a target before py315, whose ``lazy import``
    keeps the name bound), because the project search reads files."""
    from lambda_import_lint.judgement.assessment import Status

    if config.target_minor >= 15 or facts.dynamic_access:
        return {}
    names = {judgement.index: judgement.binding.name for judgement in assessment.with_status(Status.DEFERRABLE)}
    if not names:
        return {}
    from lambda_import_lint.analysis.external_references import outside_references, self_references

    own = self_references(tree, path, config) if tree is not None else ()
    found = outside_references(path, names, config)
    return {index: (*own, *found.get(index, ())) for index in names if own or index in found}


def handlers_in(source: bytes | str, request: Request) -> tuple[tuple[str, str], ...] | FileResult:
    """The handler functions of one module, each with the name a declaration gives Lambda for it
    (a framework object's, for what it runs; its own otherwise), or a FileResult when the module
    cannot be parsed."""
    if not request.declared and not could_have_handler(as_bytes(source), request.config.handler_names):
        return ()
    unreadable = undecodable(source)
    if unreadable is not None:
        return FileResult(request.path, error=unreadable)
    module = parse(source, request.path)
    if isinstance(module, FileResult):
        return module
    from lambda_import_lint.analysis.facts import collect_facts
    from lambda_import_lint.analysis.handlers import entries_of, resolve_handlers

    facts = collect_facts(module)
    found = resolve_handlers(facts, request.declared, request.config.handler_names, request.path, request.config.root)
    given = {function: name for name in reversed(request.declared) for function in entries_of(facts, name)}
    return tuple((handler.qualname, given.get(handler, handler.qualname)) for handler in found)


def _source_lines(source: bytes | str, module: cst.Module) -> list[str]:
    text = source if isinstance(source, str) else source.decode(module.encoding, errors="replace")
    return text.splitlines()


__all__ = ["Analysis", "FileResult", "Request", "analyse", "check_source", "handlers_in", "parse"]

"""The core: bytes (plus path and configuration) in, a ``FileResult`` out. Never raises on input.

Flow for one file: byte-level prefilter → LibCST parse → facts → handlers → assessment → rules →
``# noqa`` and per-file ignores. ``fixer`` applies the fixes of a result separately.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple, Sequence

from lambda_import_lint.config import Config
from lambda_import_lint.discovery.handlers import could_have_handler
from lambda_import_lint.prefilter import could_matter

if TYPE_CHECKING:
    import libcst as cst

    from lambda_import_lint.facts import ModuleFacts
    from lambda_import_lint.rules.assessment import Assessment
    from lambda_import_lint.rules.base import Finding

_NOQA = re.compile(
    r"#\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE
)


class FileResult(NamedTuple):
    path: str
    findings: tuple[Finding, ...] = ()
    error: str | None = None  # the file could not be read or parsed (exit status 2)
    handlers: tuple[str, ...] = ()
    parsed: bool = False  # False when the prefilter showed the file cannot matter

    @property
    def fixable(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.fix is not None)


class Analysis(NamedTuple):
    """A parsed module with what the rules found; the fixer needs the tree and the facts."""

    module: cst.Module
    facts: ModuleFacts
    result: FileResult
    handlers: tuple[str, ...] = ()
    assessment: Assessment | None = None  # None for a module with no handler


def is_library_file(path: str, config: Config) -> bool:
    if config.all_modules:
        return True
    return bool(config.library_paths) and _matches_any(path, config.library_paths, config.root)


def _matches_any(path: str, patterns: Iterable[str], root: Path) -> bool:
    candidate = Path(path)
    try:
        relative = Path(os.path.realpath(candidate)).relative_to(root).as_posix()
    except (ValueError, OSError):
        relative = candidate.as_posix()
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if (
            fnmatch.fnmatchcase(relative, pattern)
            or fnmatch.fnmatchcase(relative, pattern + "/*")
            or relative.startswith(pattern + "/")
            or fnmatch.fnmatchcase(candidate.name, pattern)
        ):
            return True
    return False


def check_source(
    source: bytes | str,
    path: str,
    config: Config,
    declared: Sequence[str] = (),
    codes: frozenset[str] | None = None,
    noqa: bool = True,
    with_edits: bool = False,
    warm: frozenset[str] = frozenset(),
) -> FileResult:
    """Lint one module (bytes as on disk, or already decoded text). ``declared``: handler functions
    known from config or deployment files. ``codes``: the selected rules (default: from the config).
    ``noqa``: honour ``# noqa`` comments (flake8 does that itself). ``with_edits``: attach the text
    edits of each fix (SARIF). ``warm``: declared handlers with SnapStart or provisioned
    concurrency (INIT is free for them: the advice inverts)."""
    analysis = analyse(source, path, config, declared, codes, noqa, warm)
    if isinstance(analysis, FileResult):
        return analysis
    if with_edits and analysis.result.fixable:
        return _with_edits(analysis)
    return analysis.result


def _with_edits(analysis: Analysis) -> FileResult:
    import dataclasses

    from lambda_import_lint.fixer import fix_edits

    findings = []
    for finding in analysis.result.findings:
        if finding.fix is not None:
            try:
                edits = fix_edits(analysis.facts, finding.fix)
            except Exception:  # an edit we cannot show is left out, never the finding
                edits = ()
            finding = dataclasses.replace(finding, fix=dataclasses.replace(finding.fix, edits=edits))
        findings.append(finding)
    return analysis.result._replace(findings=tuple(findings))


def analyse(
    source: bytes | str,
    path: str,
    config: Config,
    declared: Sequence[str] = (),
    codes: frozenset[str] | None = None,
    noqa: bool = True,
    warm: frozenset[str] = frozenset(),
    full: bool = False,
) -> Analysis | FileResult:
    """Like ``check_source`` but keeps the tree and facts (for fixes and reports). ``full``: skip
    the prefilters (a report lists every handler, heavy imports or not)."""
    library = is_library_file(path, config)
    raw = _as_bytes(source)
    unreadable = undecodable(source)
    if unreadable is not None:
        return FileResult(path, error=unreadable)
    local = _local_imports_matter(codes, config)
    if not full and not could_matter(raw, library, config, declared, local):
        return FileResult(path)
    from lambda_import_lint.prescreen import first_lines, needs_full_analysis, stdlib_tree

    tree = stdlib_tree(source)
    local_file = Path(path) if local and path not in ("-", "") else None
    if not full and not needs_full_analysis(tree, library, config, declared, config.heavy, bool(warm), local_file):
        return FileResult(path)
    with _cycle_collection_paused():
        module = parse(source, path)
        if isinstance(module, FileResult):
            return module
        try:
            lines = first_lines(tree) if tree is not None else None
            return _analyse_module(module, source, path, config, library, declared, codes, noqa, lines, warm)
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


def _as_bytes(source: bytes | str) -> bytes:
    """The bytes the byte-level scans read (text from flake8 or an editor is encoded back)."""
    return source.encode("utf-8", errors="surrogateescape") if isinstance(source, str) else source


def undecodable(source: bytes | str) -> str | None:
    """Why a file is not Python text at all (checked for every file, parsed or not)."""
    if isinstance(source, str):
        return "binary file (contains NUL bytes), not Python source" if "\x00" in source else None
    if b"\x00" in source:
        return "binary file (contains NUL bytes), not Python source"
    if _utf8_cookie_or_none(source) and not source.startswith(b"\xef\xbb\xbf"):
        try:
            source.decode("utf-8")  # the common case, at C speed
            return None
        except UnicodeDecodeError:
            pass
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        source.decode(encoding)
    except (SyntaxError, LookupError) as error:
        return f"cannot decode: {error}"
    except UnicodeDecodeError as error:
        return f"cannot decode as {error.encoding}: invalid byte at offset {error.start}"
    return None


_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)


def _utf8_cookie_or_none(source: bytes) -> bool:
    """Whether every PEP 263 coding declaration in the first two lines says UTF-8 (or there is
    none): then the file is UTF-8 whichever one ``tokenize`` would pick."""
    if b"coding" not in source[:400]:
        return True
    head = b"\n".join(source.split(b"\n", 2)[:2])
    names = (match.group(1).lower().replace(b"_", b"-") for match in _COOKIE.finditer(head))
    return all(name in (b"utf-8", b"utf8") or name.startswith(b"utf-8-") for name in names)


def _local_imports_matter(codes: frozenset[str] | None, config: Config) -> bool:
    from lambda_import_lint.rules.registry import selected_codes

    return "LIL004" in (codes if codes is not None else selected_codes(config.select, config.ignore))


def parse(source: bytes | str, path: str) -> cst.Module | FileResult:
    """LibCST's tree; callers check ``undecodable`` first (binary files, bad encodings)."""
    import libcst as cst

    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        return FileResult(path, error=_syntax_error(error))
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        return FileResult(path, error=f"cannot decode: {error}")
    except RecursionError:
        return FileResult(path, error="too deeply nested to parse")
    except Exception as error:
        return FileResult(path, error=f"cannot parse: {type(error).__name__}: {error}")


_POSITIONED = re.compile(r"^(?:parser error: )?error at (\d+):(\d+): ")


def _syntax_error(error: cst.ParserSyntaxError) -> str:
    """One position for a syntax error. LibCST's message may carry its own position ("parser
    error: error at 2:2: expected ..."; 0-based column, and nearer the fault than ``raw_line``),
    which would otherwise follow ours and disagree with it."""
    message = error.message
    positioned = _POSITIONED.match(message)
    if positioned is not None:
        line, column = int(positioned.group(1)), int(positioned.group(2)) + 1
        message = message[positioned.end():]
    else:
        line, column = error.raw_line, error.raw_column + 1
    return f"syntax error at {line}:{column}: {message}"


def _analyse_module(
    module: cst.Module,
    source: bytes | str,
    path: str,
    config: Config,
    library: bool,
    declared: Sequence[str],
    codes: frozenset[str] | None,
    noqa: bool,
    statement_lines: list[int] | None = None,
    warm: frozenset[str] = frozenset(),
) -> Analysis:
    from lambda_import_lint.discovery.handlers import resolve_handlers
    from lambda_import_lint.facts import collect_facts
    from lambda_import_lint.rules.base import Finding, RuleContext
    from lambda_import_lint.rules.registry import all_rules, selected_codes
    from lambda_import_lint.rules.assessment import assess

    facts = collect_facts(module, postponed_annotations=config.target_minor >= 14)
    handlers = () if library else resolve_handlers(facts, declared, config.handler_names)
    handler_names = tuple(handler.qualname for handler in handlers)
    if not library and not handlers:
        return Analysis(module, facts, FileResult(path, parsed=True), handler_names)
    if codes is None:
        codes = selected_codes(config.select, config.ignore)
    codes = codes - _per_file_ignored(path, config)
    if config.snapstart is not None:
        warm_handlers = frozenset(handlers) if config.snapstart else frozenset()
    else:
        warm_handlers = frozenset(handler for handler in handlers if handler.name in warm)
    assessment = assess(
        facts, config.heavy, handlers, defer_all=library or config.defer == "all", warm_handlers=warm_handlers
    )
    if statement_lines is not None and len(statement_lines) != len(module.body):
        statement_lines = None  # the two parsers disagree on statements: count lines by codegen
    chains = _local_chains(facts, path, config) if "LIL004" in codes else {}
    context = RuleContext(path, facts, config, handlers, library, assessment, statement_lines, chains)
    findings: list[Finding] = []
    for code in sorted(codes):
        findings.extend(all_rules()[code].check(context))
    if findings and noqa:
        findings = _without_noqa(findings, _source_lines(source, module))
    findings.sort(key=Finding.sort_key)
    result = FileResult(path, tuple(findings), handlers=handler_names, parsed=True)
    return Analysis(module, facts, result, handler_names, assessment)


def handlers_in(
    source: bytes | str, path: str, config: Config, declared: Sequence[str] = ()
) -> tuple[str, ...] | FileResult:
    """The handler functions of one module (a FileResult when it cannot be parsed)."""
    raw = _as_bytes(source)
    if not declared and not could_have_handler(raw, config.handler_names):
        return ()
    unreadable = undecodable(source)
    if unreadable is not None:
        return FileResult(path, error=unreadable)
    module = parse(source, path)
    if isinstance(module, FileResult):
        return module
    from lambda_import_lint.discovery.handlers import resolve_handlers
    from lambda_import_lint.facts import collect_facts

    facts = collect_facts(module)
    return tuple(handler.qualname for handler in resolve_handlers(facts, declared, config.handler_names))


def _local_chains(facts: ModuleFacts, path: str, config: Config) -> dict[int, tuple[str, ...]]:
    """For each module-scope import of a local module: the chain to a heavy import it makes."""
    if path in ("-", "") or not Path(path).is_file() and not Path(path).parent.is_dir():
        return {}
    from lambda_import_lint.discovery.local_modules import chain_through, search_roots

    heavy = config.heavy
    importer = Path(path)
    roots = search_roots(importer, config.root)
    chains: dict[int, tuple[str, ...]] = {}
    for index, binding in enumerate(facts.imports):
        if binding.type_checking or binding.lazy or heavy.is_heavy(binding.module):
            continue
        level = len(binding.module) - len(binding.module.lstrip("."))
        names = [binding.module.lstrip(".")]
        if not binding.star and binding.qualified != binding.module:
            names.insert(0, binding.qualified.lstrip("."))  # `from pkg import module`
        for name in names:
            chain = chain_through(name, level, importer, roots, heavy, config.root)
            if chain is not None:
                if chain:
                    chains[index] = ("." * level + name, *chain)
                break
    return chains


def _source_lines(source: bytes | str, module: cst.Module) -> list[str]:
    text = source if isinstance(source, str) else source.decode(module.encoding, errors="replace")
    return text.splitlines()


def _per_file_ignored(path: str, config: Config) -> frozenset[str]:
    from lambda_import_lint.rules.registry import DEFAULT_ENABLED

    ignored: set[str] = set()
    for pattern, prefixes in config.per_file_ignores:
        if _matches_any(path, (pattern,), config.root):
            ignored.update(code for code in DEFAULT_ENABLED if code.startswith(prefixes))
    return frozenset(ignored)


def noqa_codes(line: str) -> frozenset[str] | None:
    """The codes a line's ``# noqa`` names; empty set: every code; None: no noqa comment."""
    match = _NOQA.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    return frozenset(re.split(r"[,\s]+", codes.upper().strip())) if codes else frozenset()


def _without_noqa(findings: list[Finding], lines: list[str]) -> list[Finding]:
    kept = []
    for finding in findings:
        first, last = finding.noqa_lines
        suppressed = False
        for number in range(first, last + 1):
            if 1 <= number <= len(lines) and "noqa" in lines[number - 1].lower():
                codes = noqa_codes(lines[number - 1])
                if codes is not None and (not codes or finding.code.startswith(tuple(codes))):
                    suppressed = True
                    break
        if not suppressed:
            kept.append(finding)
    return kept


def decode(source: bytes) -> str:
    """Source text for display (diffs), honouring a BOM or coding cookie like Python does."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        return source.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return source.decode("utf-8", errors="replace")


def read_source(path: str | os.PathLike[str]) -> bytes | FileResult:
    """The file's bytes, or a result naming why it cannot be read (plain ``open``: this runs for
    every file of a run, before anything else)."""
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as error:
        name = os.fspath(path)
        if isinstance(error, IsADirectoryError) or os.path.isdir(name):
            return FileResult(name, error="is a folder, not a Python file")
        return FileResult(name, error=f"cannot read: {error.strerror or error}")

"""The command line: a thin adapter over discovery, the core and the reporters.

Imports stay light at start-up (``--version`` must not load LibCST): heavy modules are imported
inside the commands that need them. We practise what we preach.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from lambda_import_lint import __version__
from lambda_import_lint.printing import printable

if TYPE_CHECKING:
    from lambda_import_lint.batch.cache import Cache as CacheType, Listing, RunKey
    from lambda_import_lint.batch.tasks import Options, Outcome, Task
    from lambda_import_lint.config import Config
    from lambda_import_lint.discovery.declarations import Declarations, Layer
    from lambda_import_lint.discovery.deploy import Ancestors, Listings, Parse, Unit
    from lambda_import_lint.discovery.files import PathError

    Walked = tuple[list[str | PathError], list[str], list[Unit]]  # Python files, candidates, deployment files

FORMATS = ("text", "json", "github", "sarif")


def _add_config_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help='files or folders (default "."; "-" reads stdin)')
    parser.add_argument("--heavy-modules", metavar="MODS", help='comma-separated; "*" makes every import heavy')
    parser.add_argument("--extend-heavy-modules", metavar="MODS", help="add to the heavy modules")
    parser.add_argument("--defer", choices=("conditional", "all"), help="default: conditional")
    parser.add_argument("--all-modules", action="store_true", default=None, help="lint every file as shared code")
    parser.add_argument("--target-version", choices=("py310", "py311", "py312", "py313", "py314", "py315"))
    parser.add_argument("--config", metavar="FILE", help="read settings from this TOML file")
    parser.add_argument("--stdin-filename", metavar="NAME", help='read stdin, reported and configured as this path')


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return number


def _check_arguments(check: argparse.ArgumentParser) -> None:
    _add_config_flags(check)
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument("--diff", action="store_true", help="print the fixes as a diff; write nothing")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    check.add_argument("--format", choices=FORMATS, default="text")
    check.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes")
    check.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    check.add_argument("--jobs", type=_positive, metavar="N", help="parallel processes (default: CPU count)")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    check.add_argument("--clean-cache", action="store_true", help="delete the cache before running")
    check.add_argument(
        "-q", "--quiet", action="store_true",
        help="hide the summary line and discovery warnings (findings, errors and `Rewriting` lines still print)",
    )


def _handlers_arguments(handlers: argparse.ArgumentParser) -> None:
    _add_config_flags(handlers)
    handlers.add_argument("--format", choices=("text", "json"), default="text")


def _report_arguments(report: argparse.ArgumentParser) -> None:
    _add_config_flags(report)
    report.add_argument("--measure", action="store_true", help="time the imports in a subprocess")
    report.add_argument(
        "--python", metavar="EXE",
        help="interpreter to measure with (default: $VIRTUAL_ENV's, else the project's .venv, else this one)",
    )
    report.add_argument("--runs", type=_positive, default=5, help="measurements per figure (median)")
    report.add_argument("--no-cache", action="store_true", help="measure again; neither read nor write figures")
    report.add_argument("--format", choices=("text", "json", "html"), default="text")
    report.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")


def _rule_arguments(rule: argparse.ArgumentParser) -> None:
    rule.add_argument("code", nargs="?")


def _server_arguments(server: argparse.ArgumentParser) -> None:
    server.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default and only way)")
    server.add_argument("--version", action="version", version=f"lambda-import-lint {__version__}")


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "check": ("lint handler modules", _check_arguments),
    "handlers": ("list the handlers found and where they come from", _handlers_arguments),
    "report": ("cold-start import cost per handler, now and after fixing", _report_arguments),
    "rule": ("show a rule's documentation (or list the rules)", _rule_arguments),
    "server": ("language server over stdio, for editors (needs the `lsp` extra)", _server_arguments),
}


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, sized with ``os.get_terminal_size``: the default imports ``shutil``
    (and with it bz2 and lzma) for every argument added, a cost paid by every run."""

    def __init__(self, prog: str, *args: Any, **kwargs: Any) -> None:
        if len(args) < 3 and "width" not in kwargs:
            kwargs["width"] = _terminal_columns() - 2
        super().__init__(prog, *args, **kwargs)


def _terminal_columns() -> int:
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 80
    except (AttributeError, ValueError, OSError):
        return 80


def _stderr(message: str) -> None:
    """One line on stderr, with the file names (and anything else read from the project) in it
    escaped: a name holding a line break or a terminal escape cannot forge another line."""
    print(printable(message), file=sys.stderr)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line. ``command``: the sub-command being run, the only one given its arguments
    (each argument costs start-up time); None gives every sub-command its arguments."""
    parser = argparse.ArgumentParser(
        prog="lambda-import-lint",
        description="Find heavy imports that slow AWS Lambda cold starts, and move them safely.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (description, add_arguments) in COMMANDS.items():
        sub = commands.add_parser(name, help=description, formatter_class=_HelpFormatter)
        if command is None or command == name:
            add_arguments(sub)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The sub-command named on a command line: the first word that is not an option (the main
    parser's options take no values). None when it names no known command."""
    word = next((arg for arg in argv if not arg.startswith("-")), None)
    return word if word in COMMANDS else None


def _settings_from_flags(args: argparse.Namespace) -> dict[str, object]:
    flag_keys = {
        "heavy_modules": "heavy-modules",
        "extend_heavy_modules": "extend-heavy-modules",
        "defer": "defer",
        "all_modules": "all-modules",
        "target_version": "target-version",
        "select": "select",
        "ignore": "ignore",
    }
    return {key: getattr(args, attr) for attr, key in flag_keys.items() if getattr(args, attr, None) is not None}


def load_config(args: argparse.Namespace) -> Config:
    from lambda_import_lint.config import discover, parse_setting

    paths = [Path(p) for p in args.paths if p != "-"]
    if args.stdin_filename:
        paths.insert(0, Path(args.stdin_filename))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = discover(paths, Path(args.config) if args.config else None)
    for warning in caught:
        _stderr(f"lambda-import-lint: warning: {warning.message}")
    from lambda_import_lint.rules.registry import check_rule_codes

    check_rule_codes(config, args.config)
    overrides = {}
    for key, value in _settings_from_flags(args).items():
        field_name, converted = parse_setting(key, value)
        if key in ("select", "ignore"):
            _known_codes(f"--{key}", converted)  # type: ignore[arg-type]
        if key == "extend-heavy-modules":
            converted = config.extend_heavy_modules + tuple(converted)  # type: ignore[arg-type]
        overrides[field_name] = converted
    return config.replace(**overrides)


def _known_codes(where: str, codes: Sequence[str]) -> None:
    from lambda_import_lint.rules.registry import known_codes

    known_codes(where, codes)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Python's docs advise, and as ruff does;
        # output still buffered would fail again at exit, so stdout now points nowhere.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):  # (a stdout with no file behind it)
            pass
        return 1


def _main(argv: Sequence[str] | None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_in(arguments))
    args = parser.parse_args(arguments)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if args.command == "rule":
        return _rule_command(args.code)
    if args.command == "server":
        from lambda_import_lint.server import main as serve

        return serve()
    if args.stdin_filename and not args.paths:
        args.paths = ["-"]  # as ruff does: naming the buffer means the buffer is the input
    from lambda_import_lint.config import ConfigError

    try:
        config = load_config(args)
    except ConfigError as error:
        _stderr(f"lambda-import-lint: error: {error}")
        return 2
    if args.command == "handlers":
        return _handlers_command(args, config)
    from lambda_import_lint.batch.cache import new_run

    new_run()
    if args.command == "report":
        return _report_command(args, config)
    return _check_command(args, config)


def _deployment_paths(args: argparse.Namespace) -> list[str]:
    """The paths handler discovery starts from (stdin's file name when only stdin is checked)."""
    return [p for p in (args.paths or ["."]) if p != "-"] or [args.stdin_filename or "."]


def _declarations(
    args: argparse.Namespace,
    config: Config,
    candidates: list[str] | None = None,
    parse: Parse | None = None,
    listed: Sequence[Unit] | None = None,
) -> Declarations:
    from lambda_import_lint.discovery.handlers import discover_declarations

    paths = _deployment_paths(args)
    store = None
    if parse is None:  # `handlers` and `report` write nothing: they only read what `check` cached
        from lambda_import_lint.batch.cache import Store
        from lambda_import_lint.batch.deployments import CachedReadings

        store = None if getattr(args, "no_cache", False) else Store(config)
        parse = CachedReadings(store, write=False)
    try:
        declarations = discover_declarations(config, paths, candidates, parse, listed)
    finally:
        if store is not None:
            store.close()
    for line in _discovery_lines(args, declarations):
        _stderr(line)
    return declarations


def _discovery_lines(args: argparse.Namespace, declarations: Declarations) -> list[str]:
    """The warnings about deployment files under the checked paths (none with ``-q``)."""
    if getattr(args, "quiet", False):
        return []
    warnings_shown = declarations.warnings_under(_deployment_paths(args))
    return [f"lambda-import-lint: warning: {warning}" for warning in warnings_shown]


def _walk(
    args: argparse.Namespace, config: Config, listings: Listings | None = None, ancestors: Ancestors | None = None
) -> Walked:
    """The Python files to check and the deployment files to read, listed (nothing read yet).
    The walk of the Python files also collects deployment-file candidates, so a tree that is the
    project root is walked once. ``listings``: every folder listed, with its entries (the CDK apps'
    sources are listed from these); ``ancestors``: the folders above the project listed, with what
    matters of each (a run record checks both)."""
    from lambda_import_lint.discovery.files import iter_python_files
    from lambda_import_lint.discovery.handlers import deployment_units

    candidates: list[str] = []
    listings = {} if listings is None else listings
    items = list(iter_python_files([p for p in (args.paths or ["."]) if p != "-"], config, candidates, listings))
    return items, candidates, deployment_units(config, _deployment_paths(args), candidates, listings, ancestors)


def _tasks(
    args: argparse.Namespace, config: Config, parse: Parse | None = None, walked: Walked | None = None
) -> tuple[list[Task], Declarations]:
    """One task per file, and the run's handler declarations. ``parse``: how deployment files are
    read (``_declarations``); ``walked``: what ``_walk`` listed, when the caller has it."""
    from lambda_import_lint.batch.tasks import Task
    from lambda_import_lint.discovery.files import PathError, iter_python_files
    from lambda_import_lint.discovery.sources import SourceError

    paths = args.paths or ["."]
    stdin = "-" in paths
    if walked is None:
        candidates: list[str] = []
        items = list(iter_python_files([p for p in paths if p != "-"], config, candidates))
        declarations = _declarations(args, config, candidates, parse)
    else:
        items, candidates, listed = walked
        declarations = _declarations(args, config, candidates, parse, listed)

    def task(name: str, source: bytes | None = None) -> Task:
        declared = declarations.for_file(name)
        return Task(
            name, declared.functions, source, declared.warm, declared.rare, declared.busy, declared.roomy,
            declared.layer_roots, declared.layer, declared.undeployed, declared.packaged_elsewhere,
            unattended=declared.unattended,
        )

    tasks: list[Task] = []
    if stdin:
        tasks.append(task(args.stdin_filename or "-", sys.stdin.buffer.read()))
    for item in items:
        if isinstance(item, PathError):
            tasks.append(Task(item.path, source=SourceError(item.path, item.message)))
        else:
            tasks.append(task(item))
    return tasks, declarations


def _check_command(args: argparse.Namespace, config: Config) -> int:
    from lambda_import_lint.batch.cache import Cache, clean_cache
    from lambda_import_lint.batch.tasks import Options
    from lambda_import_lint.rules.registry import selected_codes

    fixing = args.fix or args.diff
    args.unsafe_fixes = args.unsafe_fixes or config.unsafe_fixes
    options = Options(
        config,
        selected_codes(config.select, config.ignore),
        fix=fixing,
        unsafe=args.unsafe_fixes,
        with_edits=args.format in ("sarif", "json"),
    )
    if args.clean_cache:
        clean_cache(config)
    cache = None if args.no_cache or args.paths == ["-"] else Cache(config, options)
    try:
        walked = listing = key = None
        if cache is not None and not fixing and "-" not in (args.paths or ["."]):
            # A run like an earlier one, over folders and files that are all as they were: its
            # record answers, before anything is walked; else, over the same files, after the walk.
            key = cache.run_key(_run_identity(args))
            record = cache.replay(key)
            if record is None:
                started = time.time_ns()
                listings: Listings = {}
                ancestors: Ancestors = {}
                walked = _walk(args, config, listings, ancestors)
                listing = _listing(walked, listings, ancestors, started)
                record = cache.replay(key, listing) if listing is not None else None
            if record is not None:
                _write(record.output)
                return record.status
        return _check_files(args, config, options, cache, walked, listing, key)
    finally:
        if cache is not None:
            cache.close()


def _listing(walked: Walked, listings: Listings, ancestors: Ancestors, started: int) -> Listing | None:
    """What a run record is checked against: every file to read and every folder listed, with
    its status (None when a path could not be walked: such a run is never recorded)."""
    from lambda_import_lint.batch.cache import Listing, file_state

    items, _, units = walked
    files = [item for item in items if isinstance(item, str)]
    if len(files) != len(items):
        return None
    states = tuple(file_state(path) for path in (*files, *(unit.path for unit in units)))
    folders = tuple(sorted(listings))
    return Listing(
        tuple(files), tuple((unit.kind, unit.path, unit.app) for unit in units), states, started,
        folders, tuple(file_state(folder) for folder in folders), tuple(sorted(ancestors.items())),
    )


def _run_identity(args: argparse.Namespace) -> object:
    """Everything besides the configuration and the files that decides what a run prints."""
    paths = [p for p in (args.paths or ["."]) if p != "-"]
    return sorted(vars(args).items()), os.getcwd(), [os.path.realpath(path) for path in paths]


def _check_files(
    args: argparse.Namespace,
    config: Config,
    options: Options,
    cache: CacheType | None,
    walked: Walked | None,
    listing: Listing | None,
    key: RunKey | None,
) -> int:
    """``check`` reading every file (results from the cache where it has them), then recording
    the run when ``listing`` says what it read."""
    from lambda_import_lint.batch.deployments import CachedReadings
    from lambda_import_lint.batch.runner import Progress, Workers, checked_handler_module, missing_handlers, run

    progress = Progress()
    # One pool for the run: deployment files that must be parsed (not cached) go to it first.
    workers = Workers(options, args.jobs)
    readings = CachedReadings(cache, workers.map_readings)
    try:
        tasks, declarations = _tasks(args, config, readings, walked)
        outcomes = run(tasks, options, jobs=args.jobs, cache=cache, progress=progress, workers=workers)
    finally:
        workers.shutdown()
    progress.finish()
    # What this run prints from here on, and the warnings _tasks printed: a record replays them.
    output = [("err", printable(line) + "\n") for line in _discovery_lines(args, declarations)]
    if not args.quiet:
        missing = _missing_lines(declarations, missing_handlers(tasks, outcomes))
        output.extend(_write([("err", printable(line) + "\n") for line in missing]))
    status, shown = _conclude(args, outcomes, lambda: checked_handler_module(tasks, outcomes, config))
    cacheable = all(outcome.result.cacheable for outcome in outcomes)
    if key is not None and listing is not None and cache is not None and cacheable:
        from lambda_import_lint.batch.cache import Checks, RunRecord

        declared = dict.fromkeys(str(item.path) for item in declarations.items if item.path is not None)
        real = tuple((path, os.path.realpath(path)) for path in declared)
        checks = Checks(tuple(readings.probes), tuple(cache.dependencies), _declared_layers(declarations), real)
        cache.record(key, listing, checks, RunRecord(tuple(output + shown), status))
    return status


def _write(output: Sequence[tuple[str, str]]) -> Sequence[tuple[str, str]]:
    """Print ("out" or "err", text) pieces in order."""
    for stream, text in output:
        (sys.stdout if stream == "out" else sys.stderr).write(text)
    return output


def _declared_layers(declarations: Declarations) -> tuple[tuple[str, bool, tuple[tuple[str, str, bool], ...]], ...]:
    """Each declared layer folder with the import roots it gives (``Checks.layers``)."""
    from lambda_import_lint.batch.cache import layer_roots

    folders = dict.fromkeys(
        (str(layer.folder), layer.built)
        for item in declarations.items for layer in item.layers if layer.folder is not None
    )
    return tuple((folder, built, layer_roots(folder, built)) for folder, built in folders)


def _conclude(
    args: argparse.Namespace, outcomes: Sequence[Outcome], checked: Callable[[], bool]
) -> tuple[int, list[tuple[str, str]]]:
    """Fixes written or shown, errors, the report and the summary; the exit status and what was
    printed after the fixes (("out" or "err", text) pieces, in order). ``checked``: whether a
    handler module was checked (asked only when the summary needs it)."""
    from lambda_import_lint.engine.results import FileResult
    from lambda_import_lint.output.reporters import WRITERS, Tally, summary

    stdin_fix = (args.fix or args.diff) and args.paths == ["-"]
    results: list[FileResult] = []
    changed = fixed = fixable = unsafe_only = 0
    for outcome in outcomes:
        result = outcome.result
        if outcome.failure is not None:
            _stderr(f"{result.path}: warning: not fixed: {outcome.failure}")
        else:  # a file whose fixes just failed has none that `--fix` would apply now
            for finding in result.fixable:
                applies = finding.fix is not None and (finding.fix.safety == "safe" or args.unsafe_fixes)
                fixable += applies
                unsafe_only += not applies
        if outcome.fixed is not None and outcome.original is not None:
            changed += 1
            fixed += outcome.fixed_count
            error = _emit_fix(args, result.path, outcome.original, outcome.fixed, stdin_fix)
            if error is not None:
                result = FileResult(result.path, result.findings, error=error)
        elif stdin_fix and outcome.original is not None:
            sys.stdout.buffer.write(outcome.original)
        results.append(result)
    errors = [result for result in results if result.error is not None]
    output = [("err", printable(f"{result.path}: error: {result.error}") + "\n") for result in errors]
    # With the fixed code on stdout (stdin mode), what remains is reported on stderr.
    report = io.StringIO()
    WRITERS[args.format](results, report)
    output.append(("err" if stdin_fix else "out", report.getvalue()))
    findings = sum(len(result.findings) for result in results)
    if not args.quiet:
        unchecked = None
        if not findings and not checked():
            unchecked = len(results) - len(errors)
        tally = Tally(findings, fixable, unsafe_only, len(errors), fixed, unchecked)
        output.append(("err", summary(tally, diff=args.diff, fix_requested=args.fix) + "\n"))
    _write(output)
    if errors:
        return 2, output
    if args.exit_zero:
        return 0, output
    return (1 if findings or changed else 0), output


def _emit_fix(args: argparse.Namespace, name: str, old: bytes, new: bytes, stdin_fix: bool) -> str | None:
    """Show or write one fixed file; returns an error message if it could not be written."""
    if args.diff:
        sys.stdout.write(_unified_diff(name, old, new))
        return None
    if stdin_fix:
        sys.stdout.buffer.write(new)
        return None
    from lambda_import_lint.fixes.writer import FileChangedError, write_atomically

    try:
        write_atomically(Path(name), new, old)
    except (OSError, FileChangedError) as error:
        return f"cannot write the fix: {error}"
    _stderr(f"Rewriting {name}")
    return None


def _unified_diff(name: str, old: bytes, new: bytes) -> str:
    import difflib

    from lambda_import_lint.discovery.sources import decode
    from lambda_import_lint.printing import printable

    diff = difflib.unified_diff(
        decode(old).splitlines(keepends=True),
        decode(new).splitlines(keepends=True),
        fromfile=f"a/{printable(name)}",
        tofile=f"b/{printable(name)}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in diff)


def _handlers_command(args: argparse.Namespace, config: Config) -> int:
    import json

    from lambda_import_lint.analysis.prescreen import not_defined
    from lambda_import_lint.discovery.sources import SourceError
    from lambda_import_lint.engine.check import handlers_in
    from lambda_import_lint.engine.results import FileResult
    from lambda_import_lint.printing import printable

    from lambda_import_lint.discovery.deploy import project_root

    tasks, declarations = _tasks(args, config)
    root = project_root([p for p in (args.paths or ["."]) if p != "-"] or ["."])
    rows: list[dict[str, object]] = []
    status = 0
    for task in tasks:
        name = task.path
        source = task.read()
        if isinstance(source, SourceError):
            _stderr(f"{source.path}: error: {source.message}")
            status = 2
            continue
        found = handlers_in(source, task.request(config))
        if isinstance(found, FileResult):
            _stderr(f"{name}: error: {found.error}")
            status = 2
            continue
        given = {entry for _, entry in found}
        absent = [entry for entry in task.declared if entry not in given]
        _warn_missing(declarations, [(name, missing) for missing in (not_defined(source, absent) if absent else ())])
        for function, entry in found:
            declaration = declarations.origin(name, entry)
            row: dict[str, object] = {
                "path": name,
                "function": function,
                "source": declaration.source if declaration else "heuristic",
            }
            snapstart = config.snapstart if config.snapstart is not None else (
                declaration.snapstart if declaration else None
            )
            if snapstart is not None:
                row["snapstart"] = snapstart
            if declaration is not None and declaration.provisioned_concurrency is not None:
                row["provisioned_concurrency"] = declaration.provisioned_concurrency
            if declaration is not None and declaration.rarely_invoked is not None:
                row["rarely_invoked"] = declaration.rarely_invoked
            if declaration is not None and declaration.layers:
                row["layers"] = [_layer_name(layer, root) for layer in declaration.layers]
            rows.append(row)
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for row in rows:
            rare = f"; {row['rarely_invoked']}" if "rarely_invoked" in row else ""
            listed = row.get("layers")
            layers = f"  layers: {', '.join(str(layer) for layer in listed)}" if isinstance(listed, list) else ""
            print(printable(f"{row['path']}:{row['function']}  ({row['source']}{rare}){layers}"))
    return status


def _layer_name(layer: Layer, root: Path) -> str:
    """A layer as ``handlers`` lists it: its folder relative to the project, or the ARN (or the
    name) of a layer defined elsewhere."""
    if layer.folder is None:
        return layer.name
    return Path(os.path.relpath(os.path.realpath(layer.folder), root)).as_posix()


def _warn_missing(declarations: Declarations, missing: Iterable[tuple[str, str]]) -> None:
    for line in _missing_lines(declarations, missing):
        _stderr(line)


def _missing_lines(declarations: Declarations, missing: Iterable[tuple[str, str]]) -> list[str]:
    """One warning per declared handler its file does not define, with the next step."""
    from lambda_import_lint.discovery.declarations import handlers_hint

    lines = []
    for name, function in dict.fromkeys(missing):
        declaration = declarations.origin(name, function)
        where = declaration.source if declaration else "config"
        step = f"fix the handler name there, or {handlers_hint(f'{name}:<function>')}"
        lines.append(f"lambda-import-lint: warning: {where}: {name} has no function `{function}`; {step}")
    return lines


def _report_command(args: argparse.Namespace, config: Config) -> int:
    from lambda_import_lint.discovery.sources import SourceError
    from lambda_import_lint.engine.results import FileResult
    from lambda_import_lint.output.cost_report import HandlerCost, handler_costs
    from lambda_import_lint.output.measure import Interpreter, InterpreterError, choose_python, probe

    interpreter: Interpreter | None = None
    if args.measure:
        try:
            interpreter = probe(*choose_python(args.python, config.root), config.root)
        except InterpreterError as error:
            _stderr(f"lambda-import-lint: error: {error}")
            return 2
    elif args.python:
        _stderr("lambda-import-lint: warning: --python is used only with --measure")
    rows: list[HandlerCost] = []
    status = 0
    tasks, declarations = _tasks(args, config)
    for task in tasks:
        source = task.read()
        if isinstance(source, SourceError):
            _stderr(f"{source.path}: error: {source.message}")
            status = 2
            continue
        memory = {
            declaration.function: declaration.memory_mb
            for declaration in declarations.matching(task.path)
            if declaration.memory_mb is not None
        }
        found = handler_costs(source, task.request(config), interpreter, args.runs, memory, not args.no_cache)
        if isinstance(found, FileResult):
            _stderr(f"{found.path}: error: {found.error}")
            status = 2
            continue
        rows.extend(found)
    rows.sort(key=lambda row: (-row.deferrable_ms, row.path, row.function))
    for row in rows:
        for item in row.imports:
            if item.error is not None and interpreter is not None:
                _stderr(
                    f"lambda-import-lint: warning: {row.path}:{item.line}: `{item.statement}` failed in "
                    f"{interpreter.executable}: {item.error} (the figures count only the time it took to fail)"
                )
        if row.fix_failure:
            _stderr(f"lambda-import-lint: warning: {row.path}: the fixes would leave it as it is: {row.fix_failure}")
    text = _render_report(args.format, rows, interpreter)
    if args.output:
        try:
            _write_whole(args.output, text)
        except OSError as error:
            _stderr(f"lambda-import-lint: error: cannot write {args.output}: {error.strerror or error}")
            return 2
    else:
        sys.stdout.write(text)
    return status


def _write_whole(path: str, text: str) -> None:
    """Write ``path`` all at once: a temporary file beside it, then a rename (a report cut short
    never replaces the previous one with half a page)."""
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=".lambda-import-lint-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _render_report(form: str, rows: Sequence[Any], interpreter: Any) -> str:
    import json

    from lambda_import_lint.output.cost_page import render_page, render_text

    if form == "json":
        return json.dumps([row.to_json() for row in rows], indent=2) + "\n"
    if form == "html":
        return render_page(rows, interpreter)
    return render_text(rows, interpreter)


def _rule_command(code: str | None) -> int:
    from lambda_import_lint.output.docs import render_rule
    from lambda_import_lint.rules.registry import all_rules

    rules = all_rules()

    if code is None:
        width = max(len(rule.name) for rule in rules.values())
        for rule in rules.values():
            print(f"{rule.code}  {rule.name:{width}}  {rule.summary}")
        return 0
    found = rules.get(code.upper())
    if found is None:
        print(f"lambda-import-lint: error: unknown rule {code!r} (known: {', '.join(rules)})", file=sys.stderr)
        return 2
    sys.stdout.write(render_rule(found))
    return 0

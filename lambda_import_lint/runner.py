"""Running the core over many files: cache, parallel processes, progress. Results keep input order.

The main process reads each file and runs the byte prefilter, which settles most files of a
repository at once; only files that need parsing go to the cache and then, when there are enough of
them, to worker processes. Writing fixed files stays in the main process (see cli.py).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple, Sequence, TextIO

from lambda_import_lint import __version__
from lambda_import_lint.api import FileResult, check_source, is_library_file, read_source, undecodable
from lambda_import_lint.config import Config
from lambda_import_lint.prefilter import can_decide, could_matter

if TYPE_CHECKING:
    import concurrent.futures

CACHE_FOLDER = ".lambda-import-lint-cache"
CACHE_ENVIRONMENT = "LAMBDA_IMPORT_LINT_CACHE_DIR"
PARALLEL_THRESHOLD = 8  # fewer files to parse than this: starting processes costs more than it saves


class Task(NamedTuple):
    path: str
    declared: tuple[str, ...] = ()
    source: bytes | FileResult | None = None  # None: read the file; bytes: stdin; FileResult: error
    warm: frozenset[str] = frozenset()  # declared handlers with SnapStart or provisioned concurrency

    def read(self) -> bytes | FileResult:
        """The file's bytes (stdin's, when given), or why there are none."""
        return self.source if self.source is not None else read_source(self.path)


class Options(NamedTuple):
    config: Config
    codes: frozenset[str]
    fix: bool = False
    unsafe: bool = False
    with_edits: bool = False


class Outcome(NamedTuple):
    result: FileResult
    original: bytes | None = None
    fixed: bytes | None = None  # the new content, when fixing changed the file
    fixed_count: int = 0
    failure: str | None = None  # why fixable findings were left unfixed
    dependencies: frozenset[tuple[str, int, int]] = frozenset()  # other files the result read


class Cache:
    """Results keyed by content hash + effective configuration + path + tool version, one file per
    entry. A changed file, setting or version gives a new key, so a stale result is never served."""

    def __init__(self, folder: Path, options: Options) -> None:
        import hashlib

        self.folder = folder / __version__
        config = options.config
        fingerprint = repr((config, config.root, sorted(options.codes), options.with_edits, sys.version_info[:2]))
        self.salt = hashlib.sha256(fingerprint.encode()).hexdigest()

    def key(self, task: Task, source: bytes) -> str:
        import hashlib

        digest = hashlib.sha256(self.salt.encode())
        digest.update(repr((task.path, task.declared, sorted(task.warm))).encode())
        digest.update(source)
        return digest.hexdigest()

    def get(self, key: str) -> FileResult | None:
        """The cached result, if every other file it depends on is unchanged."""
        import pickle

        from lambda_import_lint.discovery.local_modules import unchanged

        try:
            with open(self.folder / key[:2] / key, "rb") as handle:
                result, dependencies = pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, ImportError, TypeError):
            return None
        if not isinstance(result, FileResult):
            return None
        return result if unchanged(dependencies) else None

    def put(self, key: str, result: FileResult, dependencies: Iterable[tuple[str, int, int]] = ()) -> None:
        import pickle

        folder = self.folder / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            temporary = folder / f".{key}.{os.getpid()}.tmp"
            value = (result, tuple(sorted(dependencies)))
            temporary.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, folder / key)
        except OSError:
            pass  # a cache that cannot be written only costs speed


def cache_folder(config: Config) -> Path:
    """``$LAMBDA_IMPORT_LINT_CACHE_DIR``, else ``.lambda-import-lint-cache`` beside the config."""
    override = os.environ.get(CACHE_ENVIRONMENT)
    return Path(override) if override else config.root / CACHE_FOLDER


def clean_cache(config: Config) -> None:
    import shutil

    shutil.rmtree(cache_folder(config), ignore_errors=True)


_OPTIONS: Options | None = None  # set in each worker process by _initialise


def _initialise(options: Options) -> None:
    global _OPTIONS
    _OPTIONS = options
    # What every analysis loads (LibCST, the rules), now, while the main process still reads files.
    from lambda_import_lint.rules.registry import all_rules

    all_rules()


def _work(item: tuple[Task, bytes]) -> Outcome:
    assert _OPTIONS is not None
    return analyse_task(item[0], item[1], _OPTIONS)


def analyse_task(task: Task, source: bytes, options: Options) -> Outcome:
    """Check (or fix) one file's bytes, noting which other files the result depends on (LIL004)."""
    from lambda_import_lint.discovery.local_modules import recording

    with recording() as dependencies:
        outcome = _analyse_task(task, source, options)
    return outcome._replace(dependencies=frozenset(dependencies))


def _analyse_task(task: Task, source: bytes, options: Options) -> Outcome:
    config = options.config
    if not options.fix:
        result = check_source(
            source, task.path, config, task.declared, options.codes, with_edits=options.with_edits, warm=task.warm
        )
        return Outcome(result)
    from lambda_import_lint.fixer import fix_source

    fixed = fix_source(source, task.path, config, task.declared, options.codes, unsafe=options.unsafe, warm=task.warm)
    return Outcome(
        fixed.result,
        original=source,
        fixed=fixed.source if fixed.changed else None,
        fixed_count=fixed.fixed,
        failure=fixed.failure,
    )


def _nothing_to_fix(result: FileResult, unsafe: bool) -> bool:
    return not any(f.fix is not None and (unsafe or f.fix.safety == "safe") for f in result.findings)


def run(
    tasks: Sequence[Task],
    options: Options,
    jobs: int | None = None,
    cache: Cache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Outcomes in the order of ``tasks``."""
    if "lambda_import_lint.discovery.local_modules" in sys.modules:  # else there is nothing to forget
        sys.modules["lambda_import_lint.discovery.local_modules"].new_run()
    outcomes: list[Outcome | None] = [None] * len(tasks)
    pending: list[tuple[int, Task, bytes, str | None]] = []
    done = 0
    requested = jobs or os.cpu_count() or 1
    executor: concurrent.futures.ProcessPoolExecutor | None = None
    workers = 1
    try:
        for index, task in enumerate(tasks):
            done += _settle(index, task, options, cache, outcomes, pending)
            if executor is None and requested > 1 and len(pending) == PARALLEL_THRESHOLD:
                # Enough to parse for processes to pay: start them now, so they load LibCST while
                # this loop reads and prefilters the rest (the most that may still come caps them).
                workers = min(requested, len(pending) + len(tasks) - index - 1)
                executor = _start_workers(options, workers)
        if progress is not None:
            progress(done, len(tasks))
        items = [(task, source) for _, task, source, _ in pending]
        results: Iterable[tuple[int, Outcome]]
        if executor is not None:
            results = _in_processes(executor, items, workers)
        else:
            results = enumerate(analyse_task(task, source, options) for task, source in items)
        for position, outcome in results:
            index, _, _, key = pending[position]
            outcomes[index] = outcome
            if cache is not None and key is not None and outcome.fixed is None and outcome.result.error is None:
                cache.put(key, outcome.result, outcome.dependencies)
            done += 1
            if progress is not None:
                progress(done, len(tasks))
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    return [outcome for outcome in outcomes if outcome is not None]


def _settle(
    index: int,
    task: Task,
    options: Options,
    cache: Cache | None,
    outcomes: list[Outcome | None],
    pending: list[tuple[int, Task, bytes, str | None]],
) -> int:
    """Read one file and settle it here if it can be (unreadable, cannot matter, cached): 1 when
    settled, 0 when it joined ``pending`` for the analysis."""
    source = task.read()
    if isinstance(source, FileResult):
        outcomes[index] = Outcome(FileResult(task.path, error=source.error))
        return 1
    library = is_library_file(task.path, options.config)
    if _cannot_matter(source, library, task, options):
        outcomes[index] = Outcome(FileResult(task.path), original=source)
        return 1
    key = cache.key(task, source) if cache is not None else None
    if key is not None and cache is not None:
        cached = cache.get(key)
        if cached is not None and (not options.fix or _nothing_to_fix(cached, options.unsafe)):
            outcomes[index] = Outcome(cached, original=source)
            return 1
    pending.append((index, task, source, key))
    return 0


def _start_workers(options: Options, workers: int) -> concurrent.futures.ProcessPoolExecutor:
    import concurrent.futures  # only when there is parallel work: it costs start-up time

    executor = concurrent.futures.ProcessPoolExecutor(max_workers=workers, initializer=_initialise, initargs=(options,))
    for _ in range(workers):
        executor.submit(_ready)  # starts the processes (and their imports) now, not at the first map
    return executor


def _ready() -> None:
    """A first job for a new worker: its initializer has run by now."""


def _in_processes(
    executor: concurrent.futures.ProcessPoolExecutor, items: list[tuple[Task, bytes]], workers: int
) -> Iterator[tuple[int, Outcome]]:
    """(position in ``items``, outcome) pairs. Largest files first, in small chunks: a big file
    met last would keep one worker busy while the others wait (the time of a file grows with its
    size), and the order of the output is restored by position anyway."""
    order = sorted(range(len(items)), key=lambda position: -len(items[position][1]))
    chunk = max(1, min(8, len(items) // (workers * 32)))
    yield from zip(order, executor.map(_work, [items[position] for position in order], chunksize=chunk))


def _cannot_matter(source: bytes, library: bool, task: Task, options: Options) -> bool:
    """Settled in the main process: the byte scan, then (where it can decide) the stdlib parser.
    Binary or undecodable files always go on to the core, which reports them."""
    config = options.config
    if undecodable(source) is not None:
        return False
    local = "LIL004" in options.codes
    if not could_matter(source, library, config, task.declared, local):
        return True
    if can_decide(library, config):
        from lambda_import_lint.prescreen import needs_full_analysis, stdlib_tree

        tree = stdlib_tree(source)
        local_file = Path(task.path) if local and task.source is None else None
        return not needs_full_analysis(tree, library, config, task.declared, config.heavy, bool(task.warm), local_file)
    return False


def checked_handler_module(tasks: Sequence[Task], outcomes: Sequence[Outcome], config: Config) -> bool:
    """Whether the run checked at least one handler module or shared-code file (``outcomes`` in
    the order of ``tasks``). A file the prefilters settled is still a handler module when it only
    lacked a heavy import; they do not say which test settled it, so such files are asked again,
    by the stdlib parser, only when no other file answers first: a run over a repository with
    handlers pays nothing for this, one without pays a parse of the files the byte scan found
    handler-shaped."""
    from lambda_import_lint.discovery.handlers import could_have_handler

    unsure: list[bytes] = []
    for task, outcome in zip(tasks, outcomes):
        result = outcome.result
        if result.error is not None:
            continue
        if task.declared or is_library_file(task.path, config):
            return True
        if result.parsed:
            if result.handlers:
                return True
            continue
        source = outcome.original if outcome.original is not None else task.read()
        if isinstance(source, bytes) and could_have_handler(source, config.handler_names):
            unsure.append(source)
    if not unsure:
        return False
    from lambda_import_lint.prescreen import defines_handler

    return any(defines_handler(source, config.handler_names) for source in unsure)


def missing_handlers(tasks: Sequence[Task], outcomes: Sequence[Outcome]) -> list[tuple[str, str]]:
    """(file, function) for each declared handler its file does not define. An analysed result
    lists the handlers it found; a file the prefilters settled (or shared code, where handlers
    are not resolved) is asked by the stdlib parser, which only declared files pay."""
    missing: list[tuple[str, str]] = []
    for task, outcome in zip(tasks, outcomes):
        result = outcome.result
        if not task.declared or result.error is not None:
            continue
        if result.parsed and result.handlers:
            defined: frozenset[str] | None = frozenset(result.handlers)
        else:
            from lambda_import_lint.prescreen import module_functions

            source = outcome.original if outcome.original is not None else task.read()
            defined = module_functions(source) if isinstance(source, bytes) else None
        if defined is not None:
            missing.extend((task.path, function) for function in task.declared if function not in defined)
    return missing


class Progress:
    """``files done / total`` on stderr, only when it is a terminal, at most ten times a second."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 50:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and done != total:
            return
        self.last = now
        self.stream.write(f"\r{done}/{total} files")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

"""Running the core over many files: cache lookups, parallel processes, progress. Results keep input order.

The main process reads each file and runs the byte prefilter, which settles most files of a
repository at once; only files that need parsing go to the cache and then, when there are enough of
them, to worker processes. Writing fixed files stays in the main process (see cli.py).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence, TextIO

from lambda_import_lint.analysis.prefilter import can_decide, could_matter
from lambda_import_lint.batch.tasks import Options, Outcome, Task
from lambda_import_lint.config import Config
from lambda_import_lint.discovery.files import is_library_file
from lambda_import_lint.discovery.sources import SourceError, undecodable
from lambda_import_lint.engine.results import FileResult

if TYPE_CHECKING:
    import concurrent.futures

    from lambda_import_lint.analysis.local_modules import Dependency
    from lambda_import_lint.batch.cache import Cache
    from lambda_import_lint.discovery.deploy import Parsed, Unit

__all__ = ["Options", "Outcome", "Progress", "Task", "Workers", "analyse_task", "run"]

# Worker processes pay when the analysis would take longer than starting them and loading LibCST in
# each (~0.2 s on 2 cores), as for deployment files (``batch/deployments.PARALLEL_SECONDS``); its
# time estimated per byte: LibCST's parse and the analysis of a handler module take ~2.7-2.9 µs a
# byte in one process (the handler modules of serverless-samples and aws-serverless-data-lake-
# framework, 2026-11-28). Below that, one process is as fast on idle cores and much faster on busy
# ones (2 cores, load ~1.3: 0.53 s in one process against 0.74 s with two workers for 78 kB).
PARALLEL_SECONDS = 0.4
SECONDS_PER_BYTE = 3e-6
# Plus the searches of the project each module may make (references for LIL001's fix safety,
# patches for LIL101), which grow with the number of files: a generated monorepo of 3,000 files
# spent 0.67 of its 0.77 s of analysis (300 handler modules of ~200 bytes) in them, ~0.7 µs per
# module and file of the run (`bench.py`'s monorepo, 5 alternating runs: 0.92 s counting bytes
# only, 0.80 s counting both).
SECONDS_PER_MODULE_AND_FILE = 7e-7


def _estimated_seconds(pending_bytes: int, modules: int, files: int) -> float:
    """How long analysing ``modules`` files of ``pending_bytes`` in one process may take, in a run
    over ``files`` files (a rough guide: only the order of magnitude matters)."""
    return pending_bytes * SECONDS_PER_BYTE + modules * files * SECONDS_PER_MODULE_AND_FILE


_OPTIONS: Options | None = None  # set in each worker process by _initialise
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_PARENT_POLL_SECONDS = 1.0


def _initialise(options: Options, main: int, preload: bool = True) -> None:
    """Worker set-up: leave with the main process (pid ``main``), then load what every analysis
    needs (not when the pool starts for deployment files: they would wait for LibCST)."""
    global _OPTIONS
    _OPTIONS = options
    _leave_with(main)
    if not preload:
        return
    # What every analysis loads (LibCST, the rules), now, while the main process still reads files.
    from lambda_import_lint.rules.registry import all_rules

    all_rules()


def _leave_with(main: int) -> None:
    """End this worker when the main process dies, however it dies. Killed with SIGKILL (a CI
    timeout, the OOM killer), the main process never shuts its pool down, and a worker blocked on
    the pool's queue would wait forever: another worker holds the queue's other end open too.

    On Linux the kernel sends SIGKILL when the parent goes (``PR_SET_PDEATHSIG``); the parent is
    the main process, or the forkserver, which leaves with it. If the parent went before the call,
    this process has been re-parented already: the check afterwards closes that gap. Elsewhere a
    daemon thread polls the parent."""
    parent = os.getppid()
    if sys.platform.startswith("linux") and _parent_death_signal():
        parent_now = os.getppid()
        if parent_now != parent or (parent != main and not _alive(main)):
            os._exit(1)
        return
    if parent != main and not _alive(main):
        os._exit(1)
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="lambda-import-lint-parent-watch", daemon=True).start()


def _parent_death_signal() -> bool:
    """Ask Linux for SIGKILL when the parent dies; False if that cannot be had."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _work(item: tuple[Task, bytes]) -> Outcome:
    assert _OPTIONS is not None
    return analyse_task(item[0], item[1], _OPTIONS)


def analyse_task(task: Task, source: bytes, options: Options) -> Outcome:
    """Check (or fix) one file's bytes, noting which other files the result depends on (LIL004)."""
    from lambda_import_lint.analysis.local_modules import recording

    with recording() as dependencies:
        outcome = _analyse_task(task, source, options)
    return outcome._replace(dependencies=frozenset(dependencies))


def _analyse_task(task: Task, source: bytes, options: Options) -> Outcome:
    from lambda_import_lint.engine.check import analyse

    request = task.request(options.config, options.codes)
    if not options.fix:
        analysis = analyse(source, request)
        if isinstance(analysis, FileResult):
            return Outcome(analysis)
        if options.with_edits and analysis.result.fixable:
            from lambda_import_lint.fixes.edits import with_edits

            return Outcome(with_edits(analysis))
        return Outcome(analysis.result)
    from lambda_import_lint.fixes.fixer import fix_source

    fixed = fix_source(source, request, unsafe=options.unsafe)
    result = fixed.result
    if options.with_edits and result.fixable:
        # What is left to fix (unsafe fixes without `--unsafe-fixes`): edits of the fixed source,
        # which the findings' positions refer to.
        from lambda_import_lint.fixes.edits import with_edits

        analysis = analyse(fixed.source, request)
        if not isinstance(analysis, FileResult):
            result = with_edits(analysis)
    return Outcome(
        result,
        original=source,
        fixed=fixed.source if fixed.changed else None,
        fixed_count=fixed.fixed,
        failure=fixed.failure,
    )


def _nothing_to_fix(result: FileResult, unsafe: bool) -> bool:
    return not any(f.fix is not None and (unsafe or f.fix.safety == "safe") for f in result.findings)


class Workers:
    """The run's worker processes, started on first need and shared: deployment files parsed while
    handlers are discovered (``map_readings``), then the Python files (``run``)."""

    def __init__(self, options: Options, jobs: int | None = None) -> None:
        self.options = options
        self.requested = jobs or os.cpu_count() or 1
        self.executor: concurrent.futures.ProcessPoolExecutor | None = None
        self.count = 0
        self.loaded = False  # the workers load (or have loaded) what every analysis needs

    def start(self, most: int, preload: bool = True) -> concurrent.futures.ProcessPoolExecutor | None:
        """The pool (started now, with at most ``most`` processes, if it was not), or None when
        one process is all there may be."""
        if self.executor is None and min(self.requested, most) > 1:
            self.count = min(self.requested, most)
            self.executor = _start_workers(self.options, self.count, preload)
            self.loaded = preload
        return self.executor

    def load(self) -> list[concurrent.futures.Future[None]]:
        """Have a pool started without preloading (for deployment files) load LibCST and the rules
        now, one job per worker, while the main process still reads and prefilters: else each
        worker loads them on its first file, after the main process is done. The jobs submitted
        (none when there is no pool, or it loads them already)."""
        if self.executor is None or self.loaded:
            return []
        self.loaded = True
        return [self.executor.submit(_load) for _ in range(self.count)]

    def map_readings(self, items: Sequence[tuple[Unit, bytes]]) -> list[Parsed] | None:
        """Deployment files read in the worker processes (largest first), results in order; None
        when there is one process only."""
        executor = self.start(len(items), preload=False)
        if executor is None:
            return None
        from lambda_import_lint.batch.deployments import read_one

        order = sorted(range(len(items)), key=lambda position: -len(items[position][1]))
        results: list[Parsed | None] = [None] * len(items)
        for position, parsed in zip(order, executor.map(read_one, [items[position] for position in order])):
            results[position] = parsed
        return [parsed for parsed in results if parsed is not None]

    def shutdown(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
            self.executor = None


def run(
    tasks: Sequence[Task],
    options: Options,
    jobs: int | None = None,
    cache: Cache | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: Workers | None = None,
) -> list[Outcome]:
    """Outcomes in the order of ``tasks``. ``workers``: a pool already started for this run (left
    running for its owner to shut down), else one of its own."""
    for memo in ("lambda_import_lint.analysis.local_modules", "lambda_import_lint.analysis.external_references"):
        if memo in sys.modules:  # else there is nothing to forget
            sys.modules[memo].new_run()
    outcomes: list[Outcome | None] = [None] * len(tasks)
    pending: list[tuple[int, Task, bytes, str | None]] = []
    done = 0
    pool = workers if workers is not None else Workers(options, jobs)
    executor = pool.executor
    pending_bytes = 0
    started = False
    try:
        for index, task in enumerate(tasks):
            if _settle(index, task, options, cache, outcomes, pending):
                done += 1
            else:
                pending_bytes += len(pending[-1][2])
            if executor is None and not started and len(pending) > 1 and (
                _estimated_seconds(pending_bytes, len(pending), len(tasks)) >= PARALLEL_SECONDS
            ):
                # Enough to parse for processes to pay: start them now, so they load LibCST while
                # this loop reads and prefilters the rest (the most that may still come caps them).
                started = True
                executor = pool.start(len(pending) + len(tasks) - index - 1)
            elif executor is not None and pending:
                pool.load()  # a pool already running will analyse: let it load LibCST meanwhile
        if progress is not None:
            progress(done, len(tasks))
        items = [(task, source) for _, task, source, _ in pending]
        results: Iterable[tuple[int, Outcome]]
        if executor is not None:
            results = _in_processes(executor, items, pool.count)
        else:
            results = enumerate(analyse_task(task, source, options) for task, source in items)
        for position, outcome in results:
            index, _, _, key = pending[position]
            outcomes[index] = outcome
            if cache is not None and key is not None and outcome.fixed is None and outcome.result.cacheable:
                cache.put(key, outcome.result, outcome.dependencies)
            done += 1
            if progress is not None:
                progress(done, len(tasks))
    finally:
        if workers is None:
            pool.shutdown()
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
    if isinstance(source, SourceError):
        outcomes[index] = Outcome(FileResult(task.path, error=source.message))
        return 1
    library = bool(task.layer) or is_library_file(task.path, options.config)
    if _cannot_matter(source, library, task, options):
        outcomes[index] = Outcome(FileResult(task.path), original=source)
        return 1
    key = cache.key(task, source) if cache is not None else None
    if key is not None and cache is not None:
        cached = cache.get(key, task.path)
        if cached is not None and (not options.fix or _nothing_to_fix(cached, options.unsafe)):
            outcomes[index] = Outcome(cached, original=source)
            return 1
    settles, dependencies = _prescreen(source, library, task, options)
    if settles:
        # Cached like any result (with the local files the verdict read, for LIL004): a warm run
        # then parses nothing, not even with the stdlib parser.
        settled = FileResult(task.path)
        outcomes[index] = Outcome(settled, original=source)
        if key is not None and cache is not None:
            cache.put(key, settled, dependencies)
        return 1
    pending.append((index, task, source, key))
    return 0


def _start_workers(options: Options, workers: int, preload: bool = True) -> concurrent.futures.ProcessPoolExecutor:
    import concurrent.futures  # only when there is parallel work: it costs start-up time

    executor = concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, initializer=_initialise, initargs=(options, os.getpid(), preload)
    )
    for _ in range(workers):
        executor.submit(_ready)  # starts the processes (and their imports) now, not at the first map
    return executor


def _ready() -> None:
    """A first job for a new worker: its initializer has run by now."""


def _load() -> None:
    """A job that loads what every analysis needs (``Workers.load``)."""
    from lambda_import_lint.rules.registry import all_rules

    all_rules()


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
    """Settled in the main process by the byte scan. Binary or undecodable files always go on to
    the core, which reports them."""
    if undecodable(source) is not None:
        return False
    return not could_matter(source, library, options.config, task.declared, "LIL004" in options.codes)


def _prescreen(source: bytes, library: bool, task: Task, options: Options) -> tuple[bool, set[Dependency]]:
    """The stdlib parser's verdict (where it can decide) on a file the byte scan let through:
    True when it cannot matter, with the local files it looked at (LIL004), for the cache."""
    config = options.config
    if undecodable(source) is not None or not can_decide(library, config):
        return False, set()
    from lambda_import_lint.analysis.local_modules import recording
    from lambda_import_lint.analysis.prescreen import needs_full_analysis, nobody_waits, stdlib_tree

    tree = stdlib_tree(source)
    local_file = Path(task.path) if "LIL004" in options.codes and task.source is None else None
    with recording() as dependencies:
        needed = needs_full_analysis(
            tree, library, config, task.declared, config.heavy, bool(task.warm), local_file, task.layer_roots,
            task.path, task.undeployed, lambda: nobody_waits(source, library, config, task.busy),
        )
    return not needed, dependencies


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
        if task.declared or task.layer or is_library_file(task.path, config):
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
    from lambda_import_lint.analysis.prescreen import defines_handler

    return any(defines_handler(source, config.handler_names) for source in unsure)


def missing_handlers(tasks: Sequence[Task], outcomes: Sequence[Outcome]) -> list[tuple[str, str]]:
    """(file, function) for each declared handler its file does not define. An analysed result
    lists the handlers it found; a file the prefilters settled (or shared code, where handlers
    are not resolved), or a declared name that is no function (a Chalice app, a Mangum adapter:
    what it runs was listed), is asked by the stdlib parser, which only declared files pay."""
    missing: list[tuple[str, str]] = []
    for task, outcome in zip(tasks, outcomes):
        result = outcome.result
        if not task.declared or result.error is not None:
            continue
        absent = [function for function in task.declared if not (result.parsed and function in result.handlers)]
        if not absent:
            continue
        from lambda_import_lint.analysis.prescreen import not_defined

        source = outcome.original if outcome.original is not None else task.read()
        if isinstance(source, (bytes, str)):
            missing.extend((task.path, function) for function in not_defined(source, absent))
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

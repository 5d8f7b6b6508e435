"""Cold-start cost per handler: the module-scope imports now, what the fixes defer, what remains.

Costs come from the catalogue, or with ``measure`` from ``-X importtime`` runs of the target
interpreter in a subprocess (median of several runs, cached per interpreter). User code is never
imported into this process, and local modules are never imported at all: only the non-local
absolute imports of the handler module are timed, passed to a fixed script by name (never as code),
in an empty temporary folder, with no project folder on ``PYTHONPATH``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from lambda_import_lint.catalogue import HeavyModules
from lambda_import_lint.config import Config
from lambda_import_lint.engine.check import analyse
from lambda_import_lint.engine.request import Request
from lambda_import_lint.engine.results import Analysis, FileResult
from lambda_import_lint.judgement.assessment import DEFERRED_BY_FIXES, ImportJudgement, Status, catalogue_module
MARKER = "LIL-MEASURE"
# What the subprocess runs: always this text. The modules come as arguments ("pkg.mod", or
# "pkg.mod:name" for ``from pkg.mod import name``), so nothing read from the project becomes code.
# ``__import__`` with a fromlist is what the import statements do (importlib.import_module would
# bypass the interpreter's -X importtime accounting for the module itself).
MEASURE_SCRIPT = f"""
import sys
for index, target in enumerate(sys.argv[1:]):
    sys.stderr.write("{MARKER} %d\\n" % index)
    module, _, name = target.partition(":")
    try:
        __import__(module, fromlist=[name] if name else [])
    except Exception:
        pass
sys.stderr.write("{MARKER} end\\n")
"""
_TARGET = re.compile(r"(?!\d)\w+(\.(?!\d)\w+)*(:(?!\d)\w+)?")


@dataclass(frozen=True)
class ImportCost:
    module: str
    statement: str
    ms: float
    status: str  # "stays", "deferred", "already-paid"


@dataclass(frozen=True)
class HandlerCost:
    path: str
    function: str
    init_ms: float
    deferrable_ms: float
    after_fix_ms: float
    imports: tuple[ImportCost, ...]
    measured: bool

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "function": self.function,
            "init_ms": round(self.init_ms, 1),
            "deferrable_ms": round(self.deferrable_ms, 1),
            "after_fix_ms": round(self.after_fix_ms, 1),
            "measured": self.measured,
            "imports": [
                {"module": i.module, "statement": i.statement, "ms": round(i.ms, 1), "status": i.status}
                for i in self.imports
            ],
        }


def _statement(judgement: ImportJudgement) -> str:
    from lambda_import_lint.rules.messages import import_text

    return import_text(judgement.binding)


def runtime_imports(analysis: Analysis) -> list[ImportJudgement]:
    """The module-scope imports that run at import time, with the judgement of each."""
    assert analysis.assessment is not None
    return [
        j
        for j in analysis.assessment.judgements
        if not j.binding.type_checking and not j.binding.lazy and not j.binding.star
    ]


def deferred_by_fixes(analysis: Analysis) -> list[ImportJudgement]:
    """The imports the report counts as leaving INIT: the judgement's ``DEFERRED_BY_FIXES``, the
    same statuses LIL001, LIL002 and LIL003 report (a test holds the two views together)."""
    return [j for j in runtime_imports(analysis) if j.status in DEFERRED_BY_FIXES]


def _catalogue_total(modules: Sequence[str], heavy: HeavyModules) -> float:
    """Catalogue cost of importing ``modules`` together: each package once, nothing another one
    already loads."""
    from lambda_import_lint.judgement.assessment import package_of

    packages = {package_of(module, heavy) for module in modules if heavy.cost_ms(module) is not None}
    loaded = set().union(*(heavy.loaded_by(package) for package in packages)) if packages else set()
    return float(sum(heavy.cost_ms(package) or 0 for package in packages if package not in loaded))


def module_costs(
    analysis: Analysis, config: Config, python: str | None, runs: int
) -> tuple[float, float, list[ImportCost], bool]:
    """(init_ms, after_fix_ms, per-import costs, measured) for one handler module."""
    heavy = config.heavy
    imports = runtime_imports(analysis)
    # After the fixes, a cold start that takes no optional path still pays what no fix moves off
    # it: a deferrable import whose only use sits in a conditional expression on a handler's main
    # path has no block to go to (see judgement.Place).
    deferred = [j for j in deferred_by_fixes(analysis) if _leaves_init(j)]
    stays = [j for j in imports if j not in deferred]
    if python is None:
        init = _catalogue_total([catalogue_module(j.binding, heavy) for j in imports], heavy)
        after = _catalogue_total([catalogue_module(j.binding, heavy) for j in stays], heavy)
        costs = []
        for j in imports:
            status = _status(j)
            ms = 0.0 if status == "already-paid" else float(heavy.cost_ms(catalogue_module(j.binding, heavy)) or 0)
            costs.append(ImportCost(j.binding.module, _statement(j), ms, status))
        return init, after, costs, False
    timed = [j for j in imports if not _is_local(j, analysis.result.path, config)]
    now = measure(python, [target(j) for j in timed], runs, config)
    later = measure(python, [target(j) for j in timed if j in stays], runs, config)
    costs = [ImportCost(j.binding.module, _statement(j), now.get(target(j), 0.0), _status(j)) for j in imports]
    return sum(now.values()), sum(later.values()), costs, True


def target(judgement: ImportJudgement) -> str:
    """What the measuring script imports for one import: ``pkg.mod`` for ``import pkg.mod``,
    ``pkg.mod:name`` for ``from pkg.mod import name``."""
    import libcst as cst

    binding = judgement.binding
    alias = binding.alias
    if isinstance(binding.statement, cst.ImportFrom) and alias is not None and isinstance(alias.name, cst.Name):
        return f"{binding.module}:{alias.name.value}"
    return binding.module


def _leaves_init(judgement: ImportJudgement) -> bool:
    """Whether the fixes take this import off a cold start that takes no optional path."""
    no_place = judgement.status is Status.DEFERRABLE and not judgement.places
    return judgement.status in DEFERRED_BY_FIXES and not no_place


def _status(judgement: ImportJudgement) -> str:
    if _leaves_init(judgement):
        return "deferred"
    if judgement.status is Status.ALREADY_PAID:
        return "already-paid"
    return "stays"


def _is_local(judgement: ImportJudgement, path: str, config: Config) -> bool:
    """Whether the import's top-level package is a file or package of the project: in the
    handler's folder or a folder above it, up to the project root (where Lambda's task root puts
    the code). Importing any part of it would run the project's code."""
    from lambda_import_lint.analysis.local_modules import resolve, search_roots

    top = judgement.binding.module.split(".")[0]
    importer = Path(path)
    return resolve(top, 0, importer, search_roots(importer, config.root)) is not None


def measure(python: str, targets: Sequence[str], runs: int, config: Config | None = None) -> dict[str, float]:
    """Milliseconds each import target adds (see ``target``), in order (shared dependencies count
    for the first target that loads them), as the median of ``runs`` fresh interpreters. A target
    that is not a dotted name is not imported. ``config``: the project (its root is kept off
    ``PYTHONPATH``; its cache folder keeps the figures)."""
    config = config if config is not None else Config()
    targets = list(dict.fromkeys(name for name in targets if _TARGET.fullmatch(name)))
    if not targets:
        return {}
    cached = _cache_get(python, targets, runs, config)
    if cached is not None:
        return cached
    environment = _environment(config.root)
    samples: list[list[float]] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:  # nothing local is importable from here
            completed = subprocess.run(
                [python, "-X", "importtime", "-c", MEASURE_SCRIPT, *targets],
                capture_output=True, text=True, cwd=folder, env=environment, timeout=300,
            )
        samples.append(per_statement(completed.stderr, len(targets)))
    result = {name: statistics.median(sample[index] for sample in samples) for index, name in enumerate(targets)}
    _cache_put(python, targets, runs, result, config)
    return result


def _environment(project_root: Path) -> dict[str, str]:
    """This process's environment for the measuring interpreter, minus ``PYTHONPATH`` entries in
    the project (CI often sets ``PYTHONPATH`` to the checkout, which would make its modules
    importable under third-party names); relative entries resolve in the empty folder."""
    environment = dict(os.environ)
    entries = environment.get("PYTHONPATH", "").split(os.pathsep)
    root = os.path.realpath(project_root)
    kept = [
        entry for entry in entries
        if entry and not (os.path.isabs(entry) and _inside(os.path.realpath(entry), root))
    ]
    if kept:
        environment["PYTHONPATH"] = os.pathsep.join(kept)
    else:
        environment.pop("PYTHONPATH", None)
    return environment


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def per_statement(stderr: str, count: int) -> list[float]:
    """Milliseconds per statement from ``-X importtime`` output: between the markers written before
    each statement, the cumulative times of the top-level entries (nested imports are indented
    further and already counted in their parent's cumulative time)."""
    totals = [0.0] * count
    current: int | None = None
    for line in stderr.splitlines():
        if line.startswith(MARKER):
            tag = line[len(MARKER):].strip()
            current = int(tag) if tag.isdigit() else None
            continue
        if current is None or not line.startswith("import time:") or line.count("|") < 2:
            continue
        _, cumulative, name = line.split("|", 2)
        if name.startswith("  "):
            continue  # nested: inside the parent's cumulative time
        try:
            totals[current] += float(cumulative) / 1000
        except ValueError:
            continue  # the header line
    return totals


def _cache_name(python: str, targets: Sequence[str], runs: int) -> str:
    try:
        stamp = os.stat(python).st_mtime_ns
    except OSError:
        stamp = 0
    identity = json.dumps([os.path.realpath(python), stamp, list(targets), runs])
    return hashlib.sha256(identity.encode()).hexdigest() + ".json"


def _cache_get(python: str, targets: Sequence[str], runs: int, config: Config) -> dict[str, float] | None:
    """Figures measured before, if the cache has a well-formed entry (one number per target)."""
    from lambda_import_lint.batch.cache import open_folder

    folder = open_folder(config, "measure", create=False)
    if folder is None:
        return None
    with folder:
        data = folder.read(_cache_name(python, targets, runs))
    try:
        value = json.loads(data) if data is not None else None
    except ValueError:
        return None
    if not isinstance(value, dict) or sorted(value) != sorted(targets):
        return None
    if not all(type(ms) in (int, float) and 0 <= ms < 1e7 for ms in value.values()):
        return None
    return {name: float(value[name]) for name in targets}


def _cache_put(python: str, targets: Sequence[str], runs: int, result: dict[str, float], config: Config) -> None:
    from lambda_import_lint.batch.cache import NotOurs, open_folder

    folder = open_folder(config, "measure")
    if folder is None:
        return
    with folder:
        try:
            folder.write(_cache_name(python, targets, runs), json.dumps(result).encode())
        except (OSError, NotOurs):
            pass


def handler_costs(
    source: bytes, request: Request, python: str | None = None, runs: int = 5
) -> list[HandlerCost] | FileResult:
    """One row per handler of the module (a FileResult when it cannot be analysed)."""
    from lambda_import_lint.discovery.handlers import could_have_handler

    config, path = request.config, request.path
    if not request.declared and not could_have_handler(source, config.handler_names):
        return []
    analysis = analyse(source, request._replace(full=True))
    if isinstance(analysis, FileResult):
        return analysis if analysis.error else []
    if not analysis.handlers:
        return []
    init, after, costs, measured = module_costs(analysis, config, python, runs)
    return [
        HandlerCost(path, function, init, max(init - after, 0.0), after, tuple(costs), measured)
        for function in analysis.handlers
    ]


def default_python() -> str:
    return sys.executable

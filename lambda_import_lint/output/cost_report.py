"""Cold-start cost per handler: what its imports cost now, and after ``--fix`` (and after
``--fix --unsafe-fixes``), from where the fixes really put each import.

"After fix" is not assumed: the fixer runs on the source in memory, and the fixed module is
analysed again. What a cold start that takes no optional path still pays is every module-scope
import plus every import on the main path of a function the handler runs on its main path
(``judgement.cold_start_imports``): an import moved to the top of the handler is still paid.

Costs come from the catalogue (labelled estimates), or with ``--measure`` from ``-X importtime``
runs of the chosen interpreter (``measure.py``). User code is never imported into this process,
and local modules are never imported at all.

Memory: on-demand INIT runs with a full vCPU; an invocation gets CPU in proportion to its memory
(one vCPU at 1,769 MB). A deferred import costs the first invocation that needs it about
``cost × max(1, 1769 / memory)``; both figures are given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from lambda_import_lint.catalogue import HeavyModules
from lambda_import_lint.config import Config
from lambda_import_lint.discovery.declarations import FULL_VCPU_MB
from lambda_import_lint.engine.check import analyse
from lambda_import_lint.engine.request import Request
from lambda_import_lint.engine.results import Analysis, FileResult
from lambda_import_lint.judgement.assessment import DEFERRED_BY_FIXES, ImportJudgement, Status
from lambda_import_lint.output.measure import Interpreter, Load, Timing, measure

if TYPE_CHECKING:
    import libcst as cst

    from lambda_import_lint.analysis.records import ImportBinding, ModuleFacts
    from lambda_import_lint.discovery.declarations import LayerRoot

DEFAULT_MEMORY_MB = 128  # Lambda's default when a function declares none
RULE_PAGE = "https://github.com/lambda-import-lint/lambda-import-lint/blob/main/docs/rules/{code}.md"
# Colours of the page, and the statuses of an import now:
#   stays: needed on every invocation (or not something the fixes move); deferrable: the judgement
#   says it is not needed on every invocation, yet no fix takes it off a cold start; deferred: the
#   safe fixes take it off; deferred-unsafe: only --unsafe-fixes does; already-paid: loaded anyway;
#   warm: SnapStart or provisioned concurrency pays INIT before traffic.
STATUSES = ("stays", "deferrable", "deferred", "deferred-unsafe", "already-paid", "warm")


@dataclass(frozen=True)
class ImportCost:
    module: str
    statement: str
    line: int
    ms: float
    status: str  # one of STATUSES
    loads: tuple[Load, ...] = ()
    error: str | None = None  # the import failed in the measured interpreter
    # Deferred: what the first invocation that needs it pays, at a full vCPU and at the memory.
    first_use_ms: float | None = None
    first_use_at_memory_ms: float | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "module": self.module,
            "statement": self.statement,
            "line": self.line,
            "ms": round(self.ms, 1),
            "status": self.status,
            "failed": self.error is not None,
            "error": self.error,
            "first_use_ms": _rounded(self.first_use_ms),
            "first_use_at_memory_ms": _rounded(self.first_use_at_memory_ms),
            "slower_than_init": self.slower_than_init,
            "loads": [load.to_json() for load in self.loads],
        }

    @property
    def slower_than_init(self) -> bool:
        """The branch that needs it will pay more than INIT paid (less CPU than a vCPU)."""
        return self.first_use_at_memory_ms is not None and self.first_use_at_memory_ms > self.ms + 0.05


@dataclass(frozen=True)
class FindingRow:
    line: int
    code: str
    message: str

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "code": self.code, "message": self.message, "url": RULE_PAGE.format(code=self.code)}


@dataclass(frozen=True)
class HandlerCost:
    path: str
    function: str
    init_ms: float  # module-scope imports now
    cold_start_ms: float  # now: what a cold start taking no optional path pays
    after_fix_ms: float  # the same after --fix
    after_unsafe_fixes_ms: float  # the same after --fix --unsafe-fixes
    imports: tuple[ImportCost, ...]
    measured: bool
    memory_mb: int = DEFAULT_MEMORY_MB
    memory_declared: bool = False
    interpreter: Interpreter | None = None
    findings: tuple[FindingRow, ...] = ()
    fix_failure: str | None = None  # why the fixer left the module as it is

    @property
    def deferrable_ms(self) -> float:
        """What ``--fix`` saves a cold start taking no optional path."""
        return max(self.cold_start_ms - self.after_fix_ms, 0.0)

    @property
    def deferrable_unsafe_ms(self) -> float:
        return max(self.cold_start_ms - self.after_unsafe_fixes_ms, 0.0)

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "function": self.function,
            "init_ms": round(self.init_ms, 1),
            "cold_start_ms": round(self.cold_start_ms, 1),
            "deferrable_ms": round(self.deferrable_ms, 1),
            "after_fix_ms": round(self.after_fix_ms, 1),
            "deferrable_unsafe_ms": round(self.deferrable_unsafe_ms, 1),
            "after_unsafe_fixes_ms": round(self.after_unsafe_fixes_ms, 1),
            "memory_mb": self.memory_mb,
            "memory_declared": self.memory_declared,
            "measured": self.measured,
            "basis": "measured" if self.measured else "catalogue estimates",
            "interpreter": self.interpreter.to_json() if self.interpreter else None,
            "fix_failure": self.fix_failure,
            "imports": [item.to_json() for item in self.imports],
            "findings": [finding.to_json() for finding in self.findings],
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def at_memory(ms: float, memory_mb: int) -> float:
    """What an import that takes ``ms`` at a full vCPU takes inside an invocation at ``memory_mb``."""
    return ms * max(1.0, FULL_VCPU_MB / max(memory_mb, 1))


def _statement(binding: ImportBinding) -> str:
    from lambda_import_lint.rules.messages import import_text

    return import_text(binding)


def runtime_imports(analysis: Analysis) -> list[ImportJudgement]:
    """The module-scope imports that run at import time, with the judgement of each."""
    assert analysis.assessment is not None
    return [
        j
        for j in analysis.assessment.judgements
        if not j.binding.type_checking and not j.binding.lazy and not j.binding.star
    ]


def deferred_by_fixes(analysis: Analysis) -> list[ImportJudgement]:
    """The imports the judgement says the fixes take off module scope: ``DEFERRED_BY_FIXES``, the
    same statuses LIL001, LIL002 and LIL003 report (a test holds the two views together). Whether
    a cold start really skips them is read from the fixed module (``handler_costs``)."""
    return [j for j in runtime_imports(analysis) if j.status in DEFERRED_BY_FIXES]


def target(binding: ImportBinding) -> str:
    """What the measuring script imports for one import: ``pkg.mod`` for ``import pkg.mod`` (and
    ``from pkg.mod import *``), ``pkg.mod:name`` for ``from pkg.mod import name``."""
    import libcst as cst

    alias = binding.alias
    if isinstance(binding.statement, cst.ImportFrom) and alias is not None and isinstance(alias.name, cst.Name):
        return f"{binding.module}:{alias.name.value}"
    return binding.module


class Prices:
    """What a set of import statements costs, measured or from the catalogue."""

    def __init__(
        self, config: Config, interpreter: Interpreter | None, runs: int, cache: bool, path: str,
        layer_roots: tuple[LayerRoot, ...] = (), heavy: HeavyModules | None = None,
    ) -> None:
        self.config, self.interpreter, self.runs, self.cache, self.path = config, interpreter, runs, cache, path
        self.layer_roots = layer_roots
        # The catalogue's figures as the module's function installs its packages (`Assessment.heavy`).
        self.heavy = heavy if heavy is not None else config.heavy
        self._local: dict[str, bool] = {}
        # The same statements are priced several times per module (now, after each kind of fix,
        # per handler): measured once per run of this file, even with --no-cache.
        self._measured: dict[tuple[str, ...], dict[str, Timing]] = {}

    @property
    def measured(self) -> bool:
        return self.interpreter is not None

    def each(self, bindings: Sequence[ImportBinding], extra: Sequence[str] = ()) -> dict[str, Timing]:
        """Per target, in order; a module loaded by an earlier one costs nothing more. ``extra``:
        third-party modules paid with these imports (what the handler's layer modules import)."""
        targets = list(dict.fromkeys([*(target(b) for b in bindings if not self._is_local(b)), *extra]))
        if self.interpreter is not None:
            key = tuple(targets)
            if key not in self._measured:
                self._measured[key] = measure(self.interpreter, targets, self.runs, self.config, self.cache)
            return self._measured[key]
        return self._catalogue(targets)

    def total(self, bindings: Sequence[ImportBinding], extra: Sequence[str] = ()) -> float:
        return sum(timing.ms for timing in self.each(bindings, extra).values())

    def first_use(self, paid: Sequence[ImportBinding], binding: ImportBinding) -> float:
        """What ``binding`` adds on top of what a cold start already paid."""
        if self._is_local(binding):
            return 0.0
        timing = self.each([*paid, binding]).get(target(binding))
        return timing.ms if timing is not None else 0.0

    def _catalogue(self, targets: Sequence[str]) -> dict[str, Timing]:
        """Catalogue figures: each package once, nothing another one of the set loads (pandas'
        figure includes numpy's), in the order given."""
        from lambda_import_lint.judgement.assessment import package_of

        heavy = self.heavy
        modules = [_catalogued(name, heavy) for name in targets]
        packages = [package_of(module, heavy) for module in modules]
        priced = {p for p in packages if heavy.cost_ms(p) is not None}
        loaded = set().union(*(heavy.loaded_by(p) for p in priced)) if priced else set()
        result: dict[str, Timing] = {}
        seen: set[str] = set()
        for name, package in zip(targets, packages):
            cost = heavy.cost_ms(package)
            if cost is None or package in loaded or package in seen:
                result[name] = Timing(0.0)
                continue
            seen.add(package)
            loads = tuple(
                Load(module, float(heavy.cost_ms(module) or 0)) for module in sorted(heavy.loaded_by(package))
            )
            result[name] = Timing(float(cost), loads)
        return result

    def _is_local(self, binding: ImportBinding) -> bool:
        """Whether the import's top-level package is a file or package of the project: in the
        handler's folder or a folder above it, up to the project root (where Lambda's task root
        puts the code), or in one of the function's layers' ``python/`` folders. Importing any part
        of it would run the project's code. Relative imports are always local. A package a layer
        installs in its ``site-packages`` is a third party's: the measuring interpreter imports its
        own copy, if it has one."""
        from lambda_import_lint.analysis.local_modules import resolve, search_roots

        if binding.module.startswith("."):
            return True
        top = binding.module.split(".")[0]
        if top not in self._local:
            importer = Path(self.path)
            own_code = tuple(root for root in self.layer_roots if Path(root[1]).name != "site-packages")
            roots = search_roots(importer, self.config.root, own_code)
            self._local[top] = resolve(top, 0, importer, roots) is not None
        return self._local[top]


def _catalogued(name: str, heavy: HeavyModules) -> str:
    """The module whose catalogue entry a target pays for: ``scipy.stats`` for ``scipy:stats``
    (``from scipy import stats``) as for ``scipy.stats`` (``judgement.catalogue_entry``)."""
    from lambda_import_lint.judgement.assessment import catalogue_entry

    module, _, imported = name.partition(":")
    return catalogue_entry(module, f"{module}.{imported}", heavy) if imported else module


def handler_costs(
    source: bytes,
    request: Request,
    interpreter: Interpreter | None = None,
    runs: int = 5,
    memory: Mapping[str, int] | None = None,
    cache: bool = True,
) -> list[HandlerCost] | FileResult:
    """One row per handler of the module (a FileResult when it cannot be analysed). ``memory``:
    the declared memory (MB) of each handler function; Lambda's default for the others."""
    from lambda_import_lint.discovery.handlers import could_have_handler

    config, path = request.config, request.path
    if not request.declared and not could_have_handler(source, config.handler_names):
        return []
    full = request._replace(full=True)
    analysis = analyse(source, full)
    if isinstance(analysis, FileResult):
        return analysis if analysis.error else []
    if not analysis.handlers:
        return []
    safe, unsafe, failure = _fixed(source, full, analysis)
    assert analysis.assessment is not None
    prices = Prices(config, interpreter, runs, cache, path, request.layer_roots, analysis.assessment.heavy)
    rows = []
    for function in analysis.handlers:
        declared = (memory or {}).get(function)
        memory_mb = declared if declared is not None else DEFAULT_MEMORY_MB
        rows.append(_row(analysis, function, safe, unsafe, prices, memory_mb, declared is not None, failure))
    return rows


def _fixed(source: bytes, request: Request, analysis: Analysis) -> tuple[ModuleFacts, ModuleFacts, str | None]:
    """The facts of the module after the safe fixes and after all fixes (the original's when a fix
    fails or there is nothing to fix). Facts only: what a cold start pays needs no judgement."""
    from lambda_import_lint.fixes.fixer import fix_source

    fixable = [f for f in analysis.result.findings if f.fix is not None]
    if not fixable:
        return analysis.facts, analysis.facts, None
    results: list[ModuleFacts] = []
    failure = None
    for unsafe in (False, True):
        if unsafe and all(f.fix is not None and f.fix.safety == "safe" for f in fixable):
            results.append(results[0])
            break
        outcome = fix_source(source, request, unsafe=unsafe, first=analysis)
        failure = failure or outcome.failure
        results.append(_facts_of(outcome.source) if outcome.changed else analysis.facts)
    return results[0], results[1], failure


def _facts_of(source: bytes) -> ModuleFacts:
    import libcst as cst

    from lambda_import_lint.analysis.facts import collect_facts

    return collect_facts(cst.parse_module(source))


def _cold_start(facts: ModuleFacts, function: str) -> list[ImportBinding]:
    from lambda_import_lint.judgement.assessment import cold_start_imports

    handler = facts.function_named(function)
    if handler is None:  # the fixes never remove a handler; the module-scope imports, then
        return [b for b in facts.imports if not b.type_checking and not b.lazy]
    return cold_start_imports(facts, handler)


def _row(
    analysis: Analysis,
    function: str,
    safe: ModuleFacts,
    unsafe: ModuleFacts,
    prices: Prices,
    memory_mb: int,
    memory_declared: bool,
    failure: str | None,
) -> HandlerCost:
    assert analysis.assessment is not None
    now = [j.binding for j in analysis.assessment.judgements if not j.binding.type_checking and not j.binding.lazy]
    cold_now = _cold_start(analysis.facts, function)
    after_safe = _cold_start(safe, function)
    after_unsafe = _cold_start(unsafe, function)
    still_safe = {target(b) for b in after_safe}
    still_unsafe = {target(b) for b in after_unsafe}
    layered = _through_layers(analysis, prices.heavy)
    extra = [module for module, _, _ in layered]
    timings = prices.each(now, extra)
    judgements = {id(j.binding): j for j in analysis.assessment.judgements}
    lines = _statement_lines(analysis)
    imports = []
    for binding in now:
        judgement = judgements[id(binding)]
        name = target(binding)
        timing = timings.get(name, Timing(0.0))
        status = _status(judgement, name, still_safe, still_unsafe)
        first_use = None
        if status in ("deferred", "deferred-unsafe") and timing.error is None:
            paid = after_safe if status == "deferred" else after_unsafe
            first_use = prices.first_use(paid, binding)
        imports.append(
            ImportCost(
                binding.module,
                _statement(binding),
                lines.get(binding.top_statement, 0),
                timing.ms,
                status,
                timing.loads,
                timing.error,
                first_use,
                None if first_use is None else at_memory(first_use, memory_mb),
            )
        )
    own = {target(binding) for binding in now}
    for module, text, binding in layered:
        timing = Timing(0.0) if module in own else timings.get(module, Timing(0.0))  # the handler's import pays
        status = "stays" if timing.ms > 0 or timing.error is not None else "already-paid"
        line = lines.get(binding.top_statement, 0)
        imports.append(ImportCost(module, text, line, timing.ms, status, timing.loads, timing.error))
    findings = tuple(FindingRow(f.line, f.code, f.message) for f in analysis.result.findings)
    return HandlerCost(
        analysis.result.path,
        function,
        prices.total(now, extra),
        prices.total(cold_now, extra),
        prices.total(after_safe, extra),
        prices.total(after_unsafe, extra),
        tuple(imports),
        prices.measured,
        memory_mb,
        memory_declared,
        prices.interpreter,
        findings,
        failure,
    )


def _through_layers(analysis: Analysis, heavy: HeavyModules) -> list[tuple[str, str, ImportBinding]]:
    """(heavy package, the import that loads it, that import) for what the handler module's
    imports of its layers' modules load at module scope: every cold start pays it, and no fix of
    this module moves it."""
    from lambda_import_lint.judgement.assessment import package_of

    assert analysis.assessment is not None
    judgements = analysis.assessment.judgements
    found: dict[str, tuple[str, ImportBinding]] = {}
    for load in analysis.assessment.layer_loads:
        binding = judgements[load.index].binding
        for module in load.modules:
            found.setdefault(package_of(module, heavy), (f"{_statement(binding)} (layer `{load.layer}`)", binding))
    return [(module, text, binding) for module, (text, binding) in found.items()]


def _statement_lines(analysis: Analysis) -> dict[cst.BaseStatement, int]:
    """The 1-based first line of each module-level statement (its leading comments excluded)."""
    module = analysis.module
    line = len(module.header)
    lines: dict[cst.BaseStatement, int] = {}
    for statement in module.body:
        lines[statement] = line + len(statement.leading_lines) + 1
        line += module.code_for_node(statement).count("\n")
    return lines


def _status(judgement: ImportJudgement, name: str, still_safe: set[str], still_unsafe: set[str]) -> str:
    if judgement.status is Status.WARM:
        return "warm"
    if judgement.status is Status.ALREADY_PAID:
        return "already-paid"
    if name not in still_safe:
        return "deferred"
    if name not in still_unsafe:
        return "deferred-unsafe"
    if judgement.status in DEFERRED_BY_FIXES:
        return "deferrable"
    return "stays"

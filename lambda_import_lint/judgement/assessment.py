"""One judgement per module-scope import, shared by every rule and the cost report, so that
rules never contradict each other and ``report`` never counts what ``check`` does not report.

Each import binding gets exactly one ``Status``; LIL001, LIL002 and LIL003 report every import with
the status that is theirs (and only those), and LIL101 marks the imports it reports so LIL001 leaves
them alone. Every reason not to report an import (re-exports, feature probes, dynamic access…) is a
status decided here, never a filter inside a rule.
"""

from __future__ import annotations

import builtins
import dataclasses
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Callable, Collection, Iterable, Mapping

import libcst as cst

from lambda_import_lint.analysis.syntax import does_nothing, dotted_name, is_stub, returns_alone
from lambda_import_lint.analysis.walk_base import descendants
from lambda_import_lint.catalogue import HeavyModules, imports_known, load_catalogue

if TYPE_CHECKING:
    from lambda_import_lint.analysis.local_modules import HeavyLink
from lambda_import_lint.analysis.records import (
    CallSite,
    FunctionInfo,
    ImportBinding,
    ModuleFacts,
    Use,
)


class Status(Enum):
    LIGHT = "light"  # not a heavy module
    SKIPPED = "skipped"  # star, lazy, TYPE_CHECKING-only, or bound more than once
    PINNED = "pinned"  # used at import time (module scope, a function run while importing, __all__)
    KEPT = "kept"  # unused on purpose: a re-export, a feature probe, a package's __init__, dynamic access
    UNUSED = "unused"  # LIL002
    # Unused, above handlers that do nothing yet (print the event, return a constant): scaffolding
    # about to be used, and nothing depends on such a function's cold starts.
    PLACEHOLDER = "placeholder"
    # Unused, in a module whose code reads names nothing binds (a NameError waiting to happen):
    # unfinished code, which may yet need the import (round 17's blind review: `table.put_item`
    # with `table` never defined, under an "unused" `import boto3`).
    # Or whose handlers call two stubs or more (`return None` under "store in DynamoDB here").
    UNFINISHED = "unfinished"
    ANNOTATION_ONLY = "annotation-only"  # LIL003
    MAIN_PATH = "main-path"  # every handler needs it on every invocation: deferring costs
    CLIENT = "client"  # builds an SDK client a handler creates per invocation (LIL101 reports it)
    WARM = "warm"  # every handler has SnapStart or provisioned concurrency: INIT is free
    ALREADY_PAID = "already-paid"  # loaded anyway by an import that stays
    # What moving it would stop loading costs a few milliseconds (`botocore.exceptions`), or is
    # mostly loaded by what stays (Powertools' `parameters` next to a `boto3` that stays).
    CHEAP = "cheap"
    # Used only in functions no handler is known to run (handed to unknown code, registered by a
    # decorator, reached through getattr): no invocation is proven to skip it.
    UNPROVEN = "unproven"
    RARE = "rare"  # the module's handlers run a handful of times (custom resource, rotation)
    # Nobody waits on the module's handlers (a queue or stream worker, a schedule, a notification):
    # deferring saves billed INIT on the few cold starts that skip the use, and nobody sees it.
    UNAWAITED = "unawaited"
    # Most of the ways one invocation can go use it (the routes of a resolver, the arms of a
    # dispatch every handler runs): the few that skip it are not shown to be taken often.
    COMMON = "common"
    DEFERRABLE = "deferrable"  # LIL001


@dataclass(frozen=True)
class Place:
    """Where a deferred import goes: the top of a conditional block of a function (an index into
    ``ModuleFacts.branches``), or the top of the function itself (``branch`` None)."""

    function: FunctionInfo
    branch: int | None = None


@dataclass(frozen=True)
class ImportJudgement:
    index: int
    binding: ImportBinding
    status: Status
    uses: tuple[Use, ...]
    # The functions whose bodies run the uses, reduced to the outermost ones (for messages).
    target_functions: tuple[FunctionInfo, ...] = ()
    # Deferrable: where the import goes so that it lands on the code path that needs it, reduced
    # (an import at the top of a block serves the blocks and closures inside it). Empty when no
    # statement block holds the uses off every handler's main path (``x if c else pd.f()`` on it):
    # then moving the import would not defer it, and ``no_place`` says why.
    places: tuple[Place, ...] = ()
    no_place: str | None = None
    # LIL004: a local module this import runs, whose chain of imports reaches a heavy module that
    # can be deferred where it is, while this import is needed by some invocations only.
    local_chain: HeavyLink | None = None
    # A branch that never runs still names it (``if DEBUG:`` with ``DEBUG = False``): no use, but a
    # fix that moves or removes the import would leave the name undefined there.
    named_where_dead: bool = False
    # Other imports the fixes also take off module scope that load this one's package (``import
    # boto3`` and ``from boto3.dynamodb.conditions import Key``, both unused): the saving comes only
    # once they are all gone, which the messages say (indexes into ``facts.imports``).
    loaded_also_by: tuple[int, ...] = ()
    # Deferrable, annotation-only: what it costs beyond what the imports that stay load, when that
    # is less than its catalogue cost (``_not_loaded_ms``); None when it is the whole cost.
    saving_ms: int | None = None


@dataclass(frozen=True)
class ClientSite:
    """An SDK client built inside a function a handler runs, from arguments that do not depend on
    the invocation (LIL101)."""

    site: CallSite
    handler: FunctionInfo
    every_invocation: bool  # on the handler's main path: built by every invocation, not only some
    per_item: bool = False  # in a loop, or in a function a loop calls: built again for each item
    others: int = 0  # the module's other handlers, which all reach it too


@dataclass(frozen=True)
class LayerLoad:
    index: int  # the import of the layer's module
    layer: str
    modules: tuple[str, ...]  # the heavy modules it loads, sorted


@dataclass(frozen=True)
class Assessment:
    judgements: tuple[ImportJudgement, ...]
    client_sites: tuple[ClientSite, ...]  # LIL101
    warm_handlers: frozenset[FunctionInfo] = frozenset()
    all_handlers_warm: bool = False
    # Module-scope imports of a layer's modules, and the heavy modules each loads at module scope
    # (directly or through other modules): paid in the handler's INIT, which `report` counts.
    layer_loads: tuple[LayerLoad, ...] = ()
    # The figures judged with: the catalogue's, less the optional packages the module's function
    # does not install (`HeavyModules.absent`); the messages and the cost report price by them.
    heavy: HeavyModules | None = None

    def with_status(self, status: Status) -> Iterable[ImportJudgement]:
        return (judgement for judgement in self.judgements if judgement.status is status)


# The statuses whose imports the fixes take off module scope: what `report` counts as deferrable.
DEFERRED_BY_FIXES = frozenset({Status.DEFERRABLE, Status.UNUSED, Status.ANNOTATION_ONLY})


def main_path_functions(facts: ModuleFacts, handler: FunctionInfo) -> set[FunctionInfo]:
    """The handler and every function it calls unconditionally, transitively, and every function
    both sides of an ``if … else`` of those call (one side runs whenever the statement does)."""
    found = _closure(facts, handler, follow_conditional=False)
    if not facts.alternatives:
        return found
    pending = list(found)  # each function's sides are looked at once, when it joins the main path
    while pending:
        function = pending.pop()
        sides = _calls_by_side(facts, function)
        for body, orelse in facts.alternatives:
            if body not in sides or orelse not in sides:
                continue
            both = _main_paths_of(facts, sides[body]) & _main_paths_of(facts, sides[orelse])
            for reached in both - found:
                joining = _closure(facts, reached, follow_conditional=False) - found
                found |= joining
                pending.extend(joining)
    return found


def _both_sides_use(uses: Iterable[Use], facts: ModuleFacts, main_path: set[FunctionInfo]) -> bool:
    """Both sides of an ``if … else`` at the top level of a function on the main path run a use, in
    themselves or in a function they may call (``if a: requests.get(…) else: requests.post(…)``;
    round 12: ``return _get_job(id)`` or ``return _list_jobs(query)``, each reading the table):
    whichever runs, it is used."""
    uses = [use for use in uses if use.function is not None]
    return any(
        _block_runs_a_use(facts, body, uses, main_path) and _block_runs_a_use(facts, orelse, uses, main_path)
        for body, orelse in facts.alternatives
    )


def _block_runs_a_use(facts: ModuleFacts, block: int, uses: list[Use], owners: Collection[FunctionInfo]) -> bool:
    """The conditional block ``block`` (an index into ``ModuleFacts.branches``) at the top of the
    body of a function of ``owners`` runs one of ``uses``: in itself, nested or not, or in a
    function it calls there (``_runs_a_use``)."""
    return any(use.function in owners and use.branch[:1] == (block,) for use in uses) or any(
        edge.blocks[:1] == (block,) and _runs_a_use(facts, uses, edge.callee)
        for owner in owners for edge in facts.calls_from(owner)
    )


def _runs_a_use(facts: ModuleFacts, uses: Iterable[Use], start: FunctionInfo) -> bool:
    """``start``, or a function it may call, runs one of ``uses`` (in itself or a function nested
    in it)."""
    reach = reachable_functions(facts, start)
    return any(
        use.function is not None
        and (use.function in reach or any(parent in reach for parent in use.function.ancestors()))
        for use in uses
    )


def _calls_by_side(facts: ModuleFacts, function: FunctionInfo) -> dict[int, set[FunctionInfo]]:
    """The functions ``function`` calls at the top level of each of its conditional blocks (by
    index into ``ModuleFacts.branches``)."""
    sides: dict[int, set[FunctionInfo]] = {}
    for edge in facts.calls_from(function):
        if edge.called and edge.branch is not None and len(edge.branch) == 1:
            sides.setdefault(edge.branch[0], set()).add(edge.callee)
    return sides


def _main_paths_of(facts: ModuleFacts, functions: Iterable[FunctionInfo]) -> set[FunctionInfo]:
    """What running all of ``functions`` runs whenever they run: each and its main path."""
    return set().union(*(_closure(facts, function, follow_conditional=False) for function in functions))


def reachable_functions(facts: ModuleFacts, handler: FunctionInfo) -> set[FunctionInfo]:
    """The handler and every function it may call, transitively."""
    return _closure(facts, handler, follow_conditional=True)


def run_per_item(facts: ModuleFacts, handler: FunctionInfo) -> set[FunctionInfo]:
    """The functions the handler may run once per item of a loop: called from a loop (or
    comprehension) body of a function it reaches, or by such a function, transitively."""
    looped: set[FunctionInfo] = set()
    for function in reachable_functions(facts, handler):
        for edge in facts.calls_from(function):
            if edge.repeated and edge.callee not in looped:
                looped |= _closure(facts, edge.callee, follow_conditional=True)
    return looped


def _closure(
    facts: ModuleFacts,
    start: FunctionInfo,
    follow_conditional: bool,
    avoiding: Callable[[FunctionInfo], bool] | None = None,
) -> set[FunctionInfo]:
    """``start`` and what it may call, transitively; never entering a function ``avoiding`` names."""
    seen = {start}
    pending = [start]
    while pending:
        for edge in facts.calls_from(pending.pop()):
            if avoiding is not None and avoiding(edge.callee):
                continue
            if (follow_conditional or not edge.conditional) and edge.callee not in seen:
                seen.add(edge.callee)
                pending.append(edge.callee)
    return seen


def outermost_functions(functions: Iterable[FunctionInfo]) -> tuple[FunctionInfo, ...]:
    unique = list(dict.fromkeys(functions))
    chosen = set(unique)
    return tuple(f for f in unique if not any(parent in chosen for parent in f.ancestors()))


def package_of(module: str, heavy: HeavyModules) -> str:
    """The catalogue entry a module belongs to (``google.cloud`` for google.cloud.storage)."""
    return heavy.entry(module)


def catalogue_module(binding: ImportBinding, heavy: HeavyModules) -> str:
    """The module whose catalogue entry an import pays for: ``scipy.stats`` for ``from scipy import
    stats`` as for ``import scipy.stats`` (a submodule entry costs more than its package)."""
    return binding.module if binding.star else catalogue_entry(binding.module, binding.qualified, heavy)


def catalogue_entry(module: str, qualified: str, heavy: HeavyModules) -> str:
    """The module whose catalogue entry importing ``qualified`` from ``module`` pays for: the
    longer name when its entry is more specific (``scipy.stats``), else the module."""
    by_module, by_name = package_of(module, heavy), package_of(qualified, heavy)
    return qualified if len(by_name) > len(by_module) else module


def _is_heavy(binding: ImportBinding, heavy: HeavyModules) -> bool:
    return heavy.is_heavy(binding.module) or (
        not binding.star and heavy.is_heavy(binding.qualified)
    )


def _rebound(binding: ImportBinding, facts: ModuleFacts) -> bool:
    """Bound by more than one module-level statement, other than alternatives of one guard."""
    if binding.name in facts.global_declarations:
        return True
    count = facts.module_bindings.get(binding.name, 0)
    if count <= 1:
        return False
    if binding.guard is None:
        return True
    same_guard = sum(
        1 for other in facts.imports if other.name == binding.name and other.guard is binding.guard
    )
    return same_guard != count


def _pinning_use(use: Use, facts: ModuleFacts) -> bool:
    if not use.runtime:
        return False
    return use.function is None or use.function in facts.import_time_functions


def assess(
    facts: ModuleFacts,
    heavy: HeavyModules,
    handlers: tuple[FunctionInfo, ...],
    defer_all: bool,
    warm_handlers: frozenset[FunctionInfo] = frozenset(),
    package_init: bool = False,
    local_chains: Mapping[int, HeavyLink] | None = None,
    loaded_by_packages: frozenset[str] = frozenset(),
    rarely_invoked: bool = False,
    deploy_time: bool = False,
    awaited: bool = True,
    report_unproven: bool = False,
    clients_marginal: bool = False,
    patched_factories: frozenset[str] = frozenset(),
) -> Assessment:
    """Judge every module-scope import of a module with these handlers. ``defer_all``: every use
    inside a function counts (shared code, ``--defer all``); ``package_init``: the module is a
    package's ``__init__.py``, whose imports re-export; ``local_chains``: imports of local modules
    that reach a heavy import (``analysis/local_modules.py``), judged here for LIL004;
    ``loaded_by_packages``: what the ``__init__`` of the packages holding shared code loads before
    it (``local_modules.enclosing_package_loads``), and what every module importing it loads beside
    it (``external_references.loaded_by_importers``): already paid;
    ``rarely_invoked``: the handlers run a handful of times (a custom resource, a rotation
    function), so neither their cold starts nor their per-invocation clients are worth a change;
    ``deploy_time``: they are a CloudFormation custom resource, run while a stack deploys, which
    waits minutes on them anyway: not even an unused import is (blind reviews: 3 of 3 "no"; in
    other rarely run functions, which somebody may wait on, nearly every run is a cold start that
    pays it: those stay reported);
    ``awaited``: the module shows somebody waits on its handlers' answers (an HTTP request, a
    GraphQL field): only there is a client built per invocation, or per item of a loop, worth a
    change (blind reviews, rounds 1-14: elsewhere — queue and stream workers, schedules,
    notifications — 44 of 172 clients built once per invocation and 7 of 19 built per item were),
    and only there is an import some invocations skip worth deferring (LIL001, LIL004: elsewhere
    the saving is billed INIT on the few cold starts that skip it; blind reviews, rounds 1-14: 1 of
    the 12 such findings was worth it) — shared code and ``--defer all`` excepted;
    ``clients_marginal``: building a client is a sliver of what an invocation costs — every handler
    is declared with a full vCPU or more (1,769 MB), where a client takes a few milliseconds
    (``benchmarks/client_cost.py``), or the module waits (sleeps, long-polls, watches its remaining
    time: ``analysis.handlers.waits``) or starts work that runs long after it (a Step Functions
    execution, a Glue or Batch job: ``analysis.handlers.hands_off``) — nothing a change would be worth;
    ``patched_factories``: client factories the project's tests of this module replace
    (``mock.patch("boto3.client")``): a client built at import escapes the patch, so moving one
    there breaks those tests (``external_references.patched_factories``);
    ``report_unproven``: ``--defer all`` asked for every deferrable import, even one a module we
    cannot see into may load anyway (shared code's own ``defer all`` semantics do not ask that),
    and for every client a handler may build, even one only some invocations build."""
    handler_reach = {handler: reachable_functions(facts, handler) for handler in handlers}
    main_paths = [main_path_functions(facts, handler) for handler in handlers]
    client_sites = _client_sites(facts, handler_reach, main_paths)
    client_bindings = {client.site.binding for client in client_sites}
    reached = frozenset(handlers).union(*handler_reach.values())
    all_warm = bool(handlers) and all(handler in warm_handlers for handler in handlers)
    imported_by_every_invocation = _imported_inside_on_every_main_path(facts, main_paths, heavy)
    first_pass: list[ImportJudgement] = []
    for index, binding in enumerate(facts.imports):
        every_use = facts.uses.get(binding.name, ()) if not binding.star else ()
        uses = tuple(use for use in every_use if not use.dead)
        status = _first_status(binding, uses, facts, heavy, client_bindings, main_paths, defer_all)
        if status is Status.DEFERRABLE and not defer_all:
            status = _ways_using(uses, facts, main_paths) or status
        if (
            (status is Status.DEFERRABLE and not defer_all or status is Status.UNUSED)
            and package_of(catalogue_module(binding, heavy), heavy) in imported_by_every_invocation
        ):
            # Moved or removed, it is imported again by every invocation: only INIT's share moves
            # into the request (an unused `import openpyxl` beside the handler's own
            # `from openpyxl.worksheet.table import Table`: a blind review's "no").
            status = Status.MAIN_PATH
        if status is Status.DEFERRABLE and not defer_all and not _placed(uses, reached):
            status = Status.UNPROVEN
        named_where_dead = len(uses) != len(every_use)
        first_pass.append(ImportJudgement(index, binding, status, uses, named_where_dead=named_where_dead))

    # What only an unused import's judgement reads: looked at only when there is one.
    unused = any(judgement.status is Status.UNUSED for judgement in first_pass)
    placeholders = unused and bool(handlers) and all(does_nothing(handler.node) for handler in handlers)
    unfinished = unused and (bool(_unbound_reads(facts)) or _stubbed(reached, handlers))
    loaded_here = _loaded_here(first_pass, facts, heavy)
    # Local modules imported at module scope load their own heavy imports: paid whatever happens here.
    loaded_locally = {
        index: set().union(*(_paid_by(module, heavy) for module in link.loads))
        for index, link in (local_chains or {}).items()
        if not facts.imports[index].type_checking
    }
    loaded = loaded_here.union(*loaded_locally.values(), *(_paid_by(module, heavy) for module in loaded_by_packages))
    unseen = _unseen_imports(facts, heavy, local_chains) if local_chains is not None else {}
    # What may load a heavy module at run time: not the imports guarded under `TYPE_CHECKING` with
    # it (a `mypy_boto3_s3` stub beside the `boto3` it types).
    guarded = {judgement.binding.name for judgement in first_pass if judgement.status is Status.ANNOTATION_ONLY}
    staying = {package: names - guarded for package, names in unseen.items() if names - guarded}
    maybe = _may_load(facts, heavy, guarded)
    judgements = []
    for judgement in first_pass:
        status = judgement.status
        module = catalogue_module(judgement.binding, heavy)
        if status in DEFERRED_BY_FIXES and package_of(module, heavy) in loaded:
            status = Status.ALREADY_PAID
        saving = _not_loaded_ms(module, loaded, heavy) if status in DEFERRED_BY_FIXES else None
        if saving is not None and saving < NOT_WORTH_MS:
            status = Status.CHEAP
        elif saving is not None and saving < (heavy.cost_ms(module) or 0):
            judgement = dataclasses.replace(judgement, saving_ms=saving)
        if status is Status.UNUSED and _kept_on_purpose(judgement.binding, facts, package_init):
            status = Status.KEPT
        if status is Status.UNUSED and placeholders:
            status = Status.PLACEHOLDER
        if status is Status.UNUSED and unfinished:
            status = Status.UNFINISHED
        if status is Status.UNUSED and deploy_time:
            status = Status.RARE
        if (
            (
                status is Status.UNUSED or status is Status.ANNOTATION_ONLY
                or status is Status.DEFERRABLE and not report_unproven
            )
            and (_seen_by_others(judgement.binding, staying, heavy) or _maybe_loaded(judgement.binding, maybe, heavy))
        ):
            # Removing, guarding or deferring it saves something only if nothing else loads it, and
            # a module we cannot see into (a layer's helper, a package not in the catalogue) may:
            # not proven (round 19: `LambdaContext` for annotations beside the project's own
            # `ftrs_common.logger`, which imports Powertools' Logger).
            status = Status.UNPROVEN
        if status is Status.DEFERRABLE and all_warm:
            status = Status.WARM
        if status is Status.DEFERRABLE and rarely_invoked:
            status = Status.RARE
        if status is Status.DEFERRABLE and not awaited and not defer_all:
            status = Status.UNAWAITED
        judgements.append(_with_places(dataclasses.replace(judgement, status=status), main_paths, defer_all))
    if local_chains and not all_warm and not rarely_invoked and (awaited or defer_all):
        judgements = _with_local_chains(
            judgements, local_chains, facts, heavy, main_paths, reached, defer_all, loaded_locally, loaded_here,
            bool(unseen),
        )
    judgements = _paid_by_the_late_staying(judgements, first_pass, heavy)
    judgements = _with_shared_loads(judgements, heavy)
    layer_loads = tuple(
        LayerLoad(index, link.layer, tuple(sorted(link.loads)))
        for index, link in sorted((local_chains or {}).items())
        if link.layer and link.loads and not facts.imports[index].type_checking and not facts.imports[index].lazy
    )
    # The sites still build clients (their imports stay), but one whose factory the module's tests
    # replace stays where the patch reaches it.
    reported = tuple(
        client for client in client_sites
        if client.site.qualified not in patched_factories and not _behind_a_cache(client.site, handlers, facts)
    )
    # A client only some invocations build (one route of several, one branch) is not shown to be
    # built often, unless a loop builds it again for each item: `--defer all` reports it anyway.
    reported = tuple(
        client for client in reported if client.every_invocation or client.per_item or report_unproven
    )
    clients = reported if awaited and not rarely_invoked and not clients_marginal else ()
    return Assessment(tuple(judgements), clients, warm_handlers, all_warm, layer_loads, heavy)


# AWS SDK sessions: building one loads no service model and opens no connection (~5 ms with a
# full vCPU, benchmarks/client_cost.py); what costs is each client built from a new session
# (~60 ms: its models are loaded again). A session only read for its region or credentials is not
# worth a change (blind reviews: 7 of 8 such findings judged not worth it).
_SDK_SESSIONS = frozenset(
    ("boto3.Session", "boto3.session.Session", "botocore.session.Session", "botocore.session.get_session")
)


# Names every module has without binding them.
_MODULE_NAMES = frozenset({
    "__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__", "__builtins__", "__path__",
    "__annotations__", "__dict__", "__class__", "__cached__", "__debug__",
})


def _unbound_reads(facts: ModuleFacts) -> set[str]:
    """The names the module's code reads at run time that nothing binds: not the module, not a
    builtin, not a nearer scope (none when a star import or dynamic access could bind them; an
    ``if __name__ == "__main__":`` block's reads are a local run's, not the function's)."""
    if facts.dynamic_access or any(binding.star for binding in facts.imports):
        return set()
    return {
        name for name, uses in facts.uses.items()
        if name not in facts.module_bindings and name not in _MODULE_NAMES and not hasattr(builtins, name)
        and any(use.runtime and not use.annotation and not use.dead and not use.main_block for use in uses)
    }


def _stubbed(reached: Collection[FunctionInfo], handlers: Collection[FunctionInfo]) -> bool:
    """Whether the handlers call two functions or more not written yet (``syntax.is_stub``): a
    scaffold whose stubs name the work the unused import is for (round 18's blind review: eight
    helpers returning None under "store data in DynamoDB here", "send notification with SNS here",
    beside an unused ``import boto3``: both reviewers "no"). One stub alone is a no-op hook."""
    stubs = 0
    for function in reached:
        if function not in handlers and is_stub(function.node):
            stubs += 1
            if stubs >= 2:
                return True
    return False


def _keeps_what_it_builds(function: FunctionInfo, facts: ModuleFacts) -> bool:
    """The function keeps what it builds across invocations, so what it runs after its guard runs
    on a cache miss: it declares ``global`` (``global CONFIG``, then ``if CONFIG: return CONFIG``),
    is memoized (``@lru_cache``, ``@cache``, ``@cached(...)``), or returns early and stores into a
    module-level mapping (round 14: ``cached = _secret_cache.get(path)``, ``if cached …: return
    cached[0]``, then ``_secret_cache[path] = value`` after building the SSM client)."""
    if any(_memoizing(decorator.decorator) for decorator in function.node.decorators):
        return True
    block = function.node.body
    if not isinstance(block, cst.IndentedBlock):
        return False
    body = block.body
    lines = [line for line in body if isinstance(line, cst.SimpleStatementLine)]
    if any(isinstance(small, cst.Global) for line in lines for small in line.body):
        return True
    if not any(returns_alone(statement) for statement in body):
        return False  # the cheap test first: most functions have no early return
    targets = [
        node.target for node in descendants(function.node.body) if isinstance(node, (cst.AssignTarget, cst.AugAssign))
    ]
    kept = {
        target.value.value for target in targets
        if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name)
        and target.value.value in facts.module_bindings and target.value.value not in function.params
    }
    return bool(kept) and not any(isinstance(target, cst.Name) and target.value in kept for target in targets)


_MEMOIZERS = frozenset({"lru_cache", "cache", "cached", "ttl_cache"})


def _memoizing(decorator: cst.BaseExpression) -> bool:
    called = decorator.func if isinstance(decorator, cst.Call) else decorator
    name = dotted_name(called)
    return name is not None and name.rsplit(".", 1)[-1] in _MEMOIZERS


def _behind_a_cache(site: CallSite, handlers: tuple[FunctionInfo, ...], facts: ModuleFacts) -> bool:
    """Every handler reaches the client only through a function that keeps what it builds (the
    client is built in it, or below it): built when that cache is empty or stale, not per
    invocation (a lazily initialised client, a configuration reloaded hourly, a memoized secret)."""
    if site.function is None or not handlers:
        return False

    known: dict[FunctionInfo, bool] = {}

    def keeps(function: FunctionInfo) -> bool:
        if function not in known:
            known[function] = _keeps_what_it_builds(function, facts)
        return known[function]

    return not any(
        not keeps(handler) and site.function in _closure(facts, handler, follow_conditional=True, avoiding=keeps)
        for handler in handlers
    )


def _client_sites(
    facts: ModuleFacts, handler_reach: Mapping[FunctionInfo, set[FunctionInfo]], main_paths: list[set[FunctionInfo]]
) -> tuple[ClientSite, ...]:
    """SDK clients built with constant arguments in a function a handler runs (LIL101). One built
    on an error path is built when something failed: not worth a change. In a module several
    functions use as their handlers, one not every handler runs would, at module scope, be built in
    the INIT of functions that never use it: a trade, not a proven gain."""
    client_factories = load_catalogue().client_factories
    sites: list[ClientSite] = []
    per_item_of: dict[FunctionInfo, set[FunctionInfo]] = {}  # handler → run_per_item, when a site asks
    for site in facts.import_calls:
        if (
            site.qualified not in client_factories or not site.constant_arguments or site.error_path or site.configured
            or site.unused
        ):
            continue
        if site.qualified in _SDK_SESSIONS and not site.builds_clients:
            continue
        if site.function is None or not all(site.function in reach for reach in handler_reach.values()):
            continue
        for (handler, reach), main_path in zip(handler_reach.items(), main_paths):
            if site.function is not None and site.function in reach:
                if handler not in per_item_of:
                    per_item_of[handler] = run_per_item(facts, handler)
                per_item = site.repeated or site.function in per_item_of[handler]
                every_invocation = not site.conditional and site.function in main_path
                sites.append(ClientSite(site, handler, every_invocation, per_item, len(handler_reach) - 1))
                break
    return tuple(sites)


def _loaded_here(first_pass: list[ImportJudgement], facts: ModuleFacts, heavy: HeavyModules) -> set[str]:
    """What is already paid: whatever stays at module scope loads its package and the packages the
    catalogue says it loads, and module-level calls import what they patch; deferring another
    import of those saves nothing."""
    staying = (
        Status.PINNED, Status.MAIN_PATH, Status.COMMON, Status.CLIENT, Status.SKIPPED, Status.WARM, Status.UNPROVEN
    )
    loaded = _loaded_by_calls(facts, heavy)
    for judgement in first_pass:
        binding = judgement.binding
        if judgement.status in staying and not binding.type_checking and _is_heavy(binding, heavy):
            loaded |= _loads_of(binding, heavy)
    return loaded


def _loads_of(binding: ImportBinding, heavy: HeavyModules) -> set[str]:
    """What an import that stays at module scope loads: its package, and what the catalogue's entry
    for it loads."""
    return _paid_by(binding.module, heavy) | _paid_by(catalogue_module(binding, heavy), heavy)


# What the second pass makes of an import the first found deferrable, unused or annotation-only
# that no fix then takes off module scope.
_KEPT_BY_THE_SECOND_PASS = frozenset({Status.UNPROVEN, Status.WARM, Status.RARE, Status.UNAWAITED})


def _paid_by_the_late_staying(
    judgements: list[ImportJudgement], first_pass: list[ImportJudgement], heavy: HeavyModules
) -> list[ImportJudgement]:
    """An import the second pass keeps at module scope (unproven, or deferrable but not worth
    deferring: warm, rare, nobody waits) loads its package and what the catalogue says that loads:
    another import of those saves nothing by moving or going (round 10: `from requests import
    Response` for an annotation, beside an `import requests` that a module we cannot see into may
    load, was advised under `TYPE_CHECKING` for a saving that could not come; round 20: an unused
    `langchain_core.documents` in an S3 worker, beside `langchain_community` imports that stay)."""
    late = set().union(*(
        _paid_by(catalogue_module(judgement.binding, heavy), heavy)
        for judgement, first in zip(judgements, first_pass)
        if judgement.status in _KEPT_BY_THE_SECOND_PASS and first.status in DEFERRED_BY_FIXES
        and not judgement.binding.type_checking and _is_heavy(judgement.binding, heavy)
    ))
    if not late:
        return judgements
    return [
        dataclasses.replace(judgement, status=Status.ALREADY_PAID)
        if judgement.status in DEFERRED_BY_FIXES
        and package_of(catalogue_module(judgement.binding, heavy), heavy) in late
        else judgement
        for judgement in judgements
    ]


def _with_shared_loads(judgements: list[ImportJudgement], heavy: HeavyModules) -> list[ImportJudgement]:
    """``loaded_also_by`` for each import the fixes take off module scope: the others going with
    it, from other statements, that load its package."""
    going = [
        (judgement, catalogue_module(judgement.binding, heavy))
        for judgement in judgements
        if judgement.status in DEFERRED_BY_FIXES and not judgement.binding.type_checking
    ]
    if len(going) < 2:
        return judgements
    shared: dict[int, tuple[int, ...]] = {}
    for judgement, module in going:
        package = package_of(module, heavy)
        also = tuple(
            other.index for other, other_module in going
            if other.binding.statement is not judgement.binding.statement and package in _paid_by(other_module, heavy)
        )
        if also:
            shared[judgement.index] = also
    return [
        dataclasses.replace(judgement, loaded_also_by=shared[judgement.index]) if judgement.index in shared
        else judgement
        for judgement in judgements
    ]


# Below this, what moving an import saves is lost among a cold start's own costs (the runtime's
# start alone takes ~100 ms or more): not worth a change (blind review, round 7: a ~3 ms
# `botocore.exceptions`, a Powertools utility whose loads already stayed).
NOT_WORTH_MS = 15


def _not_loaded_ms(module: str, loaded: set[str], heavy: HeavyModules) -> int | None:
    """What importing ``module`` costs beyond what the imports that stay load (``loaded``): its
    catalogue cost less that of the costliest module it loads that is loaded anyway (an
    overestimate when several are). None for a module the catalogue does not time."""
    cost = heavy.cost_ms(module)
    if cost is None:
        return None
    paid = [heavy.cost_ms(other) or 0 for other in heavy.loaded_by(module) if other in loaded]
    return max(cost - max(paid, default=0), 0)


def _paid_by(module: str, heavy: HeavyModules) -> set[str]:
    """The catalogue entry ``module`` belongs to and every package that entry loads (a submodule
    entry such as ``scipy.stats`` lists its package)."""
    return set(heavy.paid_by(module))


def _with_places(judgement: ImportJudgement, main_paths: list[set[FunctionInfo]], defer_all: bool) -> ImportJudgement:
    """A deferrable import with the functions that use it and the places a move puts it."""
    if judgement.status is not Status.DEFERRABLE:
        return judgement
    runtime = [use for use in judgement.uses if use.runtime and use.function is not None]
    targets = outermost_functions(use.function for use in runtime if use.function is not None)
    places, no_place = _places(runtime, main_paths if not defer_all else [])
    return dataclasses.replace(judgement, target_functions=targets, places=places, no_place=no_place)


def _with_local_chains(
    judgements: list[ImportJudgement],
    local_chains: Mapping[int, HeavyLink],
    facts: ModuleFacts,
    heavy: HeavyModules,
    main_paths: list[set[FunctionInfo]],
    reached: frozenset[FunctionInfo],
    defer_all: bool,
    loaded_locally: Mapping[int, set[str]],
    loaded_here: set[str],
    unseen: bool,
) -> list[ImportJudgement]:
    """LIL004's judgement: the import of the local module is judged as if it were the heavy
    import it causes. A chain is worth reporting only when some invocations skip the local module
    (deferrable here, and not used by most ways of a dispatch: ``_ways_using``), the heavy module
    is not loaded anyway by an import that stays, and the heavy import can be deferred where it is
    and saves something there (``analysis/local_modules`` ends chains only there); once per heavy
    module."""
    deferrable: dict[int, HeavyLink] = {}
    for index, link in sorted(local_chains.items()):
        judgement = judgements[index]
        if link.names:
            status = _first_status(
                judgement.binding, judgement.uses, facts, heavy, set(), main_paths, defer_all, as_heavy=True
            )
            if status is Status.DEFERRABLE and not defer_all:
                # Most ways of a dispatch use it (round 29: every route of an API used its service
                # module, which only a preflight, a 401 and a 404 skipped), as for LIL001.
                status = _ways_using(judgement.uses, facts, main_paths) or status
            if status is Status.DEFERRABLE and (defer_all or _placed(judgement.uses, reached)):
                deferrable[index] = link
    # Deferring one local module saves nothing while something else loads the same heavy module:
    # what stays in this module, another local module (deferrable or not: one fix alone does not
    # help), or a module we cannot see into (a layer's helper, a package outside the catalogue).
    if deferrable and unseen:
        return judgements
    reported_leaves: set[str] = set()
    result = list(judgements)
    # An import of this module no fix takes off module scope loads its package, whatever the first
    # pass thought of it (round 45: an unused `import jwt` kept because `auth.patient` loads jwt
    # too, beside the chain `auth.patient → jwt`: neither move alone saves anything).
    kept = {
        judgement.index: _loads_of(judgement.binding, heavy)
        for judgement in judgements
        if judgement.status not in DEFERRED_BY_FIXES and not judgement.binding.type_checking
        and _is_heavy(judgement.binding, heavy)
    }
    for index, link in deferrable.items():
        leaf = link.names[-1]
        others = loaded_here.union(
            *(packages for other, packages in loaded_locally.items() if other != index),
            *(packages for other, packages in kept.items() if other != index),
        )
        if leaf in reported_leaves or package_of(leaf, heavy) in others:
            continue
        saving = _not_loaded_ms(leaf, others, heavy)
        if saving is not None and saving < NOT_WORTH_MS:
            continue  # (jwt without cryptography beside a boto3 that stays: ~10 ms)
        reported_leaves.add(leaf)
        result[index] = dataclasses.replace(judgements[index], local_chain=link)
    return result


def _first_status(
    binding: ImportBinding,
    uses: tuple[Use, ...],
    facts: ModuleFacts,
    heavy: HeavyModules,
    client_bindings: set[ImportBinding],
    main_paths: list[set[FunctionInfo]],
    defer_all: bool,
    as_heavy: bool = False,
) -> Status:
    if not as_heavy and not _is_heavy(binding, heavy):
        return Status.LIGHT
    if binding.star or binding.lazy or binding.type_checking or _rebound(binding, facts):
        return Status.SKIPPED
    # Annotations evaluated at import time pin the import only when the code also needs it;
    # otherwise the import is annotation-only (LIL003), whose fix postpones them.
    code_uses = [use for use in uses if not use.annotation]
    if binding.name in facts.all_names or any(_pinning_use(use, facts) for use in code_uses):
        return Status.PINNED
    if any(use.main_block for use in uses):
        return Status.PINNED  # `if __name__ == "__main__":` code reads the module global
    if binding in client_bindings:
        return Status.CLIENT
    if not uses:
        return Status.UNUSED
    if any(use.read_by_framework for use in uses):
        return Status.PINNED  # a framework resolves the annotation at run time: it needs the import
    if not code_uses:
        return Status.ANNOTATION_ONLY
    if any(_pinning_use(use, facts) for use in uses):
        return Status.PINNED
    runtime_uses = [use for use in uses if use.runtime]
    if not defer_all and main_paths and all(
        any(not use.conditional and use.function in main_path for use in runtime_uses)
        or _both_sides_use(runtime_uses, facts, main_path)
        for main_path in main_paths
    ):
        return Status.MAIN_PATH
    return Status.DEFERRABLE


def _loaded_by_calls(facts: ModuleFacts, heavy: HeavyModules) -> set[str]:
    """Packages that module-level calls import, with what the catalogue says those load: X-Ray
    patching (Powertools' ``Tracer()`` unless ``auto_patch=False``, narrowed by
    ``patch_modules=[...]``; ``patch_all()``; ``patch([...])``: botocore's client, session and
    config, not boto3 — round 21's blind review: an unused ``boto3`` beside ``Tracer()`` saves
    ~35 ms, not ~190) and ``importlib.import_module("x")``. Deferring an import of those saves
    nothing; of what imports them, only the rest."""
    catalogue = load_catalogue()
    patchers = catalogue.patchers
    loaded: set[str] = set()
    for site in facts.import_calls:
        if site.function is not None:
            continue
        arguments = {arg.keyword.value: arg.value for arg in site.node.args if arg.keyword is not None}
        positional = [arg.value for arg in site.node.args if arg.keyword is None]
        if site.qualified in patchers:
            auto = arguments.get("auto_patch")
            if isinstance(auto, cst.Name) and auto.value == "False":
                continue
            listed = arguments.get("patch_modules")
            if listed is None and site.qualified.endswith(".patch") and positional:
                listed = positional[0]
            if listed is None:
                names = patchers[site.qualified]
            else:  # X-Ray's names: `boto3` patches (and so loads) botocore's client, not boto3
                names = tuple(
                    module for name in _literal_strings(listed) for module in catalogue.patch_names.get(name, (name,))
                )
            loaded.update(*(_paid_by(name, heavy) for name in names))
        elif site.qualified == "importlib.import_module" and positional:
            loaded.update(*(_paid_by(name, heavy) for name in _literal_strings(positional[0])))
    return loaded


def _literal_strings(expression: cst.BaseExpression) -> tuple[str, ...]:
    """The strings a literal (``"x"``, ``["a", "b"]``) holds; none for anything computed."""
    if isinstance(expression, cst.SimpleString) and isinstance(expression.evaluated_value, str):
        return (expression.evaluated_value,)
    if isinstance(expression, (cst.List, cst.Tuple, cst.Set)):
        return tuple(value for element in expression.elements for value in _literal_strings(element.value))
    return ()


def _ways_using(uses: tuple[Use, ...], facts: ModuleFacts, main_paths: list[set[FunctionInfo]]) -> Status | None:
    """What the ways one invocation can go say of a name used in some of them (in themselves or a
    function they may call): main path when every route of one resolver uses it
    (``ModuleFacts.route_groups``); common when most of them do — more than half, two at least, or
    all —, or most of the ways of a dispatch every handler's main path runs (``ModuleFacts.dispatches``).
    Most invocations then pay for the import anyway, and the ways that skip it are not shown to be
    taken often (blind reviews: a dispatcher whose ~30 commands but a test command use `urllib3`, a
    proxy whose routes but sign-up and log-in forward with `requests`). Routes no traffic that
    matters takes, health checks and documentation pages, are no ways of their own (round 26: a bot
    whose `/health` and `/test` alone skipped `requests`). None otherwise."""
    runtime = [use for use in uses if use.runtime and use.function is not None]

    def runs_a_use(start: FunctionInfo) -> bool:
        return _runs_a_use(facts, runtime, start)

    def most(using: int, ways: int) -> bool:
        return using >= 2 and 2 * using > ways or 0 < using == ways

    common = False
    for group in facts.route_groups:
        using = sum(1 for route in group if runs_a_use(route))
        if group and using == len(group):
            return Status.MAIN_PATH
        common = common or most(using, len(group))
    for dispatch in facts.dispatches:
        if common or not main_paths or not all(dispatch.function in main_path for main_path in main_paths):
            continue
        # (A dispatch sits at the top of its function's body: each arm is the outermost block of
        # what it holds.)
        using = sum(1 for arm in dispatch.arms if _block_runs_a_use(facts, arm, runtime, (dispatch.function,)))
        common = most(using, dispatch.ways)
    return Status.COMMON if common else None


def _placed(uses: tuple[Use, ...], reached: frozenset[FunctionInfo]) -> bool:
    """Every use at run time sits in a function some handler is known to run (or in a function
    nested in one): then the main-path analysis speaks for every use."""
    for use in uses:
        if not use.runtime or use.function is None:
            continue
        if use.function not in reached and not any(parent in reached for parent in use.function.ancestors()):
            return False
    return True


def _places(uses: list[Use], main_paths: list[set[FunctionInfo]]) -> tuple[tuple[Place, ...], str | None]:
    """Where the import goes for each use: the innermost conditional block holding it, else the
    top of its function; reduced to the outermost places. With handlers (``main_paths``), a
    function-top place in a function every handler runs on its main path would not defer the
    import: then no place, and why."""
    wanted: dict[tuple[FunctionInfo, tuple[int, ...]], None] = {}
    for use in uses:
        assert use.function is not None
        wanted[(use.function, use.branch)] = None
    chosen: list[tuple[FunctionInfo, tuple[int, ...]]] = []
    for function, branch in wanted:
        covered = any(
            (other is function and branch[: len(other_branch)] == other_branch and other_branch != branch)
            or (not other_branch and other in set(function.ancestors()))
            for other, other_branch in wanted
        )
        if not covered:
            chosen.append((function, branch))
    tops = [function for function, branch in chosen if not branch]
    if main_paths and all(any(function in main_path for function in tops) for main_path in main_paths):
        return (), (
            "a use sits in a conditional expression (or a lambda) on a handler's main path: no statement "
            "block holds it, so a moved import would still run on every invocation"
        )
    return tuple(Place(function, branch[-1] if branch else None) for function, branch in chosen), None


def _unseen_imports(
    facts: ModuleFacts, heavy: HeavyModules, local_chains: Mapping[int, HeavyLink]
) -> dict[str, set[str]]:
    """The packages the module imports at module scope whose own imports we do not know, with the
    names each binds: not the standard library, not a catalogue entry (whose loads are listed), not
    a local module we followed unless it imports such a package itself ("." for a relative import
    we could not follow)."""
    unseen: dict[str, set[str]] = {}
    for index, binding in enumerate(facts.imports):
        if binding.type_checking or binding.lazy:
            continue
        if index in local_chains:
            if local_chains[index].opaque:  # a local module we followed imports one we cannot see
                unseen.setdefault(f"local {binding.module}", set()).add(binding.name)
            continue
        top = binding.module.lstrip(".").split(".")[0]
        if binding.module.startswith(".") or not top:
            unseen.setdefault(".", set()).add(binding.name)
        elif not imports_known(binding.module):
            unseen.setdefault(package_of(binding.module, heavy), set()).add(binding.name)
    return unseen


def _may_load(facts: ModuleFacts, heavy: HeavyModules, guarded: set[str]) -> dict[str, set[str]]:
    """The modules the module's other imports load in some releases or for some of their names
    (the catalogue's ``may_load``: openai 0.x imports numpy; ``from langchain.vectorstores import
    FAISS`` does, ``import Chroma`` from it may not), with the names of the imports that may."""
    maybe: dict[str, set[str]] = {}
    for binding in facts.imports:
        if binding.type_checking or binding.lazy or binding.name in guarded:
            continue
        for module in heavy.may_load(binding.module) | heavy.may_load(binding.qualified.lstrip(".")):
            maybe.setdefault(module, set()).add(binding.name)
    return maybe


def _maybe_loaded(binding: ImportBinding, maybe: Mapping[str, set[str]], heavy: HeavyModules) -> bool:
    """Whether another import may load this one's module anyway (round 24: an unused numpy beside
    `import openai` pinned at 0.27 and langchain's FAISS, both of which import it): taking it away
    is not proven to save anything."""
    module = catalogue_module(binding, heavy)
    names = maybe.get(package_of(module, heavy), set()) | maybe.get(module, set())
    return bool(names - {binding.name})


def _seen_by_others(binding: ImportBinding, unseen: Mapping[str, set[str]], heavy: HeavyModules) -> bool:
    """Whether a module we cannot see into, other than the one this import names, is imported: it
    may load this one, so taking this import away is not proven to save anything. An alternative
    bound to the same name (``try: import ujson as json / except ImportError: import json``) moves
    with it and does not count."""
    own = package_of(binding.module, heavy)
    return any(package != own and names != {binding.name} for package, names in unseen.items())


def _kept_on_purpose(binding: ImportBinding, facts: ModuleFacts, package_init: bool) -> bool:
    """An import nothing uses that is there for a reason: a package's ``__init__`` re-exports,
    ``globals()``/``eval()`` may read any name, ``try: import numpy / except ImportError:`` probes
    for a feature, and ``import x as x`` is an explicit re-export (PEP 484)."""
    return package_init or facts.dynamic_access or binding.guarded_by_import_error or _explicit_reexport(binding)


def _explicit_reexport(binding: ImportBinding) -> bool:
    alias = binding.alias
    if alias is None or alias.asname is None:
        return False
    return dotted_name(alias.name) == binding.name


def is_class_annotation_for_runtime(use: Use) -> bool:
    """Class-body annotations are read at run time by dataclasses, pydantic, attrs and friends."""
    if use.class_body is None:
        return False
    node: cst.ClassDef = use.class_body
    return bool(node.bases or node.keywords or node.decorators)


def _imported_inside_on_every_main_path(
    facts: ModuleFacts, main_paths: list[set[FunctionInfo]], heavy: HeavyModules
) -> set[str]:
    """The heavy packages a function-level import on the main path of every handler loads (round
    11: `from openpyxl.worksheet.table import Table` at the top of the report handler): every
    invocation imports them anyway, so a module-scope import of them gains nothing by moving, nor,
    unused, by going."""
    loaded: set[str] | None = None
    for main_path in main_paths:
        inside = set().union(*(
            _paid_by(catalogue_module(binding, heavy), heavy)
            for binding in _imports_on_main_path(facts, main_path)
            if _is_heavy(binding, heavy)
        ))
        loaded = inside if loaded is None else loaded & inside
    return loaded or set()


def cold_start_imports(facts: ModuleFacts, handler: FunctionInfo) -> list[ImportBinding]:
    """The imports a cold start of ``handler`` that takes no optional path runs, in order: the
    module-scope ones that run at import time (not under ``TYPE_CHECKING``, not ``lazy``), then
    those on the main path of a function the handler runs on its main path (the top of its body,
    inside ``try``/``with`` there). What the cost report prices before and after the fixes: an
    import moved to the top of the handler is still paid by every cold start."""
    module_scope = [b for b in facts.imports if not b.type_checking and not b.lazy]
    return [*module_scope, *_imports_on_main_path(facts, main_path_functions(facts, handler))]


def _imports_on_main_path(facts: ModuleFacts, main_path: set[FunctionInfo]) -> list[ImportBinding]:
    """The function-level imports on the main path of the functions of ``main_path``."""
    return [
        record.binding
        for record in facts.function_imports
        if record.function in main_path and _on_function_main_path(record.function.node, record.binding.line)
    ]


def _on_function_main_path(function: cst.FunctionDef, line: cst.CSTNode) -> bool:
    """Whether a statement of ``function`` runs whenever the function does: in its body, or in the
    body of a ``try`` or ``with`` there (an ``if`` or ``except`` body runs only sometimes)."""
    pending: list[cst.BaseSuite] = [function.body]
    while pending:
        suite = pending.pop()
        if not isinstance(suite, cst.IndentedBlock):
            if suite is line:  # ``def f(): import x``
                return True
            continue
        for statement in suite.body:
            if statement is line:
                return True
            if isinstance(statement, (cst.Try, cst.TryStar, cst.With)):
                pending.append(statement.body)
                if isinstance(statement, (cst.Try, cst.TryStar)) and statement.finalbody is not None:
                    pending.append(statement.finalbody.body)
    return False

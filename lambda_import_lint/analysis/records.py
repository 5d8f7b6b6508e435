"""The records the analysis produces for one module: frozen values that judge nothing.

``walker.py`` collects them in one pass over the LibCST tree and ``resolve.py`` ties names to their
bindings once the walk is complete; ``facts.collect_facts`` is the entry point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Literal, Mapping, Union

import libcst as cst

ImportStatement = Union[cst.Import, cst.ImportFrom, cst.LazyImport, cst.LazyImportFrom]
ScopeKind = Literal["module", "class", "function", "lambda", "comprehension"]


@dataclass(frozen=True, eq=False)
class ImportBinding:
    """A name bound by an import statement at module scope."""

    name: str
    module: str  # the module the statement loads ("pandas" for ``from pandas import DataFrame``)
    qualified: str  # what the name refers to ("pandas.DataFrame"; "a" for ``import a.b``)
    statement: ImportStatement
    line: cst.SimpleStatementLine | cst.SimpleStatementSuite
    alias: cst.ImportAlias | None  # None for ``from x import *``
    lazy: bool
    guard: cst.BaseCompoundStatement | None  # the module-level ``try``/``if``/``with``… it sits in
    type_checking: bool  # under ``if TYPE_CHECKING:``
    guarded_by_import_error: bool  # in a ``try`` statement whose handlers catch ImportError

    @property
    def star(self) -> bool:
        return self.alias is None

    @property
    def node(self) -> cst.CSTNode:
        """The node a finding about this binding points at."""
        return self.alias if self.alias is not None else self.statement

    @property
    def top_statement(self) -> cst.BaseStatement:
        """The module-level statement that holds the import."""
        return self.guard if self.guard is not None else cst.ensure_type(self.line, cst.SimpleStatementLine)


@dataclass(frozen=True, eq=False)
class FunctionInfo:
    """A ``def`` (or ``async def``) anywhere in the module."""

    name: str
    qualname: str
    node: cst.FunctionDef
    parent: FunctionInfo | None  # the enclosing function, if nested
    class_name: str | None  # set for methods: the class that directly contains the def
    module_level: bool
    params: tuple[str, ...]
    top_statement: cst.BaseStatement  # the module-level statement that contains the def

    def ancestors(self) -> Iterator[FunctionInfo]:
        parent = self.parent
        while parent is not None:
            yield parent
            parent = parent.parent


@dataclass(frozen=True, eq=False)
class Use:
    """A use of a module-scope name."""

    name: str
    node: cst.CSTNode
    function: FunctionInfo | None  # innermost def whose body runs it; None: runs at import time
    conditional: bool  # not on the main path of ``function`` (or of the module)
    annotation: bool
    runtime: bool  # False for annotations that are never evaluated
    class_body: cst.ClassDef | None  # set when the use is evaluated by a class body
    main_block: bool  # inside ``if __name__ == "__main__":`` (never runs on Lambda)
    # The conditional blocks of ``function`` that hold the use, outermost first (indexes into
    # ``ModuleFacts.branches``): an ``if``/``elif``/``else``/``except``/``case`` body, or the body
    # of a loop over a visibly optional part of the event. Empty on the function's main path, and
    # for a use made conditional only by an expression (``x if c else pd.f()``, a lambda).
    branch: tuple[int, ...] = ()
    # An annotation a framework reads at run time (a decorated function's signature: route
    # decorators, pydantic's validate_call; a class body with bases or decorators: BaseModel,
    # dataclasses): its name must exist at run time whatever ``from __future__`` says.
    read_by_framework: bool = False
    # In a branch that never runs (``if DEBUG:`` with ``DEBUG = False`` at module scope): judged as
    # no use, but a fix must not leave the name undefined there.
    dead: bool = False


@dataclass(frozen=True, eq=False)
class CallEdge:
    """``caller`` may run ``callee``; ``conditional`` when not on the caller's main path.
    ``called`` is False for a mere reference (a callback, a returned wrapper): it may run later."""

    callee: FunctionInfo
    conditional: bool
    called: bool = True
    repeated: bool = False  # made from a loop (or comprehension) body: the callee runs once per item
    # The conditional blocks of the caller around the call (``ModuleFacts.branches``); None when an
    # expression makes it conditional (``x if c else f()``, a callback, a route).
    branch: tuple[int, ...] | None = None
    # The conditional blocks around the call whatever else makes it conditional (an ``elif`` arm's
    # body is one, though its test makes it conditional by expression too).
    blocks: tuple[int, ...] = ()


@dataclass(frozen=True, eq=False)
class Dispatch:
    """An ``if … elif … else`` chain of three ways or more, or a ``match``, at the top level of a
    function's body: each run of the function takes one of its ways."""

    function: FunctionInfo
    arms: tuple[int, ...]  # each arm's block (indexes into ``ModuleFacts.branches``)
    # The arms, and one more when no ``else`` (or ``case _``) catches what the others miss and what
    # follows does more than report; an ``else`` that only reports is no way (nor arm) of its own,
    # nor is the arm of a route no traffic that matters takes (``syntax.is_side_way``: a health
    # check, a documentation page, a preflight, a keep-warm ping).
    ways: int


@dataclass(frozen=True, eq=False)
class CallSite:
    """A call whose callee is a dotted name rooted at a module-scope import (``boto3.client(...)``)."""

    qualified: str  # "boto3.client", resolved through the import binding
    binding: ImportBinding
    node: cst.Call
    function: FunctionInfo | None
    conditional: bool
    constant_arguments: bool  # every argument is independent of the invocation
    error_path: bool = False  # inside an ``except`` handler: runs when something failed
    # Bound to a local name the function then configures (``s.auth = ...``, ``s.headers.update(...)``)
    # or closes (``conn.close()``, a ``with`` block), or built after ``boto3.setup_default_session``:
    # built the same each time, but set up (or torn down) for this invocation; shared, it would carry
    # that over, or be found closed.
    configured: bool = False
    # The function builds a client from it (`session.client("s3")`, `boto3.Session().resource(...)`).
    builds_clients: bool = False
    repeated: bool = False  # in a loop (or comprehension) of its function: built once per item
    # Bound to a local name the function never reads (`client = boto3.client("lambda")` left over):
    # the line should go, not move.
    unused: bool = False


@dataclass(frozen=True, eq=False)
class FunctionImport:
    """An import inside a function body (what LIL102 hoists for SnapStart functions)."""

    function: FunctionInfo
    binding: ImportBinding
    top_level: bool  # a statement of the function body itself, not nested in if/try/loops
    bindings_in_function: int  # how many statements bind the name in that function


@dataclass(frozen=True, eq=False)
class ModuleFacts:
    module: cst.Module
    imports: tuple[ImportBinding, ...]
    functions: tuple[FunctionInfo, ...]
    uses: dict[str, tuple[Use, ...]]  # module-scope name → its uses, resolved
    module_bindings: dict[str, int]  # how many module-level statements bind each name (imports too)
    global_declarations: frozenset[str]  # names some function declares ``global``
    import_time_functions: frozenset[FunctionInfo]  # run while the module is imported
    import_calls: tuple[CallSite, ...]
    function_imports: tuple[FunctionImport, ...]  # imports inside function bodies
    all_names: frozenset[str]  # ``__all__``
    postponed_annotations: bool
    dynamic_access: bool  # ``globals()``/``eval``/``exec``/``vars()`` may reach any name
    # A class-body annotation names something the class body itself binds: postponing annotations
    # (``from __future__ import annotations``) would change what it refers to.
    postponing_changes_names: bool = False
    # The call graph: what each function may run (functions that call nothing are absent).
    calls: Mapping[FunctionInfo, tuple[CallEdge, ...]] = field(default_factory=dict)
    # Every conditional block the walk met (``Use.branch`` indexes into it), in source order.
    branches: tuple[cst.BaseSuite, ...] = ()
    # The two sides of each `if … else` (indexes into ``branches``): one runs whenever the statement
    # does, so what both run, runs.
    alternatives: tuple[tuple[int, int], ...] = ()
    # The routes of each resolver that dispatches every invocation to exactly one of them (all its
    # routes are in this module): a name every one of them uses is used by every invocation.
    route_groups: tuple[tuple[FunctionInfo, ...], ...] = ()
    dispatches: tuple[Dispatch, ...] = ()
    # The functions a framework object bound at module level registers for Lambda to call (a
    # Chalice app's or blueprint's routes and event handlers), by the object's name.
    framework_entries: Mapping[str, tuple[FunctionInfo, ...]] = field(default_factory=dict)

    def calls_from(self, function: FunctionInfo) -> tuple[CallEdge, ...]:
        return self.calls.get(function, ())

    def function_named(self, name: str) -> FunctionInfo | None:
        """The module-level function bound to ``name`` last: a second ``def`` of the name replaces
        the first, and Lambda calls the one the module leaves bound."""
        for function in reversed(self.functions):
            if function.module_level and function.name == name:
                return function
        return None

"""The walk itself: state, dispatch, bindings and uses. The visits live in the ``walk_*`` modules,
one concern each, and ``walker.Collector`` puts them together.

LibCST's own visitor rebuilds every node on the way back up, even for a read-only visit; that cost
about as much as the parse itself (measured), so the walk here only reads. A ``visit_X`` method
handles node type X and returns True to have its children walked generically.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence, TypeGuard, cast

import libcst as cst

from lambda_import_lint.analysis.records import FunctionInfo, ImportBinding, ScopeKind
from lambda_import_lint.analysis.scopes import BOUND, WALRUS, RawCall, RawUse, Scope


_NON_CODE_FIELDS = frozenset(
    {"lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after_decorators", "header", "footer",
     "operator", "equal", "colon", "star", "dot", "whitespace", "trailing_whitespace", "indent", "lbracket",
     "rbracket", "lbrace", "rbrace", "walrus", "arrow", "asynchronous", "relative", "newline", "default_indent",
     "default_newline", "encoding", "has_trailing_newline", "value_suffix", "prefix", "string", "quote",
     "start", "end"}
)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(node_type: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(node_type)
    if fields is None:
        import dataclasses

        fields = tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _NON_CODE_FIELDS and not f.name.startswith("whitespace")
        )
        _CHILD_FIELDS[node_type] = fields
    return fields


class WalkerBase:
    """The state of one walk over a module, and the primitives every visit uses."""

    def __init__(self, postponed_annotations: bool) -> None:
        self.postponed = postponed_annotations
        self.module_scope = Scope("module", None, None)
        self.scope = self.module_scope
        self.function: FunctionInfo | None = None
        self.conditional = False
        self.branch: tuple[int, ...] = ()  # the conditional blocks of the current function around here
        self.error_path = False  # inside an `except` handler of the current function
        self.branches: list[cst.BaseSuite] = []
        # The two sides of each `if … else`: (the body's branch, the else's branch), indexes into
        # ``branches``. One of them runs whenever the statement does.
        self.alternatives: list[tuple[int, int]] = []
        # A branch taken when a module-level name is true (or false): `if DEBUG:` → ("DEBUG", True).
        self.branch_conditions: dict[int, tuple[str, bool]] = {}
        self.by_expression = False  # made conditional by an expression (x if c else y, a lambda…)
        self.repeated = False  # inside a loop or comprehension body of the current function
        self.loop_names: frozenset[str] = frozenset()  # what the innermost `for` binds per item
        self.module_literals: dict[str, bool] = {}  # NAME = literal at module scope → its truth
        # NAME = os.environ.get(...) at module scope: the deployment's configuration, the same for
        # every invocation, so a branch on it does not tell invocations apart.
        self.module_settings: set[str] = set()
        # `if x: return …` statements after which their block only reports: their bodies run on
        # every invocation that does anything (``syntax.answers_then_only_reports``).
        self.only_ways: set[int] = set()
        # `if` statements whose body does no work, nor what follows them: the `else` is every
        # working invocation's way (``walk_statements._note_idle_ways``).
        self.idle_bodies: set[int] = set()
        # Dispatches at the top level of a function's body: its arms' blocks and how many ways an
        # invocation can go through it (``records.Dispatch``).
        self.dispatches: list[tuple[FunctionInfo, tuple[cst.BaseSuite, ...], int]] = []
        self.elifs: set[int] = set()  # ids of the `if` nodes that are the `elif` of another
        self.annotation = False
        self.runtime_annotation = True
        self.framework_annotation = False  # the annotation being walked is read by a framework
        self.class_body: cst.ClassDef | None = None
        self.main_block = False
        self.guard: cst.BaseCompoundStatement | None = None
        self.top_statement: cst.BaseStatement = cst.SimpleStatementLine(body=[])
        self.type_checking = False
        self.import_error_guard = False
        self.current_line: cst.SimpleStatementLine | cst.SimpleStatementSuite | None = None
        self.class_stack: list[str] = []
        self.imports: list[ImportBinding] = []
        self.function_imports: list[tuple[FunctionInfo, ImportBinding, Scope]] = []
        self.functions: list[FunctionInfo] = []
        self.raw_uses: list[RawUse] = []
        self.raw_calls: list[RawCall] = []
        self.module_bindings: dict[str, int] = {}
        self.global_declarations: set[str] = set()
        self.all_names: set[str] = set()
        self.dynamic_access = False

    def walk(self, node: cst.CSTNode | Sequence[cst.CSTNode] | None) -> None:
        if node is None:
            return
        if not _is_node(node):
            for child in cast("Sequence[cst.CSTNode]", node):
                self.walk(child)
            return
        node_type = type(node)
        visitors = _VISITORS.setdefault(type(self), {})
        method = visitors.get(node_type)
        if method is None:
            method = visitors[node_type] = getattr(type(self), "visit_" + node_type.__name__, _walk_children)
        if method(self, node):
            _walk_children(self, node)

    def walk_conditionally(self, node: cst.CSTNode | Sequence[cst.CSTNode] | None) -> None:
        """Code that may or may not run when the code around it runs (``x if c else y``, a lambda)."""
        saved = (self.conditional, self.by_expression)
        self.conditional = self.by_expression = True
        self.walk(node)
        self.conditional, self.by_expression = saved

    def walk_branch(self, suite: cst.BaseSuite | None, condition: tuple[str, bool] | None = None) -> None:
        """A block that runs on some invocations only (an ``if`` body, an ``except`` handler): its
        code is conditional, and an import its uses need can be placed at its top."""
        if suite is None:
            return
        saved = (self.conditional, self.branch)
        self.conditional = True
        self.branch = (*self.branch, len(self.branches))
        if condition is not None:
            self.branch_conditions[len(self.branches)] = condition
        self.branches.append(suite)
        self.walk(suite)
        self.conditional, self.branch = saved

    def bind(self, name: str, value: object = BOUND) -> None:
        scope = self.scope
        if scope.kind == "comprehension" and value is WALRUS:
            while scope.kind == "comprehension" and scope.parent is not None:
                scope = scope.parent
        if name in scope.globals:
            self.module_bindings[name] = self.module_bindings.get(name, 0) + 1
            return
        if scope.kind == "module":
            self.module_bindings[name] = self.module_bindings.get(name, 0) + 1
        scope.bindings[name] = value
        scope.counts[name] = scope.counts.get(name, 0) + 1

    def bind_target(self, target: cst.BaseExpression, value: object = BOUND) -> None:
        """Bind names in an assignment target; sub-expressions of targets are loads."""
        if isinstance(target, cst.Name):
            self.bind(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind_target(element.value, value)
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value, value)
        else:
            self.walk(target)

    def add_use(self, name: str, node: cst.CSTNode) -> None:
        self.raw_uses.append(
            RawUse(
                name,
                node,
                self.scope,
                self.conditional,
                self.annotation,
                self.runtime_annotation if self.annotation else True,
                self.class_body,
                self.main_block,
                self.branch,
                self.annotation and self.framework_annotation,
                self.by_expression,
                self.repeated,
            )
        )

    def walk_repeatedly(self, node: cst.CSTNode | Sequence[cst.CSTNode] | None) -> None:
        """A loop's body: runs once per item, so what it builds is built again for each."""
        saved = (self.repeated, self.loop_names)
        self.repeated, self.loop_names = True, frozenset()
        self.walk(node)
        self.repeated, self.loop_names = saved

    def walk_annotation(
        self, annotation: cst.Annotation | None, evaluated: bool, read_by_framework: bool = False
    ) -> None:
        if annotation is None:
            return
        saved = (self.annotation, self.runtime_annotation, self.framework_annotation)
        self.annotation = True
        self.runtime_annotation = evaluated and not self.postponed
        self.framework_annotation = read_by_framework
        self.walk(annotation.annotation)
        self.annotation, self.runtime_annotation, self.framework_annotation = saved

    def enter_scope(self, kind: ScopeKind, function: FunctionInfo | None) -> Scope:
        saved = self.scope
        self.scope = Scope(kind, saved, function)
        return saved

    def add_call(
        self,
        name: str,
        attribute_path: tuple[str, ...],
        node: cst.Call | None,
        method_of: str | None = None,
    ) -> None:
        self.raw_calls.append(
            RawCall(
                name, attribute_path, node, self.scope, self.conditional, self.main_block, method_of, self.error_path,
                self.branch, self.by_expression, self.repeated,
            )
        )


# Type → whether it is a LibCST node. ``isinstance(x, cst.CSTNode)`` goes through ``ABCMeta``'s
# Python-level check on every call; the walks ask it for every field of every node.
_IS_NODE: dict[type, bool] = {}


def _learn(node_type: type) -> bool:
    known = _IS_NODE[node_type] = issubclass(node_type, cst.CSTNode)
    return known


def _is_node(value: object) -> TypeGuard[cst.CSTNode]:
    known = _IS_NODE.get(type(value))
    return _learn(type(value)) if known is None else known


def descendants(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """``node`` and every node below it, read only (LibCST's own visit rebuilds each node)."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        for name in _child_fields(type(current)):
            value = getattr(current, name)
            if _is_node(value):
                pending.append(value)
            elif isinstance(value, (list, tuple)):
                pending.extend(child for child in value if _is_node(child))


def _walk_children(collector: WalkerBase, node: cst.CSTNode) -> bool:
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        if _is_node(value):
            collector.walk(value)
        elif isinstance(value, (list, tuple)):
            for child in value:
                if _is_node(child):
                    collector.walk(child)
    return False


# Per walker class: node type → the visit that handles it.
_VISITORS: dict[type, dict[type, Callable[[Any, Any], bool | None]]] = {}

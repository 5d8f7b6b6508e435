"""Facts about one module, gathered in a single pass over its LibCST tree.

Nothing here judges: the collector records module-scope imports, every function, every name use with
the scope it resolves in, calls between functions and whether each use or call sits on its function's
*main path* (runs whenever the function runs). Rules read these facts.

Names are resolved once the whole module has been walked (as pyflakes does in ``checkDeadScopes``),
because a local binding later in a function still shadows an earlier use of the same name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Literal, Sequence, Union

import libcst as cst

ImportStatement = Union[cst.Import, cst.ImportFrom, cst.LazyImport, cst.LazyImportFrom]
FunctionNode = Union[cst.FunctionDef, cst.Lambda]
ScopeKind = Literal["module", "class", "function", "lambda", "comprehension"]

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
_DYNAMIC_BUILTINS = frozenset({"globals", "vars", "eval", "exec"})
_STRING_ANNOTATION_NAME = re.compile(r"(?<![\w.])([A-Za-z_]\w*)")


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


@dataclass(eq=False)
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
    calls: list[CallEdge] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)

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


@dataclass(frozen=True, eq=False)
class CallEdge:
    """``caller`` may run ``callee``; ``conditional`` when not on the caller's main path.
    ``called`` is False for a mere reference (a callback, a returned wrapper): it may run later."""

    callee: FunctionInfo
    conditional: bool
    called: bool = True


@dataclass(frozen=True, eq=False)
class CallSite:
    """A call whose callee is a dotted name rooted at a module-scope import (``boto3.client(...)``)."""

    qualified: str  # "boto3.client", resolved through the import binding
    binding: ImportBinding
    node: cst.Call
    function: FunctionInfo | None
    conditional: bool
    constant_arguments: bool  # every argument is independent of the invocation


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

    def function_named(self, name: str) -> FunctionInfo | None:
        for function in self.functions:
            if function.module_level and function.name == name:
                return function
        return None


class _Scope:
    __slots__ = ("kind", "parent", "function", "bindings", "counts", "globals", "nonlocals", "class_node")

    def __init__(
        self,
        kind: ScopeKind,
        parent: _Scope | None,
        function: FunctionInfo | None,
        class_node: cst.ClassDef | None = None,
    ) -> None:
        self.kind = kind
        self.parent = parent
        self.function = function
        self.bindings: dict[str, object] = {}  # name → FunctionInfo for defs, else a marker
        self.counts: dict[str, int] = {}  # how many statements bind each name here
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        self.class_node = class_node

    def lookup(self, name: str) -> tuple[_Scope, object] | None:
        """The scope that binds ``name`` as seen from here, by Python's rules (None: builtin)."""
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.globals:
                module = self._module()
                return module, module.bindings.get(name)
            # Class scopes are transparent: nested scopes never see class names, and for a use in
            # the class body itself falling through can only pin an import, never move one wrongly.
            if scope.kind != "class" and name not in scope.nonlocals and name in scope.bindings:
                return scope, scope.bindings[name]
            scope = scope.parent
        return None

    def _module(self) -> _Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


_BOUND = object()


@dataclass
class _RawUse:
    name: str
    node: cst.CSTNode
    scope: _Scope
    conditional: bool
    annotation: bool
    runtime: bool
    class_body: cst.ClassDef | None
    main_block: bool


@dataclass
class _RawCall:
    name: str
    attribute_path: tuple[str, ...]  # ("client",) for ``boto3.client``; () for ``f()``
    node: cst.Call | None
    scope: _Scope
    conditional: bool
    main_block: bool
    method_of: str | None  # ``self.f()``/``cls.f()`` inside a method of this class


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    return [
        *params.posonly_params,
        *params.params,
        *([params.star_arg] if isinstance(params.star_arg, cst.Param) else []),
        *params.kwonly_params,
        *([params.star_kwarg] if params.star_kwarg is not None else []),
    ]


def is_type_checking_test(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Name):
        return test.value == "TYPE_CHECKING"
    return isinstance(test, cst.Attribute) and test.attr.value == "TYPE_CHECKING"


def guard_holds_only_imports(guard: cst.BaseCompoundStatement) -> bool:
    """True when a module-level ``try``/``if`` holds nothing but imports (and ``pass``)."""
    blocks: list[cst.BaseSuite] = []
    if not isinstance(guard, (cst.Try, cst.If)):
        return False
    if isinstance(guard, cst.Try):
        if guard.orelse is not None or guard.finalbody is not None:
            return False
        blocks = [guard.body, *(handler.body for handler in guard.handlers)]
    else:
        branch: cst.If | cst.Else | None = guard
        while isinstance(branch, cst.If):
            blocks.append(branch.body)
            branch = branch.orelse
        if branch is not None:
            blocks.append(branch.body)
    for block in blocks:
        statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
        for statement in statements:
            if not isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                return False
            if not all(isinstance(node, (cst.Import, cst.ImportFrom, cst.Pass)) for node in statement.body):
                return False
    return True


def _is_main_guard(test: cst.BaseExpression) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    sides = (test.left, target.comparator)
    return (
        isinstance(target.operator, cst.Equal)
        and any(isinstance(side, cst.Name) and side.value == "__name__" for side in sides)
        and any(
            isinstance(side, cst.SimpleString) and side.evaluated_value == "__main__"
            for side in sides
        )
    )


def _catches_import_error(handlers: Sequence[cst.ExceptHandler | cst.ExceptStarHandler]) -> bool:
    for handler in handlers:
        if handler.type is None:
            return True
        names = {
            node.value if isinstance(node, cst.Name) else node.attr.value
            for node in _flatten_tuple(handler.type)
            if isinstance(node, (cst.Name, cst.Attribute))
        }
        if names & {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}:
            return True
    return False


def _flatten_tuple(expression: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    if isinstance(expression, cst.Tuple):
        for element in expression.elements:
            yield from _flatten_tuple(element.value)
    else:
        yield expression


def _reads_module_names(builtin: str, call: cst.Call) -> bool:
    """``globals()``, ``vars()`` and ``eval``/``exec`` without an explicit namespace can read any
    module-scope name; ``eval(code, namespace)`` cannot."""
    if builtin == "globals":
        return True
    if builtin == "vars":
        return not call.args
    explicit = any(arg.keyword is not None and arg.keyword.value == "globals" for arg in call.args)
    return len(call.args) < 2 and not explicit


def dotted_name(expression: cst.BaseExpression) -> str | None:
    if isinstance(expression, cst.Name):
        return expression.value
    if isinstance(expression, cst.Attribute):
        base = dotted_name(expression.value)
        return None if base is None else f"{base}.{expression.attr.value}"
    return None


def _relative_prefix(node: cst.ImportFrom | cst.LazyImportFrom) -> str:
    return "." * len(node.relative)


def _is_constant(expression: cst.BaseExpression, scope: _Scope) -> bool:
    """True when ``expression`` cannot depend on the current invocation."""
    if isinstance(expression, (cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(expression, cst.ConcatenatedString):
        return _is_constant(expression.left, scope) and _is_constant(expression.right, scope)
    if isinstance(expression, cst.Name):
        if expression.value in ("True", "False", "None"):
            return True
        found = scope.lookup(expression.value)
        return found is None or found[0].kind == "module"
    if isinstance(expression, cst.Attribute):
        return _is_constant(expression.value, scope)
    if isinstance(expression, cst.Subscript):  # os.environ["TABLE"], CONFIG["region"]
        return _is_constant(expression.value, scope) and all(
            isinstance(element.slice, cst.Index) and _is_constant(element.slice.value, scope)
            for element in expression.slice
        )
    if isinstance(expression, cst.Call):  # Config(retries=...), os.environ.get("X")
        return _is_constant(expression.func, scope) and all(
            _is_constant(argument.value, scope) for argument in expression.args
        )
    if isinstance(expression, (cst.Tuple, cst.List, cst.Set)):
        return all(
            not isinstance(element, cst.StarredElement) and _is_constant(element.value, scope)
            for element in expression.elements
        )
    if isinstance(expression, cst.Dict):
        return all(
            isinstance(element, cst.DictElement)
            and _is_constant(element.key, scope)
            and _is_constant(element.value, scope)
            for element in expression.elements
        )
    return False


# Fields that never hold code: whitespace, punctuation, comments.
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


class _Collector:
    """Walks a module once; child order and scope are controlled by hand where they matter.

    LibCST's own visitor rebuilds every node on the way back up, even for a read-only visit; that
    cost about as much as the parse itself (measured), so the walk here only reads. A ``visit_X``
    method handles node type X and returns True to have its children walked generically.
    """

    def __init__(self, postponed_annotations: bool) -> None:
        self.postponed = postponed_annotations
        self.module_scope = _Scope("module", None, None)
        self.scope = self.module_scope
        self.function: FunctionInfo | None = None
        self.conditional = False
        self.annotation = False
        self.runtime_annotation = True
        self.class_body: cst.ClassDef | None = None
        self.main_block = False
        self.guard: cst.BaseCompoundStatement | None = None
        self.top_statement: cst.BaseStatement = cst.SimpleStatementLine(body=[])
        self.type_checking = False
        self.import_error_guard = False
        self.current_line: cst.SimpleStatementLine | cst.SimpleStatementSuite | None = None
        self.class_stack: list[str] = []
        self.imports: list[ImportBinding] = []
        self.function_imports: list[tuple[FunctionInfo, ImportBinding, _Scope]] = []
        self.functions: list[FunctionInfo] = []
        self.raw_uses: list[_RawUse] = []
        self.raw_calls: list[_RawCall] = []
        self.module_bindings: dict[str, int] = {}
        self.global_declarations: set[str] = set()
        self.all_names: set[str] = set()
        self.dynamic_access = False

    # -- helpers -----------------------------------------------------------------------------

    def walk(self, node: cst.CSTNode | Sequence[cst.CSTNode] | None) -> None:
        if node is None:
            return
        if not isinstance(node, cst.CSTNode):
            for child in node:
                self.walk(child)
            return
        node_type = type(node)
        method = _VISITORS.get(node_type)
        if method is None:
            name = "visit_" + node_type.__name__
            method = _VISITORS[node_type] = getattr(_Collector, name, _walk_children)
        if method(self, node):
            _walk_children(self, node)

    def walk_conditionally(self, node: cst.CSTNode | Sequence[cst.CSTNode] | None) -> None:
        saved = self.conditional
        self.conditional = True
        self.walk(node)
        self.conditional = saved

    def bind(self, name: str, value: object = _BOUND) -> None:
        scope = self.scope
        if scope.kind == "comprehension" and value is _WALRUS:
            while scope.kind == "comprehension" and scope.parent is not None:
                scope = scope.parent
        if name in scope.globals:
            self.module_bindings[name] = self.module_bindings.get(name, 0) + 1
            return
        if scope.kind == "module":
            self.module_bindings[name] = self.module_bindings.get(name, 0) + 1
        scope.bindings[name] = value
        scope.counts[name] = scope.counts.get(name, 0) + 1

    def bind_target(self, target: cst.BaseExpression, value: object = _BOUND) -> None:
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
            _RawUse(
                name,
                node,
                self.scope,
                self.conditional,
                self.annotation,
                self.runtime_annotation if self.annotation else True,
                self.class_body,
                self.main_block,
            )
        )

    def walk_annotation(self, annotation: cst.Annotation | None, evaluated: bool) -> None:
        if annotation is None:
            return
        saved = (self.annotation, self.runtime_annotation)
        self.annotation = True
        self.runtime_annotation = evaluated and not self.postponed
        self.walk(annotation.annotation)
        self.annotation, self.runtime_annotation = saved

    def enter_scope(self, kind: ScopeKind, function: FunctionInfo | None) -> _Scope:
        saved = self.scope
        self.scope = _Scope(kind, saved, function)
        return saved

    # -- statements --------------------------------------------------------------------------

    def visit_Module(self, node: cst.Module) -> bool:
        for statement in node.body:
            self.top_statement = statement
            self.guard = None
            if isinstance(statement, cst.BaseCompoundStatement) and not isinstance(
                statement, (cst.FunctionDef, cst.ClassDef)
            ):
                self.guard = statement
            self.walk(statement)
        self.guard = None
        return False

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine | cst.SimpleStatementSuite) -> bool:
        saved = self.current_line
        self.current_line = node
        self.walk(node.body)
        self.current_line = saved
        return False

    visit_SimpleStatementSuite = visit_SimpleStatementLine  # `if x: import y` holds imports too

    def _record_import(self, node: ImportStatement) -> None:
        at_module = self.scope.kind == "module"
        lazy = isinstance(node, (cst.LazyImport, cst.LazyImportFrom))
        if isinstance(node, (cst.Import, cst.LazyImport)):
            for alias in node.names:
                module = dotted_name(alias.name) or ""
                if alias.asname is not None:
                    name = cst.ensure_type(alias.asname.name, cst.Name).value
                    qualified = module
                else:
                    name = module.split(".")[0]
                    qualified = name
                self._import_binding(node, alias, name, module, qualified, at_module, lazy)
            return
        module = _relative_prefix(node) + ((dotted_name(node.module) or "") if node.module else "")
        if module == "__future__" and isinstance(node.names, Sequence):
            if any(alias.name.value == "annotations" for alias in node.names if isinstance(alias.name, cst.Name)):
                self.postponed = True
            return
        if isinstance(node.names, cst.ImportStar):
            if at_module:
                self._import_binding(node, None, "*", module, module + ".*", at_module, lazy)
            return
        separator = "" if module.endswith(".") else "."
        for alias in node.names:
            imported = dotted_name(alias.name) or ""
            name = cst.ensure_type(alias.asname.name, cst.Name).value if alias.asname else imported
            self._import_binding(node, alias, name, module, module + separator + imported, at_module, lazy)

    def _import_binding(
        self,
        node: ImportStatement,
        alias: cst.ImportAlias | None,
        name: str,
        module: str,
        qualified: str,
        at_module: bool,
        lazy: bool,
    ) -> None:
        if name != "*":
            self.bind(name)
        if self.current_line is None:
            return
        if not at_module:
            if self.scope.kind == "function" and self.function is not None and alias is not None:
                binding = ImportBinding(
                    name, module, qualified, node, self.current_line, alias, lazy, None, False, False
                )
                self.function_imports.append((self.function, binding, self.scope))
            return
        self.imports.append(
            ImportBinding(
                name=name,
                module=module,
                qualified=qualified,
                statement=node,
                line=self.current_line,
                alias=alias,
                lazy=lazy,
                guard=self.guard,
                type_checking=self.type_checking,
                guarded_by_import_error=self.import_error_guard,
            )
        )

    def visit_Import(self, node: cst.Import) -> bool:
        self._record_import(node)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self._record_import(node)
        return False

    def visit_LazyImport(self, node: cst.LazyImport) -> bool:
        self._record_import(node)
        return False

    def visit_LazyImportFrom(self, node: cst.LazyImportFrom) -> bool:
        self._record_import(node)
        return False

    def visit_Assign(self, node: cst.Assign) -> bool:
        self.walk(node.value)
        for target in node.targets:
            self.bind_target(target.target)
            if (
                self.scope.kind == "module"
                and isinstance(target.target, cst.Name)
                and target.target.value == "__all__"
            ):
                self._collect_all(node.value)
        return False

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        self.walk(node.value)
        if isinstance(node.target, cst.Name):
            self.add_use(node.target.value, node.target)
            if self.scope.kind == "module" and node.target.value == "__all__":
                self._collect_all(node.value)
        self.bind_target(node.target)
        return False

    def _collect_all(self, value: cst.BaseExpression) -> None:
        if isinstance(value, (cst.List, cst.Tuple)):
            for element in value.elements:
                if isinstance(element.value, cst.SimpleString):
                    evaluated = element.value.evaluated_value
                    if isinstance(evaluated, str):
                        self.all_names.add(evaluated)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        # Local variable annotations are never evaluated; module and class ones are.
        self.walk_annotation(node.annotation, evaluated=self.scope.kind in ("module", "class"))
        self.walk(node.value)
        # ``x: int`` without a value binds nothing at module level but makes ``x`` local in a function.
        if node.value is not None or self.scope.kind == "function":
            self.bind_target(node.target)
        elif not isinstance(node.target, cst.Name):
            self.walk(node.target)
        return False

    def visit_Del(self, node: cst.Del) -> bool:
        for target in _flatten_tuple(node.target):
            if isinstance(target, cst.Name):
                self.add_use(target.value, target)
                self.bind(target.value)
            else:
                self.walk(target)
        return False

    def visit_Global(self, node: cst.Global) -> bool:
        for item in node.names:
            self.scope.globals.add(item.name.value)
            if self.scope.kind != "module":
                self.global_declarations.add(item.name.value)
        return False

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        for item in node.names:
            self.scope.nonlocals.add(item.name.value)
        return False

    def visit_If(self, node: cst.If) -> bool:
        self.walk(node.test)
        at_module = self.scope.kind == "module" and self.function is None
        saved = (self.type_checking, self.main_block)
        if is_type_checking_test(node.test):
            self.type_checking = True
            saved_annotation = (self.annotation, self.runtime_annotation)
            self.annotation, self.runtime_annotation = True, False
            self.walk_conditionally(node.body)
            self.annotation, self.runtime_annotation = saved_annotation
            self.type_checking = saved[0]
        else:
            if at_module and _is_main_guard(node.test):
                self.main_block = True
            self.walk_conditionally(node.body)
            self.main_block = saved[1]
        self.walk_conditionally(node.orelse)
        self.type_checking, self.main_block = saved
        return False

    def visit_Try(self, node: cst.Try) -> bool:
        return self._visit_try(node)

    def visit_TryStar(self, node: cst.TryStar) -> bool:
        return self._visit_try(node)

    def _visit_try(self, node: cst.Try | cst.TryStar) -> bool:
        saved = self.import_error_guard
        self.import_error_guard = saved or _catches_import_error(node.handlers)
        self.walk(node.body)
        for handler in node.handlers:
            self.walk_conditionally(handler.type)
            if handler.name is not None:
                self.bind(cst.ensure_type(handler.name.name, cst.Name).value)
            self.walk_conditionally(handler.body)
        self.walk_conditionally(node.orelse)
        self.walk(node.finalbody)
        self.import_error_guard = saved
        return False

    def visit_For(self, node: cst.For) -> bool:
        self.walk(node.iter)
        self.bind_target(node.target)
        self.walk_conditionally(node.body)
        self.walk_conditionally(node.orelse)
        return False

    def visit_While(self, node: cst.While) -> bool:
        self.walk(node.test)
        self.walk_conditionally(node.body)
        self.walk_conditionally(node.orelse)
        return False

    def visit_With(self, node: cst.With) -> bool:
        for item in node.items:
            self.walk(item.item)
            if item.asname is not None:
                self.bind_target(item.asname.name)
        self.walk(node.body)
        return False

    def visit_Match(self, node: cst.Match) -> bool:
        self.walk(node.subject)
        self.walk_conditionally(node.cases)
        return False

    def visit_MatchAs(self, node: cst.MatchAs) -> bool:
        self.walk(node.pattern)
        if node.name is not None:
            self.bind(node.name.value)
        return False

    def visit_MatchStar(self, node: cst.MatchStar) -> bool:
        if node.name is not None:
            self.bind(node.name.value)
        return False

    def visit_MatchMapping(self, node: cst.MatchMapping) -> bool:
        self.walk(node.elements)
        if node.rest is not None:
            self.bind(node.rest.value)
        return False

    def visit_MatchKeywordElement(self, node: cst.MatchKeywordElement) -> bool:
        self.walk(node.pattern)
        return False

    def visit_TypeAlias(self, node: cst.TypeAlias) -> bool:
        self.bind(node.name.value)
        saved = self.enter_scope("lambda", self.function)
        self.walk(node.type_parameters)
        self.walk_conditionally(node.value)  # evaluated lazily (PEP 695)
        self.scope = saved
        return False

    def visit_TypeParam(self, node: cst.TypeParam) -> bool:
        param = node.param
        self.bind(param.name.value)
        return False

    # -- definitions -------------------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        # Decorators, defaults and (unless postponed) annotations run where the ``def`` runs.
        for decorator in node.decorators:
            self.walk(decorator.decorator)
            self._record_decorator_call(decorator.decorator)
        all_params = _all_params(node.params)
        for param in all_params:
            self.walk(param.default)
        for param in all_params:
            self.walk_annotation(param.annotation, evaluated=True)
        self.walk_annotation(node.returns, evaluated=True)

        parent = self.function
        module_level = self.scope.kind == "module"
        class_name = self.class_stack[-1] if self.scope.kind == "class" else None
        prefix = ""
        if parent is not None:
            prefix = f"{parent.qualname}.<locals>."
        if self.class_stack and self.scope.kind == "class":
            prefix += ".".join(self.class_stack) + "."
        info = FunctionInfo(
            name=node.name.value,
            qualname=prefix + node.name.value,
            node=node,
            parent=parent,
            class_name=class_name,
            module_level=module_level,
            params=tuple(param.name.value for param in all_params),
            top_statement=self.top_statement,
        )
        self.functions.append(info)
        self.bind(node.name.value, info)

        saved_scope = self.enter_scope("function", info)
        saved_state = (self.function, self.conditional, self.class_body, self.class_stack)
        self.function, self.conditional, self.class_body = info, False, None
        self.class_stack = []
        self.walk(node.type_parameters)
        for param in all_params:
            self.bind(param.name.value)
        self.walk(node.body)
        self.scope = saved_scope
        self.function, self.conditional, self.class_body, self.class_stack = saved_state
        return False

    def _record_decorator_call(self, decorator: cst.BaseExpression) -> None:
        # ``@deco`` calls ``deco`` at definition time; ``@deco(...)`` is a Call visited anyway.
        if isinstance(decorator, cst.Name):
            self._add_call(decorator.value, (), None)

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        all_params = _all_params(node.params)
        for param in all_params:
            self.walk(param.default)
        saved = self.enter_scope("lambda", self.function)
        for param in all_params:
            self.bind(param.name.value)
        self.walk_conditionally(node.body)
        self.scope = saved
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        for decorator in node.decorators:
            self.walk(decorator.decorator)
            self._record_decorator_call(decorator.decorator)
        self.walk(node.bases)
        self.walk(node.keywords)
        self.bind(node.name.value)
        saved_scope = self.enter_scope("class", self.function)
        self.scope.class_node = node
        saved_body = self.class_body
        self.class_body = node
        self.class_stack = [*self.class_stack, node.name.value]
        self.walk(node.type_parameters)
        self.walk(node.body)
        self.class_stack = self.class_stack[:-1]
        self.class_body = saved_body
        self.scope = saved_scope
        return False

    def _visit_comprehension(self, node: cst.BaseComp | cst.DictComp, elements: Sequence[cst.BaseExpression]) -> bool:
        saved_conditional = self.conditional
        self.conditional = True
        for_in: cst.CompFor | None = node.for_in
        self.walk(for_in.iter if for_in else None)  # the first iterable runs in the enclosing scope
        saved = self.enter_scope("comprehension", self.function)
        first = True
        while for_in is not None:
            if not first:
                self.walk(for_in.iter)
            first = False
            self.bind_target(for_in.target)
            for condition in for_in.ifs:
                self.walk(condition.test)
            for_in = for_in.inner_for_in
        self.walk(list(elements))
        self.scope = saved
        self.conditional = saved_conditional
        return False

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        return self._visit_comprehension(node, [node.elt])

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        return self._visit_comprehension(node, [node.elt])

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        return self._visit_comprehension(node, [node.elt])

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        return self._visit_comprehension(node, [node.key, node.value])

    # -- expressions -------------------------------------------------------------------------

    def visit_Name(self, node: cst.Name) -> bool:
        self.add_use(node.value, node)
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.walk(node.value)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        self.walk(node.value)  # skip the keyword's Name
        return False

    def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
        self.walk(node.value)
        if isinstance(node.target, cst.Name):
            self.bind(node.target.value, _WALRUS)
        return False

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> bool:
        self.walk(node.left)
        self.walk_conditionally(node.right)
        return False

    def visit_IfExp(self, node: cst.IfExp) -> bool:
        self.walk(node.test)
        self.walk_conditionally(node.body)
        self.walk_conditionally(node.orelse)
        return False

    def visit_Assert(self, node: cst.Assert) -> bool:
        self.walk(node.test)
        self.walk_conditionally(node.msg)
        return False

    def visit_SimpleString(self, node: cst.SimpleString) -> bool:
        if self.annotation:
            self._string_annotation(node)
        return False

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        if self.annotation:
            self._string_annotation(node)
            return False
        return True

    def _string_annotation(self, node: cst.SimpleString | cst.ConcatenatedString) -> None:
        value = node.evaluated_value
        if not isinstance(value, str):
            return
        saved = self.runtime_annotation
        self.runtime_annotation = False  # a string annotation is never evaluated implicitly
        for match in _STRING_ANNOTATION_NAME.finditer(value):
            self.add_use(match.group(1), node)
        self.runtime_annotation = saved

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        self._typing_strings(node)
        if isinstance(func, cst.Name):
            self._add_call(func.value, (), node)
            if func.value in _DYNAMIC_BUILTINS and _reads_module_names(func.value, node):
                self.dynamic_access = True
        elif isinstance(func, cst.Attribute):
            parts: list[str] = []
            value: cst.BaseExpression = func
            while isinstance(value, cst.Attribute):
                parts.append(value.attr.value)
                value = value.value
            if isinstance(value, cst.Name):
                method_of = None
                if value.value in ("self", "cls") and len(parts) == 1 and self.function is not None:
                    method_of = self.function.class_name
                self._add_call(value.value, tuple(reversed(parts)), node, method_of)
        self.walk(func)
        self.walk(node.args)
        return False

    def _typing_strings(self, node: cst.Call) -> None:
        """``cast("T", x)`` and ``TypeVar("T", bound="X")`` hold annotations in strings."""
        name = node.func.value if isinstance(node.func, cst.Name) else (
            node.func.attr.value if isinstance(node.func, cst.Attribute) else None
        )
        if name == "cast" and node.args:
            strings = [node.args[0].value]
        elif name == "TypeVar":
            strings = [arg.value for arg in node.args[1:]] + [
                arg.value for arg in node.args if arg.keyword is not None and arg.keyword.value == "bound"
            ]
        else:
            return
        saved = (self.annotation, self.runtime_annotation)
        self.annotation, self.runtime_annotation = True, False
        for value in strings:
            if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
                self._string_annotation(value)
        self.annotation, self.runtime_annotation = saved

    def _add_call(
        self,
        name: str,
        attribute_path: tuple[str, ...],
        node: cst.Call | None,
        method_of: str | None = None,
    ) -> None:
        self.raw_calls.append(
            _RawCall(name, attribute_path, node, self.scope, self.conditional, self.main_block, method_of)
        )


_WALRUS = object()


def _walk_children(collector: _Collector, node: cst.CSTNode) -> bool:
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            collector.walk(value)
        elif isinstance(value, (list, tuple)):
            for child in value:
                if isinstance(child, cst.CSTNode):
                    collector.walk(child)
    return False


_VISITORS: dict[type, Callable[[_Collector, Any], bool | None]] = {}


def collect_facts(module: cst.Module, postponed_annotations: bool = False) -> ModuleFacts:
    """Gather the facts of ``module``; ``postponed_annotations`` for targets ≥ py314 (PEP 649)."""
    collector = _Collector(postponed_annotations)
    collector.walk(module)
    return _resolve(module, collector)


def _resolve(module: cst.Module, collector: _Collector) -> ModuleFacts:
    module_scope = collector.module_scope
    uses: dict[str, list[Use]] = {}
    for raw in collector.raw_uses:
        found = raw.scope.lookup(raw.name)
        if found is not None and found[0] is not module_scope:
            continue
        use = Use(
            raw.name,
            raw.node,
            raw.scope.function,
            raw.conditional,
            raw.annotation,
            raw.runtime,
            raw.class_body,
            raw.main_block,
        )
        uses.setdefault(raw.name, []).append(use)
        if use.function is not None:
            use.function.uses.append(use)

    by_class_method: dict[tuple[str, str], FunctionInfo] = {
        (function.class_name, function.name): function
        for function in collector.functions
        if function.class_name is not None
    }
    import_time_roots: list[FunctionInfo] = []
    call_sites: list[CallSite] = []
    bindings_by_name = {binding.name: binding for binding in collector.imports}
    for call in collector.raw_calls:
        callee: FunctionInfo | None = None
        if call.method_of is not None and call.attribute_path:
            callee = by_class_method.get((call.method_of, call.attribute_path[0]))
        else:
            found = call.scope.lookup(call.name)
            if found is not None:
                bound_scope, value = found
                if isinstance(value, FunctionInfo) and not call.attribute_path:
                    callee = value
                elif bound_scope is module_scope and call.node is not None:
                    binding = bindings_by_name.get(call.name)
                    if binding is not None:
                        call_sites.append(
                            CallSite(
                                qualified=".".join((binding.qualified, *call.attribute_path)),
                                binding=binding,
                                node=call.node,
                                function=call.scope.function,
                                conditional=call.conditional,
                                constant_arguments=all(
                                    _is_constant(argument.value, call.scope) for argument in call.node.args
                                ),
                            )
                        )
        if callee is None:
            continue
        caller = call.scope.function
        if caller is None:
            if not call.main_block:
                import_time_roots.append(callee)
        else:
            caller.calls.append(CallEdge(callee, call.conditional))

    # A function referenced without being called (a callback, a dispatch table) may run later:
    # count it as a conditional call from wherever the reference sits.
    for raw in collector.raw_uses:
        found = raw.scope.lookup(raw.name)
        if found is None or not isinstance(found[1], FunctionInfo):
            continue
        caller = raw.scope.function
        if caller is not None and found[1] is not caller:
            caller.calls.append(CallEdge(found[1], conditional=True, called=False))

    import_time: set[FunctionInfo] = set()
    pending = list(import_time_roots)
    while pending:
        function = pending.pop()
        if function in import_time:
            continue
        import_time.add(function)
        pending.extend(edge.callee for edge in function.calls if edge.called)

    return ModuleFacts(
        module=module,
        imports=tuple(collector.imports),
        functions=tuple(collector.functions),
        uses={name: tuple(found) for name, found in uses.items()},
        module_bindings=dict(collector.module_bindings),
        global_declarations=frozenset(collector.global_declarations),
        import_time_functions=frozenset(import_time),
        import_calls=tuple(call_sites),
        function_imports=tuple(
            FunctionImport(
                function,
                binding,
                isinstance(function.node.body, cst.IndentedBlock) and binding.line in function.node.body.body,
                scope.counts.get(binding.name, 0),
            )
            for function, binding, scope in collector.function_imports
        ),
        all_names=frozenset(collector.all_names),
        postponed_annotations=collector.postponed,
        dynamic_access=collector.dynamic_access,
        postponing_changes_names=any(
            raw.annotation and raw.runtime and raw.scope.kind == "class" and raw.name in raw.scope.bindings
            for raw in collector.raw_uses
        ),
    )

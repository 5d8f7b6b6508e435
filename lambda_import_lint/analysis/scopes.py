"""Scopes as the walker meets them, and the raw uses and calls it records before names resolve."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from lambda_import_lint.analysis.records import FunctionInfo, ScopeKind


class Scope:
    __slots__ = ("kind", "parent", "function", "bindings", "counts", "globals", "nonlocals", "class_node")

    def __init__(
        self,
        kind: ScopeKind,
        parent: Scope | None,
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

    def lookup(self, name: str) -> tuple[Scope, object] | None:
        """The scope that binds ``name`` as seen from here, by Python's rules (None: builtin)."""
        scope: Scope | None = self
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

    def _module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


BOUND = object()  # a scope binding that is not a function
WALRUS = object()  # bound by ``:=``: in a comprehension, the enclosing scope binds it


@dataclass
class RawUse:
    name: str
    node: cst.CSTNode
    scope: Scope
    conditional: bool
    annotation: bool
    runtime: bool
    class_body: cst.ClassDef | None
    main_block: bool
    branch: tuple[int, ...] = ()
    read_by_framework: bool = False
    by_expression: bool = False  # conditional because of an expression, whatever the branches
    repeated: bool = False  # in a loop (or comprehension) body of its function: runs once per item


@dataclass
class RawCall:
    name: str
    attribute_path: tuple[str, ...]  # ("client",) for ``boto3.client``; () for ``f()``
    node: cst.Call | None
    scope: Scope
    conditional: bool
    main_block: bool
    method_of: str | None  # ``self.f()``/``cls.f()`` inside a method of this class
    error_path: bool = False  # inside an ``except`` handler
    branch: tuple[int, ...] = ()
    by_expression: bool = False
    repeated: bool = False  # in a loop (or comprehension) body of its function: runs once per item


def is_constant(expression: cst.BaseExpression, scope: Scope) -> bool:
    """True when ``expression`` cannot depend on the current invocation."""
    if isinstance(expression, (cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(expression, cst.ConcatenatedString):
        return is_constant(expression.left, scope) and is_constant(expression.right, scope)
    if isinstance(expression, cst.Name):
        if expression.value in ("True", "False", "None"):
            return True
        found = scope.lookup(expression.value)
        return found is None or found[0].kind == "module"
    if isinstance(expression, cst.Attribute):
        return is_constant(expression.value, scope)
    if isinstance(expression, cst.Subscript):  # os.environ["TABLE"], CONFIG["region"]
        return is_constant(expression.value, scope) and all(
            isinstance(element.slice, cst.Index) and is_constant(element.slice.value, scope)
            for element in expression.slice
        )
    if isinstance(expression, cst.Call):  # Config(retries=...), os.environ.get("X")
        return is_constant(expression.func, scope) and all(
            is_constant(argument.value, scope) for argument in expression.args
        )
    if isinstance(expression, (cst.Tuple, cst.List, cst.Set)):
        return all(
            not isinstance(element, cst.StarredElement) and is_constant(element.value, scope)
            for element in expression.elements
        )
    if isinstance(expression, cst.Dict):
        return all(
            isinstance(element, cst.DictElement)
            and is_constant(element.key, scope)
            and is_constant(element.value, scope)
            for element in expression.elements
        )
    return False

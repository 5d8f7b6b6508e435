"""Expressions: name uses, short-circuit and conditional operands, annotations in strings, and
calls (the call graph, SDK client sites, dynamic access through ``globals()``/``eval``).
"""

from __future__ import annotations

import re

import libcst as cst

from lambda_import_lint.analysis.scopes import WALRUS
from lambda_import_lint.analysis.syntax import reads_module_names
from lambda_import_lint.analysis.walk_base import WalkerBase

_DYNAMIC_BUILTINS = frozenset({"globals", "vars", "eval", "exec"})
_STRING_ANNOTATION_NAME = re.compile(r"(?<![\w.])([A-Za-z_]\w*)")


class ExpressionVisits(WalkerBase):
    """Visits of expressions."""

    def visit_Name(self, node: cst.Name) -> bool:
        self.add_use(node.value, node)
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.walk(node.value)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        # (the keyword's Name is not a use) A batch processor calls its `record_handler=` once per
        # record of the batch, as a loop would.
        if node.keyword is not None and node.keyword.value == "record_handler":
            self.walk_repeatedly(node.value)
        else:
            self.walk(node.value)
        return False

    def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
        self.walk(node.value)
        if isinstance(node.target, cst.Name):
            self.bind(node.target.value, WALRUS)
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
            self.add_call(func.value, (), node)
            if func.value in _DYNAMIC_BUILTINS and reads_module_names(func.value, node):
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
                self.add_call(value.value, tuple(reversed(parts)), node, method_of)
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

"""Definitions: functions, lambdas, classes, comprehensions and type aliases open scopes; what
runs where the definition runs (decorators, defaults, bases) is walked in the enclosing scope.
"""

from __future__ import annotations

from typing import Sequence

import libcst as cst

from lambda_import_lint.analysis.records import FunctionInfo
from lambda_import_lint.analysis.syntax import all_parameters, ignores_annotations, is_optional_iterable
from lambda_import_lint.analysis.walk_base import WalkerBase


class DefinitionVisits(WalkerBase):
    """Visits of definitions."""

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

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        # Decorators, defaults and (unless postponed) annotations run where the ``def`` runs.
        for decorator in node.decorators:
            self.walk(decorator.decorator)
            self.record_decorator_call(decorator.decorator)
        all_params = all_parameters(node.params)
        for param in all_params:
            self.walk(param.default)
        read = any(not ignores_annotations(decorator.decorator) for decorator in node.decorators)
        for param in all_params:
            self.walk_annotation(param.annotation, evaluated=True, read_by_framework=read)
        self.walk_annotation(node.returns, evaluated=True, read_by_framework=read)

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
        saved_state = (
            self.function, self.conditional, self.class_body, self.class_stack, self.branch, self.error_path,
            self.by_expression, self.repeated,
        )
        self.function, self.conditional, self.class_body, self.branch = info, False, None, ()
        self.error_path = self.by_expression = self.repeated = False
        self.class_stack = []
        self.walk(node.type_parameters)
        for param in all_params:
            self.bind(param.name.value)
        self.walk(node.body)
        self.scope = saved_scope
        (
            self.function, self.conditional, self.class_body, self.class_stack, self.branch, self.error_path,
            self.by_expression, self.repeated,
        ) = saved_state
        return False

    def record_decorator_call(self, decorator: cst.BaseExpression) -> None:
        # ``@deco`` calls ``deco`` at definition time; ``@deco(...)`` is a Call visited anyway.
        if isinstance(decorator, cst.Name):
            self.add_call(decorator.value, (), None)

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        all_params = all_parameters(node.params)
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
            self.record_decorator_call(decorator.decorator)
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
        # Like a loop: the element runs whenever the comprehension runs over a non-empty iterable
        # (main path), unless the iterable is visibly optional or an `if` clause filters it.
        saved_conditional = (self.conditional, self.by_expression, self.repeated)
        for_in: cst.CompFor | None = node.for_in
        self.walk(for_in.iter if for_in else None)  # the first iterable runs in the enclosing scope
        saved = self.enter_scope("comprehension", self.function)
        self.repeated = True
        while for_in is not None:
            if is_optional_iterable(for_in.iter):
                self.conditional = self.by_expression = True
            if for_in is not node.for_in:
                self.walk(for_in.iter)
            self.bind_target(for_in.target)
            for condition in for_in.ifs:
                self.walk(condition.test)
            if for_in.ifs:
                self.conditional = self.by_expression = True
            for_in = for_in.inner_for_in
        self.walk(list(elements))
        self.scope = saved
        self.conditional, self.by_expression, self.repeated = saved_conditional
        return False

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        return self._visit_comprehension(node, [node.elt])

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        return self._visit_comprehension(node, [node.elt])

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        return self._visit_comprehension(node, [node.elt])

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        return self._visit_comprehension(node, [node.key, node.value])

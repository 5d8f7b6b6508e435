"""The module's handlers, from its facts: the declared functions, else the heuristic."""

from __future__ import annotations

from typing import Iterable

from lambda_import_lint.analysis.records import FunctionInfo, ModuleFacts
from lambda_import_lint.discovery.handlers import handler_shaped


def looks_like_handler(function: FunctionInfo, handler_names: Iterable[str]) -> bool:
    """The heuristic: a module-level function named like a handler, or taking (event, context)."""
    if not function.module_level or function.class_name is not None:
        return False
    parameters = function.node.params
    positional = [param.name.value for param in (*parameters.posonly_params, *parameters.params)[:2]]
    return handler_shaped(function.name, positional, handler_names)


def resolve_handlers(
    facts: ModuleFacts, declared: Iterable[str], handler_names: Iterable[str]
) -> tuple[FunctionInfo, ...]:
    """The module's handlers: the declared functions if any are declared, else the heuristic."""
    declared = tuple(declared)
    if declared:
        found = (facts.function_named(name) for name in declared)
        return tuple(function for function in found if function is not None)
    return tuple(function for function in facts.functions if looks_like_handler(function, handler_names))

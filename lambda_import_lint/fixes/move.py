"""Applier of ``Fix("move-into-functions")`` (LIL001): the import leaves module scope and goes where
its uses are, off every handler's main path: the top of each conditional block that holds them (an
``if``/``else``/``except``/``case`` body), or the top of a function reached only on some
invocations. A whole ``try``/``if`` guard moves as one. When annotations outside the targets still
name it, a copy stays under ``if TYPE_CHECKING:`` (see ``type_checking.py``).
"""

from __future__ import annotations

import libcst as cst

from lambda_import_lint.fixes.plan import Plan
from lambda_import_lint.fixes.syntax import alias_of
from lambda_import_lint.rules.base import Fix
from lambda_import_lint.rules.messages import import_text


def add(plan: Plan, fix: Fix) -> None:
    facts = plan.facts
    binding = facts.imports[fix.binding]
    functions = [facts.functions[index].node for index in fix.functions]
    blocks = [facts.branches[index] for index in fix.blocks]
    if binding.guard is not None:
        if binding.guard in plan.drop_guards:
            return  # another binding of the same guard already moved it
        plan.drop_guards.append(binding.guard)
        moved: cst.BaseStatement = binding.guard
    else:
        plan.drop.add(alias_of(binding))
        moved = cst.parse_statement(import_text(binding) + "\n")
    for function in functions:
        plan.inserts.setdefault(function, []).append(moved)
    for block in blocks:
        plan.block_inserts.setdefault(block, []).append(moved)
    if fix.keep_for_annotations:
        plan.type_checking.append(binding)

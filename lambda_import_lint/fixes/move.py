"""Applier of ``Fix("move-into-functions")`` (LIL001): the import leaves module scope and goes to the
top of each target function; a whole ``try``/``if`` guard moves as one. When annotations outside
the targets still name it, a copy stays under ``if TYPE_CHECKING:`` (see ``type_checking.py``).
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
    targets = [facts.functions[index].node for index in fix.functions]
    if binding.guard is not None:
        if binding.guard in plan.drop_guards:
            return  # another binding of the same guard already moved it
        plan.drop_guards.append(binding.guard)
        for target in targets:
            plan.inserts.setdefault(target, []).append(binding.guard)
        return
    plan.drop.add(alias_of(binding))
    for target in targets:
        plan.inserts.setdefault(target, []).append(cst.parse_statement(import_text(binding) + "\n"))
    if fix.keep_for_annotations:
        plan.type_checking.append(binding)

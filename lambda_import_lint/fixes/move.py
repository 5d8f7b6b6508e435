"""Applier of ``Fix("move-into-functions")`` (LIL001): the import leaves module scope and goes where
its uses are, off every handler's main path: the top of each conditional block that holds them (an
``if``/``else``/``except``/``case`` body), or the top of a function reached only on some
invocations. A whole ``try``/``if`` guard moves as one. Names of one statement that go to the same
places move as one statement, with the comments that belong to it (``carry.py``). When annotations
outside the targets still name it, a copy stays under ``if TYPE_CHECKING:`` (see
``type_checking.py``).
"""

from __future__ import annotations

import libcst as cst

from lambda_import_lint.fixes.carry import moved_statement, moves_whole_line
from lambda_import_lint.fixes.plan import Plan
from lambda_import_lint.fixes.syntax import alias_of
from lambda_import_lint.rules.base import Fix


def add(plan: Plan, fix: Fix) -> None:
    facts = plan.facts
    bindings = [facts.imports[index] for index in fix.bindings]
    binding = bindings[0]
    functions = [facts.functions[index].node for index in fix.functions]
    blocks = [facts.branches[index] for index in fix.blocks]
    if binding.guard is not None:
        if binding.guard in plan.drop_guards:
            return  # another binding of the same guard already moved it
        plan.drop_guards.append(binding.guard)
        plan.comments_moved.add(binding.guard)
        _insert(plan, functions, blocks, binding.guard)
        return
    for moving in bindings:
        plan.drop.add(alias_of(moving))
    # Another fix of this pass may move other names of the same statement to the same places
    # (a safe and an unsafe one, with --unsafe-fixes): they become one statement again.
    key = (id(binding.statement), fix.functions, fix.blocks)
    earlier = plan.moved_together.get(key)
    if earlier is not None:
        bindings = [*earlier, *bindings]
    plan.moved_together[key] = bindings
    statement = moved_statement(bindings)
    if moves_whole_line(bindings):
        plan.comments_moved.add(binding.line)
    if earlier is not None:
        for inserts in (*plan.inserts.values(), *plan.block_inserts.values()):
            inserts[:] = [s for s in inserts if plan.moved_from.get(id(s)) != key]
    _insert(plan, functions, blocks, statement)
    plan.moved_from[id(statement)] = key
    if fix.keep_for_annotations:
        plan.type_checking.extend(bindings if earlier is None else bindings[len(earlier):])


def _insert(
    plan: Plan, functions: list[cst.FunctionDef], blocks: list[cst.BaseSuite], statement: cst.BaseStatement
) -> None:
    for function in functions:
        plan.inserts.setdefault(function, []).append(statement)
    for block in blocks:
        plan.block_inserts.setdefault(block, []).append(statement)

"""Applier of ``Fix("move-into-functions")`` (LIL001): the import leaves module scope and goes to the
top of each target function; a whole ``try``/``if`` guard moves as one. When annotations outside
the targets still name it, a copy stays under ``if TYPE_CHECKING:`` (see ``type_checking.py``).
Names of one statement that go to the same functions move as one statement, with the comments
that belong to it (``carry.py``).
"""

from __future__ import annotations

from lambda_import_lint.fixes.carry import moved_statement, moves_whole_line
from lambda_import_lint.fixes.plan import Plan
from lambda_import_lint.fixes.syntax import alias_of
from lambda_import_lint.rules.base import Fix


def add(plan: Plan, fix: Fix) -> None:
    facts = plan.facts
    bindings = [facts.imports[index] for index in fix.bindings]
    binding = bindings[0]
    targets = [facts.functions[index].node for index in fix.functions]
    if binding.guard is not None:
        if binding.guard in plan.drop_guards:
            return  # another binding of the same guard already moved it
        plan.drop_guards.append(binding.guard)
        plan.comments_moved.add(binding.guard)
        for target in targets:
            plan.inserts.setdefault(target, []).append(binding.guard)
        return
    for moving in bindings:
        plan.drop.add(alias_of(moving))
    # Another fix of this pass may move other names of the same statement to the same functions
    # (a safe and an unsafe one, with --unsafe-fixes): they become one statement again.
    key = (id(binding.statement), fix.functions)
    earlier = plan.moved_together.get(key)
    if earlier is not None:
        bindings = [*earlier, *bindings]
    plan.moved_together[key] = bindings
    statement = moved_statement(bindings)
    if moves_whole_line(bindings):
        plan.comments_moved.add(binding.line)
    for target in targets:
        inserts = plan.inserts.setdefault(target, [])
        if earlier is not None:
            inserts[:] = [s for s in inserts if plan.moved_from.get(id(s)) != key]
        inserts.append(statement)
    plan.moved_from[id(statement)] = key
    if fix.keep_for_annotations:
        plan.type_checking.extend(bindings if earlier is None else bindings[len(earlier):])

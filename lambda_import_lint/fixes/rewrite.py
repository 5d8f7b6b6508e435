"""Applying Fix values: each action's applier adds to one ``Plan``, then the module is rewritten
once (module body, then the appliers' additions to it, then function bodies)."""

from __future__ import annotations

from typing import Callable, Sequence

from lambda_import_lint.analysis.records import ModuleFacts
from lambda_import_lint.fixes import hoist, lazy, move, remove, type_checking
from lambda_import_lint.fixes.plan import FunctionRewriter, Plan
from lambda_import_lint.rules.base import Fix, FixAction

APPLIERS: dict[FixAction, Callable[[Plan, Fix], None]] = {
    "move-into-functions": move.add,
    "lazy-import": lazy.add,
    "type-checking": type_checking.add,
    "hoist": hoist.add,
    "remove": remove.add,
}


def rewrite(facts: ModuleFacts, fixes: Sequence[Fix]) -> bytes:
    """All fixes of one module in one rewrite; returns the new source bytes."""
    plan = Plan(facts)
    for fix in fixes:
        APPLIERS[fix.action](plan, fix)
    module = plan.rewrite_module_body(facts.module)
    body = hoist.finish_module(plan, list(module.body))
    module = module.with_changes(body=type_checking.finish_module(plan, body))
    if plan.inserts or plan.block_inserts or plan.local_lines:
        module = module.visit(FunctionRewriter(plan))
    return module.bytes

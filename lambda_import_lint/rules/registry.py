"""The one registry of rules: codes, docs, examples and checks."""

from __future__ import annotations

from typing import Iterable

from lambda_import_lint.rules import lil001, lil002, lil003, lil101
from lambda_import_lint.rules.base import Example, Finding, Fix, Rule, RuleContext

RULES: dict[str, Rule] = {rule.code: rule for rule in (lil001.RULE, lil002.RULE, lil003.RULE, lil101.RULE)}

__all__ = ["RULES", "Example", "Finding", "Fix", "Rule", "RuleContext", "selected_codes"]


def selected_codes(select: Iterable[str] | None, ignore: Iterable[str]) -> frozenset[str]:
    """Codes on after ``select`` and ``ignore`` (prefixes, like flake8 and ruff); the longer
    (more specific) prefix wins when both name a code."""
    select = tuple(select) if select is not None else None
    ignore = tuple(ignore)
    chosen = set()
    for code, rule in RULES.items():
        selected = [p for p in select if code.startswith(p)] if select is not None else []
        ignored = [p for p in ignore if code.startswith(p)]
        on = bool(selected) if select is not None else rule.default_enabled
        if ignored and (not selected or max(map(len, ignored)) >= max(map(len, selected))):
            on = False
        if on:
            chosen.add(code)
    return frozenset(chosen)

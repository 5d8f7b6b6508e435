"""Verification: a rewrite replaces the source only if it parses, compiles (when the original did)
and leaves no moved or removed name undefined where it is used."""

from __future__ import annotations

import sys
from typing import Sequence

import libcst as cst

from lambda_import_lint.analysis.facts import collect_facts
from lambda_import_lint.analysis.records import ImportBinding, ModuleFacts
from lambda_import_lint.engine.results import Analysis
from lambda_import_lint.rules.base import Finding, Fix


def verify(before: bytes, after: bytes, analysis: Analysis, chosen: Sequence[Finding]) -> str | None:
    """Why ``after`` must not replace ``before``, or None when it is sound."""
    try:
        module = cst.parse_module(after)
    except Exception as error:
        return f"the fixed code would not parse ({error.__class__.__name__})"
    # CPython before 3.15 cannot compile PEP 810 `lazy import`: LibCST's parse above vouches for it.
    lazy_syntax = any(f.fix is not None and f.fix.action == "lazy-import" for f in chosen)
    if (sys.version_info >= (3, 15) or not lazy_syntax) and _compiles(before) and not _compiles(after):
        return "the fixed code would not compile"
    facts = collect_facts(module, analysis.facts.postponed_annotations)
    for finding in chosen:
        assert finding.fix is not None
        for binding in _bindings_of(analysis.facts, finding.fix):
            name = binding.name
            if _bound_at_run_time(facts, name):
                continue
            for use in facts.uses.get(name, ()):
                if use.runtime:
                    return f"`{name}` would be undefined where it is used"
    return None


def _bindings_of(facts: ModuleFacts, fix: Fix) -> list[ImportBinding]:
    if fix.action == "hoist":
        return [facts.function_imports[index].binding for index in fix.bindings]
    return [facts.imports[index] for index in fix.bindings]


def _compiles(source: bytes) -> bool:
    import warnings

    # The user's own code may warn (`"a" is 1`): not ours to print, under a made-up file name.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "<fixed>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return False
    return True


def _bound_at_run_time(facts: ModuleFacts, name: str) -> bool:
    type_only = sum(1 for binding in facts.imports if binding.name == name and binding.type_checking)
    return facts.module_bindings.get(name, 0) > type_only

"""docs/rules is generated from the registry; this proves the committed pages are current."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambda_import_lint.docs import render_index, render_rule
from lambda_import_lint.rules.registry import RULES

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_page_matches_registry(code: str) -> None:
    assert (DOCS / f"{code}.md").read_text("utf-8") == render_rule(RULES[code]), (
        "docs/rules is stale: run `python -m lambda_import_lint.docs docs/rules`"
    )


def test_index_matches_registry() -> None:
    assert (DOCS / "README.md").read_text("utf-8") == render_index(list(RULES.values()))


@pytest.mark.parametrize("code", sorted(RULES))
def test_page_has_ruff_sections(code: str) -> None:
    page = render_rule(RULES[code])
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Options"):
        assert f"## {heading}\n" in page

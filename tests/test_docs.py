"""docs/rules is generated from the registry; this proves the committed pages are current."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambda_import_lint.output.docs import render_index, render_rule
from lambda_import_lint.rules.registry import RULES

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_page_matches_registry(code: str) -> None:
    assert (DOCS / f"{code}.md").read_text("utf-8") == render_rule(RULES[code]), (
        "docs/rules is stale: run `python -m lambda_import_lint.output.docs docs/rules`"
    )


def test_index_matches_registry() -> None:
    assert (DOCS / "README.md").read_text("utf-8") == render_index(list(RULES.values()))


@pytest.mark.parametrize("code", sorted(RULES))
def test_page_has_ruff_sections(code: str) -> None:
    page = render_rule(RULES[code])
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Options"):
        assert f"## {heading}\n" in page


def test_registry_table_matches_rule_modules() -> None:
    from lambda_import_lint.rules.registry import DEFAULT_ENABLED

    assert DEFAULT_ENABLED == {code: rule.default_enabled for code, rule in RULES.items()}


def test_run_with_nothing_to_parse_does_not_import_libcst(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "util.py").write_text("import json\n\ndef dump(x):\n    return json.dumps(x)\n")
    code = (
        "import sys; from lambda_import_lint.cli import main; main(['check', '-q', sys.argv[1]]); "
        "print('libcst' in sys.modules)"
    )
    completed = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert completed.stdout.strip() == "False", completed.stderr

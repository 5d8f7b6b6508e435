"""`report` and `check` agree: every import the cost report counts as deferrable has a finding of
the rule for its status, and every LIL001/LIL002/LIL003 finding is an import the report defers.
Both read the judgement (``judgement/assessment.py``); this test holds them together on every
rule example and on a sample of real third-party code."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst.metadata as metadata
import pytest

from lambda_import_lint.config import Config
from lambda_import_lint.engine.check import analyse
from lambda_import_lint.engine.request import Request
from lambda_import_lint.engine.results import Analysis
from lambda_import_lint.judgement.assessment import Status
from lambda_import_lint.output.cost_report import deferred_by_fixes
from lambda_import_lint.rules.registry import DEFAULT_ENABLED, RULES

from conftest import make_config
from corpus_harness import STRESS, corpus_files, package_folders

RULE_OF_STATUS = {Status.DEFERRABLE: "LIL001", Status.UNUSED: "LIL002", Status.ANNOTATION_ONLY: "LIL003"}
IMPORT_RULES = frozenset(RULE_OF_STATUS.values())


def _both_views(source: bytes, path: str, config: Config) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """(statements the report defers, statements check reports), each as (first line, code)."""
    request = Request(path, config, codes=frozenset(DEFAULT_ENABLED), noqa=False, full=True)
    analysis = analyse(source, request)
    if not isinstance(analysis, Analysis) or analysis.assessment is None:
        return set(), set()
    module = analysis.facts.module
    positions = metadata.MetadataWrapper(module, unsafe_skip_copy=True).resolve(metadata.PositionProvider)
    spans = [(positions[statement].start.line, positions[statement].end.line) for statement in module.body]

    def statement_line(line: int) -> int:
        return next(first for first, last in spans if first <= line <= last)

    deferred = {
        (positions[j.binding.top_statement].start.line, RULE_OF_STATUS[j.status]) for j in deferred_by_fixes(analysis)
    }
    reported = {
        (statement_line(finding.line), finding.code)
        for finding in analysis.result.findings
        if finding.code in IMPORT_RULES
    }
    return deferred, reported


EXAMPLES = [
    pytest.param(example, id=f"{rule.code}-{example.id}")
    for rule in RULES.values()
    for example in (*rule.invalid, *rule.valid)
]


@pytest.mark.parametrize("example", EXAMPLES)
def test_report_and_check_agree_on_rule_examples(example, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name, text in example.files.items():
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    source = textwrap.dedent(example.source).encode()
    deferred, reported = _both_views(source, str(tmp_path / "app.py"), make_config(example.settings, tmp_path))
    assert deferred == reported


def test_report_and_check_agree_on_real_code() -> None:
    files = corpus_files(package_folders(("flake8", "pyflakes", "pycodestyle")))[::3]
    compared = 0
    for path in files:
        deferred, reported = _both_views(path.read_bytes(), str(path), STRESS)
        assert deferred == reported, path
        compared += len(reported)
    assert compared > 20  # the sample has findings to compare


def test_an_import_kept_on_purpose_is_neither_reported_nor_counted() -> None:
    """An unused heavy import in a module that reads names through ``globals()`` may be read that
    way: not LIL002, and not a saving in the report (they disagreed before the judgement owned it)."""
    source = b"import pandas as pandas\n\n\ndef handler(event, context):\n    return globals()[event['name']]\n"
    deferred, reported = _both_views(source, "app.py", Config())
    assert deferred == reported == set()
    analysis = analyse(source, Request("app.py", Config(), full=True))
    assert isinstance(analysis, Analysis) and analysis.assessment is not None
    assert [j.status for j in analysis.assessment.judgements] == [Status.KEPT]


def test_both_views_name_the_statement_and_the_rule() -> None:
    """The views are compared by statement and rule, so a finding of another rule, or on another
    statement, would be a difference."""
    source = b"import json\nimport pandas as pd\n\n\ndef handler(event, context):\n    if event['body']:\n        return pd.x\n"
    deferred, reported = _both_views(source, "app.py", Config())
    assert deferred == reported == {(2, "LIL001")}

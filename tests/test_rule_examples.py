"""Every rule's documented examples are tests: through the API and through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lambda_import_lint.cli import main
from lambda_import_lint.output.docs import _toml
from lambda_import_lint.rules.registry import RULES

from conftest import lint

CASES = [
    pytest.param(rule.code, example, id=f"{rule.code}-{kind}-{example.id}")
    for rule in RULES.values()
    for kind, examples in (("invalid", rule.invalid), ("valid", rule.valid))
    for example in examples
]


def test_every_rule_has_examples() -> None:
    for rule in RULES.values():
        assert rule.invalid and rule.valid, rule.code
        assert all(example.findings for example in rule.invalid), rule.code
        assert not any(example.findings for example in rule.valid), rule.code


@pytest.mark.parametrize(("code", "example"), CASES)
def test_example_through_api(code, example, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name, text in example.files.items():
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    findings = lint(example.source, example.settings, codes=code, path=str(tmp_path / "app.py"))
    assert [f.line for f in findings] == list(example.findings)
    assert {f.code for f in findings} <= {code}


@pytest.mark.parametrize(("code", "example"), CASES)
def test_example_through_cli(code, example, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "app.py").write_text(example.source)
    for name, text in example.files.items():
        (tmp_path / name).write_text(text)
    settings = "\n".join(f"{key} = {_toml(value)}" for key, value in example.settings.items())
    (tmp_path / "pyproject.toml").write_text(f"[tool.lambda-import-lint]\n{settings}\n")
    status = main(["check", "--format", "json", "--select", code, str(tmp_path)])
    reported = json.loads(capsys.readouterr().out)
    assert [item["line"] for item in reported] == list(example.findings)
    assert status == (1 if example.findings else 0)

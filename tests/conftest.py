from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Mapping

import pytest

from lambda_import_lint.api import check_source
from lambda_import_lint.cli import main
from lambda_import_lint.config import Config, config_from_table
from lambda_import_lint.rules.registry import selected_codes
from lambda_import_lint.rules.base import Finding


def make_config(settings: Mapping[str, object] | None = None, root: Path | None = None) -> Config:
    return config_from_table(dict(settings or {}), root or Path.cwd(), "test settings")


def lint(
    source: str,
    settings: Mapping[str, object] | None = None,
    codes: str | None = None,
    path: str = "app.py",
    declared: tuple[str, ...] = (),
) -> list[Finding]:
    """Findings for a dedented source, through the public API."""
    config = make_config(settings)
    selected = frozenset(codes.split(",")) if codes else selected_codes(config.select, config.ignore)
    result = check_source(textwrap.dedent(source).encode(), path, config, declared, selected)
    assert result.error is None, result.error
    return list(result.findings)


def codes_and_lines(findings: list[Finding]) -> list[tuple[str, int]]:
    return [(finding.code, finding.line) for finding in findings]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own result cache, never the repository's."""
    monkeypatch.setenv("LAMBDA_IMPORT_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    def write(relative: str, content: str | bytes) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = textwrap.dedent(content).encode()
        path.write_bytes(content)
        return path

    return write


# A handler that needs pandas on one branch only: one LIL001, fixable.
BRANCHY = """\
import pandas as pd


def lambda_handler(event, context):
    if event["queryStringParameters"].get("report"):
        return pd.DataFrame(event["rows"]).to_dict()
    return None
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def fixture_projects(folder: Path):  # type: ignore[no-untyped-def]
    """A ``project`` fixture for a folder of fixture projects: ``project(name)`` copies one where no
    pyproject.toml or .git sits above it, and runs the test from inside it."""

    @pytest.fixture
    def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
        def copy(name: str) -> Path:
            import shutil

            target = tmp_path / name
            shutil.copytree(folder / name, target)
            monkeypatch.chdir(target)
            return target

        return copy

    return project


def flake8_codes(path: Path) -> list[str]:
    """The codes flake8's plugin reports on one file, run from the file's folder."""
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LIL", str(path)], capture_output=True, text=True, cwd=path.parent
    )
    return [line.split(": ", 1)[1].split(" ", 1)[0] for line in completed.stdout.splitlines()]


def probe_before_and_after_fix(folder: Path, probe: str, target: Path) -> tuple[dict[str, object], dict[str, object]]:
    """What ``probe`` (a script given ``folder`` as its argument, printing JSON) prints in a fresh
    interpreter before and after ``check --fix`` rewrites ``target``, which then has no finding."""
    import json
    import subprocess
    import sys

    def run_probe() -> dict[str, object]:
        completed = subprocess.run(
            [sys.executable, "-c", probe, str(folder)], capture_output=True, text=True, check=True, cwd=folder
        )
        return json.loads(completed.stdout)  # type: ignore[no-any-return]

    before = run_probe()
    assert main(["check", "--fix", "-q", "--no-cache", str(target)]) == 1
    after = run_probe()
    assert main(["check", "-q", "--no-cache", str(target)]) == 0
    return before, after


def terraform_zipped_file(name: str, source_file: str, handler: str, runtime: str = '"python3.12"') -> str:
    """A Terraform `aws_lambda_function` named ``name`` whose package is an `archive_file` of one
    file, ``source_file`` (written as Terraform reads it); ``runtime`` as written (quoted, or a
    reference such as `var.lambda_runtime`)."""
    return f"""
data "archive_file" "{name}" {{
  type        = "zip"
  source_file = "{source_file}"
  output_path = "{name}.zip"
}}

resource "aws_lambda_function" "{name}" {{
  function_name = "{name}"
  filename      = data.archive_file.{name}.output_path
  handler       = "{handler}"
  runtime       = {runtime}
}}
"""

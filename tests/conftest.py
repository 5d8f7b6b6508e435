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

"""Nothing in the repository being linted runs code in the linter or makes it write outside the
project, and a killed run leaves nothing behind (issue 19). Every test here plays the attacker: a
pull request that commits cache entries, symlinks, odd file names or deployment files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from lambda_import_lint.cli import main
from lambda_import_lint.rules.registry import RULES

CACHE_ENVIRONMENT = "LAMBDA_IMPORT_LINT_CACHE_DIR"
SOURCE = RULES["LIL001"].invalid[0].source
CACHE = ".lambda-import-lint-cache"


class _CreatesAFile:
    """What a crafted pickle does when loaded: here, create a file; in an attack, anything."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _check(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]], str]:
    status = main(["check", "--format", "json", "--jobs", "1", *args])
    captured = capsys.readouterr()
    return status, json.loads(captured.out), captured.err


def _entries(folder: Path) -> list[Path]:
    """The cache's entry files (named by their 64-digit key)."""
    return [path for path in folder.rglob("*") if path.is_file() and len(path.name) == 64]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with one handler module and the cache in its default place (the project's
    ``.lambda-import-lint-cache``), the working folder set to it."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.lambda-import-lint]\n")
    (root / "app.py").write_text(SOURCE)
    monkeypatch.delenv(CACHE_ENVIRONMENT, raising=False)
    monkeypatch.chdir(root)
    return root


def _tree(folder: Path) -> dict[str, bytes | str]:
    """Every name under ``folder`` with its content (or its link target): to see it untouched."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            found[name] = "-> " + os.readlink(path)
        elif path.is_file():
            found[name] = path.read_bytes()
        else:
            found[name] = "folder"
    return found


# --- file names are printed, never obeyed ------------------------------------------------------

EVIL_NAME = "evil\n::error file=app.py::forged\x1b[31m\r.py"


@pytest.mark.parametrize("output", ["text", "github"])
def test_a_file_name_cannot_forge_output_lines(tmp_path: Path, capsys, monkeypatch, output: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / EVIL_NAME).write_text(SOURCE)
    (tmp_path / "broken\n\x1b[2Kname.py").write_text("import pandas\n\n\ndef lambda_handler(event, context):\n    x = (\n")
    status = main(["check", "--format", output, "--jobs", "1", "."])
    captured = capsys.readouterr()
    assert status == 2
    for stream in (captured.out, captured.err):
        assert "\x1b" not in stream and "\r" not in stream
    [line] = captured.out.splitlines()
    assert "LIL001" in line
    if output == "text":
        assert line.startswith("evil\\n::error file=app.py::forged\\x1b[31m\\r.py:")
    else:
        assert line.startswith("::warning file=evil%0A%3A%3Aerror file=app.py%3A%3Aforged\\x1b[31m%0D.py,line=")
    [error, summary] = captured.err.splitlines()
    assert error.startswith("broken\\n\\x1b[2Kname.py: error: ")


def test_rewriting_names_the_file_safely(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / EVIL_NAME
    path.write_text(SOURCE)
    assert main(["check", "--fix", "--jobs", "1", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"Rewriting {tmp_path}/evil\\n::error" in err and "\x1b" not in err
    assert len(err.splitlines()) == 2  # "Rewriting …" and the summary

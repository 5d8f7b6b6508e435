"""github and sarif output, stdin in every format, and the pre-commit hooks run as pre-commit runs them."""

from __future__ import annotations

import io
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lambda_import_lint import __version__
from lambda_import_lint.cli import main
from lambda_import_lint.rules.registry import RULES

ROOT = Path(__file__).resolve().parent.parent
SOURCE = RULES["LIL001"].invalid[0].source  # pandas on one branch: LIL001 at 3:8


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(args)
    return status, capsys.readouterr().out


def test_github_annotations(write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = write("src/app,1.py", SOURCE)
    monkeypatch.chdir(path.parent.parent)
    status, out = _run(["check", "--format", "github", "src"], capsys)
    assert status == 1
    assert out == (
        "::warning file=src/app%2C1.py,line=3,col=8,endLine=3,endColumn=20,title=LIL001::LIL001 "
        + out.split("title=LIL001::LIL001 ", 1)[1]
    )
    assert out.count("\n") == 1 and "%0A" not in out


def test_sarif_field_by_field(write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = write("src/app.py", SOURCE)
    monkeypatch.chdir(path.parent.parent)
    status, out = _run(["check", "--format", "sarif", "src"], capsys)
    assert status == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("lambda-import-lint", __version__)
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["help"]["text"] and rule["help"]["markdown"].startswith("# ")
    [result] = run["results"]
    assert result["ruleId"] == "LIL001"
    assert driver["rules"][result["ruleIndex"]]["id"] == "LIL001"
    assert result["level"] == "warning"
    assert "`pandas`" in result["message"]["text"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "src/app.py"
    assert location["region"] == {"startLine": 3, "startColumn": 8, "endLine": 3, "endColumn": 20}
    [fix] = result["fixes"]
    assert fix["description"]["text"] == "Move `import pandas as pd` into `export_csv`"
    [change] = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "src/app.py"
    # Applying the replacements (bottom-up) gives the fixed file.
    lines = SOURCE.splitlines(keepends=True)
    for replacement in sorted(change["replacements"], key=lambda r: r["deletedRegion"]["startLine"], reverse=True):
        region = replacement["deletedRegion"]
        assert region["startColumn"] == region["endColumn"] == 1
        lines[region["startLine"] - 1:region["endLine"] - 1] = [replacement["insertedContent"]["text"]]
    assert "".join(lines) == RULES["LIL001"].invalid[0].fixed


def test_sarif_without_findings_is_valid(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", "def handler(event, context):\n    return 1\n")
    status, out = _run(["check", "--format", "sarif", str(path)], capsys)
    assert status == 0 and json.loads(out)["runs"][0]["results"] == []


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_stdin_reports_under_the_given_name(fmt: str, capsys, monkeypatch, write) -> None:  # type: ignore[no-untyped-def]
    write("pyproject.toml", '[tool.lambda-import-lint]\nignore = ["LIL002"]\n')
    monkeypatch.chdir(write("x.txt", "").parent)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SOURCE.encode())))
    status, out = _run(["check", "--format", fmt, "--stdin-filename", "handlers/app.py", "-"], capsys)
    assert status == 1
    assert "handlers/app.py" in out and "LIL001" in out


def test_stdin_filename_applies_per_file_config(capsys, monkeypatch, write) -> None:  # type: ignore[no-untyped-def]
    write("pyproject.toml", '[tool.lambda-import-lint]\nper-file-ignores = { "legacy/*" = ["LIL001"] }\n')
    monkeypatch.chdir(write("x.txt", "").parent)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SOURCE.encode())))
    assert _run(["check", "--stdin-filename", "legacy/app.py", "-"], capsys)[0] == 0


def _hooks() -> dict[str, dict[str, object]]:
    return {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def test_pre_commit_hook_definitions() -> None:
    hooks = _hooks()
    assert set(hooks) == {"lambda-import-lint", "lambda-import-lint-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types"] == ["python"]


def _as_pre_commit(entry: str, files: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    # pre-commit runs `entry` with the staged file names appended; the console script sits next to
    # the interpreter in the environment pre-commit builds.
    command = shlex.split(entry)
    executable = Path(sys.executable).parent / command[0]
    if not executable.exists():
        command = [sys.executable, "-m", "lambda_import_lint", *command[1:]]
    else:
        command[0] = str(executable)
    return subprocess.run([*command, *map(str, files)], capture_output=True, text=True, cwd=cwd, env=os.environ)


def test_pre_commit_check_and_fix_hooks(tmp_path: Path) -> None:
    handler = tmp_path / "app.py"
    other = tmp_path / "util.py"
    handler.write_text(SOURCE)
    other.write_text("import pandas as pd\n\ndef frame(rows):\n    return pd.DataFrame(rows)\n")
    hooks = _hooks()
    checked = _as_pre_commit(str(hooks["lambda-import-lint"]["entry"]), [handler, other], tmp_path)
    assert checked.returncode == 1 and "app.py:3:8: LIL001" in checked.stdout and "util.py" not in checked.stdout
    fixed = _as_pre_commit(str(hooks["lambda-import-lint-fix"]["entry"]), [handler, other], tmp_path)
    assert fixed.returncode == 1 and "Rewriting" in fixed.stderr
    assert handler.read_text() == RULES["LIL001"].invalid[0].fixed
    again = _as_pre_commit(str(hooks["lambda-import-lint-fix"]["entry"]), [handler, other], tmp_path)
    assert again.returncode == 0, again.stderr

"""Issue 17: what a newcomer meets on a first run — usage errors, summaries, discovery warnings,
results that do not depend on how a path is spelled — through the command line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lambda_import_lint.cli import main

KNOWN = "(known: LIL001, LIL002, LIL003, LIL004, LIL101, LIL102, or a prefix such as LIL0)"

BRANCHY = """\
import pandas as pd


def lambda_handler(event, context):
    if event.get("report"):
        return pd.DataFrame(event["rows"]).to_dict()
    return None
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def put(root: Path, relative: str, content: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(content))
    return path


# 1. Unknown rule codes are usage errors.


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        pytest.param(["--select", "LIL999"], f"--select: unknown rule code LIL999 {KNOWN}", id="select-code"),
        pytest.param(["--select", "XYZ"], f"--select: unknown rule code XYZ {KNOWN}", id="select-prefix"),
        pytest.param(["--ignore", "LIL001,LIL9"], f"--ignore: unknown rule code LIL9 {KNOWN}", id="ignore"),
        pytest.param(["--select", "E,W"], f"--select: unknown rule codes E, W {KNOWN}", id="several"),
    ],
)
def test_unknown_codes_in_flags_are_usage_errors(
    flags: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "app.py", BRANCHY)
    assert run(["check", *flags, "app.py"], capsys) == (2, "", f"lambda-import-lint: error: {message}\n")


@pytest.mark.parametrize(
    ("table", "where", "code"),
    [
        pytest.param('select = ["LIL999"]', "`select`", "LIL999", id="select"),
        pytest.param('ignore = ["LIL1", "LIL2"]', "`ignore`", "LIL2", id="ignore"),
        pytest.param(
            'per-file-ignores = { "legacy/*" = ["LIL007"] }', "`per-file-ignores` for 'legacy/*'", "LIL007", id="per-file"
        ),
    ],
)
def test_unknown_codes_in_pyproject_are_usage_errors(
    table: str, where: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "app.py", BRANCHY)
    put(tmp_path, "pyproject.toml", f"[tool.lambda-import-lint]\n{table}\n")
    expected = f"lambda-import-lint: error: pyproject.toml: {where}: unknown rule code {code} {KNOWN}\n"
    assert run(["check", "app.py"], capsys) == (2, "", expected)


@pytest.mark.parametrize("codes", ["LIL", "LIL0", "LIL00", "LIL001", "lil001", "LIL1,LIL00"])
def test_prefixes_of_known_codes_stay_valid(
    codes: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "app.py", BRANCHY)
    status, out, _ = run(["check", "--select", codes, "--no-cache", "app.py"], capsys)
    assert (status, out.count(" LIL001 ")) == (1, 1)


# 4. --stdin-filename alone reads stdin.


def test_stdin_filename_alone_reads_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.chdir(tmp_path)
    put(tmp_path, "other.py", BRANCHY)  # would be reported if the folder were linted instead
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(BRANCHY.encode())))
    status, out, err = run(["check", "--stdin-filename", "src/app.py"], capsys)
    assert status == 1
    assert out.startswith("src/app.py:1:8: LIL001 ") and out.count("\n") == 1
    assert err == "Found 1 finding (1 fixable with `--fix`).\n"


def test_stdin_filename_alone_with_fix_prints_the_fixed_buffer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(BRANCHY.encode())))
    status, out, _ = run(["check", "--fix", "--stdin-filename", "app.py"], capsys)
    assert status == 1
    assert out == BRANCHY.replace("import pandas as pd\n\n\n", "").replace(":\n", ":\n    import pandas as pd\n", 1)
    assert not (tmp_path / "app.py").exists()

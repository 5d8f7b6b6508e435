"""Issue 17: what a newcomer meets on a first run — usage errors, summaries, discovery warnings,
results that do not depend on how a path is spelled — through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lambda_import_lint.cli import main

from conftest import BRANCHY, run

KNOWN = "(known: LIL001, LIL002, LIL003, LIL004, LIL101, LIL102, or a prefix such as LIL0)"


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
    moved = BRANCHY.replace("import pandas as pd\n\n\n", "")
    assert out == moved.replace('if event["queryStringParameters"].get("report"):\n', 'if event["queryStringParameters"].get("report"):\n        import pandas as pd\n', 1)
    assert not (tmp_path / "app.py").exists()


# 7. Polish.


def test_quiet_help_says_what_it_hides(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert (
        "-q, --quiet hide the summary line and discovery warnings (findings, errors and `Rewriting` lines still print)"
    ) in " ".join(out.split())


@pytest.mark.parametrize("value", ["abc", "0", "-3"])
def test_jobs_expects_a_positive_integer(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--jobs", value, "."])
    assert exit_.value.code == 2
    assert f"argument --jobs: expected a positive integer, got '{value}'" in capsys.readouterr().err


def test_report_columns_survive_long_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    deep = "services/" + "a-rather-long-folder-name/" * 4 + "app.py"
    put(tmp_path, deep, BRANCHY)
    put(tmp_path, "app.py", BRANCHY)
    status, out, _ = run(["report", "."], capsys)
    table, _notes = out.split("\n\n", 1)  # the table, then what each deferred import costs where it lands
    header, *rows = table.splitlines()
    assert status == 0 and len(rows) == 2
    figures = header.index("init ms") + len("init ms")  # right-aligned under their heading
    for row in rows:
        assert row[:figures].endswith(" 260") or row[:figures].endswith(" 450"), row
        assert row[figures:].split() in (["260", "0", "0", "128", "MB*"], ["260", "190", "190", "128", "MB*"]), row
    assert any(row.startswith(deep + ":lambda_handler ") for row in rows)


def test_rule_list_fits_its_columns(capsys: pytest.CaptureFixture[str]) -> None:
    from lambda_import_lint.rules.registry import all_rules

    status, out, _ = run(["rule"], capsys)
    lines = out.splitlines()
    assert status == 0 and len(lines) == len(all_rules())
    summary_columns = {line.index(rule.summary) for line, rule in zip(lines, all_rules().values())}
    assert len(summary_columns) == 1  # every summary starts in the same column
    for line, rule in zip(lines, all_rules().values()):
        assert line[len(rule.code) + 2:].split("  ")[0] == rule.name  # at least two spaces after a name


def test_module_outside_the_catalogue_reads_cost_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "app.py", BRANCHY.replace("pandas as pd", "uuid").replace("pd.DataFrame(event[\"rows\"]).to_dict()", "uuid.uuid4()"))
    status, out, _ = run(["check", "--extend-heavy-modules", "uuid", "--no-cache", "app.py"], capsys)
    assert status == 1
    assert out.startswith("app.py:1:8: LIL001 `uuid` (cost unknown) is imported at module scope")
    assert "import time" not in out


def test_unused_module_outside_the_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "app.py", "import uuid\n\n\ndef handler(event, context):\n    return len(event)\n")
    _, out, _ = run(["check", "--extend-heavy-modules", "uuid", "--no-cache", "app.py"], capsys)
    assert out == (
        "app.py:1:8: LIL002 `uuid` (cost unknown) is imported but never used; removing it takes its import off "
        "every cold start\n"
    )


@pytest.mark.parametrize(
    ("source", "position"),
    [
        # LibCST's message says "error at 3:10" (0-based column) where its raw position says 3:1.
        pytest.param("import boto3\ndef handler(event, context):\n    x = = 1\n", "3:11", id="in-a-line"),
        pytest.param("import boto3\ndef handler(event, context):\n    return (1,\n", "4:1", id="end-of-file"),
    ],
)
def test_syntax_error_gives_one_position(
    source: str, position: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "broken.py", source)
    status, _, err = run(["check", "--no-cache", "broken.py"], capsys)
    [line] = [line for line in err.splitlines() if line.startswith("broken.py")]
    assert status == 2
    assert line.startswith(f"broken.py: error: syntax error at {position}: expected one of ")
    assert "error at" not in line.split(": syntax error at ", 1)[1]


@pytest.mark.parametrize(
    ("source", "position", "fault"),
    [
        # LibCST places every tokenizer error at 1:1 (a real repository's quote left open on line 33).
        pytest.param(
            'import boto3\n\nDIGITS = "\\d+"\n\ndef handler(event, context):\n    return "open\n', "6:12",
            "unterminated string literal", id="open-string",
        ),
        pytest.param(
            "import boto3\ndef handler(event, context):\n    if event:\n        return 1\n  return 2\n",
            "5:11", "no matching outer block for dedent", id="dedent",
        ),
    ],
)
def test_tokenizer_error_says_where(
    source: str, position: str, fault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "broken.py", source)
    put(tmp_path, "fine.py", BRANCHY)
    status, out, err = run(["check", "--no-cache", "--format", "json", "broken.py", "fine.py"], capsys)
    assert status == 2
    assert f"broken.py: error: syntax error at {position}: tokenizer error: {fault}" in err.splitlines()
    assert json.loads(out)[0]["path"] == "fine.py"  # the other file is still checked
    # The file's own warnings (`"\\d+"`, a SyntaxWarning since Python 3.12) are not ours to print.
    completed = subprocess.run(
        [sys.executable, "-W", "default", "-m", "lambda_import_lint", "check", "--no-cache", "broken.py"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert completed.returncode == 2 and "Warning" not in completed.stderr


# 3. Say when nothing was checked.

HINT = 'see `lambda-import-lint handlers` or set `handlers = ["src/app.py:handler"]` in [tool.lambda-import-lint].'


@pytest.mark.parametrize(
    ("files", "summary"),
    [
        pytest.param({"README.md": "# no code\n"}, f"No Python files found; {HINT}", id="no-python-files"),
        pytest.param(
            {"lib/util.py": "def f(x):\n    return x\n", "lib/io.py": "import boto3\n\n\ndef read(key):\n    return key\n"},
            f"No handler modules found in 2 Python files; {HINT}",
            id="no-handler-modules",
        ),
        # The byte scan says "maybe" (a def taking `event`, a method named `handler`); the stdlib
        # parser says no.
        pytest.param(
            {
                "util.py": "import boto3\n\n\ndef parse(event, keys):\n    return boto3\n",
                "models.py": "class Queue:\n    def handler(self, event, context):\n        return 1\n",
            },
            f"No handler modules found in 2 Python files; {HINT}",
            id="handler-shaped-bytes-only",
        ),
        # A handler module with no heavy import is settled by the prefilters yet was checked.
        pytest.param(
            {"app.py": "import json\n\n\ndef handler(event, context):\n    return json.dumps(event)\n"},
            "All checks passed!",
            id="handler-without-heavy-import",
        ),
        pytest.param({"app.py": "def handler(event, context):\n    return 1\n"}, "All checks passed!", id="no-import"),
        pytest.param(
            {"app.py": "import boto3\n\n\ndef process(payload, ctx):\n    return boto3\n", "util.py": "x = 1\n"},
            f"No handler modules found in 2 Python files; {HINT}",
            id="no-handler-shaped-function",
        ),
    ],
)
def test_summary_says_when_nothing_was_checked(
    files: dict[str, str], summary: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    for relative, content in files.items():
        put(tmp_path, relative, content)
    assert run(["check", "--no-cache", "."], capsys) == (0, "", summary + "\n")


def test_declared_and_shared_code_count_as_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "util.py", "import json\n\n\ndef process(payload, ctx):\n    return json\n")
    assert run(["check", "--all-modules", "."], capsys) == (0, "", "All checks passed!\n")
    put(tmp_path, "pyproject.toml", '[tool.lambda-import-lint]\nhandlers = ["util.py:process"]\n')
    assert run(["check", "."], capsys) == (0, "", "All checks passed!\n")


def test_nothing_checked_with_unreadable_files_and_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "broken.py", "import boto3\ndef handler(event, context):\n    return (1,\n")
    status, _, err = run(["check", "--no-cache", "."], capsys)
    assert (status, err.splitlines()[-1]) == (2, "1 file could not be checked.")
    put(tmp_path, "util.py", "x = 1\n")
    status, _, err = run(["check", "--no-cache", "."], capsys)
    assert err.splitlines()[-1] == f"No handler modules found in 1 Python file; {HINT[:-1]}. 1 file could not be checked."
    assert run(["check", "-q", "util.py"], capsys) == (0, "", "")


# 5. Discovery warnings that help.

WARNING = "lambda-import-lint: warning: "
SET_HANDLERS = 'set `handlers = ["src/app.py:handler"]` in [tool.lambda-import-lint]'


def sam_template(functions: dict[str, tuple[str, str]]) -> str:
    """A SAM template declaring Python functions: name → (CodeUri, Handler)."""
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for name, (code_uri, handler) in functions.items():
        lines += [
            f"  {name}:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            "      Runtime: python3.12",
            f"      CodeUri: {code_uri}",
            f"      Handler: {handler}",
        ]
    return "\n".join(lines) + "\n"


def test_zip_code_uri_is_said_once_for_every_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    functions = {f"Fn{number}": ("dist/bundle.zip", "index.handler") for number in range(46)}
    put(tmp_path, "template.yaml", sam_template(functions))
    put(tmp_path, "src/index.py", "def handler(event, context):\n    return 1\n")
    for command in (["check", "."], ["handlers", "."]):
        _, _, err = run(command, capsys)
        warnings = [line for line in err.splitlines() if line.startswith(WARNING)]
        assert warnings == [
            f"{WARNING}template.yaml: code deployed from a .zip archive, which cannot be inspected "
            f"(46 functions: Fn0, Fn1, Fn2 and 43 more); to check the source it is built from, {SET_HANDLERS}"
        ]
        assert "not found" not in err


def test_py_code_uri_is_the_handler_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "template.yaml", sam_template({"Fn": ("src/index.py", "index.process")}))
    put(tmp_path, "src/index.py", BRANCHY.replace("lambda_handler(event, context)", "process(payload, ctx)")
        .replace("event", "payload"))
    status, out, err = run(["handlers", "--format", "json", "."], capsys)
    [row] = json.loads(out)
    assert (status, row["path"], row["function"], row["source"], err) == (0, "src/index.py", "process", "template.yaml", "")
    status, out, err = run(["check", "--no-cache", "."], capsys)
    assert status == 1 and out.startswith("src/index.py:1:8: LIL001 ") and "warning" not in err


def test_functions_sharing_a_missing_file_share_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    functions = {"A": ("src/", "gone.handler"), "B": ("src/", "gone.handler"), "C": ("src/", "other.handler")}
    put(tmp_path, "template.yaml", sam_template(functions))
    _, _, err = run(["check", "."], capsys)
    step = f"fix the handler or its code folder, or {SET_HANDLERS}"
    assert [line for line in err.splitlines() if line.startswith(WARNING)] == [
        f"{WARNING}template.yaml: handler 'gone.handler': src/gone.py not found (2 functions: A, B); {step}",
        f"{WARNING}template.yaml: C: handler 'other.handler': src/other.py not found; {step}",
    ]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(BRANCHY, id="analysed"),
        pytest.param("def lambda_handler(event, context):\n    return 1\n", id="settled-by-the-byte-scan"),
        pytest.param("import json\n\n\ndef lambda_handler(event, context):\n    return json\n", id="settled-by-the-prescreen"),
    ],
)
def test_check_reports_a_declared_function_that_does_not_exist_once(
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "template.yaml", sam_template({"A": ("src/", "app.handle"), "B": ("src/", "app.handle")}))
    put(tmp_path, "src/app.py", source)
    expected = [
        f"{WARNING}template.yaml: src/app.py has no function `handle`; fix the handler name there, or "
        'set `handlers = ["src/app.py:<function>"]` in [tool.lambda-import-lint]'
    ]
    for command in (["check", "--no-cache", "."], ["handlers", "."]):
        _, _, err = run(command, capsys)
        assert [line for line in err.splitlines() if line.startswith(WARNING)] == expected
    assert run(["check", "-q", "--no-cache", "."], capsys)[2] == ""


def test_terraform_zip_is_not_inspectable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "main.tf", """\
        resource "aws_lambda_function" "api" {
          function_name = "api"
          runtime       = "python3.12"
          handler       = "app.handler"
          filename      = "build/api.zip"
        }
        """)
    _, _, err = run(["handlers", "."], capsys)
    assert err == (
        f"{WARNING}main.tf: aws_lambda_function.api: code deployed from a .zip archive, which cannot be inspected; "
        f"to check the source it is built from, {SET_HANDLERS}\n"
    )


# 6. Results do not depend on the path given.

DECLARED_ONLY = """\
import pandas as pd


def process(payload, ctx):
    if payload["queryStringParameters"].get("report"):
        return pd.DataFrame(payload["rows"]).to_dict()
    return None
"""  # not handler-shaped: only the template makes it a handler


def findings(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[tuple[str, int, str, str]]:
    status, out, err = run(["check", "--format", "json", "--no-cache", *args], capsys)
    assert status == 1, err
    return [(item["path"], item["line"], item["code"], item["message"]) for item in json.loads(out)]


@pytest.mark.parametrize("marker", [None, ".git", "pyproject.toml"])
def test_findings_do_not_depend_on_the_path_given(
    marker: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "proj/template.yaml", sam_template({"Process": ("sub/", "app.process")}))
    put(tmp_path, "proj/sub/app.py", DECLARED_ONLY)
    if marker == ".git":
        (tmp_path / "proj/.git").mkdir()
    elif marker == "pyproject.toml":
        put(tmp_path, "proj/pyproject.toml", "[project]\nname = 'proj'\n")
    spellings = ["proj/", "proj/sub/", "proj/sub/app.py"]
    results = [findings([spelling], capsys) for spelling in spellings]
    assert [code for _, _, code, _ in results[0]] == ["LIL001"]
    assert results[0][0][:2] == ("proj/sub/app.py", 1)
    assert results[1] == results[0] and results[2] == results[0]


def test_the_walk_up_stops_at_the_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A deployment file above the first folder holding .git belongs to another project."""
    monkeypatch.chdir(tmp_path)
    put(tmp_path, "template.yaml", sam_template({"Process": ("proj/sub/", "app.process")}))
    put(tmp_path, "proj/sub/app.py", DECLARED_ONLY)
    assert findings(["proj/sub/app.py"], capsys)[0][2] == "LIL001"  # no project root: found above
    (tmp_path / "proj/.git").mkdir()
    status, out, err = run(["check", "--no-cache", "proj/sub/app.py"], capsys)
    assert (status, out) == (0, "") and err.startswith("No handler modules found in 1 Python file;")


def test_the_users_code_warnings_are_not_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Parsing with the stdlib warns about invalid escapes (shown by default since Python 3.12,
    as "<unknown>:2: SyntaxWarning: ..."): the user's code, not our output."""
    import warnings

    monkeypatch.chdir(tmp_path)
    put(tmp_path, "shared.py", 'import pandas\nPATTERN = "\\d+ shared"\n')
    put(tmp_path, "app.py", 'import shared\nimport boto3\nPATTERN = "\\d+ app"\n' + BRANCHY)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status, _, _ = run(["check", "--no-cache", "--jobs", "1", "app.py"], capsys)
    assert status == 1
    assert [str(warning.message) for warning in caught] == []


@pytest.mark.parametrize(
    ("name", "candidate"),
    [("package.json", False), ("tsconfig.json", False), ("template.json", True), ("cdk.json", True),
     ("template.yaml", True), ("main.tf", True), ("Dockerfile", True)],
)
def test_deployment_candidates_are_names_a_reader_takes(name: str, candidate: bool) -> None:
    """The walk up from the checked paths lists folders such as /tmp: a stray `.json` there must
    not load the readers (PyYAML, json) for nothing."""
    from lambda_import_lint.discovery.deploy import is_candidate

    assert is_candidate(name) is candidate

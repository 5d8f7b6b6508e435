"""The command-line contract of DESIGN.md §3: formats, exit statuses, noqa, config and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lambda_import_lint.cli import main

from conftest import BRANCHY, run


def test_text_format_and_exit_1(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", BRANCHY)
    status, out, err = run(["check", str(path)], capsys)
    assert status == 1
    assert out == f"{path}:1:8: LIL001 " + out.split(" LIL001 ", 1)[1]
    assert out.count("\n") == 1
    assert "`pandas`" in out and "`lambda_handler`" in out
    assert "Found 1 finding (1 fixable with `--fix`)." in err


def test_json_schema(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", BRANCHY)
    status, out, _ = run(["check", "--format", "json", str(path)], capsys)
    assert status == 1
    [item] = json.loads(out)
    assert item == {
        "path": str(path),
        "line": 1,
        "column": 8,
        "end_line": 1,
        "end_column": 20,
        "code": "LIL001",
        "message": item["message"],
        "fix": {
            "safety": "safe",
            "title": "Move `import pandas as pd` into the block of `lambda_handler` that uses it",
            "edits": [
                {"content": "", "location": {"line": 1, "column": 1}, "end_location": {"line": 4, "column": 1}},
                {
                    "content": "        import pandas as pd\n",
                    "location": {"line": 6, "column": 1},
                    "end_location": {"line": 6, "column": 1},
                },
            ],
        },
    }


def _apply_json_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """Apply JSON edits (1-based lines and columns, end exclusive) as a script would."""
    lines = text.splitlines(keepends=True)

    def offset(location: dict[str, int]) -> int:
        return sum(len(line) for line in lines[: location["line"] - 1]) + location["column"] - 1

    for edit in sorted(edits, key=lambda e: (e["location"]["line"], e["location"]["column"]), reverse=True):
        text = text[: offset(edit["location"])] + edit["content"] + text[offset(edit["end_location"]):]
    return text


@pytest.mark.parametrize("source", [BRANCHY, BRANCHY.replace("\n", "\r\n")], ids=["lf", "crlf"])
def test_json_edits_apply_to_the_fixed_source(write, capsys, source: str) -> None:  # type: ignore[no-untyped-def]
    """A script applying the JSON edits gets what `--fix` writes."""
    path = write("app.py", source.encode())
    status, out, _ = run(["check", "--format", "json", "--no-cache", str(path)], capsys)
    [item] = json.loads(out)
    assert status == 1 and item["fix"]["edits"]
    edited = _apply_json_edits(source, item["fix"]["edits"])
    assert run(["check", "--fix", "--no-cache", str(path)], capsys)[0] == 1
    assert edited == path.read_bytes().decode() != source


def test_clean_file_exits_0(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", "import json\n\ndef handler(event, context):\n    return json.dumps(event)\n")
    status, out, err = run(["check", str(path)], capsys)
    assert (status, out) == (0, "")
    assert "All checks passed!" in err


def test_json_empty_array_when_clean(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", "def handler(event, context):\n    return 1\n")
    status, out, _ = run(["check", "--format", "json", str(path)], capsys)
    assert (status, json.loads(out)) == (0, [])


def test_exit_zero_and_quiet(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", BRANCHY)
    status, out, err = run(["check", "--exit-zero", "-q", str(path)], capsys)
    assert status == 0 and "LIL001" in out and err == ""


@pytest.mark.parametrize(
    ("comment", "reported"),
    [
        pytest.param("  # noqa", False, id="blanket"),
        pytest.param("  # noqa: LIL001", False, id="this-code"),
        pytest.param("  # NOQA:LIL001,LIL002", False, id="list-no-space"),
        pytest.param("  # noqa: LIL", False, id="prefix"),
        pytest.param("  # noqa: LIL002", True, id="other-code"),
        pytest.param("  # no qa", True, id="not-noqa"),
    ],
)
def test_noqa(comment: str, reported: bool, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", BRANCHY.replace("import pandas as pd", "import pandas as pd" + comment))
    status, out, _ = run(["check", str(path)], capsys)
    assert ("LIL001" in out) is reported
    assert status == (1 if reported else 0)


def test_noqa_on_any_line_of_a_multiline_import(write, capsys) -> None:  # type: ignore[no-untyped-def]
    source = BRANCHY.replace("import pandas as pd", "from pandas import (  # noqa: LIL001\n    DataFrame as pd,\n)")
    path = write("app.py", source)
    status, out, _ = run(["check", str(path)], capsys)
    assert (status, out) == (0, "")


def test_select_and_ignore(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", BRANCHY)
    assert run(["check", "--ignore", "LIL001", str(path)], capsys)[0] == 0
    assert run(["check", "--select", "LIL002", str(path)], capsys)[0] == 0
    assert run(["check", "--select", "LIL0", str(path)], capsys)[0] == 1
    assert run(["check", "--select", "LIL", "--ignore", "LIL00", str(path)], capsys)[0] == 0
    assert run(["check", "--select", "LIL001", "--ignore", "LIL", str(path)], capsys)[0] == 1


def test_heavy_module_flags(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", BRANCHY.replace("pandas", "mylib"))
    assert run(["check", str(path)], capsys)[0] == 0
    assert run(["check", "--extend-heavy-modules", "mylib", str(path)], capsys)[0] == 1
    assert run(["check", "--heavy-modules", "*", str(path)], capsys)[0] == 1
    assert run(["check", "--heavy-modules", "numpy,scipy", str(path)], capsys)[0] == 0


def test_defer_flag(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", "import pandas as pd\n\ndef handler(event, context):\n    return pd.x\n")
    assert run(["check", str(path)], capsys)[0] == 0
    assert run(["check", "--defer", "all", str(path)], capsys)[0] == 1


def test_non_handler_module_needs_all_modules(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("lib.py", "import pandas as pd\n\ndef summarize(rows):\n    return pd.DataFrame(rows)\n")
    assert run(["check", str(path)], capsys)[0] == 0
    assert run(["check", "--all-modules", str(path)], capsys)[0] == 1


def test_config_file_and_flag_precedence(write, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    write("pyproject.toml", '[tool.lambda-import-lint]\ndefer = "all"\nextend-heavy-modules = ["mylib"]\n')
    path = write("src/app.py", "import mylib\n\ndef handler(event, context):\n    return mylib.x\n")
    assert run(["check", str(path)], capsys)[0] == 1  # found by walking up from src/
    assert run(["check", "--defer", "conditional", str(path)], capsys)[0] == 0  # the flag wins


def test_library_paths_and_handlers_settings(write, capsys) -> None:  # type: ignore[no-untyped-def]
    write(
        "pyproject.toml",
        '[tool.lambda-import-lint]\nlibrary-paths = ["layers/"]\nhandlers = ["svc/main.py:on_event"]\n',
    )
    lib = write("layers/shared.py", "import pandas as pd\n\ndef summarize(rows):\n    return pd.DataFrame(rows)\n")
    write("svc/main.py", BRANCHY.replace("def lambda_handler(event, context)", "def on_event(payload, ctx)").replace("event.get", "payload.get").replace('event["rows"]', 'payload["rows"]'))
    status, out, _ = run(["check", "--format", "json", str(lib.parent.parent)], capsys)
    assert status == 1
    assert sorted(Path(item["path"]).name for item in json.loads(out)) == ["main.py", "shared.py"]


def test_per_file_ignores(write, capsys) -> None:  # type: ignore[no-untyped-def]
    write("pyproject.toml", '[tool.lambda-import-lint]\nper-file-ignores = { "legacy/*" = ["LIL001"] }\n')
    path = write("legacy/app.py", BRANCHY)
    assert run(["check", str(path)], capsys)[0] == 0


def test_unknown_key_warns_and_wrong_type_fails(write, capsys) -> None:  # type: ignore[no-untyped-def]
    write("pyproject.toml", '[tool.lambda-import-lint]\nheavy-modulez = ["x"]\n')
    path = write("app.py", BRANCHY)
    status, _, err = run(["check", str(path)], capsys)
    assert status == 1 and "unknown key `heavy-modulez`" in err
    write("pyproject.toml", '[tool.lambda-import-lint]\ndefer = 3\n')
    status, _, err = run(["check", str(path)], capsys)
    assert status == 2 and "`defer`" in err and "pyproject.toml" in err


def test_explicit_config_file(write, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write("conf/lil.toml", '[tool.lambda-import-lint]\nignore = ["LIL001"]\n')
    path = write("app.py", BRANCHY)
    assert run(["check", "--config", str(config), str(path)], capsys)[0] == 0
    status, _, err = run(["check", "--config", str(config) + ".missing", str(path)], capsys)
    assert status == 2 and "cannot read" in err


def test_bad_files_are_reported_and_others_still_checked(write, capsys) -> None:  # type: ignore[no-untyped-def]
    write("good.py", BRANCHY)
    write("broken.py", "def lambda_handler(event, context):\n    print 'python 2'\nimport pandas\n")
    write("binary.py", b"\x00\x01import pandas event context\x00")
    write("latin.py", b"# -*- coding: latin-1 -*-\nimport pandas as pd\nS = '\xe9'\ndef handler(event, context):\n    if event['body']:\n        return pd.x\n")
    write("bad_utf8.py", b"import pandas\nS = '\xff\xfe'\ndef handler(event, context):\n    return pandas\n")
    status, out, err = run(["check", str(write("x.txt", "").parent)], capsys)
    assert status == 2
    assert "good.py:1:8: LIL001" in out and "latin.py:2:8: LIL001" in out
    assert "broken.py: error: syntax error" in err
    assert "binary.py: error: binary file" in err
    assert "bad_utf8.py: error:" in err
    assert "Traceback" not in err


def test_missing_path(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    status, _, err = run(["check", str(tmp_path / "nope")], capsys)
    assert status == 2 and "nope: error: no such file or folder" in err


def test_unreadable_file(write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", BRANCHY)
    other = write("other.py", BRANCHY)
    import builtins

    from lambda_import_lint.discovery import sources

    def refusing_open(file: str, *args: Any, **kwargs: Any) -> Any:
        if os.path.basename(file) == "app.py":  # chmod 0 would not stop root, so refuse the read directly
            raise PermissionError(13, "Permission denied", file)
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr(sources, "open", refusing_open, raising=False)
    status, out, err = run(["check", str(path.parent)], capsys)
    assert status == 2 and "app.py: error: cannot read: Permission denied" in err
    assert f"{other}:1:8: LIL001" in out


def test_folder_named_like_a_python_file(write, capsys) -> None:  # type: ignore[no-untyped-def]
    folder = write("pkg.py/app.py", BRANCHY).parent
    status, out, _ = run(["check", str(folder.parent)], capsys)
    assert status == 1 and "pkg.py/app.py" in out


def test_skipped_folders(write, capsys) -> None:  # type: ignore[no-untyped-def]
    for folder in (".git", ".venv", "node_modules", "__pycache__", "build", ".aws-sam", "env-a"):
        write(f"{folder}/app.py", BRANCHY)
    write("env-a/pyvenv.cfg", "home = /usr\n")
    status, out, _ = run(["check", str(write("x.txt", "").parent)], capsys)
    assert (status, out) == (0, "")


def test_a_project_folder_that_is_also_a_virtual_environment(write, capsys) -> None:  # type: ignore[no-untyped-def]
    """Round 21: `python -m venv .` run in a SAM project's folder leaves a `pyvenv.cfg` beside its
    `template.yaml`; the project's handlers are still checked, the environment's packages not."""
    template = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    write("service/template.yaml", template + "      CodeUri: src/\n      Handler: app.lambda_handler\n")
    write("service/pyvenv.cfg", "home = /usr/bin\n")
    write("service/src/app.py", BRANCHY)
    write("service/lib/python3.11/site-packages/pkg/app.py", BRANCHY)
    write("env/pyvenv.cfg", "home = /usr/bin\n")
    write("env/app.py", BRANCHY)
    root = write("x.txt", "").parent
    status, out, _ = run(["check", str(root)], capsys)
    flagged = [line.split(":")[0] for line in out.splitlines() if "LIL" in line]
    assert status == 1 and flagged == [str(root / "service" / "src" / "app.py")], out
    status, out, _ = run(["handlers", str(root)], capsys)
    assert "service/src/app.py:lambda_handler" in out and "site-packages" not in out and "env/" not in out, out


def test_stdin(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BRANCHY.encode())))
    status, out, _ = run(["check", "--stdin-filename", "src/app.py", "-"], capsys)
    assert status == 1 and out.startswith("src/app.py:1:8: LIL001")


def test_handlers_command(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", BRANCHY + "\n\ndef on_sqs(_event, _context):\n    return None\n")
    status, out, _ = run(["handlers", "--format", "json", str(path)], capsys)
    assert status == 0
    assert json.loads(out) == [
        {"path": str(path), "function": "lambda_handler", "source": "heuristic"},
        {"path": str(path), "function": "on_sqs", "source": "heuristic"},
    ]


def test_rule_command(capsys) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = run(["rule"], capsys)
    assert status == 0 and "LIL001" in out and "LIL101" in out
    status, out, _ = run(["rule", "lil002"], capsys)
    assert status == 0 and out.startswith("# LIL002") and "## Fix safety" in out
    assert run(["rule", "LIL999"], capsys)[0] == 2


def test_version_does_not_import_libcst() -> None:
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "lambda_import_lint", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.startswith("lambda-import-lint ")
    imported = [line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines()]
    assert "lambda_import_lint.cli" in imported
    assert not [name for name in imported if name.split(".")[0] == "libcst"]


def test_usage_error_exits_2(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--format", "xml"])
    assert exit_info.value.code == 2


def test_exclude_setting_by_name_and_by_path(write, capsys) -> None:  # type: ignore[no-untyped-def]
    write("pyproject.toml", '[tool.lambda-import-lint]\nexclude = ["generated", "scripts/local/"]\n')
    write("generated/app.py", BRANCHY)
    write("scripts/local/app.py", BRANCHY)
    kept = write("scripts/app.py", BRANCHY)
    status, out, _ = run(["check", str(kept.parent.parent)], capsys)
    assert status == 1 and out.count("LIL001") == 1 and out.startswith(str(kept))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(b"def lambda_handler(e, c):", True, id="named"),
        pytest.param(b"async def handler (x):", True, id="async-named"),
        pytest.param(b"def on_sqs(x):", True, id="glob-name"),
        pytest.param(b"def f(_event, _context):", True, id="event-context"),
        pytest.param(b"def f(\n    # the event\n    event: dict[str, int],\n    context):", True, id="multi-line-with-comment"),
        pytest.param(b"def f[T](event, context):", True, id="type-parameters"),
        pytest.param(b"def f(self, event, context):", False, id="method"),
        pytest.param(b"x = event + context", False, id="words-only"),
        pytest.param(b"def handler_x(a):", False, id="longer-name"),
    ],
)
def test_byte_level_handler_test(source: bytes, expected: bool) -> None:
    """The prefilter may say "maybe" too often, never "no" for a real handler."""
    from lambda_import_lint.discovery.handlers import could_have_handler

    assert could_have_handler(source, ("lambda_handler", "handler", "on_*")) is expected


@pytest.mark.parametrize(
    ("names", "source", "expected"),
    [
        pytest.param(("h[ab]ndler",), b"def hbndler(x):", True, id="character-class"),
        pytest.param(("*",), b"def anything(x):", True, id="any-name"),
        pytest.param(("on_?ueue",), b"def on_queue(x):", True, id="single-character"),
        pytest.param(("on_?ueue",), b"def on_q(x):", False, id="single-character-no"),
        pytest.param(("handler",), b"import os\ndef main(a, b):", False, id="no-fragment"),
    ],
)
def test_byte_level_handler_test_with_globs(names: tuple[str, ...], source: bytes, expected: bool) -> None:
    """The substring pre-test never rejects what the pattern would accept."""
    from lambda_import_lint.discovery.handlers import could_have_handler

    assert could_have_handler(source, names) is expected


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        pytest.param(["check", "src", "--fix"], "check", id="first-word"),
        pytest.param(["-h", "report"], "report", id="after-an-option"),
        pytest.param(["--version"], None, id="no-command"),
        pytest.param(["chek", "x"], None, id="unknown-word"),
    ],
)
def test_only_the_command_run_gets_its_arguments(argv: list[str], command: str | None) -> None:
    """Building one sub-command's arguments parses exactly as building them all."""
    from lambda_import_lint.cli import _command_in, build_parser

    assert _command_in(argv) == command
    if command is not None and "-h" not in argv:
        assert vars(build_parser(command).parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert all(f"    {name}" in out for name in ("check", "handlers", "report", "rule"))


def test_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    """`lambda-import-lint handlers . | head -1`: no traceback when the reader goes away."""
    for index in range(2500):  # more output than a pipe holds
        (tmp_path / f"function_{index:04}.py").write_text("def handler(event, context):\n    return 1\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "lambda_import_lint", "handlers", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    error = process.stderr.read()
    assert process.wait() == 1
    assert first.startswith(str(tmp_path).encode()) and b"Traceback" not in error and error == b""


# One safe fix (LIL001: move pandas) and one unsafe one (LIL002: remove numpy, whose import may have
# side effects), so every count of the summary line is exercised.
SAFE_AND_UNSAFE = BRANCHY.replace("import pandas as pd\n", "import numpy\nimport pandas as pd\n")


def test_summary_counts_only_fixes_that_fix_would_apply(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", SAFE_AND_UNSAFE)
    _, _, err = run(["check", str(path)], capsys)
    assert "Found 2 findings (1 fixable with `--fix`, 1 more with `--unsafe-fixes`)." in err
    _, _, err = run(["check", "--unsafe-fixes", str(path)], capsys)
    assert "Found 2 findings (2 fixable with `--fix`)." in err


def test_summary_after_fix_counts_what_is_left(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", SAFE_AND_UNSAFE)
    status, out, err = run(["check", "--fix", str(path)], capsys)
    assert status == 1
    assert "Fixed 1 finding. Found 1 finding (1 more with `--unsafe-fixes`)." in err
    assert out.count(" LIL002 ") == 1 and " LIL001 " not in out
    _, _, err = run(["check", "--fix", str(path)], capsys)
    assert "Fixed" not in err and "Found 1 finding (1 more with `--unsafe-fixes`)." in err
    status, _, err = run(["check", "--fix", "--unsafe-fixes", str(path)], capsys)
    assert "Fixed 1 finding." in err and "Found" not in err and "All checks passed!" not in err
    _, _, err = run(["check", str(path)], capsys)
    assert "All checks passed!" in err


def test_diff_says_would_fix_and_never_all_checks_passed(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", BRANCHY)
    before = path.read_bytes()
    status, out, err = run(["check", "--diff", str(path)], capsys)
    assert status == 1 and out.startswith("--- a/")
    assert "Would fix 1 finding." in err
    assert "All checks passed!" not in err and "Fixed" not in err and "nothing written" not in err
    assert path.read_bytes() == before


def test_fix_with_diff_writes_nothing_and_says_so(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", SAFE_AND_UNSAFE)
    before = path.read_bytes()
    status, out, err = run(["check", "--fix", "--diff", str(path)], capsys)
    assert status == 1 and "-import pandas as pd\n" in out
    assert path.read_bytes() == before
    assert "Rewriting" not in err
    assert "Would fix 1 finding; nothing written (`--diff` only shows the fixes)." in err
    assert "Found 1 finding (1 more with `--unsafe-fixes`)." in err


def test_unsafe_fixes_setting_applies_unsafe_fixes(write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`unsafe-fixes = true` in the configuration does what `--unsafe-fixes` does."""
    source = "import pandas\n\n\ndef lambda_handler(event, context):\n    return event\n"
    path = write("app.py", source)
    monkeypatch.chdir(path.parent)
    assert run(["check", "--fix", "--no-cache", "app.py"], capsys)[0] == 1
    assert path.read_text() == source  # LIL002's removal is unsafe: not without asking
    write("pyproject.toml", "[tool.lambda-import-lint]\nunsafe-fixes = true\n")
    status, _, err = run(["check", "--fix", "--no-cache", "app.py"], capsys)
    assert status == 1 and "Rewriting app.py" in err
    assert "import pandas" not in path.read_text()

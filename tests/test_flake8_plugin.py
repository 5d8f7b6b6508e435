"""flake8 with the plugin reports exactly what the CLI reports (codes, lines, columns)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_import_lint.cli import main
from lambda_import_lint.rules.registry import RULES


def _write_fixtures(folder: Path) -> list[Path]:
    paths = []
    for rule in RULES.values():
        for number, example in enumerate((*rule.invalid, *rule.valid)):
            if example.settings:
                continue
            path = folder / f"{rule.code.lower()}_{number}.py"
            path.write_text(example.source)
            paths.append(path)
    return paths


def _flake8(args: list[str], cwd: Path) -> list[tuple[str, int, int, str]]:
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LIL", "--format", "%(path)s|%(row)d|%(col)d|%(code)s", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    assert completed.returncode in (0, 1), completed.stderr
    rows = []
    for line in completed.stdout.splitlines():
        path, row, col, code = line.split("|")
        rows.append((str(Path(path).resolve()), int(row), int(col), code))
    return sorted(rows)


def _cli(paths: list[Path], capsys: pytest.CaptureFixture[str], extra: list[str] = ()) -> list[tuple[str, int, int, str]]:  # type: ignore[assignment]
    main(["check", "--format", "json", *extra, *map(str, paths)])
    items = json.loads(capsys.readouterr().out)
    return sorted((str(Path(i["path"]).resolve()), i["line"], i["column"], i["code"]) for i in items)


def test_flake8_matches_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _write_fixtures(tmp_path)
    from_flake8 = _flake8([str(p) for p in paths], tmp_path)
    from_cli = _cli(paths, capsys)
    assert from_flake8 == from_cli
    assert {code for *_, code in from_cli} >= {"LIL001", "LIL002", "LIL003", "LIL101"}


def test_plugin_is_listed_by_flake8_version() -> None:
    completed = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True)
    assert "lambda-import-lint:" in completed.stdout


def test_options_from_setup_cfg_and_pyproject_fallback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = "import mylib\n\n\ndef handler(event, context):\n    return mylib.run(event)\n"
    (tmp_path / "app.py").write_text(source)
    assert _flake8(["app.py"], tmp_path) == []
    (tmp_path / "pyproject.toml").write_text('[tool.lambda-import-lint]\nextend-heavy-modules = ["mylib"]\n')
    assert _flake8(["app.py"], tmp_path) == []  # needed on the main path: not reported
    (tmp_path / "setup.cfg").write_text("[flake8]\nlil-defer = all\n")
    assert [row[1:] for row in _flake8(["app.py"], tmp_path)] == [(1, 8, "LIL001")]
    assert _cli([tmp_path / "app.py"], capsys, ["--defer", "all"])[0][1:] == (1, 8, "LIL001")


def test_flake8_noqa_and_per_file_ignores(tmp_path: Path) -> None:
    source = RULES["LIL001"].invalid[0].source
    (tmp_path / "a.py").write_text(source.replace("import pandas as pd", "import pandas as pd  # noqa: LIL001"))
    (tmp_path / "b.py").write_text(source)
    (tmp_path / "c.py").write_text(source)
    assert [Path(row[0]).name for row in _flake8(["--per-file-ignores", "c.py:LIL001", "."], tmp_path)] == ["b.py"]


def test_flake8_uses_deployment_files_like_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Handlers and SnapStart come from the deployment files under the project in flake8 too, with
    several worker processes (discovery happens once, before flake8 forks them)."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      CodeUri: src/\n      Handler: app.route\n      Runtime: python3.12\n"
        "      SnapStart:\n        ApplyOn: PublishedVersions\n"
    )
    (tmp_path / "src").mkdir()
    # `route(request, ctx)` is no handler by the heuristic: only the template makes it one.
    (tmp_path / "src" / "app.py").write_text(
        "import json\n\n\ndef route(request, ctx):\n    import pandas as pd\n\n"
        "    if request.get('report'):\n        return pd.DataFrame(request['rows']).to_csv()\n"
        "    return json.dumps(request)\n"
    )
    for index in range(3):  # more than one file, so flake8 starts its workers
        (tmp_path / "src" / f"other_{index}.py").write_text("import os\n")
    flake8 = _flake8(["--jobs", "2", str(tmp_path)], tmp_path)
    cli = _cli([tmp_path], capsys, ["--no-cache"])
    assert [code for *_, code in cli] == ["LIL102"]  # SnapStart: the import belongs at module scope
    assert flake8 == cli

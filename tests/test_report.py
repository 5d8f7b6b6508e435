"""`report`: catalogue estimates, and --measure with a stand-in module that takes a known time."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from lambda_import_lint.cli import main
from lambda_import_lint.output.cost_report import per_statement

HANDLER = """\
import json

import slowmod


def lambda_handler(event, context):
    if event.get("slow"):
        return slowmod.work(event)
    return json.dumps(event)
"""


def _report(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    assert main(["report", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_catalogue_estimates(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(
        "import boto3\nimport numpy as np\nimport pandas as pd\n\nTABLE = boto3.resource('dynamodb')\n\n\n"
        "def handler(event, context):\n    if event:\n        return pd.DataFrame(np.ones(2))\n    return TABLE\n"
    )
    [row] = _report(["app.py"], capsys)
    assert (row["init_ms"], row["deferrable_ms"], row["after_fix_ms"]) == (190 + 590, 590, 190)
    statuses = {item["module"]: item["status"] for item in row["imports"]}  # type: ignore[union-attr]
    assert statuses == {"boto3": "stays", "numpy": "deferred", "pandas": "deferred"}


def test_measure_reflects_a_slow_import_now_and_after_the_fix(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    stand_ins = tmp_path / "site"
    stand_ins.mkdir()
    (stand_ins / "slowmod.py").write_text("import time\ntime.sleep(0.2)\n\n\ndef work(event):\n    return event\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.lambda-import-lint]\nextend-heavy-modules = ["slowmod"]\n')
    (project / "app.py").write_text(HANDLER)
    monkeypatch.chdir(project)
    monkeypatch.setenv("PYTHONPATH", str(stand_ins) + os.pathsep + os.environ.get("PYTHONPATH", ""))

    [before] = _report(["--measure", "--runs", "3", "--python", sys.executable, "app.py"], capsys)
    assert before["measured"] is True
    assert 190 <= before["init_ms"] < 1500  # type: ignore[operator]
    assert before["after_fix_ms"] < 100  # type: ignore[operator]
    assert before["deferrable_ms"] >= 180  # type: ignore[operator]
    slow = [item for item in before["imports"] if item["module"] == "slowmod"]  # type: ignore[union-attr]
    assert slow[0]["ms"] >= 190 and slow[0]["status"] == "deferred"

    assert main(["check", "--fix", "-q", "app.py"]) == 1
    [after] = _report(["--measure", "--runs", "3", "app.py"], capsys)
    assert after["init_ms"] < 100  # type: ignore[operator]


def test_per_statement_reads_importtime_output() -> None:
    stderr = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       100 |        100 | site\n"
        "LIL-MEASURE 0\n"
        "import time:      1000 |       1000 |   numpy.core\n"
        "import time:      2000 |       3000 | numpy\n"
        "LIL-MEASURE 1\n"
        "import time:       500 |        500 | json\n"
        "import time:       250 |        250 | decimal\n"
        "LIL-MEASURE end\n"
    )
    assert per_statement(stderr, 2) == [3.0, 0.75]


def test_after_fix_counts_what_no_fix_can_move(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A use in a conditional expression on the handler's main path has no block to take the
    import: the report must not promise that the fix saves it."""
    import json

    app = tmp_path / "app.py"
    app.write_text("import pandas as pd\n\n\ndef handler(event, context):\n    return pd.x() if event else None\n")
    assert main(["report", "--format", "json", str(app)]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["init_ms"] == row["after_fix_ms"] > 0 and row["deferrable_ms"] == 0
    app.write_text("import pandas as pd\n\n\ndef handler(event, context):\n    if event:\n        return pd.x()\n")
    assert main(["report", "--format", "json", str(app)]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["after_fix_ms"] == 0 and row["deferrable_ms"] == row["init_ms"] > 0

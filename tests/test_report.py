"""`report`: catalogue estimates, and --measure with a stand-in module that takes a known time."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from lambda_import_lint.cli import main
from lambda_import_lint.output.measure import per_statement

HANDLER = """\
import json

import slowmod


def lambda_handler(event, context):
    if event["queryStringParameters"].get("slow"):
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
        "def handler(event, context):\n    if event['body']:\n        return pd.DataFrame(np.ones(2))\n    return TABLE\n"
    )
    [row] = _report(["app.py"], capsys)
    assert (row["init_ms"], row["deferrable_ms"], row["after_fix_ms"]) == (190 + 260, 260, 190)
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
    app.write_text("import pandas as pd\n\n\ndef handler(event, context):\n    if event['body']:\n        return pd.x()\n")
    assert main(["report", "--format", "json", str(app)]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["after_fix_ms"] == 0 and row["deferrable_ms"] == row["init_ms"] > 0


# --- --measure measures what is asked, now -------------------------------------------------------

MEASURED = """\
import json

import slowmod


def lambda_handler(event, context):
    if event["queryStringParameters"].get("slow"):
        return slowmod.work(event)
    return json.dumps(event)
"""


def _venv(tmp_path: Path) -> tuple[Path, Path]:
    """A fresh virtual environment (no pip: nothing we do not write is installed) and its
    site-packages folder."""
    import subprocess

    folder = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    [site] = (folder / "lib").glob("python3*/site-packages")
    return folder, site


def _install(site: Path, seconds: float, version: str) -> None:
    """Install `slowmod` the way pip leaves a distribution: the module and its dist-info."""
    for old in site.glob("slowmod-*.dist-info"):
        for file in old.iterdir():
            file.unlink()
        old.rmdir()
    (site / "slowmod.py").write_text(f"import time\ntime.sleep({seconds})\n\n\ndef work(event):\n    return event\n")
    info = site / f"slowmod-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: slowmod\nVersion: {version}\n")


@pytest.fixture
def measured_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.lambda-import-lint]\nextend-heavy-modules = ["slowmod"]\n')
    (project / "app.py").write_text(MEASURED)
    monkeypatch.chdir(project)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    return project


def _slowmod(row: dict[str, object]) -> dict[str, object]:
    [item] = [item for item in row["imports"] if item["module"] == "slowmod"]  # type: ignore[union-attr]
    return item  # type: ignore[no-any-return]


def test_installing_a_package_into_the_measured_environment_invalidates_the_figures(  # type: ignore[no-untyped-def]
    measured_project: Path, tmp_path: Path, capsys
) -> None:
    venv, site = _venv(tmp_path)
    python = str(venv / "bin" / "python")
    arguments = ["--measure", "--runs", "1", "--python", python, "app.py"]

    [missing] = _report(arguments, capsys)
    item = _slowmod(missing)
    assert item["failed"] is True and "ModuleNotFoundError" in str(item["error"]) and item["ms"] < 50  # type: ignore[operator]
    assert missing["interpreter"] == {"executable": python, "chosen_by": "--python"}

    _install(site, 0.25, "1.0")
    [installed] = _report(arguments, capsys)
    item = _slowmod(installed)
    assert item["failed"] is False and item["error"] is None
    assert 240 <= item["ms"] < 2000  # type: ignore[operator]
    assert installed["deferrable_ms"] >= 240 and installed["after_fix_ms"] < 100  # type: ignore[operator]

    # An upgrade is a new distribution version: measured again, not read from the cache.
    _install(site, 0.0, "2.0")
    [upgraded] = _report(arguments, capsys)
    assert _slowmod(upgraded)["ms"] < 150  # type: ignore[operator]


def test_figures_come_from_the_cache_until_no_cache(measured_project: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    venv, site = _venv(tmp_path)
    _install(site, 0.0, "1.0")
    arguments = ["--measure", "--runs", "1", "--python", str(venv / "bin" / "python"), "app.py"]
    _report(arguments, capsys)  # the first import writes __pycache__ beside the module
    [first] = _report(arguments, capsys)
    # The module changes in place (a hand edit: no new distribution, the folder keeps its time):
    # the cache cannot know, and --no-cache measures again.
    stamp = os.stat(site)
    (site / "slowmod.py").write_text("import time\ntime.sleep(0.3)\n\n\ndef work(event):\n    return event\n")
    for cached in (site / "__pycache__").glob("slowmod*"):
        cached.unlink()
    os.utime(site, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    [cached] = _report(arguments, capsys)
    assert _slowmod(cached)["ms"] == _slowmod(first)["ms"] < 150  # type: ignore[operator]
    [fresh] = _report(["--no-cache", *arguments], capsys)
    assert _slowmod(fresh)["ms"] >= 290  # type: ignore[operator]


def test_a_failing_import_is_shown_as_failing(  # type: ignore[no-untyped-def]
    measured_project: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "slowmod.py").write_text("raise RuntimeError('needs a database')\n")
    monkeypatch.setenv("PYTHONPATH", str(site))
    assert main(["report", "--measure", "--runs", "1", "--python", sys.executable, "app.py"]) == 0
    captured = capsys.readouterr()
    [warning] = [line for line in captured.err.splitlines() if "slowmod" in line]
    assert warning.startswith("lambda-import-lint: warning: app.py:3: `import slowmod` failed in ")
    assert "RuntimeError: needs a database" in warning
    [row] = _report(["--measure", "--runs", "1", "--python", sys.executable, "app.py"], capsys)
    item = _slowmod(row)
    assert item["failed"] is True and item["error"] == "RuntimeError: needs a database"


@pytest.mark.parametrize("python", ["/nonexistent/python", "broken"])
def test_a_missing_or_broken_interpreter_is_a_usage_error(python: str, measured_project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    if python == "broken":
        script = measured_project / "broken"
        script.write_text("#!/bin/sh\necho 'not python' >&2\nexit 3\n")
        script.chmod(0o755)
        python = str(script)
    assert main(["report", "--measure", "--python", python, "app.py"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("lambda-import-lint: error: ") and python in line and "Traceback" not in line


def test_default_interpreter_and_the_report_says_which(  # type: ignore[no-untyped-def]
    measured_project: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    from lambda_import_lint.output.measure import choose_python

    assert choose_python(None, measured_project) == (sys.executable, "the running interpreter")
    project_venv = measured_project / ".venv" / "bin"
    project_venv.mkdir(parents=True)
    (project_venv / "python").symlink_to(sys.executable)
    assert choose_python(None, measured_project) == (str(project_venv / "python"), "the project's .venv")
    active, _ = _venv(tmp_path)
    monkeypatch.setenv("VIRTUAL_ENV", str(active))
    assert choose_python(None, measured_project) == (str(active / "bin" / "python"), "$VIRTUAL_ENV")
    assert choose_python("/x/python", measured_project) == ("/x/python", "--python")

    assert main(["report", "--measure", "--runs", "1", "app.py"]) == 0
    out = capsys.readouterr().out
    assert f"measured with {active / 'bin' / 'python'} (chosen by $VIRTUAL_ENV)" in out


# --- "after fix" is where the fixes really put each import ---------------------------------------


@pytest.mark.parametrize(
    ("source", "extra", "expected"),
    [
        pytest.param(
            "import pandas as pd\n\n\ndef handler(event, context):\n    if event['body']:\n        return pd.x()\n",
            [], ("deferred", 260, 0, 0), id="moved-into-a-branch",
        ),
        pytest.param(
            "import pandas as pd\n\n\ndef handler(event, context):\n    return pd.x()\n",
            ["--defer", "all"], ("deferrable", 260, 260, 260), id="moved-to-the-top-of-the-handler",
        ),
        pytest.param(
            "import pandas as pd\n\n\ndef handler(event, context):\n    return helper()\n\n\n"
            "def helper():\n    return pd.x()\n",
            ["--defer", "all"], ("deferrable", 260, 260, 260), id="moved-into-a-function-every-invocation-runs",
        ),
        pytest.param(
            "import pandas\n\n\ndef handler(event, context):\n    return event\n",
            [], ("deferred-unsafe", 260, 260, 0), id="removed-by-an-unsafe-fix-only",
        ),
    ],
)
def test_after_fix_follows_the_fixed_code(  # type: ignore[no-untyped-def]
    source: str, extra: list[str], expected: tuple[str, int, int, int], tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(source)
    [row] = _report([*extra, "app.py"], capsys)
    [pandas] = row["imports"]  # type: ignore[misc]
    status, now, after_safe, after_unsafe = expected
    assert (pandas["status"], row["cold_start_ms"], row["after_fix_ms"], row["after_unsafe_fixes_ms"]) == (
        status, now, after_safe, after_unsafe
    )
    assert row["deferrable_ms"] == now - after_safe and row["deferrable_unsafe_ms"] == now - after_unsafe
    assert (tmp_path / "app.py").read_text() == source  # fixed in memory only


# --- memory ---------------------------------------------------------------------------------------


def test_a_deferred_import_costs_more_on_first_use_at_low_memory(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    branchy = "import pandas as pd\n\n\ndef handler(event, context):\n    if event['body']:\n        return pd.x()\n"
    (tmp_path / "src" / "app.py").write_text(branchy)
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n"
        "      MemorySize: 128\n"
    )
    [row] = _report(["."], capsys)
    assert (row["memory_mb"], row["memory_declared"]) == (128, True)
    [pandas] = row["imports"]  # type: ignore[misc]
    assert pandas["first_use_ms"] == 260 and pandas["slower_than_init"] is True
    assert pandas["first_use_at_memory_ms"] == round(260 * 1769 / 128, 1)  # ~3.6 s
    assert main(["report", "."]) == 0
    out = capsys.readouterr().out
    assert "~3593 ms on the first invocation that needs it at 128 MB (slower than at INIT" in out


DEPLOYMENTS = {
    "sam": {
        "template.yaml": (
            "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    MemorySize: 256\n"
            "Resources:\n  Small:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n"
            "      Handler: a.handler\n      Runtime: python3.12\n  Big:\n    Type: AWS::Serverless::Function\n"
            "    Properties:\n      CodeUri: src/\n      Handler: b.handler\n      Runtime: python3.12\n"
            "      MemorySize: 2048\n  Plain:\n    Type: AWS::Lambda::Function\n    Properties:\n"
            "      Code: src/\n      Handler: c.handler\n      Runtime: python3.12\n      MemorySize: 1024\n"
            "  Unknown:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: src/\n"
            "      Handler: d.handler\n      Runtime: python3.12\n      MemorySize: !Ref Memory\n"
        ),
    },
    "serverless": {
        "serverless.yml": (
            "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n  memorySize: 512\nfunctions:\n"
            "  a:\n    handler: src/a.handler\n  b:\n    handler: src/b.handler\n    memorySize: 3008\n"
            "  c:\n    handler: src/c.handler\n    memorySize: 192\n"
        ),
    },
    "cdk_py": {
        "cdk.json": '{"app": "python3 app.py"}',
        "app.py": (
            "from aws_cdk import aws_lambda as _lambda\n\n"
            "a = _lambda.Function(self, 'A', runtime=_lambda.Runtime.PYTHON_3_12, handler='a.handler',\n"
            "    code=_lambda.Code.from_asset('src'), memory_size=640)\n"
            "b = _lambda.Function(self, 'B', runtime=_lambda.Runtime.PYTHON_3_12, handler='b.handler',\n"
            "    code=_lambda.Code.from_asset('src'), memory_size=MEMORY)\n"
        ),
    },
    "cdk_ts": {
        "cdk.json": '{"app": "npx ts-node bin/app.ts"}',
        "lib/stack.ts": (
            "new lambda.Function(this, 'A', {\n  runtime: lambda.Runtime.PYTHON_3_12,\n  handler: 'a.handler',\n"
            "  code: lambda.Code.fromAsset('src'),\n  memorySize: 1536,\n});\n"
            "new lambda.Function(this, 'B', {\n  runtime: lambda.Runtime.PYTHON_3_12,\n  handler: 'b.handler',\n"
            "  code: lambda.Code.fromAsset('src'),\n});\n"
        ),
    },
    "terraform": {
        "main.tf": (
            'data "archive_file" "src" {\n  type = "zip"\n  source_dir = "${path.module}/src"\n'
            '  output_path = "${path.module}/build/src.zip"\n}\n\n'
            'resource "aws_lambda_function" "a" {\n  function_name = "a"\n  handler = "a.handler"\n'
            '  runtime = "python3.12"\n  filename = data.archive_file.src.output_path\n  memory_size = 384\n}\n\n'
            'module "b" {\n  source = "terraform-aws-modules/lambda/aws"\n  handler = "b.handler"\n'
            '  runtime = "python3.12"\n  source_path = "${path.module}/src"\n  memory_size = 896\n}\n\n'
            'module "c" {\n  source = "terraform-aws-modules/lambda/aws"\n  handler = "c.handler"\n'
            '  runtime = "python3.12"\n  source_path = "${path.module}/src"\n  memory_size = var.memory\n}\n'
        ),
    },
}
EXPECTED_MEMORY = {
    "sam": {"a.py": (256, True), "b.py": (2048, True), "c.py": (1024, True), "d.py": (128, False)},
    "serverless": {"a.py": (512, True), "b.py": (3008, True), "c.py": (192, True)},
    "cdk_py": {"a.py": (640, True), "b.py": (128, False)},
    "cdk_ts": {"a.py": (1536, True), "b.py": (128, False)},
    "terraform": {"a.py": (384, True), "b.py": (896, True), "c.py": (128, False)},
}


@pytest.mark.parametrize("kind", sorted(DEPLOYMENTS))
def test_memory_is_read_from_deployment_files(kind: str, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """MemorySize (SAM, Globals, CloudFormation), memorySize (Serverless, CDK TypeScript),
    memory_size (CDK Python, Terraform, the terraform-aws-modules/lambda module); what is not a
    literal is Lambda's default, said to be so."""
    monkeypatch.chdir(tmp_path)
    for name, text in DEPLOYMENTS[kind].items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "src").mkdir()
    for module in EXPECTED_MEMORY[kind]:
        (tmp_path / "src" / module).write_text("import boto3\n\n\ndef handler(event, context):\n    return boto3\n")
    rows = _report(["."], capsys)
    memory = {Path(str(row["path"])).name: (row["memory_mb"], row["memory_declared"]) for row in rows}
    assert memory == EXPECTED_MEMORY[kind]


def test_a_snapstart_function_pays_its_imports_before_traffic(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(
        "import pandas as pd\n\n\ndef handler(event, context):\n    if event['body']:\n        return pd.x()\n"
    )
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n"
        "      SnapStart:\n        ApplyOn: PublishedVersions\n"
    )
    [row] = _report(["."], capsys)
    [pandas] = row["imports"]  # type: ignore[misc]
    assert pandas["status"] == "warm" and pandas["first_use_ms"] is None
    assert row["after_fix_ms"] == row["init_ms"] == 260 and row["deferrable_ms"] == 0


def test_a_module_that_ends_the_measuring_interpreter_is_shown_as_failing(  # type: ignore[no-untyped-def]
    measured_project: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    """`os._exit` (or a crash) while importing: that import, and those after it, were never
    measured; none of them is a cost of 0, and nothing is cached."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "slowmod.py").write_text("import os\nos._exit(3)\n")
    (site / "othermod.py").write_text("VALUE = 1\n")
    (measured_project / "app.py").write_text(MEASURED.replace("import slowmod\n", "import slowmod\nimport othermod\n"))
    monkeypatch.setenv("PYTHONPATH", str(site))
    [row] = _report(["--measure", "--runs", "2", "--python", sys.executable, "app.py"], capsys)
    errors = {item["module"]: item["error"] for item in row["imports"]}  # type: ignore[union-attr]
    assert errors["json"] is None
    assert errors["slowmod"] == errors["othermod"] == "the measuring interpreter exited (status 3) while importing it"
    (site / "slowmod.py").write_text("VALUE = 2\n")
    [again] = _report(["--measure", "--runs", "1", "--python", sys.executable, "app.py"], capsys)
    assert all(item["error"] is None for item in again["imports"])  # type: ignore[union-attr]

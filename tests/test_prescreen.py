"""The stdlib prescreen settles handler modules no rule can report on (every heavy or SDK import
pinned by module-level code, no client built inside a function) without LibCST, and sends on every
module some rule could report on. Source in, findings out: through the CLI, through flake8, and
against the full analysis (``Request(full=True)``, which skips the prefilters)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lambda_import_lint.engine.check as engine
from lambda_import_lint.cli import main
from lambda_import_lint.config import Config
from lambda_import_lint.engine.request import Request

# (source, the findings as (code, line)); the first group needs no LibCST parse at all.
SETTLED_EARLY = {
    "client-at-module-scope": ('''
        import boto3

        s3 = boto3.client("s3")


        def lambda_handler(event, context):
            return s3.get_object(Bucket="b", Key=event["pathParameters"]["key"])
        ''', []),
    "used-in-a-decorator": ('''
        from aws_xray_sdk.core import xray_recorder


        @xray_recorder.capture("handler")
        def lambda_handler(event, context):
            return xray_recorder.current_segment()
        ''', []),
    "http-session-at-module-scope": ('''
        import requests

        session = requests.Session()


        def lambda_handler(event, context):
            return session.get("https://example.com/" + event["pathParameters"]["id"]).json()
        ''', []),
    "class-base-and-default": ('''
        import boto3
        from pydantic import BaseModel


        class Order(BaseModel):
            id: str


        def lambda_handler(event, context, table=boto3.resource("dynamodb").Table("orders")):
            return table.put_item(Item=Order(id=event["pathParameters"]["id"]).model_dump())
        ''', []),
    "try-and-with-at-module-scope": ('''
        import boto3
        import yaml

        try:
            s3 = boto3.client("s3")
        finally:
            pass
        with open("settings.yaml") as file:
            SETTINGS = yaml.safe_load(file)


        def lambda_handler(event, context):
            return s3.get_object(Bucket=SETTINGS["bucket"], Key=event["pathParameters"]["key"])
        ''', []),
    # Nobody waits on a queue's worker: neither its per-invocation client (LIL101) nor an import
    # only some of its invocations use (LIL001) is reported, so the stdlib parser settles it.
    "queue-worker-building-a-client": ('''
        import json
        import boto3
        import requests


        def lambda_handler(event, context):
            table = boto3.resource("dynamodb").Table("orders")
            for record in event["Records"]:
                order = json.loads(record["body"])
                if order.get("notify"):
                    requests.post("https://example.com/hook", json=order)
                table.put_item(Item=order)
        ''', []),
}

SENT_ON = {
    "client-built-inside-the-handler": ('''
        import boto3


        def lambda_handler(event, context):
            table = boto3.resource("dynamodb").Table("orders")
            return table.get_item(Key={"id": event["pathParameters"]["id"]})
        ''', [("LIL101", 5)]),
    "another-client-inside-the-handler": ('''
        import boto3

        s3 = boto3.client("s3")


        def lambda_handler(event, context):
            sqs = boto3.client("sqs")
            sqs.send_message(QueueUrl="q", MessageBody=event["body"])
            return s3.get_object(Bucket="b", Key=event["pathParameters"]["key"])
        ''', [("LIL101", 7)]),
    "factory-imported-by-name": ('''
        from boto3 import client

        s3 = client("s3")


        def lambda_handler(event, context):
            sqs = client("sqs")
            return sqs.send_message(QueueUrl="q", MessageBody=event["pathParameters"]["id"])
        ''', [("LIL101", 7)]),
    "import-used-only-in-a-function": ('''
        import boto3
        import pandas as pd

        s3 = boto3.client("s3")


        def lambda_handler(event, context):
            if event.get("format") == "csv":
                return export(event)
            return s3.get_object(Bucket="b", Key=event["pathParameters"]["key"])


        def export(event):
            return pd.DataFrame(event["rows"]).to_csv()
        ''', [("LIL001", 2)]),
    "unused-heavy-import": ('''
        import boto3
        import pandas

        s3 = boto3.client("s3")


        def lambda_handler(event, context):
            return s3.get_object(Bucket="b", Key=event["pathParameters"]["key"])
        ''', [("LIL002", 2)]),
    "used-in-a-decorator-inside-the-handler": ('''
        import functools

        import boto3
        import pandas

        s3 = boto3.client("s3")


        def lambda_handler(event, context):
            if event.get("format") == "csv":
                @functools.lru_cache(maxsize=pandas.options.display.max_rows)
                def rows():
                    return []
                return rows()
            return s3.get_object(Bucket="b", Key=event["pathParameters"]["key"])
        ''', [("LIL001", 4)]),
    "used-only-in-a-branch-that-never-runs": ('''
        import pandas

        DEBUG = False
        if DEBUG:
            pandas.set_option("display.width", 200)


        def lambda_handler(event, context):
            return event["pathParameters"]["id"]
        ''', [("LIL002", 1)]),
    "used-only-in-annotations": ('''
        from __future__ import annotations

        import boto3
        import pandas

        s3 = boto3.client("s3")
        frame: pandas.DataFrame


        def lambda_handler(event, context) -> pandas.DataFrame:
            return s3.get_object(Bucket="b", Key=event["pathParameters"]["key"])
        ''', [("LIL003", 4)]),
    "queue-worker-with-an-unused-import": ('''
        import json
        import boto3
        import pandas as pd


        def lambda_handler(event, context):
            table = boto3.resource("dynamodb").Table("orders")
            for record in event["Records"]:
                table.put_item(Item=json.loads(record["body"]))
        ''', [("LIL002", 3)]),
    "queue-worker-with-an-annotation-only-import": ('''
        import json
        import boto3
        from pandas import DataFrame


        def rows(frame: DataFrame) -> list:
            return []


        def lambda_handler(event, context):
            table = boto3.resource("dynamodb").Table("orders")
            for record in event["Records"]:
                table.put_item(Item=json.loads(record["body"]))
        ''', [("LIL003", 3)]),
    "queue-worker-using-an-import-under-type-checking": ('''
        import json
        from typing import TYPE_CHECKING
        import pandas as pd


        def lambda_handler(event, context):
            if TYPE_CHECKING:
                print(pd.DataFrame)
            return [json.loads(record["body"]) for record in event["Records"]]
        ''', [("LIL003", 3)]),
    "queue-worker-using-an-import-in-a-dead-branch": ('''
        import json
        import boto3
        import pandas as pd

        DEBUG = False


        def lambda_handler(event, context):
            table = boto3.resource("dynamodb").Table("orders")
            if DEBUG:
                print(pd.DataFrame(event["Records"]))
            for record in event["Records"]:
                table.put_item(Item=json.loads(record["body"]))
        ''', [("LIL002", 3)]),
}


def _source(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def _cli(folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[list[tuple[str, int]], int]:
    """The findings of ``check --format json`` (in this process, one job) and how many files LibCST parsed."""
    parsed: list[str] = []
    real = engine.parse

    def counting(source: bytes | str, path: str):  # type: ignore[no-untyped-def]
        parsed.append(path)
        return real(source, path)

    monkeypatch.setattr(engine, "parse", counting)
    monkeypatch.chdir(folder)
    main(["check", "--format", "json", "--no-cache", "--jobs", "1", "app.py"])
    findings = json.loads(capsys.readouterr().out)
    return [(finding["code"], finding["line"]) for finding in findings], len(parsed)


def _flake8(folder: Path) -> list[tuple[str, int]]:
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LIL", "--format", "%(code)s|%(row)d", "app.py"],
        capture_output=True, text=True, cwd=folder,
    )
    assert completed.returncode in (0, 1), completed.stderr
    return [(code, int(row)) for code, row in (line.split("|") for line in completed.stdout.splitlines())]


@pytest.mark.parametrize("case", [*SETTLED_EARLY, *SENT_ON])
def test_findings_and_parses(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text, expected = {**SETTLED_EARLY, **SENT_ON}[case]
    source = _source(text)
    (tmp_path / "app.py").write_text(source)
    findings, parses = _cli(tmp_path, capsys, monkeypatch)
    assert findings == expected
    assert parses == (0 if case in SETTLED_EARLY else 1)
    assert _flake8(tmp_path) == expected
    full = engine.check_source(source.encode(), Request(str(tmp_path / "app.py"), Config(), full=True))
    assert [(finding.code, finding.line) for finding in full.findings] == expected


def test_a_copy_or_a_test_file_is_still_analysed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the analysis would find no handler (a draft beside the real module, a test), the run's
    summary counts on the parse: such a file is sent on, and the summary stays what it was."""
    source = _source(SETTLED_EARLY["client-at-module-scope"][0])
    (tmp_path / "main.py").write_text(source)
    (tmp_path / "main_old.py").write_text(source)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "app.py").write_text(source)
    parsed: list[str] = []
    real = engine.parse
    monkeypatch.setattr(engine, "parse", lambda source, path: parsed.append(path) or real(source, path))
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "--jobs", "1", "tests"]) == 0
    assert "No handler modules found" in capsys.readouterr().err
    assert main(["check", "--no-cache", "--jobs", "1", "."]) == 0
    assert sorted(Path(path).name for path in parsed) == ["app.py", "app.py", "main_old.py"]


def test_a_declared_function_defined_in_a_branch_is_analysed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.lambda-import-lint]\nhandlers = ["app.py:process"]\n')
    body = 'import boto3\n\ns3 = boto3.client("s3")\n'
    (tmp_path / "app.py").write_text(body + "\n\ndef process(event, context):\n    return s3\n")
    assert _cli(tmp_path, capsys, monkeypatch) == ([], 0)
    (tmp_path / "app.py").write_text(body + "if s3:\n    def process(event, context):\n        return s3\n")
    assert _cli(tmp_path, capsys, monkeypatch) == ([], 1)


# Generated modules: the prescreen's verdict never changes the findings.
IMPORTS = (
    ("boto3", "import boto3"),
    ("pd", "import pandas as pd"),
    ("client", "from boto3 import client"),
    ("Session", "from boto3.session import Session"),
    ("requests", "import requests"),
    ("ClientError", "from botocore.exceptions import ClientError"),
)
MODULE_USES = (
    "X = {n}.f()",
    "X = {n}",
    "X = {n}.client('s3')",
    "X = {n}('s3')",
    "if DEBUG:\n    X = {n}.f()",
    "if FLAG:\n    X = {n}.f()",
    "X = (lambda: {n}.f())",
    "X = [{n}.f() for _ in ()]",
    "X = 1 if FLAG else {n}",
    "X = FLAG or {n}",
    "X: {n}.T = 1",
    "try:\n    X = {n}.f()\nexcept Exception:\n    X = None",
    "try:\n    pass\nexcept Exception:\n    X = {n}.f()",
    "class K({n}.Base):\n    pass",
    "class K:\n    x = {n}.f()",
    "@{n}.wrap\ndef helper():\n    pass",
    "def helper(value={n}.f()):\n    return value",
    "{n} = None",
    "__all__ = ['{n}']",
)
FUNCTION_USES = (
    "return {n}.f()",
    "return {n}.client('s3')",
    "return {n}.resource('dynamodb')",
    "return {n}('s3')",
    "return {n}.Session().client('s3')",
    "if event.get('x'):\n        return {n}.f()",
    "if event.get('x'):\n        return {n}('sqs')",
    "global {n}\n    {n} = None",
    "return event",
    "value: {n}.T = event\n    return value",
    "if DEBUG:\n        return {n}.f()",
    "if TYPE_CHECKING:\n        return {n}.f()",
    "return [{n}.f() for _ in event['Records']]",
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    imports=st.lists(st.sampled_from(IMPORTS), min_size=1, max_size=3, unique=True),
    module_uses=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(MODULE_USES)), max_size=3),
    function_uses=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(FUNCTION_USES)), max_size=2),
    declared=st.booleans(),
    waited=st.booleans(),
)
def test_the_prescreen_never_changes_the_findings(
    imports: list[tuple[str, str]],
    module_uses: list[tuple[int, str]],
    function_uses: list[tuple[int, str]],
    declared: bool,
    waited: bool,
) -> None:
    """Modules somebody waits on (the handler reads an HTTP request) and modules nobody does, where
    only unused and annotation-only imports are reported."""
    names = [name for name, _ in imports]
    lines = [statement for _, statement in imports]
    lines += ["DEBUG = False", "FLAG = __import__('os').environ.get('FLAG')", "from typing import TYPE_CHECKING"]
    lines += [use.format(n=names[index % len(names)]) for index, use in module_uses]
    body = [use.format(n=names[index % len(names)]) for index, use in function_uses]
    if waited:
        body.insert(0, "print(event['body'])")
    lines += ["", "", "def lambda_handler(event, context):", *("    " + use for use in body or ["return event"])]
    source = "\n".join(lines) + "\n"
    request = Request("app.py", Config(), declared=("lambda_handler",) if declared else ())
    screened = engine.check_source(source.encode(), request)
    full = engine.check_source(source.encode(), request._replace(full=True))
    assert screened.error == full.error
    assert [(f.code, f.line, f.message) for f in screened.findings] == [
        (f.code, f.line, f.message) for f in full.findings
    ], source


def test_a_settled_handler_module_loads_no_libcst(tmp_path: Path) -> None:
    """The tighter screen (its copy test included: ``get_user.py`` is looked for as a draft of a
    ``get.py``) runs without importing LibCST."""
    (tmp_path / "get_user.py").write_text(_source(SETTLED_EARLY["client-at-module-scope"][0]))
    code = (
        "import sys; from lambda_import_lint.cli import main; "
        "status = main(['check', '--no-cache', sys.argv[1]]); print(status, 'libcst' in sys.modules)"
    )
    completed = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert completed.stdout.strip() == "0 False", completed.stderr

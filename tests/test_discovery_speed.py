"""Deployment discovery on real-sized repositories: files parsed only when their bytes can declare
something, readings cached by content (never stale, never trusted blindly), parsed in the worker
pool when cold, and bounded to the checked project (the flake8 plugin included)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_import_lint.batch.cache import Store, cache_folder
from lambda_import_lint.batch.deployments import (
    CachedReadings, decode_reading, encode_reading, reading_key, unsupported_fields,
)
from lambda_import_lint.batch.runner import Options, Workers
from lambda_import_lint.cli import main
from lambda_import_lint.config import Config
from lambda_import_lint.discovery.declarations import DiscoveryWarning, HandlerDeclaration
from lambda_import_lint.discovery.deploy import Parsed, Unit, read_serially, units, worth_reading
from lambda_import_lint.rules.registry import RULES

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "deploy"
BROKEN_HCL = 'resource "aws_s3_bucket" "b" {\n  bucket = \n'  # python-hcl2 fails on this
TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.{function}
      Runtime: python3.12
"""


def _handlers(folder: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[list[dict[str, object]], str]:
    assert main(["handlers", "--format", "json", *extra, str(folder)]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


def _check(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """``check`` (which writes the cache), its stderr."""
    main(["check", str(folder)])
    return capsys.readouterr().err


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.lambda-import-lint]\n")
    (project / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n\n\ndef other(event, context):\n    return 2\n")
    (project / "template.yaml").write_text(TEMPLATE.format(function="handler"))
    return project


# ------------------------------------------------------------------------------------ prefilter


def test_a_tf_file_without_lambda_resources_is_not_parsed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path)
    (project / "network.tf").write_text(BROKEN_HCL)
    (project / "broken.yaml").write_text("AWSTemplateFormatVersion: [\n")  # a template, but no function in it
    handlers, err = _handlers(project, capsys)
    assert [row["function"] for row in handlers] == ["handler"]
    assert "network.tf" not in err and "broken.yaml" not in err  # never handed to python-hcl2 or PyYAML
    # The same broken bytes naming a Lambda resource are parsed, and the failure is reported.
    (project / "network.tf").write_text(BROKEN_HCL + 'resource "aws_lambda_function" "f" {}\n')
    _, err = _handlers(project, capsys)
    assert "network.tf: cannot read" in err


@pytest.mark.parametrize(
    ("kind", "name", "text", "wanted"),
    [
        pytest.param("terraform", "main.tf", 'resource "aws_lambda_function" "f" {}', True, id="tf-function"),
        pytest.param("terraform", "main.tf", 'resource "aws_lambda_layer_version" "l" {}', True, id="tf-layer"),
        pytest.param("terraform", "main.tf", 'module "f" { source = "terraform-aws-modules/lambda/aws" }', True, id="tf-module"),
        pytest.param("terraform", "main.tf", "resource aws_lambda_function f {}", True, id="tf-unquoted-labels"),
        pytest.param("terraform", "main.tf", 'resource "aws_s3_bucket" "b" {}', False, id="tf-bucket"),
        pytest.param("terraform", "out.tf", 'output "arn" { value = module.aws_lambda_function.arn }', False, id="tf-output"),
        pytest.param("cloudformation", "t.yaml", "Type: AWS::Serverless::LayerVersion", True, id="sam-layer"),
        pytest.param("cloudformation", "t.yaml", "Type: AWS::Lambda::LayerVersion", True, id="cfn-layer"),
        pytest.param("cloudformation", "t.yaml", "Type: AWS::Lambda::Function\n  MemorySize: 512", True, id="cfn-memory"),
        pytest.param("cloudformation", "t.yaml", "Type: AWS::S3::Bucket", False, id="cfn-bucket"),
        pytest.param("cloudformation", "t.json", '{"Type": "AWS::Serverless::Function"}', True, id="sam-json"),
        pytest.param(
            "cloudformation", "t.yaml", "P: {Type: AWS::Lambda::Permission}\nM: {Type: AWS::Lambda::EventSourceMapping}",
            False, id="cfn-lambda-without-functions",
        ),
        pytest.param("cloudformation", "t.yaml", "A: {Type: AWS::Serverless::Api}", False, id="sam-api-only"),
        pytest.param(
            "cloudformation", "t.yaml", "Transform: AWS::Serverless-2016-10-31\nResources: {T: {Type: AWS::S3::Bucket}}",
            False, id="sam-without-functions",
        ),
        pytest.param("cdk", "stack.ts", "new lambda.LayerVersion(this, 'L', {})", True, id="cdk-layer"),
        pytest.param("cdk", "stack.py", "PythonLayerVersion(self, 'L')", True, id="cdk-python-layer"),
        pytest.param("cdk", "stack.py", "s3.Bucket(self, 'B')", False, id="cdk-bucket"),
        pytest.param("serverless", "serverless.yml", "service: x\n", True, id="serverless-always"),
        pytest.param("dockerfile", "Dockerfile", "FROM PUBLIC.ECR.AWS/LAMBDA/PYTHON:3.12", True, id="docker-case"),
        pytest.param("dockerfile", "Dockerfile", "FROM python:3.12", False, id="docker-other"),
    ],
)
def test_worth_reading_lets_every_spelling_a_reader_takes_through(kind: str, name: str, text: str, wanted: bool) -> None:
    assert worth_reading(Unit(kind, name), text.encode()) is wanted


# --------------------------------------------------------------------------------------- cache


def test_a_warm_run_parses_nothing_and_an_edit_is_never_served_stale(tmp_path: Path) -> None:
    project = _project(tmp_path)
    config = Config(folder=project)
    found = units(project, lambda folder: False)
    assert [unit.kind for unit in found] == ["cloudformation"]
    items = [(unit, Path(unit.path).read_bytes()) for unit in found]

    cold = CachedReadings(Store(config))
    first = cold(items)
    assert cold.parsed == 1 and [d.function for d in first[0].declarations] == ["handler"]
    warm = CachedReadings(Store(config))
    assert warm(items) == first and warm.parsed == 0

    (project / "template.yaml").write_text(TEMPLATE.format(function="other"))
    edited = CachedReadings(Store(config))
    readings = edited([(unit, Path(unit.path).read_bytes()) for unit in found])
    assert edited.parsed == 1 and [d.function for d in readings[0].declarations] == ["other"]


def test_a_handler_file_created_since_is_not_served_its_old_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path)
    (project / "template.yaml").write_text(TEMPLATE.format(function="handler").replace("CodeUri: src/", "CodeUri: lib/"))
    assert "lib/app.py not found" in _check(project, capsys)
    assert "lib/app.py not found" in _check(project, capsys)  # warm: the same answer
    shutil.copytree(project / "src", project / "lib")
    assert "not found" not in _check(project, capsys)
    handlers, err = _handlers(project, capsys)
    assert "not found" not in err
    declared = [Path(str(row["path"])).resolve() for row in handlers if str(row["source"]).endswith("template.yaml")]
    assert declared == [(project / "lib" / "app.py").resolve()]


HOSTILE = [
    pytest.param(b"", id="empty"),
    pytest.param(b"\xff\xfe not json", id="binary"),
    pytest.param(b'{"format": 1}', id="missing-fields"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deep-nesting"),
    pytest.param(b'{"format": 99, "declarations": [], "warnings": [], "probes": []}', id="other-format"),
    pytest.param(b'{"format": 1, "declarations": [{"function": "x"}], "warnings": [], "probes": []}', id="missing-field"),
    pytest.param(b'{"format": 1, "declarations": [], "warnings": [], "probes": [["exec", "/bin/sh", true]]}', id="bad-probe"),
]


def _entry(declaration: dict[str, object]) -> bytes:
    return json.dumps({"format": 1, "declarations": [declaration], "warnings": [], "probes": []}).encode()


GOOD = {field: None for field in HandlerDeclaration._fields} | {"function": "evil", "source": "template.yaml"}
HOSTILE += [
    pytest.param(_entry(GOOD | {"path": "/tmp/a\u0000b"}), id="nul-in-path"),
    pytest.param(_entry(GOOD | {"path": 7}), id="path-not-a-string"),
    pytest.param(_entry(GOOD | {"snapstart": 1}), id="int-for-bool"),
    pytest.param(_entry(GOOD | {"surprise": "field"}), id="extra-field"),
    pytest.param(_entry({"__class__": "os.system", "args": ["id"]}), id="object-hook-bait"),
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_a_hostile_cache_entry_is_ignored_and_replaced(
    payload: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert decode_reading(payload) is None
    project = _project(tmp_path)
    unit = Unit("cloudformation", str(project / "template.yaml"))
    key = reading_key(unit, (project / "template.yaml").read_bytes())
    store = Store(Config(folder=project))
    store.write(key, payload)  # made with our own folder checks, as a planted entry would sit
    store.close()
    entries = list(cache_folder(Config(folder=project)).glob(f"*/{key[:2]}/{key}"))
    assert len(entries) == 1 and entries[0].read_bytes() == payload
    _check(project, capsys)
    handlers, _ = _handlers(project, capsys)
    assert [row["function"] for row in handlers if str(row["source"]).endswith("template.yaml")] == ["handler"]
    assert decode_reading(entries[0].read_bytes()) is not None  # overwritten with a real reading


def test_entries_are_written_from_the_records_fields(tmp_path: Path) -> None:
    """Every field of the records round-trips, whatever it is: a field another change adds to
    ``HandlerDeclaration`` is cached with no change to the codec, or this test says why not."""
    declaration = HandlerDeclaration(
        "route", "template.yaml", path=tmp_path / "app.py", module=None, snapstart=True,
        provisioned_concurrency=False, code_root=tmp_path,
    )
    warning = DiscoveryWarning(str(tmp_path / "t.yaml"), "t.yaml", "cause", "Api", "hint")
    parsed = Parsed((declaration,), (warning,), (("file", str(tmp_path / "app.py"), True),))
    assert decode_reading(encode_reading(parsed)) == parsed
    assert set(json.loads(encode_reading(parsed))["declarations"][0]) == set(HandlerDeclaration._fields)
    # A field of a type the codec cannot read back would make every entry a miss: name it here.
    assert unsupported_fields(HandlerDeclaration) == [] and unsupported_fields(DiscoveryWarning) == []


# ------------------------------------------------------------------------------------ parallel


def test_parallel_readings_equal_serial_ones(tmp_path: Path) -> None:
    for copy in ("one", "two"):
        shutil.copytree(FIXTURES, tmp_path / copy)
    found = units(tmp_path, lambda folder: False)
    assert len(found) >= 8 and {unit.kind for unit in found} >= {"cdk", "cloudformation", "serverless", "terraform"}
    items = [(unit, Path(unit.path).read_bytes()) for unit in found]
    serial = read_serially(items)
    workers = Workers(Options(Config(folder=tmp_path), frozenset()), jobs=2)
    try:
        parallel = workers.map_readings(items)
        assert workers.executor is not None  # really other processes
    finally:
        workers.shutdown()
    assert parallel == serial
    assert sum(len(parsed.declarations) for parsed in serial) >= 20


def test_check_gives_the_same_output_cold_parallel_and_warm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for copy in ("one", "two"):
        shutil.copytree(FIXTURES, tmp_path / copy)
    (tmp_path / "pyproject.toml").write_text("[tool.lambda-import-lint]\n")
    outputs = []
    for flags in (["--no-cache", "--jobs", "1"], ["--jobs", "2"], ["--jobs", "2"]):
        main(["check", "--format", "json", *flags, str(tmp_path)])
        captured = capsys.readouterr()
        outputs.append((captured.out, captured.err))
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(json.loads(outputs[0][0])) >= 8


# ------------------------------------------------------------------------------------- bounded


def _flake8(paths: list[str], cwd: Path) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LIL", "--format", "%(code)s", *paths],
        capture_output=True, text=True, cwd=cwd, timeout=120,
    )
    assert completed.returncode in (0, 1), completed.stderr
    return completed.stdout.split()


def test_flake8_from_a_folder_that_is_not_the_project_does_not_walk_it(tmp_path: Path) -> None:
    outside = tmp_path / "workspace"
    project = outside / "checkouts" / "service"
    (project / "sub").mkdir(parents=True)
    (project / ".git").mkdir()
    (project / "sub" / "app.py").write_text(RULES["LIL001"].invalid[0].source)
    # A decoy beside the project, in the working folder's tree: were it read, the checked file's
    # handler would be a function it lacks, and its LIL001 would go.
    decoy = TEMPLATE.format(function="not_there").replace("CodeUri: src/", "CodeUri: checkouts/service/sub/")
    (outside / "template.yaml").write_text(decoy)
    (outside / "elsewhere").mkdir()
    (outside / "elsewhere" / "huge.tf").write_text('resource "aws_lambda_function" "x" {\n' * 20_000)
    assert _flake8(["checkouts/service/sub"], outside) == ["LIL001"]
    # The control: the same decoy inside the project is read, and does take the finding away.
    (project / "template.yaml").write_text(decoy.replace("checkouts/service/sub/", "sub/"))
    assert _flake8(["checkouts/service/sub"], outside) == []


def test_a_syntax_error_is_cached_like_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A sample repository with one broken handler must not load LibCST on every warm run."""
    (tmp_path / "pyproject.toml").write_text("[tool.lambda-import-lint]\n")
    (tmp_path / "app.py").write_text("import pandas\n\ndef handler(event, context):\n    return pandas.\n")
    runs = []
    for _ in range(2):
        assert main(["check", str(tmp_path)]) == 2
        runs.append(capsys.readouterr().err)
    assert runs[0] == runs[1] and "app.py: error: syntax error at " in runs[0]
    stored = [path.read_bytes() for path in cache_folder(Config(folder=tmp_path)).glob("*/*/*") if path.is_file()]
    assert any(b'"error":"syntax error at ' in entry for entry in stored)


def test_handlers_reads_the_cache_but_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path)
    folder = cache_folder(Config(folder=project))
    _handlers(project, capsys)
    assert not folder.exists() or not any(folder.iterdir())
    _check(project, capsys)
    entries = sorted(folder.rglob("*"))
    handlers, _ = _handlers(project, capsys)
    assert sorted(folder.rglob("*")) == entries
    assert [row["function"] for row in handlers if str(row["source"]).endswith("template.yaml")] == ["handler"]

"""Lambda layers (tests/fixtures/layers/*): discovered in every deployment format, handler imports
followed into them as Lambda resolves them, their code checked as shared code, listed by
`handlers`, priced by `report`; through the CLI and the flake8 plugin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import fixture_projects

from lambda_import_lint.cli import main
from lambda_import_lint.discovery.declarations import Layer

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "layers"
TOOLS_ARN = "arn:aws:lambda:us-east-1:123456789012:layer:shared-tools:3"


project = fixture_projects(FIXTURES)


# format → (handler module, layer module, layer name, `layers` as `handlers` lists them)
EXPECTED = {
    "sam": ("src/app.py", "layers/common/reports.py", "CommonLayer", [TOOLS_ARN, "layers/common", "layers/gone"]),
    "serverless": ("src/app.py", "layers/common-libs/python/reports.py", "commonLibs", ["layers/common-libs", TOOLS_ARN]),
    "cdk_py": ("lambda/reports/app.py", "layers/common/reports.py", "CommonLayer", ["layers/common", TOOLS_ARN]),
    "cdk_ts": ("lambda/reports/app.py", "layers/common/python/reports.py", "CommonLayer", ["layers/common", TOOLS_ARN]),
    "terraform": (
        "src/app.py", "layers/common/python/reports.py", "aws_lambda_layer_version.common", ["layers/common", TOOLS_ARN]
    ),
    "terraform_module": ("src/app.py", "layers/common/reports.py", "module.common_layer", ["layers/common"]),
}


def _check(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[list[dict[str, object]], str]:
    main(["check", "--format", "json", "--no-cache", *extra, "."])
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_handlers_list_each_functions_layers(name: str, project, capsys) -> None:  # type: ignore[no-untyped-def]
    project(name)
    handler, _, _, layers = EXPECTED[name]
    assert main(["handlers", "--format", "json", "."]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(row["path"], row["layers"]) for row in rows if row["path"] == handler] == [(handler, layers)]
    assert main(["handlers", "."]) == 0
    assert f"layers: {', '.join(layers)}" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_follows_the_handler_into_its_layer(name: str, project, capsys) -> None:  # type: ignore[no-untyped-def]
    project(name)
    handler, layer_module, layer, _ = EXPECTED[name]
    items, _ = _check(capsys, "-q")
    # The layer module's `pandas` is used inside `render`: nothing shows that some invocations of
    # the functions using the layer skip it, so its move is reported under `--defer all` only.
    assert sorted((item["path"], item["line"], item["code"]) for item in items) == [(handler, 3, "LIL004")]
    items, _ = _check(capsys, "-q", "--defer", "all")
    assert sorted((item["path"], item["line"], item["code"]) for item in items) == sorted(
        [(handler, 3, "LIL004"), (layer_module, 3, "LIL001")]
    )
    messages = {item["code"]: str(item["message"]) for item in items}
    # The chain is named, with the layer it goes through and the link that can move.
    assert f"`reports` (layer `{layer}`) makes every cold start import `pandas`" in messages["LIL004"]
    assert "layer" not in Path(handler).name and layer_module.split("/")[-1] + ":3" in messages["LIL004"]
    # Layer code is shared code (defer all), named so.
    assert messages["LIL001"].endswith(f"(layer `{layer}`)")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_flake8_reports_what_the_cli_reports(name: str, project, capsys) -> None:  # type: ignore[no-untyped-def]
    root = project(name)
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LIL", "--format", "%(path)s|%(row)d|%(code)s|%(text)s", "."],
        capture_output=True, text=True, cwd=root,
    )
    assert completed.returncode == 1, completed.stderr
    from_flake8 = sorted(
        (str(Path(path)), int(row), code, text)
        for path, row, code, text in (line.split("|", 3) for line in completed.stdout.splitlines())
    )
    items, _ = _check(capsys, "-q")
    from_cli = sorted((str(item["path"]), item["line"], item["code"], item["message"]) for item in items)
    assert from_flake8 == from_cli and len(from_cli) == 1


def test_a_missing_layer_folder_and_layer_code_in_s3_warn_once(project, capsys) -> None:  # type: ignore[no-untyped-def]
    root = project("sam")  # GoneLayer is listed by two functions; ArchivedLayer lives in S3
    with (root / "template.yaml").open("a") as template:  # a layer only a Node.js function lists: not ours
        template.write(
            "  Web:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n"
            "      CodeUri: web/\n      Handler: index.handler\n      Layers:\n        - !Ref NodeLayer\n"
            "  NodeLayer:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: web-lib/\n"
        )
    _, err = _check(capsys)
    warnings = [line for line in err.splitlines() if line.startswith("lambda-import-lint: warning:")]
    assert warnings == [
        "lambda-import-lint: warning: template.yaml: layer GoneLayer: folder layers/gone not found "
        "(2 functions: ReportsFunction, AuditFunction); build the layer before checking, or fix its path; until "
        "then, imports into it are not followed",
        "lambda-import-lint: warning: template.yaml: AuditFunction: layer ArchivedLayer: its code is in S3, "
        "which cannot be inspected; imports into its modules are not followed",
    ]


def test_external_layers_are_listed_as_written(project, capsys) -> None:  # type: ignore[no-untyped-def]
    project("sam")
    assert main(["handlers", "--format", "json", "."]) == 0
    audit = next(row for row in json.loads(capsys.readouterr().out) if row["path"] == "src/audit.py")
    assert audit["layers"] == [
        TOOLS_ARN,  # Globals first
        "layers/gone",
        "ArchivedLayer",
        "!Sub arn:aws:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7",
    ]


def test_report_counts_a_layer_modules_imports_in_the_handlers_init(project, capsys) -> None:  # type: ignore[no-untyped-def]
    project("sam")
    assert main(["report", "--format", "json", "."]) == 0
    rows = {row["path"]: row for row in json.loads(capsys.readouterr().out)}
    app = rows["src/app.py"]
    assert (app["init_ms"], app["deferrable_ms"], app["after_fix_ms"]) == (260.0, 0.0, 260.0)
    fields = ("module", "statement", "ms", "status")
    listed = [tuple(item[key] for key in fields) for item in app["imports"]]
    assert ("pandas", "import reports (layer `CommonLayer`)", 260.0, "stays") in listed
    assert rows["src/audit.py"]["init_ms"] == 0.0


HANDLER = "import json\n\nimport reports\n\n\ndef handler(event, context):\n    if event['queryStringParameters'].get('report'):\n        return reports.render(event)\n    return json.dumps(event)\n"
HEAVY = "import pandas as pd\n\n\ndef render(event):\n    return pd.DataFrame(event).to_csv()\n"
LIGHT = "import csv\n\n\ndef render(event):\n    return csv\n"


def _sam(root: Path, layers: list[str], files: dict[str, str]) -> None:
    """A SAM project: one function (src/app.py) listing ``layers``, each a layer whose folder is
    layers/<name> (modules under python/)."""
    resources = [
        "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n"
        "      Handler: app.handler\n      Runtime: python3.12\n      Layers:\n"
        + "".join(f"        - !Ref {layer}\n" for layer in layers)
    ]
    for layer in layers:
        resources.append(f"  {layer}:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: layers/{layer}\n")
    (root / "template.yaml").write_text("Transform: AWS::Serverless-2016-10-31\nResources:\n" + "".join(resources))
    for name, text in {"src/app.py": HANDLER, **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _codes(root: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str]]:
    # `--defer all`: the layer module's own move (LIL001) shows which module the import resolved to.
    main(["check", "--format", "json", "-q", "--no-cache", "--defer", "all", str(root)])
    return sorted((Path(item["path"]).relative_to(root).as_posix(), item["code"]) for item in json.loads(capsys.readouterr().out))


@pytest.mark.parametrize(
    ("layers", "files", "expected"),
    [
        pytest.param(
            ["First", "Second"],
            {"layers/First/python/reports.py": LIGHT, "layers/Second/python/reports.py": HEAVY},
            [("layers/Second/python/reports.py", "LIL001")],  # layer code is checked all the same
            id="first-listed-layer-wins",
        ),
        pytest.param(
            ["Second", "First"],
            {"layers/First/python/reports.py": LIGHT, "layers/Second/python/reports.py": HEAVY},
            [("layers/Second/python/reports.py", "LIL001"), ("src/app.py", "LIL004")],
            id="listed-order-not-name-order",
        ),
        pytest.param(
            ["First"],
            {"src/reports.py": LIGHT, "layers/First/python/reports.py": HEAVY},
            [("layers/First/python/reports.py", "LIL001")],
            id="code-folder-before-layers",
        ),
        pytest.param(
            ["First"],
            {"layers/First/python/lib/python3.12/site-packages/reports.py": HEAVY, "layers/First/python/reports.py": LIGHT},
            [("src/app.py", "LIL004")],  # (site-packages is never walked: installed packages are not linted)
            id="site-packages-before-python",
        ),
        pytest.param(
            ["First"],
            {"layers/First/reports.py": HEAVY, "layers/First/extensions/monitor.py": HEAVY},
            [],  # not built: /opt/reports.py is not importable, and an extension is no layer code
            id="layer-root-is-opt-not-opt-python",
        ),
    ],
)
def test_imports_resolve_as_lambda_resolves_them(
    layers: list[str], files: dict[str, str], expected: list[tuple[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _sam(tmp_path, layers, files)
    assert _codes(tmp_path, capsys) == expected


def test_a_heavy_module_a_layer_module_loads_is_already_paid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    handler = "import pandas as pd\n\nimport reports\n\n\ndef handler(event, context):\n    if event['queryStringParameters'].get('csv'):\n        return pd.DataFrame(event).to_csv()\n    return reports.TABLE\n"
    pinned = "import pandas as pd\n\nTABLE = pd.DataFrame()\n"  # used at module scope: stays
    _sam(tmp_path, ["Common"], {"src/app.py": handler, "layers/Common/python/reports.py": pinned})
    assert _codes(tmp_path, capsys) == []
    (tmp_path / "layers/Common/python/reports.py").write_text("TABLE = None\n")
    assert _codes(tmp_path, capsys) == [("src/app.py", "LIL001")]


def test_the_cache_notices_a_changed_layer_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _sam(tmp_path, ["Common"], {"layers/Common/python/reports.py": HEAVY})
    (tmp_path / "pyproject.toml").write_text("")

    def codes() -> list[str]:
        main(["check", "--format", "json", "-q", str(tmp_path / "src")])
        return [item["code"] for item in json.loads(capsys.readouterr().out)]

    assert codes() == ["LIL004"]
    assert codes() == ["LIL004"]  # from the cache
    (tmp_path / "layers/Common/python/reports.py").write_text(LIGHT)
    assert codes() == []


def test_serverless_layer_references_use_the_frameworks_logical_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n  layers:\n    - arn:aws:lambda:eu-west-1:1:layer:base:1\n"
        "layers:\n  pdf_tools-v2:\n    path: pdf\nfunctions:\n"
        "  a:\n    handler: app.handler\n    layers:\n      - Ref: PdfUnderscoretoolsDashv2LambdaLayer\n"
        "  b:\n    handler: other.handler\n"
    )
    (tmp_path / "pdf" / "python").mkdir(parents=True)
    (tmp_path / "app.py").write_text("def handler(event, context):\n    pass\n")
    (tmp_path / "other.py").write_text("def handler(event, context):\n    pass\n")
    assert main(["handlers", "--format", "json", str(tmp_path)]) == 0
    rows = {Path(row["path"]).name: row.get("layers") for row in json.loads(capsys.readouterr().out)}
    # A function's own list replaces the provider's.
    assert rows == {"app.py": ["pdf"], "other.py": ["arn:aws:lambda:eu-west-1:1:layer:base:1"]}


def test_layer_import_roots_in_lambdas_order(tmp_path: Path) -> None:
    for version in ("3.11", "3.12"):
        (tmp_path / "python" / "lib" / f"python{version}" / "site-packages").mkdir(parents=True)
    site = tmp_path / "python" / "lib"
    assert Layer("L", tmp_path).import_roots() == (
        site / "python3.12" / "site-packages", site / "python3.11" / "site-packages", tmp_path / "python"
    )
    assert Layer("L", tmp_path, built=True).import_roots() == (tmp_path,)
    assert Layer("arn:aws:lambda:us-east-1:1:layer:x:1").import_roots() == ()


def test_report_prices_each_package_once(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    handler = "import pandas as pd\n\nimport reports\n\n\ndef handler(event, context):\n    return reports.render(pd.DataFrame(event))\n"
    layer = "import pandas\nfrom pandas import DataFrame\n\n\ndef render(frame):\n    return DataFrame(frame).to_csv()\n"
    _sam(tmp_path, ["Common"], {"src/app.py": handler, "layers/Common/python/reports.py": layer})
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--format", "json", "."]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["init_ms"] == 260.0  # the handler's own pandas import pays; the layer module's is the same package
    last = row["imports"][-1]
    assert (last["module"], last["statement"], last["ms"], last["status"]) == (
        "pandas", "import reports (layer `Common`)", 0.0, "already-paid"
    )


def test_cloudformation_layer_with_local_content_in_a_json_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12", "Handler": "app.handler", "Code": "src",
                    "Layers": [{"Fn::GetAtt": ["Lib", "LayerVersionArn"]}, {"Ref": "ToolsLayerArn"}],
                },
            },
            "Lib": {"Type": "AWS::Lambda::LayerVersion", "Properties": {"Content": "lib"}},
        }
    }
    (tmp_path / "template.json").write_text(json.dumps(template))
    for name, text in {"src/app.py": HANDLER, "lib/python/reports.py": HEAVY}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert main(["handlers", "--format", "json", str(tmp_path)]) == 0
    assert [row["layers"] for row in json.loads(capsys.readouterr().out)] == [["lib", "!Ref ToolsLayerArn"]]
    assert _codes(tmp_path, capsys) == [("lib/python/reports.py", "LIL001"), ("src/app.py", "LIL004")]


def test_measure_times_what_a_layer_module_loads_never_the_module(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_ins = tmp_path / "site"  # the measuring interpreter's packages
    stand_ins.mkdir()
    (stand_ins / "slowmod.py").write_text("import time\ntime.sleep(0.2)\n")
    marker = tmp_path / "imported"
    # A module of the same name as the layer's: importing `reports` by name would leave a marker.
    (stand_ins / "reports.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.lambda-import-lint]\nextend-heavy-modules = ["slowmod"]\n')
    _sam(project, ["Common"], {"layers/Common/python/reports.py": "import slowmod\n\n\ndef render(event):\n    return slowmod\n"})
    monkeypatch.chdir(project)
    monkeypatch.setenv("PYTHONPATH", str(stand_ins))
    assert main(["report", "--format", "json", "--measure", "--runs", "1", "src/app.py"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["measured"] is True and row["init_ms"] >= 190 and row["after_fix_ms"] >= 190
    layered = [item for item in row["imports"] if item["statement"] == "import reports (layer `Common`)"]
    assert [item["module"] for item in layered] == ["slowmod"] and layered[0]["ms"] >= 190
    assert not marker.exists()


# A layer's `queries` imports what it never uses; its `services` imports and uses both (round 23).
QUERIES = "import json\nimport boto3\nimport psycopg2\n\n\ndef login_query(body):\n    return json.dumps(body)\n"
SERVICES = "import boto3\nimport psycopg2\n\n\ndef connect():\n    return psycopg2.connect(), boto3.client('sqs')\n"
USES_BOTH = "import boto3\nfrom queries import login_query\nfrom services import connect\n\n\ndef handler(event, context):\n    return login_query(event), connect()\n"


def _unused_in_layer(root: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, int, str]]:
    main(["check", "--format", "json", "-q", "--no-cache", str(root)])
    items = json.loads(capsys.readouterr().out)
    from_cli = sorted((Path(item["path"]).relative_to(root).as_posix(), item["line"], item["code"]) for item in items)
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LIL", "--format", "%(path)s|%(row)d|%(code)s", "."],
        capture_output=True, text=True, cwd=root,
    )
    from_flake8 = sorted(
        (Path(path).as_posix().removeprefix("./"), int(row), code)
        for path, row, code in (line.split("|") for line in completed.stdout.splitlines())
    )
    assert from_flake8 == from_cli, completed.stderr
    return from_cli


def test_an_unused_import_of_a_layer_module_whose_importers_load_it_anyway_saves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"layers/Common/python/queries.py": QUERIES, "layers/Common/python/services.py": SERVICES, "src/app.py": USES_BOTH}
    _sam(tmp_path, ["Common"], files)
    # Not even a test that imports `queries` alone makes removing them save something: no test is deployed.
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_queries.py").write_text("from queries import login_query\n")
    assert _unused_in_layer(tmp_path, capsys) == []
    # Another importer that loads boto3 but not psycopg2 (its own import, no `services`).
    (tmp_path / "src" / "batch.py").write_text("import boto3\nfrom queries import login_query\n")
    assert _unused_in_layer(tmp_path, capsys) == [("layers/Common/python/queries.py", 3, "LIL002")]
    # Nothing imports the module: both are its own to pay.
    (tmp_path / "src" / "batch.py").unlink()
    (tmp_path / "src" / "app.py").write_text(HANDLER)
    assert _unused_in_layer(tmp_path, capsys) == [
        ("layers/Common/python/queries.py", 2, "LIL002"), ("layers/Common/python/queries.py", 3, "LIL002")
    ]

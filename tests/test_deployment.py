"""Handlers from deployment files (tests/fixtures/deploy/*), SnapStart / provisioned concurrency,
LIL102 and LIL004, through the `handlers` and `check` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import fixture_projects, terraform_zipped_file

from lambda_import_lint.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "deploy"


project = fixture_projects(FIXTURES)


def _handlers(capsys: pytest.CaptureFixture[str]) -> tuple[list[dict[str, object]], str]:
    assert main(["handlers", "--format", "json", "."]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


def _findings(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, int, str]]:
    main(["check", "--format", "json", "-q", "--no-cache", "."])
    return [(item["path"], item["line"], item["code"]) for item in json.loads(capsys.readouterr().out)]


EXPECTED_HANDLERS = {
    "sam": [
        {"path": "src/jobs/worker.py", "function": "run", "source": "template.yaml", "snapstart": False, "provisioned_concurrency": False},
        {"path": "src/orders/api.py", "function": "route", "source": "template.yaml", "snapstart": True, "provisioned_concurrency": False},
        {"path": "src/orders/lib/reports.py", "function": "on_schedule", "source": "template.yaml", "snapstart": False, "provisioned_concurrency": True},
    ],
    "serverless": [
        {"path": "src/handlers/invoice.py", "function": "create", "source": "serverless.yml", "provisioned_concurrency": True},
        {"path": "src/handlers/refund.py", "function": "main", "source": "serverless.yml", "snapstart": True},
    ],
    "cdk_py": [
        {"path": "lambda/ingest/app.py", "function": "on_event", "source": "infra/app.py", "snapstart": True, "provisioned_concurrency": False},
        {"path": "lambda/ingest/score.py", "function": "score", "source": "infra/app.py", "snapstart": False, "provisioned_concurrency": True},
    ],
    "cdk_ts": [
        {"path": "lambda/resize/resize.py", "function": "handler", "source": "lib/stack.ts", "snapstart": False},
        {"path": "lambda/resize/thumbs.py", "function": "make", "source": "lib/stack.ts", "snapstart": True},
    ],
    "terraform": [
        {"path": "jobs/nightly.py", "function": "run", "source": "main.tf", "snapstart": False, "provisioned_concurrency": False},
        {"path": "src/service.py", "function": "dispatch", "source": "main.tf", "snapstart": True},
    ],
    "docker": [{"path": "app/main.py", "function": "on_request", "source": "Dockerfile"}],
}

HINT = 'set `handlers = ["src/app.py:handler"]` in [tool.lambda-import-lint]'
EXPECTED_WARNINGS = {
    "sam": [
        "template.yaml: MissingFile: handler 'nothing_here.handler': src/orders/nothing_here.py not found; "
        f"fix the handler or its code folder, or {HINT}",
        "template.yaml: src/orders/api.py has no function `not_defined`; fix the handler name there, or "
        'set `handlers = ["src/orders/api.py:<function>"]` in [tool.lambda-import-lint]',
    ],
    "serverless": [
        "serverless.yml: missing: handler 'src/handlers/gone.main': src/handlers/gone.py not found; "
        f"fix the handler or its code folder, or {HINT}"
    ],
    "cdk_py": [],
    "cdk_ts": [],
    "terraform": [f"main.tf: aws_lambda_function.unknown: code folder unknown (`filename` is not an `archive_file`'s output); {HINT}"],
    "docker": [],
}

EXPECTED_FINDINGS = {
    "sam": [],  # SnapStart and provisioned concurrency: no LIL001 for pandas or numpy
    "serverless": [("src/handlers/refund.py", 2, "LIL102")],
    "cdk_py": [("lambda/ingest/app.py", 2, "LIL102")],
    "cdk_ts": [("lambda/resize/resize.py", 1, "LIL001"), ("lambda/resize/thumbs.py", 2, "LIL102")],
    # The nightly job's yaml stays: nobody waits on a schedule, so deferring saves only billed INIT.
    "terraform": [("src/service.py", 5, "LIL102")],
    "docker": [("app/main.py", 1, "LIL001")],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_HANDLERS))
def test_handlers_from_deployment_files(name: str, project, capsys) -> None:  # type: ignore[no-untyped-def]
    project(name)
    rows, err = _handlers(capsys)
    assert rows == EXPECTED_HANDLERS[name]
    warnings = [line.removeprefix("lambda-import-lint: warning: ") for line in err.splitlines()]
    assert warnings == EXPECTED_WARNINGS[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_FINDINGS))
def test_check_uses_deployment_handlers(name: str, project, capsys) -> None:  # type: ignore[no-untyped-def]
    project(name)
    assert _findings(capsys) == EXPECTED_FINDINGS[name]


def test_snapstart_setting_overrides_detection(project, capsys) -> None:  # type: ignore[no-untyped-def]
    root = project("sam")
    (root / "pyproject.toml").write_text("[tool.lambda-import-lint]\nsnapstart = false\n")
    # The API's pandas; not the schedule's numpy: nobody waits on a schedule.
    assert sorted(_findings(capsys)) == [("src/orders/api.py", 3, "LIL001")]
    rows, _ = _handlers(capsys)
    assert {row["snapstart"] for row in rows} == {False}


def test_lil102_hoist_fix(project, capsys) -> None:  # type: ignore[no-untyped-def]
    root = project("serverless")
    assert main(["check", "--fix", "-q", "."]) == 1
    assert (root / "src/handlers/refund.py").read_text() == (
        "import stripe\n\n\ndef main(evt, ctx):\n    return stripe.Refund.create(charge=evt[\"charge\"])\n"
    )
    assert main(["check", "-q", "."]) == 0


def test_heavy_chain_through_local_modules_with_a_cycle(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(
        "from shared import util\nimport light\n\n\ndef handler(event, context):\n"
        "    if event['queryStringParameters'].get('load'):\n        return util.f(event)\n    return light.g()\n"
    )
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/__init__.py").write_text("")
    (tmp_path / "shared/util.py").write_text("from . import loader\n\n\ndef f(x):\n    return loader.load(x)\n")
    (tmp_path / "shared/loader.py").write_text("from shared import util\nimport pandas\n\n\ndef load(x):\n    return x\n")
    (tmp_path / "light.py").write_text("import app\n\n\ndef g():\n    return 1\n")
    assert main(["check", "--format", "json", "--no-cache", "app.py"]) == 1
    [finding] = json.loads(capsys.readouterr().out)
    assert (finding["line"], finding["code"]) == (1, "LIL004")
    assert "`app → shared.util → .loader → pandas`" in finding["message"]
    assert "import `shared.util` where it is used, or defer `pandas` in `shared/loader.py:2`" in finding["message"]


@pytest.mark.parametrize(
    "statement", ["import kit.tools", "import kit.tools as tools", "from kit import tools", "from kit.tools import run"]
)
def test_a_chain_through_a_submodule_of_a_local_package(statement: str, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """`import kit.tools` loads `kit/tools.py` (after `kit/__init__.py`): its heavy import is the
    chain's, however the handler names it (the plain dotted import was judged by `kit/__init__.py`
    alone, empty here, and reported nothing)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "__init__.py").write_text("")
    (tmp_path / "kit" / "tools.py").write_text("import pandas\n\n\ndef run(event):\n    return pandas.DataFrame(event)\n")
    call = {"import kit.tools": "kit.tools.run", "from kit.tools import run": "run"}.get(statement, "tools.run")
    (tmp_path / "app.py").write_text(
        f"{statement}\n\n\ndef handler(event, context):\n    if event['body']:\n        return {call}(event)\n    return None\n"
    )
    assert main(["check", "--format", "json", "--no-cache", "app.py"]) == 1
    [finding] = json.loads(capsys.readouterr().out)
    assert finding["code"] == "LIL004"
    assert "→ kit.tools → pandas`" in finding["message"]


def test_no_chain_when_every_invocation_needs_the_local_module(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """Deferring `reporting` would only move the cost into every request."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("import reporting\n\n\ndef handler(event, context):\n    return reporting.render(event)\n")
    (tmp_path / "reporting.py").write_text("import pandas\n\n\ndef render(event):\n    return pandas.DataFrame(event)\n")
    assert main(["check", "--format", "json", "--no-cache", "app.py"]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    "reporting",
    [
        pytest.param("import pandas\n\nFRAME = pandas.DataFrame()\n", id="used-at-module-scope"),
        pytest.param("import pandas\n\n\n@pandas.api.extensions.register_dataframe_accessor('x')\nclass X:\n    pass\n", id="decorator"),
    ],
)
def test_no_chain_when_the_heavy_import_is_pinned_where_it_is(reporting: str, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """`defer pandas in reporting.py` could not be followed: nothing actionable."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(
        "import reporting\n\n\ndef handler(event, context):\n    if event['body']:\n        return reporting.X\n    return None\n"
    )
    (tmp_path / "reporting.py").write_text(reporting)
    assert main(["check", "--format", "json", "--no-cache", "app.py"]) == 0


def test_no_chain_to_a_module_the_handler_loads_anyway(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(
        "import boto3\nimport store\n\nTABLE = boto3.resource('dynamodb').Table('t')\n\n\n"
        "def handler(event, context):\n    if event['body']:\n        return store.put(event)\n    return TABLE.name\n"
    )
    (tmp_path / "store.py").write_text("import boto3\n\n\ndef put(item):\n    return boto3.client('s3')\n")
    assert main(["check", "--format", "json", "--no-cache", "--select", "LIL004", "app.py"]) == 0


def test_no_chain_beside_an_unused_import_of_the_same_module_it_keeps(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """Round 45 #12 (both reviewers "no"): `import pandas`, unused, stays (`reporting` loads
    pandas anyway, so removing it alone saves nothing and it is not reported); the chain
    `reporting → pandas` then saves nothing either, as long as that `import pandas` stays.
    Without it, the chain is reported (control)."""
    monkeypatch.chdir(tmp_path)
    handler = "import reporting\n\n\ndef handler(event, context):\n    if event['body']:\n        return reporting.f()\n    return None\n"
    (tmp_path / "app.py").write_text("import pandas\n" + handler)
    (tmp_path / "reporting.py").write_text("import pandas\n\n\ndef f():\n    return pandas.DataFrame()\n")
    assert main(["check", "--format", "json", "--no-cache", "app.py"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    (tmp_path / "app.py").write_text(handler)
    assert main(["check", "--format", "json", "--no-cache", "app.py"]) == 1
    assert [item["code"] for item in json.loads(capsys.readouterr().out)] == ["LIL004"]


def test_one_chain_per_heavy_module_and_none_while_another_module_loads_it(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """`a` and `b` both import pandas: deferring either alone saves nothing, so neither is reported."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(
        "import a\nimport b\n\n\ndef handler(event, context):\n    if event['body']:\n        return a.f(), b.g()\n    return None\n"
    )
    (tmp_path / "a.py").write_text("import pandas\n\n\ndef f():\n    return pandas\n")
    (tmp_path / "b.py").write_text("import pandas\n\n\ndef g():\n    return pandas\n")
    assert main(["check", "--format", "json", "--no-cache", "--select", "LIL004", "app.py"]) == 0
    capsys.readouterr()
    (tmp_path / "b.py").write_text("import json\n\n\ndef g():\n    return json\n")
    assert main(["check", "--format", "json", "--no-cache", "--select", "LIL004", "app.py"]) == 1
    assert [finding["line"] for finding in json.loads(capsys.readouterr().out)] == [1]


def test_checking_the_project_root_walks_the_tree_once(project, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from lambda_import_lint.discovery import deploy

    project("terraform")

    def no_second_walk(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the deployment files were searched in a second walk")

    monkeypatch.setattr(deploy, "_walk", no_second_walk)
    assert _findings(capsys) == EXPECTED_FINDINGS["terraform"]


def test_declarations_match_by_real_path_and_module_in_declaration_order(tmp_path: Path) -> None:
    """The per-run index gives what comparing every declaration with every file gave: file
    declarations by real path (a symbolic link to the file matches), dotted modules by suffix,
    in declaration order, duplicates once."""
    from lambda_import_lint.discovery.declarations import Declarations, HandlerDeclaration

    app = tmp_path / "src" / "app.py"
    app.parent.mkdir()
    app.write_text("")
    (tmp_path / "link.py").symlink_to(app)
    declarations = Declarations((
        HandlerDeclaration("first", "config", module="src.app"),
        HandlerDeclaration("second", "template.yaml", path=tmp_path / "src" / ".." / "src" / "app.py", snapstart=True),
        HandlerDeclaration("elsewhere", "template.yaml", path=tmp_path / "other.py"),
        HandlerDeclaration("third", "serverless.yml", module="app"),
        HandlerDeclaration("first", "template.yaml", path=app),
    ))
    for name in (str(app), str(tmp_path / "link.py")):
        declared = declarations.for_file(name)
        assert declared.functions == ("first", "second", "third")
        assert declared.warm == frozenset({"second"})
    assert declarations.origin(str(app), "third") == declarations.items[3]
    assert declarations.for_file(str(tmp_path / "other_app.py")).functions == ()
    assert Declarations().for_file(str(app)).functions == ()


@pytest.mark.parametrize("name", ["sam/template.yaml", "serverless/serverless.yml"])
def test_libyaml_and_pure_python_loaders_agree(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Templates are read with libyaml's parser when PyYAML has it; the data, short-form tags
    included, must be what the pure-Python parser gives."""
    import yaml

    from lambda_import_lint.discovery.deploy.common import yaml_load

    text = (Path(__file__).parent / "fixtures" / "deploy" / name).read_text()
    fast = yaml_load(text)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    assert fast == yaml_load(text) and fast


def test_a_local_module_that_stays_pays_for_what_it_imports(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """`helper` imports boto3 at module scope and the handler needs `helper` on every invocation:
    removing the handler's own unused `import boto3` (LIL002), or deferring its pandas that
    `helper` also imports (LIL001), would save nothing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "helper.py").write_text("import boto3\nimport pandas\n\n\ndef run(event):\n    return boto3, pandas\n")
    (tmp_path / "app.py").write_text(
        "import boto3\nimport pandas as pd\n\nimport helper\n\n\ndef handler(event, context):\n"
        "    if event['queryStringParameters'].get('csv'):\n        return pd.DataFrame(event)\n    return helper.run(event)\n"
    )
    assert main(["check", "--format", "json", "--no-cache", "app.py"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    (tmp_path / "helper.py").write_text("import json\n\n\ndef run(event):\n    return json.dumps(event)\n")
    assert main(["check", "--format", "json", "--no-cache", "app.py"]) == 1
    assert [item["code"] for item in json.loads(capsys.readouterr().out)] == ["LIL002", "LIL001"]


def test_no_chain_through_the_package_that_holds_the_handler(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """Lambda imports `adapters.inbound.handlers`, which runs `adapters/inbound/__init__.py`
    first: `import adapters.inbound` where it is used is advice nobody can follow."""
    monkeypatch.chdir(tmp_path)
    package = tmp_path / "adapters" / "inbound"
    package.mkdir(parents=True)
    (tmp_path / "adapters" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("import boto3\n\n\ndef repository():\n    return boto3.resource('dynamodb')\n")
    (package / "handlers.py").write_text(
        "import adapters.inbound\n\n\ndef handler(event, context):\n"
        "    if event:\n        return adapters.inbound.repository()\n    return None\n"
    )
    assert main(["check", "--format", "json", "--no-cache", "--select", "LIL004", "adapters/inbound/handlers.py"]) == 0


def test_no_chain_while_a_module_we_cannot_see_may_load_the_heavy_one(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "store.py").write_text("import boto3\n\n\ndef put(item):\n    return boto3\n")
    handler = "def handler(event, context):\n    if event['body']:\n        return store.put(event)\n    return None\n"
    (tmp_path / "app.py").write_text("import ddtrace\nimport store\n\n\n" + handler)
    assert main(["check", "--format", "json", "--no-cache", "--select", "LIL004", "app.py"]) == 0
    (tmp_path / "app.py").write_text("import json\nimport store\n\n\n" + handler)
    assert main(["check", "--format", "json", "--no-cache", "--select", "LIL004", "app.py"]) == 1


def test_a_cdk_asset_folder_joined_to_a_path_constant(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """`const lambdasPath = path.join(__dirname, '../../lambdas')`, then
    `Code.fromAsset(path.join(lambdasPath, 'api_handlers'))` (round 14: a stack whose every
    function the reader missed, so its API handlers were found by the heuristic only)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "infra" / "lib").mkdir(parents=True)
    (tmp_path / "infra" / "cdk.json").write_text('{"app": "npx ts-node bin/app.ts"}\n')
    (tmp_path / "infra" / "lib" / "api-stack.ts").write_text(
        "import * as path from 'path';\nimport * as lambda from 'aws-cdk-lib/aws-lambda';\n\n"
        "export class ApiStack extends cdk.Stack {\n  constructor(scope: Construct, id: string) {\n"
        "    super(scope, id);\n    const lambdasPath = path.join(__dirname, '../../lambdas');\n"
        "    new lambda.Function(this, 'GetReport', {\n      runtime: lambda.Runtime.PYTHON_3_12,\n"
        "      handler: 'get_report.handler',\n      code: lambda.Code.fromAsset(path.join(lambdasPath, 'api')),\n"
        "    });\n  }\n}\n"
    )
    (tmp_path / "lambdas" / "api").mkdir(parents=True)
    (tmp_path / "lambdas" / "api" / "get_report.py").write_text("def handler(event, context):\n    return event\n")
    rows, _ = _handlers(capsys)
    assert [(row["path"], row["function"], row["source"]) for row in rows] == [
        ("lambdas/api/get_report.py", "handler", "infra/lib/api-stack.ts")
    ]


@pytest.mark.parametrize(
    ("assignments", "declared"),
    [
        pytest.param('runtime = _lambda.Runtime.PYTHON_3_12\n        code = _lambda.Code.from_asset("src")\n', True,
                     id="shared-variables"),
        pytest.param('self.code = _lambda.Code.from_asset("src")\n        runtime = _lambda.Runtime.PYTHON_3_12\n',
                     True, id="an-attribute"),
        pytest.param('runtime = _lambda.Runtime.NODEJS_20_X\n        code = _lambda.Code.from_asset("src")\n', False,
                     id="another-runtime"),
        pytest.param('runtime = _lambda.Runtime.PYTHON_3_12\n        code = _lambda.Code.from_asset("src")\n'
                     '        code = _lambda.Code.from_asset("other")\n', False, id="assigned-twice"),
    ],
)
def test_cdk_python_functions_sharing_a_runtime_and_code_variable(  # type: ignore[no-untyped-def]
    assignments: str, declared: bool, tmp_path: Path, monkeypatch, capsys
) -> None:
    """`lambda_code = _lambda.Code.from_asset("src")` and `lambda_runtime = …PYTHON_3_12`, passed to
    each function (round 47: a stack of twenty functions none of which was declared; the heuristic
    alone found their handlers)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "cdk.json").write_text('{"app": "python infrastructure/app.py"}\n')
    (tmp_path / "infrastructure").mkdir()
    code = "self.code" if "self.code =" in assignments else "code"
    (tmp_path / "infrastructure" / "stack.py").write_text(
        "from aws_cdk import Stack\nfrom aws_cdk import aws_lambda as _lambda\n\n\nclass ApiStack(Stack):\n"
        "    def __init__(self, scope, construct_id):\n        super().__init__(scope, construct_id)\n"
        f"        {assignments}"
        f'        _lambda.Function(self, "Cases", runtime=runtime, handler="api.cases.handler", code={code})\n'
    )
    (tmp_path / "src" / "api").mkdir(parents=True)
    (tmp_path / "src" / "api" / "cases.py").write_text("def handler(event, context):\n    return event\n")
    rows, _ = _handlers(capsys)
    source = "infrastructure/stack.py" if declared else "heuristic"
    assert [(row["path"], row["function"], row["source"]) for row in rows] == [("src/api/cases.py", "handler", source)]


@pytest.mark.parametrize(
    ("source_file", "expected"),
    [
        pytest.param("orders.py", "live/orders.py", id="relative-to-the-root-module"),
        pytest.param("${path.root}/orders.py", "live/orders.py", id="path-root"),
        pytest.param("${path.module}/orders.py", "modules/lambda/orders.py", id="path-module"),
        pytest.param("kept.py", "modules/lambda/kept.py", id="only-beside-the-module"),
    ],
)
def test_terraform_paths_of_a_child_module_resolve_from_the_root_module(  # type: ignore[no-untyped-def]
    source_file: str, expected: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    """Terraform reads a bare relative path (and `path.root`) from the working folder, the root
    module's, also inside a child module (round 18: `module "lambda" { source = "../modules/lambda" }`
    called from `Project-1/`, whose `archive_file` names `source_file = "user_uploads.py"`); only
    `path.module` names the module's own folder. A path that exists only beside the module (a
    module that is also run as a root) is read from there, as before."""
    (tmp_path / ".git").mkdir()
    live, module = tmp_path / "live", tmp_path / "modules" / "lambda"
    live.mkdir()
    module.mkdir(parents=True)
    (live / "main.tf").write_text('module "lambda" {\n  source = "../modules/lambda"\n  name   = "x"\n}\n')
    handler_module = Path(source_file).stem
    (module / "lambda.tf").write_text(
        terraform_zipped_file("orders", source_file, f"{handler_module}.lambda_handler")
    )
    handler = "def lambda_handler(event, context):\n    return event\n"
    for folder in (live, module):
        (folder / "orders.py").write_text(handler)
    (module / "kept.py").write_text(handler)
    monkeypatch.chdir(tmp_path)
    handlers, _ = _handlers(capsys)
    declared = [item for item in handlers if item["source"] != "heuristic"]
    assert [(item["path"], item["function"], item["source"]) for item in declared] == [
        (expected, "lambda_handler", "modules/lambda/lambda.tf")
    ]


@pytest.mark.parametrize(
    ("module_source", "runtime", "declared"),
    [
        pytest.param("../Modules/lambda", '"python3.12"', True, id="folder-named-in-another-case"),
        pytest.param("../modules/lambda", "var.lambda_runtime", True, id="runtime-from-a-variable"),
        pytest.param("../Modules/Lambda", "var.lambda_runtime", True, id="both"),
        pytest.param("../modules/lambda", '"nodejs20.x"', False, id="another-runtime"),
    ],
)
def test_terraform_written_on_windows_or_macos(  # type: ignore[no-untyped-def]
    module_source: str, runtime: str, declared: bool, tmp_path: Path, monkeypatch, capsys
) -> None:
    """Round 41: `module "lambda" { source = "../Modules/lambda" }` over a folder named
    `modules/lambda` (the repository holds Windows builds of the providers: Terraform ran where
    file names ignore case), and `runtime = var.lambda_runtime`. Both functions were missed, so
    their daily schedule was too, and their handler-shaped drafts counted as handlers. A runtime
    given by a variable counts as Python when the handler names a Python file."""
    (tmp_path / ".git").mkdir()
    live, module = tmp_path / "live", tmp_path / "modules" / "lambda"
    live.mkdir()
    module.mkdir(parents=True)
    (live / "main.tf").write_text(f'module "lambda" {{\n  source = "{module_source}"\n}}\n')
    (module / "lambda.tf").write_text(terraform_zipped_file("orders", "orders.py", "orders.lambda_handler", runtime))
    (live / "orders.py").write_text("def lambda_handler(event, context):\n    return event\n")
    monkeypatch.chdir(tmp_path)
    handlers, _ = _handlers(capsys)
    assert [(item["path"], item["source"]) for item in handlers] == [
        ("live/orders.py", "modules/lambda/lambda.tf" if declared else "heuristic")
    ]


HANDLER = "import json\n\n\ndef handler(event, context):\n    return json.dumps(event)\n"


@pytest.mark.parametrize(
    ("dockerfile", "text", "files", "expected"),
    [
        pytest.param(
            "Dockerfile", "COPY requirements.txt ${LAMBDA_TASK_ROOT}\nCOPY src/lambda_function.py ${LAMBDA_TASK_ROOT}\n"
            'CMD [ "lambda_function.handler" ]\n', ["requirements.txt", "src/lambda_function.py"],
            "src/lambda_function.py", id="a-file-copied-to-the-task-root",
        ),
        pytest.param(
            "src/Dockerfile", 'COPY app/* ${LAMBDA_TASK_ROOT}\nCMD [ "main.handler" ]\n', ["src/app/main.py"],
            "src/app/main.py", id="a-glob",
        ),
        pytest.param(
            "src/query/Dockerfile", 'COPY requirements.txt ./\nCOPY query ./query\nCOPY common ./common\n'
            'CMD ["query.app.handler"]\n', ["src/requirements.txt", "src/query/app.py", "src/common/db.py"],
            "src/query/app.py", id="a-context-above-the-dockerfile",
        ),
        pytest.param(
            "docker/Dockerfile", 'WORKDIR /var/task\nCOPY lambda/src/ ./\nCMD ["collector.handler"]\n',
            ["docker/lambda/src/collector.py"], "docker/lambda/src/collector.py", id="a-folder-after-workdir",
        ),
        pytest.param(
            "Dockerfile", 'COPY --from=build /build/app.py ${LAMBDA_TASK_ROOT}\nCOPY lib/ /opt/lib/\n'
            'CMD ["app.handler"]\n', ["app.py", "lib/app.py"], "app.py", id="other-stages-and-folders-ignored",
        ),
        pytest.param(
            "Dockerfile", 'COPY service/ ${LAMBDA_TASK_ROOT}/\nCOPY tools.py ${LAMBDA_TASK_ROOT}\nCMD ["app.handler"]\n',
            ["app.py", "service/app.py", "tools.py"], "service/app.py", id="the-copied-module-not-the-one-beside",
        ),
    ],
)
def test_a_dockerfiles_handler_is_found_where_its_copy_instructions_take_it_from(  # type: ignore[no-untyped-def]
    dockerfile: str, text: str, files: list[str], expected: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    """Round 26's repositories: a CMD's module copied from `src/`, from a glob, from the folder above
    a Dockerfile kept beside its function (`docker build -f src/query/Dockerfile src`), after a
    WORKDIR: each was "not found" (the Dockerfile's folder and the folders copied to the task root
    were all that was looked in). Another stage's files and other folders of the image are not
    the function's code."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(HANDLER if name == expected else "VALUE = 1\n")  # one handler-shaped file
    (tmp_path / dockerfile).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / dockerfile).write_text("FROM public.ecr.aws/lambda/python:3.12\n" + text)
    rows, err = _handlers(capsys)
    assert [(row["path"], row["function"]) for row in rows] == [(expected, "handler")]
    assert err == ""


def test_a_serverless_functions_module_is_its_code_folder(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """serverless-python-requirements' `module: fingerprint` packages `fingerprint/` at the archive's
    root, where `handler: handler.fingerprint_handler` is named from (round 26: "not found")."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "functions" / "fingerprint").mkdir(parents=True)
    (tmp_path / "functions" / "fingerprint" / "handler.py").write_text(HANDLER.replace("handler(", "fingerprint_handler("))
    (tmp_path / "functions" / "serverless.yml").write_text(
        "service: recoord\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  fingerprint:\n"
        "    module: fingerprint\n    handler: handler.fingerprint_handler\n"
    )
    rows, err = _handlers(capsys)
    assert [(row["path"], row["function"]) for row in rows] == [("functions/fingerprint/handler.py", "fingerprint_handler")]
    assert err == ""

"""FastAPI apps behind Mangum: the adapter Lambda calls runs one of the app's routes per request.

``handler = Mangum(app)`` is what a deployment names (``main.handler``), and none of the routes takes
``(event, context)``: before this, a declared adapter was "no function `handler`" and the heuristic
found no handler (round 34: six of twenty API backends drawn). Source in, findings out, through the
CLI and flake8; and a fix run against stand-in ``fastapi`` and ``mangum`` packages.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import lambda_import_lint.engine.check as engine
from lambda_import_lint.cli import main

from conftest import flake8_codes, probe_before_and_after_fix
from lambda_import_lint.config import Config
from lambda_import_lint.engine.request import Request

API = '''\
import boto3
import requests
from fastapi import FastAPI
from mangum import Mangum

app = FastAPI(title="orders")
TABLE = boto3.resource("dynamodb").Table("orders")


@app.get("/orders")
def list_orders():
    return {"orders": TABLE.scan()["Items"]}


@app.post("/orders/{order_id}/ship")
def ship(order_id: str):
    requests.post("https://carrier.example/ship", json={"id": order_id})
    return {"shipped": order_id}


@app.get("/health")
def health():
    return {"ok": True}


handler = Mangum(app, lifespan="off")
'''

TEMPLATE = '''\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: main.handler
      Runtime: python3.12
      Events:
        Proxy:
          Type: HttpApi
'''


ROUTER = API.replace('@app.post("/orders/{order_id}/ship")', '@router.post("/orders/{order_id}/ship")').replace(
    "from fastapi import FastAPI", "from fastapi import APIRouter, FastAPI"
).replace('app = FastAPI(title="orders")', 'app = FastAPI(title="orders")\nrouter = APIRouter()').replace(
    "handler = Mangum", "app.include_router(router)\nhandler = Mangum"
)
CALLED = API.replace(
    'handler = Mangum(app, lifespan="off")',
    '_adapter = Mangum(app, lifespan="off")\n\n\ndef handler(event, context):\n    return _adapter(event, context)',
)
EVERY = API.replace('return {"orders": TABLE', 'requests.get("https://x")\n    return {"orders": TABLE')
UNUSED = "import pandas\n" + API.replace('requests.post("https://carrier.example/ship", json={"id": order_id})', "pass")


def _check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[list[dict[str, object]], str]:
    main(["check", "--format", "json", "--no-cache", str(path)])
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


def _findings(path: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, int, str]]:
    """(code, line, message) of each finding; flake8's plugin must report the same codes, and no
    declared handler is said to be missing."""
    items, errors = _check(path, capsys)
    assert "has no function" not in errors
    found = [(str(item["code"]), int(str(item["line"])), str(item["message"])) for item in items]
    assert flake8_codes(path) == [code for code, _, _ in found]
    return found


def _project(tmp_path: Path, source: str, template: str | None = TEMPLATE) -> Path:
    """``src/main.py`` holding ``source``, deployed by a SAM template naming ``main.handler`` (none:
    found by the heuristic)."""
    (tmp_path / "pyproject.toml").write_text("[tool.lambda-import-lint]\n")
    if template is not None:
        (tmp_path / "template.yaml").write_text(template)
    path = tmp_path / "src" / "main.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


def _handlers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[list[tuple[str, str]], str]:
    main(["handlers", "--format", "json", str(tmp_path)])
    captured = capsys.readouterr()
    listed = json.loads(captured.out)
    return [(str(item["function"]), Path(str(item["source"])).name) for item in listed], captured.err


@pytest.mark.parametrize("template", [TEMPLATE, None], ids=["declared", "heuristic"])
def test_the_routes_of_the_app_an_adapter_serves_are_handlers(
    template: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, API, template)
    listed, errors = _handlers(tmp_path, capsys)
    source = "template.yaml" if template else "heuristic"
    assert listed == [("list_orders", source), ("ship", source), ("health", source)]
    assert errors == ""


@pytest.mark.parametrize("template", [TEMPLATE, None], ids=["declared", "heuristic"])
def test_an_import_one_route_of_several_uses_is_deferred(
    template: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One request runs one route (the health check is no way of its own): `requests` is paid by
    cold starts that skip `ship`."""
    found = _findings(_project(tmp_path, API, template), capsys)
    assert [(code, line) for code, line, _ in found] == [("LIL001", 2)]
    assert "only used inside `ship`" in found[0][2]


@pytest.mark.parametrize(
    "change",
    [
        # Every route uses it.
        pytest.param(('return {"orders": TABLE', 'requests.get("https://x")\n    return {"orders": TABLE'), id="every-route"),
        # The one route that does work (beside a health check) runs on every request that matters.
        pytest.param(
            ('@app.get("/orders")\ndef list_orders():\n    return {"orders": TABLE.scan()["Items"]}\n', ""),
            id="the-only-real-route",
        ),
        # A route that does no work (a hello-world root, a stub) is no way of its own (round 35).
        pytest.param(
            ('    return {"orders": TABLE.scan()["Items"]}', '    """The root."""\n    return {"Hello": "World"}'),
            id="a-hello-world-route",
        ),
        pytest.param(('    return {"orders": TABLE.scan()["Items"]}', "    pass"), id="a-stub-route"),
        # Middleware runs on every request.
        pytest.param(
            ("\n\nhandler =", '\n\n@app.middleware("http")\nasync def audit(request, call_next):\n'
             '    requests.post("https://audit.example", json={})\n    return await call_next(request)\n\n\nhandler ='),
            id="middleware",
        ),
        # Not FastAPI's app: nothing says what `Mangum` of the project runs.
        pytest.param(("from mangum import Mangum", "from adapters import Mangum"), id="not-mangum"),
    ],
)
def test_an_import_not_proven_skipped_is_not_reported(  # type: ignore[no-untyped-def]
    change: tuple[str, str], tmp_path: Path, capsys
) -> None:
    source = API.replace(*change)
    assert source != API
    if change[1].startswith("\n\n@app.middleware"):
        # Without the change the single real route would be every request's way: keep two.
        source = source.replace('@app.get("/health")', '@app.get("/stats")')
    assert [code for code, _, _ in _findings(_project(tmp_path, source), capsys)] == []


def test_a_router_of_the_module_adds_its_routes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _findings(_project(tmp_path, ROUTER), capsys)
    assert [(code, line) for code, line, _ in found] == [("LIL001", 2)]


@pytest.mark.parametrize("loads_it_too", [False, True], ids=["other-routes-skip-it", "router-module-loads-it"])
def test_routes_included_from_another_module(  # type: ignore[no-untyped-def]
    loads_it_too: bool, tmp_path: Path, capsys
) -> None:
    """The app's other routes are in a router module it imports: requests to them skip `ship`'s
    import, unless that module loads `requests` at module scope itself (then nothing is saved)."""
    source = API.replace("from mangum import Mangum", "from mangum import Mangum\n\nfrom routers import admin")
    source = source.replace("handler = Mangum", "app.include_router(admin.router)\nhandler = Mangum")
    project = _project(tmp_path, source)
    (project.parent / "routers").mkdir()
    (project.parent / "routers" / "__init__.py").write_text("")
    (project.parent / "routers" / "admin.py").write_text(
        ("import requests\n" if loads_it_too else "")
        + "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get('/admin')\ndef admin():\n    return {}\n"
    )
    found = _findings(project, capsys)
    assert [(code, line) for code, line, _ in found] == ([] if loads_it_too else [("LIL001", 2)])


def test_a_function_calling_the_adapter_runs_one_route(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`def handler(event, context): return _adapter(event, context)`: the function is the handler
    (not the routes), and each call of the adapter runs one route."""
    project = _project(tmp_path, CALLED)
    listed, _ = _handlers(tmp_path, capsys)
    assert listed == [("handler", "template.yaml")]
    found = _findings(project, capsys)
    assert [(code, line) for code, line, _ in found] == [("LIL001", 2)]


def test_an_adapter_of_an_app_defined_elsewhere_is_not_a_missing_handler(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`handler = Mangum(app)` with `app` imported: the routes are elsewhere, and nothing is said to
    be missing; a declared name the module does not bind still is."""
    _project(tmp_path, "from mangum import Mangum\n\nfrom api import app\n\nhandler = Mangum(app)\n")
    assert _findings(tmp_path / "src" / "main.py", capsys) == []
    (tmp_path / "template.yaml").write_text(TEMPLATE.replace("main.handler", "main.lambda_handler"))
    _, errors = _check(tmp_path / "src" / "main.py", capsys)
    assert "src/main.py has no function `lambda_handler`" in errors


@pytest.mark.parametrize(
    "source", [API, ROUTER, CALLED, EVERY, UNUSED], ids=["api", "router", "called", "every-route", "unused"]
)
@pytest.mark.parametrize("declared", [(), ("handler",)], ids=["heuristic", "declared"])
def test_the_prescreen_finds_what_the_analysis_finds(source: str, declared: tuple[str, ...]) -> None:
    """The stdlib prescreen's twin of the routes (``registered_functions``) agrees with LibCST's."""
    request = Request("src/main.py", Config(), declared=declared)
    screened = engine.check_source(source.encode(), request)
    full = engine.check_source(source.encode(), request._replace(full=True))
    assert screened.error is None and full.error is None
    expected = {UNUSED: [("LIL002", 1), ("LIL002", 3)], EVERY: []}.get(source, [("LIL001", 2)])  # pandas, requests
    assert [(f.code, f.line) for f in full.findings] == expected
    assert [(f.code, f.line) for f in screened.findings] == [(f.code, f.line) for f in full.findings]


FASTAPI_STAND_IN = '''\
class FastAPI:
    def __init__(self, **options):
        self.routes = {}

    def _route(self, method, path):
        def register(function):
            self.routes[(method, path)] = function
            return function
        return register

    def get(self, path):
        return self._route("GET", path)

    def post(self, path):
        return self._route("POST", path)
'''

MANGUM_STAND_IN = '''\
class Mangum:
    def __init__(self, app, lifespan="auto"):
        self.app = app

    def __call__(self, event, context):
        for (method, pattern), function in self.app.routes.items():
            head, _, tail = pattern.partition("{order_id}")
            path = event["rawPath"]
            if method == event["method"] and path.startswith(head) and path.endswith(tail):
                arguments = [path[len(head):len(path) - len(tail)]] if tail or pattern != head else []
                return {"statusCode": 200, "body": function(*arguments)}
        return {"statusCode": 404}
'''

PROBE = '''\
import json, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + "/src")
import main
loaded = "requests" in sys.modules
results = [main.handler({"method": "GET", "rawPath": path}, None) for path in ("/orders", "/health")]
skipped = "requests" in sys.modules
results.append(main.handler({"method": "POST", "rawPath": "/orders/7/ship"}, None))
print(json.dumps({"loaded_at_import": loaded, "after_other_routes": skipped, "results": results}))
'''


def test_the_fix_leaves_the_import_to_the_route(tmp_path: Path) -> None:
    """After `--fix`, a fresh interpreter imports the module and runs the other routes through the
    adapter without loading `requests`; the route that needs it still works."""
    source = API.replace("import boto3\n", "").replace('TABLE = boto3.resource("dynamodb").Table("orders")', "TABLE = {}")
    source = source.replace('TABLE.scan()["Items"]', "list(TABLE)")
    path = _project(tmp_path, source)
    for name, text in (("fastapi", FASTAPI_STAND_IN), ("mangum", MANGUM_STAND_IN)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(text)
    (tmp_path / "requests").mkdir()
    (tmp_path / "requests" / "__init__.py").write_text("def post(url, json):\n    return json\n")

    before, after = probe_before_and_after_fix(tmp_path, PROBE, path)
    assert before["loaded_at_import"] is True
    assert before["results"][-1] == {"statusCode": 200, "body": {"shipped": "7"}}  # type: ignore[index]
    assert after == {**before, "loaded_at_import": False, "after_other_routes": False}

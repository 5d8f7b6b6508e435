"""Chalice apps: the functions an app or a blueprint registers are what Lambda calls.

``app = Chalice(...)`` deploys one function for the REST API, which runs one route per request,
and one per other registered function (a schedule, a bucket's events, an authorizer…). None of them
takes ``(event, context)``, so before this the heuristic found no handler in a Chalice app (round
32: a third of the repositories drawn). Source in, findings out, through the CLI and flake8; and a
fix run against a stand-in ``chalice`` package.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from lambda_import_lint.cli import main

from conftest import flake8_codes, probe_before_and_after_fix

SHOP = '''\
import boto3
import requests
from chalice import Chalice

app = Chalice(app_name="shop")
TABLE = boto3.resource("dynamodb").Table("orders")


@app.route("/orders", methods=["GET"])
def list_orders():
    return {"orders": TABLE.scan()["Items"]}


@app.route("/orders/{order_id}/ship", methods=["POST"])
def ship(order_id):
    requests.post("https://carrier.example/ship", json={"id": order_id})
    return {"shipped": order_id}


@app.route("/health")
def health():
    return {"ok": True}


@app.schedule("rate(1 day)")
def nightly(event):
    return TABLE.scan()["Count"]
'''


def _check(path: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> list[dict[str, object]]:
    main(["check", "--format", "json", "--no-cache", *flags, str(path)])
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def _findings(path: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, int, str]]:
    """(code, line, message) of each finding; flake8's plugin must report the same codes."""
    found = [(str(item["code"]), int(str(item["line"])), str(item["message"])) for item in _check(path, capsys)]
    assert flake8_codes(path) == [code for code, _, _ in found]
    return found


def _project(tmp_path: Path, source: str, name: str = "app.py") -> Path:
    (tmp_path / ".chalice").mkdir(exist_ok=True)
    (tmp_path / ".chalice" / "config.json").write_text('{"version": "2.0", "app_name": "shop"}\n')
    (tmp_path / "pyproject.toml").write_text("[tool.lambda-import-lint]\n")
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


def test_the_routes_and_functions_an_app_registers_are_handlers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path, SHOP)
    monkeypatch.chdir(tmp_path)
    main(["handlers", "--format", "json", "."])
    listed = json.loads(capsys.readouterr().out)
    assert sorted(str(item["function"]) for item in listed) == ["health", "list_orders", "nightly", "ship"]


def test_an_import_one_route_of_several_uses_is_deferred(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The REST API's function runs one route per request (the health check is no way of its own),
    and the schedule is a function of its own: `requests` is paid by cold starts that skip it."""
    found = _findings(_project(tmp_path, SHOP), capsys)
    assert [(code, line) for code, line, _ in found] == [("LIL001", 2)]
    assert "only used inside `ship`" in found[0][2]


@pytest.mark.parametrize(
    "change",
    [
        # Every route uses it: every request of the API needs it, whatever the schedule does.
        pytest.param(('return {"orders": TABLE', 'requests.get("https://x")\n    return {"orders": TABLE'), id="every-route"),
        # The one route that does work (beside a health check) runs on every request of the API.
        pytest.param(
            ('@app.route("/orders", methods=["GET"])\ndef list_orders():\n    return {"orders": TABLE.scan()["Items"]}\n', ""),
            id="the-only-real-route",
        ),
    ],
)
def test_an_import_every_request_needs_is_not_reported(  # type: ignore[no-untyped-def]
    change: tuple[str, str], tmp_path: Path, capsys
) -> None:
    source = SHOP.replace(*change)
    assert source != SHOP
    assert _findings(_project(tmp_path, source), capsys) == []


def test_an_import_only_the_schedule_uses_is_deferred(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = SHOP.replace(
        '    requests.post("https://carrier.example/ship", json={"id": order_id})\n', ""
    ).replace('    return TABLE.scan()["Count"]', '    return requests.get("https://feed.example").status_code')
    found = _findings(_project(tmp_path, source), capsys)
    assert [(code, line) for code, line, _ in found] == [("LIL001", 2)]
    assert "only used inside `nightly`" in found[0][2]


def test_a_module_import_of_chalice_and_a_blueprint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = '''\
    import chalice
    import requests

    bp = chalice.Blueprint(__name__)


    @bp.route("/a")
    def a():
        return requests.get("https://a.example").json()


    @bp.route("/b")
    def b():
        return {"b": bp.current_request.query_params}
    '''
    found = _findings(_project(tmp_path, source, "chalicelib/routes.py"), capsys)
    assert [(code, line) for code, line, _ in found] == [("LIL001", 2)]


def test_a_class_named_chalice_of_the_project_registers_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = SHOP.replace("from chalice import Chalice", "from framework import Chalice")
    assert _findings(_project(tmp_path, source), capsys) == []


CLIENTS = '''\
import boto3
from chalice import Chalice

app = Chalice(app_name="files")


def _bucket():
    return boto3.resource("s3").Bucket("files")


@app.route("/files")
def list_files():
    return [item.key for item in _bucket().objects.all()]


@app.route("/files/{key}", methods=["DELETE"])
def delete(key):
    _bucket().Object(key).delete()
    return {"deleted": key}
'''


def test_a_client_every_registered_function_builds_per_invocation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = _findings(_project(tmp_path, CLIENTS), capsys)
    assert [(code, line) for code, line, _ in found] == [("LIL101", 8)]


def test_a_client_one_route_builds_is_a_trade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """At module scope it would be built in the INIT of every function the app deploys and for
    every route's requests: not a proven gain (as for a Powertools resolver's routes)."""
    source = CLIENTS.replace("_bucket().Object(key).delete()", "boto3.client(\"sqs\").send_message(QueueUrl=\"q\", MessageBody=key)")
    source = source.replace("item.key for item in _bucket().objects.all()", "key for key in ()")
    assert _findings(_project(tmp_path, source), capsys) == []


def test_a_local_module_only_the_schedule_uses_is_a_chain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = SHOP.replace("from chalice import Chalice", "from chalice import Chalice\n\nfrom chalicelib import reports")
    source = source.replace('    return TABLE.scan()["Count"]', "    return reports.build()")
    app = _project(tmp_path, source)
    (tmp_path / "chalicelib" / "__init__.py").parent.mkdir()
    (tmp_path / "chalicelib" / "__init__.py").write_text("")
    (tmp_path / "chalicelib" / "reports.py").write_text("import pandas as pd\n\n\ndef build():\n    return pd.DataFrame()\n")
    found = _findings(app, capsys)
    assert [(code, line) for code, line, _ in found] == [("LIL001", 2), ("LIL004", 5)]
    assert "chalicelib/reports.py:1" in found[1][2]


STAND_IN = '''\
class Chalice:
    def __init__(self, app_name):
        self.routes = {}

    def route(self, path, **options):
        def register(function):
            self.routes[path] = function
            return function
        return register

    def schedule(self, expression):
        return lambda function: function
'''

PROBE = '''\
import json, sys
sys.path.insert(0, sys.argv[1])
import app
loaded = "requests" in sys.modules
results = [app.list_orders(), app.health(), app.nightly({})]
skipped = "requests" in sys.modules
results.append(app.ship("7"))
print(json.dumps({"loaded_at_import": loaded, "after_other_routes": skipped, "results": results}))
'''


def test_the_fix_leaves_the_import_to_the_route(tmp_path: Path) -> None:
    """After `--fix`, a fresh interpreter imports the app and runs the other routes and the
    schedule without loading `requests`; the route that needs it still works."""
    source = SHOP.replace("import boto3\n", "").replace('TABLE = boto3.resource("dynamodb").Table("orders")', "TABLE = {}")
    source = source.replace('TABLE.scan()["Items"]', "list(TABLE)").replace('TABLE.scan()["Count"]', "len(TABLE)")
    app = _project(tmp_path, source)
    (tmp_path / "chalice").mkdir()
    (tmp_path / "chalice" / "__init__.py").write_text(STAND_IN)
    (tmp_path / "requests").mkdir()
    (tmp_path / "requests" / "__init__.py").write_text("def post(url, json):\n    return json\n")

    before, after = probe_before_and_after_fix(tmp_path, PROBE, app)
    assert before["loaded_at_import"] is True
    assert after == {**before, "loaded_at_import": False, "after_other_routes": False}

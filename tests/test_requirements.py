"""What a function installs decides what an import costs: PyJWT imports `cryptography` only when it
is installed (round 41's blind review: two LIL004 chains through PyJWT 1.7.1 pinned without
`cryptography`, ~4 ms beside the boto3 the app keeps, not ~120 ms; rounds 20 and 32 likewise).
The function's `requirements.txt` is read (never executed); source in, findings out, through the
command line and the flake8 plugin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lambda_import_lint.analysis.requirements import packages_left_out
from lambda_import_lint.catalogue import load_catalogue
from lambda_import_lint.cli import main

# A token endpoint beside a read that every other invocation makes: boto3 stays at module scope
# (the table is built there), PyJWT is used on one route only.
TOKEN_ROUTE = """
import json
import os

import boto3
import jwt

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def handler(event, context):
    if event["path"] == "/token":
        claims = {"sub": event["requestContext"]["authorizer"]["principalId"]}
        return {"statusCode": 200, "body": jwt.encode(claims, os.environ["SECRET"], algorithm="HS256")}
    item = TABLE.get_item(Key={"id": event["pathParameters"]["id"]})["Item"]
    return {"statusCode": 200, "body": json.dumps(item)}
"""

# The same without boto3: nothing else loads the network stack PyJWT imports.
TOKEN_ONLY = """
import json
import os

import jwt


def handler(event, context):
    if event["path"] == "/token":
        claims = {"sub": event["requestContext"]["authorizer"]["principalId"]}
        return {"statusCode": 200, "body": jwt.encode(claims, os.environ["SECRET"], algorithm="HS256")}
    total = sum(item["price"] * item["count"] for item in json.loads(event["body"])["items"])
    return {"statusCode": 200, "body": json.dumps({"total": total})}
"""

# LIL004: the handler keeps boto3 and imports a local module that imports PyJWT at module scope.
CHAIN_APP = """
import json
import os

import boto3

import tokens

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def handler(event, context):
    if event["path"] == "/login":
        user = TABLE.get_item(Key={"id": json.loads(event["body"])["user"]})["Item"]
        return {"statusCode": 200, "body": tokens.issue(user["id"])}
    item = TABLE.get_item(Key={"id": event["pathParameters"]["id"]})["Item"]
    return {"statusCode": 200, "body": json.dumps(item)}
"""

CHAIN_TOKENS = """
import os

import jwt


def issue(subject):
    return jwt.encode({"sub": subject}, os.environ["SECRET"], algorithm="HS256")
"""


def _project(tmp_path: Path, source: str, requirements: str | None, **files: str) -> Path:
    (tmp_path / ".git").mkdir()
    app = tmp_path / "app.py"
    app.write_text(textwrap.dedent(source))
    if requirements is not None:
        (tmp_path / "requirements.txt").write_text(requirements)
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return app


def _check(path: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> list[dict[str, object]]:
    main(["check", "--format", "json", *flags, str(path)])
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def _flake8(path: Path) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LIL", str(path)], capture_output=True, text=True, cwd=path.parent,
    )
    return [line.split(": ", 1)[1] for line in completed.stdout.splitlines()]


def _messages(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """`CODE message` of each finding, from the command line; the flake8 plugin must agree."""
    found = [f"{item['code']} {item['message']}" for item in _check(path, capsys, "--no-cache")]
    assert _flake8(path) == found
    return found


@pytest.mark.parametrize(
    "requirements",
    [
        "boto3\nPyJWT==2.8.0\n",
        "boto3==1.34.0  # the SDK\npyjwt>=2\n",
        "boto3\npyjwt\nbcrypt\n",  # round 43 #1, #2: bcrypt installs nothing else
        "",
    ],
)
def test_pyjwt_without_cryptography_beside_a_staying_boto3_saves_nothing_worth_a_move(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], requirements: str
) -> None:
    """boto3 loads the standard library's network stack PyJWT imports (`urllib.request`): without
    `cryptography`, deferring `jwt` beside it saves ~10 ms (7 ms measured), under what is worth a
    change. An empty requirements file installs nothing."""
    app = _project(tmp_path, TOKEN_ROUTE, requirements)
    assert _messages(app, capsys) == []


@pytest.mark.parametrize(
    "requirements",
    [
        "boto3\nPyJWT[crypto]==2.8.0\n",  # the extra installs cryptography
        "boto3\npyjwt\ncryptography==42.0.0\n",
        "boto3\npyjwt\ngoogle-auth\n",  # installs cryptography
        "boto3\npyjwt\nsome-package-nobody-knows\n",  # may install anything
        "-e ./vendor/tokens\npyjwt\n",  # an editable install: anything
        "pyjwt @ https://example.com/pyjwt.whl\n",
        "-r missing.txt\n",
        None,  # no requirements file: nothing is proven
    ],
)
def test_pyjwt_that_may_load_cryptography_still_costs_what_cryptography_adds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], requirements: str | None
) -> None:
    costs = load_catalogue().costs_ms
    saving = costs["jwt"] - costs["urllib.request"]
    app = _project(tmp_path, TOKEN_ROUTE, requirements)
    found = _messages(app, capsys)
    assert len(found) == 1 and found[0].startswith(
        f"LIL001 `jwt` (~{saving} ms beyond what stays loaded, reference estimate)"
    ), found


def test_pyjwt_without_cryptography_and_without_boto3_costs_its_own_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Alone, PyJWT still imports `urllib.request` and `http.client` (~85 ms measured): reported,
    priced without `cryptography`."""
    without = load_catalogue().without["jwt"]["cryptography"]
    app = _project(tmp_path, TOKEN_ONLY, "PyJWT==2.8.0\n")
    found = _messages(app, capsys)
    assert len(found) == 1 and found[0].startswith(f"LIL001 `jwt` (~{without} ms, reference estimate)"), found
    (tmp_path / "requirements.txt").write_text("PyJWT[crypto]==2.8.0\n")
    found = _messages(app, capsys)
    assert found[0].startswith(f"LIL001 `jwt` (~{load_catalogue().costs_ms['jwt']} ms, reference estimate)"), found


def test_a_chain_to_pyjwt_without_cryptography_beside_a_staying_boto3_is_not_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Round 41 #2 and #19 (both reviewers "no"): `app → chalicelib.auth → jwt` with PyJWT 1.7.1
    pinned and no `cryptography`, in an app that keeps boto3."""
    app = _project(tmp_path, CHAIN_APP, "boto3==1.14.18\nbotocore==1.17.18\nPyJWT==1.7.1\n", **{"tokens.py": CHAIN_TOKENS})
    assert _messages(app, capsys) == []
    (tmp_path / "requirements.txt").write_text("boto3==1.14.18\nbotocore==1.17.18\nPyJWT[crypto]==2.8.0\n")
    found = _messages(app, capsys)
    assert [message.split(" ", 1)[0] for message in found] == ["LIL004"], found
    assert "`tokens` makes every cold start import `jwt`" in found[0]


def test_a_function_with_a_layer_may_install_cryptography_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Round 39 #12 (both "yes"): the Klayers cryptography layer gives PyJWT its `cryptography`,
    whatever `requirements.txt` says: a declared layer proves nothing absent."""
    app = _project(tmp_path, TOKEN_ROUTE, "boto3\npyjwt\n")
    (tmp_path / "template.yaml").write_text(textwrap.dedent("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Tokens:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: .
              Handler: app.handler
              Runtime: python3.12
              Layers:
                - arn:aws:lambda:eu-west-1:770693421928:layer:Klayers-p312-cryptography:3
              Events:
                Api:
                  Type: Api
                  Properties: {Path: /token, Method: get}
    """))
    assert [message.split(" ", 1)[0] for message in _messages(app, capsys)] == ["LIL001"]


def test_a_container_image_may_install_what_its_requirements_do_not_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = _project(tmp_path, TOKEN_ROUTE, "boto3\npyjwt\n")
    (tmp_path / "Dockerfile").write_text(
        "FROM public.ecr.aws/lambda/python:3.12\n"
        "COPY requirements.txt ${LAMBDA_TASK_ROOT}\n"
        "RUN pip install -r requirements.txt cryptography\n"
        "COPY app.py ${LAMBDA_TASK_ROOT}\n"
        'CMD ["app.handler"]\n'
    )
    assert [message.split(" ", 1)[0] for message in _messages(app, capsys)] == ["LIL001"]


def test_a_changed_requirements_file_changes_the_cached_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The result cache records the requirements file (and the files looked for on the way up):
    never stale."""
    app = _project(tmp_path, TOKEN_ROUTE, "boto3\nPyJWT==2.8.0\n")
    cache = ["--config", str(_config(tmp_path))]
    assert _check(app, capsys, *cache) == []
    (tmp_path / "requirements.txt").write_text("boto3\nPyJWT[crypto]==2.8.0\n")
    assert [item["code"] for item in _check(app, capsys, *cache)] == ["LIL001"]
    (tmp_path / "requirements.txt").unlink()
    (tmp_path / "Pipfile").write_text("[packages]\npyjwt = '*'\n")
    assert [item["code"] for item in _check(app, capsys, *cache)] == ["LIL001"]


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "pyproject.toml"
    config.write_text(f'[tool.lambda-import-lint]\ncache-dir = "{(tmp_path / "cache").as_posix()}"\n')
    return config


# --------------------------------------------------------------------------- reading the file


def _left_out(tmp_path: Path, requirements: dict[str, str], module: str = "app.py") -> frozenset[str]:
    for name, text in requirements.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / module).write_text("")
    return packages_left_out(str(tmp_path / module), tmp_path)


@pytest.mark.parametrize(
    ("files", "module", "left_out"),
    [
        ({"requirements.txt": "requests==2.31.0 \\\n    --hash=sha256:abc\npyjwt\n"}, "app.py", True),
        ({"requirements.txt": "-r base.txt\n", "base.txt": "pyjwt\n"}, "app.py", True),
        ({"requirements.txt": "-r base.txt\n", "base.txt": "pyjwt[crypto]\n"}, "app.py", False),
        ({"requirements.txt": "--index-url https://pypi.org/simple\nPyJWT ; python_version >= '3.8'\n"}, "app.py", True),
        # the nearest file wins: the function's own folder, then the service's
        ({"requirements.txt": "cryptography\n", "fn/requirements.txt": "pyjwt\n"}, "fn/app.py", True),
        ({"requirements.txt": "pyjwt\n", "fn/requirements.txt": "cryptography\n"}, "fn/app.py", False),
        ({"requirements.txt": "pyjwt\n"}, "fn/deep/app.py", True),
        # another way of declaring dependencies on the way up: not proven
        ({"requirements.txt": "pyjwt\n", "fn/Pipfile": "[packages]\n"}, "fn/app.py", False),
        ({"requirements.txt": "pyjwt\n", "fn/pyproject.toml": "[project]\ndependencies = ['x']\n"}, "fn/app.py", False),
        ({"requirements.txt": "pyjwt\n", "fn/pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, "fn/app.py", True),
        ({"requirements.txt": "pyjwt\n", "pyproject.toml": "[tool.poetry.dependencies]\npython = '^3.12'\n"}, "app.py", False),
        ({"requirements.txt": "pyjwt\n", "setup.py": ""}, "app.py", False),
        ({"requirements.txt": "this is not a requirement\n"}, "app.py", False),
        ({"requirements.txt": "./wheels/pyjwt.whl\n"}, "app.py", False),
        ({"requirements.txt": b"\xff\xfe\x00".decode("latin-1")}, "app.py", False),
    ],
)
def test_which_requirements_prove_cryptography_absent(
    tmp_path: Path, files: dict[str, str], module: str, left_out: bool
) -> None:
    assert _left_out(tmp_path, files, module) == (frozenset({"cryptography"}) if left_out else frozenset())


def test_an_include_outside_the_project_or_through_a_symlink_proves_nothing(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "base.txt").write_text("pyjwt\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("")
    (project / "requirements.txt").write_text("-r ../outside/base.txt\n")
    assert packages_left_out(str(project / "app.py"), project) == frozenset()
    (project / "requirements.txt").unlink()
    os.symlink(outside / "base.txt", project / "requirements.txt")
    assert packages_left_out(str(project / "app.py"), project) == frozenset()


def test_the_distributions_known_to_leave_cryptography_out_do_not_name_it() -> None:
    known = load_catalogue().installs_no_optional
    assert "pyjwt" in known and "boto3" in known
    assert not known & {
        "cryptography", "google-auth", "firebase-admin", "moto", "pyopenssl", "paramiko", "msal", "mcp", "supabase",
        "sendgrid",
    }

"""What reaches a module-scope name through the module object, from other files of the project or
from the module itself: the facts that make a LIL001 move unsafe (``analysis/external_references``)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lambda_import_lint.analysis.external_references import (
    module_names,
    new_run,
    outside_references,
    self_references,
)
from lambda_import_lint.cli import main

from conftest import make_config

HANDLER = """\
import requests


def lambda_handler(event, context):
    if event["queryStringParameters"].get("notify"):
        return requests.post(event["url"]).status_code
    return None
"""


@pytest.fixture(autouse=True)
def fresh_run() -> None:
    new_run()  # every test writes new files: nothing read by an earlier test may be served


def references(tmp_path: Path, other: str, other_path: str = "tests/test_app.py", module: str = "app.py") -> list[str]:
    handler = tmp_path / module
    handler.parent.mkdir(parents=True, exist_ok=True)
    handler.write_text(HANDLER)
    for init in Path(module).parents:
        if str(init) != "." and init.name != "src":
            (tmp_path / init / "__init__.py").write_text("")
    test = tmp_path / other_path
    test.parent.mkdir(parents=True, exist_ok=True)
    test.write_text(textwrap.dedent(other))
    found = outside_references(str(handler), {0: "requests"}, make_config(root=tmp_path))
    return [f"{reference.where()} {reference.what}" for reference in found.get(0, ())]


REFERRING = [
    pytest.param('from unittest import mock\n@mock.patch("app.requests")\ndef test(): pass\n', "2 patches", id="mock-patch-decorator"),
    pytest.param('from unittest.mock import patch\nwith patch("app.requests.post"): pass\n', "2 patches", id="patch-attribute-of-it"),
    pytest.param('def test(monkeypatch):\n    monkeypatch.setattr("app.requests", None)\n', "2 patches", id="monkeypatch-string"),
    pytest.param('import app\ndef test(monkeypatch):\n    monkeypatch.setattr(app, "requests", None)\n', "3 reaches", id="monkeypatch-object"),
    pytest.param('from unittest import mock\nimport app\nmock.patch.object(app, "requests")\n', "3 reaches", id="patch-object"),
    pytest.param("import app\nassert app.requests\n", "2 reads", id="attribute"),
    pytest.param("import app as handler\nassert handler.requests.post\n", "2 reads", id="aliased-module"),
    pytest.param("from app import requests\n", "1 imports", id="from-import"),
    pytest.param("from app import (\n    lambda_handler,\n    requests,\n)\n", "1 imports", id="from-import-parenthesized"),
]


@pytest.mark.parametrize(("other", "expected"), REFERRING)
def test_references_from_a_test_file(tmp_path: Path, other: str, expected: str) -> None:
    line, what = expected.split()
    [found] = references(tmp_path, other)
    assert found.startswith(f"tests{os.sep}test_app.py:{line} {what} ")


NOT_REFERRING = [
    pytest.param('import requests\nrequests.post("https://example.com")\n', id="the-library-itself"),
    pytest.param('from unittest import mock\n@mock.patch("other.requests")\ndef test(): pass\n', id="another-module"),
    pytest.param('import app\nassert app.lambda_handler\n', id="another-name"),
    pytest.param('text = "app.requests_total"\n', id="longer-name"),
    pytest.param('from app import lambda_handler\nimport requests\n', id="imports-something-else"),
    pytest.param('import app\nx = getattr(other, "requests")\n', id="getattr-on-another-object"),
]


@pytest.mark.parametrize("other", NOT_REFERRING)
def test_no_reference(tmp_path: Path, other: str) -> None:
    assert references(tmp_path, other) == []


def test_package_module_by_every_name_it_has(tmp_path: Path) -> None:
    other = 'from unittest import mock\nmock.patch("pkg.app.requests")\nfrom .app import requests\n'
    found = references(tmp_path, other, other_path="pkg/test_here.py", module="pkg/app.py")
    assert found == [
        f"pkg{os.sep}test_here.py:2 patches or names `pkg.app.requests`",
        f"pkg{os.sep}test_here.py:3 imports `requests` from `app`",
    ]


def test_module_names(tmp_path: Path) -> None:
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    module = tmp_path / "src" / "pkg" / "app.py"
    module.write_text("")
    assert module_names(str(module), str(tmp_path)) == ("app", "pkg.app", "src.pkg.app")
    init = tmp_path / "src" / "pkg" / "__init__.py"
    init.write_text("")
    assert module_names(str(init), str(tmp_path)) == ("pkg", "src.pkg")


def test_a_file_that_is_not_on_disk_has_no_outside_references(tmp_path: Path) -> None:
    assert outside_references(str(tmp_path / "missing.py"), {0: "requests"}, make_config(root=tmp_path)) == {}
    assert outside_references("-", {0: "requests"}, make_config(root=tmp_path)) == {}


SELF = [
    pytest.param("import sys\nthis = sys.modules[__name__]\n", "2 reads `sys.modules[__name__]`", id="sys-modules"),
    pytest.param("def __getattr__(name):\n    return None\n", "1 defines a module `__getattr__`", id="module-getattr"),
    pytest.param("import importlib\ndef f():\n    return importlib.import_module('app')\n", "3 imports itself with `importlib.import_module`", id="import-module"),
    pytest.param("def f():\n    return __import__('app')\n", "2 imports itself with `__import__`", id="dunder-import"),
]


@pytest.mark.parametrize(("source", "expected"), SELF)
def test_self_references(tmp_path: Path, source: str, expected: str) -> None:
    module = tmp_path / "app.py"
    module.write_text(source)
    [found] = self_references(ast.parse(source), str(module), make_config(root=tmp_path))
    assert f"{found.line} {found.what}" == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("import sys\nother = sys.modules['json']\n", id="another-module-in-sys-modules"),
        pytest.param("class A:\n    def __getattr__(self, name):\n        return None\n", id="method-getattr"),
        pytest.param("import importlib\nimportlib.import_module('json')\n", id="imports-another-module"),
    ],
)
def test_no_self_reference(tmp_path: Path, source: str) -> None:
    module = tmp_path / "app.py"
    module.write_text(source)
    assert self_references(ast.parse(source), str(module), make_config(root=tmp_path)) == ()


def test_the_finding_and_the_fix_say_who_refers_to_the_name(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app.py").write_text(HANDLER)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text('from unittest import mock\n\n\n@mock.patch("app.requests")\ndef test(fake): pass\n')
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "json", "app.py"]) == 1
    import json

    [item] = json.loads(capsys.readouterr().out)
    where = f"tests{os.sep}test_app.py:4 patches or names `app.requests`"
    title = f"Move `import requests` into the block of `lambda_handler` that uses it (unsafe: {where})"
    assert {key: item["fix"][key] for key in ("safety", "title")} == {"safety": "unsafe", "title": title}
    assert item["fix"]["edits"]  # a script can apply it all the same
    assert item["message"].endswith(f"moving it is unsafe: {where}")
    assert main(["check", "--fix", "app.py"]) == 1  # the finding stays: its fix is unsafe
    assert (tmp_path / "app.py").read_text() == HANDLER


def test_a_self_reference_makes_the_move_unsafe(tmp_path: Path) -> None:
    from lambda_import_lint.api import check_source

    module = tmp_path / "app.py"
    source = HANDLER + "\n\ndef __getattr__(name):\n    raise AttributeError(name)\n"
    module.write_text(source)
    [finding] = check_source(source, str(module), make_config(root=tmp_path)).findings
    assert finding.fix is not None and finding.fix.safety == "unsafe"
    assert finding.fix.title.endswith("(unsafe: app.py:10 defines a module `__getattr__`)")


def test_the_cached_result_is_not_served_once_a_test_starts_patching(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app.py").write_text(HANDLER)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAMBDA_IMPORT_LINT_CACHE_DIR", str(tmp_path / "cache"))
    main(["check", "app.py"])
    assert "(1 fixable with `--fix`)" in capsys.readouterr().err
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text('import app\nassert app.requests\n')
    main(["check", "app.py"])
    assert "(1 more with `--unsafe-fixes`)" in capsys.readouterr().err


STAND_IN_REQUESTS = """\
class Response:
    status_code = 200


def post(url):
    return Response()
"""

PROJECT_TESTS = """\
from unittest import mock

import app
from app import requests


@mock.patch("app.requests")
def test_notify_patched(fake):
    fake.post.return_value.status_code = 201
    assert app.lambda_handler({"queryStringParameters": {"notify": True}, "url": "https://example.com"}, None) == 201


def test_reexported_name():
    assert requests.post("https://example.com").status_code == 200


def test_quiet():
    assert app.lambda_handler({"queryStringParameters": {}}, None) is None
"""


def _project_suite(project: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(project), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_projects_own_tests_still_pass_after_fix(tmp_path: Path) -> None:
    """A project whose suite patches ``app.requests`` and imports it from ``app``: ``check --fix``
    must not break it (the move is unsafe, so only --unsafe-fixes would make it)."""
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.lambda-import-lint]\n")
    (project / "app.py").write_text(HANDLER)
    (project / "requests.py").write_text(STAND_IN_REQUESTS)  # no network, no real requests needed
    (project / "tests" / "test_app.py").write_text(PROJECT_TESTS)
    before = _project_suite(project)
    assert before.returncode == 0, before.stdout + before.stderr
    checked = subprocess.run(
        [sys.executable, "-m", "lambda_import_lint", "check", "--fix", "--no-cache", "app.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 1, checked.stderr
    assert "1 more with `--unsafe-fixes`" in checked.stderr and "Rewriting" not in checked.stderr
    after = _project_suite(project)
    assert after.returncode == 0, after.stdout + after.stderr
    # The same project with --unsafe-fixes moves the import, and its suite fails as predicted:
    # this is what the unsafe label protects against (and proves the suite can fail).
    subprocess.run(
        [sys.executable, "-m", "lambda_import_lint", "check", "--fix", "--unsafe-fixes", "--no-cache", "app.py"],
        cwd=project,
        capture_output=True,
        timeout=120,
    )
    assert "    import requests" in (project / "app.py").read_text()
    broken = _project_suite(project)
    assert broken.returncode != 0 and "cannot import name 'requests'" in broken.stdout


def test_a_safe_and_an_unsafe_name_of_one_statement_move_as_one_with_unsafe_fixes(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text("")
    source = (
        "from pandas import DataFrame, Series\n\n\ndef lambda_handler(event, context):\n"
        "    if event['queryStringParameters'].get('csv'):\n        return Series(DataFrame(event['rows']))\n    return None\n"
    )
    (tmp_path / "app.py").write_text(source)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text("from app import Series\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "app.py"]) == 1
    out, err = capsys.readouterr()
    assert out.count(" LIL001 ") == 2 and "tests/test_app.py:1 imports `Series` from `app`" in out.replace(os.sep, "/")
    assert "Found 2 findings (1 fixable with `--fix`, 1 more with `--unsafe-fixes`)." in err
    assert main(["check", "--no-cache", "--fix", "--unsafe-fixes", "app.py"]) == 1
    assert (tmp_path / "app.py").read_text() == (
        "def lambda_handler(event, context):\n"
        "    if event['queryStringParameters'].get('csv'):\n        from pandas import DataFrame, Series\n        return Series(DataFrame(event['rows']))\n"
        "    return None\n"
    )


def test_a_project_without_configuration_is_searched_not_the_working_folder(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # No pyproject.toml or .git anywhere: the checked folder is the project (as for deployment
    # files), however much the working folder above it holds.
    project = tmp_path / "downloads" / "proj"
    (project / "tests").mkdir(parents=True)
    (project / "app.py").write_text(HANDLER)
    (project / "tests" / "test_app.py").write_text('from unittest import mock\n\n\n@mock.patch("app.requests")\ndef test(fake): pass\n')
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "test_other.py").write_text("import app\nassert app.requests\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "--format", "json", os.path.join("downloads", "proj")]) == 1
    import json

    [item] = json.loads(capsys.readouterr().out)
    assert item["message"].endswith("moving it is unsafe: downloads/proj/tests/test_app.py:4 patches or names `app.requests`".replace("/", os.sep))

"""A moved import lands on the code path that needs it: after `--fix`, a cold start whose event
does not take that path does not load the module, and an event that takes it gets the same result
as before. Each case runs in a fresh interpreter against a stand-in `pandas` that only records
that it was imported."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lambda_import_lint.cli import main

STAND_IN = "def frame(rows):\n    return {'rows': list(rows)}\n"

PROBE = '''\
import json, sys
sys.path.insert(0, sys.argv[1])
import app
handler = getattr(app, sys.argv[2])
skipping = handler(json.loads(sys.argv[3]), None)
loaded_after_skipping = "pandas" in sys.modules
taking = handler(json.loads(sys.argv[4]), None)
print(json.dumps({"loaded": loaded_after_skipping, "skipping": skipping, "taking": taking}))
'''

CASES = [
    pytest.param(
        """
        import pandas as pd


        def handler(event, context):
            if event.get("csv"):
                return pd.frame(event["rows"])
            return None
        """,
        "        import pandas as pd\n        return pd.frame",
        {"rows": [1]}, {"csv": True, "rows": [1]},
        id="branch",
    ),
    pytest.param(
        """
        import pandas as pd


        def handler(event, context):
            kind = event.get("kind")
            if kind == "a":
                return pd.frame([1])
            elif kind == "b":
                return pd.frame([2])
            elif kind == "c":
                return [3]
            else:
                return None
        """,
        "    elif kind == \"b\":\n        import pandas as pd\n",
        {"kind": "c"}, {"kind": "b"},
        id="elif-and-if-each-get-the-import",
    ),
    pytest.param(
        """
        import pandas as pd


        def handler(event, context):
            if event.get("plain"):
                return None
            else:
                return pd.frame(event["rows"])
        """,
        "    else:\n        import pandas as pd\n",
        {"plain": True}, {"rows": [3]},
        id="else",
    ),
    pytest.param(
        """
        import pandas as pd


        def handler(event, context):
            try:
                return int(event["n"])
            except KeyError:
                return pd.frame([])
        """,
        "    except KeyError:\n        import pandas as pd\n",
        {"n": "4"}, {},
        id="except",
    ),
    pytest.param(
        """
        import pandas as pd


        def handler(event, context):
            out = []
            for row in event.get("rows", []):
                out.append(pd.frame(row))
            return out
        """,
        "    for row in event.get(\"rows\", []):\n        import pandas as pd\n",
        {}, {"rows": [[1], [2]]},
        id="loop-over-optional-field",
    ),
    pytest.param(
        """
        import pandas as pd


        def handler(event, context):
            match event.get("kind"):
                case "frame":
                    return pd.frame([5])
                case _:
                    return None
        """,
        "        case \"frame\":\n            import pandas as pd\n",
        {"kind": "other"}, {"kind": "frame"},
        id="match-case",
    ),
    pytest.param(
        """
        import pandas as pd


        def handler(event, context):
            if event.get("export"):
                return export(event["rows"])
            return None


        def export(rows):
            return pd.frame(rows)
        """,
        "def export(rows):\n    import pandas as pd\n",
        {}, {"export": True, "rows": [6]},
        id="helper-called-on-a-branch",
    ),
    pytest.param(
        """
        import pandas as pd


        def report(event, context):
            return pd.frame(event["rows"])


        def handler(event, context):
            return {"ok": True}
        """,
        "def report(event, context):\n    import pandas as pd\n",
        {"rows": [7]}, {"rows": [7]},
        id="several-handlers-one-needs-it",
    ),
]


def _run(folder: Path, handler: str, skip: dict[str, object], take: dict[str, object]) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder), handler, json.dumps(skip), json.dumps(take)],
        capture_output=True, text=True, check=True, cwd=folder,
    )
    return json.loads(completed.stdout)  # type: ignore[no-any-return]


def _behind_an_api(folder: Path, *handlers: str) -> None:
    """A project whose SAM template puts each handler behind an API: somebody waits on it, so a
    deferred import pays off (LIL001 reports nothing where nobody waits)."""
    (folder / "pyproject.toml").write_text("")
    functions = "".join(
        f"  Fn{index}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.{name}\n"
        f"      Runtime: python3.12\n      Events:\n        Get:\n          Type: Api\n"
        f"          Properties: {{Path: /{name}, Method: get}}\n"
        for index, name in enumerate(handlers)
    )
    (folder / "template.yaml").write_text(f"Transform: AWS::Serverless-2016-10-31\nResources:\n{functions}")


@pytest.mark.parametrize(("source", "placed", "skip", "take"), CASES)
def test_a_cold_start_that_skips_the_path_does_not_load_the_module(
    source: str, placed: str, skip: dict[str, object], take: dict[str, object], tmp_path: Path
) -> None:
    (tmp_path / "pandas.py").write_text(STAND_IN)
    _behind_an_api(tmp_path, *(("handler", "report") if "def report" in source else ("handler",)))
    app = tmp_path / "app.py"
    app.write_text(textwrap.dedent(source).lstrip())
    handler = "report" if "def report" in source else "handler"
    before = _run(tmp_path, "handler" if handler == "report" else handler, skip, take)
    assert before["loaded"] is True
    assert main(["check", "--fix", "-q", "--no-cache", str(tmp_path / "app.py")]) == 1
    fixed = app.read_text()
    assert placed in fixed
    # The handler that does not need it: the first event of its cold start skips the module.
    after = _run(tmp_path, "handler", skip, take)
    assert after["loaded"] is False, fixed
    if handler == "report":
        after = _run(tmp_path, "report", skip, take)
    else:
        assert after == {**before, "loaded": False}
    assert main(["check", "-q", "--no-cache", str(app)]) == 0  # settled: nothing left to fix
    assert main(["check", "--fix", "-q", "--no-cache", str(app)]) == 0 and app.read_text() == fixed


def test_no_move_when_no_block_holds_the_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`pd.frame(...) if c else None` on the handler's main path: no statement block is off the main
    path, so a moved import would still run on every invocation. Reported, not moved."""
    source = "import pandas as pd\n\n\ndef handler(event, context):\n    return pd.frame([1]) if event else None\n"
    _behind_an_api(tmp_path, "handler")
    app = tmp_path / "app.py"
    app.write_text(source)
    assert main(["check", "--format", "json", "--no-cache", str(app)]) == 1
    [finding] = json.loads(capsys.readouterr().out)
    assert finding["code"] == "LIL001" and finding["fix"] is None
    assert "conditional expression" in finding["no_fix_reason"]
    assert main(["check", "--fix", "--no-cache", str(app)]) == 1
    assert app.read_text() == source

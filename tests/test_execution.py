"""Handlers fixed by the tool behave the same, and importing them no longer loads what moved.

Stand-in modules named like the heavy packages record their import, so the test runs without the
real pandas or numpy, in a subprocess with a clean ``sys.modules``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from lambda_import_lint.cli import main

HANDLER = '''\
"""Orders: totals on every call, a CSV export and a trend only sometimes."""
import json

import numpy as np
import pandas as pd
from pandas import DataFrame as Frame


def lambda_handler(event, context):
    total = sum(event["values"])
    query = event.get("queryStringParameters") or {}
    if query.get("export"):
        return export(event["values"])
    if query.get("trend"):
        return {"trend": trend(event["values"])}
    return {"total": total, "body": json.dumps(event["values"])}


def export(values):
    return Frame({"v": values}).to_csv()


def trend(values):
    return [np.mean(values[:i + 1]) for i in range(len(values))]


def on_batch(event, context):
    return [pd.DataFrame({"v": record}).to_csv() for record in event["records"]]
'''

STAND_INS = {
    "pandas/__init__.py": '''\
class DataFrame:
    def __init__(self, data):
        self.data = data
    def to_csv(self):
        return ",".join(str(v) for v in self.data["v"])
''',
    "numpy/__init__.py": '''\
def mean(values):
    return sum(values) / len(values)
''',
}

PROBE = '''\
import json, sys
sys.path.insert(0, sys.argv[1])
import app
loaded_at_import = sorted(m for m in ("pandas", "numpy") if m in sys.modules)
events = [
    {"values": [1, 2, 3]},
    {"values": [4, 5], "queryStringParameters": {"export": True}},
    {"values": [2, 4, 6], "queryStringParameters": {"trend": True}},
]
results = [app.lambda_handler(event, None) for event in events]
results.append(app.on_batch({"records": [[1], [2, 3]]}, None))
print(json.dumps({"loaded_at_import": loaded_at_import, "results": results}))
'''


def _probe(folder: Path) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder)], capture_output=True, text=True, check=True, cwd=folder
    )
    return json.loads(completed.stdout)  # type: ignore[no-any-return]


def test_fixed_handler_runs_the_same_and_defers_imports(tmp_path: Path) -> None:
    for relative, text in STAND_INS.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(textwrap.dedent(text))
    app = tmp_path / "app.py"
    app.write_text(HANDLER)
    before = _probe(tmp_path)
    assert before["loaded_at_import"] == ["numpy", "pandas"]

    assert main(["check", "--fix", "-q", str(app)]) == 1
    fixed = app.read_text()
    assert "import pandas as pd\n" not in fixed.split("def ")[0]
    after = _probe(tmp_path)
    assert after["results"] == before["results"]
    assert after["loaded_at_import"] == []
    assert main(["check", "-q", str(app)]) == 0

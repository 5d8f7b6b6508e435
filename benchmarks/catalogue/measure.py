"""Measure the import cost of every heavy-module catalogue entry, on top of the Lambda runtime.

    python benchmarks/catalogue/measure.py --python /path/to/python [--runs 5] [--only NAME ...]

For each module (the keys of ``lambda_import_lint/data/catalogue.json`` plus ``NOTABLE``, a list of
submodules handlers often import) this runs, in a fresh interpreter each time::

    python -I -X importtime -c "import <baseline>; <marker>; import <module>"

once untimed (so ``.pyc`` files exist, as they do in a deployment package) and then ``--runs``
times. The cost of a run is the sum of the cumulative microseconds of the top-level ``importtime``
lines after the marker: for ``import a.b`` Python imports ``a`` first (its own top-level line) and
then ``a.b``, and the handler pays for both. For an undotted module that sum is the module's own
top-level line. The figure kept is the median over the runs (the machine is shared and noisy); min
and max are reported too. Every package newly imported after the marker is recorded, and the
catalogue entries and notable submodules among them are candidates for the module's "loads". A
catalogue entry whose package imports next to nothing until a submodule is imported (``botocore``,
``PIL``, ``lxml``) carries ``"measured_as"``: the submodule handlers import, whose figure the entry
takes. A module that fails to import (not installed, or an error) is reported as failing, never as
costing 0.

The baseline approximates what the AWS Lambda Python runtime has imported before it imports the
handler module, so the figures are the marginal cost a handler's import adds to INIT. It follows
the runtime interface client (``awslambdaric``: ``bootstrap.py`` and the modules it imports at the
top): ``importlib``, ``json``, ``logging``, ``os``, ``sys``, ``time``, ``traceback``, ``decimal``,
``math``, ``enum`` and ``concurrent.futures`` (for ``ThreadPoolExecutor``); ``re``, ``functools``,
``collections``, ``threading`` and ``weakref`` come along with those. Deliberately *not* in the
baseline: ``typing`` (none of those imports it, so the first library to use it pays its few ms),
``http.client``, ``ssl``, ``socket``, ``email``, ``urllib.request`` and ``uuid``. The runtime
client talks to the Runtime API through a C extension and imports ``http.client`` only to report
an init error, because (its own comment) that import triggers ``ssl`` and ``hashlib``; so a
handler that imports ``botocore`` or ``requests`` pays for ``ssl`` and ``http.client`` itself, and
the figures include it. ``datetime``, ``dataclasses`` and ``uuid`` are cheap either way.
``--baseline`` replaces the list (comma-separated) to measure on another assumption.

Output: JSON on stdout (machine, interpreter, baseline, per-module figures), a table on stderr.
Standard library only, so it runs under any interpreter that has the packages installed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, NamedTuple, Sequence

CATALOGUE = Path(__file__).resolve().parents[2] / "lambda_import_lint" / "data" / "catalogue.json"

BASELINE: tuple[str, ...] = (
    "importlib", "json", "logging", "os", "sys", "time", "traceback", "decimal", "math", "enum",
    "concurrent.futures",
)

NOTABLE: tuple[str, ...] = (
    "scipy.stats", "scipy.optimize", "scipy.signal", "scipy.sparse", "scipy.interpolate",
    "sklearn.linear_model", "sklearn.ensemble", "sklearn.preprocessing", "sklearn.metrics",
    "pandas", "numpy", "PIL.Image", "boto3", "botocore.session", "boto3.dynamodb.conditions",
    "aws_lambda_powertools", "aws_lambda_powertools.logging", "aws_lambda_powertools.tracing",
    "aws_lambda_powertools.metrics", "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.utilities.data_classes", "aws_lambda_powertools.utilities.typing",
    "aws_lambda_powertools.utilities.parser", "aws_lambda_powertools.utilities.batch",
    "aws_lambda_powertools.utilities.idempotency", "aws_lambda_powertools.utilities.parameters",
    "pydantic", "requests", "httpx", "openai", "anthropic", "langchain_core",
    "cryptography.hazmat.primitives", "cryptography.fernet", "cryptography.x509", "jwt", "yaml",
    "jinja2", "sqlalchemy", "sqlalchemy.orm", "psycopg2", "pymysql", "redis", "elasticsearch",
    "opensearchpy", "matplotlib.pyplot", "pyarrow.parquet", "polars", "lxml.etree",
    # what handlers import from packages whose __init__ is (nearly) empty or lazy
    "botocore.exceptions", "botocore.config", "botocore.client", "aiobotocore.session",
    "langchain.agents", "langchain.chat_models", "langchain_community.chat_models",
    "langchain_community.llms", "langchain_core.prompts", "langchain_core.messages",
    "langchain_core.runnables", "langchain_community.embeddings.bedrock", "twilio.rest",
    "twilio.request_validator", "reportlab.pdfgen.canvas", "reportlab.platypus",
)

MARKER = "-- lambda-import-lint: baseline loaded --"
# `import time:     self [us] | cumulative | imported package`, children indented by two spaces.
LINE = re.compile(r"^import time:\s*(\d+) \|\s*(\d+) \| ( *)(\S+)$")


class Run(NamedTuple):
    total_us: int
    own_us: int
    new_modules: tuple[str, ...]


class Failure(Exception):
    pass


def run_once(python: str, baseline: Sequence[str], module: str, cwd: str, timeout: float) -> Run:
    code = "\n".join(
        [
            *(f"import {name}" for name in baseline),
            "import sys",
            f"sys.stderr.write({MARKER!r} + '\\n')",
            "sys.stderr.flush()",
            "before = set(sys.modules)",
            f"import {module}",
            "print(' '.join(sorted(set(sys.modules) - before)))",
        ]
    )
    try:
        done = subprocess.run(
            [python, "-I", "-X", "importtime", "-c", code],
            cwd=cwd, capture_output=True, text=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise Failure(f"timed out after {timeout:.0f} s") from None
    lines = done.stderr.splitlines()
    if done.returncode != 0 or MARKER not in lines:
        messages = [line for line in lines if not line.startswith("import time:") and line.strip()]
        raise Failure(messages[-1] if messages else f"exit status {done.returncode}")
    # `-X importtime` also prints modules whose import failed (optional dependencies tried in a
    # `try`), so what was loaded comes from sys.modules.
    new = tuple(done.stdout.split())
    total = own = 0
    for line in lines[lines.index(MARKER) + 1:]:
        match = LINE.match(line)
        if match is None:
            continue
        cumulative, indent, name = int(match.group(2)), match.group(3), match.group(4)
        if indent == "":
            total += cumulative
            if name == module:
                own = cumulative
    return Run(total, own, new)


def measure(python: str, baseline: Sequence[str], module: str, runs: int, timeout: float,
            catalogue: Sequence[str], stdlib: frozenset[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as cwd:  # nothing importable from the working directory
        try:
            run_once(python, baseline, module, cwd, timeout)  # untimed: writes .pyc, warms the file cache
            results = [run_once(python, baseline, module, cwd, timeout) for _ in range(runs)]
        except Failure as failure:
            return {"module": module, "status": "failed", "error": str(failure)}
    totals = sorted(run.total_us for run in results)
    new = set().union(*(run.new_modules for run in results))
    top_level = sorted({name.split(".")[0] for name in new})
    return {
        "module": module,
        "status": "ok",
        "median_ms": round(statistics.median(totals) / 1000, 1),
        "min_ms": round(totals[0] / 1000, 1),
        "max_ms": round(totals[-1] / 1000, 1),
        "own_line_median_ms": round(statistics.median(run.own_us for run in results) / 1000, 1),
        "runs": runs,
        "new_packages": [name for name in top_level if name not in stdlib and not name.startswith("_")],
        "new_stdlib": [name for name in top_level if name in stdlib],
        # Catalogue entries and notable submodules it loads: candidates for the entry's "loads".
        "loads_catalogue": sorted(entry for entry in {*catalogue, *NOTABLE} if entry != module and entry in new),
    }


def interpreter_facts(python: str) -> dict[str, Any]:
    code = (
        "import json, platform, sys\n"
        "print(json.dumps({'version': platform.python_version(), 'implementation': "
        "platform.python_implementation(), 'executable': sys.executable, "
        "'stdlib': sorted(sys.stdlib_module_names)}))"
    )
    done = subprocess.run([python, "-I", "-c", code], capture_output=True, text=True, check=True)
    facts: dict[str, Any] = json.loads(done.stdout)
    return facts


def cpu_model() -> str:
    try:
        done = subprocess.run(["lscpu"], capture_output=True, text=True, check=True)
        for line in done.stdout.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown"


def table(results: Sequence[dict[str, Any]]) -> str:
    width = max(len(r["module"]) for r in results)
    rows = [f"{'module':<{width}}  {'median':>8}  {'min':>8}  {'max':>8}  loads (catalogue entries)"]
    for r in results:
        if r["status"] != "ok":
            rows.append(f"{r['module']:<{width}}  FAILED: {r['error']}")
        else:
            rows.append(
                f"{r['module']:<{width}}  {r['median_ms']:>6.1f}ms  {r['min_ms']:>6.1f}ms  "
                f"{r['max_ms']:>6.1f}ms  {', '.join(r['loads_catalogue'])}"
            )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter to measure (default: this one)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per module (default 5)")
    parser.add_argument("--only", nargs="+", metavar="MODULE", help="measure these modules only")
    parser.add_argument("--baseline", help="comma-separated modules preloaded before each import")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run (default 120)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    entries: dict[str, dict[str, Any]] = json.loads(CATALOGUE.read_text("utf-8"))["modules"]
    catalogue = list(entries)
    # A package whose __init__ imports next to nothing names the submodule its figure is taken from.
    measured_as = {name: entry.get("measured_as", name) for name, entry in entries.items()}
    modules = list(dict.fromkeys(args.only or [*measured_as.values(), *NOTABLE]))
    baseline = tuple(name for name in (args.baseline or "").split(",") if name) or BASELINE
    facts = interpreter_facts(args.python)
    stdlib = frozenset(facts.pop("stdlib"))

    results = []
    for module in modules:
        result = measure(args.python, baseline, module, args.runs, args.timeout, catalogue, stdlib)
        result["entries"] = sorted(name for name, module in measured_as.items() if module == result["module"])
        results.append(result)
        status = f"{result['median_ms']} ms" if result["status"] == "ok" else "FAILED"
        print(f"  {module}: {status}", file=sys.stderr, flush=True)

    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "python": facts,
        "command": f"python benchmarks/catalogue/measure.py --python {args.python} --runs {args.runs}",
        "method": "median over runs of the summed cumulative µs of the top-level `-X importtime` "
                  "lines after the baseline, in a fresh `python -I` per run (PYTHON* variables ignored, "
                  ".pyc written), after one untimed run",
        "baseline": list(baseline),
        "results": results,
    }
    print(json.dumps(report, indent=2))
    print(f"\n{report['date']}, {report['cpu']} ({report['cpus']} CPUs), "
          f"{facts['implementation']} {facts['version']}\n" + table(results), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Side-by-side timings on real installed code, reported as ratios (the machine is shared and noisy).

    python benchmarks/bench.py [--runs 5] [--only NAME ...] [--corpus /tmp/realcode-corpus]

Needs Django, botocore, boto3 and requests installed and ruff on PATH
(``pip install -r benchmarks/requirements.txt``). Each comparison alternates its two commands ``--runs`` times and
prints min / median / max of the wall times and of the ratio. Whole commands are timed, interpreter
start-up and imports included, for both sides. Before timing, the package is byte-compiled (as pip
does on install: an environment with PYTHONDONTWRITEBYTECODE set would otherwise recompile it on
every run) and each command runs once untimed (a warm file cache for both sides).

Comparisons (targets from issue 6):
  django-vs-ruff   check with default settings over Django vs `ruff check --select TID253` with the
                   same heavy-module list, both without cache                        (target <= 1.5)
  worst-vs-parse   check --jobs 1 --all-modules --defer all --heavy-modules '*' over botocore +
                   boto3 + requests vs libcst.parse_module of the same files            (<= 1.5)
  jobs             the worst case with --jobs 1 vs --jobs 2 (speed-up)                   (>= 1.7)
  cache            the worst case over Django, warm cache vs cold                         (<= 0.1)
  flake8           flake8 over django/db with the plugin vs without it                    (<= 1.05)
  monorepo-vs-ruff check over a generated SAM monorepo (300 functions in one template, 3000
                   files, a third of the handlers with a conditional pandas import) vs ruff as
                   above: deployment discovery and per-file declaration lookups at scale
                                                                          (no target; <= 1.5 like Django)
  report-vs-check  report --format html over the same monorepo vs check over it: the report analyses
                   every handler module, runs the fixer in memory (safe, then all fixes) and prices
                   what a cold start pays before and after                                (no target)

Real Lambda repositories (issue 18; the real-code corpus of benchmarks/realcode, extracted with
``setup_corpus.py --out DIR``, passed as ``--corpus DIR``; skipped when it is missing). Each repository
is timed where it lies (read only: the cache goes to a temporary folder):
  realcode-warm    check with a warm cache vs ruff as above, per deployment-heavy repository (<= 3)
  realcode-cold    check --clean-cache (every deployment file and Python file parsed again) vs ruff
                                                                                         (<= 20)
  flake8-outside   flake8 over django/db run from the corpus folder (not a project: 18,000 files,
                   hundreds of `.tf` and templates), with the plugin vs without          (<= 1.05)
  flake8-lambda    the same over a copy of a deployment-heavy repository (a `.git` folder marks it
                   as a project): the plugin's own analysis of its handler modules included
                                                                                    (no target)
  flake8-cwd       flake8 with the plugin over that copy, run from the corpus folder vs from the
                   project itself: what the working folder costs                       (<= 1.05)
  realcode-floor   per deployment-heavy repository, the floor a cold run stands on: a fresh
                   interpreter that imports libcst and runs libcst.parse_module on exactly the files
                   a cold check parses with LibCST (listed first by running the check in-process with
                   its parse step noting each path), timed alternately with the cold check and ruff;
                   prints floor / ruff, cold / floor and cold / ruff              (no target: a floor)
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

PYTHON = sys.executable
# The command the README gives users, the console script installed beside this interpreter (it
# skips `runpy`, a few milliseconds of a warm run); `python -m` where none is installed.
_SCRIPT = Path(PYTHON).parent / "lambda-import-lint"
TOOL = [str(_SCRIPT)] if _SCRIPT.is_file() else [PYTHON, "-m", "lambda_import_lint"]
WORST = ["--all-modules", "--defer", "all", "--heavy-modules", "*", "-q", "--exit-zero"]

PARSE_FLOOR = """
import pathlib, sys, libcst
for folder in sys.argv[1:]:
    for path in sorted(pathlib.Path(folder).rglob("*.py")):
        try:
            libcst.parse_module(path.read_bytes())
        except Exception:
            pass
"""

# The files a cold check parses with LibCST: its own run (one process, no cache) with the engine's
# parse step noting each path, written as JSON to the file named by the second argument.
PARSED_BY_CHECK = """
import json, sys
import lambda_import_lint.engine.check as check
parsed = []
original = check.parse
def noting(source, path):
    parsed.append(path)
    return original(source, path)
check.parse = noting
from lambda_import_lint.cli import main
main(["check", "-q", "--exit-zero", "--no-cache", "--jobs", "1", sys.argv[1]])
with open(sys.argv[2], "w") as out:
    json.dump(parsed, out)
"""

# LibCST's import and parse of the files listed (JSON) in the first argument, nothing else.
LIBCST_FLOOR = """
import json, sys, libcst
for name in json.load(open(sys.argv[1])):
    with open(name, "rb") as file:
        source = file.read()
    try:
        libcst.parse_module(source)
    except Exception:
        pass
"""

# flake8 in this environment, with our plugin filtered out of its plugin list.
FLAKE8_WITHOUT_PLUGIN = """
import sys
from flake8.plugins import finder
found = finder.find_plugins
finder.find_plugins = lambda *a, **k: [p for p in found(*a, **k) if p.package != "lambda-import-lint"]
from flake8.main.cli import main
sys.exit(main())
"""


def package_folder(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"benchmark needs {name} installed: pip install {name}")
    return Path(next(iter(spec.submodule_search_locations)))


def timed(
    command: list[str], env: dict[str, str] | None = None, allowed: tuple[int, ...] = (0, 1), cwd: Path | None = None
) -> float:
    """Wall time of one run; a failure (an exit status not ``allowed``) stops the benchmark."""
    started = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    elapsed = time.perf_counter() - started
    if completed.returncode not in allowed:
        raise SystemExit(f"{command[:6]}… failed ({completed.returncode}): {completed.stderr.decode()[-500:]}")
    return elapsed


def compare(
    name: str,
    first: Callable[[], float],
    second: Callable[[], float],
    runs: int,
    labels: tuple[str, str],
    target: str,
) -> dict[str, object]:
    """Alternate ``first`` and ``second`` after one untimed run of each; the ratio is first / second."""
    first()
    second()
    a_times, b_times, ratios = [], [], []
    for _ in range(runs):
        a = first()
        b = second()
        a_times.append(a)
        b_times.append(b)
        ratios.append(a / b)
    row = {
        "comparison": name,
        labels[0]: _spread(a_times),
        labels[1]: _spread(b_times),
        "ratio": _spread(ratios, digits=3),
        "target": target,
    }
    print(
        f"{name:16} ratio min {min(ratios):.3f}  median {statistics.median(ratios):.3f}  max {max(ratios):.3f}"
        f"   ({labels[0]} median {statistics.median(a_times):.2f}s, {labels[1]} median "
        f"{statistics.median(b_times):.2f}s; target {target})",
        flush=True,
    )
    return row


def _spread(values: list[float], digits: int = 2) -> dict[str, float]:
    return {
        "min": round(min(values), digits),
        "median": round(statistics.median(values), digits),
        "max": round(max(values), digits),
    }


def ruff_command(folder: Path) -> list[str]:
    from lambda_import_lint.catalogue import default_heavy_modules

    ruff = shutil.which("ruff") or str(Path(PYTHON).parent / "ruff")
    modules = [m for m in default_heavy_modules() if "*" not in m]
    setting = f"lint.flake8-tidy-imports.banned-module-level-imports = {json.dumps(modules)}"
    return [ruff, "check", "--no-cache", "--isolated", "--select", "TID253", "--config", setting, str(folder)]


# Deployment-heavy repositories of the corpus: Terraform (246 `.tf` files), SAM (127 YAML files and
# 32 `.tf`), and one with 89 YAML files of CloudFormation.
BROKEN_FILES = (0, 1, 2)  # real repositories hold files with syntax errors (exit status 2)
DEPLOYMENT_HEAVY = (
    "DataDog+serverless-sample-app",
    "aws-samples+serverless-samples",
    "awslabs+aws-serverless-data-lake-framework",
)


def realcode(corpus: Path, runs: int, wanted: set[str]) -> list[dict[str, object]]:
    """The issue-18 comparisons over the deployment-heavy repositories of the corpus."""
    rows: list[dict[str, object]] = []
    repositories = [corpus / name for name in DEPLOYMENT_HEAVY if (corpus / name).is_dir()]
    if not repositories:
        print(f"realcode comparisons skipped: no corpus at {corpus} (see benchmarks/realcode/setup_corpus.py)")
        return rows
    for repository in repositories:
        cache = tempfile.mkdtemp(prefix="lil-bench-realcode-cache-")
        env = {**os.environ, "LAMBDA_IMPORT_LINT_CACHE_DIR": cache}
        check = [*TOOL, "check", "-q", "--exit-zero", str(repository)]
        short = repository.name.split("+", 1)[1]
        if "realcode-warm" in wanted:
            rows.append(compare(
                f"warm {short}", lambda: timed(check, env, BROKEN_FILES), lambda: timed(ruff_command(repository)),
                runs, ("lambda-import-lint", "ruff"), "<= 3",
            ))
        if "realcode-cold" in wanted:
            rows.append(compare(
                f"cold {short}",
                lambda: timed([*check, "--clean-cache"], env, BROKEN_FILES),
                lambda: timed(ruff_command(repository)),
                runs, ("lambda-import-lint", "ruff"), "<= 20",
            ))
        if "realcode-floor" in wanted:
            rows.extend(floor(repository, check, env, runs))
        shutil.rmtree(cache, ignore_errors=True)
    env = {key: value for key, value in os.environ.items() if key != "LAMBDA_IMPORT_LINT_CACHE_DIR"}
    if "flake8-outside" in wanted:
        db = str(package_folder("django") / "db")
        rows.append(compare(
            "flake8-outside",
            lambda: timed([PYTHON, "-m", "flake8", "--exit-zero", db], env, cwd=corpus),
            lambda: timed([PYTHON, "-c", FLAKE8_WITHOUT_PLUGIN, "--exit-zero", db], env, cwd=corpus),
            runs, ("with-plugin", "without"), "<= 1.05",
        ))
    if wanted & {"flake8-lambda", "flake8-cwd"}:
        workspace = Path(tempfile.mkdtemp(prefix="lil-bench-flake8-"))
        project = workspace / "project"
        shutil.copytree(repositories[0], project, symlinks=True)
        (project / ".git").mkdir()
        flake8 = [PYTHON, "-m", "flake8", "--exit-zero", str(project)]
        if "flake8-lambda" in wanted:
            rows.append(compare(
                "flake8-lambda",
                lambda: timed(flake8, env, cwd=corpus),
                lambda: timed([PYTHON, "-c", FLAKE8_WITHOUT_PLUGIN, *flake8[3:]], env, cwd=corpus),
                runs, ("with-plugin", "without"), "no target",
            ))
        if "flake8-cwd" in wanted:
            rows.append(compare(
                "flake8-cwd",
                lambda: timed(flake8, env, cwd=corpus),
                lambda: timed(flake8, env, cwd=project),
                runs, ("from-corpus", "from-project"), "<= 1.05",
            ))
        shutil.rmtree(workspace, ignore_errors=True)
    return rows


def floor(repository: Path, check: list[str], env: dict[str, str], runs: int) -> list[dict[str, object]]:
    """The cold check, LibCST's import and parse of the same files, and ruff, alternated: three
    ratios from the same runs (floor / ruff, cold / floor, cold / ruff)."""
    listing = Path(tempfile.mkdtemp(prefix="lil-bench-floor-")) / "parsed.json"
    subprocess.run([PYTHON, "-c", PARSED_BY_CHECK, str(repository), str(listing)], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parsed = json.loads(listing.read_text())
    size = sum(Path(name).stat().st_size for name in parsed)
    commands = {
        "cold": lambda: timed([*check, "--clean-cache"], env, BROKEN_FILES),
        "floor": lambda: timed([PYTHON, "-c", LIBCST_FLOOR, str(listing)]),
        "ruff": lambda: timed(ruff_command(repository)),
    }
    for command in commands.values():
        command()  # untimed: a warm file cache for each
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, command in commands.items():
            times[label].append(command())
    shutil.rmtree(listing.parent, ignore_errors=True)
    short = repository.name.split("+", 1)[1]
    rows: list[dict[str, object]] = []
    for first, second in (("floor", "ruff"), ("cold", "floor"), ("cold", "ruff")):
        ratios = [a / b for a, b in zip(times[first], times[second])]
        name = f"{first}/{second} {short}"
        print(
            f"{name:16} ratio min {min(ratios):.3f}  median {statistics.median(ratios):.3f}  max {max(ratios):.3f}"
            f"   ({first} median {statistics.median(times[first]):.2f}s, {second} median "
            f"{statistics.median(times[second]):.2f}s; {len(parsed)} files, {size} bytes parsed)",
            flush=True,
        )
        rows.append({
            "comparison": name, first: _spread(times[first]), second: _spread(times[second]),
            "ratio": _spread(ratios, digits=3), "files": len(parsed), "bytes": size, "target": "none (floor)",
        })
    return rows


def make_monorepo(folder: Path, functions: int = 300, helpers: int = 9) -> Path:
    """A SAM monorepo: one template declaring every function, each with its own code folder."""
    resources = []
    for number in range(functions):
        service = folder / "services" / f"svc{number:03}"
        service.mkdir(parents=True)
        body = "    return json.dumps(event)\n"
        if number % 3 == 0:
            body = "    if event.get('export'):\n        return pd.DataFrame(event['rows']).to_csv()\n" + body
        header = "import json\n\nimport boto3\n" + ("import pandas as pd\n" if number % 3 == 0 else "")
        (service / "app.py").write_text(
            f"{header}\nTABLE = boto3.resource('dynamodb').Table('t')\n\n\ndef handler(event, context):\n{body}"
        )
        for helper in range(helpers):
            (service / f"util{helper}.py").write_text("import os\n\n\ndef join(x):\n    return os.path.join(x, 'a')\n")
        resources.append(
            f"  Fn{number}:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            f"      CodeUri: services/svc{number:03}/\n      Handler: app.handler\n      Runtime: python3.12\n"
        )
    (folder / "template.yaml").write_text("Transform: AWS::Serverless-2016-10-31\nResources:\n" + "".join(resources))
    (folder / "pyproject.toml").write_text("")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/realcode-corpus"))
    args = parser.parse_args()
    runs: int = args.runs
    wanted = set(args.only or [
        "django-vs-ruff", "worst-vs-parse", "jobs", "cache", "flake8", "monorepo-vs-ruff", "report-vs-check",
        "realcode-warm", "realcode-cold", "flake8-outside", "flake8-lambda", "flake8-cwd", "realcode-floor",
    ])

    compileall.compile_dir(str(package_folder("lambda_import_lint")), quiet=1)
    needs_django = wanted & {"django-vs-ruff", "cache", "flake8"}
    django = package_folder("django") if needs_django else Path()
    needs_worst = wanted & {"worst-vs-parse", "jobs"}
    worst = [str(package_folder(name)) for name in ("botocore", "boto3", "requests")] if needs_worst else []
    cache = tempfile.mkdtemp(prefix="lil-bench-cache-")
    env = {**os.environ, "LAMBDA_IMPORT_LINT_CACHE_DIR": cache}
    rows = []
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {runs} alternating runs each\n", flush=True)

    if "django-vs-ruff" in wanted:
        rows.append(compare(
            "django-vs-ruff",
            lambda: timed([*TOOL, "check", "--no-cache", "-q", "--exit-zero", str(django)]),
            lambda: timed(ruff_command(django)),
            runs, ("lambda-import-lint", "ruff"), "<= 1.5",
        ))
    if "worst-vs-parse" in wanted:
        rows.append(compare(
            "worst-vs-parse",
            lambda: timed([*TOOL, "check", "--no-cache", "--jobs", "1", *WORST, *worst]),
            lambda: timed([PYTHON, "-c", PARSE_FLOOR, *worst]),
            runs, ("lambda-import-lint", "libcst-parse"), "<= 1.5",
        ))
    if "jobs" in wanted:
        rows.append(compare(
            "jobs",
            lambda: timed([*TOOL, "check", "--no-cache", "--jobs", "2", *WORST, *worst]),
            lambda: timed([*TOOL, "check", "--no-cache", "--jobs", "1", *WORST, *worst]),
            runs, ("jobs-2", "jobs-1"), "<= 0.59 (speed-up >= 1.7)",
        ))
    if "cache" in wanted:
        def cold() -> float:
            return timed([*TOOL, "check", "--clean-cache", *WORST, str(django)], env)

        def warm() -> float:
            return timed([*TOOL, "check", *WORST, str(django)], env)

        cold()  # leaves a full cache behind for the first warm run
        rows.append(compare("cache", warm, cold, runs, ("warm", "cold"), "<= 0.1"))
        cold()
    if "flake8" in wanted:
        db = str(django / "db")
        rows.append(compare(
            "flake8",
            lambda: timed([PYTHON, "-m", "flake8", "--exit-zero", db]),
            lambda: timed([PYTHON, "-c", FLAKE8_WITHOUT_PLUGIN, "--exit-zero", db]),
            runs, ("with-plugin", "without"), "<= 1.05",
        ))
    if "monorepo-vs-ruff" in wanted:
        monorepo = make_monorepo(Path(tempfile.mkdtemp(prefix="lil-bench-monorepo-")))
        rows.append(compare(
            "monorepo-vs-ruff",
            lambda: timed([*TOOL, "check", "--no-cache", "-q", "--exit-zero", str(monorepo)]),
            lambda: timed(ruff_command(monorepo)),
            runs, ("lambda-import-lint", "ruff"), "<= 1.5 (no target)",
        ))
        shutil.rmtree(monorepo, ignore_errors=True)
    if "report-vs-check" in wanted:
        monorepo = make_monorepo(Path(tempfile.mkdtemp(prefix="lil-bench-monorepo-")))
        page = monorepo.parent / (monorepo.name + ".html")
        rows.append(compare(
            "report-vs-check",
            lambda: timed([*TOOL, "report", "--format", "html", "-o", str(page), str(monorepo)]),
            lambda: timed([*TOOL, "check", "--no-cache", "-q", "--exit-zero", str(monorepo)]),
            runs, ("report", "check"), "none",
        ))
        shutil.rmtree(monorepo, ignore_errors=True)
        page.unlink(missing_ok=True)
    rows.extend(realcode(args.corpus, runs, wanted))
    shutil.rmtree(cache, ignore_errors=True)
    print("\n" + json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()

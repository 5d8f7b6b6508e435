"""A warm ``check`` of a repository against ruff's whole run and the interpreter's own start-up.

    python benchmarks/warm_start.py REPOSITORY [--runs 11]

From ``REPOSITORY`` (read only: the cache goes to a temporary folder), after two untimed runs of
each command, alternately: ``python -m lambda_import_lint check -q --exit-zero .`` with a warm
cache (nothing changed since the previous identical run), ``ruff check --no-cache --isolated
--select TID253`` with the same heavy-module list, and ``python -c pass``. Prints min / median /
max of each and of the check / ruff ratio (target <= 3 on the deployment-heavy repositories of the
corpus). Bytecode is written (PYTHONDONTWRITEBYTECODE removed from the environment and the package
compiled first), as an installed package has it.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import package_folder, ruff_command  # noqa: E402  (the same ruff command as bench.py)


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1, 2):  # real repositories hold files with syntax errors (2)
        raise SystemExit(f"{command[:4]}… failed ({completed.returncode}): {completed.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repository", type=Path)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    repository: Path = args.repository.resolve()
    compileall.compile_dir(str(package_folder("lambda_import_lint")), quiet=1)
    cache = tempfile.mkdtemp(prefix="lil-warm-start-")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["LAMBDA_IMPORT_LINT_CACHE_DIR"] = cache
    commands = {
        "check": [sys.executable, "-m", "lambda_import_lint", "check", "-q", "--exit-zero", "."],
        "ruff": ruff_command(Path(".")),
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    try:
        for command in commands.values():
            timed(command, repository, env)
            timed(command, repository, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command, repository, env))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    for name, values in times.items():
        print(f"{name:15} min {min(values):.3f}  median {statistics.median(values):.3f}  max {max(values):.3f} s")
    ratios = [a / b for a, b in zip(times["check"], times["ruff"])]
    print(
        f"{'check / ruff':15} min {min(ratios):.2f}  median {statistics.median(ratios):.2f}  max {max(ratios):.2f}"
        f"   (load average {os.getloadavg()[0]:.2f}; target <= 3)"
    )


if __name__ == "__main__":
    main()

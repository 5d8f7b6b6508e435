"""Do two versions of the tool print the same on real repositories? For speed changes that must
change no output.

    python benchmarks/realcode/compare_outputs.py --before /path/to/old/tree \
        --corpus /tmp/realcode-corpus:60 --corpus /tmp/realcode-corpus11

``--before`` is a folder holding an older ``lambda_import_lint`` package (``git archive COMMIT
lambda_import_lint | tar -x -C FOLDER``), run with ``PYTHONPATH`` pointing at it; "after" is the
package this interpreter imports (``--after FOLDER`` to name another). Each ``--corpus FOLDER[:N]``
adds the first N repositories (sorted; all without ``:N``). In each repository both versions run
``check --format json --no-cache .`` and ``handlers --format json .`` from the repository's folder,
with a cache folder of their own; stdout, stderr and the exit status must be byte-identical.
Prints one line per repository that differs and the counts; exits 1 if any differs. Nothing from
the repositories is run: the tool only reads them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

COMMANDS = (
    ("check", ["check", "--format", "json", "--no-cache", "."]),
    ("handlers", ["handlers", "--format", "json", "."]),
)


def repositories(specs: list[str]) -> list[Path]:
    found: list[Path] = []
    for spec in specs:
        folder, _, count = spec.partition(":")
        children = sorted(path for path in Path(folder).iterdir() if path.is_dir())
        found.extend(children[: int(count)] if count else children)
    return found


def environment(package_parent: str | None, cache: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["LAMBDA_IMPORT_LINT_CACHE_DIR"] = cache
    if package_parent is not None:
        env["PYTHONPATH"] = package_parent
    return env


def imported_from(env: dict[str, str]) -> str:
    probe = "import lambda_import_lint; print(lambda_import_lint.__file__)"
    return subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True,
                          cwd=tempfile.gettempdir()).stdout.strip()


def run(arguments: list[str], env: dict[str, str], cwd: Path) -> tuple[int, bytes, bytes]:
    done = subprocess.run([sys.executable, "-m", "lambda_import_lint", *arguments], env=env, cwd=cwd,
                          capture_output=True)
    return done.returncode, done.stdout, done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="folder holding the older lambda_import_lint package")
    parser.add_argument("--after", default=None, help="folder holding the newer one (default: as installed)")
    parser.add_argument("--corpus", action="append", required=True, help="FOLDER or FOLDER:N (first N)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lil-compare-") as scratch:
        before = environment(os.path.abspath(args.before), os.path.join(scratch, "before"))
        after = environment(os.path.abspath(args.after) if args.after else None, os.path.join(scratch, "after"))
        sources = imported_from(before), imported_from(after)
        print(f"before: {sources[0]}\nafter:  {sources[1]}", flush=True)
        if sources[0] == sources[1]:
            print("both runs import the same package: nothing to compare", file=sys.stderr)
            return 2
        counts = {name: [0, 0] for name, _ in COMMANDS}  # [same, different]
        for repository in repositories(args.corpus):
            for name, arguments in COMMANDS:
                same = run(arguments, before, repository) == run(arguments, after, repository)
                counts[name][0 if same else 1] += 1
                if not same:
                    print(f"DIFFERENT {name}: {repository}", flush=True)
    for name, (same, different) in counts.items():
        print(f"{name}: {same} repositories identical, {different} different")
    return 1 if any(different for _, different in counts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

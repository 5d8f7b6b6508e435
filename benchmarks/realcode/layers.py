#!/usr/bin/env python3
"""How many functions of the real-code corpus declare Lambda layers, and which layers.

For each repository of ``repos.txt`` (extracted under ``--corpus`` by setup_corpus.py), runs
``lambda-import-lint handlers --format json .`` from the repository's root, as findings.py does, and
counts the handler functions whose declarations list layers, and those listing a layer whose folder
is in the repository (their imports are followed there; the others list only layers defined
elsewhere, or whose folder a build step makes)::

    python3 benchmarks/realcode/layers.py --corpus /tmp/realcode-corpus --lil /tmp/venv/bin/lambda-import-lint

Nothing from the repositories is run: the linter only reads them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


def repositories(listing: Path) -> list[str]:
    names = []
    for line in listing.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line.split()[0])
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--lil", default="lambda-import-lint")
    parser.add_argument("--repos", type=Path, default=HERE / "repos.txt")
    args = parser.parse_args()
    total = with_layers = with_local = 0
    print(f"{'repository':70} {'functions':>9} {'layers':>7} {'folder':>6}  layers listed")
    for name in repositories(args.repos):
        folder = args.corpus / name.replace("/", "+")
        if not folder.is_dir():
            print(f"{name:70} MISSING")
            continue
        completed = subprocess.run(
            [args.lil, "handlers", "--format", "json", "."], cwd=folder, capture_output=True, text=True, check=False
        )
        rows = json.loads(completed.stdout or "[]")
        listing = [row for row in rows if row.get("layers")]
        # `handlers` lists a layer of the repository by its folder (which may be missing), any other
        # by what the deployment file says (an ARN, `!Sub …`, `{{resolve:ssm:…}}`).
        local = [row for row in listing if any((folder / str(layer)).is_dir() for layer in row["layers"])]
        names = sorted({str(layer) for row in listing for layer in row["layers"]})
        total += len(rows)
        with_layers += len(listing)
        with_local += len(local)
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        print(f"{name:70} {len(rows):9} {len(listing):7} {len(local):6}  {shown}")
    print(f"{'total':70} {total:9} {with_layers:7} {with_local:6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

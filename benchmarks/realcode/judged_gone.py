"""Which judged findings a version of the tool no longer reports, with their verdicts.

    python benchmarks/realcode/judged_gone.py --lil /path/to/lil --corpora '/tmp/realcode-corpus*' --since 18

Reads every sample ``samples/roundN-*.md`` (N >= ``--since``) with its judgement files, runs ``LIL check
--format json --no-cache .`` once in each judged repository's folder (the first folder matching
``--corpora``/owner+name), and prints one line per judged finding the tool no longer reports at the same
place with the same code: ``gone SAMPLE NUMBER CODE REPO PATH LINE VERDICTS`` (``NOCORPUS`` when the
repository's folder is missing or the tool's output cannot be read). Run it with the version before and
after a change and compare the lists: what a change withdraws, and how the reviewers judged it. Nothing
from the repositories is run: the tool only reads them.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
Place = tuple[str, int, str]


def judged(since: int) -> list[tuple[str, int, str, str, int, str, str]]:
    """(sample, number, repository, path, line, code, verdicts) of every judged finding."""
    rows = []
    for sample in sorted(glob.glob(os.path.join(HERE, "samples", "round*.md"))):
        name = os.path.basename(sample)[:-3]
        found = re.match(r"round(\d+)", name)
        if found is None or int(found.group(1)) < since:
            continue
        with open(sample, encoding="utf-8") as handle:
            text = handle.read()
        items = {
            int(m.group(1)): (m.group(3), m.group(4), int(m.group(5)), m.group(2))
            for m in re.finditer(r"(?m)^## (\d+)\. (LIL\d+) — (\S+) — `([^`]+):(\d+)`", text)
        }
        verdicts: dict[int, list[str]] = {}
        for suffix in ("", "-second-reviewer"):
            path = os.path.join(HERE, "judgements", f"{name}{suffix}.md")
            if os.path.exists(path):
                with open(path, encoding="utf-8") as handle:
                    for line in handle:
                        verdict = re.match(r"^(\d+): (yes|no)", line)
                        if verdict:
                            verdicts.setdefault(int(verdict.group(1)), []).append(verdict.group(2))
        for number, (repository, path, line, code) in items.items():
            if number in verdicts:
                rows.append((name, number, repository, path, line, code, "/".join(verdicts[number])))
    return rows


def findings(lil: str, folder: str | None) -> set[Place] | None:
    if folder is None:
        return None
    completed = subprocess.run(
        [lil, "check", "--format", "json", "--no-cache", "."], cwd=folder, capture_output=True, text=True
    )
    try:
        return {(item["path"], item["line"], item["code"]) for item in json.loads(completed.stdout)}
    except (ValueError, KeyError, TypeError):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lil", required=True, help="the linter executable")
    parser.add_argument("--corpora", default="/tmp/realcode-corpus*", help="glob of corpus folders")
    parser.add_argument("--since", type=int, default=18, help="first round read")
    args = parser.parse_args()
    rows = judged(args.since)

    def folder_of(repository: str) -> str | None:
        matches = sorted(glob.glob(os.path.join(args.corpora, repository.replace("/", "+"))))
        return next((match for match in matches if os.path.isdir(match)), None)

    repositories = sorted({row[2] for row in rows})
    with ThreadPoolExecutor(2) as pool:
        outputs = dict(zip(repositories, pool.map(lambda r: findings(args.lil, folder_of(r)), repositories)))
    for name, number, repository, path, line, code, verdicts in rows:
        output = outputs[repository]
        if output is None:
            print("NOCORPUS", name, number, repository)
        elif not any(place.endswith(path) and at == line and rule == code for place, at, rule in output):
            print("gone", name, number, code, repository, path, line, verdicts)


if __name__ == "__main__":
    main()

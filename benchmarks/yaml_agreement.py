"""``common.yaml_load`` (documents built from libyaml's events) against PyYAML's own safe loader
with the same short-form tags, over every YAML file of the real-code corpora: agreement and time.

    python benchmarks/yaml_agreement.py [FOLDER ...]     (default: /tmp/realcode-corpus*)

Each file is read by both; the outcome is the data (compared by ``repr``) or the error (type and
message). Prints how many files agree, each file that does not, and the total time of each.
"""

from __future__ import annotations

import glob
import os
import sys
import time
from typing import Any, Callable

import yaml

from lambda_import_lint.discovery.deploy import common


def full_loader(text: str) -> Any:
    return yaml.load(text, Loader=common._loader())  # noqa: S506 - SafeConstructor subclass


def outcomes(load: Callable[[str], Any], texts: list[str]) -> tuple[list[object], float]:
    results: list[object] = []
    started = time.perf_counter()
    for text in texts:
        try:
            results.append(("data", load(text)))
        except yaml.YAMLError as error:
            results.append(("error", type(error).__name__, str(error)))
    return results, time.perf_counter() - started


def main() -> None:
    folders = sys.argv[1:] or sorted(glob.glob("/tmp/realcode-corpus*"))
    paths = sorted(
        os.path.join(folder, name)
        for root in folders
        for folder, _, names in os.walk(root)
        for name in names
        if name.endswith((".yaml", ".yml", ".template"))
    )
    paths = [path for path in paths if os.path.isfile(path)]
    if not paths:
        sys.exit(f"no YAML files under {folders}")
    texts = []
    for path in paths:
        with open(path, "rb") as handle:
            texts.append(handle.read().decode("utf-8", errors="replace"))
    common.yaml_load("")  # loads PyYAML and builds the loader class before timing
    ours, ours_seconds = outcomes(common.yaml_load, texts)
    theirs, theirs_seconds = outcomes(full_loader, texts)
    same = [repr(a) == repr(b) for a, b in zip(ours, theirs)]
    print(f"{len(paths)} YAML files ({sum(map(len, texts)):,} characters) under {folders}")
    print(f"same data or same error: {sum(same)} / {len(paths)}")
    for path, agreed in zip(paths, same):
        if not agreed:
            print(f"  differs: {path}")
    print(f"time: events {ours_seconds:.2f} s, PyYAML's composer and constructor {theirs_seconds:.2f} s")


if __name__ == "__main__":
    main()

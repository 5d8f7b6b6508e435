"""Our HCL reader (``discovery/deploy/hcl.py``) against python-hcl2 over every ``.tf`` file of the
real-code corpora: agreement and time.

    python benchmarks/hcl_agreement.py [FOLDER ...]     (default: /tmp/realcode-corpus*)

Needs python-hcl2 (the test extra has it). Files are taken once per content. For each file both
readers parse the text; then ``terraform.declare_document`` turns each one's document into handler
declarations and warnings (against the real files around it). Reported:

- documents: both read it and the documents are equal (python-hcl2's ``__comments__`` and
  ``__inline_comments__`` left out), or differ, or one reader or both refused the file;
- declarations: what ``terraform.py`` extracts (declarations and warnings, the parse error's own
  text aside) is identical, over every file and over those the byte prefilter hands to a reader
  (``deploy.worth_reading``); each file where it differs is listed;
- the total parse time of each reader.
"""

from __future__ import annotations

import glob
import hashlib
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from lambda_import_lint.discovery.deploy import Unit, hcl, terraform, worth_reading
from lambda_import_lint.discovery.deploy.common import Found, read_text


def extracted(path: Path, document: dict[str, Any] | None) -> tuple[object, ...]:
    """What ``terraform.py`` takes from a document: declarations and warnings (None: not read)."""
    if document is None:
        return ("refused",)
    found = Found()
    try:
        terraform.declare_document(path, document, found)
    except (AttributeError, TypeError, ValueError, KeyError, IndexError) as error:
        return ("unexpected content", type(error).__name__)
    return tuple(found.declarations), tuple(found.warnings)


def compare(path_name: str) -> dict[str, Any]:
    import hcl2  # type: ignore[import-untyped]

    path = Path(path_name)
    text = read_text(path)
    started = time.perf_counter()
    ours: dict[str, Any] | None
    try:
        ours = hcl.loads(text)
    except hcl.HclError:
        ours = None
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    theirs: dict[str, Any] | None
    try:
        theirs = hcl.without_comments(hcl2.loads(text))
    except Exception:  # python-hcl2 raises Lark's errors and others
        theirs = None
    theirs_seconds = time.perf_counter() - started
    if ours is None or theirs is None:
        document = {(False, False): "both refuse", (True, False): "hcl2 refuses", (False, True): "ours refuses"}[
            (ours is not None, theirs is not None)]
    else:
        document = "equal" if ours == theirs else "differ"
    return {
        "path": path_name,
        "document": document,
        "same_extraction": extracted(path, ours) == extracted(path, theirs),
        "worth_reading": worth_reading(Unit("terraform", path_name), path.read_bytes()),
        "ours": ours_seconds,
        "hcl2": theirs_seconds,
        "bytes": len(text),
    }


def main() -> None:
    folders = sys.argv[1:] or sorted(glob.glob("/tmp/realcode-corpus*"))
    seen: set[str] = set()
    paths: list[str] = []
    for folder in folders:
        for root, directories, names in os.walk(folder):
            directories.sort()
            for name in sorted(names):
                path = os.path.join(root, name)
                if not name.endswith(".tf") or not os.path.isfile(path) or os.path.islink(path):
                    continue
                digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
                if digest not in seen:
                    seen.add(digest)
                    paths.append(path)
    if not paths:
        sys.exit(f"no .tf files under {folders}")
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        rows = list(pool.map(compare, paths, chunksize=16))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["document"]] = counts.get(row["document"], 0) + 1
    worth = [row for row in rows if row["worth_reading"]]
    print(f"{len(rows)} distinct .tf files ({sum(row['bytes'] for row in rows):,} characters) under {folders}")
    print("documents: " + ", ".join(f"{name} {count}" for name, count in sorted(counts.items())))
    for label, selected in (("every file", rows), ("files the prefilter reads", worth)):
        same = sum(row["same_extraction"] for row in selected)
        print(f"declarations and warnings identical, {label}: {same} / {len(selected)}")
    for row in rows:
        if not row["same_extraction"]:
            print(f"  differs: {row['path']} (documents: {row['document']})")
    for row in rows:
        if row["document"] in ("ours refuses", "differ"):
            print(f"  document {row['document']}: {row['path']}")
    print(f"parse time, all files: ours {sum(row['ours'] for row in rows):.2f} s, "
          f"python-hcl2 {sum(row['hcl2'] for row in rows):.2f} s")


if __name__ == "__main__":
    main()

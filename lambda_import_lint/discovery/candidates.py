"""Deployment-file candidates by name: what every walk collects, and what a run record checks of the
folders above the project (``folder_candidates``) before anything else is imported. Standard
library only: the warm path of ``check`` imports this and nothing else of discovery."""

from __future__ import annotations

import os

from lambda_import_lint.config import PROJECT_MARKERS


def is_candidate(name: str) -> bool:
    """Whether a file name may be a deployment file (the file walk collects these too). JSON only
    by the names a reader takes (``sam.looks_like_template`` reads no other ``.json``): a
    ``package.json`` must not make a run load the readers."""
    return (
        name in ("serverless.yml", "serverless.yaml", "cdk.json", "template.json")
        or name.endswith((".tf", ".template", ".yaml", ".yml"))
        or is_dockerfile(name)
    )


def is_dockerfile(name: str) -> bool:
    """Whether a file name is a Dockerfile's (``Dockerfile``, ``Dockerfile.lambda``, ``api.Dockerfile``)."""
    return name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile")


def folder_candidates(folder: str) -> tuple[str, ...] | None:
    """What matters of a folder above the checked paths (``deploy.ancestor_candidates``): the names
    of its deployment-file candidates and of the project markers it holds, sorted; None when it
    cannot be listed. Nothing else in it can change a run."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return None
    names = []
    for entry in entries:
        try:
            if entry.name in PROJECT_MARKERS or is_candidate(entry.name) and entry.is_file():
                names.append(entry.name)
        except OSError:
            continue
    return tuple(sorted(names))

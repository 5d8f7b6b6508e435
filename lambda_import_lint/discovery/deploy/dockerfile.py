"""Dockerfiles built on the Lambda Python base images: `CMD ["module.function"]`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from lambda_import_lint.discovery.deploy.common import Found, declare, is_dir, is_file, read_text, resolve_module


_FROM_LAMBDA = re.compile(r"^\s*FROM\s+\S*(lambda/python|aws-lambda-python)", re.IGNORECASE | re.MULTILINE)
_CMD = re.compile(r"^\s*CMD\s+(.+)$", re.IGNORECASE | re.MULTILINE)
_COPY = re.compile(r"^\s*(?:COPY|ADD)\s+(?:--\S+\s+)*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


def dockerfile(path: Path, found: Found) -> None:
    text = read_text(path)
    if not _FROM_LAMBDA.search(text):
        return
    commands = _CMD.findall(text)
    if not commands:
        return
    command = commands[-1].strip()
    try:
        parsed = json.loads(command)
        handler = parsed[0] if isinstance(parsed, list) and parsed else None
    except json.JSONDecodeError:
        handler = command.split()[0] if command else None
    roots = [path.parent]
    for arguments in _COPY.findall(text):
        sources = arguments.split()[:-1]
        roots.extend(path.parent / source for source in sources if is_dir(path.parent / source))
    for root in roots:
        resolved = resolve_module(root, handler) if isinstance(handler, str) else None
        if resolved is not None and is_file(resolved[0]):
            declare(found, path, "CMD", root, handler)
            return
    declare(found, path, "CMD", path.parent, handler)

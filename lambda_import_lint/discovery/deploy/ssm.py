"""SSM Automation documents whose ``aws:executeScript`` steps run a Python file of the project.

Such a script has a Lambda-shaped entry point (``def handler(event, context)``) and the handler
heuristic takes it for one, but Systems Manager runs it in a new process on each execution: there is
no warm invocation to reuse a client, and no cold start shared with invocations that skip an
import. The reader declares the script's function with that reason, so the engine does not lint it
for latency (``lint-rare-handlers`` turns that back on).

A step names its file in ``inputs.Script``: the whole value is a relative ``.py`` path, or the
build-time placeholder ``%%SCRIPT=name.py%%`` that AWS Solutions' runbooks use. The file is looked
for beside the document and in its ``scripts/`` folder; an inline script names no file and
declares nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from lambda_import_lint.discovery.deploy.common import Found, display, is_file, is_python, read_text, yaml_load
from lambda_import_lint.discovery.declarations import HandlerDeclaration

REASON = "an SSM Automation script (each execution is a new process, not a Lambda invocation)"
_PLACEHOLDER = re.compile(r"%%SCRIPT=([\w.\-/]+\.py)%%")
_PATH = re.compile(r"[\w.\-/]+\.py")


def looks_like_automation(path: Path, data: bytes) -> bool:
    """Whether a YAML file's bytes may be an Automation document with a script step."""
    return path.suffix in (".yaml", ".yml") and b"aws:executeScript" in data and b"mainSteps" in data


def automation(path: Path, found: Found) -> None:
    try:
        document = yaml_load(read_text(path))
    except Exception:  # a document we cannot read declares nothing: not a deployment file we need
        return
    steps = document.get("mainSteps") if isinstance(document, dict) else None
    if not isinstance(steps, list):
        return
    for step in steps:
        if not isinstance(step, dict) or step.get("action") != "aws:executeScript":
            continue
        inputs = step.get("inputs")
        if not isinstance(inputs, dict) or not isinstance(inputs.get("Handler"), str):
            continue
        if not is_python(inputs.get("Runtime")):
            continue
        script = _script_file(inputs.get("Script"), path.parent)
        if script is not None:
            found.declarations.append(
                HandlerDeclaration(
                    inputs["Handler"], display(path), path=script, code_root=script.parent, rarely_invoked=REASON
                )
            )


def _script_file(value: object, folder: Path) -> Path | None:
    """The project file a step's ``Script`` names, beside the document or in its ``scripts/``."""
    if not isinstance(value, str):
        return None
    placeholder = _PLACEHOLDER.fullmatch(value.strip())
    name = placeholder.group(1) if placeholder else value.strip()
    if not _PATH.fullmatch(name) or ".." in Path(name).parts:
        return None
    for candidate in (folder / name, folder / "scripts" / name):
        if is_file(candidate):
            return candidate
    return None

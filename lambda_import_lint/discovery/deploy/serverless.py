"""Serverless Framework `serverless.yml`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lambda_import_lint.discovery.deploy.common import (
    Found, declare, define_layer, external_layer, is_dir, is_python, only_schedules, read_text, yaml_load,
)
from lambda_import_lint.discovery.declarations import Layer, handlers_hint


def serverless(path: Path, found: Found) -> None:
    try:
        document = yaml_load(read_text(path))
    except Exception as error:
        found.warn(path, f"cannot read: {str(error).splitlines()[0]}", hint=f"fix it, or {handlers_hint()}")
        return
    if not isinstance(document, dict):
        return
    provider = document["provider"] if isinstance(document.get("provider"), dict) else {}
    runtime = provider.get("runtime")
    functions = document.get("functions") or {}
    if not isinstance(functions, dict):
        return
    layers = _layers(path, document.get("layers"))
    provider = document["provider"] if isinstance(document.get("provider"), dict) else {}
    for name, function in functions.items():
        if not isinstance(function, dict) or not isinstance(function.get("handler"), str):
            continue
        if "${" in function["handler"]:
            continue  # a variable we cannot resolve: ignored, not fatal
        function_runtime = function.get("runtime", runtime)
        if not is_python(function_runtime) and not str(function_runtime).startswith("${"):
            continue
        provisioned = function.get("provisionedConcurrency")
        snap = function.get("snapStart")
        listed = function.get("layers", provider.get("layers"))  # a function's own list replaces the provider's
        function_layers = tuple(
            layers.get(_logical_id(reference), external_layer(reference))
            for reference in (listed if isinstance(listed, list) else ())
        )
        events = function.get("events")
        rare = _scheduled_only(events)
        # serverless-python-requirements' `module`: the function's folder, whose contents are
        # packaged at the archive's root (its handler is named from there).
        module = function.get("module")
        code_root = path.parent / module if isinstance(module, str) and is_dir(path.parent / module) else path.parent
        unattended = not function.get("url") and _only_disconnects(events)
        declare(
            found, path, name, code_root, function["handler"],
            snap if isinstance(snap, bool) else None,
            bool(provisioned) if isinstance(provisioned, int) else None,
            function_layers, rare,
            awaited=_awaited(events, function) and rare is None and not unattended,
            memory=function.get("memorySize", provider.get("memorySize")),
            unattended=unattended,
        )


# Events whose caller waits for the function's answer (see sam.py).
_AWAITED = frozenset({"http", "httpApi", "websocket", "alb", "cognitoUserPool", "alexaSkill", "alexaSmartHome"})


def _awaited(events: object, function: dict[str, Any]) -> bool:
    """Whether somebody waits on a Serverless function's answers: an event of ``_AWAITED`` or a
    function URL (``url:``)."""
    if function.get("url"):
        return True
    return isinstance(events, list) and any(isinstance(event, dict) and bool(_AWAITED & set(event)) for event in events)


def _only_disconnects(events: object) -> bool:
    """Whether a function's every event is a WebSocket ``$disconnect`` route (``- websocket:
    $disconnect`` or ``- websocket: {route: $disconnect}``): nobody waits on it (see sam.py)."""
    if not isinstance(events, list) or not events:
        return False
    for event in events:
        if not isinstance(event, dict) or set(event) != {"websocket"}:
            return False
        route = event["websocket"]
        if (route.get("route") if isinstance(route, dict) else route) != "$disconnect":
            return False
    return True


def _scheduled_only(events: object) -> str | None:
    """A function whose every event is a ``schedule`` of an hour or more (``- schedule: rate(1 day)``
    or ``- schedule: {rate: [cron(0 5 * * ? *)]}``)."""
    if not isinstance(events, list) or not events:
        return None
    expressions: list[object] = []
    for event in events:
        if not isinstance(event, dict) or set(event) != {"schedule"}:
            return None
        schedule = event["schedule"]
        rate = schedule.get("rate") if isinstance(schedule, dict) else schedule
        expressions.extend(rate if isinstance(rate, list) else [rate])
    return only_schedules(expressions)


def _layers(path: Path, block: object) -> dict[str, Layer]:
    """The top-level ``layers:`` block, by the logical id functions refer to it with
    (``{Ref: CommonLibsLambdaLayer}`` for ``common-libs``). Its ``path`` folder is ``/opt``."""
    layers: dict[str, Layer] = {}
    if not isinstance(block, dict):
        return layers
    for name, layer in block.items():
        if not isinstance(layer, dict) or not isinstance(layer.get("path"), str) or "${" in layer["path"]:
            continue
        logical_id = _normalized(str(name)) + "LambdaLayer"
        layers[logical_id] = define_layer(str(name), path.parent / layer["path"])
    return layers


def _normalized(name: str) -> str:
    """The Serverless Framework's logical-id form of a name: first letter upper case, ``-`` as
    ``Dash``, ``_`` as ``Underscore``."""
    return (name[:1].upper() + name[1:]).replace("-", "Dash").replace("_", "Underscore")


def _logical_id(reference: object) -> str:
    return str(reference["Ref"]) if isinstance(reference, dict) and isinstance(reference.get("Ref"), str) else ""

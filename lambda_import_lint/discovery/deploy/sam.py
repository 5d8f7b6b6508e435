"""SAM and CloudFormation templates (YAML with short-form intrinsic tags, or JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lambda_import_lint.discovery.deploy.common import (
    ARCHIVE_HINT, NOT_INSPECTABLE, Found, declare, define_layer, external_layer, is_python, only_schedules,
    read_bytes, read_text, yaml_load,
)
from lambda_import_lint.discovery.declarations import Layer, handlers_hint


def _ref(value: object) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        return str(value["Ref"])
    if isinstance(value, str):
        return value
    return None


# Cognito triggers that run once or twice per new user, not on each sign-in.
_SIGN_UP_TRIGGERS = frozenset({"PreSignUp", "PostConfirmation"})


_SCHEDULES = ("Schedule", "ScheduleV2")


def _rare_events(events: object, parameters: dict[str, Any]) -> str | None:
    """Why a SAM function whose every event is rare runs rarely, or None: schedules of an hour or
    more (``Schedule``, ``ScheduleV2``; an expression given as ``!Ref Parameter`` is read from the
    parameter's ``Default``), EventBridge rules on CloudTrail's records of API calls
    (``detail-type: AWS API Call via CloudTrail``), Cognito sign-up triggers."""
    if not isinstance(events, dict) or not events:
        return None
    expressions: list[object] = []
    reasons: list[str] = []
    for event in events.values():
        if not isinstance(event, dict):
            return None
        kind, properties = event.get("Type"), event.get("Properties") or {}
        if kind in _SCHEDULES:
            expressions.append(_schedule_expression(properties, parameters))
        elif kind in ("EventBridgeRule", "CloudWatchEvent") and _on_api_calls(properties.get("Pattern")):
            reasons.append("runs on CloudTrail API-call events")
        elif kind == "Cognito" and _sign_up_only(properties.get("Trigger")):
            reasons.append("a Cognito sign-up trigger")
        else:
            return None
    if expressions:
        scheduled = only_schedules(expressions)
        if scheduled is None:
            return None
        reasons.insert(0, scheduled)
    return "; ".join(dict.fromkeys(reasons))


def _schedule_expression(properties: dict[str, Any], parameters: dict[str, Any]) -> object:
    """A ``Schedule``/``ScheduleV2`` event's expression; given as ``!Ref Name`` of a template
    parameter with a ``Default``, that default."""
    value = properties.get("Schedule") or properties.get("ScheduleExpression")
    name = _ref(value) if isinstance(value, dict) else None
    parameter = parameters.get(name) if name is not None else None
    return parameter.get("Default", value) if isinstance(parameter, dict) else value


# Event sources whose caller waits for the function's answer: API Gateway's REST and HTTP APIs, a
# Cognito trigger (sign-up triggers are rare, above), an Alexa skill.
_AWAITED = frozenset({"Api", "HttpApi", "Cognito", "AlexaSkill"})


def _awaited(events: object, properties: dict[str, Any]) -> bool:
    """Whether somebody waits on a SAM function's answers: an event of ``_AWAITED`` or a function
    URL (``FunctionUrlConfig``). Not a queue, a stream or a schedule, whatever their pace: a
    client built per invocation is a few milliseconds of a run nobody waits on."""
    if properties.get("FunctionUrlConfig"):
        return True
    return isinstance(events, dict) and any(
        isinstance(event, dict) and event.get("Type") in _AWAITED for event in events.values()
    )


def _on_api_calls(pattern: object) -> bool:
    if not isinstance(pattern, dict):
        return False
    detail_type = pattern.get("detail-type")
    detail = pattern.get("detail")
    return (isinstance(detail_type, list) and "AWS API Call via CloudTrail" in detail_type) or (
        isinstance(detail, dict) and "eventName" in detail and "eventSource" in detail
    )


def _sign_up_only(trigger: object) -> bool:
    triggers = trigger if isinstance(trigger, list) else [trigger]
    return bool(triggers) and all(isinstance(t, str) and t in _SIGN_UP_TRIGGERS for t in triggers)


# Resources whose mention of a function or a state machine starts nothing: permissions to call
# it, its log group, and alarms on its metrics (not an alarm that calls it: `_starts_nothing`).
_BYSTANDERS = frozenset({"AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::Logs::LogGroup"})
_ALARM_ACTIONS = ("AlarmActions", "OKActions", "InsufficientDataActions")


def _starts_nothing(resource: dict[str, Any], name: str) -> bool:
    """Whether a resource naming ``name`` cannot start it: a bystander, or an alarm watching it."""
    kind = resource.get("Type")
    if kind == "AWS::CloudWatch::Alarm":
        properties = resource.get("Properties") or {}
        return not any(_mentions(properties.get(key), name) for key in _ALARM_ACTIONS)
    return kind in _BYSTANDERS


_MACHINES = ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine")
_SCHEDULERS = ("AWS::Events::Rule", "AWS::Scheduler::Schedule")


def _mentions(value: object, name: str) -> bool:
    """Whether a template value names resource ``name``: ``!Ref``, ``!GetAtt``, ``${Name}`` or
    ``${Name.Arn}`` in a ``!Sub`` (or in a definition's string, read with its substitutions)."""
    if isinstance(value, dict):
        return _target(value) == name or any(_mentions(item, name) for item in value.values())
    if isinstance(value, list):
        return any(_mentions(item, name) for item in value)
    return isinstance(value, str) and ("${" + name + "}" in value or "${" + name + "." in value)


def _only_disconnects(function: str, resources: dict[str, Any]) -> bool:
    """Whether only WebSocket ``$disconnect`` routes invoke a function with no events of its own:
    every resource naming it is a bystander, a permission, or an ``AWS::ApiGatewayV2::Integration``
    whose routes (one or more) all have the route key ``$disconnect``. API Gateway calls that route
    after the connection has closed: nobody waits on it (round 45: a chat app's disconnect handler,
    which read `requestContext.connectionId` like a request's)."""
    integrations: list[str] = []
    for name, other in resources.items():
        if name == function or not isinstance(other, dict) or not _mentions(other, function):
            continue
        kind = other.get("Type")
        if kind == "AWS::ApiGatewayV2::Integration":
            integrations.append(name)
        elif kind != "AWS::Lambda::Permission" and not _starts_nothing(other, function):
            return False
    if not integrations:
        return False
    for integration in integrations:
        keys = [
            (other.get("Properties") or {}).get("RouteKey")
            for other in resources.values()
            if isinstance(other, dict) and other.get("Type") == "AWS::ApiGatewayV2::Route"
            and _mentions(other, integration)
        ]
        if not keys or any(key != "$disconnect" for key in keys):
            return False
    return True


def _rare_machines(resources: dict[str, Any], parameters: dict[str, Any]) -> dict[str, str]:
    """The state machines that only schedules of an hour or more start (``only_schedules``), with
    why: a SAM state machine's ``Events``, and EventBridge rules or schedules targeting one. Any
    other resource naming a machine (a function given its ARN, an API) may start it: not rare."""
    rare: dict[str, str] = {}
    for machine, resource in resources.items():
        if not isinstance(resource, dict) or resource.get("Type") not in _MACHINES:
            continue
        reasons: list[str] = []
        events = (resource.get("Properties") or {}).get("Events")
        if events:
            reason = _rare_events(events, parameters)
            if reason is None:
                continue
            reasons.append(reason)
        expressions: list[object] = []
        for name, other in resources.items():
            if name == machine or not isinstance(other, dict) or not _mentions(other, machine):
                continue
            kind, properties = other.get("Type"), other.get("Properties") or {}
            if _starts_nothing(other, machine):
                continue
            if kind in _SCHEDULERS and properties.get("ScheduleExpression") is not None:
                expressions.append(_schedule_expression(properties, parameters))
                continue
            break
        else:
            scheduled = only_schedules(expressions) if expressions else None
            if expressions and scheduled is None:
                continue
            if scheduled is not None:
                reasons.append(scheduled)
            if reasons:
                rare[machine] = "; ".join(reasons)
    return rare


def _rare_step(function: str, resources: dict[str, Any], rare_machines: dict[str, str]) -> str | None:
    """Why a function with no events of its own runs rarely, or None: it is a step of state
    machines that only rare schedules start (``_rare_machines``), outside any ``Map`` state (whose
    items reuse warm functions), and nothing else names it but bystanders (round 29: a weekly
    cron starts a workflow whose first step built a client per run; every run was a cold start)."""
    reasons: list[str] = []
    for name, other in resources.items():
        if name == function or not isinstance(other, dict) or not _mentions(other, function):
            continue
        if _starts_nothing(other, function):
            continue
        if name not in rare_machines or _mapped(other.get("Properties") or {}, function) is not False:
            return None
        reasons.append(f"a step of state machine {name}, which {rare_machines[name]}")
    return "; ".join(reasons) or None


def _mapped(properties: dict[str, Any], function: str) -> bool | None:
    """Whether a state machine's definition runs ``function`` in a ``Map`` state's iterations (None:
    the definition cannot be read here, such as one in a separate file)."""
    definition: object = properties.get("Definition")
    text = properties.get("DefinitionString")
    if isinstance(text, dict) and "Fn::Sub" in text:
        text = text["Fn::Sub"]
    if isinstance(text, list) and text:
        text = text[0]
    if definition is None and isinstance(text, str):
        try:
            definition = json.loads(text)
        except ValueError:
            return None
    if not isinstance(definition, dict):
        return None
    substitutions = properties.get("DefinitionSubstitutions") or {}
    names = [function, *(key for key, value in substitutions.items() if _mentions(value, function))]

    def runs(value: object) -> bool:
        return any(_mentions(value, name) for name in names)

    def mapped(states: object, inside: bool) -> bool:
        if not isinstance(states, dict):
            return False
        for state in states.values():
            if not isinstance(state, dict):
                continue
            if state.get("Type") == "Map":
                processor = state.get("ItemProcessor") or state.get("Iterator") or {}
                if isinstance(processor, dict) and (runs(processor) or mapped(processor.get("States"), True)):
                    return True
            elif state.get("Type") == "Parallel":
                branches = state.get("Branches") or []
                if any(isinstance(b, dict) and mapped(b.get("States"), inside) for b in branches):
                    return True
            elif inside and runs(state):
                return True
        return False

    return mapped(definition.get("States"), False)


def cloudformation(path: Path, found: Found) -> None:
    text = read_text(path)
    try:
        template = json.loads(text) if path.suffix == ".json" else yaml_load(text)
    except Exception as error:  # a broken template is a warning, never a crash
        found.warn(path, f"cannot read template: {str(error).splitlines()[0]}", hint=f"fix it, or {handlers_hint()}")
        return
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        return
    globals_ = (template.get("Globals") or {}).get("Function") or {}
    declared_parameters = template.get("Parameters")
    parameters: dict[str, Any] = declared_parameters if isinstance(declared_parameters, dict) else {}
    resources: dict[str, Any] = template["Resources"]
    provisioned_aliases = {
        _ref(resource.get("Properties", {}).get("FunctionName"))
        for resource in resources.values()
        if isinstance(resource, dict)
        and resource.get("Type") == "AWS::Lambda::Alias"
        and resource.get("Properties", {}).get("ProvisionedConcurrencyConfig")
    }
    layers = _layers(path, resources)
    rare_machines = _rare_machines(resources, parameters)
    for name, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        kind = resource.get("Type")
        properties = resource.get("Properties") or {}
        if kind == "AWS::Serverless::Function":
            merged = {**globals_, **properties}
            if merged.get("PackageType") == "Image" or "InlineCode" in merged or not is_python(merged.get("Runtime")):
                continue
            code_uri = merged.get("CodeUri", ".")
            if not isinstance(code_uri, str):
                found.warn(path, NOT_INSPECTABLE.format("S3 (CodeUri is not a local path)"), name, ARCHIVE_HINT)
                continue
            snap = (merged.get("SnapStart") or {}).get("ApplyOn") == "PublishedVersions"
            provisioned = bool(merged.get("ProvisionedConcurrencyConfig"))
            # Globals' layers come first: SAM adds a function's own list after them.
            listed = _listed(globals_.get("Layers")) + _listed(properties.get("Layers"))
            function_layers = tuple(_layer(reference, layers) for reference in listed)
            code_root = path.parent / code_uri
            events = properties.get("Events")
            rare = _rare_events(events, parameters) if events else _rare_step(name, resources, rare_machines)
            declare(
                found, path, name, code_root, merged.get("Handler"), snap, provisioned, function_layers, rare,
                awaited=_awaited(events, merged) and rare is None,
                memory=merged.get("MemorySize"),
                unattended=not events and not merged.get("FunctionUrlConfig") and _only_disconnects(name, resources),
            )
        elif kind == "AWS::Lambda::Function":
            code = properties.get("Code")
            if not is_python(properties.get("Runtime")) or (isinstance(code, dict) and "ZipFile" in code):
                continue  # inline code lives in the template, not in a file
            if isinstance(code, dict) and "S3Bucket" in code:
                found.warn(path, NOT_INSPECTABLE.format("S3 (Code.S3Bucket)"), name, ARCHIVE_HINT)
                continue
            code_root = path.parent / code if isinstance(code, str) else path.parent
            snap = (properties.get("SnapStart") or {}).get("ApplyOn") == "PublishedVersions"
            function_layers = tuple(_layer(reference, layers) for reference in _listed(properties.get("Layers")))
            declare(
                found, path, name, code_root, properties.get("Handler"), snap, name in provisioned_aliases,
                function_layers, _rare_step(name, resources, rare_machines), memory=properties.get("MemorySize"),
                unattended=_only_disconnects(name, resources),
            )


def _layers(path: Path, resources: dict[str, Any]) -> dict[str, Layer]:
    """The layers the template defines, by resource name. ``AWS::Serverless::LayerVersion``:
    ``ContentUri`` (with ``BuildMethod: python3.x`` SAM builds the folder's modules into
    ``python/``); ``AWS::Lambda::LayerVersion``: ``Content``, a local path once packaged."""
    layers: dict[str, Layer] = {}
    for name, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        kind = resource.get("Type")
        properties = resource.get("Properties") or {}
        if kind == "AWS::Serverless::LayerVersion":
            content = properties.get("ContentUri")
            build = (resource.get("Metadata") or {}).get("BuildMethod")
            built = isinstance(build, str) and build.startswith("python")
        elif kind == "AWS::Lambda::LayerVersion":
            content, built = properties.get("Content"), False
        else:
            continue
        folder = path.parent / content if isinstance(content, str) else None
        layers[name] = define_layer(name, folder, built)
    return layers


def _listed(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _layer(reference: object, layers: dict[str, Layer]) -> Layer:
    """A function's entry in ``Layers``: ``!Ref`` (or ``!GetAtt``) of a layer of this template, else
    a layer defined elsewhere (a literal ARN, ``!Sub``, a parameter)."""
    target = _target(reference)
    if target is not None and target in layers:
        return layers[target]
    return external_layer(reference)


def _target(value: object) -> str | None:
    """The resource a ``Ref`` or ``Fn::GetAtt`` names (``!GetAtt Layer.Arn``: ``Layer``), or None."""
    if not isinstance(value, dict):
        return None
    target = value.get("Ref", value.get("Fn::GetAtt"))
    if isinstance(target, list) and target:
        target = target[0]
    return target.split(".")[0] if isinstance(target, str) else None


def looks_like_template(path: Path) -> bool:
    if path.name in ("template.yaml", "template.yml", "template.json") or path.suffix == ".template":
        return True
    if path.suffix not in (".yaml", ".yml"):
        return False
    try:
        head = read_bytes(path)[:65536]
    except OSError:
        return False
    return b"AWSTemplateFormatVersion" in head or b"AWS::Serverless" in head

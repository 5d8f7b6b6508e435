"""The module's handlers, from its facts: the declared functions, else the heuristic; the handlers
whose cold starts do not matter because they run a handful of times; and whether the module shows
somebody waits on its handlers' answers (for LIL101)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from lambda_import_lint.discovery.files import is_test_or_docs, is_unimportable
from lambda_import_lint.discovery.handlers import Signature, handler_shaped, named_like_a_handler

if TYPE_CHECKING:  # not at run time: the prescreen asks `is_a_copy` without loading LibCST
    from lambda_import_lint.analysis.records import FunctionInfo, ModuleFacts


def source_text(source: bytes | str) -> str:
    """The module's source as text, for the searches below (undecodable bytes replaced): decode
    it once and hand the text to each of them."""
    return source if isinstance(source, str) else source.decode("utf-8", errors="replace")


def looks_like_handler(function: FunctionInfo, handler_names: Iterable[str]) -> bool:
    """The heuristic: a module-level function named like a handler, or taking (event, context)."""
    if not function.module_level or function.class_name is not None:
        return False
    import libcst as cst  # loaded already: the function comes from a LibCST tree

    parameters = function.node.params
    positional = (*parameters.posonly_params, *parameters.params)
    signature = Signature(
        tuple(param.name.value for param in positional),
        sum(param.default is None for param in positional),
        isinstance(parameters.star_arg, cst.Param),
        any(param.default is None for param in parameters.kwonly_params),
        bool(function.node.decorators),
    )
    return handler_shaped(function.name, signature, handler_names)


def entries_of(facts: ModuleFacts, name: str) -> tuple[FunctionInfo, ...]:
    """What Lambda runs when a declaration gives it ``name``: the function, or what a framework
    object so named runs (``app.app``: a Chalice app's registered functions; ``main.handler``, a
    Mangum adapter: its app's routes)."""
    function = facts.function_named(name)
    return (function,) if function is not None else tuple(facts.framework_entries.get(name, ()))


def resolve_handlers(
    facts: ModuleFacts,
    declared: Iterable[str],
    handler_names: Iterable[str],
    path: str = "",
    root: Path | None = None,
    undeployed: bool = False,
) -> tuple[FunctionInfo, ...]:
    """The module's handlers: the declared functions if any are declared (``entries_of``: a declared
    framework object stands for what it runs), else the heuristic and what a framework object
    registers (a Chalice app's or blueprint's functions, the routes of an ASGI app behind a Mangum
    adapter: ``ModuleFacts.framework_entries``), which do not apply to tests and documentation
    (``tests/``, ``docs/``, ``test_*.py``): a handler-shaped function there is a fixture or an
    example, not a deployed function; nor to a file no handler string can name (``main.2.py``: a
    backup next to ``main.py``), nor to an undeployed sibling of declared functions
    (``Declared.undeployed``). A handler-shaped function that another one calls is a helper, not a
    handler."""
    declared = tuple(declared)
    if declared:
        return tuple(dict.fromkeys(function for name in declared for function in entries_of(facts, name)))
    if undeployed or is_test_or_docs(path, root) or is_unimportable(path):
        return ()
    # A name defined twice is the later function's (round 36: a handler module holding two
    # `def lambda_handler`, the first an older version nothing can call).
    shaped = tuple(
        function for function in facts.functions
        if looks_like_handler(function, handler_names) and facts.function_named(function.name) is function
    )
    registered = tuple(function for functions in facts.framework_entries.values() for function in functions)
    if (shaped or registered) and is_a_copy(path, {function.name for function in (*shaped, *registered)}):
        return ()
    # A handler-shaped function another one calls is its helper (round 9: `lambda_handler` builds
    # the clients and calls `main(event, context, s3_client, …)`), not a second handler; unless
    # it is named like a handler and its caller is not: then the caller is a wrapper for running it
    # by hand (round 13: `manual_trigger_handler(event, context)` calling `lambda_handler`).
    patterns = tuple(handler_names)
    calls = [(function, edge.callee) for function in shaped for edge in facts.calls_from(function) if edge.called]
    wrappers = {
        caller for caller, callee in calls
        if callee in shaped
        and named_like_a_handler(callee.name, patterns) and not named_like_a_handler(caller.name, patterns)
    }
    helpers = {callee for caller, callee in calls if caller not in wrappers}
    entries = tuple(function for function in shaped if function not in helpers and function not in wrappers)
    return tuple(dict.fromkeys((*registered, *(entries or shaped))))


def is_a_copy(path: str, names: set[str]) -> bool:
    """Whether the file is a copy of a handler module next to it: ``main_new.py``,
    ``main_working.py`` or ``main-old.py`` beside a ``main.py`` that defines a function of the same
    name (round 8: five drafts of one receiver, the deployment naming ``main.lambda_handler``). The
    files looked at are recorded for the result cache, those absent too."""
    import os

    from lambda_import_lint.analysis.external_references import read_recorded

    folder, name = os.path.split(path)
    stem = name[: -len(".py")] if name.endswith(".py") else ""
    for cut in (match.start() for match in re.finditer(r"(?<=.)[_\- ]", stem)):
        text = read_recorded(os.path.join(folder, stem[:cut] + ".py"))  # b"" for a file not there
        defines = (rb"^(?:async\s+)?def\s+" + re.escape(function.encode()) + rb"\s*\(" for function in names)
        if any(re.search(pattern, text, re.M) for pattern in defines):
            return True
    return False


# What a handler Lambda calls a handful of times looks like: cold starts there cost nothing worth a
# change (CloudFormation custom resources run on stack operations, rotation functions on a
# schedule of days). Each entry: a kind and the texts a module of that kind holds, all of them.
CUSTOM_RESOURCE = "a CloudFormation custom resource"
_RARE_KINDS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    (
        CUSTOM_RESOURCE,
        (
            ("cfnresponse",),
            ("crhelper",),
            ("RequestType", "ResponseURL"),
            # Answering CloudFormation when the event asks for it (`if "ResponseURL" in event`).
            ("ResponseURL", "LogicalResourceId"),
            ("ResponseURL", "PhysicalResourceId"),
            # The CDK Provider framework's on_event: it answers CloudFormation for the function.
            ("RequestType", "ResourceProperties"),
            ("RequestType", "def on_event("),
            # The framework's is_complete poller: called until it answers `{"IsComplete": True}`.
            ("IsComplete",),
        ),
    ),
    ("a Secrets Manager rotation function", (("createSecret", "setSecret", "testSecret", "finishSecret"),)),
    # Evaluated when a resource's configuration changes (or on a schedule of hours).
    ("an AWS Config rule", (("invokingEvent", "put_evaluations"), ("invokingEvent", "configurationItem"))),
    # Once or twice per new user. A trigger that adds the confirmed user to a group is a
    # post-confirmation one (round 38: a Chalice app's `@app.lambda_function` reading the event's
    # `userPoolId`, without `triggerSource`; every module of the corpora with both is one).
    (
        "a Cognito sign-up trigger",
        (
            ("triggerSource", "PreSignUp_"), ("triggerSource", "PostConfirmation_"),
            ("userPoolId", "admin_add_user_to_group"),
        ),
    ),
    # A Bedrock agent's action group: called at the pace of an agent's conversation, each call
    # dwarfed by the model's own time.
    ("a Bedrock agent action group", (("actionGroup", "apiPath"), ("actionGroup", "messageVersion"))),
    # A CloudWatch alarm's Lambda action, or its notification through SNS (round 9: a Slack
    # notifier of EC2 alarms): when the alarm changes state.
    ("a CloudWatch alarm action", (("alarmData",), ("AlarmName", "NewStateValue"))),
    # A CodePipeline Invoke action: once per pipeline run.
    ("a CodePipeline action", (("CodePipeline.job",),)),
    # An EventBridge rule on CloudTrail's record of an API call (`CreateDeployment`, `CreateBucket`):
    # runs when someone changes the account's resources, not on user traffic.
    (
        "a handler of CloudTrail API-call events",
        (
            ("['detail']['requestParameters']",),
            ('["detail"]["requestParameters"]',),
            ("AWS API Call via CloudTrail",),
        ),
    ),
    # EventBridge events an AWS service sends when one of the account's resources changes state or
    # a security service finds something: an instance starts, a build ends, a pipeline runs,
    # GuardDuty or Inspector reports a finding. They come at the pace of operations, not of traffic
    # (blind reviews: a CodeBuild status hook, a GuardDuty-triggered remediation, a security-group
    # check on EC2 state changes, an Inspector auto-remediation).
    (
        "a handler of AWS resource state changes or security findings",
        (
            ("['detail']['instance-id']",),
            ('["detail"]["instance-id"]',),
            ("EC2 Instance State-change Notification",),
            ("build-status",),
            ("['detail']['build-id']",),
            ('["detail"]["build-id"]',),
            ("['detail']['execution-id']",),
            ('["detail"]["execution-id"]',),
            ("Pipeline Execution State Change",),
            ("GuardDuty", "detail"),
            ("instanceDetails", "detail"),
            ("FINDING_REPORTED",),
        ),
    ),
)


# What an account's sign-up or password-reset endpoint asks Cognito: once or twice in a user's life,
# so nearly every call is a cold start and a client built per call is never reused (blind reviews
# of seed 23's sample: sign-up, forgot-password and confirm-forgot-password endpoints, 3 "no" of 3).
# Not in a module that also signs users in, which every session does.
_ACCOUNT_LIFECYCLE = re.compile(
    r"\.(?:sign_up|confirm_sign_up|forgot_password|confirm_forgot_password|admin_reset_user_password"
    r"|resend_confirmation_code)\("
)
_SIGN_IN = re.compile(r"\.(?:initiate_auth|admin_initiate_auth|respond_to_auth_challenge|get_user|global_sign_out)\(")


# The handler names of custom resources' operations and the CDK Provider framework's poller: a
# module whose handlers are all named so is a custom resource's (`handler="app.on_create"`). Not
# `on_event`, which plenty of handlers of other events are called (the Provider framework's own
# reads `RequestType`, above).
_CUSTOM_RESOURCE_HANDLERS = frozenset(
    ("on_create", "on_update", "on_delete", "is_complete", "onCreate", "onUpdate", "onDelete", "isComplete")
)


def rarely_invoked(source: bytes | str, handler_names: Iterable[str] = ()) -> str | None:
    """What kind of rarely invoked handler module this is, if any (``_RARE_KINDS``): a CloudFormation
    custom resource (``cfnresponse``, ``crhelper``, an event read for ``RequestType`` and
    ``ResponseURL``, an ``IsComplete`` answer, or handlers all named like the CDK Provider
    framework's ``on_create``/``on_delete``/``is_complete``), a Secrets Manager rotation function (the
    four ``Step`` names), an AWS Config rule, a Cognito sign-up trigger, a Bedrock agent action
    group, a CloudWatch alarm action, a CodePipeline action, a handler of CloudTrail API-call
    events, an account's sign-up or password-reset endpoint (``_ACCOUNT_LIFECYCLE`` without
    ``_SIGN_IN``); or a module that calls a service on localhost (``_LOCAL_SERVICE``), or connects to a database
    on this machine or a Docker network (``_LOCAL_HOST``): an emulator's."""
    names = tuple(handler_names)
    if names and all(name in _CUSTOM_RESOURCE_HANDLERS for name in names):
        return CUSTOM_RESOURCE
    text = source_text(source)
    for kind, alternatives in _RARE_KINDS:
        if any(all(needle in text for needle in needles) for needles in alternatives):
            return kind
    if _ACCOUNT_LIFECYCLE.search(text) is not None and _SIGN_IN.search(text) is None:
        return "an account's sign-up or password-reset endpoint"
    if any(_hard_coded(text, found.start()) for found in (*_LOCAL_SERVICE.finditer(text), *_LOCAL_HOST.finditer(text))):
        return "a function that calls a service on its own machine (an emulator's)"
    return None


# A URL of a service on the machine itself (`requests.post("http://localhost:8082/payment")`,
# `endpoint_url="http://localhost:4566"`): in AWS Lambda nothing listens there, so the module runs
# in an emulator (LocalStack, SAM local), where cold starts cost nothing (round 14's blind review:
# a LocalStack exercise's SNS clients). Not the default of a setting (`os.getenv("URL",
# "http://localhost:4566")`), which a deployment overrides.
_LOCAL_SERVICE = re.compile(r"""["']https?://(?:localhost|127\.0\.0\.1|localstack|host\.docker\.internal)\b""")


# A database host written into the code as this machine or a Docker network's address
# (`psycopg2.connect(host="172.19.0.2", ...)`: the Postgres of a docker-compose file next to
# `sam local`; round 16's blind review): a deployed function reaches its database by a name from
# its configuration, so the module runs in an emulator.
_LOCAL_HOST = re.compile(
    r"""\bhost\s*=\s*["'](?:localhost|127\.0\.0\.1|host\.docker\.internal|172\.(?:1[7-9]|2\d)\.\d{1,3}\.\d{1,3})["']"""
)


def _hard_coded(text: str, at: int) -> bool:
    line = text[text.rfind("\n", 0, at) + 1:at]
    return "#" not in line and "environ" not in line and "getenv" not in line


# What a handler somebody waits on reads or answers: an HTTP request (API Gateway REST, HTTP and
# WebSocket APIs, ALB, function URLs, and the web frameworks behind an adapter), a GraphQL field
# (AppSync, Powertools' resolvers), a Lex bot's turn. Only there does a client built per invocation
# add to a wait; a queue's or a stream's worker, a schedule, a bucket's or a topic's notifications
# run at their own pace, nobody waiting (blind reviews, rounds 1-14: a client built once per
# invocation was worth a change in 44 of 172 verdicts in modules with none of these, and in 117 of
# 210 in modules with one, 62 of 71 in the last five rounds; one built per item of a loop in 7 of
# 19 there: a batch of one, a loop over two settings, a finalisation run once per batch).
_AWAITED_NAMES: tuple[str, ...] = (
    "pathParameters", "queryStringParameters", "httpMethod", "requestContext", "rawPath", "routeKey",
    "connectionId", "APIGatewayProxyEvent", "APIGatewayProxyEventV2", "ALBEvent", "LambdaFunctionUrlEvent",
    "AppSyncResolverEvent", "Mangum", "serverless_wsgi", "awsgi", "Chalice", "sessionState", "currentIntent",
    # A Chalice (or Flask) blueprint's routes, a Chalice route reading its request.
    "Blueprint", "current_request",
)
_AWAITED_WORD = re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(name) for name in _AWAITED_NAMES) + r")(?![\w-])"
    # Powertools' HTTP and GraphQL resolvers (`APIGatewayRestResolver`, `AppSyncResolver`…).
    r"|\w*Resolver\b"
)
# A request's body or headers read from the event itself (an SQS message's body is a record's:
# `record["body"]`), AppSync's arguments (read from a name: `event["arguments"]`, not a payload's
# field deep in it, `event["data"]["command"]["arguments"]`: round 45's Step Functions tasks) and
# field name. Not an HTTP-shaped answer (`{"statusCode": 200, …}`): the hello-world template returns
# one, from nightly jobs too.
_AWAITED_READ = re.compile(
    r"""\bevent\s*(?:\[\s*|\.get\(\s*)["'](?:body|headers)["']"""
    r"""|\b[A-Za-z_]\w*\s*(?:\[\s*|\.get\(\s*)["']arguments["']|(?:\[\s*|\.get\(\s*)["']fieldName["']"""
)


# What a failed asynchronous invocation's record holds (the record a Lambda on-failure destination
# or a stream's dead-letter queue receives): its `requestContext` is the failed invocation's
# (`condition`, `approximateInvokeCount`), not an HTTP request's (a blind review's DLQ replayer).
_FAILURE_RECORD = re.compile(
    r"\b(?:approximateInvokeCount|RecordAgeExceeded|RetryAttemptsExhausted|KinesisBatchInfo|DDBStreamBatchInfo)\b"
)


def awaited(source: bytes | str) -> bool:
    """Whether the module shows somebody waits on its handlers' answers (``_AWAITED_WORD``,
    ``_AWAITED_READ``): an HTTP request, a GraphQL field, a Lex turn."""
    text = source_text(source)
    if _AWAITED_READ.search(text) is not None:
        return True
    failure_record = _FAILURE_RECORD.search(text) is not None
    return any(
        not (failure_record and found.group() == "requestContext") for found in _AWAITED_WORD.finditer(text)
    )


# What a module whose invocations run for seconds does: sleeps, long-polls a queue, watches the
# time it has left, or runs another program and waits for it (`subprocess.run(["ffmpeg", …])`: a
# blind review's 8 GB audio segmenter). A client's few milliseconds are a sliver of such an
# invocation.
_WAITING = re.compile(
    r"\bsleep\(|\bWaitTimeSeconds\b|\bget_remaining_time_in_millis\("
    r"|\bsubprocess\.(?:run|call|check_call|check_output|Popen)\("
    # A boto3 waiter, which polls for seconds to minutes (round 47: a pull-request webhook waiting
    # for an EC2 instance to stop before starting it; both reviewers "no").
    r"|\.wait_until_\w+\(|\.get_waiter\("
    # pdf2image, which runs poppler's `pdftoppm` over every page (round 49: a document splitter
    # rasterising a PDF, then calling Textract and Comprehend per page; both reviewers "no").
    r"|\bconvert_from_(?:bytes|path)\("
)


# What a function that hands its work to something that runs for seconds to minutes calls: it
# starts (or stops) a Step Functions execution, a Glue job, a Batch job, a CodePipeline or CodeBuild
# run, an ECS task, a knowledge-base ingestion, an asynchronous Transcribe or Textract job, a
# CloudFormation stack operation. Such a trigger runs when its workflow is asked for (blind
# reviews: an admin console's "start" buttons, a file-drop kicking off an ETL or a Glue crawler,
# a webhook deleting a branch's stack), so most of its invocations are cold, and a
# client's few tens of milliseconds are a sliver of the work it starts. `start_sync_execution` (an
# Express workflow the caller waits for) is not among them.
_HANDING_OFF = re.compile(
    r"\.(?:start_execution|stop_execution|start_job_run|submit_job|start_pipeline_execution|start_build"
    r"|run_task|start_ingestion_job|start_transcription_job|start_call_analytics_job"
    r"|start_document_analysis|start_document_text_detection"
    # A Glue crawler or workflow, a DataSync task (round 10: an upload starting a crawler).
    r"|start_crawler|start_workflow_run|start_task_execution"
    # A CloudFormation stack's creation, update or deletion (round 17: a branch-delete webhook
    # removing a stack; rounds 1-2: a pipeline action deploying one).
    r"|create_stack|update_stack|delete_stack|execute_change_set)\("
)


def hands_off(source: bytes | str) -> bool:
    """Whether the module starts work that runs long after its invocation (``_HANDING_OFF``):
    ``sfn.start_execution(...)``, ``glue.start_job_run(...)``, ``batch.submit_job(...)``…"""
    return _HANDING_OFF.search(source_text(source)) is not None


def waits(source: bytes | str) -> bool:
    """Whether the module waits (``_WAITING``): ``time.sleep(1)`` before reading a queue, a
    ``receive_message(WaitTimeSeconds=20)`` long poll, a ``subprocess.run(...)``, a loop until
    ``get_remaining_time_in_millis()`` runs low."""
    return _WAITING.search(source_text(source)) is not None

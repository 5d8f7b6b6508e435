"""LIL101: an SDK client or connection created on every invocation of a handler.

Why: the judgement's ``client_sites`` (``judgement/assessment.py``: a client factory called with
constant arguments in a function a handler reaches). No fix.
"""

from __future__ import annotations

from typing import Iterator

from lambda_import_lint.rules.base import Example, Finding, Rule, RuleContext

CODE = "LIL101"


def check(context: RuleContext) -> Iterator[Finding]:
    for client in context.assessment.client_sites:
        site, handler = client.site, client.handler
        where = "" if site.function is handler else f" (through `{site.function.qualname}`)" if site.function else ""
        if client.others:  # (round 23: a rarely called handler named, its busy neighbours not)
            others = "handler" if client.others == 1 else f"{client.others} handlers"
            where += f" and by the module's other {others}"
        when = "every invocation" if client.every_invocation else "each invocation"
        reaching = "" if client.every_invocation else " that reaches it"
        per_item = " for each item of a loop" if client.per_item else ""
        reusing = "every item and warm invocation reuses" if client.per_item else "warm invocations reuse"
        message = (
            f"`{site.qualified}(...)` is created anew{per_item} on {when} of `{handler.qualname}`"
            f"{where}{reaching}; create it once at module scope so {reusing} it"
        )
        assert site.function is not None  # client sites are only collected inside functions
        yield context.finding(CODE, site.node, message, top=site.function.top_statement)


RULE = Rule(
    code=CODE,
    name="client-per-invocation",
    summary="SDK client or connection created inside a handler on every invocation",
    what=(
        "Finds `boto3.client(...)`, `boto3.resource(...)`, database connections, HTTP sessions and "
        "other SDK clients created inside a handler, or a function it calls, with arguments that do "
        "not depend on the invocation (literals, module constants, `os.environ`)."
    ),
    why=(
        "Lambda reuses an execution environment for many invocations. A client created at module "
        "scope is built once, during INIT, and its connections and credentials are reused by every "
        "warm invocation (AWS's own best practice). Created inside the handler, it is rebuilt on "
        "every request: `boto3.client` alone costs tens of milliseconds at 128 MB, plus a new TLS "
        "handshake. A finding says the change helps, so a client is reported only when it is built "
        "on every invocation, or once per item of a loop (a client per message of a request), by a "
        "handler somebody waits on: its code reads an HTTP request, a GraphQL field or a Lex turn, or "
        "its deployment names an API, a function URL or a Cognito sign-in. A queue's or a stream's "
        "worker, a schedule, a bucket's, a topic's or EventBridge's notifications, and a WebSocket "
        "API's `$disconnect` route (called after the client has gone) keep nobody waiting: a client "
        "built per run there is a few milliseconds of it (blind reviews: 51 of 191 "
        "such findings worth a change; `lint-rare-handlers = true` reports them too). "
        "Not reported: a client built from the event (another account's credentials, a region from "
        "the request); one only some invocations build (one branch, one route of several: how often "
        "that path runs is not in the code; `--defer all` reports those too); one built on an error "
        "path, behind a module cache (a function declaring `global`, memoized with `@lru_cache`, or "
        "returning early from a module-level mapping it fills), set up for the invocation "
        "after it is built (`session.auth = ...`, `boto3.setup_default_session(...)`), closed by the "
        "function (`conn.close()`, a `with` block) or never read by it; a bare boto3 session no "
        "client is built from; a factory the module's tests replace while calling it "
        "(`mock.patch(\"boto3.client\")`, or moto in a test file that imports the module at its top: "
        "a client built at import escapes the patch); clients of functions declared with a full vCPU "
        "(1,769 MB or more, where a client takes a few milliseconds), that sleep, long-poll or run "
        "until their time is nearly up, run another program (`subprocess.run`), or start "
        "long-running work (a Step Functions execution, a Glue job or crawler, a Batch job, a "
        "CloudFormation stack operation); and functions that run a handful of times (custom "
        "resources, schedules of hours, SSM Automation scripts, Bedrock agent action groups, "
        "CloudWatch alarm notifications, handlers of "
        "AWS resource state changes and security findings). In a "
        "module several functions use as their handlers, only a client every handler builds is "
        "reported: at module scope it would be built in the INIT of each of them."
    ),
    fix_safety="No fix: moving the client changes when it is built and which name holds it.",
    options=("defer",),
    check=check,
    invalid=(
        Example(
            id="client-in-handler",
            source='''\
import boto3


def lambda_handler(event, context):
    table = boto3.resource("dynamodb").Table("orders")
    return table.get_item(Key={"id": event["pathParameters"]["id"]})
''',
            findings=(5,),
        ),
        Example(
            id="client-in-helper",
            source='''\
import json
import os

import boto3


def lambda_handler(event, context):
    for message in json.loads(event["body"])["messages"]:
        publish(message)
    return {"statusCode": 202}


def publish(message):
    sns = boto3.client("sns", region_name=os.environ["AWS_REGION"])
    return sns.publish(TopicArn=os.environ["TOPIC"], Message=message)
''',
            findings=(14,),
        ),
    ),
    valid=(
        Example(
            id="client-at-module-scope",
            source='''\
import boto3

table = boto3.resource("dynamodb").Table("orders")


def lambda_handler(event, context):
    return table.get_item(Key={"id": event["id"]})
''',
        ),
        Example(
            id="per-request-credentials",
            source='''\
import boto3


def lambda_handler(event, context):
    credentials = event["credentials"]
    s3 = boto3.client("s3", aws_access_key_id=credentials["key"])
    return s3.list_buckets()
''',
        ),
        Example(
            id="client-on-one-route",
            source='''\
import boto3


def lambda_handler(event, context):
    if event["httpMethod"] == "DELETE":
        # One route of two: the code does not say how often it runs.
        s3 = boto3.client("s3")
        return s3.delete_object(Bucket="b", Key=event["pathParameters"]["key"])
    return {"statusCode": 200}
''',
        ),
        Example(
            id="no-traffic-shown",
            source='''\
import boto3


def lambda_handler(event, context):
    # A task handed a custom payload (by Step Functions, say): nothing shows warm invocations.
    s3 = boto3.client("s3")
    return s3.head_object(Bucket=event["bucket"], Key=event["key"])
''',
        ),
    ),
)

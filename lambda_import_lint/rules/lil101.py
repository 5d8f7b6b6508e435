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
        when = "every invocation" if client.every_invocation else "each invocation"
        reaching = "" if client.every_invocation else " that reaches it"
        message = (
            f"`{site.qualified}(...)` is created anew on {when} of `{handler.qualname}`"
            f"{where}{reaching}; create it once at module scope so warm invocations reuse it"
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
        "every request: `boto3.client` alone costs tens of milliseconds, plus a new TLS handshake. "
        "Clients built from the event (another account's credentials, a region from the request) "
        "are not reported, nor are clients of handlers not shown to be invoked often enough to stay "
        "warm: the handler's code or its deployment must name an event source of traffic (an API, "
        "a queue or stream's `Records`, application events, a resolver), and functions that run a "
        "handful of times (custom resources, schedules of hours, SSM Automation scripts, Bedrock "
        "agent action groups) never are. In a module several functions use as their handlers, only "
        "a client every handler builds is reported: at module scope it would be built in the INIT "
        "of each of them."
    ),
    fix_safety="No fix: moving the client changes when it is built and which name holds it.",
    options=(),
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
import os

import boto3


def lambda_handler(event, context):
    for record in event["Records"]:
        publish(record["body"])


def publish(message):
    sns = boto3.client("sns", region_name=os.environ["AWS_REGION"])
    return sns.publish(TopicArn=os.environ["TOPIC"], Message=message)
''',
            findings=(12,),
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

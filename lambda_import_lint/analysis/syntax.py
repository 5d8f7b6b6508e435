"""Questions about LibCST nodes that need no context: what a test, a guard or a call is."""

from __future__ import annotations

from typing import Callable, Collection, Iterable, Iterator, Sequence

import libcst as cst

from lambda_import_lint.analysis.walk_base import descendants


def all_parameters(params: cst.Parameters) -> list[cst.Param]:
    return [
        *params.posonly_params,
        *params.params,
        *([params.star_arg] if isinstance(params.star_arg, cst.Param) else []),
        *params.kwonly_params,
        *([params.star_kwarg] if params.star_kwarg is not None else []),
    ]


def is_type_checking_test(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Name):
        return test.value == "TYPE_CHECKING"
    return isinstance(test, cst.Attribute) and test.attr.value == "TYPE_CHECKING"


def guard_holds_only_imports(guard: cst.BaseCompoundStatement) -> bool:
    """True when a module-level ``try``/``if`` holds nothing but imports (and ``pass``)."""
    blocks: list[cst.BaseSuite] = []
    if not isinstance(guard, (cst.Try, cst.If)):
        return False
    if isinstance(guard, cst.Try):
        if guard.orelse is not None or guard.finalbody is not None:
            return False
        blocks = [guard.body, *(handler.body for handler in guard.handlers)]
    else:
        branch: cst.If | cst.Else | None = guard
        while isinstance(branch, cst.If):
            blocks.append(branch.body)
            branch = branch.orelse
        if branch is not None:
            blocks.append(branch.body)
    for block in blocks:
        statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
        for statement in statements:
            if not isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                return False
            if not all(isinstance(node, (cst.Import, cst.ImportFrom, cst.Pass)) for node in statement.body):
                return False
    return True


def is_main_guard(test: cst.BaseExpression) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    sides = (test.left, target.comparator)
    return (
        isinstance(target.operator, cst.Equal)
        and any(isinstance(side, cst.Name) and side.value == "__name__" for side in sides)
        and any(
            isinstance(side, cst.SimpleString) and side.evaluated_value == "__main__"
            for side in sides
        )
    )


def catches_import_error(handlers: Sequence[cst.ExceptHandler | cst.ExceptStarHandler]) -> bool:
    for handler in handlers:
        if handler.type is None:
            return True
        names = {
            node.value if isinstance(node, cst.Name) else node.attr.value
            for node in flatten_tuple(handler.type)
            if isinstance(node, (cst.Name, cst.Attribute))
        }
        if names & {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}:
            return True
    return False


def flatten_tuple(expression: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    if isinstance(expression, cst.Tuple):
        for element in expression.elements:
            yield from flatten_tuple(element.value)
    else:
        yield expression


def reads_module_names(builtin: str, call: cst.Call) -> bool:
    """``globals()``, ``vars()`` and ``eval``/``exec`` without an explicit namespace can read any
    module-scope name; ``eval(code, namespace)`` cannot."""
    if builtin == "globals":
        return True
    if builtin == "vars":
        return not call.args
    explicit = any(arg.keyword is not None and arg.keyword.value == "globals" for arg in call.args)
    return len(call.args) < 2 and not explicit


def dotted_name(expression: cst.BaseExpression) -> str | None:
    if isinstance(expression, cst.Name):
        return expression.value
    if isinstance(expression, cst.Attribute):
        base = dotted_name(expression.value)
        return None if base is None else f"{base}.{expression.attr.value}"
    return None


def relative_prefix(node: cst.ImportFrom | cst.LazyImportFrom) -> str:
    return "." * len(node.relative)


# The batch of records every invocation by a queue, stream, topic or bucket carries (SQS, SNS,
# S3, Kinesis, DynamoDB streams: `Records`; Firehose transformations: `records`): read with
# `.get("Records", [])` out of caution, it is there all the same.
_BATCH_KEYS = frozenset({"Records", "records"})


def is_optional_iterable(expression: cst.BaseExpression) -> bool:
    """An iterable that is visibly optional: ``event.get("images", [])``, ``event.get("items") or
    []``, ``x if c else []``. A loop over it runs only on some invocations. Not the batch of an
    event source (``event.get("Records", [])``, round 8: an SQS worker)."""
    if isinstance(expression, cst.BooleanOperation) and _gets_the_batch(expression.left):
        return False
    if isinstance(expression, cst.Call):
        func = expression.func
        return isinstance(func, cst.Attribute) and func.attr.value == "get" and not _gets_the_batch(expression)
    return isinstance(expression, (cst.BooleanOperation, cst.IfExp))


def _gets_the_batch(expression: cst.BaseExpression) -> bool:
    """``….get("Records", [])``."""
    key = _got_key(expression)
    return isinstance(key, cst.SimpleString) and key.raw_value in _BATCH_KEYS


def _got_key(expression: cst.BaseExpression) -> cst.BaseExpression | None:
    """The key ``….get(key, …)`` reads; None for anything else."""
    if (
        isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute)
        and expression.func.attr.value == "get" and expression.args
    ):
        return expression.args[0].value
    return None


_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})


def only_reports(suite: cst.BaseSuite | Sequence[cst.BaseStatement]) -> bool:
    """A block that only reports: ``print(...)``, ``logger.warning(...)``, ``pass``, ``raise``,
    ``return`` of an HTTP error (``return {"statusCode": 400, "body": "no id"}``) or of an HTTP
    status alone (``return 200``: no answer a caller reads; round 19: ``if event["httpMethod"] ==
    "POST": return handle_post(…)`` then ``return 200``, behind an API routing only POST to the
    function; a bare ``return`` or ``return None`` is a way of its own, skipping what the other side
    does), also setting a fallback literal after reporting (``logger.error("no items");
    recommendations = {}``). The ``else`` of a branch the event's well-formed invocations all take
    (``if "msg" in body: … else: print("no msg")``): that branch is as good as the main path."""
    statements: Sequence[cst.BaseStatement | cst.SimpleStatementSuite]
    if isinstance(suite, cst.IndentedBlock):
        statements = suite.body
    elif isinstance(suite, cst.SimpleStatementSuite):
        statements = [suite]
    elif isinstance(suite, cst.BaseSuite):
        return False
    else:
        statements = suite
    if not statements:
        return False
    reported = defaulted = False
    errors: set[str] = set()  # names an HTTP error answer was built in (`response = {"statusCode": 401}`)
    for statement in statements:
        if not isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return False
        for small in statement.body:
            if isinstance(small, (cst.Pass, cst.Raise)):
                reported = reported or isinstance(small, cst.Raise)
                continue
            if isinstance(small, cst.Return) and small.value is not None and (
                _http_error(small.value) or isinstance(small.value, cst.Name) and small.value.value in errors
            ):
                reported = True  # (round 39: `response = {"statusCode": 401, …}` then `return response`)
                continue
            if isinstance(small, cst.Return) and _bare_status(small.value):
                continue  # `return 200`: an HTTP status alone, no answer anyone reads
            if isinstance(small, cst.Assign) and (_sets_an_http_error(small) or _answers_status(small.value, errors)):
                # `answer["statusCode"] = 400`, returned after the `if`; `code = 401` then
                # `response = {"statusCode": code, …}` (round 49)
                reported = True
                errors.update(target.target.value for target in small.targets if isinstance(target.target, cst.Name))
                continue
            if isinstance(small, cst.Assign) and (_literal(small.value) or _message(small.value)):
                # `recommendations = {}` after logging the error: a fallback; `body = "Bad Request:
                # %s" % err` beside `status_code = 400`: the error's text
                defaulted = True
                continue
            if not _is_report(small):
                return False
            reported = True
    # A fallback value alone is an alternative of its own (`else: image = None`), not a report.
    return reported or not defaulted


def does_nothing(function: cst.FunctionDef) -> bool:
    """A placeholder: the function's body only documents, prints or logs, and returns nothing, a
    literal or an answer built of literals (``print(event)``, then ``return {}``; ``return
    {"statusCode": 200, "body": json.dumps({"Hello": "from lambda"})}``). Blind reviews: an unused
    ``import boto3`` above such a handler is scaffolding about to be used, and nothing depends on
    the cold starts of a function that does nothing."""
    smalls = _small_statements(function)
    if smalls is None:
        return False
    constants: set[str] = set()  # `msg = {"message": "bye bye"}` … `return {"body": json.dumps(msg)}`
    for small in smalls:
        if isinstance(small, cst.Pass):
            continue
        if isinstance(small, cst.Return):
            if small.value is None or _inert(small.value, constants) and not _content(small.value):
                continue
            return False
        if (
            isinstance(small, cst.Assign) and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name) and _inert(small.value, constants)
            and not _content(small.value)
        ):
            constants.add(small.targets[0].target.value)
            continue
        if (
            isinstance(small, cst.Assign) and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name) and _field_read(small.value)
        ):
            # `flag_name = event['FlagName']` under "Replace with your flag setting logic" (round
            # 47, both reviewers "no"): the name may only be reported afterwards, since returning
            # it or computing with it is no placeholder (it is not among the constants).
            continue
        if not isinstance(small, cst.Expr):
            return False
        value = small.value
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
            continue  # a docstring
        if not isinstance(value, cst.Call) or not _reports(value):
            return False
    return True


def _field_read(value: cst.BaseExpression) -> bool:
    """A field read from a name: ``event['FlagName']``, ``event["detail"]["id"]``,
    ``event.get("Status")``, ``event.get("Status", "off")``."""
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "get":
        if not all(isinstance(arg.value, (cst.SimpleString, cst.Integer, cst.Name)) for arg in value.args):
            return False
        value = value.func.value
    while isinstance(value, cst.Subscript):
        if not all(
            isinstance(element.slice, cst.Index) and isinstance(element.slice.value, (cst.SimpleString, cst.Integer))
            for element in value.slice
        ):
            return False
        value = value.value
    return isinstance(value, cst.Name)


def _small_statements(function: cst.FunctionDef) -> list[cst.BaseSmallStatement] | None:
    """The simple statements of a function's body in order, or None when it holds a compound one."""
    block = function.body
    statements = block.body if isinstance(block, cst.IndentedBlock) else (block,)
    smalls: list[cst.BaseSmallStatement] = []
    for statement in statements:
        if not isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return None
        smalls.extend(statement.body)
    return smalls


def is_stub(function: cst.FunctionDef) -> bool:
    """A function not written yet: its body only documents, passes (``pass``, ``...``), returns
    nothing (``return``, ``return None``) or raises ``NotImplementedError``."""
    smalls = _small_statements(function)
    if smalls is None:
        return False
    for small in smalls:
        if isinstance(small, cst.Pass):
            continue
        if isinstance(small, cst.Return):
            if _returns_nothing(small):
                continue
            return False
        if isinstance(small, cst.Raise):
            raised = small.exc.func if isinstance(small.exc, cst.Call) else small.exc
            if isinstance(raised, cst.Name) and raised.value == "NotImplementedError":
                continue
            return False
        if isinstance(small, cst.Expr) and isinstance(
            small.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString)
        ):
            continue
        return False
    return True


def _content(value: cst.BaseExpression) -> bool:
    """A text written into the code that is what the function serves (a landing page's HTML, a
    document): a string of several lines or of 100 characters and more (round 12's blind review:
    a deployed page answering its HTML is no placeholder)."""
    return any(
        isinstance(node, cst.SimpleString) and ("\n" in node.value or len(node.value) >= 100)
        for node in descendants(value)
    )


def _is_report(small: cst.BaseSmallStatement) -> bool:
    """A statement that only reports: ``print(...)``, ``logger.warning(...)``."""
    return isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and _reports(small.value)


def _returns_nothing(small: cst.Return) -> bool:
    """``return`` or ``return None``."""
    return small.value is None or isinstance(small.value, cst.Name) and small.value.value == "None"


def _reports(call: cst.Call) -> bool:
    func = call.func
    return (isinstance(func, cst.Name) and func.value == "print") or (
        isinstance(func, cst.Attribute) and func.attr.value in _LOG_METHODS
    )


def _inert(value: cst.BaseExpression, constants: Collection[str] = ()) -> bool:
    """A literal, a dict, list or tuple of those, or ``json.dumps`` of one, or a local name bound
    to one (``constants``): what a placeholder returns (not its input: a function returning what
    it was given may be a step of a workflow)."""
    return _built_of(value, lambda atom: _scalar(atom) or (isinstance(atom, cst.Name) and atom.value in constants) or (
        isinstance(atom, cst.Call) and dotted_name(atom.func) == "json.dumps"
        and all(_inert(arg.value, constants) for arg in atom.args)
    ))


def _literal(value: cst.BaseExpression) -> bool:
    """A literal value: ``None``, ``0``, ``"n/a"``, ``{}``, ``[]``, ``{"items": []}``."""
    return _built_of(value, _scalar)


def _scalar(value: cst.BaseExpression) -> bool:
    if isinstance(value, (cst.SimpleString, cst.Integer, cst.Float)):
        return True
    return isinstance(value, cst.Name) and value.value in ("None", "True", "False")


def _built_of(value: cst.BaseExpression, atom: Callable[[cst.BaseExpression], bool]) -> bool:
    """``atom`` holds for ``value``, or it is a dict, list or tuple built of such values only."""
    if atom(value):
        return True
    if isinstance(value, cst.Dict):
        return all(
            isinstance(element, cst.DictElement) and _built_of(element.key, atom) and _built_of(element.value, atom)
            for element in value.elements
        )
    if isinstance(value, (cst.List, cst.Tuple)):
        return all(isinstance(element, cst.Element) and _built_of(element.value, atom) for element in value.elements)
    return False


def _http_error(value: cst.BaseExpression) -> bool:
    """``{"statusCode": 404, …}``, or a helper building one (``_json_response(404, {…})``,
    ``respond(status_code=400)``, ``format_response({"statusCode": 404, …})``: round 45's admin
    API): an answer that the request failed (a status of 400 to 599)."""
    if isinstance(value, cst.Call):
        positional = [arg.value for arg in value.args if arg.keyword is None and not arg.star]
        named = [arg.value for arg in value.args if arg.keyword is not None and arg.keyword.value in _STATUS_WORDS]
        wrapped = bool(positional) and isinstance(positional[0], cst.Dict) and _http_error(positional[0])
        return wrapped or any(_error_status(status) for status in (*positional[:1], *named))
    return isinstance(value, cst.Dict) and any(
        isinstance(element, cst.DictElement) and _is_status_code(element.key) and _error_status(element.value)
        for element in value.elements
    )


def _answers_status(value: cst.BaseExpression, names: set[str]) -> bool:
    """``{"statusCode": code, …}`` where ``code`` is one of ``names`` (an error status set before)."""
    return isinstance(value, cst.Dict) and any(
        isinstance(element, cst.DictElement) and _is_status_code(element.key)
        and isinstance(element.value, cst.Name) and element.value.value in names
        for element in value.elements
    )


def _is_status_code(key: cst.BaseExpression | None) -> bool:
    """The key ``"statusCode"`` of an API Gateway answer, in a mapping or a subscript."""
    return isinstance(key, cst.SimpleString) and key.raw_value == "statusCode"


_STATUS_WORDS = frozenset({"status", "status_code", "statusCode", "code"})


def _bare_status(value: cst.BaseExpression | None) -> bool:
    return isinstance(value, cst.Integer) and 100 <= int(value.value, 0) <= 599


def _error_status(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Integer) and 400 <= int(value.value, 0) <= 599


def _sets_an_http_error(assign: cst.Assign) -> bool:
    """``answer["statusCode"] = 400``, ``response = {"statusCode": 400, …}``, ``status_code = 400``
    (returned after the ``if``; a blind review's webhook: ``else: status_code = 400; body = "Bad
    Request: %s" % err``): an answer being built that says the request failed."""
    value = assign.value
    return _http_error(value) or (
        _error_status(value)
        and any(
            (isinstance(target.target, cst.Name) and target.target.value in _STATUS_WORDS)
            or (
                isinstance(target.target, cst.Subscript)
                and len(target.target.slice) == 1
                and isinstance(target.target.slice[0].slice, cst.Index)
                and _is_status_code(target.target.slice[0].slice.value)
            )
            for target in assign.targets
        )
    )


def _message(value: cst.BaseExpression) -> bool:
    """Text made from a literal: ``f"no {key}"``, ``"Bad Request: %s" % err``, ``"{}".format(x)``,
    ``"no " + key``."""
    if isinstance(value, (cst.FormattedString, cst.ConcatenatedString)):
        return True
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, (cst.Modulo, cst.Add)):
        return isinstance(value.left, cst.SimpleString) or _message(value.left)
    return (
        isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "format"
        and isinstance(value.func.value, cst.SimpleString)
    )


def answers_then_only_reports(
    statement: cst.BaseStatement, following: Sequence[cst.BaseStatement], falls_off_in_error: bool = False
) -> bool:
    """``if intent == "Recommend": return recommend(event)`` followed, to the end of its block,
    only by reports (``raise ValueError("unsupported")``, ``return {"statusCode": 400}``): the
    ``if``'s body is the only way to do anything, as good as the main path (round 7's Lex
    fulfilment handler, which supported one intent). Its body may also fall through to those
    reports (round 29: ``if method == "GET":`` holding three routes, then a 404), as long as it
    answers somewhere. ``falls_off_in_error``: the block ends a function answering HTTP
    (``answers_http``), where falling off its end answers ``None``, which API Gateway turns into
    an error (502): nothing following is a report too (round 39: a login endpoint's ``if
    event.get("httpMethod") == "POST" and event.get("body"):`` holding the whole work, then
    nothing)."""
    if not isinstance(statement, cst.If) or statement.orelse is not None:
        return False
    if not only_reports(following) and not (falls_off_in_error and not following):
        return False
    return returns_alone(statement) or answers_somewhere(statement.body)


def answers_http(function: cst.FunctionDef) -> bool:
    """Whether the function builds an HTTP answer for API Gateway: a ``{"statusCode": …}`` mapping
    or an assignment to ``answer["statusCode"]``."""
    for node in descendants(function.body):
        key = (
            node.key if isinstance(node, cst.DictElement)
            else node.slice.value if isinstance(node, cst.SubscriptElement) and isinstance(node.slice, cst.Index)
            else None
        )
        if _is_status_code(key):
            return True
    return False


def answers_somewhere(suite: cst.BaseSuite) -> bool:
    """Whether a block returns a value somewhere (``return x``; not a bare ``return``)."""
    return any(isinstance(node, cst.Return) and node.value is not None for node in descendants(suite))


def works_then_only_acknowledges(statement: cst.BaseStatement, following: Sequence[cst.BaseStatement]) -> bool:
    """``if body["type"] == "checkout.session.completed": <work>`` with no ``else``, followed to the
    end of its block only by a constant answer (``return {"statusCode": 200, "body":
    json.dumps({"received": True})}``, after a log line perhaps): the invocations that skip the
    ``if`` do nothing but acknowledge, so its body is every working invocation's way (round 21's
    blind review: a Stripe webhook acting on the one event type it is subscribed to). Not a bare
    ``return`` or ``return None``, which is how a handler says it skips (``only_reports``). Only for
    a test of the event's type (``_tests_event_type``): a subscription sends the types it is for,
    while an API's requests that skip their ``if`` get a real answer (``{"body": "nothing to
    send"}``: a way of its own, as tests of earlier reviews hold)."""
    if not isinstance(statement, cst.If) or statement.orelse is not None or not following:
        return False
    if not _tests_event_type(statement.test) or returns_alone(statement):
        return False
    return _answers_constant(following, nothing=False)


def _tests_event_type(test: cst.BaseExpression) -> bool:
    """``body["type"] == "checkout.session.completed"``, ``event.get("detail-type") in (…)``,
    ``event_type == "push"``: the event's type compared with a literal."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, (cst.Equal, cst.In)) or not _literal(target.comparator):
        return False
    left = test.left
    if isinstance(left, cst.Name):
        return "type" in left.value.lower()
    key = _got_key(left)
    if isinstance(left, cst.Subscript) and len(left.slice) == 1 and isinstance(left.slice[0].slice, cst.Index):
        key = left.slice[0].slice.value
    return isinstance(key, cst.SimpleString) and "type" in str(key.evaluated_value).lower()


def returns_alone(statement: cst.BaseStatement) -> bool:
    """``if test: … return x``, with no ``elif`` or ``else``."""
    return (
        isinstance(statement, cst.If)
        and statement.orelse is None
        and isinstance(statement.body, cst.IndentedBlock)
        and bool(statement.body.body)
        and _ends_in_return(statement.body.body[-1])
    )


def _ends_in_return(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[-1], cst.Return)


# How a module reads its deployment's configuration: `os.environ.get("URL")`, `os.getenv("URL")`,
# `os.environ["URL"]`, also wrapped (`int(os.getenv("N", "1"))`, `os.environ.get("X", "").lower()`).
_ENVIRONMENT_READERS = frozenset({"getenv", "get"})


def reads_environment(value: cst.BaseExpression) -> bool:
    """Whether an expression is a read of the environment, the deployment's configuration: the
    same for every invocation of a function (``os.environ.get("WEBHOOK_URL")``, ``os.getenv(…)``,
    ``os.environ["X"]``, ``int(os.getenv("N", "1"))``, ``os.getenv("X") or "default"``,
    ``"X" in os.environ``)."""
    if isinstance(value, cst.BooleanOperation):
        # `os.getenv("X") or "default"`; not `os.getenv("X") and event.get("y")`, which the event decides.
        return reads_environment(value.left) and (reads_environment(value.right) or _literal(value.right))
    if isinstance(value, cst.Comparison) and len(value.comparisons) == 1:
        operator = value.comparisons[0].operator
        return isinstance(operator, (cst.In, cst.NotIn)) and _is_environ(value.comparisons[0].comparator)
    if isinstance(value, cst.Subscript):
        return _is_environ(value.value)
    if not isinstance(value, cst.Call):
        return False
    func = value.func
    if isinstance(func, cst.Attribute):
        if func.attr.value in _ENVIRONMENT_READERS and (func.attr.value == "getenv" or _is_environ(func.value)):
            return True
        return reads_environment(func.value)  # `os.environ.get("X", "").lower()`
    if isinstance(func, cst.Name):
        if func.value == "getenv":
            return True
        return len(value.args) == 1 and reads_environment(value.args[0].value)  # `int(os.getenv(...))`
    return False


# What a webhook's provider sends once, when the endpoint is set up, to see that it answers: Slack's
# URL verification (`{"type": "url_verification", "challenge": …}`), SNS's subscription confirmation,
# Meta's `hub.challenge`, Microsoft Graph's `validationToken`.
_HANDSHAKES = frozenset({
    "url_verification", "challenge", "SubscriptionConfirmation", "hub.challenge", "hub.mode",
    "hub.verify_token", "validationToken",
})


def is_handshake(test: cst.BaseExpression) -> bool:
    """A test for a webhook's set-up handshake (``if body["type"] == "url_verification":``,
    ``if "challenge" in body:``): its branch runs once per endpoint, not on the invocations that
    do the work (a blind review of a Slack bot whose every event but the handshake posted with
    ``requests``)."""
    return any(isinstance(node, cst.SimpleString) and node.raw_value in _HANDSHAKES for node in descendants(test))


# The last part of a route no traffic that matters takes: health checks, pings, warmers and test
# endpoints, which answer without doing the work, and an API's documentation page, which its
# reader's browser follows at once with a request for the specification (round 26: a LINE WORKS
# bot whose `/health` and `/test` skipped `requests`, which its webhook and send routes use; a
# Swagger UI route beside the `openapi.json` route that parses the spec with `yaml`).
_SIDE_ROUTES = frozenset({
    "health", "healthz", "healthcheck", "health-check", "health_check", "ping", "heartbeat", "readyz", "livez",
    "warmup", "warmer", "keep-warm", "keepwarm", "serverless-plugin-warmup", "test", "version",
    "docs", "swagger", "swagger-ui", "redoc", "api-docs",
})


def names_side_route(literals: Iterable[str]) -> bool:
    """Whether string literals naming a route (a test's, a route decorator's) name only routes no
    traffic that matters takes (``_SIDE_ROUTES``, by their last part): ``path == "/health"``,
    ``event["rawPath"].endswith("/ping")``, ``action == "warmup"``; not ``path in ("/health",
    "/orders")``. Strings that name no route (``"GET"``) do not count, but a CORS preflight's
    method does (``method == "OPTIONS"``): the browser sends the request it asked about at once
    (round 29: an API whose every route used a service module that only the preflight, a 401 and
    a 404 skipped), so whatever the preflight skips, that request pays."""
    side = False
    for literal in literals:
        if literal.strip() == "OPTIONS":
            side = True
            continue
        last = literal.strip().rstrip("/").rsplit("/", 1)[-1].rsplit(" ", 1)[-1].lower()
        if last in _SIDE_ROUTES:
            side = True
        elif "/" in literal:
            return False
    return side


def is_side_route(test: cst.BaseExpression) -> bool:
    """A test of a route no traffic that matters takes (``names_side_route``); not a negated one
    (``if method != "OPTIONS":`` is where the work goes)."""
    nodes = list(descendants(test))
    if any(
        isinstance(node, cst.ComparisonTarget) and isinstance(node.operator, (cst.NotEqual, cst.NotIn, cst.IsNot))
        or isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not)
        for node in nodes
    ):
        return False
    return names_side_route(node.raw_value for node in nodes if isinstance(node, cst.SimpleString))


# What a scheduled rule's event says of itself: `event.get("source") == "aws.events"`,
# `event["detail-type"] == "Scheduled Event"`.
_SCHEDULED_EVENT = frozenset({"aws.events", "Scheduled Event"})


def is_side_way(test: cst.BaseExpression, body: cst.BaseSuite) -> bool:
    """A branch no traffic that matters takes: a side route (``is_side_route``), or a keep-warm
    ping, a scheduled rule's event answered with a constant (round 29: a Discord bot's handler
    whose ``if event.get("source") == "aws.events": return {"statusCode": 200}`` alone skipped
    ``requests``; the rule fires every few minutes so that the next real message finds the
    function warm, and would then pay for the import)."""
    return is_side_route(test) or _names_scheduled_event(test) and answers_constant(body)


def _names_scheduled_event(test: cst.BaseExpression) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    if not isinstance(test.comparisons[0].operator, (cst.Equal, cst.In)):
        return False
    return any(
        isinstance(node, cst.SimpleString) and node.raw_value in _SCHEDULED_EVENT for node in descendants(test)
    )


def answers_constant(suite: cst.BaseSuite) -> bool:
    """A block that only reports and returns a constant answer (``return {"statusCode": 200}``),
    or nothing."""
    return _answers_constant(block_statements(suite), nothing=True)


def _answers_constant(
    statements: Sequence[cst.BaseStatement | cst.BaseSuite], nothing: bool
) -> bool:
    """Statements that only report and return a constant answer, built of literals and no page
    written into the code (``_inert``, ``_content``); ``nothing``: a bare ``return``, ``return
    None`` and ``pass`` count too (a keep-warm ping's branch, not a handler's way of skipping)."""
    answered = False
    for statement in statements:
        if not isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return False
        for small in statement.body:
            if isinstance(small, cst.Return) and (nothing or not _returns_nothing(small)):
                if small.value is not None and not _constant_answer(small.value):
                    return False
                answered = True
            elif not (nothing and isinstance(small, cst.Pass)) and not _is_report(small):
                return False
    return answered


def _constant_answer(value: cst.BaseExpression) -> bool:
    """An answer built of literals (``_inert``) and no page written into the code (``_content``)."""
    return _inert(value) and not _content(value)


def answers_alike(function: cst.FunctionDef) -> bool:
    """Whether every answer of the function is a constant acknowledgement, or none
    (``return {"statusCode": 200}`` wherever it returns): what it does, it does for nobody reading
    its answer, as a webhook receiver whose platform only learns the update arrived. Only there are
    the invocations that do no work (``does_no_work``) updates it ignores (round 33); elsewhere a
    constant answer may be what somebody asked for."""
    pending: list[cst.CSTNode] = [function.body]
    while pending:
        node = pending.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(node, cst.Return) and node.value is not None and not _constant_answer(node.value):
            return False
        pending.extend(node.children)
    return True


def does_no_work(statements: Sequence[cst.BaseStatement | cst.BaseSuite]) -> bool:
    """Statements an invocation that does nothing goes through: reports, reads of what it was given
    into local names (``status = body["statuses"][0]["status"]``: no call but mappings' reads and
    the like, ``calls_something``), ``if`` statements doing no more, ``pass``, ``raise``, a docstring, and a constant
    answer (``return {"statusCode": 200, "body": "OK"}``, a bare ``return``; not what was asked
    for, ``return event["rows"]``, nor a page). Nothing else: an invocation taking them does
    nothing for anybody, so nobody needs its cold start shortened (round 33, both reviewers "no"
    three times: a WhatsApp bot whose delivery status callbacks alone skipped ``requests``, Telegram
    bots whose ignored updates did)."""
    for statement in statements:
        if isinstance(statement, cst.If):
            if not _idle_if(statement):
                return False
            continue
        if not isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return False
        for small in statement.body:
            if isinstance(small, (cst.Pass, cst.Raise)) or _is_report(small) or _is_bare_string(small):
                continue
            if isinstance(small, cst.Return):
                if small.value is not None and not _constant_answer(small.value):
                    return False  # an answer made of what was asked is work done for somebody
                continue
            if not isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
                return False
            if small.value is not None and calls_something(small.value):
                return False
    return True


def _is_bare_string(small: cst.BaseSmallStatement) -> bool:
    """A string alone as a statement: a docstring."""
    return isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))


# Calls that only compute from what they are given: no work an invocation does for anybody.
_PURE_BUILTINS = frozenset({
    "len", "str", "int", "float", "bool", "isinstance", "list", "dict", "tuple", "set", "min", "max", "sorted",
    "any", "all",
})
_PURE_METHODS = frozenset({
    "split", "strip", "lower", "upper", "startswith", "endswith", "replace", "format", "keys", "values",
    "items",
})


def calls_something(node: cst.CSTNode) -> bool:
    """Whether ``node`` calls something that may work (not ``_PURE_BUILTINS``, ``_PURE_METHODS``,
    ``json.dumps``/``json.loads``)."""
    for found in descendants(node):
        if not isinstance(found, cst.Call):
            continue
        func = found.func
        if isinstance(func, cst.Name) and func.value in _PURE_BUILTINS:
            continue
        if isinstance(func, cst.Attribute) and (
            func.attr.value in _PURE_METHODS or dotted_name(func) in ("json.dumps", "json.loads")
            or func.attr.value == "get" and _reads_a_key(found)
        ):
            continue
        return True
    return False


def _reads_a_key(call: cst.Call) -> bool:
    """``body.get("statuses")``, ``event.get("source", "")``: a mapping's key read (not
    ``requests.get("https://…")`` nor ``session.get(url)``)."""
    if not call.args or len(call.args) > 2 or call.args[0].keyword is not None:
        return False
    key = call.args[0].value
    return isinstance(key, cst.SimpleString) and "/" not in key.value


def _idle_if(statement: cst.If) -> bool:
    """An ``if`` testing without a call whose every side does no work (``does_no_work``):
    ``if len(parts) > 1: target = parts[1] else: target = None``."""
    if calls_something(statement.test) or not does_no_work(block_statements(statement.body)):
        return False
    orelse = statement.orelse
    if isinstance(orelse, cst.If):
        return _idle_if(orelse)
    return orelse is None or does_no_work(block_statements(orelse.body))


def block_statements(suite: cst.BaseSuite) -> Sequence[cst.BaseStatement | cst.BaseSuite]:
    """A block's statements (a one-line suite, ``if x: y = 1``, as itself)."""
    return suite.body if isinstance(suite, cst.IndentedBlock) else (suite,)


def only_reads_environment(suite: cst.BaseSuite) -> bool:
    """A ``try`` body that only reads the environment (``return os.environ["PASSWORD"]``, ``key =
    os.environ[NAME]``, with reports): what its ``except KeyError:`` catches is a variable the
    deployment does not set, the same for every invocation (a blind review: the parameter-store
    lookup in the handler is what every deployed invocation runs; the variable is for local tests)."""
    if not isinstance(suite, cst.IndentedBlock) or not suite.body:
        return False
    read = False
    for statement in suite.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        for small in statement.body:
            value = small.value if isinstance(small, (cst.Return, cst.Assign)) else None
            if value is not None and reads_environment(value):
                read = True
            elif isinstance(small, cst.Return) and isinstance(small.value, cst.Name):
                continue  # `value = os.environ[NAME]` … `return value`
            elif not _is_report(small):
                return False
    return read


def _is_environ(value: cst.BaseExpression) -> bool:
    return (isinstance(value, cst.Attribute) and value.attr.value == "environ") or (
        isinstance(value, cst.Name) and value.value == "environ"
    )


# Decorators known not to read the annotations of what they decorate.
_ANNOTATION_BLIND_DECORATORS = frozenset({
    "staticmethod", "classmethod", "property", "cached_property", "setter", "getter", "deleter",
    "lru_cache", "cache", "wraps", "overload", "abstractmethod", "override", "final",
    "contextmanager", "asynccontextmanager", "capture_method", "capture_lambda_handler",
    "inject_lambda_context", "log_metrics",
})


def ignores_annotations(decorator: cst.BaseExpression) -> bool:
    """A decorator known not to read the function's annotations (``@staticmethod``,
    ``@functools.lru_cache()``, Powertools' ``@tracer.capture_method``). Any other decorator may
    (route decorators, ``pydantic.validate_call``, ``singledispatch``)."""
    if isinstance(decorator, cst.Call):
        decorator = decorator.func
    name = decorator.attr.value if isinstance(decorator, cst.Attribute) else (
        decorator.value if isinstance(decorator, cst.Name) else ""
    )
    return name in _ANNOTATION_BLIND_DECORATORS


def picks_one_item(test: cst.BaseExpression, loop_names: Iterable[str]) -> bool:
    """A test of a loop's item against a literal (``region == "us-east-1"``, also as one operand
    of an ``and``): one item passes it."""
    names = frozenset(loop_names)
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return picks_one_item(test.left, names) or picks_one_item(test.right, names)
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    sides = (test.left, target.comparator)
    return any(
        isinstance(side, cst.Name) and side.value in names and isinstance(other, (cst.SimpleString, cst.Integer))
        for side, other in (sides, sides[::-1])
    )


def names_in(node: cst.CSTNode) -> set[str]:
    """The plain names an expression reads (``keys`` in ``keys is None or not keys.get("a")``)."""
    if isinstance(node, cst.Name):
        return {node.value}
    found: set[str] = set()
    for child in node.children:
        attribute = isinstance(node, cst.Attribute) and child is node.attr
        if attribute or (isinstance(node, cst.Arg) and child is node.keyword):
            continue
        found |= names_in(child)
    return found


# Whether a file of the deployment package exists: the same answer for every invocation of one
# deployment, as a setting read from the environment is (round 42: `if os.path.exists(openapi_path):
# return yaml.safe_load(…)` with `openapi_path` next to `__file__`, the build always copying the
# file there). Not `/tmp`, `/mnt` or anything else writable: a cache filled once per execution
# environment (`if not os.path.exists("/tmp/model")`) is the cold start's path, not a setting.
_EXISTENCE_TESTS = frozenset({"os.path.exists", "os.path.isfile", "os.path.isdir", "path.exists", "path.isfile",
                              "path.isdir"})
_PATH_METHODS = frozenset({"exists", "is_file", "is_dir"})
_PATH_BUILDERS = frozenset({"os.path.join", "os.path.dirname", "os.path.abspath", "os.path.realpath",
                            "os.path.normpath", "path.join", "path.dirname", "path.abspath", "path.realpath",
                            "Path", "pathlib.Path", "PurePath"})
_PACKAGE_ROOTS = ("/var/task", "/opt/")


def tests_a_packaged_file(test: cst.BaseExpression, function: cst.FunctionDef | None) -> bool:
    """``os.path.exists(P)``, ``os.path.isfile(P)``, ``Path(P).exists()``… where ``P`` names a file
    of the deployment package: built from ``__file__``, a relative path or one under the task root
    or ``/opt``, with ``os.path``/``pathlib`` only, directly or through a name the function binds
    once to such a path."""
    if not isinstance(test, cst.Call):
        return False
    func = test.func
    if isinstance(func, cst.Attribute) and func.attr.value in _PATH_METHODS and not test.args:
        return _packaged_path(func.value, function, 0)
    name = dotted_name(func)
    return name in _EXISTENCE_TESTS and len(test.args) == 1 and _packaged_path(test.args[0].value, function, 0)


def _packaged_path(value: cst.BaseExpression, function: cst.FunctionDef | None, depth: int) -> bool:
    if depth > 8:
        return False
    if isinstance(value, cst.Name):
        if value.value == "__file__":
            return True
        bound = _bound_once(value.value, function)
        return bound is not None and _packaged_path(bound, function, depth + 1)
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
        text = value.evaluated_value if isinstance(value, cst.SimpleString) else None
        if not isinstance(text, str):
            return False
        return not text.startswith("/") or text.startswith(_PACKAGE_ROOTS)
    if isinstance(value, cst.Attribute) and value.attr.value == "parent":
        return _packaged_path(value.value, function, depth + 1)
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Divide):
        return _packaged_path(value.left, function, depth + 1) and _packaged_path(value.right, function, depth + 1)
    if isinstance(value, cst.Call) and dotted_name(value.func) in _PATH_BUILDERS and value.args:
        return all(_packaged_path(argument.value, function, depth + 1) for argument in value.args)
    return False


def _bound_once(name: str, function: cst.FunctionDef | None) -> cst.BaseExpression | None:
    """What ``function`` assigns to ``name``, when it assigns it once and only by ``name = …`` (not
    a parameter, nor bound any other way: unpacking, ``for``, ``with … as``, ``:=``, ``+=``)."""
    if function is None or name in {param.name.value for param in all_parameters(function.params)}:
        return None
    found: list[cst.BaseExpression] = []
    for node in descendants(function.body):
        if isinstance(node, cst.Assign):
            for target in node.targets:
                if isinstance(target.target, cst.Name) and target.target.value == name:
                    found.append(node.value)
                elif name in names_in(target.target):
                    return None
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr, cst.AsName)):
            bound: cst.CSTNode = node.name if isinstance(node, cst.AsName) else node.target
            if name in names_in(bound):
                return None
    return found[0] if len(found) == 1 else None

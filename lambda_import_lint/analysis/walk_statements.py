"""Statements: module-level structure, assignments, ``__all__``, and the control flow that decides
whether a use is on its function's main path (runs whenever the function runs) or conditional.
"""

from __future__ import annotations

import itertools
from typing import Sequence

import libcst as cst

from lambda_import_lint.analysis.syntax import (
    answers_alike,
    answers_http,
    answers_somewhere,
    answers_then_only_reports,
    block_statements,
    calls_something,
    catches_import_error,
    does_no_work,
    dotted_name,
    flatten_tuple,
    is_handshake,
    is_main_guard,
    is_optional_iterable,
    is_side_way,
    is_type_checking_test,
    names_in,
    only_reads_environment,
    only_reports,
    picks_one_item,
    reads_environment,
    returns_alone,
    tests_a_packaged_file,
    works_then_only_acknowledges,
)
from lambda_import_lint.analysis.records import FunctionInfo
from lambda_import_lint.analysis.walk_base import WalkerBase, descendants


class StatementVisits(WalkerBase):
    """Visits of statements."""

    def visit_Module(self, node: cst.Module) -> bool:
        for statement in node.body:
            self.top_statement = statement
            self.guard = None
            if isinstance(statement, cst.BaseCompoundStatement) and not isinstance(
                statement, (cst.FunctionDef, cst.ClassDef)
            ):
                self.guard = statement
            self.walk(statement)
        self.guard = None
        return False

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine | cst.SimpleStatementSuite) -> bool:
        saved = self.current_line
        self.current_line = node
        self.walk(node.body)
        self.current_line = saved
        return False

    visit_SimpleStatementSuite = visit_SimpleStatementLine  # `if x: import y` holds imports too

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> bool:
        if (
            self.function is not None and node is self.function.node.body and _takes_the_event(self.function)
            and answers_alike(self.function.node)
        ):
            self._note_idle_ways(node.body, ())
        if self.function is not None:
            run_end = 0  # where the run of `if …: return` statements noted last ends
            earlier_way = False  # an `if` before this statement answered from work of its own
            ends_a_handler = node is self.function.node.body and _takes_the_event(self.function)
            for index, statement in enumerate(node.body):
                following = node.body[index + 1:]
                # Falling off the end of a handler answering HTTP answers an error (`answers_http`;
                # looked at only for a last `if` without `else`, where it may decide).
                falls_off_in_error = (
                    ends_a_handler and not following and isinstance(statement, cst.If) and statement.orelse is None
                    and answers_http(self.function.node)
                )
                if not earlier_way and (
                    answers_then_only_reports(statement, following, falls_off_in_error)
                    or works_then_only_acknowledges(statement, following)
                ):
                    self.only_ways.add(id(statement))
                elif isinstance(statement, (cst.If, cst.Match)) and not self.branch and not self.conditional:
                    self._note_dispatch(statement, following)
                if index >= run_end and not self.branch and not self.conditional:
                    run_end = index + self._note_returning_ifs(node.body[index:])
                earlier_way = earlier_way or _answers_from_work(statement)
        return True

    def _note_idle_ways(
        self,
        statements: Sequence[cst.BaseStatement],
        after: Sequence[cst.BaseStatement | cst.BaseSuite],
        settled: bool = True,
    ) -> None:
        """The ``if`` statements of a function's body (or of a ``try`` there) after which the
        function does no work (``syntax.does_no_work``, ``after``: what follows the enclosing
        block): a side of one that does no work either is no way of its own, so the other is every
        working invocation's way (``idle_bodies``, ``only_ways``): ``if statuses: status =
        statuses[0]["status"] else: <reply>`` then ``return {"statusCode": 200}``. So is the body of
        such an ``if`` without ``else`` when nothing before it may have worked on a way of its own
        (``settled``: no compound statement came first)."""
        for index, statement in enumerate(statements):
            following = [*statements[index + 1:], *after]
            if isinstance(statement, cst.Try) and not statement.orelse and not statement.finalbody:
                if isinstance(statement.body, cst.IndentedBlock):
                    self._note_idle_ways(statement.body.body, following, settled)
            elif isinstance(statement, cst.If) and does_no_work(following) and not calls_something(statement.test):
                # (A test that calls something worked already: `if pool_exists(name): return
                # {"body": "exists"}` answers what it found.)
                body_idle = does_no_work(block_statements(statement.body))
                if isinstance(statement.orelse, cst.Else):
                    else_idle = does_no_work(block_statements(statement.orelse.body))
                    if body_idle and not else_idle:
                        self.idle_bodies.add(id(statement))
                    elif else_idle and not body_idle:
                        self.only_ways.add(id(statement))
                elif statement.orelse is None and not body_idle and settled:
                    self.only_ways.add(id(statement))
                    if isinstance(statement.body, cst.IndentedBlock):
                        self._note_idle_ways(statement.body.body, following)
            simple = isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite))
            settled = settled and (simple or does_no_work((statement,)))
        self._note_exclusive_runs(statements, after)

    def _note_exclusive_runs(
        self, statements: Sequence[cst.BaseStatement], after: Sequence[cst.BaseStatement | cst.BaseSuite]
    ) -> None:
        """``if command == START: …`` then ``if command == STATUS: …``: consecutive ``if``
        statements without ``else`` testing one name against different values take at most one way
        each run, so they are a dispatch; what follows them is no way of its own when it does no
        work (round 33: a Telegram bot whose four commands all replied with ``requests``, skipped
        only by messages it ignores)."""
        index = 0
        while index < len(statements):
            run = list(itertools.takewhile(_tests_one_value, statements[index:]))
            subjects = {_compared(statement) for statement in run}
            values = [_value(statement) for statement in run]
            if len(run) >= 2 and len(subjects) == 1 and len(set(values)) == len(values):
                following = [*statements[index + len(run):], *after]
                ifs = [cst.ensure_type(statement, cst.If) for statement in run]
                arms = [statement.body for statement in ifs if not is_side_way(statement.test, statement.body)]
                if does_no_work(following) and len(arms) >= 2:
                    assert self.function is not None
                    self.dispatches.append((self.function, tuple(arms), len(arms)))
            index += max(len(run), 1)

    def _note_returning_ifs(self, statements: Sequence[cst.BaseStatement]) -> int:
        """``if path.endswith("/search"): … return …`` then ``if "/document/" in path: … return …``:
        consecutive ``if`` statements that each end by returning are the ways of a dispatch as an
        ``if … elif`` chain is (round 14's blind review: three routes, then a 404), with what follows
        them as one more way unless it only reports; two of them then a 405 are its only two ways, as
        an ``if … elif`` of two arms then ``else: return 405`` is (round 41: a POST and a GET route
        both reading one table). How many statements the run holds (0: none)."""
        run = [cst.ensure_type(statement, cst.If) for statement in itertools.takewhile(returns_alone, statements)]
        ways = len(run) + (0 if only_reports(statements[len(run):]) else 1)
        arms = [statement.body for statement in run if not is_side_way(statement.test, statement.body)]
        if len(run) >= 2 and (ways >= 3 or len(arms) == ways == 2):  # (as `_note_dispatch` counts an `if … elif`)
            assert self.function is not None
            self.dispatches.append((self.function, tuple(arms), ways - (len(run) - len(arms))))
        return len(run)

    def visit_Assign(self, node: cst.Assign) -> bool:
        self.walk(node.value)
        literal = _literal_truth(node.value)
        if self.scope.kind == "module" and len(node.targets) == 1:
            assigned = node.targets[0].target
            if isinstance(assigned, cst.Name) and literal is not None:
                self.module_literals[assigned.value] = literal
            elif isinstance(assigned, cst.Name) and reads_environment(node.value):
                self.module_settings.add(assigned.value)
        for target in node.targets:
            self.bind_target(target.target)
            if (
                self.scope.kind == "module"
                and isinstance(target.target, cst.Name)
                and target.target.value == "__all__"
            ):
                self._collect_all(node.value)
        return False

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        self.walk(node.value)
        if isinstance(node.target, cst.Name):
            self.add_use(node.target.value, node.target)
            if self.scope.kind == "module" and node.target.value == "__all__":
                self._collect_all(node.value)
        self.bind_target(node.target)
        return False

    def _collect_all(self, value: cst.BaseExpression) -> None:
        if isinstance(value, (cst.List, cst.Tuple)):
            for element in value.elements:
                if isinstance(element.value, cst.SimpleString):
                    evaluated = element.value.evaluated_value
                    if isinstance(evaluated, str):
                        self.all_names.add(evaluated)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        # Local variable annotations are never evaluated; module and class ones are, and a class with
        # bases or decorators (BaseModel, dataclass, TypedDict) reads its fields' at run time.
        model = self.class_body
        read = self.scope.kind == "class" and model is not None and bool(
            model.bases or model.keywords or model.decorators
        )
        self.walk_annotation(node.annotation, evaluated=self.scope.kind in ("module", "class"), read_by_framework=read)
        self.walk(node.value)
        # ``x: int`` without a value binds nothing at module level but makes ``x`` local in a function.
        if node.value is not None or self.scope.kind == "function":
            self.bind_target(node.target)
        elif not isinstance(node.target, cst.Name):
            self.walk(node.target)
        return False

    def visit_Del(self, node: cst.Del) -> bool:
        for target in flatten_tuple(node.target):
            if isinstance(target, cst.Name):
                self.add_use(target.value, target)
                self.bind(target.value)
            else:
                self.walk(target)
        return False

    def visit_Global(self, node: cst.Global) -> bool:
        for item in node.names:
            self.scope.globals.add(item.name.value)
            if self.scope.kind != "module":
                self.global_declarations.add(item.name.value)
        return False

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        for item in node.names:
            self.scope.nonlocals.add(item.name.value)
        return False

    def visit_If(self, node: cst.If) -> bool:
        self.walk(node.test)
        at_module = self.scope.kind == "module" and self.function is None
        # The body only reports a malformed event (`if not body: answer["statusCode"] = 400`):
        # every invocation that does anything takes the `else`.
        else_taken = isinstance(node.orelse, cst.Else) and self.function is not None and only_reports(node.body)
        # The body answers a webhook's set-up handshake: what the other ways do is what every
        # invocation that does any work does.
        handshake = self.function is not None and id(node) not in self.elifs and is_handshake(node.test)
        # The body answers a health check, a preflight or a keep-warm ping: likewise.
        side = self.function is not None and id(node) not in self.elifs and is_side_way(node.test, node.body)
        idle = id(node) in self.idle_bodies
        else_taken = else_taken or (handshake or side or idle) and isinstance(node.orelse, cst.Else)
        saved = (self.type_checking, self.main_block)
        # `for region in regions:` … `if region == "us-east-1":`: the body runs for one item, not
        # for each (round 31: a client built there was reported "for each item of a loop").
        repeated = self.repeated
        self.repeated = repeated and not picks_one_item(node.test, self.loop_names)
        if is_type_checking_test(node.test):
            self.type_checking = True
            saved_annotation = (self.annotation, self.runtime_annotation)
            self.annotation, self.runtime_annotation = True, False
            self.walk_conditionally(node.body)
            self.annotation, self.runtime_annotation = saved_annotation
            self.type_checking = saved[0]
        else:
            if at_module and is_main_guard(node.test):
                self.main_block = True
            if self.scope.kind == "function" and (
                names_in(node.test) & self.scope.globals or self._fills_a_module_cache(node)
            ):
                # `global keys` … `if keys is None:`, `if name not in _clients: _clients[name] = …`
                # initialise once per execution environment: the first invocation of every cold
                # start takes this branch.
                self.walk(node.body)
            elif self.function is not None and id(node) not in self.elifs and (
                (isinstance(node.orelse, cst.Else) and only_reports(node.orelse.body)) or id(node) in self.only_ways
                or _then_only_an_elif_reporting(node)
            ):
                # The alternative only reports a malformed event (`else: print("no msg")`, `raise`,
                # `return {"statusCode": 400}`, also after an `if` that returns): every invocation
                # that does anything takes this branch.
                self.walk(node.body)
            else:
                body_branch = len(self.branches)
                self.walk_branch(node.body, self._constant_test(node.test, True))
                # (Not for the last `elif` and its `else`: the earlier tests decide whether either runs.)
                if isinstance(node.orelse, cst.Else) and not else_taken and id(node) not in self.elifs:
                    self.alternatives.append((body_branch, len(self.branches)))
            self.main_block = saved[1]
        self.repeated = repeated
        if isinstance(node.orelse, cst.Else) and else_taken:
            self.walk(node.orelse.body)
        elif isinstance(node.orelse, cst.Else):
            self.walk_branch(node.orelse.body, self._constant_test(node.test, False))
        elif node.orelse is not None and (handshake or side):
            self.walk(node.orelse)  # as if the `elif` were the statement: the handshake is no way
        elif node.orelse is not None and self.function is not None and only_reports(node.body):
            # `if not user: return {"statusCode": 401}` then `elif …`: every invocation that does
            # anything goes on to the `elif`, as it would to an `if` after the first (round 20: a
            # login's `else: token = jwt.encode(…)` after two 401 answers is every login's way).
            self.walk(node.orelse)
        elif node.orelse is not None:
            self.elifs.add(id(node.orelse))
            self.walk_conditionally(node.orelse)  # `elif`: its own test, then its body as a branch
        self.type_checking, self.main_block = saved
        return False

    def _constant_test(self, test: cst.BaseExpression, taken_when: bool) -> tuple[str, bool] | None:
        return _constant_test(test, taken_when, self.function.node if self.function is not None else None)

    def _fills_a_module_cache(self, node: cst.If) -> bool:
        """``if name not in _clients:`` whose body stores into ``_clients[...]``, a module-level
        name the function does not bind: a cache filled on first use."""
        cached = {
            name for name in names_in(node.test)
            if name in self.module_scope.bindings and name not in self.scope.bindings
        }
        return bool(cached) and any(
            isinstance(found, (cst.AssignTarget, cst.AugAssign))
            and isinstance(found.target, cst.Subscript)
            and isinstance(found.target.value, cst.Name)
            and found.target.value.value in cached
            for found in descendants(node.body)
        )

    def _note_dispatch(self, node: cst.If | cst.Match, following: Sequence[cst.BaseStatement]) -> None:
        """An ``if … elif …`` chain of three ways or more, or a ``match``, at the top level of a
        function's body (``records.Dispatch``). An ``else`` that only reports, or the statements
        after it when no ``else`` catches what the arms miss and they only report, are no way of
        their own: the event was malformed; nor is a webhook's set-up handshake. Arms that turn
        out not to be conditional blocks (an ``if`` whose ``else`` only reports) leave it out when
        it is resolved."""
        side: set[int] = set()  # the arms of routes no traffic that matters takes (by ``id``)
        if isinstance(node, cst.Match):
            arms = [case.body for case in node.cases]
            caught = any(
                case.guard is None and isinstance(case.pattern, cst.MatchAs) and case.pattern.pattern is None
                for case in node.cases
            )
        else:
            arms = [node.body]
            current = node
            while True:
                if is_side_way(current.test, current.body):
                    side.add(id(current.body))
                if not isinstance(current.orelse, cst.If):
                    break
                current = current.orelse
                arms.append(current.body)
            caught = isinstance(current.orelse, cst.Else)
            if caught:
                arms.append(cst.ensure_type(current.orelse, cst.Else).body)
            if is_handshake(node.test):
                arms.pop(0)  # a webhook's set-up handshake is no way the work goes
        ways = len(arms) + (0 if caught or only_reports(following) else 1)
        if caught and only_reports(arms[-1]):
            arms.pop()
            ways -= 1
        # Two arms are a dispatch too when nothing else is a way (round 29: `if "/metrics" in path:`
        # and `elif "/risk" in path:`, then a 404), as three are.
        if ways >= 3 or len(arms) == ways == 2:
            # A health check's or a documentation page's arm is a way, but not one the work goes.
            kept = [arm for arm in arms if id(arm) not in side]
            assert self.function is not None
            self.dispatches.append((self.function, tuple(kept), ways - (len(arms) - len(kept))))

    def visit_Try(self, node: cst.Try) -> bool:
        return self._visit_try(node)

    def visit_TryStar(self, node: cst.TryStar) -> bool:
        return self._visit_try(node)

    def _visit_try(self, node: cst.Try | cst.TryStar) -> bool:
        saved = self.import_error_guard
        self.import_error_guard = saved or catches_import_error(node.handlers)
        self.walk(node.body)
        # `try: return os.environ["X"] except KeyError: …`: the deployment's configuration decides,
        # for every invocation alike, whether the handler runs (folded as `if os.getenv("X"):` is).
        configured = self.function is not None and only_reads_environment(node.body)
        for handler in node.handlers:
            self.walk(handler.type)  # bound whenever the `try` runs: the body may raise anywhere
            if handler.name is not None:
                self.bind(cst.ensure_type(handler.name.name, cst.Name).value)
            saved_error = self.error_path
            self.error_path = not configured
            self.walk_branch(handler.body, (ENVIRONMENT, False) if configured else None)
            self.error_path = saved_error
        self.walk(node.orelse)  # runs whenever the body raised nothing: as good as the body
        self.walk(node.finalbody)
        self.import_error_guard = saved
        return False

    def visit_For(self, node: cst.For) -> bool:
        # A loop runs whenever it is reached (`event["Records"]`, pages, rows): its body is on the
        # main path, unless it iterates over a visibly optional part of the event.
        self.walk(node.iter)
        self.bind_target(node.target)
        saved = (self.repeated, self.loop_names)
        self.repeated, self.loop_names = True, frozenset(names_in(node.target))
        if is_optional_iterable(node.iter):
            self.walk_branch(node.body)
        else:
            self.walk(node.body)
        self.repeated, self.loop_names = saved
        self.walk(node.orelse)
        return False

    def visit_While(self, node: cst.While) -> bool:
        self.walk(node.test)
        self.walk_repeatedly(node.body)
        self.walk(node.orelse)
        return False

    def visit_With(self, node: cst.With) -> bool:
        for item in node.items:
            self.walk(item.item)
            if item.asname is not None:
                self.bind_target(item.asname.name)
        self.walk(node.body)
        return False

    def visit_Match(self, node: cst.Match) -> bool:
        self.walk(node.subject)
        self.walk_conditionally(node.cases)
        return False

    def visit_MatchCase(self, node: cst.MatchCase) -> bool:
        self.walk(node.pattern)
        self.walk(node.guard)
        self.walk_branch(node.body)
        return False

    def visit_MatchAs(self, node: cst.MatchAs) -> bool:
        self.walk(node.pattern)
        if node.name is not None:
            self.bind(node.name.value)
        return False

    def visit_MatchStar(self, node: cst.MatchStar) -> bool:
        if node.name is not None:
            self.bind(node.name.value)
        return False

    def visit_MatchMapping(self, node: cst.MatchMapping) -> bool:
        self.walk(node.elements)
        if node.rest is not None:
            self.bind(node.rest.value)
        return False

    def visit_MatchKeywordElement(self, node: cst.MatchKeywordElement) -> bool:
        self.walk(node.pattern)
        return False


# The name a branch condition gives a test that reads the environment itself
# (`if os.environ.get("URL"):`); not an identifier, so no module-level name can be it.
ENVIRONMENT = "os.environ"


def _then_only_an_elif_reporting(node: cst.If) -> bool:
    """``if verified: …`` then one ``elif`` that only reports and no ``else`` (``elif token == 400
    or body == "": return {"statusCode": 401, …}``): the ``elif`` names the failure, and an
    invocation passing neither test does nothing (round 49: a Slack command's pandas and
    requests, used by every verified command; both reviewers "no")."""
    elif_ = node.orelse
    return isinstance(elif_, cst.If) and elif_.orelse is None and only_reports(elif_.body)


def _constant_test(
    test: cst.BaseExpression, taken_when: bool, function: cst.FunctionDef | None = None
) -> tuple[str, bool] | None:
    """``if NAME:`` / ``if not NAME:``: the name and the truth it must have for this side to run
    (folded later if the name turns out to be a module-level constant or setting);
    ``if os.environ.get("URL"):``, and a test of whether a file of the deployment package exists
    (``syntax.tests_a_packaged_file``): ``ENVIRONMENT``, the deployment's configuration."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _constant_test(test.expression, not taken_when, function)
    if isinstance(test, cst.Name):
        return test.value, taken_when
    if reads_environment(test) or tests_a_packaged_file(test, function):
        return ENVIRONMENT, taken_when
    return None


def _literal_truth(value: cst.BaseExpression) -> bool | None:
    """The truth of a literal (``False``, ``None``, ``0``, ``"x"``); None for anything else."""
    if isinstance(value, cst.Name) and value.value in ("True", "False", "None"):
        return value.value == "True"
    if isinstance(value, (cst.Integer, cst.Float)):
        return bool(value.evaluated_value)
    if isinstance(value, cst.SimpleString):
        return bool(value.raw_value)  # (not evaluated_value: evaluating warns about the user's escapes)
    return None


def _tests_one_value(statement: cst.BaseStatement) -> bool:
    """``if name == value:`` without ``else``, ``value`` a literal or a name."""
    return (
        isinstance(statement, cst.If) and statement.orelse is None
        and isinstance(statement.test, cst.Comparison) and len(statement.test.comparisons) == 1
        and isinstance(statement.test.comparisons[0].operator, cst.Equal)
        and dotted_name(statement.test.left) is not None
        and isinstance(statement.test.comparisons[0].comparator, (cst.SimpleString, cst.Integer, cst.Name))
    )


def _compared(statement: cst.BaseStatement) -> str | None:
    return dotted_name(cst.ensure_type(cst.ensure_type(statement, cst.If).test, cst.Comparison).left)


def _value(statement: cst.BaseStatement) -> str:
    comparator = cst.ensure_type(cst.ensure_type(statement, cst.If).test, cst.Comparison).comparisons[0].comparator
    return cst.Module([]).code_for_node(comparator)


def _answers_from_work(statement: cst.BaseStatement) -> bool:
    """An ``if`` that answers (``return <value>``) on a way of its own: not one that only reports
    (``if not user: return 401``) nor a side way (a preflight, a health check). After it, a later
    ``if`` that answers before reports only is one way among others, not the only one (round 36:
    the last route of thirty, ``if … "/member/enrollment": return _handle_enrollment(event)``,
    then a 404, was taken for every invocation's way)."""
    if not isinstance(statement, cst.If) or is_side_way(statement.test, statement.body):
        return False
    if only_reports(statement.body):
        return False
    return answers_somewhere(statement.body)


def _takes_the_event(function: FunctionInfo) -> bool:
    """A module-level function whose first parameter is the event (``lambda_handler(event,
    context)``, ``handle_message(event, _)``): one invocation's whole way, where a way that does no
    work is an invocation that does none. Not a helper, whose caller may work on after it."""
    return function.module_level and function.class_name is None and bool(function.params) and (
        function.params[0].lstrip("_") == "event"
    )

"""LIL002: a heavy import that nothing in the module uses.

Why: ``judgement/assessment.py`` gives the import ``Status.UNUSED`` (an import unused on purpose,
a re-export or a feature probe, is ``Status.KEPT`` instead). How it is fixed:
``Fix("remove")``, applied by ``fixes/remove.py``.
"""

from __future__ import annotations

from typing import Iterator

from lambda_import_lint.judgement.assessment import Status
from lambda_import_lint.rules.base import Example, Finding, Fix, Rule, RuleContext
from lambda_import_lint.rules.grouping import Candidate, per_statement
from lambda_import_lint.rules.messages import (
    NO_FIX_DEAD_BRANCH,
    NO_FIX_GUARD,
    going_with,
    import_text,
    judgement_cost,
)

CODE = "LIL002"


def check(context: RuleContext) -> Iterator[Finding]:
    return per_statement(context, CODE, _candidates(context))


def _candidates(context: RuleContext) -> Iterator[Candidate]:
    heavy = context.heavy
    for judgement in context.assessment.with_status(Status.UNUSED):
        binding = judgement.binding
        message = (
            f"`{binding.module}` ({judgement_cost(judgement, heavy)}) is imported but never used; removing it"
            f"{going_with(judgement, context)} takes its import off every cold start"
        )
        fix: Fix | str = NO_FIX_GUARD
        if judgement.named_where_dead:
            fix = NO_FIX_DEAD_BRANCH
        elif binding.guard is None:
            fix = Fix("remove", "unsafe", f"Remove unused import `{import_text(binding)}`", judgement.index)
        yield Candidate(judgement, message, fix)


RULE = Rule(
    code=CODE,
    name="unused-heavy-import",
    summary="Heavy module-scope import that is never used",
    what="Finds a heavy module imported at module scope of a handler module and never used there.",
    why=(
        "An unused import still runs at every cold start: `import pandas` costs about 260 ms of INIT "
        "even when no line of the module touches it. Names listed in `__all__`, explicit re-exports "
        "(`import x as x`), imports in `__init__.py` and `try: … except ImportError:` feature probes "
        "are not reported, and neither is an import that another module-scope import may load anyway: "
        "one that stays, a local module that imports it, or a module whose imports are not known "
        "(a Lambda layer's helper, a package outside the catalogue). Nor is one above handlers that "
        "do nothing yet (print the event, return a constant: scaffolding about to be used), nor one "
        "in unfinished code (it reads names nothing defines, or its handler calls stubs that return "
        "None: the import may be what is missing), nor one of a package the handler imports inside on "
        "every invocation anyway (removed, it would only move from INIT into the request), nor one in "
        "a CloudFormation custom resource (run while its stack deploys, which waits minutes on it "
        "anyway; `lint-rare-handlers` reports it)."
    ),
    fix_safety=(
        "Unsafe: importing a module can have side effects (registering plugins, patching, "
        "configuring logging) that the rest of the program relies on. The fix removes the import; "
        "apply it with `--fix --unsafe-fixes` after checking the module has no such effect."
    ),
    options=("heavy-modules", "extend-heavy-modules", "light-modules"),
    check=check,
    invalid=(
        Example(
            id="unused",
            source='''\
import json

import pandas as pd


def lambda_handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event)}
''',
            findings=(3,),
            fixed='''\
import json


def lambda_handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event)}
''',
        ),
        Example(
            id="one-name-of-several",
            source="""\
import json, pandas


def lambda_handler(event, context):
    return json.dumps(event)
""",
            findings=(1,),
            fixed="""\
import json


def lambda_handler(event, context):
    return json.dumps(event)
""",
        ),
    ),
    valid=(
        Example(
            id="listed-in-all",
            source='''\
from pandas import DataFrame

__all__ = ["DataFrame", "lambda_handler"]


def lambda_handler(event, context):
    return None
''',
        ),
        Example(
            id="feature-probe",
            source='''\
try:
    import numpy
    HAVE_NUMPY = True
except ImportError:
    HAVE_NUMPY = False


def lambda_handler(event, context):
    return HAVE_NUMPY
''',
        ),
    ),
)

"""LIL002: a heavy import that nothing in the module uses."""

from __future__ import annotations

from pathlib import PurePath
from typing import Iterator

from lambda_import_lint.rules.assessment import Status
from lambda_import_lint.rules.base import Example, Finding, Fix, Rule, RuleContext
from lambda_import_lint.rules.messages import NO_FIX_GUARD, cost, import_text

CODE = "LIL002"


def check(context: RuleContext) -> Iterator[Finding]:
    if context.facts.dynamic_access or PurePath(context.path).name == "__init__.py":
        return  # a package's __init__ re-exports; globals()/eval() may read any name
    heavy = context.config.heavy
    for judgement in context.assessment.with_status(Status.UNUSED):
        binding = judgement.binding
        if binding.guarded_by_import_error or _explicit_reexport(binding.name, import_text(binding)):
            continue  # `try: import numpy / except ImportError:` probes for a feature
        message = (
            f"`{binding.module}` ({cost(binding.module, heavy)}) is imported but never used; removing it "
            "takes its import off every cold start"
        )
        fix: Fix | str = NO_FIX_GUARD
        if binding.guard is None:
            fix = Fix("remove", "unsafe", f"Remove unused import `{import_text(binding)}`", judgement.index)
        yield context.finding(CODE, binding.node, message, fix, binding.line, binding.top_statement)


def _explicit_reexport(name: str, text: str) -> bool:
    return text.endswith(f" as {name}") and (f"import {name} as" in text or f" {name} as {name}" in text)


RULE = Rule(
    code=CODE,
    name="unused-heavy-import",
    summary="Heavy module-scope import that is never used",
    what="Finds a heavy module imported at module scope of a handler module and never used there.",
    why=(
        "An unused import still runs at every cold start: `import pandas` costs about 330 ms of INIT "
        "even when no line of the module touches it. Names listed in `__all__`, explicit re-exports "
        "(`import x as x`), imports in `__init__.py` and `try: … except ImportError:` feature probes "
        "are not reported."
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

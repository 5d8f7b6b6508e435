"""LIL102: a SnapStart or provisioned-concurrency function imports a heavy module in its body.

Why: the judgement's ``warm_handlers`` (``judgement/assessment.py``) and the functions they reach.
How it is fixed: ``Fix("hoist")``, applied by ``fixes/hoist.py``.
"""

from __future__ import annotations

from typing import Iterator

from lambda_import_lint.judgement.assessment import reachable_functions
from lambda_import_lint.rules.base import Example, Finding, Fix, Rule, RuleContext
from lambda_import_lint.rules.messages import NO_FIX_DYNAMIC, binding_cost, import_text

CODE = "LIL102"


def check(context: RuleContext) -> Iterator[Finding]:
    facts = context.facts
    warm = context.assessment.warm_handlers
    if not warm:
        return
    reach: dict[object, str] = {}
    for warm_handler in sorted(warm, key=lambda function: function.qualname):
        for function in reachable_functions(facts, warm_handler):
            reach.setdefault(function, warm_handler.qualname)
    heavy = context.heavy
    for index, local in enumerate(facts.function_imports):
        binding = local.binding
        handler = reach.get(local.function)
        if handler is None or binding.lazy or not (heavy.is_heavy(binding.module) or heavy.is_heavy(binding.qualified)):
            continue
        where = "" if local.function.qualname == handler else f" (called by `{handler}`)"
        message = (
            f"`{binding.module}` ({binding_cost(binding, heavy)}) is imported inside `{local.function.qualname}`"
            f"{where}, which runs with SnapStart or provisioned concurrency: import it at module scope, "
            "where INIT pays for it before traffic instead of a request"
        )
        yield context.finding(CODE, binding.node, message, _fix(context, index), binding.line,
                              local.function.top_statement)


def _fix(context: RuleContext, index: int) -> Fix | str:
    facts = context.facts
    local = facts.function_imports[index]
    binding = local.binding
    if facts.dynamic_access:
        return NO_FIX_DYNAMIC
    if not local.top_level:
        return "the import sits inside a block of the function (if/try/loop): hoisting would change when it runs"
    if local.bindings_in_function != 1 or binding.name in local.function.params:
        return f"`{binding.name}` is bound more than once in `{local.function.qualname}`"
    if facts.module_bindings.get(binding.name, 0):
        return f"the module already binds `{binding.name}` at module scope"
    return Fix("hoist", "safe", f"Move `{import_text(binding)}` to module scope", index)


RULE = Rule(
    code=CODE,
    name="heavy-import-in-snapstart-function",
    summary="Heavy import inside a function that runs with SnapStart or provisioned concurrency",
    what=(
        "Finds a heavy module imported inside the body of a handler (or a function it calls) whose "
        "deployment enables SnapStart or provisioned concurrency, as declared in SAM/CloudFormation, "
        "Serverless, CDK or Terraform, or set with `snapstart = true`."
    ),
    why=(
        "With SnapStart, Lambda snapshots the execution environment after INIT and restores it for "
        "new environments; with provisioned concurrency, INIT runs before any request arrives. "
        "Either way module-scope imports cost nothing on the request path, while an import inside "
        "the handler is paid by the first request of every restored or new environment. The usual "
        "advice inverts: hoist heavy imports to module scope. For the same reason `LIL001` is not "
        "reported for modules whose handlers all run this way."
    ),
    fix_safety=(
        "Safe: the import moves to the module's import block. Not offered when the import sits in a "
        "conditional block of the function, when the function binds the name elsewhere, or when "
        "the module already binds the name at module scope.\n\n"
        "With SnapStart, everything module scope creates is captured in the snapshot and shared by "
        "every environment resumed from it. Hoisting an import is safe in that respect, but mind "
        "what the hoisted module does when imported, and what module scope builds with it: random "
        "seeds and generators (`random`, `numpy.random`, UUIDs drawn at import) would repeat across "
        "environments, so reseed or draw them in the handler or an `after_restore` runtime hook; "
        "network connections and credentials created before the snapshot may be stale or closed "
        "after a restore, so validate or re-create them after restore."
    ),
    options=("snapstart", "heavy-modules", "extend-heavy-modules"),
    check=check,
    invalid=(
        Example(
            id="snapstart-handler",
            settings={"snapstart": True},
            source='''\
import json


def lambda_handler(event, context):
    import pandas as pd
    return json.dumps(pd.DataFrame(event["rows"]).sum().to_dict())
''',
            findings=(5,),
            fixed='''\
import json
import pandas as pd


def lambda_handler(event, context):
    return json.dumps(pd.DataFrame(event["rows"]).sum().to_dict())
''',
        ),
    ),
    valid=(
        Example(
            id="no-snapstart",
            source='''\
import json


def lambda_handler(event, context):
    if event.get("report"):
        import pandas as pd
        return json.dumps(pd.DataFrame(event["rows"]).sum().to_dict())
    return None
''',
        ),
        Example(
            id="snapstart-module-scope",
            settings={"snapstart": True},
            source='''\
import pandas as pd


def lambda_handler(event, context):
    if event.get("report"):
        return pd.DataFrame(event["rows"]).sum().to_dict()
    return None
''',
        ),
    ),
)

"""LIL004: a local module (or a module of the function's layers) imported at module scope pulls
in something heavy.

Why: ``analysis/local_modules.py`` follows the module's imports of local files to a heavy
module-scope import that can be deferred where it is; ``judgement/assessment.py`` keeps the chains
worth acting on (``ImportJudgement.local_chain``: some invocations skip the local module, the heavy
module is not loaded anyway, once per heavy module). No fix.
"""

from __future__ import annotations

import os
from pathlib import PurePath
from typing import Iterator

from lambda_import_lint.rules.base import Example, Finding, Rule, RuleContext
from lambda_import_lint.rules.messages import cost

CODE = "LIL004"


def check(context: RuleContext) -> Iterator[Finding]:
    if context.assessment.all_handlers_warm:
        return  # INIT is free for these handlers
    heavy = context.heavy
    importer = PurePath(context.path).stem
    folder = os.path.dirname(os.path.realpath(context.path))
    for judgement in context.assessment.judgements:
        link = judgement.local_chain
        if link is None:
            continue
        binding = judgement.binding
        chain = link.names
        path = " → ".join((importer, *chain))
        where = f"{PurePath(os.path.relpath(link.file, folder)).as_posix()}:{link.line}"
        origin = f" (layer `{link.layer}`)" if link.layer else ""
        message = (
            f"`{chain[0]}`{origin} makes every cold start import `{chain[-1]}` (`{path}`; {cost(chain[-1], heavy)}), "
            f"though only some invocations use `{chain[0]}`; import `{chain[0]}` where it is used, or defer "
            f"`{chain[-1]}` in `{where}`"
        )
        yield context.finding(CODE, binding.node, message, None, binding.line, binding.top_statement)


RULE = Rule(
    code=CODE,
    name="heavy-import-through-local-module",
    summary="Local module that imports something heavy at module scope",
    what=(
        "Finds a module-scope import of a local module (a file of the function's own code, or a "
        "module of one of its Lambda layers declared in the deployment files) that itself imports a "
        "heavy module at module scope, directly or through other local modules. The message names "
        "the whole chain, like `app → utils → pandas`, and the layer the module comes from. Imports "
        "resolve as Lambda resolves them: the function's code folder first, then each layer's "
        "`python/lib/python3.X/site-packages/` and `python/` folders, in the order the function "
        "lists its layers. As for LIL001, only where somebody waits on the handler's answer (an "
        "HTTP request, a GraphQL field, a Lex turn, or an API in its deployment): a queue's worker "
        "or a schedule saves only billed INIT (`lint-rare-handlers = true` reports them too)."
    ),
    why=(
        "The cost of a heavy import is paid wherever the chain starts: `import utils` in the handler "
        "module runs `utils`, which imports pandas, at every cold start. Nothing in the handler module "
        "itself mentions pandas, so the cost is easy to miss."
    ),
    fix_safety="No fix: the remedy lives in the other module (or in how the handler uses it).",
    options=("heavy-modules", "extend-heavy-modules", "light-modules"),
    check=check,
    invalid=(
        Example(
            id="chain-through-utils",
            source='''\
import json

import reporting


def lambda_handler(event, context):
    if (event.get("queryStringParameters") or {}).get("report"):
        return reporting.render(event)
    return json.dumps(event)
''',
            findings=(3,),
            files={
                "reporting.py": "import pandas as pd\n\n\ndef render(event):\n    return pd.DataFrame(event).to_csv()\n"
            },
        ),
    ),
    valid=(
        Example(
            id="light-local-module",
            source='''\
import helpers


def lambda_handler(event, context):
    return helpers.clean(event)
''',
            files={"helpers.py": "import json\n\n\ndef clean(event):\n    return json.loads(json.dumps(event))\n"},
        ),
    ),
)

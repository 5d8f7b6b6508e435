"""LIL003: a heavy import used only in type annotations.

Why: ``judgement/assessment.py`` gives the import ``Status.ANNOTATION_ONLY``. How it is fixed:
``Fix("type-checking")``, applied by ``fixes/type_checking.py``.
"""

from __future__ import annotations

from typing import Iterator

from lambda_import_lint.judgement.assessment import Status, is_class_annotation_for_runtime
from lambda_import_lint.rules.base import Example, Finding, Fix, Rule, RuleContext
from lambda_import_lint.rules.grouping import Candidate, per_statement
from lambda_import_lint.rules.messages import NO_FIX_DYNAMIC, NO_FIX_GUARD, NO_FIX_POSTPONE, import_text, judgement_cost

CODE = "LIL003"


def check(context: RuleContext) -> Iterator[Finding]:
    return per_statement(context, CODE, _candidates(context))


def _candidates(context: RuleContext) -> Iterator[Candidate]:
    heavy = context.heavy
    for judgement in context.assessment.with_status(Status.ANNOTATION_ONLY):
        binding = judgement.binding
        evaluated = any(use.runtime for use in judgement.uses)
        # An annotation evaluated when its function or class is defined (no postponing `from
        # __future__` import, Python before 3.14) would raise NameError once the import is guarded:
        # the advice must say so (round 9's blind review).
        message = (
            f"`{binding.module}` ({judgement_cost(judgement, heavy)}) is only used in type annotations; "
            "import it under `if TYPE_CHECKING:`"
            + (" and add `from __future__ import annotations` (they are evaluated when defined)" if evaluated else "")
        )
        fix: Fix | str = NO_FIX_GUARD if binding.guard is not None else NO_FIX_DYNAMIC
        if binding.guard is None and not context.facts.dynamic_access:
            # Safe only when no annotation naming it is ever evaluated: postponed annotations
            # (PEP 563/649), strings, or local variable annotations; and no class body whose
            # annotations a framework reads at run time (dataclasses, pydantic). Evaluated
            # annotations are made lazy with `from __future__ import annotations`, which changes
            # every annotation of the module: unsafe.
            if evaluated and context.facts.postponing_changes_names:
                yield Candidate(judgement, message, NO_FIX_POSTPONE)
                continue
            read_by_frameworks = any(is_class_annotation_for_runtime(use) for use in judgement.uses)
            title = f"Move `{import_text(binding)}` under `if TYPE_CHECKING:`"
            if evaluated:
                title += " and add `from __future__ import annotations`"
            fix = Fix(
                "type-checking",
                "unsafe" if evaluated or read_by_frameworks else "safe",
                title,
                judgement.index,
                add_future_annotations=evaluated,
            )
        yield Candidate(judgement, message, fix)


RULE = Rule(
    code=CODE,
    name="annotation-only-heavy-import",
    summary="Heavy import used only in type annotations",
    what="Finds a heavy module imported at module scope and used only in type annotations.",
    why=(
        "Type checkers read annotations; the running function does not need the module at all, "
        "yet the import costs its full time at every cold start. Under `if TYPE_CHECKING:` the "
        "import is seen by mypy and pyright and never executed. Not reported when another "
        "module-scope import may load the module anyway (one whose imports are not known: a package "
        "outside the catalogue, the project's own shared code a layer holds): guarding it would not "
        "be shown to save anything."
    ),
    fix_safety=(
        "Safe when annotations are postponed (`from __future__ import annotations`, string "
        "annotations, or `target-version = \"py314\"` and later, PEP 649). Otherwise unsafe: "
        "annotations of module-level functions and class bodies are evaluated when they are "
        "defined and would raise `NameError`. Annotations a framework reads at run time are not "
        "reported at all, whatever `from __future__` says: the signature of a function with a "
        "decorator not known to ignore annotations (route decorators, `pydantic.validate_call`), "
        "and the fields of a class with bases or decorators (`BaseModel`, dataclasses, "
        "`TypedDict`)."
    ),
    options=("heavy-modules", "extend-heavy-modules", "light-modules", "target-version"),
    check=check,
    invalid=(
        Example(
            id="postponed-annotations",
            source='''\
from __future__ import annotations

import pandas as pd


def lambda_handler(event, context):
    return summarize(event["frame"])


def summarize(frame: pd.DataFrame) -> dict:
    return frame.describe().to_dict()
''',
            findings=(3,),
            fixed='''\
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def lambda_handler(event, context):
    return summarize(event["frame"])


def summarize(frame: pd.DataFrame) -> dict:
    return frame.describe().to_dict()
''',
        ),
        Example(
            id="string-annotation",
            source='''\
from mypy_boto3_s3 import S3Client
import boto3


def lambda_handler(event, context):
    client: "S3Client" = make_client()
    return client.list_buckets()


def make_client() -> "boto3.client":
    return None
''',
            settings={"extend-heavy-modules": ["mypy_boto3_s3"]},
            findings=(1, 2),
        ),
    ),
    valid=(
        Example(
            id="used-at-run-time-too",
            source='''\
from __future__ import annotations

import pandas as pd


def lambda_handler(event, context) -> pd.DataFrame:
    return pd.DataFrame(event["rows"])
''',
        ),
        Example(
            id="already-under-type-checking",
            source='''\
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def lambda_handler(event, context) -> "pd.DataFrame":
    return None
''',
        ),
    ),
)

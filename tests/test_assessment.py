"""Bindings, uses, main path and "already paid", judged through the shared assessment."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from lambda_import_lint.analysis.handlers import resolve_handlers
from lambda_import_lint.analysis.facts import collect_facts
from lambda_import_lint.catalogue import load_catalogue
from lambda_import_lint.judgement.assessment import Status, assess

from conftest import make_config


def statuses(source: str, defer_all: bool = False, target: int = 10, **settings: object) -> dict[str, str]:
    config = make_config({key.replace("_", "-"): value for key, value in settings.items()})
    facts = collect_facts(cst.parse_module(textwrap.dedent(source)), postponed_annotations=target >= 14)
    handlers = resolve_handlers(facts, (), config.handler_names)
    assessment = assess(facts, config.heavy, handlers, defer_all=defer_all)
    return {j.binding.name: j.status.value for j in assessment.judgements}


# Calls `f` on some invocations only: uses in `f` are skipped by the others.
HANDLER = "\ndef handler(event, context):\n    if event:\n        return f()\n    return None\n"

BINDINGS = [
    pytest.param("import pandas\ndef f():\n    return pandas.x\n", "pandas", "deferrable", id="plain"),
    pytest.param("import pandas as pd\ndef f():\n    return pd.x\n", "pd", "deferrable", id="aliased"),
    pytest.param("import google.cloud.storage\ndef f():\n    return google.cloud.storage.Client\n", "google", "deferrable", id="dotted"),
    pytest.param("import google.cloud.storage as gcs\ndef f():\n    return gcs.Client\n", "gcs", "deferrable", id="dotted-aliased"),
    pytest.param("from pandas import DataFrame\ndef f():\n    return DataFrame()\n", "DataFrame", "deferrable", id="from"),
    pytest.param("from pandas import DataFrame as DF\ndef f():\n    return DF()\n", "DF", "deferrable", id="from-aliased"),
    pytest.param("from . import utils\ndef f():\n    return utils.x\n", "utils", "light", id="relative-is-local"),
    pytest.param("from .. import pandas\ndef f():\n    return pandas.x\n", "pandas", "light", id="relative-named-like-heavy"),
    pytest.param("from pandas import *\ndef f():\n    return DataFrame()\n", "*", "skipped", id="star"),
    pytest.param("lazy import pandas as pd\ndef f():\n    return pd.x\n", "pd", "skipped", id="already-lazy"),
    pytest.param("try:\n    import ujson as json\nexcept ImportError:\n    import json\ndef f():\n    return json.dumps(1)\n", "json", "deferrable", id="try-guard", ),
    pytest.param("import sys\nif sys.version_info >= (3, 11):\n    import tomllib as toml\nelse:\n    import tomli as toml\ndef f():\n    return toml.loads('')\n", "toml", "deferrable", id="if-else-guard"),
    pytest.param("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pandas as pd\ndef f(x: 'pd.DataFrame'):\n    return x\n", "pd", "skipped", id="type-checking"),
    pytest.param("import pandas as pd\npd = None\ndef f():\n    return pd\n", "pd", "skipped", id="rebound-at-module-scope"),
    pytest.param("import pandas as pd\ndef f():\n    global pd\n    pd = None\n", "pd", "skipped", id="global-declaration"),
]


@pytest.mark.parametrize(("source", "name", "expected"), BINDINGS)
def test_binding_kinds(source: str, name: str, expected: str) -> None:
    heavy = {"heavy_modules": ["pandas", "google.cloud", "ujson", "json", "tomllib", "tomli"]}
    assert statuses(source + HANDLER, **heavy)[name] == expected


USES = [
    pytest.param("X = pd.DataFrame()", "pinned", id="module-statement"),
    pytest.param("@pd.api.extensions.register_dataframe_accessor('x')\nclass A:\n    pass", "pinned", id="class-decorator"),
    pytest.param("def f(x=pd.NA):\n    return x", "pinned", id="default-argument"),
    pytest.param("class A(pd.DataFrame):\n    pass", "pinned", id="class-base"),
    pytest.param("class A:\n    frame = pd.DataFrame", "pinned", id="class-body"),
    pytest.param("def f(x: pd.DataFrame):\n    return x", "annotation-only", id="annotation-evaluated-at-definition"),
    pytest.param("def f(x: pd.DataFrame):\n    return pd.concat(x)", "pinned", id="evaluated-annotation-and-code-use-pin"),
    pytest.param("def f():\n    def g(x: pd.DataFrame):\n        return x\n    return g", "annotation-only", id="nested-signature-evaluated-in-function"),
    pytest.param("x: pd.DataFrame = None", "annotation-only", id="module-annotated-assignment"),
    pytest.param("x: pd.DataFrame = None\ndef f():\n    return pd.x", "pinned", id="module-annotation-and-code-use-pin"),
    pytest.param("__all__ = ['pd']", "pinned", id="dunder-all"),
    pytest.param("def f():\n    return pd.DataFrame()", "deferrable", id="function-body"),
    pytest.param("def f():\n    return pd.DataFrame()\nF = f()", "pinned", id="function-called-at-import"),
    pytest.param("def g():\n    return pd.DataFrame()\ndef f():\n    return g()\nF = f()", "pinned", id="called-at-import-transitively"),
    pytest.param("def deco(fn):\n    pd.set_option('x', 1)\n    return fn\n@deco\ndef f():\n    pass", "pinned", id="decorator-body-runs-at-import"),
    pytest.param("def deco(fn):\n    def wrapper():\n        return pd.x\n    return wrapper\n@deco\ndef f():\n    pass", "unproven", id="decorator-wrapper-has-no-known-caller"),
    pytest.param("class A:\n    def m(self):\n        return pd.x", "unproven", id="method-no-handler-is-known-to-call"),
    pytest.param("def g():\n    return pd.x", "unproven", id="function-no-handler-calls"),
    pytest.param("@app.get('/x')\ndef g():\n    return pd.x", "unproven", id="registered-by-a-decorator"),
    pytest.param("def f():\n    return pd.x if f else None", "deferrable", id="conditional-expression-in-helper"),
    pytest.param("class Model:\n    def __init__(self):\n        self.x = pd.x\nMODEL = Model()", "pinned", id="class-instantiated-at-import-runs-init"),
    pytest.param("class Model:\n    def __new__(cls):\n        return pd.x\nMODEL = Model()", "pinned", id="class-instantiated-at-import-runs-new"),
    pytest.param("import dataclasses\n@dataclasses.dataclass\nclass Model:\n    def __post_init__(self):\n        self.x = pd.x\nMODEL = Model()", "pinned", id="dataclass-instantiated-at-import-runs-post-init"),
    pytest.param("class Model:\n    def __init__(self):\n        self.x = pd.x\ndef make():\n    return Model()\nMODEL = make()", "pinned", id="class-instantiated-by-import-time-function"),
    pytest.param("class Model:\n    def __init__(self):\n        self.x = pd.x\ndef make():\n    return Model()", "unproven", id="class-instantiated-only-later"),
    pytest.param("class Model:\n    def __init__(self):\n        self.x = pd.x\nif __name__ == '__main__':\n    Model()", "unproven", id="class-instantiated-in-main-block"),
    pytest.param("def f():\n    def inner():\n        return pd.x\n    return inner", "deferrable", id="nested-function"),
    pytest.param("def f(items):\n    return sorted(items, key=lambda i: pd.x(i))", "deferrable", id="lambda-in-function"),
    pytest.param("key = lambda i: pd.x(i)", "pinned", id="module-level-lambda"),
    pytest.param("def f(pd):\n    return pd.x", "unused", id="shadowed-by-parameter"),
    pytest.param("def f():\n    pd = 1\n    return pd", "unused", id="shadowed-by-local"),
    pytest.param("def f():\n    print(pd)\n    pd = 1", "unused", id="shadowed-by-later-local"),
    pytest.param("def f(xs):\n    return [pd for pd in xs]", "unused", id="shadowed-by-comprehension-variable"),
    pytest.param("def f():\n    import pandas as pd\n    return pd.x", "unused", id="shadowed-by-function-import"),
    pytest.param("def f():\n    pd = 1\n    def g():\n        nonlocal pd\n        return pd\n    return g", "unused", id="nonlocal"),
    pytest.param("def f():\n    try:\n        pass\n    except ValueError as pd:\n        return pd", "unused", id="shadowed-by-except-name"),
    pytest.param("def f(x):\n    with open(x) as pd:\n        return pd", "unused", id="shadowed-by-with"),
    pytest.param("def f(x):\n    match x:\n        case [pd]:\n            return pd", "unused", id="shadowed-by-match-capture"),
    pytest.param("def f():\n    x: pd.DataFrame = 1\n    return x", "annotation-only", id="local-annotation-never-evaluated"),
    pytest.param("def f(x: 'pd.DataFrame'):\n    return x", "annotation-only", id="string-annotation"),
    pytest.param("def f():\n    return None\nif __name__ == '__main__':\n    handler({}, None)", "unused",
                 id="main-block-calls-do-not-pin"),
    pytest.param("if __name__ == '__main__':\n    print(pd.__version__)", "pinned", id="main-block-use-pins"),
    pytest.param("def f():\n    return globals()['pd']", "kept", id="dynamic-access-keeps-unused-imports"),
]


@pytest.mark.parametrize(
    ("code", "dynamic"),
    [
        pytest.param("globals()", True, id="globals"),
        pytest.param("vars()", True, id="vars"),
        pytest.param("vars(obj)", False, id="vars-of-object"),
        pytest.param("eval(text)", True, id="eval"),
        pytest.param("exec(text)", True, id="exec"),
        pytest.param("eval(text, namespace)", False, id="eval-with-namespace"),
        pytest.param("exec(text, globals=namespace)", False, id="exec-with-namespace-keyword"),
    ],
)
def test_dynamic_access(code: str, dynamic: bool) -> None:
    facts = collect_facts(cst.parse_module(f"def f(text, obj, namespace):\n    return {code}\n"))
    assert facts.dynamic_access is dynamic


@pytest.mark.parametrize(("code", "expected"), USES)
def test_use_kinds(code: str, expected: str) -> None:
    source = "import pandas as pd\n" + code + "\n" + HANDLER
    assert statuses(source)["pd"] == expected


def test_postponed_annotations_do_not_pin() -> None:
    source = "from __future__ import annotations\nimport pandas as pd\ndef f(x: pd.DataFrame):\n    return x\n"
    assert statuses(source + HANDLER)["pd"] == "annotation-only"
    assert statuses("import pandas as pd\ndef f(x: pd.DataFrame):\n    return x\n" + HANDLER, target=14)["pd"] == "annotation-only"


MAIN_PATH = [
    pytest.param("return pd.x", "main-path", id="body"),
    pytest.param("with open('x'):\n        return pd.x", "main-path", id="with-body"),
    pytest.param("try:\n        return pd.x\n    finally:\n        pass", "main-path", id="try-body"),
    pytest.param("try:\n        pass\n    finally:\n        pd.x", "main-path", id="finally"),
    pytest.param("try:\n        pass\n    except Exception:\n        pd.x", "deferrable", id="except"),
    pytest.param("try:\n        pass\n    except Exception:\n        pass\n    else:\n        pd.x", "main-path", id="try-else"),
    pytest.param("if pd.x:\n        pass", "main-path", id="if-test"),
    # (`return event`: an invocation skipping the body answers with what it got, a way of its own;
    # one that answered nothing or a constant would be ignored, `syntax.answers_alike`.)
    pytest.param("if event:\n        pd.x\n    return event", "deferrable", id="if-body"),
    pytest.param("if event:\n        pd.x", "main-path", id="if-body-of-a-function-that-answers-nothing"),
    pytest.param("if event:\n        pass\n    elif event:\n        pd.x", "deferrable", id="elif"),
    pytest.param("if event:\n        pass\n    else:\n        pd.x", "main-path", id="else-of-a-body-that-does-nothing"),
    pytest.param("if event:\n        event.clear()\n    else:\n        pd.x", "deferrable", id="else"),
    pytest.param(
        "if event == 1:\n        return 1\n    elif event == 2:\n        return 2\n    elif event == 3:\n        pd.x\n"
        "    else:\n        pd.y",
        "deferrable", id="the-last-elif-and-its-else-run-only-when-the-earlier-tests-fail",
    ),
    pytest.param(
        "if event == 1:\n        return 1\n    elif event == 2:\n        pd.z\n    elif event == 3:\n        pd.x\n"
        "    else:\n        pd.y",
        "common", id="most-ways-of-a-dispatch",
    ),
    pytest.param(
        "if 'pd' not in CACHE:\n        CACHE['pd'] = pd.x\n    return CACHE['pd']", "main-path", id="filling-a-module-cache",
    ),
    pytest.param(
        "if 'pd' not in CACHE:\n        event['pd'] = pd.x\n    return CACHE['pd']", "deferrable", id="a-test-of-a-module-cache",
    ),
    pytest.param(
        "CACHE = {}\n    if 'pd' not in CACHE:\n        CACHE['pd'] = pd.x\n    return CACHE['pd']", "deferrable",
        id="filling-a-local-dict",
    ),
    pytest.param(
        "answer = {}\n    if not event:\n        answer['statusCode'] = 400\n        answer['message'] = 'no body'\n"
        "    else:\n        answer = pd.x\n    return answer",
        "main-path", id="else-of-a-body-that-answers-an-error",
    ),
    pytest.param(
        "if not event:\n        response = {'statusCode': 400}\n    else:\n        response = pd.x\n    return response",
        "main-path", id="else-of-a-body-that-builds-an-error-answer",
    ),
    pytest.param(
        "if not event:\n        response = {'statusCode': 200}\n    else:\n        response = pd.x\n    return response",
        "deferrable", id="else-of-a-body-that-answers",
    ),
    pytest.param("for i in pd.x:\n        pass", "main-path", id="for-iterable"),
    pytest.param("for i in event['Records']:\n        pd.x", "main-path", id="for-body-runs-whenever-reached"),
    pytest.param("for i in event.get('images', []):\n        pd.x", "deferrable", id="for-over-optional-field"),
    pytest.param("for i in event.get('items') or []:\n        pd.x", "deferrable", id="for-over-optional-or-empty"),
    # The batch of a queue's or stream's event is there on every invocation, however cautiously read.
    pytest.param("for i in event.get('Records', []):\n        pd.x", "main-path", id="for-over-the-batch-read-with-get"),
    pytest.param("for i in event.get('Records') or []:\n        pd.x", "main-path", id="for-over-the-batch-or-empty"),
    pytest.param("return [pd.x for i in event.get('records', [])]", "main-path", id="comprehension-over-a-firehose-batch"),
    pytest.param("for i in event:\n        if i:\n            pd.x", "deferrable", id="branch-in-loop"),
    pytest.param("while event:\n        pd.x", "main-path", id="while-body"),
    pytest.param("return [pd.x for i in event['Records']]", "main-path", id="comprehension"),
    pytest.param("return [pd.x for i in event if i]", "deferrable", id="comprehension-filtered"),
    pytest.param("return [pd.x for i in event.get('rows', [])]", "deferrable", id="comprehension-over-optional"),
    pytest.param("return pd.x if event else None", "deferrable", id="conditional-expression"),
    pytest.param("return event and pd.x", "deferrable", id="short-circuit"),
    pytest.param("match event:\n        case {}:\n            pd.x", "deferrable", id="match-case"),
    pytest.param("return helper()", "main-path", id="helper-on-main-path"),
    pytest.param("if event:\n        return helper()", "deferrable", id="helper-called-conditionally"),
    pytest.param("return outer()", "main-path", id="helper-of-helper"),
    pytest.param("return list(map(helper, event))", "main-path", id="helper-as-callback-on-main-path"),
    pytest.param("if event:\n        run(helper)\n    return event", "deferrable", id="helper-as-callback-in-branch"),
    pytest.param("def inner():\n        return pd.x\n    return inner()", "main-path", id="nested-called"),
    pytest.param("def inner():\n        return pd.x\n    return inner", "main-path", id="nested-returned"),
]


@pytest.mark.parametrize(("body", "expected"), MAIN_PATH)
def test_main_path(body: str, expected: str) -> None:
    # The helpers are defined only where the handler refers to them: a helper no handler reaches
    # would leave its use unproven.
    helpers = "def helper():\n    return pd.x\ndef outer():\n    return helper()\n" if "helper" in body or "outer" in body else ""
    source = f"import pandas as pd\nCACHE = {{}}\n{helpers}def handler(event, context):\n    {body}\n"
    assert statuses(source)["pd"] == expected


def test_defer_all_flags_main_path() -> None:
    source = "import pandas as pd\ndef handler(event, context):\n    return pd.x\n"
    assert statuses(source)["pd"] == "main-path"
    assert statuses(source, defer_all=True)["pd"] == "deferrable"


def test_several_handlers() -> None:
    both = "import pandas as pd\ndef a(event, context):\n    return pd.x\ndef b(event, context):\n    return pd.y\n"
    one = "import pandas as pd\ndef a(event, context):\n    return pd.x\ndef b(event, context):\n    return 1\n"
    assert statuses(both)["pd"] == "main-path"
    assert statuses(one)["pd"] == "deferrable"


ALREADY_PAID = [
    pytest.param(
        "import boto3\nfrom botocore.exceptions import ClientError\ns3 = boto3.client('s3')\n"
        "def handler(event, context):\n    if event.get('x'):\n        try:\n            s3.x()\n        except ClientError:\n"
        "            pass\n    return event\n",
        "ClientError", id="botocore-loaded-by-pinned-boto3",
    ),
    pytest.param(
        "import pandas as pd\nimport numpy as np\nX = pd.DataFrame()\n"
        "def handler(event, context):\n    if event:\n        return np.x\n",
        "np", id="numpy-loaded-by-pandas",
    ),
    pytest.param(
        "import boto3\nfrom boto3.dynamodb.conditions import Key\ntable = boto3.resource('dynamodb').Table('t')\n"
        "def handler(event, context):\n    if event:\n        return table.query(Key('a').eq(1))\n",
        "Key", id="same-package",
    ),
    pytest.param(
        "import pandas as pd\nimport numpy as np\n"
        "def handler(event, context):\n    frame = pd.DataFrame()\n    if event:\n        return np.x\n",
        "np", id="loaded-by-main-path-import",
    ),
]


@pytest.mark.parametrize(("source", "name"), ALREADY_PAID)
def test_already_paid(source: str, name: str) -> None:
    assert statuses(source)[name] == "already-paid"


def test_not_paid_by_an_import_that_moves() -> None:
    source = (
        "import pandas as pd\nimport numpy as np\n"
        "def handler(event, context):\n    if event:\n        return pd.x\n    if context:\n        return np.y\n"
    )
    assert statuses(source) == {"pd": "deferrable", "np": "deferrable"}


def test_client_in_handler_is_lil101_not_lil001() -> None:
    source = "import boto3\ndef handler(event, context):\n    if event:\n        return boto3.client('s3').x()\n"
    assert statuses(source)["boto3"] == "client"


def test_per_request_client_is_not_lil101() -> None:
    source = "import boto3\ndef handler(event, context):\n    if event:\n        return boto3.client('s3', region_name=event['r'])\n"
    assert statuses(source)["boto3"] == "deferrable"


def test_status_values_cover_enum() -> None:
    assert {status.value for status in Status} >= {"deferrable", "pinned", "unused", "annotation-only"}


def test_numpy_used_by_a_class_instantiated_at_import_is_not_reported() -> None:
    """``MODEL = Model()`` runs ``Model.__init__`` during INIT: its uses pin the import."""
    from lambda_import_lint.api import check_source

    source = textwrap.dedent(
        """\
        import numpy as np


        class Model:
            def __init__(self):
                self.weights = np.ones(3)


        MODEL = Model()


        def lambda_handler(event, context):
            if event.get("score"):
                return float(MODEL.weights.sum())
            return None
        """
    )
    assert [f.code for f in check_source(source, "app.py").findings] == []
    assert statuses(source)["np"] == "pinned"
    # Not built at import: `__init__` has no known caller then, so nothing is proven either way.
    assert statuses(source.replace("MODEL = Model()", "MODEL = None"))["np"] == "unproven"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "from __future__ import annotations\nfrom pydantic import EmailStr\n@app.post('/x')\ndef route(email: EmailStr):\n    return email\n",
            "pinned", id="route-decorator-reads-the-signature",
        ),
        pytest.param(
            "from __future__ import annotations\nfrom pydantic import EmailStr\nclass Body(BaseModel):\n    email: EmailStr\n",
            "pinned", id="model-field-read-at-run-time",
        ),
        pytest.param(
            "from __future__ import annotations\nfrom pydantic import EmailStr\n@staticmethod\ndef f(email: EmailStr):\n    return email\n",
            "annotation-only", id="decorator-known-not-to-read-annotations",
        ),
        pytest.param(
            "from __future__ import annotations\nfrom pydantic import EmailStr\ndef f(email: EmailStr):\n    return email\n",
            "annotation-only", id="plain-function-signature",
        ),
    ],
)
def test_annotations_a_framework_reads_pin_the_import(source: str, expected: str) -> None:
    """A route's parameter annotations are resolved when the route validates its input: under
    `if TYPE_CHECKING:` they would raise NameError, whatever `from __future__` says."""
    assert statuses(source + HANDLER, heavy_modules=["pydantic"])["EmailStr"] == expected


TRACED = "def handler(event, context):\n    if event:\n        return requests.get(event['url'])\n    return None\n"


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        pytest.param("from aws_lambda_powertools import Tracer\ntracer = Tracer()\n", "already-paid", id="powertools-tracer-patches"),
        pytest.param("from aws_lambda_powertools import Tracer\ntracer = Tracer(auto_patch=False)\n", "deferrable", id="auto-patch-off"),
        pytest.param("from aws_lambda_powertools import Tracer\ntracer = Tracer(patch_modules=['boto3'])\n", "deferrable", id="patch-modules-narrows"),
        pytest.param("from aws_lambda_powertools import Tracer\ntracer = Tracer(patch_modules=['requests'])\n", "already-paid", id="patch-modules-names-it"),
        pytest.param("from aws_xray_sdk.core import patch_all\npatch_all()\n", "already-paid", id="xray-patch-all"),
        pytest.param("import importlib\nimportlib.import_module('requests')\n", "already-paid", id="importlib-at-module-scope"),
        pytest.param("import importlib\ndef f():\n    importlib.import_module('requests')\n", "deferrable", id="importlib-in-a-function"),
    ],
)
def test_already_paid_by_module_level_calls(setup: str, expected: str) -> None:
    source = "import requests\n" + setup + TRACED
    assert statuses(source, heavy_modules=["requests", "aws_lambda_powertools", "aws_xray_sdk"])["requests"] == expected


TRACER = "from aws_lambda_powertools import Tracer\ntracer = Tracer({arguments})\n"


@pytest.mark.parametrize(
    ("imports", "arguments", "expected"),
    [
        pytest.param("import botocore.session\n", "", {"botocore": "already-paid"}, id="botocore-s-session"),
        pytest.param("from botocore.config import Config\n", "", {"Config": "already-paid"}, id="botocore-s-config"),
        pytest.param("import boto3\n", "", {"boto3": "unused"}, id="boto3-is-not-patched"),
        pytest.param("import boto3\n", "patch_modules=['boto3']", {"boto3": "unused"}, id="x-ray-s-boto3-is-botocore"),
        pytest.param("import pynamodb\n", "patch_modules=['pynamodb']", {"pynamodb": "already-paid"}, id="pynamodb"),
        pytest.param("import httpx\n", "patch_modules=['boto3']", {"httpx": "unused"}, id="narrowed"),
    ],
)
def test_what_x_ray_patching_loads(imports: str, arguments: str, expected: dict[str, str]) -> None:
    """X-Ray patches botocore (for `boto3` too), which imports botocore's client, session and config
    but not boto3 (round 21: an unused `boto3` beside Powertools' `Tracer()` saves ~35 ms)."""
    source = imports + TRACER.format(arguments=arguments) + "def handler(event, context):\n    return event.get(\"id\")\n"
    found = statuses(source, heavy_modules=["boto3", "botocore", "pynamodb", "httpx", "aws_lambda_powertools"])
    assert {name: found[name] for name in expected} == expected


def test_the_saving_of_an_unused_boto3_beside_a_tracer() -> None:
    source = "import boto3\n" + TRACER.format(arguments="") + "def handler(event, context):\n    return event.get(\"id\")\n"
    facts = collect_facts(cst.parse_module(source))
    config = make_config({})
    judgement = next(
        j for j in assess(facts, config.heavy, resolve_handlers(facts, (), config.handler_names), defer_all=False).judgements
        if j.binding.name == "boto3"
    )
    costs = load_catalogue().costs_ms
    assert judgement.saving_ms == costs["boto3"] - costs["botocore.config"]


def test_initialising_once_per_environment_is_the_cold_start_path() -> None:
    """`global keys` … `if keys is None:` runs on the first invocation of every cold start: an
    import used there is paid by every cold start wherever it sits."""
    source = (
        "import requests\nkeys = None\n"
        "def handler(event, context):\n    global keys\n    if keys is None:\n"
        "        keys = requests.get('https://example.com/jwks').json()\n    return keys\n"
    )
    assert statuses(source)["requests"] == "main-path"
    assert statuses(source.replace("if keys is None:", "if event.get('refresh'):"))["requests"] == "deferrable"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "DEBUG = False\ndef handler(event, context):\n    if DEBUG:\n        return pd.x\n    return None\n",
            "unused", id="dead-side-has-no-uses",
        ),
        pytest.param(
            "ENABLED = True\ndef handler(event, context):\n    if ENABLED:\n        return pd.x\n    return None\n",
            "main-path", id="live-side-is-main-path",
        ),
        pytest.param(
            "MODE = None\ndef handler(event, context):\n    if not MODE:\n        return pd.x\n    return None\n",
            "main-path", id="negated-test",
        ),
        pytest.param(
            "DEBUG = False\ndef handler(event, context):\n    if DEBUG:\n        return None\n    else:\n        return pd.x\n",
            "main-path", id="else-of-a-dead-branch",
        ),
        pytest.param(
            "DEBUG = False\nDEBUG = True\ndef handler(event, context):\n    if DEBUG:\n        return pd.x\n    return None\n",
            "deferrable", id="rebound-is-no-constant",
        ),
        pytest.param(
            "DEBUG = False\ndef toggle():\n    global DEBUG\n    DEBUG = True\ndef handler(event, context):\n    if DEBUG:\n        return pd.x\n    return None\n",
            "deferrable", id="global-is-no-constant",
        ),
        pytest.param(
            "DEBUG = os.path.exists('/tmp/debug')\ndef handler(event, context):\n    if DEBUG:\n        return pd.x\n    return None\n",
            "deferrable", id="computed-is-no-constant",
        ),
        # The deployment's configuration is the same for every invocation: a branch on it does not
        # show that some invocations skip the import (round 8: a webhook URL always set).
        pytest.param(
            "URL = os.environ.get('URL')\ndef handler(event, context):\n    if URL:\n        return pd.x\n    return None\n",
            "main-path", id="environment-setting",
        ),
        pytest.param(
            "def handler(event, context):\n    if not os.getenv('URL'):\n        return None\n    else:\n        return pd.x\n",
            "main-path", id="environment-read-in-the-test",
        ),
        pytest.param(
            "URL = os.environ['URL']\nURL = URL.strip()\ndef handler(event, context):\n    if URL:\n        return pd.x\n    return None\n",
            "deferrable", id="environment-setting-rebound",
        ),
    ],
)
def test_branches_on_module_constants_fold(source: str, expected: str) -> None:
    assert statuses("import pandas as pd\nimport os\n" + source)["pd"] == expected


def test_a_client_on_the_dead_side_is_not_reported_and_the_live_one_is_every_invocation() -> None:
    """A never-run STS client on the dead side; the live side's client is built on every call."""
    from lambda_import_lint.api import check_source

    source = (
        "import boto3\n\nASSUME_ROLE_MODE = False\n\n\ndef get_client():\n"
        "    if ASSUME_ROLE_MODE:\n        return boto3.client('sts').assume_role(RoleArn='x')\n"
        "    else:\n        return boto3.client('config')\n\n\n"
        "def lambda_handler(event, context):\n    return get_client().describe_config_rules(ConfigRuleNames=event['body'])\n"
    )
    findings = check_source(source.encode(), "app.py").findings
    assert [(f.code, f.line) for f in findings] == [("LIL101", 10)]
    assert "every invocation" in findings[0].message
    # Not folded, each client is built by some invocations only: not shown to be built often, so
    # reported under `--defer all` alone.
    unfolded = source.replace("= False", "= bool(0)").encode()
    assert check_source(unfolded, "app.py").findings == ()
    every = check_source(unfolded, "app.py", make_config({"defer": "all"})).findings
    assert [(f.code, f.line) for f in every] == [("LIL101", 8), ("LIL101", 10)]

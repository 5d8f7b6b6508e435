"""Source-in/source-out tests for every fix, run through the API and the CLI, each checked for
idempotence (fixing the output again changes nothing)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lambda_import_lint.cli import main
from lambda_import_lint.api import fix_source
from lambda_import_lint.rules.registry import RULES

from conftest import lint, make_config


def fix(source: str, unsafe: bool = False, **settings: object) -> tuple[str, str | None]:
    config = make_config({key.replace("_", "-"): value for key, value in settings.items()})
    outcome = fix_source(textwrap.dedent(source).encode(), "app.py", config, unsafe=unsafe)
    again = fix_source(outcome.source, "app.py", config, unsafe=unsafe)
    assert again.source == outcome.source and not again.changed, "not stable on a second pass"
    return outcome.source.decode(), outcome.failure


EXAMPLE_CASES = [
    pytest.param(example, id=f"{rule.code}-{example.id}")
    for rule in RULES.values()
    for example in rule.invalid
    if example.fixed is not None
]


@pytest.mark.parametrize("example", EXAMPLE_CASES)
def test_rule_examples_fix(example) -> None:  # type: ignore[no-untyped-def]
    fixed, failure = fix(example.source, unsafe=True, **{k.replace("-", "_"): v for k, v in example.settings.items()})
    assert failure is None
    assert fixed == example.fixed


@pytest.mark.parametrize("example", EXAMPLE_CASES)
def test_rule_examples_fix_through_cli(example, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from lambda_import_lint.output.docs import _toml

    path = tmp_path / "app.py"
    path.write_text(example.source)
    settings = "\n".join(f"{key} = {_toml(value)}" for key, value in example.settings.items())
    (tmp_path / "pyproject.toml").write_text(f"[tool.lambda-import-lint]\n{settings}\n")
    assert main(["check", "--fix", "--unsafe-fixes", str(path)]) == 1
    assert path.read_text() == example.fixed
    assert f"Rewriting {path}" in capsys.readouterr().err
    assert main(["check", "--fix", "--unsafe-fixes", str(path)]) == 0


VALID_CASES = [
    pytest.param(example, id=f"{rule.code}-{example.id}") for rule in RULES.values() for example in rule.valid
]


@pytest.mark.parametrize("example", VALID_CASES)
def test_no_op_for_valid_examples(example) -> None:  # type: ignore[no-untyped-def]
    fixed, _ = fix(example.source, unsafe=True, **{k.replace("-", "_"): v for k, v in example.settings.items()})
    assert fixed == example.source


HANDLER = "def lambda_handler(event, context):\n    return len(event)\n"

CASES = [
    pytest.param(
        """\
        from pandas import DataFrame, Series


        def report(rows):
            return DataFrame(rows)


        def summary(values):
            return Series(values).describe()
        """,
        """\
        def report(rows):
            from pandas import DataFrame
            return DataFrame(rows)


        def summary(values):
            from pandas import Series
            return Series(values).describe()
        """,
        id="from-import-names-to-different-functions",
    ),
    pytest.param(
        """\
        import os
        from pandas import (
            DataFrame,  # rows
            Series,
        )


        def report(rows):
            return DataFrame(rows)


        def summary(values):
            return Series(values).describe()
        """,
        """\
        import os


        def report(rows):
            from pandas import (
                DataFrame,  # rows
            )
            return DataFrame(rows)


        def summary(values):
            from pandas import (
                Series,
            )
            return Series(values).describe()
        """,
        id="parenthesized-from-import",
    ),
    pytest.param(
        """\
        import json, pandas as pd


        def report(rows):
            return pd.DataFrame(rows).to_json()
        """,
        """\
        import json


        def report(rows):
            import pandas as pd
            return pd.DataFrame(rows).to_json()
        """,
        id="split-import-statement",
    ),
    pytest.param(
        """\
        import json; import pandas as pd


        def report(rows):
            return pd.DataFrame(rows).to_json()
        """,
        """\
        import json


        def report(rows):
            import pandas as pd
            return pd.DataFrame(rows).to_json()
        """,
        id="semicolon-line",
    ),
    pytest.param(
        """\
        import os

        # Reports need pandas.
        import pandas as pd

        TABLE = os.environ.get("TABLE")


        def report(rows):
            return pd.DataFrame(rows)
        """,
        """\
        import os

        TABLE = os.environ.get("TABLE")


        def report(rows):
            # Reports need pandas.
            import pandas as pd
            return pd.DataFrame(rows)
        """,
        id="comment-above-import-moves-with-it",
    ),
    pytest.param(
        """\
        import numpy as np


        def a(x):
            return np.sum(x)


        def b(x):
            return np.mean(x)
        """,
        """\
        def a(x):
            import numpy as np
            return np.sum(x)


        def b(x):
            import numpy as np
            return np.mean(x)
        """,
        id="two-functions",
    ),
    pytest.param(
        """\
        import numpy as np


        class Scorer:
            def score(self, x):
                return np.dot(x, x)
        """,
        """\
        class Scorer:
            def score(self, x):
                import numpy as np
                return np.dot(x, x)
        """,
        id="method",
    ),
    pytest.param(
        """\
        import numpy as np


        def outer(x):
            def inner():
                return np.sum(x)
            return inner() + np.mean(x)
        """,
        """\
        def outer(x):
            import numpy as np
            def inner():
                return np.sum(x)
            return inner() + np.mean(x)
        """,
        id="outer-covers-nested",
    ),
    pytest.param(
        """\
        import numpy as np


        def outer(x):
            def inner():
                return np.sum(x)
            return inner
        """,
        """\
        def outer(x):
            def inner():
                import numpy as np
                return np.sum(x)
            return inner
        """,
        id="nested-only",
    ),
    pytest.param(
        """\
        import httpx


        async def fetch(url):
            async with httpx.AsyncClient() as client:
                return await client.get(url)
        """,
        """\
        async def fetch(url):
            import httpx
            async with httpx.AsyncClient() as client:
                return await client.get(url)
        """,
        id="async-function",
    ),
    pytest.param(
        """\
        import numpy as np


        def total(x): return np.sum(x)
        """,
        """\
        def total(x):
            import numpy as np
            return np.sum(x)
        """,
        id="one-line-body",
    ),
    pytest.param(
        """\
        import numpy as np


        def total(x): return np.sum(x);  # sum
        """,
        """\
        def total(x):  # sum
            import numpy as np
            return np.sum(x)
        """,
        id="one-line-body-with-semicolon-and-comment",
    ),
    pytest.param(
        """\
        import numpy as np


        def pick(rows):
            return sorted(rows, key=lambda row: np.sum(row))
        """,
        """\
        def pick(rows):
            import numpy as np
            return sorted(rows, key=lambda row: np.sum(row))
        """,
        id="lambda-uses-enclosing-function",
    ),
    pytest.param(
        """\
        import numpy as np


        def sums(rows):
            return [np.sum(row) for row in rows]
        """,
        """\
        def sums(rows):
            import numpy as np
            return [np.sum(row) for row in rows]
        """,
        id="comprehension-uses-enclosing-function",
    ),
    pytest.param(
        """\
        import numpy as np

        COUNT = 0


        def total(x):
            \"\"\"Sum x.\"\"\"
            global COUNT
            import math
            COUNT += 1
            return np.sum(x) + math.pi
        """,
        """\
        COUNT = 0


        def total(x):
            \"\"\"Sum x.\"\"\"
            global COUNT
            import math
            import numpy as np
            COUNT += 1
            return np.sum(x) + math.pi
        """,
        id="after-docstring-global-and-imports",
    ),
    pytest.param(
        """\
        try:
            import ujson as json
        except ImportError:
            import json


        def dump(x):
            return json.dumps(x)
        """,
        """\
        def dump(x):
            try:
                import ujson as json
            except ImportError:
                import json
            return json.dumps(x)
        """,
        id="whole-try-guard-moves",
    ),
    pytest.param(
        """\
        import numpy as np


        def total(x):
        \treturn np.sum(x)
        """,
        """\
        def total(x):
        \timport numpy as np
        \treturn np.sum(x)
        """,
        id="tab-indentation",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_move_into_functions(source: str, expected: str) -> None:
    fixed, failure = fix(source, all_modules=True, extend_heavy_modules=["ujson", "json", "httpx"])
    assert failure is None
    assert fixed == textwrap.dedent(expected)


def test_crlf_file_keeps_line_endings() -> None:
    source = "import numpy as np\r\n\r\n\r\ndef total(x):\r\n    return np.sum(x)\r\n"
    config = make_config({"all-modules": True})
    outcome = fix_source(source.encode(), "app.py", config)
    assert outcome.source == b"def total(x):\r\n    import numpy as np\r\n    return np.sum(x)\r\n"


def test_bom_and_latin1_kept() -> None:
    config = make_config({"all-modules": True})
    bom = b"\xef\xbb\xbfimport numpy as np\n\n\ndef f():\n    return np.x\n"
    assert fix_source(bom, "a.py", config).source == b"\xef\xbb\xbfdef f():\n    import numpy as np\n    return np.x\n"
    latin = b"# -*- coding: latin-1 -*-\nimport numpy as np\nS = '\xe9'\n\n\ndef f():\n    return np.x\n"
    fixed = fix_source(latin, "a.py", config).source
    assert fixed == b"# -*- coding: latin-1 -*-\nS = '\xe9'\n\n\ndef f():\n    import numpy as np\n    return np.x\n"


REPORT_ONLY = [
    pytest.param(
        """\
        try:
            import ujson as json
            FAST = True
        except ImportError:
            import json
            FAST = False


        def dump(x):
            return json.dumps(x)
        """,
        id="guard-holds-more-than-imports",
    ),
    pytest.param(
        """\
        import numpy as np


        def f():
            print(globals())
            return np.sum([1])
        """,
        id="dynamic-name-access",
    ),
    pytest.param(
        """\
        with open("x") as handle:
            import numpy as np


        def f():
            return np.x
        """,
        id="import-inside-with",
    ),
]


@pytest.mark.parametrize("source", REPORT_ONLY)
def test_reported_without_fix(source: str) -> None:
    config = make_config({"all-modules": True, "extend-heavy-modules": ["ujson", "json"]})
    outcome = fix_source(textwrap.dedent(source).encode(), "app.py", config, unsafe=True)
    assert not outcome.changed
    assert [f.code for f in outcome.result.findings] == ["LIL001"]
    assert outcome.result.findings[0].fix is None


LAZY = [
    pytest.param(
        "import pandas as pd\n\n\ndef f():\n    return pd.x\n",
        "lazy import pandas as pd\n\n\ndef f():\n    return pd.x\n",
        id="plain",
    ),
    pytest.param(
        "import json, pandas as pd\n\n\ndef f():\n    return pd.x\n",
        "import json\nlazy import pandas as pd\n\n\ndef f():\n    return pd.x\n",
        id="split-statement",
    ),
    pytest.param(
        "from sklearn.linear_model import LinearRegression as LR\n\n\ndef f():\n    return LR()\n",
        "lazy from sklearn.linear_model import LinearRegression as LR\n\n\ndef f():\n    return LR()\n",
        id="from-import-alias",
    ),
    pytest.param(
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\n\n\ndef f():\n    return json.x\n",
        "def f():\n    try:\n        import ujson as json\n    except ImportError:\n        import json\n    return json.x\n",
        id="try-guard-cannot-be-lazy-so-moves",
    ),
]


@pytest.mark.parametrize(("source", "expected"), LAZY)
def test_lazy_import_for_py315(source: str, expected: str) -> None:
    fixed, failure = fix(source, all_modules=True, target_version="py315", extend_heavy_modules=["ujson", "json"])
    assert failure is None
    assert fixed == expected


def test_remove_is_unsafe_only() -> None:
    source = "import json\nimport pandas as pd\n\n\ndef lambda_handler(event, context):\n    return json.dumps(event)\n"
    assert fix(source)[0] == source
    assert fix(source, unsafe=True)[0] == "import json\n\n\ndef lambda_handler(event, context):\n    return json.dumps(event)\n"


TYPE_CHECKING_CASES = [
    pytest.param(
        """\
        from typing import TYPE_CHECKING

        import pandas as pd

        if TYPE_CHECKING:
            import numpy as np


        def lambda_handler(event, context) -> "pd.DataFrame":
            return None
        """,
        """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            import pandas as pd
            import numpy as np


        def lambda_handler(event, context) -> "pd.DataFrame":
            return None
        """,
        False,
        id="existing-block",
    ),
    pytest.param(
        """\
        \"\"\"Reports.\"\"\"
        import pandas as pd


        def lambda_handler(event, context) -> pd.DataFrame:
            return None
        """,
        """\
        \"\"\"Reports.\"\"\"
        from __future__ import annotations

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            import pandas as pd


        def lambda_handler(event, context) -> pd.DataFrame:
            return None
        """,
        True,
        id="evaluated-annotation-adds-future-import-unsafe",
    ),
]


@pytest.mark.parametrize(("source", "expected", "unsafe"), TYPE_CHECKING_CASES)
def test_type_checking(source: str, expected: str, unsafe: bool) -> None:
    if unsafe:
        assert fix(source)[0] == textwrap.dedent(source)
    fixed, failure = fix(source, unsafe=unsafe)
    assert failure is None
    assert fixed == textwrap.dedent(expected)


def test_diff_writes_nothing(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", RULES["LIL001"].invalid[0].source)
    before = path.read_bytes()
    assert main(["check", "--diff", str(path)]) == 1
    out = capsys.readouterr().out
    assert path.read_bytes() == before
    assert out.startswith(f"--- a/{path}\n+++ b/{path}\n") and "-import pandas as pd\n" in out
    assert "+    import pandas as pd\n" in out


def test_stdin_fix_writes_source_to_stdout(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io
    import sys

    example = RULES["LIL001"].invalid[0]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(example.source.encode())))
    assert main(["check", "--fix", "--stdin-filename", "app.py", "-"]) == 1
    assert capsys.readouterr().out == example.fixed


def test_fix_keeps_file_mode(write) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", RULES["LIL001"].invalid[0].source)
    path.chmod(0o751)
    main(["check", "--fix", str(path)])
    assert path.stat().st_mode & 0o777 == 0o751
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".lil-tmp")]


def test_file_changed_between_read_and_write_is_not_overwritten(write) -> None:  # type: ignore[no-untyped-def]
    from lambda_import_lint.fixes.writer import FileChangedError, write_atomically

    path = write("app.py", "x = 1\n")
    with pytest.raises(FileChangedError):
        write_atomically(path, b"x = 2\n", expected_old=b"x = 0\n")
    assert path.read_bytes() == b"x = 1\n"
    assert [p.name for p in path.parent.iterdir()] == ["app.py"]


def test_moved_import_named_in_annotations_keeps_a_type_checking_copy() -> None:
    source = """\
        from __future__ import annotations

        import configparser
        import logging

        LOG = logging.getLogger(__name__)


        def parse(text: str) -> configparser.RawConfigParser:
            parser = configparser.RawConfigParser()
            parser.read_string(text)
            return parser
        """
    expected = """\
        from __future__ import annotations

        import logging

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            import configparser

        LOG = logging.getLogger(__name__)


        def parse(text: str) -> configparser.RawConfigParser:
            import configparser
            parser = configparser.RawConfigParser()
            parser.read_string(text)
            return parser
        """
    assert fix(source, all_modules=True, extend_heavy_modules=["configparser"])[0] == textwrap.dedent(source)
    fixed, failure = fix(source, unsafe=True, all_modules=True, extend_heavy_modules=["configparser"])
    assert failure is None
    assert fixed == textwrap.dedent(expected)


def test_imports_go_first_in_an_existing_type_checking_block() -> None:
    source = """\
        import sys
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            if sys.version_info >= (3, 10):
                from typing import TypeAlias


        def lambda_handler(event, context) -> "TypeAlias":
            return None
        """
    expected = """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            import sys
            if sys.version_info >= (3, 10):
                from typing import TypeAlias


        def lambda_handler(event, context) -> "TypeAlias":
            return None
        """
    fixed, failure = fix(source, heavy_modules=["sys"])
    assert failure is None and fixed == textwrap.dedent(expected)


def test_cast_string_counts_as_an_annotation() -> None:
    source = """\
        from typing import cast

        from pandas import DataFrame


        def lambda_handler(event, context):
            if event["httpMethod"] == "POST":
                return isinstance(event, DataFrame)
            return as_frame(event)


        def as_frame(value):
            return cast("DataFrame", value)
        """
    findings = fix(source)  # safe fixes only: the cast keeps the move unsafe
    assert findings[0] == textwrap.dedent(source)
    fixed, failure = fix(source, unsafe=True)
    assert failure is None
    assert "if TYPE_CHECKING:\n    from pandas import DataFrame" in fixed
    assert '    if event["httpMethod"] == "POST":\n        from pandas import DataFrame\n        return isinstance' in fixed


def test_no_future_import_when_it_would_change_a_class_body_name() -> None:
    source = """\
        from typing import List


        class Results:
            items: List[int]

            class List(list):
                pass


        def lambda_handler(event, context):
            return Results()
        """
    config = make_config({"heavy-modules": ["typing"]})
    outcome = fix_source(textwrap.dedent(source).encode(), "app.py", config, unsafe=True)
    assert not outcome.changed
    [finding] = outcome.result.findings
    assert finding.code == "LIL003" and finding.fix is None and "class" in (finding.no_fix_reason or "")


def test_type_checking_import_moved_in_the_same_pass_is_added_back() -> None:
    source = """\
        from typing import TYPE_CHECKING

        import pandas as pd


        def describe(frame: "pd.DataFrame"):
            if TYPE_CHECKING:
                reveal_type(frame)
            return frame
        """
    fixed, failure = fix(source, all_modules=True, heavy_modules=["*"], unsafe=True)
    assert failure is None
    assert fixed == textwrap.dedent("""\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            import pandas as pd


        def describe(frame: "pd.DataFrame"):
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                reveal_type(frame)
            return frame
        """)


def test_code_that_warns_is_fixed_silently(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Compiling the result to verify it must not print the user's own SyntaxWarnings (under a
    made-up file name)."""
    import warnings

    path = tmp_path / "app.py"
    path.write_text("import pandas as pd\n\n\ndef handler(event, context):\n    if event['body']:\n        return pd.x(...())\n    return 'a' is 1\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status = main(["check", "--no-cache", "--fix", str(path)])
    captured = capsys.readouterr()
    assert [str(warning.message) for warning in caught] == []
    assert status == 1 and "Warning" not in captured.err  # 1: --fix rewrote a file (DESIGN.md)
    assert path.read_text().startswith("def handler(event, context):\n    if event['body']:\n        import pandas as pd\n")


# Edits a reviewer accepts: comments travel with the import they belong to, no blank lines are left
# where it was, and the names of one statement that go to the same place move as one statement.
BRANCH = """

def lambda_handler(event, context):
    if event["queryStringParameters"].get("csv"):
        return export(event["rows"])
    return None


def export(rows):
    return pd.DataFrame(rows).to_csv()
"""

COMMENT_AND_GROUPING_CASES = [
    pytest.param(
        "import json\nimport pandas as pd  # only the export path\n" + BRANCH,
        "import json\n" + BRANCH.replace("    return pd.", "    import pandas as pd  # only the export path\n    return pd."),
        id="trailing-comment-travels",
    ),
    pytest.param(
        "import json\n\n# Dataframes for the CSV export,\n# which few invocations ask for.\nimport pandas as pd\n" + BRANCH,
        "import json\n" + BRANCH.replace(
            "    return pd.",
            "    # Dataframes for the CSV export,\n    # which few invocations ask for.\n    import pandas as pd\n    return pd.",
        ),
        id="comment-lines-above-travel",
    ),
    pytest.param(
        "import json\n\n# Licence note, not about pandas.\n\nimport pandas as pd\n" + BRANCH,
        "import json\n\n# Licence note, not about pandas.\n" + BRANCH.replace("    return pd.", "    import pandas as pd\n    return pd."),
        id="comment-separated-by-a-blank-line-stays",
    ),
    pytest.param(
        "import json\nimport pandas as pd\nimport os\n" + BRANCH.replace("return None", "return os.sep"),
        "import json\nimport os\n" + BRANCH.replace("return None", "return os.sep").replace(
            "    return pd.", "    import pandas as pd\n    return pd."
        ),
        id="no-blank-line-left-in-the-import-block",
    ),
    pytest.param(
        "import json\n\nimport pandas as pd\n\nLIMIT = 3\n" + BRANCH,
        "import json\n\nLIMIT = 3\n" + BRANCH.replace("    return pd.", "    import pandas as pd\n    return pd."),
        id="no-double-blank-line-where-it-was",
    ),
    pytest.param(
        "import json\nfrom pandas import (\n    DataFrame,  # the export's table\n    concat,  # joins pages\n)\n"
        + BRANCH.replace("pd.DataFrame(rows)", "concat([DataFrame(rows)])"),
        "import json\n"
        + BRANCH.replace("pd.DataFrame(rows)", "concat([DataFrame(rows)])").replace(
            "    return concat",
            "    from pandas import (\n        DataFrame,  # the export's table\n        concat,  # joins pages\n    )\n"
            "    return concat",
        ),
        id="comments-inside-parentheses-travel",
    ),
    pytest.param(
        "from opensearchpy import OpenSearch, RequestsHttpConnection, AWSV4SignerAuth\n"
        + BRANCH.replace(
            "pd.DataFrame(rows).to_csv()",
            "OpenSearch(rows, connection_class=RequestsHttpConnection, http_auth=AWSV4SignerAuth(1, 2))",
        ),
        BRANCH.replace(
            "pd.DataFrame(rows).to_csv()",
            "OpenSearch(rows, connection_class=RequestsHttpConnection, http_auth=AWSV4SignerAuth(1, 2))",
        )
        .lstrip("\n")
        .replace(
            "    return OpenSearch",
            "    from opensearchpy import OpenSearch, RequestsHttpConnection, AWSV4SignerAuth\n    return OpenSearch",
        ),
        id="from-import-moves-as-one-statement",
    ),
    pytest.param(
        "from pandas import DataFrame, Series, concat  # table helpers\n"
        + BRANCH.replace("pd.DataFrame(rows)", "concat([DataFrame(rows), Series(rows)])"),
        BRANCH.replace("pd.DataFrame(rows)", "concat([DataFrame(rows), Series(rows)])")
        .lstrip("\n")
        .replace("    return concat", "    from pandas import DataFrame, Series, concat  # table helpers\n    return concat"),
        id="whole-statement-with-trailing-comment",
    ),
    pytest.param(
        "import os\n\n# Numbers.\nimport numpy as np  # arrays\n\n\ndef lambda_handler(event, context):\n"
        "    if event['queryStringParameters'].get('a'):\n        return np.sum(event['a'])\n    if event['queryStringParameters'].get('b'):\n"
        "        return np.mean(event['b'])\n    if event['queryStringParameters'].get('c'):\n        return event['c']\n    return os.sep\n",
        "import os\n\n\ndef lambda_handler(event, context):\n"
        "    if event['queryStringParameters'].get('a'):\n        # Numbers.\n        import numpy as np  # arrays\n        return np.sum(event['a'])\n"
        "    if event['queryStringParameters'].get('b'):\n        # Numbers.\n        import numpy as np  # arrays\n"
        "        return np.mean(event['b'])\n    if event['queryStringParameters'].get('c'):\n        return event['c']\n    return os.sep\n",
        id="comments-travel-to-each-block-that-uses-it",
    ),
]


@pytest.mark.parametrize(("source", "expected"), COMMENT_AND_GROUPING_CASES)
def test_comments_and_grouping(source: str, expected: str) -> None:
    fixed, failure = fix(source)
    assert failure is None
    assert fixed == expected


@pytest.mark.parametrize(("source", "expected"), COMMENT_AND_GROUPING_CASES)
def test_comments_and_grouping_through_cli(source: str, expected: str, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("app.py", source)
    assert main(["check", "--fix", str(path)]) == 1
    assert path.read_text() == expected
    assert "Fixed 1 finding." in capsys.readouterr().err  # one finding per statement
    assert main(["check", "--fix", str(path)]) == 0  # a second --fix changes nothing
    assert path.read_text() == expected


COMMENT_AND_GROUPING_NO_OPS = [
    pytest.param("# pandas for everything\nimport pandas as pd  # always\n\n\ndef lambda_handler(event, context):\n"
                 "    return pd.DataFrame(event['rows']).to_dict()\n", id="main-path-import-with-comments"),
    pytest.param("from pandas import (\n    DataFrame,  # table\n    Series,\n)\n\nSHAPE = Series\n\n\n"
                 "def lambda_handler(event, context):\n    return DataFrame(event['rows'])\n", id="pinned-parenthesized"),
    pytest.param("import json  # light\n\n\ndef lambda_handler(event, context):\n    if event:\n        return json.dumps(event)\n",
                 id="light-import-with-comment"),
]


@pytest.mark.parametrize("source", COMMENT_AND_GROUPING_NO_OPS)
def test_comments_and_grouping_no_op(source: str) -> None:
    fixed, failure = fix(source, unsafe=True)
    assert failure is None
    assert fixed == source


def test_one_finding_per_statement_names_the_names() -> None:
    from lambda_import_lint.api import check_source

    source = "from pandas import DataFrame, Series\n" + BRANCH.replace("pd.DataFrame(rows)", "Series(DataFrame(rows))")
    [finding] = check_source(source, "app.py").findings
    assert finding.message.startswith("`DataFrame`, `Series` from `pandas` (~")
    assert " are imported at module scope" in finding.message
    assert finding.fix is not None and len(finding.fix.bindings) == 2
    assert finding.fix.title == "Move `from pandas import DataFrame, Series` into `export`"


def test_names_with_different_targets_stay_separate_findings() -> None:
    from lambda_import_lint.api import check_source

    source = "from pandas import DataFrame, Series\n" + BRANCH + "\n\ndef other(x):\n    return Series(x)\n"
    source = source.replace("pd.DataFrame(rows)", "DataFrame(rows)")
    findings = check_source(source, "app.py", make_config({"defer": "all"})).findings
    assert [f.fix.title for f in findings if f.fix is not None] == [
        "Move `from pandas import DataFrame` into `export`",
        "Move `from pandas import Series` into `other`",
    ]


def test_one_unused_finding_per_statement() -> None:
    from lambda_import_lint.api import check_source

    [finding] = check_source("from pandas import DataFrame, Series\n\n\n" + HANDLER, "app.py").findings
    assert finding.code == "LIL002" and finding.message.startswith("`DataFrame`, `Series` from `pandas` (~260 ms, reference estimate) are imported")
    assert finding.fix is not None and finding.fix.title == "Remove unused import `from pandas import DataFrame, Series`"
    fixed, _ = fix("from pandas import DataFrame, Series\n\n\n" + HANDLER, unsafe=True)
    assert fixed == HANDLER


def test_annotation_only_names_of_one_statement_go_under_type_checking_as_one() -> None:
    source = (
        "from __future__ import annotations\nfrom pandas import DataFrame, Series\n\n\n"
        + HANDLER
        + "\n\ndef f(x: DataFrame) -> Series:\n    return x\n"
    )
    fixed, failure = fix(source)
    assert failure is None
    assert fixed == (
        "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from pandas import DataFrame, Series\n\n\n" + HANDLER + "\n\ndef f(x: DataFrame) -> Series:\n    return x\n"
    )


def test_an_annotation_in_a_function_that_gets_the_import_needs_no_type_checking_copy() -> None:
    """The corpus harness found this (libcst/display/text.py): a local annotation in one branch and
    a run-time use in another. The annotation names the function's own (moved) import, so a
    TYPE_CHECKING copy at module scope would be shadowed and unused."""
    source = """\
        from __future__ import annotations

        from typing import Sequence


        def handler(event, context):
            if event:
                items: Sequence[int] = event
                return items
            else:
                return isinstance(context, Sequence)
        """
    fixed, failure = fix(source, unsafe=True, defer="all", heavy_modules=["typing"])
    assert failure is None
    assert "TYPE_CHECKING" not in fixed
    assert "    else:\n        from typing import Sequence\n        return isinstance" in fixed


def test_no_move_or_removal_when_a_dead_branch_still_names_the_import() -> None:
    """`if DEBUG:` with `DEBUG = False` never runs, so it is no use; but the fix must not leave
    the name undefined there either: reported, not fixed."""
    source = """\
        import pandas as pd

        DEBUG = False


        def handler(event, context):
            if DEBUG:
                return pd.DataFrame(event)
            return None
        """
    findings = lint(source, codes="LIL002")
    assert [f.code for f in findings] == ["LIL002"]
    assert findings[0].fix is None and "never runs" in (findings[0].no_fix_reason or "")
    fixed, failure = fix(source, unsafe=True)
    assert fixed == textwrap.dedent(source)

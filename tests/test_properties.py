"""Property tests: no input makes the core raise, and every fix is sound, idempotent and keeps
the module's own names."""

from __future__ import annotations

import ast
import textwrap

import hypothesmith
import libcst as cst
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lambda_import_lint.api import check_source
from lambda_import_lint.config import Config
from lambda_import_lint.api import fix_source

from corpus_harness import _pyflakes_names

STRESS = Config(all_modules=True, defer="all", heavy_modules=("*",))
HANDLERS = Config(heavy_modules=("*",))
SETTINGS = settings(max_examples=int(__import__("os").environ.get("LIL_EXAMPLES", "60")), deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(hypothesmith.from_node(cst.Module))
def test_check_never_raises_on_generated_modules(source: str) -> None:
    for config in (STRESS, HANDLERS, Config()):
        result = check_source(source.encode("utf-8", "surrogatepass"), "generated.py", config)
        assert result.error is None or not result.error.startswith("internal error"), result.error


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_check_never_raises_on_grammar_fuzz(source: str) -> None:
    result = check_source(source.encode("utf-8", "surrogatepass"), "generated.py", STRESS)
    assert result.error is None or not result.error.startswith("internal error"), result.error


IMPORTS = {
    "pd": "import pandas as pd",
    "numpy": "import numpy",
    "get": "from requests import get",
    "arr": "from numpy import array as arr",
    "yaml": "import yaml",
    "json": "try:\n    import ujson as json\nexcept ImportError:\n    import json",
    "os": "import os.path",
}

USE_TEMPLATES = [
    "return {n}.x",
    "y = {n}.x",
    "if a:\n    y = {n}.x",
    "if a:\n    pass\nelse:\n    {n}.x()",
    "for i in a:\n    {n}.f(i)",
    "while a:\n    {n}.f()\n    break",
    "try:\n    {n}.g()\nexcept Exception:\n    {n}.h()",
    "try:\n    pass\nfinally:\n    {n}.k()",
    "z = [{n}.q for _ in a]",
    "w = lambda v: {n}.k(v)",
    "def inner():\n    return {n}.t\ninner()",
    "def inner({n}):\n    return {n}",
    "lambda {n}: {n}",
    "with open(a) as f:\n    {n}.read(f)",
    "match a:\n    case 1:\n        {n}.m()",
    "global COUNTER\nCOUNTER = {n}.c",
    "v: '{n}.T' = None",
    "return a and {n}.x",
]

MODULE_USES = ["X_{i} = {n}.y", "class C{i}({n}.Base):\n    pass", "def d{i}(p={n}.D):\n    return p", "__all__ = ['{n}']"]


@st.composite
def handler_modules(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(sorted(IMPORTS)), min_size=1, max_size=4, unique=True))
    lines = [IMPORTS[name] for name in names]
    lines.append("COUNTER = 0")
    for index in range(draw(st.integers(0, 2))):
        template = draw(st.sampled_from(MODULE_USES))
        lines.append(template.format(n=draw(st.sampled_from(names)), i=index))
    for function in range(draw(st.integers(1, 3))):
        header = "def lambda_handler(event, context):" if function == 0 else f"def helper_{function}(a):"
        body = ["a = event" if function == 0 else '"""Helper."""']
        for _ in range(draw(st.integers(1, 4))):
            template = draw(st.sampled_from(USE_TEMPLATES))
            body.append(template.format(n=draw(st.sampled_from(names))))
        if function == 0 and draw(st.booleans()):
            body.append("return helper_1(a)" if "helper_1" in "".join(lines) else "return None")
        lines.append(header + "\n" + textwrap.indent("\n".join(body), "    "))
    if draw(st.booleans()):
        lines.append("class Service:\n    def run(self, a):\n        return " + draw(st.sampled_from(names)) + ".s(a)")
    return "\n\n\n".join(lines) + "\n"


def _module_names(source: bytes) -> tuple[set[str], set[str]]:
    """(names bound by module-level non-import statements, names bound by module-level imports)"""
    tree = ast.parse(source)
    own: set[str] = set()
    imported: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imported.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            own.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            own.update(t.id for t in targets if isinstance(t, ast.Name))
    return own, imported


@SETTINGS
@given(handler_modules(), st.sampled_from([STRESS, HANDLERS, Config(all_modules=True, heavy_modules=("*",), target_version="py315")]))
def test_fixes_are_sound_idempotent_and_keep_names(source: str, config: Config) -> None:
    original = source.encode()
    try:
        compile(original, "app.py", "exec", dont_inherit=True)
    except SyntaxError:
        assume(False)  # the generator can repeat a `global`: not valid input
    outcome = fix_source(original, "app.py", config, unsafe=True)
    assert outcome.result.error is None, outcome.result.error
    assert outcome.failure is None, f"{outcome.failure}\n{source}"
    fixed = outcome.source
    if config.target_version != "py315":
        compile(fixed, "app.py", "exec", dont_inherit=True)
        own_before, imported_before = _module_names(original)
        own_after, imported_after = _module_names(fixed)
        assert own_after == own_before
        assert imported_after <= imported_before | {"TYPE_CHECKING", "annotations"}
        before = _pyflakes_names(original, "app.py")
        after = _pyflakes_names(fixed, "app.py")
        assert not [key for key in set(after) - set(before) if key[0] == "UndefinedName"], fixed.decode()
    else:
        cst.parse_module(fixed)
    again = fix_source(fixed, "app.py", config, unsafe=True)
    assert not again.changed and again.source == fixed

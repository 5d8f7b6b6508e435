"""``common.yaml_load`` builds documents straight from the parser's events; what it gives (data,
or the error) must be what PyYAML's own safe loader with the short-form tags gives."""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from lambda_import_lint.discovery.deploy import common


def full_loader(text: str) -> Any:
    return yaml.load(text, Loader=common._loader())  # noqa: S506 - SafeConstructor subclass


def outcome(load: Any, text: str) -> object:
    """The data as ``repr`` shows it (recursive data compares too), or the error."""
    try:
        return ("data", repr(load(text)))
    except yaml.YAMLError as error:
        return ("error", type(error).__name__, str(error))


TEXTS = [
    pytest.param(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      MemorySize: 512\n"
        "      Layers:\n        - !Ref DepsLayer\n        - !Sub 'arn:aws:lambda:${AWS::Region}:1:layer:x:3'\n",
        id="sam-template",
    ),
    pytest.param(
        "a: !GetAtt F.Arn\nb: !Sub {x: !Ref Y}\nc: !Join [',', [!Ref Z]]\nd: !Anything 3\ne: !If [C, 1, 2]\n",
        id="short-form-tags",
    ),
    pytest.param(
        "ints: [0, 7, 012, 0x1F, 0o17, 1_000, -3, +4, 190:20:30]\nfloats: [1.5, .inf, -.Inf, .nan, 1e3, 6.8523015e+5]\n"
        "bools: [yes, No, on, OFF, true, False, y, n]\nnulls: [~, null, Null, ]\nempty:\n",
        id="yaml-1.1-scalars",
    ),
    pytest.param(
        "quoted: ['012', \"true\", 'null', \"1.5\"]\nexplicit: [!!str 12, !!int '12', !!float '1', !!bool 'yes']\n",
        id="quoted-and-explicit-tags",
    ),
    pytest.param("date: 2010-09-09\nstamp: 2001-12-14t21:59:43.10-05:00\nbin: !!binary aGVsbG8=\n", id="dates-binary"),
    pytest.param(
        "defaults: &defaults\n  runtime: python3.12\n  memory: 256\nfn:\n  <<: *defaults\n  memory: 512\n"
        "other: *defaults\n",
        id="anchors-merge-keys",
    ),
    pytest.param("list: &l [1, 2]\nsame: *l\nscalar: &s text\nagain: *s\n", id="anchors-aliases"),
    pytest.param("a: &x 1\nb: &x 2\nc: *x\n", id="duplicate-anchor"),
    pytest.param("a: &x [1, *x]\n", id="recursive-anchor"),
    pytest.param("a: *missing\n", id="undefined-alias"),
    pytest.param("? [1, 2]\n: pair\n", id="unhashable-key"),
    pytest.param("? !Ref X\n: value\n", id="unhashable-intrinsic-key"),
    pytest.param("a: 1\na: 2\n", id="duplicate-key"),
    pytest.param("---\na: 1\n---\nb: 2\n", id="two-documents"),
    pytest.param("", id="empty"),
    pytest.param("# only a comment\n", id="only-a-comment"),
    pytest.param("just a string\n", id="scalar-document"),
    pytest.param("- a\n- [b, {c: d}]\n- {}\n- []\n", id="sequence-document"),
    pytest.param("a: [1, 2\n", id="syntax-error"),
    pytest.param("a: b\n c: d\n", id="bad-indentation"),
    pytest.param("a: !!python/object/apply:os.system ['true']\n", id="python-tag-on-a-sequence"),
    pytest.param("a: !!python/name:os.system\nb: !!python/none ''\n", id="python-tag-on-a-scalar"),
    pytest.param("a: !!set {x, y}\nb: !!omap [{k: v}]\n", id="other-collection-tags"),
    pytest.param("%TAG !aws! tag:amazonaws.com,2010:\n---\na: !aws!Ref X\n", id="tag-directive"),
    pytest.param("a: ! plain\nb: ! [1]\n", id="non-specific-tag"),
    pytest.param("key: |\n  literal\n  block\nfolded: >\n  folded\n  text\n", id="block-scalars"),
]


@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "pure-python"])
@pytest.mark.parametrize("text", TEXTS)
def test_events_give_what_the_full_loader_gives(text: str, libyaml: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml, "__with_libyaml__", libyaml and yaml.__with_libyaml__)
    assert outcome(common.yaml_load, text) == outcome(full_loader, text)


def test_the_comparison_sees_the_data() -> None:
    """Not a comparison of two errors: the cases above read into the values a template holds."""
    assert common.yaml_load(TEXTS[0].values[0])["Resources"]["Fn"]["Properties"]["Layers"] == [
        {"Ref": "DepsLayer"}, {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:1:layer:x:3"},
    ]
    assert common.yaml_load("a: 012\nb: '012'\nc: 0\n") == {"a": 10, "b": "012", "c": 0}


@pytest.mark.corpus
def test_events_give_what_the_full_loader_gives_over_the_real_code_corpus() -> None:
    """Every YAML file of the real-code corpus (benchmarks/realcode/setup_corpus.py)."""
    files = [
        os.path.join(folder, name)
        for root in sorted(glob.glob("/tmp/realcode-corpus*"))
        for folder, _, names in os.walk(root)
        for name in names
        if name.endswith((".yaml", ".yml", ".template"))
    ]
    files = [path for path in files if os.path.isfile(path)]
    if not files:
        pytest.skip("no real-code corpus at /tmp/realcode-corpus* (benchmarks/realcode/setup_corpus.py)")
    differing = []
    for path in files:
        text = Path(path).read_bytes().decode("utf-8", errors="replace")
        if outcome(common.yaml_load, text) != outcome(full_loader, text):
            differing.append(path)
    assert differing == []

"""Our HCL reader (``discovery/deploy/hcl.py``): what it gives for each construct, that
``terraform.py`` extracts from its documents exactly what it extracts from python-hcl2's (on
Terraform files shaped like real projects' here, over the real-code corpus with ``-m corpus``),
and that text it cannot read is a warning naming the file, line and column."""

from __future__ import annotations

import glob
import json
import os
from pathlib import Path
from typing import Any

import hcl2  # type: ignore[import-untyped]  # the reference reader (test extra)
import pytest
from hypothesis import given, settings, strategies as st

from lambda_import_lint.cli import main
from lambda_import_lint.discovery.deploy import Unit, hcl, read_unit, terraform, worth_reading
from lambda_import_lint.discovery.deploy.common import Found

# ---------------------------------------------------------------------------------- constructs

CONSTRUCTS = [
    pytest.param(
        'resource "aws_lambda_function" "api" {\n  runtime = "python3.12"\n}\n',
        {"resource": [{'"aws_lambda_function"': {'"api"': {"runtime": '"python3.12"', "__is_block__": True}}}]},
        id="labelled-block",
    ),
    pytest.param(
        'module "worker" {\n  source = "terraform-aws-modules/lambda/aws"\n}\n'
        'module "other" {\n  source = "./other"\n}\n',
        {"module": [
            {'"worker"': {"source": '"terraform-aws-modules/lambda/aws"', "__is_block__": True}},
            {'"other"': {"source": '"./other"', "__is_block__": True}},
        ]},
        id="blocks-of-a-type-in-order",
    ),
    pytest.param(
        "locals {\n  name = \"svc-${var.env}\"\n  dir = \"${ path.module }/src\"\n  lit = \"$${keep}\"\n}\n",
        {"locals": [{
            "name": '"svc-${var.env}"', "dir": '"${path.module}/src"', "lit": '"$${keep}"', "__is_block__": True,
        }]},
        id="strings-keep-interpolations-written-back",
    ),
    pytest.param(
        "x = 512\ny = -1\nz = 1.5\nt = true\nf = false\nn = null\ne = 1e3\n",
        {"x": 512, "y": -1, "z": 1.5, "t": True, "f": False, "n": None, "e": "${1e3}"},
        id="numbers-booleans-null",
    ),
    pytest.param(
        'layers = [\n  aws_lambda_layer_version.deps.arn,\n  "arn:aws:lambda:eu-west-1:1:layer:x:3",\n]\n',
        {"layers": ["${aws_lambda_layer_version.deps.arn}", '"arn:aws:lambda:eu-west-1:1:layer:x:3"']},
        id="list-with-trailing-comma",
    ),
    pytest.param(
        'tags = {\n  Team = "core"\n  "cost-centre": 42\n}\nsrc = [{ path = "${path.module}/l", prefix_in_zip = "python" }]\n',
        {"tags": {"Team": '"core"', '"cost-centre"': 42},
         "src": [{"path": '"${path.module}/l"', "prefix_in_zip": '"python"'}]},
        id="objects",
    ),
    pytest.param(
        "policy = <<EOT\n{\"a\": \"${x}\"}\nEOT\nindented = <<-EOT\n    hello\n    EOT\n",
        {"policy": '"<<EOT\n{"a": "${x}"}\nEOT"', "indented": '"<<-EOT\n    hello\n    EOT"'},
        id="heredocs",
    ),
    pytest.param(
        "# hash\n// slashes\n/* block\n comment */\nx = 1 # after\ny = 2 /* after */\n",
        {"x": 1, "y": 2},
        id="comments",
    ),
    pytest.param(
        'a = var.on ? "x" : "y"\nb = merge(local.tags,   { Name = "n" })\nc = aws_lambda_layer_version.x[*].arn\n'
        "d = [for s in var.l : upper(s) if s != \"\"]\ne = {\n  k = 1\n  j = 2\n}[var.key]\n",
        {
            "a": '${var.on ? "x" : "y"}',
            "b": '${merge(local.tags, {Name = "n"})}',
            "c": "${aws_lambda_layer_version.x[*].arn}",
            "d": '${[for s in var.l : upper(s) if s != ""]}',
            "e": "${{k = 1, j = 2}[var.key]}",
        },
        id="other-expressions-as-text",
    ),
    pytest.param(
        'variable "env" {\n  type = string\n  default = "dev"\n}\nresource "x" "y" { count = 1 }\n',
        {
            "variable": [{'"env"': {"type": "string", "default": '"dev"', "__is_block__": True}}],
            "resource": [{'"x"': {'"y"': {"count": 1, "__is_block__": True}}}],
        },
        id="variable-and-one-line-block",
    ),
    pytest.param(
        'resource "aws_lambda_function" "f" {\n  snap_start {\n    apply_on = "PublishedVersions"\n  }\n'
        "  environment {\n    variables = {}\n  }\n}\n",
        {"resource": [{'"aws_lambda_function"': {'"f"': {
            "snap_start": [{"apply_on": '"PublishedVersions"', "__is_block__": True}],
            "environment": [{"variables": {}, "__is_block__": True}],
            "__is_block__": True,
        }}}]},
        id="nested-blocks",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CONSTRUCTS)
def test_each_construct_reads_as_python_hcl2_gives_it(text: str, expected: dict[str, Any]) -> None:
    assert hcl.loads(text) == expected
    assert hcl.without_comments(hcl2.loads(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("y = /* inside */ 2\n", {"y": 2}, id="comment-before-a-value"),
        pytest.param('tags = "${\n  merge(local.a, local.b)\n}"\n', {"tags": '"${merge(local.a, local.b)}"'},
                     id="newline-inside-an-interpolation"),
    ],
)
def test_valid_hcl_python_hcl2_refuses_is_read(text: str, expected: dict[str, Any]) -> None:
    """Terraform reads these; python-hcl2's grammar does not (2 files of the corpus, neither a
    Lambda declaration)."""
    assert hcl.loads(text) == expected
    with pytest.raises(Exception, match="Unexpected"):
        hcl2.loads(text)


# ------------------------------------------------------------------------------- differential

# Terraform files shaped like those of real Lambda repositories (written for these tests), with
# the code folders they point at.
PROJECT_FILES = {
    "src/orders/app.py": "def handler(event, context):\n    return event\n",
    "src/reports/main.py": "def run(event, context):\n    return 1\n",
    "layers/deps/python/shared.py": "VALUE = 1\n",
    "layers/common/util.py": "X = 1\n",
    "services/billing/handler.py": "def lambda_handler(event, context):\n    return 2\n",
}

TERRAFORM = {
    "archive.tf": '''
# Functions packaged by archive_file, with a layer of their own.
data "archive_file" "orders" {
  type        = "zip"
  source_dir  = "${path.module}/src/orders"
  output_path = "${path.module}/build/orders.zip"
}

data "archive_file" "reports" {
  type        = "zip"
  source_file = "${path.module}/src/reports/main.py"
  output_path = "${path.module}/build/reports.zip"
}

data "archive_file" "deps" {
  type        = "zip"
  source_dir  = "${path.module}/layers/deps"
  output_path = "${path.module}/build/deps.zip"
}

resource "aws_lambda_layer_version" "deps" {
  layer_name          = "deps-${var.env}"
  filename            = data.archive_file.deps.output_path
  compatible_runtimes = ["python3.12"]
}

resource "aws_lambda_function" "orders" {
  function_name    = "orders-${var.env}"
  role             = aws_iam_role.lambda.arn
  runtime          = "python3.12"
  handler          = "app.handler"
  filename         = data.archive_file.orders.output_path
  source_code_hash = data.archive_file.orders.output_base64sha256
  memory_size      = 1024
  timeout          = 30
  layers = [
    aws_lambda_layer_version.deps.arn,
    "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:79",
    var.extra_layer_arn,
  ]

  snap_start {
    apply_on = "PublishedVersions"
  }

  environment {
    variables = {
      TABLE_NAME = aws_dynamodb_table.orders.name
      LOG_LEVEL  = "INFO"
    }
  }

  tags = merge(local.tags, { Service = "orders" })
}

resource "aws_lambda_function" "reports" {
  function_name = "reports"
  runtime       = "python3.11"
  handler       = "main.run"
  filename      = "${data.archive_file.reports.output_path}"
  memory_size   = var.memory
}
''',
    "modules.tf": '''
module "billing" {
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 7.0"

  function_name = "billing"
  handler       = "handler.lambda_handler"
  runtime       = "python3.12"
  source_path   = "${path.module}/services/billing"
  memory_size   = "2048"
  snap_start    = true

  provisioned_concurrent_executions = 2

  layers = [module.common_layer.lambda_layer_arn]

  allowed_triggers = {
    Schedule = {
      principal  = "events.amazonaws.com"
      source_arn = aws_cloudwatch_event_rule.nightly.arn
    }
  }
}

module "common_layer" {
  source = "terraform-aws-modules/lambda/aws"

  create_layer = true
  layer_name   = "common"
  source_path = [
    {
      path          = "${path.module}/layers/common"
      prefix_in_zip = "python"
    }
  ]
}

module "unknown_path" {
  source      = "terraform-aws-modules/lambda/aws"
  handler     = "index.handler"
  source_path = var.code_path
}
''',
    "elsewhere.tf": '''
/* Functions whose code this file does not show. */
resource "aws_lambda_function" "from_s3" {
  function_name = "from-s3"
  runtime       = "python3.12"
  handler       = "app.handler"
  s3_bucket     = var.artifact_bucket
  s3_key        = "releases/app-${var.release}.zip"
}

resource "aws_lambda_function" "zipped" {
  function_name = "zipped"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "dist/function.zip"
}

resource "aws_lambda_function" "node" {
  function_name = "web"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "dist/web.zip"
}

resource "aws_lambda_function" "counted" {
  count         = var.enabled ? 1 : 0
  function_name = "counted"
  runtime       = "python3.12"
  handler       = "missing.handler"
  filename      = data.archive_file.orders.output_path
}

data "archive_file" "orders" {
  type        = "zip"
  source_dir  = "${path.module}/src/orders"
  output_path = "${path.module}/build/orders.zip"
}
''',
    "iam.tf": '''
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lambda" {
  name               = "lambda-${var.env}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "logs" {
  role   = aws_iam_role.lambda.id
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "${aws_cloudwatch_log_group.lambda.arn}"}]
    }
    POLICY
}

resource "aws_lambda_permission" "events" {
  for_each      = toset(["a", "b"])
  function_name = aws_lambda_function.orders.function_name
  principal     = "events.amazonaws.com"
  source_arn    = lookup(var.rules, each.key, null)
}
''',
    "variables.tf": '''
variable "env" {
  type        = string
  description = "Deployment stage"
  default     = "dev"

  validation {
    condition     = contains(["dev", "prod"], var.env)
    error_message = "Use dev or prod."
  }
}

variable "memory" {
  type    = number
  default = 512
}

locals {
  tags = {
    Project = "shop"
    Stage   = var.env
  }
  names = [for name in ["orders", "reports"] : "${name}-${var.env}"]
  sizes = { for k, v in var.functions : k => v.memory if v.memory > 128 }
}

output "orders_arn" {
  value = aws_lambda_function.orders.arn
}
''',
}


def _project(tmp_path: Path) -> Path:
    for name, text in {**PROJECT_FILES, **TERRAFORM}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def extracted(path: Path, document: dict[str, Any]) -> tuple[object, ...]:
    found = Found()
    terraform.declare_document(path, document, found)
    return tuple(found.declarations), tuple(found.warnings)


@pytest.mark.parametrize("name", sorted(TERRAFORM))
def test_terraform_extracts_the_same_from_both_readers(name: str, tmp_path: Path) -> None:
    path = _project(tmp_path) / name
    text = path.read_text()
    ours, theirs = hcl.loads(text), hcl.without_comments(hcl2.loads(text))
    assert ours == theirs
    assert extracted(path, ours) == extracted(path, theirs)


def test_the_fixtures_declare_what_they_should(tmp_path: Path) -> None:
    """The differential test above compares something: these files declare functions, layers,
    memory and SnapStart, and give the warnings of code that cannot be followed."""
    project = _project(tmp_path)
    declarations, warnings = [], []
    for name in sorted(TERRAFORM):
        found_declarations, found_warnings = extracted(project / name, hcl.loads((project / name).read_text()))
        declarations.extend(found_declarations)
        warnings.extend(found_warnings)
    by_function = {(d.path.name, d.function): d for d in declarations if d.path is not None}
    orders = by_function[("app.py", "handler")]
    assert orders.memory_mb == 1024 and orders.snapstart is True
    assert [layer.name for layer in orders.layers] == [
        "aws_lambda_layer_version.deps",
        "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:79",
        "${var.extra_layer_arn}",
    ]
    assert orders.layers[0].folder == project / "layers" / "deps"
    assert by_function[("main.py", "run")].code_root == project / "src" / "reports"
    billing = by_function[("handler.py", "lambda_handler")]
    assert billing.memory_mb == 2048 and billing.provisioned_concurrency is True and billing.snapstart is True
    assert billing.layers[0].folder == project / "layers" / "common" and billing.layers[0].built
    causes = " | ".join(f"{w.subject}: {w.cause}" for w in warnings)
    assert "module.unknown_path: `source_path` unknown" in causes
    assert "aws_lambda_function.zipped: code deployed from a .zip archive" in causes
    assert "aws_lambda_function.from_s3: code folder unknown" in causes
    assert "missing.handler" in causes and "node" not in causes


def _corpus_files() -> list[str]:
    files = []
    for root in sorted(glob.glob("/tmp/realcode-corpus*")):
        for folder, _, names in os.walk(root):
            files.extend(os.path.join(folder, name) for name in sorted(names) if name.endswith(".tf"))
    return [path for path in files if os.path.isfile(path) and not os.path.islink(path)]


@pytest.mark.corpus
def test_terraform_extracts_the_same_from_both_readers_over_the_real_code_corpus() -> None:
    """Every `.tf` file of the real-code corpus (benchmarks/realcode/setup_corpus.py) that the
    byte prefilter hands to the reader; ``benchmarks/hcl_agreement.py`` reports on every file."""
    files = [path for path in _corpus_files() if worth_reading(Unit("terraform", path), Path(path).read_bytes())]
    if not files:
        pytest.skip("no real-code corpus at /tmp/realcode-corpus* (benchmarks/realcode/setup_corpus.py)")
    differing = []
    for name in files:
        path = Path(name)
        text = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        try:
            theirs = hcl.without_comments(hcl2.loads(text))
        except Exception:  # python-hcl2 raises Lark's errors and others
            continue
        if extracted(path, hcl.loads(text)) != extracted(path, theirs):
            differing.append(name)
    assert differing == []


# ---------------------------------------------------------------------------------- bad input

BROKEN = [
    pytest.param('resource "aws_lambda_function" "f" {\n  handler = \n}\n', "line 2, column 13", id="no-value"),
    pytest.param('resource "aws_lambda_function" "f" {\n  handler = "app.handler\n}\n', "line 2, column 13",
                 id="unterminated-string"),
    pytest.param('resource "aws_lambda_function" "f" {\n  layers = [1, 2\n}\n', "line 3, column 1",
                 id="unclosed-list"),
    pytest.param('resource "aws_lambda_function" "f" {\n  runtime = "python3.12"\n', "line 3, column 1",
                 id="unclosed-block"),
    pytest.param('resource "aws_lambda_function" "f" {\n  policy = <<EOF\n{}\n', "line 2, column 12",
                 id="heredoc-not-closed"),
    pytest.param('resource "aws_lambda_function" "f" {\n  a = 1 b = 2\n}\n', "line 2, column 9",
                 id="two-on-a-line"),
    pytest.param('resource "aws_lambda_function" "f" {\n  tag = "say "hi""\n}\n', "line 2, column 15",
                 id="quote-inside-a-string"),
    pytest.param('resource "aws_lambda_function" "f" {\n  x = "${var.m.["k"]}"\n}\n', "line 2, column 7",
                 id="bad-interpolation"),
    pytest.param('resource "aws_lambda_function" "f" {\n  memory_size = 512,\n}\n', "line 2, column 20",
                 id="comma-after-an-attribute"),
    pytest.param('resource "aws_lambda_function" "f" {\n  a = b = 1\n}\n', "line 2, column 9", id="two-equals"),
    pytest.param('/* resource "aws_lambda_function" "f" {}', "line 1, column 1", id="unterminated-comment"),
    pytest.param('resource "aws_lambda_function" "f" {\n  x = \x00\n}\n', "line 2, column 7", id="binary"),
    pytest.param('resource "aws_lambda_function" "f" {\n  x = ' + "[" * 5000 + "]" * 5000 + "\n}\n",
                 "nested too deeply", id="deep-nesting"),
]


@pytest.mark.parametrize(("text", "where"), BROKEN)
def test_text_it_cannot_read_is_a_warning_naming_the_place(text: str, where: str, tmp_path: Path) -> None:
    path = tmp_path / "lambda.tf"
    data = text.encode()
    path.write_bytes(data)
    with pytest.raises(hcl.HclError, match=where):
        hcl.loads(text)
    parsed = read_unit(Unit("terraform", str(path)), data)
    assert parsed.declarations == ()
    [warning] = parsed.warnings
    assert warning.cause.startswith(f"cannot read: {where}") or where in warning.cause


def test_a_broken_tf_file_is_a_warning_naming_it_and_the_other_files_are_still_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As with python-hcl2 before: a deployment file that cannot be read is a warning (the run's
    exit status is not changed by it), never a crash, and the declarations of the others stand."""
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text("[tool.lambda-import-lint]\n")
    (project / "broken.tf").write_text('resource "aws_lambda_function" "f" {\n  handler = "app.handler\n}\n')
    assert main(["handlers", "--format", "json", str(project)]) == 0
    captured = capsys.readouterr()
    assert "broken.tf: cannot read: line 2, column 13: unterminated string" in captured.err
    functions = {row["function"] for row in json.loads(captured.out)}
    assert {"handler", "run", "lambda_handler"} <= functions


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='resourc "{}[]()=,.:?$%#/*<>-\n\\aef_1x', max_size=80))
def test_any_text_reads_or_raises_hcl_error(text: str) -> None:
    try:
        document = hcl.loads(text)
    except hcl.HclError as error:
        assert str(error)
    else:
        assert isinstance(document, dict)

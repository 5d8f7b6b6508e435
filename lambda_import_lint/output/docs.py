"""Rule documentation pages, rendered from the registry (``rule CODE`` and ``docs/rules/*.md``)."""

from __future__ import annotations

from lambda_import_lint.rules.base import Example, Rule


def _code_block(source: str) -> str:
    return f"```python\n{source.rstrip()}\n```\n"


def _settings(example: Example) -> str:
    if not example.settings:
        return ""
    lines = "\n".join(f"{key} = {_toml(value)}" for key, value in example.settings.items())
    return f"With this configuration:\n\n```toml\n[tool.lambda-import-lint]\n{lines}\n```\n\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return f'"{value}"'


def render_rule(rule: Rule) -> str:
    """The Markdown page of a rule: What it does / Why is this bad? / Example / Use instead /
    Fix safety / Options (ruff's layout)."""
    example = rule.invalid[0]
    parts = [
        f"# {rule.code}: {rule.name}\n",
        f"{rule.summary}.\n",
        f"## What it does\n\n{rule.what}\n",
        f"## Why is this bad?\n\n{rule.why}\n",
        f"## Example\n\n{_settings(example)}{_code_block(example.source)}",
    ]
    if example.fixed is not None:
        parts.append(f"## Use instead\n\n{_code_block(example.fixed)}")
    else:
        valid = rule.valid[0]
        parts.append(f"## Use instead\n\n{_code_block(valid.source)}")
    parts.append(f"## Fix safety\n\n{rule.fix_safety}\n")
    options = "\n".join(f"- `{option}`" for option in rule.options) or "None."
    parts.append(f"## Options\n\n{options}\n")
    return "\n".join(parts)


def render_index(rules: list[Rule]) -> str:
    rows = "\n".join(
        f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.summary} |" for rule in rules
    )
    return f"# Rules\n\n| code | name | summary |\n|---|---|---|\n{rows}\n"


def write_pages(folder: str) -> list[str]:
    """Regenerate ``docs/rules``: ``python -m lambda_import_lint.output.docs docs/rules``."""
    from pathlib import Path

    from lambda_import_lint.rules.registry import all_rules

    rules = all_rules()

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    pages = {f"{code}.md": render_rule(rule) for code, rule in rules.items()}
    pages["README.md"] = render_index(list(rules.values()))
    for name, text in pages.items():
        (target / name).write_text(text, encoding="utf-8")
    return sorted(pages)


if __name__ == "__main__":
    import sys

    for written in write_pages(sys.argv[1] if len(sys.argv) > 1 else "docs/rules"):
        print(written)

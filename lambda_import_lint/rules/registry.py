"""The one registry of rules: codes, docs, examples and checks.

Selecting codes needs only the table below, so a run where no file needs parsing never imports the
rule modules (and with them LibCST). ``RULES`` loads them on first use; a test checks the table
against them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from lambda_import_lint.config import Config
    from lambda_import_lint.rules.base import Rule

# code → on by default
DEFAULT_ENABLED: dict[str, bool] = {
    "LIL001": True, "LIL002": True, "LIL003": True, "LIL004": True, "LIL101": True, "LIL102": True,
}

_RULES: dict[str, Rule] = {}


def all_rules() -> dict[str, Rule]:
    if not _RULES:
        from lambda_import_lint.rules import lil001, lil002, lil003, lil004, lil101, lil102

        modules = (lil001, lil002, lil003, lil004, lil101, lil102)
        _RULES.update({module.RULE.code: module.RULE for module in modules})
    return _RULES


def __getattr__(name: str) -> object:
    if name == "RULES":
        return all_rules()
    raise AttributeError(name)


class UnknownCodeError(ValueError):
    """A rule code or prefix that names no rule: a usage error, since a typo in ``select`` would
    otherwise switch the linter off without a word."""


def unknown_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """The codes that are neither a rule's code nor a prefix of one (``LIL``, ``LIL0``, ``LIL00``
    are prefixes), in the order given."""
    return tuple(code for code in codes if not any(known.startswith(code) for known in DEFAULT_ENABLED))


def check_codes(where: str, codes: Iterable[str]) -> None:
    """Raise ``UnknownCodeError`` naming the first unknown code and listing the known ones.
    ``where``: the flag or setting the codes came from, as users wrote it."""
    unknown = unknown_codes(codes)
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        named = ", ".join(unknown)
        known = ", ".join(DEFAULT_ENABLED)
        raise UnknownCodeError(f"{where}: unknown rule code{plural} {named} (known: {known}, or a prefix such as LIL0)")


def selected_codes(select: Iterable[str] | None, ignore: Iterable[str]) -> frozenset[str]:
    """Codes on after ``select`` and ``ignore`` (prefixes, like flake8 and ruff); the longer
    (more specific) prefix wins when both name a code."""
    select = tuple(select) if select is not None else None
    ignore = tuple(ignore)
    chosen = set()
    for code, default in DEFAULT_ENABLED.items():
        selected = [p for p in select if code.startswith(p)] if select is not None else []
        ignored = [p for p in ignore if code.startswith(p)]
        on = bool(selected) if select is not None else default
        if ignored and (not selected or max(map(len, ignored)) >= max(map(len, selected))):
            on = False
        if on:
            chosen.add(code)
    return frozenset(chosen)


def known_codes(where: str, codes: Iterable[str]) -> None:
    """``check_codes`` for settings: raises ``ConfigError``."""
    from lambda_import_lint.config import ConfigError

    try:
        check_codes(where, codes)
    except UnknownCodeError as error:
        raise ConfigError(str(error)) from None


def check_rule_codes(config: Config, explicit: str | None) -> None:
    """Rule codes in the configuration file must name rules (or prefixes of them): a typo in
    ``select`` would otherwise turn every rule off and pass CI. Raises ``ConfigError``. The
    command line and the language server both check them."""
    import os

    if config.folder is None:
        return  # no file: the defaults
    source = explicit or os.path.relpath(config.folder / "pyproject.toml")
    known_codes(f"{source}: `select`", config.select or ())
    known_codes(f"{source}: `ignore`", config.ignore)
    for pattern, codes in config.per_file_ignores:
        known_codes(f"{source}: `per-file-ignores` for {pattern!r}", codes)

"""A reader of the part of HCL (Terraform's native syntax) that ``terraform.py`` reads: blocks and
their labels, attributes, and values as python-hcl2 gives them, so the two readers can be compared
on real files (``tests/test_hcl.py``, ``benchmarks/hcl_agreement.py``).

Values: a quoted string or heredoc is its source text in double quotes (``'"python3.12"'``,
``'"${path.module}/src"'``, escapes and interpolations kept as written); a number is an ``int``
or ``float``; ``true``/``false``/``null`` are ``True``/``False``/``None``; a list or object
literal is a ``list``/``dict`` of values (an object's quoted keys keep their quotes); any other
expression is its tokens in ``${...}`` (``'${data.archive_file.zip.output_path}'``), spaced as
python-hcl2 spaces them. A block is a ``dict`` of its body with ``"__is_block__": True``, listed
under its type, labels nesting: ``{"resource": [{'"aws_lambda_function"': {'"fn"': {...}}}]}``.

Why our own: python-hcl2 builds a Lark parser when first used (~0.1 s, ~0.05 s more to import)
and parses ~50 ms a file; this reads a file in about a millisecond and imports nothing.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple


class HclError(ValueError):
    """The text is not HCL this reader understands; the message says where (line and column)."""


class _Misplaced(HclError):
    """An expression's token that cannot stand there, at ``offset`` in the text tokenized."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset


class Token(NamedTuple):
    kind: str  # "nl", "ident", "number", "string", "heredoc", "punct"
    text: str
    offset: int


_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\f\v\ufeff]+)
    | (?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
    | (?P<nl>\n)
    | (?P<heredoc><<-?(?P<marker>[A-Za-z_][\w-]*)\n)
    | (?P<ident>[A-Za-z_][\w-]*)
    | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    | (?P<string>"(?:[^"\\$%\n]|\\.|\$\$\{|%%\{|\$(?!\{)|%(?!\{))*")
    | (?P<quote>")
    | (?P<punct>\.\.\.|=>|==|!=|<=|>=|&&|\|\||[-+*/%<>=!?:.,()\[\]{}])
    """,
    re.VERBOSE | re.DOTALL,
)
_OPENING = {"(": ")", "[": "]", "{": "}"}
_CLOSING = {")", "]", "}"}


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _template_end(text: str, start: int, interpolations: list[tuple[int, int]] | None = None) -> int:
    """The offset after the quoted string opening at ``start`` (interpolations may hold strings,
    braces and newlines); the span inside each ``${...}`` goes to ``interpolations``."""
    position = start + 1
    depth = 0  # open braces inside an interpolation
    opened = 0
    while position < len(text):
        char = text[position]
        if depth == 0:
            if char == '"':
                return position + 1
            if char == "\n":
                break
            if char == "\\":
                position += 2
                continue
            if text.startswith(("$${", "%%{"), position):
                position += 3
                continue
            if text.startswith(("${", "%{"), position):
                depth = 1
                position += 2
                opened = position if char == "$" else -1
                continue
        elif char == '"':
            position = _template_end(text, position)
            continue
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and opened >= 0 and interpolations is not None:
                interpolations.append((opened, position))
        position += 1
    raise HclError(f"{_where(text, start)}: unterminated string")


def _normalised(string: str) -> str:
    """A quoted string with each ``${...}`` written as python-hcl2 writes it back (``${ a,b }``
    → ``${a, b}``): an interpolation is an expression like any other. Directives (``%{...}``)
    stay as written, as there."""
    spans: list[tuple[int, int]] = []
    _template_end(string, 0, spans)
    pieces: list[str] = []
    written = 0
    for start, end in spans:
        inner = string[start:end]
        if inner.startswith("~") or inner.endswith("~"):
            continue  # a strip marker: kept as written
        pieces.append(string[written:start])
        pieces.append(render(tokens(inner)))
        written = end
    pieces.append(string[written:])
    return "".join(pieces)


def tokens(text: str) -> list[Token]:
    """The tokens of ``text``, comments and spaces left out, newlines kept (they end attributes)."""
    found: list[Token] = []
    position = 0
    match_at = _TOKEN.match
    while position < len(text):
        match = match_at(text, position)
        if match is None:
            raise HclError(f"{_where(text, position)}: unexpected character {text[position]!r}")
        kind = match.lastgroup
        end = match.end()
        if kind == "heredoc":
            marker = match.group("marker")
            # The closing marker stands alone on its line, spaces before it only (as in HCL:
            # `EOF  ` does not close it).
            closing = re.compile(rf"^[ \t]*{re.escape(marker)}$", re.MULTILINE).search(text, end)
            if closing is None:
                raise HclError(f"{_where(text, position)}: heredoc without its closing {marker}")
            end = closing.end()
            found.append(Token("heredoc", '"' + text[position:end] + '"', position))
        elif kind == "quote" or (kind == "string" and "${" in match.group()):
            end = _template_end(text, position)
            try:
                found.append(Token("string", _normalised(text[position:end]), position))
            except HclError as error:
                reason = re.sub(r"^line \d+, column \d+: ", "", str(error))
                raise HclError(f"{_where(text, position)}: in this string: {reason}") from None
        elif kind == "punct" and text.startswith("/*", position):
            raise HclError(f"{_where(text, position)}: unterminated comment")
        elif kind not in ("space", "comment"):
            found.append(Token(kind or "", match.group(), position))
        position = end
    return found


def loads(text: str) -> dict[str, Any]:
    """The document ``text`` holds, shaped as python-hcl2's ``loads`` shapes it."""
    try:
        return _Parser(text).body(closing=False)
    except RecursionError:
        raise HclError("brackets, blocks or strings nested too deeply to read") from None


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokens(text)
        self.position = 0

    def error(self, index: int, expected: str) -> HclError:
        if index >= len(self.tokens):
            return HclError(f"{_where(self.text, len(self.text))}: unexpected end of file, expected {expected}")
        token = self.tokens[index]
        shown = "end of line" if token.kind == "nl" else repr(token.text[:40])
        return HclError(f"{_where(self.text, token.offset)}: unexpected {shown}, expected {expected}")

    def at(self, index: int, kind: str, text: str) -> bool:
        return index < len(self.tokens) and self.tokens[index].kind == kind and self.tokens[index].text == text

    def body(self, closing: bool) -> dict[str, Any]:
        """Attributes and blocks up to the closing brace (``closing``) or the end of the text."""
        body: dict[str, Any] = {}
        while True:
            while self.at(self.position, "nl", "\n"):
                self.position += 1
            if self.position >= len(self.tokens):
                if closing:
                    raise self.error(self.position, "'}'")
                return body
            if closing and self.at(self.position, "punct", "}"):
                self.position += 1
                return body
            name = self.tokens[self.position]
            if name.kind != "ident":
                raise self.error(self.position, "an attribute or a block")
            self.position += 1
            if self.at(self.position, "punct", "="):
                start = self.position + 1
                # A comma or another `=` outside brackets ends nothing here: the check below
                # refuses it (`a = 1,` is not HCL).
                self.position = self.expression_end(start, stops=(",", "="))
                body[name.text] = self.convert(start, self.position)
            else:
                self.block(name.text, body)
            # An attribute or block ends its line (or a one-line block: `x { a = 1 }`).
            if not (self.position >= len(self.tokens) or self.at(self.position, "nl", "\n")
                    or (closing and self.at(self.position, "punct", "}"))):
                raise self.error(self.position, "a new line")

    def block(self, kind: str, body: dict[str, Any]) -> None:
        labels: list[str] = []
        while self.position < len(self.tokens) and self.tokens[self.position].kind in ("string", "ident"):
            labels.append(self.tokens[self.position].text)
            self.position += 1
        if not self.at(self.position, "punct", "{"):
            raise self.error(self.position, "'=', a block label or '{'")
        self.position += 1
        entry: dict[str, Any] = self.body(closing=True)
        entry["__is_block__"] = True
        for label in reversed(labels):
            entry = {label: entry}
        body.setdefault(kind, []).append(entry)

    def expression_end(self, start: int, last: int | None = None, stops: tuple[str, ...] = (),
                       newline_ends: bool = True) -> int:
        """The index after the expression starting at ``start``: it ends before a newline
        (``newline_ends``) or one of ``stops`` outside brackets, before a closing bracket it did
        not open, or at ``last``; trailing newlines are not part of it."""
        closers: list[str] = []  # the brackets this expression opened, as they must close
        index = start
        last = len(self.tokens) if last is None else last
        while index < last:
            token = self.tokens[index]
            if token.kind == "punct":
                if token.text in _OPENING:
                    closers.append(_OPENING[token.text])
                elif token.text in _CLOSING:
                    if not closers:
                        break
                    if closers[-1] != token.text:
                        raise self.error(index, repr(closers[-1]))
                    closers.pop()
                elif not closers and token.text in stops:
                    break
            elif token.kind == "nl" and not closers and newline_ends:
                break
            index += 1
        if closers:
            raise self.error(index, repr(closers[-1]))
        end = index
        while end > start and self.tokens[end - 1].kind == "nl":
            end -= 1
        if end == start:
            raise self.error(index, "a value")
        return index if newline_ends else end

    def convert(self, start: int, end: int) -> Any:
        """The value of the expression ``tokens[start:end]``."""
        tokens_ = self.tokens
        while end > start and tokens_[end - 1].kind == "nl":
            end -= 1
        while start < end and tokens_[start].kind == "nl":
            start += 1
        first = tokens_[start]
        if end - start == 1:
            if first.kind in ("string", "heredoc"):
                return first.text
            if first.kind == "number":
                return _number(first.text)
            if first.kind == "ident":
                return _KEYWORDS.get(first.text, first.text)
        if end - start == 2 and first.text == "-" and first.kind == "punct" and tokens_[start + 1].kind == "number":
            number = _number(tokens_[start + 1].text)
            return -number if not isinstance(number, str) else "${-" + tokens_[start + 1].text + "}"
        if first.kind == "punct" and first.text in ("[", "{") and self.matching(start) == end - 1:
            inner = self.significant(start + 1, end - 1)
            if inner is None or not self.at(inner, "ident", "for"):
                return self.collection(start, end - 1)
        return "${" + self.render(start, end) + "}"

    def render(self, start: int, end: int) -> str:
        try:
            return render(self.tokens[start:end])
        except _Misplaced as error:
            raise HclError(f"{_where(self.text, error.offset)}: {error}") from None

    def matching(self, start: int) -> int:
        """The index of the bracket closing the one at ``start``."""
        depth = 0
        for index in range(start, len(self.tokens)):
            token = self.tokens[index]
            if token.kind != "punct":
                continue
            if token.text in _OPENING:
                depth += 1
            elif token.text in _CLOSING:
                depth -= 1
                if depth == 0:
                    return index
        return -1

    def significant(self, index: int, last: int) -> int | None:
        """The first index from ``index`` before ``last`` that is not a newline."""
        while index < last and self.tokens[index].kind == "nl":
            index += 1
        return index if index < last else None

    def collection(self, start: int, last: int) -> list[Any] | dict[str, Any]:
        """A list (``[a, b]``) or object (``{k = v, "k2": v}``) literal from ``start`` (its opening
        bracket) to ``last`` (its closing one). Newlines separate an object's entries."""
        is_list = self.tokens[start].text == "["
        items: list[Any] = []
        entries: dict[str, Any] = {}
        index = start + 1
        while (element := self.significant(index, last)) is not None:
            if is_list:
                index = self.expression_end(element, last, (",",), newline_ends=False)
                items.append(self.convert(element, index))
            else:
                key_end = self.expression_end(element, last, ("=", ":"), newline_ends=False)
                if key_end >= last or self.tokens[key_end].text not in ("=", ":"):
                    raise self.error(key_end, "'=' or ':' after an object key")
                value = self.significant(key_end + 1, last)
                if value is None:
                    raise self.error(key_end + 1, "a value")
                index = self.expression_end(value, last, (",",))
                entries[self.key(element, key_end)] = self.convert(value, index)
            following = self.significant(index, last)
            if following is not None and self.at(following, "punct", ","):
                index = following + 1
            elif following is not None and (is_list or self.tokens[index].kind != "nl"):
                raise self.error(following, "',' or '" + ("]" if is_list else "}") + "'")
        return items if is_list else entries

    def key(self, start: int, end: int) -> str:
        if end - start == 1 and self.tokens[start].kind in ("ident", "string", "number"):
            return self.tokens[start].text
        return "${" + self.render(start, end) + "}"


_KEYWORDS: dict[str, Any] = {"true": True, "false": False, "null": None}


def _number(text: str) -> int | float | str:
    if text.isdigit():
        return int(text)
    if "e" in text or "E" in text:
        return "${" + text + "}"
    return float(text)


def render(expression: list[Token]) -> str:
    """An expression's tokens as one line, written as python-hcl2 writes expressions back:
    ``format("%s", var.x)``, ``var.a ? "x" : "y"``, ``aws_lambda_layer_version.x[*].arn``, an
    object's entries separated by ``, `` and its keys by `` = ``."""
    _check(expression)
    parts: list[str] = []
    previous: Token | None = None
    # Per open bracket: the bracket ("{" of an object, "for" of a for expression, "[", "(") and
    # the conditionals whose ":" has not come yet.
    levels: list[list[Any]] = []
    for index, token in enumerate(expression):
        text = token.text
        if token.kind == "nl":
            if levels and levels[-1][0] == "{" and previous is not None and previous.text not in ("{", ","):
                following = _following(expression, index)
                if following is not None and following.text not in ("}", ","):
                    parts.append(",")
                    previous = Token("punct", ",", token.offset)
            continue
        if token.kind == "punct":
            if text in _OPENING:
                after = _following(expression, index)
                kind = "for" if after is not None and after.text == "for" else text
                levels.append([kind, 0])
            elif text in _CLOSING:
                if levels:
                    levels.pop()
                if previous is not None and previous.text == ",":  # a trailing comma is dropped
                    parts.pop()
                    if parts and parts[-1] == " ":
                        parts.pop()
            elif text == "?" and levels:
                levels[-1][1] += 1
            elif text == ":" and levels:
                if levels[-1][1]:
                    levels[-1][1] -= 1
                elif levels[-1][0] == "{":
                    text = "="
            elif text == "?":
                levels.append(["", 1])  # a conditional outside brackets: its own level, never closed
        elif token.kind == "number":
            text = str(_number(text))[2:-1] if "e" in text.lower() else str(_number(text))
        if previous is not None and _spaced(previous, token, parts):
            parts.append(" ")
        parts.append(text)
        previous = token
    return "".join(parts)


def _following(expression: list[Token], index: int) -> Token | None:
    """The first token after ``index`` that is not a newline."""
    for following in range(index + 1, len(expression)):
        if expression[following].kind != "nl":
            return expression[following]
    return None


_KEYWORDS_OF_FOR = ("for", "in", "if")


def _check(expression: list[Token]) -> None:
    """Refuse what no HCL expression holds, as Terraform would: two operands side by side
    (``"click "Connect""``), or an attribute access that names nothing (``var.x.["a"]``)."""
    previous: Token | None = None
    brackets: list[str] = []
    for token in expression:
        if token.kind == "nl":
            if brackets and brackets[-1] == "{":
                previous = None  # a newline separates an object's entries
            continue
        if token.kind == "punct" and token.text in _OPENING:
            brackets.append(token.text)
        elif token.kind == "punct" and token.text in _CLOSING and brackets:
            brackets.pop()
        if previous is not None:
            operand = token.kind in ("string", "heredoc", "number") or (
                token.kind == "ident" and token.text not in _KEYWORDS_OF_FOR)
            ended = previous.kind in ("string", "heredoc", "number") or previous.text in _CLOSING or (
                previous.kind == "ident" and previous.text not in _KEYWORDS_OF_FOR)
            if operand and ended:
                raise _Misplaced(token.offset, f"unexpected {token.text[:40]!r} after {previous.text[:40]!r}")
            if previous.text == "." and previous.kind == "punct" and token.kind not in ("ident", "number") \
                    and token.text != "*":
                raise _Misplaced(token.offset, f"unexpected {token.text[:40]!r} after '.'")
        previous = token


def _spaced(previous: Token, token: Token, parts: list[str]) -> bool:
    before, text = previous.text, token.text
    if previous.kind == "punct":
        if before in ("(", "[", "{", ".", "!"):
            return False
        if before == "-" and _unary(parts):
            return False
        if before == "*" and text in ("]", "."):
            return False
    if token.kind == "punct":
        if text in (")", "]", "}", ",", "."):
            return False
        if text == "[" and before == "}":
            return False  # an index into an object literal
        if text in ("(", "[") and (before in (")", "]") or (previous.kind == "ident" and before not in _WORDS)):
            return False  # a call or an index
    return True


_WORDS = ("for", "in", "if")  # followed by an expression, not called or indexed


def _unary(parts: list[str]) -> bool:
    """Whether the ``-`` just written is a sign (at the start, or after an operator or bracket)."""
    significant = [part for part in parts if part != " "]
    if len(significant) < 2:
        return True
    before = significant[-2]
    return before in ("(", "[", "{", ",", "=", ":", "?", "=>", "==", "!=", "<", ">", "<=", ">=", "&&", "||",
                      "+", "-", "*", "/", "%", "!")


def without_comments(value: Any) -> Any:
    """A python-hcl2 document without the comments it keeps (``__comments__``,
    ``__inline_comments__``): the shape this reader gives, which the differential tests and
    ``benchmarks/hcl_agreement.py`` compare it with."""
    if isinstance(value, dict):
        comments = ("__comments__", "__inline_comments__")
        return {key: without_comments(item) for key, item in value.items() if key not in comments}
    if isinstance(value, list):
        return [without_comments(item) for item in value]
    return value

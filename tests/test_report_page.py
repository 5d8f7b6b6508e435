"""`report --format html`: one self-contained page whose figures are `--format json`'s, read with a
real HTML parser, and rendered by a real browser (headless Chromium) into a non-blank picture."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lambda_import_lint.cli import main

REPOSITORY = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
RULE_PAGE = "https://github.com/lambda-import-lint/lambda-import-lint/blob/main/docs/rules/"
# Attributes and elements through which a page loads something (rather than links to it).
LOADING_ATTRIBUTES = {"src", "srcset", "data", "poster", "action", "formaction", "background", "xlink:href", "ping"}
LOADING_ELEMENTS = {"link", "img", "iframe", "object", "embed", "video", "audio", "source", "base", "frame"}


class Page(HTMLParser):
    """What a test needs from the page: the summary rows, each handler's import rows, the totals,
    the links, and anything that would load a resource."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[int, dict[str, tuple[str, str]]] = {}  # data-row → key → (data-value, text)
        self.order: list[int] = []
        self.names: dict[int, str] = {}
        self.imports: dict[int, list[dict[str, tuple[str, str]]]] = {}  # handler → rows
        self.totals: dict[str, str] = {}
        self.links: list[str] = []
        self.loading: list[str] = []
        self.styles: list[str] = []
        self.sections: dict[int, bool] = {}  # handler → open
        self._cell: tuple[dict[str, tuple[str, str]], str, str] | None = None
        self._text: list[str] = []
        self._handler: int | None = None
        self._row: dict[str, tuple[str, str]] | None = None
        self._in_style = False
        self._total: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag in LOADING_ELEMENTS:
            self.loading.append(tag)
        for name, value in found.items():
            if name in LOADING_ATTRIBUTES or (name == "style" and "url(" in value):
                self.loading.append(f"{tag} {name}={value}")
        if tag == "script" and "src" in found:
            self.loading.append("script src")
        if tag == "a":
            self.links.append(found.get("href", ""))
        if tag == "style":
            self._in_style = True
        if tag == "details":
            self._handler = int(found["id"].removeprefix("handler-"))
            self.sections[self._handler] = "open" in found
            self.imports[self._handler] = []
        if tag == "tr" and "data-row" in found:
            index = int(found["data-row"])
            self.order.append(index)
            self.names[index] = found["data-name"]
            self._row = self.rows.setdefault(index, {})
        elif tag == "tr" and "data-import" in found and self._handler is not None:
            self._row = {}
            self.imports[self._handler].append(self._row)
        if tag == "td" and "data-key" in found and self._row is not None:
            self._cell = (self._row, found["data-key"], found.get("data-value", ""))
            self._text = []
        if tag == "strong" and found.get("id", "").startswith("total-"):
            self._total = found["id"]
            self.totals[self._total] = found["data-value"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            row, key, value = self._cell
            row[key] = (value, "".join(self._text).strip())
            self._cell = None
        if tag == "style":
            self._in_style = False
        if tag == "tr":
            self._row = None
        if tag == "strong":
            self._total = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text.append(data)
        if self._in_style:
            self.styles.append(data)


def _reports(arguments: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[list[dict], Page, str]:  # type: ignore[type-arg]
    assert main(["report", "--format", "json", *arguments]) == 0
    rows = json.loads(capsys.readouterr().out)
    page_file = tmp_path / "page.html"
    assert main(["report", "--format", "html", "-o", str(page_file), *arguments]) == 0
    assert capsys.readouterr().out == ""
    text = page_file.read_text("utf-8")
    page = Page()
    page.feed(text)
    page.close()
    return rows, page, text


def _shown(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def test_the_page_shows_the_json_figures_and_loads_nothing(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(REPOSITORY)
    rows, page, text = _reports(["examples/"], tmp_path, capsys)
    assert len(rows) == 2  # the bundled example compares two handlers

    assert sorted(page.rows) == list(range(len(rows)))
    assert [rows[i]["init_ms"] for i in page.order] == sorted((row["init_ms"] for row in rows), reverse=True)
    for index, row in enumerate(rows):
        assert page.names[index] == f"{row['path']}:{row['function']}"
        for key in ("memory_mb", "init_ms", "cold_start_ms", "after_fix_ms", "after_unsafe_fixes_ms", "deferrable_ms"):
            value, shown = page.rows[index][key]
            assert float(value) == row[key], key
            assert shown.rstrip("*") == _shown(row[key]), key
        assert len(page.imports[index]) == len(row["imports"])
        for cells, item in zip(page.imports[index], row["imports"]):
            assert float(cells["ms"][0]) == item["ms"] and cells["ms"][1] == _shown(item["ms"])
            assert cells["status"][0] == item["status"]
            for key in ("first_use_ms", "first_use_at_memory_ms"):
                assert cells[key] == (("", "") if item[key] is None else (str(item[key]), _shown(item[key])))
    assert float(page.totals["total-safe"]) == round(sum(row["deferrable_ms"] for row in rows), 1) == 260
    assert float(page.totals["total-unsafe"]) == round(sum(row["deferrable_unsafe_ms"] for row in rows), 1)
    assert "catalogue estimates" in text

    assert page.loading == []
    assert not any("url(" in style or "@import" in style for style in page.styles)
    assert all(link.startswith("#") or link.startswith(RULE_PAGE) for link in page.links), page.links
    assert f"{RULE_PAGE}LIL001.md" in page.links  # the finding links to its rule page
    external = [word for word in text.split() if "http" in word]
    assert all(RULE_PAGE in word or "http://www.w3.org/2000/svg" in word for word in external), external


def test_names_read_from_the_project_are_escaped(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    evil = "evil<b onmouseover=alert(1)>\x1b[31m.py"
    (tmp_path / evil).write_text(
        "import pandas as pd\n\n\ndef handler(event, context):\n    if event:\n        return pd.x()\n"
    )
    rows, page, text = _reports(["."], tmp_path, capsys)
    assert rows[0]["path"] == evil
    assert "<b onmouseover" not in text and "\x1b" not in text
    assert page.names[0] == "evil<b onmouseover=alert(1)>\\x1b[31m.py:handler"  # escaped, then shown as text


def test_a_monorepo_page_starts_collapsed_with_a_filter(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    for number in range(12):
        folder = tmp_path / f"function{number}"
        folder.mkdir()
        (folder / "app.py").write_text("import boto3\n\n\ndef handler(event, context):\n    return boto3\n")
    rows, page, text = _reports(["."], tmp_path, capsys)
    assert len(rows) == len(page.sections) == 12
    assert not any(page.sections.values())
    assert 'id="filter"' in text


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB or RGBA PNG (what Chromium writes) into rows of raw pixel bytes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for line in range(height):
        start = line * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = row[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                row[i] = (row[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(row))
        previous = row
    return width, height, [bytes(r[i:i + 3]) for r in rows for i in range(0, stride, channels)]  # type: ignore[misc]


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian package `chromium`)")
def test_chromium_renders_the_page(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(REPOSITORY)
    page = tmp_path / "page.html"
    assert main(["report", "--format", "html", "-o", str(page), "examples/"]) == 0
    screenshot = tmp_path / "page.png"
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={screenshot}", "--window-size=900,700",
            page.as_uri(),
        ],
        capture_output=True, timeout=120, check=False, env={**os.environ, "HOME": str(tmp_path)},
    )
    assert screenshot.is_file(), "Chromium wrote no screenshot"
    width, height, pixels = _png_pixels(screenshot.read_bytes())
    assert (width, height) == (900, 700)
    colours = set(pixels)
    assert len(colours) > 50  # text, bars and table rules, not a blank page
    # The status colours of the bars are there: the picture drew, not only the text.
    assert bytes.fromhex("56657a") in colours and bytes.fromhex("2e9b57") in colours


def test_the_readme_shows_the_bundled_example_report_as_it_is(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(REPOSITORY)
    readme = (REPOSITORY / "README.md").read_text("utf-8")
    shown = readme.split("$ lambda-import-lint report examples/\n", 1)[1].split("```", 1)[0]
    assert main(["report", "examples/"]) == 0
    assert capsys.readouterr().out == shown
    assert "](docs/report-example.png)" in readme and (REPOSITORY / "docs" / "report-example.png").is_file()

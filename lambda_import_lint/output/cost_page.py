"""The cost report as text, and as one self-contained HTML page.

The page has inline CSS and SVG and nothing else: no network, no file beside it, readable from
``file://`` with scripts off (a few lines of inline script add a filter and sortable columns).
Every figure on it is a figure of ``--format json`` (``HandlerCost.to_json``), printed from the same
values: a test parses the page and compares. Everything read from the project (paths, statements,
messages, module names, errors) is escaped twice over: non-printable characters, then HTML.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Iterable, Sequence

from lambda_import_lint.printing import printable

from lambda_import_lint.output.cost_report import RULE_PAGE

if TYPE_CHECKING:
    from lambda_import_lint.output.cost_report import HandlerCost
    from lambda_import_lint.output.measure import Interpreter

STATUS_TEXT = {
    "stays": "needed on every cold start",
    "deferrable": "deferrable, but no fix takes it off the cold start",
    "deferred": "deferred by --fix",
    "deferred-unsafe": "deferred by --fix --unsafe-fixes only",
    "already-paid": "already paid by another import",
    "warm": "SnapStart / provisioned concurrency: paid before traffic",
}
STATUS_COLOUR = {
    "stays": "#56657a",
    "deferrable": "#d9822b",
    "deferred": "#2e9b57",
    "deferred-unsafe": "#1f8a8a",
    "already-paid": "#b8c0c8",
    "warm": "#2f78c4",
}
OPEN_SECTIONS_UP_TO = 10  # handler sections start open in small projects, collapsed in monorepos
MIN_LOAD_MS = 1.0  # nested loads below this are left out of the picture (still in the JSON)
BAR_WIDTH = 480
LABEL_WIDTH = 260
ROW_HEIGHT = 18


def _text(value: str) -> str:
    return html.escape(printable(value), quote=True)


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def basis_line(interpreter: Interpreter | None) -> str:
    if interpreter is None:
        return "catalogue estimates (reference import times, not measured here)"
    return f"measured with {interpreter.executable} (chosen by {interpreter.chosen_by})"


def render_text(rows: Sequence[HandlerCost], interpreter: Interpreter | None) -> str:
    """One line per handler (most saved first), then what each deferred import costs where it
    lands, and what ``--fix`` saves in all."""
    names = [printable(f"{row.path}:{row.function}") for row in rows]
    width = max(map(len, names), default=7)
    lines = [
        f"{'handler':{width}}  {'init ms':>9} {'deferrable':>11} {'after fix':>10} {'after unsafe':>13}"
        f" {'memory':>9}   ({basis_line(interpreter) if interpreter else 'catalogue estimates'})"
    ]
    for name, row in zip(names, rows):
        memory = f"{row.memory_mb} MB" + ("" if row.memory_declared else "*")
        lines.append(
            f"{name:{width}}  {row.init_ms:9.0f} {row.deferrable_ms:11.0f} {row.after_fix_ms:10.0f}"
            f" {row.after_unsafe_fixes_ms:13.0f} {memory:>9}"
        )
    notes = []
    for name, row in zip(names, rows):
        for item in row.imports:
            if item.first_use_ms is None or item.first_use_at_memory_ms is None:
                continue
            by = "--fix" if item.status == "deferred" else "--fix --unsafe-fixes"
            note = (
                f"{name}: `{printable(item.statement)}` deferred by {by}: {item.ms:.0f} ms at INIT now; "
                f"~{item.first_use_at_memory_ms:.0f} ms on the first invocation that needs it at {row.memory_mb} MB"
            )
            if item.slower_than_init:
                note += " (slower than at INIT: test your memory setting)"
            notes.append(note)
    if rows:
        if any(not row.memory_declared for row in rows):
            notes.append("* memory not declared in a deployment file: Lambda's default, 128 MB")
        notes.append(_totals(rows))
    return "\n".join([*lines, "", *notes] if notes else lines) + "\n"


def _totals(rows: Sequence[HandlerCost]) -> str:
    safe = sum(row.deferrable_ms for row in rows)
    unsafe = sum(row.deferrable_unsafe_ms for row in rows)
    return (
        f"--fix saves {safe:.0f} ms of cold start over {len(rows)} handler{'s' if len(rows) != 1 else ''}"
        f" (one cold start each); --fix --unsafe-fixes {unsafe:.0f} ms"
    )


STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2530;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:18px 0 6px}
.basis{color:#4a5563;margin:0 0 12px}.total{font-size:16px;margin:8px 0 14px}
table{border-collapse:collapse;margin:6px 0 10px}
th,td{padding:3px 10px;border-bottom:1px solid #e1e5ea;text-align:right}
th{background:#f3f5f8;cursor:default}td:first-child,th:first-child{text-align:left}
td.code,td.text{text-align:left}code{font:12px ui-monospace,Menlo,Consolas,monospace}
details{border:1px solid #d5dbe2;border-radius:6px;margin:10px 0;padding:4px 12px}
summary{cursor:pointer;font-weight:600;padding:4px 0}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;
margin-right:4px;vertical-align:-1px;border-radius:2px}
.warn{color:#8a3b00}.failed{color:#b00020}svg text{font:12px system-ui,sans-serif;fill:#1d2530}
#filter{font-size:14px;padding:4px 8px;width:320px;margin:6px 0}
"""
SCRIPT = """
(function(){
var f=document.getElementById('filter');f.hidden=false;
f.addEventListener('input',function(){var q=f.value.toLowerCase();
document.querySelectorAll('[data-name]').forEach(function(e){
e.style.display=e.getAttribute('data-name').toLowerCase().indexOf(q)<0?'none':'';});});
document.querySelectorAll('#handlers th').forEach(function(th,i){th.style.cursor='pointer';
th.addEventListener('click',function(){var b=document.querySelector('#handlers tbody');
var r=Array.prototype.slice.call(b.rows);var d=th.getAttribute('data-dir')==='asc'?-1:1;
th.setAttribute('data-dir',d===1?'asc':'desc');r.sort(function(x,y){
var a=x.cells[i].getAttribute('data-value')||x.cells[i].textContent,
c=y.cells[i].getAttribute('data-value')||y.cells[i].textContent;
var n=parseFloat(a)-parseFloat(c);return d*(isNaN(n)?a.localeCompare(c):n);});
r.forEach(function(e){b.appendChild(e);});});});
})();
"""
SUMMARY_COLUMNS = (
    ("memory_mb", "memory (MB)"),
    ("init_ms", "INIT now (ms)"),
    ("cold_start_ms", "cold start now (ms)"),
    ("after_fix_ms", "after --fix (ms)"),
    ("after_unsafe_fixes_ms", "after --unsafe-fixes (ms)"),
    ("deferrable_ms", "--fix saves (ms)"),
)


def render_page(rows: Sequence[HandlerCost], interpreter: Interpreter | None) -> str:
    """The whole page: a summary table (by INIT cost), then one section per handler."""
    ordered = sorted(enumerate(rows), key=lambda pair: (-pair[1].init_ms, pair[0]))
    data = {index: row.to_json() for index, row in enumerate(rows)}
    measured = interpreter is not None
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        "<title>Cold-start import cost</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Cold-start import cost</h1>",
        f'<p class="basis" id="basis">{len(rows)} handler{"s" if len(rows) != 1 else ""}; '
        f"{_text(basis_line(interpreter))}</p>",
        _total_paragraph(rows),
        _legend(),
        '<input id="filter" type="search" placeholder="filter handlers by path or function" hidden>',
        '<table id="handlers"><thead><tr><th>handler</th>',
        *(f"<th>{html.escape(title)}</th>" for _, title in SUMMARY_COLUMNS),
        "</tr></thead><tbody>",
    ]
    for index, row in ordered:
        figures = data[index]
        name = _text(f"{row.path}:{row.function}")
        cells = "".join(
            f'<td data-key="{key}" data-value="{figures[key]}">{_ms(float(str(figures[key])))}'
            f'{"" if key != "memory_mb" or row.memory_declared else "*"}</td>'
            for key, _ in SUMMARY_COLUMNS
        )
        parts.append(
            f'<tr data-row="{index}" data-name="{name}"><td><a href="#handler-{index}">{name}</a></td>{cells}</tr>'
        )
    parts.append("</tbody></table>")
    if any(not row.memory_declared for row in rows):
        parts.append("<p>* memory not declared in a deployment file: Lambda's default, 128 MB.</p>")
    # One scale for every handler's bars, so that the pictures compare.
    largest = max(
        (max(item.ms, item.first_use_at_memory_ms or 0.0) for row in rows for item in row.imports), default=0.0
    )
    for index, row in ordered:
        parts.append(_section(index, row, data[index], measured, len(rows) <= OPEN_SECTIONS_UP_TO, largest))
    parts.append(f"<script>{SCRIPT}</script></body></html>\n")
    return "\n".join(parts)


def _total_paragraph(rows: Sequence[HandlerCost]) -> str:
    safe = round(sum(row.deferrable_ms for row in rows), 1)
    unsafe = round(sum(row.deferrable_unsafe_ms for row in rows), 1)
    return (
        f'<p class="total"><code>--fix</code> saves <strong id="total-safe" data-value="{safe}">{safe:.0f}'
        f" ms</strong> of cold start over the project's handlers (one cold start each);"
        f' <code>--fix --unsafe-fixes</code> <strong id="total-unsafe" data-value="{unsafe}">{unsafe:.0f}'
        " ms</strong>.</p>"
    )


def _legend() -> str:
    items = "".join(
        f'<span><i style="background:{STATUS_COLOUR[status]}"></i>{html.escape(text)}</span>'
        for status, text in STATUS_TEXT.items()
    )
    return f'<p class="legend">{items}</p>'


def _section(
    index: int, row: HandlerCost, figures: dict[str, object], measured: bool, open_: bool, largest: float
) -> str:
    name = _text(f"{row.path}:{row.function}")
    memory = f"{row.memory_mb} MB" + ("" if row.memory_declared else " (Lambda's default)")
    head = (
        f'<details id="handler-{index}" data-name="{name}"{" open" if open_ else ""}>'
        f"<summary>{name}: INIT {row.init_ms:.0f} ms now, cold start {row.cold_start_ms:.0f} ms → "
        f"{row.after_fix_ms:.0f} ms after <code>--fix</code> ({row.after_unsafe_fixes_ms:.0f} ms with "
        f"<code>--unsafe-fixes</code>); {html.escape(memory)}</summary>"
    )
    kind = "measured with -X importtime" if measured else "catalogue estimates, not measured"
    parts = [head, f"<h2>Module-scope imports ({kind})</h2>", _bars(row, measured, largest)]
    parts.append(_imports_table(row, figures))
    for item in row.imports:
        if item.slower_than_init and item.first_use_at_memory_ms is not None:
            parts.append(
                f'<p class="warn">The first invocation that needs <code>{_text(item.module)}</code> will take about '
                f"{item.first_use_at_memory_ms:.0f} ms to import it at {row.memory_mb} MB, more than the "
                f"{item.ms:.0f} ms INIT pays now with a full vCPU: test your memory setting.</p>"
            )
    if row.fix_failure:
        parts.append(f'<p class="failed">The fixer leaves this module as it is: {_text(row.fix_failure)}</p>')
    parts.append(_findings(row))
    parts.append("</details>")
    return "\n".join(parts)


def _imports_table(row: HandlerCost, figures: dict[str, object]) -> str:
    header = (
        "<table class=\"imports\"><thead><tr><th>import</th><th>line</th><th>ms now</th><th>status</th>"
        f"<th>first use, full vCPU (ms)</th><th>first use at {row.memory_mb} MB (ms)</th></tr></thead><tbody>"
    )
    lines = [header]
    items = figures["imports"]
    assert isinstance(items, list)
    for position, (item, shown) in enumerate(zip(row.imports, items)):
        status = html.escape(STATUS_TEXT.get(item.status, item.status))
        if item.error is not None:
            status = f'<span class="failed">failed: {_text(item.error)}</span>; {status}'
        lines.append(
            f'<tr data-import="{position}"><td class="code"><code>{_text(item.statement)}</code></td>'
            f'<td data-key="line">{item.line}</td>'
            f'<td data-key="ms" data-value="{shown["ms"]}">{_ms(shown["ms"])}</td>'
            f'<td class="text" data-key="status" data-value="{item.status}">{status}</td>'
            f'<td data-key="first_use_ms" data-value="{_none(shown["first_use_ms"])}">'
            f'{_ms(shown["first_use_ms"])}</td>'
            f'<td data-key="first_use_at_memory_ms" data-value="{_none(shown["first_use_at_memory_ms"])}">'
            f'{_ms(shown["first_use_at_memory_ms"])}</td></tr>'
        )
    lines.append("</tbody></table>")
    return "".join(lines)


def _none(value: object) -> str:
    return "" if value is None else str(value)


def _findings(row: HandlerCost) -> str:
    if not row.findings:
        return "<p>No findings in this module.</p>"
    items = "".join(
        f'<li><a href="{html.escape(RULE_PAGE.format(code=finding.code), quote=True)}">{html.escape(finding.code)}</a>'
        f" line {finding.line}: {_text(finding.message)}</li>"
        for finding in row.findings
    )
    return f'<h2>Findings</h2><ul class="findings">{items}</ul>'


def _bars(row: HandlerCost, measured: bool, largest: float) -> str:
    """Horizontal bars, one per module-scope import, each followed by what it loads (indented);
    a dashed outline shows what a deferred import costs its first invocation at the memory."""
    entries: list[tuple[int, str, float, str, float | None]] = []  # depth, label, ms, status, first use
    for item in row.imports:
        entries.append((0, item.statement, item.ms, item.status, item.first_use_at_memory_ms))
        loads = item.loads
        if len(loads) == 1 and loads[0].module == item.module:
            loads = loads[0].loads  # the statement's bar is its module's: show what that loads
        entries.extend((depth, module, ms, item.status, None) for depth, module, ms in _flatten(loads, 1))
    if not entries:
        return "<p>No module-scope imports.</p>"
    scale = BAR_WIDTH / (largest or 1.0)
    height = ROW_HEIGHT * len(entries) + 6
    total_width = LABEL_WIDTH + BAR_WIDTH + 200
    title = "measured" if measured else "estimate"
    shapes = [
        f'<svg role="img" aria-label="import cost of {_text(row.function)}" width="{total_width}" height="{height}"'
        f' viewBox="0 0 {total_width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for position, (depth, label, ms, status, first) in enumerate(entries):
        y = 3 + position * ROW_HEIGHT
        colour = STATUS_COLOUR.get(status, "#56657a")
        shown = label if len(label) <= 38 - 2 * depth else label[: 35 - 2 * depth] + "…"
        shapes.append(f'<text x="{4 + 12 * depth}" y="{y + 12}">{_text(shown)}</text>')
        width = max(ms * scale, 1.0)
        opacity = "1" if depth == 0 else "0.55"
        shapes.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{width:.1f}" height="{ROW_HEIGHT - 5}" fill="{colour}"'
            f' fill-opacity="{opacity}"><title>{_text(label)}: {ms:.1f} ms ({title})</title></rect>'
        )
        end = LABEL_WIDTH + width
        if first is not None and first > ms:
            outline = first * scale
            shapes.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{outline:.1f}" height="{ROW_HEIGHT - 5}" fill="none"'
                f' stroke="{colour}" stroke-dasharray="4 2"><title>first use at {row.memory_mb} MB: '
                f"{first:.0f} ms</title></rect>"
            )
            end = max(end, LABEL_WIDTH + outline)
        later = first is not None and first > ms
        suffix = f"{ms:.0f} ms" + (f" → {first:.0f} ms at {row.memory_mb} MB" if later else "")
        shapes.append(f'<text x="{end + 6:.1f}" y="{y + 12}">{suffix}</text>')
    shapes.append("</svg>")
    return "".join(shapes)


def _flatten(loads: Iterable[object], depth: int) -> Iterable[tuple[int, str, float]]:
    from lambda_import_lint.output.measure import Load

    for load in sorted((item for item in loads if isinstance(item, Load)), key=lambda item: -item.ms)[:6]:
        if load.ms < MIN_LOAD_MS:
            continue
        yield depth, load.module, load.ms
        yield from _flatten(load.loads, depth + 1)

"""The board pack model as one HTML document, for WeasyPrint to print as a tagged PDF.

Every piece of catalogue, data or action-log text goes through `t()` (the presenter's
`html_text`, which escapes every special character), so text such as "<b>" or "&" from a YAML
file is printed as written, never read as markup. Structure carries the meaning the PDF's tags
need: one h1 per section (the PDF outline), h2 within, real tables with th scope="col" header
cells, and every chart an img whose alt is its takeaway sentence.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from cohesion.meeting.assess import IndicatorLine
from cohesion.present import html_text as t
from cohesion.report.layout import fonts, status_class, status_label, stylesheet
from cohesion.report.model import AUTHOR, BoardPack, Chart, IndicatorBlock, PrioritySection

INDICATOR_HEADER = ["Indicator and source", "Latest", "Period", "Status", "Why"]
INDICATOR_WIDTHS = (30, 13, 10, 12, 35)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], *,
          status_column: int | None = None, raw_columns: Sequence[int] = ()) -> str:
    """A table with a header row repeated on every page. Cells are escaped here, except
    `raw_columns`, which the caller has built from escaped parts."""
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    head = "".join(f'<th scope="col">{t(h)}</th>' for h in header)
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            if i == status_column:
                cells.append(f"<td>{pill(cell)}</td>")
            elif i in raw_columns:
                cells.append(f"<td>{cell}</td>")
            else:
                cells.append(f"<td>{t(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def pill(status: str) -> str:
    """The status as symbol + word on its colour (never colour alone)."""
    return f'<span class="pill {status_class(status)}">{t(status_label(status))}</span>'


def glance(pack: BoardPack) -> str:
    """Counts of each status for the priorities and the indicators (row headers on the left)."""
    head = '<th scope="col">Status</th>' + "".join(f'<th scope="col">{pill(c)}</th>' for c in pack.glance_columns)
    rows = "".join(f'<tr><th scope="row">{t(row[0])}</th>' + "".join(f"<td>{t(n)}</td>" for n in row[1:]) + "</tr>"
                   for row in pack.glance_rows)
    return f'<table class="counts"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _value(line: IndicatorLine) -> str:
    # A note is the publisher's reason for a missing figure; without a row there is nothing to explain.
    return line.value_text + (f" ({line.note})" if line.note and line.period else "")


def indicator_table(block: IndicatorBlock) -> str:
    rows = [[f"<strong>{t(line.title)}</strong><span class=\"source\">Source: {t(line.source_text)}</span>",
             _value(line), line.period or "none", line.status, line.sentence] for line in block.rows]
    out = table(INDICATOR_HEADER, rows, INDICATOR_WIDTHS, status_column=3, raw_columns=(0,)) if rows else ""
    if block.missing_line:
        out += f'<p class="missing">{t(block.missing_line)}</p>'
    return out


def _chart(chart: Chart) -> str:
    """A chart at its natural size (the SVG's px; CSS px = 0.75 pt), shrunk to its column if wider.
    An img, not inline SVG: the img's alt is the PDF Figure's /Alt text."""
    data = base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")
    return (f'<div class="chart"><p class="chart-title">{t(chart.title)}</p>'
            f'<img src="data:image/svg+xml;base64,{data}" alt="{t(chart.alt)}">'
            f'<p class="caption">{t(chart.caption)}</p></div>')


def summary(pack: BoardPack) -> str:
    out = [f'<h1 class="title">{t(pack.place)} Community Cohesion Strategy: board pack</h1>',
           f'<p class="subtitle">For the Future 100 Mission Board · generated {pack.today.isoformat()} '
           f"({pack.today.day} {pack.today:%B %Y})</p>"]
    out += [f"<p><strong>Note:</strong> {t(notice)}</p>" for notice in pack.notices]
    out.append('<div class="glance"><h2>At a glance</h2>' + glance(pack)
               + "".join(f"<p>{t(s)}</p>" for s in pack.at_a_glance) + "</div>")
    out.append("<h2>Headline indicators</h2>")
    out.append(indicator_table(pack.headlines) if pack.headlines.rows or pack.headlines.missing_line
               else "<p>The catalogue marks no indicator as a headline.</p>")
    rows = [[str(p.number), p.title, p.status, p.coverage, p.sentence] for p in pack.priorities]
    # The priorities table is read as a whole: it moves to the next page rather than split.
    out.append('<div class="keep"><h2>The priorities</h2>'
               + table(["No.", "Priority", "Status", "Coverage", "Reason"], rows, (5, 30, 12, 16, 37), status_column=2)
               + '<p class="small">Every figure gives its source and period; a missing figure is shown as missing, '
               "never as zero. Each priority follows, in agenda order, with its indicators, decisions and "
               "trends.</p></div>")
    return "<section>" + "".join(out) + "</section>"


def priority(section: PrioritySection) -> str:
    line = section.line
    # The heading, summary and status are kept together, so a priority never starts at a page's foot.
    out = ['<div class="head">', f"<h1>Priority {line.number}: {t(line.title)}</h1>", f"<p>{t(section.summary)}</p>",
           table(["Status", "Coverage", "Reason"], [[line.status, line.coverage, line.sentence]], (14, 22, 64),
                 status_column=0), "<h2>Indicators</h2></div>", indicator_table(section.indicators)]
    if section.flags:
        out.append("<h2>Early-warning flags</h2><ul>" + "".join(f"<li>{t(f)}</li>" for f in section.flags) + "</ul>")
    if section.changes is not None:
        out.append("<h2>Changed since the last meeting</h2>")
        out.append("<ul>" + "".join(f"<li>{t(c)}</li>" for c in section.changes) + "</ul>" if section.changes
                   else "<p>No changes.</p>")
    out.append("<h2>Decisions and actions</h2>")
    out.append(table(["Recorded", "Kind", "What", "Owner", "Due"], section.actions, (14, 10, 46, 16, 14))
               if section.actions else "<p>None recorded.</p>")
    if section.charts:
        out.append('<h2>Trends</h2><div class="charts">' + "".join(_chart(c) for c in section.charts) + "</div>")
    return '<section class="priority">' + "".join(out) + "</section>"


def about(pack: BoardPack) -> str:
    out = ['<h1 class="after">About the data</h1>', f"<p>{t(pack.store_line)}</p>", "<h2>How to read a status</h2>",
           table(["Status", "Meaning"], [[name, meaning] for name, meaning in pack.legend], (30, 70),
                 status_column=0),
           '<p class="small">Charts are drawn for indicators with figures for two or more periods; a single '
           "figure is in the indicator's table row.</p>"]
    if not fonts().unicode_symbols:
        out.append('<p class="small">This system has no Unicode font, so status symbols are shown as + ^ x o.</p>')
    # One row per source: its vintage in this data (typed-in figures count) and its licence.
    out.append('<h1 class="after">Sources and licences</h1>'
               "<p>Each source's latest period in this data, how it was loaded, how many figures it gave, "
               "its licence and the attribution it asks for.</p>")
    rows = [[f"<strong>{t(v[0])}</strong><span class=\"source\">{t(v[1])}</span>", v[2], v[3], v[4],
             f"{t(s[0])}<span class=\"source\">{t(s[1])}</span>", s[2]]
            for v, s in zip(pack.vintages, pack.sources, strict=True)]
    out.append(table(["Source and publisher", "Latest period", "How loaded", "Figures", "Licence and attribution",
                      "Address"], rows, (27, 10, 12, 8, 25, 18), raw_columns=(0, 4)))
    return "<section>" + "".join(out) + "</section>"


def document(pack: BoardPack) -> str:
    """The whole pack as an HTML document: language, title and metadata for the PDF."""
    footer = f"{pack.place} Community Cohesion Strategy board pack · generated {pack.today.isoformat()}"
    meta = {"author": AUTHOR, "description": pack.subject, "generator": AUTHOR,
            "keywords": f"community cohesion, {pack.place}, board pack", "dcterms.created": pack.today.isoformat()}
    head = "".join(f'<meta name="{name}" content="{t(value)}">' for name, value in meta.items())
    # Priorities follow one another (a short one shares its page); each starts with its status kept
    # together, and the PDF outline has a bookmark for each.
    body = summary(pack) + "".join(priority(s) for s in pack.sections) + about(pack)
    return (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{t(pack.title)}</title>{head}'
            f"<style>{stylesheet(footer)}</style></head><body>{body}</body></html>")

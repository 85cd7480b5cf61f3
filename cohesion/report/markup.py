"""The board pack model as one JSON document, which the pack's Typst layout (`pack.typ`) prints.

Every piece of catalogue, data or action-log text travels as a JSON string, and the layout shows
strings as text: it never evaluates them, so text such as "*bold*", "#read(...)" or "<b>" from a
YAML file is printed as written and cannot make the printer read a file. Cells are plain strings,
status pills (`{"label", "colour"}`: symbol and word on the status's colour, never colour alone)
or a title with its source line under it (`{"title", "source", "bold"}`).
"""

from __future__ import annotations

import json
from typing import Any

from cohesion.meeting.assess import IndicatorLine
from cohesion.report.layout import HEADER_BG, INK, MUTED, RULE, fonts, status_colour, status_label
from cohesion.report.model import AUTHOR, BoardPack, Chart, IndicatorBlock, PrioritySection

INDICATOR_HEADER = ["Indicator and source", "Latest", "Period", "Status", "Why"]
INDICATOR_WIDTHS = [30, 13, 10, 12, 35]


def pill(status: str) -> dict[str, str]:
    """The status as symbol + word on its colour."""
    return {"label": status_label(status), "colour": status_colour(status)}


def titled(title: str, source: str, *, bold: bool = True) -> dict[str, Any]:
    """A cell of a title with a smaller line under it (the source, or a licence's attribution)."""
    return {"title": str(title), "source": str(source), "bold": bold}


def _value(line: IndicatorLine) -> str:
    # A note is the publisher's reason for a missing figure; without a row there is nothing to explain.
    return line.value_text + (f" ({line.note})" if line.note and line.period else "")


def indicator_block(block: IndicatorBlock) -> dict[str, Any]:
    rows = [[titled(line.title, f"Source: {line.source_text}"), _value(line), line.period or "none",
             pill(line.status), line.sentence] for line in block.rows]
    return {"rows": rows, "missing": block.missing_line}


def chart(c: Chart) -> dict[str, str]:
    """A chart: its title, the SVG (vl-convert), its alternative text (the PDF Figure's /Alt) and caption."""
    return {"title": c.title, "svg": c.svg, "alt": c.alt, "caption": c.caption}


def section(s: PrioritySection) -> dict[str, Any]:
    line = s.line
    return {
        "heading": f"Priority {line.number}: {line.title}",
        "summary": s.summary,
        "status_row": [pill(line.status), line.coverage, line.sentence],
        "indicators": indicator_block(s.indicators),
        "flags": list(s.flags),
        "changes": None if s.changes is None else list(s.changes),
        "actions": [[str(cell) for cell in row] for row in s.actions],
        "charts": [chart(c) for c in s.charts],
    }


def document_data(pack: BoardPack) -> dict[str, Any]:
    """The pack as the layout's JSON object (plain data: strings, lists, objects)."""
    font = fonts()
    has_headlines = bool(pack.headlines.rows or pack.headlines.missing_line)
    return {
        "meta": {"title": pack.title, "author": AUTHOR, "subject": pack.subject,
                 "keywords": ["community cohesion", pack.place, "board pack"]},
        "style": {"font": font.typst, "ink": INK, "muted": MUTED, "rule": RULE, "header_bg": HEADER_BG},
        "footer": f"{pack.place} Community Cohesion Strategy board pack · generated {pack.today.isoformat()}",
        "cover": {"title": f"{pack.place} Community Cohesion Strategy: board pack",
                  "subtitle": f"For the Future 100 Mission Board · generated {pack.today.isoformat()} "
                              f"({pack.today.day} {pack.today:%B %Y})"},
        "notices": list(pack.notices),
        "glance": {"header": ["Status", *(pill(c) for c in pack.glance_columns)],
                   "rows": [[str(cell) for cell in row] for row in pack.glance_rows],
                   "sentences": list(pack.at_a_glance)},
        "headlines": indicator_block(pack.headlines) if has_headlines else None,
        "indicator_header": INDICATOR_HEADER, "indicator_columns": INDICATOR_WIDTHS,
        "priorities": [[str(p.number), p.title, pill(p.status), p.coverage, p.sentence] for p in pack.priorities],
        "sections": [section(s) for s in pack.sections],
        "about": {
            "store_line": pack.store_line,
            "legend": [[pill(name), meaning] for name, meaning in pack.legend],
            "ascii_symbols": not font.unicode_symbols,
            # One row per source: its vintage in this data (typed-in figures count) and its licence.
            "sources": [[titled(v[0], v[1]), v[2], v[3], v[4], titled(s[0], s[1], bold=False), s[2]]
                        for v, s in zip(pack.vintages, pack.sources, strict=True)],
        },
    }


def document(pack: BoardPack) -> str:
    """The whole pack as the JSON text the layout reads (`render.document_to_pdf` prints it)."""
    return json.dumps(document_data(pack), ensure_ascii=False)

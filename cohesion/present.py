"""The presenter: how a figure, a status and a source are written, on screen, in HTML and in the PDF.

One definition of each, so every surface writes them the same way:

- `plain(text)`: the ONE escaper for text that reaches a Streamlit element that reads Markdown
  (titles, headers, markdown, captions, alerts, widget labels, expander and tab labels). Text
  from the catalogue, data files, registers or the action log is shown literally: no emphasis,
  no links (including bare `http://` and `www.` addresses), no images, no HTML, no emoji or
  colour directives. `html_text` is the same for HTML we build; the PDF carries such
  text as JSON strings, which its layout prints as text (`cohesion.report.markup`). Links are made only from a source's validated `url` field.
- `format_value(value, unit)`: a figure with its unit from the controlled vocabulary
  (`cohesion.catalogue.models.UNIT_KINDS`). Missing is "no figure", with its reason when given,
  never None, nan or 0.
- `status_text`, `status_badge_html`, `status_pdf_label`: the status as symbol + word (+ colour),
  from `cohesion.style`; never colour alone.
- `grey_reason_text`: the short words for a Grey reason code (`cohesion.status.result`).
- `source_line(catalogue, row, indicator)`: "Publisher: Title" of the figure's OWN source row.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

from cohesion.catalogue.models import Catalogue, is_count_unit, unit_kind
from cohesion.style import style_for

__all__ = [
    "MISSING", "count_noun", "difference_text", "format_number", "format_value", "grey_reason_text", "html_text", "is_count_unit",
    "is_missing", "plain", "source_line", "status_badge_html", "status_pdf_label", "status_text", "unit_kind",
]

MISSING = "no figure"

# Every ASCII punctuation character CommonMark lets us escape: escaping all of them makes any
# construct (emphasis, links, images, HTML, autolinks, tables, Streamlit's :colour[...] and
# :emoji: directives, LaTeX) inert, and the reader sees the text exactly as written.
_MD_SPECIAL = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def plain(text: object) -> str:
    """Catalogue or data text made literal for any Streamlit element that reads Markdown.

    Line breaks become spaces (a line starting with four spaces or `===` would otherwise turn
    into a code block or a heading). None becomes the empty string, never "None".
    """
    if text is None:
        return ""
    flat = " ".join(str(text).splitlines())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def html_text(text: object) -> str:
    """Text for inside HTML we build (meeting cards, status pills): every special character escaped."""
    return "" if text is None else html.escape(str(text), quote=True)


# ---------------------------------------------------------------------------- figures


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def format_number(value: float) -> str:
    """A bare number: 1,570 / 57.7 / 7.39 (precision by size, not by unit)."""
    if float(value).is_integer() and abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:,.1f}"


def format_value(value: Any, unit: str, *, reason: str | None = None, with_unit: bool = True) -> str:
    """A figure as people read it: 57.7%, 1,570, 7.39 mean score (0-10), 4.12 per 1,000.

    Missing (None, NaN, text) is "no figure", followed by the reason in brackets when one is given.
    """
    if is_missing(value):
        return f"{MISSING} ({reason})" if reason and str(reason).strip() else MISSING
    value = float(value)
    kind = unit_kind(unit)
    if kind == "percent":
        return f"{value:.1f}%"
    if kind == "count":
        return f"{value:,.0f}"
    number = format_number(value)
    if not with_unit or not str(unit or "").strip() or kind == "assessment":
        return number
    if kind == "rate":
        return f"{number} {str(unit).removeprefix('rate ').strip()}"
    return f"{number} {str(unit).strip()}"


def count_noun(indicator: Any) -> str:
    """What an indicator counts, plural, from the catalogue's `count_noun` ("reports" if not given).

    Never guessed from the title: racially or religiously aggravated offences are a subset of
    hate crime and must not be called hate crimes.
    """
    return str(getattr(indicator, "count_noun", None) or "reports")


def difference_text(diff: float, unit: str) -> str:
    """A difference between two figures: percentage points for percentages, else the unit's format."""
    if unit_kind(unit) == "percent":
        return f"{abs(diff):.1f} percentage points"
    return format_value(abs(diff), unit)


# ---------------------------------------------------------------------------- statuses


def status_text(status: str) -> str:
    """'✔ Green', '↑ Higher'; words that are not statuses are returned as they are."""
    style = style_for(status)
    return f"{style.symbol} {style.label}" if style.label == status else str(status)


def status_pdf_label(status: str, symbol_for_font: Any = None) -> str:
    """The PDF's status cell text: the same words, the symbol swapped for one the font can draw."""
    style = style_for(status)
    if style.label != status:
        return str(status)
    symbol = symbol_for_font(style.symbol) if symbol_for_font else style.symbol
    return f"{symbol} {style.label}"


def status_badge_html(status: str, detail: str = "", *, large: bool = False, sized: bool = True) -> str:
    """A status pill: symbol + word on its colour (never colour alone), then optional detail text.

    The one builder of status HTML; every dynamic value is escaped. White text on the
    cohesion.style colours has at least 4.5:1 contrast. `sized=False` leaves the type size to the
    page's stylesheet (meeting mode sets projector sizes on the `status-badge` class).
    """
    s = style_for(status)
    word = s.label if s.label == status else str(status)
    size = "1.35rem" if large else "1.05rem"
    font = f"font-size:{size};" if sized else ""
    pill = (f'<span class="status-badge" style="background:{html_text(s.colour)};color:#FFFFFF;font-weight:700;'
            f'{font}padding:0.15em 0.6em;border-radius:0.4em;white-space:nowrap" '
            f'title="{html_text(s.meaning)}">{html_text(s.symbol)} {html_text(word)}</span>')
    if detail:
        pill += f' <span style="{font}font-weight:600">{html_text(detail)}</span>'
    return pill


def grey_reason_text(reason: str | None) -> str:
    """'Series break', 'No interval published', ... for a Grey reason code ('Not assessed' if unknown)."""
    from cohesion.status.result import GREY_REASON_TEXT

    return GREY_REASON_TEXT.get(reason or "", "Not assessed")


# ---------------------------------------------------------------------------- provenance


def source_line(catalogue: Catalogue, row: Any = None, indicator: Any = None) -> str:
    """'Publisher: Title' of the figure's own source (its row's source_id), else the indicator's."""
    from cohesion.query import figure_source

    source = figure_source(catalogue, row, indicator)
    if source is None:
        return str(getattr(indicator, "source", "") or "source not in the catalogue")
    return f"{source.publisher}: {source.title}"

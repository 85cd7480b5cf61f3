"""What meeting mode puts on the projector, as plain functions: agenda position, key indicator, cards.

The cards are HTML because Streamlit has no large-type, coloured status badge; every dynamic
value (catalogue titles, data sentences, publisher names) goes through `html.escape` in the
functions below, and only these functions build HTML. Status is shown as word + symbol + colour
from `cohesion.style`, never colour alone.
"""

from __future__ import annotations

import json
import textwrap
from datetime import date
from html import escape
from typing import Any

import pandas as pd

from cohesion import memo, present
from cohesion.catalogue.models import Catalogue
from cohesion.meeting.assess import IndicatorLine, PriorityLine, headline_series
from cohesion.meeting.diff import Change
from cohesion.query import place_codes

# Projector type: sizes in rem so browser zoom still works. Static text, no data inside.
# The block-container rule trims Streamlit's top padding so, at 1280x720 with the sidebar
# collapsed, the status, the indicator rows and the key chart are all above the fold.
MEETING_CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 3.6rem; padding-bottom: 2rem;}
[data-testid="stMain"] h1 {font-size: 2rem; padding: 0 0 0.2rem 0;}
.meeting-card {border: 1px solid #BFBFBF; border-radius: 8px; padding: 0.8rem 1rem; margin: 0 0 0.7rem 0;}
.meeting-card h3 {font-size: 1.6rem; margin: 0 0 0.3rem 0; padding: 0;}
.meeting-card .big {font-size: 2.2rem; font-weight: 700; line-height: 1.1;}
.meeting-card .why {font-size: 1.3rem; line-height: 1.45; margin-top: 0.35rem;}
.meeting-card .src {font-size: 1.0rem; color: #4D4D4D; margin-top: 0.35rem;}
.meeting-card .flag {font-size: 1.2rem; margin-top: 0.35rem; font-weight: 600;}
ul.why li {font-size: 1.25rem; line-height: 1.45;}
.status-badge {display: inline-block; color: #FFFFFF; font-weight: 700; border-radius: 6px;
               padding: 0.15rem 0.6rem; font-size: 1.3rem; margin-right: 0.5rem;}
.priority-head .status-badge {font-size: 1.6rem;}
.priority-head .why {font-size: 1.3rem; line-height: 1.4; margin: 0.3rem 0 0.2rem 0;}
.priority-head .cov {font-size: 1.2rem; color: #4D4D4D;}
.chart-head {font-size: 1.15rem; font-weight: 700; line-height: 1.3; margin: 0;}
table.ind-rows {width: 100%; border-collapse: collapse; font-size: 1.15rem;}
table.ind-rows th {text-align: left; font-size: 1rem; color: #4D4D4D; font-weight: 600;
                   border-bottom: 2px solid #BFBFBF; padding: 0.15rem 0.4rem;}
table.ind-rows td {border-bottom: 1px solid #E0E0E0; padding: 0.3rem 0.4rem; vertical-align: middle;}
table.ind-rows td.fig {font-weight: 700; white-space: nowrap; text-align: right;}
table.ind-rows td.per {white-space: nowrap;}
table.ind-rows .status-badge {font-size: 1.05rem; margin: 0; white-space: nowrap;}
.meeting-cards {display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); column-gap: 1rem;}
@media (max-width: 640px) {.meeting-cards {grid-template-columns: minmax(0, 1fr);}}
</style>
"""

ROWS_FRAME_PX = 300  # the indicator rows' frame: a long priority scrolls inside it
KEY_CHART_PX = 340  # the key chart's whole height, legend included: it ends level with the rows' frame

LEGEND_WRAP_CHARS = 36  # longer legend names are broken over lines, never cut
LABEL_FLUSH_PX = 40  # period labels this close to an end of the time axis align flush with it

# The key chart on a projector: legend under the plot, one entry per line, names never cut.
PROJECTOR_LEGEND = {"orient": "bottom", "direction": "vertical", "columns": 1, "labelLimit": 0,
                    "labelFontSize": 15, "symbolSize": 300}


def resolve_position(agenda_ids: list[str], item: str | None) -> tuple[int, str | None]:
    """Agenda index from the `item` query parameter: a priority id or a 1-based number.

    Returns (index, problem); an unknown item opens the first priority and says why.
    """
    if not agenda_ids:
        return 0, "The agenda is empty: the catalogue lists no priorities."
    if item is None or str(item).strip() == "":
        return 0, None
    text = str(item).strip()
    if text in agenda_ids:
        return agenda_ids.index(text), None
    if text.isdigit() and 1 <= int(text) <= len(agenda_ids):
        return int(text) - 1, None
    return 0, f"Agenda item '{text[:60]}' is not on the agenda; showing the first priority."


def key_indicator(catalogue: Catalogue, observations: pd.DataFrame, priority_id: str) -> str | None:
    """The indicator to chart for a priority: a headline one with figures, else any with figures.

    Worked out once per table and priority (the page asks on every visit)."""
    indicators = catalogue.indicators_for_priority(priority_id)
    key = ("key_indicator", priority_id, tuple(place_codes(catalogue)), tuple((i.id, i.headline) for i in indicators))
    return memo.once(observations, key, lambda: _key_indicator(catalogue, observations, indicators))


def _key_indicator(catalogue: Catalogue, observations: pd.DataFrame, indicators: list) -> str | None:
    with_data = [i for i in indicators
                 if headline_series(catalogue, observations, i.id)["value"].notna().any()]
    for ind in with_data:
        if ind.headline:
            return ind.id
    if with_data:
        return max(with_data, key=lambda i: len(headline_series(catalogue, observations, i.id))).id
    return indicators[0].id if indicators else None


def status_badge_html(status: str) -> str:
    """A coloured badge with the status symbol and word (e.g. `✔ Green`): the presenter's one badge."""
    return present.status_badge_html(status, sized=False)


def priority_header_html(line: PriorityLine, position: int, total: int) -> str:
    return (
        '<div class="priority-head">'
        f'<div class="cov">Agenda item {position} of {total} · Priority {line.number}</div>'
        f'<div>{status_badge_html(line.status)}<span class="cov">{escape(line.coverage)}</span></div>'
        f'<div class="why">{escape(line.sentence)}</div>'
        "</div>"
    )


def indicator_card_html(line: IndicatorLine) -> str:
    value = escape(line.value_text)
    period = f" <span class='src'>({escape(line.period)})</span>" if line.period else ""
    note = f'<div class="src">Why no figure: {escape(line.note)}</div>' if line.note else ""
    flags = "".join(f'<div class="flag">Early warning: {escape(f)}</div>' for f in line.flags)
    return (
        '<div class="meeting-card">'
        f"<h3>{escape(line.title)}</h3>"
        f'<div>{status_badge_html(line.status)}<span class="big">{value}</span>{period}</div>'
        f'<div class="why">{escape(line.sentence)}</div>{note}{flags}'
        f'<div class="src">Source: {escape(line.source_text)}</div>'
        "</div>"
    )


def changes_html(changes: list[Change]) -> str:
    """The changes as a large-type list: kind in bold, then the sentence (both escaped)."""
    if not changes:
        return '<div class="why">Nothing changed for this priority.</div>'
    items = "".join(f"<li><b>{escape(c.label)}:</b> {escape(c.sentence)}</li>" for c in changes)
    return f'<ul class="why">{items}</ul>'


def indicator_cards_html(lines: list[IndicatorLine]) -> str:
    """Every indicator's card, two to a row (one on a narrow screen): one element, not a column
    layout with an element per card, which cost more to send on every visit than the cards."""
    return '<div class="meeting-cards">' + "".join(indicator_card_html(line) for line in lines) + "</div>"


def indicator_rows_html(lines: list[IndicatorLine]) -> str:
    """The priority's indicators as compact rows for the projector: name, figure, period, status.

    One row each (word + symbol + colour for the status), so a whole priority reads at a glance;
    the full cards with reasons and sources come after. Every dynamic value is escaped.
    """
    # tabindex: the rows sit in a fixed-height scrolling frame, which keyboard users can only
    # scroll if something inside it takes focus (WCAG 2.1.1; axe scrollable-region-focusable).
    head = ('<table class="ind-rows" tabindex="0" aria-label="Indicators of this priority"><thead><tr><th scope="col">Indicator</th><th scope="col">Figure</th>'
            '<th scope="col">Period</th><th scope="col">Status</th></tr></thead><tbody>')
    rows = "".join(
        f'<tr class="ind-row"><td>{escape(line.title)}</td><td class="fig">{escape(line.value_text)}</td>'
        f'<td class="per">{escape(line.period) if line.period else "&ndash;"}</td>'
        f"<td>{status_badge_html(line.status)}</td></tr>"
        for line in lines)
    return f"{head}{rows}</tbody></table>"


def chart_heading_html(title: str) -> str:
    """The key chart's heading: the charted indicator's full name (escaped)."""
    return f'<p class="chart-head">{escape(title)}</p>'


def changes_line(counts: dict[str, int], mine: int, since: str) -> str:
    """One line for the top of the screen: 'Changed since the meeting on 23 November 2026: 2 for this
    priority; across all priorities 1 × priority status moved, 3 × new data.'"""
    across = ", ".join(f"{n} × {label.lower()}" for label, n in counts.items()) if counts else "no changes"
    here = f"{mine} for this priority" if mine else "nothing for this priority"
    return f"Changed since the meeting on {since}: {here}; across all priorities {across}."


def held_line(meeting_date: str, indicators: int, priorities: int) -> str:
    """The confirmation shown right after a meeting is marked as held (no file names)."""
    return (f"Meeting held on {long_date(meeting_date)}: {indicators} indicators and {priorities} priorities "
            "saved. The next meeting will open with what changed since this one.")


def long_date(iso: str) -> str:
    """'2026-11-30' -> '30 November 2026' (text that is not a date is returned as it is)."""
    try:
        day = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{day.day} {day:%B %Y}"


def _wrapped_labels(domain: Any) -> dict[str, str]:
    """A legend labelExpr that breaks long names (such as a peer-group median) over two lines, whole.

    Names are written into the expression as JSON string literals (valid Vega expression strings).
    """
    if not isinstance(domain, list):
        return {}
    expr = "datum.label"
    for name in domain:
        lines = textwrap.wrap(str(name), LEGEND_WRAP_CHARS)
        if len(lines) > 1:
            expr = f"datum.label === {json.dumps(str(name))} ? [{', '.join(json.dumps(x) for x in lines)}] : {expr}"
    return {} if expr == "datum.label" else {"labelExpr": expr}


def projector_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The key chart made readable on a projector: every legend under the plot with full names.

    Returns a copy; the builder's spec is shared with the board pack and left untouched.
    """
    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: fix(v) for k, v in node.items()}
            if isinstance(out.get("legend"), dict):
                domain = (out.get("scale") or {}).get("domain") if isinstance(out.get("scale"), dict) else None
                out["legend"] = {**out["legend"], **PROJECTOR_LEGEND, **_wrapped_labels(domain)}
            x = out.get("x")
            if isinstance(x, dict) and isinstance(x.get("axis"), dict):
                # A period label near either end is aligned flush with it instead of running off the edge.
                out["x"] = {**x, "axis": {**x["axis"], "labelFlush": LABEL_FLUSH_PX}}
            return out
        if isinstance(node, list):
            return [fix(v) for v in node]
        return node

    fixed = fix(spec)
    config = dict(fixed.get("config") or {})
    config["legend"] = {**config.get("legend", {}), **PROJECTOR_LEGEND}
    config["axis"] = {**config.get("axis", {}), "labelLimit": 0, "labelFontSize": 14, "titleFontSize": 14}
    config["axisX"] = {**config.get("axisX", {}), "labelFlush": LABEL_FLUSH_PX}
    fixed["config"] = config
    fixed["padding"] = {"left": 8, "right": 8, "top": 4, "bottom": 4}  # room for the rotated axis title
    return fixed

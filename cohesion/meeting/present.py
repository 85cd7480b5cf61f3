"""What meeting mode puts on the projector, as plain functions: agenda position, key indicator, cards.

The cards are HTML because Streamlit has no large-type, coloured status badge; every dynamic
value (catalogue titles, data sentences, publisher names) goes through `html.escape` in the
functions below, and only these functions build HTML. Status is shown as word + symbol + colour
from `cohesion.style`, never colour alone.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from cohesion import present
from cohesion.catalogue.models import Catalogue
from cohesion.meeting.assess import IndicatorLine, PriorityLine, headline_series
from cohesion.meeting.diff import Change

# Projector type: sizes in rem so browser zoom still works. Static text, no data inside.
MEETING_CSS = """
<style>
.meeting-card {border: 1px solid #BFBFBF; border-radius: 8px; padding: 0.8rem 1rem; margin: 0 0 0.7rem 0;}
.meeting-card h3 {font-size: 1.6rem; margin: 0 0 0.3rem 0; padding: 0;}
.meeting-card .big {font-size: 2.2rem; font-weight: 700; line-height: 1.1;}
.meeting-card .why {font-size: 1.3rem; line-height: 1.45; margin-top: 0.35rem;}
.meeting-card .src {font-size: 1.0rem; color: #4D4D4D; margin-top: 0.35rem;}
.meeting-card .flag {font-size: 1.2rem; margin-top: 0.35rem; font-weight: 600;}
ul.why li {font-size: 1.25rem; line-height: 1.45;}
.status-badge {display: inline-block; color: #FFFFFF; font-weight: 700; border-radius: 6px;
               padding: 0.15rem 0.6rem; font-size: 1.3rem; margin-right: 0.5rem;}
.priority-head .status-badge {font-size: 1.8rem;}
.priority-head .why {font-size: 1.5rem; line-height: 1.45; margin: 0.4rem 0;}
.priority-head .cov {font-size: 1.2rem; color: #4D4D4D;}
</style>
"""


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
    """The indicator to chart for a priority: a headline one with figures, else any with figures."""
    indicators = catalogue.indicators_for_priority(priority_id)
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

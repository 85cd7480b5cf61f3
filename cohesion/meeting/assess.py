"""Meeting mode's and the board pack's view of each indicator and priority: one line each.

No statuses are computed here: they come from the one status service
(`cohesion.status.service.assess`, passed in as a StatusBundle), figures from the read layer
(`cohesion.query`), and every piece of text from the presenter (`cohesion.present`), so a
meeting card, a board-pack row, a snapshot and the Headlines tile say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from cohesion import query
from cohesion.catalogue.models import Catalogue
from cohesion.present import MISSING, format_value, source_line
from cohesion.status.service import StatusBundle

# Older name, kept for the snapshot module and tests: the bundle is the assessment.
Assessment = StatusBundle

__all__ = ["Assessment", "IndicatorLine", "PriorityLine", "format_value", "headline_series", "indicator_line",
           "latest_observation", "priority_line"]


def headline_series(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """The place's headline rows of one indicator, oldest first, one per period (see cohesion.query)."""
    return query.place_series(catalogue, observations, indicator_id)


def latest_observation(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str) -> dict[str, Any] | None:
    """The place's most recent headline row with a value (or the latest note when all are missing)."""
    rows = query.place_series(catalogue, observations, indicator_id)
    if rows.empty:
        return None
    with_value = rows[rows["value"].notna()]
    row = (with_value if not with_value.empty else rows).iloc[-1]
    return {
        "value": None if pd.isna(row["value"]) else float(row["value"]),
        "period": str(row["period"]),
        "unit": str(row["unit"]),
        "source_id": str(row["source_id"]),
        "status_note": str(row["status_note"] or ""),
        "area_code": str(row["area_code"]),
    }


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator as meeting mode and the board pack show it: value, period, status, reason, source."""

    id: str
    title: str
    value_text: str  # "57.7%", or "no figure"
    period: str  # "" when there is no figure
    status: str  # RAG or direction word
    sentence: str
    source_text: str  # "Publisher: Title" of the shown figure's own source
    note: str = ""  # the publisher's reason when the figure is missing
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PriorityLine:
    id: str
    number: int
    title: str
    status: str
    coverage: str
    sentence: str


def indicator_line(catalogue: Catalogue, bundle: StatusBundle, observations: pd.DataFrame,
                   indicator_id: str) -> IndicatorLine:
    """The figure and verdict for one indicator: the status service's result and the figure it judged."""
    ind = catalogue.indicator(indicator_id)
    result = bundle.results[ind.id]
    series = query.place_series(catalogue, observations, ind.id)
    # The row the status speaks about (its latest period), else the place's latest row.
    row = None
    if not series.empty:
        same = series[series["period"].astype(str) == str(result.latest_period)] if result.latest_period else series
        row = (same if not same.empty else series).iloc[-1]
    value = None if row is None or pd.isna(row["value"]) else float(row["value"])
    note = "" if value is not None else (str(row["status_note"] or "").strip() if row is not None
                                         else "no figures loaded yet")
    return IndicatorLine(
        id=ind.id, title=ind.title, value_text=format_value(value, ind.unit) if value is not None else MISSING,
        period=str(row["period"]) if row is not None else "", status=result.status, sentence=result.sentence,
        source_text=source_line(catalogue, row, ind), note=note, flags=tuple(bundle.flags.get(ind.id, ())),
    )


def priority_line(catalogue: Catalogue, bundle: StatusBundle, priority_id: str) -> PriorityLine:
    p = catalogue.priority(priority_id)
    result = bundle.priorities[priority_id]
    return PriorityLine(p.id, p.number, p.title, result.status, result.coverage_text, result.sentence)

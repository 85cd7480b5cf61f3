"""One call that gives meeting mode, snapshots and the board pack the same statuses.

Wraps the status engine (`cohesion.status.assess_all` / `roll_up`) and the early-warning flags
(`cohesion.trends.spc`) so that each is optional: when a build lacks one of them the meeting
page and the pack still work, and say plainly what is not available instead of inventing a
status. Also holds the small helpers that read a latest value from the tidy observations and
format it the same way everywhere (page, snapshot diff, PDF).
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from cohesion.catalogue.models import Catalogue
from cohesion.status.result import PriorityResult, StatusResult

ENGINE_MISSING = "The status engine is not available in this build, so no statuses are shown."


@dataclass
class Assessment:
    """Statuses for every indicator and priority, plus early-warning flags and any notices."""

    results: dict[str, StatusResult] = field(default_factory=dict)
    priorities: dict[str, PriorityResult] = field(default_factory=dict)
    flags: dict[str, list[str]] = field(default_factory=dict)  # indicator id -> flag sentences
    notices: list[str] = field(default_factory=list)  # what could not be assessed, and why
    engine_available: bool = True


def assess(catalogue: Catalogue, observations: pd.DataFrame, *, today: date) -> Assessment:
    """Run the status engine and the flag detector if they are present; never raises for them."""
    out = Assessment()
    try:
        status = importlib.import_module("cohesion.status")
        assess_all: Callable[..., dict[str, StatusResult]] = status.assess_all
        roll_up: Callable[..., dict[str, PriorityResult]] = status.roll_up
    except (ImportError, AttributeError):
        out.notices.append(ENGINE_MISSING)
        out.engine_available = False
    else:
        out.results = assess_all(catalogue, observations, today=today)
        out.priorities = roll_up(catalogue, out.results)
    out.flags = early_warning_flags(catalogue, observations, out.notices)
    return out


def early_warning_flags(catalogue: Catalogue, observations: pd.DataFrame,
                        notices: list[str] | None = None) -> dict[str, list[str]]:
    """Control-chart flag sentences per indicator, or {} when the SPC module is not in this build.

    Only indicators counted per month qualify (the control chart is for monthly counts, such as
    hate crime reports); the SPC module's own small-number guard decides whether flags are raised.
    """
    try:
        spc = importlib.import_module("cohesion.trends.spc")
        control_chart_data = spc.control_chart_data
    except (ImportError, AttributeError):
        if notices is not None:
            notices.append("Early-warning flags are not available in this build.")
        return {}
    out: dict[str, list[str]] = {}
    for indicator in catalogue.indicators:
        if not _is_count(indicator.unit):
            continue
        series = headline_series(catalogue, observations, indicator.id)
        monthly = series[series["period"].astype(str).str.fullmatch(r"\d{4}-\d{2}")]
        if monthly["value"].notna().sum() < 2:
            continue
        noun = indicator.unit.strip().lower() if indicator.unit.strip().lower() in _NOUNS else "reports"
        result = control_chart_data(monthly, noun=noun, threshold=catalogue.meeting.small_count_threshold)
        sentences = [_flag_text(f) for f in result.flags]
        if sentences:
            out[indicator.id] = sentences
    return out


_NOUNS = ("offences", "incidents", "crimes", "reports")


def _is_count(unit: str) -> bool:
    text = str(unit).strip().lower()
    return any(text == u or text.startswith(u + " ") for u in ("count", "number", *_NOUNS))


def _flag_text(flag: Any) -> str:
    for attr in ("sentence", "message", "text"):
        if isinstance(getattr(flag, attr, None), str):
            return getattr(flag, attr)
    return str(flag)


def place_codes(catalogue: Catalogue) -> list[str]:
    """Codes that can stand for the place, most specific first: authority, police force, partnership.

    Hate crime is published for the police force area, so its headline series uses that code.
    """
    place = catalogue.place
    codes = [place.code, place.police_force.code]
    if place.community_safety_partnership is not None:
        codes.append(place.community_safety_partnership.code)
    return [c for c in codes if c]


def headline_series(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """The place's headline rows (no breakdown) of one indicator, oldest first, one per period."""
    if observations.empty:
        return observations
    rows = observations[(observations["indicator_id"] == indicator_id) & (observations["breakdown"] == "")]
    present = set(rows["area_code"].unique())
    area = next((code for code in place_codes(catalogue) if code in present), None)
    if area is None:
        return rows.iloc[0:0]
    rows = rows[rows["area_code"] == area].sort_values("period_end", kind="stable")
    return rows.drop_duplicates("period", keep="last")


def latest_observation(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str) -> dict[str, Any] | None:
    """The place's most recent headline row with a value (or the latest note when all are missing)."""
    rows = headline_series(catalogue, observations, indicator_id)
    if rows.empty:
        return None
    with_value = rows[rows["value"].notna()]
    row = (with_value if not with_value.empty else rows).iloc[-1]
    return {
        "value": None if pd.isna(row["value"]) else float(row["value"]),
        "period": str(row["period"]),
        "unit": str(row["unit"]),
        "source_id": str(row["source_id"]),
        "status_note": str(row["status_note"]),
        "area_code": str(row["area_code"]),
    }


def format_value(value: float | None, unit: str) -> str:
    """A figure as shown everywhere: `43.0%`, `1,234`, `6.9 (mean score 0-10)`; missing says so."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no figure"
    unit = (unit or "").strip()
    if unit == "%":
        return f"{value:,.1f}%"
    if unit.lower() in ("count", "number", "people", "crimes", "offences"):
        return f"{value:,.0f}"
    text = f"{value:,.0f}" if float(value).is_integer() and abs(value) >= 100 else f"{value:,.1f}"
    return f"{text} {unit}".strip() if unit else text


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator as meeting mode and the board pack show it: value, period, status, reason, source."""

    id: str
    title: str
    value_text: str
    period: str  # "" when there is no figure
    status: str  # RAG or direction word, or "Not assessed" without the engine
    sentence: str
    source_text: str  # "Publisher: Title"
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


NOT_ASSESSED = "Not assessed"


def indicator_line(catalogue: Catalogue, assessment: Assessment, observations: pd.DataFrame,
                   indicator_id: str) -> IndicatorLine:
    """The figures and verdict for one indicator, from the engine when it ran, else the data alone."""
    ind = catalogue.indicator(indicator_id)
    source = next((s for s in catalogue.sources if s.id == ind.source), None)
    source_text = f"{source.publisher}: {source.title}" if source else ind.source
    latest = latest_observation(catalogue, observations, ind.id)
    result = assessment.results.get(ind.id)
    if result is not None and (result.latest_period or not latest):
        value, period, unit = result.latest_value, result.latest_period or "", result.unit or ind.unit
    else:
        value = latest["value"] if latest else None
        period = latest["period"] if latest else ""
        unit = ind.unit
    note = latest["status_note"] if latest and value is None else ("" if latest else "no figures in the store yet")
    if result is not None:
        status, sentence = result.status, result.sentence
    elif assessment.engine_available:
        status, sentence = "Grey", "Grey: the status engine returned no result for this indicator."
    else:
        status, sentence = NOT_ASSESSED, ENGINE_MISSING
    return IndicatorLine(
        id=ind.id, title=ind.title, value_text=format_value(value, unit), period=period, status=status,
        sentence=sentence, source_text=source_text, note=note, flags=tuple(assessment.flags.get(ind.id, ())),
    )


def priority_line(catalogue: Catalogue, assessment: Assessment, priority_id: str) -> PriorityLine:
    p = catalogue.priority(priority_id)
    result = assessment.priorities.get(priority_id)
    if result is not None:
        return PriorityLine(p.id, p.number, p.title, result.status, result.coverage_text, result.sentence)
    total = len(catalogue.indicators_for_priority(priority_id))
    return PriorityLine(p.id, p.number, p.title, NOT_ASSESSED, f"{total} indicators, none assessed",
                        ENGINE_MISSING if not assessment.engine_available else "No roll-up for this priority.")

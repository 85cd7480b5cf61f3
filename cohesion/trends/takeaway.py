"""One plain-English takeaway sentence per chart, generated from the data it shows.

The sentence doubles as the chart's text alternative, so it must say what a sighted reader would
take from the chart: the latest figure with its period and interval, the change from the previous
figure, the nearest comparator and the target. Missing figures are said to be missing, with the
publisher's reason, never described as zero.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cohesion import present
from cohesion.catalogue.models import Indicator, Target, unit_kind


def format_value(value: float, unit: str, *, with_unit: bool = False) -> str:
    """The presenter's figure (57.7%, 1,570, 7.39); other units only when asked: '7.39 mean score (0-10)'."""
    return present.format_value(value, unit, with_unit=with_unit)


def _difference(latest: float, previous: float, unit: str) -> str:
    diff = latest - previous
    if diff == 0:
        return "the same as"
    word = "up" if diff > 0 else "down"
    if unit_kind(unit) == "percent":
        return f"{word} {abs(diff):.1f} percentage points from"
    if unit_kind(unit) == "count" and previous:
        return f"{word} {abs(diff) / previous * 100:.1f}% from"
    return f"{word} {abs(diff):.2f} from"


def trend_takeaway(frame: pd.DataFrame, indicator: Indicator, *, primary_code: str | None,
                   comparators: Mapping[str, str] | None = None, target: Target | None = None,
                   area_label: str | None = None) -> str:
    """The takeaway for `trend_chart`: latest value, change, comparator and target in one sentence.

    `frame` is the indicator's headline rows; `comparators` maps area_code -> label.
    """
    comparators = dict(comparators or {})
    unit = indicator.unit
    rows = frame[frame["area_code"] == primary_code].sort_values("period_end") if primary_code else frame.iloc[0:0]
    name = area_label or (str(rows["area_name"].iloc[-1]) if len(rows) else "this area")
    known = rows[rows["value"].notna()]
    if known.empty:
        shown = [label for code, label in comparators.items() if (frame["area_code"] == code).any()]
        if rows.empty:
            text = f"No figure for {name} is loaded for {indicator.title.lower()}"
        else:
            reason = str(rows["status_note"].iloc[-1]) or "no reason given by the publisher"
            text = f"{name} has no figure for {indicator.title.lower()} in {rows['period'].iloc[-1]} ({reason})"
        return text + (f"; the chart shows {' and '.join(shown)} for context." if shown else ".")
    latest = known.iloc[-1]
    # The unit is said once, with the first figure; later figures are in the same unit.
    text = f"{name}: {format_value(latest['value'], unit, with_unit=True)} in {latest['period']}"
    if pd.notna(latest["lower_ci"]) and pd.notna(latest["upper_ci"]):
        text += f" (95% interval {format_value(latest['lower_ci'], unit)} to {format_value(latest['upper_ci'], unit)})"
    after = rows[rows["period_end"] > latest["period_end"]]
    if len(known) >= 2:
        prev = known.iloc[-2]
        between = rows[(rows["period_end"] > prev["period_end"]) & (rows["period_end"] <= latest["period_end"])]
        if (between["series_break"].astype(str).str.strip() != "").any():
            text += f", not directly comparable with {prev['period']} because of a series break"
        else:
            text += f", {_difference(latest['value'], prev['value'], unit)} {format_value(prev['value'], unit)} in {prev['period']}"
    else:
        text += ", the only figure so far"
    for code, label in comparators.items():
        comp = frame[(frame["area_code"] == code) & (frame["period"] == latest["period"]) & frame["value"].notna()]
        if len(comp):
            text += f"; {label}: {format_value(comp['value'].iloc[-1], unit)}"
            break
    if target is not None and target.value is not None:
        text += f"; target {format_value(target.value, unit)} by {target.year}"
    if len(after):
        text += f"; no figure yet for {after['period'].iloc[-1]}"
    return text + "."


def small_multiples_takeaway(frame: pd.DataFrame, indicator: Indicator, facet: str = "breakdown") -> str:
    """Highest and lowest group in the latest period shown across the panels."""
    known = frame[frame["value"].notna()]
    if known.empty:
        return "No figures to compare across groups."
    latest_period = known.sort_values("period_end")["period"].iloc[-1]
    latest = known[known["period"] == latest_period].sort_values("value")
    labels = latest[facet].astype(str).str.replace(r"^[a-z_]+=", "", regex=True).replace("", "All")
    if len(latest) == 1:
        return f"{latest_period}: only {labels.iloc[0]} has a figure ({format_value(latest['value'].iloc[0], indicator.unit)})."
    return (f"In {latest_period}, the highest of {len(latest)} groups is {labels.iloc[-1]} "
            f"({format_value(latest['value'].iloc[-1], indicator.unit)}) and the lowest {labels.iloc[0]} "
            f"({format_value(latest['value'].iloc[0], indicator.unit)}).")

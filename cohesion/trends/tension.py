"""Early warning on the public monthly tension series (police.uk street-level crime, priority 7).

The catalogue marks these indicators with the `control_chart` status rule; everything here is
driven from it (no crime type or place is written in code). For each indicator this module gives:

- the city-wide control chart (`city_chart`) and one per ward (`ward_table`), with exact Poisson
  limits and the four Making Data Count rules from `cohesion.trends.spc`;
- which wards show a signal in the latest month, each with the sentence
  "<crime type> in <ward>: <count> in <month>, above the expected range of <lower> to <upper>";
- a ward map (pydeck polygons) when the geo folder has ward boundaries.

Baseline: the first 12 months; once 24 or more months are loaded and the rule asks for it
(`seasonal`, the default), the first 24 months with each calendar month against its own average,
so a usual summer rise in anti-social behaviour is not flagged. Counts shown go through the same
small-count suppression as other police counts (`spc.show_count`; the chart hides them too).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cohesion.catalogue.models import Catalogue, ControlChartRule, Indicator
from cohesion.loaders.police_uk import CRIME_TYPES, measure_for
from cohesion.trends import hatecrime, spc

SEASONAL_FROM = 24  # months loaded before the seasonal baseline is used
SIGNAL_HIGH, SIGNAL_LOW, NO_SIGNAL = "Signal: higher than expected", "Signal: lower than expected", "No signal"
NOT_JUDGED = "Not judged"


@dataclass(frozen=True)
class LatestReading:
    """What the chart says about the latest month with a figure."""

    status: str  # SIGNAL_HIGH | SIGNAL_LOW | NO_SIGNAL | NOT_JUDGED
    month: str  # "2025-12"
    count: float
    lower: float
    upper: float
    sentence: str  # one sentence, counts below the threshold written as "fewer than N"
    rules: tuple[str, ...] = ()


def tension_indicators(catalogue: Catalogue) -> list[Indicator]:
    """Indicators judged by the control chart, in catalogue order."""
    return [i for i in catalogue.indicators if isinstance(i.status, ControlChartRule)]


def crime_type(indicator: Indicator) -> str:
    """The publisher's crime-type words for an indicator's measure ('Public order'), else its title."""
    by_measure = {measure_for(t): t for t in CRIME_TYPES}
    return by_measure.get(indicator.measure or "", indicator.title)


def chart(series: pd.DataFrame, *, seasonal: bool = True, noun: str = "reports", threshold: int = 10) -> spc.SpcResult:
    """The control chart for one area's monthly series (period, period_end, value; gaps as NaN)."""
    known = int(series["value"].notna().sum()) if len(series) else 0
    use_seasonal = seasonal and known >= SEASONAL_FROM
    return spc.control_chart_data(series, baseline_points=SEASONAL_FROM if use_seasonal else spc.BASELINE_POINTS,
                                  seasonal=use_seasonal, noun=noun, threshold=threshold)


def latest_reading(result: spc.SpcResult, what: str, area: str, threshold: int) -> LatestReading:
    """The status of the latest month with a figure, and the sentence that says why."""
    pts = result.points[result.points["value"].notna()]
    if pts.empty:
        return LatestReading(NOT_JUDGED, "", np.nan, np.nan, np.nan, f"{what} in {area}: no monthly figures.")
    last = pts.iloc[-1]
    month, label = str(last["period"]), str(last["label"])
    count, lower, upper = float(last["value"]), float(last["lower"]), float(last["upper"])
    shown = spc.show_count(count, threshold)
    if result.guarded:
        return LatestReading(NOT_JUDGED, month, count, lower, upper,
                             f"{what} in {area}: {shown} in {label}; not judged. {result.guard_reason}")
    flags = [f for f in result.flags if month in f.periods]
    if not flags:
        return LatestReading(NO_SIGNAL, month, count, lower, upper,
                             f"{what} in {area}: {shown} in {label}, within the expected range of "
                             f"{lower:,.0f} to {upper:,.0f}.")
    direction = "high" if any(f.direction == "high" for f in flags) else "low"
    status = SIGNAL_HIGH if direction == "high" else SIGNAL_LOW
    rules = tuple(dict.fromkeys(spc.RULE_NAMES[f.rule] for f in flags if f.direction == direction))
    if lower <= count <= upper:
        where = f"within the expected range of {lower:,.0f} to {upper:,.0f} but part of a pattern ({'; '.join(rules)})"
    else:
        where = f"{'above' if count > upper else 'below'} the expected range of {lower:,.0f} to {upper:,.0f}"
    return LatestReading(status, month, count, lower, upper, f"{what} in {area}: {shown} in {label}, {where}.", rules)


def area_series(rows: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """One area's monthly series with every month from first to last (gaps kept as NaN)."""
    return monthly_matrix(rows[rows["area_code"] == area_code]).get(area_code, _EMPTY.copy())


_EMPTY = pd.DataFrame({"period": pd.Series(dtype=str), "period_end": pd.Series(dtype="datetime64[ns]"),
                       "value": pd.Series(dtype=float)})


def monthly_matrix(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every area's monthly series at once (headline rows, months first to last, gaps as NaN).

    One pivot instead of a filter per area: the ward table charts dozens of wards per indicator.
    """
    rows = rows[(rows["breakdown"] == "") & rows["period"].map(hatecrime.is_monthly).astype(bool)]
    if rows.empty:
        return {}
    wide = rows.drop_duplicates(["area_code", "period"], keep="last").pivot(index="period", columns="area_code",
                                                                             values="value")
    months = pd.period_range(min(wide.index), max(wide.index), freq="M")
    wide = wide.reindex([str(m) for m in months])
    ends = months.to_timestamp(how="end").normalize()
    return {code: pd.DataFrame({"period": wide.index, "period_end": ends, "value": wide[code].to_numpy()})
            for code in wide.columns}


def city_chart(catalogue: Catalogue, rows: pd.DataFrame, indicator: Indicator) -> tuple[spc.SpcResult, LatestReading]:
    """The city-wide chart and latest reading of one indicator (`rows`: that indicator's rows)."""
    rule = indicator.status
    seasonal = rule.seasonal if isinstance(rule, ControlChartRule) else True
    threshold = catalogue.meeting.small_count_threshold
    result = chart(area_series(rows, catalogue.place.code), seasonal=seasonal, threshold=threshold)
    return result, latest_reading(result, crime_type(indicator), catalogue.place.name, threshold)


WARD_COLUMNS = ["ward_code", "ward_name", "month", "count_shown", "lower", "upper", "status", "sentence"]


def ward_table(catalogue: Catalogue, rows: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """One row per ward: the latest month's count (suppressed below the threshold), range, status, sentence.

    Signals first (higher, then lower), then no signal, then wards not judged (small numbers).
    """
    rule = indicator.status
    seasonal = rule.seasonal if isinstance(rule, ControlChartRule) else True
    threshold = catalogue.meeting.small_count_threshold
    wards = rows[rows["area_type"] == "ward"]
    names = wards.drop_duplicates("area_code").set_index("area_code")["area_name"]
    out = []
    for code, series in monthly_matrix(wards).items():
        name = str(names.get(code, code))
        reading = latest_reading(chart(series, seasonal=seasonal, threshold=threshold),
                                 crime_type(indicator), name, threshold)
        out.append({"ward_code": code, "ward_name": name, "month": reading.month,
                    "count_shown": spc.show_count(reading.count, threshold), "lower": reading.lower,
                    "upper": reading.upper, "status": reading.status, "sentence": reading.sentence})
    table = pd.DataFrame(out, columns=WARD_COLUMNS)
    order = {SIGNAL_HIGH: 0, SIGNAL_LOW: 1, NO_SIGNAL: 2, NOT_JUDGED: 3}
    return table.sort_values(["status", "ward_name"], key=lambda s: s.map(order) if s.name == "status" else s,
                             kind="stable").reset_index(drop=True)


def ward_display(table: pd.DataFrame) -> pd.DataFrame:
    """The ward table as shown: plain column names, each status with its symbol (never colour alone)."""
    from cohesion.style import style_for

    out = table.rename(columns={"ward_name": "Ward", "month": "Month", "count_shown": "Count",
                                "lower": "Expected from", "upper": "Expected to", "status": "Status",
                                "sentence": "Why"}).drop(columns=["ward_code"])
    out["Status"] = out["Status"].map(lambda s: f"○ {s}" if s == NOT_JUDGED else f"{style_for(s).symbol} {s}")
    return out


def signals_now(catalogue: Catalogue, observations: pd.DataFrame) -> list[dict[str, str]]:
    """Every tension series (city and wards) signalling in its latest month: indicator, area, status, sentence.

    The hook for meeting mode and the board pack: a signal is new since a meeting when its month
    is later than the latest month the meeting saw.
    """
    out = []
    for indicator in tension_indicators(catalogue):
        rows = observations[observations["indicator_id"] == indicator.id]
        if rows.empty:
            continue
        _result, city = city_chart(catalogue, rows, indicator)
        found = [(catalogue.place.code, catalogue.place.name, city.status, city.month, city.sentence)]
        table = ward_table(catalogue, rows, indicator)
        found += list(table[["ward_code", "ward_name", "status", "month", "sentence"]].itertuples(index=False))
        out += [{"indicator_id": indicator.id, "area_code": c, "area_name": n, "status": s, "month": m,
                 "sentence": t} for c, n, s, m, t in found if s in (SIGNAL_HIGH, SIGNAL_LOW)]
    return out


def flag_sentences(catalogue: Catalogue, observations: pd.DataFrame) -> dict[str, list[str]]:
    """Indicator id -> sentences of the series (city and wards) signalling in their latest month.

    Same shape as `cohesion.meeting.assess.early_warning_flags`, so meeting mode, snapshots (and
    so "new early-warning flag" since the last meeting) and the board pack can take these for the
    `control_chart` indicators. A sentence names its month, so next month's signal is a new one.
    """
    out: dict[str, list[str]] = {}
    for signal in signals_now(catalogue, observations):
        out.setdefault(signal["indicator_id"], []).append(f"{signal['status']}: {signal['sentence']}")
    return out


# ------------------------------------------------------------------------------------------ map

SIGNAL_FILL = {SIGNAL_HIGH: [106, 61, 154, 200], SIGNAL_LOW: [178, 171, 210, 200], NO_SIGNAL: [240, 240, 240, 150],
               NOT_JUDGED: [255, 255, 255, 60]}


def ward_map(table: pd.DataFrame, wards, basemap: str | None):  # wards: GeoDataFrame (code, name, geometry)
    """A pydeck map of ward polygons shaded by status, with hatching-free labels in the tooltip.

    Status is also in the tooltip's words and the table beside the map, never colour alone.
    """
    import pydeck as pdk

    from cohesion.spaces.maps import SIMPLIFY_TOLERANCE_DEG, plain

    joined = wards.merge(table, left_on="code", right_on="ward_code", how="left")
    joined["status"] = joined["status"].fillna(NOT_JUDGED)
    joined["fill"] = joined["status"].map(SIGNAL_FILL)
    joined["title"] = joined["name"].map(plain)
    joined["line1"] = joined["status"].map(plain)
    joined["line2"] = joined["sentence"].fillna("no figures for this ward").map(plain)
    joined["geometry"] = joined.geometry.simplify(SIMPLIFY_TOLERANCE_DEG)
    features = json.loads(joined[["title", "line1", "line2", "fill", "geometry"]].to_json())
    layer = pdk.Layer("GeoJsonLayer", features, pickable=True, stroked=True, filled=True,
                      get_fill_color="properties.fill", get_line_color=[60, 60, 60, 255], line_width_min_pixels=1)
    bounds = joined.total_bounds
    view = pdk.ViewState(latitude=float((bounds[1] + bounds[3]) / 2), longitude=float((bounds[0] + bounds[2]) / 2),
                         zoom=10.5)
    tooltip = {"html": "<b>{title}</b><br/>{line1}<br/>{line2}", "style": {"fontSize": "14px"}}
    return pdk.Deck(layers=[layer], initial_view_state=view, map_style=basemap, tooltip=tooltip)

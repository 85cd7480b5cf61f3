"""What the Trends page draws for one indicator, worked out once per store version.

The page caches these per (indicator, store version, catalogue, options), so a warm rerun only
draws: building the Altair charts and their Vega-Lite specs, the takeaway, the recent trend and
the yearly summary took 200-300 ms of CPU per visit when done on every rerun.
Plain functions: testable without Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cohesion import accessibility as a11y
from cohesion.catalogue import Catalogue, Indicator
from cohesion.present import count_noun, format_value
from cohesion.trends import charts, downloads, hatecrime, stats, takeaway


@dataclass(frozen=True)
class IndicatorView:
    """The chart, sentences and table of one indicator's headline series (text is unescaped)."""

    spec: dict[str, Any]  # Vega-Lite spec with its text alternative; not to be mutated
    sentence: str  # the takeaway, also the chart's text alternative
    recent_trend: str | None  # Fingertips recent-trend sentence for the place's series
    gaps: tuple[tuple[str, str], ...]  # (period, reason) where the place has no figure
    series_breaks: tuple[tuple[str, str, str], ...]  # (period, area name, note)
    table: Any  # a DataFrame here; the page caches the Arrow form it draws (cohesion.ui.ready_table)


@dataclass(frozen=True)
class BreakdownView:
    """One breakdown group (e.g. strand) of the place's series: chart spec and takeaway."""

    spec: dict[str, Any]
    sentence: str
    one_period: bool  # bars (full width) rather than small multiples


@dataclass(frozen=True)
class YearlyView:
    """Yearly totals of a count series and the change on the previous year (empty: none)."""

    sentence: str = ""
    table: pd.DataFrame = field(default_factory=pd.DataFrame)  # the place, its force and partnership
    wards: pd.DataFrame = field(default_factory=pd.DataFrame)  # ward by ward: long, so shown on request

    @property
    def empty(self) -> bool:
        return self.table.empty


def indicator_view(rows: pd.DataFrame, indicator: Indicator, catalogue: Catalogue, choice: charts.SeriesChoice,
                   comparators: Mapping[str, str], area_label: str) -> IndicatorView:
    """Everything drawn for the indicator's headline series. `rows` are publishable (disclosure-controlled)."""
    headline = rows[rows["breakdown"] == ""]
    target = indicator.target if indicator.target.value is not None else None
    sentence = takeaway.trend_takeaway(headline, indicator, primary_code=choice.primary_code,
                                       comparators=dict(comparators), target=target, area_label=area_label)
    chart = charts.trend_chart(headline, indicator, primary_code=choice.primary_code or "", target=target,
                               comparators=dict(comparators))
    primary = headline[headline["area_code"] == choice.primary_code]
    recent = stats.recent_trend(primary, unit=indicator.unit).sentence if len(primary) else None
    gaps = tuple((str(r.period), str(r.status_note or "no reason given"))
                 for r in primary[primary["value"].isna()].itertuples())
    breaks = tuple((str(r.period), str(r.area_name), str(r.series_break))
                   for r in headline[headline["series_break"] != ""].drop_duplicates("series_break").itertuples())
    table = downloads.table_view(rows, indicator, catalogue, primary_code=choice.primary_code)
    return IndicatorView(a11y.described_spec(chart.to_dict(), sentence), sentence, recent, gaps, breaks, table)


def breakdown_view(rows: pd.DataFrame, indicator: Indicator, primary_code: str | None, group: str) -> BreakdownView:
    """Chart and takeaway of one breakdown group (e.g. "strand") of the place's series."""
    parts = rows[(rows["area_code"] == primary_code) & rows["breakdown"].str.startswith(group + "=")]
    # Named in words for screen readers: every group's (latest) figure.
    latest = parts.sort_values("period_end").groupby("breakdown", sort=False).tail(1)
    text = a11y.groups_text(f"{indicator.title} by {group}", [
        (f"{b.split('=', 1)[-1]} ({p})", format_value(v, indicator.unit))
        for b, p, v in zip(latest["breakdown"], latest["period"], latest["value"], strict=True)])
    one_period = parts["period"].nunique() == 1
    chart = charts.breakdown_bars(parts, indicator) if one_period else charts.small_multiples(parts, indicator)
    return BreakdownView(a11y.described(chart, text).to_dict(),
                         takeaway.small_multiples_takeaway(parts, indicator), one_period)


def yearly_view(raw_rows: pd.DataFrame, indicator: Indicator, primary_code: str | None, threshold: int) -> YearlyView:
    """Yearly totals from the rows as loaded (`raw_rows`, one indicator, before disclosure control).

    Totals are sums of months, so they start from the loaded rows; `annual_summary` then hides
    small totals and totals that would reveal hidden months by subtraction.
    """
    summary = hatecrime.annual_summary(hatecrime.local_rows(hatecrime.with_month_ends(raw_rows), primary_code),
                                       threshold)
    if summary.empty:
        return YearlyView()
    own = summary[(summary["breakdown"] == "") & (summary["area_code"] == primary_code)]
    # The indicator's own noun: racially or religiously aggravated offences are not "hate crimes".
    is_ward = summary["area_type"] == "ward"
    wards = summary[is_ward]
    return YearlyView(hatecrime.change_sentence(own, noun=count_noun(indicator)),
                      hatecrime.summary_table(summary[~is_ward], primary_code),
                      hatecrime.summary_table(wards, primary_code) if len(wards) else pd.DataFrame())

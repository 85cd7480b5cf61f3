"""Time on a chart's x axis: where each period sits, which periods are missing, where lines break.

Periods are placed at their real dates, not evenly: a financial year (2011/12) spans 1 April 2011
to 31 March 2012 and is drawn at its middle; a calendar year (2020) at 2 July; a month (2025-06)
at mid-month. So 2011/12, 2020/21 and 2021/22 sit nine years apart, as they are.

A *gap* is one or more periods with no figure between two figures of the same series: a row the
publisher marked missing (value NaN with a reason) or a period absent from the table (2012/13 to
2019/20 above). The natural step of the period kind (a year, or a month) is the expected cadence:
a survey that reports every fourth year therefore shows three-year gaps, which is true of what we
hold. Lines start a new segment after every gap and at every series break, so they never join
figures across missing years or across a change that makes them not comparable.

Labels with no recognised kind (e.g. "Q1 2024") fall back to their `period_end` and are never
treated as gaps on absence alone (only a missing value splits them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import altair as alt

FINANCIAL_YEAR, CALENDAR_YEAR, MONTH, OTHER = "financial_year", "calendar_year", "month", "other"
_FY = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_ONE_DAY = pd.Timedelta(days=1)
# Vega expressions that turn a tick (the period's middle, UTC) back into the period's label.
LABEL_EXPR = {
    FINANCIAL_YEAR: "utcyear(datum.value) + '/' + substring('' + (utcyear(datum.value) + 1), 2, 4)",
    CALENDAR_YEAR: "utcFormat(datum.value, '%Y')",
    MONTH: "utcFormat(datum.value, '%b %Y')",
}
UNITS = {FINANCIAL_YEAR: "year", CALENDAR_YEAR: "year", MONTH: "month"}


def period_kind(label: str) -> str:
    """financial_year, calendar_year, month or other, from a published period label."""
    text = str(label).strip()
    if (m := _MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
        return MONTH
    if _FY.match(text):
        return FINANCIAL_YEAR
    if _YEAR.match(text):
        return CALENDAR_YEAR
    return OTHER


def period_span(label: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last day of a period (None when the label's kind is not recognised)."""
    text, kind = str(label).strip(), period_kind(label)
    if kind == MONTH:
        start = pd.Timestamp(f"{text}-01")
        return start, start + pd.offsets.MonthEnd(0)
    if kind == FINANCIAL_YEAR:
        year = int(text[:4])
        return pd.Timestamp(year, 4, 1), pd.Timestamp(year + 1, 3, 31)
    if kind == CALENDAR_YEAR:
        year = int(text)
        return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    return None


def midpoint(start: pd.Timestamp, end: pd.Timestamp) -> pd.Timestamp:
    """The middle day of a period (2011/12 -> 30 September 2011)."""
    return (start + (end - start) / 2).normalize()


def label_for(start: pd.Timestamp, kind: str) -> str:
    """The published label of the period that starts on `start` (2012-04-01 -> 2012/13)."""
    if kind == FINANCIAL_YEAR:
        return f"{start.year}/{(start.year + 1) % 100:02d}"
    if kind == CALENDAR_YEAR:
        return str(start.year)
    return start.strftime("%Y-%m")


def with_dates(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows with `start`, `end` and `date` (the period's middle; period_end when unrecognised)."""
    labels = rows["period"].astype(str)
    # Work out each distinct label once (a chart has a few dozen), then map back to the rows.
    unique = labels.unique()
    spans = [period_span(p) for p in unique]
    starts = dict(zip(unique, [sp[0] if sp else pd.NaT for sp in spans], strict=True))
    ends = dict(zip(unique, [sp[1] if sp else pd.NaT for sp in spans], strict=True))
    kinds = dict(zip(unique, [period_kind(p) for p in unique], strict=True))
    fallback = pd.to_datetime(rows["period_end"]) if "period_end" in rows else pd.Series(pd.NaT, index=rows.index)
    start = pd.to_datetime(labels.map(starts)).fillna(fallback)
    end = pd.to_datetime(labels.map(ends)).fillna(fallback)
    date = (start + (end - start) / 2).dt.normalize()
    return rows.assign(start=start, end=end, date=date, _kind=labels.map(kinds))


def segment_ids(rows: pd.DataFrame, by: str | None = None) -> pd.Series:
    """Segment number per row (rows sorted by `start` within `by`, as from `with_dates`).

    A new segment starts after a missing value, after periods absent from the table (the next
    period starts later than the day after the previous one ended) and at a series break.
    """
    groups = rows[by] if by else pd.Series(0, index=rows.index)
    prev_missing = rows["value"].isna().groupby(groups, sort=False).shift(fill_value=False).astype(bool)
    prev_end = rows["end"].groupby(groups, sort=False).shift()
    absent = (rows["_kind"] != OTHER) & prev_end.notna() & (rows["start"] > prev_end + _ONE_DAY)
    brk = rows["series_break"].astype(str).str.strip() != ""
    return (prev_missing | absent | brk).astype(int).groupby(groups, sort=False).cumsum()


@dataclass(frozen=True)
class Gap:
    """Periods with no figure between (or at either end of) a series' figures."""

    start: pd.Timestamp  # first day of the first missing period
    end: pd.Timestamp  # last day of the last missing period
    first: str
    last: str
    periods: int
    reasons: tuple[str, ...]  # "2011/12: N/A: not available" for rows the publisher marked missing
    unit: str = "period"  # year or month

    @property
    def label(self) -> str:
        return "no figure" if self.periods == 1 else f"no figures for {self.periods} {self.unit}s"

    @property
    def text(self) -> str:
        span = self.first if self.periods == 1 else f"{self.first} to {self.last}"
        why = "; ".join(self.reasons) if self.reasons else "not in the published table"
        return f"No figure for {span} ({why})."


def gaps(series: pd.DataFrame) -> list[Gap]:
    """The gaps in one series (rows from `with_dates`, one area, sorted by start)."""
    kind = series["_kind"].iloc[0] if len(series) and series["_kind"].nunique() == 1 else OTHER
    out: list[Gap] = []
    run: list[tuple[pd.Timestamp, pd.Timestamp, str, str]] = []  # (start, end, label, reason)
    prev_end: pd.Timestamp | None = None
    for row in series.itertuples():
        if kind != OTHER and prev_end is not None and row.start > prev_end + _ONE_DAY:
            step = pd.offsets.MonthBegin(1) if kind == MONTH else pd.DateOffset(years=1)
            cursor = prev_end + _ONE_DAY
            while cursor < row.start:  # periods absent from the table
                nxt = cursor + step
                run.append((cursor, nxt - _ONE_DAY, label_for(cursor, kind), ""))
                cursor = nxt
        if pd.isna(row.value):
            note = str(getattr(row, "status_note", "") or "").strip()
            run.append((row.start, row.end, str(row.period), f"{row.period}: {note}" if note else ""))
        elif run:
            out.append(_gap(run, kind))
            run = []
        prev_end = row.end
    if run:
        out.append(_gap(run, kind))
    return out


def _gap(run: list[tuple[pd.Timestamp, pd.Timestamp, str, str]], kind: str) -> Gap:
    return Gap(run[0][0], run[-1][1], run[0][2], run[-1][2], len(run), tuple(r[3] for r in run if r[3]),
               UNITS.get(kind, "period"))


def chart_gaps(primary: pd.DataFrame, plotted: pd.DataFrame) -> list[Gap]:
    """Gaps to mark on a chart: the primary series' own, plus periods where no plotted series has a figure.

    The second kind matters when the place has few figures of its own (one survey year) while the
    comparator lines have years missing: those years are still marked, not just left blank.
    """
    own = gaps(primary) if len(primary) else []
    known = plotted.dropna(subset=["start"])
    if known.empty:
        return own
    # One row per period that any plotted series has a figure for; absent periods become gaps.
    union = known[known["value"].notna()].sort_values("start", kind="stable").drop_duplicates("period")
    if union.empty:
        return own
    union = union[["period", "value", "start", "end", "_kind"]].assign(status_note="")
    shared = [g for g in gaps(union) if not any(g.start <= o.end and g.end >= o.start for o in own)]
    return sorted(own + shared, key=lambda g: g.start)


def gap_frame(found: list[Gap]) -> pd.DataFrame:
    """One row per gap, chart-ready: ISO start/end/middle, a short label and the full sentence."""
    return pd.DataFrame({
        "gap_start": [g.start.strftime("%Y-%m-%d") for g in found],
        "gap_end": [(g.end + _ONE_DAY).strftime("%Y-%m-%d") for g in found],  # to the next period's start
        "gap_mid": [midpoint(g.start, g.end).strftime("%Y-%m-%d") for g in found],
        "label": [g.label for g in found], "why": [g.text for g in found],
        "periods": [g.periods for g in found],
    })


def iso(values: pd.Series) -> pd.Series:
    """ISO dates as text: plain JSON in the chart spec, read by Vega as UTC days."""
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d")


def _dt(ts: pd.Timestamp) -> alt.DateTime:
    # DateTime objects, not epoch numbers: Streamlit's Vega-Lite ignores numeric temporal domains.
    import altair as alt

    return alt.DateTime(year=ts.year, month=ts.month, date=ts.day, utc=True)


def x_encoding(rows: pd.DataFrame, *, title: str | None = "Period", font_size: int = 13,
               label_angle: int = 0) -> alt.X:
    """A temporal x channel on `date` spanning the rows' periods, ticked and labelled per period."""
    # Altair imported where a channel is built: the statuses use this module's periods, not its charts.
    import altair as alt

    kinds = set(rows["_kind"]) if len(rows) else set()
    kind = kinds.pop() if len(kinds) == 1 else OTHER
    known = rows.dropna(subset=["start"])
    axis: dict = {"labelAngle": label_angle, "labelFontSize": font_size, "titleFontSize": font_size,
                  "labelOverlap": "greedy", "labelSeparation": 8, "grid": False}
    scale = alt.Undefined
    if not known.empty:
        scale = alt.Scale(domain=[_dt(known["start"].min()), _dt(known["end"].max() + _ONE_DAY)])
    if kind in LABEL_EXPR and not known.empty:
        ticks = sorted(set(known["date"]))
        if len(ticks) > 16:  # keep every k-th tick so labels stay readable
            ticks = ticks[::int(np.ceil(len(ticks) / 16))]
        axis.update(values=[_dt(t) for t in ticks], labelExpr=LABEL_EXPR[kind])
    return alt.X("date:T", title=title, scale=scale, axis=alt.Axis(**axis))

"""The strategy's hate-crime measure: reports per year, change on the previous year, rates.

Works on tidy rows of any count indicator (Home Office force-area offences, or police-supplied
counts for the force, the community safety partnership and wards). Monthly rows ("2025-06") are
summed into financial years (April to March); a year with fewer than 12 months is kept but
marked partial, and no change is computed against or from it, because a part-year total is not
comparable with a whole year.

Counts below the disclosure threshold (catalogue `meeting.small_count_threshold`, default 10)
are suppressed, as police disclosure practice requires: the count becomes missing with a note,
and so do the rate and the change computed from it (either would let a reader work the count
back out). Suppression happens here, before anything reaches a screen or a download.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cohesion.trends.stats import pct_change

DEFAULT_THRESHOLD = 10
PER = 1000  # rates per 1,000 residents
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
COUNT_UNITS = ("count", "number", "offences", "incidents", "crimes", "reports")
# Area types the strategy's measure is reported for (force area, partnership, wards), not national totals.
LOCAL_AREA_TYPES = ("police_force_area", "community_safety_partnership", "local_authority", "ward")


def is_count_unit(unit: str) -> bool:
    """True for units that are counts of events (and so subject to small-number suppression)."""
    text = str(unit).strip().lower()
    return any(text == u or text.startswith(u + " ") for u in COUNT_UNITS)


def is_monthly(period: str) -> bool:
    return bool(_MONTH.match(str(period)))


def with_month_ends(frame: pd.DataFrame) -> pd.DataFrame:
    """`period_end` set to the month's last day for monthly periods ('2025-06' -> 2025-06-30).

    Guards against a period parser that reads '2025-06' as a financial year; a no-op otherwise.
    """
    monthly = frame["period"].map(is_monthly).astype(bool)
    if not monthly.any():
        return frame
    out = frame.copy()
    ends = pd.PeriodIndex(out.loc[monthly, "period"].astype(str), freq="M").to_timestamp(how="end").normalize()
    out.loc[monthly, "period_end"] = ends.astype(out["period_end"].dtype)
    return out


def suppressed_note(threshold: int) -> str:
    return f"suppressed: fewer than {threshold} (police disclosure practice)"


def suppress_small_counts(frame: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Tidy rows with count values below `threshold` made missing, with the reason in status_note.

    Only rows whose unit is a count are touched; survey percentages are left alone. The
    numerator and any confidence limits of a suppressed row are cleared as well.
    """
    out = frame.copy()
    if out.empty:
        return out
    counts = out["unit"].map(is_count_unit).astype(bool)
    small = counts & out["value"].notna() & (out["value"] < threshold)
    for col in ("value", "numerator", "lower_ci", "upper_ci"):
        if col in out:
            out.loc[small, col] = np.nan
    out.loc[small, "status_note"] = suppressed_note(threshold)
    return out


def financial_year_of(period_end: pd.Timestamp) -> str:
    """The April-to-March financial year a month falls in: 2025-06 -> '2025/26'."""
    start = period_end.year if period_end.month >= 4 else period_end.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def to_annual(frame: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Annual rows per area and breakdown: monthly rows summed to financial years.

    Returns columns area_code, area_name, area_type, breakdown, period, period_end, count,
    months (12 for a whole year; NaN for rows published as annual), hidden_sum (the total of the
    year's months below `threshold`, which the page hides), denominator, source_id, status_note. A
    year with a missing month has no total (a partial sum would understate it).
    """
    cols = ["area_code", "area_name", "area_type", "breakdown"]
    frame = with_month_ends(frame)
    monthly = frame[frame["period"].map(is_monthly)]
    annual = frame[~frame["period"].map(is_monthly)]
    parts = []
    if not annual.empty:
        parts.append(annual.assign(count=annual["value"], months=np.nan, hidden_sum=np.nan)[
            [*cols, "period", "period_end", "count", "months", "hidden_sum", "denominator", "source_id",
             "status_note"]])
    if not monthly.empty:
        m = monthly.assign(period=monthly["period_end"].map(financial_year_of))
        grouped = m.groupby([*cols, "period"], sort=False).agg(
            count=("value", lambda s: s.sum() if s.notna().all() else np.nan),
            months=("value", "count"),
            missing=("value", lambda s: int(s.isna().sum())),
            hidden_sum=("value", lambda s: s[s < threshold].sum() if (s < threshold).any() else np.nan),
            denominator=("denominator", "last"),
            source_id=("source_id", "last"),
        ).reset_index()
        grouped["period_end"] = pd.to_datetime(grouped["period"].str[:4].astype(int).astype(str) + "-03-31") \
            + pd.DateOffset(years=1)
        partial = "part year: " + grouped["months"].astype(str) + " of 12 months"
        grouped["status_note"] = np.where(
            grouped["missing"] > 0, "a month in this year has no figure, so there is no annual total",
            np.where(grouped["months"] < 12, partial, ""))
        parts.append(grouped.drop(columns="missing"))
    if not parts:
        return pd.DataFrame(columns=[*cols, "period", "period_end", "count", "months", "hidden_sum",
                                     "denominator", "source_id", "status_note"])
    return pd.concat(parts, ignore_index=True).sort_values([*cols, "period_end"]).reset_index(drop=True)


def local_rows(frame: pd.DataFrame, primary_code: str | None = None) -> pd.DataFrame:
    """Rows for the place's own areas (force, partnership, wards, authority), primary area first."""
    keep = frame["area_type"].isin(LOCAL_AREA_TYPES) | (frame["area_code"] == (primary_code or ""))
    out = frame[keep]
    order = (out["area_code"] != (primary_code or "")).astype(int)
    return out.assign(_order=order).sort_values(["_order", "area_type"], kind="stable").drop(columns="_order")


def annual_summary(frame: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Reports per year, % change on the previous year and rate per 1,000, small counts suppressed.

    `frame` is tidy rows of one count indicator (any areas and breakdowns). The result has one
    row per area, breakdown and year with columns: area_name, area_type, breakdown, period,
    count, previous_period, previous_count, change_pct, rate_per_1k, note.
    """
    annual = to_annual(frame, threshold)
    rows = []
    for _key, group in annual.groupby(["area_code", "breakdown"], sort=False):
        group = group.sort_values("period_end")
        prev = None
        for row in group.itertuples():
            whole = pd.isna(row.months) or row.months >= 12
            count = row.count
            # Secondary suppression: if the hidden months add up to fewer than the threshold, the
            # total would reveal them by subtraction from the months that are shown.
            reveals = pd.notna(row.hidden_sum) and row.hidden_sum < threshold
            small = pd.notna(count) and (count < threshold or reveals)
            note = (f"suppressed: would reveal months below {threshold} by subtraction" if reveals and small
                    else suppressed_note(threshold) if small else str(row.status_note or ""))
            shown = np.nan if small else count
            prev_ok = prev is not None and prev["whole"] and whole and _consecutive(prev["period"], row.period)
            change = None
            if prev_ok and not small and not prev["small"]:
                change = pct_change(count, prev["count"])
            rate = np.nan
            if pd.notna(shown) and pd.notna(row.denominator) and row.denominator > 0 and whole:
                rate = shown / row.denominator * PER
            rows.append({
                "area_code": row.area_code, "area_name": row.area_name, "area_type": row.area_type,
                "breakdown": row.breakdown, "period": row.period, "period_end": row.period_end,
                "count": shown, "months": row.months,
                "previous_period": prev["period"] if prev_ok else "",
                "previous_count": (np.nan if prev["small"] else prev["count"]) if prev_ok else np.nan,
                "change_pct": np.nan if change is None else change,
                "rate_per_1k": rate, "source_id": row.source_id, "note": note,
            })
            prev = {"period": row.period, "count": count, "whole": whole, "small": small}
    return pd.DataFrame(rows)


def _consecutive(previous: str, current: str) -> bool:
    """True when `current` is the year straight after `previous` (so the change is year on year)."""
    try:
        return int(str(current)[:4]) - int(str(previous)[:4]) == 1
    except ValueError:
        return False


def change_sentence(summary: pd.DataFrame, noun: str = "reports") -> str:
    """'Northumbria: 2,703 reports in 2018/19, up 5.6% on 2017/18 (2,559).' for the latest year."""
    known = summary[summary["count"].notna()]
    if known.empty:
        return f"No annual count of {noun} can be shown (missing or suppressed)."
    latest = known.sort_values("period_end").iloc[-1]
    text = f"{latest['area_name']}: {latest['count']:,.0f} {noun} in {latest['period']}"
    months = latest.get("months", np.nan)  # NaN for a year published as a whole
    part_year = pd.notna(months) and months < 12
    if part_year:
        # A year still under way is a count to date: never read as the whole year, nor compared.
        text += f" so far ({months:.0f} of 12 months; the year is not complete)"
    if pd.notna(latest["change_pct"]):
        word = "up" if latest["change_pct"] > 0 else "down" if latest["change_pct"] < 0 else "unchanged"
        amount = f" {abs(latest['change_pct']):.1f}%" if word != "unchanged" else ""
        text += f", {word}{amount} on {latest['previous_period']} ({latest['previous_count']:,.0f})"
    elif not part_year:
        text += " (no figure for the year before to compare with)"
    if pd.notna(latest["rate_per_1k"]):
        text += f"; {latest['rate_per_1k']:.2f} per 1,000 residents"
    return text + "."


def monthly_rows(observations: pd.DataFrame) -> pd.DataFrame:
    """Every monthly count row in the store (police-supplied monthly exports), any indicator."""
    if observations.empty:
        return observations
    mask = observations["period"].map(is_monthly).astype(bool) & observations["unit"].map(is_count_unit).astype(bool)
    return with_month_ends(observations[mask])


def monthly_series(rows: pd.DataFrame, area_code: str, breakdown: str = "") -> pd.DataFrame:
    """One area's monthly counts (period, period_end, value), every month from first to last.

    Months missing from the export are added as gaps (NaN) rather than left out, so the control
    chart and its rules see the hole instead of joining across it.
    """
    series = rows[(rows["area_code"] == area_code) & (rows["breakdown"] == breakdown)]
    series = series.sort_values("period_end").drop_duplicates("period", keep="last")
    if series.empty:
        return pd.DataFrame(columns=["period", "period_end", "value"])
    months = pd.period_range(series["period_end"].min(), series["period_end"].max(), freq="M")
    full = pd.DataFrame({"period": [str(m) for m in months]})
    full = full.merge(series[["period", "value", "status_note"]], on="period", how="left")
    full["period_end"] = [m.to_timestamp(how="end").normalize() for m in months]
    full["status_note"] = full["status_note"].fillna("month missing from the export")
    return full


def summary_table(summary: pd.DataFrame, primary_code: str | None = None) -> pd.DataFrame:
    """The yearly table as text for the page: the place's own area first; a hidden or missing
    figure reads "no figure" (or is blank for a change or rate that cannot be worked out), never None."""
    from cohesion.present import MISSING

    if summary.empty:
        return pd.DataFrame(columns=["Area", "Strand", "Year", "Count", "% change on previous year",
                                     "Rate per 1,000 residents", "Note"])
    ordered = summary.assign(_o=(summary["area_code"] != primary_code).astype(int)) \
        .sort_values("_o", kind="stable").drop(columns="_o")
    return pd.DataFrame({
        "Area": ordered["area_name"].astype(str),
        "Strand": ordered["breakdown"].replace("", "All").str.replace("strand=", ""),
        "Year": ordered["period"].astype(str),
        "Count": [MISSING if pd.isna(v) else f"{v:,.0f}" for v in ordered["count"]],
        "% change on previous year": ["" if pd.isna(v) else f"{v:+.1f}%" for v in ordered["change_pct"]],
        "Rate per 1,000 residents": ["" if pd.isna(v) else f"{v:.2f}" for v in ordered["rate_per_1k"]],
        "Note": ordered["note"].fillna("").astype(str),
    }).reset_index(drop=True)

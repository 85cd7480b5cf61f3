"""Pick each indicator's series and comparator from the store and apply its catalogue rule.

The place's own series is the headline rows (empty `breakdown`) whose area is, in order of
preference, the place's local authority code, its police force code, or its community safety
partnership code (hate crime is published by police force area). Comparators are the rows whose
area_code equals a place comparator's `code` for the same period.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from cohesion.catalogue.models import (
    BenchmarkRule,
    Catalogue,
    CountChangeRule,
    Indicator,
    ManualRule,
    TargetRule,
    TrajectoryRule,
)
from cohesion.status import rules
from cohesion.status.manual import latest_entry
from cohesion.status.result import StatusResult


def place_codes(catalogue: Catalogue) -> list[str]:
    """The codes that can stand for the place, most specific first (authority, force, partnership)."""
    place = catalogue.place
    codes = [place.code, place.police_force.code]
    if place.community_safety_partnership is not None:
        codes.append(place.community_safety_partnership.code)
    return [c for c in codes if c]


def headline_area(catalogue: Catalogue, frame: pd.DataFrame) -> str | None:
    """The area code to read the place's series from: authority, else force, else partnership.

    `frame` is one indicator's rows; returns None when none of the place's codes appear in it.
    """
    if frame.empty:
        return None
    present = set(frame["area_code"].unique())
    return next((code for code in place_codes(catalogue) if code in present), None)


def _headline(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["breakdown"].fillna("") == ""]


def place_series(catalogue: Catalogue, rows: pd.DataFrame) -> pd.DataFrame:
    """One indicator's headline series for the place, oldest period first, one row per period."""
    rows = _headline(rows)
    area = headline_area(catalogue, rows)
    if area is None:
        return rows.iloc[0:0]
    series = rows[rows["area_code"] == area].sort_values("period_end", na_position="first", kind="stable")
    return series.drop_duplicates("period", keep="last").reset_index(drop=True)


def latest_and_previous(observations: pd.DataFrame, indicator: Indicator | str,
                        area_code: str) -> tuple[pd.Series | None, pd.Series | None]:
    """The latest and the previous headline rows of an indicator for one area (None when absent)."""
    indicator_id = indicator if isinstance(indicator, str) else indicator.id
    rows = _headline(observations)
    rows = rows[(rows["indicator_id"] == indicator_id) & (rows["area_code"] == area_code)]
    rows = rows.sort_values("period_end", na_position="first", kind="stable").drop_duplicates("period", keep="last")
    latest = rows.iloc[-1] if len(rows) >= 1 else None
    previous = rows.iloc[-2] if len(rows) >= 2 else None
    return latest, previous


def comparator_rows(catalogue: Catalogue, rows: pd.DataFrame, comparator_id: str) -> tuple[pd.DataFrame, str | None]:
    """Headline rows of one place comparator (by id) and its display name; empty if unknown."""
    comp = catalogue.comparator(comparator_id)
    if comp is None:
        return rows.iloc[0:0], None
    rows = _headline(rows)
    if comp.code.startswith("peers:"):  # a peer group's median, computed from the authorities' rows
        from cohesion.national.compare import peer_median_rows

        return peer_median_rows(catalogue, rows, comp), comp.name
    return rows[rows["area_code"] == comp.code].sort_values("period_end", kind="stable"), comp.name


def _assess_rows(indicator: Indicator, catalogue: Catalogue, rows: pd.DataFrame, today: date,
                 manual: pd.DataFrame | None) -> StatusResult:
    """Apply the indicator's rule to its own rows (already limited to this indicator)."""
    series = place_series(catalogue, rows)
    rule = indicator.status
    if isinstance(rule, TargetRule):
        result = rules.target_status(indicator, series, rule)
    elif isinstance(rule, TrajectoryRule):
        result = rules.trajectory_status(indicator, series, rule)
    elif isinstance(rule, BenchmarkRule):
        comp, name = (None, None) if rule.comparator == "previous_period" else \
            comparator_rows(catalogue, rows, rule.comparator)
        if rule.comparator != "previous_period" and name is None:
            latest = series.iloc[-1] if len(series) else None
            return rules.grey(indicator, "benchmark", "no_comparator",
                              f"the comparator '{rule.comparator}' is not one of the place's comparators.", latest)
        result = rules.benchmark_status(indicator, series, comp, name, rule)
    elif isinstance(rule, CountChangeRule):
        result = rules.count_change_status(indicator, series, rule, catalogue.meeting.small_count_threshold)
    elif isinstance(rule, ManualRule):
        latest = series.iloc[-1] if len(series) else None
        return rules.manual_status(indicator, latest_entry(manual, indicator.id), rule, today, latest)
    else:  # a new rule type in the catalogue without an implementation here
        return rules.grey(indicator, str(getattr(rule, "rule", "unknown")), "no_data",
                          f"the rule '{getattr(rule, 'rule', rule)}' is not implemented yet.")
    # Commentary from the Delivery Group sits beside a computed status but never replaces it.
    entry = latest_entry(manual, indicator.id)
    if entry is not None:
        result = dataclasses.replace(result, commentary=str(entry.get("commentary") or "").strip() or None,
                                     owner=str(entry.get("owner") or "").strip() or None,
                                     assessed_on=entry["set_on"].isoformat())
    return result


def assess_indicator(indicator: Indicator, catalogue: Catalogue, observations: pd.DataFrame, *, today: date,
                     manual: pd.DataFrame | None = None) -> StatusResult:
    """Status of one indicator from the whole observations table."""
    rows = observations[observations["indicator_id"] == indicator.id]
    return _safe(indicator, catalogue, rows, today, manual)


def assess_all(catalogue: Catalogue, observations: pd.DataFrame, *, today: date,
               manual: pd.DataFrame | None = None) -> dict[str, StatusResult]:
    """Status of every catalogue indicator, in catalogue order, keyed by indicator id.

    Observations are narrowed once (headline rows of the place and its comparators) and grouped
    by indicator, so this stays fast on a national-scale store.
    """
    wanted = set(place_codes(catalogue)) | {c.code for c in catalogue.place.comparators}
    if any(c.code.startswith("peers:") for c in catalogue.place.comparators):
        from cohesion.national.compare import peer_codes_for

        wanted |= peer_codes_for(catalogue)
    narrow = observations[(observations["breakdown"].fillna("") == "") & observations["area_code"].isin(wanted)]
    groups = dict(tuple(narrow.groupby("indicator_id", sort=False)))
    empty = narrow.iloc[0:0]
    return {ind.id: _safe(ind, catalogue, groups.get(ind.id, empty), today, manual) for ind in catalogue.indicators}


def _safe(indicator: Indicator, catalogue: Catalogue, rows: pd.DataFrame, today: date,
          manual: pd.DataFrame | None) -> StatusResult:
    # One odd figure must not take every other status down with it; say what went wrong instead.
    try:
        return _assess_rows(indicator, catalogue, rows, today, manual)
    except (ValueError, TypeError, KeyError) as exc:
        return rules.grey(indicator, str(getattr(indicator.status, "rule", "")), "no_data",
                          f"{indicator.title} could not be assessed ({type(exc).__name__}: {exc}).")

"""Apply each indicator's catalogue rule to its series (picked by the read layer, `cohesion.query`).

Callers should use `cohesion.status.service.assess`, which also applies disclosure control,
manual statuses and the roll-ups. The place's own series is the headline rows (empty `breakdown`) whose area is, in order of
preference, the place's local authority code, its police force code, or its community safety
partnership code (hate crime is published by police force area). Comparators are the rows whose
area_code equals a place comparator's `code` for the same period.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from cohesion import query
from cohesion.catalogue.models import (
    BenchmarkRule,
    Catalogue,
    ControlChartRule,
    CountChangeRule,
    Indicator,
    ManualRule,
    TargetRule,
    TrajectoryRule,
)
from cohesion.status import rules
from cohesion.status.manual import latest_entry
from cohesion.status.result import StatusResult

# Series selection lives in the read layer; these names stay importable from here for callers.
place_codes = query.place_codes
headline_area = query.headline_area
place_series = query.series_of
comparator_rows = query.comparator_rows


def latest_and_previous(observations: pd.DataFrame, indicator: Indicator | str,
                        area_code: str) -> tuple[pd.Series | None, pd.Series | None]:
    """The latest and the previous headline rows of an indicator for one area (None when absent)."""
    indicator_id = indicator if isinstance(indicator, str) else indicator.id
    rows = query.indicator_rows(observations, indicator_id, headline_only=True)
    rows = rows[rows["area_code"] == area_code]
    rows = rows.sort_values("period_end", na_position="first", kind="stable").drop_duplicates("period", keep="last")
    latest = rows.iloc[-1] if len(rows) >= 1 else None
    previous = rows.iloc[-2] if len(rows) >= 2 else None
    return latest, previous


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
    elif isinstance(rule, ControlChartRule):
        from cohesion.status.control import control_chart_status  # early-warning rule (issue 14)

        result = control_chart_status(indicator, series, rule, catalogue.meeting.small_count_threshold)
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
    groups = query.narrow(catalogue, observations)
    empty = observations.iloc[0:0]
    return {ind.id: _safe(ind, catalogue, groups.get(ind.id, empty), today, manual) for ind in catalogue.indicators}


def _safe(indicator: Indicator, catalogue: Catalogue, rows: pd.DataFrame, today: date,
          manual: pd.DataFrame | None) -> StatusResult:
    # One odd figure must not take every other status down with it; say what went wrong instead.
    try:
        return _assess_rows(indicator, catalogue, rows, today, manual)
    except (ValueError, TypeError, KeyError) as exc:
        return rules.grey(indicator, str(getattr(indicator.status, "rule", "")), "error",
                          f"{indicator.title} could not be assessed ({type(exc).__name__}: {exc}).")

"""The status service: one call gives every surface the same statuses.

`assess(catalogue, observations, manual, today) -> StatusBundle` is what Headlines, Priorities,
Trends, Meeting mode, the board pack, meeting snapshots and `python -m cohesion status --json`
all use. It applies disclosure control first (through `cohesion.query.publishable`, so no
status, sentence or latest value can reveal a suppressed count), runs every indicator's rule
with the Delivery Group's manual statuses, rolls the results up to priorities, dimensions and
the priority x dimension grid, and adds the early-warning flags of monthly counts.

`assess_current(catalogue, today)` does the same for the live store and the data folder's
`manual_status.csv`, for commands and the board pack; pages go through `cohesion.ui.statuses`,
which caches it per store version, catalogue, manual file and day.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from cohesion import config, query
from cohesion.catalogue.models import Catalogue, ControlChartRule, is_count_unit
from cohesion.status.engine import assess_all
from cohesion.status.manual import MANUAL_FILE_NAME, manual_statuses, unknown_indicator_ids
from cohesion.status.result import PriorityResult, StatusResult
from cohesion.status.rollup import roll_up, roll_up_dimensions, status_grid

__all__ = ["StatusBundle", "assess", "assess_current", "early_warning_flags", "load_manual"]


@dataclass(frozen=True)
class StatusBundle:
    """Every status, computed once: per indicator, per priority, per dimension, and the grid."""

    results: dict[str, StatusResult]
    priorities: dict[str, PriorityResult]
    dimensions: dict[str, PriorityResult] = field(default_factory=dict)
    grid: pd.DataFrame = field(default_factory=pd.DataFrame)
    flags: dict[str, list[str]] = field(default_factory=dict)  # indicator id -> early-warning sentences
    problems: list[str] = field(default_factory=list)  # a bad manual file, unknown ids: shown, never fatal

    # Meeting snapshots were written against an older shape; these keep them working.
    @property
    def notices(self) -> list[str]:
        return self.problems

    @property
    def engine_available(self) -> bool:
        return True


def load_manual(path: Path) -> tuple[pd.DataFrame | None, list[str]]:
    """The Delivery Group's manual statuses (the database, seeded from the file) and any problem
    with the file or the database (never raises for either)."""
    from cohesion.db import DatabaseError

    problems: list[str] = []
    try:
        return manual_statuses(path, problems), problems
    except DatabaseError as exc:
        return None, [*problems, f"Delivery Group statuses are not shown: {exc}"]


def assess(catalogue: Catalogue, observations: pd.DataFrame, manual: pd.DataFrame | None, today: date,
           *, problems: list[str] | None = None, visible: pd.DataFrame | None = None) -> StatusBundle:
    """Statuses of every indicator, priority and dimension, from the disclosure-controlled figures.

    `manual` is the frame from `load_manual` (None or empty when nothing is set); `problems` are
    carried into the bundle (e.g. the manual file's problem), with unknown manual ids added.
    `visible` is `query.publishable(observations, catalogue)` when the caller has it already.
    """
    visible = query.publishable(observations, catalogue) if visible is None else visible
    found = list(problems or [])
    for unknown in unknown_indicator_ids(manual, {i.id for i in catalogue.indicators}):
        found.append(f"{MANUAL_FILE_NAME}: indicator_id '{unknown}' is not in the catalogue; its rows are ignored.")
    results = assess_all(catalogue, visible, today=today, manual=manual)
    return StatusBundle(results=results, priorities=roll_up(catalogue, results),
                        dimensions=roll_up_dimensions(catalogue, results), grid=status_grid(catalogue, results),
                        flags=early_warning_flags(catalogue, visible, observations), problems=found)


def assess_current(catalogue: Catalogue, today: date, *, observations: pd.DataFrame | None = None,
                   manual_path: Path | None = None, visible: pd.DataFrame | None = None) -> StatusBundle:
    """`assess` on the live store (or `observations`, as loaded) and the data folder's manual
    status file. `visible`: as for `assess`."""
    manual_path = manual_path or config.data_dir() / MANUAL_FILE_NAME
    manual, problems = load_manual(manual_path)
    if observations is None:  # the live store as loaded (as the pages give it) and its publishable table
        observations, visible = query.load(), query.current(catalogue)
    return assess(catalogue, observations, manual, today, problems=problems, visible=visible)


def early_warning_flags(catalogue: Catalogue, observations: pd.DataFrame,
                        raw: pd.DataFrame | None = None) -> dict[str, list[str]]:
    """Control-chart flag sentences per count indicator with monthly figures ({} without the SPC module).

    Run on publishable figures, so a flag sentence never quotes a suppressed count. Indicators
    with the `control_chart` rule (police.uk tension series) take the Early warning page's own
    sentences instead: the city's and every ward's signal in the latest month, computed as that
    page computes them (totals controlled; small months kept for the limits, shown as "fewer than N").
    """
    try:
        control_chart_data = importlib.import_module("cohesion.trends.spc").control_chart_data
    except (ImportError, AttributeError):
        return {}
    out: dict[str, list[str]] = {}
    if any(isinstance(i.status, ControlChartRule) for i in catalogue.indicators):
        from cohesion.trends import tension

        source = query.publishable(raw if raw is not None else observations, catalogue, hide_small=False)
        out.update(tension.flag_sentences(catalogue, source))
    for indicator in catalogue.indicators:
        if not is_count_unit(indicator.unit) or isinstance(indicator.status, ControlChartRule):
            continue
        series = query.place_series(catalogue, observations, indicator.id)
        monthly = series[series["period"].astype(str).str.fullmatch(r"\d{4}-\d{2}")]
        if monthly["value"].notna().sum() < 2:
            continue
        result = control_chart_data(monthly, noun="reports", threshold=catalogue.meeting.small_count_threshold)
        sentences = [str(getattr(f, "sentence", f)) for f in result.flags]
        if sentences:
            out[indicator.id] = sentences
    return out

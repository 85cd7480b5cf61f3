"""What changed since the last meeting: compare two snapshots and say it in plain sentences.

Three kinds of change matter to the Delivery Group when a meeting opens: new data arrived
(a later period, or a revised figure for the same period), a status moved (priority or
indicator), and a new early-warning flag was raised. Each change carries a sentence that names
the indicator, the periods and both values, so it can be read aloud from the projector.
"""

from __future__ import annotations

from dataclasses import dataclass

from cohesion.catalogue.models import Catalogue
from cohesion.meeting.snapshot import IndicatorState, Snapshot
from cohesion.present import format_value, status_text

# Order the panel lists changes in: verdicts first, then the evidence behind them.
KIND_ORDER = ("priority_status", "indicator_status", "new_data", "revised_data", "new_flag", "added")
KIND_LABELS = {
    "priority_status": "Priority status moved",
    "indicator_status": "Indicator status moved",
    "new_data": "New data arrived",
    "revised_data": "Figure revised",
    "new_flag": "New early-warning flag",
    "added": "New to the dashboard",
}


@dataclass(frozen=True)
class Change:
    kind: str  # one of KIND_ORDER
    subject_id: str  # priority id or indicator id
    title: str
    before: str | None
    after: str | None
    sentence: str

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def _status_text(status: str) -> str:
    # Statuses that are not RAG/direction words (e.g. "Not assessed") are shown as they are.
    return status_text(status)


def _same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _indicator_changes(ind_id: str, title: str, old: IndicatorState, new: IndicatorState) -> list[Change]:
    out: list[Change] = []
    if old.status != new.status:
        out.append(Change("indicator_status", ind_id, title, old.status, new.status,
                          f"{title}: status moved from {_status_text(old.status)} to {_status_text(new.status)}."
                          + (f" {new.sentence}" if new.sentence else "")))
    new_value = format_value(new.latest_value, new.unit)
    old_value = format_value(old.latest_value, old.unit)
    if new.latest_period and new.latest_period != old.latest_period:
        was = f" (previously {old_value} for {old.latest_period})" if old.latest_period else " (no figure before)"
        out.append(Change("new_data", ind_id, title, old.latest_period, new.latest_period,
                          f"{title}: new figure for {new.latest_period}: {new_value}{was}."))
    elif new.latest_period and not _same_value(old.latest_value, new.latest_value):
        out.append(Change("revised_data", ind_id, title, old_value, new_value,
                          f"{title}: the {new.latest_period} figure was revised from {old_value} to {new_value}."))
    for flag in new.flags:
        if flag not in old.flags:
            out.append(Change("new_flag", ind_id, title, None, flag, f"{title}: {flag}"))
    return out


def diff_snapshots(before: Snapshot, after: Snapshot, catalogue: Catalogue | None = None) -> list[Change]:
    """Every change from `before` (the last meeting) to `after` (now), in KIND_ORDER.

    Titles come from the catalogue when given, else the ids are used. Indicators present only in
    `before` (removed from the catalogue) are not reported: there is nothing to discuss about them.
    """
    titles: dict[str, str] = {}
    if catalogue is not None:
        titles.update({p.id: f"Priority {p.number}: {p.title}" for p in catalogue.priorities})
        titles.update({i.id: i.title for i in catalogue.indicators})
    changes: list[Change] = []
    for pid, new_p in after.priorities.items():
        old_p = before.priorities.get(pid)
        if old_p is not None and old_p.status != new_p.status:
            title = titles.get(pid, pid)
            changes.append(Change(
                "priority_status", pid, title, old_p.status, new_p.status,
                f"{title}: moved from {_status_text(old_p.status)} to {_status_text(new_p.status)}."
                + (f" {new_p.sentence}" if new_p.sentence else ""),
            ))
    for ind_id, new_i in after.indicators.items():
        title = titles.get(ind_id, ind_id)
        old_i = before.indicators.get(ind_id)
        if old_i is None:
            changes.append(Change("added", ind_id, title, None, new_i.status,
                                  f"{title}: added since the meeting on {before.meeting_date}."))
            continue
        changes.extend(_indicator_changes(ind_id, title, old_i, new_i))
    rank = {k: n for n, k in enumerate(KIND_ORDER)}
    return sorted(changes, key=lambda c: rank.get(c.kind, len(rank)))  # stable: keeps catalogue order


def changes_for(changes: list[Change], catalogue: Catalogue, priority_id: str) -> list[Change]:
    """The changes that concern one priority: its own status and its indicators'."""
    ids = {priority_id} | {i.id for i in catalogue.indicators_for_priority(priority_id)}
    return [c for c in changes if c.subject_id in ids]


def summary_counts(changes: list[Change]) -> dict[str, int]:
    """How many changes of each kind, for the one-line summary at the top of the panel."""
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.label] = counts.get(change.label, 0) + 1
    return counts

"""Meeting mode's per-visit work, done once per process and shared by every session.

Defined here rather than in the page script: a cache declared in a page is declared again on
every visit, and Streamlit's decorator costs about a millisecond a visit to do so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from cohesion import accessibility as a11y
from cohesion import memo, ui
from cohesion.catalogue import Catalogue
from cohesion.meeting import diff, present, snapshot
from cohesion.meeting.assess import IndicatorLine, PriorityLine, indicator_line, priority_line
from cohesion.meeting.diff import Change
from cohesion.meeting.snapshot import Snapshot
from cohesion.report.charts import meeting_chart_spec
from cohesion.status.service import StatusBundle


def key_chart(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str, version: str | None,
              catalogue_key: tuple, height: int) -> dict | None:
    """The key chart's Vega-Lite spec for the projector (described for screen readers, datasets
    ready to send), or None when the indicator has nothing to chart."""
    return _key_chart(indicator_id, version, catalogue_key, height, memo.Same(catalogue), memo.Same(observations))


# Per (indicator, store version, catalogue), not per visit: building and converting the chart is
# most of a warm visit's work otherwise.
@memo.shared(maxsize=32)
def _key_chart(indicator_id: str, version: str | None, catalogue_key: tuple, height: int, catalogue: memo.Same,
               observations: memo.Same) -> dict | None:
    spec = meeting_chart_spec(catalogue.obj, observations.obj, indicator_id, height=height)
    if spec is None:
        return None
    text = a11y.indicator_chart_text(catalogue.obj, observations.obj, indicator_id)
    return ui.ready_spec(a11y.described_spec(present.projector_spec(spec), text))


@dataclass(frozen=True)
class PriorityScreen:
    """What the page shows of one priority, worked out once per status bundle (a new bundle
    whenever the store, catalogue, statuses set in the meeting or day change)."""

    line: PriorityLine
    indicator_ids: list[str]
    lines: list[IndicatorLine]
    rows_html: str  # the compact rows above the fold
    cards_html: str  # every indicator in full, below it


def priority_screen(catalogue: Catalogue, bundle: StatusBundle, observations: pd.DataFrame,
                    priority_id: str) -> PriorityScreen:
    key = ("meeting_priority", priority_id, memo.Same(catalogue), memo.Same(observations))
    return memo.once(bundle, key, lambda: _priority_screen(catalogue, bundle, observations, priority_id))


def _priority_screen(catalogue: Catalogue, bundle: StatusBundle, observations: pd.DataFrame,
                     priority_id: str) -> PriorityScreen:
    ids = [i.id for i in catalogue.indicators_for_priority(priority_id)]
    lines = [indicator_line(catalogue, bundle, observations, ind_id) for ind_id in ids]
    return PriorityScreen(priority_line(catalogue, bundle, priority_id), ids, lines,
                          present.indicator_rows_html(lines), present.indicator_cards_html(lines))


def changes_since(catalogue: Catalogue, bundle: StatusBundle, observations: pd.DataFrame, before: Snapshot,
                  today: date, version: str | None) -> list[Change]:
    """What changed between the meeting `before` and now, worked out once per status bundle and
    earlier meeting rather than on every visit (a snapshot of every indicator, then a diff)."""
    def build() -> list[Change]:
        now = snapshot.take_snapshot(catalogue, bundle, observations, meeting_date=today, store_version=version)
        return diff.diff_snapshots(before, now, catalogue)

    # A held meeting is named by its date and when it was marked (never rewritten: a newer record is kept beside it).
    held = (before.meeting_date, before.taken_at, before.store_version)
    key = ("meeting_changes", held, memo.Same(catalogue), memo.Same(observations), today, version)
    return memo.once(bundle, key, build)

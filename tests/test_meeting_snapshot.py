"""Meeting snapshots and "changed since the last meeting", on constructed before/after states."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from cohesion import tidy
from cohesion.catalogue import validate_file
from cohesion.config import CATALOGUE_PATH
from cohesion.meeting import present
from cohesion.meeting import snapshot as snapshots
from cohesion.meeting.assess import Assessment, format_value
from cohesion.meeting.diff import changes_for, diff_snapshots, summary_counts
from cohesion.meeting.snapshot import IndicatorState, PriorityState, Snapshot, SnapshotError
from cohesion.status.result import PriorityResult, StatusResult


def _snap(day: str, indicators: dict, priorities: dict | None = None) -> Snapshot:
    return Snapshot(meeting_date=day, taken_at=f"{day}T18:00:00+00:00", store_version="v1",
                    indicators=indicators, priorities=priorities or {})


BEFORE = _snap("2026-01-15", {
    "trust": IndicatorState("Amber", "Amber: close to target.", 43.0, "2023/24", "%"),
    "hate": IndicatorState("Similar", "", 1200.0, "2024-11", "count", ("Nov 2024: above the expected range.",)),
    "steady": IndicatorState("Green", "", 70.0, "2024/25", "%"),
    "revised": IndicatorState("Red", "", 12.0, "2024/25", "%"),
}, {"p1": PriorityState("Amber", "", 2, 3), "p2": PriorityState("Green", "", 1, 1)})

AFTER = _snap("2026-03-12", {
    "trust": IndicatorState("Red", "Red: below the median.", 41.5, "2024/25", "%"),
    "hate": IndicatorState("Higher", "", 1350.0, "2025-01", "count",
                           ("Nov 2024: above the expected range.", "Jan 2025: above the expected range.")),
    "steady": IndicatorState("Green", "", 70.0, "2024/25", "%"),
    "revised": IndicatorState("Red", "", 12.4, "2024/25", "%"),
    "newcomer": IndicatorState("Grey", "", None, None, "%"),
}, {"p1": PriorityState("Red", "Red: one indicator is Red.", 3, 3), "p2": PriorityState("Green", "", 1, 1)})


def test_diff_reports_every_kind_of_change_in_order() -> None:
    changes = diff_snapshots(BEFORE, AFTER)
    kinds = [(c.kind, c.subject_id) for c in changes]
    assert kinds == [
        ("priority_status", "p1"),
        ("indicator_status", "trust"), ("indicator_status", "hate"),
        ("new_data", "trust"), ("new_data", "hate"),
        ("revised_data", "revised"),
        ("new_flag", "hate"),
        ("added", "newcomer"),
    ]
    text = {(c.kind, c.subject_id): c.sentence for c in changes}
    assert text[("priority_status", "p1")] == "p1: moved from ▲ Amber to ✖ Red. Red: one indicator is Red."
    assert text[("new_data", "trust")] == "trust: new figure for 2024/25: 41.5% (previously 43.0% for 2023/24)."
    assert text[("revised_data", "revised")] == "revised: the 2024/25 figure was revised from 12.0% to 12.4%."
    assert text[("new_flag", "hate")] == "hate: Jan 2025: above the expected range."  # the old flag is not repeated
    assert "↑ Higher" in text[("indicator_status", "hate")]
    assert summary_counts(changes)["New data arrived"] == 2


def test_identical_snapshots_have_no_changes() -> None:
    assert diff_snapshots(BEFORE, BEFORE) == []


def test_no_figure_before_is_said_plainly() -> None:
    before = _snap("2026-01-15", {"x": IndicatorState("Grey", "", None, None, "%")})
    after = _snap("2026-03-12", {"x": IndicatorState("Grey", "", 55.0, "2025", "%")})
    [change] = diff_snapshots(before, after)
    assert change.sentence == "x: new figure for 2025: 55.0% (no figure before)."


def test_snapshots_round_trip_through_the_database_with_author(isolated_data: Path) -> None:
    from cohesion.db import read
    from cohesion.db.schema import snapshots as table

    snapshots.save_snapshot(BEFORE, author="chair@example.org")
    snapshots.save_snapshot(AFTER)
    assert snapshots.list_snapshots() == [BEFORE, AFTER]
    assert snapshots.latest_snapshot() == AFTER
    assert snapshots.latest_snapshot(before=date(2026, 3, 12)) == BEFORE  # on the day: compare with the last one
    again = _snap("2026-03-12", {"trust": IndicatorState("Red", "", 40.0, "2024/25", "%")})
    snapshots.save_snapshot(again)  # marking the same day again: the newer row wins, the older one stays
    assert snapshots.latest_snapshot() == again
    with read() as conn:
        rows = conn.execute(sa.select(table.c.meeting_date, table.c.written_by).order_by(table.c.id)).all()
    assert [r[0] for r in rows] == ["2026-01-15", "2026-03-12", "2026-03-12"]
    assert rows[0][1] == "chair@example.org" and rows[1][1].endswith("(local account)")


def test_old_snapshot_files_are_imported_once_and_damage_is_reported(isolated_data: Path) -> None:
    from cohesion import db
    from cohesion.db.migrate import import_problems

    folder = isolated_data / "meetings" / "snapshots"
    folder.mkdir(parents=True)
    (folder / "meeting-2026-01-15.json").write_text(BEFORE.to_json(), encoding="utf-8")
    (folder / "meeting-2026-04-01.json").write_text("{ torn", encoding="utf-8")
    db.forget_engines()
    assert snapshots.list_snapshots() == [BEFORE]
    with db.read() as conn:
        assert import_problems(conn) == [
            "meeting-2026-04-01.json: not a readable meeting snapshot (Expecting property name enclosed in double "
            "quotes: line 1 column 3 (char 2))"]
    db.forget_engines()  # a second start imports nothing twice
    assert snapshots.list_snapshots() == [BEFORE]
    with pytest.raises(SnapshotError, match="meeting-2026-04-01.json"):
        snapshots.load_snapshot(folder / "meeting-2026-04-01.json")


@pytest.fixture(scope="module")
def catalogue():
    cat, problems = validate_file(CATALOGUE_PATH)
    assert cat is not None, f"indicators.yaml must validate: {problems[:2]}"
    return cat


def _observations(catalogue, ind_id: str, values: dict[str, float | None]) -> pd.DataFrame:
    rows = [{"indicator_id": ind_id, "period": p, "area_code": catalogue.place.code, "value": v, "unit": "%",
             "status_note": "" if v is not None else "[c]: confidential, suppressed by the publisher"}
            for p, v in values.items()]
    return tidy.conform(pd.DataFrame(rows))


def test_take_snapshot_uses_engine_results_and_flags(catalogue) -> None:
    ind = catalogue.indicators[0]
    result = StatusResult(ind.id, "Green", "target", "Green: on track.", "High", latest_value=61.0,
                          latest_period="2024/25", unit="%")
    prio = catalogue.agenda()[0]
    assessment = Assessment(results={ind.id: result},
                            priorities={prio.id: PriorityResult(prio.id, "Green", 1.0, 1, 2, False, "Green: fine.")},
                            flags={ind.id: ["A flag sentence."]})
    snap = snapshots.take_snapshot(catalogue, assessment, tidy.empty_frame(), meeting_date=date(2026, 3, 12), store_version="v9")
    assert snap.indicators[ind.id] == IndicatorState("Green", "Green: on track.", 61.0, "2024/25", "%",
                                                     ("A flag sentence.",))
    assert snap.priorities[prio.id].status == "Green" and snap.store_version == "v9"
    assert set(snap.indicators) == {i.id for i in catalogue.indicators}


def test_changes_for_a_priority_only_name_its_indicators(catalogue) -> None:
    prio = catalogue.agenda()[0]
    mine = catalogue.indicators_for_priority(prio.id)[0].id
    other = next(i.id for i in catalogue.indicators if prio.id not in i.priorities)
    before = _snap("2026-01-15", {mine: IndicatorState("Amber"), other: IndicatorState("Amber")})
    after = _snap("2026-03-12", {mine: IndicatorState("Red"), other: IndicatorState("Red")})
    changes = diff_snapshots(before, after, catalogue)
    assert [c.subject_id for c in changes_for(changes, catalogue, prio.id)] == [mine]
    assert changes[0].title == catalogue.indicator(mine).title


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (43.04, "%", "43.0%"), (2010.0, "count", "2,010"), (6.93, "mean score (0-10)", "6.93 mean score (0-10)"),
    (None, "%", "no figure"), (float("nan"), "count", "no figure"),
])
def test_format_value(value, unit, shown) -> None:
    assert format_value(value, unit) == shown


def test_agenda_position_from_the_query_parameter() -> None:
    ids = ["p1", "p2", "p3"]
    assert present.resolve_position(ids, None) == (0, None)
    assert present.resolve_position(ids, "p3") == (2, None)
    assert present.resolve_position(ids, "2") == (1, None)
    index, problem = present.resolve_position(ids, "p9")
    assert index == 0 and "'p9' is not on the agenda" in problem
    assert present.resolve_position(ids, "0")[0] == 0


def test_cards_escape_catalogue_and_data_text() -> None:
    from cohesion.meeting.assess import IndicatorLine

    line = IndicatorLine(id="x", title="<script>alert(1)</script> & co", value_text="5.0%", period="2025",
                         status="Red", sentence="Red: <b>bold</b>", source_text="Pub <i>", flags=("<img src=x>",))
    html = present.indicator_card_html(line)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "<b>bold" not in html and "<img" not in html and "Pub &lt;i&gt;" in html
    assert "✖ Red" in html and "#B2182B" in html  # word + symbol + colour

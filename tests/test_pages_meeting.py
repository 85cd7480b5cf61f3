"""Meeting mode page, run through Streamlit's AppTest on a private copy of the data folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cohesion.catalogue import load_catalogue
from cohesion.config import CATALOGUE_PATH
from cohesion.meeting.actions import read_actions
from cohesion.meeting.snapshot import IndicatorState, Snapshot, list_snapshots, save_snapshot
from tests.pagetest import html, raw_texts, run_page, unescape

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE_PATH)


def _run(item: str | None = None) -> AppTest:
    return run_page("pages/meeting.py", **({"item": item} if item is not None else {}))


def _forget_snapshot(day: str) -> None:
    # Test set-up only: the dashboard never deletes a snapshot.
    from cohesion import db
    from cohesion.db.schema import snapshots

    with db.write() as conn:
        conn.execute(snapshots.delete().where(snapshots.c.meeting_date == day))


def _html(at: AppTest) -> str:
    return html(at)


def test_opens_on_the_first_agenda_item_with_status_and_indicators(isolated_data: Path, catalogue) -> None:
    at = _run()
    first = catalogue.agenda()[0]
    assert unescape(at.title[0].value) == f"Priority {first.number}: {first.title}"
    body = _html(at)
    assert "Agenda item 1 of 10" in body
    for ind in catalogue.indicators_for_priority(first.id):
        assert ind.title.replace("&", "&amp;") in body
    assert any(word in body for word in ("✔ Green", "▲ Amber", "✖ Red", "○ Grey", "Not assessed"))
    assert "No earlier meeting has been marked as held" in at.info[0].value
    # Compact indicator rows (figure, period, status) above the full cards; no file names or store words.
    assert body.count('class="ind-row"') == len(catalogue.indicators_for_priority(first.id))
    shown_text = body + " ".join(unescape(t) for t in raw_texts(at))
    for word in ("manual_status.csv", "in the store", ".json", ".csv"):
        assert word not in shown_text, word


def test_query_parameter_opens_that_priority_and_next_moves_on(isolated_data: Path, catalogue) -> None:
    agenda = catalogue.agenda()
    at = _run(agenda[2].id)
    assert unescape(at.title[0].value) == f"Priority {agenda[2].number}: {agenda[2].title}"
    at.button[1].click().run()  # Next
    assert at.query_params["item"] == agenda[3].id
    assert unescape(at.title[0].value) == f"Priority {agenda[3].number}: {agenda[3].title}"
    at.button[0].click().run()  # Previous
    assert unescape(at.title[0].value) == f"Priority {agenda[2].number}: {agenda[2].title}"


def test_unknown_item_says_so_and_shows_the_first(isolated_data: Path, catalogue) -> None:
    at = _run("no_such_priority")
    assert "'no_such_priority' is not on the agenda" in unescape(at.warning[0].value)
    assert unescape(at.title[0].value).startswith(f"Priority {catalogue.agenda()[0].number}:")


def test_recording_an_action_appends_to_the_log_and_shows_it(isolated_data: Path, catalogue) -> None:
    at = _run()
    at.text_area[0].input("Circulate the draft plan to partners")
    at.text_input[0].input("Cohesion lead")
    at.date_input[0].set_value(date(2027, 1, 31))
    at.button(key="FormSubmitter:action_form_" + catalogue.agenda()[0].id + "-Save to the action log").click().run()
    assert not at.exception and not at.error
    [action] = read_actions().actions
    assert (action.text, action.owner, action.due) == ("Circulate the draft plan to partners", "Cohesion lead",
                                                        "2027-01-31")
    assert action.priority_id == catalogue.agenda()[0].id
    table = at.dataframe[0].value
    assert "Circulate the draft plan to partners" in table["What"].tolist()


def test_an_action_without_owner_is_refused_with_the_field_named(isolated_data: Path, catalogue) -> None:
    at = _run()
    at.text_area[0].input("Someone should do something")
    at.button(key="FormSubmitter:action_form_" + catalogue.agenda()[0].id + "-Save to the action log").click().run()
    assert "owner: an action needs an owner" in unescape(at.error[0].value)
    assert read_actions().actions == []


def test_mark_held_saves_a_snapshot_and_changes_show_next_time(isolated_data: Path, catalogue) -> None:
    at = _run()
    next(b for b in at.button if b.label == "Mark meeting as held").click().run()
    # The confirmation replaces the "no earlier meeting" note at the top, with the date in words.
    today = date.today()
    assert unescape(at.success[0].value).startswith(f"Meeting held on {today.day} {today:%B %Y}: ")
    assert not any("No earlier meeting" in i.value for i in at.info)
    assert all(".json" not in s.value for s in at.success)
    [snap] = list_snapshots()
    assert snap.meeting_date == date.today().isoformat()
    assert set(snap.indicators) == {i.id for i in catalogue.indicators}
    # An earlier meeting where the first priority's first indicator stood differently:
    first = catalogue.agenda()[0]
    ind = catalogue.indicators_for_priority(first.id)[0]
    save_snapshot(Snapshot("2000-01-01", "2000-01-01T18:00:00+00:00", None,
                           {ind.id: IndicatorState("Made-up earlier status", "", None, None, ind.unit)}))
    _forget_snapshot(snap.meeting_date)
    at = _run()
    assert unescape(at.expander[0].label).startswith("Changed since the meeting on 1 January 2000: ")
    assert "Indicator status moved" in _html(at)


SAVE = "-Save to the action log"


def test_a_failed_save_keeps_what_was_typed_and_says_why_in_one_sentence(isolated_data: Path, catalogue,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from cohesion import db

    at = _run()
    monkeypatch.setenv(db.ENV_DATABASE_URL, "postgresql://cohesion@127.0.0.1:9/cohesion")  # nothing listens there
    at.text_area[0].input("Circulate the draft plan to partners")
    at.text_input[0].input("Cohesion lead")
    at.button(key="FormSubmitter:action_form_" + catalogue.agenda()[0].id + SAVE).click().run()
    assert not at.exception
    saved = [unescape(e.value) for e in at.error if e.value.startswith("Not saved:")]
    assert saved and saved[0].startswith("Not saved: The database could not be reached: ")
    assert saved[0].endswith("What you typed is still in the form.")
    assert "Traceback" not in saved[0]
    assert at.text_area[0].value == "Circulate the draft plan to partners"
    assert at.text_input[0].value == "Cohesion lead"
    monkeypatch.delenv(db.ENV_DATABASE_URL)  # the database is back: the same form saves
    at.button(key="FormSubmitter:action_form_" + catalogue.agenda()[0].id + SAVE).click().run()
    [action] = read_actions().actions
    assert action.text == "Circulate the draft plan to partners"
    assert at.text_area[0].value == ""  # emptied only after the successful save
    assert unescape(at.success[0].value).startswith("Saved: action “Circulate the draft plan")


def test_marking_done_is_a_new_version_with_the_author(isolated_data: Path, catalogue) -> None:
    from cohesion.meeting.actions import action_history, append_action, new_action

    first = catalogue.agenda()[0]
    saved = append_action(new_action(kind="action", priority_id=first.id, text="Book the venue", owner="Lead"))
    at = _run()
    form = "FormSubmitter:action_update_form_" + saved.id + "-Save the change"
    next(r for r in at.radio if r.label == "Status").set_value("done")
    at.button(key=form).click().run()
    assert not at.exception and not at.error
    assert [(h.version, h.status) for h in action_history(saved.id)] == [(1, "open"), (2, "done")]
    assert at.dataframe[0].value["Status"].tolist() == ["done"]


def test_a_chair_sets_a_manual_status_that_the_status_engine_uses(isolated_data: Path, catalogue) -> None:
    from cohesion.status.manual import manual_statuses

    at = _run()
    ind = catalogue.indicators_for_priority(catalogue.agenda()[0].id)[0]
    next(r for r in at.radio if r.label == "Status" and "Red" in r.options).set_value("Red")
    next(t for t in at.text_area if t.label == "Commentary").input("Partners report rising tension")
    at.button(key="FormSubmitter:manual_status_form-Save the status").click().run()
    assert not at.exception and not at.error
    entry = manual_statuses().iloc[-1]
    assert (entry["indicator_id"], entry["status"], entry["commentary"]) == (ind.id, "Red", "Partners report rising tension")


def test_served_to_others_without_sign_in_hides_write_controls_and_says_why(isolated_data: Path, catalogue) -> None:
    from streamlit import config as st_config

    old = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = _run()
    finally:
        st_config.set_option("server.address", old)
    assert not any(b.label == "Mark meeting as held" for b in at.button)
    assert not [t for t in at.text_area if t.label.startswith("What was decided")]
    assert any(unescape(i.value).startswith("Recording actions, marking a meeting as held and setting statuses are turned off: "
                                  "this dashboard is served on address '0.0.0.0' without sign-in configured")
               for i in at.info)

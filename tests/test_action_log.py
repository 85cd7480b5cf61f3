"""The action log in the database: validation, round trip, edit history, authors, the import of the
old JSON Lines file (torn lines included), concurrent writers, and faults (disk full, unreachable)."""

from __future__ import annotations

import json
import multiprocessing
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from cohesion import db
from cohesion.meeting.actions import (
    ActionError,
    action_history,
    append_action,
    get_action,
    log_path,
    new_action,
    read_actions,
    update_action,
)

WRITES_PER_PROCESS = 100


@pytest.fixture
def fresh_db(isolated_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data folder whose SQLite database is created on first use."""
    monkeypatch.delenv(db.ENV_DATABASE_URL, raising=False)
    monkeypatch.setattr(db, "secrets_paths", lambda: [])
    db.forget_engines()
    yield isolated_data
    db.forget_engines()


def _action(text: str = "Ask the survey team for ward-level results", **kw) -> object:
    fields = {"kind": "action", "priority_id": "p01", "text": text, "owner": "Cohesion lead", "due": "2026-03-31"}
    fields.update(kw)
    return new_action(**fields)


def test_new_action_fills_id_and_timestamp_and_checks_dates() -> None:
    a = _action(due=date(2026, 3, 31), meeting_date="2026-01-15", indicator_id="cls_trust")
    b = _action()
    assert a.id != b.id and len(a.id) == 36
    assert a.recorded_at.startswith(str(date.today().year))
    assert a.due == "2026-03-31" and a.meeting_date == "2026-01-15" and a.indicator_id == "cls_trust"


@pytest.mark.parametrize(("fields", "expected"), [
    ({"text": "   "}, "text: write what was decided"),
    ({"owner": ""}, "owner: an action needs an owner"),
    ({"due": "31/03/2026"}, "due: expected a date as YYYY-MM-DD, got '31/03/2026'"),
    ({"kind": "wish"}, "kind: expected one of action, decision"),
    ({"text": "x" * 2001}, "text: at most 2000 characters"),
    ({"priority_id": "p99"}, "priority: 'p99' is not a priority"),
])
def test_bad_fields_are_refused_with_the_field_named(fields: dict, expected: str) -> None:
    with pytest.raises(ActionError) as err:
        _action(**fields, known_priorities={"p01"})
    assert expected in str(err.value)


def test_a_decision_needs_no_owner() -> None:
    assert new_action(kind="decision", priority_id="p01", text="Adopt the plan").owner == ""


def test_round_trip_keeps_text_and_records_the_author(fresh_db: Path) -> None:
    text = "Line one\nLine two: “quotes”, £5, ✔ and </script>"
    append_action(_action(text), author="chair@example.org")
    append_action(_action("Second"))
    log = read_actions()
    assert not log.problems
    assert [a.text for a in log.actions] == [text, "Second"]
    assert log.actions[0].recorded_by == "chair@example.org"
    assert log.actions[1].recorded_by.endswith("(local account)")  # no sign-in: the OS account
    assert log.for_priority("p01") == log.actions and log.for_priority("p02") == []
    assert (fresh_db / "cohesion.sqlite").exists()
    with sa.create_engine(f"sqlite:///{fresh_db / 'cohesion.sqlite'}").connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_corrections_and_status_are_new_versions_nothing_overwritten(fresh_db: Path) -> None:
    first = append_action(_action("Draft the plan"), author="member@example.org")
    done = update_action(first.id, based_on=1, status="done", author="chair@example.org", note="agreed at meeting")
    fixed = update_action(first.id, based_on=2, text="Draft and publish the plan", author="member@example.org")
    assert (done.version, done.status, fixed.version, fixed.status) == (2, "done", 3, "done")
    history = action_history(first.id)
    assert [(h.version, h.text, h.status, h.changed_by) for h in history] == [
        (1, "Draft the plan", "open", "member@example.org"),
        (2, "Draft the plan", "done", "chair@example.org"),
        (3, "Draft and publish the plan", "done", "member@example.org"),
    ]
    assert history[1].note == "agreed at meeting"
    [shown] = read_actions().actions
    assert shown.text == "Draft and publish the plan" and shown.version == 3
    assert shown.recorded_by == "member@example.org" and shown.recorded_at == first.recorded_at
    with pytest.raises(ActionError, match=r"changed by member@example.org at .* while you were editing"):
        update_action(first.id, based_on=2, status="open")
    with pytest.raises(ActionError, match="nothing changed"):
        update_action(first.id, based_on=3, status="done")
    with pytest.raises(ActionError, match="status: expected one of open, done, got 'closed'"):
        update_action(first.id, based_on=3, status="closed")
    assert get_action(first.id).version == 3


def _write_legacy(folder: Path, raw: bytes) -> Path:
    path = folder / "meetings" / "actions.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return path


def _line(n: int) -> bytes:
    return json.dumps({"id": f"old-{n}", "recorded_at": f"2026-01-0{n}T10:00:00+00:00", "kind": "action",
                       "priority_id": "p01", "text": f"Old {n}", "owner": "Lead"}).encode()


def test_first_start_imports_a_torn_log_keeping_every_complete_record(fresh_db: Path) -> None:
    # The full-disk story: record 2 was cut off mid-line; record 3 was appended onto its torn bytes.
    raw = _line(1) + b"\n" + _line(2)[:40] + _line(3) + b"\n" + _line(4) + b"\n" + _line(5)[:30]
    path = _write_legacy(fresh_db, raw)
    log = read_actions()
    assert [a.text for a in log.actions] == ["Old 1", "Old 3", "Old 4"]
    assert log.problems == [
        "actions.jsonl, line 2: skipped: incomplete line (torn write?); every complete record was kept",
        "actions.jsonl, line 4: skipped: incomplete line (torn write?); every complete record was kept",
    ]
    assert all(a.recorded_by == "imported from actions.jsonl" for a in log.actions)
    assert log.actions[0].recorded_at == "2026-01-01T10:00:00+00:00"
    assert path.read_bytes() == raw  # the old file is left exactly as it was
    db.forget_engines()  # the next start imports again: nothing is duplicated
    assert len(read_actions().actions) == 3


def test_import_names_invalid_middle_lines(fresh_db: Path) -> None:
    raw = _line(1) + b"\nnot json\n" + json.dumps({"id": "x", "kind": "action"}).encode() + b"\n[1, 2]\n" + _line(2) + b"\n"
    _write_legacy(fresh_db, raw)
    log = read_actions()
    assert [a.text for a in log.actions] == ["Old 1", "Old 2"]
    assert log.problems[0].startswith("actions.jsonl, line 2: skipped:")
    assert log.problems[1] == "actions.jsonl, line 3: skipped: missing recorded_at, priority_id, text"
    assert log.problems[2] == "actions.jsonl, line 4: skipped: expected a JSON object"


def test_old_log_path_is_under_the_data_folder(fresh_db: Path) -> None:
    assert log_path() == fresh_db.resolve() / "meetings" / "actions.jsonl"


def test_a_full_disk_is_one_sentence_and_the_next_save_works(fresh_db: Path) -> None:
    append_action(_action("Before"))
    eng = db.engine()

    def _cap(dbapi_conn, _record) -> None:  # noqa: ANN001
        count = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {count}")  # SQLite's own "disk is full"

    sa.event.listen(eng, "connect", _cap)
    eng.dispose()
    with pytest.raises(db.DatabaseError) as err:
        for n in range(50):
            append_action(_action(f"Big {n} " + "x" * 1900))
    assert str(err.value).startswith("The database is full (no space left on the disk); nothing was saved. (sqlite:///")
    sa.event.remove(eng, "connect", _cap)
    eng.dispose()
    append_action(_action("After"))
    texts = [a.text for a in read_actions().actions]
    assert texts[0] == "Before" and texts[-1] == "After"
    assert all(t.startswith(("Before", "After", "Big")) for t in texts)  # nothing half-written


def test_an_unreachable_database_is_one_sentence(fresh_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(db.ENV_DATABASE_URL, "postgresql://cohesion:secret@127.0.0.1:9/cohesion")
    with pytest.raises(db.DatabaseError) as err:
        read_actions()
    message = str(err.value)
    assert message.startswith("The database could not be reached: ")
    assert "postgresql+psycopg://cohesion:***@127.0.0.1:9/cohesion" in message and "secret" not in message


def _writer(tag: str) -> None:
    db.forget_engines()
    for n in range(WRITES_PER_PROCESS):
        append_action(_action(f"{tag}-{n} " + tag * 1900))


def test_two_concurrent_writers_lose_nothing(fresh_db: Path) -> None:
    read_actions()  # create the database first, as the first page view does
    db.forget_engines()
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(tag,)) for tag in ("A", "B")]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    log = read_actions()
    assert len(log.actions) == 2 * WRITES_PER_PROCESS
    for tag in ("A", "B"):
        mine = [a.text.split(" ")[0] for a in log.actions if a.text.startswith(tag + "-")]
        assert sorted(mine, key=lambda t: int(t.split("-")[1])) == [f"{tag}-{n}" for n in range(WRITES_PER_PROCESS)]
        assert all(a.text.endswith(tag * 1900) for a in log.actions if a.text.startswith(tag + "-"))


def test_manual_status_csv_is_a_seed_imported_once_and_dashboard_entries_follow(fresh_db: Path) -> None:
    from cohesion.status.manual import manual_statuses, set_manual_status

    csv = fresh_db / "manual_status.csv"
    csv.write_text("indicator_id,status,commentary,owner,set_on,review_days\n"
                   "misinformation_response,Amber,Protocol drafted,Comms lead,2025-10-01,\n", encoding="utf-8")
    assert manual_statuses()["status"].tolist() == ["Amber"]
    assert manual_statuses()["status"].tolist() == ["Amber"]  # imported once, however often it is read
    set_manual_status(indicator_id="misinformation_response", status="green", owner="Chair",
                      set_on=date(2025, 10, 1), author="chair@example.org")
    frame = manual_statuses()
    assert frame["status"].tolist() == ["Amber", "Green"] and frame["set_on"].tolist()[1] == date(2025, 10, 1)
    with csv.open("a", encoding="utf-8") as handle:  # a group that keeps editing the file
        handle.write("misinformation_response,Red,Protocol stalled,Comms lead,2025-11-01,30\n")
    assert manual_statuses()["status"].tolist() == ["Amber", "Green", "Red"]
    csv.write_text("indicator_id,status\nx,Purple\n", encoding="utf-8")
    problems: list[str] = []
    assert len(manual_statuses(problems=problems)) == 3  # a bad file never hides what is in the database
    assert problems[0].startswith("The manual status file could not be used, so its rows are not imported: ")
    assert "manual_status.csv" in problems[0]


def test_a_status_set_on_the_dashboard_is_what_the_status_engine_shows(fresh_db: Path) -> None:
    from cohesion.catalogue import load_catalogue
    from cohesion.config import CATALOGUE_PATH
    from cohesion.status.manual import MANUAL_FILE_NAME, set_manual_status
    from cohesion.status.service import assess_current
    from cohesion.tidy import empty_frame

    catalogue = load_catalogue(CATALOGUE_PATH)
    manual_ind = next(i for i in catalogue.indicators if i.status.rule == "manual")
    set_manual_status(indicator_id=manual_ind.id, status="Red", commentary="Stalled", owner="Chair",
                      set_on=date.today(), author="chair@example.org")
    bundle = assess_current(catalogue, date.today(), observations=empty_frame(),
                            manual_path=fresh_db / MANUAL_FILE_NAME)
    assert bundle.results[manual_ind.id].status == "Red"
    assert bundle.problems == []


def test_the_database_revision_changes_with_every_write_and_keys_the_shared_reads(fresh_db: Path) -> None:
    """Meeting mode asks `db.revision()` once per visit and reads the log again only when it moves,
    so every kind of write must move it, and the log read at a revision must include that write."""
    from cohesion.meeting.actions import read_actions_at
    from cohesion.status.manual import set_manual_status

    start = db.revision()
    assert db.revision() == start  # reading changes nothing
    first = append_action(_action("First action"), author="tester")
    after_action = db.revision()
    assert after_action != start
    assert [a.text for a in read_actions_at(after_action).actions] == ["First action"]
    update_action(first.id, based_on=first.version, status="done", note="finished", author="tester")
    after_update = db.revision()
    assert after_update != after_action  # a correction is a new version, so it moves too
    assert read_actions_at(after_update).actions[0].status == "done"
    assert read_actions_at(after_action).actions[0].status == "open"  # each revision keeps its own read
    set_manual_status(indicator_id="le_services_understand_needs", status="Amber", commentary="", owner="chair",
                      set_on=date(2026, 11, 30), author="tester")
    assert db.revision() != after_update

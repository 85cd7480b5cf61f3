"""The append-only action log: validation, round trip, damaged lines, and concurrent writers."""

from __future__ import annotations

import json
import multiprocessing
from datetime import date
from pathlib import Path

import pytest

from cohesion.meeting.actions import ActionError, append_action, log_path, new_action, read_actions

WRITES_PER_PROCESS = 200


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


def test_round_trip_keeps_text_with_newlines_and_unicode_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "actions.jsonl"
    text = "Line one\nLine two: “quotes”, £5, ✔ and </script>"
    append_action(_action(text), path)
    append_action(_action("Second"), path)
    raw = path.read_bytes()
    assert raw.count(b"\n") == 2  # one record per line, whatever the user typed
    log = read_actions(path)
    assert not log.problems
    assert [a.text for a in log.actions] == [text, "Second"]
    assert log.for_priority("p01") == log.actions and log.for_priority("p02") == []


def test_missing_log_is_empty_not_an_error(tmp_path: Path) -> None:
    log = read_actions(tmp_path / "none.jsonl")
    assert log.actions == [] and log.problems == []


def test_torn_last_line_is_reported_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "actions.jsonl"
    for n in range(3):
        append_action(_action(f"Action {n}"), path)
    with path.open("ab") as handle:
        handle.write(b'{"id": "abc", "kind": "act')  # a write cut off mid-line
    log = read_actions(path)
    assert [a.text for a in log.actions] == ["Action 0", "Action 1", "Action 2"]
    assert log.problems == ["actions.jsonl, line 4: skipped: incomplete line (torn write?)"]


def test_invalid_middle_lines_are_skipped_and_named(tmp_path: Path) -> None:
    path = tmp_path / "actions.jsonl"
    append_action(_action("First"), path)
    with path.open("ab") as handle:
        handle.write(b"not json\n")
        handle.write(json.dumps({"id": "x", "kind": "action"}).encode() + b"\n")
        handle.write(b"[1, 2]\n")
    append_action(_action("Last"), path)
    log = read_actions(path)
    assert [a.text for a in log.actions] == ["First", "Last"]
    assert len(log.problems) == 3
    assert log.problems[0].startswith("actions.jsonl, line 2: skipped:")
    assert "line 3: skipped: missing recorded_at, priority_id, text" in log.problems[1]
    assert "line 4: skipped: expected a JSON object" in log.problems[2]


def test_log_lives_under_the_data_folder(isolated_data: Path) -> None:
    assert log_path() == isolated_data.resolve() / "meetings" / "actions.jsonl"
    append_action(_action())
    assert len(read_actions().actions) == 1


def _writer(path: str, tag: str) -> None:
    # Long texts make each line several KB, so unlocked, non-atomic writes would interleave.
    for n in range(WRITES_PER_PROCESS):
        append_action(_action(f"{tag}-{n} " + tag * 1900), Path(path))


def test_two_concurrent_writers_lose_nothing_and_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "actions.jsonl"
    ctx = multiprocessing.get_context("fork")  # flock and O_APPEND are POSIX, like the log itself
    procs = [ctx.Process(target=_writer, args=(str(path), tag)) for tag in ("A", "B")]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 2 * WRITES_PER_PROCESS + 1
    log = read_actions(path)
    assert log.problems == []
    assert len(log.actions) == 2 * WRITES_PER_PROCESS
    assert len({a.id for a in log.actions}) == 2 * WRITES_PER_PROCESS
    for tag in ("A", "B"):
        mine = [a.text.split(" ")[0] for a in log.actions if a.text.startswith(tag + "-")]
        assert mine == [f"{tag}-{n}" for n in range(WRITES_PER_PROCESS)]  # each writer's order kept
        assert all(a.text.endswith(tag * 1900) for a in log.actions if a.text.startswith(tag + "-"))

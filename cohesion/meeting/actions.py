"""The decisions-and-actions log: an append-only JSON Lines file under data/meetings/.

Two people may press "Save" at the same moment in a meeting, so every record is written as one
line in one `os.write` on a file opened with O_APPEND, inside an exclusive `flock`. O_APPEND
makes the kernel place each write at the current end; the lock guards against filesystems
where large appends are not atomic. Nothing is ever rewritten: correcting an action means
recording a new one. Reading tolerates a torn or invalid line (for example after a power cut
mid-write) by reporting it with the file and line number, and keeps every other record.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from cohesion import config

LOG_NAME = "actions.jsonl"
KINDS = ("action", "decision")
MAX_TEXT_CHARS = 2000  # a decision is a sentence or a paragraph, not a document
MAX_OWNER_CHARS = 120


class ActionError(ValueError):
    """An action record that cannot be saved; the message says which field and what was expected."""


@dataclass(frozen=True)
class Action:
    """One decision or action recorded against a priority (and optionally one of its indicators)."""

    id: str
    recorded_at: str  # ISO timestamp, UTC
    kind: str  # "action" | "decision"
    priority_id: str
    text: str
    owner: str = ""
    due: str | None = None  # ISO date
    indicator_id: str | None = None
    meeting_date: str | None = None  # ISO date of the meeting it was recorded in

    def to_json_line(self) -> bytes:
        # ensure_ascii keeps the line free of raw newlines or odd bytes whatever the user typed.
        return (json.dumps(asdict(self), ensure_ascii=True, sort_keys=True) + "\n").encode("ascii")


@dataclass
class ActionLog:
    """What `read_actions` found: the valid records, and a sentence for each line it skipped."""

    actions: list[Action] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def for_priority(self, priority_id: str) -> list[Action]:
        return [a for a in self.actions if a.priority_id == priority_id]


def log_path() -> Path:
    """Where the action log lives: data/meetings/actions.jsonl (git-ignored)."""
    return config.data_dir() / "meetings" / LOG_NAME


def new_action(*, kind: str, priority_id: str, text: str, owner: str = "", due: date | str | None = None,
               indicator_id: str | None = None, meeting_date: date | str | None = None,
               known_priorities: set[str] | None = None, known_indicators: set[str] | None = None) -> Action:
    """Check the fields and return a new record with a fresh id and timestamp.

    Raises ActionError naming the field when something is missing or malformed.
    """
    if kind not in KINDS:
        raise ActionError(f"kind: expected one of {', '.join(KINDS)}, got '{kind}'")
    text = (text or "").strip()
    owner = (owner or "").strip()
    if not text:
        raise ActionError("text: write what was decided or what is to be done")
    if len(text) > MAX_TEXT_CHARS:
        raise ActionError(f"text: at most {MAX_TEXT_CHARS} characters (got {len(text)})")
    if len(owner) > MAX_OWNER_CHARS:
        raise ActionError(f"owner: at most {MAX_OWNER_CHARS} characters (got {len(owner)})")
    if kind == "action" and not owner:
        raise ActionError("owner: an action needs an owner (a person or team)")
    if known_priorities is not None and priority_id not in known_priorities:
        raise ActionError(f"priority: '{priority_id}' is not a priority in the catalogue")
    if indicator_id and known_indicators is not None and indicator_id not in known_indicators:
        raise ActionError(f"indicator: '{indicator_id}' is not an indicator in the catalogue")
    return Action(
        id=str(uuid.uuid4()),
        recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        kind=kind,
        priority_id=priority_id,
        text=text,
        owner=owner,
        due=_iso_date(due, "due"),
        indicator_id=indicator_id or None,
        meeting_date=_iso_date(meeting_date, "meeting date"),
    )


def _iso_date(value: date | str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise ActionError(f"{name}: expected a date as YYYY-MM-DD, got '{value}'") from exc


def append_action(action: Action, path: Path | None = None) -> Path:
    """Append one record as one line in one write, under an exclusive lock. Returns the log path."""
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = action.to_json_line()
    fd = os.open(path, os.O_APPEND | os.O_CREAT | os.O_WRONLY, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            written = os.write(fd, line)
            if written != len(line):  # a short write would leave a torn line; say so loudly
                raise OSError(f"{path.name}: only {written} of {len(line)} bytes written")
            os.fsync(fd)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
    return path


_FIELDS = set(Action.__dataclass_fields__)
_REQUIRED = ("id", "recorded_at", "kind", "priority_id", "text")


def read_actions(path: Path | None = None) -> ActionLog:
    """Every valid record in the log, oldest first; invalid lines are reported, not fatal."""
    path = path or log_path()
    log = ActionLog()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return log
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
            if not isinstance(record, dict):
                raise ValueError("expected a JSON object")
            missing = [k for k in _REQUIRED if not record.get(k)]
            if missing:
                raise ValueError(f"missing {', '.join(missing)}")
            log.actions.append(Action(**{k: v for k, v in record.items() if k in _FIELDS}))
        except (ValueError, TypeError) as exc:
            reason = "incomplete line (torn write?)" if not raw.endswith(b"\n") and number == raw.count(b"\n") + 1 \
                else str(exc).splitlines()[0][:120]
            log.problems.append(f"{path.name}, line {number}: skipped: {reason}")
    return log

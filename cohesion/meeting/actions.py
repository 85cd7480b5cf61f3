"""The decisions-and-actions log, kept in the database (see `cohesion.db`).

Nothing is ever overwritten: recording an action writes version 1; correcting its text, owner or
due date, or marking it done (or open again), writes the next version, with who did it and
when. The dashboard shows each action's newest version; `action_history` gives every version.
Each save is one database transaction, so two people saving at the same moment both succeed
and a failed save (disk full, database unreachable) leaves nothing half-written: it raises
`DatabaseError` with one sentence, and the page keeps what was typed.

Before the database, the log was a JSON Lines file; `cohesion.db.migrate` imports it once,
keeping every complete record and reporting a torn line (see `ActionLog.problems`).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from cohesion import config, db
from cohesion.db.migrate import import_problems, now_iso
from cohesion.db.schema import action_versions

LOG_NAME = "actions.jsonl"  # the old file, imported on first start
KINDS = ("action", "decision")
STATUSES = ("open", "done")
MAX_TEXT_CHARS = 2000  # a decision is a sentence or a paragraph, not a document
MAX_OWNER_CHARS = 120
MAX_NOTE_CHARS = 500


class ActionError(ValueError):
    """An action record that cannot be saved; the message says which field and what was expected."""


@dataclass(frozen=True)
class Action:
    """One decision or action (its newest version) recorded against a priority."""

    id: str
    recorded_at: str  # ISO timestamp (UTC) of version 1
    kind: str  # "action" | "decision"
    priority_id: str
    text: str
    owner: str = ""
    due: str | None = None  # ISO date
    indicator_id: str | None = None
    meeting_date: str | None = None  # ISO date of the meeting it was recorded in
    status: str = "open"  # "open" | "done"
    version: int = 1
    recorded_by: str = ""  # who wrote version 1
    changed_at: str = ""  # when this version was written
    changed_by: str = ""  # who wrote this version
    note: str = ""  # why this version was written (a correction's reason)


@dataclass
class ActionLog:
    """What `read_actions` found: the records, and a sentence for anything the import skipped."""

    actions: list[Action] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def for_priority(self, priority_id: str) -> list[Action]:
        return [a for a in self.actions if a.priority_id == priority_id]


def log_path() -> Path:
    """Where the old JSON Lines log lived: data/meetings/actions.jsonl (imported on first start)."""
    return config.data_dir() / "meetings" / LOG_NAME


def new_action(*, kind: str, priority_id: str, text: str, owner: str = "", due: date | str | None = None,
               indicator_id: str | None = None, meeting_date: date | str | None = None,
               known_priorities: set[str] | None = None, known_indicators: set[str] | None = None) -> Action:
    """Check the fields and return a new (unsaved) record with a fresh id and timestamp.

    Raises ActionError naming the field when something is missing or malformed.
    """
    if kind not in KINDS:
        raise ActionError(f"kind: expected one of {', '.join(KINDS)}, got '{kind}'")
    text, owner = _check_text(text, owner, kind)
    if known_priorities is not None and priority_id not in known_priorities:
        raise ActionError(f"priority: '{priority_id}' is not a priority in the catalogue")
    if indicator_id and known_indicators is not None and indicator_id not in known_indicators:
        raise ActionError(f"indicator: '{indicator_id}' is not an indicator in the catalogue")
    stamp = now_iso()
    return Action(id=str(uuid.uuid4()), recorded_at=stamp, kind=kind, priority_id=priority_id, text=text,
                  owner=owner, due=_iso_date(due, "due"), indicator_id=indicator_id or None,
                  meeting_date=_iso_date(meeting_date, "meeting date"), changed_at=stamp)


def _check_text(text: str, owner: str, kind: str) -> tuple[str, str]:
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
    return text, owner


def _iso_date(value: date | str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise ActionError(f"{name}: expected a date as YYYY-MM-DD, got '{value}'") from exc


def _row(action: Action, author: str) -> dict:
    return {"action_id": action.id, "version": action.version, "kind": action.kind,
            "priority_id": action.priority_id, "text": action.text, "owner": action.owner, "due": action.due,
            "indicator_id": action.indicator_id, "meeting_date": action.meeting_date, "status": action.status,
            "note": action.note, "written_at": action.changed_at or now_iso(), "written_by": author}


def append_action(action: Action, author: str | None = None) -> Action:
    """Save a new record as version 1 (one transaction). Returns it as saved, with its author.

    Raises DatabaseError (one sentence) when the database cannot be written.
    """
    author = author or db.os_author()
    saved = replace(action, version=1, recorded_by=author, changed_by=author,
                    changed_at=action.changed_at or action.recorded_at)
    try:
        with db.write() as conn:
            conn.execute(action_versions.insert().values(**_row(saved, author)))
    except db.DatabaseError as exc:
        if isinstance(exc.__cause__, sa.exc.IntegrityError):
            raise ActionError(f"this record (id {action.id}) is already saved") from exc
        raise
    return saved


def update_action(action_id: str, *, based_on: int, author: str | None = None, status: str | None = None,
                  text: str | None = None, owner: str | None = None, due: date | str | None = "",
                  note: str = "") -> Action:
    """Write the next version of an action: a correction or a status change. Nothing is overwritten.

    `based_on` is the version the person was looking at; if someone else saved a newer one
    meanwhile, ActionError says so and nothing is written. `due=""` keeps the due date, None clears it.
    """
    author = author or db.os_author()
    current = get_action(action_id)
    if current is None:
        raise ActionError(f"action {action_id}: not found")
    if current.version != based_on:
        raise ActionError(f"action {action_id}: changed by {current.changed_by} at {current.changed_at} "
                          "while you were editing; reload and try again")
    if status is not None and status not in STATUSES:
        raise ActionError(f"status: expected one of {', '.join(STATUSES)}, got '{status}'")
    if len(note or "") > MAX_NOTE_CHARS:
        raise ActionError(f"note: at most {MAX_NOTE_CHARS} characters (got {len(note)})")
    new_text, new_owner = _check_text(current.text if text is None else text,
                                      current.owner if owner is None else owner, current.kind)
    nxt = replace(current, version=current.version + 1, status=status or current.status, text=new_text,
                  owner=new_owner, due=current.due if due == "" else _iso_date(due, "due"),
                  note=(note or "").strip(), changed_at=now_iso(), changed_by=author)
    if nxt == replace(current, version=nxt.version, changed_at=nxt.changed_at, changed_by=author, note=nxt.note):
        raise ActionError("nothing changed: edit the text, owner, due date or status first")
    try:
        with db.write() as conn:
            conn.execute(action_versions.insert().values(**_row(nxt, author)))
    except db.DatabaseError as exc:
        if isinstance(exc.__cause__, sa.exc.IntegrityError):
            raise ActionError(f"action {action_id}: someone saved a change at the same moment; "
                              "reload and try again") from exc
        raise
    return nxt


def _versions(where: sa.ColumnElement[bool] | None = None) -> list[dict]:
    query = sa.select(action_versions).order_by(action_versions.c.action_id, action_versions.c.version)
    if where is not None:
        query = query.where(where)
    with db.read() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def _fold(rows: list[dict]) -> list[Action]:
    """Newest version of each action, with version 1's time and author, oldest action first."""
    first: dict[str, dict] = {}
    last: dict[str, dict] = {}
    for row in rows:
        first.setdefault(row["action_id"], row)
        last[row["action_id"]] = row
    out = [_action(last[k], first[k]) for k in last]
    return sorted(out, key=lambda a: (a.recorded_at, a.id))


def _action(row: dict, first: dict) -> Action:
    return Action(id=row["action_id"], recorded_at=first["written_at"], kind=row["kind"],
                  priority_id=row["priority_id"], text=row["text"], owner=row["owner"] or "", due=row["due"],
                  indicator_id=row["indicator_id"], meeting_date=row["meeting_date"], status=row["status"],
                  version=row["version"], recorded_by=first["written_by"], changed_at=row["written_at"],
                  changed_by=row["written_by"], note=row["note"] or "")


def read_actions() -> ActionLog:
    """Every action's newest version, oldest first, and any problem the first-start import reported.

    Raises DatabaseError when the database cannot be read.
    """
    log = ActionLog(actions=_fold(_versions()))
    with db.read() as conn:
        log.problems = [p for p in import_problems(conn) if LOG_NAME in p]
    return log


@functools.lru_cache(maxsize=4)
def read_actions_at(revision: tuple) -> ActionLog:
    """`read_actions()` for a database revision (`db.revision()`): read once per revision, shared
    between sessions (callers must not change it)."""
    return read_actions()


def get_action(action_id: str) -> Action | None:
    """The newest version of one action, or None."""
    found = _fold(_versions(action_versions.c.action_id == action_id))
    return found[0] if found else None


def action_history(action_id: str) -> list[Action]:
    """Every version of one action, oldest first (each as it stood after that version)."""
    rows = _versions(action_versions.c.action_id == action_id)
    return [_action(row, rows[0]) for row in rows]

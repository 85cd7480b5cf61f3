"""First-start import of the files the dashboard kept before it had a database.

- `meetings/actions.jsonl` (the old append-only action log): every complete record becomes
  version 1 of its action; a torn or invalid line (e.g. from a full disk mid-write) is reported
  with the file and line number and everything else is kept.
- `meetings/snapshots/meeting-*.json`: each readable snapshot becomes a row; a damaged one is reported.
- `manual_status.csv`: each row becomes a manual-status entry (see `status/manual.py`).

Imports are idempotent: actions keep their ids, snapshot and CSV rows carry an `import_key`
(file name and a hash of the content), so running this at every start adds only what is new.
The old files are left exactly as they were, nothing a person wrote is deleted. What was
imported and what was skipped is kept in the `imports` table and shown with the action log.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cohesion import config
from cohesion.db.schema import action_versions, imports, manual_statuses, snapshots

ACTIONS_SOURCE = "meetings/actions.jsonl"
IMPORTED_BY = "imported from {name}"
_REQUIRED = ("id", "recorded_at", "kind", "priority_id", "text")
_OPTIONAL = ("owner", "due", "indicator_id", "meeting_date")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")  # orders saves within a second


def parse_action_lines(raw: bytes, name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Complete records from a JSON Lines action log, and a sentence for each line skipped."""
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    lines = raw.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
            if not isinstance(record, dict):
                raise ValueError("expected a JSON object")
            missing = [k for k in _REQUIRED if not record.get(k)]
            if missing:
                raise ValueError(f"missing {', '.join(missing)}")
            records.append(record)
        except (ValueError, TypeError) as exc:
            torn = number == len(lines) and not raw.endswith(b"\n")
            torn = torn or _looks_torn(line)
            reason = "incomplete line (torn write?)" if torn else str(exc).splitlines()[0][:120]
            problems.append(f"{name}, line {number}: skipped: {reason}")
    return records, problems


def _looks_torn(line: bytes) -> bool:
    # A save appended after a torn one sits on the same line: `{...partial{...complete}`.
    return line.count(b'{"') > 1


def _salvage(line_records: list[dict[str, Any]], raw: bytes) -> list[dict[str, Any]]:
    """Recover the complete record glued onto the end of a torn line, if there is one."""
    found = list(line_records)
    for line in raw.split(b"\n"):
        if not _looks_torn(line):
            continue
        tail = line[line.rfind(b'{"'):]
        try:
            record = json.loads(tail.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(record, dict) and all(record.get(k) for k in _REQUIRED):
            found.append(record)
    return found


def import_actions_file(conn: Connection, path: Path) -> tuple[int, list[str]]:
    """Import every complete record of an old action log; returns (rows added, problems)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return 0, []
    records, problems = parse_action_lines(raw, path.name)
    records = _salvage(records, raw)
    if len(records) > 0 and any("torn" in p for p in problems):
        problems = [p + "; every complete record was kept" for p in problems]
    known = set(conn.scalars(sa.select(action_versions.c.action_id).where(action_versions.c.version == 1)))
    rows = []
    for rec in records:
        if rec["id"] in known:
            continue
        known.add(rec["id"])
        rows.append({
            "action_id": str(rec["id"]), "version": 1, "kind": str(rec["kind"]), "priority_id": str(rec["priority_id"]),
            "text": str(rec["text"]), "owner": str(rec.get("owner") or ""), "due": rec.get("due") or None,
            "indicator_id": rec.get("indicator_id") or None, "meeting_date": rec.get("meeting_date") or None,
            "status": "open", "note": "", "written_at": str(rec["recorded_at"]),
            "written_by": IMPORTED_BY.format(name=path.name),
        })
    if rows:
        conn.execute(action_versions.insert(), rows)
    return len(rows), problems


def import_snapshot_files(conn: Connection, folder: Path) -> tuple[int, list[str]]:
    """Import each readable `meeting-*.json` once; damaged files are reported."""
    from cohesion.meeting.snapshot import SnapshotError, snapshot_from_json

    if not folder.is_dir():
        return 0, []
    known = set(conn.scalars(sa.select(snapshots.c.import_key).where(snapshots.c.import_key.is_not(None))))
    added, problems = 0, []
    for path in sorted(folder.glob("meeting-*.json")):
        try:
            body = path.read_bytes()
            key = f"file:{path.name}:{hashlib.sha256(body).hexdigest()[:16]}"
            if key in known:
                continue
            snap = snapshot_from_json(body.decode("utf-8"), path.name)
        except (OSError, UnicodeDecodeError, SnapshotError) as exc:
            problems.append(str(exc) if isinstance(exc, SnapshotError) else f"{path.name}: could not be read ({exc})")
            continue
        conn.execute(snapshots.insert().values(
            meeting_date=snap.meeting_date, taken_at=snap.taken_at, body=snap.to_json(), import_key=key,
            written_at=snap.taken_at, written_by=IMPORTED_BY.format(name=path.name)))
        added += 1
    return added, problems


def import_manual_rows(conn: Connection, frame: Any, name: str) -> int:
    """Add the rows of a checked manual-status frame that are not in the database yet."""
    known = set(conn.scalars(sa.select(manual_statuses.c.import_key).where(manual_statuses.c.import_key.is_not(None))))
    rows = []
    seen: dict[str, int] = {}
    for rec in frame.to_dict("records"):
        review = rec["review_days"]
        review = None if review is None or review != review else int(review)  # NaN check without pandas
        content = json.dumps([rec["indicator_id"], rec["status"], rec["commentary"], rec["owner"],
                              rec["set_on"].isoformat(), review], ensure_ascii=True)
        digest = hashlib.sha256(content.encode()).hexdigest()[:24]
        seen[digest] = seen.get(digest, 0) + 1  # identical rows typed twice stay two rows
        key = f"csv:{name}:{digest}:{seen[digest]}"
        if key in known:
            continue
        rows.append({"indicator_id": rec["indicator_id"], "status": rec["status"], "commentary": rec["commentary"],
                     "owner": rec["owner"], "set_on": rec["set_on"].isoformat(), "review_days": review,
                     "import_key": key, "written_at": now_iso(), "written_by": IMPORTED_BY.format(name=name)})
    if rows:
        conn.execute(manual_statuses.insert(), rows)
    return len(rows)


def record_import(conn: Connection, source: str, rows: int, problems: list[str]) -> None:
    """Remember the latest import of a file (this table is bookkeeping, not what people wrote)."""
    conn.execute(imports.delete().where(imports.c.source == source))
    conn.execute(imports.insert().values(source=source, imported_at=now_iso(), rows=rows,
                                         problems=json.dumps(problems, ensure_ascii=False)))


def import_problems(conn: Connection) -> list[str]:
    """Every problem found by the imports, e.g. the torn line of an old action log."""
    out: list[str] = []
    for text in conn.scalars(sa.select(imports.c.problems).order_by(imports.c.source)):
        out.extend(json.loads(text or "[]"))
    return out


def import_legacy_files(conn: Connection) -> None:
    """Import the old files of the data folder into a freshly opened database (idempotent).

    Runs inside the transaction that created the tables, so it is all or nothing.
    """
    from cohesion.loaders.errors import DataFileError
    from cohesion.status.manual import MANUAL_FILE_NAME, load_manual_statuses

    meetings = config.data_dir() / "meetings"
    n, problems = import_actions_file(conn, meetings / "actions.jsonl")
    if n or problems:
        record_import(conn, ACTIONS_SOURCE, n, problems)
    n, problems = import_snapshot_files(conn, meetings / "snapshots")
    if n or problems:
        record_import(conn, "meetings/snapshots", n, problems)
    manual_path = config.data_dir() / MANUAL_FILE_NAME
    with contextlib.suppress(DataFileError):  # a bad file is reported where statuses are computed
        import_manual_rows(conn, load_manual_statuses(manual_path), manual_path.name)

"""Meeting snapshots: every status and latest value as they stood when a meeting was held.

When the Delivery Group marks a meeting as held, the snapshot is saved as one row in the
database (see `cohesion.db`), with who marked it and when. The next meeting compares the live
statuses against the latest snapshot (see `diff.py`) to open with what changed. Marking the same
day again adds a newer row that wins for that day; nothing is overwritten. Snapshot files from
before the database (data/meetings/snapshots/meeting-*.json) are imported on first start; a
damaged one is reported by file name rather than crashing the page.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from cohesion import config, db
from cohesion.catalogue.models import Catalogue
from cohesion.db.schema import snapshots
from cohesion.meeting.assess import Assessment, latest_observation

SNAPSHOT_VERSION = 1


class SnapshotError(ValueError):
    """A snapshot file that cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class IndicatorState:
    status: str
    sentence: str = ""
    latest_value: float | None = None
    latest_period: str | None = None
    unit: str = ""
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PriorityState:
    status: str
    sentence: str = ""
    assessed: int = 0
    total: int = 0


@dataclass(frozen=True)
class Snapshot:
    meeting_date: str  # ISO date of the meeting
    taken_at: str  # ISO timestamp (UTC) when it was marked as held
    store_version: str | None
    indicators: dict[str, IndicatorState] = field(default_factory=dict)
    priorities: dict[str, PriorityState] = field(default_factory=dict)
    engine_available: bool = True

    def to_json(self) -> str:
        raw = asdict(self)
        raw["snapshot_version"] = SNAPSHOT_VERSION
        return json.dumps(raw, indent=2, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Snapshot:
        raw = dict(raw)
        raw.pop("snapshot_version", None)
        indicators = {
            k: IndicatorState(**{**v, "flags": tuple(v.get("flags", ()))}) for k, v in raw.pop("indicators", {}).items()
        }
        priorities = {k: PriorityState(**v) for k, v in raw.pop("priorities", {}).items()}
        return cls(indicators=indicators, priorities=priorities, **raw)


def take_snapshot(catalogue: Catalogue, assessment: Assessment, observations: Any, *, meeting_date: date,
                  store_version: str | None) -> Snapshot:
    """Freeze the current statuses, latest values and flags of every indicator and priority.

    Latest values come from the status engine when it ran, else straight from the observations,
    so "new data arrived" still works in a build without the engine.
    """
    indicators: dict[str, IndicatorState] = {}
    for ind in catalogue.indicators:
        result = assessment.results.get(ind.id)
        flags = tuple(assessment.flags.get(ind.id, ()))
        if result is not None:
            indicators[ind.id] = IndicatorState(
                status=result.status, sentence=result.sentence, latest_value=result.latest_value,
                latest_period=result.latest_period, unit=result.unit or ind.unit, flags=flags,
            )
            continue
        latest = latest_observation(catalogue, observations, ind.id)
        indicators[ind.id] = IndicatorState(
            status="Not assessed", sentence="",
            latest_value=latest["value"] if latest else None,
            latest_period=latest["period"] if latest else None, unit=ind.unit, flags=flags,
        )
    priorities = {
        pid: PriorityState(status=p.status, sentence=p.sentence, assessed=p.assessed, total=p.total)
        for pid, p in assessment.priorities.items()
    }
    return Snapshot(
        meeting_date=meeting_date.isoformat(),
        taken_at=datetime.now(UTC).isoformat(timespec="seconds"),
        store_version=store_version,
        indicators=indicators,
        priorities=priorities,
        engine_available=assessment.engine_available,
    )


def save_snapshot(snapshot: Snapshot, author: str | None = None) -> int:
    """Save a snapshot as a new row (one transaction) and return its id; DatabaseError on failure."""
    with db.write() as conn:
        result = conn.execute(snapshots.insert().values(
            meeting_date=snapshot.meeting_date, taken_at=snapshot.taken_at, body=snapshot.to_json(),
            written_at=datetime.now(UTC).isoformat(timespec="seconds"), written_by=author or db.os_author()))
        return int(result.inserted_primary_key[0])


def snapshot_from_json(text: str, name: str) -> Snapshot:
    """Parse a snapshot's JSON; SnapshotError names `name` and what is wrong."""
    try:
        raw = json.loads(text)
        if not isinstance(raw, dict) or "meeting_date" not in raw:
            raise ValueError("expected a JSON object with a meeting_date")
        return Snapshot.from_dict(raw)
    except (ValueError, TypeError) as exc:
        raise SnapshotError(f"{name}: not a readable meeting snapshot ({str(exc).splitlines()[0][:160]})") from exc


def load_snapshot(path: Path) -> Snapshot:
    """Read an old snapshot file (they are imported into the database on first start)."""
    try:
        return snapshot_from_json(path.read_text(encoding="utf-8"), path.name)
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"{path.name}: not a readable meeting snapshot (not UTF-8 text)") from exc


def snapshots_dir() -> Path:
    """Where snapshot files lived before the database (imported on first start)."""
    return config.data_dir() / "meetings" / "snapshots"


def _rows() -> list[tuple[int, str, str, str]]:
    """(id, meeting_date, body, written_by) of the newest row per meeting date, oldest meeting first."""
    newest = (sa.select(snapshots.c.meeting_date, sa.func.max(snapshots.c.id).label("id"))
              .group_by(snapshots.c.meeting_date).subquery())
    query = (sa.select(snapshots.c.id, snapshots.c.meeting_date, snapshots.c.body, snapshots.c.written_by)
             .join(newest, newest.c.id == snapshots.c.id).order_by(snapshots.c.meeting_date))
    with db.read() as conn:
        return [tuple(r) for r in conn.execute(query)]


def list_snapshots(problems: list[str] | None = None) -> list[Snapshot]:
    """The snapshot of each held meeting (the newest if a day was marked twice), oldest first."""
    out = []
    for row_id, _day, body, _who in _rows():
        try:
            out.append(snapshot_from_json(body, f"snapshot {row_id}"))
        except SnapshotError as exc:
            if problems is not None:
                problems.append(str(exc))
    return out


@functools.lru_cache(maxsize=8)
def latest_snapshot_at(revision: tuple, before: date | None = None) -> tuple[Snapshot | None, tuple[str, ...]]:
    """(`latest_snapshot`, its problems) for a database revision (`db.revision()`): read and parsed
    once per revision and day, shared between sessions (callers must not change it)."""
    problems: list[str] = []
    return latest_snapshot(before=before, problems=problems), tuple(problems)


def latest_snapshot(*, before: date | None = None, problems: list[str] | None = None) -> Snapshot | None:
    """The most recent held meeting's snapshot (held before `before`, if given), or None.

    Unreadable rows are skipped and reported into `problems`; DatabaseError if the database is unreachable.
    """
    for snap in reversed(list_snapshots(problems)):
        if before is not None and snap.meeting_date >= before.isoformat():
            continue
        return snap
    return None

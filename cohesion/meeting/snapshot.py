"""Meeting snapshots: every status and latest value as they stood when a meeting was held.

When the Delivery Group marks a meeting as held, we save one JSON file per meeting under
data/meetings/snapshots/. The next meeting compares the live statuses against the latest
snapshot (see `diff.py`) to open with what changed. Files are written atomically (temporary file
in the same folder, then `os.replace`), so a reader never sees half a snapshot; a snapshot that
is damaged anyway is reported by file name rather than crashing the page.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cohesion import config
from cohesion.catalogue.models import Catalogue
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


def snapshots_dir() -> Path:
    return config.data_dir() / "meetings" / "snapshots"


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


def save_snapshot(snapshot: Snapshot, folder: Path | None = None) -> Path:
    """Write `meeting-YYYY-MM-DD.json` atomically; marking the same day again replaces it."""
    folder = folder or snapshots_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"meeting-{snapshot.meeting_date}.json"
    fd, tmp = tempfile.mkstemp(prefix=".snapshot-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(snapshot.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the group's other accounts read it too
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def load_snapshot(path: Path) -> Snapshot:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or "meeting_date" not in raw:
            raise ValueError("expected a JSON object with a meeting_date")
        return Snapshot.from_dict(raw)
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{path.name}: not a readable meeting snapshot ({str(exc).splitlines()[0][:160]})") from exc


def list_snapshots(folder: Path | None = None) -> list[Path]:
    """Snapshot files, oldest meeting first (the date is in the name, so names sort by date)."""
    folder = folder or snapshots_dir()
    if not folder.is_dir():
        return []
    return sorted(folder.glob("meeting-*.json"))


def latest_snapshot(folder: Path | None = None, *, before: date | None = None,
                    problems: list[str] | None = None) -> Snapshot | None:
    """The most recent readable snapshot (held before `before`, if given); damaged files are skipped
    and reported into `problems`."""
    for path in reversed(list_snapshots(folder)):
        try:
            snap = load_snapshot(path)
        except SnapshotError as exc:
            if problems is not None:
                problems.append(str(exc))
            continue
        if before is not None and snap.meeting_date >= before.isoformat():
            continue
        return snap
    return None

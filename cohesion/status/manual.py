"""Statuses the One Stoke Delivery Group sets by hand: kept in the database, seeded from `data/manual_status.csv`.

Chairs set a status on the dashboard (`set_manual_status`); each entry is a new database row
with who set it and when, nothing is overwritten. The CSV file stays readable as the seed: its
rows are imported once each (idempotently, see `cohesion.db.migrate`), so a group that keeps
editing the file still sees new rows. `manual_statuses()` is the one function the status engine
gets manual statuses from.

Columns of the CSV (documented for users in docs/manual-status.md):

    indicator_id   catalogue id of the indicator
    status         Green, Amber or Red (Grey is what the dashboard shows when nothing is set)
    commentary     the group's words, shown beside the status
    owner          who set it (a person or a role)
    set_on         date set, YYYY-MM-DD
    review_days    optional: days until the entry goes stale (else the catalogue rule's default)

For indicators whose rule is `manual`, the newest entry is the status. For any other indicator,
the newest entry's commentary and owner are shown beside the computed status; they never
override it. Bad rows of the CSV are reported naming the file, row and column, so the group can
fix the file; a missing file simply means nothing was seeded.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from cohesion import db
from cohesion.db.migrate import import_manual_rows, now_iso
from cohesion.db.schema import manual_statuses as manual_table
from cohesion.loaders.errors import DataFileError, require_columns

MANUAL_FILE_NAME = "manual_status.csv"
MANUAL_COLUMNS = ["indicator_id", "status", "commentary", "owner", "set_on", "review_days"]
REQUIRED_COLUMNS = ["indicator_id", "status", "commentary", "owner", "set_on"]
ALLOWED_STATUSES = ("Green", "Amber", "Red")


def empty_manual() -> pd.DataFrame:
    """A manual-status frame with no rows."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in MANUAL_COLUMNS})


def load_manual_statuses(path: Path) -> pd.DataFrame:
    """Read and check the manual status file; an absent file is an empty frame.

    Rows are numbered as a spreadsheet shows them (the header is row 1). `set_on` becomes a
    `datetime.date`; `review_days` an int or None.
    """
    path = Path(path)
    if not path.exists():
        return empty_manual()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(path, f"is not UTF-8 text ({exc.reason}); save it as CSV UTF-8") from exc
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    require_columns(path, header, REQUIRED_COLUMNS)
    rows: list[dict[str, Any]] = []
    for number, raw in enumerate(reader, start=2):
        cells = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(cells.values()):
            continue  # blank lines are allowed between entries
        rows.append(_check_row(path, number, cells))
    return pd.DataFrame(rows, columns=MANUAL_COLUMNS) if rows else empty_manual()


def manual_statuses(csv_path: Path | None = None, problems: list[str] | None = None) -> pd.DataFrame:
    """Every manual-status entry in the database, oldest first, after importing new CSV rows.

    A CSV that cannot be read is reported into `problems` (the database's entries are still
    used); DatabaseError if the database cannot be reached.
    """
    from cohesion import config

    csv_path = Path(csv_path) if csv_path is not None else config.data_dir() / MANUAL_FILE_NAME
    try:
        seed = load_manual_statuses(csv_path)
    except DataFileError as exc:
        seed = empty_manual()
        if problems is not None:
            problems.append(f"The manual status file could not be used, so its rows are not imported: {exc}")
    if not seed.empty:
        try:
            with db.write() as conn:
                import_manual_rows(conn, seed, csv_path.name)
        except db.DatabaseError as exc:  # e.g. a read-only database: what is already in it still counts
            if problems is not None:
                problems.append(f"New rows of {csv_path.name} could not be imported: {exc}")
    with db.read() as conn:
        rows = conn.execute(sa.select(manual_table).order_by(manual_table.c.id)).mappings().all()
    if not rows:
        return empty_manual()
    frame = pd.DataFrame([{c: r[c] for c in MANUAL_COLUMNS} for r in rows], columns=MANUAL_COLUMNS)
    frame["set_on"] = [date.fromisoformat(v) for v in frame["set_on"]]
    frame["review_days"] = [None if pd.isna(v) else int(v) for v in frame["review_days"]]
    return frame


def manual_revision() -> tuple[int, int]:
    """(entries, newest id): changes whenever a manual status is set, for caches to key on."""
    with db.read() as conn:
        count, newest = conn.execute(sa.select(sa.func.count(), sa.func.max(manual_table.c.id))).one()
    return int(count or 0), int(newest or 0)


def set_manual_status(*, indicator_id: str, status: str, commentary: str = "", owner: str = "",
                      set_on: date | None = None, review_days: int | None = None, author: str | None = None,
                      known_ids: set[str] | None = None) -> dict[str, Any]:
    """Check and save one new manual-status entry (one transaction); returns the entry.

    Raises ManualStatusError naming the field, or DatabaseError when the database cannot be written.
    """
    if known_ids is not None and indicator_id not in known_ids:
        raise ManualStatusError(f"indicator: '{indicator_id}' is not an indicator in the catalogue")
    status = (status or "").strip().capitalize()
    if status not in ALLOWED_STATUSES:
        raise ManualStatusError(f"status: expected one of {', '.join(ALLOWED_STATUSES)}, got '{status}'")
    commentary, owner = (commentary or "").strip(), (owner or "").strip()
    if len(commentary) > 2000:
        raise ManualStatusError(f"commentary: at most 2000 characters (got {len(commentary)})")
    if not owner:
        raise ManualStatusError("owner: say who set it (a person or a role)")
    if review_days is not None and review_days < 1:
        raise ManualStatusError(f"review days: a whole number of days >= 1, got {review_days}")
    entry = {"indicator_id": indicator_id, "status": status, "commentary": commentary, "owner": owner[:200],
             "set_on": (set_on or date.today()).isoformat(), "review_days": review_days}
    with db.write() as conn:
        conn.execute(manual_table.insert().values(**entry, written_at=now_iso(), written_by=author or db.os_author()))
    return entry


class ManualStatusError(ValueError):
    """A manual status that cannot be saved; the message names the field and what was expected."""


def _check_row(path: Path, number: int, cells: dict[str, str]) -> dict[str, Any]:
    if not cells.get("indicator_id"):
        raise DataFileError(path, "indicator_id is empty; expected a catalogue indicator id",
                            row=number, field="indicator_id")
    status = cells.get("status", "").capitalize()
    if status not in ALLOWED_STATUSES:
        raise DataFileError(path, f"'{cells.get('status', '')}' is not a status; expected one of "
                            f"{', '.join(ALLOWED_STATUSES)}", row=number, field="status")
    try:
        set_on = date.fromisoformat(cells.get("set_on", ""))
    except ValueError:
        raise DataFileError(path, f"'{cells.get('set_on', '')}' is not a date; expected YYYY-MM-DD, "
                            "e.g. 2025-09-30", row=number, field="set_on") from None
    review_text = cells.get("review_days", "")
    review: int | None = None
    if review_text:
        if not review_text.isdigit() or int(review_text) < 1:
            raise DataFileError(path, f"'{review_text}' is not a whole number of days >= 1 (or leave it blank)",
                                row=number, field="review_days")
        review = int(review_text)
    return {"indicator_id": cells["indicator_id"], "status": status, "commentary": cells.get("commentary", ""),
            "owner": cells.get("owner", ""), "set_on": set_on, "review_days": review}


def latest_entry(manual: pd.DataFrame | None, indicator_id: str) -> dict[str, Any] | None:
    """The newest entry for an indicator (by set_on; the later row wins a tie), or None."""
    if manual is None or manual.empty:
        return None
    rows = manual[manual["indicator_id"] == indicator_id]
    if rows.empty:
        return None
    newest = rows.assign(_order=range(len(rows))).sort_values(["set_on", "_order"]).iloc[-1]
    return {c: (None if c == "review_days" and pd.isna(newest[c]) else newest[c]) for c in MANUAL_COLUMNS}


def unknown_indicator_ids(manual: pd.DataFrame | None, known_ids: set[str]) -> list[str]:
    """Ids in the manual file that the catalogue does not have (shown as a warning, not an error)."""
    if manual is None or manual.empty:
        return []
    return sorted(set(manual["indicator_id"]) - known_ids)

"""Statuses the One Stoke Delivery Group sets by hand: `data/manual_status.csv`.

Columns (documented for users in docs/manual-status.md):

    indicator_id   catalogue id of the indicator
    status         Green, Amber or Red (Grey is what the dashboard shows when nothing is set)
    commentary     the group's words, shown beside the status
    owner          who set it (a person or a role)
    set_on         date set, YYYY-MM-DD
    review_days    optional: days until the entry goes stale (else the catalogue rule's default)

For indicators whose rule is `manual`, the newest entry is the status. For any other indicator,
the newest entry's commentary and owner are shown beside the computed status; they never
override it. Bad rows raise DataFileError naming the file, row and column, so the group can fix
the file; a missing file simply means nothing has been set yet.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

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

"""The one error type loaders raise for bad input, so every message names file, row and field."""

from __future__ import annotations

from pathlib import Path


class DataFileError(ValueError):
    """A data file is not in the expected shape.

    The message always says which file, which row (1-based, counting the header as row 1 for
    CSV) or sheet, which field, and what was expected, so a council officer can fix the file.
    """

    def __init__(self, file: Path | str, message: str, *, row: int | None = None,
                 field: str | None = None, sheet: str | None = None):
        self.file = Path(file).name
        self.row, self.field, self.sheet = row, field, sheet
        where = [self.file]
        if sheet:
            where.append(f"sheet '{sheet}'")
        if row is not None:
            where.append(f"row {row}")
        if field:
            where.append(f"column '{field}'")
        self.detail = message
        super().__init__(f"{', '.join(where)}: {message}")


def require_columns(file: Path | str, columns: list[str], required: list[str], *,
                    sheet: str | None = None) -> None:
    """Raise DataFileError naming every required column that is absent."""
    missing = [c for c in required if c not in columns]
    if missing:
        raise DataFileError(
            file,
            f"missing column(s) {', '.join(repr(c) for c in missing)}; expected header with "
            f"{', '.join(required)} (found {', '.join(map(str, columns)) or 'no columns'})",
            row=1, sheet=sheet,
        )

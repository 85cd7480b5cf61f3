"""What every public layer of community spaces is: the `Layer` record, its name in words, and the
small readers the layer loaders share (address joining, the NHS ODS no-header CSV layout).

This module imports nothing else from `cohesion.spaces` except the register's validation types,
so each loader module (public_layers, overpass) and the registry that lists them
(layer_registry) can all depend on it without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cohesion.loaders.errors import DataFileError

# Internal layer keys -> the words a user sees (tables, legends, messages). Keys never reach the screen.
LAYER_NAMES: dict[str, str] = {
    "register": "Council register",
    "libraries": "Public libraries",
    "gp_practices": "GP practices",
    "pharmacies": "Community pharmacies",
    "schools": "State-funded schools",
    "osm": "OpenStreetMap venues",
    "what-if": "What-if (not real)",
}
ODS_WIDTH = 27  # NHS ODS practice and pharmacy files: no header, 27 quoted columns


def layer_name(key: str) -> str:
    """A layer's name in words; an unknown key is shown as given rather than hidden."""
    return LAYER_NAMES.get(key, key)


@dataclass
class Layer:
    """One validated layer: its spaces (SPACES columns), notes for the page, and the credit line."""

    key: str
    title: str
    spaces: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    attribution: str = ""


def join_address(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    """Non-blank address parts joined with ', ' (absent columns count as blank)."""
    parts = frame.reindex(columns=cols).fillna("").astype(str).apply(lambda s: s.str.strip())
    return parts.apply(lambda row: ", ".join(p for p in row if p), axis=1)


def read_ods(path: Path, columns: dict[int, str], what: str) -> pd.DataFrame:
    """An NHS ODS file (no header, 27 columns) with the named columns and `row` (first line = 1)."""
    raw = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if raw.shape[1] != ODS_WIDTH:
        raise DataFileError(path, f"expected the {what} layout: no header and {ODS_WIDTH} columns, "
                            f"found {raw.shape[1]} columns", row=1)
    out = raw[list(columns)].rename(columns=columns)
    out["row"] = range(1, len(out) + 1)  # no header: the first line is row 1
    return out

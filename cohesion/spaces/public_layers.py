"""Public layers of community spaces, read into the register's shape and validated the same way.

- Arts Council England "Libraries basic dataset" (the 2023 edition's columns): every library is
  kept; those not operating in 2023 (`operation_23` other than LA council-run or CR
  community-run) have `is_open` False, so the page can show them as "lost spaces" without
  counting them as provision.
- NHS ODS `epraccur` (no header, 27 columns): active (status A) GP practices (prescribing
  setting 4) become "health setting"; the other rows are other kinds of organisation, counted in
  the layer's notes rather than silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cohesion.geo.postcodes import PostcodeLookup
from cohesion.loaders.errors import DataFileError, require_columns
from cohesion.spaces.register import Area, validate

# epraccur columns (ODS specification); only these are used.
EPRACCUR_COLUMNS = {0: "org_code", 1: "name", 4: "address1", 5: "address2", 6: "address3", 7: "address4",
                    9: "postcode", 12: "status", 25: "prescribing_setting"}
EPRACCUR_WIDTH = 27
OPEN_LIBRARY_OPERATION = {"LA": "council-run", "CR": "community-run"}


@dataclass
class Layer:
    """One validated layer: its spaces (SPACES columns), notes for the page, and the credit line."""

    key: str
    title: str
    spaces: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    attribution: str = ""


def _join(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    parts = frame.reindex(columns=cols).fillna("").astype(str).apply(lambda s: s.str.strip())
    return parts.apply(lambda row: ", ".join(p for p in row if p), axis=1)


def load_libraries(path: Path, lookup: PostcodeLookup | None = None, area: Area | None = None) -> Layer:
    """ACE public libraries; closed ones kept with is_open False (the 'lost spaces')."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [c.strip().lower() for c in raw.columns]
    operation = "operation_23" if "operation_23" in raw else "operation_2023"
    require_columns(path, list(raw.columns), ["name", "postcode", operation])
    op = raw[operation].str.strip()
    hours = raw["hours"].str.strip() if "hours" in raw else pd.Series("", index=raw.index)
    opening = [f"{h} hours a week (2023)" if h.replace(".", "", 1).isdigit() else "" for h in hours]
    staffing = op.map(OPEN_LIBRARY_OPERATION).fillna("")
    shaped = pd.DataFrame({
        "row": range(2, len(raw) + 2),
        "name": raw["name"], "category": "library",
        "address": _join(raw, ["address1", "address2", "address3"]),
        "postcode": raw["postcode"],
        "operator": staffing.where(staffing == "", "library service (" + staffing + ")"),
        "opening_pattern": opening, "free_to_use": "yes",
        "open": op.isin(list(OPEN_LIBRARY_OPERATION)).map({True: "yes", False: "no"}),
        "source": "Arts Council England, Public libraries in England basic dataset 2023",
        "last_checked": "2023-12-31", "sensitive": "no",
    })
    spaces = validate(shaped, file=path.name, layer="libraries", lookup=lookup, area=area)
    closed = int((~spaces["is_open"]).sum())
    notes = [f"{len(spaces)} libraries listed; {len(spaces) - closed} operating in 2023 (council- or "
             f"community-run); {closed} closed or temporarily closed, shown only as lost spaces"]
    return Layer("libraries", "Public libraries (Arts Council England, 2023)", spaces, notes,
                 "Public libraries in England basic dataset, Arts Council England.")


def load_gp_practices(path: Path, lookup: PostcodeLookup | None = None, area: Area | None = None) -> Layer:
    """Active GP practices from an ODS epraccur file (no header, 27 columns)."""
    raw = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if raw.shape[1] != EPRACCUR_WIDTH:
        raise DataFileError(path, f"expected the epraccur layout: no header and {EPRACCUR_WIDTH} columns, "
                            f"found {raw.shape[1]} columns", row=1)
    raw = raw[list(EPRACCUR_COLUMNS)].rename(columns=EPRACCUR_COLUMNS)
    raw["row"] = range(1, len(raw) + 1)  # no header: the first line is row 1
    keep = (raw["status"].str.strip() == "A") & (raw["prescribing_setting"].str.strip() == "4")
    practices = raw[keep]
    shaped = pd.DataFrame({
        "row": practices["row"], "name": practices["name"].str.title(), "category": "health setting",
        "address": _join(practices, ["address1", "address2", "address3", "address4"]).str.title(),
        "postcode": practices["postcode"], "operator": "GP practice (" + practices["org_code"] + ")",
        "open": "yes", "source": "NHS England ODS, GP practices (epraccur)", "last_checked": "",
        "sensitive": "no",
    })
    spaces = validate(shaped, file=path.name, layer="gp_practices", lookup=lookup, area=area)
    notes = [f"{len(raw)} rows in the file; {int(keep.sum())} are active GP practices (status A, prescribing "
             f"setting 4); the other {int((~keep).sum())} are closed practices or other prescribing settings"]
    return Layer("gp_practices", "GP practices (NHS ODS)", spaces, notes,
                 "Contains public sector information licensed under the Open Government Licence v3.0 (NHS England ODS).")


def layer_loaders() -> dict[str, tuple[str, Callable[..., Layer]]]:
    """File name in geo/layers -> (key, loader). OSM is imported lazily to keep this module small."""
    from cohesion.spaces.overpass import load_overpass

    return {"libraries.csv": ("libraries", load_libraries), "gp_practices.csv": ("gp_practices", load_gp_practices),
            "osm.json": ("osm", load_overpass)}


def load_layers(files: dict[str, Path], lookup: PostcodeLookup | None, area: Area | None) -> tuple[list[Layer], list[str]]:
    """Every public layer present; a broken file becomes a message, not a broken page."""
    layers, problems = [], []
    for name, (_key, loader) in layer_loaders().items():
        if name not in files:
            continue
        try:
            layers.append(loader(files[name], lookup, area))
        except (DataFileError, ValueError, OSError, KeyError) as exc:
            problems.append(f"{name}: could not be read: {exc}")
    return layers, problems

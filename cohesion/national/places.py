"""Every English council from the shipped lookups: find one by code or name, its region, police
force, community safety partnership, council type and ONS geographic neighbours, and the peer
groups a council can be compared with.

Reads only `data/national/` (ONS lookups, OGL; mySociety council types, CC BY 4.0), so it works
offline. Names are matched without regard to case, punctuation or "City of"/"Council" words, so
"King's Lynn and West Norfolk", "kings lynn & west norfolk" and "Bristol" all resolve.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from cohesion import config, memo

SINGLE_TIER_TYPES = {"UA", "MD", "LBO", "CC"}  # unitary, metropolitan, London borough, City of London
LONDON_REGION = "E12000007"
PEER_GROUPS = {
    "single_tier": "All English single-tier authorities",
    "single_tier_excl_london": "English single-tier authorities outside London",
    "region": "Authorities in the same region",
    "neighbours": "ONS geographic neighbours",
}
NEIGHBOUR_COUNT = 8  # boundary neighbours first, then the nearest others, up to this many


@dataclass(frozen=True)
class PlaceInfo:
    """One council as the lookups describe it."""

    code: str
    name: str
    region_code: str
    region_name: str
    pfa_code: str
    pfa_name: str
    force_code: str
    csp_codes: tuple[str, ...]
    csp_names: tuple[str, ...]
    type: str
    type_name: str
    county_name: str = ""
    neighbours: tuple[str, ...] = field(default_factory=tuple)

    @property
    def single_tier(self) -> bool:
        return self.type in SINGLE_TIER_TYPES

    @property
    def london(self) -> bool:
        return self.region_code == LONDON_REGION


class PlaceNotFound(LookupError):
    """No council matches; `suggestions` holds the closest names."""

    def __init__(self, query: str, suggestions: list[str]):
        self.query, self.suggestions = query, suggestions
        hint = f" Did you mean: {'; '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No English council called or coded '{query}'.{hint}")


def _key(name: str) -> str:
    """A name reduced for matching: lower case, '&' as 'and', punctuation and filler words dropped."""
    text = str(name).lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    words = [w for w in text.split() if w not in {"city", "of", "council", "the", "borough", "county", "metropolitan"}]
    return " ".join(words)


@lru_cache(maxsize=4)
def _tables(folder: str, _mtime: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    root = Path(folder)
    places = pd.read_csv(root / "places.csv", dtype=str, keep_default_na=False)
    types = pd.read_csv(root / "council_types.csv", dtype=str, keep_default_na=False)
    neighbours = pd.read_csv(root / "neighbours.csv", dtype=str, keep_default_na=False)
    merged = places.merge(types[["code", "nice_name", "type", "type_name", "county_name"]], on="code", how="left")
    merged = merged.fillna("")
    return merged, neighbours


def tables(folder: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(places with council types, neighbours) from the shipped national folder."""
    root = folder or config.national_dir()
    places = root / "places.csv"
    if not places.is_file():
        raise FileNotFoundError(f"{places} is missing; rebuild it with `python -m cohesion national build`")
    return _tables(str(root), places.stat().st_mtime)


def _info(row: pd.Series, neighbours: pd.DataFrame) -> PlaceInfo:
    mine = neighbours[neighbours["lad21_code"] == row["code"]]
    mine = mine.assign(_r=(mine["relation"] != "shares_boundary").astype(int),
                       _o=pd.to_numeric(mine["order_within_relation"], errors="coerce"))
    near = tuple(mine.sort_values(["_r", "_o"])["neighbour_lad21_code"].head(NEIGHBOUR_COUNT))
    return PlaceInfo(
        code=row["code"], name=row["name"], region_code=row["region_code"], region_name=row["region_name"],
        pfa_code=row["pfa_code"], pfa_name=row["pfa_name"], force_code=row["force_code"],
        csp_codes=tuple(c for c in row["csp_codes"].split(";") if c),
        csp_names=tuple(c for c in row["csp_names"].split(";") if c),
        type=row["type"], type_name=row["type_name"], county_name=row["county_name"], neighbours=near,
    )


def find_place(query: str, folder: Path | None = None) -> PlaceInfo:
    """The council with this GSS code or name; PlaceNotFound (with the closest names) otherwise."""
    places, neighbours = tables(folder)
    text = str(query).strip()
    # Found once per loaded lookup table (pages ask on every visit); a miss is worked out each time.
    found = memo.memo_of(places)
    if ("find_place", text) not in found:
        found["find_place", text] = _find_place(text, places, neighbours)
    return found["find_place", text]


def _find_place(text: str, places: pd.DataFrame, neighbours: pd.DataFrame) -> PlaceInfo:
    by_code = places[places["code"].str.upper() == text.upper()]
    if not by_code.empty:
        return _info(by_code.iloc[0], neighbours)
    wanted = _key(text)
    keys = places["name"].map(_key)
    nice = places["nice_name"].map(_key)
    hit = places[(keys == wanted) | (nice == wanted)]
    if len(hit) == 1 and wanted:
        return _info(hit.iloc[0], neighbours)
    names = places["name"].tolist()
    by_key = dict(zip(keys, names, strict=True))
    close = difflib.get_close_matches(wanted, list(by_key), n=5, cutoff=0.6)
    suggestions = [by_key[k] for k in close] or [n for n in names if wanted and wanted in _key(n)][:5]
    raise PlaceNotFound(text, suggestions)


def peer_codes(place: PlaceInfo, group: str, folder: Path | None = None) -> list[str]:
    """Codes of the authorities in a peer group of `place` (the place itself included)."""
    places, _ = tables(folder)
    single = places[places["type"].isin(SINGLE_TIER_TYPES)]
    if group == "single_tier":
        return single["code"].tolist()
    if group == "single_tier_excl_london":
        return single.loc[single["region_code"] != LONDON_REGION, "code"].tolist()
    if group == "region":
        return places.loc[places["region_code"] == place.region_code, "code"].tolist()
    if group == "neighbours":
        return [place.code, *place.neighbours]
    raise KeyError(f"unknown peer group '{group}'; expected one of {', '.join(PEER_GROUPS)}")


def names(codes: list[str] | tuple[str, ...], folder: Path | None = None) -> dict[str, str]:
    """Code -> name for the codes the lookups know."""
    places, _ = tables(folder)
    known = dict(zip(places["code"], places["name"], strict=True))
    return {c: known[c] for c in codes if c in known}

"""The read layer: the only code that reads the processed store, and the one place figures are picked.

Every page, download, meeting card, board-pack table and chart, snapshot and command reads
figures through these functions, so they all see the same series, the same latest value and
the same disclosure control:

- `load(version)` / `manifest(version)`: the store's tidy table and manifest (raw, as loaded).
- `publishable(observations, catalogue)`: the table as it may leave the app. Counts from a
  source marked `disclosure_control: true` that are below `meeting.small_count_threshold` are
  hidden (value, numerator and interval cleared, the reason in `status_note`); so is a total
  whose hidden part could be worked out by subtracting the visible parts from it.
- `current(catalogue)`: the publishable table of the live store, cached per store version.
- `place_codes`, `headline_area`, `place_series`, `latest`, `comparator_series`, `periods`,
  `indicator_rows`: series selection (the place's headline series is the rows with an empty
  breakdown for the most specific of the place's codes that has figures).
- `figure_source(catalogue, row, indicator)`: the source of one figure (its own `source_id`,
  never the indicator's default), so a typed-in news-release figure is credited to the release.

Functions are pure (inputs in, new frame out; nothing mutated) so a later per-indicator
precomputation can be keyed on (store version, catalogue digest) without changing callers.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cohesion import config, memo, store
from cohesion.catalogue.models import Catalogue, Source, is_count_unit

__all__ = [
    "comparator_series", "controlled_indicator_ids", "current", "figure_source", "headline_area", "indicator_rows",
    "latest", "load", "manifest", "periods", "place_codes", "place_series", "primary_note", "publishable",
    "secondary_note", "store_version",
]


# ---------------------------------------------------------------------------- the store


def store_version(root: Path | None = None) -> str | None:
    """The live store version id (None before the first refresh)."""
    return store.current_version(root)


def load(version: str | None = None, root: Path | None = None) -> pd.DataFrame:
    """The store's tidy table as loaded (not yet disclosure-controlled). Treat it as read-only."""
    return store.read_observations(version, root)


def manifest(version: str | None = None, root: Path | None = None) -> store.Manifest | None:
    """The store's manifest (what each source's last refresh did), or None before the first refresh."""
    return store.read_manifest(version, root)


# ---------------------------------------------------------------------------- disclosure control


def primary_note(threshold: int) -> str:
    return f"suppressed: fewer than {threshold} (police disclosure practice)"


def secondary_note(threshold: int) -> str:
    return (f"suppressed: a part of this total is fewer than {threshold}, and the total would reveal it "
            "(police disclosure practice)")


def controlled_indicator_ids(catalogue: Catalogue) -> set[str]:
    """Indicators whose counts are disclosure-controlled: a count unit and a controlled source."""
    controlled_sources = {s.id for s in catalogue.sources if s.disclosure_control}
    return {i.id for i in catalogue.indicators if is_count_unit(i.unit) and i.source in controlled_sources}


def _controlled_mask(observations: pd.DataFrame, catalogue: Catalogue) -> pd.Series:
    """Rows subject to disclosure control: a count (by the catalogue's unit for the indicator, else
    the row's unit) from a controlled source (the row's own source or its indicator's)."""
    controlled_sources = {s.id for s in catalogue.sources if s.disclosure_control}
    units = {i.id: i.unit for i in catalogue.indicators}
    own_source = {i.id: i.source for i in catalogue.indicators}
    unit = observations["indicator_id"].map(units).fillna(observations["unit"])
    count = unit.map(is_count_unit).astype(bool)
    from_source = observations["source_id"].isin(controlled_sources) | \
        observations["indicator_id"].map(own_source).isin(controlled_sources)
    return count & from_source


def publishable(observations: pd.DataFrame, catalogue: Catalogue, *, hide_small: bool = True) -> pd.DataFrame:
    """The table with disclosure control applied: what any screen, download, PDF or JSON may show.

    Primary: a controlled count below the threshold is hidden. Secondary: a total (the row with an
    empty breakdown, same indicator, area and period) is hidden when any of its parts is hidden,
    since total minus the visible parts would give the hidden part back. Rows that are not
    controlled pass through unchanged. Returns a new frame; the input is not modified.

    `hide_small=False` applies only the secondary suppression: for the control chart, which needs
    the small months to compute its limits and hides them itself ("fewer than 10").
    """
    if observations.empty:
        return observations
    threshold = catalogue.meeting.small_count_threshold
    controlled = _controlled_mask(observations, catalogue)
    if not controlled.any():
        return observations
    value = observations["value"]
    primary = controlled & value.notna() & (value < threshold)
    secondary = pd.Series(False, index=observations.index)
    if primary.any():
        parts = observations[primary & (observations["breakdown"].fillna("") != "")]
        keys = set(zip(parts["indicator_id"], parts["area_code"], parts["period"], strict=True))
        if keys:
            is_total = controlled & (observations["breakdown"].fillna("") == "") & value.notna() & ~primary
            row_keys = pd.Series(list(zip(observations["indicator_id"], observations["area_code"],
                                          observations["period"], strict=True)), index=observations.index)
            secondary = is_total & row_keys.isin(keys)
    if not hide_small:
        primary = pd.Series(False, index=observations.index)
    else:
        secondary = secondary | _complementary_areas(observations, controlled, primary, threshold)
    hidden = primary | secondary
    if not hidden.any():
        return observations
    out = observations.copy()
    for column in ("value", "numerator", "lower_ci", "upper_ci"):
        if column in out:
            out.loc[hidden, column] = np.nan
    out.loc[primary, "status_note"] = primary_note(threshold)
    out.loc[secondary, "status_note"] = secondary_note(threshold)
    return out


# Area types that partition the place (their counts add up to the place's total).
SUB_AREA_TYPES = ("ward", "lsoa")


def _complementary_areas(observations: pd.DataFrame, controlled: pd.Series, primary: pd.Series,
                         threshold: int) -> pd.Series:
    """Complementary suppression across areas: the place's total minus its visible wards (or LSOAs)
    would give a hidden ward's count back. In each (indicator, period, area type) with a hidden
    area, the smallest visible areas are hidden too until at least two are hidden and together
    they hold at least `threshold` (so neither one count nor a small sum can be worked out).
    """
    extra = pd.Series(False, index=observations.index)
    sub = (controlled & observations["area_type"].isin(SUB_AREA_TYPES)
           & (observations["breakdown"].fillna("") == "") & observations["value"].notna())
    if not (sub & primary).any():
        return extra
    frame = observations.loc[sub, ["indicator_id", "period", "area_type", "value"]].assign(hidden=primary[sub])
    for _key, group in frame.groupby(["indicator_id", "period", "area_type"], sort=False, observed=True):
        if not group["hidden"].any():
            continue
        count, total = int(group["hidden"].sum()), float(group.loc[group["hidden"], "value"].sum())
        for index, value in group.loc[~group["hidden"], "value"].sort_values(kind="stable").items():
            if count >= 2 and total >= threshold:
                break
            extra[index] = True
            count, total = count + 1, total + float(value)
    return extra


_CACHE: dict[tuple[str | None, str, str], pd.DataFrame] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4


def catalogue_digest(catalogue: Catalogue) -> str:
    """A short key for everything in the catalogue that can change what is publishable."""
    return hashlib.sha256(catalogue.model_dump_json().encode()).hexdigest()[:16]


def current(catalogue: Catalogue, version: str | None = None, root: Path | None = None) -> pd.DataFrame:
    """The publishable table of a store version (default: the live one), cached per version and catalogue.

    Read-only: callers filter it (which copies) but never change it in place.
    """
    root_path = Path(root) if root is not None else config.store_dir()
    version = version if version is not None else store.current_version(root_path)
    key = (version, str(root_path), catalogue_digest(catalogue))
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
    frame = publishable(load(version, root_path), catalogue)
    with _CACHE_LOCK:
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = frame
    return frame


# ---------------------------------------------------------------------------- series selection


def place_codes(catalogue: Catalogue) -> list[str]:
    """Codes that can stand for the place, most specific first: authority, police force, partnership.

    Hate crime is published for the police force area, so its headline series uses that code.
    """
    place = catalogue.place
    codes = [place.code, place.police_force.code]
    if place.community_safety_partnership is not None:
        codes.append(place.community_safety_partnership.code)
    return [c for c in codes if c]


def _headline(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["breakdown"].fillna("") == ""]


# ---------------------------------------------------------------------------- per-indicator index
# A page shows a few indicators; scanning the whole table for each (4.5 million rows at 10x
# national scale) made warm reruns grow with the store. The index is built once per table
# (the cached table of a store version), by identity, and dropped with the table; the public
# functions below return the same frames as a scan would, so callers do not change.
_INDEX_MIN_ROWS = 1_000  # below this a scan is as fast as the lookup and its memo


def _index_of(observations: pd.DataFrame) -> dict[str, Any] | None:
    """{"positions": indicator id -> row positions, "rows": {}, "series": {}} for a large table."""
    if len(observations) < _INDEX_MIN_ROWS:
        return None
    return memo.once(observations, "index", lambda: {
        "positions": observations.groupby("indicator_id", sort=False, observed=True).indices,
        "rows": {}, "series": {}})


def indicator_rows(observations: pd.DataFrame, indicator_id: str, *, headline_only: bool = False) -> pd.DataFrame:
    """Every row of one indicator (all areas), or only its headline rows (no breakdown)."""
    index = _index_of(observations)
    if index is None:
        rows = observations[observations["indicator_id"] == indicator_id]
    else:
        rows = index["rows"].get(indicator_id)
        if rows is None:
            where = index["positions"].get(indicator_id)
            rows = observations.iloc[where] if where is not None else observations.iloc[0:0]
            index["rows"][indicator_id] = rows
        rows = rows.copy(deep=False)  # the caller's own frame (copy-on-write): the index stays as built
    return _headline(rows) if headline_only else rows


def headline_area(catalogue: Catalogue, rows: pd.DataFrame) -> str | None:
    """The place code to read an indicator's series from (authority, else force, else partnership).

    `rows` are one indicator's rows; None when none of the place's codes appear in them.
    """
    if rows.empty:
        return None
    present = set(rows["area_code"].unique())
    return next((code for code in place_codes(catalogue) if code in present), None)


def series_of(catalogue: Catalogue, rows: pd.DataFrame) -> pd.DataFrame:
    """The place's headline series from one indicator's rows: oldest first, one row per period."""
    rows = _headline(rows)
    area = headline_area(catalogue, rows)
    if area is None:
        return rows.iloc[0:0]
    series = rows[rows["area_code"] == area].sort_values("period_end", na_position="first", kind="stable")
    return series.drop_duplicates("period", keep="last").reset_index(drop=True)


def place_series(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """The place's headline series of one indicator, oldest period first, one row per period."""
    index = _index_of(observations)
    if index is None:
        return series_of(catalogue, indicator_rows(observations, indicator_id))
    key = (indicator_id, tuple(place_codes(catalogue)))
    series = index["series"].get(key)
    if series is None:
        series = index["series"][key] = series_of(catalogue, indicator_rows(observations, indicator_id))
    return series.copy(deep=False)


def latest(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str, *,
           with_value: bool = False) -> pd.Series | None:
    """The place's latest headline row (with `with_value`, the latest that has a figure); None if none."""
    series = place_series(catalogue, observations, indicator_id)
    if with_value:
        series = series[series["value"].notna()]
    return series.iloc[-1] if len(series) else None


def comparator_series(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str,
                      comparator_id: str) -> tuple[pd.DataFrame, str | None]:
    """Headline rows of one place comparator (by id), oldest first, and its name; empty if unknown."""
    return comparator_rows(catalogue, indicator_rows(observations, indicator_id), comparator_id)


def comparator_rows(catalogue: Catalogue, rows: pd.DataFrame, comparator_id: str) -> tuple[pd.DataFrame, str | None]:
    """As `comparator_series`, from one indicator's rows already selected."""
    comp = catalogue.comparator(comparator_id)
    rows = _headline(rows)
    if comp is None:
        return rows.iloc[0:0], None
    if comp.code.startswith("peers:"):  # a peer group's median, computed from the authorities' rows
        from cohesion.national.compare import peer_median_rows

        return peer_median_rows(catalogue, rows, comp), comp.name
    return rows[rows["area_code"] == comp.code].sort_values("period_end", kind="stable"), comp.name


def periods(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str) -> list[str]:
    """The periods of the place's series, oldest first (including periods whose figure is missing)."""
    return place_series(catalogue, observations, indicator_id)["period"].astype(str).tolist()


def narrow(catalogue: Catalogue, observations: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Headline rows of the place and its comparators, grouped by indicator id (for whole-catalogue work)."""
    wanted = set(place_codes(catalogue)) | {c.code for c in catalogue.place.comparators}
    if any(c.code.startswith("peers:") for c in catalogue.place.comparators):
        from cohesion.national.compare import peer_codes_for

        wanted |= peer_codes_for(catalogue)
    rows = observations[(observations["breakdown"].fillna("") == "") & observations["area_code"].isin(wanted)]
    return dict(tuple(rows.groupby("indicator_id", sort=False)))


# ---------------------------------------------------------------------------- provenance


def figure_source(catalogue: Catalogue, row: Any, indicator: Any = None) -> Source | None:
    """The catalogue source of one figure: the row's own `source_id`, else the indicator's source."""
    source_id = None
    if row is not None and hasattr(row, "get"):
        source_id = str(row.get("source_id") or "").strip() or None
    found = catalogue.source(source_id) if source_id else None
    if found is None and indicator is not None:
        found = catalogue.source(indicator.source)
    return found


def default_series_indicator(catalogue: Catalogue, observations: pd.DataFrame) -> str | None:
    """The indicator a page opens on when none is chosen: one whose place series has figures for more
    than one period (so a chart shows a change), headline measures first, in catalogue order; None if
    no indicator has a series yet. Worked out once per table and catalogue content.
    """
    key = ("default_series", tuple(place_codes(catalogue)),
           tuple((i.id, i.headline) for i in catalogue.indicators))
    # Pages switch in and out of a session, so this is worked out once per table, not per visit.
    return memo.once(observations, key, lambda: _default_series_indicator(catalogue, observations))


def _default_series_indicator(catalogue: Catalogue, observations: pd.DataFrame) -> str | None:
    groups = narrow(catalogue, observations)
    empty = observations.iloc[0:0]
    with_series = []
    for ind in catalogue.indicators:
        series = series_of(catalogue, groups.get(ind.id, empty))
        if not series.empty and series.loc[series["value"].notna(), "period"].nunique() > 1:
            with_series.append(ind)
    for ind in with_series:
        if ind.headline:
            return ind.id
    return with_series[0].id if with_series else None

"""Streamlit glue shared by every page: cached reads of the catalogue and store, and messages.

The only module (with `pages/`) that imports Streamlit. Caches are bounded and keyed on what
changes (the catalogue file's mtime and size; the store's version id), so a refresh shows up on
the next rerun and a warm rerun reads nothing from disk.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from cohesion import config, memo, query
from cohesion.catalogue import Catalogue, Problem, validate_file

if TYPE_CHECKING:
    from cohesion.status.service import StatusBundle
    from cohesion.status.view import Tile
    from cohesion.store import Manifest


def through_entry_point() -> None:
    """Make sure this page runs inside dashboard.py's navigation; call it first on every page.

    Streamlit keeps its older "pages/ folder" mode until some session has run st.navigation. On a
    freshly started server, a shared link such as /trends would then run pages/trends.py on its
    own (file-name menu, no page config). Switching the mode off and rerunning sends the same
    request through dashboard.py, which serves the same page (page ids come from the URL path,
    and each page's url_path equals its file name). This touches one Streamlit internal; the
    browser test `test_deep_link_on_a_freshly_started_server...` guards it across upgrades.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # Rerun only on a session's first run: it has no button clicks a rerun could swallow.
        if not st.session_state.get("_entry_point_checked"):
            st.session_state["_entry_point_checked"] = True
            st.rerun()


_modules_frozen = 0  # how many modules were loaded at the last freeze_after_imports()


def freeze_after_imports() -> None:
    """Keep Python's garbage collector away from what imports built; call after each page run.

    Pandas, Altair, GeoPandas and Streamlit leave some 200,000 objects that live as long as the
    server. Python's full collections walk all of them (60-100 ms each, every few dozen visits:
    a page visit that met one cost several times its usual CPU). `gc.freeze()` moves every object
    alive now out of the collector's sight; plain reference counting still frees them. It runs
    only after a page run that imported new modules (a few times in a server's life, as pages are
    first visited), after a full collection, so no garbage is frozen; what is frozen at those
    moments besides modules is bounded by the number of such runs.
    """
    global _modules_frozen
    import gc
    import sys

    loaded = len(sys.modules)
    if loaded != _modules_frozen:
        _modules_frozen = loaded
        gc.collect()
        gc.freeze()


def ready_spec(spec: dict | None) -> dict | None:
    """A Vega-Lite spec with its datasets already in the Arrow form Streamlit sends.

    For specs that are cached: `st.vega_lite_chart` turns each dataset (a list of rows) into a
    DataFrame and then Arrow bytes on every call, most of a chart's cost per rerun; given bytes,
    it passes them on. The same Streamlit function makes the bytes, so the chart is unchanged.
    """
    if not spec or not isinstance(spec.get("datasets"), dict):
        return spec
    from streamlit import dataframe_util

    datasets = {name: rows if isinstance(rows, bytes) or not isinstance(rows, list)
                else dataframe_util.convert_anything_to_arrow_bytes(rows)
                for name, rows in spec["datasets"].items()}
    return {**spec, "datasets": datasets}


def ready_table(frame: pd.DataFrame) -> Any:
    """A table for `st.dataframe` already in Arrow form, for tables that are cached.

    `st.dataframe` converts a pandas frame to Arrow on every call (its type fixes included); given
    the Arrow table made by the same Streamlit function, it only serialises it. Shows the same.
    """
    from streamlit import dataframe_util

    return dataframe_util.convert_pandas_df_to_arrow_table(frame)


def short_key(value: object) -> str:
    """A short digest of a large cache key (its repr), cheaper for Streamlit to hash on each call."""
    return hashlib.blake2b(repr(value).encode(), digest_size=12).hexdigest()


def file_key(path: Path) -> tuple[str, int, int]:
    """A cache key that changes when the file changes (path, mtime in ns, size)."""
    try:
        stat = path.stat()
        return str(path), stat.st_mtime_ns, stat.st_size
    except FileNotFoundError:
        return str(path), 0, 0


# The caches below are `memo.shared`, not Streamlit's: every page calls them on every visit, and
# Streamlit's decorator costs about a millisecond a call in identity and argument hashing.
@memo.shared(maxsize=4)
def _catalogue_cached(key: tuple[str, int, int]) -> tuple[Catalogue | None, list[Problem]]:
    return validate_file(Path(key[0]))


def catalogue_and_problems() -> tuple[Catalogue | None, list[Problem]]:
    """The validated catalogue (or None) and its problems, cached on the file's mtime."""
    return _catalogue_cached(file_key(config.CATALOGUE_PATH))


# The last valid catalogue per file, so a broken edit never takes a running dashboard down.
_last_good: dict[str, Catalogue] = {}


def require_catalogue() -> Catalogue:
    """The catalogue; if the file is now broken, the last good one with a warning; else show
    every problem in its place and stop this page (others still work)."""
    catalogue, problems = catalogue_and_problems()
    key = str(config.CATALOGUE_PATH)
    if catalogue is not None:
        _last_good[key] = catalogue
    elif key in _last_good:
        st.warning(f"The indicator catalogue file now has {len(problems)} problem(s), so this page still "
                   "shows the last good version. The Data & sources page lists the problems to fix.")
        return _last_good[key]
    else:
        show_catalogue_problems(problems)
        st.stop()
    return catalogue


def last_good_catalogue() -> Catalogue | None:
    """The last valid catalogue this server read, if any (see require_catalogue)."""
    return _last_good.get(str(config.CATALOGUE_PATH))


def show_catalogue_problems(problems: list[Problem]) -> None:
    consequence = ("the dashboard keeps using the last good version until they are fixed"
                   if last_good_catalogue() else "this part of the dashboard cannot be drawn")
    st.error(
        f"The indicator catalogue has {len(problems)} problem(s), so {consequence}. Fix them in the "
        "file named below; the Data & sources page lists them too."
    )
    st.dataframe(
        pd.DataFrame([{"file": p.file, "line": p.line, "where": p.path, "problem": p.message} for p in problems]),
        hide_index=True, width="stretch",
    )


# Shared objects, never copies (a data cache would unpickle the whole table on every rerun: 600 ms
# at national scale). Callers must treat the frame as read-only (pandas copy-on-write makes
# filtered frames independent copies).
@memo.shared(maxsize=4)
def _observations_cached(version: str | None, root: str, catalogue_key: tuple, catalogue: memo.Same
                         ) -> pd.DataFrame:
    raw = query.load(version, Path(root))
    # Disclosure control once, here, for everything a page shows or offers to download.
    return query.publishable(raw, catalogue.obj) if catalogue.obj is not None else raw.iloc[0:0]


@memo.shared(maxsize=2)
def _raw_cached(version: str | None, root: str) -> pd.DataFrame:
    return query.load(version, Path(root))


def store_version() -> str | None:
    """The live store version; builds the store from the shipped data on first ever run."""
    version = query.store_version()
    if version is None:
        catalogue, _ = catalogue_and_problems()
        if catalogue is not None:
            from cohesion.refresh import refresh

            with st.spinner("First run: building the data store from the shipped tables..."):
                refresh(progress=lambda _m: None)
            version = query.store_version()
    return version


def observations() -> pd.DataFrame:
    """Every publishable observation in the live store: disclosure control already applied
    (`cohesion.query.publishable`); an empty tidy frame before the first refresh or without a catalogue."""
    catalogue, _ = catalogue_and_problems()
    return _observations_cached(store_version(), str(config.store_dir()), file_key(config.CATALOGUE_PATH),
                                memo.Same(catalogue))


def raw_observations() -> pd.DataFrame:
    """The store as loaded, before disclosure control. Only for sums that are themselves controlled
    afterwards (yearly totals of monthly counts, control-chart limits); never draw these rows."""
    return _raw_cached(store_version(), str(config.store_dir()))


# The same manifest object for every visit (a data cache unpickled a copy each time); callers
# read it only.
@memo.shared(maxsize=4)
def _manifest_cached(version: str | None, root: str) -> Manifest | None:
    return query.manifest(version, Path(root)) if version else None


def manifest() -> Manifest | None:
    return _manifest_cached(store_version(), str(config.store_dir()))


@memo.shared(maxsize=8)
def _statuses_cached(version: str | None, catalogue_key: tuple, manual_key: tuple, today_iso: str,
                     catalogue: memo.Same) -> StatusBundle:
    from cohesion.status.service import assess_current

    # Raw figures: assess() applies disclosure control itself, and the early-warning flags need
    # the small months for their limits (as the Early warning page does).
    return assess_current(catalogue.obj, date.fromisoformat(today_iso), observations=raw_observations(),
                          manual_path=Path(manual_key[0]))


def statuses(catalogue: Catalogue, today: date | None = None, revision: tuple | None = None) -> StatusBundle:
    """Every indicator's, priority's and dimension's status from the one status service
    (`cohesion.status.service.assess`), cached per store version, catalogue, manual-status file,
    manual statuses set on the dashboard (the database's revision) and day. Read-only."""
    from cohesion.db import DatabaseError
    from cohesion.status.manual import MANUAL_FILE_NAME, manual_revision

    today = today or date.today()
    manual_path = config.data_dir() / MANUAL_FILE_NAME
    if revision is None:  # else the caller read `db.revision()`, which covers the manual statuses
        try:
            revision = manual_revision()  # statuses set on the dashboard live in the database
        except DatabaseError:
            revision = None  # the status service reports the database problem
    return _statuses_cached(store_version(), file_key(config.CATALOGUE_PATH), (*file_key(manual_path), revision),
                            today.isoformat(), memo.Same(catalogue))


def headline_tiles(catalogue: Catalogue, bundle: StatusBundle, today: date | None = None) -> list[Tile]:
    """The Headlines page's tiles, from the status bundle `statuses()` gave and the publishable
    figures; built once per bundle (a new bundle whenever the store, catalogue, manual statuses
    or day change)."""
    from cohesion.status.view import build_tiles

    today = today or date.today()
    table = observations()
    return memo.once(bundle, ("headline_tiles", memo.Same(table), today),
                     lambda: build_tiles(catalogue, bundle.results, table, today))

"""Streamlit glue shared by every page: cached reads of the catalogue and store, and messages.

The only module (with `pages/`) that imports Streamlit. Caches are bounded and keyed on what
changes (the catalogue file's mtime and size; the store's version id), so a refresh shows up on
the next rerun and a warm rerun reads nothing from disk.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from cohesion import config, store
from cohesion.catalogue import Catalogue, Problem, validate_file


def _file_key(path: Path) -> tuple[str, float, int]:
    try:
        stat = path.stat()
        return str(path), stat.st_mtime, stat.st_size
    except FileNotFoundError:
        return str(path), 0.0, 0


@st.cache_resource(max_entries=4, show_spinner=False)
def _catalogue_cached(key: tuple[str, float, int]) -> tuple[Catalogue | None, list[Problem]]:
    return validate_file(Path(key[0]))


def catalogue_and_problems() -> tuple[Catalogue | None, list[Problem]]:
    """The validated catalogue (or None) and its problems, cached on the file's mtime."""
    return _catalogue_cached(_file_key(config.CATALOGUE_PATH))


def require_catalogue() -> Catalogue:
    """The catalogue, or show every problem in its place and stop this page (others still work)."""
    catalogue, problems = catalogue_and_problems()
    if catalogue is None:
        show_catalogue_problems(problems)
        st.stop()
    return catalogue


def show_catalogue_problems(problems: list[Problem]) -> None:
    st.error(
        f"The indicator catalogue has {len(problems)} problem(s), so this part of the dashboard "
        "cannot be drawn. Fix them in the file named below; the Data & sources page lists them too."
    )
    st.dataframe(
        pd.DataFrame([{"file": p.file, "line": p.line, "where": p.path, "problem": p.message} for p in problems]),
        hide_index=True, width="stretch",
    )


@st.cache_data(max_entries=4, show_spinner=False)
def _observations_cached(version: str | None, root: str) -> pd.DataFrame:
    return store.read_observations(version, Path(root))


def store_version() -> str | None:
    """The live store version; builds the store from the shipped data on first ever run."""
    version = store.current_version()
    if version is None:
        catalogue, _ = catalogue_and_problems()
        if catalogue is not None:
            from cohesion.refresh import refresh

            with st.spinner("First run: building the data store from the shipped tables..."):
                refresh(progress=lambda _m: None)
            version = store.current_version()
    return version


def observations() -> pd.DataFrame:
    """Every observation in the live store (an empty tidy frame before the first refresh)."""
    return _observations_cached(store_version(), str(config.store_dir()))


@st.cache_data(max_entries=4, show_spinner=False)
def _manifest_cached(version: str | None, root: str) -> store.Manifest | None:
    return store.read_manifest(version, Path(root)) if version else None


def manifest() -> store.Manifest | None:
    return _manifest_cached(store_version(), str(config.store_dir()))

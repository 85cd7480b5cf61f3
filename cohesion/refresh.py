"""Rebuild the processed store from every source in the catalogue.

Each source is loaded on its own: a source whose file is broken keeps the rows it had in the
previous version and is reported by name with the reason; nothing already loaded is lost. So
does a source whose new load has no rows, or shrinks by more than `max_shrink` of its last good
load, unless the caller accepts the shrink (`refresh --accept-shrink`): an export cut short must
not silently replace a full one. A damaged previous version is reported and passed over for an
older one. The new version is only made live once it is complete (see `store.write_version`).
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from cohesion import config, store, tidy
from cohesion.catalogue import Catalogue, load_catalogue
from cohesion.catalogue.models import Source
from cohesion.catalogue.validate import source_path_problem
from cohesion.loaders.errors import DataFileError
from cohesion.loaders.registry import get_loader

Progress = Callable[[str], None]
MAX_SHRINK = 0.5  # a new load with fewer than half the rows of the last good one is held back
SMALL_ROWS = 200_000  # below this many rows, categorical text is concatenated as plain text


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def map_to_indicators(frame: pd.DataFrame, source: Source, catalogue: Catalogue) -> pd.DataFrame:
    """Give each row the catalogue indicator whose `measure` key it carries.

    A measure may arrive from more than one source (a publisher's file and the typed-in table of
    published figures); `combine` later keeps one row per figure. Rows no indicator asks for are
    dropped: a loader may read more than we track. A row's own `source_id` (the typed-in table
    names the publisher's source per row) wins over the source that loaded it.
    """
    own = pd.DataFrame(
        [(ind.measure or ind.id, ind.id, False) for ind in catalogue.indicators]
        + [(m, ind.id, True) for ind in catalogue.indicators for m in ind.comparator_measures],
        columns=["measure", "_indicator", "_comparator_only"],
    )
    if own["measure"].is_unique:  # each measure feeds one indicator: a lookup, not a join (national scale)
        keys = frame["measure"].astype("category")  # already so from the published-figures loader
        per_key = own.set_index("measure").reindex(keys.cat.categories)  # once per distinct measure
        codes = keys.cat.codes.to_numpy()
        found = per_key["_indicator"].notna().to_numpy()[codes]
        comparator_only = per_key["_comparator_only"].eq(True).to_numpy()[codes]
        # A comparator measure (e.g. England's Community Life Survey figure beside the council's own
        # survey question) contributes rows for other areas only, never for the place itself.
        keep = found & ~(comparator_only & (frame["area_code"] == catalogue.place.code).to_numpy())
        out = frame.copy(deep=False) if keep.all() else frame.loc[keep]  # one copy of the rows at most
        indicator = _recode(keys if keep.all() else keys[keep], per_key["_indicator"])
        # Categorical stays categorical (national scale); another loader's text stays text.
        out["indicator_id"] = indicator if isinstance(frame["measure"].dtype, pd.CategoricalDtype) \
            else np.asarray(indicator, dtype=object).astype(str)
    else:  # a measure shared by indicators gives a row to each
        out = frame.drop(columns=["indicator_id"]).merge(own, on="measure", how="inner")
        out = out[~(out["_comparator_only"] & (out["area_code"] == catalogue.place.code))]
        out = out.rename(columns={"_indicator": "indicator_id"}).drop(columns=["_comparator_only"])
    if isinstance(out["source_id"].dtype, pd.CategoricalDtype):  # per distinct id, not per row
        ids = out["source_id"].cat.categories
        out["source_id"] = _recode(out["source_id"], pd.Series(ids.where(ids != "", source.id), index=ids))
    else:
        out["source_id"] = out["source_id"].where(out["source_id"] != "", source.id)
    return tidy.conform(out)


def _recode(column: pd.Series, per_category: pd.Series) -> pd.Categorical:
    """A categorical column's rows given `per_category[category]` (text), as a categorical again."""
    values = per_category.reindex(column.cat.categories).to_numpy(dtype=object)
    new_codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return pd.Categorical.from_codes(new_codes[column.cat.codes.to_numpy()], categories=pd.Index(uniques, dtype=str))


def combine(frames: dict[str, pd.DataFrame], catalogue: Catalogue) -> pd.DataFrame:
    """One table of observations, one row per (indicator, period, area, breakdown).

    When a figure comes from both a publisher's file and the typed-in table, the publisher's
    file wins: it is the primary record, the typed-in copy is only there so the dashboard works
    without the file.
    """
    typed = {s.id for s in catalogue.sources if s.loader == "published_figures"}
    ordered = [f for sid, f in frames.items() if sid not in typed and len(f)]
    ordered += [f for sid, f in frames.items() if sid in typed and len(f)]
    if not ordered:
        return tidy.empty_frame()
    combined = _concat(ordered) if len(ordered) > 1 else ordered[0]
    duplicated = _duplicated(combined, ["indicator_id", "period", "area_code", "breakdown"])
    return tidy.conform(combined[~duplicated] if duplicated.any() else combined)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """pd.concat, keeping a text column categorical when any frame has it so: concatenating a
    categorical with text (or with other categories) would give millions of Python strings."""
    columns = frames[0].columns
    if sum(len(f) for f in frames) < SMALL_ROWS:  # text is cheaper than merging categories
        return pd.concat([_plain(f) for f in frames], ignore_index=True)
    kept = [c for c in columns if any(isinstance(f[c].dtype, pd.CategoricalDtype) for f in frames if c in f)
            and all(c in f and pd.api.types.is_string_dtype(f[c]) and not f[c].hasnans for f in frames)]
    if not kept:
        return pd.concat(frames, ignore_index=True)
    out = pd.concat([f.drop(columns=kept) for f in frames], ignore_index=True)
    return out.assign(**{c: _union([f[c] for f in frames]) for c in kept})[list(columns)]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    cats = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype(dict.fromkeys(cats, str)) if cats else frame


def _union(parts: list[pd.Series]) -> pd.Categorical:
    """Text columns (some categorical) end to end as one categorical: one factorize over each
    part's distinct values (a categorical's categories) or cells (plain text)."""
    cats = [isinstance(p.dtype, pd.CategoricalDtype) for p in parts]
    values = [p.cat.categories.to_numpy(dtype=object) if cat else p.to_numpy(dtype=object) for p, cat in zip(parts, cats, strict=True)]
    codes, uniques = pd.factorize(np.concatenate(values), use_na_sentinel=False)
    ends = np.cumsum([len(v) for v in values])
    pieces = [piece[p.cat.codes.to_numpy()] if cat else piece
              for p, cat, piece in zip(parts, cats, np.split(codes, ends[:-1]), strict=True)]
    return pd.Categorical.from_codes(np.concatenate(pieces), categories=pd.Index(uniques, dtype=str))


def _as_text(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`frame` with categorical `columns` as (Arrow-backed) text: built in one C++ take, where
    `astype(str)` in tidy.check_tidy would build millions of Python strings first."""
    cats = {c: frame[c] for c in columns if isinstance(frame[c].dtype, pd.CategoricalDtype)}
    return frame.assign(**{c: pd.array(pa.array(col.array).cast(pa.large_string()), dtype="str")
                           for c, col in cats.items()}) if cats else frame


def _check_tidy(frame: pd.DataFrame) -> list[str]:
    """tidy.check_tidy, cheaply for categorical text (see `_as_text`)."""
    try:
        return tidy.check_tidy(_as_text(frame, ["period", "area_code", "status_note"]))
    finally:
        pa.default_memory_pool().release_unused()  # the text was only needed for the check


def _duplicated(frame: pd.DataFrame, key: list[str]) -> np.ndarray:
    """`frame.duplicated(key, keep="first")`, on integer codes: hashing four text columns of
    millions of rows took seconds at national scale."""
    codes = [_codes(frame[c]) for c in key]
    sizes = [int(c.max()) + 1 if len(c) else 1 for c in codes]
    if np.prod([float(n) for n in sizes]) >= 2 ** 62:  # too many combinations for one integer
        return frame.duplicated(subset=key, keep="first").to_numpy()
    combined = np.ravel_multi_index(codes, sizes)
    if np.prod([float(n) for n in sizes]) > 4 * len(frame) + 1024:
        return pd.Series(combined).duplicated(keep="first").to_numpy()
    # Few possible keys (a full national table): the first row of each key without hashing.
    rows = np.arange(len(frame), dtype=np.int64)
    first = np.full(int(np.prod(sizes)), len(frame), dtype=np.int64)
    np.minimum.at(first, combined, rows)
    return first[combined] != rows


def _codes(column: pd.Series) -> np.ndarray:
    """Integer codes of a column's values (equal values, equal codes), as int64."""
    if isinstance(column.dtype, pd.CategoricalDtype) and not column.hasnans:
        return column.cat.codes.to_numpy().astype(np.int64)
    return pd.factorize(column, use_na_sentinel=False)[0].astype(np.int64)


def load_source(source: Source, catalogue: Catalogue) -> tuple[pd.DataFrame | None, store.SourceReport]:
    """Load one source. Returns (rows or None when it could not be loaded, report)."""
    report = store.SourceReport(source_id=source.id, status="loaded", file=source.path or "")
    if source.loader == "none" or not source.path:
        report.status = "no_loader"
        report.problems.append("entered by hand or not yet published; no file to load")
        return None, report
    started = time.perf_counter()
    if why := source_path_problem(source.path):  # the same check as `validate`
        report.status = "failed"
        report.problems.append(why)
        return None, report
    try:
        path = config.resolve_data_path(source.path)
        if not path.exists():
            report.status = "no_file"
            report.problems.append(f"no file at {source.path} yet")
            return None, report
        # The loader's rows are not held past this line: at national scale each copy is hundreds of MB.
        frame = map_to_indicators(tidy.conform(get_loader(source.loader)(path)), source, catalogue)
        report.problems.extend(_check_tidy(frame))
    except FileNotFoundError as exc:
        report.status = "not_configured"
        report.problems.append(str(exc))
        return None, report
    except (DataFileError, config.UnsafePathError) as exc:
        report.status = "failed"
        report.problems.append(str(exc))
        return None, report
    except Exception as exc:  # a loader bug must not stop the other sources
        report.status = "failed"
        report.problems.append(f"{source.path}: could not be read ({type(exc).__name__}: {exc})")
        return None, report
    report.seconds = round(time.perf_counter() - started, 3)
    report.rows = len(frame)
    report.periods = sorted(frame["period"].unique().tolist())
    report.areas = int(frame["area_code"].nunique())
    report.loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
    return frame, report


class _Previous:
    """The last good rows of each source, read lazily from the newest readable version."""

    def __init__(self, root: Path | None, notes: list[str]):
        self.root, self.notes = root, notes
        self.versions = store.older_versions(root)
        live = store.current_version(root)
        if live in self.versions:  # the live version first, then older ones
            self.versions.remove(live)
            self.versions.insert(0, live)
        self._manifests: dict[str, store.Manifest | None] = {}
        self._reported: set[str] = set()

    def _note(self, text: str) -> None:
        if text not in self._reported:
            self._reported.add(text)
            self.notes.append(f"{text}; skipped it")

    def manifest(self, version: str) -> store.Manifest | None:
        if version not in self._manifests:
            try:
                self._manifests[version] = store.read_manifest(version, self.root)
            except store.StoreDamagedError as exc:
                self._note(str(exc))
                self._manifests[version] = None
        return self._manifests[version]

    def report(self, source_id: str) -> store.SourceReport | None:
        """The source's report in the newest version with a readable manifest."""
        for version in self.versions:
            manifest = self.manifest(version)
            if manifest is not None:
                return manifest.sources.get(source_id)
        return None

    def rows(self, source_id: str) -> tuple[pd.DataFrame, str] | None:
        """(rows, when they were loaded) from the newest version whose file for the source reads."""
        for version in self.versions:
            try:
                kept = store.read_source_rows(source_id, version, self.root)
            except store.StoreDamagedError as exc:
                self._note(str(exc))
                continue
            if kept is not None and len(kept):
                manifest = self.manifest(version)
                old = manifest.sources.get(source_id) if manifest else None
                return kept, (old.loaded_at if old and old.loaded_at else f"version {version}")
        return None


def _keep(report: store.SourceReport, kept: pd.DataFrame, when: str, why: str) -> pd.DataFrame:
    report.status = "kept_previous"
    report.problems.append(f"{why}; kept {len(kept)} rows from the last good load ({when})")
    report.rows = len(kept)
    report.periods = sorted(kept["period"].unique().tolist())
    report.areas = int(kept["area_code"].nunique())
    report.loaded_at = when
    return kept


def _shrink(rows: int, before: int, max_shrink: float) -> str | None:
    """Why a load of `rows` after `before` is held back, or None when it may replace it."""
    if before <= 0 or (rows and rows >= before * (1 - max_shrink)):  # zero rows is always held back
        return None
    advice = "if the smaller file is right, run `python -m cohesion refresh --accept-shrink`"
    if rows == 0:
        return f"the new load has no rows where the last good load had {before}; {advice}"
    drop = 100 * (before - rows) / before
    return (f"the new load has {rows} rows, {drop:.0f}% fewer than the {before} of the last good load "
            f"(more than the {100 * max_shrink:.0f}% allowed); {advice}")


def refresh(catalogue_path: Path | None = None, root: Path | None = None,
            progress: Progress = _stderr, *, accept_shrink: bool = False,
            max_shrink: float = MAX_SHRINK) -> store.Manifest:
    """Load every source and write a new store version.

    Raises CatalogueError if the catalogue is invalid, and OSError if the store cannot be
    written (disk full, read-only); in both cases the previous version stays live.
    """
    catalogue_path = catalogue_path or config.CATALOGUE_PATH
    catalogue = load_catalogue(catalogue_path)
    notes: list[str] = []
    removed = store.remove_stale_staging(root)
    if removed:
        notes.append(f"removed {len(removed)} unfinished version folder(s) left by an interrupted refresh")
    previous = _Previous(root, notes)

    frames: dict[str, pd.DataFrame] = {}
    reports: dict[str, store.SourceReport] = {}
    total = len(catalogue.sources)
    for n, source in enumerate(catalogue.sources, start=1):
        frame, report = load_source(source, catalogue)
        if frame is None and report.status == "failed" and (kept := previous.rows(source.id)):
            frame = _keep(report, *kept, why="the new file could not be loaded")
        elif frame is None and report.status in ("no_file", "not_configured") and not accept_shrink \
                and (kept := previous.rows(source.id)):  # a moved file or unset folder must not wipe rows
            frame = _keep(report, *kept, why="if the source was removed on purpose, run "
                          "`python -m cohesion refresh --accept-shrink`")
        elif frame is not None and not accept_shrink:
            old = previous.report(source.id)
            why = _shrink(len(frame), old.rows if old else 0, max_shrink)
            if why and (kept := previous.rows(source.id)):
                frame = _keep(report, *kept, why=why)
        if frame is not None:
            frames[source.id] = frame
        reports[source.id] = report
        progress(f"[{n}/{total}] {source.id}: {report.status}, {report.rows} rows")

    now = datetime.now(UTC)
    digest = hashlib.sha256(catalogue_path.read_bytes()).hexdigest()
    version = now.strftime("%Y%m%dT%H%M%S%f") + "-" + digest[:8]
    manifest = store.Manifest(version=version, created=now.isoformat(timespec="seconds"),
                              catalogue_sha256=digest, sources=reports, notes=notes)
    store.write_version(version, frames, manifest, root, observations=combine(frames, catalogue))
    return manifest


def format_report(manifest: store.Manifest) -> str:
    """The refresh report: one line per source, then the problems by name."""
    lines = [f"Store version {manifest.version}", f"{'source':32} {'status':14} {'rows':>7} {'areas':>5}  periods"]
    for sid, r in manifest.sources.items():
        periods = f"{r.periods[0]} to {r.periods[-1]} ({len(r.periods)})" if r.periods else "-"
        lines.append(f"{sid:32} {r.status:14} {r.rows:>7} {r.areas:>5}  {periods}")
    problems = [(sid, p) for sid, r in manifest.sources.items() for p in r.problems if r.status in ("failed", "kept_previous")]
    notes = [(sid, p) for sid, r in manifest.sources.items() for p in r.problems if r.status not in ("failed", "kept_previous")]
    if problems:
        lines.append("\nProblems:")
        lines += [f"  {sid}: {p}" for sid, p in problems]
    if notes:
        lines.append("\nNot loaded (no file or not configured):")
        lines += [f"  {sid}: {p}" for sid, p in notes]
    if manifest.notes:
        lines.append("\nStore:")
        lines += [f"  {note}" for note in manifest.notes]
    total = sum(r.rows for r in manifest.sources.values())
    lines.append(f"\n{total} rows from {sum(1 for r in manifest.sources.values() if r.rows)} sources")
    return "\n".join(lines)


def format_summary(manifest: store.Manifest) -> str:
    """One line for `refresh --quiet`: how much loaded, and where to look when something did not."""
    total = sum(r.rows for r in manifest.sources.values())
    loaded = sum(1 for r in manifest.sources.values() if r.rows)
    line = f"Store version {manifest.version}: {total} rows from {loaded} sources"
    failed = [sid for sid, r in manifest.sources.items() if r.status in ("failed", "kept_previous")]
    if failed:
        line += f"; problems with {', '.join(failed)} (run `python -m cohesion refresh` for details)"
    return line


def has_failures(manifest: store.Manifest) -> bool:
    return any(r.status in ("failed", "kept_previous") for r in manifest.sources.values())

"""The processed store: versioned tidy tables on disk, swapped in atomically.

Layout under `data/processed/`:

    CURRENT                         the live version id (replaced atomically)
    versions/<id>/observations.parquet
    versions/<id>/sources/<source_id>.parquet   last good rows of each source
    versions/<id>/manifest.json     per-source report: status, rows, periods, areas, problems

A refresh writes a whole new version folder and only then points CURRENT at it, so a reader
never sees a half-written store and a failed refresh leaves the previous one live. A refresh
that was killed leaves a `.staging-*` folder; the next refresh removes it (`remove_stale_staging`).
A damaged file in an old version raises `StoreDamagedError`, so a refresh can report it and
look further back instead of stopping.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cohesion import config, tidy

KEEP_VERSIONS = 3
# A staging folder from another machine (shared store) is only taken as abandoned after this long.
STALE_STAGING_SECONDS = 6 * 3600


class StoreDamagedError(Exception):
    """A file of a stored version cannot be read (truncated, corrupt, not what we wrote)."""


@dataclass
class SourceReport:
    """What happened to one source in a refresh."""

    source_id: str
    status: str  # loaded | failed | kept_previous | no_file | not_configured | no_loader
    rows: int = 0
    periods: list[str] = field(default_factory=list)
    areas: int = 0
    problems: list[str] = field(default_factory=list)
    file: str = ""
    loaded_at: str = ""
    seconds: float = 0.0


@dataclass
class Manifest:
    version: str
    created: str
    catalogue_sha256: str
    sources: dict[str, SourceReport]
    notes: list[str] = field(default_factory=list)  # about the store itself, e.g. a damaged old version

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw = json.loads(text)
        raw["sources"] = {k: SourceReport(**v) for k, v in raw["sources"].items()}
        return cls(**raw)


_POINTERS: dict[str, tuple[tuple[int, int, int], str | None]] = {}


def current_version(root: Path | None = None) -> str | None:
    """The live version id, or None when no refresh has run yet.

    Pages ask several times per visit, so the pointer is read again only when its file changes:
    a refresh replaces it with a new file (`_point_current_at`), so its inode and time change.
    """
    pointer = (root or config.store_dir()) / "CURRENT"
    try:
        info = os.stat(pointer)
    except FileNotFoundError:
        return None
    stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
    known = _POINTERS.get(str(pointer))
    if known is not None and known[0] == stamp:
        return known[1]
    try:
        version = pointer.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None
    _POINTERS[str(pointer)] = (stamp, version)
    return version


def version_dir(version: str, root: Path | None = None) -> Path:
    return (root or config.store_dir()) / "versions" / version


def read_manifest(version: str | None = None, root: Path | None = None) -> Manifest | None:
    version = version or current_version(root)
    if version is None:
        return None
    path = version_dir(version, root) / "manifest.json"
    try:
        return Manifest.from_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # bad JSON or not our shape
        raise StoreDamagedError(f"version {version}: manifest.json is damaged ({type(exc).__name__}: {exc})") from exc


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a table with its text columns dictionary-encoded: a national-scale table repeats a
    few hundred codes, names and periods millions of times, so it writes faster and smaller."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    columns = [c.dictionary_encode() if pa.types.is_string(c.type) or pa.types.is_large_string(c.type) else c
               for c in table.columns]
    # No min/max statistics for the text columns: no reader filters on them, and working them out
    # took half the write at national scale.
    plain = [n for n, c in zip(table.column_names, columns, strict=True) if not pa.types.is_dictionary(c.type)]
    pq.write_table(pa.table(columns, names=table.column_names), path, write_statistics=plain)


def read_parquet(path: Path) -> pd.DataFrame:
    """Read a stored table; dictionary-encoded text comes back as plain text (as written)."""
    table = pq.read_table(path)
    columns = [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in table.columns]
    return pa.table(columns, names=table.column_names).to_pandas()


def read_observations(version: str | None = None, root: Path | None = None) -> pd.DataFrame:
    """All observations of a version (the live one by default); empty tidy frame if none."""
    version = version or current_version(root)
    if version is None:
        return tidy.empty_frame()
    path = version_dir(version, root) / "observations.parquet"
    if not path.exists():
        return tidy.empty_frame()
    return read_parquet(path)


def read_source_rows(source_id: str, version: str | None = None, root: Path | None = None) -> pd.DataFrame | None:
    """The last good rows of one source in a version, or None if that version has none."""
    version = version or current_version(root)
    if version is None:
        return None
    path = version_dir(version, root) / "sources" / f"{source_id}.parquet"
    if not path.exists():
        return None
    try:
        return read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a truncated or corrupt file
        detail = str(exc).replace(f"'{path}'", "").replace(str(path), "")  # the path is said once, below
        raise StoreDamagedError(f"version {version}: sources/{source_id}.parquet is damaged "
                                f"({type(exc).__name__}: {detail})") from exc


def older_versions(root: Path | None = None) -> list[str]:
    """Every complete version id, newest first (ids start with their creation time)."""
    versions = (root or config.store_dir()) / "versions"
    if not versions.is_dir():
        return []
    return sorted((p.name for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True)


def _staging_prefix() -> str:
    return f".staging-{socket.gethostname()}-{os.getpid()}-"


def remove_stale_staging(root: Path | None = None) -> list[str]:
    """Remove half-written versions left by a refresh that was killed; return their names.

    A folder is abandoned when the process named in it is gone from this machine, or, for
    another machine's (or an older, unnamed) folder, when it is older than STALE_STAGING_SECONDS.
    """
    versions = (root or config.store_dir()) / "versions"
    if not versions.is_dir():
        return []
    removed = []
    host = socket.gethostname()
    for path in versions.glob(".staging-*"):
        parts = path.name[len(".staging-"):].rsplit("-", 2)
        if len(parts) == 3 and parts[0] == host and parts[1].isdigit():
            stale = not _process_alive(int(parts[1]))
        else:
            try:
                stale = time.time() - path.stat().st_mtime > STALE_STAGING_SECONDS
            except FileNotFoundError:
                continue
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def write_version(version: str, frames: dict[str, pd.DataFrame], manifest: Manifest,
                  root: Path | None = None, observations: pd.DataFrame | None = None) -> Path:
    """Write a complete version beside the old ones, then make it live in one rename.

    `observations` are tidy rows as `refresh.combine` gives them (written as they are); without
    them, the frames' rows together.
    """
    root = root or config.store_dir()
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(), dir=versions))
    try:
        (staging / "sources").mkdir()
        for source_id, frame in frames.items():
            write_parquet(frame, staging / "sources" / f"{source_id}.parquet")
        if observations is None:
            nonempty = [f for f in frames.values() if len(f)]
            observations = tidy.conform(pd.concat(nonempty, ignore_index=True) if nonempty else tidy.empty_frame())
        write_parquet(observations, staging / "observations.parquet")
        (staging / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
        final = versions / version
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _point_current_at(root, version)
    _prune(versions, keep=version)
    return final


def _point_current_at(root: Path, version: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".CURRENT-", dir=root)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(version + "\n")
        os.replace(tmp, root / "CURRENT")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prune(versions: Path, keep: str) -> None:
    # Keep a few old versions: a reader that looked up CURRENT just before the swap can finish.
    old = sorted(p for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != keep)
    for path in old[: max(0, len(old) - (KEEP_VERSIONS - 1))]:
        shutil.rmtree(path, ignore_errors=True)

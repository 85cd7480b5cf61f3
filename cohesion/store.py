"""The processed store: versioned tidy tables on disk, swapped in atomically.

Layout under `data/processed/`:

    CURRENT                         the live version id (replaced atomically)
    versions/<id>/observations.parquet
    versions/<id>/sources/<source_id>.parquet   last good rows of each source
    versions/<id>/manifest.json     per-source report: status, rows, periods, areas, problems

A refresh writes a whole new version folder and only then points CURRENT at it, so a reader
never sees a half-written store and a failed refresh leaves the previous one live.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from cohesion import config, tidy

KEEP_VERSIONS = 3


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

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw = json.loads(text)
        raw["sources"] = {k: SourceReport(**v) for k, v in raw["sources"].items()}
        return cls(**raw)


def current_version(root: Path | None = None) -> str | None:
    """The live version id, or None when no refresh has run yet. Cheap: one small file read."""
    pointer = (root or config.store_dir()) / "CURRENT"
    try:
        return pointer.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


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


def read_observations(version: str | None = None, root: Path | None = None) -> pd.DataFrame:
    """All observations of a version (the live one by default); empty tidy frame if none."""
    version = version or current_version(root)
    if version is None:
        return tidy.empty_frame()
    path = version_dir(version, root) / "observations.parquet"
    if not path.exists():
        return tidy.empty_frame()
    return pd.read_parquet(path)


def read_source_rows(source_id: str, version: str | None = None, root: Path | None = None) -> pd.DataFrame | None:
    """The last good rows of one source in a version, or None if that version has none."""
    version = version or current_version(root)
    if version is None:
        return None
    path = version_dir(version, root) / "sources" / f"{source_id}.parquet"
    return pd.read_parquet(path) if path.exists() else None


def write_version(version: str, frames: dict[str, pd.DataFrame], manifest: Manifest,
                  root: Path | None = None, observations: pd.DataFrame | None = None) -> Path:
    """Write a complete version beside the old ones, then make it live in one rename."""
    root = root or config.store_dir()
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=versions))
    try:
        (staging / "sources").mkdir()
        for source_id, frame in frames.items():
            frame.to_parquet(staging / "sources" / f"{source_id}.parquet", index=False)
        if observations is None:
            nonempty = [f for f in frames.values() if len(f)]
            observations = pd.concat(nonempty, ignore_index=True) if nonempty else tidy.empty_frame()
        tidy.conform(observations).to_parquet(staging / "observations.parquet", index=False)
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
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(version + "\n")
    os.replace(tmp, root / "CURRENT")


def _prune(versions: Path, keep: str) -> None:
    # Keep a few old versions: a reader that looked up CURRENT just before the swap can finish.
    old = sorted(p for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != keep)
    for path in old[: max(0, len(old) - (KEEP_VERSIONS - 1))]:
        shutil.rmtree(path, ignore_errors=True)

"""Where things live: project folders, the reference-data folder, and safe path resolution.

Every file path that comes from configuration (the catalogue's `sources`, a register path, a
geography import) is resolved through `resolve_data_path`, which refuses anything that would
escape the project's data folders. That keeps a hostile or mistaken catalogue from reading
arbitrary files on the server.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
GEO_DIR = PROJECT_ROOT / "geo"
DEFAULT_CATALOGUE = PROJECT_ROOT / "indicators.yaml"
NATIONAL_DIR = DATA_DIR / "national"  # shipped national tables (`python -m cohesion national build`)

# Environment variables (documented in the README). Each one overrides a default folder.
ENV_DATA_DIR = "COHESION_DATA_DIR"  # where the processed store and council files live
ENV_REFERENCE_DIR = "COHESION_REFERENCE_DATA"  # a local copy of publishers' files (read-only)
ENV_GEO_DIR = "COHESION_GEO_DIR"  # cached boundaries, postcode lookups, deprivation
ENV_CATALOGUE = "COHESION_CATALOGUE"  # the place's catalogue (written by `python -m cohesion init`)

# The catalogue of the place this process serves. Another council is configuration only: point
# COHESION_CATALOGUE at the file `cohesion init` wrote; its folder then holds that council's data
# (council files, manual statuses, meetings, processed store) unless COHESION_DATA_DIR says otherwise.
CATALOGUE_PATH = Path(os.environ.get(ENV_CATALOGUE) or DEFAULT_CATALOGUE).resolve()


class UnsafePathError(ValueError):
    """A configured path points outside the folders the dashboard may read."""


def resolved(path: str) -> Path:
    """`Path(path).resolve()`, remembered (a relative path per working folder)."""
    # Folder paths are resolved on every page run (store version, data folder); each resolve is a
    # system call per path part, a measurable share of a warm visit. Keyed on the path as given
    # (and the working folder for a relative one), so a changed setting is resolved afresh.
    return _resolved_in(path, "" if os.path.isabs(path) else os.getcwd())


@functools.lru_cache(maxsize=64)
def _resolved_in(path: str, cwd: str) -> Path:
    return Path(cwd, path).resolve()


def data_dir() -> Path:
    """The place's data folder (council files, manual statuses, processed store).

    COHESION_DATA_DIR if set; else the folder of a catalogue other than the default one (so two
    councils never share a store); else the project's `data/`.
    """
    if os.environ.get(ENV_DATA_DIR):
        return resolved(os.environ[ENV_DATA_DIR])
    if resolved(str(CATALOGUE_PATH)) != resolved(str(DEFAULT_CATALOGUE)):
        return resolved(str(CATALOGUE_PATH)).parent
    return resolved(str(DATA_DIR))


def shipped_dir() -> Path:
    """The project's shipped tables (typed-in figures, national tables): read-only, same for every place."""
    return resolved(str(DATA_DIR))


def national_dir() -> Path:
    """The shipped national tables in the project's tidy form, with PROVENANCE.csv."""
    return resolved(str(NATIONAL_DIR))


def geo_dir() -> Path:
    """The git-ignored cache of fetched or imported geography files (the place's own, like data_dir)."""
    if os.environ.get(ENV_GEO_DIR):
        return resolved(os.environ[ENV_GEO_DIR])
    if resolved(str(CATALOGUE_PATH)) != resolved(str(DEFAULT_CATALOGUE)):
        return resolved(str(CATALOGUE_PATH)).parent / "geo"
    return resolved(str(GEO_DIR))


def reference_dir() -> Path | None:
    """A local folder of publishers' original files, if one is configured and exists."""
    value = os.environ.get(ENV_REFERENCE_DIR)
    if not value:
        return None
    path = Path(value).resolve()
    return path if path.is_dir() else None


def store_dir() -> Path:
    """The processed store: versioned tidy tables written by `python -m cohesion refresh`."""
    return data_dir() / "processed"


def allowed_roots() -> dict[str, Path]:
    """Named roots a configured path may start from, e.g. `reference:indicators/x.csv`."""
    roots = {"data": data_dir(), "geo": geo_dir(), "shipped": shipped_dir()}
    ref = reference_dir()
    if ref is not None:
        roots["reference"] = ref
    return roots


def resolve_data_path(spec: str) -> Path:
    """Turn a configured path such as `data:published_figures.csv` into an absolute path.

    A bare relative path is taken as relative to the data folder. The result must stay inside
    its root after resolving `..` and symlinks; otherwise UnsafePathError names the problem.
    """
    root_name, sep, rel = spec.partition(":")
    if not sep:
        root_name, rel = "data", spec
    roots = allowed_roots()
    if root_name not in roots:
        if root_name == "reference":
            raise FileNotFoundError(
                f"'{spec}' needs the reference-data folder; set {ENV_REFERENCE_DIR} to a folder "
                "holding the publishers' files"
            )
        raise UnsafePathError(
            f"'{spec}': unknown root '{root_name}'; expected one of {sorted(roots)}"
        )
    if Path(rel).is_absolute():
        raise UnsafePathError(f"'{spec}': absolute paths are not allowed; use a path inside {root_name}/")
    root = roots[root_name]
    path = (root / rel).resolve()
    if not path.is_relative_to(root):
        raise UnsafePathError(f"'{spec}' resolves outside the {root_name} folder")
    return path

"""Everything the community-spaces page needs, gathered in one call without Streamlit.

`collect` reads the register and whichever public layers are in the geo folder, validates them
against the postcode lookup and the authority's boundary, and returns one SPACES frame plus the
notes and problems the page must show. `prepare` adds the area tables and the ranking. Both are
plain functions so the page can cache them and the tests can call them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import shapely

from cohesion.geo import aggregate, need
from cohesion.geo.boundaries import GeoData
from cohesion.loaders.errors import DataFileError
from cohesion.spaces.layer import Layer
from cohesion.spaces.layer_registry import load_layers
from cohesion.spaces.register import SPACES_COLUMNS, Area, load_register


@dataclass
class Collected:
    spaces: pd.DataFrame  # SPACES columns, every layer
    layers: list[Layer] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # files that could not be read at all
    attributions: list[str] = field(default_factory=list)


def area_for(geo: GeoData, place_code: str, place_name: str) -> Area:
    """The authority for 'outside area' checks: its code, and its wards' outline when loaded."""
    boundary = None
    if geo.wards is not None:
        boundary = shapely.union_all(geo.wards.geometry.values)
    elif geo.lsoa11 is not None:
        boundary = shapely.union_all(geo.lsoa11.geometry.values)
    if boundary is not None:
        boundary = boundary.buffer(0.0005)  # ~40 m: a postcode centroid on the boundary line is inside
        shapely.prepare(boundary)
    return Area(lad_code=place_code, name=place_name, boundary=boundary)


def collect(register_path: Path | None, geo: GeoData, area: Area) -> Collected:
    """The register and every public layer present, validated the same way."""
    frames, problems = [], []
    layers, layer_problems = load_layers(geo.layers, geo.postcodes, area)
    problems += layer_problems
    if register_path is not None:
        try:
            register = load_register(register_path, geo.postcodes, area)
            frames.append(register)
            layers.insert(0, Layer("register", "Council register of community spaces", register,
                                   [f"{len(register)} spaces on the register ({register_path.name})"]))
        except DataFileError as exc:
            problems.append(str(exc))
        except FileNotFoundError:
            problems.append(f"{register_path.name}: no register file yet; copy the template to start one")
    frames += [layer.spaces for layer in layers if layer.key != "register"]
    spaces = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SPACES_COLUMNS)
    attributions = [layer.attribution for layer in layers if layer.attribution]
    return Collected(spaces, layers, problems, attributions)


@dataclass
class Prepared:
    tables: aggregate.AreaTables
    lsoa_ranked: pd.DataFrame | None
    ward_ranked: pd.DataFrame | None


def prepare(geo: GeoData, spaces: pd.DataFrame) -> Prepared:
    """Area tables and the thin-provision ranking for LSOAs and wards."""
    tables = aggregate.area_tables(geo, spaces, need.HIGH_NEED_MAX_DECILE)
    lsoa = need.rank_thin(tables.lsoa, "lsoa") if tables.lsoa is not None and geo.has_need else None
    wards = need.rank_thin(tables.wards, "ward") if tables.wards is not None and geo.has_need else None
    return Prepared(tables, lsoa, wards)

"""Which public layers exist: their file in the geo folder, their name in words, their loader, and
whether the "provision is thin" ranking counts them by default.

The default counts only places anyone can walk into and meet (the council's register,
libraries, OpenStreetMap community venues). GP practices, pharmacies and schools are services
shown for context; an officer may tick them in, and the page then says so. This module is the
only one that imports every loader, so no loader module imports another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cohesion.geo.postcodes import PostcodeLookup
from cohesion.loaders.errors import DataFileError
from cohesion.spaces import overpass, public_layers
from cohesion.spaces.layer import Layer, layer_name
from cohesion.spaces.register import Area


@dataclass(frozen=True)
class LayerSource:
    key: str
    file: str  # name in the geo folder's layers/ (see cohesion.geo.boundaries.LAYER_FILES)
    loader: Callable[..., Layer]
    counted_by_default: bool

    @property
    def name(self) -> str:
        return layer_name(self.key)


SOURCES: list[LayerSource] = [
    LayerSource("libraries", "libraries.csv", public_layers.load_libraries, True),
    LayerSource("osm", "osm.json", overpass.load_overpass, True),
    LayerSource("gp_practices", "gp_practices.csv", public_layers.load_gp_practices, False),
    LayerSource("pharmacies", "pharmacies.csv", public_layers.load_pharmacies, False),
    LayerSource("schools", "schools.csv", public_layers.load_schools, False),
]
BY_KEY: dict[str, LayerSource] = {s.key: s for s in SOURCES}
# The register and what-if spaces are always community venues: counted unless the user says otherwise.
DEFAULT_COUNTED = ("register", "what-if", *(s.key for s in SOURCES if s.counted_by_default))


def load_layers(files: dict[str, Path], lookup: PostcodeLookup | None, area: Area | None) -> tuple[list[Layer], list[str]]:
    """Every public layer present; a broken file becomes a message, not a broken page."""
    layers, problems = [], []
    for source in SOURCES:
        if source.file not in files:
            continue
        try:
            layers.append(source.loader(files[source.file], lookup, area))
        except (DataFileError, ValueError, OSError, KeyError) as exc:
            problems.append(f"{source.name} ({source.file}): could not be read: {exc}")
    return layers, problems

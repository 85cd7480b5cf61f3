"""The community-spaces page's choices as URL query parameters, so a shared link reproduces the view.

Parameters (all optional; anything unknown or invalid is ignored, never an error):
  q       what was searched: a postcode or a ward name
  within  search radius in metres (one of RADII)
  layers  layers drawn on the map, comma-separated layer keys ("libraries,schools"); "none" = no layer
  count   layers counted as provision in the ranking, same form
  areas   wards | lsoa | none (no shading)
  shade   the measure the areas are shaded by (a key of cohesion.spaces.maps.MEASURES)

Plain functions, so the round trip is tested without Streamlit; the page reads `decode` once per
session and writes `encode` after its widgets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

RADII = (500, 1000, 2000, 5000)
DEFAULT_RADIUS = 1000
MAX_QUERY = 80  # a postcode or ward name; longer text in a link is cut, not trusted


@dataclass
class ViewChoices:
    query: str = ""
    radius: int = DEFAULT_RADIUS
    layers: tuple[str, ...] | None = None  # None: the page's default
    counted: tuple[str, ...] | None = None
    areas: str | None = None
    shade: str | None = None


def _keys(text: str, allowed: Iterable[str]) -> tuple[str, ...] | None:
    allowed = list(allowed)
    if text.strip().lower() == "none":
        return ()
    wanted = [k.strip() for k in text.split(",") if k.strip() in allowed]
    return tuple(dict.fromkeys(wanted)) or None


def decode(params: Mapping[str, str], layer_keys: Iterable[str], area_keys: Iterable[str],
           measure_keys: Iterable[str]) -> ViewChoices:
    """Choices from query parameters; each invalid value falls back to the page's default (None)."""
    layer_keys, area_keys, measure_keys = list(layer_keys), list(area_keys), list(measure_keys)
    out = ViewChoices()
    out.query = " ".join(str(params.get("q", "")).split())[:MAX_QUERY]
    radius = str(params.get("within", ""))
    out.radius = int(radius) if radius.isdigit() and int(radius) in RADII else DEFAULT_RADIUS
    if "layers" in params:
        out.layers = _keys(str(params["layers"]), layer_keys)
    if "count" in params:
        out.counted = _keys(str(params["count"]), layer_keys)
    areas = str(params.get("areas", ""))
    out.areas = areas if areas in [*area_keys, "none"] else None
    shade = str(params.get("shade", ""))
    out.shade = shade if shade in measure_keys else None
    return out


def encode(choices: ViewChoices) -> dict[str, str]:
    """Query parameters for the current choices (an empty search is left out)."""
    out: dict[str, str] = {}
    if choices.query:
        out["q"] = choices.query
    out["within"] = str(choices.radius)
    if choices.layers is not None:
        out["layers"] = ",".join(choices.layers) or "none"
    if choices.counted is not None:
        out["count"] = ",".join(choices.counted) or "none"
    if choices.areas:
        out["areas"] = choices.areas
    if choices.shade:
        out["shade"] = choices.shade
    return out

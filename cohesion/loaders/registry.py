"""Name -> loader function. The catalogue's `sources[].loader` must be one of these names.

A loader is `fn(path: Path) -> pd.DataFrame` returning the tidy shape (`cohesion.tidy`) with
`measure` filled in and `indicator_id`/`source_id` left for the refresh to set. It raises
`DataFileError` for bad input. Modules are imported lazily so one broken optional dependency
cannot take every loader down.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd

LoaderFn = Callable[[Path], pd.DataFrame]

# loader name -> "module:function"
LOADERS: dict[str, str] = {
    "home_office_hate_crime": "cohesion.loaders.home_office:load_hate_crime",
    "police_local_counts": "cohesion.loaders.police_local:load_police_counts",
    "cls_local_estimates": "cohesion.loaders.cls_estimates:load_cls_estimates",
    "ons_aps_wellbeing": "cohesion.loaders.aps_wellbeing:load_aps_wellbeing",
    "wellbeing_survey": "cohesion.loaders.wellbeing_survey:load_wellbeing_survey",
    "published_figures": "cohesion.loaders.published:load_published_figures",
    "community_spaces_indicator": "cohesion.spaces.indicator:load_spaces_indicator",
    "national_table": "cohesion.loaders.national:load_national_table",
    "police_uk_street": "cohesion.loaders.police_uk:load_police_uk",
}


def get_loader(name: str) -> LoaderFn:
    module_name, _, func = LOADERS[name].partition(":")
    return getattr(importlib.import_module(module_name), func)

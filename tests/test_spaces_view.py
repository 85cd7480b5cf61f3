"""What the Community spaces page quotes, computed once per choice: counts that match the map."""

from __future__ import annotations

import pandas as pd

from cohesion.spaces import view
from cohesion.spaces.register import SPACES_COLUMNS


def spaces() -> pd.DataFrame:
    base = {c: "" for c in SPACES_COLUMNS} | {"status": "located", "is_open": True, "sensitive": False,
                                              "district": "ST4", "problem": ""}
    rows = [
        base | {"id": "r1", "layer": "register", "category": "library", "name": "Hall", "postcode": "ST4 1HH"},
        base | {"id": "r2", "layer": "register", "category": "other", "name": "Refuge", "sensitive": True},
        base | {"id": "r3", "layer": "register", "category": "market", "status": "location needed", "district": ""},
        base | {"id": "l1", "layer": "libraries", "category": "library", "name": "Central", "postcode": "ST1 1AA"},
        base | {"id": "l2", "layer": "libraries", "category": "library", "is_open": False},
        base | {"id": "w1", "layer": "what-if", "category": "community centre", "name": "New hub",
                "postcode": "ST2 0AH"},
    ]
    return pd.DataFrame(rows, columns=SPACES_COLUMNS)


def test_tallies_count_what_the_map_draws() -> None:
    t = view.tallies(spaces())
    assert t.on_map(("register", "libraries")) == {"library": 2, "community centre": 1}
    assert t.on_map(("libraries",)) == {"library": 1, "community centre": 1}  # what-if spaces always drawn
    assert t.on_map(()) == {"community centre": 1}
    assert (t.sensitive_open, t.not_placed, t.location_needed, t.no_district) == (1, 1, 1, 1)
    assert t.open_in_layer("register") == 1 and t.open_in_layer("libraries") == 1  # not the refuge, not closed
    assert t.reasons.to_dict("records") == [{"layer": "register", "status": "location needed", "spaces": 1}]


def test_close_choices_never_offer_a_sensitive_or_closed_space() -> None:
    assert view.closable(spaces()) == {"r1": "Hall (ST4 1HH)", "l1": "Central (ST1 1AA)", "w1": "New hub (ST2 0AH)"}


def test_tables_name_layers_in_words() -> None:
    placed, _problems, unplaced = view.problem_tables(spaces())
    assert "register" not in set(placed["layer"]) and "Council register" in set(placed["layer"])
    assert list(unplaced["layer"]) == ["Council register"]

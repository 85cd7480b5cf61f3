"""The register's validation: every row kept, with a status and a problem naming row and field."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import shapely

from cohesion.geo.postcodes import PostcodeLookup
from cohesion.loaders.errors import DataFileError
from cohesion.spaces.register import (
    CATEGORIES,
    REGISTER_COLUMNS,
    Area,
    load_register,
    placement_summary,
    problem_rows,
    validate,
)

REPO = Path(__file__).resolve().parent.parent
LOOKUP = PostcodeLookup.from_frame(pd.DataFrame({
    "postcode": ["ST4 1HH", "ST1 4FD", "ST5 7EB"], "lat": [53.00, 53.02, 53.04], "lon": [-2.18, -2.17, -2.25],
    "lad_code": ["E06000021", "E06000021", "E07000195"], "ward_code": ["W1", "W2", "X"],
}), source="test lookup")
AREA = Area(lad_code="E06000021", name="Testshire",
            boundary=shapely.box(-2.24, 52.94, -2.07, 53.10))


def _raw(rows: list[dict]) -> pd.DataFrame:
    base = {c: "" for c in REGISTER_COLUMNS} | {"source": "test", "last_checked": "2025-01-01", "sensitive": "no"}
    return pd.DataFrame([base | r for r in rows])


def test_statuses_and_problems_row_by_row() -> None:
    raw = _raw([
        {"name": "Lounge", "category": "community lounge", "postcode": "st41hh"},
        {"name": "No place yet", "category": "market"},
        {"name": "Typo", "category": "library", "postcode": "XYZ 123"},
        {"name": "Unknown pc", "category": "library", "postcode": "ST9 9ZZ"},
        {"name": "Next door", "category": "library", "postcode": "ST5 7EB"},
        {"name": "Far", "category": "other", "latitude": "51.5", "longitude": "-0.1"},
        {"name": "Odd", "category": "bowling alley", "postcode": "ST1 4FD", "sensitive": "maybe"},
        {"name": "Lounge", "category": "community lounge", "postcode": " ST4 1HH "},
        {"name": "Bad xy", "category": "other", "latitude": "abc", "longitude": "-2.1"},
    ])
    out = validate(raw, file="r.csv", layer="register", lookup=LOOKUP, area=AREA)
    assert len(out) == len(raw)  # nothing dropped
    assert list(out["status"]) == ["located", "location needed", "not placed", "not placed", "outside area",
                                   "outside area", "located", "duplicate", "not placed"]
    assert out.loc[0, "postcode"] == "ST4 1HH" and out.loc[0, "district"] == "ST4"
    assert list(out["row"]) == list(range(2, 11))
    problems = dict(zip(out["row"], out["problem"], strict=True))
    assert problems[2] == "" and problems[3] == ""
    assert "'XYZ 123' is not a valid UK postcode" in problems[4]
    assert "ST9 9ZZ is not in the postcode lookup" in problems[5]
    assert "outside Testshire" in problems[6] and "outside Testshire" in problems[7]
    assert "'bowling alley' is not one of the categories" in problems[8]
    assert "column 'sensitive': 'maybe'" in problems[8]
    assert out.loc[6, "category"] == "other"
    assert "duplicate of row 2" in problems[9]
    assert "latitude" in problems[10]


def test_without_lookup_postcodes_give_district_only() -> None:
    out = validate(_raw([{"name": "A", "category": "library", "postcode": "ST4 1HH"}]), file="r.csv", layer="register")
    assert out.loc[0, "status"] == "district only" and out.loc[0, "district"] == "ST4"
    assert out.loc[0, "problem"] == ""


def test_coordinates_win_over_postcode_and_flags_parse() -> None:
    out = validate(_raw([{"name": "A", "category": "library", "postcode": "ST4 1HH", "latitude": "53.01",
                          "longitude": "-2.19", "sensitive": "Yes", "open": "no", "free_to_use": "yes",
                          "step_free": "no", "opening_pattern": "Tue 10-2"}]),
                   file="r.csv", layer="register", lookup=LOOKUP, area=AREA)
    row = out.iloc[0]
    assert (row["lat"], row["lon"]) == (53.01, -2.19)
    assert bool(row["sensitive"]) and not bool(row["is_open"])
    assert row["access"] == "free to use; not step-free; Tue 10-2"


def test_bad_date_is_a_problem() -> None:
    out = validate(_raw([{"name": "A", "category": "library", "last_checked": "01/02/2025"}]), file="r.csv",
                   layer="register")
    assert "column 'last_checked': '01/02/2025' is not a date (expected YYYY-MM-DD)" in out.loc[0, "problem"]


def test_missing_columns_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("name,postcode\nA,ST4 1HH\n")
    with pytest.raises(DataFileError, match=r"mine.csv, row 1: missing column\(s\) 'category'"):
        load_register(path)


def test_summaries() -> None:
    out = validate(_raw([{"name": "A", "category": "library", "postcode": "XX"}, {"name": "B", "category": "market"}]),
                   file="r.csv", layer="register")
    assert list(problem_rows(out)["row"]) == [2]
    summary = placement_summary(out).set_index("status")["spaces"].to_dict()
    assert summary == {"not placed": 1, "location needed": 1}


def test_starter_register_is_honest() -> None:
    """Every starter row cites the strategy and no location is invented."""
    raw = pd.read_csv(REPO / "data" / "community_spaces" / "register.csv", dtype=str, keep_default_na=False)
    assert list(raw.columns) == REGISTER_COLUMNS
    assert raw["source"].str.contains("Community Cohesion Strategy (2025), Appendix 2", regex=False).all()
    assert set(raw["category"]) <= set(CATEGORIES)
    lounges = raw[raw["category"] == "community lounge"]
    assert len(lounges) == 5 and len(raw[raw["category"] == "market"]) == 3
    assert (raw["postcode"] == "").all() and (raw["latitude"] == "").all()
    out = load_register(REPO / "data" / "community_spaces" / "register.csv")
    assert (out["status"] == "location needed").all() and (out["problem"] == "").all()
    assert out.loc[out["name"] == "Uniting Staffordshire Against Hate", "sensitive"].item()


def test_template_matches_register_columns() -> None:
    raw = pd.read_csv(REPO / "data" / "templates" / "community_spaces_template.csv", dtype=str)
    assert list(raw.columns) == REGISTER_COLUMNS

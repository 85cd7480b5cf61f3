"""IMD 2025 on 2021 LSOAs and current wards (imported from the national files), IMD 2019 still
readable, and ArcGIS queries that survive apostrophes and other punctuation in council names."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

from cohesion.geo import aggregate, boundaries, fetch, need


def test_query_values_are_escaped() -> None:
    assert fetch.where_equals("LAD25CD", "E07000146") == "LAD25CD = 'E07000146'"
    assert fetch.where_starts_with("LSOA21NM", "King's Lynn and West Norfolk ") == \
        "LSOA21NM LIKE 'King''s Lynn and West Norfolk %'"
    assert fetch.where_starts_with("X", "50%_off") == "X LIKE '50\\%\\_off%' ESCAPE '\\'"
    assert urllib.parse.parse_qs(urllib.parse.urlencode({"where": fetch.where_equals("A", "x' OR '1'='1")}))[
        "where"] == ["A = 'x'' OR ''1''=''1'"]  # stays one literal
    with pytest.raises(ValueError):
        fetch.where_equals("A; DROP", "x")


def test_arcgis_request_uses_the_escaped_query(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    monkeypatch.setattr(fetch, "_get", lambda url: seen.append(url) or b'{"type":"FeatureCollection","features":[]}')
    fetch._arcgis("lsoa21", fetch.where_starts_with("LSOA21NM", "King's Lynn and West Norfolk "))
    query = urllib.parse.parse_qs(urllib.parse.urlparse(seen[0]).query)
    assert query["where"] == ["LSOA21NM LIKE 'King''s Lynn and West Norfolk %'"]


@pytest.mark.reference
def test_imd2025_import_and_need(reference_data: Path, tmp_path: Path) -> None:
    place = fetch.Place(code="E06000021", name="Stoke-on-Trent", postcode_area="ST")
    problems = fetch.import_folder(reference_data, tmp_path, place, report=lambda _m: None)
    assert problems == []
    geo = boundaries.load_geo(tmp_path)
    assert geo.uses_imd2025 and len(geo.imd2025) == 163 and len(geo.lsoa21_wards) == 163
    assert need.edition(geo) == "IMD 2025" and "Indices of Deprivation 2025" in need.edition_text(geo)
    assert need.neighbourhood_label(geo) == "Neighbourhoods (LSOA 2021)"
    units = aggregate.neighbourhoods(geo)
    assert len(units) == 163 and units["ward_code"].isin(set(geo.wards["code"])).all()
    assert units["imd_decile"].between(1, 10).all()
    # Residents carried from IoD2019's 2011 LSOAs by area: the city total is kept.
    assert units["population"].sum() == pytest.approx(geo.imd["population"].sum(), rel=0.01)
    assert "IMD 2025 decile 1 to 2" in need.rule_text("lsoa", geo)
    # IMD 2019 remains readable for older comparisons.
    old = boundaries.GeoData(lsoa11=geo.lsoa11, imd=geo.imd, wards=geo.wards)
    assert not old.uses_imd2025 and need.edition(old) == "IMD 2019" and len(aggregate.neighbourhoods(old)) == 159

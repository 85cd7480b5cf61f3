"""AppTest runs of the Community spaces page: with and without geography, sensitive venues,
the what-if, postcode and ward search, layers on and off, the URL state, and a broken register."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cohesion import config
from cohesion.geo.fetch import Place, import_folder
from cohesion.spaces.register import REGISTER_COLUMNS

REPO = Path(__file__).resolve().parent.parent
PAGE = "pages/spaces.py"


@pytest.fixture(scope="module")
def imported_geo(reference_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("geo_full")
    assert import_folder(reference_data, dest, Place("E06000021", "Stoke-on-Trent", "ST"), report=lambda _m: None) == []
    return dest


def run_page(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def deck_json(at: AppTest) -> str:
    charts = at.get("deck_gl_json_chart")
    assert charts, "no map drawn"
    return charts[0].proto.json


def shown(markdown: str) -> str:
    """What a reader sees of Markdown the page escaped (data and user text are backslash-escaped)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def write_register(data_dir: Path, rows: list[dict]) -> None:
    base = {c: "" for c in REGISTER_COLUMNS} | {"source": "test", "last_checked": "2025-01-01", "sensitive": "no"}
    pd.DataFrame([base | r for r in rows], columns=REGISTER_COLUMNS).to_csv(
        data_dir / "community_spaces" / "register.csv", index=False)


def test_page_with_boundaries(isolated_data: Path, imported_geo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_GEO_DIR, str(imported_geo))
    monkeypatch.setenv("COHESION_BASEMAP", "none")
    at = run_page()
    assert not at.warning  # nothing missing
    # 7 open libraries + 35 GP practices + 66 pharmacies + 93 schools inside the city
    assert metric(at, "Open spaces on the map") == "201"
    assert metric(at, "Register: location needed") == "33"
    spec = json.loads(deck_json(at))
    assert [layer["@@type"] for layer in spec["layers"]] == ["GeoJsonLayer", "ScatterplotLayer"]
    assert len(spec["layers"][0]["data"]["features"]) == 34  # current wards
    assert any("Thin" in m.value for m in at.markdown)  # the rule is shown
    # The ranking says what it counts: by default the community venues, not GP practices.
    assert "Counting: Council register (0 open); Public libraries (7 open)." in text_of(at)
    assert "negative score is not an error" in text_of(at)  # the CNI's sign explained
    # Layer names in words everywhere a person reads them; never an internal key.
    assert at.pills[0].options == ["Council register", "Public libraries", "GP practices", "Community pharmacies",
                                   "State-funded schools"]
    for frame in (d.value for d in at.dataframe):
        cells = frame.astype(str).to_numpy().ravel().tolist() if hasattr(frame, "to_numpy") else []
        assert not {"gp_practices", "libraries", "register", "pharmacies", "schools"} & set(cells)
    districts = next(d.value for d in at.dataframe if "district" in d.value.columns).set_index("district")
    assert districts.loc["ST1", "listening_participation_pct"] == "27.4%"  # Strategy Appendix 3
    assert districts.loc["ST9", "listening_participation_pct"] == "not published"
    assert "residents, mid-2015, from IoD2019 File 6" in text_of(at)


def test_page_without_boundaries(isolated_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "geo_empty"
    empty.mkdir()
    monkeypatch.setenv(config.ENV_GEO_DIR, str(empty))
    at = run_page()
    assert "geo import --from FOLDER" in at.warning[0].value
    assert metric(at, "Open spaces on the map") == "0"
    frames = [d.value for d in at.dataframe]
    assert any("district" in f.columns for f in frames)  # the district table still works
    assert "needs LSOA boundaries" in text_of(at)


def test_sensitive_venue_is_never_mapped(isolated_data: Path, imported_geo: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_GEO_DIR, str(imported_geo))
    write_register(isolated_data, [
        {"name": "Safe Haven Refuge", "category": "other", "postcode": "ST4 4SZ", "sensitive": "yes"},
        {"name": "Open Hall", "category": "community centre", "postcode": "ST4 4SZ"},
    ])
    at = run_page()
    spec = deck_json(at)
    assert "Safe Haven Refuge" not in spec and "Open Hall" in spec
    assert metric(at, "Sensitive venues (district only)") == "1"
    at.text_input(key="spaces_q").set_value("st44sz").run()
    near = next(d.value for d in at.dataframe if "where" in d.value.columns)
    refuge = near[near["name"] == "Safe Haven Refuge"]
    assert list(refuge["where"]) == ["in ST4"]
    assert "distance_m" not in near.columns
    hall = near[near["name"] == "Open Hall"]
    assert list(hall["where"]) == ["0 m"]


def test_what_if_changes_the_ranking(isolated_data: Path, imported_geo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_GEO_DIR, str(imported_geo))
    at = run_page()
    at.selectbox(key="spaces_areas").set_value("lsoa").run()
    # Count GP practices too, as the ranking did before it said what it counts.
    at.pills(key="spaces_count").set_value(["register", "libraries", "gp_practices"]).run()
    at.sidebar.text_input[0].set_value("New hub").run()
    # A postcode inside the thinnest neighbourhood, Stoke-on-Trent 017D.
    at.sidebar.text_input[1].set_value("ST2 0AH").run()
    assert not at.exception
    assert any("added 'New hub' at ST2 0AH" in i.value for i in at.info)
    change = shown(next(m.value for m in at.markdown if m.value.startswith("What-if: now thin")))
    assert "No longer thin: " in change and "Stoke-on-Trent 017D" in change.split("No longer thin: ")[1]


def test_broken_register_is_reported_and_page_keeps_working(isolated_data: Path, imported_geo: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_GEO_DIR, str(imported_geo))
    (isolated_data / "community_spaces" / "register.csv").write_text("name,postcode\nA,ST4 1HH\n")
    at = run_page()
    assert any("register.csv, row 1: missing column(s) 'category'" in e.value for e in at.error)
    assert metric(at, "Open spaces on the map") == "201"  # public layers still drawn


def _layer(spec: dict, layer_id: str) -> dict | None:
    return next((layer for layer in spec["layers"] if layer.get("id") == layer_id), None)


def test_postcode_search_marks_zooms_and_names_the_ward(isolated_data: Path, imported_geo: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_GEO_DIR, str(imported_geo))
    at = run_page()
    before = json.loads(deck_json(at))["initialViewState"]
    at.text_input(key="spaces_q").set_value("st4 1hh").run()
    assert [shown(s.value) for s in at.success] == ["ST4 1HH is in Hartshill Park & Stoke ward, Stoke-on-Trent."]
    spec = json.loads(deck_json(at))
    marker = _layer(spec, "search-marker")
    assert marker is not None and marker["data"][0]["title"] == "Searched postcode ST4 1HH"
    view = spec["initialViewState"]
    assert view["zoom"] == 14.0 > before["zoom"]
    assert (view["latitude"], view["longitude"]) == (marker["data"][0]["lat"], marker["data"][0]["lon"])
    assert at.query_params["q"] == "st4 1hh"
    near = next(d.value for d in at.dataframe if "where" in d.value.columns)
    assert len(near) and "Spaces within 1,000 m of ST4 1HH" in [h.value for h in at.header]


def test_postcode_outside_the_city_says_so(isolated_data: Path, imported_geo: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_GEO_DIR, str(imported_geo))
    at = run_page({"q": "ST5 1AA"})
    assert "ST5 1AA is outside Stoke-on-Trent: it is in Newcastle-under-Lyme (E07000195)" in shown(at.warning[0].value)
    assert _layer(json.loads(deck_json(at)), "search-marker") is not None  # still marked and zoomed to


def test_ward_search_highlights_and_zooms(isolated_data: Path, imported_geo: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_GEO_DIR, str(imported_geo))
    at = run_page()
    city_zoom = json.loads(deck_json(at))["initialViewState"]["zoom"]
    at.text_input(key="spaces_q").set_value("Burslem").run()
    assert [shown(s.value) for s in at.success] == ["2 wards match 'Burslem': Burslem, Burslem Park"]
    spec = json.loads(deck_json(at))
    found = _layer(spec, "found-wards")
    assert [f["properties"]["title"] for f in found["data"]["features"]] == ["Burslem", "Burslem Park"]
    assert spec["initialViewState"]["zoom"] > city_zoom + 1
    at.text_input(key="spaces_q").set_value("Nowhere Ward").run()
    assert "No postcode or ward in Stoke-on-Trent matches 'Nowhere Ward'" in shown(at.error[0].value)
    assert _layer(json.loads(deck_json(at)), "found-wards") is None


def test_a_link_reproduces_the_view(isolated_data: Path, imported_geo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_GEO_DIR, str(imported_geo))
    params = {"q": "Burslem", "within": "2000", "layers": "libraries", "count": "register,libraries,gp_practices",
              "areas": "lsoa", "shade": "civic_assets_score"}
    at = run_page(params)
    spec = json.loads(deck_json(at))
    assert len(_layer(spec, "spaces")["data"]) == 7  # only the open libraries are drawn
    assert len(_layer(spec, "areas")["data"]["features"]) == 163  # 2021 neighbourhoods (IMD 2025), not wards
    assert "civic-assets" in _layer(spec, "areas")["data"]["features"][0]["properties"]["line1"]
    assert _layer(spec, "found-wards") is not None
    assert at.pills(key="spaces_layers").value == ["libraries"]
    assert at.pills(key="spaces_count").value == ["register", "libraries", "gp_practices"]
    assert "Counting: Council register (0 open); Public libraries (7 open); GP practices (35 open)." in text_of(at)
    assert metric(at, "Open spaces on the map") == "7"
    assert {k: at.query_params[k] for k in params} == params  # and the link stays the same


def test_layers_switch_off_and_counting_changes_the_ranking(isolated_data: Path, imported_geo: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_GEO_DIR, str(imported_geo))
    at = run_page()
    ranked = next(d.value for d in at.dataframe if "provision_score" in d.value.columns)
    at.pills(key="spaces_layers").set_value(["libraries", "schools"]).run()
    assert metric(at, "Open spaces on the map") == "100"  # 7 libraries + 93 schools
    assert at.query_params["layers"] == "libraries,schools"
    at.pills(key="spaces_count").set_value(["libraries", "schools"]).run()
    assert "Counting: Public libraries (7 open); State-funded schools (93 open)." in text_of(at)
    recounted = next(d.value for d in at.dataframe if "provision_score" in d.value.columns)
    assert int(recounted["spaces_count"].sum()) > int(ranked["spaces_count"].sum())
    assert at.query_params["count"] == "libraries,schools"


def _vertices(layer: dict) -> list[list[float]]:
    def walk(node: object) -> list[list[float]]:
        if isinstance(node, list) and node and isinstance(node[0], float | int):
            return [node]
        return [c for child in node for c in walk(child)] if isinstance(node, list) else []

    return [c for f in layer["data"]["features"] for c in walk(f["geometry"]["coordinates"])]


def test_polygons_are_simplified_for_the_zoom_and_rounded(isolated_data: Path, imported_geo: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_GEO_DIR, str(imported_geo))
    at = run_page({"areas": "lsoa"})
    city = _layer(json.loads(deck_json(at)), "areas")
    assert "Polygons simplified to about 30 m for display at this zoom (city view)." in text_of(at)
    at.text_input(key="spaces_q").set_value("st4 1hh").run()  # zoom 14 around the postcode
    street = _layer(json.loads(deck_json(at)), "areas")
    assert "about 3 m for display at this zoom (street view)" in text_of(at)
    assert len(city["data"]["features"]) == len(street["data"]["features"]) == 163  # every area, both zooms
    assert len(_vertices(city)) < 0.8 * len(_vertices(street))
    assert all(round(v, 5) == v for point in _vertices(city) for v in point)  # about 1 m

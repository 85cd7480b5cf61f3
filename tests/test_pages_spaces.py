"""AppTest runs of the Community spaces page: with and without geography, sensitive venues,
the what-if, postcode search, and a broken register."""

from __future__ import annotations

import json
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


def run_page() -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def deck_json(at: AppTest) -> str:
    charts = at.get("deck_gl_json_chart")
    assert charts, "no map drawn"
    return charts[0].proto.json


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
    assert metric(at, "Open spaces on the map") == "42"  # 7 open libraries + 35 GP practices inside the city
    assert metric(at, "Register: location needed") == "33"
    spec = json.loads(deck_json(at))
    assert [layer["@@type"] for layer in spec["layers"]] == ["GeoJsonLayer", "ScatterplotLayer"]
    assert len(spec["layers"][0]["data"]["features"]) == 34  # current wards
    assert any("Thin" in m.value for m in at.markdown)  # the rule is shown
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
    at.main.text_input[0].set_value("st44sz").run()
    near = next(d.value for d in at.dataframe if "where" in d.value.columns)
    refuge = near[near["name"] == "Safe Haven Refuge"]
    assert list(refuge["where"]) == ["in ST4"]
    assert "distance_m" not in near.columns
    hall = near[near["name"] == "Open Hall"]
    assert list(hall["where"]) == ["0 m"]


def test_what_if_changes_the_ranking(isolated_data: Path, imported_geo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_GEO_DIR, str(imported_geo))
    at = run_page()
    at.main.radio[0].set_value("lsoa").run()
    at.sidebar.text_input[0].set_value("New hub").run()
    # A postcode inside the thinnest neighbourhood, Stoke-on-Trent 017D.
    at.sidebar.text_input[1].set_value("ST2 0AH").run()
    assert not at.exception
    assert any("added 'New hub' at ST2 0AH" in i.value for i in at.info)
    change = next(m.value for m in at.markdown if m.value.startswith("What-if: now thin"))
    assert "No longer thin: " in change and "Stoke-on-Trent 017D" in change.split("No longer thin: ")[1]


def test_broken_register_is_reported_and_page_keeps_working(isolated_data: Path, imported_geo: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.ENV_GEO_DIR, str(imported_geo))
    (isolated_data / "community_spaces" / "register.csv").write_text("name,postcode\nA,ST4 1HH\n")
    at = run_page()
    assert any("register.csv, row 1: missing column(s) 'category'" in e.value for e in at.error)
    assert metric(at, "Open spaces on the map") == "42"  # public layers still drawn

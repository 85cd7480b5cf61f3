"""The priority 10 indicator from the register, and the participation shares by district."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cohesion import config, tidy
from cohesion.loaders.errors import DataFileError
from cohesion.loaders.registry import get_loader
from cohesion.spaces.indicator import (
    MEASURE_LOCATED,
    MEASURE_LOCATION_NEEDED,
    load_spaces_indicator,
    participation_by_district,
)
from cohesion.spaces.register import REGISTER_COLUMNS

REPO = Path(__file__).resolve().parent.parent


def write_register(path: Path, rows: list[dict]) -> Path:
    base = {c: "" for c in REGISTER_COLUMNS} | {"source": "test", "sensitive": "no"}
    pd.DataFrame([base | r for r in rows], columns=REGISTER_COLUMNS).to_csv(path, index=False)
    return path


@pytest.fixture
def no_geo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "geo"
    folder.mkdir()
    monkeypatch.setenv(config.ENV_GEO_DIR, str(folder))
    return folder


def test_counts_and_period(tmp_path: Path, no_geo: Path) -> None:
    path = write_register(tmp_path / "r.csv", [
        {"name": "A", "category": "library", "postcode": "ST4 1HH", "last_checked": "2024-05-01"},
        {"name": "B", "category": "market", "last_checked": "2025-02-03"},
        {"name": "C", "category": "other", "postcode": "nonsense", "last_checked": "2023-01-01", "sensitive": "yes"},
        {"name": "D", "category": "other", "postcode": "ST1 4FD", "open": "no", "last_checked": "2023-01-01"},
    ])
    frame = load_spaces_indicator(path)
    assert tidy.check_tidy(frame) == []
    head = frame[frame["breakdown"] == ""].set_index("measure")
    assert head.loc[MEASURE_LOCATED, "value"] == 1  # A only; D is closed
    assert head.loc[MEASURE_LOCATION_NEEDED, "value"] == 2  # B blank, C invalid postcode
    assert set(frame["period"]) == {"2025"}
    assert set(frame["area_code"]) == {"E06000021"} and set(frame["unit"]) == {"count"}


def test_registered_loader_reads_the_shipped_register(no_geo: Path) -> None:
    frame = get_loader("community_spaces_indicator")(REPO / "data" / "community_spaces" / "register.csv")
    head = frame[frame["breakdown"] == ""].set_index("measure")["value"]
    assert head[MEASURE_LOCATED] == 0 and head[MEASURE_LOCATION_NEEDED] == 33


def test_public_layers_count_only_with_a_lookup(reference_data: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from cohesion.geo.fetch import Place, import_folder

    geo = tmp_path / "geo"
    import_folder(reference_data, geo, Place("E06000021", "Stoke-on-Trent", "ST"), report=lambda _m: None)
    monkeypatch.setenv(config.ENV_GEO_DIR, str(geo))
    frame = load_spaces_indicator(REPO / "data" / "community_spaces" / "register.csv")
    located = frame[frame["measure"] == MEASURE_LOCATED].set_index("breakdown")["value"]
    assert located["layer=libraries"] == 7 and located["layer=gp_practices"] == 35
    assert located["layer=pharmacies"] == 66 and located["layer=schools"] == 93
    assert located[""] == 7  # community venues only: the register (none located yet) and the 7 open libraries


def test_no_dates_is_a_clear_error(tmp_path: Path, no_geo: Path) -> None:
    path = write_register(tmp_path / "r.csv", [{"name": "A", "category": "library", "last_checked": ""}])
    with pytest.raises(DataFileError, match="r.csv, column 'last_checked': no row has a valid last_checked"):
        load_spaces_indicator(path)


def test_participation_shares(tmp_path: Path) -> None:
    path = tmp_path / "published.csv"
    pd.DataFrame({"measure": ["listening_participation_share"] * 2 + ["other"], "breakdown":
                  ["postcode_district=ST1", "postcode_district=st4", "postcode_district=ST2"],
                  "value": ["27.4", "21.2", "5"]}).to_csv(path, index=False)
    assert participation_by_district(path) == {"ST1": 27.4, "ST4": 21.2}
    assert participation_by_district(tmp_path / "absent.csv") == {}


def test_participation_citation_from_the_shipped_table() -> None:
    from cohesion.spaces.indicator import participation_citation

    citation = participation_citation(REPO / "data" / "published_figures.csv")
    assert "Community Cohesion Strategy (2025)" in citation and "Appendix 3" in citation

"""The police.uk street-level loader: constructed files for each rule, then the real 2025 files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cohesion import tidy
from cohesion.loaders.errors import DataFileError
from cohesion.loaders.police_uk import GAP_NOTE, HEADER, PlaceInfo, load_police_uk, measure_for

PLACE = PlaceInfo("Testville", "E06999999", "Testshire")
LOOKUP = pd.DataFrame({
    "lsoa21_code": ["E01000001", "E01000002", "E01000003"],
    "lsoa21_name": ["Testville 001A", "Testville 001B", "Testville 002A"],
    "ward24_code": ["E05000001", "E05000001", "E05000002"],
    "ward24_name": ["North", "North", "South"],
    "lad24_code": ["E06999999"] * 3,
})


def row(month: str, lsoa: str, name: str, crime: str, location: str = "On or near High Street") -> str:
    crime_id = "" if crime == "Anti-social behaviour" else "ab12"
    lon, lat = ("", "") if location == "No Location" else ("-2.1", "53.0")
    return (f"{crime_id},{month},Testshire Police,Testshire Police,{lon},{lat},{location},{lsoa},{name},"
            f"{crime},,")


def write_month(folder: Path, month: str, lines: list[str], force: str = "testshire") -> Path:
    path = folder / month / f"{month}-{force}-street.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(",".join(HEADER) + "\n" + "\n".join(lines) + "\n")
    return path


def value(frame: pd.DataFrame, **where) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for key, wanted in where.items():
        mask &= frame[key].to_numpy() == wanted
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_month(tmp_path, "2025-01", [
        row("2025-01", "E01000001", "Testville 001A", "Public order"),
        row("2025-01", "E01000001", "Testville 001A", "Public order"),
        row("2025-01", "E01000003", "Testville 002A", "Public order"),
        row("2025-01", "E01000002", "Testville 001B", "Anti-social behaviour"),
        row("2025-01", "E01009999", "Elsewhere 001A", "Public order"),  # another authority in the force
        row("2025-01", "", "", "Public order", "No Location"),
    ])
    write_month(tmp_path, "2025-03", [row("2025-03", "E01000002", "Testville 001B", "Public order")])
    return tmp_path


def test_counts_by_lsoa_ward_and_authority(folder: Path) -> None:
    out = load_police_uk(folder, place=PLACE, lookup=LOOKUP)
    assert tidy.check_tidy(out) == []
    po = out[out["measure"] == "police_uk_public_order"]
    assert value(po, period="2025-01", area_code="E01000001")["value"] == 2
    assert value(po, period="2025-01", area_code="E01000002")["value"] == 0  # a real zero in a loaded month
    assert value(po, period="2025-01", area_code="E05000001")["value"] == 2
    assert value(po, period="2025-01", area_code="E05000002")["value"] == 1
    city = value(po, period="2025-01", area_code="E06999999")
    assert city["value"] == 3 and city["area_type"] == "local_authority" and city["area_name"] == "Testville"
    # The force's file covers other authorities, so its record without a location cannot be placed here.
    assert "leaves out 1 record(s) with no location" in city["status_note"]
    assert "E01009999" not in set(out["area_code"])
    assert set(out["unit"]) == {"count"}


def test_missing_month_is_a_gap_not_a_zero(folder: Path) -> None:
    out = load_police_uk(folder, place=PLACE, lookup=LOOKUP)
    for code in ("E01000002", "E05000001", "E06999999"):
        gap = value(out, measure="police_uk_public_order", period="2025-02", area_code=code)
        assert np.isnan(gap["value"]) and gap["status_note"] == GAP_NOTE
    assert value(out, measure="police_uk_public_order", period="2025-03", area_code="E06999999")["value"] == 1


def test_no_location_counted_for_the_authority_only_in_its_own_extract(tmp_path: Path) -> None:
    write_month(tmp_path, "2025-01", [
        row("2025-01", "E01000001", "Testville 001A", "Public order"),
        row("2025-01", "", "", "Public order", "No Location"),
        row("2025-01", "", "", "Public order", "No Location"),
    ])
    out = load_police_uk(tmp_path, place=PLACE, lookup=LOOKUP)
    city = value(out, measure="police_uk_public_order", period="2025-01", area_code="E06999999")
    assert city["value"] == 3
    assert "includes 2 record(s) with no location ('No Location'), counted for Testville as a whole only" \
        in city["status_note"]
    wards = out[(out["area_type"] == "ward") & (out["measure"] == "police_uk_public_order")]
    assert wards["value"].sum() == 1


def test_without_a_lookup_lsoas_by_name_and_the_authority_only(folder: Path, tmp_path: Path) -> None:
    out = load_police_uk(folder, place=PLACE, geo_folder=tmp_path / "no-geo")
    assert set(out["area_type"]) == {"lsoa", "local_authority"}
    assert value(out, measure="police_uk_public_order", period="2025-01", area_code="E06999999")["value"] == 3
    assert "no LSOA-to-ward lookup" in value(out, measure="police_uk_public_order", period="2025-01",
                                              area_code="E06999999")["status_note"]


def test_zip_archive_and_single_file(folder: Path, tmp_path: Path) -> None:
    archive = tmp_path / "testshire.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(folder.rglob("*-street.csv")):
            z.write(f, f.relative_to(folder).as_posix())
        z.writestr("2025-01/2025-01-otherforce-street.csv", ",".join(HEADER) + "\n")  # another force: ignored
    from_zip = load_police_uk(archive, place=PLACE, lookup=LOOKUP)
    from_folder = load_police_uk(folder, place=PLACE, lookup=LOOKUP)
    pd.testing.assert_frame_equal(from_zip, from_folder)
    single = load_police_uk(folder / "2025-03" / "2025-03-testshire-street.csv", place=PLACE, lookup=LOOKUP)
    assert set(single["period"]) == {"2025-03"}


def test_publishers_crime_type_words_are_kept(folder: Path) -> None:
    out = load_police_uk(folder, place=PLACE, lookup=LOOKUP)
    assert measure_for("Criminal damage and arson") == "police_uk_criminal_damage_and_arson"
    assert measure_for("Anti-social behaviour") == "police_uk_anti_social_behaviour"
    assert not out["measure"].str.contains("hate").any()


@pytest.mark.parametrize(("lines", "message"), [
    (["x,2025-13,F,F,,,On or near A,E01000001,Testville 001A,Public order,,"],
     "2025-01-testshire-street.csv, row 2, column 'Month': '2025-13' is not 2025-01 (the month in the file name)"),
    (["x,2025-01,F,F,,,On or near A,E01000001,Testville 001A,,,"],
     "2025-01-testshire-street.csv, row 2, column 'Crime type': Crime type is blank"),
])
def test_bad_rows_are_named(tmp_path: Path, lines: list[str], message: str) -> None:
    write_month(tmp_path, "2025-01", lines)
    with pytest.raises(DataFileError) as err:
        load_police_uk(tmp_path, place=PLACE, lookup=LOOKUP)
    assert str(err.value).startswith(message)


def test_wrong_header_and_duplicate_months(tmp_path: Path) -> None:
    bad = tmp_path / "a" / "2025-01-testshire-street.csv"
    bad.parent.mkdir()
    bad.write_text("period,count\n2025-01,3\n")
    with pytest.raises(DataFileError, match=r"row 1: missing column\(s\) 'Month', 'Location'"):
        load_police_uk(bad, place=PLACE, lookup=LOOKUP)
    write_month(tmp_path / "b", "2025-01", [row("2025-01", "E01000001", "Testville 001A", "Public order")])
    write_month(tmp_path / "b" / "copy", "2025-01", [row("2025-01", "E01000001", "Testville 001A", "Public order")])
    with pytest.raises(DataFileError, match="two files for 2025-01"):
        load_police_uk(tmp_path / "b", place=PLACE, lookup=LOOKUP)


# ------------------------------------------------------------------------------ the real files

STREET = "indicators/police_uk_street"
LOOKUP_FILE = "national/lookups/lsoa21_ward24_lad24_lookup_ew.csv"
STOKE = PlaceInfo("Stoke-on-Trent", "E06000021", "Staffordshire")


@pytest.fixture(scope="module")
def stoke(reference_data: Path) -> pd.DataFrame:
    return load_police_uk(reference_data / STREET, place=STOKE, lookup=reference_data / LOOKUP_FILE)


@pytest.mark.reference
def test_real_monthly_totals_by_crime_type(stoke: pd.DataFrame, reference_data: Path) -> None:
    city = stoke[stoke["area_type"] == "local_authority"]
    assert value(city, measure="police_uk_public_order", period="2025-07")["value"] == 320
    assert value(city, measure="police_uk_anti_social_behaviour", period="2025-01")["value"] == 332
    expected = pd.read_csv(reference_data / STREET / "stoke_counts_by_month_and_crime_type_2025.csv")
    expected["measure"] = expected["crime_type"].map(measure_for)
    merged = expected.merge(city, left_on=["month", "measure"], right_on=["period", "measure"], how="left")
    assert len(merged) == len(expected) == 168
    assert (merged["value"] == merged["rows"]).all()
    assert city["value"].sum() == 35601  # every kept row of the twelve files


@pytest.mark.reference
def test_real_files_with_the_lookup_imported_by_geo_import(reference_data: Path, tmp_path: Path) -> None:
    from cohesion.geo.boundaries import read_lsoa21_wards
    from cohesion.loaders.police_uk import GEO_LOOKUP

    read_lsoa21_wards(reference_data / LOOKUP_FILE, STOKE.code).to_parquet(tmp_path / GEO_LOOKUP)
    out = load_police_uk(reference_data / STREET, place=STOKE, geo_folder=tmp_path)
    ward = value(out, measure="police_uk_public_order", period="2025-07", area_code="E05014574")
    assert ward["value"] == 47 and ward["area_type"] == "ward"
    lsoa = value(out, measure="police_uk_public_order", period="2025-07", area_code="E01014257")
    assert lsoa["area_name"] == "Stoke-on-Trent 001A"  # the geo copy has no LSOA names: taken from the files


@pytest.mark.reference
def test_real_lsoas_sum_to_current_wards_and_the_city(stoke: pd.DataFrame) -> None:
    wards = stoke[stoke["area_type"] == "ward"]
    assert wards["area_code"].nunique() == 34 and stoke[stoke["area_type"] == "lsoa"]["area_code"].nunique() == 163
    assert wards["area_code"].str.startswith("E05").all()
    centre = value(wards, measure="police_uk_public_order", period="2025-07", area_code="E05014574")
    assert centre["area_name"] == "Hanley Park, Joiner's Square & Shelton" and centre["value"] == 47
    by_ward = wards.groupby(["period", "measure"])["value"].sum()
    city = stoke[stoke["area_type"] == "local_authority"].set_index(["period", "measure"])["value"]
    pd.testing.assert_series_equal(by_ward.sort_index(), city.sort_index(), check_names=False)
    assert stoke["value"].notna().all()  # twelve consecutive months: no gaps

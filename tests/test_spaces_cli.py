"""`python -m cohesion spaces check FILE`: every problem listed row by row, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cohesion.cli import main as cohesion_main
from cohesion.geo.fetch import Place, import_folder

REPO = Path(__file__).resolve().parent.parent
BAD = """name,category,address,postcode,latitude,longitude,operator,free_to_use,step_free,opening_pattern,open,source,last_checked,sensitive,notes
City Hall,community centre,,st14fd,,,,,,,yes,test,2025-01-01,no,
Typo,community centre,,XYZ 123,,,,,,,yes,test,2025-01-01,no,
Not real,community centre,,ST9 9ZZ,,,,,,,yes,test,2025-01-01,no,
Newcastle Hall,community centre,,ST5 7EB,,,,,,,yes,test,2025-01-01,no,
Mystery,bowling alley,,ST4 4SZ,,,,,,,yes,test,2025-01-01,no,
City Hall,community centre,, ST1 4FD ,,,,,,,yes,test,2025-01-01,no,
"""


@pytest.fixture(scope="module")
def geo(reference_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("geo_cli")
    import_folder(reference_data, dest, Place("E06000021", "Stoke-on-Trent", "ST"), report=lambda _m: None)
    return dest


def test_check_lists_every_problem(tmp_path: Path, geo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "register.csv"
    path.write_text(BAD)
    code = cohesion_main(["spaces", "check", str(path), "--geo", str(geo)])
    out = capsys.readouterr().out
    assert code == 1
    assert "5 row(s) with problems" in out
    assert "row 3: Typo: column 'postcode': 'XYZ 123' is not a valid UK postcode" in out
    assert "row 4: Not real: column 'postcode': ST9 9ZZ is not in the postcode lookup" in out
    assert "row 5: Newcastle Hall: location is outside Stoke-on-Trent" in out
    assert "row 6: Mystery: column 'category': 'bowling alley' is not one of the categories" in out
    assert "row 7: City Hall: duplicate of row 2 (same name and postcode)" in out
    assert "row 2:" not in out  # 'st14fd' is fine once normalised


def test_check_clean_register_exits_zero(geo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cohesion_main(["spaces", "check", str(REPO / "data/community_spaces/register.csv"), "--geo", str(geo)])
    out = capsys.readouterr().out
    assert code == 0 and "No problems found." in out
    # Rows with no postcode yet are named one by one, not only counted.
    assert "33 row(s) cannot be placed on the map yet:" in out
    assert "row 2: Abbey Hulton Community Lounge: no postcode or coordinates yet (location needed)" in out
    assert out.count("(location needed)\n") == 33


def test_check_names_unplaced_rows_among_problems(tmp_path: Path, geo: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "register.csv"
    path.write_text(BAD + "Waiting Hall,community centre,,,,,,,,,yes,test,2025-01-01,no,\n")
    assert cohesion_main(["spaces", "check", str(path), "--geo", str(geo)]) == 1
    out = capsys.readouterr().out
    assert "1 row(s) cannot be placed on the map yet:\n  row 8: Waiting Hall: no postcode or coordinates yet" in out


def test_check_new_layers(reference_data: Path, geo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = reference_data / "community-spaces"
    code = cohesion_main(["spaces", "check", str(folder / "st_edispensary_2025-03.csv"), "--layer", "pharmacies",
                          "--geo", str(geo)])
    out = capsys.readouterr().out
    assert code == 1 and "142 rows" in out
    assert "Tesco Instore Pharmacy: column 'postcode': ST16 2HE is not in the postcode lookup" in out
    code = cohesion_main(["spaces", "check", str(folder / "st_schools_gias_open_statefunded_2025-07.csv"),
                          "--layer", "schools", "--geo", str(geo)])
    out = capsys.readouterr().out
    assert "296 rows" in out and "located          93" in out


def test_check_without_lookup_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "register.csv"
    path.write_text(BAD)
    cohesion_main(["spaces", "check", str(path), "--geo", str(tmp_path / "none")])
    assert "No postcode lookup" in capsys.readouterr().out


def test_check_unreadable_and_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cohesion_main(["spaces", "check", str(tmp_path / "absent.csv")]) == 2
    path = tmp_path / "r.csv"
    path.write_text("name\nA\n")
    assert cohesion_main(["spaces", "check", str(path), "--geo", str(tmp_path)]) == 2
    assert "missing column(s) 'category'" in capsys.readouterr().out


def test_check_a_public_layer(reference_data: Path, geo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = reference_data / "community-spaces" / "stoke_libraries_ace2023.csv"
    code = cohesion_main(["spaces", "check", str(path), "--layer", "libraries", "--geo", str(geo)])
    assert code == 0 and "22 rows" in capsys.readouterr().out

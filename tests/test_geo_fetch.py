"""Filling the geo cache: import from the real reference folder; fetch fails fast offline."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from cohesion.geo import boundaries, cli, fetch
from cohesion.geo.fetch import OfflineError, Place

PLACE = Place(code="E06000021", name="Stoke-on-Trent", postcode_area="ST")


@pytest.fixture(scope="module")
def imported(reference_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("geo")
    problems = fetch.import_folder(reference_data, dest, PLACE, report=lambda _m: None)
    assert problems == []
    return dest


def test_import_writes_every_standard_file(imported: Path) -> None:
    geo = boundaries.load_geo(imported)
    assert geo.missing == []
    assert len(geo.wards) == 34  # the current wards, not the 37 before May 2023
    assert geo.wards["code"].str.startswith("E05014").all()
    assert len(geo.lsoa11) == 159 and len(geo.lsoa21) == 163
    assert len(geo.postcodes) == 17839
    assert len(geo.imd) == 159 and geo.imd["population"].notna().all()
    assert geo.imd["population"].sum() > 240_000  # "1,433"-style numbers parsed, not dropped
    assert len(geo.cni) == 163
    assert set(geo.layers) == {"libraries.csv", "gp_practices.csv", "pharmacies.csv", "schools.csv", "authorities.csv"}
    assert geo.attributions


def test_status_lists_present_and_missing(imported: Path, tmp_path: Path) -> None:
    lines = cli.status_lines(imported)
    assert any(line.strip().startswith("present  wards.parquet") for line in lines)
    assert any("missing  layers/osm.json" in line for line in lines)
    assert all("missing" in line for line in cli.status_lines(tmp_path)[1:])


def test_import_reports_a_broken_file_and_keeps_going(tmp_path: Path, reference_data: Path) -> None:
    source = tmp_path / "src"
    (source / "imd2019").mkdir(parents=True)
    (source / "imd2019" / "File_2_broken.csv").write_text("nothing,useful\n1,2\n")
    (source / "cni").mkdir()
    (source / "cni" / "cni_lsoa21.csv").write_bytes((reference_data / "cni" / "stoke_cni2023_lsoa21.csv").read_bytes())
    messages: list[str] = []
    problems = fetch.import_folder(source, tmp_path / "geo", PLACE, report=messages.append)
    assert len(problems) == 1 and "File_2_broken.csv" in problems[0] and "LSOA code" in problems[0]
    assert (tmp_path / "geo" / "cni2023.parquet").exists()


def test_fetch_fails_fast_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refuse(*_args, **_kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr(socket, "create_connection", refuse)
    started = time.monotonic()
    with pytest.raises(OfflineError, match="geo import --from FOLDER"):
        fetch.fetch_all(tmp_path, PLACE, report=lambda _m: None)
    assert time.monotonic() - started < 5
    assert not any(tmp_path.iterdir())  # nothing half-written


def test_cli_fetch_offline_exit_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setattr(fetch, "probe", lambda *_a: (_ for _ in ()).throw(OfflineError("cannot reach x")))
    code = cli.main(["fetch", "--to", str(tmp_path), "--place-code", "E06000021", "--place-name", "Stoke-on-Trent"])
    assert code == 2 and "cannot reach" in capsys.readouterr().out


def test_every_network_call_has_a_timeout() -> None:
    assert 0 < fetch.TIMEOUT_S <= 20 and 0 < fetch.PROBE_TIMEOUT_S <= fetch.TIMEOUT_S

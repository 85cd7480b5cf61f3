"""`python -m cohesion police ...` and the refresh picking up new month folders, gaps kept as gaps."""

from __future__ import annotations

import shutil
import socket
import zipfile
from pathlib import Path

import numpy as np
import pytest

from cohesion import config, store
from cohesion.loaders import police_uk_cli
from cohesion.loaders.police_uk import GAP_NOTE
from cohesion.refresh import refresh

STREET = "indicators/police_uk_street"


def test_fetch_offline_fails_fast_with_one_line(isolated_data: Path, monkeypatch, capsys) -> None:
    def refuse(*_a, **_k):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", refuse)
    assert police_uk_cli.main(["fetch", "--month", "2025-12"]) == 2
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("police fetch: data.police.uk could not be reached")
    assert "police import --from FILE.zip" in out[0]
    assert police_uk_cli.main(["fetch", "--month", "2025-13"]) == 2
    assert "'2025-13' is not a month" in capsys.readouterr().out


def test_gaps_are_listed() -> None:
    assert police_uk_cli.gaps(["2025-01", "2025-02", "2025-05"]) == ["2025-03", "2025-04"]
    assert police_uk_cli.gaps([]) == []


@pytest.mark.reference
def test_import_from_the_forces_zip_then_status(isolated_data: Path, reference_data: Path, tmp_path: Path,
                                                capsys) -> None:
    archive = tmp_path / "staffordshire.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted((reference_data / STREET).rglob("*-street.csv")):
            if f.parent.name != "2025-06":
                z.write(f, f.relative_to(reference_data / STREET).as_posix())
    assert police_uk_cli.main(["import", "--from", str(archive)]) == 0
    assert "Saved 11 month(s)" in capsys.readouterr().out
    assert police_uk_cli.main(["status"]) == 0
    assert "Gaps (shown as missing, not zero): 2025-06" in capsys.readouterr().out


@pytest.mark.reference
def test_refresh_picks_up_a_new_month_folder_and_a_missing_month_is_a_gap(
        isolated_data: Path, with_reference: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(config.ENV_GEO_DIR, str(tmp_path / "geo"))  # no lookup: city and LSOAs only
    folder = isolated_data / "police_uk"
    for f in sorted((with_reference / STREET).rglob("*-street.csv")):
        if f.parent.name != "2025-06":
            (folder / f.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy(f, folder / f.parent.name / f.name)
    catalogue = tmp_path / "indicators.yaml"
    catalogue.write_text(config.CATALOGUE_PATH.read_text(encoding="utf-8").replace(
        'path: "reference:indicators/police_uk_street"', 'path: "data:police_uk"'), encoding="utf-8")

    def city_public_order():
        obs = store.read_observations()
        rows = obs[(obs["indicator_id"] == "police_uk_public_order") & (obs["area_code"] == "E06000021")]
        return rows.set_index("period")

    manifest = refresh(catalogue, progress=lambda _m: None)
    assert manifest.sources["police_uk_street"].status == "loaded"
    before = city_public_order()
    assert len(before) == 12 and np.isnan(before.loc["2025-06", "value"])
    assert before.loc["2025-06", "status_note"].startswith(GAP_NOTE)
    assert before.loc["2025-07", "value"] == 320

    (folder / "2025-06").mkdir()
    shutil.copy(with_reference / STREET / "2025-06" / "2025-06-staffordshire-street.csv", folder / "2025-06")
    refresh(catalogue, progress=lambda _m: None)
    assert city_public_order().loc["2025-06", "value"] == 287

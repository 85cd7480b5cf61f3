"""No suppressed count leaves the app: every download button, CSV and JSON writer, chart, card,
snapshot, the board pack and `status --json` are checked against one SYNTHETIC police export.

The export (police template layout; no such monthly figures are published below force level)
has, for the city: two small months (6 and 3 reports), and a month whose total (41) would give
a small strand (4) back by subtraction from the other strand (37). A ward has only small months.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from cohesion import config
from cohesion.catalogue import load_catalogue
from cohesion.config import resolve_data_path
from tests.pagetest import html, run_page

MONTHS = [str(p) for p in pd.period_range("2024-04", periods=15, freq="M")]
CITY = [42, 38, 44, 36, 41, 39, 43, 37, 45, 35, 42, 38, 41, 6, 3]
WARD = [3, 1, 2, 4, 2, 1, 3, 2, 2, 1, 3, 2, 9, 2, 1]
STRANDS = {"Race": 37, "Religion": 4}  # in 2025-04, whose total is 41


@pytest.fixture
def police_store(isolated_data: Path):
    catalogue = load_catalogue(config.CATALOGUE_PATH)
    source = next(s for s in catalogue.sources if s.loader == "police_local_counts")
    path = resolve_data_path(source.path)
    rows = []
    for month, city, ward in zip(MONTHS, CITY, WARD, strict=True):
        rows.append([month, "csp", catalogue.place.code, catalogue.place.name, "hate_crimes", "All", city, "", "SYNTHETIC"])
        rows.append([month, "ward", "E05999999", "Test ward", "hate_crimes", "All", ward, "", "SYNTHETIC"])
    for strand, count in STRANDS.items():
        rows.append(["2025-04", "csp", catalogue.place.code, catalogue.place.name, "hate_crimes", strand, count, "",
                     "SYNTHETIC"])
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=["period", "area_type", "area_code", "area_name", "measure", "strand", "count",
                                "population", "note"]).to_csv(path, index=False)
    from cohesion.refresh import refresh

    assert refresh(progress=lambda _m: None).sources["police_local_counts"].status == "loaded"
    return catalogue


def secrets(catalogue) -> set[tuple[str, str, str]]:
    """(area_code, period, breakdown) of every figure that must not leave the app."""
    out = {("E05999999", m, "") for m in MONTHS}
    out |= {(catalogue.place.code, "2025-05", ""), (catalogue.place.code, "2025-06", "")}
    out |= {(catalogue.place.code, "2025-04", ""), (catalogue.place.code, "2025-04", "strand=Religion")}
    return out


def assert_no_secret_in_table(frame: pd.DataFrame, catalogue, where: str) -> None:
    frame = frame.fillna({"breakdown": ""}) if "breakdown" in frame else frame.assign(breakdown="")
    frame = frame[frame["indicator_id"] == "police_hate_crimes_local"] if "indicator_id" in frame else frame
    keys = secrets(catalogue)
    hidden = frame[[(a, str(p), b) in keys for a, p, b in zip(frame["area_code"], frame["period"],
                                                               frame["breakdown"], strict=True)]]
    assert len(hidden), f"{where}: the secret rows are not in the table at all, so nothing was checked"
    for column in ("value", "numerator", "lower_ci", "upper_ci"):
        if column in hidden:
            assert hidden[column].isna().all(), (where, column, hidden[column].tolist())
    assert hidden["status_note"].str.startswith("suppressed").all(), where


def assert_no_secret_in_spec(spec: dict, where: str) -> None:
    """Chart data: no record of a secret month carries its count."""
    small = {6.0, 3.0, 4.0, 41.0}
    records = [r for data in spec.get("datasets", {}).values() for r in data]
    for record in records:
        if record.get("period") in ("2025-04", "2025-05", "2025-06"):
            values = {float(v) for k, v in record.items() if k in ("value", "shown", "y") and v is not None}
            assert not (values & small), (where, record)


def test_no_way_out_reveals_a_suppressed_count(police_store, downloads, monkeypatch) -> None:
    catalogue = police_store

    # Data & sources: "Download every figure"
    at = run_page("pages/data.py")
    (button,) = at.get("download_button")
    assert button.proto.deferred_file_id, "the full CSV is built only when clicked (a callable)"
    every = pd.read_csv(io.BytesIO(downloads.data(button)), dtype={"period": str, "breakdown": str})
    assert_no_secret_in_table(every, catalogue, "Data & sources download")

    # Trends: the table, the CSV download and the chart
    at = run_page("pages/trends.py", indicator="police_hate_crimes_local")
    trend_csv = pd.read_csv(io.BytesIO(downloads.data(at.get("download_button")[0])), dtype={"period": str,
                                                                                               "breakdown": str})
    assert_no_secret_in_table(trend_csv, catalogue, "Trends download")
    table = at.dataframe[0].value
    secret_rows = table[(table["Area"] == "Test ward") | table["Period"].isin(["2025-05", "2025-06"])]
    assert (secret_rows["Value (count)"] == "no figure").all()
    for chart in at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart"):
        assert_no_secret_in_spec(json.loads(chart.proto.spec), "Trends chart")

    # Meeting mode: cards and the key chart for the priority of this indicator
    pid = catalogue.indicator("police_hate_crimes_local").priorities[0]
    at = run_page("pages/meeting.py", item=pid)
    cards = html(at)
    assert ">3<" not in cards and ">6<" not in cards
    for chart in at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart"):
        assert_no_secret_in_spec(json.loads(chart.proto.spec), "Meeting chart")

    # status --json and a snapshot
    from datetime import date

    from cohesion.meeting.snapshot import take_snapshot
    from cohesion.status.cli import _clean, build_report
    from cohesion.status.service import assess_current

    report, _ = build_report(date.today())
    result = json.loads(json.dumps(_clean(report)))["indicators"]["police_hate_crimes_local"]
    assert result["latest_value"] is None and result["grey_reason"] == "suppressed"
    assert not {3.0, 6.0} & {v for v in result["figures"].values() if isinstance(v, int | float)}
    from cohesion import query

    bundle = assess_current(catalogue, date.today())
    snap = take_snapshot(catalogue, bundle, query.current(catalogue), meeting_date=date.today(), store_version=None)
    assert snap.indicators["police_hate_crimes_local"].latest_value is None
    saved = json.loads(snap.to_json())["indicators"]["police_hate_crimes_local"]
    assert saved["latest_value"] is None and "3 reports" not in saved["sentence"]

    # The board pack: the charts it renders and its text
    from cohesion.report import charts, pack

    specs: list[dict] = []
    real_svg = charts.chart_svg
    monkeypatch.setattr(charts, "chart_svg", lambda spec: specs.append(spec) or real_svg(spec))
    charts._SVG_CACHE.clear()
    pdf, _ = pack.build_current_pack(today=date.today())
    assert specs
    for spec in specs:
        assert_no_secret_in_spec(spec, "Board pack chart")
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # The indicator's row (its text may wrap over lines): whitespace collapsed, from its title on.
    flat = " ".join(text.split())
    row = flat[flat.index("Hate crimes recorded in the city"):][:250]
    assert "suppressed" in row.lower() and " 3 " not in row and " 6 " not in row, row

"""The whole app for three other real councils, created with `cohesion init`, with no code change.

For each council: `init` writes a catalogue into a temporary folder, `refresh` builds that
council's own store from the shipped national tables, then every page runs in AppTest, the
`status --json` command and the board pack are produced, and real figures from the national
files (DCMS Community Life Survey 2024/25, ONS well-being 2021/22, Home Office hate crime
2018/19) are asserted on screen.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from cohesion import config
from cohesion.cli import main as cli_main

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGES = ["pages/headlines.py", "pages/priorities.py", "pages/trends.py", "pages/compare.py", "pages/spaces.py",
         "pages/meeting.py", "pages/data.py"]

# name given to init -> (GSS code, shown name, satisfied with local area 2024/25, force, hate crimes 2017/18 and
# 2018/19, life satisfaction 2021/22); figures as published (data/national/, see PROVENANCE.csv).
COUNCILS = {
    "Gateshead": ("E08000037", "Gateshead", "68.4%", "Northumbria", "2,559", "2,703", "7.47"),
    "Kingston upon Hull": ("E06000010", "Kingston upon Hull", "65.8%", "Humberside", "1,060", "1,357", "7.25"),
    "Camden": ("E09000007", "Camden", "77.4%", "Metropolitan Police", "19,424", "16,839", "7.35"),
}


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "title", "header", "subheader")
             for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts).replace("\\", "")


@pytest.fixture(scope="module", params=list(COUNCILS))
def council(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    name = request.param
    folder = tmp_path_factory.mktemp(re.sub(r"\W+", "-", name.lower()))
    out = folder / "indicators.yaml"
    with redirect_stdout(io.StringIO()) as printed:
        assert cli_main(["init", "--place", name, "--out", str(out)]) == 0
    patch = pytest.MonkeyPatch()
    patch.setattr(config, "CATALOGUE_PATH", out)
    patch.delenv(config.ENV_DATA_DIR, raising=False)
    patch.delenv(config.ENV_REFERENCE_DIR, raising=False)  # the shipped tables alone must do
    try:
        with redirect_stdout(io.StringIO()):
            assert cli_main(["refresh", "--quiet"]) in (0, 1)
        yield name, COUNCILS[name], out, printed.getvalue()
    finally:
        patch.undo()


def test_init_writes_the_place_from_the_lookups(council) -> None:
    name, (code, shown, *_rest), out, printed = council
    text = out.read_text(encoding="utf-8")
    assert f"code: {code}" in text and f"name: {shown}" in text
    assert "peers:neighbours" in text and "STMEDIAN" in text  # single-tier: the published median too
    assert f"Wrote {out}" in printed and "Comparators: England;" in printed
    assert config.data_dir() == out.parent  # the council's store is its own, beside its catalogue
    assert (out.parent / "processed" / "CURRENT").exists()


def test_every_page_runs_with_real_figures(council) -> None:
    name, (code, shown, satisfied, force, hate_before, hate_after, life), _out, _ = council
    screens = {}
    for page in PAGES:
        at = AppTest.from_file(DASHBOARD, default_timeout=120)
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        screens[page] = at
    headlines = texts(screens["pages/headlines.py"])
    assert f"{shown}: headline indicators" in headlines
    assert satisfied in headlines  # DCMS CLS 2024/25, satisfied with the local area
    assert f"{hate_after} in 2018/19 against {hate_before} in 2017/18" in headlines  # Home Office, own force
    compare = texts(screens["pages/compare.py"])
    assert f"{shown} is" in compare and "median of the 132 English single-tier authorities" in compare
    assert "Stoke" not in headlines + compare


def test_compare_page_peer_groups_and_wellbeing(council) -> None:
    name, (code, shown, satisfied, *_r, life), _out, _ = council
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["indicator"] = "life_satisfaction"
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert f"{life} mean score (0-10) against" in texts(at)  # ONS APS 2021/22, with its interval
    from cohesion.national.places import PEER_GROUPS

    shown_groups = [key for key, label in PEER_GROUPS.items() if label in at.radio(key="compare_group").options]
    assert {"single_tier", "region", "neighbours"} <= set(shown_groups)
    sentences = set()
    for key in shown_groups:
        at.radio(key="compare_group").set_value(key).run()
        assert not at.exception, key
        sentences.add(next(m.value for m in at.markdown if m.value.startswith(f"**{shown}")))
    assert len(sentences) == len(shown_groups)  # each peer group gives its own median and count
    assert at.get("download_button")


def test_status_json_and_board_pack(council) -> None:
    name, (code, shown, satisfied, force_name, hate_before, hate_after, life), _out, _ = council
    with redirect_stdout(io.StringIO()) as printed:
        assert cli_main(["status", "--json"]) == 0
    report = json.loads(printed.getvalue())
    assert report["place"] == shown
    life_result = report["indicators"]["life_satisfaction"]
    assert life_result["status"] in ("Green", "Amber", "Red")  # a fair comparison with its interval, not Grey
    assert f"{life} mean score" in life_result["sentence"]
    hate = report["indicators"]["hate_crime_offences"]
    assert hate["figures"]["value"] == float(hate_after.replace(",", ""))
    assert hate["figures"]["previous_value"] == float(hate_before.replace(",", ""))
    assert "rate ratio" in hate["sentence"] and "95% CI" in hate["sentence"]  # exact Poisson interval, as before
    from cohesion import store
    from cohesion.catalogue import load_catalogue

    force = load_catalogue(config.CATALOGUE_PATH).place.police_force
    assert force.name == force_name
    rows = store.read_observations()
    strands = rows[(rows["indicator_id"] == "hate_crime_offences") & (rows["area_code"] == force.code)
                   & rows["breakdown"].str.startswith("strand=")]
    assert len(strands) == 10 and strands["value"].notna().all()  # five strands, two years, own force
    from cohesion.report.pack import build_current_pack

    pdf, _warnings = build_current_pack(today=date.today())
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))
    assert shown in text and satisfied in text

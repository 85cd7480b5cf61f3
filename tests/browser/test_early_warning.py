"""The Early warning page in a real browser, on the real police.uk files: chart, ward table and ward map."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import REPO, copy_of_data, running_app, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.reference]

CHART = "[data-testid='stVegaLiteChart']"


@pytest.fixture(scope="module")
def loaded_app(tmp_path_factory: pytest.TempPathFactory, reference_data: Path):
    folder = tmp_path_factory.mktemp("early_warning")
    data, geo = copy_of_data(folder), folder / "geo"
    env = dict(os.environ, COHESION_DATA_DIR=str(data), COHESION_GEO_DIR=str(geo),
               COHESION_REFERENCE_DATA=str(reference_data), COHESION_BASEMAP="none")
    subprocess.run([sys.executable, "-m", "cohesion", "geo", "import", "--from", str(reference_data)],
                   cwd=REPO, env=env, check=True, capture_output=True)
    shutil.copy(reference_data / "national/lookups/lsoa21_ward24_lad24_lookup_ew.csv", geo)
    subprocess.run([sys.executable, "-m", "cohesion", "refresh", "--quiet"], cwd=REPO, env=env, capture_output=True)
    with running_app(data, COHESION_GEO_DIR=str(geo), COHESION_REFERENCE_DATA=str(reference_data),
                     COHESION_BASEMAP="none") as url:
        yield url


@pytest.mark.parametrize("size", [(1440, 900), (1280, 720)])
def test_chart_ward_table_and_map_draw(loaded_app: str, browser, size, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(loaded_app)
    wait_for_app(page, 60000)
    page.goto(f"{loaded_app}/early_warning")
    wait_for_app(page, 60000)
    assert page.locator("h1").first.inner_text().startswith("Early warning")
    page.wait_for_selector(f"{CHART} canvas, {CHART} svg", timeout=60000)
    assert page.locator(CHART).first.bounding_box()["width"] > 600
    assert page.get_by_text("Public order in Stoke-on-Trent: 259 in December 2025", exact=False).first.is_visible()

    page.locator("[data-testid='stButtonGroup'] button", has_text="Anti-social behaviour").click()
    wait_for_app(page, 60000)
    signal = page.get_by_text("Anti-social behaviour in Sandford Hill: fewer than 10 in December 2025", exact=False)
    signal.first.scroll_into_view_if_needed()
    assert signal.first.is_visible()
    table = page.locator("[data-testid='stDataFrame']").first
    table.scroll_into_view_if_needed()
    assert table.is_visible() and table.bounding_box()["height"] > 150
    deck = page.locator("[data-testid='stDeckGlJsonChart']").first
    deck.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector(\"[data-testid='stDeckGlJsonChart'] canvas\")",
                           timeout=60000)
    assert deck.bounding_box()["height"] > 300
    page.screenshot(path=str(tmp_path / f"early-warning-{size[0]}.png"), full_page=True)
    context.close()

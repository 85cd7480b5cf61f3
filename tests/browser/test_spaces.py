"""In a real browser: the Community spaces map with and without boundaries, hover details, and a
page that does not hang when the tile server is unreachable."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from cohesion.geo.fetch import Place, import_folder
from tests.browser.conftest import REPO, _require_chromium, running_app, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def servers(reference_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Three apps: full geography (no tiles), empty geography, full geography with the default basemap."""
    _require_chromium()
    root = tmp_path_factory.mktemp("spaces_browser")
    shutil.copytree(REPO / "data", root / "data", ignore=shutil.ignore_patterns("processed", "meetings"))
    full, empty = root / "geo_full", root / "geo_empty"
    empty.mkdir()
    assert import_folder(reference_data, full, Place("E06000021", "Stoke-on-Trent", "ST"), report=lambda _m: None) == []
    with ExitStack() as stack:
        yield {
            name: stack.enter_context(running_app(root / "data", COHESION_GEO_DIR=str(geo), COHESION_BASEMAP=basemap))
            for name, geo, basemap in (("full", full, "none"), ("empty", empty, "none"), ("tiles", full, "carto-light"))
        }


def _open(page, url: str) -> None:
    # Arrive through the sidebar link, as a user does (a direct /spaces URL is covered by
    # test_navigation.py).
    page.goto(url)
    wait_for_app(page, 60000)
    page.get_by_role("link", name="Community spaces").click()
    page.wait_for_timeout(500)
    wait_for_app(page, 60000)
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=30000)
    page.wait_for_timeout(1500)


def test_map_with_boundaries_draws_and_hover_names_the_ward(servers, browser_page, tmp_path: Path) -> None:
    tiles: list[str] = []
    browser_page.on("request", lambda r: tiles.append(r.url) if "cartocdn" in r.url else None)
    _open(browser_page, servers["full"])
    main = browser_page.locator("[data-testid='stMain']")
    assert "Some geography is not loaded" not in main.inner_text()
    chart = browser_page.locator("[data-testid='stDeckGlJsonChart']").first
    chart.locator("canvas").first.wait_for(timeout=30000)
    chart.scroll_into_view_if_needed()
    browser_page.wait_for_timeout(500)
    box = chart.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 400
    browser_page.screenshot(path=str(tmp_path / "spaces_with_boundaries.png"))
    # Hover across the middle of the map until a tooltip appears: a ward (or a space) is named.
    text = ""
    for dx in range(-60, 61, 20):
        browser_page.mouse.move(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2)
        browser_page.wait_for_timeout(300)
        tip = browser_page.locator(".deck-tooltip")
        if tip.count() and tip.first.is_visible():
            text = tip.first.inner_text()
            break
    assert "ward: Spaces per 1,000 residents" in text or "health setting" in text or "library" in text, text
    assert "<b>" not in text and "&amp;" not in text and "&#x27;" not in text  # rendered once, not as markup
    assert tip.first.locator("b").count() == 1  # the template's bold title, nothing from the data
    assert "Where provision is thin" in main.inner_text()
    assert tiles == []  # COHESION_BASEMAP=none: no tile server is asked for anything
    assert browser_page.locator("[data-testid='stException']").count() == 0


def test_map_without_boundaries_still_works(servers, browser_page, tmp_path: Path) -> None:
    _open(browser_page, servers["empty"])
    main = browser_page.locator("[data-testid='stMain']")
    text = main.inner_text()
    assert "Some geography is not loaded" in text and "geo import --from FOLDER" in text
    assert "By postcode district" in text
    browser_page.screenshot(path=str(tmp_path / "spaces_without_boundaries.png"))
    assert browser_page.locator("[data-testid='stException']").count() == 0


def test_unreachable_tiles_do_not_hang_the_page(servers, browser_page) -> None:
    started = time.monotonic()
    _open(browser_page, servers["tiles"])  # offline: the CARTO style cannot load
    browser_page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for(timeout=30000)
    assert time.monotonic() - started < 60
    assert "Spaces near a postcode" in browser_page.locator("[data-testid='stMain']").inner_text()

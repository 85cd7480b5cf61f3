"""In a real browser: the Community spaces map with and without boundaries, hover details, postcode
and ward search (marker, zoom, ward name, outside-the-authority message), and a page that does
not hang when the tile server is unreachable. Every wait is for something on the page."""

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
    page.locator("[data-testid='stMain'] h1", has_text="Community spaces").wait_for(timeout=60000)
    # The last section is drawn when the script has run to the end.
    page.get_by_role("heading", name="By postcode district").wait_for(timeout=60000)
    _settled(page)


def _settled(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000)


# deck.gl's current view, from the Deck instance itself: its first viewport. The Deck is held in a
# React ref of the map component (reached from the canvas's fiber); there is no public hook, and
# the fiber's own props can be one render behind. Returns {latitude, longitude, zoom} or null.
DECK_VIEW_JS = """() => {
  const canvas = document.querySelector("[data-testid='stDeckGlJsonChart'] canvas");
  if (!canvas) return null;
  const key = Object.keys(canvas).find(k => k.startsWith('__reactFiber'));
  for (let f = key && canvas[key], i = 0; f && i < 80; f = f.return, i++) {
    for (let h = f.memoizedState, j = 0; h && typeof h === 'object' && j < 50; h = h.next, j++) {
      const deck = h.memoizedState && h.memoizedState.current && h.memoizedState.current.deck;
      if (deck && deck.getViewports) {
        let viewports = [];
        try { viewports = deck.getViewports(); } catch (e) { return null; }  // not initialised yet
        if (!viewports.length) return null;
        const vp = viewports[0];
        return {latitude: vp.latitude, longitude: vp.longitude, zoom: vp.zoom};
      }
    }
  }
  return null;
}"""


def _deck_view(page) -> dict:
    page.wait_for_function(f"() => ({DECK_VIEW_JS})() !== null", timeout=30000)
    return page.evaluate(DECK_VIEW_JS)


def _wait_for_zoom_above(page, zoom: float) -> dict:
    page.wait_for_function(f"() => {{ const v = ({DECK_VIEW_JS})(); return v && v.zoom > {zoom}; }}", timeout=30000)
    return page.evaluate(DECK_VIEW_JS)


def _search(page, text: str) -> None:
    box = page.get_by_label("Find a postcode or ward")
    box.fill(text)
    box.press("Enter")


def test_map_with_boundaries_draws_and_hover_names_the_ward(servers, browser_page, tmp_path: Path) -> None:
    tiles: list[str] = []
    browser_page.on("request", lambda r: tiles.append(r.url) if "cartocdn" in r.url else None)
    _open(browser_page, servers["full"])
    main = browser_page.locator("[data-testid='stMain']")
    assert "Some geography is not loaded" not in main.inner_text()
    chart = browser_page.locator("[data-testid='stDeckGlJsonChart']").first
    chart.locator("canvas").first.wait_for(timeout=30000)
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 400
    browser_page.screenshot(path=str(tmp_path / "spaces_with_boundaries.png"))
    # Hover across the middle of the map until a tooltip appears: a ward (or a space) is named.
    text = ""
    tip = browser_page.locator(".deck-tooltip")
    for dx in range(-60, 61, 20):
        browser_page.mouse.move(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2)
        try:
            tip.first.wait_for(state="visible", timeout=2000)
        except Exception:  # noqa: S112 - nothing pickable under this point: try the next one
            continue
        text = tip.first.inner_text()
        break
    assert ("ward: Spaces per 1,000 residents" in text or "health setting" in text or "library" in text
            or "school" in text or "pharmacy" in text), text
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
    assert "Where provision is thin" in browser_page.locator("[data-testid='stMain']").inner_text()


def test_postcode_search_drops_a_marker_zooms_and_names_the_ward(servers, browser_page, tmp_path: Path) -> None:
    page = browser_page
    _open(page, servers["full"])
    city = _deck_view(page)
    _search(page, "st4 1hh")
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("ST4 1HH is in Hartshill Park & Stoke ward, Stoke-on-Trent.").wait_for(timeout=30000)
    view = _wait_for_zoom_above(page, city["zoom"] + 2)  # the deck's view state moved to the postcode
    assert abs(view["latitude"] - 53.0) < 0.1 and (view["latitude"], view["longitude"]) != (city["latitude"],
                                                                                          city["longitude"])
    # The marker sits in the middle of the map: hovering there names the searched postcode.
    chart = page.locator("[data-testid='stDeckGlJsonChart']").first
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = page.locator(".deck-tooltip", has_text="Searched postcode ST4 1HH")
    tip.wait_for(state="visible", timeout=15000)
    assert "Hartshill Park & Stoke ward" in tip.inner_text()
    page.wait_for_url("**q=st4+1hh**", timeout=15000)  # the link keeps the search
    page.screenshot(path=str(tmp_path / "spaces_postcode.png"))
    assert "Spaces within 1,000 m of ST4 1HH" in main.inner_text()

    _search(page, "ST5 1AA")  # Newcastle-under-Lyme: on the map, but not in the city
    main.get_by_text("ST5 1AA is outside Stoke-on-Trent: it is in Newcastle-under-Lyme (E07000195).",
                     exact=False).wait_for(timeout=30000)
    page.wait_for_function(f"() => {{ const v = ({DECK_VIEW_JS})(); return v && Math.abs(v.latitude - "
                           f"{view['latitude']}) > 0.001; }}", timeout=30000)
    assert page.locator("[data-testid='stException']").count() == 0


def test_ward_search_highlights_and_zooms(servers, browser_page) -> None:
    page = browser_page
    _open(page, servers["full"])
    city = _deck_view(page)
    _search(page, "Burslem")
    page.locator("[data-testid='stMain']").get_by_text("2 wards match 'Burslem': Burslem, Burslem Park").wait_for(
        timeout=30000)
    view = _wait_for_zoom_above(page, city["zoom"] + 1)
    assert 53.03 < view["latitude"] < 53.07 and -2.22 < view["longitude"] < -2.17  # north of the city centre
    page.wait_for_url("**q=Burslem**", timeout=15000)


def test_a_shared_link_opens_the_same_view(servers, browser_page) -> None:
    page = browser_page
    page.goto(servers["full"] + "/spaces?q=Burslem&layers=libraries&areas=lsoa&shade=civic_assets_score")
    page.locator("[data-testid='stMain']").get_by_text("2 wards match 'Burslem'", exact=False).wait_for(timeout=60000)
    page.get_by_role("heading", name="By postcode district").wait_for(timeout=60000)
    _settled(page)
    from playwright.sync_api import expect

    expect(page.get_by_label("Find a postcode or ward")).to_have_value("Burslem", timeout=30000)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("Areas: CNI 2023 civic-assets need score", exact=False).wait_for(timeout=30000)
    assert "of 163 neighbourhoods are thin" in main.inner_text()  # 2021 LSOAs (IMD 2025), not wards
    assert _deck_view(page)["zoom"] > 11.5

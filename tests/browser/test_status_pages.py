"""What only a real browser shows: the tiles as drawn, deep links and direct URLs."""

from __future__ import annotations

import pytest

from cohesion.catalogue import load_catalogue
from cohesion.config import CATALOGUE_PATH
from tests.browser.conftest import wait_for_app

WORDS = ("Green", "Amber", "Red", "Grey", "Higher", "Similar", "Lower")


@pytest.mark.browser
def test_headlines_shows_every_headline_tile_with_a_status_word(app_url, browser_page):
    page = browser_page
    page.goto(app_url + "/")
    wait_for_app(page)
    page.wait_for_selector("text=headline indicators", timeout=30000)
    for ind in load_catalogue(CATALOGUE_PATH).headline_indicators():
        tile = page.locator(f".st-key-tile_{ind.id}")
        tile.wait_for(timeout=30000)
        text = tile.inner_text()
        assert ind.title in text
        assert any(f"{word}" in text for word in WORDS), text
        # Beside the status: how precise the figure is, in words, or why it is Grey.
        assert "Source:" in text and ("precise figure" in text or "No data yet" in text or "Grey" in text)
        assert "Confidence:" not in text
    assert page.locator("text=Page not found").count() == 0


@pytest.mark.browser
def test_priority_deep_link_opens_that_priority(app_url, browser_page):
    page = browser_page
    page.goto(app_url + "/priorities?priority=p07_tensions_early")
    wait_for_app(page)
    # The linked priority is open in place: its indicators are drawn inside its own box.
    page.locator(".st-key-priority_p07_tensions_early .st-key-indicator_p07_tensions_early_hate_crime_offences"
                 ).wait_for(timeout=30000)
    assert "priority=p07_tensions_early" in page.url
    # Opening another priority puts it in the address, so the link can be shared.
    page.locator(".st-key-priority_p02_community_life summary").click()
    page.locator(".st-key-indicator_p02_community_life_cls_volunteering").wait_for(timeout=30000)
    page.wait_for_function("() => location.search.includes('priority=p02_community_life')", timeout=10000)


@pytest.mark.browser
def test_direct_priorities_url_lists_all_ten(app_url, browser_page):
    page = browser_page
    page.goto(app_url + "/priorities")
    wait_for_app(page)
    page.wait_for_selector("text=Strategy priorities", timeout=30000)
    assert page.locator("text=Page not found").count() == 0
    for p in load_catalogue(CATALOGUE_PATH).priorities:
        box = page.locator(f".st-key-priority_{p.id}")
        assert any(word in box.inner_text() for word in WORDS[:4])


@pytest.mark.browser
def test_direct_priorities_url_runs_inside_the_dashboard_navigation(app_url, browser_page):
    page = browser_page
    page.goto(app_url + "/priorities")
    wait_for_app(page)
    page.wait_for_selector("text=Strategy priorities", timeout=30000)
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert "Headlines" in nav and "Priorities" in nav

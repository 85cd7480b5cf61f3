"""In a real browser: every page opens from its direct URL and shows its title, with no error box."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import copy_of_data, running_app, wait_for_app

pytestmark = pytest.mark.browser

PAGES = [
    ("/", "Headline indicators"),
    ("/priorities", "Priorities"),
    ("/trends", "Trends"),
    ("/compare", "Compare with peers"),
    ("/spaces", "Community spaces"),
    ("/meeting", "Meeting"),
    ("/data", "Data & sources"),
]


@pytest.mark.parametrize(("path", "heading"), PAGES, ids=[p for p, _ in PAGES])
def test_direct_url_opens_the_page(app_url: str, browser_page, path: str, heading: str, tmp_path: Path) -> None:
    browser_page.goto(app_url + path)
    wait_for_app(browser_page)
    main = browser_page.locator("[data-testid='stMain']")
    assert heading.lower() in main.inner_text().lower()
    # No exception box and no traceback reached the screen.
    assert browser_page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in main.inner_text()


def test_sidebar_lists_every_page(app_url: str, browser_page) -> None:
    browser_page.goto(app_url)
    wait_for_app(browser_page)
    nav = browser_page.locator("[data-testid='stSidebarNav']").inner_text()
    for label in ("Headlines", "Priorities", "Trends", "Compare with peers", "Community spaces", "Meeting mode",
                  "Data & sources"):
        assert label in nav


@pytest.mark.parametrize("path", ["/trends?indicator=satisfied_local_area", "/priorities?priority=p07_tensions_early",
                                  "/spaces"])
def test_deep_link_on_a_freshly_started_server_goes_through_the_entry_point(browser_page, path: str,
                                                                             tmp_path: Path) -> None:
    # The first request a new server sees is the deep link itself: it must still get the
    # dashboard's navigation (titles such as "Data & sources"), not Streamlit's file-list fallback.
    with running_app(copy_of_data(tmp_path)) as url:
        browser_page.goto(url + path)
        wait_for_app(browser_page)
        nav = browser_page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "Headlines" in nav and "Data & sources" in nav
        assert "Page not found" not in browser_page.locator("body").inner_text()
        assert browser_page.locator("[data-testid='stException']").count() == 0

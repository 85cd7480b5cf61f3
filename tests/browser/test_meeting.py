"""Meeting mode in a real browser: a link opens on its priority, Next updates the link, type is large."""

from __future__ import annotations

import pytest

from cohesion.catalogue import load_catalogue
from cohesion.config import CATALOGUE_PATH
from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page, 60000)
    page.wait_for_selector("h1", timeout=60000)


def test_link_opens_that_priority_and_next_updates_the_link(app_url: str, browser_page) -> None:
    agenda = load_catalogue(CATALOGUE_PATH).agenda()
    page = browser_page
    # Load the app root once: until dashboard.py has run in some session, Streamlit serves files in
    # pages/ as a v1 multipage app (see the report on the `pages/` folder name).
    _open(page, app_url)
    _open(page, f"{app_url}/meeting?item={agenda[4].id}")
    heading = page.locator("h1").first
    assert heading.inner_text().strip() == f"Priority {agenda[4].number}: {agenda[4].title}"
    assert page.get_by_text(f"Agenda item 5 of {len(agenda)}").is_visible()

    page.get_by_role("button", name="Next ▶").click()
    page.wait_for_function(
        "(t) => document.querySelector('h1') && document.querySelector('h1').innerText.trim() === t",
        arg=f"Priority {agenda[5].number}: {agenda[5].title}", timeout=30000,
    )
    assert f"item={agenda[5].id}" in page.url


def test_status_badge_is_large_with_word_and_symbol(app_url: str, browser_page) -> None:
    agenda = load_catalogue(CATALOGUE_PATH).agenda()
    page = browser_page
    _open(page, app_url)
    _open(page, f"{app_url}/meeting?item={agenda[1].id}")
    badge = page.locator(".priority-head .status-badge").first
    text = badge.inner_text().strip()
    assert text.split(" ", 1)[1] in ("Green", "Amber", "Red", "Grey", "Not assessed")
    size_px = float(badge.evaluate("el => getComputedStyle(el).fontSize").removesuffix("px"))
    assert size_px >= 24  # readable from the back of a meeting room
    colour = badge.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")

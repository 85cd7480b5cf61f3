"""The Trends page in a real browser: the chart draws, its text alternative is the takeaway, the link follows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

CHART = "[data-testid='stVegaLiteChart']"


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page, 60000)
    page.wait_for_selector("h1", timeout=60000)


def _warm(page, app_url: str) -> None:
    # Until dashboard.py has run once, Streamlit serves pages/ as a v1 multipage app; load the root first.
    _open(page, app_url)


def test_survey_indicator_chart_draws_with_takeaway_as_its_text(app_url: str, browser_page, tmp_path: Path) -> None:
    page = browser_page
    _warm(page, app_url)
    _open(page, f"{app_url}/trends?indicator=satisfied_local_area")
    page.wait_for_selector(f"{CHART} canvas, {CHART} svg", timeout=30000)
    chart = page.locator(CHART).first
    box = chart.bounding_box()
    assert box and box["width"] > 800 and box["height"] > 250  # wide enough for a projector
    takeaway = page.get_by_text("Takeaway:").first
    assert takeaway.is_visible()
    sentence = takeaway.locator("xpath=..").inner_text().replace("Takeaway:", "").strip()
    assert sentence.startswith("Stoke-on-Trent: ")
    # The chart's accessible name is the same sentence (st.altair_chart alt=...).
    labelled = page.locator(f"{CHART} [aria-label], {CHART}[aria-label]").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))")
    assert any(sentence[:40] in (label or "") for label in labelled), labelled
    page.screenshot(path=str(tmp_path / "trends-survey.png"))


def test_count_indicator_shows_yearly_table_and_how_to_load_monthly_data(app_url: str, browser_page) -> None:
    page = browser_page
    _warm(page, app_url)
    _open(page, f"{app_url}/trends?indicator=hate_crime_offences")
    page.wait_for_selector(f"{CHART} canvas, {CHART} svg", timeout=30000)
    assert page.get_by_text("Reports per year and change on the previous year").is_visible()
    how_to = page.get_by_text("No monthly police counts are loaded", exact=False)
    how_to.scroll_into_view_if_needed()
    assert how_to.is_visible()
    assert page.get_by_text("python -m cohesion refresh").first.is_visible()


def test_choosing_an_indicator_updates_the_link(app_url: str, browser_page) -> None:
    page = browser_page
    _warm(page, app_url)
    _open(page, f"{app_url}/trends?indicator=satisfied_local_area")
    page.get_by_role("combobox", name="Indicator").click()
    page.get_by_role("option", name="Feel lonely often or always (Community Life Survey)").click()
    page.wait_for_function("() => location.search.includes('indicator=cls_lonely')", timeout=30000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('h2')].some(h => h.innerText.includes('Feel lonely often or always'))",
        timeout=30000)

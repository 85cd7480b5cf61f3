"""Compare with peers in a real browser: the dot plot draws with the sentence as its text
alternative, the peer group changes the median, and the table's CSV can be downloaded."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

CHART = "[data-testid='stVegaLiteChart']"


def test_compare_page_draws_and_switches_peer_group(app_url: str, browser_page) -> None:
    page = browser_page
    page.goto(app_url)
    wait_for_app(page, 60000)
    page.goto(f"{app_url}/compare?indicator=satisfied_local_area")
    wait_for_app(page, 60000)
    page.wait_for_selector(f"{CHART} canvas, {CHART} svg", timeout=60000)
    sentence = "is significantly below the median of the 132 English single-tier authorities (57.7% against 70.0%"
    page.get_by_text(sentence).first.wait_for(timeout=30000)
    labelled = page.locator(f"{CHART} [aria-label], {CHART}[aria-label]").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))")
    assert any(sentence in (label or "") for label in labelled)  # the chart's text alternative
    page.get_by_text("Authorities in the same region").click()
    page.get_by_text("median of the 11 authorities in the West Midlands region").first.wait_for(timeout=30000)
    with page.expect_download(timeout=30000) as download:
        page.get_by_role("button", name="Download this table (CSV)").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("rank,role,peer_group,") and "Open Government Licence v3.0" in text
    assert page.locator("[data-testid='stException']").count() == 0

"""In a real browser at projector size (1280x720): what is above the fold, nothing clipped, one address
and one browser title per page, priorities opening in place.

Every wait is for the element being checked (no sleeps); boxes are compared with the viewport.
"""

from __future__ import annotations

import pytest

from cohesion.catalogue import load_catalogue
from cohesion.config import CATALOGUE_PATH

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1280, 720
CHART_DRAWN = "[data-testid='stVegaLiteChart'] svg .role-legend text"


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    yield page
    context.close()


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=60000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000)


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, "element not laid out"
    return box


def _inside_viewport(box: dict, what: str) -> None:
    assert box["x"] >= 0 and box["y"] >= 0, f"{what} starts off screen: {box}"
    assert box["x"] + box["width"] <= WIDTH + 0.5, f"{what} is cut on the right: {box}"
    assert box["y"] + box["height"] <= HEIGHT + 0.5, f"{what} is below the fold: {box}"


def test_meeting_mode_fits_above_the_fold_on_a_projector(app_url: str, projector) -> None:
    catalogue = load_catalogue(CATALOGUE_PATH)
    # Priority 2 has nine indicators: the longest on the agenda.
    longest = max(catalogue.agenda(), key=lambda p: len(catalogue.indicators_for_priority(p.id)))
    page = projector
    _open(page, f"{app_url}/meeting?item={longest.id}")
    page.wait_for_selector(CHART_DRAWN, timeout=60000)

    # The sidebar starts collapsed on this page, leaving the whole width to the meeting.
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar_box = sidebar.bounding_box()
    assert sidebar_box is None or sidebar_box["x"] + sidebar_box["width"] <= 0

    # The priority's status (word + symbol) and its reason.
    badge = page.locator(".priority-head .status-badge").first
    _inside_viewport(_box(badge), "the priority's status")
    assert badge.inner_text().strip().split(" ", 1)[1] in ("Green", "Amber", "Red", "Grey")
    _inside_viewport(_box(page.locator(".priority-head .why").first), "the status reason")

    # At least three indicator rows (figure, period, status) fully visible.
    rows = page.locator("tr.ind-row")
    assert rows.count() == len(catalogue.indicators_for_priority(longest.id))
    visible = 0
    for n in range(rows.count()):
        box = rows.nth(n).bounding_box()
        frame = page.locator(".st-key-indicator_rows").bounding_box()
        if box and frame and box["y"] >= frame["y"] - 0.5 and box["y"] + box["height"] <= min(
                frame["y"] + frame["height"], HEIGHT) + 0.5:
            _inside_viewport(box, f"indicator row {n + 1}")
            visible += 1
    assert visible >= 3, f"only {visible} indicator rows above the fold"
    # The rest of a long priority scrolls inside its frame, not down the page.
    assert page.locator(".st-key-indicator_rows").evaluate("el => el.scrollHeight > el.clientHeight")

    # The key chart, its heading and its picker's label, whole.
    _inside_viewport(_box(page.locator("[data-testid='stVegaLiteChart']").first), "the key chart")
    _inside_viewport(_box(page.locator(".chart-head").first), "the key chart's heading")
    _inside_viewport(_box(page.get_by_text("Key chart (choose another indicator)")), "the chart picker's label")


@pytest.mark.parametrize("item", ["p02_community_life", "p07_tensions_early"])
def test_meeting_chart_legend_and_labels_are_not_clipped(app_url: str, projector, item: str) -> None:
    catalogue = load_catalogue(CATALOGUE_PATH)
    page = projector
    # Priority 2's key chart has the place, England and two single-tier medians (the longest names);
    # priority 7's has a series break labelled near the right edge and a gap.
    _open(page, f"{app_url}/meeting?item={item}")
    page.wait_for_selector(CHART_DRAWN, timeout=60000)
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    svg_box = _box(chart.locator("svg").first)
    labels = chart.locator(".role-legend text")
    def squash(text: str) -> str:  # a long name may be broken over two lines (one tspan each)
        return "".join(text.split())

    names = {squash(c.name) for c in catalogue.place.comparators} | {squash(catalogue.place.name),
                                                                    squash(catalogue.place.police_force.name)}
    shown = [squash(labels.nth(n).text_content() or "") for n in range(labels.count())]
    assert shown, "the legend has no labels"
    assert all(label in names for label in shown), f"legend labels cut or unknown: {shown}"
    if item == "p02_community_life":
        assert "England" in shown and squash("Median of the 99 English single-tier authorities outside London") in shown
    # No text of the chart (legend, axes, "series break", gap labels) is cut at the chart's edge.
    texts = chart.locator("svg text")
    for n in range(texts.count()):
        text = texts.nth(n)
        content = (text.text_content() or "").strip()
        if not content:
            continue
        assert not content.endswith("…"), f"truncated label: {content}"
        box = _box(text)
        assert box["x"] >= svg_box["x"] - 1 and box["x"] + box["width"] <= svg_box["x"] + svg_box["width"] + 1, \
            f"'{content}' runs outside the chart: {box} vs {svg_box}"
        _inside_viewport(box, f"chart text '{content}'")


def test_marking_the_meeting_held_confirms_with_the_date(tmp_path, browser) -> None:
    from datetime import date

    from tests.browser.conftest import copy_of_data, running_app

    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    try:
        with running_app(copy_of_data(tmp_path)) as url:
            _open(page, f"{url}/meeting")
            page.get_by_role("button", name="Mark meeting as held").click()
            today = date.today()
            text = f"Meeting held on {today.day} {today:%B %Y}"
            toast = page.locator("[data-testid='stToast']").filter(has_text=text)
            toast.wait_for(timeout=30000)
            _inside_viewport(_box(toast), "the held confirmation")  # on screen wherever the page is scrolled
            # And in the page: at the top, where the note was, and where the button was pressed.
            assert page.locator("[data-testid='stAlert']").filter(has_text=text).count() == 2
            assert "No earlier meeting has been marked as held" not in page.locator("[data-testid='stMain']").inner_text()
            assert ".json" not in page.locator("[data-testid='stMain']").inner_text()
    finally:
        context.close()


def test_headlines_address_opens_without_a_dialog(app_url: str, projector) -> None:
    page = projector
    for path in ("/headlines", "/"):
        _open(page, app_url + path)
        assert page.url.rstrip("/").endswith("/headlines")  # the root routes to the page's own address
        assert page.locator("[role='dialog']").count() == 0
        assert "Page not found" not in page.locator("body").inner_text()
        assert "headline indicators" in page.locator("h1").first.inner_text().lower()


def test_stand_in_tile_sits_beside_its_measure_and_says_so(app_url: str, projector) -> None:
    page = projector
    _open(page, app_url + "/headlines")
    measure = page.locator(".st-key-tile_wellbeing_different_backgrounds")
    stand_in = page.locator(".st-key-tile_cls_different_backgrounds")
    stand_in.wait_for(timeout=30000)
    assert "Wellbeing Survey (strategy measure)" in measure.inner_text()
    assert "Community Life Survey stand-in" in stand_in.inner_text()
    a, b = _box(measure), _box(stand_in)
    assert abs(a["y"] - b["y"]) < 8 and b["x"] > a["x"]  # same row (tops within a few px), right beside it


PAGE_TITLES = [("/headlines", "Headlines"), ("/priorities", "Priorities"), ("/trends", "Trends"),
               ("/compare", "Compare with peers"), ("/spaces", "Community spaces"), ("/meeting", "Meeting mode"),
               ("/data", "Data & sources")]


def test_every_page_has_its_own_browser_title(app_url: str, projector) -> None:
    page = projector
    titles = []
    for path, name in PAGE_TITLES:
        _open(page, app_url + path)
        page.wait_for_function("(n) => document.title.startsWith(n)", arg=name, timeout=30000)
        titles.append(page.title())
    assert len(set(titles)) == len(titles), titles


def test_priority_opens_in_place_under_its_row(app_url: str, projector) -> None:
    page = projector
    _open(page, app_url + "/priorities")
    summaries = page.locator("[data-testid='stExpander'] summary")
    names = [summaries.nth(n).inner_text().strip() for n in range(summaries.count())]
    detail_names = [n for n in names if "Indicators of priority" in n]
    assert len(detail_names) == 10 and len(set(detail_names)) == 10  # unique accessible names
    assert page.get_by_role("button", name="Open", exact=True).count() == 0
    target = page.locator(".st-key-priority_p06_real_say")
    target.locator("summary").click()
    inside = target.locator(".st-key-indicator_p06_real_say_influence_local_decisions")
    inside.wait_for(timeout=30000)  # the detail is drawn inside the clicked priority's own box
    # Once the expander has opened, the detail lies between its own row's top and the next priority.
    page.wait_for_function("""() => {
        const box = (sel) => document.querySelector(sel).getBoundingClientRect();
        const row = box('.st-key-priority_p06_real_say'), nxt = box('.st-key-priority_p07_tensions_early');
        const detail = box('.st-key-indicator_p06_real_say_influence_local_decisions');
        return row.top < detail.top && detail.bottom <= nxt.top;
    }""", timeout=30000)
    page.wait_for_function("() => location.search.includes('priority=p06_real_say')", timeout=30000)

"""Accessibility as a tested property: axe-core in a real browser on every page of the navigation.

Each page in dashboard.py's navigation is opened in chromium, twice: on the shipped data, and on
the publishers' reference files; both with the reference geography imported (the map is drawn).
axe-core (the npm package pinned in tests/browser/package.json, installed by `make test`) runs in
the page once Streamlit has finished rendering, and its results are printed per page (rule id,
impact, count). The test fails on any serious or critical violation in the project's own content,
and on a skipped heading level. Violations in Streamlit's own markup that no page or setting of
ours can change are listed, with the reason, in STREAMLIT_CHROME below and nowhere else.

axe cannot judge everything that matters here, so the same test also checks that:
- every button and link the project draws has a name of its own (not ten buttons called "Open");
- every chart has a text alternative that reads as words (not Vega's "Vega visualization", not raw
  field names), and every map has one.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from cohesion.accessibility import AXE_CORE_VERSION
from cohesion.geo.fetch import Place, import_folder
from tests.browser.conftest import REPO, running_app, wait_until_settled

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"

# The impacts that fail the test, and rules that fail it whatever axe rates them.
FAILING_IMPACTS = ("serious", "critical")
FAILING_RULES = ("heading-order", "page-has-heading-one", "empty-heading")

# Violations inside Streamlit's own markup, which neither our pages nor a configuration option can
# change: (rule id, CSS selector the offending node lies within, why it is excluded). Anything not
# listed here fails. Keep this list short and re-check it on every Streamlit upgrade.
STREAMLIT_CHROME: list[tuple[str, str, str]] = []

# Buttons and links drawn by our pages (Streamlit's widget buttons and page links); Streamlit's
# element toolbars ("Show data", "Fullscreen") and its select boxes' "Open" toggles are chrome.
OWN_CONTROLS = "[data-testid^='stBaseButton'], [data-testid='stPageLink-NavLink']"
CHROME_CONTAINERS = "[data-testid='stElementToolbar'], [data-testid='stSidebarNav'], [data-testid='stToolbar']"
VEGA_DEFAULT_NAME = "Vega visualization"
# A column name such as period_end or lower_ci read out by a screen reader instead of words.
FIELD_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")


def navigation_pages() -> list[tuple[str, str]]:
    """(url path, title) of every st.Page in dashboard.py, in navigation order, read from its source.

    Read from the file rather than typed in here, so a page added to the navigation is tested
    without anyone remembering to list it.
    """
    tree = ast.parse((REPO / "dashboard.py").read_text(encoding="utf-8"))
    pages = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            kw = {k.arg: k.value for k in node.keywords}
            url, title = kw.get("url_path"), kw.get("title")
            assert isinstance(url, ast.Constant) and isinstance(title, ast.Constant), (
                f"dashboard.py line {node.lineno}: st.Page needs a literal url_path= and title= so the "
                "accessibility test can find every page")
            pages.append((f"/{url.value}", title.value))
    assert pages, "no st.Page(...) found in dashboard.py"
    return pages


# Pages in a state their default view does not show, so every kind of chart is checked too
# (catalogue ids are stable): a meeting item with a key chart; the trends early-warning chart.
EXTRA_STATES = [("/meeting?item=p07_tensions_early", "Meeting mode, priority 7"),
                ("/trends?indicator=hate_crime_offences", "Trends, hate crime with the early warning")]
PAGES = navigation_pages()
DATASETS = ("shipped", "reference")


@pytest.fixture(scope="module")
def apps(reference_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Two servers, both with the reference geography imported: shipped data only; reference files too."""
    if not AXE_JS.exists():
        message = f"{AXE_JS.relative_to(REPO)} is missing: run `make dev-setup` (npm ci in tests/browser)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("a11y")
    geo = root / "geo"
    problems = import_folder(reference_data, geo, Place("E06000021", "Stoke-on-Trent", "ST"), report=lambda _m: None)
    assert problems == []
    with ExitStack() as stack:
        urls = {}
        for name in DATASETS:
            data = root / name / "data"
            shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("processed", "meetings"))
            reference = str(reference_data) if name == "reference" else ""
            urls[name] = stack.enter_context(running_app(
                data, COHESION_GEO_DIR=str(geo), COHESION_BASEMAP="none", COHESION_REFERENCE_DATA=reference))
        yield urls


def _excluded(page, rule: str, target: list[str]) -> str | None:
    """The reason a violating node is Streamlit's own chrome, or None if it is ours."""
    for chrome_rule, within, reason in STREAMLIT_CHROME:
        if chrome_rule == rule and page.evaluate(
                "([sel, within]) => { const el = document.querySelector(sel); return !!(el && el.closest(within)); }",
                [target[-1], within]):
            return reason
    return None


def run_axe(page) -> list[dict]:
    """axe-core's violations on the page as it stands, each with its nodes split into ours and chrome."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert results["testEngine"]["version"] == AXE_CORE_VERSION, "the statement must name the axe-core version run"
    found = []
    for violation in results["violations"]:
        ours, chrome = [], []
        for node in violation["nodes"]:
            reason = _excluded(page, violation["id"], node["target"])
            (chrome if reason else ours).append({"target": node["target"], "html": node["html"][:200],
                                                 "why": node.get("failureSummary", "")[:300]})
        found.append({"id": violation["id"], "impact": violation["impact"], "ours": ours, "chrome": chrome})
    return found


def own_control_names(page) -> list[str]:
    """Accessible names of the buttons and links our page draws (in the main area and sidebar)."""
    return page.evaluate(
        """([own, chrome]) => [...document.querySelectorAll(own)]
            .filter(el => !el.closest(chrome) && el.checkVisibility())
            // textContent, not innerText: a control in a closed expander still has its name.
            .map(el => (el.getAttribute('aria-label') || el.textContent || '').replace(/\\s+/g, ' ').trim())""",
        [OWN_CONTROLS, CHROME_CONTAINERS])


def chart_names(page) -> list[tuple[str, str | None, list[str]]]:
    """(kind, accessible name, labels read out inside it) of every chart and map on the page."""
    return page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart'], [data-testid='stDeckGlJsonChart']")]
            .map(el => {
                const named = el.matches('[aria-label]') ? el : el.querySelector('[aria-label]');
                const inner = [...el.querySelectorAll('[aria-label]:not([aria-hidden=true])')]
                    .filter(x => x !== named && !x.closest('[aria-hidden=true]'))
                    .map(x => x.getAttribute('aria-label'));
                return [el.dataset.testid === 'stVegaLiteChart' ? 'chart' : 'map',
                        named ? named.getAttribute('aria-label') : null, inner];
            })""")


def _report(dataset: str, path: str, violations: list[dict]) -> str:
    lines = [f"axe-core {AXE_CORE_VERSION} on {path} ({dataset} data):"]
    if not violations:
        lines.append("    no violations")
    for v in violations:
        note = f" (+{len(v['chrome'])} in Streamlit chrome, excluded)" if v["chrome"] else ""
        lines.append(f"    {v['id']:<28} {v['impact']:<9} {len(v['ours'])}{note}")
    return "\n".join(lines)


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize(("path", "title"), PAGES + EXTRA_STATES, ids=[p for p, _ in PAGES + EXTRA_STATES])
def test_page_has_no_serious_accessibility_violation(apps, browser_page, capsys, dataset: str, path: str,
                                                     title: str) -> None:
    page = browser_page
    page.goto(apps[dataset] + path)
    wait_until_settled(page)
    violations = run_axe(page)
    charts = chart_names(page)
    with capsys.disabled():
        print("\n" + _report(dataset, path, violations)
              + f"\n    text alternatives checked: {sum(k == 'chart' for k, _n, _m in charts)} chart(s), "
              f"{sum(k == 'map' for k, _n, _m in charts)} map(s); {len(own_control_names(page))} named controls")

    problems = [f"axe {v['id']} ({v['impact']}): {len(v['ours'])} node(s), e.g. {v['ours'][0]['html']!r}: "
                f"{v['ours'][0]['why']}"
                for v in violations if v["ours"] and (v["impact"] in FAILING_IMPACTS or v["id"] in FAILING_RULES)]

    names = own_control_names(page)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        problems.append(f"several buttons or links share a name, so a screen reader cannot tell them apart: {repeated}")
    if "" in names:
        problems.append("a button or link has no accessible name")

    for kind, name, marks in charts:
        if not name or not name.strip() or name == VEGA_DEFAULT_NAME:
            problems.append(f"a {kind} has no text alternative (aria-label {name!r})")
        for label in [name or "", *marks]:
            if FIELD_NAME.search(label):
                problems.append(f"a {kind} reads out a raw field name: {label[:160]!r}")
                break
    assert not problems, f"{title} ({dataset} data):\n- " + "\n- ".join(problems)


def test_every_navigation_page_is_tested(apps, browser_page) -> None:
    # The sidebar is the truth a user sees: every page in it must be in PAGES (read from dashboard.py).
    page = browser_page
    page.goto(apps["shipped"] + "/")
    wait_until_settled(page)
    hrefs = page.locator("[data-testid='stSidebarNav'] a").evaluate_all("els => els.map(a => new URL(a.href).pathname)")
    assert hrefs, "the sidebar navigation has no links"
    tested = {p for p, _ in PAGES}
    missing = [h for h in hrefs if h not in tested and not (h == "/" and "/headlines" in tested)]
    assert not missing, f"pages in the navigation but not tested for accessibility: {missing}"

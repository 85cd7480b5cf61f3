"""AppTest runs of the Headlines and Priorities pages on the shipped data and with the real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cohesion.catalogue import load_catalogue
from cohesion.config import CATALOGUE_PATH
from cohesion.present import plain
from cohesion.style import STATUS_STYLES
from tests.pagetest import run_page, unescape

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
WORDS = tuple(f"{s.symbol} {s.label}" for s in STATUS_STYLES.values()) + ("↑ Higher", "↔ Similar", "↓ Lower")


def run(page: str, **params: str) -> AppTest:
    return run_page(page, **params)


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown] + [c.value for c in at.caption]


def test_headlines_shows_every_headline_tile_with_status(isolated_data):
    at = run("pages/headlines.py")
    catalogue = load_catalogue(CATALOGUE_PATH)
    shown = texts(at)
    headline = catalogue.headline_indicators()
    assert len(at.metric) == len(headline)
    for ind in headline:
        assert any(plain(ind.title) in t for t in shown), ind.title
    pills = [t for t in shown if any(w in t for w in WORDS) and 'font-size:1.35rem;font-weight:600' in t]
    assert len(pills) == len(headline)
    # No data is "no figure", never a zero.
    assert all(m.value != "0" for m in at.metric)
    assert any(m.value == "no figure" for m in at.metric)


def test_headlines_with_real_files_shows_the_cls_figure(isolated_data, with_reference):
    at = run("pages/headlines.py")
    values = {m.value for m in at.metric}
    assert "57.7%" in values
    assert any("significantly below the median" in t for t in texts(at))


def test_priorities_lists_all_ten_with_status_and_coverage(isolated_data):
    at = run("pages/priorities.py")
    catalogue = load_catalogue(CATALOGUE_PATH)
    shown = texts(at)
    assert len(catalogue.priorities) == 10
    for p in catalogue.priorities:
        assert any(t.startswith(f"**{p.number}. ") for t in shown), p.title
    coverage = [t for t in shown if " assessed" in t and "status-badge" in t]
    assert len(coverage) >= 10 and all(any(w in t for w in WORDS) for t in coverage)
    # The priority x dimension grid: a table with a row per priority and a column per dimension,
    # each filled cell in words and symbol (never colour alone).
    grid = next(str(h.proto.body) for h in at.get("html") if "priority-grid" in str(h.proto.body))
    assert grid.count('<th scope="row">') == 10
    assert grid.count('<th scope="col">') == 1 + len(catalogue.dimensions)
    assert any(f"{word} · " in grid for word in WORDS)


def test_priority_deep_link_opens_that_priority_in_place(isolated_data):
    at = run("pages/priorities.py", priority="p07_tensions_early")
    expanders = {e.label: e for e in at.expander}
    labels = [e.label for e in at.expander if e.label.startswith("Indicators of priority")]
    # One expander per priority, each named after it (unique accessible names, no "Open" buttons).
    assert len(labels) == 10 and len(set(labels)) == 10
    assert not [b for b in at.button if b.label == "Open"]
    seven = next(e for label, e in expanders.items() if label.startswith("Indicators of priority 7"))
    inside = [m.value for m in seven.markdown]
    assert any("Hate crimes recorded" in t for t in inside)  # its indicators are drawn inside it
    two = next(e for label, e in expanders.items() if label.startswith("Indicators of priority 2"))
    assert not two.markdown  # closed priorities draw nothing


def test_roll_up_is_in_plain_words(isolated_data):
    shown = texts(run("pages/priorities.py"))
    assert not any("average score" in t or "Confidence:" in t for t in shown)
    assert any("at least half of its indicators assessed" in t for t in shown)
    assert any("Not enough evidence" in t for t in shown)


def test_unknown_priority_in_address_opens_none(isolated_data):
    at = run("pages/priorities.py", priority="<script>")
    assert not any(e.markdown for e in at.expander if e.label.startswith("Indicators of priority"))


def test_dimension_filter_limits_the_indicators(isolated_data):
    unfiltered = texts(run("pages/priorities.py", priority="p07_tensions_early"))
    assert any(t.startswith("**Hate crimes recorded") for t in unfiltered)
    at = run("pages/priorities.py", priority="p07_tensions_early", dimension="belonging")
    shown = texts(at)
    assert any("Experienced discrimination" in t for t in shown)  # belonging, priority 7
    assert not any(t.startswith("**Hate crimes recorded") for t in shown)  # safety: filtered out


def test_bad_manual_file_is_a_message_not_a_crash(isolated_data):
    (isolated_data / "manual_status.csv").write_text(
        "indicator_id,status,commentary,owner,set_on,review_days\nmisinformation_response,Blue,c,o,2026-01-05,\n",
        encoding="utf-8")
    for page in ("pages/headlines.py", "pages/priorities.py"):
        at = run(page)
        assert any("row 2, column 'status'" in unescape(w.value) for w in at.warning)


@pytest.mark.parametrize("page", ["pages/headlines.py", "pages/priorities.py"])
def test_pages_rerun_without_error(isolated_data, page):
    at = run(page)
    at.run()
    assert not at.exception

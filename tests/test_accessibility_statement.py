"""The accessibility statement (GOV.UK model) and the text alternatives of charts, without a browser."""

from __future__ import annotations

import json
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cohesion import accessibility as a11y
from cohesion.catalogue import load_catalogue
from cohesion.catalogue.models import AccessibilityConfig
from cohesion.config import CATALOGUE_PATH

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE_PATH)


def test_statement_has_the_gov_uk_model_sections(catalogue) -> None:
    headings = [s.heading for s in a11y.statement(catalogue)]
    for needed in ("Feedback and contact information", "Reporting accessibility problems with this website",
                   "Enforcement procedure", "Compliance status", "Non-accessible content",
                   "Preparation of this accessibility statement"):
        assert needed in headings
    text = " ".join(" ".join(s.paragraphs + s.bullets) for s in a11y.statement(catalogue))
    assert "Equality Advisory and Support Service" in text and "partially compliant" in text
    assert f"axe-core {a11y.AXE_CORE_VERSION}" in text and a11y.LAST_TESTED.strftime("%B %Y") in text


def test_no_contact_in_the_catalogue_is_said_plainly_not_made_up(catalogue) -> None:
    assert catalogue.accessibility.contact_email is None  # the shipped catalogue names no address
    reach = a11y.contact(catalogue)
    assert reach.lines == [] and "should add one under `accessibility:`" in (reach.missing or "")
    feedback = next(s for s in a11y.statement(catalogue) if s.heading == "Feedback and contact information")
    assert feedback.bullets == [a11y.MISSING_CONTACT]
    assert "@" not in " ".join(feedback.bullets)


def test_contact_from_the_catalogue(catalogue) -> None:
    configured = catalogue.model_copy(update={"accessibility": AccessibilityConfig(
        organisation="Example Council", contact_email="access@example.org", contact_phone="01234 567890")})
    reach = a11y.contact(configured)
    assert reach.missing is None and reach.lines == ["email: access@example.org", "call: 01234 567890"]
    first = a11y.statement(configured)[0].paragraphs[1]
    assert first.startswith("This website is run by Example Council.")


def test_statement_names_the_axe_core_version_the_tests_install() -> None:
    pinned = json.loads((REPO / "tests" / "browser" / "package.json").read_text())["devDependencies"]["axe-core"]
    lock = json.loads((REPO / "tests" / "browser" / "package-lock.json").read_text())
    assert pinned == a11y.AXE_CORE_VERSION == lock["packages"]["node_modules/axe-core"]["version"]


def test_series_text_lists_short_series_and_summarises_long_ones() -> None:
    assert a11y.series_text("Hate crimes", [("2017/18", "1,578")]) == \
        "Line chart of Hate crimes, 1 period. 2017/18: 1,578."
    assert a11y.series_text("X", []) == "X: no figures to chart."
    long = [(str(2010 + i), f"{i}%") for i in range(8)]
    assert a11y.series_text("X", long) == "Line chart of X, 8 periods from 2010 to 2017. 2010: 0%; latest, 2017: 7%."
    assert a11y.groups_text("Y by age", [("16-24", "40%"), ("65+", "60%")]) == \
        "Bar chart of Y by age: 16-24: 40%; 65+: 60%."


def test_described_chart_names_itself_and_hides_marks() -> None:
    chart = alt.Chart(pd.DataFrame({"period_end": [1, 2], "value": [3, 4]})).mark_line().encode(
        x="period_end:Q", y="value:Q").configure_view(strokeWidth=0)
    spec = a11y.described(chart, "Line chart of Z").to_dict()
    assert spec["description"] == "Line chart of Z"
    assert spec["config"]["aria"] is False and spec["config"]["mark"]["aria"] is False
    assert spec["config"]["view"]["strokeWidth"] == 0  # existing configuration kept
    assert "description" not in chart.to_dict()  # the original is not changed
    raw = {"mark": "line", "config": {"mark": {"color": "red"}}}
    out = a11y.described_spec(raw, "T")
    assert out["config"]["mark"] == {"color": "red", "aria": False} and out["description"] == "T"
    assert raw == {"mark": "line", "config": {"mark": {"color": "red"}}}


def test_map_text_counts_what_is_drawn() -> None:
    text = a11y.map_text("Stoke-on-Trent", {"library": 7, "health setting": 35}, "current wards shaded by x")
    assert text.startswith("Map of community spaces in Stoke-on-Trent: 42 spaces shown (35 health setting; 7 library).")


def test_statement_page_runs_and_shows_the_missing_contact(isolated_data: Path) -> None:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/accessibility.py").run()
    assert not at.exception
    assert at.title[0].value.startswith("Accessibility statement for the Stoke-on-Trent")
    assert "Enforcement procedure" in [h.value for h in at.header]
    assert any("No contact has been set" in w.value for w in at.warning)

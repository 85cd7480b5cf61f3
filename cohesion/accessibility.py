"""The dashboard's accessibility statement, in the shape UK public-sector sites publish.

Follows the GOV.UK model accessibility statement: who runs the site and what users can expect,
how accessible it is, how to report a problem (the contact comes from the catalogue's
`accessibility:` block, never made up), the enforcement procedure, compliance status,
non-accessible content and how the site was tested. Plain functions returning plain text; the
page (pages/accessibility.py) only draws them.

It also owns the text alternatives of charts: `described(chart, text)` gives an Altair chart its
screen-reader name and stops its marks being read out one by one (Vega-Lite would otherwise read
each point's raw fields, such as "period_end: Mar 31, 2018; value: 1578; segment: 0"), and
`series_text` / `groups_text` write that name from the figures shown.

How we tested is kept honest by tests: `AXE_CORE_VERSION` must equal the axe-core version pinned
in tests/browser/package.json and the version the browser test actually runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cohesion.catalogue import Catalogue

AXE_CORE_VERSION = "4.14.1"
# The date the automated test below was last run over every page and its results reviewed.
LAST_TESTED = date(2026, 11, 30)
STATEMENT_PREPARED = date(2026, 11, 30)
WCAG = "Web Content Accessibility Guidelines version 2.2 AA standard"
REGULATIONS = ("Public Sector Bodies (Websites and Mobile Applications) (No. 2) "
               "Accessibility Regulations 2018")
MISSING_CONTACT = (
    "No contact has been set for accessibility problems. The council running this dashboard "
    "should add one under `accessibility:` in the indicator catalogue (indicators.yaml): "
    "`contact_email`, `contact_phone` and/or `contact_url`. Until then, please contact the council "
    "through its usual customer services."
)

# Known problems, each with the WCAG 2.2 success criterion it fails and what we do about it.
# Keep in step with the browser test's STREAMLIT_CHROME list and the board pack's state.
NON_COMPLIANCES: tuple[tuple[str, str], ...] = (
    ("The community spaces map is a drawn picture (a canvas): its points and areas cannot be "
     "reached with a keyboard or read by a screen reader. The map has a short text description, "
     "and the same information is in the tables beside it (spaces near a postcode, provision by "
     "ward or neighbourhood, by postcode district).",
     "1.1.1 Non-text content; 2.1.1 Keyboard"),
    ("Charts are pictures. Each has a text description giving its latest figures, and the figures "
     "behind each chart can be downloaded as a CSV file with their source and period. Individual "
     "points on a chart cannot be reached with a keyboard.",
     "1.1.1 Non-text content; 2.1.1 Keyboard"),
    ("Tables use Streamlit's data grid, which is drawn as a canvas; we have not yet checked how well "
     "screen readers and keyboards work with it. Every table can be downloaded as a CSV file.",
     "1.3.1 Info and relationships"),
    ("The board pack PDF is not yet tagged, so screen readers cannot follow its headings and "
     "tables. The same figures are on the dashboard's pages.",
     "1.3.1 Info and relationships; 2.4.6 Headings and labels"),
)


@dataclass(frozen=True)
class Section:
    """One part of the statement: a heading, paragraphs and an optional bullet list (plain text)."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Contact:
    """How to report a problem, from the catalogue. `missing` is the plain notice when none is set."""

    lines: list[str]
    missing: str | None


def contact(catalogue: Catalogue) -> Contact:
    """The accessibility contact from the catalogue's `accessibility:` block, or the notice that it is unset."""
    config = catalogue.accessibility
    lines = []
    if config.contact_email:
        lines.append(f"email: {config.contact_email}")
    if config.contact_phone:
        lines.append(f"call: {config.contact_phone}")
    if config.contact_url:
        lines.append(f"online: {config.contact_url}")
    return Contact(lines, None if lines else MISSING_CONTACT)


def statement(catalogue: Catalogue) -> list[Section]:
    """The statement's sections, in the GOV.UK model's order."""
    place = catalogue.place.name
    runner = catalogue.accessibility.organisation or f"the council for {place}"
    reach = contact(catalogue)
    how_to_contact = reach.lines or [reach.missing or ""]
    return [
        Section("About this statement", [
            f"This accessibility statement applies to the {place} community cohesion dashboard.",
            f"This website is run by {runner}. We want as many people as possible to be able to use it. "
            "For example, that means you should be able to:",
        ], [
            "find your way with a screen reader: every page has headings in order and every button has "
            "a name of its own",
            "tell every status apart without colour: each one has a word and a symbol (Green ✔, Amber ▲, "
            "Red ✖, Grey ○)",
            "read a text description of every chart and the map, and download the figures behind them",
        ]),
        Section("How accessible this website is", [
            "We know some parts of this website are not fully accessible:",
        ], [text for text, _criteria in NON_COMPLIANCES]),
        Section("Feedback and contact information", [
            "If you need information on this website in a different format, or you find a problem not "
            "listed on this page, contact us:",
        ], how_to_contact),
        Section("Reporting accessibility problems with this website", [
            "We're always looking to improve the accessibility of this website. If you find any problems "
            "not listed on this page or think we're not meeting accessibility requirements, contact us "
            "(see Feedback and contact information above).",
        ]),
        Section("Enforcement procedure", [
            "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the "
            f"{REGULATIONS} (the 'accessibility regulations'). If you're not happy with how we respond "
            "to your complaint, contact the Equality Advisory and Support Service (EASS).",
        ]),
        Section("Technical information about this website's accessibility", [
            f"{runner[0].upper()}{runner[1:]} is committed to making its website accessible, in accordance "
            f"with the {REGULATIONS}.",
        ]),
        Section("Compliance status", [
            f"This website is partially compliant with the {WCAG}, due to the non-compliances listed below.",
        ]),
        Section("Non-accessible content", [
            "The content listed below is non-accessible for the following reasons.",
        ], [f"{text} This fails WCAG 2.2 success criterion {criteria}." for text, criteria in NON_COMPLIANCES]),
        Section("What we're doing to improve accessibility", [
            "Every change to the dashboard is tested automatically for accessibility before it is "
            "released (see below). We plan to publish the board pack as a tagged PDF.",
        ]),
        Section("Preparation of this accessibility statement", [
            f"This statement was prepared on {STATEMENT_PREPARED:%-d %B %Y}.",
            f"This website was last tested on {LAST_TESTED:%-d %B %Y} against the {WCAG}. The test was "
            f"carried out by the dashboard's developers with axe-core {AXE_CORE_VERSION}, run automatically "
            "in the Chromium browser on every page of the dashboard, both on the data the dashboard ships "
            "with and on the publishers' full files with the map's geography loaded. The test fails on "
            "any serious or critical problem and on headings that skip a level; it also checks that every "
            "button has a name of its own and that every chart and the map have a text description.",
            "Automated tests find only some accessibility problems. The dashboard has not yet been audited "
            "by hand or tested with disabled users.",
        ]),
    ]


def described(chart: Any, text: str) -> Any:
    """The Altair chart with `text` as its description (what a screen reader announces) and its
    individual marks, axes and legends hidden from assistive technology: the description, the page's
    own sentence and the CSV download carry the figures instead."""
    import altair as alt

    out = chart.properties(description=text)
    out = out.copy()
    if out.config is alt.Undefined:
        out.config = alt.Config()
    out.config.aria = False  # axes and legends: aria-hidden; no generated descriptions of marks
    # Marks: aria-hidden too, or Vega leaves each "line mark container" as an unnamed graphic.
    if out.config.mark is alt.Undefined:
        out.config.mark = alt.MarkConfig()
    out.config.mark.aria = False
    return out


MAX_POINTS_LISTED = 6  # beyond this a series is summarised: first, last, lowest and highest


def series_text(title: str, points: Sequence[tuple[str, str]]) -> str:
    """A one-sentence text alternative for a line: (period, formatted value) pairs, oldest first."""
    if not points:
        return f"{title}: no figures to chart."
    if len(points) <= MAX_POINTS_LISTED:
        listed = "; ".join(f"{period}: {value}" for period, value in points)
        count = "1 period" if len(points) == 1 else f"{len(points)} periods"
        return f"Line chart of {title}, {count}. {listed}."
    (first_p, first_v), (last_p, last_v) = points[0], points[-1]
    return (f"Line chart of {title}, {len(points)} periods from {first_p} to {last_p}. "
            f"{first_p}: {first_v}; latest, {last_p}: {last_v}.")


def groups_text(title: str, groups: Sequence[tuple[str, str]], kind: str = "Bar chart") -> str:
    """A one-sentence text alternative for bars: (group label, formatted value) pairs in drawn order."""
    if not groups:
        return f"{title}: no figures to chart."
    return f"{kind} of {title}: " + "; ".join(f"{label}: {value}" for label, value in groups) + "."


def frame_pairs(frame: Any, label: str, value: str, fmt: Callable[[Any], str]) -> list[tuple[str, str]]:
    """(label, formatted value) pairs from two columns of a frame, for series_text / groups_text."""
    return [(str(a), fmt(b)) for a, b in zip(frame[label], frame[value], strict=True)]


def map_text(place: str, counts: dict[str, int], shading: str | None, focus: str | None = None) -> str:
    """The community-spaces map's text alternative: what is drawn, in words, and where the same is in text."""
    total = sum(counts.values())
    shown = "; ".join(f"{n} {category}" for category, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    areas = f" Areas: {shading}." if shading else ""
    centred = f" Centred on the search: {focus.rstrip('.')}." if focus else ""
    return (f"Map of community spaces in {place}: {total} spaces shown" + (f" ({shown})." if shown else ".")
            + areas + centred + " The tables below give the same information as text.")


def described_spec(spec: dict[str, Any], text: str) -> dict[str, Any]:
    """A Vega-Lite spec (dict) with the same treatment as `described`: `text` as its description,
    marks, axes and legends hidden from assistive technology."""
    config = dict(spec.get("config") or {})
    config["aria"] = False
    config["mark"] = {**(config.get("mark") or {}), "aria": False}
    return {**spec, "description": text, "config": config}


def indicator_chart_text(catalogue: Catalogue, observations: Any, indicator_id: str) -> str:
    """Text alternative of an indicator's chart: the place's headline series, period by period."""
    from cohesion.meeting.assess import headline_series
    from cohesion.present import format_value

    indicator = catalogue.indicator(indicator_id)
    rows = headline_series(catalogue, observations, indicator_id)
    rows = rows[rows["value"].notna()].sort_values("period_end", kind="stable")
    return series_text(f"{indicator.title}, {catalogue.place.name}",
                       frame_pairs(rows, "period", "value", lambda v: format_value(v, indicator.unit)))

"""The board pack's content as plain data (the pack model): what the board reads, in its order.

Built only from the read layer (`cohesion.query`: figures after disclosure control), the status
service's bundle and the presenter (`cohesion.present`, through `meeting.assess`'s one line per
indicator and priority), so every figure, status and source line is the one shown on screen.
`markup.py` turns the model into the PDF layout's JSON document; nothing here knows about the PDF.

Order (a board reads the summary first): the summary (at a glance, headline indicators, the
priorities); one section per priority in agenda order; then about the data (how to read a
status; each source with its vintage, licence and attribution). Each section lists in full what has a figure or a status,
and names in ONE line the indicators that have neither, grouped by why.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from cohesion import query, tidy
from cohesion.catalogue.models import Catalogue
from cohesion.meeting.actions import Action
from cohesion.meeting.assess import Assessment, IndicatorLine, PriorityLine, indicator_line, priority_line
from cohesion.meeting.diff import Change, changes_for
from cohesion.present import MISSING, grey_reason_text, source_line
from cohesion.report import charts
from cohesion.report.layout import ALL_STYLES
from cohesion.store import Manifest
from cohesion.style import STATUS_STYLES

AUTHOR = "Community cohesion indicator dashboard"  # the place is in the title and subject
MIN_CHART_PERIODS = 2  # a chart of one point says nothing the table does not; the table has it


@dataclass(frozen=True)
class IndicatorBlock:
    """Indicators of one section: rows for those with a figure or a status, one line for the rest."""

    rows: list[IndicatorLine]
    missing_line: str  # "" when every indicator has a figure or a status


@dataclass(frozen=True)
class Chart:
    indicator_id: str
    title: str
    svg: str  # the chart as an SVG document (vl-convert)
    alt: str  # what a sighted reader takes from the chart (the Trends page's takeaway)
    caption: str  # source, periods, unit, how to read the lines


@dataclass(frozen=True)
class PrioritySection:
    line: PriorityLine
    summary: str
    indicators: IndicatorBlock
    flags: list[str]
    changes: list[str] | None  # None: no earlier meeting to compare with
    actions: list[list[str]]  # recorded, kind, what, owner, due
    charts: list[Chart]


@dataclass(frozen=True)
class BoardPack:
    place: str
    today: date
    title: str
    subject: str
    notices: list[str]
    at_a_glance: list[str]
    glance_columns: list[str]  # status words
    glance_rows: list[list[str]]  # label, then a count per status word
    headlines: IndicatorBlock
    priorities: list[PriorityLine]
    sections: list[PrioritySection]
    store_line: str
    vintages: list[list[str]]  # per source: title, publisher, latest period, how loaded, figures
    legend: list[tuple[str, str]] = field(default_factory=list)  # status or direction word, meaning
    sources: list[list[str]] = field(default_factory=list)  # per source: licence, attribution, address


class Figures:
    """The publishable rows split by indicator once, each indicator's line and series worked out once.

    The read layer's functions take one indicator's rows as well as the whole table; filtering the
    whole table for every call was most of the pack's time.
    """

    def __init__(self, catalogue: Catalogue, observations: pd.DataFrame, assessment: Assessment | None):
        # assessment None: rows and series only (what the charts need), before statuses exist
        self.catalogue, self.observations, self._assessment = catalogue, observations, assessment
        self._empty = observations.iloc[0:0]
        self._rows = {str(k): g for k, g in observations.groupby("indicator_id", sort=False)} \
            if not observations.empty else {}
        self._lines: dict[str, IndicatorLine] = {}
        self._series: dict[str, pd.DataFrame] = {}

    @property
    def assessment(self) -> Assessment:
        if self._assessment is None:
            raise ValueError("these figures were split without statuses; lines need an assessment")
        return self._assessment

    def with_assessment(self, assessment: Assessment) -> Figures:
        """The same split rows and series (worked out once, shared), with statuses for the lines."""
        other = copy.copy(self)
        other._assessment, other._lines = assessment, {}
        return other

    def rows(self, indicator_id: str) -> pd.DataFrame:
        return self._rows.get(indicator_id, self._empty)

    def line(self, indicator_id: str) -> IndicatorLine:
        if indicator_id not in self._lines:
            self._lines[indicator_id] = indicator_line(self.catalogue, self.assessment, self.rows(indicator_id),
                                                       indicator_id)
        return self._lines[indicator_id]

    def series(self, indicator_id: str) -> pd.DataFrame:
        if indicator_id not in self._series:
            self._series[indicator_id] = query.place_series(self.catalogue, self.rows(indicator_id), indicator_id)
        return self._series[indicator_id]


def has_figure_or_status(figures: Figures, line: IndicatorLine) -> bool:
    """Listed in full: a latest figure, a status (a computed one, or a manual Red/Amber/Green), or
    earlier figures (the latest may be suppressed or missing, with its reason, and the chart
    still shows the series)."""
    return line.value_text != MISSING or line.status != "Grey" or bool(figures.series(line.id)["value"].notna().any())


def indicator_block(figures: Figures, indicator_ids: Sequence[str]) -> IndicatorBlock:
    lines = [figures.line(i) for i in indicator_ids]
    rows = [line for line in lines if has_figure_or_status(figures, line)]
    missing = [line for line in lines if not has_figure_or_status(figures, line)]
    if not missing:
        return IndicatorBlock(rows, "")
    groups: dict[str, list[str]] = {}
    for line in missing:
        reason = grey_reason_text(figures.assessment.results[line.id].grey_reason)
        groups.setdefault(reason, []).append(line.title)
    parts = [f"{reason}: {'; '.join(titles)}." for reason, titles in groups.items()]
    count = f"{len(missing)} of {len(lines)} indicators" if len(lines) > 1 else "This indicator"
    verb = "have" if len(lines) > 1 else "has"
    return IndicatorBlock(rows, f"{count} {verb} no figure or status yet. " + " ".join(parts))


def status_counts(catalogue: Catalogue, assessment: Assessment) -> tuple[list[str], list[list[str]]]:
    """The at-a-glance table: statuses across, priorities and indicators down, counts inside."""
    priorities = [assessment.priorities[p.id].status for p in catalogue.agenda()]
    indicators = [assessment.results[i.id].status for i in catalogue.indicators]
    columns = [*STATUS_STYLES, *sorted(set(priorities + indicators) - set(STATUS_STYLES))]
    rows = [[f"Priorities ({len(priorities)})", *(str(priorities.count(c)) for c in columns)],
            [f"Indicators ({len(indicators)})", *(str(indicators.count(c)) for c in columns)]]
    return columns, rows


def at_a_glance(figures: Figures, changes: Sequence[Change] | None, actions: Sequence[Action]) -> list[str]:
    """The sentences under the at-a-glance table."""
    lines = [figures.line(i.id) for i in figures.catalogue.indicators]
    with_figure = sum(line.value_text != MISSING for line in lines)
    out = [f"{with_figure} of {len(lines)} indicators have a published figure. Grey means not enough evidence "
           "to assess yet; the reason is always given."]
    if changes is not None:
        out.append(f"Changes since the last meeting: {len(changes)}." if changes
                   else "No changes since the last meeting.")
    if actions:
        out.append(f"Decisions and actions recorded: {len(actions)} (listed under each priority).")
    return out


def _span(periods: list[str]) -> str:
    return f"{periods[0]} to {periods[-1]}" if len(periods) > 1 else (periods[0] if periods else "none")


def chart_for(figures: Figures, indicator_id: str, svg: str) -> Chart:
    """The chart with its text alternative and caption (the source line of its latest figure)."""
    catalogue = figures.catalogue
    ind = catalogue.indicator(indicator_id)
    known = figures.series(indicator_id)
    known = known[known["value"].notna()]
    span = _span(known["period"].astype(str).tolist())
    cite = source_line(catalogue, known.iloc[-1] if not known.empty else None, ind)
    # The series' own area: police figures are the force area's, not the city's.
    area = str(known["area_name"].iloc[-1]) if not known.empty and str(known["area_name"].iloc[-1]) \
        else catalogue.place.name
    caption = (f"Source: {cite}. {area} figures: {span}. Unit: {ind.unit}. "
               f"{area} solid; comparators dashed where published.")
    alt = f"Line chart of {ind.title}, {span}. " + charts.chart_takeaway(catalogue, figures.rows(indicator_id),
                                                                         indicator_id)
    return Chart(indicator_id, ind.title, svg, alt, caption)


def chartable(figures: Figures, lines: Sequence[IndicatorLine]) -> list[str]:
    """Indicators of these rows whose place series has figures for MIN_CHART_PERIODS periods or more."""
    return [line.id for line in lines if int(figures.series(line.id)["value"].notna().sum()) >= MIN_CHART_PERIODS]


def chart_ids(figures: Figures) -> list[str]:
    """Indicators drawn as charts, in agenda order: those `chartable` in their priority's section.

    An indicator with figures for MIN_CHART_PERIODS periods always has a row in its section (it
    has figures), so this needs the series only, not the statuses: the charts can be drawn while
    the statuses are worked out."""
    catalogue = figures.catalogue
    return list(dict.fromkeys(i.id for p in catalogue.agenda() for i in catalogue.indicators_for_priority(p.id)
                              if int(figures.series(i.id)["value"].notna().sum()) >= MIN_CHART_PERIODS))


def chart_inputs(figures: Figures) -> tuple[Catalogue, pd.DataFrame, list[str]]:
    """What `charts.render_key_charts` takes for the pack's charts: catalogue, their rows, their ids."""
    wanted = chart_ids(figures)
    chart_rows = pd.concat([figures.rows(i) for i in wanted]) if wanted else figures.observations.iloc[0:0]
    return figures.catalogue, chart_rows, wanted


def draw_charts(figures: Figures, engine: charts.ChartEngine | None = None) -> dict[str, str | None]:
    """Each chart's SVG (or the engine's stand-in for it) by indicator; see `charts.render_key_charts`."""
    return charts.render_key_charts(*chart_inputs(figures), engine)


def priority_section(figures: Figures, priority_id: str, actions: Sequence[Action],
                     changes: Sequence[Change] | None) -> PrioritySection:
    """The section with a chart for each chartable indicator, its SVG not filled in yet (see `with_svgs`)."""
    catalogue, assessment = figures.catalogue, figures.assessment
    ind_ids = [i.id for i in catalogue.indicators_for_priority(priority_id)]
    block = indicator_block(figures, ind_ids)
    titles = {i.id: i.title for i in catalogue.indicators}
    flags = [f"{titles[i]}: {flag}" for i in ind_ids for flag in assessment.flags.get(i, [])]
    mine = None if changes is None else [f"{c.label}: {c.sentence}" for c in changes_for(list(changes), catalogue,
                                                                                         priority_id)]
    rows = [[a.recorded_at[:10], a.kind, a.text + (f" (indicator: {titles.get(a.indicator_id, a.indicator_id)})"
                                                   if a.indicator_id else ""), a.owner or "", a.due or ""]
            for a in actions if a.priority_id == priority_id]
    drawn = [chart_for(figures, i, "") for i in chartable(figures, block.rows)]
    return PrioritySection(priority_line(catalogue, assessment, priority_id), catalogue.priority(priority_id).summary,
                           block, flags, mine, rows, drawn)


def with_svgs(section: PrioritySection, svgs: dict[str, str | None]) -> PrioritySection:
    """The section's charts with their SVGs; a chart without one (no figure for the place) left out."""
    return replace(section, charts=[replace(c, svg=svg) for c in section.charts
                                    if (svg := svgs.get(c.indicator_id)) is not None])


def source_vintages(catalogue: Catalogue, manifest: Manifest | None, observations: pd.DataFrame) -> list[list[str]]:
    """Rows: source, publisher, latest period, how it got here, figures in the store.

    Counts the figures actually in the store per source, so typed-in figures (published tables,
    news releases) count even though their source has no loader of its own.
    """
    by_source = {sid: rows for sid, rows in observations.groupby("source_id")} if not observations.empty else {}
    rows = []
    for source in catalogue.sources:
        report = manifest.sources.get(source.id) if manifest else None
        figures = by_source.get(source.id)
        periods = sorted(set(figures["period"].astype(str)), key=lambda p: (tidy.period_end(p) or date.min, p)) \
            if figures is not None else list(report.periods if report else [])
        latest = periods[-1] if periods else "none loaded"
        count = 0 if figures is None else int(len(figures))
        if count and (report is None or report.status in ("no_loader", "not_configured", "no_file")):
            state = "typed in from publications"
        elif report is not None:
            state = report.status.replace("_", " ")
        else:
            state = "not in this data"
        rows.append([source.title, source.publisher, latest, state, f"{count:,}"])
    return rows


def build_model(catalogue: Catalogue, observations: pd.DataFrame, manifest: Manifest | None, *, today: date,
                assessment: Assessment, actions: Sequence[Action], changes: Sequence[Change] | None,
                engine: charts.ChartEngine | None = None, figures: Figures | None = None) -> BoardPack:
    """The pack model. `observations` must already be publishable (disclosure control applied).
    With an `engine`, charts are drawn there and the model carries its stand-ins for the SVGs;
    `figures`: these observations split already (see `chart_inputs`), its series reused."""
    place = catalogue.place.name
    figures = Figures(catalogue, observations, assessment) if figures is None else figures.with_assessment(assessment)
    columns, counts = status_counts(catalogue, assessment)
    headlines = indicator_block(figures, [i.id for i in catalogue.headline_indicators()])
    sections = [priority_section(figures, p.id, actions, changes) for p in catalogue.agenda()]
    glance = at_a_glance(figures, changes, actions)
    priorities = [priority_line(catalogue, assessment, p.id) for p in catalogue.agenda()]
    vintages = source_vintages(catalogue, manifest, observations)
    # The SVGs last: with an engine whose copy is still building the charts, this waits for it
    # only once the rest of the model is done.
    svgs = draw_charts(figures, engine)
    sections = [with_svgs(section, svgs) for section in sections]
    if manifest is None:
        store_line = "No data yet: run `python -m cohesion refresh` to load the sources."
    else:
        store_line = f"Data store version {manifest.version}, built {manifest.created[:16].replace('T', ' ')}."
    return BoardPack(
        place=place, today=today,
        title=f"{place} Community Cohesion Strategy: board pack, {today.isoformat()}",
        subject=f"Status of the {place} Community Cohesion Strategy priorities and headline indicators",
        notices=list(assessment.problems),
        at_a_glance=glance,
        glance_columns=columns, glance_rows=counts,
        headlines=headlines,
        priorities=priorities,
        sections=sections, store_line=store_line,
        vintages=vintages,
        legend=[(name, s.meaning) for name, s in ALL_STYLES.items()],
        sources=[[s.licence, s.attribution, s.url or "no public address"] for s in catalogue.sources],
    )

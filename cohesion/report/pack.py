"""The board pack: one PDF for the Future 100 Mission Board, built on the server.

Order of the pack: a cover (generation date, data vintages, how to read a status); the
headline indicators with status; the priorities with status, coverage and reason; one section
per priority in agenda order (its indicators, their charts with source and period, changes
since the last meeting, the recorded decisions and actions); sources and licences. Each priority
section is a PDF bookmark. Tables are reportlab Tables (selectable text, not pictures); charts are
PNGs rendered by vl-convert, so the pack prints the same everywhere and needs no browser.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import pandas as pd
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Image, KeepTogether, PageBreak, SimpleDocTemplate, Spacer

from cohesion import config, query, tidy
from cohesion.catalogue import load_catalogue
from cohesion.catalogue.models import Catalogue
from cohesion.db import DatabaseError
from cohesion.meeting.actions import Action, ActionLog, read_actions
from cohesion.meeting.assess import Assessment, headline_series, indicator_line, priority_line
from cohesion.meeting.diff import Change, changes_for, diff_snapshots
from cohesion.meeting.snapshot import latest_snapshot, take_snapshot
from cohesion.present import source_line
from cohesion.report import charts
from cohesion.report.layout import PAGE_MARGIN, Bookmark, data_table, fonts, footer, para, rich, status_label, styles
from cohesion.status.service import assess, assess_current
from cohesion.store import Manifest
from cohesion.style import STATUS_STYLES

AUTHOR = "One Stoke Delivery Group dashboard"
CONTENT_WIDTH = A4[0] - 2 * PAGE_MARGIN
CHART_DRAW_WIDTH = CONTENT_WIDTH * 0.92


def build_board_pack(catalogue: Catalogue, observations: pd.DataFrame, manifest: Manifest | None, *, today: date,
                     actions: Sequence[Action] | None = None, assessment: Assessment | None = None,
                     changes: Sequence[Change] | None = None) -> bytes:
    """The whole pack as PDF bytes.

    `assessment` defaults to the status service for `today` (no manual statuses); `actions` are the
    recorded decisions and actions (none when not given); `changes` the diff since the last
    meeting, shown per priority when given. `observations` go through disclosure control here.
    """
    observations = query.publishable(observations, catalogue)
    assessment = assessment or assess(catalogue, observations, None, today)
    actions = list(actions or [])
    buffer = io.BytesIO()
    place = catalogue.place.name
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=PAGE_MARGIN, rightMargin=PAGE_MARGIN, topMargin=PAGE_MARGIN,
        bottomMargin=PAGE_MARGIN + 4 * mm,
        title=f"{place} Community Cohesion Strategy: board pack, {today.isoformat()}",
        author=AUTHOR, subject=f"Status of the {place} Community Cohesion Strategy priorities and headline indicators",
        creator=AUTHOR, keywords=["community cohesion", place, "board pack"], lang="en-GB", displayDocTitle=True,
        invariant=True,  # same inputs, same bytes: packs can be compared and cached
    )
    story: list = []
    story += _cover(catalogue, manifest, assessment, today, observations)
    story += _headlines(catalogue, observations, assessment)
    story += _priorities_table(catalogue, assessment)
    png_cache = charts.render_key_charts(catalogue, observations, [i.id for i in catalogue.indicators])
    for priority in catalogue.agenda():
        story += _priority_section(catalogue, observations, assessment, priority.id, actions,
                                   list(changes) if changes is not None else None, png_cache)
    story += _sources(catalogue)
    on_page = footer(f"{place} Community Cohesion Strategy board pack · generated {today.isoformat()}")

    def first_page(canvas, document) -> None:
        _date_the_pdf(canvas, today)
        on_page(canvas, document)

    doc.build(story, onFirstPage=first_page, onLaterPages=on_page)
    return buffer.getvalue()


def build_current_pack(*, today: date) -> tuple[bytes, list[str]]:
    """The pack from the live catalogue, store, action log and last held meeting, plus warnings.

    What the CLI and the Headlines page's button both call. Raises CatalogueError when the
    catalogue is invalid (the caller shows its problems).
    """
    catalogue = load_catalogue(config.CATALOGUE_PATH)
    observations, manifest = query.current(catalogue), query.manifest()
    warnings: list[str] = []
    if manifest is None:
        warnings.append("No data store yet (run `python -m cohesion refresh`); the pack shows no figures.")
    try:  # the database of what people wrote: a pack without it still shows every figure
        log = read_actions()
        before = latest_snapshot(before=today, problems=warnings)
    except DatabaseError as exc:
        log, before = ActionLog(), None
        warnings.append(f"Decisions, actions and earlier meetings are not in this pack: {exc}")
    warnings += log.problems
    assessment = assess_current(catalogue, today, observations=observations)
    warnings += assessment.problems
    changes = None
    if before is not None:
        now = take_snapshot(catalogue, assessment, observations, meeting_date=today,
                            store_version=query.store_version())
        changes = diff_snapshots(before, now, catalogue)
    pdf = build_board_pack(catalogue, observations, manifest, today=today, actions=log.actions,
                           assessment=assessment, changes=changes)
    return pdf, warnings


def _date_the_pdf(canvas, today: date) -> None:
    """The PDF's creation date is the pack's date (midnight UTC), not reportlab's invariant 1 Jan 2000.

    Invariant mode is kept (same inputs, same bytes); only its fixed timestamp is replaced.
    """
    import calendar

    from reportlab.lib.utils import TimeStamp

    stamp = TimeStamp(invariant=True)
    stamp.t = calendar.timegm(today.timetuple())
    stamp.lt = (today.year, today.month, today.day, 0, 0, 0, today.weekday(), today.timetuple().tm_yday, 0)
    stamp.YMDhms = stamp.lt[:6]
    canvas._doc._timeStamp = stamp


def source_vintages(catalogue: Catalogue, manifest: Manifest | None, observations: pd.DataFrame) -> list[list[str]]:
    """Cover rows: source, publisher, latest period, how it got here, figures in the store.

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
            state = "not in this store"
        rows.append([source.title, source.publisher, latest, state, f"{count:,}"])
    return rows


def _cover(catalogue: Catalogue, manifest: Manifest | None, assessment: Assessment, today: date,
           observations: pd.DataFrame | None = None) -> list:
    st = styles()
    out: list = [
        Bookmark("Cover and data vintages", "cover"),
        Spacer(1, 18 * mm),
        para(f"{catalogue.place.name} Community Cohesion Strategy", st["title"]),
        para(f"Board pack for the Future 100 Mission Board · generated {today.isoformat()} "
             f"({today.day} {today:%B %Y})", st["subtitle"]),
        para("Prepared from the One Stoke Delivery Group dashboard. Every figure gives its source and period; "
             "a missing figure is shown as missing, never as zero.", st["body"]),
        Spacer(1, 6 * mm),
        para("Data vintages", st["h2"]),
    ]
    for notice in assessment.problems:
        out.insert(4, para(f"Note: {notice}", st["body"]))
    if manifest is None:
        out.append(para("No data store yet: run `python -m cohesion refresh` to load the sources.", st["body"]))
    else:
        out.append(para(f"Data store version {manifest.version}, built {manifest.created[:16].replace('T', ' ')}.",
                        st["small"]))
        rows = source_vintages(catalogue, manifest, observations if observations is not None else pd.DataFrame())
        widths = [w * CONTENT_WIDTH for w in (0.36, 0.22, 0.13, 0.17, 0.12)]
        out.append(data_table(["Source", "Publisher", "Latest period", "How loaded", "Figures"], rows, widths))
    out += [Spacer(1, 6 * mm), para("How to read a status", st["h2"])]
    legend = [[status_label(name), s.meaning] for name, s in STATUS_STYLES.items()]
    out.append(data_table(["Status", "Meaning"], legend, [0.2 * CONTENT_WIDTH, 0.8 * CONTENT_WIDTH],
                          status_column=0, statuses=list(STATUS_STYLES)))
    if not fonts().unicode_symbols:
        out.append(para("This system has no Unicode font, so status symbols are shown as + ^ x o.", st["small"]))
    return out


def _indicator_rows(catalogue: Catalogue, observations: pd.DataFrame, assessment: Assessment,
                    indicator_ids: list[str]) -> tuple[list[list[object]], list[str]]:
    st = styles()
    rows, statuses = [], []
    for ind_id in indicator_ids:
        line = indicator_line(catalogue, assessment, observations, ind_id)
        value = line.value_text + (f" ({line.note})" if line.note else "")
        rows.append([
            rich([(line.title, True), (f"\nSource: {line.source_text}", False)], st["cell"]),
            value, line.period or "none", status_label(line.status), line.sentence,
        ])
        statuses.append(line.status)
    return rows, statuses


INDICATOR_HEADER = ["Indicator and source", "Latest", "Period", "Status", "Why"]
INDICATOR_WIDTHS = [w * CONTENT_WIDTH for w in (0.30, 0.13, 0.10, 0.13, 0.34)]


def _headlines(catalogue: Catalogue, observations: pd.DataFrame, assessment: Assessment) -> list:
    st = styles()
    ids = [i.id for i in catalogue.headline_indicators()]
    out: list = [PageBreak(), Bookmark("Headline indicators", "headlines"), para("Headline indicators", st["h1"])]
    if not ids:
        return out + [para("The catalogue marks no indicator as a headline.", st["body"])]
    rows, statuses = _indicator_rows(catalogue, observations, assessment, ids)
    out.append(data_table(INDICATOR_HEADER, rows, INDICATOR_WIDTHS, status_column=3, statuses=statuses))
    return out


def _priorities_table(catalogue: Catalogue, assessment: Assessment) -> list:
    st = styles()
    out: list = [Spacer(1, 8 * mm), CondPageBreak(60 * mm), Bookmark("The priorities", "priorities"),
                 para("The priorities", st["h1"])]
    rows, statuses = [], []
    for priority in catalogue.agenda():
        line = priority_line(catalogue, assessment, priority.id)
        rows.append([str(line.number), line.title, status_label(line.status), line.coverage, line.sentence])
        statuses.append(line.status)
    widths = [w * CONTENT_WIDTH for w in (0.05, 0.30, 0.13, 0.17, 0.35)]
    out.append(data_table(["No.", "Priority", "Status", "Coverage", "Reason"], rows, widths,
                          status_column=2, statuses=statuses))
    return out


def _chart_block(catalogue: Catalogue, observations: pd.DataFrame, ind_id: str,
                 png_cache: dict[str, bytes | None]) -> list:
    st = styles()
    png = png_cache.get(ind_id)
    ind = catalogue.indicator(ind_id)
    if png is None:
        return [para(f"{ind.title}: no published figures to chart yet.", st["small"]), Spacer(1, 3 * mm)]
    width_px, height_px = charts.png_size(png)
    draw_w = min(CHART_DRAW_WIDTH, width_px / charts.PNG_SCALE * 0.75)  # px at 96 dpi -> points
    image = Image(io.BytesIO(png), width=draw_w, height=draw_w * height_px / width_px)
    image.hAlign = "LEFT"
    rows = headline_series(catalogue, observations, ind_id)
    periods = rows[rows["value"].notna()]["period"].tolist()
    span = f"{periods[0]} to {periods[-1]}" if len(periods) > 1 else (periods[0] if periods else "")
    # The chart's figures may come from several sources; cite the latest figure's own source.
    latest = rows[rows["value"].notna()].iloc[-1] if rows["value"].notna().any() else None
    cite = source_line(catalogue, latest, ind)
    return [KeepTogether([
        para(ind.title, st["cell_bold"]), image,
        para(f"Source: {cite}. {catalogue.place.name} figures: {span or 'none'}. Unit: {ind.unit}. "
             f"{catalogue.place.name} solid; comparators dashed where published.", st["caption"]),
    ])]


def _priority_section(catalogue: Catalogue, observations: pd.DataFrame, assessment: Assessment, priority_id: str,
                      actions: list[Action], changes: list[Change] | None, png_cache: dict[str, bytes | None]) -> list:
    st = styles()
    line = priority_line(catalogue, assessment, priority_id)
    heading = f"Priority {line.number}: {line.title}"
    out: list = [PageBreak(), Bookmark(heading, f"priority-{priority_id}"), para(heading, st["h1"]),
                 para(catalogue.priority(priority_id).summary, st["body"]), Spacer(1, 3 * mm)]
    out.append(data_table(["Status", "Coverage", "Reason"],
                          [[status_label(line.status), line.coverage, line.sentence]],
                          [w * CONTENT_WIDTH for w in (0.15, 0.22, 0.63)], status_column=0, statuses=[line.status]))
    ind_ids = [i.id for i in catalogue.indicators_for_priority(priority_id)]
    out += [para("Indicators", st["h2"])]
    rows, statuses = _indicator_rows(catalogue, observations, assessment, ind_ids)
    out.append(data_table(INDICATOR_HEADER, rows, INDICATOR_WIDTHS, status_column=3, statuses=statuses))
    flags = [(catalogue.indicator(i).title, f) for i in ind_ids for f in assessment.flags.get(i, [])]
    if flags:
        out.append(para("Early-warning flags", st["h2"]))
        out += [para(f"{title}: {flag}", st["body"]) for title, flag in flags]
    if changes is not None:
        mine = changes_for(changes, catalogue, priority_id)
        out.append(para("Changed since the last meeting", st["h2"]))
        out += [para(f"{c.label}: {c.sentence}", st["body"]) for c in mine] or [para("No changes.", st["body"])]
    out.append(para("Decisions and actions", st["h2"]))
    mine_actions = [a for a in actions if a.priority_id == priority_id]
    if mine_actions:
        titles = {i.id: i.title for i in catalogue.indicators}
        rows = [[a.recorded_at[:10], a.kind, a.text + (f" (indicator: {titles.get(a.indicator_id, a.indicator_id)})"
                                                       if a.indicator_id else ""), a.owner or "", a.due or ""]
                for a in mine_actions]
        # Date columns wide enough for "2026-11-30" on one line (a narrower one broke it mid-date).
        out.append(data_table(["Recorded", "Kind", "What", "Owner", "Due"], rows,
                              [w * CONTENT_WIDTH for w in (0.15, 0.1, 0.44, 0.16, 0.15)]))
    else:
        out.append(para("None recorded.", st["body"]))
    out.append(para("Charts", st["h2"]))
    # Indicators without figures are named once, before the charts: one line each after the last
    # chart used to spill onto an almost empty page.
    uncharted = [catalogue.indicator(i).title for i in ind_ids if png_cache.get(i) is None]
    if uncharted:
        out += [para("No published figures to chart yet: " + "; ".join(uncharted) + ".", st["small"]),
                Spacer(1, 3 * mm)]
    for ind_id in ind_ids:
        if png_cache.get(ind_id) is not None:
            out += _chart_block(catalogue, observations, ind_id, png_cache)
    return out


def _sources(catalogue: Catalogue) -> list:
    st = styles()
    rows = [[s.title, s.publisher, s.licence, s.attribution, s.url or "no public address"] for s in catalogue.sources]
    widths = [w * CONTENT_WIDTH for w in (0.25, 0.17, 0.15, 0.23, 0.20)]
    return [PageBreak(), Bookmark("Sources and licences", "sources"), para("Sources and licences", st["h1"]),
            data_table(["Source", "Publisher", "Licence", "Attribution", "Address"], rows, widths)]

"""Trends: one indicator over time with intervals, comparators and target; hate-crime early warning.

Thin page: widgets, then `cohesion.trends` functions, then drawing. Deep links such as
`/trends?indicator=satisfied_local_area` choose the indicator; picking one writes it back.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import streamlit as st

from cohesion import accessibility as a11y
from cohesion import config, query, ui
from cohesion.present import plain, status_text
from cohesion.sources_view import how_to_load
from cohesion.trends import charts, downloads, hatecrime, spc, view

ui.through_entry_point()

md = plain  # the presenter's one escaper: catalogue and data text shown literally


def code(text: object) -> str:
    """Text for inside a `code span`: backticks removed, nothing else is interpreted there.

    Configured paths like `data:council/x.csv` are shown as the folder path people type.
    """
    text = str(text).replace("`", "'")
    return "data/" + text[5:] if text.startswith("data:") else text


@st.cache_data(max_entries=8, show_spinner=False)
def _monthly(version: str | None, _catalogue) -> pd.DataFrame:
    # Keyed on the store version only: hashing the whole table on every rerun would be slow.
    # The control chart needs small months for its limits and hides them itself; a total that
    # would reveal a hidden strand by subtraction is hidden here (secondary suppression).
    # police.uk tension series (control_chart rule) are charted on the Early warning page instead.
    rows = query.publishable(ui.raw_observations(), _catalogue, hide_small=False)
    own_page = [i.id for i in _catalogue.indicators if getattr(i.status, "rule", "") == "control_chart"]
    return hatecrime.monthly_rows(rows[~rows["indicator_id"].isin(own_page)])


# Per (indicator, store version, catalogue, options), not per rerun: what the page draws is worked
# out once (cohesion.trends.view); a warm rerun only draws. Resource caches: the same objects are
# handed back (no copy per rerun), and nothing here mutates them.
def _key(indicator_id: str) -> tuple:
    return indicator_id, ui.store_version(), ui.file_key(config.CATALOGUE_PATH)


@st.cache_resource(max_entries=32, show_spinner=False)
def _rows_and_choice(key: tuple) -> tuple[pd.DataFrame, charts.SeriesChoice]:
    # Publishable rows (small counts already hidden by the read layer) for everything drawn.
    rows = hatecrime.with_month_ends(query.indicator_rows(ui.observations(), key[0]))
    return rows, charts.choose_series(ui.require_catalogue(), rows)


@st.cache_resource(max_entries=64, show_spinner=False)
def _indicator_view(key: tuple, extra: tuple[tuple[str, str], ...]) -> view.IndicatorView:
    catalogue = ui.require_catalogue()
    rows, choice = _rows_and_choice(key)
    shown = view.indicator_view(rows, catalogue.indicator(key[0]), catalogue, choice,
                                {**choice.comparators, **dict(extra)},
                                area_label=choice.primary_name or catalogue.place.name)
    return dataclasses.replace(shown, spec=ui.ready_spec(shown.spec), table=ui.ready_table(shown.table))


@st.cache_resource(max_entries=64, show_spinner=False)
def _breakdown_view(key: tuple, group: str) -> view.BreakdownView:
    rows, choice = _rows_and_choice(key)
    parts = view.breakdown_view(rows, ui.require_catalogue().indicator(key[0]), choice.primary_code, group)
    return dataclasses.replace(parts, spec=ui.ready_spec(parts.spec))


@st.cache_resource(max_entries=32, show_spinner=False)
def _yearly_view(key: tuple, threshold: int) -> tuple[view.YearlyView, object, object | None]:
    _rows, choice = _rows_and_choice(key)
    yearly = view.yearly_view(query.indicator_rows(ui.raw_observations(), key[0]),
                              ui.require_catalogue().indicator(key[0]), choice.primary_code, threshold)
    return yearly, ui.ready_table(yearly.table), ui.ready_table(yearly.wards) if len(yearly.wards) else None


def _status_line(indicator, catalogue) -> None:
    # The one status service (cached in ui), so Trends says what Headlines and Priorities say.
    result = ui.statuses(catalogue, date.today()).results[indicator.id]
    colour = {"Green": "green", "Amber": "orange", "Red": "red"}.get(result.status, "gray")
    st.badge(plain(status_text(result.status)), color=colour)
    st.markdown(md(result.sentence))


catalogue = ui.require_catalogue()
observations = ui.observations()  # disclosure control applied once, by the read layer
threshold = catalogue.meeting.small_count_threshold

st.title("Trends")
st.caption("Each indicator over time: 95% intervals where published, comparators where loaded, the target "
           "where one is set. Gaps are periods with no figure, never zeros.")

# ---------------------------------------------------------------- choose the indicator
by_dimension = {d.id: [i for i in catalogue.indicators if i.dimension == d.id] for d in catalogue.dimensions}
wanted = st.query_params.get("indicator")
ids = {i.id for i in catalogue.indicators}
if wanted in ids and st.session_state.get("trends_link") != wanted:
    st.session_state["trends_link"] = wanted
    st.session_state["trends_dimension"] = catalogue.indicator(wanted).dimension
    st.session_state["trends_indicator"] = wanted
elif wanted and wanted not in ids:
    st.warning(f"The link names an indicator that is not in the catalogue: '{md(wanted)}'. Choose one below.")
if "trends_indicator" not in st.session_state:
    # No link: open on an indicator with figures for more than one period, so the chart shows a change.
    first = query.default_series_indicator(catalogue, observations)
    if first:
        st.session_state["trends_dimension"] = catalogue.indicator(first).dimension
        st.session_state["trends_indicator"] = first

left, right = st.columns([1, 2])
dimension_id = left.selectbox("Dimension", [d.id for d in catalogue.dimensions], key="trends_dimension",
                              format_func=lambda d: catalogue.dimension(d).title)
options = [i.id for i in by_dimension[dimension_id]]
if st.session_state.get("trends_indicator") not in options:
    st.session_state["trends_indicator"] = options[0]
indicator_id = right.selectbox("Indicator", options, key="trends_indicator",
                               format_func=lambda i: catalogue.indicator(i).title)
if st.query_params.get("indicator") != indicator_id:
    st.query_params["indicator"] = indicator_id
    st.session_state["trends_link"] = indicator_id

indicator = catalogue.indicator(indicator_id)
source = catalogue.source(indicator.source)
controlled = indicator.id in query.controlled_indicator_ids(catalogue)

st.header(md(indicator.title))
st.markdown(md(indicator.definition))
_status_line(indicator, catalogue)

def draw_indicator() -> None:
    """The chart, takeaway, table, download, breakdowns and yearly counts of the chosen indicator."""
    key = _key(indicator.id)
    rows, choice = _rows_and_choice(key)

    if rows.empty:
        if indicator.unit == "assessment":
            st.info("This indicator is a Delivery Group assessment, not a measured series; its status and "
                    "commentary are on the Priorities page.")
        else:
            where = how_to_load(ui.manifest(), source.id, source.path) if source else ""
            st.info(md(f"No figures for this indicator are loaded yet. {where}".strip()))
            if source and source.notes:
                st.caption(md(source.notes))
        return
    extra: dict[str, str] = {}
    if choice.other_areas:
        picked = st.multiselect("Also show", list(choice.other_areas), format_func=lambda c: choice.other_areas[c],
                                key=f"trends_extra_{indicator.id}")
        extra = {c: choice.other_areas[c] for c in picked}
    shown = _indicator_view(key, tuple(extra.items()))
    st.vega_lite_chart(shown.spec, width="stretch")
    st.markdown(f"**Takeaway:** {md(shown.sentence)}")
    if shown.recent_trend:
        st.caption("Recent trend: " + md(shown.recent_trend))
    for period, reason in shown.gaps:
        st.caption(f"{md(period)}: no figure ({md(reason)}).")
    for period, area, note in shown.series_breaks:
        st.caption(f"Series break from {md(period)} ({md(area)}): {md(note)}")
    for caveat in indicator.caveats:
        st.caption(f"Caveat: {md(caveat)}")

    table_tab, download_tab = st.tabs(["Table", "Download"])
    with table_tab:
        st.dataframe(shown.table, hide_index=True, width="stretch")
    with download_tab:
        st.download_button("Download CSV (with source, licence and period)",
                           # built when clicked; rows are already publishable (disclosure-controlled)
                           lambda: downloads.to_csv_bytes(downloads.download_frame(
                               rows, indicator, catalogue, primary_code=choice.primary_code)),
                           file_name=f"{indicator.id}.csv", mime="text/csv", key="trends_download")
        st.caption("Each row names its period, publisher, licence and attribution."
                   + (f" Counts below {threshold} are suppressed." if controlled else ""))

    # ---------------------------------------------------------------- breakdowns
    if choice.breakdown_groups:
        st.subheader("Breakdowns")
        group = st.selectbox("Break down by", choice.breakdown_groups, key=f"trends_group_{indicator.id}") \
            if len(choice.breakdown_groups) > 1 else choice.breakdown_groups[0]
        parts = _breakdown_view(key, group)
        st.vega_lite_chart(parts.spec, width="stretch" if parts.one_period else "content")
        st.markdown(f"**Takeaway:** {md(parts.sentence)}")

    # ---------------------------------------------------------------- hate crime measure
    if controlled:
        st.subheader("Reports per year and change on the previous year")
        yearly, table, wards = _yearly_view(key, threshold)
        if yearly.empty:
            st.info("No yearly totals can be worked out from the loaded figures yet.")
            return
        st.markdown(md(yearly.sentence))
        if len(yearly.table):
            st.dataframe(table, hide_index=True, width="stretch")
        if wards is not None:
            with st.expander(f"Ward by ward ({len(yearly.wards):,} rows)"):
                st.dataframe(wards, hide_index=True, width="stretch")


def draw_early_warning() -> None:
    """The control chart of monthly counts, or how to load the police export when there is none."""
    monthly = _monthly(ui.store_version(), catalogue)
    if monthly.empty:
        police = next((s for s in catalogue.sources if s.loader == "police_local_counts"), None)
        path = f"`{code(police.path)}`" if police and police.path else "the path set in the catalogue's police source"
        st.info(
            "No monthly police counts are loaded, so the early-warning chart cannot be drawn. Police monthly "
            "hate crime figures are not published below force level; ask the force for its monthly export.\n\n"
            "1. Copy the template `data/templates/police_counts_template.csv` (columns `period, area_type, "
            "area_code, area_name, measure, strand, count, population, note`; see `docs/data-templates.md`).\n"
            "2. Put one row per month (`YYYY-MM`), area (force, csp or ward) and strand; delete the example rows.\n"
            f"3. Save it at {path}.\n"
            "4. Run `python -m cohesion refresh`, then reload this page."
        )
    else:
        areas = monthly.drop_duplicates("area_code").set_index("area_code")
        c1, c2, c3 = st.columns([2, 1, 1])
        area = c1.selectbox("Area", list(areas.index), key="ew_area",
                            format_func=lambda c: f"{areas.loc[c, 'area_name']} ({str(areas.loc[c, 'area_type']).replace('_', ' ')})")
        measures = monthly[monthly["area_code"] == area]["indicator_id"].unique().tolist()
        measure = c2.selectbox("Measure", measures, key="ew_measure",
                               format_func=lambda i: catalogue.indicator(i).title if i in ids else i)
        strands = sorted(monthly[(monthly["area_code"] == area)]["breakdown"].unique().tolist())
        strand = c3.selectbox("Strand", strands, key="ew_strand",
                              format_func=lambda b: "All strands" if b == "" else b.replace("strand=", ""))
        seasonal = st.checkbox("Seasonal baseline (each calendar month against its own average; needs two years)",
                               key="ew_seasonal")
        series = hatecrime.monthly_series(monthly[monthly["indicator_id"] == measure], area, strand)
        result = spc.control_chart_data(series, seasonal=seasonal, threshold=threshold)
        name = str(areas.loc[area, "area_name"])
        summary_text = spc.summary_sentence(result, name)
        st.altair_chart(a11y.described(charts.control_chart(result, threshold=threshold,
                                             title=f"{name}: reports per month, with the expected range"),
                                             summary_text), width="stretch")
        st.markdown(f"**Takeaway:** {md(summary_text)}")
        for flag in reversed(result.flags):
            # Direction in a symbol and words (higher or lower than expected), never colour alone.
            arrow = "▲ Higher than expected" if flag.direction == "high" else "▼ Lower than expected"
            st.markdown(f"- **{arrow}:** {md(flag.sentence)}")
        notes = sorted({n for n in monthly[monthly["area_code"] == area]["status_note"] if n})
        if notes:
            st.caption("Notes in the data: " + md("; ".join(notes[:5])))
        first = result.baseline_periods[0] if result.baseline_periods else "-"
        st.caption(f"Baseline: {len(result.baseline_periods)} months from {md(spc.period_label(first))}; "
                   f"limits are exact Poisson 99.73% limits. Months with fewer than {threshold} reports are "
                   "hidden on the chart (police disclosure practice).")
        with st.expander("How to read the early-warning chart"):
            st.markdown(
                "Each month is compared with the expected range from the baseline year. A signal is raised by "
                "any of the NHS *Making Data Count* rules: a month outside the expected range; seven months in a "
                "row above (or below) the average; seven months in a row rising (or falling); two of three "
                "months close to a limit. No signals are raised where the baseline averages fewer than "
                f"{spc.MIN_BASELINE_MEAN:g} reports a month: chance alone moves small counts a lot."
            )


def guarded(what: str, draw) -> None:
    """Run one section; a failure becomes a message there and the rest of the page still draws."""
    try:
        draw()
    except Exception as exc:  # Streamlit's stop/rerun signals are BaseException and pass through
        st.error(f"{what} could not be drawn ({type(exc).__name__}: {md(exc)}). Other sections are unaffected; "
                 "the Data & sources page lists any problems with the loaded files.")


guarded("The indicator chart", draw_indicator)
# Series judged by the control_chart rule (police.uk tension indicators) have their own page.
has_own_page = getattr(indicator.status, "rule", "") == "control_chart"
if has_own_page:
    st.page_link("pages/early_warning.py", label="Early warning: this series by month and ward", icon=":material/notifications_active:")
elif controlled:
    st.header("Early warning: monthly counts")
    guarded("The early-warning chart", draw_early_warning)

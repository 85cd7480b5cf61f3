"""Early warning: control charts of the public monthly tension series, city-wide and by ward (priority 7)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from cohesion import accessibility as a11y
from cohesion import config, query, style, ui
from cohesion.status.view import md_escape as md
from cohesion.trends import charts, spc, tension

ui.through_entry_point()

BADGE_COLOURS = {tension.SIGNAL_HIGH: "violet", tension.SIGNAL_LOW: "violet", tension.NO_SIGNAL: "blue"}

st.title("Early warning: community tension indicators")
st.caption("Priority 7: spot and respond to community tensions early. Monthly police.uk street-level crime for "
           "the city and its wards, on NHS Making Data Count control charts. police.uk has no hate-crime "
           "category: these are broad crime types, not hate crime.")

catalogue = ui.require_catalogue()
# The control chart needs the small months for its limits; every count it shows goes through
# spc.show_count ("fewer than 10"), as on Trends. Secondary suppression still applies.
observations = query.publishable(ui.raw_observations(), catalogue, hide_small=False)
threshold = catalogue.meeting.small_count_threshold
indicators = tension.tension_indicators(catalogue)
if not indicators:
    st.info("No indicator in the catalogue uses the `control_chart` status rule, so there is nothing to chart.")
    st.stop()


@st.cache_data(max_entries=16, show_spinner=False)
def _ward_table(version: str | None, indicator_id: str, _rows: pd.DataFrame) -> pd.DataFrame:
    # Keyed on the store version: charting every ward is the slow part of this page.
    return tension.ward_table(catalogue, _rows, catalogue.indicator(indicator_id))


@st.cache_resource(max_entries=2, show_spinner=False)
def _wards(folder: str, key: tuple):
    from cohesion.geo import boundaries

    return boundaries.load_geo(Path(folder)).wards


by_id = {i.id: i for i in indicators}
chosen = st.segmented_control("Crime type", list(by_id), default=indicators[0].id, key="ew_indicator",
                              format_func=lambda i: tension.crime_type(by_id[i])) or indicators[0].id
indicator = by_id[chosen]
rows = observations[observations["indicator_id"] == indicator.id]
source = catalogue.source(indicator.source)
if rows.empty:
    path = (source.path or "").replace("`", "'")
    st.info(f"No monthly figures are loaded for {md(indicator.title)} yet. Put the force's police.uk street files "
            f"(one folder per month) at `{path}`, or run `python -m cohesion police fetch --month YYYY-MM`, then "
            "`python -m cohesion refresh`.")
    st.stop()

version = ui.store_version()
wards = _ward_table(version, indicator.id, rows)
areas = {catalogue.place.code: f"{catalogue.place.name} (whole city)"}
areas.update(dict(zip(wards["ward_code"], wards["ward_name"], strict=True)))
area = st.selectbox("Area", list(areas), format_func=lambda c: areas[c], key="ew_area")
name = catalogue.place.name if area == catalogue.place.code else areas[area]

result = tension.chart(tension.area_series(rows, area), seasonal=getattr(indicator.status, "seasonal", True),
                       threshold=threshold)
reading = tension.latest_reading(result, tension.crime_type(indicator), name, threshold)
shown_status = reading.status if reading.status != tension.NOT_JUDGED else "Grey"
badge = style.style_for(shown_status)
st.badge(f"{badge.symbol} {badge.label if shown_status != 'Grey' else 'Not judged'}",
         color=BADGE_COLOURS.get(shown_status, "gray"))
st.markdown(md(reading.sentence))
st.altair_chart(a11y.described(charts.control_chart(result, threshold=threshold,
                                     title=f"{tension.crime_type(indicator)} in {name}: per month, with the expected range"),
                               spc.summary_sentence(result, name)), width="stretch")
st.caption(md(spc.summary_sentence(result, name)))
baseline = (f"{len(result.baseline_periods)} months from {spc.period_label(result.baseline_periods[0])}"
            if result.baseline_periods else "none")
st.caption(md(f"Baseline: {baseline}{', each calendar month against its own average' if result.seasonal else ''}. "
              f"Limits are exact Poisson 99.73% limits. Counts below {threshold} are hidden "
              "(police disclosure practice). A month with no file is a gap, not a zero."))

month = wards["month"].max() if len(wards) else ""
label = spc.period_label(month) if month else "the latest month"
st.header(f"Wards with a signal in {label}")
signalling = wards[wards["status"].isin([tension.SIGNAL_HIGH, tension.SIGNAL_LOW])]
if wards.empty:
    st.info("There are no ward figures: the LSOA-to-ward lookup is not in the geo folder, so only the city-wide "
            "series is counted. Add it with `python -m cohesion geo import --from FOLDER`, then refresh.")
elif signalling.empty:
    st.markdown(md(f"No ward shows a signal for {tension.crime_type(indicator)} in {label}."))
else:
    for row in signalling.itertuples():
        st.markdown(f"- **{md(row.status)}:** {md(row.sentence)}")
judged = int((wards["status"] != tension.NOT_JUDGED).sum())
if len(wards):
    st.caption(f"{judged} of {len(wards)} wards judged" + (
        "." if judged == len(wards) else f"; the others average fewer than {spc.MIN_BASELINE_MEAN:g} a month, where "
        "chance alone looks like change, so no signal is raised for them."))
    st.dataframe(tension.ward_display(wards), hide_index=True, width="stretch",
                 column_config={"Expected from": st.column_config.NumberColumn(format="%.0f"),
                                "Expected to": st.column_config.NumberColumn(format="%.0f")})

    st.subheader("Map")
    folder = str(config.geo_dir())
    from cohesion.geo import boundaries
    from cohesion.spaces import maps

    polygons = _wards(folder, boundaries.cache_key(Path(folder)))
    if polygons is None:
        st.info("No ward boundaries are in the geo folder, so the map is not drawn; the table above lists every "
                "ward. Add them with `python -m cohesion geo fetch` or `geo import --from FOLDER`.")
    else:
        _key, basemap, note = maps.basemap_choice()
        st.pydeck_chart(tension.ward_map(wards, polygons, basemap), height=520)
        st.caption("Dark purple: signal, higher than expected; light purple: signal, lower than expected; pale grey: "
                   "no signal; clear: not judged (small numbers). The tooltip and the table say the same in words. "
                   + (md(note) if note else "") + " " + md(boundaries.ATTRIBUTIONS["wards.parquet"]))

st.header("About these figures")
st.markdown(md(indicator.definition))
for caveat in indicator.caveats:
    st.markdown(f"- {md(caveat)}")
st.caption(md(f"Source: {source.publisher}, {source.title}. {source.attribution} Polarity: "
              f"{indicator.polarity_reason}"))
with st.expander("How to read the early-warning chart"):
    st.markdown(
        "Each month is compared with the expected range from the baseline. A signal is raised by any of the NHS "
        "*Making Data Count* rules: a month outside the expected range; seven months in a row above (or below) "
        "the average; seven months in a row rising (or falling); two of three months in a row beyond the "
        "two-sigma line, all three on the same side of the average. No signal is raised where the baseline "
        f"averages fewer than {spc.MIN_BASELINE_MEAN:g} a month. With two years loaded, each calendar month is "
        "compared with its own average, so a usual summer rise is not flagged. A signal is a prompt to ask "
        "partners what is happening, not a verdict: more reports can mean more confidence to report."
    )

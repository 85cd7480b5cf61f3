"""Compare with peers: where the council sits among all English authorities for each nationally
published measure, against a peer group it chooses.

Thin page: widgets, then `cohesion.national.compare`, then drawing. Cached per store version,
catalogue, measure and peer group, so a warm rerun does no work.
"""

from __future__ import annotations

import streamlit as st

from cohesion import accessibility as a11y
from cohesion import config, ui
from cohesion.national import compare, places
from cohesion.trends.downloads import to_csv_bytes

ui.through_entry_point()

MD_SPECIALS = "\\`*_{}[]<>()#+-.!|$~:"


def md(text: object) -> str:
    """Data or catalogue text made inert for st.markdown (no formatting, links or HTML)."""
    return "".join("\\" + ch if ch in MD_SPECIALS else ch for ch in str(text))


catalogue = ui.require_catalogue()
place = catalogue.place
st.title("Compare with peers")
st.caption(f"Where {place.name} sits among all English authorities with a published figure, for each measure "
           "published nationally. Dots are authorities, ordered by value; bars are 95% confidence intervals.")

try:
    info = places.find_place(place.code)
except (places.PlaceNotFound, FileNotFoundError) as exc:
    st.warning(f"The national lookups do not know {place.code}, so there is no peer comparison: {exc}")
    st.stop()

observations = ui.observations()
version = ui.store_version()
catalogue_key = ui.file_key(config.CATALOGUE_PATH)


@st.cache_resource(max_entries=4, show_spinner=False)
def _choices(version: str | None, key: tuple) -> list[tuple[str, str]]:
    return [(i.id, i.title) for i in compare.comparable_indicators(catalogue, observations)]


@st.cache_resource(max_entries=64, show_spinner=False)
def _comparison(version: str | None, key: tuple, indicator_id: str, group: str) -> tuple:
    result = compare.compare(catalogue, observations, indicator_id, group)
    table = compare.download_table(result, catalogue)
    # The spec is built and validated once here; a rerun only sends the cached dict.
    spec = ui.ready_spec(a11y.described_spec(compare.chart(result, place.name).to_dict(), result.sentence))
    return result, spec, ui.ready_table(compare.screen_table(table, result.indicator.unit)), to_csv_bytes(table)


@st.cache_resource(max_entries=4, show_spinner=False)
def _context(code: str, name: str) -> str | None:
    return compare.deprivation_context(code, name)


choices = _choices(version, catalogue_key)
if not choices:
    st.info("No nationally published measure is loaded yet. Run `python -m cohesion refresh`.")
    st.stop()
titles = dict(choices)
groups = dict(places.PEER_GROUPS)
if not info.neighbours:
    groups.pop("neighbours")
if info.london:
    groups.pop("single_tier_excl_london")

left, right = st.columns([3, 2])
requested = st.query_params.get("indicator")
indicator_id = left.selectbox("Measure", list(titles), format_func=titles.get,
                              index=list(titles).index(requested) if requested in titles else 0, key="compare_indicator")
group = right.radio("Peer group", list(groups), format_func=groups.get, horizontal=True,
                     key="compare_group")
if st.query_params.get("indicator") != indicator_id:
    st.query_params["indicator"] = indicator_id

result, chart, table, csv = _comparison(version, catalogue_key, indicator_id, group)
st.markdown(f"**{md(result.sentence)}**")
if not info.single_tier and result.place_value is None:
    st.info(f"{place.name} is a {info.type_name.lower() or 'district'}: this measure is published for single-tier "
            "authorities only, so it is shown for context.")
chart_col, table_col = st.columns([3, 2])
with chart_col:
    st.vega_lite_chart(spec=chart, width="stretch")
    st.caption(md(f"Source: {catalogue.source(result.indicator.source).publisher}, "
                  f"{catalogue.source(result.indicator.source).title}; period {result.period}. "
                  f"{catalogue.source(result.indicator.source).attribution}"))
with table_col:
    number = "%.1f" if result.indicator.unit == "%" else "%.2f"
    st.dataframe(table, hide_index=True, height=380, width="stretch", column_config={
        col: st.column_config.NumberColumn(col, format=number) for col in table.column_names[2:5]})
    st.download_button("Download this table (CSV)", csv, file_name=f"compare-{indicator_id}-{group}.csv",
                       mime="text/csv", icon=":material/download:")
context = _context(place.code, place.name)
if context:
    st.caption(md(context))

"""Plain app for the load benchmark: the dashboard's pages written the way Streamlit's tutorials do.

The catalogue through `yaml.safe_load` and the store's tidy table through `st.cache_data`
(unpickled on every rerun), then filtering and drawing inline. No status engine, no
disclosure control, no escaping: it shows what a straightforward app costs on the same data,
so the project should not be slower. Not part of the dashboard; never shown to users.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import pydeck as pdk
import streamlit as st
import yaml

from cohesion import config, query


@st.cache_data
def load_catalogue() -> dict:
    with open(config.CATALOGUE_PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@st.cache_data
def load_observations() -> pd.DataFrame:
    return query.load()


catalogue = load_catalogue()
obs = load_observations()
place = catalogue["place"]["code"]
indicators = {i["id"]: i for i in catalogue["indicators"]}
headline = obs[(obs["area_code"] == place) & (obs["breakdown"] == "")]


def series(indicator_id: str) -> pd.DataFrame:
    return headline[headline["indicator_id"] == indicator_id].sort_values("period_end")


def line(rows: pd.DataFrame, height: int = 160) -> alt.Chart:
    base = alt.Chart(rows[["period", "value", "lower_ci", "upper_ci"]]).encode(x="period:O")
    return (base.mark_area(opacity=0.2).encode(y="lower_ci:Q", y2="upper_ci:Q")
            + base.mark_line(point=True).encode(y="value:Q")).properties(height=height)


def headlines() -> None:
    st.title(f"{catalogue['place']['name']}: headline indicators")
    columns = st.columns(3)
    for i, ind in enumerate(i for i in catalogue["indicators"] if i.get("headline")):
        rows = series(ind["id"])
        with columns[i % 3], st.container(border=True):
            st.markdown(f"#### {ind['title']}")
            if rows["value"].notna().any():
                latest = rows.dropna(subset=["value"]).iloc[-1]
                st.metric(f"Latest ({latest['period']})", f"{latest['value']:.1f}{ind['unit']}")
                st.altair_chart(line(rows, 90), width="stretch")
            else:
                st.markdown("No figures yet.")
            st.caption(f"Source: {ind['source']}")


def priorities() -> None:
    st.title("Strategy priorities")
    latest = headline.dropna(subset=["value"]).sort_values("period_end").groupby("indicator_id").tail(1)
    for p in catalogue["priorities"]:
        mine = [i for i in catalogue["indicators"] if p["id"] in i.get("priorities", [])]
        with st.container(border=True):
            st.markdown(f"**{p['number']}. {p['title']}**")
            st.markdown(f"{latest['indicator_id'].isin([i['id'] for i in mine]).sum()} of {len(mine)} indicators have figures")
    choice = st.selectbox("Open a priority", [p["title"] for p in catalogue["priorities"]])
    picked = next(p for p in catalogue["priorities"] if p["title"] == choice)
    for ind in (i for i in catalogue["indicators"] if picked["id"] in i.get("priorities", [])):
        with st.container(border=True):
            st.markdown(f"**{ind['title']}**")
            st.caption(ind["definition"])
    grid = pd.DataFrame([{"priority": p["title"], **{d["id"]: sum(1 for i in catalogue["indicators"]
                                                                    if p["id"] in i.get("priorities", [])
                                                                    and i["dimension"] == d["id"])
                                                       for d in catalogue["dimensions"]}} for p in catalogue["priorities"]])
    st.dataframe(grid, hide_index=True, width="stretch")


def trends() -> None:
    st.title("Trends")
    ids = list(indicators)
    choice = st.selectbox("Indicator", ids, format_func=lambda i: indicators[i]["title"])
    ind = indicators[choice]
    st.header(ind["title"])
    st.markdown(ind["definition"])
    rows = obs[(obs["indicator_id"] == choice) & (obs["breakdown"] == "")].sort_values("period_end")
    areas = st.multiselect("Also show", sorted(set(rows["area_name"]) - {catalogue["place"]["name"]}))
    shown = rows[(rows["area_code"] == place) | rows["area_name"].isin(areas)]
    st.altair_chart(alt.Chart(shown).mark_line(point=True).encode(x="period:O", y="value:Q", color="area_name:N"),
                    width="stretch")
    table_tab, download_tab = st.tabs(["Table", "Download"])
    with table_tab:
        st.dataframe(shown, hide_index=True, width="stretch")
    with download_tab:
        st.download_button("Download CSV", shown.to_csv(index=False), file_name=f"{choice}.csv")
    parts = obs[(obs["indicator_id"] == choice) & (obs["breakdown"] != "") & (obs["area_code"] == place)]
    if not parts.empty:
        st.subheader("Breakdowns")
        st.altair_chart(alt.Chart(parts).mark_bar().encode(x="value:Q", y="breakdown:N"), width="stretch")


def compare() -> None:
    st.title("Compare with peers")
    national = obs[(obs["area_type"] == "local_authority") & (obs["breakdown"] == "")]
    measures = sorted(set(national["indicator_id"]))
    if not measures:
        st.info("No national figures loaded.")
        return
    choice = st.selectbox("Measure", measures, format_func=lambda i: indicators.get(i, {}).get("title", i))
    rows = national[national["indicator_id"] == choice]
    latest = rows[rows["period_end"] == rows["period_end"].max()].sort_values("value")
    st.altair_chart(alt.Chart(latest).mark_point().encode(x="value:Q", y=alt.Y("area_name:N", sort="x")),
                    width="stretch")
    st.dataframe(latest[["area_name", "value", "period"]], hide_index=True, width="stretch")
    st.download_button("Download this table (CSV)", latest.to_csv(index=False), file_name=f"compare-{choice}.csv")


def spaces() -> None:
    st.title("Community spaces")
    register = config.data_dir() / "community_spaces" / "register.csv"
    table = pd.read_csv(register) if register.exists() else pd.DataFrame()
    st.metric("Spaces in the register", len(table))
    points = table.rename(columns=str.lower)
    if {"lat", "lon"} <= set(points.columns):
        points = points.dropna(subset=["lat", "lon"])
        layer = pdk.Layer("ScatterplotLayer", points[["lat", "lon"]], get_position="[lon, lat]", get_radius=80)
        st.pydeck_chart(pdk.Deck(layers=[layer], map_style=None,
                                 initial_view_state=pdk.ViewState(latitude=53.0, longitude=-2.18, zoom=11)), height=620)
    st.dataframe(table, hide_index=True, width="stretch")


def meeting() -> None:
    titles = [p["title"] for p in catalogue["priorities"]]
    choice = st.selectbox("Priority", titles)
    picked = catalogue["priorities"][titles.index(choice)]
    st.title(f"Priority {picked['number']}: {picked['title']}")
    mine = [i for i in catalogue["indicators"] if picked["id"] in i.get("priorities", [])]
    left, right = st.columns(2)
    with left:
        for ind in mine:
            rows = series(ind["id"]).dropna(subset=["value"])
            st.markdown(f"**{ind['title']}**: " + (f"{rows['value'].iloc[-1]:.1f}" if len(rows) else "no figures"))
    with right:
        if mine:
            st.altair_chart(line(series(mine[0]["id"])), width="stretch")
    with st.form("actions"):
        st.text_area("Decision or action")
        st.form_submit_button("Save")


def data() -> None:
    st.title("Data & sources")
    st.dataframe(pd.DataFrame(catalogue["sources"])[["id", "publisher", "title", "licence"]], hide_index=True,
                 width="stretch")
    st.dataframe(pd.DataFrame(catalogue["indicators"])[["id", "title", "source", "unit"]], hide_index=True,
                 width="stretch")
    st.download_button("Download every figure (CSV)", obs.to_csv(index=False), file_name="figures.csv")
    st.caption(f"{len(obs):,} rows.")


st.set_page_config(page_title="Plain app", layout="wide")
st.navigation([st.Page(fn, title=fn.__name__.title(), url_path=fn.__name__, default=fn is headlines)
               for fn in (headlines, priorities, trends, compare, spaces, meeting, data)]).run()

"""Floor app for the load benchmark: the dashboard's Streamlit elements on tiny static data.

Each page draws about the elements its namesake in pages/ draws on the shipped data with no
geography imported (`python -m cohesion bench --load` prints both counts per page, to keep them
in step), with a handful of made-up rows and no project code, so its server CPU per visit is
what Streamlit itself costs for such a page. The project's figure over this one is the overhead
of the project's own work. The numbers here are placeholders for timing, not data.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

SERIES = pd.DataFrame({"period": [f"20{y}" for y in range(15, 25)], "value": [50.0 + (i % 4) for i in range(10)],
                       "lower": [47.0 + (i % 4) for i in range(10)], "upper": [53.0 + (i % 4) for i in range(10)]})
TABLE = pd.DataFrame({"name": [f"item {i}" for i in range(12)], "value": [float(i) for i in range(12)],
                      "note": ["placeholder"] * 12})


def _line(height: int = 160) -> alt.Chart:
    base = alt.Chart(SERIES).encode(x="period:O")
    return (base.mark_area(opacity=0.2).encode(y="lower:Q", y2="upper:Q") + base.mark_line(point=True).encode(y="value:Q")
            ).properties(height=height)


def headlines() -> None:
    st.title("Place: headline indicators")
    st.markdown("Statuses compare the latest figure with the rule in the catalogue.")
    st.markdown("Key: **Green** / **Amber** / **Red**")
    for _ in range(3):
        st.warning("Placeholder notice.")
    columns = st.columns(3, gap="medium")
    for i in range(6):
        with columns[i % 3], st.container(border=True, key=f"tile_{i}"):
            st.markdown(f"#### Indicator {i}")
            st.markdown("<span>● Green</span>", unsafe_allow_html=True)
            st.metric("Latest (2024)", "52.0%", delta="+1.0 points", delta_color="off")
            if i == 0:  # on the shipped data one headline has a series to chart
                st.altair_chart(_line(90), width="stretch")
            else:
                st.markdown("No figures loaded yet.")
                st.markdown("Placeholder reason.")
            st.markdown("Placeholder sentence about the trend.")
            st.caption("Source: placeholder. Data as of 2024. Next release: 2025.")
    st.subheader("Board pack")
    st.button("Prepare board pack (PDF)")
    st.caption("Statuses as on today.")


def priorities() -> None:
    st.title("Strategy priorities")
    with st.expander("How a priority's status is worked out"):
        st.markdown("Placeholder rule text.")
    st.segmented_control("Dimension", ["All", "Trust", "Fairness"], default="All")
    st.subheader("The 10 priorities")
    for i in range(10):
        with st.container(border=True, key=f"priority_{i}"):
            left, middle, right = st.columns([5, 6, 1.2], vertical_alignment="center")
            left.markdown(f"**{i + 1}. Priority {i}**")
            middle.markdown("<span>● Amber</span> 3 of 4 indicators", unsafe_allow_html=True)
            right.button("Open", key=f"open_{i}")
    st.divider()
    st.selectbox("Open a priority", [f"Priority {i}" for i in range(10)])
    st.header("Priority 1")
    st.markdown("Placeholder summary.")
    for i in range(5):
        with st.container(border=True, key=f"indicator_{i}"):
            st.markdown(f"**Indicator {i}**")
            st.markdown("<span>● Green</span>", unsafe_allow_html=True)
            st.markdown("Placeholder sentence.")
            st.caption("Rule: placeholder.")
    st.divider()
    st.subheader("Priorities by cohesion dimension")
    # The project draws its priority x dimension grid as an HTML table (built once per status bundle).
    cells = "".join(f"<td>{w}</td>" for w in ("Green", "Amber", "Red", "No data"))
    st.html("<table><thead><tr><th>Priority</th><th>Trust</th><th>Fairness</th><th>Safety</th><th>Agency</th></tr>"
            f"</thead><tbody>{''.join(f'<tr><th>{i}</th>{cells}</tr>' for i in range(10))}</tbody></table>")


def trends() -> None:
    st.title("Trends")
    st.caption("Each indicator over time.")
    left, _right = st.columns([1, 2])
    with left:
        st.selectbox("Indicator", [f"Indicator {i}" for i in range(20)])
    st.header("Indicator 0")
    st.markdown("Placeholder definition.")
    st.badge("● Green", color="green")
    st.markdown("Placeholder status sentence.")
    st.multiselect("Also show", ["England", "Region"])
    st.altair_chart(_line(), width="stretch")
    st.markdown("**Takeaway:** placeholder.")
    st.caption("Recent trend: placeholder.")
    table_tab, download_tab = st.tabs(["Table", "Download"])
    with table_tab:
        st.dataframe(SERIES, hide_index=True, width="stretch")
    with download_tab:
        st.download_button("Download CSV", SERIES.to_csv(index=False), file_name="series.csv", mime="text/csv")
    st.subheader("Breakdowns")
    st.selectbox("Break down by", ["age", "sex"])
    st.altair_chart(alt.Chart(TABLE).mark_bar().encode(x="value:Q", y="name:N"), width="stretch")
    st.markdown("**Takeaway:** placeholder.")
    st.markdown("Placeholder caveat.")


def compare() -> None:
    st.title("Compare with peers")
    st.caption("Placeholder caption.")
    left, right = st.columns([3, 2])
    left.selectbox("Measure", [f"Measure {i}" for i in range(8)])
    right.radio("Peer group", ["All", "Single-tier"], horizontal=True)
    st.markdown("**Placeholder sentence.**")
    chart_col, table_col = st.columns([3, 2])
    with chart_col:
        st.altair_chart(alt.Chart(TABLE).mark_point().encode(x="value:Q", y="name:N"), width="stretch")
        st.caption("Source: placeholder.")
    with table_col:
        st.dataframe(TABLE, hide_index=True, height=380, width="stretch")
        st.download_button("Download this table (CSV)", TABLE.to_csv(index=False), file_name="compare.csv")
    st.caption("Placeholder context.")


def spaces() -> None:
    st.title("Community spaces")
    st.caption("Placeholder caption.")
    for _ in range(3):
        st.warning("Some geography is not loaded (placeholder).")
    with st.sidebar:
        st.subheader("What if…")
        st.multiselect("Close these spaces", ["a", "b"])
        st.text_input("Open a new space: name")
        st.text_input("…at postcode")
    for column in st.columns(4):
        column.metric("Spaces", "12")
    st.subheader("Map")
    # No map: without imported geography the project's page draws none either.
    st.checkbox("Show closed libraries as lost spaces")
    st.multiselect("Layers", ["libraries", "GP practices"])
    st.markdown("Placeholder.")
    st.markdown("Placeholder.")
    st.markdown("Placeholder.")
    st.dataframe(TABLE.head(4), hide_index=True, width="stretch")
    st.subheader("Spaces near a postcode")
    s1, s2 = st.columns([2, 1])
    s1.text_input("Postcode")
    s2.selectbox("Within", [500, 1000])
    st.subheader("By postcode district")
    st.dataframe(TABLE, hide_index=True, width="stretch")
    with st.expander("Data problems and sources"):
        st.dataframe(TABLE.head(3), hide_index=True, width="stretch")
        st.caption("Placeholder credit.")


def meeting() -> None:
    st.html("<style>.placeholder{}</style>")
    st.title("Priority 1: placeholder")
    prev_col, pick_col, next_col = st.columns([1, 3, 1], vertical_alignment="bottom")
    prev_col.button("Previous")
    pick_col.selectbox("Priority", [f"Priority {i}" for i in range(10)])
    next_col.button("Next")
    st.subheader("Changed since the last meeting")
    st.info("Placeholder.")
    st.markdown("Placeholder.")
    st.markdown("Placeholder.")
    st.html("<div><b>Priority 1</b> of 10</div>")
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.subheader("Indicators")
        for i in range(2):
            st.html(f"<div class='card'><b>Indicator {i}</b> 52.0% ● Green</div>")
    with right:
        st.subheader("Key chart")
        st.selectbox("Indicator to chart", [f"Indicator {i}" for i in range(5)])
        st.info("No published figures yet, so there is nothing to chart.")  # as the project on shipped data
    st.subheader("Decisions and actions")
    st.text("None recorded for this priority yet.")
    with st.form("action_form", clear_on_submit=True):
        st.radio("Kind", ["decision", "action"], horizontal=True)
        st.text_area("What was decided")
        c1, c2, c3 = st.columns(3)
        c1.text_input("Owner")
        c2.date_input("Due", value=None)
        c3.text_input("Indicator")
        st.form_submit_button("Save to the action log")
    # A chair's form (local use without sign-in is the chair), as the project draws it.
    with st.expander("Set a Delivery Group status for an indicator (chairs)"), st.form("manual_status_form"):
        st.selectbox("Indicator", [f"Indicator {i}" for i in range(5)])
        st.radio("Status", ["Green", "Amber", "Red", "Grey"], horizontal=True)
        st.text_area("Commentary")
        st.text_input("Set by (person or role)")
        st.form_submit_button("Save the status")
    st.divider()
    st.subheader("Mark meeting as held")
    held_col, button_col = st.columns([1, 2], vertical_alignment="bottom")
    held_col.date_input("Held on", value=None)
    button_col.button("Mark as held")


def data() -> None:
    st.title("Data & sources")
    st.caption("Placeholder caption.")
    st.markdown("**Data store version** `placeholder`")
    with st.expander("9 sources have nothing loaded yet (not an error)"):
        for i in range(9):
            st.markdown(f"- placeholder {i}")
    st.header("Sources")
    st.dataframe(TABLE, hide_index=True, width="stretch")
    st.header("Indicators in the catalogue")
    st.dataframe(TABLE, hide_index=True, width="stretch")
    st.header("Figures typed in from publications")
    st.dataframe(TABLE, hide_index=True, width="stretch")
    st.header("Download")
    st.download_button("Download every figure (CSV)", TABLE.to_csv(index=False), file_name="figures.csv")
    st.caption("12 rows.")


st.set_page_config(page_title="Floor app", layout="wide")
st.navigation([st.Page(fn, title=fn.__name__.title(), url_path=fn.__name__, default=fn is headlines)
               for fn in (headlines, priorities, trends, compare, spaces, meeting, data)]).run()

"""Priorities: the One Stoke Delivery Group's page. The 10 priorities with status, coverage and reason.

Open a priority to see each indicator's status sentence and commentary. The selected priority
and dimension live in the address (?priority=<id>&dimension=<id>) so a link can go in a
meeting invite. Thin page: logic in cohesion.status; text in cohesion.status.view.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from cohesion import present, query, ui
from cohesion.status import ROLL_UP_RULE_TEXT, view
from cohesion.status.rollup import combine

ui.through_entry_point()

ALL = "all"


def _sync_address(key: str, param: str) -> None:
    # Keep the choice in the address so the page can be shared as a link.
    value = st.session_state.get(key)
    if value and value != ALL:
        st.query_params[param] = value
    elif param in st.query_params:
        del st.query_params[param]


def _open(priority_id: str) -> None:
    st.session_state["open_priority"] = priority_id
    st.query_params["priority"] = priority_id


catalogue = ui.require_catalogue()
today = date.today()
bundle = ui.statuses(catalogue, today)
ordered = sorted(catalogue.priorities, key=lambda p: p.number)
priority_ids = [p.id for p in ordered]
dimension_ids = [ALL] + [d.id for d in catalogue.dimensions]

# Seed the widgets from the address on first load (a shared link); afterwards the widgets lead.
if "open_priority" not in st.session_state:
    wanted = st.query_params.get("priority")
    st.session_state["open_priority"] = wanted if wanted in priority_ids else priority_ids[0]
if "dimension_filter" not in st.session_state:
    wanted = st.query_params.get("dimension")
    st.session_state["dimension_filter"] = wanted if wanted in dimension_ids else ALL

st.title("Strategy priorities")
for problem in bundle.problems:
    st.warning(view.md_escape(problem))
with st.expander("How a priority's status is worked out"):
    st.markdown(view.md_escape(ROLL_UP_RULE_TEXT))

dimension = st.segmented_control(
    "Show indicators in dimension", dimension_ids, key="dimension_filter", required=True,
    format_func=lambda d: "All dimensions" if d == ALL else view.md_escape(catalogue.dimension(d).title),
    on_change=_sync_address, args=("dimension_filter", "dimension"),
)
in_dimension = [i for i in catalogue.indicators if dimension in (ALL, i.dimension)]

st.header("The 10 priorities" if dimension == ALL else
           view.md_escape(f"The priorities, for {catalogue.dimension(dimension).title.lower()}"))
for p in ordered:
    ids = [i.id for i in in_dimension if p.id in i.priorities]
    result = bundle.priorities[p.id] if dimension == ALL else combine(p.id, ids, bundle.results)
    with st.container(border=True, key=f"priority_{p.id}"):
        left, middle, right = st.columns([5, 6, 1.8], vertical_alignment="center")  # room for "Open 10"
        left.markdown(f"**{p.number}. {view.md_escape(p.title)}**")
        if not ids and dimension != ALL:
            # Nothing to assess in this dimension: say so plainly rather than show a Grey status.
            left.markdown("No indicators in this dimension")
            right.button(f"Open {p.number}", key=f"open_{p.id}", on_click=_open, args=(p.id,), width="stretch")
            continue
        left.markdown(view.status_html(result.status, result.coverage_text), unsafe_allow_html=True)
        middle.markdown(view.md_escape(result.sentence))
        if result.any_red:
            middle.markdown(view.status_html("Red", "flag: at least one indicator is Red"), unsafe_allow_html=True)
        right.button(f"Open {p.number}", key=f"open_{p.id}", on_click=_open, args=(p.id,), width="stretch")

st.divider()
st.selectbox("Open a priority", priority_ids, key="open_priority",
             format_func=lambda pid: f"{catalogue.priority(pid).number}. {catalogue.priority(pid).title}",
             on_change=_sync_address, args=("open_priority", "priority"))
selected = catalogue.priority(st.session_state["open_priority"])
detail = bundle.priorities[selected.id]
st.header(f"Priority {selected.number}: {view.md_escape(selected.title)}", anchor="priority-detail")
st.markdown(view.md_escape(selected.summary))
st.markdown(view.status_html(detail.status, detail.coverage_text, large=True), unsafe_allow_html=True)
st.markdown(view.md_escape(detail.sentence) + ("" if dimension == ALL else " *(whole priority, all dimensions)*"))
shown = [i for i in catalogue.indicators_for_priority(selected.id) if i in in_dimension]
if not shown:
    st.info("No indicators of this priority are in the chosen dimension.")
for ind in shown:
    r = bundle.results[ind.id]
    with st.container(border=True, key=f"indicator_{ind.id}"):
        st.markdown(f"**{view.md_escape(ind.title)}**")
        st.markdown(view.status_html(r.status, view.pill_detail(r)), unsafe_allow_html=True)
        st.markdown(view.md_escape(r.sentence))
        latest = query.latest(catalogue, ui.observations(), ind.id, with_value=True)
        st.caption(view.md_escape(f"Rule: {r.rule}. Dimension: {catalogue.dimension(ind.dimension).title}. "
                                  f"Source: {present.source_line(catalogue, latest, ind)}."))
        if r.commentary:
            who = ", ".join(x for x in (r.owner, r.assessed_on) if x)
            st.markdown(f"*Delivery Group commentary ({view.md_escape(who)}):* {view.md_escape(r.commentary)}")

st.divider()
st.header("Priorities by cohesion dimension")
st.caption(view.md_escape(
    "Each cell: status, and how many of its indicators are assessed. Blank: no indicators in that cell. Columns: "
    + "; ".join(f"{d.id.replace('_', ' ').capitalize()} = {d.title}" for d in catalogue.dimensions) + "."))
grid = view.grid_table(bundle.grid)
st.dataframe(grid.style.map(view.grid_cell_css), width="stretch",
             height=38 + 35 * len(grid))

"""Priorities: the One Stoke Delivery Group's page. The 10 priorities with status, coverage and reason.

Each priority opens in place (an expander named after it) to show its indicators' statuses,
sentences and commentary. The open priority and the dimension live in the address
(?priority=<id>&dimension=<id>) so a link can go in a meeting invite. Thin page: the roll-up
and its minimum coverage are in cohesion.status.rollup; text in cohesion.status.view.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from cohesion import memo, present, query, ui
from cohesion.status import view
from cohesion.status.rollup import combine, rule_share, rule_text

ui.through_entry_point()

ALL = "all"


def _sync_address(key: str, param: str) -> None:
    # Keep the choice in the address so the page can be shared as a link.
    value = st.session_state.get(key)
    if value and value != ALL:
        st.query_params[param] = value
    elif param in st.query_params:
        del st.query_params[param]


def _toggled(priority_id: str) -> None:
    # The open priority goes in the address, so the link opens it; closing it takes it out.
    if st.session_state.get(f"detail_{priority_id}"):
        st.query_params["priority"] = priority_id
    elif st.query_params.get("priority") == priority_id:
        del st.query_params["priority"]


def _draw_detail(priority_id: str, in_dimension: list) -> None:
    """The indicators behind one priority, inside its expander (so it opens where it was clicked)."""
    shown = [i for i in catalogue.indicators_for_priority(priority_id) if i in in_dimension]
    if not shown:
        st.info("No indicators of this priority are in the chosen dimension.")
    for ind in shown:
        r = bundle.results[ind.id]
        with st.container(border=True, key=f"indicator_{priority_id}_{ind.id}"):
            st.markdown(f"**{view.md_escape(ind.title)}**")
            st.markdown(view.status_html(r.status, view.pill_detail(r)), unsafe_allow_html=True)
            st.markdown(view.md_escape(r.sentence))
            latest = query.latest(catalogue, ui.observations(), ind.id, with_value=True)
            st.caption(view.md_escape(f"Dimension: {catalogue.dimension(ind.dimension).title}. "
                                      f"Source: {present.source_line(catalogue, latest, ind)}."))
            if r.commentary:
                who = ", ".join(x for x in (r.owner, r.assessed_on) if x)
                st.markdown(f"*Delivery Group commentary ({view.md_escape(who)}):* {view.md_escape(r.commentary)}")


catalogue = ui.require_catalogue()
today = date.today()
bundle = ui.statuses(catalogue, today)
ordered = sorted(catalogue.priorities, key=lambda p: p.number)
priority_ids = [p.id for p in ordered]
dimension_ids = [ALL] + [d.id for d in catalogue.dimensions]
min_coverage = catalogue.rollup.min_coverage

# Seed the widgets from the address on first load (a shared link); afterwards the widgets lead.
if "dimension_filter" not in st.session_state:
    wanted = st.query_params.get("dimension")
    st.session_state["dimension_filter"] = wanted if wanted in dimension_ids else ALL
linked = st.query_params.get("priority")
if linked in priority_ids and f"detail_{linked}" not in st.session_state:
    st.session_state[f"detail_{linked}"] = True

st.title("Strategy priorities")
for problem in bundle.problems:
    st.warning(view.md_escape(problem))
st.markdown(view.md_escape(
    "Each priority's status comes from its indicators. Open a priority to see them, in place. A priority needs "
    f"at least {rule_share(min_coverage)} of its indicators assessed for a status; with fewer it reads "
    "\"Not enough evidence\"."))
with st.expander("How a priority's status is worked out"):
    st.markdown(view.md_escape(rule_text(min_coverage)))

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
    result = bundle.priorities[p.id] if dimension == ALL else combine(p.id, ids, bundle.results,
                                                                      min_coverage=min_coverage)
    with st.container(border=True, key=f"priority_{p.id}"):
        left, right = st.columns([5, 7], vertical_alignment="center")
        left.markdown(f"**{p.number}. {view.md_escape(p.title)}**")
        if not ids and dimension != ALL:
            # Nothing to assess in this dimension: say so plainly rather than show a Grey status.
            left.markdown("No indicators in this dimension")
        else:
            left.markdown(view.status_html(result.status, result.coverage_text), unsafe_allow_html=True)
            right.markdown(view.md_escape(result.sentence) + ("" if dimension == ALL else
                                                              " *(this dimension only)*"))
        # One expander per priority, named after it: the detail opens right here, under its row.
        detail = st.expander(view.md_escape(f"Indicators of priority {p.number}: {p.title}"),
                             key=f"detail_{p.id}", on_change=_toggled, args=(p.id,))
        if detail.open:
            with detail:
                _draw_detail(p.id, in_dimension)

st.divider()
st.header("Priorities by cohesion dimension")
st.caption(view.md_escape(
    "Each cell: status, and how many of its indicators are assessed. Blank: no indicators in that cell. Columns: "
    + "; ".join(f"{d.id.replace('_', ' ').capitalize()} = {d.title}" for d in catalogue.dimensions) + "."))
# Built once per status bundle (the styled dataframe it replaced re-ran its styler on every visit).
st.html(memo.once(bundle, "grid_html", lambda: view.grid_html(view.grid_table(bundle.grid))))

"""Meeting mode: walk the agenda one priority per screen, in large type for a projector.

Order on screen: what changed since the last held meeting; the priority's status and reason;
its indicators' statuses; its key chart; decisions and actions (with a form to record one);
and the "Mark meeting as held" control. The agenda position lives in the `item` query
parameter, so a link opens on that priority. All logic is in `cohesion.meeting`.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from cohesion import auth, config, db, ui
from cohesion.meeting import actions as action_log
from cohesion.meeting import cached, controls, diff, present, snapshot
from cohesion.present import plain

ui.through_entry_point()


catalogue = ui.require_catalogue()
observations = ui.observations()  # disclosure control applied by the read layer
version = ui.store_version()
today = date.today()
# One question to the database per visit: what has been written (any instance). The reads below
# are keyed on it, so another instance's action or status shows on the next visit.
try:
    written = db.revision()
except db.DatabaseError:
    written = None  # each read below then reports the problem itself
# The one status service, shared (and cached) with Headlines, Priorities and Trends.
assessment = ui.statuses(catalogue, today, revision=written)
access = auth.page_access()  # who may record actions / mark the meeting held (cohesion/auth.py)

agenda = catalogue.agenda()
agenda_ids = [p.id for p in agenda]
index, problem = present.resolve_position(agenda_ids, st.query_params.get("item"))
if problem:
    st.warning(plain(problem))
if not agenda:
    st.stop()


def _go(new_index: int) -> None:
    st.query_params["item"] = agenda_ids[new_index]


priority = agenda[index]
st.title(plain(f"Priority {priority.number}: {priority.title}"))

# --- Navigation ---------------------------------------------------------------------------------
prev_col, pick_col, next_col = st.columns([1, 4, 1], vertical_alignment="bottom")
prev_col.button("◀ Previous", disabled=index == 0, width="stretch", on_click=_go, args=(max(index - 1, 0),))
next_col.button("Next ▶", disabled=index >= len(agenda) - 1, width="stretch", type="primary",
                on_click=_go, args=(min(index + 1, len(agenda) - 1),))
labels = [f"{n}. Priority {p.number}: {p.title}" for n, p in enumerate(agenda, start=1)]
# The agenda picker's name stays for screen readers; on screen the title above says where we are.
choice = pick_col.selectbox("Agenda item", labels, index=index, key=f"agenda_pick_{index}",
                            label_visibility="collapsed")
if labels.index(choice) != index:
    _go(labels.index(choice))
    st.rerun()

# --- Changed since the last meeting (first, in one line; the details open under it) -------------
snap_problems: list[str] = []
try:
    if written is None:
        before = snapshot.latest_snapshot(before=today, problems=snap_problems)
    else:
        before, found = snapshot.latest_snapshot_at(written, before=today)
        snap_problems += found
except db.DatabaseError as exc:
    before, snap_problems = None, [f"Earlier meetings could not be read: {exc}"]
for message in snap_problems:
    st.warning(plain(message))
held = st.session_state.get("meeting_held")
if held:
    st.success(plain(present.held_line(*held)), icon=":material/check_circle:")
    if st.session_state.pop("meeting_held_now", False):  # seen wherever the page is scrolled to
        st.toast(plain(present.held_line(*held)), icon=":material/check_circle:")
if before is None:
    if not held:
        st.info("No earlier meeting has been marked as held, so there is nothing to compare with yet. At the end "
                "of this meeting, press **Mark meeting as held** (bottom of the page).")
else:
    changes = cached.changes_since(catalogue, assessment, observations, before, today, version)
    mine = diff.changes_for(changes, catalogue, priority.id)
    summary = present.changes_line(diff.summary_counts(changes), len(mine), present.long_date(before.meeting_date))
    with st.expander(plain(summary), expanded=False):
        st.html(present.changes_html(mine))
        others = [c for c in changes if c not in mine]
        if others:
            st.markdown(plain(f"Under other priorities ({len(others)}):"))
            st.html(present.changes_html(others))

# --- The priority: status and reason, indicator rows, key chart (all above the fold) ------------
for notice in assessment.problems:
    st.caption(plain(notice))
screen = cached.priority_screen(catalogue, assessment, observations, priority.id)
indicator_ids = screen.indicator_ids
titles = {i.id: i.title for i in catalogue.indicators}
left, right = st.columns([6, 5], gap="medium")
with left:
    # The page's styles travel with the header: one element fewer to send on every visit.
    st.html(present.MEETING_CSS + present.priority_header_html(screen.line, index + 1, len(agenda)))
    # A long priority scrolls inside this frame instead of pushing the chart off the screen.
    with st.container(height=present.ROWS_FRAME_PX, border=False, key="indicator_rows"):
        st.html(screen.rows_html)
with right:
    key = present.key_indicator(catalogue, observations, priority.id)
    chosen = st.selectbox("Key chart (choose another indicator)", indicator_ids,
                          index=indicator_ids.index(key) if key else 0,
                          format_func=lambda i: titles[i], key=f"chart_pick_{priority.id}")
    # The charted indicator's full name, since a long name is cut inside the picker.
    st.html(present.chart_heading_html(titles[chosen]))
    spec = cached.key_chart(catalogue, observations, chosen, version, ui.file_key(config.CATALOGUE_PATH),
                            present.KEY_CHART_PX)
    if spec is None:
        st.info(f"{plain(titles[chosen])}: no published figures for {plain(catalogue.place.name)} yet, "
                "so there is nothing to chart.")
    else:
        st.vega_lite_chart(spec, width="stretch")  # described for screen readers (cached.key_chart)

# --- Below the fold: the priority in words, each indicator in full ------------------------------
st.header("Indicators in full")
st.caption(plain(priority.summary))
st.html(screen.cards_html)

# --- Decisions and actions ----------------------------------------------------------------------
st.header("Decisions and actions")
try:
    log = action_log.read_actions() if written is None else action_log.read_actions_at(written)
except db.DatabaseError as exc:
    st.error(f"The action log could not be read: {plain(exc)}")
    log = action_log.ActionLog()
for message in log.problems:
    st.warning(plain(message))
recorded = log.for_priority(priority.id)
if recorded:
    st.dataframe(
        [{"Recorded": a.recorded_at[:10], "Kind": a.kind, "What": a.text, "Owner": a.owner, "Due": a.due or "",
          "Status": a.status, "By": a.changed_by, "Indicator": titles.get(a.indicator_id or "", "")}
         for a in recorded],
        hide_index=True, width="stretch",
    )
else:
    st.text("None recorded for this priority yet.")

controls.action_form(access, priority_id=priority.id, indicator_ids=indicator_ids, titles=titles,
                     agenda_ids=agenda_ids, today=today)
controls.action_updates(access, recorded)
controls.manual_status_form(access, indicator_ids, titles, today)

# --- Mark meeting as held -----------------------------------------------------------------------
st.divider()
st.header("Mark meeting as held")
st.caption("Saves every status and latest value as they stand now, so the next meeting opens with what "
           "changed since this one. Marking the same day again saves a newer record for that day (the earlier "
           "one is kept).")
controls.held_control(access, lambda day: snapshot.take_snapshot(
    catalogue, assessment, observations, meeting_date=day, store_version=version), today)

"""Meeting mode: walk the agenda one priority per screen, in large type for a projector.

Order on screen: what changed since the last held meeting; the priority's status and reason;
its indicators' statuses; its key chart; decisions and actions (with a form to record one);
and the "Mark meeting as held" control. The agenda position lives in the `item` query
parameter, so a link opens on that priority. All logic is in `cohesion.meeting`.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from cohesion import accessibility as a11y
from cohesion import auth, db, ui
from cohesion.meeting import actions as action_log
from cohesion.meeting import controls, diff, present, snapshot
from cohesion.meeting.assess import indicator_line, priority_line
from cohesion.present import plain
from cohesion.report.charts import meeting_chart_spec

ui.through_entry_point()

catalogue = ui.require_catalogue()
observations = ui.observations()  # disclosure control applied by the read layer
version = ui.store_version()
today = date.today()
# The one status service, shared (and cached) with Headlines, Priorities and Trends.
assessment = ui.statuses(catalogue, today)
st.html(present.MEETING_CSS)
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
prev_col, pick_col, next_col = st.columns([1, 3, 1], vertical_alignment="bottom")
prev_col.button("◀ Previous", disabled=index == 0, width="stretch", on_click=_go, args=(max(index - 1, 0),))
next_col.button("Next ▶", disabled=index >= len(agenda) - 1, width="stretch", type="primary",
                on_click=_go, args=(min(index + 1, len(agenda) - 1),))
labels = [f"{n}. Priority {p.number}: {p.title}" for n, p in enumerate(agenda, start=1)]
choice = pick_col.selectbox("Agenda", labels, index=index, key=f"agenda_pick_{index}")
if labels.index(choice) != index:
    _go(labels.index(choice))
    st.rerun()

# --- Changed since the last meeting (first, so the meeting opens with it) -------------------
snap_problems: list[str] = []
try:
    before = snapshot.latest_snapshot(before=today, problems=snap_problems)
except db.DatabaseError as exc:
    before, snap_problems = None, [f"Earlier meetings could not be read: {exc}"]
with st.container(border=True):
    for message in snap_problems:
        st.warning(plain(message))
    if before is None:
        st.header("Changed since the last meeting")
        st.info("No earlier meeting has been marked as held, so there is nothing to compare with yet. "
                "At the end of this meeting, press **Mark meeting as held** (bottom of the page).")
    else:
        now = snapshot.take_snapshot(catalogue, assessment, observations, meeting_date=today, store_version=version)
        changes = diff.diff_snapshots(before, now, catalogue)
        mine = diff.changes_for(changes, catalogue, priority.id)
        st.header(f"Changed since the meeting on {before.meeting_date}")
        counts = diff.summary_counts(changes)
        st.markdown("Across all priorities: " + (", ".join(f"{n} × {label.lower()}" for label, n in counts.items())
                                                 if counts else "no changes") + ".")
        st.html(present.changes_html(mine))
        others = [c for c in changes if c not in mine]
        if others:
            with st.expander(f"Changes under other priorities ({len(others)})"):
                st.html(present.changes_html(others))

# --- The priority: status, reason, indicators, key chart ---------------------------------------
for notice in assessment.problems:
    st.caption(plain(notice))
line = priority_line(catalogue, assessment, priority.id)
st.html(present.priority_header_html(line, index + 1, len(agenda)))
st.caption(plain(priority.summary))

indicator_ids = [i.id for i in catalogue.indicators_for_priority(priority.id)]
left, right = st.columns([1, 1], gap="large")
with left:
    st.header("Indicators")
    for ind_id in indicator_ids:
        st.html(present.indicator_card_html(indicator_line(catalogue, assessment, observations, ind_id)))
with right:
    st.header("Key chart")
    key = present.key_indicator(catalogue, observations, priority.id)
    titles = {i.id: i.title for i in catalogue.indicators}
    chosen = st.selectbox("Indicator to chart", indicator_ids, index=indicator_ids.index(key) if key else 0,
                          format_func=lambda i: titles[i], key=f"chart_pick_{priority.id}")
    spec = meeting_chart_spec(catalogue, observations, chosen, height=380)
    if spec is None:
        st.info(f"{plain(titles[chosen])}: no published figures for {catalogue.place.name} yet, so there is nothing to chart.")
    else:
        text = a11y.indicator_chart_text(catalogue, observations, chosen)  # for screen readers
        st.vega_lite_chart(a11y.described_spec(spec, text), width="stretch", alt=text)

# --- Decisions and actions ----------------------------------------------------------------------
st.header("Decisions and actions")
try:
    log = action_log.read_actions()
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
           "changed since this one. Marking the same day again saves a newer snapshot for that day (the earlier "
           "one is kept).")
controls.held_control(access, lambda day: snapshot.take_snapshot(
    catalogue, assessment, observations, meeting_date=day, store_version=version), today)

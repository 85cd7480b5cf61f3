"""Meeting mode: walk the agenda one priority per screen, in large type for a projector.

Order on screen: what changed since the last held meeting; the priority's status and reason;
its indicators' statuses; its key chart; decisions and actions (with a form to record one);
and the "Mark meeting as held" control. The agenda position lives in the `item` query
parameter, so a link opens on that priority. All logic is in `cohesion.meeting`.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from cohesion import ui
from cohesion.meeting import actions as action_log
from cohesion.meeting import diff, present, snapshot
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
before = snapshot.latest_snapshot(before=today, problems=snap_problems)
with st.container(border=True):
    for message in snap_problems:
        st.warning(plain(message))
    if before is None:
        st.subheader("Changed since the last meeting")
        st.info("No earlier meeting has been marked as held, so there is nothing to compare with yet. "
                "At the end of this meeting, press **Mark meeting as held** (bottom of the page).")
    else:
        now = snapshot.take_snapshot(catalogue, assessment, observations, meeting_date=today, store_version=version)
        changes = diff.diff_snapshots(before, now, catalogue)
        mine = diff.changes_for(changes, catalogue, priority.id)
        st.subheader(f"Changed since the meeting on {before.meeting_date}")
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
    st.subheader("Indicators")
    for ind_id in indicator_ids:
        st.html(present.indicator_card_html(indicator_line(catalogue, assessment, observations, ind_id)))
with right:
    st.subheader("Key chart")
    key = present.key_indicator(catalogue, observations, priority.id)
    titles = {i.id: i.title for i in catalogue.indicators}
    chosen = st.selectbox("Indicator to chart", indicator_ids, index=indicator_ids.index(key) if key else 0,
                          format_func=lambda i: titles[i], key=f"chart_pick_{priority.id}")
    spec = meeting_chart_spec(catalogue, observations, chosen, height=380)
    if spec is None:
        st.info(f"{plain(titles[chosen])}: no published figures for {catalogue.place.name} yet, so there is nothing to chart.")
    else:
        st.vega_lite_chart(spec, width="stretch")

# --- Decisions and actions ----------------------------------------------------------------------
st.subheader("Decisions and actions")
log = action_log.read_actions()
for message in log.problems:
    st.warning(plain(message))
recorded = log.for_priority(priority.id)
if recorded:
    st.dataframe(
        [{"Recorded": a.recorded_at[:10], "Kind": a.kind, "What": a.text, "Owner": a.owner, "Due": a.due or "",
          "Indicator": titles.get(a.indicator_id or "", "")} for a in recorded],
        hide_index=True, width="stretch",
    )
else:
    st.text("None recorded for this priority yet.")

with st.form(f"action_form_{priority.id}", clear_on_submit=True):
    st.markdown("**Record a decision or action**")
    kind = st.radio("Kind", list(action_log.KINDS), horizontal=True, format_func=str.capitalize)
    text = st.text_area("What was decided, or what is to be done", max_chars=action_log.MAX_TEXT_CHARS)
    c1, c2, c3 = st.columns(3)
    owner = c1.text_input("Owner (needed for an action)", max_chars=action_log.MAX_OWNER_CHARS)
    due = c2.date_input("Due date", value=None, min_value=date(2000, 1, 1))
    about = c3.selectbox("About an indicator (optional)", [""] + indicator_ids,
                         format_func=lambda i: titles.get(i, "the priority as a whole"))
    if st.form_submit_button("Save to the action log", type="primary"):
        try:
            record = action_log.new_action(
                kind=kind, priority_id=priority.id, text=text, owner=owner, due=due, indicator_id=about or None,
                meeting_date=today, known_priorities=set(agenda_ids), known_indicators=set(indicator_ids),
            )
            action_log.append_action(record)
        except action_log.ActionError as exc:
            st.error(f"Not saved: {plain(exc)}")
        except OSError as exc:
            st.error(f"Not saved: could not write the action log ({exc.strerror or exc}).")
        else:
            st.success(f"Saved: {record.kind} “{plain(record.text[:80])}”.")
            st.rerun()

# --- Mark meeting as held -----------------------------------------------------------------------
st.divider()
st.subheader("Mark meeting as held")
st.caption("Saves every status and latest value as they stand now, so the next meeting opens with what "
           "changed since this one. Marking the same day again replaces that day's snapshot.")
held_col, button_col = st.columns([1, 2], vertical_alignment="bottom")
held_on = held_col.date_input("Meeting date", value=today, max_value=today, key="held_on")
if button_col.button("Mark meeting as held"):
    snap = snapshot.take_snapshot(catalogue, assessment, observations, meeting_date=held_on, store_version=version)
    try:
        path = snapshot.save_snapshot(snap)
    except OSError as exc:
        st.error(f"Could not save the snapshot ({exc.strerror or exc}).")
    else:
        st.success(f"Meeting of {held_on.isoformat()} marked as held: {len(snap.indicators)} indicators and "
                   f"{len(snap.priorities)} priorities saved ({path.name}).")

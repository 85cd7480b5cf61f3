"""The meeting page's write controls: record an action, update one, mark the meeting as held,
set a manual status. Each is drawn only for a role that may use it (see `cohesion.auth`);
otherwise the page says why.

A failed save (a field refused, the database full or unreachable) shows one sentence and keeps
everything typed in the form: widget values live in session state under keys that only change
after a successful save, which is what empties the form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from cohesion import db
from cohesion.auth import Access
from cohesion.meeting import actions as action_log
from cohesion.meeting import snapshot
from cohesion.meeting.present import held_line
from cohesion.present import plain
from cohesion.status import manual


def _generation(name: str) -> int:
    return st.session_state.setdefault(f"_gen_{name}", 0)


def _saved(name: str, message: str) -> None:
    # New widget keys on the next run: the form comes back empty only after a successful save.
    st.session_state[f"_gen_{name}"] = _generation(name) + 1
    st.session_state[f"_flash_{name}"] = message
    st.rerun()


def _flash(name: str) -> None:
    message = st.session_state.pop(f"_flash_{name}", None)
    if message:
        st.success(plain(message))


def action_form(access: Access, *, priority_id: str, indicator_ids: list[str], titles: dict[str, str],
                agenda_ids: list[str], today: date) -> None:
    """'Record a decision or action', for members and chairs."""
    if not access.can_record:
        st.info(plain(access.reason))
        return
    name = f"action_{priority_id}"
    _flash(name)
    gen = _generation(name)
    with st.form(f"action_form_{priority_id}", clear_on_submit=False):
        st.markdown("**Record a decision or action**")
        kind = st.radio("Kind", list(action_log.KINDS), horizontal=True, format_func=str.capitalize,
                        key=f"{name}_kind_{gen}")
        text = st.text_area("What was decided, or what is to be done", max_chars=action_log.MAX_TEXT_CHARS,
                            key=f"{name}_text_{gen}")
        c1, c2, c3 = st.columns(3)
        owner = c1.text_input("Owner (needed for an action)", max_chars=action_log.MAX_OWNER_CHARS,
                              key=f"{name}_owner_{gen}")
        due = c2.date_input("Due date", value=None, min_value=date(2000, 1, 1), key=f"{name}_due_{gen}")
        about = c3.selectbox("About an indicator (optional)", [""] + indicator_ids,
                             format_func=lambda i: titles.get(i, "the priority as a whole"), key=f"{name}_about_{gen}")
        if st.form_submit_button("Save to the action log", type="primary"):
            _try(lambda: action_log.append_action(action_log.new_action(
                kind=kind, priority_id=priority_id, text=text, owner=owner, due=due, indicator_id=about or None,
                meeting_date=today, known_priorities=set(agenda_ids), known_indicators=set(indicator_ids),
            ), author=access.who), name, lambda r: f"Saved: {r.kind} “{r.text[:80]}”.")


def _try(save: Callable, name: str, success: Callable) -> None:
    try:
        result = save()
    except (action_log.ActionError, manual.ManualStatusError) as exc:
        st.error(f"Not saved: {plain(exc)}")
    except db.DatabaseError as exc:
        st.error(f"Not saved: {plain(exc)} What you typed is still in the form.")
    else:
        _saved(name, success(result))


def action_updates(access: Access, recorded: list[action_log.Action]) -> None:
    """Mark an action done (or open again) or correct it: each change is a new version."""
    if not access.can_record or not recorded:
        return
    name = "action_update"
    _flash(name)
    gen = _generation(name)
    with st.expander("Update or correct a recorded item (every change is kept as a new version)"):
        by_id = {a.id: a for a in recorded}
        chosen = st.selectbox("Item", list(by_id), format_func=lambda i: f"[{by_id[i].status}] {by_id[i].text[:90]}",
                              key=f"{name}_pick_{gen}")
        current = by_id[chosen]
        with st.form(f"action_update_form_{chosen}", clear_on_submit=False):
            status = st.radio("Status", list(action_log.STATUSES), index=action_log.STATUSES.index(current.status),
                              horizontal=True, key=f"{name}_status_{chosen}_{gen}")
            text = st.text_area("Text", value=current.text, max_chars=action_log.MAX_TEXT_CHARS,
                                key=f"{name}_text_{chosen}_{gen}")
            owner = st.text_input("Owner", value=current.owner, max_chars=action_log.MAX_OWNER_CHARS,
                                  key=f"{name}_owner_{chosen}_{gen}")
            note = st.text_input("Why (optional)", max_chars=action_log.MAX_NOTE_CHARS, key=f"{name}_note_{chosen}_{gen}")
            if st.form_submit_button("Save the change"):
                _try(lambda: action_log.update_action(current.id, based_on=current.version, author=access.who,
                                                      status=status, text=text, owner=owner, note=note),
                     name, lambda r: f"Saved version {r.version} of “{r.text[:60]}” ({r.status}).")
        history = action_log.action_history(chosen)
        if len(history) > 1:
            st.dataframe([{"Version": h.version, "When": h.changed_at[:16].replace("T", " "), "By": h.changed_by,
                           "Status": h.status, "Text": h.text, "Why": h.note} for h in history],
                         hide_index=True, width="stretch")


def held_control(access: Access, take: Callable[[date], snapshot.Snapshot], today: date) -> None:
    """'Mark meeting as held', for chairs."""
    if not access.can_chair:
        # A viewer already read why above the action form; a member learns why this one is off.
        st.info(plain(access.chair_reason()) if access.can_record else "Read-only: see “Decisions and actions” above.")
        return
    _flash("held")
    held_col, button_col = st.columns([1, 2], vertical_alignment="bottom")
    held_on = held_col.date_input("Meeting date", value=today, max_value=today, key="held_on")
    if button_col.button("Mark meeting as held"):
        snap = take(held_on)
        _try(lambda: snapshot.save_snapshot(snap, author=access.who), "held", lambda _id: _held(held_on, snap))


def _held(held_on: date, snap: snapshot.Snapshot) -> str:
    # The page also confirms at its top (where "no earlier meeting" was) and in a toast, from these keys.
    st.session_state["meeting_held"] = (held_on.isoformat(), len(snap.indicators), len(snap.priorities))
    st.session_state["meeting_held_now"] = True
    return held_line(held_on.isoformat(), len(snap.indicators), len(snap.priorities))


def manual_status_form(access: Access, indicator_ids: list[str], titles: dict[str, str], today: date) -> None:
    """'Set a Delivery Group status', for chairs (a new entry; earlier ones are kept)."""
    if not access.can_chair:
        return
    name = "manual_status"
    _flash(name)
    gen = _generation(name)
    with st.expander("Set a Delivery Group status for an indicator (chairs)"), \
            st.form("manual_status_form", clear_on_submit=False):
        ind = st.selectbox("Indicator", indicator_ids, format_func=lambda i: titles.get(i, i), key=f"{name}_ind_{gen}")
        status = st.radio("Status", list(manual.ALLOWED_STATUSES), horizontal=True, key=f"{name}_status_{gen}")
        commentary = st.text_area("Commentary", max_chars=2000, key=f"{name}_text_{gen}")
        owner = st.text_input("Set by (person or role)", value=access.who, max_chars=120, key=f"{name}_owner_{gen}")
        if st.form_submit_button("Save the status"):
            _try(lambda: manual.set_manual_status(indicator_id=ind, status=status, commentary=commentary, owner=owner,
                                                  set_on=today, author=access.who, known_ids=set(indicator_ids)),
                 name, lambda e: f"Saved: {titles.get(e['indicator_id'], e['indicator_id'])} is {e['status']}.")

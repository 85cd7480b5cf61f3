"""Meeting mode's logic: shared statuses, snapshots of held meetings, their diff, the action log."""

from cohesion.meeting.actions import Action, ActionError, ActionLog, append_action, new_action, read_actions
from cohesion.meeting.assess import Assessment, format_value, latest_observation
from cohesion.meeting.diff import Change, changes_for, diff_snapshots
from cohesion.meeting.snapshot import Snapshot, SnapshotError, latest_snapshot, save_snapshot, take_snapshot

__all__ = [
    "Action", "ActionError", "ActionLog", "Assessment", "Change", "Snapshot", "SnapshotError",
    "append_action", "changes_for", "diff_snapshots", "format_value", "latest_observation",
    "latest_snapshot", "new_action", "read_actions", "save_snapshot", "take_snapshot",
]

"""`python -m cohesion meeting held|actions|diff`: meeting snapshots and the action log from a shell.

`held` saves a snapshot of every status and latest value (what the "Mark meeting as held" button
does), recorded as written by the OS account running the command; `diff` prints what changed
since the last held meeting; `actions` lists the recorded decisions and actions (newest version
of each). Errors, including an unreachable or full database, are one clear message and a
non-zero exit code.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pandas as pd

from cohesion import config, db, query, store
from cohesion.catalogue import Catalogue, CatalogueError, load_catalogue
from cohesion.meeting.actions import read_actions
from cohesion.meeting.diff import diff_snapshots
from cohesion.meeting.snapshot import latest_snapshot, save_snapshot, take_snapshot
from cohesion.status.service import assess_current


def load_current(catalogue_path: Path | None = None) -> tuple[Catalogue, pd.DataFrame, store.Manifest | None]:
    """The catalogue, the live observations and the store manifest (CatalogueError if invalid)."""
    catalogue = load_catalogue(catalogue_path or config.CATALOGUE_PATH)
    return catalogue, query.current(catalogue), query.manifest()


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got '{text}'") from exc


def _held(catalogue: Catalogue, observations: pd.DataFrame, day: date) -> int:
    assessment = assess_current(catalogue, day, observations=observations)
    snap = take_snapshot(catalogue, assessment, observations, meeting_date=day, store_version=query.store_version())
    save_snapshot(snap, author=db.os_author())
    for notice in assessment.notices:
        print(f"note: {notice}")
    print(f"Meeting of {day.isoformat()} marked as held by {db.os_author()}: {len(snap.indicators)} indicators "
          f"and {len(snap.priorities)} priorities saved to the database ({db.describe(db.database_url())})")
    return 0


def _diff(catalogue: Catalogue, observations: pd.DataFrame, day: date) -> int:
    problems: list[str] = []
    before = latest_snapshot(before=day, problems=problems)
    for problem in problems:
        print(f"warning: {problem}")
    if before is None:
        print("No meeting has been marked as held before today, so there is nothing to compare with.")
        return 0
    assessment = assess_current(catalogue, day, observations=observations)
    now = take_snapshot(catalogue, assessment, observations, meeting_date=day, store_version=query.store_version())
    changes = diff_snapshots(before, now, catalogue)
    print(f"Changed since the meeting on {before.meeting_date}: {len(changes)} change(s)")
    for change in changes:
        print(f"  [{change.label}] {change.sentence}")
    return 0


def _actions(catalogue: Catalogue, priority: str | None) -> int:
    log = read_actions()
    for problem in log.problems:
        print(f"warning: {problem}")
    shown = log.for_priority(priority) if priority else log.actions
    if not shown:
        print("No decisions or actions recorded yet.")
        return 0
    titles = {p.id: f"P{p.number}" for p in catalogue.priorities}
    for a in shown:
        due = f" due {a.due}" if a.due else ""
        owner = f" owner {a.owner}" if a.owner else ""
        print(f"{a.recorded_at[:10]} {titles.get(a.priority_id, a.priority_id):4} {a.kind:8} [{a.status}] "
              f"{a.text}{owner}{due} (v{a.version}, by {a.changed_by})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cohesion meeting")
    sub = parser.add_subparsers(dest="command", required=True)
    held = sub.add_parser("held", help="save a snapshot of every status: the meeting was held")
    held.add_argument("--date", type=parse_day, default=date.today(), help="meeting date, YYYY-MM-DD (default today)")
    diff = sub.add_parser("diff", help="what changed since the last held meeting")
    diff.add_argument("--date", type=parse_day, default=date.today(), help="compare as of this date (default today)")
    acts = sub.add_parser("actions", help="list recorded decisions and actions")
    acts.add_argument("--priority", help="only this priority id")
    args = parser.parse_args(argv)
    try:
        catalogue, observations, _manifest = load_current()
    except CatalogueError as exc:
        print(f"The catalogue has {len(exc.problems)} problem(s); fix them first:")
        for problem in exc.problems:
            print(f"  {problem}")
        return 2
    try:
        if args.command == "held":
            return _held(catalogue, observations, args.date)
        if args.command == "diff":
            return _diff(catalogue, observations, args.date)
        return _actions(catalogue, args.priority)
    except db.DatabaseError as exc:
        print(f"error: {exc}")
        return 1

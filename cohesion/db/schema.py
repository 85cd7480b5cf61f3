"""The tables, as SQLAlchemy Core definitions. Rows are only ever added, never updated or deleted.

- `action_versions`: every version of every decision or action. Correcting one, or marking it
  done, adds version n+1; the newest version is what the dashboard shows and every older one is
  its history.
- `snapshots`: one row per "mark meeting as held"; marking the same day again adds a newer row,
  which then wins for that day.
- `manual_statuses`: statuses the Delivery Group sets by hand (imported from manual_status.csv
  or set on the dashboard); the newest entry per indicator is the one used.
- `imports`: which legacy files were imported, when, and what could not be (e.g. a torn line).

Every row says who wrote it and when (`written_by`, `written_at`, UTC ISO timestamps).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

action_versions = sa.Table(
    "action_versions", metadata,
    sa.Column("action_id", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("priority_id", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False, default=""),
    sa.Column("due", sa.String(10)),
    sa.Column("indicator_id", sa.String(200)),
    sa.Column("meeting_date", sa.String(10)),
    sa.Column("status", sa.String(8), nullable=False, default="open"),
    sa.Column("note", sa.Text, nullable=False, default=""),  # why this version was written
    sa.Column("written_at", sa.String(32), nullable=False),
    sa.Column("written_by", sa.String(320), nullable=False),
)
sa.Index("ix_action_versions_priority", action_versions.c.priority_id)

snapshots = sa.Table(
    "snapshots", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("meeting_date", sa.String(10), nullable=False, index=True),
    sa.Column("taken_at", sa.String(32), nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # the snapshot as JSON (see meeting/snapshot.py)
    sa.Column("import_key", sa.String(200), unique=True),  # set for rows imported from a file
    sa.Column("written_at", sa.String(32), nullable=False),
    sa.Column("written_by", sa.String(320), nullable=False),
)

manual_statuses = sa.Table(
    "manual_statuses", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("indicator_id", sa.String(200), nullable=False, index=True),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("commentary", sa.Text, nullable=False, default=""),
    sa.Column("owner", sa.String(200), nullable=False, default=""),
    sa.Column("set_on", sa.String(10), nullable=False),
    sa.Column("review_days", sa.Integer),
    sa.Column("import_key", sa.String(200), unique=True),  # set for rows imported from the CSV
    sa.Column("written_at", sa.String(32), nullable=False),
    sa.Column("written_by", sa.String(320), nullable=False),
)

imports = sa.Table(
    "imports", metadata,
    sa.Column("source", sa.String(200), primary_key=True),  # e.g. "meetings/actions.jsonl"
    sa.Column("imported_at", sa.String(32), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("problems", sa.Text, nullable=False, default="[]"),  # JSON list of sentences
)

"""`python -m cohesion report --out FILE.pdf [--today YYYY-MM-DD]`: write the board pack.

Reads the catalogue, the live store, the action log and the latest held meeting (for "changed
since the last meeting"), builds the PDF and prints where it went, how many pages and how long
it took. Problems come back as one message and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from cohesion import store
from cohesion.catalogue import CatalogueError
from cohesion.meeting.actions import read_actions
from cohesion.meeting.assess import assess
from cohesion.meeting.cli import load_current, parse_day
from cohesion.meeting.diff import diff_snapshots
from cohesion.meeting.snapshot import latest_snapshot, take_snapshot
from cohesion.report.pack import build_board_pack


def count_pages(pdf: bytes) -> int:
    """Pages in a PDF we wrote (reportlab writes one `/Type /Page` object per page)."""
    return pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page>")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cohesion report", description="Build the board pack PDF.")
    parser.add_argument("--out", required=True, help="where to write the PDF, e.g. out/board-pack.pdf")
    parser.add_argument("--today", type=parse_day, default=date.today(),
                        help="the date statuses are assessed at and printed on the cover (default today)")
    args = parser.parse_args(argv)
    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".pdf":
        print(f"--out {args.out}: expected a file name ending in .pdf")
        return 2
    started = time.perf_counter()
    try:
        catalogue, observations, manifest = load_current()
    except CatalogueError as exc:
        print(f"The catalogue has {len(exc.problems)} problem(s); fix them first:")
        for problem in exc.problems:
            print(f"  {problem}")
        return 2
    if manifest is None:
        print("note: no data store yet (run `python -m cohesion refresh`); the pack will show no figures.")
    log = read_actions()
    for problem in log.problems:
        print(f"warning: {problem}")
    assessment = assess(catalogue, observations, today=args.today)
    problems: list[str] = []
    before = latest_snapshot(before=args.today, problems=problems)
    for problem in problems:
        print(f"warning: {problem}")
    changes = None
    if before is not None:
        now = take_snapshot(catalogue, assessment, observations, meeting_date=args.today,
                            store_version=store.current_version())
        changes = diff_snapshots(before, now, catalogue)
    pdf = build_board_pack(catalogue, observations, manifest, today=args.today, actions=log.actions,
                           assessment=assessment, changes=changes)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(pdf)
    except OSError as exc:
        print(f"Could not write {out}: {exc.strerror or exc}")
        return 1
    seconds = time.perf_counter() - started
    print(f"Wrote {out}: {count_pages(pdf)} pages, {len(pdf) / 1024:,.0f} KB, in {seconds:.1f} s")
    return 0

"""Benchmarks for the board pack and meeting mode, wired into `python -m cohesion bench`.

Measures the pack on the live catalogue and store: a cold build (charts rendered by vl-convert),
a warm build (chart PNGs cached in the process), one chart render on its own, and the meeting
pieces that run on every page load (assessment + snapshot diff) or on a Save (one log append).
Timings are reported, never asserted.
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from cohesion import config, query
from cohesion.catalogue import CatalogueError, load_catalogue
from cohesion.meeting.actions import append_action, new_action
from cohesion.meeting.diff import diff_snapshots
from cohesion.meeting.snapshot import take_snapshot
from cohesion.report import charts
from cohesion.report.pack import build_board_pack
from cohesion.status.service import assess_current


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def _median(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench() -> list[tuple[str, str]]:
    """(label, measured figure) pairs for the board pack and meeting mode."""
    try:
        catalogue = load_catalogue(config.CATALOGUE_PATH)
    except CatalogueError as exc:
        return [("report: board pack", f"not measured: the catalogue has {len(exc.problems)} problem(s)")]
    observations, manifest = query.current(catalogue), query.manifest()
    today = date.today()
    out: list[tuple[str, str]] = []

    charts._PNG_CACHE.clear()  # cold: every chart rendered
    started = time.perf_counter()
    pdf = build_board_pack(catalogue, observations, manifest, today=today)
    cold = time.perf_counter() - started
    try:
        from pypdf import PdfReader

        pages = f"{len(PdfReader(io.BytesIO(pdf)).pages)} pages, "
    except ImportError:
        pages = ""
    out.append((f"report: board pack, cold ({len(observations):,} observations)",
                f"{cold:.2f} s; {pages}{len(pdf) / 1024:,.0f} KB"))
    warm = _median(lambda: build_board_pack(catalogue, observations, manifest, today=today), 3)
    out.append(("report: board pack, warm (charts cached)", f"{warm:.2f} s (median of 3)"))

    with_data = next((i.id for i in catalogue.indicators if charts.key_chart(catalogue, observations, i.id)), None)
    if with_data:
        spec = charts.key_chart(catalogue, observations, with_data)
        render = _median(lambda: charts.chart_png(spec), 5)
        out.append(("report: one chart rendered to PNG (vl-convert)", f"{_ms(render)} (median of 5)"))

    assessment = assess_current(catalogue, today, observations=observations)
    before = take_snapshot(catalogue, assessment, observations, meeting_date=today, store_version=None)

    def page_work() -> None:
        a = assess_current(catalogue, today, observations=observations)
        now = take_snapshot(catalogue, a, observations, meeting_date=today, store_version=None)
        diff_snapshots(before, now, catalogue)

    out.append(("meeting: assess + snapshot + diff (uncached page load)", f"{_ms(_median(page_work, 5))} (median of 5)"))

    with tempfile.TemporaryDirectory() as folder:
        from cohesion import db

        old = os.environ.get(db.ENV_DATABASE_URL)
        os.environ[db.ENV_DATABASE_URL] = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        try:
            append = _median(lambda: append_action(new_action(
                kind="action", priority_id=catalogue.agenda()[0].id, text="Benchmark action", owner="bench")), 200)
        finally:
            os.environ.pop(db.ENV_DATABASE_URL) if old is None else os.environ.update({db.ENV_DATABASE_URL: old})
            db.forget_engines()
    out.append(("meeting: one action saved to the database (SQLite, one transaction)", f"{_ms(append)} (median of 200)"))
    return out


if __name__ == "__main__":
    for label, figure in bench():
        print(f"{label:60} {figure}")

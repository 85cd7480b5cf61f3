"""Benchmarks for the board pack and meeting mode, wired into `python -m cohesion bench`.

Measures the pack on the live catalogue and store: a cold build (charts rendered by vl-convert,
then printed by WeasyPrint), a warm build (chart PNGs cached in the process), its two halves (the
pack model and HTML; the tagged PDF), importing WeasyPrint in a fresh process (paid once per
process, before the first pack), one chart render on its own, and the meeting pieces that run
on every page load (assessment + snapshot diff) or on a Save (one log append). Wall time and
CPU time are both given: on a shared machine the CPU time is the steadier figure. Timings are
reported, never asserted.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from cohesion import config, query
from cohesion.catalogue import CatalogueError, load_catalogue
from cohesion.meeting.actions import append_action, new_action
from cohesion.meeting.diff import diff_snapshots
from cohesion.meeting.snapshot import take_snapshot
from cohesion.report import charts, render
from cohesion.report.pack import build_board_pack, pack_html
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


def _import_seconds() -> str:
    """Wall time to import WeasyPrint (and load Pango) in a new interpreter."""
    code = "import time; t = time.perf_counter(); import weasyprint; print(time.perf_counter() - t)"
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
        return f"{float(done.stdout.strip().splitlines()[-1]):.2f} s"
    except (subprocess.SubprocessError, ValueError, IndexError) as exc:
        return f"not measured ({type(exc).__name__})"


def _pack(catalogue, observations, manifest, today: date) -> list[tuple[str, str]]:
    """Cold and warm pack builds, their two halves, and importing WeasyPrint."""
    out = [("report: import WeasyPrint in a fresh process (once per process)", _import_seconds())]
    charts._PNG_CACHE.clear()  # cold: every chart rendered
    started, cpu = time.perf_counter(), time.process_time()
    pdf = build_board_pack(catalogue, observations, manifest, today=today)
    cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
    try:
        from pypdf import PdfReader

        pages = f"{len(PdfReader(io.BytesIO(pdf)).pages)} pages, "
    except ImportError:
        pages = ""
    out.append((f"report: board pack, cold ({len(observations):,} observations)",
                f"{cold:.2f} s wall, {cold_cpu:.2f} s CPU; {pages}{len(pdf) / 1024:,.0f} KB"))
    warm = _median(lambda: build_board_pack(catalogue, observations, manifest, today=today), 3)
    out.append(("report: board pack, warm (charts cached)", f"{warm:.2f} s (median of 3)"))
    html = pack_html(catalogue, observations, manifest, today=today)
    model = _median(lambda: pack_html(catalogue, observations, manifest, today=today), 3)
    out.append(("report: pack model + HTML (charts cached)", f"{_ms(model)} (median of 3)"))
    out.append(("report: HTML to tagged PDF (WeasyPrint, PDF/UA-1)",
                f"{_median(lambda: render.html_to_pdf(html), 3):.2f} s (median of 3)"))
    with_data = next((i.id for i in catalogue.indicators if charts.key_chart(catalogue, observations, i.id)), None)
    if with_data:
        spec = charts.key_chart(catalogue, observations, with_data)
        one_chart = _median(lambda: charts.chart_png(spec), 5)
        out.append(("report: one chart rendered to PNG (vl-convert)", f"{_ms(one_chart)} (median of 5)"))
    return out


def bench() -> list[tuple[str, str]]:
    """(label, measured figure) pairs for the board pack and meeting mode."""
    try:
        catalogue = load_catalogue(config.CATALOGUE_PATH)
    except CatalogueError as exc:
        return [("report: board pack", f"not measured: the catalogue has {len(exc.problems)} problem(s)")]
    observations, manifest = query.current(catalogue), query.manifest()
    today = date.today()
    problem = render.available()
    out = _pack(catalogue, observations, manifest, today) if problem is None else \
        [("report: board pack", f"not measured: {problem}")]

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

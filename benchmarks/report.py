"""Benchmarks for the board pack and meeting mode, wired into `python -m cohesion bench`.

Measures the pack on the live catalogue and store: `python -m cohesion report` end to end in
fresh processes (what a user waits for: imports, chart engine start, store, statuses, charts,
PDF); in this process a cold build (every chart rendered to SVG by vl-convert, then printed by
Typst), a warm build (chart SVGs cached in the process) and its two halves (the pack model
and its JSON document; the tagged PDF); importing Typst and its first document in a fresh process
(paid once per process, before the first pack); one chart render on its own; and the meeting pieces that run on every
page load (assessment + snapshot diff) or on a Save (one log append). Wall time and CPU time
are both given: on a shared machine the CPU time is the steadier figure, and the load average
is printed with the fresh-process runs. Timings are reported, never asserted.
"""

from __future__ import annotations

import io
import os
import resource
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
from cohesion.report.pack import build_board_pack, pack_document
from cohesion.status.service import assess_current

CLI_RUNS = 3


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def _median(fn, repeats: int) -> float:
    return _timed(fn, repeats)[0]


def _timed(fn, repeats: int) -> tuple[float, float]:
    """Median wall and median CPU seconds of `fn` (CPU: every thread of this process)."""
    walls, cpus = [], []
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _both(fn, repeats: int) -> str:
    wall, cpu = _timed(fn, repeats)
    return f"{cpu:.2f} s CPU, {wall:.2f} s wall (medians of {repeats})"


def _load() -> str:
    try:
        return f"load average {os.getloadavg()[0]:.1f}"
    except OSError:
        return "load average unknown"


def _import_seconds() -> str:
    """CPU and wall time to import Typst and print its first (tiny) document in a new interpreter."""
    code = ("import time; t, c = time.perf_counter(), time.process_time(); from cohesion.report import render; "
            "render.warm_up(); print(time.process_time() - c, time.perf_counter() - t)")
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                              cwd=config.PROJECT_ROOT)
        cpu, wall = (float(x) for x in done.stdout.strip().splitlines()[-1].split())
        return f"{cpu:.2f} s CPU, {wall:.2f} s wall"
    except (subprocess.SubprocessError, ValueError, IndexError) as exc:
        return f"not measured ({type(exc).__name__})"


def _first_print_seconds(document: str, today: date, runs: int = CLI_RUNS) -> str:
    """Median CPU and wall time of printing `document` once in a fresh process that has warmed up."""
    code = ("import sys, time; from datetime import date; from cohesion.report import render; render.warm_up(); "
            "doc = sys.stdin.read(); t, c = time.perf_counter(), time.process_time(); "
            f"render.document_to_pdf(doc, created=date.fromisoformat({today.isoformat()!r})); "
            "print(time.process_time() - c, time.perf_counter() - t)")
    cpus, walls = [], []
    try:
        for _ in range(runs):
            done = subprocess.run([sys.executable, "-c", code], input=document, capture_output=True, text=True,
                                  timeout=120, check=True, cwd=config.PROJECT_ROOT)
            cpu, wall = (float(x) for x in done.stdout.strip().splitlines()[-1].split())
            cpus.append(cpu)
            walls.append(wall)
    except (subprocess.SubprocessError, ValueError, IndexError) as exc:
        return f"not measured ({type(exc).__name__})"
    return f"{statistics.median(cpus):.2f} s CPU, {statistics.median(walls):.2f} s wall (medians of {runs})"


def _cli_seconds(runs: int = CLI_RUNS) -> str:
    """`python -m cohesion report` in fresh processes: median CPU (the child's user + system) and wall."""
    walls, cpus = [], []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            try:
                subprocess.run([sys.executable, "-m", "cohesion", "report", "--out", str(Path(folder) / "pack.pdf")],
                               capture_output=True, timeout=300, check=True, cwd=config.PROJECT_ROOT)
            except subprocess.SubprocessError as exc:
                return f"not measured ({type(exc).__name__})"
            walls.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return (f"{statistics.median(cpus):.2f} s CPU, {statistics.median(walls):.2f} s wall "
            f"(medians of {runs}; {_load()})")


def _pack(catalogue, observations, manifest, today: date) -> list[tuple[str, str]]:
    """The pack end to end in fresh processes; then cold and warm builds here, their two halves,
    and starting the PDF library."""
    out = [("report: `python -m cohesion report`, fresh process, end to end", _cli_seconds()),
           ("report: import Typst + first document in a fresh process (once per process)", _import_seconds())]
    charts._SVG_CACHE.clear()  # cold: every chart rendered, and the chart engine started, in this process
    started, cpu = time.perf_counter(), time.process_time()
    pdf = build_board_pack(catalogue, observations, manifest, today=today)
    cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
    try:
        from pypdf import PdfReader

        pages = f"{len(PdfReader(io.BytesIO(pdf)).pages)} pages, "
    except ImportError:
        pages = ""
    out.append((f"report: board pack, cold ({len(observations):,} observations)",
                f"{cold_cpu:.2f} s CPU, {cold:.2f} s wall; {pages}{len(pdf) / 1024:,.0f} KB"))
    out.append(("report: board pack, warm (charts cached)",
                _both(lambda: build_board_pack(catalogue, observations, manifest, today=today), 3)))
    document = pack_document(catalogue, observations, manifest, today=today)
    out.append(("report: pack model + JSON document (charts cached)",
                _both(lambda: pack_document(catalogue, observations, manifest, today=today), 3)))
    # Typst remembers what it laid out: printing the same document again in this process costs
    # ~10 ms, so the figure is a fresh process's first print of it (after the engine's warm-up).
    out.append(("report: document to tagged PDF (Typst, PDF/UA-1), first print in a process",
                _first_print_seconds(document, today)))
    with_data = next((i.id for i in catalogue.indicators if charts.key_chart(catalogue, observations, i.id)), None)
    if with_data:
        spec = charts.key_chart(catalogue, observations, with_data)
        one_chart = _median(lambda: charts.chart_svg(spec), 5)
        out.append(("report: one chart rendered to SVG (vl-convert)", f"{_ms(one_chart)} (median of 5)"))
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

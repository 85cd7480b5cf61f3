"""Every page's warm rerun and the refresh at 1x, 3x and 10x national scale (`python -m cohesion bench`).

The generated set (`benchmarks.run.generate_national_scale`: 300 areas x 100 indicators x 15
periods, areas multiplied by the scale) is refreshed in a child process, so its time and peak
memory are the refresh's own (the child reports its peak resident set). Then each page of the
dashboard, and the same page of the plain app (`benchmarks/plain_app.py`, the tutorials' way),
runs once in AppTest to fill its caches and is rerun: the figure is the median CPU time of the
process per warm rerun (CPU, not wall-clock, because the machine is shared and noisy). Figures
are printed, never asserted.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cohesion import config

SCALES = (1, 3, 10)
WARM_RUNS = 7
# url_path -> (page file, query parameters that make the page draw its heaviest view)
PAGES = {
    "headlines": ("pages/headlines.py", {}),
    "priorities": ("pages/priorities.py", {}),
    "trends": ("pages/trends.py", {"indicator": "gen_000"}),
    "compare": ("pages/compare.py", {}),
    "spaces": ("pages/spaces.py", {}),
    "meeting": ("pages/meeting.py", {}),
    "data": ("pages/data.py", {}),
}
PLAIN_APP = Path(__file__).resolve().parent / "plain_app.py"

_REFRESH_CHILD = """
import json, resource, sys, time
from pathlib import Path
from cohesion.refresh import refresh


def peak_mb():
    # VmHWM: this process's own peak. ru_maxrss would also count the parent's resident memory at
    # the fork (Linux folds it in at exec), and the parent holds the previous scale's tables.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


start, cpu = time.perf_counter(), time.process_time()
manifest = refresh(Path(sys.argv[1]), progress=lambda _m: None)
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "rows": sum(r.rows for r in manifest.sources.values()),
                  "peak_mb": peak_mb()}))
"""


def refresh_in_child(catalogue_path: Path) -> dict:
    """Refresh the store (COHESION_DATA_DIR as set) in a child process: seconds, CPU, rows, peak MB."""
    done = subprocess.run([sys.executable, "-c", _REFRESH_CHILD, str(catalogue_path)], capture_output=True,
                          text=True, cwd=config.PROJECT_ROOT, check=False)
    if done.returncode:
        raise RuntimeError(f"refresh failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def warm_cpu_ms(run: Callable[[], object], runs: int = WARM_RUNS) -> float:
    """Median process CPU time of `runs` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        run()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def project_page_ms(page: str, params: dict[str, str], runs: int = WARM_RUNS) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(config.PROJECT_ROOT / "dashboard.py"), default_timeout=300)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    if at.exception:
        raise RuntimeError(f"{page} failed: {at.exception[0].value}")
    return warm_cpu_ms(at.run, runs)


def _plain_script(url_path: str, script: str) -> None:
    # Runs benchmarks/plain_app.py with its navigation fixed on one page (AppTest cannot switch
    # to a page that is a function). AppTest runs this function's source alone: imports inside.
    import runpy

    import streamlit as st

    class Chosen:
        def __init__(self, page) -> None:
            self.run = page._page  # the page's function, called as navigation's run() would

    real = st.navigation
    st.navigation = lambda pages, **_kw: Chosen(next(p for p in pages if p._page.__name__ == url_path))
    try:
        runpy.run_path(script, run_name="__main__")
    finally:
        st.navigation = real


def plain_page_ms(url_path: str, runs: int = WARM_RUNS) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_plain_script, args=(url_path, str(PLAIN_APP)), default_timeout=300)
    at.run()
    if at.exception:
        raise RuntimeError(f"plain {url_path} failed: {at.exception[0].value}")
    return warm_cpu_ms(at.run, runs)


def scale_figures(scale: int, pages: dict = PAGES, runs: int = WARM_RUNS) -> dict:
    """Refresh and page figures at one scale: {"refresh": {...}, "pages": {url_path: (project, plain)}}."""
    from benchmarks.run import generate_national_scale, temporary_data_dir
    from benchmarks.status import _catalogue_at

    out: dict = {"pages": {}}
    with temporary_data_dir(with_shipped=False) as data:
        catalogue_path = generate_national_scale(data, scale=scale)
        out["refresh"] = refresh_in_child(catalogue_path)
        with _catalogue_at(catalogue_path):
            for url_path, (page, params) in pages.items():
                try:
                    project = project_page_ms(page, params, runs)
                except Exception as exc:  # a page that fails is reported, the others still run
                    project = f"failed: {exc}"
                try:
                    plain = plain_page_ms(url_path, runs)
                except Exception as exc:
                    plain = f"failed: {exc}"
                out["pages"][url_path] = (project, plain)
    return out


def _fmt(value: object) -> str:
    return f"{value:.0f} ms" if isinstance(value, float) else str(value)


def bench(scales: tuple[int, ...] = SCALES) -> list[tuple[str, str]]:
    """(label, figure) pairs: refresh time and peak per scale, then each page's warm rerun CPU."""
    out: list[tuple[str, str]] = []
    for scale in scales:
        figures = scale_figures(scale)
        r = figures["refresh"]
        out.append((f"refresh at {scale}x national scale ({r['rows']:,} rows, child process)",
                    f"{r['seconds']:.1f} s wall, {r['cpu']:.1f} s CPU, peak {r['peak_mb']:.0f} MB "
                    "(target < 10 s, < 1.5 GB at 10x)"))
        for url_path, (project, plain) in figures["pages"].items():
            out.append((f"page {url_path}: warm rerun CPU at {scale}x (project / plain app)",
                        f"{_fmt(project)} / {_fmt(plain)} (median of {WARM_RUNS}; target < 150 ms)"))
    return out


if __name__ == "__main__":
    chosen = tuple(int(a) for a in sys.argv[1:]) or SCALES
    for label, figure in bench(chosen):
        print(f"{label:72} {figure}", flush=True)
